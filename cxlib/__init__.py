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
from typing import Any

try:
    __version__ = version("cxlib")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

_MODULES = ("advocacy", "drivers", "motivators", "pages", "report", "segments", "stats", "survival", "synth")
_NAMES = {"Engagement": "engagement", "from_frames": "engagement", "load_engagement": "engagement",
          "DataError": "schema", "ArgumentError": "errors", "Estimate": "results", "Reason": "results"}

__all__ = ["ArgumentError", "DataError", "Estimate", "Reason", "Engagement", "from_frames", "load_engagement", "advocacy", "drivers", "motivators", "pages", "report",
           "segments", "stats", "survival", "synth", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'cxlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
