"""cxlib.motivators: alpha vs pingouin, BCa multiplier vs scipy, ranking by relative weights."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats as st

from cxlib import motivators, stats


def _codebook(groups: dict[str, list[str]], scale=(1, 7)) -> pd.DataFrame:
    return pd.DataFrame([{"column": c, "role": "motivator_item", "motivator": m, "scale_min": scale[0],
                          "scale_max": scale[1]} for m, cols in groups.items() for c in cols])


@pytest.mark.parametrize("dataset", ["cronbach_alpha", "cronbach_wide_missing"])
def test_alpha_equals_pingouin_on_its_example_data(dataset):
    data = pg.read_dataset(dataset)
    if dataset == "cronbach_alpha":  # long format in the file
        data = data.pivot(index="Subj", columns="Items", values="Scores")
    data.columns = [f"i{c}" for c in data.columns]
    got = motivators.reliability(data, _codebook({"m": list(data.columns)}, scale=(0, 10))).table
    alpha, ci = pg.cronbach_alpha(data)
    assert got.loc[0, "alpha"] == pytest.approx(alpha, abs=1e-10)
    if not data.isna().all(axis=1).any():  # same n: pingouin rounds its interval to 3 decimals
        assert (got.loc[0, "ci_low"], got.loc[0, "ci_high"]) == pytest.approx(tuple(ci), abs=1e-3 + 1e-12)


def test_alpha_interval_is_feldts_written_plainly():
    rng = np.random.default_rng(0)
    latent = rng.normal(size=300)
    data = pd.DataFrame({f"x{i}": latent + rng.normal(size=300) for i in range(4)})
    got = motivators.reliability(data, _codebook({"m": list(data.columns)})).table.iloc[0]
    n, k, a = 300, 4, got["alpha"]
    assert got["ci_low"] == pytest.approx(1 - (1 - a) * st.f.ppf(0.975, n - 1, (n - 1) * (k - 1)))
    assert got["ci_high"] == pytest.approx(1 - (1 - a) * st.f.ppf(0.025, n - 1, (n - 1) * (k - 1)))
    assert got["adequate"]


def test_unreliable_scale_is_flagged():
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    got = motivators.reliability(data, _codebook({"noise": ["a", "b", "c"]}))
    assert not got.table.loc[0, "adequate"] and got.weak == ["noise"]
    assert "Less reliable" in got.headline() and "noise" in got.headline()


def _two_segments(rng, n1=400, n2=600, ratio=2.0, binary=False):
    seg = ["fully connected"] * n1 + ["highly satisfied"] * n2
    if binary:
        v = np.r_[rng.random(n1) < 0.3, rng.random(n2) < 0.3 / ratio].astype(float)
    else:
        v = np.r_[rng.gamma(2.0, 50 * ratio, n1), rng.gamma(2.0, 50, n2)]
    return pd.DataFrame({"segment": seg, "value": v, "w": rng.uniform(0.5, 1.5, n1 + n2)})


def test_multiplier_interval_equals_scipy_bca_given_the_same_resamples():
    """Reference: scipy.stats.bootstrap(method="BCa") on the same two samples."""
    rng = np.random.default_rng(2)
    f = _two_segments(rng, 120, 150)
    est = motivators.value_multiplier(f, value="value", n_boot=3000, seed=5)
    a = f.loc[f.segment == "fully connected", "value"].to_numpy()
    b = f.loc[f.segment == "highly satisfied", "value"].to_numpy()
    res = st.bootstrap((a, b), lambda x, y, axis=-1: x.mean(axis) / y.mean(axis), method="BCa",
                       n_resamples=3000, rng=np.random.default_rng(5))
    assert est.estimate == pytest.approx(a.mean() / b.mean(), rel=1e-12)
    # Different resamples, same method: intervals agree to Monte Carlo error.
    assert est.ci_low == pytest.approx(res.confidence_interval.low, rel=0.03)
    assert est.ci_high == pytest.approx(res.confidence_interval.high, rel=0.03)
    # Exactly equal when given scipy's bootstrap distribution.
    jack = [stats.weighted_mean_jackknife(a) / b.mean(), a.mean() / stats.weighted_mean_jackknife(b)]
    assert stats.bca_interval(a.mean() / b.mean(), res.bootstrap_distribution, jack) == pytest.approx(
        tuple(res.confidence_interval), rel=1e-12)


def test_multiplier_is_seeded_and_weighted():
    f = _two_segments(np.random.default_rng(3))
    e1 = motivators.value_multiplier(f, value="value", weight="w", seed=1, n_boot=500)
    e2 = motivators.value_multiplier(f, value="value", weight="w", seed=1, n_boot=500)
    assert e1.ratio == e2.ratio
    fc, hs = f[f.segment == "fully connected"], f[f.segment == "highly satisfied"]
    assert e1.estimate == pytest.approx(np.average(fc.value, weights=fc.w) / np.average(hs.value, weights=hs.w))
    assert e1.n_effective < e1.n


def test_rate_ratio_for_binary_value():
    f = _two_segments(np.random.default_rng(4), 3000, 3000, ratio=6, binary=True)
    vbs = motivators.value_by_segment(f, value="value", n_boot=500)
    assert vbs.kind == "rate"
    est = motivators.value_multiplier(f, value="value", n_boot=2000)
    assert est.kind == "rate"
    # Reference: the analytic log rate-ratio interval (statsmodels), which the bootstrap should approximate.
    from statsmodels.stats.proportion import confint_proportions_2indep
    a = f.loc[f.segment == "fully connected", "value"]
    b = f.loc[f.segment == "highly satisfied", "value"]
    lo, hi = confint_proportions_2indep(a.sum(), len(a), b.sum(), len(b), method="log", compare="ratio")
    assert est.estimate == pytest.approx(a.mean() / b.mean())
    assert (est.ci_low, est.ci_high) == pytest.approx((lo, hi), rel=0.04)


def test_multiplier_reports_why_it_cannot_be_estimated():
    f = pd.DataFrame({"segment": ["fully connected"] * 5, "value": np.arange(5.0)})
    est = motivators.value_multiplier(f, value="value", n_boot=100)
    assert np.isnan(est.estimate) and not est.estimable and est.reason.code == "segment_empty"
    assert "not estimable: no customer is highly satisfied" in est.headline()
    assert est.to_dict()["estimate"] is None and est.to_dict()["note"] == "no customer is highly satisfied"
    f = pd.DataFrame({"segment": ["fully connected"] * 5 + ["highly satisfied"], "value": np.arange(6.0)})
    est = motivators.value_multiplier(f, value="value", n_boot=100)
    assert est.reason.code == "too_few" and "too few" in est.note


# -- acceptance on the demo engagements and synthetic data with a planted truth ----------------------

from pathlib import Path  # noqa: E402

import cxlib as cx  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module", params=["demo-retailer", "demo-brokerage"])
def demo(request):
    eng = cx.load_engagement(DATA / request.param)
    return eng, eng.frame(), __import__("json").loads((DATA / request.param / "truth.json").read_text())


def test_alpha_equals_pingouin_on_the_demo_engagements(demo):
    eng, f, _ = demo
    got = motivators.reliability(f, eng.codebook).table.set_index("motivator")
    for m, cols in motivators.motivator_items(eng.codebook).items():
        assert got.loc[m, "alpha"] == pytest.approx(pg.cronbach_alpha(f[cols])[0], abs=1e-10)


def test_planted_top3_motivators_recovered_on_the_demo_engagements(demo):
    eng, f, truth = demo
    ranking = motivators.rank(f, eng.codebook, value=eng.config["value"][0], weight=eng.config.get("weight"), n_boot=200)
    assert set(ranking.table["motivator"].head(3)) == set(truth["top_motivators"])
    assert [m["motivator"] for m in ranking.top_motivators()] == ranking.table["motivator"].head(3).tolist()


@pytest.mark.slow
def test_multiplier_interval_covers_the_planted_multiplier(slow):
    """At least 90% of 100 seeds (10 seeds in the quick form, where at least 8 must cover)."""
    seeds = range(100) if slow else range(10)
    covered = []
    for seed in seeds:
        eng, truth = cx.synth.make_engagement("retailer", 3000, seed=1000 + seed)
        est = motivators.value_multiplier(eng.frame(), value="annual_spend", weight="resp_weight", n_boot=1000, seed=seed)
        covered.append(est.ci_low <= truth["value_multiplier"] <= est.ci_high)
    share = float(np.mean(covered))
    print(f"\nvalue multiplier: 95% CI covered the planted value in {sum(covered)} of {len(covered)} seeds")
    assert share >= (0.9 if slow else 0.8)


def test_a_motivator_everyone_scored_the_same_is_named_not_fatal():
    """#10 awkward data: the ranking and the factor analysis leave the constant motivator out and say why."""
    eng, _ = cx.synth.make_engagement("retailer", 600, seed=5)
    frame, cb = eng.frame(), eng.codebook
    items = cb.loc[cb["role"] == "motivator_item"]
    flat = items.loc[items["motivator"] == items["motivator"].iloc[0], "column"].tolist()
    frame = frame.assign(**{c: 4.0 for c in flat})
    name = items["motivator"].iloc[0]
    ranking = motivators.rank(frame, cb, value="annual_spend", weight="resp_weight", n_boot=50)
    assert name not in set(ranking.table["motivator"])
    assert {m: r.sentence for m, r in ranking.excluded.items()} == {name: "every customer scored 50"}
    assert ranking.excluded[name].code == "constant"
    assert ranking.table["rescaled"].sum() == pytest.approx(100)
    load = motivators.item_loadings(frame, cb)
    assert set(load.excluded) == set(flat) and not set(load.table["item"]) & set(flat)


# -- threshold sensitivity (issue 17) ----------------------------------------------------------------------

from cxlib import segments  # noqa: E402


def _index_frame(rng, n=160, missing=True):
    """A frame with a connection index, satisfaction, a value and weights; some index, satisfaction and value
    answers missing."""
    f = pd.DataFrame({"connection_index": rng.uniform(40, 100, n), "sat": rng.integers(5, 11, n).astype(float),
                      "spend": rng.gamma(2.0, 100, n), "w": rng.uniform(0.5, 2.0, n)})
    f["spend"] *= 1 + f["connection_index"] / 50
    if missing:
        f.loc[f.index[:4], "connection_index"] = np.nan
        f.loc[f.index[4:8], "sat"] = np.nan
        f.loc[f.index[8:12], "spend"] = np.nan
    return f


def _brute(f, t, weight):
    """Segments assigned again with segments.assign; shares and the ratio of weighted means recomputed."""
    seg = segments.assign(f, threshold=t, sat_column="sat", top_box=9)
    w = f[weight] if weight else pd.Series(1.0, index=f.index)
    has = seg.notna()
    shares = {s: float(w[seg == s].sum() / w[has].sum()) for s in segments.SEGMENTS}
    means = []
    for s in segments.SEGMENTS[:2]:
        ok = (seg == s) & f["spend"].notna()
        means.append(np.average(f.loc[ok, "spend"], weights=w[ok]) if ok.sum() else np.nan)
    return shares, means[0] / means[1]


@pytest.mark.parametrize("weight", [None, "w"])
def test_threshold_sensitivity_equals_a_brute_force_recomputation(weight):
    """Reference: at each threshold, segments.assign then shares and the multiplier by hand; the bootstrap
    resample by resample (the same generator's draws), the jackknife by leaving each respondent out."""
    rng = np.random.default_rng(7)
    f = _index_frame(rng, n=90)
    n_boot, seed = 25, 3
    got = motivators.threshold_sensitivity(f, value="spend", sat_column="sat", top_box=9, threshold=75, weight=weight,
                                           n_boot=n_boot, seed=seed)
    assert got.thresholds == (65.0, 70.0, 75.0, 80.0, 85.0)
    kept = f[f["connection_index"].notna()].reset_index(drop=True)
    gen = np.random.default_rng(seed)
    resamples = [kept.iloc[gen.integers(0, len(kept), len(kept))].reset_index(drop=True) for _ in range(n_boot)]
    for t in got.thresholds:
        shares, ratio = _brute(kept, t, weight)
        for s in segments.SEGMENTS:
            assert got.share(t, s).estimate == pytest.approx(shares[s], rel=1e-12)
        e = got.multiplier(t)
        assert e.estimate == pytest.approx(ratio, rel=1e-12)
        boot = np.array([_brute(r, t, weight)[1] for r in resamples])
        np.testing.assert_allclose(got.draws[f"{t:g}:multiplier"], boot, rtol=1e-10)
        np.testing.assert_allclose(got.draws[f"{t:g}:fully connected"],
                                   [_brute(r, t, weight)[0]["fully connected"] for r in resamples], rtol=1e-10)
        jack = np.array([_brute(kept.drop(index=i), t, weight)[1] for i in kept.index])
        assert (e.ci_low, e.ci_high) == pytest.approx(stats.bca_interval(ratio, boot, [jack]), rel=1e-10)
    # at the threshold used, the shares and the multiplier are the page's own
    seg = f.assign(segment=segments.assign(f, threshold=75, sat_column="sat", top_box=9))
    ref = segments.shares(seg, weight=weight).share("fully connected")
    assert (got.share(75).estimate, got.share(75).ci_low, got.share(75).ci_high) == pytest.approx(
        (ref.estimate, ref.ci_low, ref.ci_high), rel=1e-12)
    vm = motivators.value_multiplier(seg, value="spend", weight=weight, n_boot=0)
    assert got.multiplier(75).estimate == pytest.approx(vm.estimate, rel=1e-12)


def test_threshold_sensitivity_range_is_clipped_and_the_used_threshold_always_shown():
    f = _index_frame(np.random.default_rng(1), missing=False)
    s = motivators.threshold_sensitivity(f, value="spend", sat_column="sat", top_box=9, threshold=95, n_boot=0)
    assert s.thresholds == (85.0, 90.0, 95.0, 100.0)
    assert s.table.loc[s.table["used"], "threshold"].unique().tolist() == [95.0]
    s = motivators.threshold_sensitivity(f, value="spend", sat_column="sat", top_box=9, threshold=72,
                                         thresholds=[60, 80], n_boot=0)
    assert s.thresholds == (60.0, 72.0, 80.0)
    assert not s.multiplier(80).has_interval and "without resampling" in s.multiplier(80).note
    # nobody at or above 100: the multiplier there says why
    s = motivators.threshold_sensitivity(f.assign(connection_index=f["connection_index"].clip(upper=99)), value="spend",
                                         sat_column="sat", top_box=9, threshold=95, n_boot=20)
    assert s.reasons["100"].code == "segment_empty" and not s.multiplier(100).estimable
    text = str(s.headline())
    assert "At 100 the multiplier cannot be estimated: no customer is fully connected." in text
    assert "nan" not in text.lower() and s.to_dict()["by_threshold"][-1]["value_multiplier"]["estimate"] is None


@pytest.mark.slow
def test_threshold_sensitivity_recovers_planted_shares_and_multipliers(slow):
    """Synthetic truth: index ~ U(0, 100), top-box satisfaction with probability 0.5 independently, mean value
    100 + 10·index. At threshold t: fully connected share (100 − t)/100, highly satisfied 0.5·t/100, and the
    multiplier (100 + 5(t + 100)) / (100 + 5t). The intervals cover the truth in most seeds."""
    seeds = range(20) if slow else range(3)
    thresholds = (60.0, 70.0, 80.0)
    hits, total = 0, 0
    for seed in seeds:
        rng = np.random.default_rng(100 + seed)
        n = 3000
        idx = rng.uniform(0, 100, n)
        f = pd.DataFrame({"connection_index": idx, "sat": np.where(rng.random(n) < 0.5, 10.0, 5.0),
                          "spend": rng.gamma(2.0, (100 + 10 * idx) / 2.0)})
        s = motivators.threshold_sensitivity(f, value="spend", sat_column="sat", top_box=9, threshold=70,
                                             thresholds=thresholds, n_boot=400, seed=seed)
        for t in thresholds:
            truth = (100 + 5 * (t + 100)) / (100 + 5 * t)
            e = s.multiplier(t)
            assert e.estimate == pytest.approx(truth, rel=0.2)
            assert s.share(t).estimate == pytest.approx((100 - t) / 100, abs=0.03)
            assert s.share(t, "highly satisfied").estimate == pytest.approx(0.5 * t / 100, abs=0.03)
            hits += e.ci_low <= truth <= e.ci_high
            total += 1
        assert s.holds() and "does not depend on where the line is drawn" in str(s.headline())
    print(f"\nthreshold sensitivity: the multiplier's interval covered the planted value {hits} of {total} times")
    assert hits / total >= (0.9 if slow else 7 / 9)


def test_threshold_sensitivity_says_when_the_ranking_depends_on_the_threshold():
    rng = np.random.default_rng(5)
    n = 2000
    idx = rng.uniform(0, 100, n)
    # value peaks at index 70: above 85 the connected spend less than the satisfied
    f = pd.DataFrame({"connection_index": idx, "sat": np.where(rng.random(n) < 0.5, 10.0, 5.0),
                      "spend": rng.gamma(4.0, np.where(idx > 88, 20.0, 60.0))})
    s = motivators.threshold_sensitivity(f, value="spend", sat_column="sat", top_box=9, threshold=80,
                                         thresholds=[70, 80, 90], n_boot=200)
    r = s.ranking()
    assert 90.0 in r["below"] and not s.holds()
    assert "so the headline's ranking depends on the threshold" in str(s.headline())


# -- the multiplier raw and adjusted, means and medians ----------------------------------------------------

def test_weighted_median_equals_numpy_unweighted_and_repeated_values_weighted():
    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 50, 51):
        x = rng.gamma(2, 10, n)
        assert motivators.weighted_median(x) == pytest.approx(np.median(x), rel=1e-14)
        k = rng.integers(1, 5, n)  # integer weights: the median of each value repeated k times
        assert motivators.weighted_median(x, k) == pytest.approx(np.median(np.repeat(x, k)), rel=1e-14)


def _confounded(rng, n=1500, zeros=False):
    region = rng.choice(["North", "South", "East"], n)
    age = rng.choice(["18-34", "35-54", "55+"], n)
    p = np.where(region == "North", 0.7, 0.3)
    seg = np.where(rng.random(n) < p, "fully connected", "highly satisfied")
    mu = 50 * np.where(seg == "fully connected", 1.5, 1.0) * np.where(region == "North", 2.0, 1.0) \
        * np.where(age == "55+", 1.3, 1.0)
    spend = rng.gamma(2.0, mu / 2.0)
    if zeros:
        spend[rng.random(n) < 0.1] = 0.0
    return pd.DataFrame({"segment": seg, "region": region, "age_band": age, "spend": spend,
                         "w": rng.uniform(0.5, 2.0, n)})


def test_adjusted_multiplier_recovers_the_planted_ratio_that_the_raw_one_confounds():
    f = _confounded(np.random.default_rng(11), n=4000)
    m = motivators.adjusted_multiplier(f, value="spend", covariates=["region", "age_band"], n_boot=200)
    assert m.family == "gamma"
    assert m.raw.estimate > 1.8 and not (m.raw.ci_low <= 1.5 <= m.raw.ci_high)
    assert m.adjusted.ci_low <= 1.5 <= m.adjusted.ci_high and m.adjusted.estimate == pytest.approx(1.5, rel=0.06)
    assert m.raw.estimate == motivators.value_multiplier(f, value="spend", n_boot=200).estimate
    # no covariates: the model reproduces the raw ratio of means exactly
    plain = motivators.adjusted_multiplier(f, value="spend", covariates=["region"], n_boot=0)
    assert plain.raw.estimate == pytest.approx(f[f.segment == "fully connected"].spend.mean()
                                               / f[f.segment == "highly satisfied"].spend.mean(), rel=1e-12)
    none = motivators.adjusted_multiplier(f, value="spend", n_boot=0)
    assert none.adjusted.reason.code == "not_configured" and "region" not in str(none.headline())


@pytest.mark.parametrize("zeros", [False, True])
def test_adjusted_multiplier_equals_r_glm_and_svyglm(zeros):
    """Reference: R glm (coefficients; Gamma or quasipoisson, log link, prior weights) and survey::svyglm on a
    one-stage design with these weights (the robust variance)."""
    from rlang import run_r

    f = _confounded(np.random.default_rng(12 if zeros else 13), n=800, zeros=zeros)
    m = motivators.adjusted_multiplier(f, value="spend", covariates=["region", "age_band"], weight="w", n_boot=0)
    assert m.family == ("poisson" if zeros else "gamma")
    family = "quasipoisson(link = 'log')" if zeros else "Gamma(link = 'log')"
    out = run_r(f"""
        library(survey)
        d$fc <- as.numeric(d$segment == "fully connected")
        d$region <- factor(d$region); d$age_band <- factor(d$age_band)
        tight <- glm.control(epsilon = 1e-14, maxit = 100)  # R's default stops at a relative deviance change of 1e-8
        g <- glm(spend ~ fc + region + age_band, data = d, weights = w, family = {family}, control = tight)
        s <- svyglm(spend ~ fc + region + age_band, design = svydesign(ids = ~1, weights = ~w, data = d),
                    family = {family}, control = tight)
        result <- data.frame(b = coef(g)[["fc"]], b_svy = coef(s)[["fc"]], se = sqrt(vcov(s)["fc", "fc"]))
    """, d=f)
    b, se = float(out["b"][0]), float(out["se"][0])
    assert np.log(m.adjusted.estimate) == pytest.approx(b, rel=1e-7)
    assert float(out["b_svy"][0]) == pytest.approx(b, rel=1e-7)
    z = st.norm.ppf(0.975)
    assert m.adjusted.ci_low == pytest.approx(np.exp(b - z * se), rel=1e-6)
    assert m.adjusted.ci_high == pytest.approx(np.exp(b + z * se), rel=1e-6)


def test_adjusted_multiplier_statsmodels_reference_and_medians():
    """Reference: statsmodels GLM (coefficients, unweighted; its robust variance scales differently, so the
    interval is checked against R's svyglm above); medians by numpy."""
    import statsmodels.api as sm

    f = _confounded(np.random.default_rng(14), n=1200)
    m = motivators.adjusted_multiplier(f, value="spend", covariates=["region", "age_band"], n_boot=300, seed=2)
    X = pd.get_dummies(f[["region", "age_band"]], drop_first=True, dtype=float)
    X.insert(0, "fc", (f["segment"] == "fully connected").astype(float))
    X = sm.add_constant(X)
    ref = sm.GLM(f["spend"], X, family=sm.families.Gamma(sm.families.links.Log())).fit(tol=1e-12)
    assert m.adjusted.estimate == pytest.approx(np.exp(ref.params["fc"]), rel=1e-8)
    assert m.adjusted.ci_low < m.adjusted.estimate < m.adjusted.ci_high
    a, b = (f.loc[f.segment == s, "spend"] for s in ("fully connected", "highly satisfied"))
    assert m.median.estimate == pytest.approx(np.median(a) / np.median(b), rel=1e-12)
    assert m.median.ci_low < m.median.estimate < m.median.ci_high
    assert m.median_draws is not None and len(m.median_draws) == 300
    # the bootstrap medians are numpy's medians of the resamples (the same generator's draws, of the values sorted)
    gen = np.random.default_rng([2, 1])
    first = np.median(np.sort(a.to_numpy())[gen.integers(0, len(a), len(a))])
    assert m.median_draws["fully connected"][0] == pytest.approx(first, rel=1e-12)
    text = str(m.headline())
    assert "after allowing for region and age band" in text and "median" in text
    pooled = np.r_[a.to_numpy(), b.to_numpy()]
    assert m.skewness == pytest.approx(st.skew(pooled, bias=False), rel=1e-12) and m.skewed  # gamma(2): skewness √2


def test_adjusted_multiplier_for_a_yes_no_value_is_a_rate_ratio_without_median():
    rng = np.random.default_rng(15)
    f = _confounded(rng, n=3000)
    f["bought"] = (rng.random(len(f)) < np.where(f.segment == "fully connected", 0.3, 0.15)).astype(float)
    m = motivators.adjusted_multiplier(f, value="bought", covariates=["region"], n_boot=100)
    assert m.kind == "rate" and m.family == "poisson" and m.median is None
    assert m.adjusted.ci_low < 2 < m.adjusted.ci_high
    assert m.table["measure"].tolist() == ["ratio of means", "adjusted ratio of means"]
    assert "median" not in m.to_dict()


def test_weighted_profiles_use_the_survey_standard_error_of_r_svymean():
    """With weights, each profile's interval is mean ± z·se with se the design-based standard error of
    ``stats.weighted_mean_se`` (R ``survey::svymean``, checked to 1e-12 in tests/test_r_reference.py);
    unweighted it is scipy's t interval."""
    from scipy import stats as st

    from cxlib import stats

    rng = np.random.default_rng(4)
    n = 600
    cb = _codebook({"Feel secure": ["sec_1", "sec_2"], "Feel a sense of belonging": ["bel_1", "bel_2"]})
    f = pd.DataFrame({c: rng.integers(1, 8, n).astype(float) for c in ["sec_1", "sec_2", "bel_1", "bel_2"]})
    f["segment"] = rng.choice(["fully connected", "highly satisfied", "other"], n)
    f["w"] = rng.gamma(4, 0.25, n) * np.where(f["sec_1"] > 4, 1.6, 1.0)  # weights that go with the scores
    got = motivators.profiles(f, cb, weight="w").table
    plain = motivators.profiles(f, cb).table
    scores = motivators.motivator_scores(f, cb)
    z = st.norm.ppf(0.975)
    for i, row in got.iterrows():
        mask = (f["segment"] == row["segment"]).to_numpy()
        mean, se = stats.weighted_mean_se(scores.loc[mask, row["motivator"]], f.loc[mask, "w"])
        assert (row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx((mean, mean - z * se, mean + z * se), abs=1e-10)
        x = scores.loc[mask, row["motivator"]]
        lo, hi = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
        assert (plain.loc[i, "ci_low"], plain.loc[i, "ci_high"]) == pytest.approx((lo, hi), abs=1e-10)
