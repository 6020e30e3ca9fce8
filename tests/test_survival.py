"""cxlib.survival against lifelines (its bundled data) and published values; RMST variance by bootstrap."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.datasets import load_rossi, load_waltons
from lifelines.statistics import multivariate_logrank_test

from cxlib import survival

ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def test_cox_reproduces_the_published_rossi_coefficients():
    """Fox (2002), 'Cox proportional-hazards regression for survival data', appendix to An R and S-PLUS
    Companion to Applied Regression, Table: coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio)."""
    published = {"fin": -0.3794, "age": -0.0574, "race": 0.3139, "wexp": -0.1498, "mar": -0.4337,
                 "paro": -0.0849, "prio": 0.0915}
    got = survival.cox(load_rossi(), "week", "arrest", ROSSI_COVARIATES).set_index("covariate")
    for name, coef in published.items():
        assert got.loc[name, "coef"] == pytest.approx(coef, abs=5e-5)


def test_cox_equals_lifelines_coxphfitter():
    rossi = load_rossi()
    ref = CoxPHFitter().fit(rossi, "week", "arrest").summary
    got = survival.cox(rossi, "week", "arrest", ROSSI_COVARIATES).set_index("covariate")
    for name in ROSSI_COVARIATES:
        assert got.loc[name, "coef"] == pytest.approx(ref.loc[name, "coef"], abs=1e-6)
        assert got.loc[name, "hazard_ratio"] == pytest.approx(ref.loc[name, "exp(coef)"], rel=1e-6)
        assert got.loc[name, "ci_low"] == pytest.approx(ref.loc[name, "exp(coef) lower 95%"], rel=1e-6)
        assert got.loc[name, "p_value"] == pytest.approx(ref.loc[name, "p"], rel=1e-6)


def test_cox_returns_the_proportional_hazards_test_as_data():
    got = survival.cox(load_rossi(), "week", "arrest", ROSSI_COVARIATES)
    ph = got.attrs["ph_test"].set_index("covariate")
    # lifelines' own documentation flags age and wexp in this model.
    assert ph.loc["age", "violated"] and ph.loc["wexp", "violated"] and not ph.loc["fin", "violated"]


def test_cox_explains_constant_and_collinear_covariates():
    rossi = load_rossi().assign(const=1.0, prio2=lambda d: d["prio"] * 2)
    with pytest.raises(ValueError, match=r"\['const'\] take a single value"):
        survival.cox(rossi, "week", "arrest", ["fin", "const"])
    with pytest.raises(ValueError, match="collinear"):
        survival.cox(rossi, "week", "arrest", ["fin", "prio", "prio2"])


def test_cox_categorical_covariate_uses_the_reference_level():
    w = load_waltons()
    got = survival.cox(w, "T", "E", ["group"], reference={"group": "control"})
    assert got["covariate"].tolist() == ["group[miR-137]"]
    ref = CoxPHFitter().fit(w.assign(g=(w.group == "miR-137").astype(float))[["T", "E", "g"]], "T", "E").summary
    assert got.loc[0, "hazard_ratio"] == pytest.approx(ref.loc["g", "exp(coef)"], rel=1e-6)


def test_km_matches_lifelines_on_waltons():
    w = load_waltons()
    got = survival.km(w, "T", "E", by="group")
    for name, g in w.groupby("group"):
        kmf = KaplanMeierFitter().fit(g["T"], g["E"])
        mine = got[got.group == name].set_index("time")
        np.testing.assert_allclose(mine["survival"], kmf.survival_function_.iloc[:, 0].to_numpy())
        # lifelines' interval where it is defined; where the curve has reached 0 ours is missing, not (1, 1).
        defined = mine["survival"].to_numpy() > 0
        for col, k in (("ci_low", 0), ("ci_high", 1)):
            np.testing.assert_allclose(mine[col].to_numpy()[defined],
                                       kmf.confidence_interval_.iloc[:, k].to_numpy()[defined], rtol=1e-10)
        assert mine["ci_low"][~defined].isna().all()
        np.testing.assert_allclose(mine["at_risk"], kmf.event_table["at_risk"].to_numpy())


def test_weighted_km_interval_is_the_greenwood_formula_on_weighted_counts():
    """lifelines casts weighted at-risk sums to integers before Greenwood's sum (uint64 in
    KaplanMeierFitter._additive_var), so with respondent weights it is not the reference: the formula is,
    written out here on the weighted counts."""
    w = load_waltons().assign(wt=lambda d: np.random.default_rng(0).uniform(0.5, 2, len(d)))
    got = survival.km(w, "T", "E", weights="wt").set_index("time")
    z, v, s = 1.959963984540054, 0.0, 1.0
    for t in sorted(w["T"].unique()):
        n = w.loc[w["T"] >= t, "wt"].sum()
        d = w.loc[(w["T"] == t) & (w["E"] == 1), "wt"].sum()
        if d > 0:
            s *= 1 - d / n
            v += d / (n * (n - d)) if n > d else np.inf
        if 0 < s < 1 and np.isfinite(v):
            lo = np.exp(-np.exp(np.log(-np.log(s)) - z * np.sqrt(v) / np.log(s)))
            hi = np.exp(-np.exp(np.log(-np.log(s)) + z * np.sqrt(v) / np.log(s)))
            assert got.loc[t, "survival"] == pytest.approx(s, rel=1e-10)
            assert (got.loc[t, "ci_low"], got.loc[t, "ci_high"]) == pytest.approx((lo, hi), rel=1e-8)
    inside = got.dropna(subset=["ci_low"])
    assert ((inside.ci_low <= inside.survival + 1e-12) & (inside.survival <= inside.ci_high + 1e-12)).all()


def test_attrition_at_horizon_matches_lifelines_on_rossi():
    rossi = load_rossi()
    got = survival.attrition(rossi, "week", "arrest", 26, by="fin").set_index("group")
    for level, g in rossi.groupby("fin"):
        kmf = KaplanMeierFitter().fit(g["week"], g["arrest"])
        assert got.loc[str(level), "attrition"] == pytest.approx(1 - float(kmf.survival_function_at_times(26).iloc[0]))


def test_attrition_beyond_follow_up_is_missing_not_extrapolated():
    got = survival.attrition(load_rossi(), "week", "arrest", 500)
    assert np.isnan(got.loc[0, "attrition"]) and not got.loc[0, "followed_to_horizon"]


def test_logrank_matches_lifelines():
    w = load_waltons()
    ref = multivariate_logrank_test(w["T"], w["group"], w["E"])
    got = survival.logrank(w, "T", "E", by="group")
    assert got.statistic == pytest.approx(ref.test_statistic) and got.p_value == pytest.approx(ref.p_value)


def test_rmst_matches_lifelines_point_and_its_variance_matches_a_bootstrap():
    from lifelines.utils import restricted_mean_survival_time

    rossi = load_rossi()
    got = survival.rmst(rossi, "week", "arrest", 40).iloc[0]
    kmf = KaplanMeierFitter().fit(rossi["week"], rossi["arrest"])
    assert got["rmst"] == pytest.approx(restricted_mean_survival_time(kmf, t=40), rel=1e-9)
    rng = np.random.default_rng(0)
    t, e = rossi["week"].to_numpy(float), rossi["arrest"].to_numpy(int)
    boots = []
    for _ in range(2000):
        i = rng.integers(0, len(t), len(t))
        boots.append(survival._rmst_one(t[i], e[i], 40)[0])
    assert got["se"] == pytest.approx(np.std(boots, ddof=1), rel=0.06)


def test_rmst_difference_adds_independent_variances():
    rossi = load_rossi()
    per = survival.rmst(rossi, "week", "arrest", 52, by="fin").set_index("group")
    diff = survival.rmst_difference(rossi, "week", "arrest", 52, by="fin", a="1", b="0").iloc[0]
    assert diff["difference"] == pytest.approx(per.loc["1", "rmst"] - per.loc["0", "rmst"])
    assert diff["se"] == pytest.approx(np.hypot(per.loc["1", "se"], per.loc["0", "se"]))


def test_recency_score_weights_recent_contacts_more():
    contacts = pd.DataFrame({"id": ["a", "a", "b", "b"],
                             "timestamp": ["2025-01-01", "2025-12-01", "2025-01-01", "2025-12-01"],
                             "rating": [2, -2, -2, 2]})
    got = survival.recency_score(contacts, id_column="id", as_of=pd.Timestamp("2025-12-31"), half_life_days=90)
    assert got.loc["a", "experience"] < 0 < got.loc["b", "experience"]  # the recent contact dominates
    w_old, w_new = 0.5 ** (364 / 90), 0.5 ** (30 / 90)
    assert got.loc["a", "experience"] == pytest.approx((2 * w_old - 2 * w_new) / (w_old + w_new))


def test_km_at_risk_counts_people_even_with_weights():
    w = load_waltons().assign(wt=lambda d: np.where(d.index % 2 == 0, 2.5, 0.5))
    got = survival.km(w, "T", "E", weights="wt")
    assert got["at_risk"].iloc[0] == len(w)


@pytest.mark.slow
def test_planted_hazard_ratio_covered_and_recency_sign_recovered(slow):
    """Planted HR (fully connected vs highly satisfied) inside the 95% CI in >= 90% of 50 seeds (quick: 5 seeds,
    at least 4); recent experiences weigh more: a recency-weighted experience score (planted half-life 90 days)
    fits better than the plain average of all ratings, and better experience lowers the hazard."""
    import cxlib as cx

    seeds = range(50) if slow else range(5)
    covered, recency = [], []
    for seed in seeds:
        eng, truth = cx.synth.make_engagement("retailer", 4000, seed=2000 + seed)
        f = eng.frame().dropna(subset=["segment"])
        f = f.join(survival.contact_experience(eng.contact_frame(), f, id_column="customer_id", wave="wave"))
        res = survival.cox(f, "tenure_days", "churned", ["segment", "region", "age_band", "experience"],
                           reference={"segment": "highly satisfied"}).set_index("covariate")
        hr = res.loc["segment[fully connected]"]
        covered.append(hr["ci_low"] <= truth["hazard_ratio"] <= hr["ci_high"])
        # Recency: the planted half-life fits better than no decay at all (an unweighted mean of ratings).
        fits = {}
        for half_life in (90, 100_000):
            g = eng.frame().dropna(subset=["segment"])
            g = g.join(survival.contact_experience(eng.contact_frame(), g, id_column="customer_id", wave="wave",
                                                   half_life_days=half_life))
            m = survival.cox(g, "tenure_days", "churned", ["segment", "experience"])
            fits[half_life] = (m.attrs["log_likelihood"], m.set_index("covariate").loc["experience", "coef"])
        recency.append(fits[90][0] > fits[100_000][0] and fits[90][1] < 0)
    print(f"\nhazard ratio covered in {sum(covered)} of {len(covered)} seeds; recency sign right in {sum(recency)}")
    assert np.mean(covered) >= (0.9 if slow else 0.8)
    assert np.mean(recency) >= 0.9


def _simulate_time_varying(n: int, seed: int, *, beta: float = -0.5, half_life: float = 60.0):
    """Customers whose contacts continue after follow-up starts; the hazard on each day follows the
    recency-weighted mean rating of all contacts so far (written as a plain loop, independent of cxlib)."""
    rng = np.random.default_rng(seed)
    origin = pd.Timestamp("2025-01-01")
    rows, customers = [], []
    lam0, follow = 0.002, 540
    for i in range(n):
        days = np.sort(rng.integers(-365, follow, rng.poisson(12)))
        taste = rng.normal(0, 0.8)  # some customers have better experiences throughout
        ratings = np.clip(np.round(taste + rng.normal(0, 1.2, len(days))), -2, 2)
        score, t_event = 0.0, None
        for day in range(1, follow + 1):
            past = days < day  # contacts up to the previous day shape today's hazard
            if past.any():
                w = 0.5 ** ((day - days[past]) / half_life)
                score = float((w * ratings[past]).sum() / w.sum())
            if rng.random() < 1 - np.exp(-lam0 * np.exp(beta * score)):
                t_event = day
                break
        customers.append({"id": f"c{i}", "days": t_event or follow, "left": int(t_event is not None),
                          "group": "a" if i % 2 else "b"})
        rows += [{"id": f"c{i}", "timestamp": origin + pd.Timedelta(days=int(d) - 1), "rating": r}
                 for d, r in zip(days, ratings)]
    return pd.DataFrame(rows), pd.DataFrame(customers), origin


def test_experience_episodes_split_follow_up_at_contacts_and_keep_totals():
    contacts, customers, origin = _simulate_time_varying(60, seed=1)
    ep = survival.experience_episodes(contacts, customers, id_column="id", duration="days", event="left",
                                      origin=origin)
    per = ep.groupby("id").agg(time=("stop", lambda s: 0), first=("start", "min"), last=("stop", "max"),
                               events=("left", "sum"), length=("stop", "size"))
    span = ep.assign(len=ep["stop"] - ep["start"]).groupby("id")["len"].sum()
    c = customers.set_index("id")
    assert (per["first"] == 0).all()
    np.testing.assert_array_equal(per["last"], c.loc[per.index, "days"])
    np.testing.assert_array_equal(span, c.loc[span.index, "days"])          # no gaps, no overlaps
    np.testing.assert_array_equal(per["events"], c.loc[per.index, "left"])  # the event only once, at the end
    assert ep["group"].notna().all()


@pytest.mark.slow
def test_time_varying_experience_recovers_the_planted_effect_and_recency(slow):
    """Planted: hazard × exp(−0.5 × current recency-weighted rating), half-life 60 days, contacts continuing
    during follow-up. The time-varying model's 95% CI covers −0.5; the planted half-life fits better than no
    decay, and better than the score frozen at the start of follow-up (a recent bad contact matters more)."""
    n = 3000 if slow else 1200
    contacts, customers, origin = _simulate_time_varying(n, seed=7)
    fits = {}
    for half_life in (60, 1e6):
        ep = survival.experience_episodes(contacts, customers, id_column="id", duration="days", event="left",
                                          origin=origin, half_life_days=half_life)
        fits[half_life] = survival.cox_time_varying(ep, start="start", stop="stop", event="left", id_column="id",
                                                    covariates=["experience"])
    frozen = customers.join(survival.experience_episodes(contacts, customers, id_column="id", duration="days",
                                                         event="left", origin=origin, half_life_days=60)
                            .query("start == 0").set_index("id")[["experience"]], on="id")
    baseline_only = survival.cox(frozen, "days", "left", ["experience"])
    e = fits[60].set_index("covariate").loc["experience"]
    print(f"\nplanted -0.5: estimate {e['coef']:.3f} (95% CI {np.log(e['ci_low']):.3f} to {np.log(e['ci_high']):.3f}); "
          f"log-lik half-life 60 {fits[60].attrs['log_likelihood']:.1f}, no decay {fits[1e6].attrs['log_likelihood']:.1f}, "
          f"frozen at start {baseline_only.attrs['log_likelihood']:.1f}")
    assert np.log(e["ci_low"]) <= -0.5 <= np.log(e["ci_high"])
    assert fits[60].attrs["log_likelihood"] > fits[1e6].attrs["log_likelihood"]
    assert fits[60].attrs["log_likelihood"] > baseline_only.attrs["log_likelihood"]
    assert fits[60].attrs["n"] == n and fits[60].attrs["rows"] > n
