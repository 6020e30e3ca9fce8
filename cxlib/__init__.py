"""cxlib: emotional-connection customer research workbook.

>>> import cxlib as cx
>>> eng = cx.load_engagement("data/demo-retailer")   # doctest: +SKIP
>>> frame = eng.frame()                                # doctest: +SKIP
"""
from importlib.metadata import PackageNotFoundError, version

from . import advocacy, drivers, motivators, report, segments, stats, survival, synth
from .engagement import Engagement, from_frames, load_engagement
from .schema import DataError

try:
    __version__ = version("cxlib")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["DataError", "Engagement", "from_frames", "load_engagement", "advocacy", "drivers", "motivators", "report",
           "segments", "stats", "survival", "synth", "__version__"]
