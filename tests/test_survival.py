"""cxlib.survival against lifelines (its bundled data) and published values; RMST variance and customers kept by
bootstrap; result objects safe to sort, filter, merge and save."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.datasets import load_rossi, load_waltons
from lifelines.statistics import logrank_test, multivariate_logrank_test

from cxlib import survival
from cxlib.errors import ArgumentError

ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def _rossi():
    return load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))


def test_cox_reproduces_the_published_rossi_coefficients():
    """Fox (2002), 'Cox proportional-hazards regression for survival data', appendix to An R and S-PLUS
    Companion to Applied Regression, Table: coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio)."""
    published = {"fin": -0.3794, "age": -0.0574, "race": 0.3139, "wexp": -0.1498, "mar": -0.4337,
                 "paro": -0.0849, "prio": 0.0915}
    got = survival.cox(load_rossi(), duration="week", event="arrest", covariates=ROSSI_COVARIATES).table.set_index("covariate")
    for name, coef in published.items():
        assert got.loc[name, "coef"] == pytest.approx(coef, abs=5e-5)


def test_cox_equals_lifelines_coxphfitter():
    rossi = load_rossi()
    ref = CoxPHFitter().fit(rossi, "week", "arrest").summary
    model = survival.cox(rossi, duration="week", event="arrest", covariates=ROSSI_COVARIATES)
    got = model.table.set_index("covariate")
    for name in ROSSI_COVARIATES:
        assert got.loc[name, "coef"] == pytest.approx(ref.loc[name, "coef"], abs=1e-6)
        assert got.loc[name, "hazard_ratio"] == pytest.approx(ref.loc[name, "exp(coef)"], rel=1e-6)
        assert got.loc[name, "ci_low"] == pytest.approx(ref.loc[name, "exp(coef) lower 95%"], rel=1e-6)
        assert got.loc[name, "p_value"] == pytest.approx(ref.loc[name, "p"], rel=1e-6)
    assert model.n == len(rossi) and model.events == int(rossi["arrest"].sum())
    assert (got["n"] == len(rossi)).all()
    e = model.hazard_ratio("prio")
    assert e.estimate == pytest.approx(ref.loc["prio", "exp(coef)"], rel=1e-6) and e.n == len(rossi)


def test_cox_returns_the_proportional_hazards_test_as_a_result():
    got = survival.cox(load_rossi(), duration="week", event="arrest", covariates=ROSSI_COVARIATES)
    ph = got.ph_test.table.set_index("covariate")
    # R's cox.zph flags age and wexp in this model (and lifelines' documentation, with its approximation).
    assert ph.loc["age", "violated"] and ph.loc["wexp", "violated"] and not ph.loc["fin", "violated"]
    assert got.ph_test.violated == ["age", "wexp"]
    assert "change over follow-up" in got.ph_test.headline() and "Age" in got.ph_test.headline()


def test_cox_explains_constant_and_collinear_covariates():
    rossi = load_rossi().assign(const=1.0, prio2=lambda d: d["prio"] * 2)
    with pytest.raises(ArgumentError, match=r"\['const'\] take a single value") as err:
        survival.cox(rossi, duration="week", event="arrest", covariates=["fin", "const"])
    assert err.value.argument == "covariates"
    with pytest.raises(ArgumentError, match="collinear"):
        survival.cox(rossi, duration="week", event="arrest", covariates=["fin", "prio", "prio2"])


def test_cox_misspelt_reference_level_says_so_with_close_matches():
    w = load_waltons()
    with pytest.raises(ArgumentError, match="did you mean 'miR-137'") as err:
        survival.cox(w, duration="T", event="E", covariates=["group"], reference={"group": "miR-173"})
    assert err.value.argument == "reference" and "collinear" not in str(err.value)
    with pytest.raises(ArgumentError, match="not among the covariates") as err:
        survival.cox(w, duration="T", event="E", covariates=["group"], reference={"gruop": "control"})
    assert err.value.argument == "reference"


def test_cox_categorical_covariate_uses_the_reference_level_and_labels_in_words():
    w = load_waltons()
    model = survival.cox(w, duration="T", event="E", covariates=["group"], reference={"group": "control"})
    got = model.table
    assert got["covariate"].tolist() == ["group[miR-137]"]
    assert got["label"].tolist() == ["Group: miR-137"]
    assert model.reference == {"group": "control"}
    ref = CoxPHFitter().fit(w.assign(g=(w.group == "miR-137").astype(float))[["T", "E", "g"]], "T", "E").summary
    assert got.loc[0, "hazard_ratio"] == pytest.approx(ref.loc["g", "exp(coef)"], rel=1e-6)
    assert model.hazard_ratio("group", "miR-137").estimate == pytest.approx(ref.loc["g", "exp(coef)"], rel=1e-6)
    with pytest.raises(ArgumentError, match="reference level"):
        model.hazard_ratio("group", "control")
    assert "[" not in model.headline()


def test_cox_without_events_is_not_estimable():
    w = load_waltons().assign(E=0)
    model = survival.cox(w, duration="T", event="E", covariates=["group"])
    assert not model.estimable and model.reason.code == "no_events"
    assert model.hazard_ratio("group").reason.code == "no_events"


def test_km_matches_lifelines_on_waltons():
    w = load_waltons()
    got = survival.km(w, duration="T", event="E", by="group")
    table = got.table
    for name, g in w.groupby("group"):
        kmf = KaplanMeierFitter().fit(g["T"], g["E"])
        mine = table[table["group"] == name].set_index("time")
        np.testing.assert_allclose(mine["survival"], kmf.survival_function_.iloc[:, 0].to_numpy())
        # lifelines' interval where it is defined; where the curve has reached 0 ours is missing, not (1, 1).
        defined = mine["survival"].to_numpy() > 0
        for col, k in (("ci_low", 0), ("ci_high", 1)):
            np.testing.assert_allclose(mine[col].to_numpy()[defined],
                                       kmf.confidence_interval_.iloc[:, k].to_numpy()[defined], rtol=1e-10)
        assert mine["ci_low"][~defined].isna().all()
        np.testing.assert_allclose(mine["at_risk"], kmf.event_table["at_risk"].to_numpy())
        assert (mine["n"] == len(g)).all()
    assert got.n == len(w) and got.groups == ["control", "miR-137"]


def test_km_output_column_is_named_after_by():
    r = _rossi()
    assert survival.km(r, duration="week", event="arrest", by="aid").table.columns[0] == "aid"
    assert "group" not in survival.km(r, duration="week", event="arrest").table.columns


def test_km_with_whole_number_weights_is_greenwood_on_weighted_counts_as_repeated_rows():
    """Whole-number weights are counts of people (R's survfit keeps Greenwood then): the curve and interval
    equal the unweighted ones on the rows repeated. (This test used to pin Greenwood on non-integer weights
    too; that variance ignored the weights' variability and is replaced by the robust one, below and in
    tests/test_r_reference.py.)"""
    w = load_waltons().assign(wt=lambda d: (d.index % 3) + 1)
    got = survival.km(w, duration="T", event="E", weight="wt")
    rep = survival.km(w.loc[w.index.repeat(w["wt"])], duration="T", event="E").table.set_index("time")
    mine = got.table.set_index("time")
    assert got.variance == "greenwood"
    for col in ("survival", "ci_low", "ci_high"):
        np.testing.assert_allclose(mine[col], rep[col], rtol=1e-10)


def test_weighted_km_variance_is_the_sum_of_squared_influences_by_numerical_differentiation():
    """The robust variance of log S(t) is Σ_k (w_k ∂log S(t)/∂w_k)²: brute force, by central differences of
    the weighted Kaplan–Meier estimate in each customer's weight (no formula shared with the code)."""
    w = load_waltons().assign(wt=lambda d: np.random.default_rng(0).uniform(0.5, 2, len(d)))
    got = survival.km(w, duration="T", event="E", weight="wt")
    assert got.variance == "robust"
    mine = got.table.set_index("time")
    t, e, wt = w["T"].to_numpy(float), w["E"].to_numpy(float), w["wt"].to_numpy(float)

    def log_s(weights, h):
        return np.log(survival.km_at(t, e, h, weights=weights, variance="greenwood")[0])

    z = 1.959963984540054
    for h in (15.0, 45.0, 60.0):
        infl = np.empty(len(t))
        for k in range(len(t)):
            up, down = wt.copy(), wt.copy()
            up[k] *= 1 + 1e-6
            down[k] *= 1 - 1e-6
            infl[k] = (log_s(up, h) - log_s(down, h)) / 2e-6  # = w_k ∂log S/∂w_k
        v = np.sum(infl**2)
        s = float(mine.loc[h, "survival"])
        lo = np.exp(-np.exp(np.log(-np.log(s)) - z * np.sqrt(v) / np.log(s)))
        hi = np.exp(-np.exp(np.log(-np.log(s)) + z * np.sqrt(v) / np.log(s)))
        assert (mine.loc[h, "ci_low"], mine.loc[h, "ci_high"]) == pytest.approx((lo, hi), rel=1e-6)
        s_at, v_at, lo_at, hi_at = survival.km_at(t, e, h, weights=wt)
        assert v_at == pytest.approx(v, rel=1e-6) and (lo_at, hi_at) == pytest.approx((lo, hi), rel=1e-6)
    inside = mine.dropna(subset=["ci_low"])
    assert ((inside.ci_low <= inside.survival + 1e-12) & (inside.survival <= inside.ci_high + 1e-12)).all()
    assert "n_effective" in mine.columns


def test_attrition_at_horizon_matches_lifelines_on_rossi():
    rossi = load_rossi()
    got = survival.attrition(rossi, duration="week", event="arrest", horizon=26, by="fin").table.set_index("fin")
    for level, g in rossi.groupby("fin"):
        kmf = KaplanMeierFitter().fit(g["week"], g["arrest"])
        assert got.loc[str(level), "attrition"] == pytest.approx(1 - float(kmf.survival_function_at_times(26).iloc[0]))
        assert got.loc[str(level), "n"] == len(g)


def test_attrition_is_km_at_and_its_interval_is_km_ats():
    r = _rossi()
    att = survival.attrition(r, duration="week", event="arrest", horizon=30, by="aid")
    for name, g in r.groupby("aid"):
        s, v, lo, hi = survival.km_at(g["week"].to_numpy(), g["arrest"].to_numpy(), 30)
        e = att.estimate(name)
        assert (e.estimate, e.ci_low, e.ci_high) == pytest.approx((1 - s, 1 - hi, 1 - lo), rel=1e-12)
        assert att.table.set_index("aid").loc[name, "se"] == pytest.approx(s * np.sqrt(v), rel=1e-12)


def test_attrition_beyond_follow_up_is_not_estimable_not_extrapolated():
    got = survival.attrition(load_rossi(), duration="week", event="arrest", horizon=500)
    assert np.isnan(got.table.loc[0, "attrition"]) and not got.table.loc[0, "followed_to_horizon"]
    e = got.estimate()
    assert not e.estimable and e.reason.code == "horizon_past_follow_up"
    assert "no customer was followed for 500 days" in got.headline() and "nan" not in got.headline()
    assert got.to_dict()["all"]["reason"] == "horizon_past_follow_up"


def test_attrition_refuses_a_negative_horizon():
    with pytest.raises(ArgumentError) as err:
        survival.attrition(load_rossi(), duration="week", event="arrest", horizon=-30)
    assert err.value.argument == "horizon"


def test_weighted_attrition_carries_the_effective_n():
    r = _rossi().assign(w=lambda d: np.where(d.index % 3 == 0, 2.0, 0.5))
    att = survival.attrition(r, duration="week", event="arrest", horizon=30, by="aid", weight="w")
    e = att.estimate("aid")
    assert e.n_effective is not None and e.n_effective < e.n
    assert "n_effective" in att.to_dict()["aid"]


def test_customers_kept_uses_the_greenwood_variance_and_agrees_with_a_bootstrap():
    r = _rossi()
    att = survival.attrition(r, duration="week", event="arrest", horizon=40, by="aid")
    kept = survival.customers_kept(att, a="aid", b="no aid")
    a = att.estimate("aid").estimate
    b = att.estimate("no aid").estimate
    assert kept.estimate == pytest.approx(1000 * (b - a))
    rng = np.random.default_rng(0)
    groups = {k: (g["week"].to_numpy(float), g["arrest"].to_numpy(float)) for k, g in r.groupby("aid")}
    boots = []
    for _ in range(2000):
        att_k = {}
        for k, (t, e) in groups.items():
            i = rng.integers(0, len(t), len(t))
            att_k[k] = 1 - survival.km_at(t[i], e[i], 40)[0]
        boots.append(1000 * (att_k["no aid"] - att_k["aid"]))
    se = (kept.ci_high - kept.ci_low) / (2 * 1.959963984540054)
    assert se == pytest.approx(np.std(boots, ddof=1), rel=0.06)
    # symmetric, from the two Greenwood variances (not from the asymmetric log-log intervals)
    assert kept.estimate - kept.ci_low == pytest.approx(kept.ci_high - kept.estimate)
    with pytest.raises(ArgumentError) as err:
        survival.customers_kept(att, a="aids", b="no aid")
    assert err.value.argument == "a" and "did you mean 'aid'" in str(err.value)


def test_customers_kept_is_not_estimable_past_follow_up():
    att = survival.attrition(_rossi(), duration="week", event="arrest", horizon=400, by="aid")
    kept = survival.customers_kept(att, a="aid", b="no aid")
    assert not kept.estimable and kept.reason.code == "horizon_past_follow_up"


def test_logrank_matches_lifelines():
    w = load_waltons()
    ref = multivariate_logrank_test(w["T"], w["group"], w["E"])
    got = survival.logrank(w, duration="T", event="E", by="group")
    assert got.statistic == pytest.approx(ref.test_statistic) and got.p_value == pytest.approx(ref.p_value)
    assert got.table.columns.tolist() == ["statistic", "df", "p_value", "n"] and got.n == len(w)
    assert "p < 0.001" in got.headline()


def test_pairwise_logrank_is_holm_adjusted_and_names_its_pairs():
    r = load_rossi().assign(band=lambda d: pd.cut(d["age"], [0, 20, 25, 100], labels=["young", "mid", "older"]).astype(str))
    got = survival.pairwise_logrank(r, duration="week", event="arrest", by="band")
    t = got.table
    assert t.columns.tolist() == ["a", "b", "statistic", "df", "p_value", "p_adjusted", "n"]
    for row in t.itertuples():
        ga, gb = r[r.band == row.a], r[r.band == row.b]
        ref = logrank_test(ga["week"], gb["week"], ga["arrest"], gb["arrest"])
        assert row.p_value == pytest.approx(ref.p_value) and row.n == len(ga) + len(gb)
    from statsmodels.stats.multitest import multipletests
    np.testing.assert_allclose(t["p_adjusted"], multipletests(t["p_value"], method="holm")[1])
    assert got.statistic == pytest.approx(survival.logrank(r, duration="week", event="arrest", by="band").statistic)


def test_logrank_of_one_group_is_not_estimable():
    w = load_waltons().assign(one="x")
    got = survival.logrank(w, duration="T", event="E", by="one")
    assert not got.estimable and got.reason.code == "single_group" and "nan" not in got.headline()


def test_rmst_matches_lifelines_point_and_its_variance_matches_a_bootstrap():
    from lifelines.utils import restricted_mean_survival_time

    rossi = load_rossi()
    got = survival.rmst(rossi, duration="week", event="arrest", horizon=40).table.iloc[0]
    kmf = KaplanMeierFitter().fit(rossi["week"], rossi["arrest"])
    assert got["rmst"] == pytest.approx(restricted_mean_survival_time(kmf, t=40), rel=1e-9)
    rng = np.random.default_rng(0)
    t, e = rossi["week"].to_numpy(float), rossi["arrest"].to_numpy(int)
    boots = []
    for _ in range(2000):
        i = rng.integers(0, len(t), len(t))
        boots.append(survival._rmst_one(t[i], e[i], 40)[0])
    assert got["se"] == pytest.approx(np.std(boots, ddof=1), rel=0.06)


def test_weighted_rmst_with_integer_weights_equals_repeating_rows():
    r = load_rossi().assign(w=lambda d: (d.index % 3) + 1)
    rep = r.loc[r.index.repeat(r["w"])]
    a = survival.rmst(r, duration="week", event="arrest", horizon=40, weight="w").estimate()
    b = survival.rmst(rep, duration="week", event="arrest", horizon=40).estimate()
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)


def test_rmst_difference_adds_independent_variances():
    rossi = load_rossi()
    per = survival.rmst(rossi, duration="week", event="arrest", horizon=52, by="fin").table.set_index("fin")
    diff = survival.rmst_difference(rossi, duration="week", event="arrest", horizon=52, by="fin", a="1", b="0")
    row = diff.table.iloc[0]
    assert row["difference"] == pytest.approx(per.loc["1", "rmst"] - per.loc["0", "rmst"])
    assert row["se"] == pytest.approx(np.hypot(per.loc["1", "se"], per.loc["0", "se"]))
    assert diff.estimate.estimate == pytest.approx(row["difference"]) and diff.estimate.n == len(rossi)


def test_rmst_past_follow_up_does_not_extrapolate():
    """The issue: a 1,253-day difference with p = 2e-24 at a 5,000-day horizon on 852 days of follow-up."""
    r = _rossi()
    diff = survival.rmst_difference(r, duration="week", event="arrest", horizon=5000, by="aid", a="aid", b="no aid")
    assert not diff.estimable and diff.estimate.reason.code == "horizon_past_follow_up"
    assert np.isnan(diff.table.loc[0, "difference"]) and "nan" not in diff.headline()
    per = survival.rmst(r, duration="week", event="arrest", horizon=5000, by="aid")
    assert set(per.excluded) == {"aid", "no aid"}


def test_result_tables_are_safe_to_sort_filter_concat_merge_and_save(tmp_path):
    r = _rossi()
    att = survival.attrition(r, duration="week", event="arrest", horizon=40, by="aid")
    model = survival.cox(r, duration="week", event="arrest", covariates=["aid", "prio"], reference={"aid": "no aid"})
    km = survival.km(r, duration="week", event="arrest", by="aid")
    rm = survival.rmst(r, duration="week", event="arrest", horizon=40, by="aid")
    pw = survival.pairwise_logrank(r, duration="week", event="arrest", by="aid")
    before = (survival.customers_kept(att, a="aid", b="no aid"), model.hazard_ratio("aid", "aid"),
              rm.estimate("aid"), att.estimate("no aid"))
    for result in (att, model, km, rm, pw, model.ph_test):
        t = result.table
        original = t.copy()
        t.sort_values(t.columns[1], ascending=False, inplace=True)
        t = t[t.index > 0].head(1)
        pd.concat([t, t]).merge(result.table, how="left", on=list(result.table.columns[:1]))
        result.table.to_parquet(tmp_path / f"{type(result).__name__}.parquet")
        t[t.columns[1]] = 0  # editing a copy changes nothing
        pd.testing.assert_frame_equal(result.table, original)
    after = (survival.customers_kept(att, a="aid", b="no aid"), model.hazard_ratio("aid", "aid"),
             rm.estimate("aid"), att.estimate("no aid"))
    assert [(e.estimate, e.ci_low, e.ci_high, e.n) for e in before] == [(e.estimate, e.ci_low, e.ci_high, e.n) for e in after]


def test_arguments_are_checked_with_close_matches():
    r = _rossi()
    with pytest.raises(ArgumentError, match="did you mean 'week'") as err:
        survival.km(r, duration="weeks", event="arrest")
    assert err.value.argument == "duration"
    with pytest.raises(ArgumentError) as err:
        survival.km(r.assign(arrest=r["arrest"] * 2), duration="week", event="arrest")
    assert err.value.argument == "event"
    with pytest.raises(ArgumentError) as err:
        survival.attrition(r, duration="week", event="arrest", horizon=30, ci=95)
    assert err.value.argument == "ci"
    with pytest.raises(ArgumentError) as err:
        survival.rmst_difference(r, duration="week", event="arrest", horizon=30, by="aid", a="aid", b="no-aid")
    assert err.value.argument == "b"
    with pytest.raises(ArgumentError) as err:
        survival.km(r["week"], duration="week", event="arrest")
    assert err.value.argument == "data"


def test_weighted_customers_kept_and_rmst_agree_with_a_bootstrap_of_customers_with_their_weights():
    """The robust variances describe resampling customers with their weights: a weighted bootstrap agrees
    (within its own Monte Carlo error), where Greenwood on weighted counts is ~10% narrower at this spread."""
    rng = np.random.default_rng(3)
    r = _rossi().assign(w=lambda d: rng.gamma(1 / 0.16, 0.16, len(d)))  # CV of the weights ≈ 40%
    att = survival.attrition(r, duration="week", event="arrest", horizon=40, by="aid", weight="w")
    assert att.variance == "robust" and "infinitesimal-jackknife" in att.estimate("aid").method
    kept = survival.customers_kept(att, a="aid", b="no aid")
    assert "infinitesimal-jackknife" in kept.method
    m = survival.rmst(r, duration="week", event="arrest", horizon=40, weight="w").table.iloc[0]
    groups = {k: (g["week"].to_numpy(float), g["arrest"].to_numpy(float), g["w"].to_numpy(float))
              for k, g in r.groupby("aid")}
    t_all, e_all, w_all = r["week"].to_numpy(float), r["arrest"].to_numpy(float), r["w"].to_numpy(float)
    boots, boots_rmst = [], []
    for _ in range(1500):
        att_k = {}
        for k, (t, e, w) in groups.items():
            i = rng.integers(0, len(t), len(t))
            att_k[k] = 1 - survival.km_at(t[i], e[i], 40, weights=w[i])[0]
        boots.append(1000 * (att_k["no aid"] - att_k["aid"]))
        i = rng.integers(0, len(t_all), len(t_all))
        boots_rmst.append(survival._rmst_one(t_all[i], e_all[i], 40, w_all[i])[0])
    se = (kept.ci_high - kept.ci_low) / (2 * 1.959963984540054)
    assert se == pytest.approx(np.std(boots, ddof=1), rel=0.08)
    assert m["se"] == pytest.approx(np.std(boots_rmst, ddof=1), rel=0.08)
    greenwood = {k: survival.km_at(t, e, 40, weights=w, variance="greenwood") for k, (t, e, w) in groups.items()}
    se_greenwood = 1000 * np.hypot(*[s * np.sqrt(v) for s, v, _, _ in greenwood.values()])
    assert se_greenwood < 0.95 * se
