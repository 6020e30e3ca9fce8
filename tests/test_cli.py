"""The `cx` command: validate exits 2 on every malformed engagement without a traceback, 0 on valid ones."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxlib.cli import cli

from bad_engagements import CASES  # noqa: E402  (tests/ is on sys.path under pytest's rootdir conftest)
from factories import write_valid_engagement  # noqa: E402

CX = [sys.executable, "-m", "cxlib.cli"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_exits_2_naming_file_and_column(case, tmp_path):
    folder = case.build(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 2, result.output
    assert case.file in result.output and case.column in result.output, result.output
    assert "Traceback" not in result.output


def test_validate_in_a_real_process_prints_no_traceback(tmp_path):
    folders = [str(case.build(tmp_path / case.name)) for case in CASES]
    proc = subprocess.run([*CX, "validate", *folders], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.startswith("✗")]
    assert len(lines) == len(CASES), proc.stderr
    # The table of cases and their messages, for a person reading the test output (pytest -s / -rA).
    width = max(len(c.name) for c in CASES)
    print("\n" + "\n".join(f"{c.name:<{width}}  {line.split(': ', 1)[1]}" for c, line in zip(CASES, lines)))


def test_validate_valid_engagement_exits_0(tmp_path):
    folder = write_valid_engagement(tmp_path / "valid-one")
    proc = subprocess.run([*CX, "validate", str(folder)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "✓" in proc.stdout


def test_run_rejects_unknown_notebook_number_with_exit_2(tmp_path):
    folder = write_valid_engagement(tmp_path / "valid-two")
    result = CliRunner().invoke(cli, ["run", str(folder), "--notebooks", "07", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "no notebook numbered 07" in result.output
