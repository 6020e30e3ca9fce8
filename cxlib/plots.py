"""Figures for the reports, in one house style (seaborn-based).

Every function takes data plus keyword-only options and ``ax=None``, draws on ``ax or plt.gca()`` and
returns the Axes. The house style:

- titles state the finding with a figure, generated from the result when the caller gives none;
- one base ``n`` per chart (in the title), never on every bar; bars keep their value labels;
- one colour per concept in every report (:data:`PALETTE`: segments, quadrants, waves, neutral roles;
  colour-blind safe), filled marks for what the evidence supports, hollow for what is only possible;
- ratios on log axes that read in plain numbers with the line at 1 labelled (:func:`ratio_axis`);
- legends outside the data area; names placed so that none overlaps another; intervals drawn; one unit
  per axis.

:func:`layout_problems` checks a finished figure against the layout rules (overlapping texts, a legend over
data, colours outside the palette, log ticks that are not plain numbers).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .segments import SEGMENTS

__all__ = ["SEGMENT_COLOURS", "set_theme", "segment_shares", "index_distribution", "value_by_segment", "threshold_sensitivity",
           "motivator_ranking", "motivator_profiles", "QUADRANT_COLOURS", "importance_map", "rollup", "relative_weights",
           "survival_curves", "forest", "GROUP_COLOURS", "wave_scorecard", "nps_by_segment", "word_frequency", "themes", "METRIC_LABELS", "estimates",
           "Chart", "chart", "PALETTE", "WAVE_COLOURS", "SUPPORTED_STYLE", "POSSIBLE_STYLE", "house_colours", "colour_of",
           "RATIO_TICKS", "ratio_axis", "text_artists", "text_overlaps", "legend_overlaps", "drawn_colours",
           "layout_problems", "fit_title", "wave_trend", "cut_gaps"]

#: Plain names of the wave-comparison metrics.
METRIC_LABELS: dict[str, str] = {
    "connected": "Fully connected share (pts)",
    "attrition": "Attrition at horizon (pts)",
    "advocacy": "Promoters, 9–10 (pts)",
    "nps": "Net Promoter Score (points)",
    "value": "Mean value",
}

# -- The house palette --------------------------------------------------------------------------------------
# One colour, one meaning, in every report. Colour-blind safe: the hues are Okabe & Ito's (2008) set, the
# wave pair from Paul Tol's; pairs that share a chart differ in lightness as well as hue. A concept's colour is
# never lent to another concept: the segments' blue/orange/grey are not used for quadrants, waves or
# generic estimates, so a reader who has learnt "orange = highly satisfied" on page 01 is not misled on 02.

#: Segments (Okabe–Ito): fully connected blue, highly satisfied orange, other mid grey.
SEGMENT_COLOURS: dict[str, str] = {
    "fully connected": "#0072B2",
    "highly satisfied": "#E69F00",
    "other": "#999999",
}

#: Quadrants of the importance map (Okabe–Ito, none of them a segment colour): key driver bluish green,
#: hidden driver vermillion, overrated reddish purple, secondary the light "not highlighted" grey.
QUADRANT_COLOURS: dict[str, str] = {
    "key driver": "#009E73",
    "hidden driver": "#D55E00",
    "overrated": "#CC79A7",
    "secondary": "#BBBBBB",
}

#: Before/after of a wave comparison (Tol): the earlier wave light sky blue, the later dark indigo.
WAVE_COLOURS: dict[str, str] = {
    "before": "#56B4E9",
    "after": "#332288",
}

#: Neutral roles: ``ink`` text and interval whiskers, ``reference`` reference lines and cuts (1 = same rate,
#: 0 = no change), ``muted`` what is not highlighted or not shown, ``estimate`` the one colour of a chart whose
#: bars carry no concept (a ranking, a roll-up, a list of figures), ``paper`` the face of hollow markers,
#: ``lags`` (Tol's vibrant red) a part of the business that does worse than the rest once chance is allowed for.
PALETTE: dict[str, str] = {
    "ink": "#222222",
    "reference": "#555555",
    "muted": "#BBBBBB",
    "estimate": "#607D8B",
    "paper": "#FFFFFF",
    "lags": "#CC3311",
    **{f"segment: {k}": v for k, v in SEGMENT_COLOURS.items()},
    **{f"quadrant: {k}": v for k, v in QUADRANT_COLOURS.items()},
    **{f"wave: {k}": v for k, v in WAVE_COLOURS.items()},
}

#: Groups with no fixed meaning (regions, channels, more than two waves), in this order (Tol's muted set,
#: none of them a segment, quadrant or wave colour). Never drawn on a chart of segments or quadrants.
GROUP_COLOURS: list[str] = ["#44AA99", "#882255", "#DDCC77", "#117733", "#88CCEE", "#999933", "#AA4499", "#CC6677"]

#: "Supported vs possible": a result the evidence supports is a filled mark; one the estimate points to but
#: the evidence falls short of the rule's level is hollow (``paper`` face, its colour as the edge) and its
#: name is drawn lighter and in italics.
SUPPORTED_STYLE: dict = {"filled": True, "alpha": 1.0, "style": "normal"}
POSSIBLE_STYLE: dict = {"filled": False, "alpha": 0.6, "style": "italic"}

# Text colours matplotlib and seaborn use by default (black, seaborn's ".15"), and the light greys of the grid.
_DEFAULT_INKS = ("#000000", "#262626", "#cccccc", "#eaeaf2", "#ebebeb")


def house_colours() -> set[str]:
    """Every colour the house style may draw, as lower-case ``#rrggbb``: the segments', the quadrants', the
    waves', the groups', the neutral roles and the default text inks.

    A chart test checks each drawn bar, line and marker against this set.

    Returns
    -------
    set of str

    Examples
    --------
    >>> SEGMENT_COLOURS["highly satisfied"].lower() in house_colours()
    True
    >>> "#ff0000" in house_colours()
    False
    >>> set(SEGMENT_COLOURS.values()) & set(QUADRANT_COLOURS.values())  # one meaning per colour
    set()
    """
    colours = [*PALETTE.values(), *GROUP_COLOURS, *_DEFAULT_INKS]
    return {c.lower() for c in colours}


def colour_of(name, *, default: str | None = None) -> str:
    """The fixed colour of a segment, quadrant or wave name (any case), else ``default`` (the estimate colour).

    Examples
    --------
    >>> colour_of("Fully connected"), colour_of("overrated"), colour_of("region 4")
    ('#0072B2', '#CC79A7', '#607D8B')
    """
    key = str(name).strip().lower()
    for table in (SEGMENT_COLOURS, QUADRANT_COLOURS, WAVE_COLOURS):
        if key in table:
            return table[key]
    return default or PALETTE["estimate"]


def _error_bars(estimate, low, high) -> np.ndarray:
    """Arms for ``errorbar(xerr=...)``. A bootstrap percentile interval can sit wholly to one side of its
    point estimate (a skewed bootstrap, e.g. a relative weight near zero): that arm is drawn with length 0
    rather than failing, so the interval shown is still the interval computed."""
    est, lo, hi = (np.asarray(v, dtype=float) for v in (estimate, low, high))
    return np.vstack([np.clip(est - lo, 0, None), np.clip(hi - est, 0, None)])


def _cap(text) -> str:
    """``text`` with its first letter in capitals, drawn literally (a ``$`` would start mathtext)."""
    s = str(text)
    return _mathtext_safe(s[:1].upper() + s[1:])


def _minus(text: str) -> str:
    """A typographic minus sign in a printed figure; a figure that rounds to zero reads 0, never −0.

    Examples
    --------
    >>> _minus("-3.5"), _minus("-0"), _minus("-0.0%")
    ('−3.5', '0', '0.0%')
    """
    text = re.sub(r"(?<![\d.])-(?=0(?:\.0+)?(?!\.?\d*[1-9]))", "", text)
    return text.replace("-", "−")


def _with_n(title: str, n) -> str:
    """``title`` with the base ``(n=…)`` once: appended unless the title already states an n."""
    if n is None or re.search(r"\bn\s*[=<>≥≤]", title):
        return title
    return f"{title} (n={int(n):,})"


def fit_title(ax: plt.Axes, title: str) -> str:
    """Set ``title``, each of its lines wrapped to the axes' width (a title running past its axes would
    overlap the next panel's or be cut), estimating a bold character at 0.6 em; returns the title as set
    (at the location the house style puts titles).

    Examples
    --------
    >>> fig, ax = plt.subplots(figsize=(3, 2))
    >>> fit_title(ax, "Fully connected customers spend 1.91 times as much as highly satisfied ones\\nn=3,002").splitlines()[-1]
    'n=3,002'
    """
    import textwrap

    fig = ax.figure
    size = plt.rcParams["axes.titlesize"]
    size = size if isinstance(size, (int, float)) else 12.0
    box = ax.get_position()
    width_px = box.width * fig.get_figwidth() * fig.dpi
    # A tight layout later narrows the axes by as much as its y tick labels stick out past the left margin.
    tick_size = plt.rcParams["ytick.labelsize"]
    tick_size = tick_size if isinstance(tick_size, (int, float)) else 10.0
    longest = max((len(line) for t in ax.get_yticklabels() for line in t.get_text().split("\n")), default=0)
    width_px -= max(0.0, longest * 0.55 * tick_size * fig.dpi / 72 - box.x0 * fig.get_figwidth() * fig.dpi)
    chars = max(28, int(width_px / (0.6 * size * fig.dpi / 72)))
    # Each line wrapped on its own: a line break the caller put in (the base n on a line of its own) stays.
    lines = [" ".join(line.split()) for line in str(title).split("\n")]
    fitted = "\n".join(textwrap.fill(line, chars, break_on_hyphens=False) if len(line) > chars else line
                       for line in lines if line)
    ax.set_title(fitted)
    return fitted


#: The plain values a ratio axis may be ticked at (hazard ratios, multipliers), most wanted first.
RATIO_TICKS: tuple[float, ...] = (1, 0.5, 2, 0.25, 4, 0.1, 10, 0.75, 1.5, 3, 0.2, 5, 0.33, 0.67, 1.25, 0.8, 20, 0.05,
                                   0.9, 1.1, 0.4, 0.6)


def ratio_axis(ax: plt.Axes, low: float, high: float, *, axis: str = "x", reference_label: str = "same rate",
               min_gap: float = 0.13) -> plt.Axes:
    """Put a ratio (a hazard ratio, a multiplier) on a log axis that reads in plain numbers.

    The axis spans ``low``–``high`` and 1, ticked at values from :data:`RATIO_TICKS` ("0.5", "0.75", "1",
    "1.5", "2", never "6×10⁻¹" or "10⁰"), no two closer than ``min_gap`` of the axis, with a dashed
    reference line at 1 whose tick says what 1 means (``reference_label``).

    Parameters
    ----------
    ax : Axes
    low, high : float
        The smallest and largest values drawn (interval ends included).
    axis : {"x", "y"}
    reference_label : str
        What a ratio of 1 means, in words ("same rate", "same value").
    min_gap : float
        The least distance between two ticks, as a share of the axis length.

    Returns
    -------
    Axes

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0.42, 0.6], [0, 1])
    >>> _ = ratio_axis(ax, 0.42, 0.6)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['0.4', '0.5', '0.6', '0.75', '1\\nsame rate']
    """
    from .errors import ArgumentError

    if axis not in ("x", "y"):
        raise ArgumentError(f"plots.ratio_axis: axis must be 'x' or 'y', not {axis!r}", function="plots.ratio_axis",
                            argument="axis")
    values = np.array([low, high, 1.0], dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    lo, hi = float(values.min()) / 1.15, float(values.max()) * 1.15
    span = np.log(hi / lo)
    ticks: list[float] = []
    for v in RATIO_TICKS:  # most wanted first, so thinning keeps 1, 0.5, 2 … and drops 0.67, 1.25 …
        if lo <= v <= hi and all(abs(np.log(v / t)) >= min_gap * span for t in ticks):
            ticks.append(v)
    ticks.sort()
    sep = "\n" if axis == "x" else " = "
    labels = [f"1{sep}{reference_label}" if v == 1 else f"{v:g}" for v in ticks]
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    (ax.set_xlim if axis == "x" else ax.set_ylim)(lo, hi)
    target.set_major_locator(plt.FixedLocator(ticks))
    target.set_major_formatter(plt.FixedFormatter(labels))
    target.set_minor_locator(plt.NullLocator())
    (ax.axvline if axis == "x" else ax.axhline)(1.0, color=PALETTE["reference"], ls="--", lw=0.9, zorder=1)
    return ax


def _legend_outside(ax: plt.Axes, *, title: str | None = None, **kwargs):
    """The legend right of the axes, outside the data area (it never covers data); none without entries."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                     frameon=False, fontsize=9, title=title, title_fontsize=9, alignment="left", **kwargs)


# Fonts tried, glyph by glyph, after DejaVu Sans for scripts it lacks (Chinese, Japanese, Korean client,
# element or region names). Used when installed; `make browser` installs the first (Debian fonts-wqy-microhei).
FALLBACK_FONTS = {
    "WenQuanYi Micro Hei": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "Noto Sans CJK JP": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}


def _fallback_families() -> list[str]:
    from matplotlib import font_manager

    # The fallback fonts have no bold face; matplotlib would log that at every bold title.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    manager = font_manager.fontManager
    known = {f.name for f in manager.ttflist}
    found = []
    for family, path in FALLBACK_FONTS.items():
        if family not in known and Path(path).is_file():
            manager.addfont(path)  # matplotlib's font cache may predate the font's installation
            known.add(family)
        if family in known:
            found.append(family)
    return found


def set_theme() -> None:
    """Apply the report style: seaborn whitegrid, readable fonts, figures sized for a 1080-px page.

    Examples
    --------
    >>> set_theme()
    >>> import matplotlib.pyplot as plt
    >>> plt.rcParams["axes.titlelocation"]
    'left'
    """
    sns.set_theme(style="whitegrid", context="notebook", rc={
        # Listed by name: matplotlib falls back glyph by glyph only across named families.
        "font.family": ["DejaVu Sans", *_fallback_families(), "sans-serif"],
        "figure.figsize": (8, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": plt.cycler(color=[PALETTE["estimate"], *GROUP_COLOURS]),
    })


def _table_of(data):
    """A result object's table (``.table``), or the DataFrame given."""
    return data.table if hasattr(data, "table") and not isinstance(data, pd.DataFrame) else data


def segment_shares(data, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Horizontal bars of segment (or any group's) shares with their confidence intervals; n once, in the title.

    Parameters
    ----------
    data : Shares or DataFrame
        ``cxlib.segments.shares``' result (or its table: the group column first, then ``n, share, ci_low,
        ci_high``). Segments keep their colours; other groups are drawn in the estimate colour.
    ax : Axes, optional
    title : str, optional
        Defaults to a sentence naming the fully connected share (or the largest group's); the base n is
        added unless the title states one.

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import advocacy, drivers, motivators, segments, survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> ax = segment_shares(segments.shares(f), ax=plt.figure().gca())
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    '22% of customers are fully connected (n=370)'
    >>> [t.get_text() for t in ax.texts]
    ['22%', '21%', '56%']
    """
    ax = ax or plt.gca()
    table = _table_of(data)
    key = table.columns[0]
    d = table.set_index(key)
    if key == "segment":
        d = d.reindex([s for s in SEGMENTS if s in d.index] + [s for s in d.index if s not in SEGMENTS])
    d = d[np.isfinite(d["share"].astype(float))]
    if d.empty:
        raise ValueError("segment_shares: no share to draw (nobody has a group)")
    y = np.arange(len(d))
    ax.barh(y, d["share"] * 100, color=[colour_of(s) for s in d.index], height=0.6)
    ax.errorbar(d["share"] * 100, y, xerr=_error_bars(d["share"] * 100, d["ci_low"] * 100, d["ci_high"] * 100),
                fmt="none", ecolor=PALETTE["ink"], capsize=4, lw=1.2)
    for yi, (seg, row) in zip(y, d.iterrows()):
        ax.text(row["ci_high"] * 100 + 1, yi, f"{row['share'] * 100:.0f}%", va="center", fontsize=10,
                color=PALETTE["ink"])
    ax.set_yticks(y, [_cap(s) for s in d.index])
    ax.invert_yaxis()
    ax.set_xlim(0, max(100, float(d["ci_high"].max() * 100 + 25)))
    ax.set_xlabel("Share of respondents (%), with 95% confidence interval")
    ax.set_ylabel("")
    n_total = int(table["n"].sum())
    if title is None:
        if "fully connected" in d.index:
            title = f"{d.loc['fully connected', 'share'] * 100:.0f}% of customers are fully connected"
        else:
            top = d["share"].astype(float).idxmax()
            title = f"{_cap(top)} is the largest group, at {d.loc[top, 'share'] * 100:.0f}%"
    fit_title(ax, _with_n(title, n_total))
    return ax


def index_distribution(
    frame: pd.DataFrame,
    *,
    threshold: float,
    column: str = "connection_index",
    ax: plt.Axes | None = None,
    title: str | None = None,
) -> plt.Axes:
    """Histogram of the connection index with the fully-connected threshold marked.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame.
    threshold : float
        Connection index at or above which a customer is fully connected.
    column : str
        Index column.
    ax : Axes, optional
    title : str, optional
        Defaults to the share at or above the threshold; the base n is added unless the title states one.

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import advocacy, drivers, motivators, segments, survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> ax = index_distribution(f, threshold=75, ax=plt.figure().gca())
    >>> ax.get_xlabel()
    'Connection index (0 = no emotional connection, 100 = strongest)'
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    '22% of customers score 75 or more on the connection index (n=370)'
    """
    from .errors import ArgumentError

    if column not in frame.columns:
        raise ArgumentError(f"plots.index_distribution: there is no column {column!r}", function="plots.index_distribution",
                            argument="column")
    ax = ax or plt.gca()
    values = frame[column].dropna()
    bins = np.linspace(0, 100, 26)
    ax.hist(values[values < threshold], bins=bins, color=PALETTE["muted"], label="Below the threshold")
    ax.hist(values[values >= threshold], bins=bins, color=SEGMENT_COLOURS["fully connected"],
            label=f"At or above {threshold:g}")
    ax.axvline(threshold, color=PALETTE["reference"], ls="--", lw=1)
    ax.set_xlim(0, 100)
    # The threshold is a tick of its own; a round tick too close to it would collide with its label.
    ticks = sorted({float(threshold), *(v for v in (0, 25, 50, 75, 100) if abs(v - threshold) >= 6)})
    ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
    ax.set_xlabel("Connection index (0 = no emotional connection, 100 = strongest)")
    ax.set_ylabel("Respondents")
    share = float((values >= threshold).mean()) if len(values) else float("nan")
    if title is None:
        title = f"{share * 100:.0f}% of customers score {threshold:g} or more on the connection index"
    fit_title(ax, _with_n(title, len(values)))
    _legend_outside(ax)
    return ax


def _figure_text(v: float, *, rate: bool = False) -> str:
    """A value printed on a chart: a percentage for a rate, thousands separated for money-sized values."""
    if not np.isfinite(v):
        return "–"
    if rate:
        return _minus(f"{v * 100:.0f}%")
    return _minus(f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}")


def value_by_segment(
    data,
    *,
    label: str,
    kind: str = "mean",
    min_cell: int = 0,
    ax: plt.Axes | None = None,
    title: str | None = None,
    n: int | None = None,
) -> plt.Axes:
    """Bars of mean value (or rate) per segment (or group) with confidence intervals, each bar labelled with
    its value; n once, in the title.

    Parameters
    ----------
    data : ValueBySegment or DataFrame
        ``cxlib.motivators.value_by_segment``'s result (or its table: the group column first, then ``n, mean,
        ci_low, ci_high``).
    label : str
        What the value is, in words (e.g. "Annual spend").
    kind : {"mean", "rate"}
        A rate is drawn as a percentage.
    min_cell : int
        Segments with fewer respondents are not drawn and are marked as suppressed.
    ax : Axes, optional
    title : str, optional
        Defaults to the fully connected customers' value as a multiple of the highly satisfied ones' (or the
        highest group's value); the base n is added unless the title states one.
    n : int, optional
        The base stated in the title (default: the respondents in the table).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import advocacy, drivers, motivators, segments, survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> v = motivators.value_by_segment(f, value="annual_spend", n_boot=100)
    >>> ax = value_by_segment(v, label="Annual spend", ax=plt.figure().gca())
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    'Fully connected customers’ annual spend is 1.43× that of highly satisfied ones (n=370)'
    """
    from .errors import ArgumentError

    if kind not in ("mean", "rate"):
        raise ArgumentError(f"plots.value_by_segment: kind must be 'mean' or 'rate', not {kind!r}",
                            function="plots.value_by_segment", argument="kind")
    ax = ax or plt.gca()
    table = _table_of(data)
    key = table.columns[0]
    d = table.set_index(key)
    if key == "segment":
        d = d.reindex([s for s in SEGMENTS if s in d.index] + [s for s in d.index if s not in SEGMENTS])
    if not (d["n"] > 0).any():
        raise ValueError("value_by_segment: no group has a value to draw")
    scale = 100.0 if kind == "rate" else 1.0
    x = np.arange(len(d))
    drawn = []
    for xi, (seg, row) in zip(x, d.iterrows()):
        if row["n"] < max(min_cell, 1) or not np.isfinite(row["mean"]):
            ax.text(xi, 0, f"suppressed\n(fewer than {min_cell})" if row["n"] < min_cell else "no data",
                    ha="center", va="bottom", fontsize=9, color=PALETTE["reference"])
            continue
        drawn.append(seg)
        ax.bar(xi, row["mean"] * scale, color=colour_of(seg), width=0.6)
        if np.isfinite(row["ci_low"]):
            ax.errorbar(xi, row["mean"] * scale, yerr=[[max((row["mean"] - row["ci_low"]) * scale, 0)],
                                                       [max((row["ci_high"] - row["mean"]) * scale, 0)]],
                        fmt="none", ecolor=PALETTE["ink"], capsize=5, lw=1.2)
        top = row["ci_high"] if np.isfinite(row["ci_high"]) else row["mean"]
        ax.annotate(_figure_text(row["mean"], rate=kind == "rate"), (xi, top * scale), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10, color=PALETTE["ink"])
    ax.set_xticks(x, [_cap(s) for s in d.index])
    ax.set_ylabel(f"{label} ({'% of customers' if kind == 'rate' else 'mean'}), 95% CI")
    ax.set_xlabel("")
    base = int(d["n"].sum()) if n is None else int(n)
    if title is None:
        means = d.loc[drawn, "mean"].astype(float)
        what = f"{label[:1].lower()}{label[1:]}"
        if {"fully connected", "highly satisfied"} <= set(drawn) and means["highly satisfied"] > 0:
            ratio = means["fully connected"] / means["highly satisfied"]
            title = f"Fully connected customers’ {what} is {ratio:.2f}× that of highly satisfied ones"
        else:
            top = means.idxmax()
            title = f"{_cap(top)} has the highest {what}: {_figure_text(means[top], rate=kind == 'rate')}"
    # One title, set once (setting it twice with a left-aligned house style dropped the text before "(n=…)").
    fit_title(ax, _with_n(title, base))
    ax.margins(y=0.15)
    return ax


def threshold_sensitivity(
    data,
    *,
    value_label: str = "Value",
    min_cell: int = 0,
    axes=None,
    title: str | None = None,
):
    """Two panels against the connection threshold: the segment shares (%) and the value multiplier (×, on a
    ratio axis), each with its 95% interval band and the threshold used marked on the axis.

    Parameters
    ----------
    data : ThresholdSensitivity or DataFrame
        ``cxlib.motivators.threshold_sensitivity``'s result (or its table: ``threshold, used, measure,
        estimate, ci_low, ci_high, n, count``).
    value_label : str
        What the value is, in words (e.g. "Annual spend").
    min_cell : int
        Points resting on a segment with fewer respondents are not drawn.
    axes : pair of Axes, optional
        The share panel and the multiplier panel (default: a new figure with the two side by side).
    title : str, optional
        Title of the share panel (default: how far the fully connected share moves across the thresholds,
        with the base n at the threshold used).

    Returns
    -------
    (Axes, Axes)

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import motivators
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> s = motivators.threshold_sensitivity(eng.frame(), value="annual_spend", sat_column="overall_sat",
    ...                                      top_box=9, threshold=75, n_boot=50)
    >>> a, b = threshold_sensitivity(s, value_label="Annual spend")
    >>> a.get_xlabel(), b.get_ylabel(), b.get_yscale()
    ('Connection threshold (0–100)', 'Annual spend multiplier (×), 95% CI\\nfully connected ÷ highly satisfied', 'log')
    >>> " ".join(b.get_title(loc="left").split())  # titles are wrapped to the axes
    'The multiplier stays between 1.17× and 1.75× around the 75 used'
    """
    table = _table_of(data)
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax_share, ax_mult = axes
    used = table.loc[table["used"], "threshold"]
    used = float(used.iloc[0]) if len(used) else None
    shares = {}
    for measure in ("fully connected", "highly satisfied"):
        colour = SEGMENT_COLOURS[measure]
        d = table[table["measure"] == measure].sort_values("threshold")
        d = d[(d["count"] >= min_cell) & np.isfinite(d["estimate"].astype(float))]
        if d.empty:
            continue
        shares[measure] = d
        ax_share.fill_between(d["threshold"], d["ci_low"] * 100, d["ci_high"] * 100, color=colour, alpha=0.2, lw=0)
        ax_share.plot(d["threshold"], d["estimate"] * 100, "o-", color=colour, label=_cap(measure))
    d = table[table["measure"] == "multiplier"].sort_values("threshold")
    d = d[(d["count"] >= min_cell) & np.isfinite(d["estimate"].astype(float))]
    colour = PALETTE["estimate"]
    if len(d):
        band = d[np.isfinite(d["ci_low"].astype(float)) & (d["ci_low"].astype(float) > 0)]
        if len(band):
            ax_mult.fill_between(band["threshold"], band["ci_low"], band["ci_high"], color=colour, alpha=0.2, lw=0)
        ax_mult.plot(d["threshold"], d["estimate"], "o-", color=colour)
        ends = np.r_[d["estimate"].to_numpy(float), band["ci_low"].to_numpy(float), band["ci_high"].to_numpy(float)]
        ratio_axis(ax_mult, float(np.nanmin(ends)), float(np.nanmax(ends)), axis="y", reference_label="same")
    ax_share.set_ylim(bottom=0)
    thresholds = sorted(set(table["threshold"].astype(float)))
    for ax in (ax_share, ax_mult):
        if used is not None:
            ax.axvline(used, color=PALETTE["reference"], ls="--", lw=1)
        # The threshold used is named on its tick, not by a text inside the data area.
        ax.set_xticks(thresholds, [f"{t:g}\nused" if t == used else f"{t:g}" for t in thresholds])
        ax.set_xlabel("Connection threshold (0–100)")
    _legend_outside(ax_share)
    ax_share.set_ylabel("Share of respondents (%), 95% CI")
    ax_mult.set_ylabel(f"{_mathtext_safe(value_label)} multiplier (×), 95% CI\nfully connected ÷ highly satisfied")
    base = table.loc[table["used"] & (table["measure"] == "fully connected"), "n"]
    if title is None and "fully connected" in shares:
        fc = shares["fully connected"]["estimate"].astype(float) * 100
        title = (f"The fully connected share runs from {fc.max():.0f}% to {fc.min():.0f}% as the threshold "
                 f"rises from {thresholds[0]:g} to {thresholds[-1]:g}")
    fit_title(ax_share, _with_n(title or "Segment shares move with the threshold", int(base.iloc[0]) if len(base) else None))
    n_mult = table.loc[table["used"] & (table["measure"] == "multiplier"), "n"]
    mult = (f"The multiplier stays between {d['estimate'].min():.2f}× and {d['estimate'].max():.2f}×" if len(d)
            else "No multiplier could be estimated")
    # One n per chart: the base is stated over the share panel only.
    fit_title(ax_mult, mult + (f" around the {used:g} used" if used is not None and len(d) else ""))
    return ax_share, ax_mult


def motivator_ranking(
    data,
    *,
    outcome_label: str,
    n: int | None = None,
    top: int = 3,
    ax: plt.Axes | None = None,
    title: str | None = None,
) -> plt.Axes:
    """Motivators ranked by their share of the explained variance in an outcome, with intervals.

    Parameters
    ----------
    data : MotivatorRanking or DataFrame
        ``cxlib.motivators.rank``'s result (or a table with ``motivator, rescaled, ci_low, ci_high, rank``).
    outcome_label : str
        The outcome, in words.
    n : int, optional
        Respondents used (default the result's ``n``).
    top : int
        The first ``top`` motivators are highlighted (the estimate colour; the rest muted grey).
    ax : Axes, optional
    title : str, optional
        Defaults to the first motivator and its share (with the model's R² when known); the base n is
        added unless the title states one.

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import advocacy, drivers, motivators, segments, survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> rk = motivators.rank(f, cb, value="annual_spend", n_boot=50)
    >>> ax = motivator_ranking(rk, outcome_label="Annual spend", ax=plt.figure().gca())
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    'Enjoy a sense of well-being is most linked to annual spend: 29% of the explained variation, R² = 0.13 (n=355)'
    """
    ax = ax or plt.gca()
    table = _table_of(data)
    if table.empty:
        raise ValueError("motivator_ranking: no motivator to draw")
    d = table.sort_values("rescaled", ascending=True)
    y = np.arange(len(d))
    colours = [PALETTE["estimate"] if r <= top else PALETTE["muted"] for r in d["rank"]]
    ax.barh(y, d["rescaled"], color=colours, height=0.65)
    if d["ci_low"].notna().any():
        ax.errorbar(d["rescaled"], y, xerr=_error_bars(d["rescaled"], d["ci_low"], d["ci_high"]),
                    fmt="none", ecolor=PALETTE["ink"], capsize=3, lw=1)
    ax.set_yticks(y, [_cap(m) for m in d["motivator"]])
    n = n if n is not None else getattr(data, "n", None)
    r2 = getattr(data, "r2", None)
    has_r2 = r2 is not None and np.isfinite(r2)
    ax.set_xlabel("Share of explained variation (%), with 95% CI" + (f"; model R² = {r2:.2f}" if has_r2 else ""))
    if title is None:
        first = d.iloc[-1]
        title = (f"{_cap(first['motivator'])} is most linked to {outcome_label[:1].lower()}{outcome_label[1:]}: "
                 f"{first['rescaled']:.0f}% of the explained variation" + (f", R² = {r2:.2f}" if has_r2 else ""))
    fit_title(ax, _with_n(title, n))
    return ax


def motivator_profiles(data, *, ax: plt.Axes | None = None, title: str | None = None, n: int | None = None,
                       group_n: dict | None = None) -> plt.Axes:
    """Dot plot of each segment's mean motivator score (0–100) with intervals; the legend sits right of the
    data area (it never covers a dot).

    Parameters
    ----------
    data : Profiles or DataFrame
        ``cxlib.motivators.profiles``' result (or its table: the group column first, then ``motivator, n, mean,
        ci_low, ci_high``).
    ax : Axes, optional
    title : str, optional
        Defaults to the motivator with the widest gap between the first two groups; the base n is added
        unless the title states one.
    n : int, optional
        The base stated in the title (default: each group's largest n, summed).
    group_n : dict, optional
        ``{group: respondents}`` stated in the legend (default: each group's largest n).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import advocacy, drivers, motivators, segments, survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> ax = motivator_profiles(motivators.profiles(f, cb), ax=plt.figure().gca())
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    'Fully connected customers score 23 points above highly satisfied ones on Stand out from the crowd (n=370)'
    >>> layout_problems(ax.figure)
    []
    """
    ax = ax or plt.gca()
    data = _table_of(data)
    key = data.columns[0]
    groups = list(dict.fromkeys(data[key]))
    if key == "segment":
        groups = [s for s in SEGMENTS if s in groups] + [s for s in groups if s not in SEGMENTS]
    if not data["mean"].notna().any():
        raise ValueError("motivator_profiles: no motivator score to draw")
    first = data[(data[key] == groups[0]) & data["mean"].notna()]
    order = first.sort_values("mean")["motivator"].tolist()
    order += [m for m in dict.fromkeys(data["motivator"]) if m not in order]
    ypos = {m: i for i, m in enumerate(order)}
    step = 0.44 / max(len(groups) - 1, 1)
    offsets = {s: 0.22 - i * step for i, s in enumerate(groups)} if len(groups) > 1 else {groups[0]: 0.0}
    drawn = []
    for i, seg in enumerate(groups):
        d = data[(data[key] == seg) & data["mean"].notna()]
        if d.empty:  # a suppressed or empty group: nothing to draw for it
            continue
        drawn.append(seg)
        y = np.array([ypos[m] for m in d["motivator"]]) + offsets[seg]
        k = int(group_n[seg]) if group_n and seg in group_n else int(d["n"].max()) if len(d) else 0
        ax.errorbar(d["mean"], y, xerr=_error_bars(d["mean"], d["ci_low"], d["ci_high"]),
                    fmt="o", color=colour_of(seg, default=GROUP_COLOURS[i % len(GROUP_COLOURS)]), ms=5, capsize=2,
                    lw=1, label=f"{_cap(seg)} (n={k:,})")
    ax.set_yticks(range(len(order)), [_cap(m) for m in order])
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Mean motivator score (0–100), with 95% CI")
    n_all = int(data.groupby(key, observed=True)["n"].max().sum()) if n is None else int(n)
    if title is None:
        if len(drawn) >= 2:
            a, b = (data[(data[key] == g) & data["mean"].notna()].set_index("motivator")["mean"] for g in drawn[:2])
            gap = (a - b).dropna()
            m = gap.abs().idxmax()
            title = (f"{_cap(drawn[0])} customers score {abs(gap[m]):.0f} points {'above' if gap[m] >= 0 else 'below'} "
                     f"{drawn[1]} ones on {_cap(m)}")
        else:
            top = first.sort_values("mean").iloc[-1]
            title = f"{_cap(top['motivator'])} scores highest, at {top['mean']:.0f} of 100"
    fit_title(ax, _with_n(title, n_all))
    _legend_outside(ax)
    return ax


def _place_labels(ax: plt.Axes, texts: list, x, y) -> int:
    """Move ``texts`` (annotations at their points, most wanted first) until no two overlap and none sits on a
    point, with a thin leader line where a label moved away from its point (adjustText, deterministic: its
    only random step is seeded); returns how many names had to be left out because they still overlapped."""
    from adjustText import adjust_text

    if not texts:
        return 0
    fig = ax.figure
    # Lay the figure out first: labels are placed in display space, and a later tight layout that shrinks
    # the axes (e.g. for a legend outside it) would push placed labels back onto each other.
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()
    _, leaders = adjust_text(texts, x=np.asarray(x, float), y=np.asarray(y, float), ax=ax, expand=(1.1, 1.35),
                             force_text=(0.2, 0.4), ensure_inside_axes=True, iter_lim=150, min_arrow_len=6,
                             arrowprops={"arrowstyle": "-", "color": PALETTE["reference"], "lw": 0.5,
                                         "shrinkA": 1, "shrinkB": 2})
    # Where a dense cluster defeats the placement, the later (lower-priority) of two overlapping names is left
    # out, with its leader line: a name drawn over another is read as neither.
    renderer = fig.canvas.get_renderer()
    kept: list = []
    dropped = 0
    for t in texts:
        box = t.get_window_extent(renderer)
        if any(box.overlaps(b) for b in kept):
            t.set_visible(False)
            dropped += 1
            for p in leaders:
                owner = getattr(p, "patchA", None) or getattr(getattr(p, "arrow_patch", None), "patchA", None)
                if owner is t:
                    p.set_visible(False)
        else:
            kept.append(box)
    return dropped


def importance_map(
    data,
    *,
    label: tuple[str, ...] = ("hidden driver", "overrated", "key driver"),
    max_labels: int = 16,
    top: int = 5,
    ax: plt.Axes | None = None,
    title: str | None = None,
) -> plt.Axes:
    """Stated vs derived importance of every element, in four quadrants, with the notable ones named and
    each element's interval drawn.

    Elements whose label the evidence supports (``evidence == "supported"``) are filled dots; *possible*
    ones (estimates in the quadrant, evidence short of the rule's level) are hollow rings, and their names
    are drawn lighter, in italics. Each element's 95% interval of derived importance is a vertical bar in its
    quadrant's colour (and of stated importance a horizontal one, when the table has ``stated_ci_low`` and
    ``stated_ci_high``). The names are placed so that none overlaps another (:func:`_place_labels`); which
    elements are named is said in the legend's title.

    Parameters
    ----------
    data : cxlib.drivers.Importance
        The result of ``cxlib.drivers.importance`` (its cuts draw the dashed lines).
    label : tuple of str
        Quadrants whose elements may be named. Named first are the supported drivers (by derived importance),
        then the ``top`` elements by derived importance, the three supported overrated elements customers
        rate highest, the possible drivers, and the other overrated elements, up to ``max_labels``.
    max_labels : int
        At most this many names, to keep the chart legible.
    top : int
        The ``top`` elements by derived importance are named too, whatever their quadrant.
    ax : Axes, optional
    title : str, optional
        Defaults to the element most linked to connection and the count of key and hidden drivers; the
        base n is added unless the title states one.

    Raises
    ------
    ValueError
        When derived importance was not estimable (nothing to draw).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import drivers
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> imp = drivers.importance(eng.frame(), eng.codebook, n_boot=50)
    >>> ax = importance_map(imp, ax=plt.figure(figsize=(10, 6)).gca())
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    'Personal thank-you at the till is most linked to connection (10.2%); 3 key and 3 hidden drivers (n=370)'
    >>> any("possible" in t.get_text() for t in ax.get_legend().get_texts())
    True
    >>> layout_problems(ax.figure)
    []
    """
    if getattr(data, "reason", None) is not None:
        raise ValueError(f"importance_map: nothing to draw: derived importance is not estimable ({data.reason})")
    table = _table_of(data).reset_index(drop=True)
    ax = ax or plt.gca()
    evidence = table["evidence"] if "evidence" in table else pd.Series("supported", index=table.index)
    possible = (evidence == "possible").to_numpy()
    has_ci = {"ci_low", "ci_high"} <= set(table) and np.isfinite(table["ci_low"].to_numpy(dtype=float)).any()
    has_stated_ci = ({"stated_ci_low", "stated_ci_high"} <= set(table)
                     and np.isfinite(table["stated_ci_low"].to_numpy(dtype=float)).any())
    for quadrant, colour in QUADRANT_COLOURS.items():
        inq = (table["quadrant"] == quadrant).to_numpy()
        if not inq.any():
            continue
        q = table[inq]
        if has_ci or has_stated_ci:
            ax.errorbar(q["stated"], q["derived"],
                        yerr=_error_bars(q["derived"], q["ci_low"], q["ci_high"]) if has_ci else None,
                        xerr=_error_bars(q["stated"], q["stated_ci_low"], q["stated_ci_high"]) if has_stated_ci else None,
                        fmt="none", ecolor=colour, elinewidth=0.8, alpha=0.45, capsize=0, zorder=2)
        d, m = table[inq & ~possible], table[inq & possible]
        text = f"{quadrant.capitalize()} ({len(d)}" + (f"; {len(m)} possible)" if len(m) else ")")
        ax.scatter(d["stated"], d["derived"], s=36, color=colour, label=text, edgecolor=PALETTE["paper"],
                   linewidth=0.5, zorder=3)
        if len(m):
            ax.scatter(m["stated"], m["derived"], s=36, facecolors=PALETTE["paper"], edgecolors=colour, linewidth=1.2,
                       zorder=3)
    if possible.any():
        ax.scatter([], [], s=36, facecolors=PALETTE["paper"], edgecolors=PALETTE["reference"], linewidth=1.2,
                   label="Hollow: possible (evidence short of the level)")
    if has_ci:
        ax.plot([], [], color=PALETTE["reference"], lw=0.8, alpha=0.6, label="Bar: 95% interval")
    d_cut, s_cut = getattr(data, "derived_cut", None), getattr(data, "stated_cut", None)
    if d_cut is not None and np.isfinite(d_cut):
        ax.axhline(d_cut, color=PALETTE["reference"], ls="--", lw=0.8, zorder=1)
    if s_cut is not None and np.isfinite(s_cut):
        ax.axvline(s_cut, color=PALETTE["reference"], ls="--", lw=0.8, zorder=1)
    # Who is named, in this order until max_labels: the supported drivers (by derived importance), the top few
    # by derived importance, the supported overrated elements customers rate highest (by stated importance),
    # the possible drivers, then the other overrated elements.
    drivers_ = [q for q in label if q != "overrated"]
    by_derived = table.sort_values("derived", ascending=False)
    by_stated = table[table["quadrant"] == "overrated"].sort_values("stated", ascending=False) if "overrated" in label else table.iloc[:0]
    steps = [by_derived[by_derived["quadrant"].isin(drivers_) & ~possible[by_derived.index]].index,
             by_derived.index[:top],
             by_stated[~possible[by_stated.index]].index[:3],
             by_derived[by_derived["quadrant"].isin(drivers_) & possible[by_derived.index]].index,
             by_stated[~possible[by_stated.index]].index[3:],
             by_stated[possible[by_stated.index]].index]
    named: list = []
    for step in steps:
        named += [i for i in step if i not in named]
    named = named[:max_labels]
    texts = []
    for i in named:
        r = table.loc[i]
        faint = evidence.loc[i] == "possible"
        style = POSSIBLE_STYLE if faint else SUPPORTED_STYLE
        texts.append(ax.text(r["stated"], r["derived"], _mathtext_safe(r["element"]), fontsize=8, zorder=4,
                             color=QUADRANT_COLOURS.get(r["quadrant"], PALETTE["ink"]), alpha=style["alpha"],
                             style=style["style"], ha="left", va="bottom"))
    ax.set_xlabel("Stated importance (what customers say matters, 0–100)")
    ax.set_ylabel("Derived importance (% of connection explained)")
    n = getattr(data, "n", None)
    if title is None:
        lead = table.loc[table["derived"].astype(float).idxmax()]
        counts = table.loc[~possible, "quadrant"].value_counts()
        title = (f"{_cap(lead['element'])} is most linked to connection ({lead['derived']:.1f}%); "
                 f"{counts.get('key driver', 0)} key and {counts.get('hidden driver', 0)} hidden drivers")
    fit_title(ax, _with_n(title, n))
    def legend_title(k: int) -> str:
        shown = "every element" if k == len(table) else f"{k} of {len(table)} elements"
        return (f"Named: {shown}: the drivers,\nthe top {top} by derived importance,\n"
                "the overrated ones rated highest")

    _legend_outside(ax, title=legend_title(len(named)))
    dropped = _place_labels(ax, texts, table["stated"], table["derived"])
    if dropped:
        ax.get_legend().set_title(legend_title(len(named) - dropped))
    return ax


def rollup(data, *, by: str | None = None, ax: plt.Axes | None = None, title: str | None = None,
           n: int | None = None) -> plt.Axes:
    """Bars of derived importance summed by journey stage or experience dimension, with intervals.

    Parameters
    ----------
    data : cxlib.drivers.Rollup
        The result of ``cxlib.drivers.rollup``.
    by : {"stage", "dimension"}, optional
        The grouping (default: the result's).
    ax : Axes, optional
    title : str, optional
    n : int, optional
        Respondents behind the estimates (default: the result's; shown in the title).

    Raises
    ------
    ValueError
        When there is nothing to draw.

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import drivers
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> imp = drivers.importance(eng.frame(), eng.codebook, n_boot=50)
    >>> ax = rollup(drivers.rollup(imp, by="stage"), ax=plt.figure().gca())
    >>> len(ax.get_yticklabels()) > 0, "n=" in ax.get_title(loc="left")
    (True, True)
    """
    table = _table_of(data)
    by = by or getattr(data, "by", None) or table.columns[0]
    n = n if n is not None else getattr(data, "n", None)
    if table.empty:
        raise ValueError(f"rollup: nothing to draw ({getattr(data, 'reason', None) or 'no groups'})")
    ax = ax or plt.gca()
    d = table.sort_values("derived")
    y = np.arange(len(d))
    ax.barh(y, d["derived"], color=PALETTE["estimate"], height=0.6)
    if d["ci_low"].notna().any():
        ax.errorbar(d["derived"], y, xerr=_error_bars(d["derived"], d["ci_low"], d["ci_high"]),
                    fmt="none", ecolor=PALETTE["ink"], capsize=3, lw=1)
    ax.set_yticks(y, [f"{_cap(v)} ({k} elements)" for v, k in zip(d[by], d["n_elements"])])
    ax.set_xlabel("Share of connection explained (%), with 95% CI")
    if title is None:
        first = d.iloc[-1]
        what = "stage" if by == "stage" else "dimension" if by == "dimension" else str(by).replace("_", " ")
        title = f"{_cap(first[by])} is the {what} most linked to connection ({first['derived']:.0f}% explained)"
    fit_title(ax, _with_n(title, n))
    return ax


def relative_weights(data, *, top: int = 20, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Bars of each predictor's share of the explained variation (``cxlib.drivers.relative_weights`` or
    ``shapley``), largest first, with intervals when there are any.

    Examples
    --------
    >>> import numpy as np, pandas as pd, matplotlib.pyplot as plt
    >>> from cxlib import drivers
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    >>> rw = drivers.relative_weights(X, X["a"] + rng.normal(size=200), n_boot=50)
    >>> len(relative_weights(rw, ax=plt.figure().gca()).patches)
    3
    """
    if getattr(data, "reason", None) is not None:
        raise ValueError(f"relative_weights: nothing to draw: not estimable ({data.reason})")
    table = _table_of(data)
    ax = ax or plt.gca()
    d = table.sort_values("rescaled", ascending=False).head(top).iloc[::-1]
    y = np.arange(len(d))
    ax.barh(y, d["rescaled"], color=PALETTE["estimate"], height=0.6)
    if "ci_low" in d and d["ci_low"].notna().any():
        ax.errorbar(d["rescaled"], y, xerr=_error_bars(d["rescaled"], d["ci_low"], d["ci_high"]),
                    fmt="none", ecolor=PALETTE["ink"], capsize=3, lw=1)
    ax.set_yticks(y, [_mathtext_safe(p) for p in d["predictor"]])
    r2 = getattr(data, "r2", None)
    has_r2 = r2 is not None and np.isfinite(r2)
    ax.set_xlabel("Share of the explained variation (%)" + (", with 95% CI" if "ci_low" in d else "")
                  + (f"; model R² = {r2:.2f}" if has_r2 else ""))
    n = getattr(data, "n", None)
    if title is None:
        first = d.iloc[-1]
        title = (f"{_mathtext_safe(first['predictor'])} explains the most: {first['rescaled']:.0f}% of the explained "
                 "variation" + (f", R² = {r2:.2f}" if has_r2 else ""))
    fit_title(ax, _with_n(title, n))
    return ax


def _survival_groups(data, by):
    """(table, group column or None) from a ``cxlib.survival.KaplanMeier`` result or its table."""
    if hasattr(data, "table") and hasattr(data, "by"):
        return data.table, data.by
    table = data.copy()
    if by is None:
        known = {"time", "survival", "ci_low", "ci_high", "at_risk", "n", "n_effective"}
        extra = [c for c in table.columns if c not in known]
        by = extra[0] if extra else None
    return table, by


def _mathtext_safe(text: str) -> str:
    """A name drawn literally by matplotlib (a ``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def survival_curves(
    data,
    *,
    by: str | None = None,
    min_cell: int = 0,
    horizon: float | None = None,
    ax: plt.Axes | None = None,
    title: str | None = None,
    labels: dict | None = None,
) -> plt.Axes:
    """Kaplan–Meier curves per group with confidence bands and an at-risk table under the axis.

    Works for any grouping: segments get their house colours (and order), other groups (waves, regions, …)
    the Okabe–Ito palette in the order of the table.

    Parameters
    ----------
    data : KaplanMeier or DataFrame
        A ``cxlib.survival.km`` result, or its table (``<by>, time, survival, ci_low, ci_high, at_risk``).
    by : str, optional
        The group column of a table (found automatically when omitted; a result knows its own).
    min_cell : int
        Groups with fewer customers at the start are not drawn (named as suppressed in the legend title).
    horizon : float, optional
        Marks the attrition horizon.
    ax : Axes, optional
    title : str, optional
    labels : dict, optional
        Words for group values in the legend and the at-risk table (default: the value, capitalised).

    Raises
    ------
    ArgumentError
        When nothing would be drawn (no curves, or every group below ``min_cell``).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> curves = survival.km(eng.frame(), duration="tenure_days", event="churned", by="wave")
    >>> ax = survival_curves(curves, horizon=365, ax=plt.figure().gca())
    >>> "n=" in ax.get_title(loc="left"), len(ax.get_lines()) >= 2
    (True, True)
    """
    from .errors import ArgumentError

    table, by = _survival_groups(data, by)
    labels = labels or {}
    ax = ax or plt.gca()
    if by is None:
        table = table.assign(_group="all")
        by, labels = "_group", {"all": "All customers", **labels}
    names = list(dict.fromkeys(table[by].astype(str))) if len(table) else []
    if set(names) <= set(SEGMENTS):
        names = [s for s in SEGMENTS if s in names]
    suppressed, n_total, rows = [], 0, []
    tmax = float(table["time"].max()) if len(table) else 1.0
    step = 90 if tmax <= 720 else 180 if tmax <= 1440 else 365
    ticks = np.arange(0, tmax + 1, step)
    others = iter(GROUP_COLOURS * 2)
    # Two waves are the before and after of the wave comparison and take its colours.
    waves = dict(zip(names, WAVE_COLOURS.values())) if str(by) == "wave" and len(names) == 2 else {}
    curves = {}
    for k, name in enumerate(names):
        d = table[table[by].astype(str) == name]
        if d.empty:
            continue
        label = _mathtext_safe(labels.get(name, str(name)[:1].upper() + str(name)[1:]))
        n0 = int(d["n"].iloc[0]) if "n" in d else int(d["at_risk"].iloc[0])
        if n0 < min_cell:
            suppressed.append(label)
            continue
        n_total += n0
        colour = SEGMENT_COLOURS.get(name) or waves.get(name) or next(others)
        curves[label] = d
        ax.step(d["time"], d["survival"] * 100, where="post", color=colour, lw=2, label=f"{label} (n={n0:,})")
        ax.fill_between(d["time"], d["ci_low"] * 100, d["ci_high"] * 100, step="post", color=colour, alpha=0.15)
        at = [int(d.loc[d["time"] <= t, "at_risk"].iloc[-1]) if (d["time"] <= t).any() else n0 for t in ticks]
        rows.append((label, at))
    if not rows:
        why = (f"every group has fewer than {min_cell} customers ({', '.join(suppressed)})" if suppressed
               else "there are no curves (no customer with a duration and an event)")
        raise ArgumentError(f"plots.survival_curves: nothing to draw: {why}", function="plots.survival_curves",
                            argument="data")
    if horizon:
        ax.axvline(horizon, color="#555", ls="--", lw=0.8)
    ax.set_xlim(0, tmax)
    ax.set_ylim(0, 101)
    ax.set_xticks(ticks)
    ax.set_xlabel("Days since the survey")
    ax.set_ylabel("Customers still active (%), 95% CI")
    if title is None:
        at = float(horizon) if horizon else tmax
        still = {g: float(d.loc[d["time"] <= at, "survival"].iloc[-1]) if (d["time"] <= at).any() else 1.0
                 for g, d in curves.items()}
        hi, lo = max(still, key=still.get), min(still, key=still.get)
        # Segment names read in lower case in a sentence; any other group (a region, a wave) as the data spell it.
        def who(g: str) -> str:
            return g.lower() if g.lower() in SEGMENT_COLOURS else _mathtext_safe(g)

        title = (f"{still[hi] * 100:.0f}% of {who(hi)} customers are still active after {at:,.0f} days"
                 + (f", {still[lo] * 100:.0f}% of {who(lo)} ones" if lo != hi else ""))
    fit_title(ax, _with_n(title, n_total))
    _legend_outside(ax, title=f"Not shown (fewer than {min_cell}):\n{', '.join(suppressed)}" if suppressed else None)
    table_ = ax.table(cellText=[[f"{v:,}" for v in at] for _, at in rows], rowLabels=[r for r, _ in rows],
                      colLabels=[f"{t:g}" for t in ticks], loc="bottom", bbox=[0.0, -0.55, 1.0, 0.3],
                      cellLoc="center", edges="open")
    table_.set_fontsize(8)
    ax.text(0, -0.22, "Customers at risk", transform=ax.transAxes, fontsize=9, fontweight="bold")
    ax.xaxis.labelpad = 2
    return ax


def _times(hr: float) -> str:
    """A hazard ratio in words: "half", "twice", else "0.62 times"."""
    if 0.47 <= hr <= 0.53:
        return "half"
    if 1.9 <= hr <= 2.1:
        return "twice"
    return f"{hr:.2f} times"


def forest(data, *, ax: plt.Axes | None = None, title: str | None = None, n: int | None = None,
           terms: list[str] | None = None) -> plt.Axes:
    """Forest plot of hazard ratios with 95% intervals on a ratio axis that reads in plain numbers
    (:func:`ratio_axis`: "0.5", "1", "2", with the line at 1 labelled "same rate").

    Segment terms are drawn in their segment's colour, other terms in the estimate colour.

    Parameters
    ----------
    data : CoxModel or DataFrame
        A ``cxlib.survival.cox`` result, or a table with ``hazard_ratio, ci_low, ci_high`` and ``label`` (or
        ``covariate``) naming each term (``variable`` and ``level`` name a categorical term's level).
    ax : Axes, optional
    title : str, optional
        Defaults to the term furthest from the same rate, in words with its hazard ratio; the base n is
        added unless the title states one.
    n : int, optional
        Customers in the model (shown in the title; a result knows its own).
    terms : list of str, optional
        Only these model terms (``covariate`` names), e.g. leaving out suppressed segments.

    Raises
    ------
    ArgumentError
        When there is no hazard ratio to draw.

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> m = survival.cox(eng.frame().dropna(subset=["segment"]), duration="tenure_days", event="churned",
    ...                  covariates=["segment"], reference={"segment": "highly satisfied"})
    >>> ax = forest(m, ax=plt.figure().gca())
    >>> ax.get_xscale(), [t.get_text() for t in ax.get_yticklabels()]
    ('log', ['Segment: other', 'Segment: fully connected'])
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['0.25', '0.5', '1\\nsame rate', '2']
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    'Fully connected customers leave at 0.38 times the rate of highly satisfied ones (HR 0.38) (n=370)'
    """
    from .errors import ArgumentError

    reference = {}
    if hasattr(data, "table") and hasattr(data, "hazard_ratio"):
        n = n if n is not None else data.n
        reference = dict(getattr(data, "reference", {}) or {})
        data = data.table
    d = data if terms is None else data[data["covariate"].isin(terms)]
    d = d[np.isfinite(d["hazard_ratio"].astype(float)) & (d["hazard_ratio"].astype(float) > 0)]
    if d.empty:
        raise ArgumentError("plots.forest: there is no hazard ratio to draw", function="plots.forest", argument="data")
    ax = ax or plt.gca()
    d = d.iloc[::-1].reset_index(drop=True)
    names = d["label"] if "label" in d else d["covariate"]
    y = np.arange(len(d))
    for yi, r in d.iterrows():
        seg = r.get("level") if r.get("variable") == "segment" else None
        ax.errorbar([r["hazard_ratio"]], [yi], xerr=_error_bars([r["hazard_ratio"]], [r["ci_low"]], [r["ci_high"]]),
                    fmt="o", color=colour_of(seg) if seg else PALETTE["estimate"], ecolor=PALETTE["ink"], capsize=3, lw=1.2)
    ends = np.r_[d["hazard_ratio"], d["ci_low"], d["ci_high"]].astype(float)
    ends = ends[np.isfinite(ends) & (ends > 0)]
    ratio_axis(ax, float(ends.min()), float(ends.max()), axis="x", reference_label="same rate")
    ax.set_yticks(y, [_mathtext_safe(v) for v in names])
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.set_xlabel("Hazard ratio (log scale): below 1 = leaves less often, 95% CI")
    if title is None:
        r = d.loc[np.abs(np.log(d["hazard_ratio"].astype(float))).idxmax()]
        hr = float(r["hazard_ratio"])
        if "variable" in d and r.get("level") not in (None, "") and pd.notna(r.get("level")):
            who = f"{_cap(r['level'])} customers" if r["variable"] == "segment" else _mathtext_safe(r["label"] if "label" in d else r["covariate"])
            ref = reference.get(r["variable"])
            ref_text = f" of {ref} ones" if ref is not None and r["variable"] == "segment" else f" of {ref}" if ref is not None else ""
            title = f"{who} leave at {_times(hr)} the rate{ref_text} (HR {hr:.2f})"
        else:
            what = _mathtext_safe(r["label"] if "label" in d else r["covariate"])
            title = f"Each unit of {what[:1].lower()}{what[1:]} goes with {_times(hr)} the rate of leaving (HR {hr:.2f})"
    fit_title(ax, _with_n(title, n))
    return ax


#: The unit of each wave-comparison metric's change, and how a proportion is scaled for it.
_WAVE_UNITS = {"connected": ("percentage points", 100.0), "attrition": ("percentage points", 100.0),
               "advocacy": ("percentage points", 100.0), "nps": ("NPS points", 1.0)}


_TREND_LABELS = {"connected": "Fully connected share", "attrition": "Attrition at the horizon",
                 "advocacy": "Promoter share", "nps": "Net Promoter Score", "value": "Mean value",
                 "highly_satisfied": "Highly satisfied share", "multiplier": "Value multiplier"}


def wave_trend(data, *, metric: str, ax: plt.Axes | None = None, title: str | None = None,
               alpha: float = 0.05, label: str | None = None) -> plt.Axes:
    """One metric over a tracker's waves: each wave's estimate with its 95% interval, and the wave-over-wave
    changes that hold once the whole family of changes is allowed for (Holm-adjusted p below ``alpha``)
    drawn as a heavy line with a filled mark on the later wave; the rest thin, with hollow marks.

    Parameters
    ----------
    data : WaveTrack
        ``cxlib.waves.track``'s result.
    metric : str
        One of its metrics (``connected``, ``attrition``, ``advocacy``, ``nps``, ``value``).
    ax : Axes, optional
    title : str, optional
        Default: where the metric went from the first wave to the last and how many changes hold; the base n
        is added.
    alpha : float
        Level for the changes that hold (Holm-adjusted p-values).
    label : str, optional
        What the metric is (default a plain name; give the value's unit, e.g. "Mean annual spend (EUR)").

    Returns
    -------
    Axes

    Raises
    ------
    ArgumentError
        When ``metric`` is not one the tracker measured (close matches suggested).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()
    >>> t = cx.waves.track(eng, metrics=["connected", "nps"])
    >>> ax = wave_trend(t, metric="nps", ax=plt.figure().gca())
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['pre', 'post']
    """
    from . import checks
    from .errors import ArgumentError

    levels = getattr(data, "levels", None)
    if levels is None or not hasattr(data, "holds"):
        raise ArgumentError(f"wave_trend: data must be cxlib.waves.track's result, not a {type(data).__name__}",
                            function="plots.wave_trend", argument="data")
    metric = checks.choice(metric, list(dict.fromkeys(levels["metric"])) or ["connected"], "plots.wave_trend",
                           "metric")
    d = levels[levels["metric"] == metric].reset_index(drop=True)
    ax = ax or plt.gca()
    k = 100.0 if metric in ("connected", "highly_satisfied", "attrition", "advocacy") else 1.0
    x = np.arange(len(d))
    held = data.holds(alpha)
    held = held[(held["metric"] == metric) & (held["comparison"] == "wave_over_wave")]
    into = {str(w) for w in held["to_wave"]}
    colour, muted = WAVE_COLOURS["after"], PALETTE["estimate"]
    y, lo, hi = d["estimate"] * k, d["ci_low"] * k, d["ci_high"] * k
    ax.vlines(x, lo, hi, color=muted, lw=1.4, zorder=2)
    for i in range(1, len(d)):
        strong = str(d.loc[i, "wave"]) in into
        ax.plot(x[i - 1:i + 1], y[i - 1:i + 1], color=colour if strong else muted, lw=2.6 if strong else 1.0, zorder=3)
    for i in range(len(d)):
        strong = str(d.loc[i, "wave"]) in into
        ax.plot([x[i]], [y[i]], "o", ms=7, color=colour if strong else muted,
                mfc=colour if strong else PALETTE["paper"], mew=1.6, zorder=4)
    ax.set_xticks(x, [str(w) for w in d["wave"]])
    name = label or _TREND_LABELS.get(metric, str(metric).replace("_", " ").capitalize())
    unit = "%" if k == 100 else ""
    ax.set_ylabel(name + (" (%)" if unit else ""))
    ax.grid(axis="y", color=PALETTE["muted"], lw=0.5, alpha=0.6)
    if title is None and len(d):
        first, last = y.iloc[0], y.iloc[-1]
        moved = "rose" if last > first else "fell" if last < first else "stayed"
        fmt = (lambda v: f"{v:.0f}%") if unit else (lambda v: f"{v:+.0f}" if metric == "nps" else
                                                     f"{v:.2f}×" if metric == "multiplier" else f"{v:,.1f}")
        total = int((data.table["metric"] == metric).sum())
        title = (f"{name} {moved} from {_minus(fmt(first))} in {d.loc[0, 'wave']} to {_minus(fmt(last))} in "
                 f"{d.loc[len(d) - 1, 'wave']}; {len(held)} of its wave-over-wave changes hold"
                 if len(d) > 2 else f"{name} {moved} from {_minus(fmt(first))} to {_minus(fmt(last))}")
    n = int(d["n"].sum()) if len(d) else 0
    fit_title(ax, f"{title}\n(n={n:,})" if title and "n=" not in title else (title or ""))
    return ax


def cut_gaps(data, *, metric: str, cut: str | None = None, ax: plt.Axes | None = None, title: str | None = None,
             alpha: float = 0.05) -> plt.Axes:
    """Each group of a business cut against the rest of the customers on one metric: the difference with its
    95% interval, a line at 0 (the same as the rest). Groups that lag once every group and measure of the cut
    is allowed for (Holm-adjusted p below ``alpha``, in the worse direction) are drawn filled in the ``lags``
    colour, the rest hollow; groups too small to show are named in the axis label.

    Parameters
    ----------
    data : CutComparison
        ``cxlib.cuts.compare``'s result.
    metric : str
        One of its metrics.
    cut : str, optional
        One of its cuts; default the first. Any grouping column the comparison was made for.
    ax : Axes, optional
    title : str, optional
        Default: which groups lag (or that none does) and the base n.
    alpha : float
        Level for a group that lags (Holm-adjusted p-values).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=0)
    >>> set_theme()
    >>> res = cx.cuts.compare(eng, cuts=["region"], metrics=["nps"])
    >>> ax = cut_gaps(res, metric="nps", ax=plt.figure().gca())
    >>> len(ax.get_yticklabels()) == len(res.table)
    True
    """
    from . import checks
    from .errors import ArgumentError

    if not (hasattr(data, "lagging") and hasattr(data, "cuts")):
        raise ArgumentError(f"cut_gaps: data must be cxlib.cuts.compare's result, not a {type(data).__name__}",
                            function="plots.cut_gaps", argument="data")
    t = data.table
    if t.empty:
        raise ArgumentError("plots.cut_gaps: the comparison has no group to draw (every group suppressed or no "
                            "cut defined)", function="plots.cut_gaps", argument="data")
    cut = checks.choice(cut, list(data.cuts), "plots.cut_gaps", "cut") if cut is not None else str(t["cut"].iloc[0])
    metric = checks.choice(metric, list(dict.fromkeys(t.loc[t["cut"] == cut, "metric"])) or ["connected"],
                           "plots.cut_gaps", "metric")
    d = t[(t["cut"] == cut) & (t["metric"] == metric)].reset_index(drop=True)
    lag = data.lagging(alpha)
    lagging = set(lag.loc[(lag["cut"] == cut) & (lag["metric"] == metric), "group"].astype(str))
    k = 100.0 if metric in ("connected", "highly_satisfied", "attrition", "advocacy") else 1.0
    ax = ax or plt.gca()
    d = d.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(d))
    for i, r in d.iterrows():
        strong = str(r["group"]) in lagging
        colour = PALETTE["lags"] if strong else PALETTE["estimate"]
        ax.errorbar([r["difference"] * k], [i], xerr=_error_bars([r["difference"] * k], [r["difference_ci_low"] * k],
                                                                [r["difference_ci_high"] * k]),
                    fmt="o", ms=7, color=colour, mfc=colour if strong else PALETTE["paper"], mew=1.6,
                    ecolor=PALETTE["ink"], capsize=3, lw=1.2)
    ax.axvline(0, color=PALETTE["reference"], lw=1, ls="--")
    ax.set_yticks(y, [_mathtext_safe(str(g)) for g in d["group"]])  # each group's n is in the table beside it
    ax.set_ylim(-0.6, len(d) - 0.4)
    name = data.label(metric) if hasattr(data, "label") else str(metric)
    unit = " (percentage points)" if k == 100 else " (points)" if metric == "nps" else ""
    small = data.suppressed
    small = small[(small["cut"] == cut) & small["metric"].isin(["all", metric])]
    hidden = f"\nnot shown, fewer than {data.min_cell:,} customers: {', '.join(map(str, small['group']))}" if len(small) else ""
    ax.set_xlabel(f"{name}: group minus the rest of the customers{unit}, 95% CI; dashed line = the same as the rest"
                  + _mathtext_safe(hidden))
    ax.grid(axis="x", color=PALETTE["muted"], lw=0.5, alpha=0.6)
    where = str(cut).replace("_", " ").lower()
    what = name if name[1:2].isupper() else name[:1].lower() + name[1:]  # "NPS" stays, "Promoters" -> "promoters"
    if title is None:
        names = [str(g) for g in d["group"][::-1] if str(g) in lagging]
        title = (f"{', '.join(names)} {'lags' if len(names) == 1 else 'lag'} the rest on {what}" if names else
                 f"No {where} does worse than the rest on {what} beyond chance")
    fit_title(ax, _with_n(_mathtext_safe(title), int(d["n"].sum())))
    return ax


def wave_scorecard(data, *, ax: plt.Axes | None = None, title: str | None = None,
                   alpha: float = 0.05, value_label: str | None = None):
    """Before/after scorecard: each metric's change with its 95% interval, one panel per unit (percentage
    points, NPS points, the value's unit), so that no axis mixes units. Filled marks moved beyond what chance
    alone would give once the measures compared are allowed for (Holm-adjusted p below ``alpha``), hollow ones
    did not; every metric compared is drawn, moved or not.

    Parameters
    ----------
    data : WaveComparison or DataFrame
        ``cxlib.waves.compare_waves``' result (or its table: ``metric, before, after, change, ci_low, ci_high,
        p_adjusted, n_before, n_after``). Shares are plotted in percentage points, NPS in points, value in
        its own unit on its own panel.
    ax : Axes, optional
        The area to draw in: split into one panel per unit (the panels replace it in its figure).
    title : str, optional
        Title over the first panel (default: how many metrics moved, naming the largest move); the base n
        is added unless the title states one.
    alpha : float
        Level for the filled marks (Holm-adjusted p-values).
    value_label : str, optional
        What the value is, with its unit (default: the result's value column, e.g. "Mean annual spend").

    Returns
    -------
    tuple of Axes
        One per unit, top to bottom.

    Raises
    ------
    ValueError
        When there is nothing to draw (no metric was compared).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> card = cx.advocacy.compare_waves(eng)
    >>> axes = wave_scorecard(card, ax=plt.figure(figsize=(9, 5)).gca())
    >>> [a.get_xlabel().split(",")[0] for a in axes]
    ['Change in percentage points', 'Change in NPS points', 'Change in mean annual spend']
    >>> " ".join(axes[0].get_title(loc="left").split())  # titles are wrapped to the axes
    'None of the 5 measures moved between pre and post beyond what chance alone would give (n=380)'
    """
    table = data.table if hasattr(data, "table") and not isinstance(data, pd.DataFrame) else data
    d = table[table["change"].notna()].reset_index(drop=True)
    if d.empty:
        raise ValueError("wave_scorecard: nothing to draw (no metric was compared)")
    if value_label is None:
        value = getattr(data, "value", None)
        value_label = f"mean {str(value).replace('_', ' ')}" if value else "mean value"
    units = {m: _WAVE_UNITS.get(m, (value_label if m == "value" else str(m), 1.0)) for m in d["metric"]}
    panels = list(dict.fromkeys(units[m][0] for m in d["metric"]))
    counts = [sum(units[m][0] == u for m in d["metric"]) for u in panels]
    ratios = [c + 0.8 for c in counts]
    if ax is None:
        fig = plt.figure(figsize=(9, 1.2 + 0.75 * len(d) + 0.6 * len(panels)))
        spec = fig.add_gridspec(len(panels), 1, height_ratios=ratios)
    else:
        fig = ax.figure
        sole = len(fig.axes) == 1 and ax.get_subplotspec() is not None
        # The only axes of its figure: the panels get a top-level grid, which a tight layout spaces; in a
        # larger grid they split the given axes' cell.
        spec = (fig.add_gridspec(len(panels), 1, height_ratios=ratios) if sole else
                ax.get_subplotspec().subgridspec(len(panels), 1, height_ratios=ratios, hspace=1.4))
        ax.remove()
    axes = tuple(fig.add_subplot(spec[i]) for i in range(len(panels)))
    moved = []
    for pax, unit in zip(axes, panels):
        rows = d[[units[m][0] == unit for m in d["metric"]]].iloc[::-1]
        y = np.arange(len(rows))
        labels = []
        for yi, (_, r) in zip(y, rows.iterrows()):
            k = units[r["metric"]][1]
            c, lo, hi = r["change"] * k, r["ci_low"] * k, r["ci_high"] * k
            supported = bool(r["p_adjusted"] < alpha) if pd.notna(r.get("p_adjusted")) else False
            colour = WAVE_COLOURS["after"]
            pax.plot([lo, hi], [yi, yi], color=colour, lw=1.6)
            pax.plot([c], [yi], "o", ms=8, color=colour, mfc=colour if supported else PALETTE["paper"], mew=1.6)
            if supported:
                moved.append((abs(c) / max(abs(hi - lo), 1e-12), r["metric"], c, unit))
            pct = "%" if k == 100.0 else ""
            level = "{:,.0f}" if r["metric"] == "value" and max(abs(r["before"]), abs(r["after"])) >= 100 else "{:.0f}"
            before, after = (_minus(level.format(v * k) + pct) for v in (r["before"], r["after"]))
            name = (value_label[:1].upper() + value_label[1:] if r["metric"] == "value"
                    else METRIC_LABELS.get(r["metric"], str(r["metric"])))
            labels.append(f"{_mathtext_safe(name.replace(' (pts)', '').replace(' (points)', ''))}: {before} → {after}")
        pax.axvline(0, color=PALETTE["reference"], ls="--", lw=0.8, zorder=1)
        pax.set_yticks(y, labels)
        pax.set_ylim(-0.6, len(rows) - 0.4)
        span = float(np.nanmax(np.abs(np.r_[rows["ci_low"], rows["ci_high"]].astype(float)))) * units[rows["metric"].iloc[0]][1]
        pax.set_xlim(-span * 1.15 if span > 0 else -1, span * 1.15 if span > 0 else 1)
        pax.set_xlabel(f"Change in {unit}, after − before, 95% CI")
    n = int((d["n_before"] + d["n_after"]).max())
    if title is None:
        waves = getattr(data, "waves", ())
        between = f" between {waves[0]} and {waves[1]}" if len(waves) == 2 else ""
        if moved:
            _, metric, c, unit = max(moved)
            name = (value_label if metric == "value" else METRIC_LABELS.get(metric, str(metric)))
            name = name.replace(" (pts)", "").replace(" (points)", "")
            title = (f"{len(moved)} of {len(d)} measures moved{between} beyond what chance alone would give; "
                     f"{name[:1].lower()}{name[1:]} "
                     f"{'rose' if c > 0 else 'fell'} {abs(c):.1f} {unit if unit != value_label else ''}".rstrip())
        else:
            title = f"None of the {len(d)} measures moved{between} beyond what chance alone would give"
    fit_title(axes[0], _with_n(title, n))
    axes[-1].set_xlabel(axes[-1].get_xlabel() + "\nFilled: beyond what chance alone would give, allowing for the "
                        f"{len(d)} measures compared (Holm); hollow: within it")
    return axes


def nps_by_segment(data, *, ax: plt.Axes | None = None, title: str | None = None,
                   min_cell: int = 0) -> plt.Axes:
    """Net Promoter Score per segment (or any group) with its 95% interval and n; groups below ``min_cell``
    are left out and said to be.

    Parameters
    ----------
    data : NPSBySegment or DataFrame
        ``cxlib.advocacy.nps_by_segment``' result (or its table: the group column first, then ``n, nps, ci_low,
        ci_high``). Segments keep their colours; other groups are drawn in one colour.
    ax : Axes, optional
    title : str, optional
    min_cell : int
        Suppression threshold.

    Raises
    ------
    ValueError
        When no group can be drawn (all below ``min_cell`` or without answers).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> t = cx.advocacy.nps_by_segment(eng.frame(), column="ltr")
    >>> ax = nps_by_segment(t, min_cell=30, ax=plt.figure().gca())
    >>> "n=" in ax.get_title(loc="left")
    True
    """
    table = data.table if hasattr(data, "table") and not isinstance(data, pd.DataFrame) else data
    key = table.columns[0]
    d = table.set_index(key)
    if key == "segment":
        d = d.reindex([s for s in SEGMENTS if s in d.index] + [s for s in d.index if s not in SEGMENTS])
    shown = d[(d["n"] >= max(min_cell, 1)) & d["nps"].notna()]
    if shown.empty:
        raise ValueError(f"nps_by_segment: nothing to draw (no group has {max(min_cell, 1)} or more answers)")
    ax = ax or plt.gca()
    y = np.arange(len(shown))
    ax.barh(y, shown["nps"], color=[colour_of(s) for s in shown.index], height=0.6)
    ax.errorbar(shown["nps"], y, xerr=_error_bars(shown["nps"], shown["ci_low"], shown["ci_high"]),
                fmt="none", ecolor=PALETTE["ink"], capsize=4, lw=1.2)
    for yi, (seg, r) in zip(y, shown.iterrows()):
        # The value sits beyond the interval's outer end, on the side the bar points to.
        right = r["nps"] >= 0
        x = (max(r["ci_high"], 0) + 3) if right else (min(r["ci_low"], 0) - 3)
        ax.text(x, yi, _minus(f"{r['nps']:+.0f}"), va="center", ha="left" if right else "right", fontsize=10,
                color=PALETTE["ink"])
    ax.set_yticks(y, [_cap(s) for s in shown.index])
    ax.invert_yaxis()
    ax.axvline(0, color=PALETTE["reference"], lw=0.8)
    ax.set_xlim(-100, 100)
    ax.set_xlabel("Net Promoter Score: % promoters (9–10) − % detractors (0–6), with 95% CI")
    hidden = [str(s) for s in d.index if s not in shown.index]
    note = f"; fewer than {min_cell} answers, not shown: {', '.join(hidden)}" if hidden else ""
    if title is None:
        hi, lo = shown["nps"].astype(float).idxmax(), shown["nps"].astype(float).idxmin()
        title = _minus(f"{_cap(hi)} customers give an NPS of {shown.loc[hi, 'nps']:+.0f}"
                       + (f", {lo} ones {shown.loc[lo, 'nps']:+.0f}" if lo != hi else ""))
        title = f"{title} (n={int(shown['n'].sum()):,}{note})"
    fit_title(ax, _with_n(title, int(shown["n"].sum())))
    return ax


def word_frequency(data, *, ax: plt.Axes | None = None, title: str | None = None, top: int = 5) -> plt.Axes:
    """The terms used most in each group's comments: share of the group's comments using each, with n once.

    Parameters
    ----------
    data : WordFrequency or DataFrame
        ``cxlib.verbatims.word_frequency``' result (or its table: group column first, then ``term, comments,
        share, n_comments``).
    top : int
        Terms per group drawn.
    title : str, optional
        Default: the finding of the largest group ("“queues” is the term other customers use most (20% of
        their comments)") with the base n.

    Raises
    ------
    ValueError
        When there is nothing to draw (no group had enough comments).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cxlib.verbatims import word_frequency as wf
    >>> f = pd.DataFrame({"segment": ["other"] * 3, "comment": ["Queues too long", "long queues", "fine"]})
    >>> set_theme()
    >>> ax = word_frequency(wf(f, text="comment", min_cell=1), ax=plt.figure().gca())
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    '“long” is the term other customers use most (67% of their comments; n=3 comments)'
    """
    table = _table_of(data)
    if table.empty:
        raise ValueError("word_frequency: nothing to draw (no group had enough comments)")
    key = table.columns[0]
    d = table.groupby(key, sort=False, observed=True).head(top).reset_index(drop=True)
    ax = ax or plt.gca()
    y = np.arange(len(d))
    ax.barh(y, d["share"] * 100, color=[colour_of(g) for g in d[key]], height=0.7)
    ax.set_yticks(y, [_mathtext_safe(f"{_cap(g)}: {t}") for g, t in zip(d[key], d["term"])])
    ax.invert_yaxis()
    ax.set_xlabel("Share of the group's comments using the term (%)")
    firsts = d.drop_duplicates(key)
    n = int(firsts["n_comments"].sum())
    lead = firsts.sort_values("n_comments", ascending=False, kind="stable").iloc[0]
    finding = (f"“{lead['term']}” is the term {lead[key]} customers use most ({lead['share'] * 100:.0f}% of their "
               f"comments; n={n:,} comments)")
    if title:  # the caller's layout (a finding, then its base on a line of its own)
        ax.set_title(_mathtext_safe(title))
    else:
        fit_title(ax, _mathtext_safe(finding))
    return ax


def themes(data, *, ax: plt.Axes | None = None, title: str | None = None, top: int = 8) -> plt.Axes:
    """The themes of the comments: the share of each group's comments raising each theme, one bar per group in
    its colour, the legend outside the data, the base n once in the title.

    Parameters
    ----------
    data : Themes or DataFrame
        ``cxlib.verbatims.themes``' result (or its table: ``theme, label, <by>, comments, share, n_comments``,
        the group column fifth).
    top : int
        Themes drawn: each group's first theme, then those of most comments over all groups.
    title : str, optional
        Default: the finding of the largest group ("Queues, long is the theme other customers raise most (31% of
        their comments)") with the base n.

    Raises
    ------
    ValueError
        When there is nothing to draw (no group had enough comments, or no comment fits a theme).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cxlib.verbatims import themes as th
    >>> f = pd.DataFrame({"segment": ["other"] * 40, "comment": ["The app keeps crashing"] * 30 + ["Queues are too long"] * 10})
    >>> set_theme()
    >>> ax = themes(th(f, text="comment", n_themes=2), ax=plt.figure().gca())
    >>> " ".join(ax.get_title(loc="left").split())  # titles are wrapped to the axes
    '“App, crashing” is the theme other customers raise most (75% of their comments; n=40 comments)'
    """
    table = _table_of(data)
    key = table.columns[4]
    d = table[table["theme"] > 0]
    if d.empty or not d["comments"].sum():
        raise ValueError("themes: nothing to draw (no group had enough comments, or no comment fits a theme)")
    totals = d.groupby("theme")["comments"].sum().sort_values(ascending=False, kind="stable")
    # Each group's own first theme is drawn, then the themes of most comments overall, up to ``top``.
    firsts = {sub.sort_values(["comments", "theme"], ascending=[False, True], kind="stable")["theme"].iloc[0]
              for _, sub in d.groupby(d.columns[4], sort=False, observed=True) if sub["comments"].sum()}
    chosen = [t for t in totals.index if t in firsts] + [t for t in totals.index if t not in firsts]
    chosen = set(chosen[:max(top, len(firsts))])
    keep = [t for t in totals.index if t in chosen and totals[t] > 0]
    d = d[d["theme"].isin(keep)]
    groups = list(pd.unique(d[key]))
    ax = ax or plt.gca()
    height = 0.8 / len(groups)
    labels = d.drop_duplicates("theme").set_index("theme")["label"]
    for i, g in enumerate(groups):
        sub = d[d[key] == g].set_index("theme").reindex(keep)
        y = np.arange(len(keep)) + (i - (len(groups) - 1) / 2) * height
        colour = colour_of(g, default=GROUP_COLOURS[i % len(GROUP_COLOURS)])
        ax.barh(y, sub["share"].to_numpy() * 100, height=height * 0.92, color=colour, label=_cap(g))
    ax.set_yticks(np.arange(len(keep)), [_cap(labels[t]) for t in keep])
    ax.invert_yaxis()
    ax.set_xlabel("Share of the group's comments raising the theme (%)")
    firsts = d.drop_duplicates(key)
    n = int(firsts["n_comments"].sum())
    lead_group = firsts.sort_values("n_comments", ascending=False, kind="stable").iloc[0][key]
    lead = d[d[key] == lead_group].sort_values(["comments", "theme"], ascending=[False, True], kind="stable").iloc[0]
    finding = (f"“{_cap(lead['label'])}” is the theme {lead_group} customers raise most ({lead['share'] * 100:.0f}% "
               f"of their comments; n={n:,} comments)")
    if len(groups) > 1:
        _legend_outside(ax)
    if title:  # the caller's layout (a finding, then its base on a line of its own)
        ax.set_title(_mathtext_safe(title))
    else:
        fit_title(ax, _mathtext_safe(finding))
    return ax


def estimates(data: pd.DataFrame, *, label: str, xlabel: str, title: str | None = None, scale: float = 1.0,
              fmt: str | Callable[[float], str] = "{:.2f}", colour: str | None = None, colour_by: str | None = None,
              reference: float | None = None, n: int | None = None, ratio: bool | None = None,
              ax: plt.Axes | None = None) -> plt.Axes:
    """Horizontal bars of estimates with their 95% intervals, one per row, each labelled with its value; the
    base n is stated once, in the title.

    The generic chart of the executive summary: any rows of ``label, estimate, ci_low, ci_high`` (+ ``n``).

    Parameters
    ----------
    data : DataFrame
        ``label`` column plus ``estimate, ci_low, ci_high`` and, optionally, ``n``.
    label : str
        Column naming each bar.
    xlabel : str
        Axis label (with the unit).
    title : str, optional
        Should state the finding (default: the largest estimate, with its value). The base n is added
        unless the title states one: ``n`` when given, else the rows' n when they share one, else their sum
        (rows that are groups of one base).
    scale : float
        Multiplier for display (100 for shares shown as percentages).
    fmt : str or callable
        Format of the value printed beside each bar (after scaling), or a function of the value returning
        its text (e.g. rounding to significant figures).
    colour : str, optional
        One colour for all bars (default: the estimate colour, ``PALETTE["estimate"]``).
    colour_by : str, optional
        Column whose values are segment or quadrant names, coloured as everywhere else.
    reference : float, optional
        Draw a dashed line at this value (e.g. 1 for a multiplier).
    n : int, optional
        The base stated in the title.
    ratio : bool, optional
        Draw the estimates as ratios (hazard ratios, multipliers): dots with intervals on a ratio axis
        (:func:`ratio_axis`) instead of bars from 0. Default: when ``reference`` is 1 and every figure is
        positive.
    ax : Axes, optional

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> hr = pd.DataFrame({"label": ["90 days", "180 days"], "estimate": [0.8, 0.7], "ci_low": [0.7, 0.6], "ci_high": [0.9, 0.8]})
    >>> ax = estimates(hr, label="label", xlabel="Hazard ratio per rating point", reference=1.0, ax=plt.figure().gca())
    >>> ax.get_xscale(), "1\\nsame rate" in [t.get_text() for t in ax.get_xticklabels()]
    ('log', True)
    >>> d = pd.DataFrame({"label": ["Fully connected", "Other"], "estimate": [0.2, 0.5], "ci_low": [0.17, 0.46], "ci_high": [0.23, 0.54], "n": [300, 700]})
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> ax = estimates(d, label="label", scale=100, fmt="{:.0f}%", xlabel="Share (%)", colour_by="label", ax=plt.figure().gca())
    >>> [t.get_text() for t in ax.texts], " ".join(ax.get_title(loc="left").split())
    (['20%', '50%'], 'Other is highest, at 50% (n=1,000)')
    """
    from .errors import ArgumentError

    missing = [c for c in (label, "estimate", "ci_low", "ci_high") if c not in data.columns]
    if missing:
        raise ArgumentError(f"plots.estimates: data has no column {missing[0]!r} (columns: {', '.join(map(str, data.columns))})",
                            function="plots.estimates", argument="data")
    ax = ax or plt.gca()
    d = data.reset_index(drop=True)
    y = np.arange(len(d))
    est, lo, hi = d["estimate"] * scale, d["ci_low"] * scale, d["ci_high"] * scale
    colours = ([colour_of(v) for v in d[colour_by]] if colour_by else [colour or PALETTE["estimate"]] * len(d))
    figures = np.r_[est, lo, hi].astype(float)
    figures = figures[np.isfinite(figures)]
    if ratio is None:
        ratio = reference == 1 and len(figures) > 0 and bool((figures > 0).all())
    if ratio:
        for yi, e, l, h, c in zip(y, est, lo, hi, colours):
            ax.errorbar([e], [yi], xerr=_error_bars([e], [l], [h]), fmt="o", color=c, ecolor=PALETTE["ink"], capsize=3,
                        lw=1.2)
            ax.annotate(_minus(fmt.format(e)), (h if np.isfinite(h) else e, yi), xytext=(5, 0), textcoords="offset points",
                        va="center", fontsize=10, color=PALETTE["ink"])
        ratio_axis(ax, float(figures.min()) / 1.1, float(figures.max()) * 1.25, axis="x")
        ax.set_yticks(y, [_mathtext_safe(v) for v in d[label]])
        ax.set_ylim(len(d) - 0.4, -0.6)
        ax.set_xlabel(xlabel)
        if n is None and "n" in d.columns and d["n"].notna().any():
            ns = d["n"].dropna().astype(int)
            n = int(ns.iloc[0]) if ns.nunique() == 1 else int(ns.sum())
        if title is None:
            i = int(np.nanargmax(np.abs(np.log(est.to_numpy(float)))))
            title = f"{_mathtext_safe(d.loc[i, label])} is furthest from the same rate, at {_minus(fmt.format(est.iloc[i]))}"
        fit_title(ax, _with_n(title, n))
        return ax
    ax.barh(y, est, color=colours, height=0.6)
    ax.errorbar(est, y, xerr=_error_bars(est, lo, hi), fmt="none", ecolor=PALETTE["ink"], capsize=4, lw=1.2)
    span = float(np.nanmax(np.abs(np.r_[hi, lo]))) if len(d) else 1.0
    for yi, (e, l, h) in enumerate(zip(est, lo, hi)):
        # The value sits beyond the interval's outer end, on the side the bar points to.
        right = not (e < 0)
        x = (max(h, 0) if right else min(l, 0)) + (0.02 if right else -0.02) * span
        ax.text(x, yi, _minus(fmt(e) if callable(fmt) else fmt.format(e)), va="center",
                ha="left" if right else "right", fontsize=10,
                color=PALETTE["ink"])
    ax.set_yticks(y, [_mathtext_safe(v) for v in d[label]])
    ax.invert_yaxis()
    if reference is not None:
        ax.axvline(reference, color=PALETTE["reference"], ls="--", lw=0.8, zorder=1)
    low = float(np.nanmin(lo)) if len(d) else 0.0
    ax.set_xlim(min(0.0, low - 0.35 * span) if low < 0 else 0.0, span * 1.35)
    if span >= 1e4:  # money totals: plain thousands separators, not an offset such as "1e6"
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: _minus(f"{v:,.0f}")))
    ax.set_xlabel(xlabel)
    if n is None and "n" in d.columns and d["n"].notna().any():
        ns = d["n"].dropna().astype(int)
        n = int(ns.iloc[0]) if ns.nunique() == 1 else int(ns.sum())
    if title is None:
        i = int(np.nanargmax(est.to_numpy(float)))
        best = fmt(est.iloc[i]) if callable(fmt) else fmt.format(est.iloc[i])
        title = f"{_mathtext_safe(d.loc[i, label])} is highest, at {_minus(best)}"
    fit_title(ax, _with_n(title, n))
    return ax


# -- House-style checks ---------------------------------------------------------------------------------------
# Public so that a researcher (and tests/chartlint.py) can check a finished figure against the house style.

def _renderer(fig):
    """A renderer for ``fig`` after a full draw (a figure closed in pyplot gets an Agg canvas)."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def text_artists(fig) -> list:
    """Every visible, non-empty text box of ``fig`` that a reader reads: titles, axis labels, tick labels
    inside the view, texts and annotations, legend entries and titles, table cells, figure texts.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("Spend rises 12%"); _ = ax.set_xticks([])
    >>> _ = ax.set_yticks([]); [t.get_text() for t in text_artists(fig)]
    ['Spend rises 12%']
    """
    from matplotlib.text import Text

    out: list = []

    def add(t) -> None:
        if isinstance(t, Text) and t.get_visible() and t.get_text().strip() and t not in out:
            out.append(t)

    for t in fig.texts:
        add(t)
    add(getattr(fig, "_suptitle", None))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for t in (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label):
            add(t)
        for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted(lim)
            tol = 1e-9 * abs(hi - lo)
            for tick in axis.get_major_ticks():
                if lo - tol <= tick.get_loc() <= hi + tol:
                    add(tick.label1)
                    add(tick.label2)
        for t in ax.texts:
            add(t)
        legends = [ax.get_legend()] if ax.get_legend() is not None else []
        for legend in legends:
            if legend.get_visible():
                for t in legend.get_texts():
                    add(t)
                add(legend.get_title())
        for table in ax.tables:
            for cell in table.get_celld().values():
                add(cell.get_text())
    for legend in fig.legends:
        for t in legend.get_texts():
            add(t)
    return out


def _boxes_overlap(a, b, tol: float = 1.0) -> bool:
    """Whether two display boxes overlap by more than ``tol`` pixels both ways."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


def text_overlaps(fig, *, renderer=None) -> list[tuple]:
    """Pairs of text boxes of ``fig`` that overlap (window extents after a draw), as ``(text, text)``.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.text(0.5, 0.5, "Staff remember me"); _ = ax.text(0.5, 0.5, "Handwritten note")
    >>> [(a.get_text(), b.get_text()) for a, b in text_overlaps(fig)]
    [('Staff remember me', 'Handwritten note')]
    """
    renderer = renderer or _renderer(fig)
    boxes = []
    for t in text_artists(fig):
        try:
            boxes.append((t, t.get_window_extent(renderer)))
        except (RuntimeError, ValueError):  # a text that cannot be laid out is not drawn
            continue
    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1:] if _boxes_overlap(ba, bb)]


def _in_data(artist, ax) -> bool:
    """Whether ``artist`` is placed in ``ax``'s data coordinates (reference lines across the axes are not)."""
    try:
        if artist.get_transform() == ax.transData:
            return True
        # A bar (Rectangle) composes its own patch transform with the data transform: compare that part.
        data = getattr(artist, "get_data_transform", None)
        if data is not None and data() == ax.transData:
            return True
    except AttributeError:
        return False
    offsets = getattr(artist, "get_offset_transform", None)
    return offsets is not None and offsets() == ax.transData


def _data_boxes(ax, renderer) -> list[tuple]:
    """(artist, display box or point array) of the data drawn on ``ax``: bars, lines, markers, error bars,
    interval bands and scatter points."""
    from matplotlib.collections import PathCollection

    out = []
    for line in ax.lines:
        if line.get_visible() and _in_data(line, ax) and len(line.get_xydata()):
            xy = line.get_xydata()
            out.append((line, ax.transData.transform(xy[np.isfinite(xy).all(axis=1)])))
    for patch in ax.patches:
        if patch.get_visible() and _in_data(patch, ax):
            out.append((patch, patch.get_window_extent(renderer)))
    for coll in ax.collections:
        if not coll.get_visible() or not _in_data(coll, ax):
            continue
        if isinstance(coll, PathCollection) and len(coll.get_offsets()):
            offsets = np.asarray(coll.get_offsets(), dtype=float)
            out.append((coll, coll.get_offset_transform().transform(offsets[np.isfinite(offsets).all(axis=1)])))
        else:
            for path in coll.get_paths():
                out.append((coll, coll.get_transform().transform_path(path)))
    return out


def legend_overlaps(fig, *, renderer=None) -> list[tuple]:
    """``(legend, artist)`` for every data artist (bar, line, marker, error bar, band) a legend covers.

    Lines are tested along their drawn segments and markers as points, against the legend's box in display
    coordinates; a legend outside the axes covers nothing.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1, 2], [1, 1, 0], "o-", label="Fully connected")
    >>> _ = ax.legend(loc="upper left")
    >>> len(legend_overlaps(fig)) > 0  # the line runs under the legend
    True
    >>> _ = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    >>> legend_overlaps(fig)
    []
    """
    from matplotlib.path import Path as MplPath

    renderer = renderer or _renderer(fig)
    hits = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        for artist, shape in _data_boxes(ax, renderer):
            if isinstance(shape, np.ndarray):
                covered = len(shape) and (box.count_contains(shape) > 0 or (
                    getattr(artist, "get_linestyle", lambda: "None")() not in ("None", "none", "", " ")
                    and len(shape) > 1 and MplPath(shape).intersects_bbox(box, filled=False)))
            elif isinstance(shape, MplPath):
                filled = len(artist.get_facecolors()) and (np.asarray(artist.get_facecolors())[:, 3] > 0).any()
                covered = shape.intersects_bbox(box, filled=bool(filled))
            else:
                covered = _boxes_overlap(shape, box, tol=0.5)
            if covered:
                hits.append((legend, artist))
    return hits


_PLAIN_NUMBER = re.compile(r"^[−-]?\d+(\.\d+)?(%|×)?((\n| = ).*)?$", re.DOTALL)


def drawn_colours(fig) -> set[str]:
    """Every colour drawn by bars, lines, markers, collections and texts of ``fig`` (``#rrggbb``, lower case;
    fully transparent ones left out).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar([0, 1], [1, 2], color=SEGMENT_COLOURS["fully connected"])
    >>> SEGMENT_COLOURS["fully connected"].lower() in drawn_colours(fig)
    True
    """
    from matplotlib.colors import to_hex, to_rgba_array
    from matplotlib.markers import MarkerStyle

    out: set[str] = set()

    def add(colours) -> None:
        try:
            arr = to_rgba_array(colours)
        except (ValueError, TypeError):
            return
        out.update(to_hex(c[:3]).lower() for c in arr if c[3] > 0)

    for ax in fig.axes:
        for patch in ax.patches:
            if patch.get_visible():
                add(patch.get_facecolor())
                if patch.get_linewidth() > 0:
                    add(patch.get_edgecolor())
        for line in ax.lines:
            if line.get_visible():
                if line.get_linestyle() not in ("None", "none", "", " "):
                    add(line.get_color())
                if line.get_marker() not in (None, "None", "none", "", " "):
                    # An unfilled marker (an error bar's cap "|") draws no face, whatever its face colour.
                    filled = MarkerStyle(line.get_marker()).is_filled()
                    add([line.get_markerfacecolor(), line.get_markeredgecolor()] if filled else line.get_markeredgecolor())
        for coll in ax.collections:
            if coll.get_visible():
                add(coll.get_facecolors())
                if np.size(coll.get_linewidths()) and np.max(coll.get_linewidths()) > 0:
                    add(coll.get_edgecolors())
        for t in ax.texts:
            if t.get_visible() and t.get_text().strip():
                add(t.get_color())
    return out


def layout_problems(fig) -> list[str]:
    """What breaks the house chart style in a finished figure, one plain sentence each (empty: none).

    Checks: no two text boxes overlap; no text of one panel reaches into another panel; no legend covers
    data; every colour drawn is a house colour
    (:func:`house_colours`); every log axis is labelled with plain numbers ("0.5", "2", never "10⁰" or
    "6×10⁻¹"). Titles are not judged here (``tests/chartlint.py`` does that with the text checks).

    Parameters
    ----------
    fig : matplotlib Figure, Axes or Chart

    Returns
    -------
    list of str

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar([0], [1], color="#ff0000"); _ = ax.set_title("Spend rose 12%")
    >>> layout_problems(fig)
    ['colour #ff0000 is not a house colour (plots.house_colours())']
    """
    fig = getattr(fig, "figure", fig)
    if hasattr(fig, "get_figure") and not hasattr(fig, "canvas"):
        fig = fig.get_figure()
    renderer = _renderer(fig)  # one draw for both checks
    out = [f"text boxes overlap: {_short(a.get_text())!r} and {_short(b.get_text())!r}"
           for a, b in text_overlaps(fig, renderer=renderer)]
    covered: dict = {}
    for legend, artist in legend_overlaps(fig, renderer=renderer):
        covered.setdefault(id(legend), (legend, []))[1].append(type(artist).__name__)
    for legend, kinds in covered.values():
        out.append(f"the legend covers data ({', '.join(sorted(set(kinds)))}) in "
                   f"{_short(legend.axes.get_title(loc='left') or legend.axes.get_title())!r}")
    # A text of one panel (a label, a tick, a legend outside its axes) that reaches into another panel.
    panels = [(ax, ax.get_window_extent(renderer)) for ax in fig.axes if ax.get_visible()]
    for t in text_artists(fig):
        owner = getattr(t, "axes", None)
        try:
            box = t.get_window_extent(renderer)
        except (RuntimeError, ValueError):
            continue
        for ax, area in panels:
            if ax is not owner and _boxes_overlap(box, area, tol=2.0):
                out.append(f"text {_short(t.get_text())!r} reaches into the panel "
                           f"{_short(ax.get_title(loc='left') or ax.get_title() or ax.get_xlabel())!r}")
    house = house_colours()
    out += [f"colour {c} is not a house colour (plots.house_colours())" for c in sorted(drawn_colours(fig) - house)]
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if axis.get_scale() != "log":
                continue
            bad = [t.get_text() for t in axis.get_ticklabels(which="both")
                   if t.get_visible() and t.get_text().strip() and not _PLAIN_NUMBER.match(t.get_text().strip())]
            if bad:
                out.append(f"the log {name} axis has tick labels that are not plain numbers: {bad[:4]}")
    return out


def _short(text: str, k: int = 50) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= k else flat[: k - 1] + "…"


class Chart:
    """A finished figure with the words a reader without the image needs: its alt text.

    What a report's chart method returns. A notebook shows it as a PNG whose output metadata carries the
    alt text (``{"image/png": {"alt": ...}}``), which the report template writes into the ``<img alt>``;
    the deck and the PDF reuse :attr:`figure` and :attr:`alt`. The figure is closed in pyplot, so the
    notebook shows it once, as the cell's value.

    Parameters
    ----------
    figure : matplotlib Figure
    alt : str
        What the chart shows, in a sentence or two: the finding and its figures, not "a bar chart".

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> c = Chart(fig, alt="Fully connected customers spend 1.9 times as much (n=3,002).")
    >>> data, meta = c._repr_mimebundle_()
    >>> sorted(data), meta["image/png"]["alt"][:15]
    (['image/png', 'text/plain'], 'Fully connected')
    """

    __slots__ = ("figure", "alt")

    def __init__(self, figure, *, alt: str) -> None:
        from .errors import ArgumentError

        if not isinstance(alt, str) or not alt.strip():
            raise ArgumentError("plots.Chart: alt must be a sentence saying what the chart shows",
                                function="plots.Chart", argument="alt")
        object.__setattr__(self, "figure", figure)
        object.__setattr__(self, "alt", " ".join(alt.split()))
        plt.close(figure)

    def __setattr__(self, name, value) -> None:  # frozen, like the result objects
        raise AttributeError(f"Chart.{name} cannot be changed")

    @property
    def axes(self) -> list:
        return list(self.figure.axes)

    def png(self, *, dpi: int = 100) -> bytes:
        """The chart as PNG bytes (``dpi`` 200 or more for print and slides)."""
        import io

        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()

    def savefig(self, *args, **kwargs):
        return self.figure.savefig(*args, **kwargs)

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        data = {"image/png": base64.b64encode(self.png()).decode("ascii"), "text/plain": f"<Chart: {self.alt}>"}
        return data, {"image/png": {"alt": self.alt}}

    def __repr__(self) -> str:
        return f"Chart({self.alt!r})"


def chart(figure, *, alt: str, tight: bool = True) -> Chart:
    """Finish ``figure`` for a report (tight layout unless ``tight=False``) and wrap it with its alt text.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> c = chart(fig, alt="23% of customers are fully connected (95% CI 22%–24%; n=5,621).")
    >>> c.alt.startswith("23%"), c.figure is fig
    (True, True)
    """
    if tight:
        figure.tight_layout()
    return Chart(figure, alt=alt)
