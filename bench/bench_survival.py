"""Benchmark (issue 6): notebook 03's figures on a 1,000,000-customer engagement.

Target: under 60 s with peak memory under 4 GB. Prints each step, the total and the peak resident memory.
Run: make bench

Steps as in the notebook, with respondent weights (so Cox uses robust standard errors): curves, attrition at
the horizon, log-rank tests, RMST, the full Cox model with its PH test, the stratified alternative, the five
half-life comparison fits and attrition by wave. lifelines' CoxPHFitter took 214 s for the one Cox model
at 200,000 customers; cxlib.coxph sums per distinct day.
"""
from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd

from cxlib import survival
from cxlib.segments import SEGMENTS, segment_dtype

TARGET_SECONDS, TARGET_GB = 60.0, 4.0


def _frame(n: int, seed: int = 0) -> pd.DataFrame:
    """A large survival frame with the demo's structure (generating a full survey of 1M is not the point)."""
    rng = np.random.default_rng(seed)
    seg = rng.choice(len(SEGMENTS), size=n, p=[0.22, 0.22, 0.56])
    region = rng.integers(0, 4, n)
    age = rng.integers(0, 3, n)
    experience = rng.normal(0.3, 0.9, n)
    log_hr = np.array([np.log(0.55), 0.0, np.log(1.3)])[seg] + 0.1 * region - 0.1 * age - 0.35 * experience
    t = rng.exponential(1 / (0.0012 * np.exp(log_hr)))
    follow = np.minimum(rng.choice([486, 851], n), rng.exponential(1 / 0.0003, n))
    return pd.DataFrame({
        "segment": pd.Categorical.from_codes(seg, dtype=segment_dtype),
        "region": np.array(["North", "South", "East", "West"])[region],
        "age_band": np.array(["18-34", "35-54", "55+"])[age],
        "experience": experience,
        "tenure_days": np.floor(np.minimum(t, follow)) + 1,
        "churned": (t <= follow).astype(int),
        "resp_weight": rng.gamma(8.0, 1 / 8.0, n),
        "wave": np.where(rng.random(n) < 0.5, "pre", "post"),
    })


def _contacts(f: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """About six contact ratings per customer over the two years before the survey (6 million at 1M)."""
    rng = np.random.default_rng(seed)
    owner = np.repeat(np.arange(len(f)), 1 + rng.poisson(5, len(f)))
    stamp = pd.Timestamp("2025-06-01") - pd.to_timedelta(rng.integers(0, 730, len(owner)), unit="D")
    return pd.DataFrame({"customer_id": f["customer_id"].to_numpy()[owner], "timestamp": stamp,
                         "rating": rng.integers(-2, 3, len(owner))})


def main(n: int = 1_000_000) -> bool:
    f = _frame(n)
    f["customer_id"] = [f"C{i:07d}" for i in range(n)]
    contacts = _contacts(f)
    steps = {}
    start = time.perf_counter()

    def step(name, fn):
        t = time.perf_counter()
        out = fn()
        steps[name] = time.perf_counter() - t
        return out

    w = "resp_weight"
    step("km by segment", lambda: survival.km(f, "tenure_days", "churned", by="segment", weights=w))
    step("attrition at 365", lambda: survival.attrition(f, "tenure_days", "churned", 365, by="segment", weights=w))
    step("log-rank + pairwise", lambda: (survival.logrank(f, "tenure_days", "churned", by="segment"),
                                         survival.pairwise_logrank(f, "tenure_days", "churned", by="segment")))
    step("rmst + difference", lambda: survival.rmst_difference(f, "tenure_days", "churned", 365, by="segment",
                                                                a="fully connected", b="highly satisfied"))
    step("cox (segment, region, age band, experience) + PH test",
         lambda: survival.cox(f, "tenure_days", "churned", ["segment", "region", "age_band", "experience"],
                              weights=w, reference={"segment": "highly satisfied"}))
    step("stratified alternative (region, age band strata)",
         lambda: survival.cox(f, "tenure_days", "churned", ["segment", "experience"], weights=w,
                              reference={"segment": "highly satisfied"}, strata=["region", "age_band"]))
    step(f"contact experience ({len(contacts) / 1e6:.0f}M contacts) + half-life comparison (5 fits)",
         lambda: [survival.cox(f.drop(columns="experience").join(survival.contact_experience(
                      contacts, f, id_column="customer_id", wave="wave", half_life_days=h)),
                      "tenure_days", "churned", ["segment", "experience"], weights=w)
                  for h in (30, 90, 180, 365, 100_000)])
    step("attrition by wave", lambda: survival.attrition(f, "tenure_days", "churned", 365, by="wave", weights=w))
    total = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    for name, secs in steps.items():
        print(f"  {name:<64} {secs:6.1f}s")
    ok = total < TARGET_SECONDS and peak_gb < TARGET_GB
    print(f"notebook 03 figures, {n:,} customers: {total:.1f}s (target < {TARGET_SECONDS:.0f}s, ratio "
          f"{TARGET_SECONDS / total:.2f}x), peak memory {peak_gb:.2f} GB (target < {TARGET_GB:.0f} GB) "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000) else 1)
