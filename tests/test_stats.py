"""cxlib.stats: intervals checked against scipy.stats.bootstrap and statsmodels."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as st
from statsmodels.stats.proportion import proportion_confint

from cxlib import stats


def test_wilson_matches_statsmodels():
    for count, n in [(0, 10), (3, 10), (50, 100), (999, 1000)]:
        lo, hi = stats.wilson_interval(count / n, n)
        assert (float(lo), float(hi)) == pytest.approx(proportion_confint(count, n, method="wilson"), abs=1e-12)


def test_bca_equals_scipy_one_sample_given_the_same_bootstrap_distribution():
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=80)
    res = st.bootstrap((x,), np.mean, method="BCa", n_resamples=4000, rng=np.random.default_rng(1))
    lo, hi = stats.bca_interval(x.mean(), res.bootstrap_distribution, [stats.weighted_mean_jackknife(x)])
    assert (lo, hi) == pytest.approx(tuple(res.confidence_interval), rel=1e-12)


def test_bca_equals_scipy_two_sample_ratio_of_means():
    rng = np.random.default_rng(4)
    a, b = rng.lognormal(1, 1, 60), rng.lognormal(0.3, 1, 90)

    def ratio(x, y, axis=-1):
        return np.mean(x, axis=axis) / np.mean(y, axis=axis)

    res = st.bootstrap((a, b), ratio, method="BCa", n_resamples=3000, rng=np.random.default_rng(2))
    jack = [stats.weighted_mean_jackknife(a) / b.mean(), a.mean() / stats.weighted_mean_jackknife(b)]
    lo, hi = stats.bca_interval(a.mean() / b.mean(), res.bootstrap_distribution, jack)
    assert (lo, hi) == pytest.approx(tuple(res.confidence_interval), rel=1e-12)


def test_bootstrap_counts_are_multinomial_resamples():
    rng = np.random.default_rng(0)
    chunks = list(stats.bootstrap_counts(50, 1000, rng, max_cells=50 * 300))
    counts = np.vstack(chunks)
    assert counts.shape == (1000, 50) and [c.shape[0] for c in chunks] == [300, 300, 300, 100]
    assert np.all(counts.sum(axis=1) == 50)
    # Each case's count is Binomial(50, 1/50): mean 1, variance 0.98.
    assert counts.mean() == pytest.approx(1.0)
    assert counts.var() == pytest.approx(0.98, abs=0.05)


def test_weighted_jackknife_is_leave_one_out():
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=20), rng.uniform(0.5, 2, 20)
    brute = [np.average(np.delete(x, i), weights=np.delete(w, i)) for i in range(20)]
    np.testing.assert_allclose(stats.weighted_mean_jackknife(x, w), brute, rtol=1e-12)
