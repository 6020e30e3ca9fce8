"""The reports' words: one module per notebook, building its result objects and wording them.

Each module exposes ``build(eng, *, seed=0, ...)`` returning a frozen page object whose methods give the
notebook's sentences (:class:`cxlib.report.Markdown`), tables and charts, and ``results()`` / ``record()``
for ``results.json``. A notebook is narrative plus calls to one page.

=============  ==============================  ============================
module         notebook                        what it answers
=============  ==============================  ============================
``summary``    00_executive_summary            the story on one page
``value``      01_motivator_discovery          who is connected, what goes with it, which motivators
``drivers``    02_driver_analysis              which elements go with connection
``attrition``  03_attrition_survival           how long each segment stays
``programme``  04_advocacy_programme           advocacy and the programme's change
``tracker``    05_tracker                      every wave: what moved, what did not
``cuts``       06_business_cuts                every headline by region, channel, unit: who lags
=============  ==============================  ============================
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["summary", "value", "drivers", "attrition", "programme", "tracker", "cuts", "common"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cxlib.pages' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
