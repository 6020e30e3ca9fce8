"""Benchmark (issue 8): `cx run` over 8 engagements × every notebook against a sequential shell loop that
calls the `papermill` CLI once per notebook on the same inputs.

Target: `cx run` at least 1.8× faster on 2 cores, measured in one run. Also prints the time of a second,
unchanged run (target: under 3 s, every engagement skipped) and checks that `--force` reproduces
results.json byte for byte.
Run: make bench (or: python bench/bench_batch.py [n_customers])
"""
from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cxlib import batch, synth

TARGET_RATIO, TARGET_SKIP_SECONDS = 1.8, 3.0
BIN = Path(sys.executable).parent


def main(n_customers: int = 1000) -> bool:
    root = Path(tempfile.mkdtemp(prefix="cx-bench-batch-"))
    engagements = []
    for i in range(8):
        kind = "retailer" if i % 2 == 0 else "brokerage"
        path = root / "data" / f"{kind}-{i}"
        synth.make_engagement(kind, n_customers=n_customers, seed=100 + i, path=path)
        engagements.append(path)
    notebooks = batch.discover_notebooks()
    kernel = batch._kernel_name()

    loop_out = root / "loop"
    loop_out.mkdir()
    script = "set -e\n" + "".join(
        f"{shlex.quote(str(BIN / 'papermill'))} --no-progress-bar -k {kernel} --cwd {shlex.quote(str(nb.parent))} "
        f"{shlex.quote(str(nb))} {shlex.quote(str(loop_out / f'{e.name}-{nb.name}'))} "
        f"-p engagement {shlex.quote(str(e))} -p seed 0 -p out {shlex.quote(str(loop_out / e.name))} 2>/dev/null\n"
        for e in engagements for nb in notebooks)
    t0 = time.perf_counter()
    subprocess.run(["bash", "-c", script], check=True)
    loop_seconds = time.perf_counter() - t0

    out = root / "reports"
    cmd = [str(BIN / "cx"), "run", *map(str, engagements), "--out", str(out)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    cx_seconds = time.perf_counter() - t0

    first = {e.name: (out / e.name / "results.json").read_bytes() for e in engagements}
    t0 = time.perf_counter()
    second = subprocess.run(cmd, check=True, capture_output=True, text=True)
    skip_seconds = time.perf_counter() - t0
    all_skipped = second.stdout.count("skipped") >= len(engagements)
    subprocess.run(cmd[:3] + ["--out", str(out), "--force"], check=True, capture_output=True)
    identical = (out / engagements[0].name / "results.json").read_bytes() == first[engagements[0].name]

    ratio = loop_seconds / cx_seconds
    ok = ratio >= TARGET_RATIO and skip_seconds < TARGET_SKIP_SECONDS and all_skipped and identical
    print(f"  sequential papermill CLI loop, {len(engagements)} engagements × {len(notebooks)} notebooks: "
          f"{loop_seconds:6.1f}s")
    print(f"  cx run (pool of {batch.os.cpu_count()}, with HTML, results and index):{'':>14} {cx_seconds:6.1f}s")
    print(f"  second run, nothing changed: {skip_seconds:.2f}s, all skipped: {all_skipped}; "
          f"--force gives identical results.json: {identical}")
    print(f"batch of {len(engagements)} × {n_customers:,} customers: ratio {ratio:.2f}x (target >= {TARGET_RATIO}x), "
          f"skip {skip_seconds:.2f}s (target < {TARGET_SKIP_SECONDS:.0f}s) {'PASS' if ok else 'FAIL'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000) else 1)
