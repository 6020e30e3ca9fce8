"""Business cuts (cxlib.cuts): each group against the rest, checked against statsmodels, scipy, lifelines and a
brute-force bootstrap, and against a planted lagging region."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
import yaml

import cxlib as cx
from cxlib import cuts
from cxlib.errors import ArgumentError


@functools.lru_cache(maxsize=None)
def _engagement(n: int = 2400, seed: int = 3):
    return cx.synth.make_engagement("retailer", n, seed=seed)[0]


def _unweighted(eng):
    """The same engagement without respondent weights (the unweighted estimators are checked on it)."""
    cfg = {k: v for k, v in eng.config.items() if k != "weight"}
    return _Wrapped(eng, cfg)


class _Wrapped:
    """An engagement with a different config (the frame is the same)."""

    def __init__(self, eng, cfg):
        self._eng, self.config, self.codebook = eng, cfg, eng.codebook

    def frame(self):
        return self._eng.frame()


def _row(res, cut, group, metric):
    t = res.table
    r = t[(t["cut"] == cut) & (t["group"] == group) & (t["metric"] == metric)]
    assert len(r) == 1, (cut, group, metric)
    return r.iloc[0]


def test_shares_equal_statsmodels_newcombe_and_the_two_proportion_z_test():
    """Reference: statsmodels ``confint_proportions_2indep(method="newcomb")``, ``proportions_ztest`` and
    ``proportion_confint(method="wilson")``, computed from the counts."""
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

    eng = _unweighted(_engagement())
    res = cuts.compare(eng, cuts=["region"], metrics=["connected", "advocacy"])
    f = eng.frame()
    for group in f["region"].dropna().unique():
        seg = f.dropna(subset=["segment"])
        x_in = int((seg.loc[seg["region"] == group, "segment"] == "fully connected").sum())
        n_in = int((seg["region"] == group).sum())
        x_out = int((seg.loc[seg["region"] != group, "segment"] == "fully connected").sum())
        n_out = int((seg["region"] != group).sum())
        r = _row(res, "region", group, "connected")
        lo, hi = confint_proportions_2indep(x_in, n_in, x_out, n_out, method="newcomb", compare="diff")
        _, p = proportions_ztest([x_in, x_out], [n_in, n_out])
        wlo, whi = proportion_confint(x_in, n_in, method="wilson")
        assert r["n"] == n_in and r["n_rest"] == n_out
        np.testing.assert_allclose([r["estimate"], r["rest"], r["difference"]],
                                   [x_in / n_in, x_out / n_out, x_in / n_in - x_out / n_out], rtol=1e-12)
        np.testing.assert_allclose([r["difference_ci_low"], r["difference_ci_high"], r["p_value"], r["ci_low"],
                                    r["ci_high"]], [lo, hi, p, wlo, whi], rtol=1e-9)
        ltr = f["ltr"].dropna()
        a = _row(res, "region", group, "advocacy")
        inside = f.loc[ltr.index, "region"] == group
        np.testing.assert_allclose(a["estimate"], (ltr[inside] >= 9).mean(), rtol=1e-12)


def test_value_equals_scipy_welch_and_attrition_equals_lifelines():
    """References: scipy ``ttest_ind(equal_var=False)`` (Welch) for the mean value, lifelines'
    ``KaplanMeierFitter`` at the horizon for attrition."""
    from lifelines import KaplanMeierFitter
    from scipy import stats

    eng = _unweighted(_engagement())
    res = cuts.compare(eng, cuts=["region"], metrics=["value", "attrition"])
    f = eng.frame()
    for group in f["region"].dropna().unique():
        inside = f["region"] == group
        x, y = f.loc[inside, "annual_spend"].dropna(), f.loc[~inside, "annual_spend"].dropna()
        welch = stats.ttest_ind(x, y, equal_var=False)
        r = _row(res, "region", group, "value")
        np.testing.assert_allclose([r["difference"], r["p_value"]], [x.mean() - y.mean(), welch.pvalue], rtol=1e-9)
        ci = welch.confidence_interval()
        np.testing.assert_allclose([r["difference_ci_low"], r["difference_ci_high"]], [ci.low, ci.high], rtol=1e-9)
        a = _row(res, "region", group, "attrition")
        for part, est in ((inside, a["estimate"]), (~inside, a["rest"])):
            km = KaplanMeierFitter().fit(f.loc[part, "tenure_days"], f.loc[part, "churned"])
            np.testing.assert_allclose(est, 1 - float(km.survival_function_at_times(365).iloc[0]), rtol=1e-10)


def test_the_multiplier_interval_agrees_with_a_brute_force_bootstrap():
    """Reference: the standard deviation of the group's multiplier over 2,000 bootstrap resamples of its
    respondents (within each segment), against the delta method's standard error (to 10%)."""
    eng = _unweighted(_engagement())
    res = cuts.compare(eng, cuts=["region"], metrics=["multiplier"])
    f = eng.frame()
    group = "North"
    r = _row(res, "region", group, "multiplier")
    d = f[f["region"] == group]
    fc = d.loc[d["segment"] == "fully connected", "annual_spend"].dropna().to_numpy()
    hs = d.loc[d["segment"] == "highly satisfied", "annual_spend"].dropna().to_numpy()
    np.testing.assert_allclose(r["estimate"], fc.mean() / hs.mean(), rtol=1e-12)
    rng = np.random.default_rng(0)
    draws = np.array([rng.choice(fc, len(fc)).mean() / rng.choice(hs, len(hs)).mean() for _ in range(2000)])
    se_delta = (np.log(r["ci_high"]) - np.log(r["ci_low"])) / (2 * 1.959963984540054)
    assert abs(np.std(np.log(draws)) / se_delta - 1) < 0.10


def test_holm_runs_over_every_group_and_metric_of_one_cut():
    """Reference: statsmodels ``multipletests(method="holm")`` on each cut's rows."""
    from statsmodels.stats.multitest import multipletests

    res = cuts.compare(_engagement(), cuts=["region", "age_band"])
    t = res.table
    for cut, g in t.groupby("cut"):
        np.testing.assert_allclose(g["p_adjusted"], multipletests(g["p_value"], method="holm")[1], rtol=1e-12)
    assert set(t["cut"]) == {"region", "age_band"}
    assert "n_effective" in t  # the retailer is weighted


@functools.lru_cache(maxsize=None)
def _planted_engagement(shift: int = 3):
    """A retailer whose North region answers the recommendation question ``shift`` points lower (built once)."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="cxlib-cuts-")) / "lag"
    cx.synth.make_engagement("retailer", 2400, seed=5, path=folder)
    customers = pd.read_csv(folder / "customers.csv", dtype=str)
    survey = pd.read_csv(folder / "survey.csv", dtype=str)
    north = set(customers.loc[customers["region"] == "North", "customer_id"])
    inside = survey["customer_id"].isin(north) & survey["ltr"].notna()
    survey.loc[inside, "ltr"] = (survey.loc[inside, "ltr"].astype(float) - shift).clip(0).astype(int).astype(str)
    survey.to_csv(folder / "survey.csv", index=False)
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text())
    cfg["cuts"] = ["region", "age_band"]
    (folder / "engagement.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    return cx.load_engagement(folder)


def _planted(tmp_path=None, shift: int = 3):
    return _planted_engagement(shift)


def test_a_planted_lagging_region_is_named_and_no_other(tmp_path):
    eng = _planted(tmp_path)
    assert eng.config["cuts"] == ["region", "age_band"]
    res = cuts.compare(eng)
    lag = res.lagging()
    region = lag[lag["cut"] == "region"]
    assert set(region["group"]) == {"North"} and set(region["metric"]) == {"nps", "advocacy"}
    # No age band is said to recommend less (the shift is North's); the synth plants a higher hazard of leaving
    # for the youngest customers, so they may lag on attrition, which is a true finding.
    by_age = lag[lag["cut"] == "age_band"]
    assert set(by_age["metric"]) <= {"attrition", "value"}
    assert "North" in res.headline() and "lags" in res.headline()
    # The same data without the shift: nothing lags.
    none = cuts.compare(_engagement(2400, 5), cuts=["region"], metrics=["nps", "advocacy"])
    assert none.lagging().empty
    assert "No part of the business" in none.headline()


def test_small_groups_are_suppressed_and_say_so():
    eng = _engagement()
    res = cuts.compare(eng, cuts=["region"], min_cell=700)
    small = res.suppressed
    shown = set(res.table["group"])
    assert set(small.loc[small["metric"] == "all", "group"]).isdisjoint(shown)
    assert (small.loc[small["metric"] == "all", "n"] < 700).all()
    assert "fewer than 700 customers are not shown" in res.headline()
    # The multiplier needs both segments of a group at min_cell: with 700 none has them.
    assert "multiplier" not in set(res.table["metric"])
    d = res.to_dict()
    assert all(s["note"] == "suppressed: fewer than 700 customers" for s in d["suppressed"])
    assert not any(g["n"] < 700 for g in d["groups"])


def test_within_one_wave_and_to_dict():
    eng = _engagement()
    res = cuts.compare(eng, cuts=["region"], wave="post", metrics=["nps"])
    f = eng.frame()
    assert res.table["n"].sum() + 0 == f.loc[f["wave"] == "post", "ltr"].notna().sum()
    d = res.to_dict()
    assert d["wave"] == "post" and d["cuts"] == ["region"]
    g = d["groups"][0]
    assert set(g) >= {"cut", "group", "metric", "estimate", "ci_low", "ci_high", "n", "rest", "difference"}
    assert set(g["difference"]) >= {"estimate", "ci_low", "ci_high", "p_value", "p_adjusted"}


def test_arguments_are_checked_with_close_matches():
    eng = _engagement()
    with pytest.raises(ArgumentError, match="region"):
        cuts.compare(eng, cuts=["regoin"])
    with pytest.raises(ArgumentError, match="nps"):
        cuts.compare(eng, cuts=["region"], metrics=["npss"])
    with pytest.raises(ArgumentError, match="post"):
        cuts.compare(eng, cuts=["region"], wave="pots")
    with pytest.raises(ArgumentError, match="Engagement"):
        cuts.compare(eng.frame(), cuts=["region"])
    res = cuts.compare(eng, cuts=[])
    assert res.table.empty and "No business cuts" in res.headline()


def test_drivers_by_cut_only_where_n_supports_it():
    eng = _engagement()
    out = cuts.drivers_by_cut(eng, cut="age_band", min_n=900, n_boot=0)
    f = eng.frame()
    for group, r in out.items():
        n = int((f["age_band"] == group).sum())
        if n < 900:
            assert isinstance(r, cx.Reason) and r.code == "too_few"
        else:
            assert hasattr(r, "table") and len(r.table) > 10


def test_cut_gaps_draws_each_group_and_marks_the_lagging_one(tmp_path):
    import matplotlib.pyplot as plt

    from cxlib import plots
    from tests import chartlint

    plots.set_theme()
    res = cuts.compare(_planted(tmp_path), cuts=["region"], metrics=["nps"])
    fig, ax = plt.subplots(figsize=(8, 4))
    plots.cut_gaps(res, metric="nps", ax=ax)
    assert "North lags the rest" in ax.get_title(loc="left")
    assert [t.get_text() for t in ax.get_yticklabels()][::-1] == sorted(res.table["group"])
    assert "on NPS" in ax.get_title(loc="left")
    assert chartlint.problems(fig, alt=False) == []
    with pytest.raises(ArgumentError, match="nps"):
        plots.cut_gaps(res, metric="npx")
