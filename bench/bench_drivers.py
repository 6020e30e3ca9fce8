"""Benchmark (issue 5): exact Shapley vs pingouin; Shapley at p = 24; relative weights with a bootstrap.

Targets (full run): Shapley at p = 15 at least 20x faster than pingouin's linear_regression(relimp=True)
with identical values; Shapley at p = 24 under 60 s; relative weights for 100 elements x 20,000 respondents
with 1,000 bootstrap resamples under 30 s. Prints each time and ratio. ``--quick`` runs small sizes and checks
only that the outputs agree with the references (pingouin; Johnson's weights by a plain eigen-decomposition;
the weights inside every bootstrap interval), not the speed.

Run: make bench (full) or python bench/bench_drivers.py --quick
"""
from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from cxlib import drivers


def _data(n: int, p: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)) + 0.6 * rng.normal(size=(n, 1)), columns=[f"x{i}" for i in range(p)])
    y = pd.Series(X.to_numpy() @ rng.normal(size=p) + rng.normal(size=n) * 3)
    return X, y


def _johnson_by_hand(X: pd.DataFrame, y: pd.Series) -> np.ndarray:
    R = np.corrcoef(np.column_stack([X.to_numpy(), y.to_numpy()]), rowvar=False)
    lam, vec = np.linalg.eigh(R[:-1, :-1])
    half = vec @ np.diag(np.sqrt(lam)) @ vec.T
    beta = np.linalg.solve(half, R[:-1, -1])
    return (half**2) @ (beta**2)


def main(quick: bool = False) -> None:
    """Run the benchmark; raise AssertionError when an output disagrees with its reference or (full run
    only) a speed target is missed."""
    import pingouin as pg

    failures: list[str] = []
    n, p = (500, 8) if quick else (2000, 15)
    X, y = _data(n, p, 0)
    t = time.perf_counter()
    ref = pg.linear_regression(X, y, relimp=True)
    t_pg = time.perf_counter() - t
    t = time.perf_counter()
    got = drivers.shapley(X, y)
    t_cx = time.perf_counter() - t
    diff = float(np.abs(got.table["raw"].to_numpy() - ref["relimp"].to_numpy()[1:]).max())
    ratio = t_pg / t_cx
    print(f"shapley p={p}: pingouin {t_pg:.2f}s, cxlib {t_cx:.3f}s -> {ratio:.0f}x faster (target >= 20x); "
          f"max |difference| {diff:.1e}")
    if diff >= 1e-8:
        failures.append(f"shapley differs from pingouin by {diff:.1e}")
    if not quick and ratio < 20:
        failures.append(f"shapley only {ratio:.1f}x faster than pingouin")

    p24 = 12 if quick else 24
    X, y = _data(800 if quick else 5000, p24, 1)
    t = time.perf_counter()
    sh = drivers.shapley(X, y)
    t24 = time.perf_counter() - t
    print(f"shapley p={p24}: {t24:.1f}s (target < 60s at p=24; ratio target/actual {60 / t24:.1f}x)")
    if abs(sh.table["raw"].sum() - sh.r2) > 1e-10:
        failures.append("shapley values do not sum to R²")
    if not quick and t24 >= 60:
        failures.append(f"shapley p=24 took {t24:.1f}s")

    n, p, b = (3000, 30, 100) if quick else (20_000, 100, 1000)
    X, y = _data(n, p, 2)
    t = time.perf_counter()
    rw = drivers.relative_weights(X, y, n_boot=b, seed=0)
    t_rw = time.perf_counter() - t
    print(f"relative weights {p} x {n:,}, {b:,} resamples: {t_rw:.1f}s (target < 30s for 100 x 20,000 x 1,000; "
          f"ratio {30 / t_rw:.1f}x)")
    table = rw.table
    by_hand = _johnson_by_hand(X, y)
    if not np.allclose(table["raw"].to_numpy(), by_hand, rtol=1e-9, atol=1e-12):
        failures.append("relative weights differ from the eigen-decomposition by hand")
    inside = (table["ci_low"] <= table["rescaled"]) & (table["rescaled"] <= table["ci_high"])
    if not inside.mean() >= 0.95 or len(rw.draws) != b:
        failures.append(f"bootstrap: {inside.mean():.0%} of weights inside their interval, {len(rw.draws)} draws")
    if not quick and t_rw >= 30:
        failures.append(f"relative weights took {t_rw:.1f}s")
    print("FAIL: " + "; ".join(failures) if failures else "PASS")
    assert not failures, "; ".join(failures)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
