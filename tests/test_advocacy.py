"""cxlib.advocacy: NPS interval vs the analytic formula and a bootstrap; wave comparisons vs statsmodels."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from cxlib import advocacy


def test_nps_interval_matches_the_formula_and_a_bootstrap():
    rng = np.random.default_rng(0)
    scores = rng.choice(np.arange(11), size=1500, p=np.r_[np.full(7, 0.04), 0.1, 0.14, 0.2, 0.28])
    got = advocacy.nps(scores)
    # The formula, plainly: NPS = P - D; Var = (P + D - (P - D)^2) / n; 95% normal interval.
    P, D, n = np.mean(scores >= 9), np.mean(scores <= 6), len(scores)
    se = np.sqrt((P + D - (P - D) ** 2) / n)
    assert got.nps == pytest.approx(100 * (P - D))
    assert (got.ci_low, got.ci_high) == pytest.approx((100 * (P - D - 1.959963985 * se), 100 * (P - D + 1.959963985 * se)))
    idx = rng.integers(0, n, size=(10_000, n))
    boot = 100 * ((scores[idx] >= 9).mean(1) - (scores[idx] <= 6).mean(1))
    lo, hi = np.quantile(boot, [0.025, 0.975])
    assert got.ci_low == pytest.approx(lo, abs=0.5) and got.ci_high == pytest.approx(hi, abs=0.5)


def test_nps_is_bounded_and_weighted():
    assert advocacy.nps([10, 10, 10]).ci_high <= 100
    w = advocacy.nps([10, 0], weights=[3, 1])
    assert w.nps == pytest.approx(50.0) and w.n_effective == pytest.approx(1.6)


class _Eng:
    """The slice of an Engagement compare_waves uses."""

    slug = "fake"

    def __init__(self, frame, config):
        self._frame, self.config = frame, config

    def frame(self):
        return self._frame


def _waves_frame(rng, n=3000):
    wave = np.repeat(["pre", "post"], n)
    fc = np.r_[rng.random(n) < 0.21, rng.random(n) < 0.26]
    seg = pd.Categorical(np.where(fc, "fully connected", "other"), categories=advocacy.SEGMENTS, ordered=True)
    ltr = np.r_[rng.choice(11, n), rng.choice(11, n)]
    churn_p = np.r_[np.full(n, 0.37), np.full(n, 0.33)]
    churned = (rng.random(2 * n) < churn_p).astype(int)
    return pd.DataFrame({"wave": wave, "segment": seg, "ltr": ltr, "churned": churned,
                         "tenure_days": np.where(churned == 1, rng.integers(1, 365, 2 * n), 400),
                         "spend": rng.gamma(2, 100, 2 * n)})


CONFIG = {"wave": "wave", "waves": ["pre", "post"], "advocacy": {"column": "ltr"}, "value": ["spend"],
          "attrition": {"duration": "tenure_days", "event": "churned", "horizon": 365}}


def test_compare_waves_proportions_match_statsmodels():
    f = _waves_frame(np.random.default_rng(1))
    got = advocacy.compare_waves(_Eng(f, CONFIG)).set_index("metric")
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
    assert list(got.index) == list(advocacy.METRICS)
    assert (got["p_adjusted"] >= got["p_value"] - 1e-15).all()


def test_compare_waves_names_a_missing_wave():
    f = _waves_frame(np.random.default_rng(2))
    with pytest.raises(ValueError, match="'later' has no respondents"):
        advocacy.compare_waves(_Eng(f, CONFIG), waves=["pre", "later"])
