"""Benchmark (issue 4): all of notebook 01's figures on a 100,000-customer engagement, 2,000 resamples.

Target: under 20 s on a 2-core machine. Prints the time of each step and the ratio to the target, and checks
the outputs against references computed here independently (weighted shares and means with numpy, the
multiplier as a ratio of weighted means, relative weights summing to 100%, Cronbach's alpha with pingouin).
Run: make bench   (or .venv/bin/python bench/bench_motivators.py [--quick])
``--quick`` (run by the test suite): 2,000 customers, 200 resamples, outputs checked, speed not asserted.
"""
from __future__ import annotations

import sys
import time

import numpy as np

import cxlib as cx
from cxlib import motivators, segments

TARGET_SECONDS = 20.0


def _check(frame, eng, results) -> None:
    """Outputs agree with independent references (AssertionError otherwise)."""
    import pingouin as pg

    weight = eng.config.get("weight")
    seg = frame.dropna(subset=["segment"])
    w = seg[weight].to_numpy(float) if weight else np.ones(len(seg))
    shares = results["shares"].table.set_index("segment")
    for s in segments.SEGMENTS:
        ref = w[(seg["segment"] == s).to_numpy()].sum() / w.sum()
        assert abs(shares.loc[s, "share"] - ref) < 1e-12, ("share", s)
    assert results["shares"].n == eng.sample.segmented
    for v in eng.config["value"]:
        vbs = results[f"vbs {v}"].table.set_index("segment")
        for s in segments.SEGMENTS:
            sub = seg[seg["segment"] == s]
            ref = np.average(sub[v], weights=sub[weight] if weight else None)
            assert abs(vbs.loc[s, "mean"] - ref) < 1e-9 * max(1.0, abs(ref)), ("mean", v, s)
            assert vbs.loc[s, "ci_low"] <= vbs.loc[s, "mean"] <= vbs.loc[s, "ci_high"], ("interval", v, s)
        m = results[f"vm {v}"]
        ref = vbs.loc["fully connected", "mean"] / vbs.loc["highly satisfied", "mean"]
        assert abs(m.estimate - ref) < 1e-12 * ref and m.ci_low < m.estimate < m.ci_high, ("multiplier", v)
    sens = results["thresholds"]
    used = float(eng.config["connection"]["threshold"])
    assert abs(sens.share(used, "fully connected").estimate - shares.loc["fully connected", "share"]) < 1e-12, "threshold"
    rk = results["rank"]
    assert abs(rk.table["rescaled"].sum() - 100) < 1e-9 and abs(rk.table["weight"].sum() - rk.r2) < 1e-9, "rank"
    rel = results["reliability"].table.set_index("motivator")
    for m, cols in motivators.motivator_items(eng.codebook).items():
        assert abs(rel.loc[m, "alpha"] - pg.cronbach_alpha(frame[cols])[0]) < 1e-10, ("alpha", m)
    assert results["loadings"].table["loads_as_intended"].mean() > 0.9, "loadings"


def main(quick: bool = False, n_customers: int | None = None) -> None:
    n_customers = n_customers or (2_000 if quick else 100_000)
    n_boot = 200 if quick else 2000
    t0 = time.perf_counter()
    eng, _ = cx.synth.make_engagement("retailer", n_customers=n_customers, seed=11)
    print(f"generated {n_customers:,} customers in {time.perf_counter() - t0:.1f}s (not timed)")
    steps: dict[str, float] = {}
    results: dict[str, object] = {}
    start = time.perf_counter()

    def step(name, key, fn):
        t = time.perf_counter()
        results[key] = fn()
        steps[name] = time.perf_counter() - t

    step("frame (join, consent, index, segments)", "frame", eng.frame)
    frame = results["frame"]
    weight = eng.config.get("weight")
    step("segment shares", "shares", lambda: segments.shares(frame, weight=weight))
    covariates = [c for c in (eng.config.get("covariates") or []) if c in frame.columns]
    for v in eng.config["value"]:
        step(f"value_by_segment {v}", f"vbs {v}",
             lambda: motivators.value_by_segment(frame, value=v, weight=weight, n_boot=n_boot))
        # As notebook 01: the multiplier raw (value_multiplier), adjusted for the covariates and of medians.
        step(f"value multiplier {v} (raw, adjusted, median)", f"adj {v}",
             lambda: motivators.adjusted_multiplier(frame, value=v, covariates=covariates, weight=weight,
                                                    n_boot=n_boot))
        results[f"vm {v}"] = results[f"adj {v}"].multiplier
    step("rank (relative weights, bootstrap)", "rank",
         lambda: motivators.rank(frame, eng.codebook, value=eng.config["value"][0], weight=weight, n_boot=n_boot))
    cfg = eng.config
    step("threshold sensitivity (5 thresholds, one bootstrap)", "thresholds",
         lambda: motivators.threshold_sensitivity(
             frame, value=cfg["value"][0], sat_column=cfg["satisfaction"]["column"],
             top_box=cfg["satisfaction"]["top_box"], threshold=float(cfg["connection"]["threshold"]),
             weight=weight, n_boot=n_boot))
    step("profiles", "profiles", lambda: motivators.profiles(frame, eng.codebook, weight=weight))
    step("reliability", "reliability", lambda: motivators.reliability(frame, eng.codebook))
    step("item loadings (factor analysis)", "loadings", lambda: motivators.item_loadings(frame, eng.codebook))
    total = time.perf_counter() - start
    for name, secs in steps.items():
        print(f"  {name:<54} {secs:6.2f}s")
    _check(frame, eng, results)
    print("outputs agree with the references")
    print(f"notebook 01 figures, {n_customers:,} customers, {n_boot:,} resamples: {total:.1f}s "
          f"(target < {TARGET_SECONDS:.0f}s; ratio target/actual = {TARGET_SECONDS / total:.2f}×) "
          f"{'PASS' if total < TARGET_SECONDS else 'FAIL'}{' (quick: speed not asserted)' if quick else ''}")
    if not quick:
        assert total < TARGET_SECONDS, f"notebook 01 figures took {total:.1f}s (target {TARGET_SECONDS:.0f}s)"


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
