"""cxlib: emotional-connection customer research workbook.

>>> import cxlib as cx
>>> eng = cx.load_engagement("data/demo-retailer")   # doctest: +SKIP
>>> frame = eng.frame()                                # doctest: +SKIP

Submodules and names load on first use (PEP 562), so ``cx run`` can decide that nothing changed without
importing the statistics stack.
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

try:
    __version__ = version("cxlib")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

#: Every public module and package, as ``cx.<name>`` (tests/test_packaging.py checks that none is missing).
_MODULES = ("advocacy", "batch", "browser", "checks", "cli", "contacts", "coxph", "cuts", "deck", "diagnostics", "drivers",
            "engagement", "errors", "glossary", "init", "motivators", "pages", "plots", "portfolio", "preparation", "privacy", "readers",
            "render", "report", "results", "schema", "segments", "simulate", "stats", "survival", "synth",
            "verbatims", "waves", "weighting", "workbook")
_NAMES = {"Engagement": "engagement", "from_frames": "engagement", "load_engagement": "engagement",
          "DataError": "schema", "ArgumentError": "errors", "Estimate": "results", "Reason": "results"}

_HERE = Path(__file__).resolve().parent
# Only what this copy holds (modules can be listed before they are written), so ``from cxlib import *`` works.
__all__ = sorted(_NAMES) + [m for m in _MODULES if (_HERE / f"{m}.py").is_file() or (_HERE / m / "__init__.py").is_file()] \
    + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # the module exists; something it imports is missing
            raise AttributeError(f"module 'cxlib' has no attribute {name!r} (no module cxlib.{name} "
                                 "in this version)") from None
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'cxlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
