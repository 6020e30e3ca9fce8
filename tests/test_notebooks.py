"""The notebooks are narrative plus calls (issue #15, docs/architecture.md): each is valid nbformat, committed
without outputs or execution counts, opens with a code cell tagged `parameters`, asks for the `cxlib` kernel,
and the six together hold at most 150 non-blank code lines outside their parameters cells."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CODE_LINE_BUDGET = 150


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def _code_lines(nb: nbformat.NotebookNode) -> int:
    """Non-blank code lines outside cells tagged `parameters`."""
    return sum(1 for cell in nb.cells if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])
               for line in cell.source.splitlines() if line.strip())


def test_there_are_seven_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_valid_nbformat(path):
    nbformat.validate(_read(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_outputs_and_no_execution_counts(path):
    for i, cell in enumerate(_read(path).cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: code cell {i} has outputs"
            assert cell.execution_count is None, f"{path.name}: code cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_is_tagged_parameters(path):
    code = [c for c in _read(path).cells if c.cell_type == "code"]
    assert code and "parameters" in code[0].metadata.get("tags", []), \
        f"{path.name}: the first code cell is not tagged `parameters`"
    assert all("parameters" not in c.metadata.get("tags", []) for c in code[1:]), \
        f"{path.name}: more than one cell tagged `parameters`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_asks_for_the_cxlib_kernel(path):
    spec = _read(path).metadata.get("kernelspec", {})
    assert spec.get("name") == "cxlib", f"{path.name}: kernelspec {spec.get('name')!r}, not 'cxlib'"
    assert spec.get("language") == "python"


def test_the_seven_hold_at_most_150_code_lines_outside_parameters():
    counts = {p.stem: _code_lines(_read(p)) for p in NOTEBOOKS}
    assert sum(counts.values()) <= CODE_LINE_BUDGET, f"{sum(counts.values())} code lines: {counts}"


@pytest.mark.slow
def test_each_runs_in_place_from_the_notebooks_folder(tmp_path, slow):
    """Acceptance (#15): each notebook runs as it is, from `notebooks/`, with its default parameters and no
    `cx run` before it (notebook 00 computes the analyses' figures itself). Quick form: 03; --slow: all seven."""
    import subprocess
    import sys

    chosen = NOTEBOOKS if slow else [p for p in NOTEBOOKS if p.name[:2] == "03"]
    for path in chosen:
        out = tmp_path / path.name
        proc = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                               "--ExecutePreprocessor.timeout=900", "--output", str(out), path.name],
                              cwd=path.parent, capture_output=True, text=True, timeout=1200)
        assert proc.returncode == 0, f"{path.name}:\n{proc.stderr[-3000:]}"
        executed = _read(out)
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors and any(c.outputs for c in executed.cells if c.cell_type == "code"), path.name
