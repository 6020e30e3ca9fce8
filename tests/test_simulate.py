"""cxlib.simulate: the value-at-stake scenarios against their formulas by hand and a planted multiplier."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cxlib import simulate
from cxlib.segments import SEGMENTS


def _frame(n=900, seed=0):
    rng = np.random.default_rng(seed)
    seg = rng.choice(SEGMENTS, n, p=[0.2, 0.3, 0.5])
    spend = np.where(seg == "fully connected", 200.0, np.where(seg == "highly satisfied", 100.0, 80.0)) + rng.normal(0, 5, n)
    ltr = np.where(seg == "fully connected", 10, np.where(rng.random(n) < 0.3, 9, 6))
    left = (rng.random(n) < np.where(seg == "fully connected", 0.1, 0.3)).astype(int)
    return pd.DataFrame({"segment": pd.Categorical(seg, categories=SEGMENTS), "spend": spend, "ltr": ltr,
                         "days": np.where(left == 1, 100.0, 400.0), "left": left})


def test_connect_share_equals_the_formula_by_hand():
    f = _frame()
    o = simulate.Outcomes(value="spend", duration="days", event="left", horizon=365, advocacy="ltr")
    res = simulate.connect_share(f, share=0.5, outcomes=o, customers=10_000, n_boot=50)
    got = res.table.set_index("outcome")
    pi_hs = (f.segment == "highly satisfied").mean()
    fc, hs = f[f.segment == "fully connected"], f[f.segment == "highly satisfied"]
    assert got.loc["connected_share", "change"] == pytest.approx(0.5 * pi_hs)
    assert got.loc["value_per_customer", "change"] == pytest.approx(0.5 * pi_hs * (fc.spend.mean() - hs.spend.mean()))
    assert got.loc["promoter_share", "change"] == pytest.approx(0.5 * pi_hs * ((fc.ltr >= 9).mean() - (hs.ltr >= 9).mean()))
    # nobody is censored before 365 days, so KM attrition is the share who left
    assert got.loc["attrition", "change"] == pytest.approx(0.5 * pi_hs * (fc.left.mean() - hs.left.mean()))
    assert got.loc["customers_kept", "change"] == pytest.approx(-got.loc["attrition", "change"] * 10_000)
    assert got.loc["value_uplift_of_movers", "change"] == pytest.approx(fc.spend.mean() / hs.spend.mean() - 1)
    assert (got["ci_low"] <= got["change"]).all() and (got["change"] <= got["ci_high"]).all()
    assert "behave like today's fully connected" in res.assumption
    assert res.draws["attrition"].shape == (50,) and res.change("attrition").n == len(f)
    assert "nan" not in res.headline() and "10,000 customers" in res.headline()


def test_connect_share_rejects_a_share_outside_0_1():
    from cxlib.errors import ArgumentError

    for share in (1.5, 0, -0.1):
        with pytest.raises(ArgumentError, match="above 0 and at most 1") as err:
            simulate.connect_share(_frame(), share=share, outcomes=simulate.Outcomes(value="spend"))
        assert err.value.argument == "share"


def test_improve_element_moves_exactly_the_customers_who_reach_the_threshold():
    """Index = 10 × rating exactly, so b = 10: +1 point lifts the index by 10 (capped at the scale top)."""
    rng = np.random.default_rng(2)
    n = 500
    rating = rng.integers(1, 8, n).astype(float)
    other = rng.normal(size=n)
    index = 10 * rating + 0 * other
    seg = np.where(index >= 75, "fully connected", np.where(rng.random(n) < 0.5, "highly satisfied", "other"))
    f = pd.DataFrame({"e1": rating, "e2": other, "connection_index": index, "spend": np.where(seg == "fully connected", 300.0, 100.0),
                      "segment": pd.Categorical(seg, categories=SEGMENTS)})
    cb = pd.DataFrame({"column": ["e1", "e2"], "role": "element_performance", "element": ["Staff", "Other"],
                       "scale_min": 1, "scale_max": 7})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = simulate.improve_element(f, cb, element="Staff", points=1, threshold=75,
                                       outcomes=simulate.Outcomes(value="spend"), n_boot=20).table.set_index("outcome")
    movers = (seg != "fully connected") & (index + 10 * np.clip(7 - rating, 0, 1) >= 75)
    assert got.loc["connected_share", "change"] == pytest.approx(movers.mean())
    assert got.loc["value_per_customer", "change"] == pytest.approx(movers.mean() * 200.0)
    assert got.loc["index_change", "change"] == pytest.approx(10 * np.clip(7 - rating, 0, 1).mean())
    with pytest.raises(ValueError, match="no element named 'Staf'.*did you mean 'Staff'"):
        simulate.improve_element(f, cb, element="Staf", points=1, threshold=75, outcomes=simulate.Outcomes())


@pytest.mark.slow
def test_moving_all_highly_satisfied_recovers_the_planted_multiplier(slow):
    """Acceptance (#9): moving every highly satisfied customer gives the planted value multiplier's uplift
    (multiplier − 1) inside its 95% interval (slow: 20 seeds, >= 85%; quick: 3 seeds, all)."""
    import cxlib as cx

    seeds = range(20) if slow else range(3)
    covered = []
    for seed in seeds:
        eng, truth = cx.synth.make_engagement("retailer", 4000, seed=700 + seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = simulate.connect_share(eng.frame(), share=1.0, outcomes=simulate.Outcomes(value="annual_spend"),
                                       weight="resp_weight", n_boot=400, seed=seed).table.set_index("outcome")
        row = r.loc["value_uplift_of_movers"]
        covered.append(row["ci_low"] <= truth["value_multiplier"] - 1 <= row["ci_high"])
    print(f"\nplanted uplift inside the interval in {sum(covered)} of {len(covered)} seeds")
    assert np.mean(covered) >= (0.85 if slow else 1.0)


def test_scenarios_table_aligns_by_scenario_and_outcome():
    f = _frame()
    o = simulate.Outcomes(value="spend", duration="days", event="left", horizon=365, advocacy="ltr")
    a = simulate.connect_share(f, share=0.25, outcomes=o, customers=1000, n_boot=30)
    b = simulate.connect_share(f, share=1.0, outcomes=o, customers=1000, n_boot=30)
    comp = simulate.scenarios_table([a, ("all", b)])
    t = comp.table
    assert t.columns.tolist() == ["scenario", "outcome", "baseline", "change", "ci_low", "ci_high", "n"]
    assert t.loc[(t.scenario == "all") & (t.outcome == "value_total"), "change"].item() == pytest.approx(
        b.change("value_total").estimate)
    assert set(comp.assumptions) == {a.name, "all"} and comp.customers == 1000
    ax = comp.plot(outcome="value_total")
    title = ax.get_title(loc="left") or ax.get_title()
    assert "1,000 customers" in title and f"n={len(f):,}" in title


def test_attrition_uses_the_one_kaplan_meier_at_the_horizon():
    from cxlib import survival

    f = _frame()
    o = simulate.Outcomes(duration="days", event="left", horizon=365)
    res = simulate.connect_share(f, share=1.0, outcomes=o, n_boot=0)
    fc = f[f.segment == "fully connected"]
    att = [1 - survival.km_at(g["days"].to_numpy(), g["left"].to_numpy(), 365)[0] for _, g in f.groupby("segment", observed=True)]
    shares = f["segment"].value_counts(normalize=True).reindex(SEGMENTS).to_numpy()
    assert res.table.set_index("outcome").loc["attrition", "baseline"] == pytest.approx(float(np.dot(shares, att)))
    assert np.isnan(res.table["ci_low"]).all() and res.draws is None and len(fc)


# -- issue 17: honest scale, what intervals cover, shares within what is observed, the waves' check ---------------

def test_every_interval_says_what_it_covers_and_the_value_keeps_its_unit():
    f = _frame()
    o = simulate.Outcomes(value="spend", value_label="Annual spend", value_unit="EUR")
    res = simulate.connect_share(f, share=0.2, outcomes=o, customers=5000, n_boot=30)
    head = str(res.headline())
    assert "resampling the respondents only" in head and "do not cover the assumption" in head
    assert "annual spend, all customers" in head and " EUR (95% CI" in head
    assert "5,000 customers active at the survey" in head
    e = res.change("value_total")
    assert "resampling the respondents only" in e.note and "resamples of respondents" in e.method
    assert res.value_unit == "EUR" and res.value_label == "Annual spend"


def test_spread_places_the_estimate_in_its_bootstrap_distribution():
    f = _frame()
    res = simulate.connect_share(f, share=0.5, outcomes=simulate.Outcomes(value="spend"), n_boot=200)
    s = res.spread("value_per_customer")
    d = res.draws["value_per_customer"]
    assert s["median"] == pytest.approx(np.median(d)) and s["mean"] == pytest.approx(d.mean())
    assert s["share_below"] == pytest.approx((d < s["estimate"]).mean())  # continuous: no ties
    assert 0.3 < s["share_below"] < 0.7  # a smooth statistic: centred
    assert np.isnan(simulate.connect_share(f, share=0.5, outcomes=simulate.Outcomes(value="spend"),
                                           n_boot=0).spread("value_per_customer")["median"])


def _waves_frame(seed=0, n=800):
    """Two waves: the fully connected share rises from 20% to 30%; regions differ in connection."""
    rng = np.random.default_rng(seed)
    seg = np.r_[rng.choice(SEGMENTS, n, p=[0.2, 0.3, 0.5]), rng.choice(SEGMENTS, n, p=[0.3, 0.25, 0.45])]
    region = rng.choice(["north", "south", "tiny"], 2 * n, p=[0.5, 0.49, 0.01])
    spend = np.where(seg == "fully connected", 300.0, np.where(seg == "highly satisfied", 150.0, 100.0))
    return pd.DataFrame({"wave": np.repeat(["pre", "post"], n), "segment": pd.Categorical(seg, categories=SEGMENTS),
                         "region": region, "spend": spend + rng.normal(0, 20, 2 * n), "w": rng.uniform(0.5, 1.5, 2 * n)})


def test_observed_rises_by_hand():
    f = _waves_frame()
    r = simulate.observed_rises(f, wave="wave", waves=["pre", "post"], groups=["region"], weight="w", min_cell=30)
    t = r.table.set_index("source")

    def share(d, s):
        return np.average(d["segment"] == s, weights=d["w"])

    pre, post = f[f.wave == "pre"], f[f.wave == "post"]
    rise = share(post, "fully connected") - share(pre, "fully connected")
    assert t.loc["waves", "rise"] == pytest.approx(rise)
    assert t.loc["waves", "share_of_highly_satisfied"] == pytest.approx(rise / share(pre, "highly satisfied"))
    big = {g: share(d, "fully connected") for g, d in f.groupby("region") if len(d) >= 30}  # 'tiny' is left out
    best = max(big, key=big.get)
    assert t.loc["region", "group"] == best and "tiny" not in set(r.table["group"])
    assert t.loc["region", "rise"] == pytest.approx(big[best] - share(f, "fully connected"))
    assert r.ceiling == pytest.approx(r.table["share_of_highly_satisfied"].max())
    assert "most connected region" in str(r.headline())
    # nothing observed: no rise, no ceiling, said so
    flat = simulate.observed_rises(f[f.wave == "pre"])
    assert flat.ceiling == 0 and "no share of customers is offered" in str(flat.headline())


def test_wave_check_equals_the_formula_and_the_mix_impact_of_waves():
    """Predicted = Σ (π₂ − π₁) v₁ by hand and by cxlib.waves.mix_impact (a separate implementation);
    observed = the difference of weighted means; difference = observed − predicted, in every resample."""
    from cxlib import waves

    f = _waves_frame(seed=3)
    r = simulate.wave_check(f, wave="wave", waves=["pre", "post"], value="spend", weight="w", n_boot=200, seed=1)
    got = r.table.set_index("quantity")["estimate"]
    pre, post = f[f.wave == "pre"], f[f.wave == "post"]
    p1 = pre.groupby("segment", observed=True)["w"].sum() / pre["w"].sum()
    p2 = post.groupby("segment", observed=True)["w"].sum() / post["w"].sum()
    v1 = pre.groupby("segment", observed=True).apply(lambda g: np.average(g["spend"], weights=g["w"]), include_groups=False)
    assert got["predicted_value_change"] == pytest.approx(float(((p2 - p1) * v1).sum()))
    observed = np.average(post["spend"], weights=post["w"]) - np.average(pre["spend"], weights=pre["w"])
    assert got["observed_value_change"] == pytest.approx(observed)
    assert got["difference"] == pytest.approx(observed - got["predicted_value_change"])
    mix = waves.mix_impact(f.assign(days=400.0, left=0), wave="wave", waves=["pre", "post"], value="spend",
                           duration="days", event="left", horizon=365, customers=1, weight="w", n_boot=0)
    assert got["predicted_value_change"] == pytest.approx(mix.get("value_per_customer").estimate)
    d = r.draws
    assert np.allclose(d["difference"], d["observed_value_change"] - d["predicted_value_change"])
    # spend follows the segments exactly here, so the assumption holds: the difference's interval holds 0
    assert r.verdict() == "consistent"
    # a within-segment fall in spend that the mix does not predict is caught
    g = f.copy()
    g.loc[g.wave == "post", "spend"] -= 60
    assert simulate.wave_check(g, wave="wave", waves=["pre", "post"], value="spend", n_boot=200).verdict() == "lower"


def test_wave_check_on_the_demo_retailer():
    """The demo retailer's waves (raked to the customer base): the fully connected share rose 4.3 points; the
    scenario logic predicts mean spend to rise with it by about 31, measured spend rose by 14 with a wide
    interval: the two waves cannot confirm the assumption."""
    import cxlib as cx

    eng = cx.load_engagement("data/demo-retailer")
    cfg = eng.config
    r = simulate.wave_check(eng.frame(), wave=cfg["wave"], waves=cfg["waves"], value="annual_spend",
                            weight=cfg.get("weight"), value_label="Annual spend", n_boot=300, seed=0)
    c, pred, obs, diff = (r.get(q) for q in simulate.WAVE_CHECK)
    assert c.estimate == pytest.approx(0.0427, abs=0.0005) and c.ci_low > 0
    assert pred.estimate == pytest.approx(30.8, abs=0.5) and pred.ci_low > 0
    assert obs.estimate == pytest.approx(14.2, abs=0.5) and obs.ci_low < 0 < obs.ci_high
    assert diff.estimate == pytest.approx(-16.6, abs=0.5) and r.verdict() == "consistent"
    head = str(r.headline())
    assert "neither confirm nor rule it out" in head and "without a control group" in head


def _grid_population(coef, rng, N):
    """Elements rated 1–10; the connection index a linear function of them plus noise, observed on a grid of
    whole index points (as a mean of few items is): the threshold is crossed in steps."""
    e = rng.integers(1, 11, (N, 3)).astype(float)
    z = 38 + coef * e[:, 0] + 3 * e[:, 1] + 2 * e[:, 2] + rng.normal(0, 10, N)
    y = np.clip(np.round(z), 0, 100)
    seg = np.where(y >= 75, SEGMENTS[0], np.where(rng.random(N) < 0.4, SEGMENTS[1], SEGMENTS[2]))
    v = 300 + 200 * (seg == SEGMENTS[0]) + 50 * (seg == SEGMENTS[1]) + rng.gamma(2, 100, N)
    return pd.DataFrame({"e1": e[:, 0], "e2": e[:, 1], "e3": e[:, 2], "connection_index": y,
                         "segment": pd.Categorical(seg, categories=SEGMENTS), "spend": v})


@pytest.mark.slow
def test_element_scenario_interval_covers_the_planted_truth_despite_the_steps(slow):
    """The element scenario's bootstrap is lumpy, not biased: its movers are counted where a discrete index
    crosses the threshold, a step function of the element's coefficient (on the demo retailer the estimate sits
    0.23 standard errors below a step, so 30% of the resamples fall below it). The percentile interval,
    which follows a monotone step, still covers the planted population value (slow: 60 samples, >= 90%;
    quick: 5 samples, all), and the estimate sits off-centre in some samples."""
    rng = np.random.default_rng(11)
    pop = _grid_population(1.95, rng, 300_000)
    cb = pd.DataFrame({"column": ["e1", "e2", "e3"], "role": "element_performance", "element": ["A", "B", "C"],
                       "scale_max": 10})
    o = simulate.Outcomes(value="spend")
    kw = dict(element="A", points=1, threshold=75, outcomes=o)
    truth = simulate.improve_element(pop, cb, n_boot=0, **kw).table.set_index("outcome")["change"]
    seeds = range(60) if slow else range(5)
    covered, below = [], []
    for s in seeds:
        d = pop.iloc[np.random.default_rng(s).choice(len(pop), 1500, replace=False)].reset_index(drop=True)
        res = simulate.improve_element(d, cb, n_boot=300 if slow else 200, seed=s, **kw)
        t = res.table.set_index("outcome")
        covered.append(all(t.loc[k, "ci_low"] <= truth[k] <= t.loc[k, "ci_high"]
                           for k in ("connected_share", "value_per_customer")))
        below.append(res.spread("connected_share")["share_below"])
    print(f"\nplanted value inside both intervals in {sum(covered)} of {len(covered)} samples; share of draws below "
          f"the estimate from {min(below):.2f} to {max(below):.2f}")
    assert np.mean(covered) >= (0.9 if slow else 1.0)
