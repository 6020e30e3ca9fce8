"""Property tests (hypothesis) for the estimators: invariances, sums, bounds, intervals containing estimates.

25 examples per property in `make test`; 200 with `--slow` (profiles registered in conftest.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cxlib import advocacy, drivers, stats, survival
from cxlib.coxph import fit_cox

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def regression(draw, max_p=5):
    """A well-conditioned regression: n rows, p predictors, an outcome related to some of them."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(30, 120))
    p = draw(st.integers(2, max_p))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) @ (np.eye(p) + 0.3 * rng.normal(size=(p, p)))
    beta = rng.normal(size=p)
    y = X @ beta + rng.normal(size=n)
    cols = [f"x{i}" for i in range(p)]
    return pd.DataFrame(X, columns=cols), pd.Series(y, name="y")


@SETTINGS
@given(regression(), st.integers(0, 10_000))
def test_relative_weights_sum_to_r2_and_ignore_row_order(data, seed):
    X, y = data
    a = drivers.relative_weights(X, y).table
    r2 = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[1]
    total = 1 - r2[0] / ((y - y.mean()) ** 2).sum() if len(r2) else np.nan
    assert np.isclose(a["raw"].sum(), total, atol=1e-8)
    perm = np.random.default_rng(seed).permutation(len(y))
    b = drivers.relative_weights(X.iloc[perm].reset_index(drop=True), y.iloc[perm].reset_index(drop=True)).table
    np.testing.assert_allclose(a["raw"], b["raw"], atol=1e-10)


@SETTINGS
@given(regression(), st.lists(st.floats(0.01, 1000), min_size=5, max_size=5))
def test_importance_is_invariant_to_rescaling_predictors(data, scales):
    X, y = data
    Xs = X * np.array(scales[: X.shape[1]])
    for fn in (drivers.relative_weights, drivers.shapley):
        np.testing.assert_allclose(fn(X, y).table["raw"], fn(Xs, y).table["raw"], atol=1e-8)


@SETTINGS
@given(regression(max_p=6))
def test_shapley_sums_to_r2(data):
    X, y = data
    s = drivers.shapley(X, y).table
    fitted = np.column_stack([np.ones(len(y)), X]) @ np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0]
    r2 = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert np.isclose(s["raw"].sum(), r2, atol=1e-8)
    assert np.isclose(s["rescaled"].sum(), 100, atol=1e-6)


@SETTINGS
@given(arrays(np.int64, st.integers(1, 400), elements=st.integers(0, 10)),
       st.one_of(st.none(), st.integers(0, 2**31)))
def test_nps_is_bounded_and_its_interval_contains_it(scores, weight_seed):
    w = None if weight_seed is None else np.random.default_rng(weight_seed).uniform(0.2, 5, len(scores))
    r = advocacy.nps(scores, weights=w)
    assert -100 <= r.ci_low <= r.nps <= r.ci_high <= 100
    assert np.isclose(r.promoters + r.passives + r.detractors, 1)


@SETTINGS
@given(st.integers(0, 400), st.integers(1, 400), st.floats(0.5, 0.999))
def test_wilson_interval_contains_the_proportion(k, n, level):
    assume(k <= n)
    lo, hi = stats.wilson_interval(k / n, n, ci=level)
    assert 0 <= lo <= k / n <= hi <= 1


@st.composite
def survival_data(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(20, 200))
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"t": rng.integers(1, 60, n).astype(float), "e": rng.integers(0, 2, n),
                         "g": rng.choice(["a", "b"], n), "x": rng.normal(size=n), "w": rng.uniform(0.5, 2, n)})


@SETTINGS
@given(survival_data(), st.booleans())
def test_km_is_monotone_and_inside_its_interval(d, weighted):
    curves = survival.km(d, duration="t", event="e", by="g", weight="w" if weighted else None).table
    for _, c in curves.groupby("g"):
        s = c.sort_values("time")["survival"].to_numpy()
        assert (np.diff(s) <= 1e-12).all() and (s >= 0).all() and (s <= 1).all()
        ok = c.dropna(subset=["ci_low", "ci_high"])
        assert ((ok["ci_low"] <= ok["survival"] + 1e-12) & (ok["survival"] <= ok["ci_high"] + 1e-12)).all()


@SETTINGS
@given(survival_data(), st.integers(0, 10_000))
def test_cox_ignores_row_order(d, seed):
    assume(d["e"].sum() >= 3)
    perm = np.random.default_rng(seed).permutation(len(d))
    a = fit_cox(d[["x"]].to_numpy(), d["t"].to_numpy(), d["e"].to_numpy(), weights=d["w"].to_numpy(), robust=True)
    p = d.iloc[perm]
    b = fit_cox(p[["x"]].to_numpy(), p["t"].to_numpy(), p["e"].to_numpy(), weights=p["w"].to_numpy(), robust=True)
    np.testing.assert_allclose(a.params, b.params, atol=1e-8)
    np.testing.assert_allclose(a.standard_errors, b.standard_errors, atol=1e-8)
