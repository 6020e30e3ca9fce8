"""cxlib.waves: wave comparisons vs statsmodels and lifelines, standardisation by hand, the mix formula by hand,
attrition through survival.km_at only, wave labels checked, order safety."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from factories import FrameEngagement as _Eng
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from cxlib import survival, waves
from cxlib.errors import ArgumentError
from cxlib.segments import SEGMENTS



def _waves_frame(rng, n=3000, labels=("pre", "post")):
    k = len(labels)
    wave = np.repeat(list(labels), n)
    fc = rng.random(k * n) < np.repeat(np.linspace(0.21, 0.26, k), n)
    seg = pd.Categorical(np.where(fc, "fully connected", "other"), categories=SEGMENTS, ordered=True)
    ltr = rng.choice(11, k * n)
    churned = (rng.random(k * n) < np.repeat(np.linspace(0.37, 0.33, k), n)).astype(int)
    return pd.DataFrame({"wave": wave, "segment": seg, "ltr": ltr, "churned": churned,
                         "tenure_days": np.where(churned == 1, rng.integers(1, 365, k * n), 400).astype(float),
                         "spend": rng.gamma(2, 100, k * n), "w": rng.uniform(0.5, 2, k * n)})


CONFIG = {"wave": "wave", "waves": ["pre", "post"], "advocacy": {"column": "ltr"}, "value": ["spend"],
          "attrition": {"duration": "tenure_days", "event": "churned", "horizon": 365}}


def test_compare_waves_proportions_match_statsmodels():
    f = _waves_frame(np.random.default_rng(1))
    card = waves.compare_waves(_Eng(f, CONFIG))
    got = card.table.set_index("metric")
    pre, post = f[f.wave == "pre"], f[f.wave == "post"]
    for metric, x1, x2 in [("connected", pre.segment == "fully connected", post.segment == "fully connected"),
                           ("advocacy", pre.ltr >= 9, post.ltr >= 9)]:
        lo, hi = confint_proportions_2indep(x2.sum(), len(x2), x1.sum(), len(x1), method="newcomb", compare="diff")
        _, p = proportions_ztest([x2.sum(), x1.sum()], [len(x2), len(x1)])
        row = got.loc[metric]
        assert row["change"] == pytest.approx(x2.mean() - x1.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), abs=1e-10)
        assert row["p_value"] == pytest.approx(p, rel=1e-8)
        h = 2 * np.arcsin(np.sqrt(x2.mean())) - 2 * np.arcsin(np.sqrt(x1.mean()))
        assert row["cohens_h"] == pytest.approx(h)
    # No censoring before the horizon: KM attrition is the plain share churned.
    assert got.loc["attrition", "before"] == pytest.approx(pre.churned.mean())
    assert list(got.index) == list(waves.SCORECARD) and card.waves == ("pre", "post")
    assert (got["p_adjusted"] >= got["p_value"] - 1e-15).all()
    assert (got["n"] == got["n_before"] + got["n_after"]).all()


@pytest.mark.filterwarnings("ignore:It looks like your weights are not integers")
def test_attrition_change_is_km_at_with_se_s_sqrt_v_and_equals_lifelines_with_weights():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(11)
    f = _waves_frame(rng, n=1500)
    censored = (f.churned == 0) & (rng.random(len(f)) < 0.2)  # followed for less than the horizon, still a customer
    f.loc[censored, "tenure_days"] = rng.integers(30, 365, int(censored.sum())).astype(float)
    cfg = {**CONFIG, "weight": "w"}
    row = waves.compare_waves(_Eng(f, cfg), metrics=["attrition"]).row("attrition")
    z = 1.959963985
    se2 = 0.0
    for label, key in (("pre", "before"), ("post", "after")):
        d = f[f.wave == label]
        s, v, _, _ = survival.km_at(d.tenure_days.to_numpy(), d.churned.to_numpy(), 365, weights=d.w.to_numpy())
        kmf = KaplanMeierFitter().fit(d.tenure_days, d.churned, weights=d.w)
        assert row[key] == pytest.approx(1 - float(kmf.survival_function_at_times(365).iloc[0]), rel=1e-10)
        assert row[key] == pytest.approx(1 - s, rel=1e-12)
        se2 += (s * math.sqrt(v)) ** 2
    assert (row["ci_high"] - row["ci_low"]) / 2 == pytest.approx(z * math.sqrt(se2), rel=1e-8)


def test_attrition_past_follow_up_or_without_leaving_is_not_estimable_with_its_reason():
    f = _waves_frame(np.random.default_rng(12), n=400)
    card = waves.compare_waves(_Eng(f, {**CONFIG, "attrition": {**CONFIG["attrition"], "horizon": 5000}}))
    assert "attrition" not in card.metrics and card.excluded["attrition"].code == "horizon_past_follow_up"
    assert "5,000 days" in card.describe("attrition") and not card.change("attrition").estimable
    none_left = waves.compare_waves(_Eng(f.assign(churned=0), CONFIG), metrics=["attrition"])
    assert none_left.excluded["attrition"].code == "no_events"
    assert "not_estimable" in card.to_dict() and "attrition" not in card.to_dict()


def test_unconfigured_metrics_are_excluded_and_a_single_wave_is_a_reason():
    f = _waves_frame(np.random.default_rng(13), n=300)
    card = waves.compare_waves(_Eng(f, {k: v for k, v in CONFIG.items() if k not in ("advocacy", "attrition")}))
    assert card.metrics == ["connected", "value"]
    assert {m: r.code for m, r in card.excluded.items()} == {"attrition": "not_configured", "advocacy": "not_configured",
                                                             "nps": "not_configured"}
    single = waves.compare_waves(_Eng(f, {k: v for k, v in CONFIG.items() if k not in ("wave", "waves")}))
    assert single.reason.code == "single_wave" and single.table.empty and "single wave" in single.headline()


def test_wave_labels_are_checked_with_close_matches():
    f = _waves_frame(np.random.default_rng(2))
    with pytest.raises(ArgumentError, match="'psot'.*did you mean 'post'") as err:
        waves.compare_waves(_Eng(f, CONFIG), waves=["pre", "psot"])
    assert err.value.argument == "waves"
    for bad in (["pre"], "pre", ["pre", "pre"]):
        with pytest.raises(ArgumentError) as err:
            waves.compare_waves(_Eng(f, CONFIG), waves=bad)
        assert err.value.argument == "waves"
    with pytest.raises(ArgumentError) as err:
        waves.compare_waves(f)
    assert err.value.argument == "eng"


def test_three_waves_compare_the_first_and_the_last():
    f = _waves_frame(np.random.default_rng(3), n=800, labels=("q1", "q2", "q3"))
    cfg = {**CONFIG, "waves": ["q1", "q2", "q3"]}
    card = waves.compare_waves(_Eng(f, cfg))
    assert card.waves == ("q1", "q3")
    two = waves.compare_waves(_Eng(f[f.wave != "q2"], {**cfg, "waves": ["q1", "q3"]}))
    pd.testing.assert_frame_equal(card.table, two.table)
    impact = waves.mix_impact(f, wave="wave", waves=["q1", "q2", "q3"], value="spend", duration="tenure_days",
                              event="churned", horizon=365, customers=1000, n_boot=20)
    assert impact.waves == ("q1", "q3") and len(impact.table) == 3


def test_standardised_change_equals_a_hand_computed_direct_standardisation():
    f = _waves_frame(np.random.default_rng(3))
    got = waves.compare_waves(_Eng(f, CONFIG), metrics=["advocacy", "value"], standardise=True).table.set_index("metric")
    seg = f.dropna(subset=["segment"])
    mix = seg["segment"].value_counts(normalize=True)
    pre, post = seg[seg.wave == "pre"], seg[seg.wave == "post"]
    for metric, fn in [("advocacy", lambda d: (d.ltr >= 9).mean()), ("value", lambda d: d.spend.mean())]:
        expected = sum(mix[s] * (fn(post[post.segment == s]) - fn(pre[pre.segment == s])) for s in mix.index if mix[s] > 0)
        assert got.loc[metric, "change"] == pytest.approx(expected, rel=1e-10)
    # Its variance: Σ π² (p(1-p)/n) over segments and waves, written out.
    var = sum(mix[s] ** 2 * sum(p * (1 - p) / len(d) for d in (pre[pre.segment == s], post[post.segment == s])
                                for p in [(d.ltr >= 9).mean()]) for s in mix.index if mix[s] > 0)
    half = (got.loc["advocacy", "ci_high"] - got.loc["advocacy", "ci_low"]) / 2
    assert half == pytest.approx(1.959963985 * np.sqrt(var), rel=1e-8)


def test_standardisation_removes_a_pure_mix_shift():
    """Advocacy differs by segment but not by wave: raw change is the mix shift, standardised change ~0."""
    rng = np.random.default_rng(4)
    n = 20_000
    wave = np.repeat(["pre", "post"], n)
    fc = np.r_[rng.random(n) < 0.2, rng.random(n) < 0.4]
    seg = pd.Categorical(np.where(fc, "fully connected", "other"), categories=SEGMENTS, ordered=True)
    ltr = np.where(fc, np.where(rng.random(2 * n) < 0.6, 10, 7), np.where(rng.random(2 * n) < 0.2, 10, 7))
    f = pd.DataFrame({"wave": wave, "segment": seg, "ltr": ltr})
    cfg = {k: v for k, v in CONFIG.items() if k != "attrition"}
    raw = waves.compare_waves(_Eng(f, cfg), metrics=["advocacy"]).row("advocacy")
    std = waves.compare_waves(_Eng(f, cfg), metrics=["advocacy"], standardise=True).row("advocacy")
    assert raw["change"] == pytest.approx(0.2 * (0.6 - 0.2), abs=0.02)
    assert std["ci_low"] <= 0 <= std["ci_high"] and abs(std["change"]) < 0.01


def _mix_frame(rng, n=600):
    f = pd.DataFrame({"wave": np.repeat(["pre", "post"], n),
                      "segment": pd.Categorical(np.r_[rng.choice(SEGMENTS, n, p=[.2, .3, .5]),
                                                      rng.choice(SEGMENTS, n, p=[.3, .3, .4])], categories=SEGMENTS),
                      "spend": rng.gamma(2, 100, 2 * n), "days": 400.0,
                      "left": (rng.random(2 * n) < 0.3).astype(int)})
    f.loc[f.left == 1, "days"] = rng.integers(1, 365, int(f.left.sum()))
    return f


def test_mix_impact_equals_the_formula_by_hand():
    f = _mix_frame(np.random.default_rng(6))
    r = waves.mix_impact(f, wave="wave", waves=["pre", "post"], value="spend", duration="days", event="left",
                         horizon=365, customers=10_000, n_boot=300, seed=1)
    got = r.table.set_index("quantity")
    pre, post = f[f.wave == "pre"], f[f.wave == "post"]
    shift = post.segment.value_counts(normalize=True) - pre.segment.value_counts(normalize=True)
    value = pre.groupby("segment", observed=True).spend.mean()
    retention = 1 - pre.groupby("segment", observed=True).left.mean()  # nobody censored before 365 days
    assert got.loc["value_per_customer", "estimate"] == pytest.approx((shift * value).sum(), rel=1e-10)
    assert got.loc["value_total", "estimate"] == pytest.approx(10_000 * (shift * value).sum(), rel=1e-10)
    assert got.loc["active_customers", "estimate"] == pytest.approx(10_000 * (shift * retention).sum(), rel=1e-10)
    for q in got.index:
        assert got.loc[q, "ci_low"] <= got.loc[q, "estimate"] <= got.loc[q, "ci_high"]
        lo, hi = np.quantile(r.draws[q], [0.025, 0.975])
        assert (got.loc[q, "ci_low"], got.loc[q, "ci_high"]) == pytest.approx((lo, hi))
    assert r.get("active_customers").n == 1200 and len(r.draws) == 300


def test_mix_impact_without_resampling_or_past_follow_up_says_so():
    f = _mix_frame(np.random.default_rng(7))
    kw = dict(wave="wave", waves=["pre", "post"], value="spend", duration="days", event="left", customers=1000)
    r = waves.mix_impact(f, horizon=365, n_boot=0, **kw)
    assert r.draws is None and r.interval_reason.code == "no_bootstrap" and not r.get("value_total").has_interval
    far = waves.mix_impact(f, horizon=5000, n_boot=10, **kw)
    assert far.excluded["active_customers"].code == "horizon_past_follow_up"
    assert far.get("value_total").estimable and "5,000 days" in far.headline()
    with pytest.raises(ArgumentError) as err:
        waves.mix_impact(f, horizon=365, n_boot=1, **kw)
    assert err.value.argument == "n_boot"


def test_planted_shifts_on_the_demo_retailer_are_inside_the_intervals():
    """The demo retailer (synth, seed in the Makefile) was planted with 21→26% connected, 37→33% attrition,
    24→30% promoters (population values; the retailer example of the README)."""
    import cxlib as cx

    got = waves.compare_waves(cx.load_engagement("data/demo-retailer")).table.set_index("metric")
    for metric, planted in {"connected": 0.26 - 0.21, "attrition": 0.33 - 0.37, "advocacy": 0.30 - 0.24}.items():
        row = got.loc[metric]
        print(f"{metric}: planted {planted:+.3f}, estimate {row['change']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]")
        assert row["ci_low"] <= planted <= row["ci_high"], metric


@pytest.mark.slow
def test_wave_change_intervals_cover_the_planted_shifts(slow):
    """Across synthetic retailers (population truth from synth), the 95% intervals of the three planted
    changes cover the truth in about 95% of samples (slow: 40 seeds, >= 85% each; quick: 6 seeds, >= 4)."""
    import warnings

    import cxlib as cx

    seeds = range(40) if slow else range(6)
    hits = {"connected": 0, "attrition": 0, "advocacy": 0}
    for seed in seeds:
        eng, truth = cx.synth.make_engagement("retailer", 3000, seed=500 + seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = waves.compare_waves(eng, metrics=list(hits)).table.set_index("metric")
        for m in hits:
            t = truth["waves"][m]["post"] - truth["waves"][m]["pre"]
            hits[m] += got.loc[m, "ci_low"] <= t <= got.loc[m, "ci_high"]
    print(f"\ncoverage over {len(seeds)} seeds: " + ", ".join(f"{m} {h}/{len(seeds)}" for m, h in hits.items()))
    for m, h in hits.items():
        assert h >= (0.85 * len(seeds) if slow else 4), m


def test_wave_tables_are_order_safe(tmp_path):
    f = _waves_frame(np.random.default_rng(8), n=600)
    card = waves.compare_waves(_Eng(f, CONFIG))
    impact = waves.mix_impact(f, wave="wave", waves=["pre", "post"], value="spend", duration="tenure_days",
                              event="churned", horizon=365, customers=1000, n_boot=30)
    for result, key in ((card, "metric"), (impact, "quantity")):
        before = result.table
        t = result.table.sort_values("ci_low", ascending=False)
        t.loc[:, "ci_low"] = -1
        _ = t[t["n"] > 0].head(2)
        _ = pd.concat([t, t]).merge(t, on=key)
        t.to_parquet(tmp_path / f"{key}.parquet")
        pd.testing.assert_frame_equal(result.table, before)
    assert card.change("advocacy").ci_low == card.table.set_index("metric").loc["advocacy", "ci_low"]
    assert impact.get("active_customers").ci_low == impact.table.set_index("quantity").loc["active_customers", "ci_low"]
    assert card.to_dict()["advocacy"]["ci_low"] == card.change("advocacy").ci_low


def test_nobody_connected_or_nobody_leaving_is_a_reason_not_a_zero():
    f = _waves_frame(np.random.default_rng(9), n=400)
    f["segment"] = pd.Categorical(["other"] * len(f), categories=SEGMENTS)
    card = waves.compare_waves(_Eng(f, CONFIG), metrics=["connected"])
    assert card.excluded["connected"].code == "segment_empty" and "fully connected" in card.describe("connected")
    g = _mix_frame(np.random.default_rng(10)).assign(left=0, days=400.0)
    r = waves.mix_impact(g, wave="wave", waves=["pre", "post"], value="spend", duration="days", event="left",
                         horizon=365, customers=1000, n_boot=10)
    assert r.excluded["active_customers"].code == "no_events" and r.get("value_total").estimable
    assert "−0" not in r.headline()


# -- track: every wave, one family -----------------------------------------------------------------------------

def _holm_by_hand(p):
    """Holm's step-down adjustment written out (the reference for statsmodels' multipletests here)."""
    p = np.asarray(p, float)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def test_track_on_two_waves_equals_the_before_after_scorecard():
    f = _waves_frame(np.random.default_rng(21), n=900)
    eng = _Eng(f, CONFIG)
    card, tracked = waves.compare_waves(eng), waves.track(eng, metrics=waves.SCORECARD)
    t = tracked.table
    assert t["comparison"].unique().tolist() == ["first_to_last"] and tracked.waves == ("pre", "post")
    cols = ["metric", "before", "after", "change", "ci_low", "ci_high", "p_value", "p_adjusted", "n_before",
            "n_after", "n", "method"]
    pd.testing.assert_frame_equal(t[cols].reset_index(drop=True), card.table[cols].reset_index(drop=True))


def test_track_compares_every_consecutive_pair_and_the_ends_with_holm_over_the_whole_family():
    labels = ("q1", "q2", "q3", "q4")
    f = _waves_frame(np.random.default_rng(22), n=700, labels=labels)
    eng = _Eng(f, {**CONFIG, "waves": list(labels)})
    t = waves.track(eng).table
    assert len(t) == 5 * 4
    pairs = list(dict.fromkeys(zip(t["from_wave"], t["to_wave"])))
    assert pairs == [("q1", "q2"), ("q2", "q3"), ("q3", "q4"), ("q1", "q4")]
    for a, b in pairs:
        card = waves.compare_waves(eng, waves=[a, b]).table
        rows = t[(t.from_wave == a) & (t.to_wave == b)]
        np.testing.assert_allclose(rows["change"].to_numpy(float), card["change"].to_numpy(float), rtol=0, atol=1e-12)
        np.testing.assert_allclose(rows["p_value"].to_numpy(float), card["p_value"].to_numpy(float), rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["p_adjusted"], _holm_by_hand(t["p_value"]), rtol=0, atol=1e-12)
    assert (t["p_adjusted"] >= t["p_value"] - 1e-15).all()


def test_track_flags_a_planted_step_and_not_a_flat_metric():
    rng = np.random.default_rng(23)
    labels = ("q1", "q2", "q3", "q4", "q5", "q6")
    f = _waves_frame(rng, n=2500, labels=labels)
    step = np.isin(f["wave"], ["q4", "q5", "q6"])
    # connected share 20% before wave 4 and 30% from it; likelihood to recommend flat throughout
    fc = rng.random(len(f)) < np.where(step, 0.30, 0.20)
    f["segment"] = pd.Categorical(np.where(fc, "fully connected", "other"), categories=SEGMENTS, ordered=True)
    tracked = waves.track(_Eng(f, {**CONFIG, "waves": list(labels)}), metrics=["connected", "nps"])
    held = tracked.holds()
    assert set(zip(held["metric"], held["from_wave"], held["to_wave"])) == {("connected", "q3", "q4"),
                                                                           ("connected", "q1", "q6")}
    assert "hold" in tracked.headline() and tracked.to_dict()["waves"] == list(labels)
    trend = tracked.trend.set_index("metric")
    assert trend.loc["connected", "p_adjusted"] < 0.05 and trend.loc["nps", "p_adjusted"] > 0.05
    d = tracked.to_dict()
    assert len(d["levels"]) == 12 and {t["metric"] for t in d["trend"]} == {"connected", "nps"}


def test_track_checks_its_arguments_and_says_when_there_is_one_wave():
    f = _waves_frame(np.random.default_rng(24), n=200)
    with pytest.raises(ArgumentError) as err:
        waves.track(f)
    assert err.value.argument == "eng"
    with pytest.raises(ArgumentError, match="twice") as err:
        waves.track(_Eng(f, CONFIG), waves=["pre", "post", "pre"])
    with pytest.raises(ArgumentError, match="psot.*did you mean 'post'"):
        waves.track(_Eng(f, CONFIG), waves=["pre", "psot"])
    single = waves.track(_Eng(f, {k: v for k, v in CONFIG.items() if k not in ("wave", "waves")}))
    assert single.reason.code == "single_wave" and single.table.empty and "single wave" in single.headline()


def test_track_levels_equal_the_scorecard_and_the_trend_equals_statsmodels_wls_with_known_variances():
    import statsmodels.api as sm

    f = _waves_frame(np.random.default_rng(25), n=900)
    eng = _Eng(f, CONFIG)
    card, levels = waves.compare_waves(eng).table, waves.track(eng).levels
    for r in card.itertuples():
        got = levels[levels.metric == r.metric].set_index("wave")["estimate"]
        assert got["pre"] == pytest.approx(r.before, abs=1e-12) and got["post"] == pytest.approx(r.after, abs=1e-12)
    assert waves.track(eng).trend.empty  # two waves: no trend test

    labels = ("q1", "q2", "q3", "q4", "q5")
    f = _waves_frame(np.random.default_rng(26), n=800, labels=labels)
    tracked = waves.track(_Eng(f, {**CONFIG, "waves": list(labels)}))
    levels, trend = tracked.levels, tracked.trend
    assert set(trend["metric"]) == set(levels["metric"])
    for r in trend.itertuples():
        g = levels[levels.metric == r.metric]
        x = sm.add_constant(np.arange(len(labels), dtype=float))
        fit = sm.WLS(g["estimate"].to_numpy(float), x, weights=1 / g["se"].to_numpy(float) ** 2).fit(cov_type="fixed scale")
        assert r.slope == pytest.approx(fit.params[1], abs=1e-12)
        assert r.p_value == pytest.approx(fit.pvalues[1], abs=1e-10)
        assert (r.ci_low, r.ci_high) == pytest.approx(tuple(fit.conf_int()[1]), abs=1e-10)
    np.testing.assert_allclose(trend["p_adjusted"], _holm_by_hand(trend["p_value"]), rtol=0, atol=1e-12)
    # the planted decline in attrition (37% -> 33%) and rise in connection (21% -> 26%) over 4,000 respondents
    assert trend.set_index("metric").loc["connected", "slope"] > 0
    t = tracked.levels
    t.loc[:, "estimate"] = 0
    assert not (tracked.levels["estimate"] == 0).all()  # the result is not changed through a copy


def test_driver_stability_equals_scipy_spearman_and_claims_only_supported_shifts():
    import types

    from scipy import stats

    rng = np.random.default_rng(27)
    elements = [f"e{i}" for i in range(30)]
    base = rng.gamma(2, 2, 30)

    def imp(derived, quadrant, evidence):
        return types.SimpleNamespace(table=pd.DataFrame({"element": elements, "derived": derived,
                                                         "quadrant": quadrant, "evidence": evidence}))

    q1 = np.where(base > 4, "key driver", "secondary")
    q2 = q1.copy()
    q2[:4] = np.where(q1[:4] == "key driver", "secondary", "key driver")  # four planted shifts
    ev2 = np.array(["supported"] * 30, dtype=object)
    ev2[3] = "possible"  # one of them only possible in the later wave: listed, not claimed
    w2 = base + rng.normal(0, 1, 30)
    s = waves.driver_stability({"a": imp(base, q1, ["supported"] * 30), "b": imp(w2, q2, ev2)})
    row = s.table.iloc[0]
    rho, p = stats.spearmanr(base, w2)
    assert row["spearman"] == pytest.approx(rho, abs=1e-12) and row["p_value"] == pytest.approx(p, abs=1e-12)
    half = 1.959963984540054 * 1.06 / math.sqrt(27)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((math.tanh(math.atanh(rho) - half),
                                                             math.tanh(math.atanh(rho) + half)), abs=1e-12)
    assert s.shifts["element"].tolist() == ["e0", "e1", "e2", "e3"] and s.shifted() == ["e0", "e1", "e2"]
    assert "changed quadrant" in s.headline()
    with pytest.raises(ArgumentError) as err:
        waves.driver_stability({"a": imp(base, q1, ["supported"] * 30)})
    assert err.value.argument == "importances"
    with pytest.raises(ArgumentError, match="'b'"):
        waves.driver_stability({"a": imp(base, q1, ["supported"] * 30), "b": pd.DataFrame()})


def test_driver_stability_runs_on_each_wave_of_a_synthetic_engagement():
    import cxlib as cx
    from cxlib import drivers

    eng, _ = cx.synth.make_engagement("retailer", 3000, seed=0)
    f = eng.frame()
    imps = {w: drivers.importance(f[f["wave"] == w], eng.codebook, n_boot=50, seed=0) for w in eng.config["waves"]}
    s = waves.driver_stability(imps)
    row = s.table.iloc[0]
    assert (row["from_wave"], row["to_wave"], row["n_elements"]) == ("pre", "post", len(imps["pre"].table))
    assert -1 < row["ci_low"] < row["spearman"] < row["ci_high"] < 1
    before, after = (imps[w].table.set_index("element")["quadrant"].astype(str) for w in ("pre", "post"))
    assert sorted(s.shifts["element"]) == sorted(before.index[before != after.reindex(before.index)])


def test_motivator_stability_names_a_change_of_the_top_only_when_both_waves_are_sure():
    import cxlib as cx
    from cxlib import motivators

    eng, _ = cx.synth.make_engagement("retailer", 3000, seed=0)
    f = eng.frame()
    ranks = {w: motivators.rank(f[f["wave"] == w], eng.codebook, value="annual_spend", n_boot=50, seed=0)
             for w in eng.config["waves"]}
    s = waves.motivator_stability(ranks)
    assert len(s) == len(ranks["pre"].table) and set(s["change"]) <= {"stays", "enters", "leaves", "uncertain"}
    for r in s.itertuples():  # the rule, by hand
        a, b = r.in_top_before, r.in_top_after
        sure = all(p >= 0.8 or p <= 0.2 for p in (a, b))
        want = "uncertain" if not sure else "stays" if (a >= 0.8) == (b >= 0.8) else "enters" if b >= 0.8 else "leaves"
        assert r.change == want
    for bad in (0.5, 1, "0.8", True):
        with pytest.raises(ArgumentError) as err:
            waves.motivator_stability(ranks, sure=bad)
        assert err.value.argument == "sure"


# -- the highly satisfied share and the value multiplier (issue 19: the tracker's seven metrics) ---------------

def _three_segment_frame(rng, n=4000, labels=("pre", "post"), shares=((0.2, 0.3), (0.25, 0.3)),
                         multipliers=(2.0, 1.5)):
    """Respondents in the three segments with a planted value multiplier per wave (fully connected mean spend
    ``multiplier`` × the highly satisfied mean of 100, gamma-distributed)."""
    parts = []
    for label, (fc, hs), m in zip(labels, shares, multipliers):
        seg = rng.choice(SEGMENTS, n, p=[fc, hs, 1 - fc - hs])
        mean = np.select([seg == SEGMENTS[0], seg == SEGMENTS[1]], [100.0 * m, 100.0], 80.0)
        parts.append(pd.DataFrame({"wave": label, "segment": seg, "spend": rng.gamma(2.0, mean / 2.0),
                                   "ltr": rng.choice(11, n), "w": rng.uniform(0.5, 2, n)}))
    f = pd.concat(parts, ignore_index=True)
    f["segment"] = pd.Categorical(f["segment"], categories=SEGMENTS, ordered=True)
    return f


SHARE_CONFIG = {"wave": "wave", "waves": ["pre", "post"], "advocacy": {"column": "ltr"}, "value": ["spend"]}


def test_highly_satisfied_share_change_matches_statsmodels_and_is_never_standardised():
    f = _three_segment_frame(np.random.default_rng(31))
    eng = _Eng(f, SHARE_CONFIG)
    card = waves.compare_waves(eng, metrics=["highly_satisfied"])
    r = card.row("highly_satisfied")
    x1, x2 = (f[f.wave == w].segment == "highly satisfied" for w in ("pre", "post"))
    lo, hi = confint_proportions_2indep(x2.sum(), len(x2), x1.sum(), len(x1), method="newcomb", compare="diff")
    _, p = proportions_ztest([x2.sum(), x1.sum()], [len(x2), len(x1)])
    assert r["change"] == pytest.approx(x2.mean() - x1.mean(), abs=1e-12)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi), abs=1e-10)
    assert r["p_value"] == pytest.approx(p, rel=1e-8)
    std = waves.compare_waves(eng, metrics=["highly_satisfied", "multiplier"], standardise=True)
    plain = waves.compare_waves(eng, metrics=["highly_satisfied", "multiplier"])
    pd.testing.assert_series_equal(std.table["change"], plain.table["change"])
    assert card.label("highly_satisfied") == "highly satisfied share" and "%" in card.describe("highly_satisfied")


def _bootstrap_multiplier(d, rng, reps=2000):
    fc = d.loc[d.segment == SEGMENTS[0], "spend"].to_numpy()
    hs = d.loc[d.segment == SEGMENTS[1], "spend"].to_numpy()
    return np.array([rng.choice(fc, len(fc)).mean() / rng.choice(hs, len(hs)).mean() for _ in range(reps)])


def test_multiplier_level_and_change_equal_a_brute_force_bootstrap_and_cover_the_planted_ratio():
    from cxlib import motivators

    rng = np.random.default_rng(2)  # a fixed seed: its 95% intervals cover the planted ratios (seed 32's does not)
    f = _three_segment_frame(rng, n=3000)
    tracked = waves.track(_Eng(f, SHARE_CONFIG), metrics=["multiplier"])
    levels = tracked.levels.set_index("wave")
    boot = {}
    for label, planted in (("pre", 2.0), ("post", 1.5)):
        d = f[f.wave == label]
        # the point estimate is motivators.value_multiplier's ratio of means
        ref = motivators.value_multiplier(d, value="spend", n_boot=0).ratio
        assert levels.loc[label, "estimate"] == pytest.approx(ref.estimate, rel=1e-12)
        assert levels.loc[label, "n"] == ref.n
        boot[label] = _bootstrap_multiplier(d, rng)
        # delta-method standard error of the ratio against the bootstrap's, within 10%
        assert levels.loc[label, "se"] == pytest.approx(boot[label].std(ddof=1), rel=0.10)
        assert levels.loc[label, "ci_low"] < planted < levels.loc[label, "ci_high"]
        # the interval is normal on the log scale: asymmetric about the ratio, geometric midpoint at it
        lo, hi, est = levels.loc[label, ["ci_low", "ci_high"]].tolist() + [levels.loc[label, "estimate"]]
        assert math.sqrt(lo * hi) == pytest.approx(est, rel=1e-12) and hi - est > est - lo
    row = tracked.table.iloc[0]
    assert row["metric"] == "multiplier" and row["comparison"] == "first_to_last"
    se = (row["ci_high"] - row["ci_low"]) / (2 * 1.959963984540054)
    assert se == pytest.approx(np.std(boot["post"] - boot["pre"], ddof=1), rel=0.10)
    assert row["ci_low"] < -0.5 < row["ci_high"] and row["p_adjusted"] < 0.05  # the planted fall of 0.5 holds
    d = tracked.to_dict()
    assert d["changes"][0]["estimate"] == pytest.approx(row["change"]) and d["waves"] == ["pre", "post"]


def test_multiplier_does_not_hold_when_nothing_was_planted_and_small_segments_are_a_reason():
    rng = np.random.default_rng(33)
    f = _three_segment_frame(rng, n=1500, multipliers=(1.8, 1.8))
    t = waves.track(_Eng(f, SHARE_CONFIG), metrics=["multiplier", "highly_satisfied"]).table
    assert (t.loc[t.metric == "multiplier", "p_value"] > 0.01).all()
    tiny = f[(f.segment != SEGMENTS[1]) | (f.index % 1000 == 0)]  # one or two highly satisfied per wave
    card = waves.compare_waves(_Eng(tiny, SHARE_CONFIG), metrics=["multiplier"])
    assert card.excluded["multiplier"].code == "too_few" and card.table.empty
    nothing = waves.compare_waves(_Eng(f.drop(columns="spend"), {**SHARE_CONFIG, "value": []}), metrics=["multiplier"])
    assert nothing.excluded["multiplier"].code == "not_configured"


def test_weighted_multiplier_and_highly_satisfied_levels_carry_the_weights():
    rng = np.random.default_rng(34)
    f = _three_segment_frame(rng, n=2000)
    eng = _Eng(f, {**SHARE_CONFIG, "weight": "w"})
    tracked = waves.track(eng, metrics=["highly_satisfied", "multiplier"])
    lv = tracked.levels.set_index(["metric", "wave"])
    d = f[f.wave == "pre"]
    hs = (d.segment == SEGMENTS[1]).to_numpy(float)
    assert lv.loc[("highly_satisfied", "pre"), "estimate"] == pytest.approx(np.average(hs, weights=d.w), rel=1e-12)
    m = [np.average(d.loc[d.segment == s, "spend"], weights=d.loc[d.segment == s, "w"]) for s in SEGMENTS[:2]]
    assert lv.loc[("multiplier", "pre"), "estimate"] == pytest.approx(m[0] / m[1], rel=1e-12)
    card = waves.compare_waves(eng, metrics=["multiplier"])
    assert card.row("multiplier")["n_effective"] > 0 and card.to_dict()["multiplier"]["n_effective"] > 0


def test_track_defaults_to_every_metric_on_three_waves():
    labels = ("q1", "q2", "q3")
    rng = np.random.default_rng(35)
    f = _three_segment_frame(rng, n=1200, labels=labels, shares=((0.2, 0.3),) * 3, multipliers=(2.0, 2.0, 2.0))
    tracked = waves.track(_Eng(f, {**SHARE_CONFIG, "waves": list(labels)}))
    assert set(tracked.table["metric"]) == {"connected", "highly_satisfied", "advocacy", "nps", "value", "multiplier"}
    assert set(tracked.excluded) == {"attrition"} and len(tracked.table) == 6 * 3
    assert set(tracked.trend["metric"]) == set(tracked.table["metric"])
