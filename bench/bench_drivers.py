"""Benchmark (issue 5): exact Shapley vs pingouin; Shapley at p = 24; relative weights with a bootstrap.

Targets: Shapley at p = 15 at least 20x faster than pingouin's linear_regression(relimp=True) with identical
values; Shapley at p = 24 under 60 s; relative weights for 100 elements x 20,000 respondents with 1,000
bootstrap resamples under 30 s. Prints each time and ratio. Run: make bench
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


def main() -> bool:
    import pingouin as pg

    ok = True
    X, y = _data(2000, 15, 0)
    t = time.perf_counter()
    ref = pg.linear_regression(X, y, relimp=True)
    t_pg = time.perf_counter() - t
    t = time.perf_counter()
    got = drivers.shapley(X, y)
    t_cx = time.perf_counter() - t
    diff = float(np.abs(got["raw"].to_numpy() - ref["relimp"].to_numpy()[1:]).max())
    ratio = t_pg / t_cx
    ok &= ratio >= 20 and diff < 1e-8
    print(f"shapley p=15: pingouin {t_pg:.2f}s, cxlib {t_cx:.3f}s -> {ratio:.0f}x faster (target >= 20x); "
          f"max |difference| {diff:.1e}")

    X, y = _data(5000, 24, 1)
    t = time.perf_counter()
    drivers.shapley(X, y)
    t24 = time.perf_counter() - t
    ok &= t24 < 60
    print(f"shapley p=24: {t24:.1f}s (target < 60s; ratio target/actual {60 / t24:.1f}x)")

    X, y = _data(20_000, 100, 2)
    t = time.perf_counter()
    drivers.relative_weights(X, y, n_boot=1000, seed=0)
    t_rw = time.perf_counter() - t
    ok &= t_rw < 30
    print(f"relative weights 100 x 20,000, 1,000 resamples: {t_rw:.1f}s (target < 30s; ratio {30 / t_rw:.1f}x)")
    print("PASS" if ok else "FAIL")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
