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
