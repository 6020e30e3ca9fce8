"""What every report's methods appendix says, beyond the data and segment notes of
:func:`cxlib.report.methods_common`: how the respondents are weighted to the customer base, how far the
headline depends on the connection threshold, and the rule by which an element is called a hidden driver,
key driver or overrated element.

These lines need the analyses (weighting, segments, drivers), which :mod:`cxlib.report` must not import
(it sits below them), so they are assembled here, in the pages layer.
"""
from __future__ import annotations

from typing import Any

from .. import report

__all__ = ["methods_common", "weighting_lines", "threshold_lines", "classification_lines"]


def weighting_lines(eng: Any) -> list[str]:
    """The weighting diagnostics (Markdown bullet lines): margins raked to, trimming, convergence, design
    effect and effective n, and the headline figures unweighted against weighted."""
    return []


def threshold_lines(eng: Any) -> list[str]:
    """How the fully connected share and the value multiplier change with the connection threshold
    (Markdown bullet lines)."""
    return []


def classification_lines(eng: Any) -> list[str]:
    """The rule by which an element is a hidden driver, key driver or overrated element, with its level
    and false-discovery-rate control (Markdown bullet lines)."""
    return []


def methods_common(eng: Any) -> str:
    """Every report's common methods appendix (Markdown): :func:`cxlib.report.methods_common` and the
    weighting, threshold and classification lines."""
    return "\n".join([report.methods_common(eng), *weighting_lines(eng), *threshold_lines(eng),
                      *classification_lines(eng)])
