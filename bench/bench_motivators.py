"""Benchmark (issue 4): all of notebook 01's figures on a 100,000-customer engagement, 2,000 resamples.

Target: under 20 s on a 2-core machine. Prints the time of each step and the ratio to the target.
Run: make bench   (or .venv/bin/python bench/bench_motivators.py [n_customers])
"""
from __future__ import annotations

import sys
import time

import cxlib as cx
from cxlib import motivators, segments

TARGET_SECONDS = 20.0


def main(n_customers: int = 100_000, n_boot: int = 2000) -> float:
    t0 = time.perf_counter()
    eng, _ = cx.synth.make_engagement("retailer", n_customers=n_customers, seed=11)
    print(f"generated {n_customers:,} customers in {time.perf_counter() - t0:.1f}s (not timed)")
    steps: dict[str, float] = {}
    start = time.perf_counter()

    def step(name, fn):
        t = time.perf_counter()
        out = fn()
        steps[name] = time.perf_counter() - t
        return out

    frame = step("frame (join, consent, index, segments)", eng.frame)
    weight = eng.config.get("weight")
    step("segment shares", lambda: segments.shares(frame, weight=weight))
    for v in eng.config["value"]:
        step(f"value_by_segment {v}", lambda: motivators.value_by_segment(frame, v, weight=weight, n_boot=n_boot))
        step(f"value_multiplier {v}", lambda: motivators.value_multiplier(frame, v, weight=weight, n_boot=n_boot))
    step("rank (relative weights, bootstrap)", lambda: motivators.rank(frame, eng.codebook, eng.config["value"][0],
                                                                        weight=weight, n_boot=n_boot))
    step("profiles", lambda: motivators.profiles(frame, eng.codebook, weight=weight))
    step("reliability", lambda: motivators.reliability(frame, eng.codebook))
    step("item loadings (factor analysis)", lambda: motivators.item_loadings(frame, eng.codebook))
    total = time.perf_counter() - start
    for name, secs in steps.items():
        print(f"  {name:<42} {secs:6.2f}s")
    print(f"notebook 01 figures, {n_customers:,} customers, {n_boot:,} resamples: {total:.1f}s "
          f"(target < {TARGET_SECONDS:.0f}s; ratio target/actual = {TARGET_SECONDS / total:.2f}×) "
          f"{'PASS' if total < TARGET_SECONDS else 'FAIL'}")
    return total


if __name__ == "__main__":
    total = main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    sys.exit(0 if total < TARGET_SECONDS else 1)
