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

__all__ = ["methods_common", "weighting_lines", "threshold_lines", "classification_lines", "weighting_record", "figure",
           "done", "wrap", "titled", "set_title", "interval", "alt_text"]


def weighting_lines(eng: Any) -> list[str]:
    """The weighting diagnostics (Markdown bullet lines): margins raked to, trimming, convergence, design
    effect and effective n, and the headline figures unweighted against weighted.

    With ``weighting:`` (raking): the margins and the customer base, the cap and how many weights it
    capped, convergence, design effect and effective n, where respondents differed most from the base before
    weighting, and the fully connected and highly satisfied shares unweighted against
    weighted (the raking's linearised interval, :meth:`cxlib.weighting.Weighting.estimate`). Without it:
    respondents are counted as they came (or by the given weights) and how far they differ from the customer
    base on the customers file's covariates; when the customers file holds no one but the respondents, that
    there is no wider customer base to compare with. Cheap: no resampling.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("brokerage", 300, seed=0)
    >>> weighting_lines(eng)[0].startswith("- **Weighting.** Respondents are counted as they came, not weighted")
    True
    >>> eng, _ = cx.synth.make_engagement("retailer", 1000, seed=0, response=0.5)
    >>> lines = weighting_lines(eng)
    >>> lines[0].startswith("- **Weighting to the customer base.** Respondents are weighted (raked)"), len(lines)
    (True, 3)
    """
    from .. import weighting as wt
    from ..stats import proportions

    cfg = eng.config
    frame = eng.frame()
    base = eng.customer_base(consenting=True)
    raking = eng.weighting
    weight = cfg.get("weight")
    n = len(frame)
    min_cell = int((cfg.get("privacy") or {}).get("min_cell", 0))

    def shown(t: Any) -> Any:
        """Categories with at least min_cell respondents and customers: the others are not named."""
        return t[(t["n"] >= min_cell) & (t["population_n"] >= min_cell)]
    if raking is None:
        given = ("weighted by the survey's own respondent weights, not raked" if weight
                 else "counted as they came, not weighted")
        head = f"- **Weighting.** Respondents are {given} to the customer base"
        respondents = set(frame[eng.id_column])
        if not len(base) or set(base[eng.id_column]) <= respondents:
            return [head + ": the customers file holds only the respondents, so there is no wider customer base to "
                    "compare them with."]
        columns = [c for c in cfg.get("covariates") or [] if c in frame.columns and c in base.columns]
        cats = shown(wt.compare(frame, base, columns=columns, weight=weight)) if columns else None
        if cats is None or cats.empty:
            return [head + f" ({len(base):,} consenting customers in the base, {n:,} respondents analysed)."]
        top = cats.loc[cats["gap"].abs().idxmax()]
        return [head + f". On {report.listing([report.pretty(c).lower() for c in columns], limit=6)} their "
                f"{'weighted ' if weight else ''}shares are within {report.number(100 * abs(top['gap']), '{:.0f}')} "
                f"points of the customer base's ({len(base):,} consenting customers; {n:,} respondents): the "
                f"largest gap is {report.text(report.pretty(top['column']).lower())} "
                f"{report.text(top['category'])}, {report.percent(top['sample_share'])} of respondents against "
                f"{report.percent(top['population_share'])} of customers."]
    margins = report.listing([report.pretty(c).lower() for c in raking.columns], limit=6)
    start = " starting from the survey's own weights," if raking.design_weight else ""
    cap = ("weights are capped at " + report.number(raking.trim, "{:g}") + "× the mean ("
           + (f"{raking.trimmed:,} respondent{'s' if raking.trimmed != 1 else ''} capped" if raking.trimmed
              else "none needed capping") + ")") if raking.trim is not None else "weights are not capped"
    fit = (f"the weighted shares match the base's to within 0.1 point ({raking.iterations:,} raking sweeps)"
           if raking.converged
           else f"the weights do not match the base exactly: {raking.reason}")
    within = (f", each {report.text(report.pretty(raking.by).lower())}'s respondents to the customers at that "
              f"{report.text(report.pretty(raking.by).lower())}" if raking.by is not None else "")
    lines = [f"- **Weighting to the customer base.** Respondents are weighted (raked) so that their shares match "
             f"those of the {len(base):,} consenting customers who were still customers at the survey date, on "
             f"{report.text(margins)}{within};{start} {cap}; {fit}. Design effect "
             f"{report.number(raking.design_effect, '{:.2f}')}: the {raking.n:,} respondents count as "
             f"{report.number(raking.n_effective)} (Kish's effective n)."]
    t = shown(raking.table)
    if not t.empty:
        top = t.loc[(t["sample_share"] - t["population_share"]).abs().idxmax()]
        group = (f" ({report.text(report.pretty(raking.by).lower())} {report.text(top[raking.by])})"
                 if raking.by is not None else "")
        lines.append(f"- **Before weighting.** Respondents differed most from the customer base on "
                     f"{report.text(report.pretty(top['column']).lower())}{group}: {report.text(top['category'])} is "
                     f"{report.percent(top['sample_share'])} of respondents (n={int(top['n']):,}) and "
                     f"{report.percent(top['population_share'])} of customers (categories with fewer than "
                     f"{min_cell:,} respondents are not named).")
    segment = frame["segment"]
    has = segment.notna()
    parts = []
    for name in ("fully connected", "highly satisfied"):
        y = (segment == name).astype(float).where(has)
        plain = proportions(segment[has].map(lambda s, name=name: name if s == name else "rest"),
                            categories=[name]).iloc[0]
        est = raking.estimate(y)
        weighted = (report.ci_text(100 * est.estimate, 100 * est.ci_low, 100 * est.ci_high, fmt="{:.0f}%")
                    if est.estimable else "not estimable")
        unweighted = report.ci_text(100 * plain["share"], 100 * plain["ci_low"], 100 * plain["ci_high"], fmt="{:.0f}%")
        if plain["n"] < min_cell:
            parts.append(f"{name}: not shown (fewer than {min_cell:,} respondents)")
            continue
        parts.append(f"{name}: {unweighted} of respondents as they came, {weighted} weighted")
    lines.append(f"- **Unweighted against weighted.** Of the {int(has.sum()):,} respondents with a segment, "
                 f"{'; '.join(parts)} (weighted intervals allow for the raking; every figure in the reports is "
                 "weighted).")
    return lines


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
    measure = "rate of" if sens.kind == "rate" else "mean"
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


def weighting_record(eng: Any) -> dict[str, Any]:
    """The ``weighting`` entry of ``results.json``: how the respondents were weighted.

    ``{"method": "rake", ...}`` with :meth:`cxlib.weighting.Weighting.to_dict` when the engagement rakes to
    the customer base; ``{"method": "given", "column", "n", "n_effective", "design_effect"}`` for weights
    supplied with the survey; ``{"method": "none"}`` otherwise.

    Examples
    --------
    >>> import cxlib as cx
    >>> record = weighting_record(cx.load_engagement("data/demo-brokerage"))
    >>> record["method"], record["margins"], record["converged"]
    ('rake', ['region', 'age_band', 'tenure_band'], True)
    """
    from ..stats import kish_effective_n

    if getattr(eng, "weighting", None) is not None:
        return {"method": "rake", **eng.weighting.to_dict()}
    column = eng.config.get("weight")
    if not column:
        return {"method": "none"}
    w = eng.frame()[column].dropna().astype(float)
    n_eff = float(kish_effective_n(w)) if len(w) else None
    return report.to_jsonable({"method": "given", "column": column, "n": int(len(w)), "n_effective": n_eff,
                               "design_effect": (len(w) / n_eff) if n_eff else None})


def methods_common(eng: Any) -> str:
    """Every report's common methods appendix (Markdown): :func:`cxlib.report.methods_common` and the
    weighting, threshold and classification lines."""
    return "\n".join([report.methods_common(eng), *weighting_lines(eng), *threshold_lines(eng),
                      *classification_lines(eng)])


# -- charts (issue 18): one figure helper for every page, and the words of titles and alt texts -------------

def figure(width: float, height: float, *, nrows: int = 1, ncols: int = 1) -> tuple[Any, list[Any]]:
    """A new figure in the house style and its axes, as a flat list (pyplot's, so the notebook's inline
    display is set up; :func:`done` closes it).

    Examples
    --------
    >>> fig, axes = figure(8, 3, ncols=2)
    >>> len(axes), fig.get_size_inches().tolist()
    (2, [8.0, 3.0])
    >>> figure(0, 3)
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: pages.common.figure: width must be a number above 0, not 0
    """
    import matplotlib.pyplot as plt

    from .. import checks, plots

    width, height = (checks.positive(v, "pages.common.figure", a) for v, a in ((width, "width"), (height, "height")))
    nrows, ncols = (checks.count(v, "pages.common.figure", a) for v, a in ((nrows, "nrows"), (ncols, "ncols")))
    plots.set_theme()
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * nrows), squeeze=False)
    return fig, [ax for row in axes for ax in row]


def done(fig: Any, *, alt: str, tight: bool = True) -> Any:
    """The finished chart a page's method returns: :func:`cxlib.plots.chart` (tight layout unless ``tight``
    is False, the figure closed in pyplot so the notebook shows it once, as the cell's value, with ``alt``).

    Examples
    --------
    >>> fig, (ax,) = figure(4, 3)
    >>> done(fig, alt="22% of customers are fully connected (n=370).").alt
    '22% of customers are fully connected (n=370).'
    """
    from .. import plots

    return plots.chart(fig, alt=alt, tight=tight)


def wrap(text: str, width: int = 60) -> str:
    """A chart title broken into lines of at most ``width`` characters.

    Examples
    --------
    >>> wrap("Fully connected customers spend 1.91× as much as highly satisfied ones", 40)
    'Fully connected customers spend 1.91× as\\nmuch as highly satisfied ones'
    """
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=False)) or str(text)


def titled(finding: str, n: int | None = None, base: str = "", *, width: int | None = 60) -> str:
    """A chart title: the finding, then the chart's one base on its own line ("n=5,601 respondents with a
    segment"). The finding is wrapped at ``width`` characters; ``None`` leaves that to the plot function,
    which wraps each line to its axes (:func:`cxlib.plots.fit_title`).

    Examples
    --------
    >>> titled("22% of customers are fully connected", 370, "respondents with a segment")
    '22% of customers are fully connected\\nn=370 respondents with a segment'
    """
    head = " ".join(str(finding).split()) if width is None else wrap(finding, width)
    if n is None:
        return head
    return f"{head}\nn={int(n):,}" + (f" {base}" if base else "")


def interval(e: Any, fmt: str = "{:.2f}", *, scale: float = 1.0, suffix: str = "") -> str:
    """An estimate with its 95% interval in words: ``"1.91× (95% CI 1.70–2.13)"``; ``"…(no interval)"``
    without one. ``e`` is a :class:`cxlib.results.Estimate` (or anything with ``estimate, ci_low, ci_high``).

    Examples
    --------
    >>> from cxlib.results import Estimate
    >>> interval(Estimate(1.914, 1.70, 2.13, n=300), suffix="×")
    '1.91× (95% CI 1.70×–2.13×)'
    >>> interval(Estimate(0.22, 0.2, 0.24, n=300), "{:.0f}", scale=100, suffix="%")
    '22% (95% CI 20%–24%)'
    """
    def f(v: float) -> str:
        return report.number(v * scale, fmt) + suffix

    est = f(e.estimate)
    lo, hi = getattr(e, "ci_low", None), getattr(e, "ci_high", None)
    if lo is None or hi is None or lo != lo or hi != hi:
        return f"{est} (no interval)"
    return f"{est} (95% CI {f(lo)}–{f(hi)})"


def alt_text(*sentences: str) -> str:
    """An alt text from sentences (empty ones dropped), each ending in a full stop.

    Examples
    --------
    >>> alt_text("22% of customers are fully connected", "", "n=370 respondents with a segment.")
    '22% of customers are fully connected. n=370 respondents with a segment.'
    """
    parts = [" ".join(str(s).split()) for s in sentences if s and str(s).strip()]
    return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts)


def set_title(ax: Any, finding: str, n: int | None = None, base: str = "") -> None:
    """Title ``ax`` with the finding wrapped to the axes' width and the chart's one base on a line of its own
    (:func:`titled`, :func:`cxlib.plots.fit_title`): for axes a plot function has not titled, or whose base
    line is too long for the plot's own wrapping to keep whole.

    Examples
    --------
    >>> fig, (ax,) = figure(6, 3)
    >>> set_title(ax, "22% of customers are fully connected", 370, "respondents with a segment")
    >>> ax.get_title(loc="left").splitlines()[-1]
    'n=370 respondents with a segment'
    """
    from .. import plots

    plots.fit_title(ax, finding)  # the finding wrapped to the axes; the base line is left whole
    head = ax.get_title(loc="left") or ax.get_title()
    ax.set_title(head + (f"\nn={int(n):,}" + (f" {base}" if base else "") if n is not None else ""), loc="left")
