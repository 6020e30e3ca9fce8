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
    (Markdown bullet lines).

    Point estimates only (no resampling: this runs for every report) at the thresholds notebook 01 shows
    (:func:`cxlib.motivators.default_thresholds`: the one used ± 10 in steps of 5); figures resting on a
    segment below ``privacy.min_cell`` are suppressed. Empty when the engagement has no connection threshold,
    satisfaction or value configured.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=0)
    >>> threshold_lines(eng)[0].startswith("- **Threshold.** How far the figures depend on the connection threshold: at 65,")
    True
    """
    from .. import motivators
    from ..errors import ArgumentError

    cfg = eng.config
    try:
        threshold = float(cfg["connection"]["threshold"])
        sat, top_box, value = cfg["satisfaction"]["column"], cfg["satisfaction"]["top_box"], list(cfg["value"])[0]
        min_cell = int((cfg.get("privacy") or {}).get("min_cell", 0))
    except (KeyError, TypeError, ValueError, IndexError):
        return []
    try:
        sens = motivators.threshold_sensitivity(eng.frame(), value=value, sat_column=sat, top_box=top_box,
                                                threshold=threshold, weight=cfg.get("weight"), n_boot=0)
    except ArgumentError:
        return []
    t = sens.table
    ts = sens.thresholds

    def cell(th: float, measure: str) -> str:
        r = t[(t["threshold"] == th) & (t["measure"] == measure)].iloc[0]
        if r["count"] < min_cell:
            return "suppressed"
        if measure == "multiplier":
            e = sens.multiplier(th)
            return f"{report.number(e.estimate, '{:.2f}')}×" if e.estimable else "not estimable"
        return report.percent(r["estimate"])

    names = [f"{th:g} (used)" if th == threshold else f"{th:g}" for th in ts]
    shares = [cell(th, "fully connected") for th in ts]
    ratios = [cell(th, "multiplier") for th in ts]
    what = report.pretty(value).lower()
    measure = "rate" if sens.kind == "rate" else "mean"
    line = (f"- **Threshold.** How far the figures depend on the connection threshold: at "
            f"{report.listing(names, limit=len(names))} the fully connected share is "
            f"{report.listing(shares, limit=len(shares))} and the value multiplier (fully connected ÷ highly "
            f"satisfied {measure} {what}) {report.listing(ratios, limit=len(ratios))} (n={sens.n:,} respondents with a "
            "segment at the threshold used; point estimates: notebook 01 gives their intervals).")
    if "suppressed" in shares + ratios:
        line += f" Figures resting on fewer than {min_cell:,} customers are suppressed."
    return [line]


def classification_lines(eng: Any) -> list[str]:
    """The rule by which an element is a hidden driver, key driver or overrated element, with its level
    and false-discovery-rate control (Markdown bullet lines).

    Cheap (no resampling): the rule's principle from :class:`cxlib.drivers.QuadrantRule` (the rule
    notebook 02 applies), stated wherever the engagement rates experience elements; empty otherwise.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> line = classification_lines(eng)[0]
    >>> line.startswith("- **Hidden drivers, key drivers, overrated elements.**"), "10% false-discovery rate" in line
    (True, True)
    """
    from ..drivers import QuadrantRule

    roles = set(eng.codebook["role"].dropna().astype(str)) if "role" in eng.codebook else set()
    if not {"element_performance", "element_importance"} <= roles:
        return []
    return [f"- **Hidden drivers, key drivers, overrated elements.** {QuadrantRule().principle()} Each label "
            "describes how an element's ratings go together with emotional connection, not what changing it "
            "would do."]


def methods_common(eng: Any) -> str:
    """Every report's common methods appendix (Markdown): :func:`cxlib.report.methods_common` and the
    weighting, threshold and classification lines."""
    return "\n".join([report.methods_common(eng), *weighting_lines(eng), *threshold_lines(eng),
                      *classification_lines(eng)])
