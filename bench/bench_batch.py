"""Benchmark (issue 8, revised in issue 15): `cx run` over 8 engagements × every notebook, on the machine's
cores, against the same batch run one notebook at a time (`batch.run(..., jobs=1)`).

The baseline used to be a shell loop calling the `papermill` CLI once per notebook; since notebook 00 reads
the analyses' merged results (which `cx run` writes between the analyses and the summary) that loop cannot
run the summary any more, so the sequential baseline is now cx's own one-at-a-time mode: same notebooks,
same HTML, results and index, no pool. Without the papermill CLI's per-notebook process start, the ratio
measures the pool's parallel efficiency alone (ideal: the number of cores).

Targets (full form): with at least 2 cores, `cx run` at least 1.6× faster than the sequential run; a second,
unchanged run under 3 s with every engagement skipped. Checked in both forms: every report is published
with every notebook, the parallel and the sequential runs give byte-identical results.json, and `--force`
reproduces it byte for byte.

Run: make bench (full), or python bench/bench_batch.py [--quick] [n_customers]. The quick form (one small
engagement, the executive summary alone, which reads the results cx run merges for it — the step a plain
papermill call cannot do; then the unchanged re-run) asserts the outputs, not the speed, and runs in the
test suite (tests/test_bench.py).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cxlib import batch, synth

TARGET_RATIO, TARGET_SKIP_SECONDS = 1.6, 3.0
BIN = Path(sys.executable).parent


def _engagements(root: Path, count: int, n_customers: int) -> list[Path]:
    paths = []
    for i in range(count):
        kind = "retailer" if i % 2 == 0 else "brokerage"
        path = root / "data" / f"{kind}-{i}"
        synth.make_engagement(kind, n_customers=n_customers, seed=100 + i, path=path)
        paths.append(path)
    return paths


def _check_published(out: Path, engagements: list[Path], notebooks: list[Path]) -> dict[str, bytes]:
    """Every report is there, with every notebook; returns each engagement's results.json."""
    found = {}
    for e in engagements:
        report = out / e.name
        for nb in notebooks:
            assert (report / f"{nb.stem}.html").is_file(), f"{e.name}: {nb.stem}.html was not published"
        results = json.loads((report / "results.json").read_text(encoding="utf-8"))
        assert results.get("client"), f"{e.name}: results.json names no client"
        found[e.name] = (report / "results.json").read_bytes()
    assert (out / "index.html").is_file(), "index.html was not written"
    return found


def _statuses(runs: list[batch.EngagementRun]) -> list[str]:
    return [f"{r.slug}: {r.status}" + (f" ({r.error})" if r.error else "") for r in runs]


def main(quick: bool = False, n_customers: int | None = None) -> None:
    """Run the benchmark; raises AssertionError when an output is wrong (or, in full form, a target is missed)."""
    root = Path(tempfile.mkdtemp(prefix="cx-bench-batch-"))
    try:
        _bench(root, quick, n_customers)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _bench(root: Path, quick: bool, n_customers: int | None) -> None:
    count, n_customers = (1, n_customers or 300) if quick else (8, n_customers or 1000)
    engagements = _engagements(root, count, n_customers)
    notebooks = batch.discover_notebooks(select=["00"] if quick else None)
    jobs = 1 if quick else max(2, os.cpu_count() or 1)

    seq_results: dict[str, bytes] = {}
    seq_seconds = float("nan")
    if not quick:
        t0 = time.perf_counter()
        sequential = batch.run(engagements, out=root / "sequential", notebooks=notebooks, jobs=1)
        seq_seconds = time.perf_counter() - t0
        assert all(r.status == "ok" for r in sequential), _statuses(sequential)
        seq_results = _check_published(root / "sequential", engagements, notebooks)

    out = root / "reports"
    select = ["--notebooks", ",".join(nb.name[:2] for nb in notebooks)]
    cmd = [str(BIN / "cx"), "run", *map(str, engagements), "--out", str(out), "--jobs", str(jobs), *select]
    t0 = time.perf_counter()
    first = subprocess.run(cmd, capture_output=True, text=True)
    cx_seconds = time.perf_counter() - t0
    assert first.returncode == 0, first.stderr[-3000:]
    par_results = _check_published(out, engagements, notebooks)
    if seq_results:
        assert par_results == seq_results, "the parallel and the sequential runs gave different results.json"

    t0 = time.perf_counter()
    second = subprocess.run(cmd, capture_output=True, text=True)
    skip_seconds = time.perf_counter() - t0
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"0 published, {len(engagements)} unchanged" in second.stdout, second.stdout

    if quick:  # (--force reproducing results.json is tests/test_batch.py's too)
        print(f"  cx run: {cx_seconds:.1f}s; unchanged re-run {skip_seconds:.2f}s, skipped")
        print(f"batch (quick: {len(engagements)} × {n_customers:,} customers, notebooks "
              f"{', '.join(nb.name[:2] for nb in notebooks)}): outputs agree PASS")
        return
    one = engagements[0]
    forced = subprocess.run([str(BIN / "cx"), "run", str(one), "--out", str(out), "--force", *select],
                            capture_output=True, text=True)
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert (out / one.name / "results.json").read_bytes() == par_results[one.name], \
        "--force did not reproduce results.json byte for byte"

    ratio = seq_seconds / cx_seconds
    print(f"  sequential (cx, one notebook at a time), {len(engagements)} engagements × {len(notebooks)} notebooks: "
          f"{seq_seconds:6.1f}s")
    print(f"  cx run (pool of {jobs}, with HTML, results and index):{'':>22} {cx_seconds:6.1f}s")
    print(f"  second run, nothing changed: {skip_seconds:.2f}s, all skipped; parallel = sequential = --force "
          "results.json, byte for byte")
    cores = os.cpu_count() or 1
    ratio_ok = ratio >= TARGET_RATIO or cores < 2
    ok = ratio_ok and skip_seconds < TARGET_SKIP_SECONDS
    print(f"batch of {len(engagements)} × {n_customers:,} customers: ratio {ratio:.2f}x (target >= {TARGET_RATIO}x"
          f"{'' if cores >= 2 else ', not applied on one core'}), skip {skip_seconds:.2f}s "
          f"(target < {TARGET_SKIP_SECONDS:.0f}s) {'PASS' if ok else 'FAIL'}")
    assert ratio_ok, f"cx run was {ratio:.2f}x the sequential run (target {TARGET_RATIO}x)"
    assert skip_seconds < TARGET_SKIP_SECONDS, f"an unchanged run took {skip_seconds:.2f}s"


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    main(quick="--quick" in sys.argv, n_customers=numbers[0] if numbers else None)
