"""Benchmarks stay honest: the quick form of every `bench/bench_*.py` runs and its outputs agree with the
reference (the script raises AssertionError otherwise). Speed targets are `make bench`'s (full form) only."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(BENCH.glob("bench_*.py"))


def test_there_are_benchmarks():
    assert SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_quick_form_runs_and_agrees(script):
    source = script.read_text(encoding="utf-8")
    assert "--quick" in source and "def main(quick" in source, (
        f"{script.name} has no quick form: it needs main(quick: bool = False) and "
        "`main(quick=\"--quick\" in sys.argv)` under __main__")
    proc = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300,
                          cwd=BENCH.parent)
    assert proc.returncode == 0, f"{script.name} --quick exited {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
