"""Build step that ships the notebooks with the package.

The notebooks live in the repository's ``notebooks/`` (the one source of truth, opened from there in
JupyterLab). A wheel carries a copy as package data, ``cxlib/notebooks/*.ipynb``, copied into the build
folder here (never into the source tree), so an installed cxlib finds and runs them
(``cxlib.batch.NOTEBOOKS_DIR``). An editable install reads ``notebooks/`` from the checkout instead.
Everything else about the package is in ``pyproject.toml``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class build_py_with_notebooks(build_py):
    """``build_py``, then ``notebooks/*.ipynb`` -> ``<build_lib>/cxlib/notebooks/``."""

    def _notebook_targets(self) -> list[tuple[Path, Path]]:
        target = Path(self.build_lib) / "cxlib" / "notebooks"
        return [(nb, target / nb.name) for nb in sorted(NOTEBOOKS.glob("*.ipynb"))]

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        targets = self._notebook_targets()
        if not targets:
            raise SystemExit(f"no notebooks in {NOTEBOOKS}: a cxlib package without them cannot run a report")
        for source, target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(target) for _, target in self._notebook_targets()]


setup(cmdclass={"build_py": build_py_with_notebooks})
