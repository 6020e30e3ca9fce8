"""Figures for the reports, in one house style (seaborn-based).

Every function takes data plus keyword-only options and ``ax=None``, draws on ``ax or plt.gca()`` and
returns the Axes. Titles state the finding or the question, axes are labelled, n is given, intervals
are drawn. Segment colours are colour-blind safe (Okabe–Ito) and identical in every report.
"""
from __future__ import annotations

import logging
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .segments import SEGMENTS

__all__ = ["SEGMENT_COLOURS", "set_theme", "segment_shares", "index_distribution", "value_by_segment", "threshold_sensitivity",
           "motivator_ranking", "motivator_profiles", "QUADRANT_COLOURS", "importance_map", "rollup", "relative_weights",
           "survival_curves", "forest", "GROUP_COLOURS", "wave_scorecard", "nps_by_segment", "word_frequency", "METRIC_LABELS", "estimates",
           "Chart", "chart"]

#: Plain names of the wave-comparison metrics.
METRIC_LABELS: dict[str, str] = {
    "connected": "Fully connected share (pts)",
    "attrition": "Attrition at horizon (pts)",
    "advocacy": "Promoters, 9–10 (pts)",
    "nps": "Net Promoter Score (points)",
    "value": "Mean value",
}

#: Quadrant colours (Okabe–Ito): key driver blue, hidden driver vermillion, overrated orange, secondary grey.
QUADRANT_COLOURS: dict[str, str] = {
    "key driver": "#0072B2",
    "hidden driver": "#D55E00",
    "overrated": "#E69F00",
    "secondary": "#BBBBBB",
}

#: Okabe–Ito colours: blue, orange, grey — distinguishable with the common colour-vision deficiencies.
SEGMENT_COLOURS: dict[str, str] = {
    "fully connected": "#0072B2",
    "highly satisfied": "#E69F00",
    "other": "#999999",
}


def _error_bars(estimate, low, high) -> np.ndarray:
    """Arms for ``errorbar(xerr=...)``. A bootstrap percentile interval can sit wholly to one side of its
    point estimate (a skewed bootstrap, e.g. a relative weight near zero): that arm is drawn with length 0
    rather than failing, so the interval shown is still the interval computed."""
    est, lo, hi = (np.asarray(v, dtype=float) for v in (estimate, low, high))
    return np.vstack([np.clip(est - lo, 0, None), np.clip(hi - est, 0, None)])


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
    })


def _table_of(data):
    """A result object's table (``.table``), or the DataFrame given."""
    return data.table if hasattr(data, "table") and not isinstance(data, pd.DataFrame) else data


def segment_shares(data, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Horizontal bars of segment (or any group's) shares with their confidence intervals and n.

    Parameters
    ----------
    data : Shares or DataFrame
        ``cxlib.segments.shares``' result (or its table: the group column first, then ``n, share, ci_low,
        ci_high``). Segments keep their colours; other groups are drawn in one colour.
    ax : Axes, optional
    title : str, optional
        Defaults to a sentence naming the fully connected share and the base n.

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import advocacy, drivers, motivators, segments, survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> ax = segment_shares(segments.shares(f), ax=plt.figure().gca())
    >>> ax.get_title(loc="left")
    '22% of customers are fully connected (n=370)'
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
    colours = [SEGMENT_COLOURS.get(str(s), SEGMENT_COLOURS["fully connected"]) for s in d.index]
    ax.barh(y, d["share"] * 100, color=colours, height=0.6)
    ax.errorbar(d["share"] * 100, y, xerr=_error_bars(d["share"] * 100, d["ci_low"] * 100, d["ci_high"] * 100),
                fmt="none", ecolor="#222", capsize=4, lw=1.2)
    for yi, (seg, row) in zip(y, d.iterrows()):
        ax.text(row["ci_high"] * 100 + 1, yi, f"{row['share'] * 100:.0f}%  (n={int(row['n']):,})", va="center", fontsize=10)
    ax.set_yticks(y, [_mathtext_safe(str(s)[:1].upper() + str(s)[1:]) for s in d.index])
    ax.invert_yaxis()
    ax.set_xlim(0, max(100, float(d["ci_high"].max() * 100 + 25)))
    ax.set_xlabel("Share of respondents (%), with 95% confidence interval")
    ax.set_ylabel("")
    n_total = int(table["n"].sum())
    if title is None and "fully connected" in d.index:
        title = f"{d.loc['fully connected', 'share'] * 100:.0f}% of customers are fully connected (n={n_total:,})"
    ax.set_title(title or f"Customers by {str(key).replace('_', ' ')} (n={n_total:,})")
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
    """
    ax = ax or plt.gca()
    values = frame[column].dropna()
    bins = np.linspace(0, 100, 26)
    ax.hist(values[values < threshold], bins=bins, color=SEGMENT_COLOURS["other"], label="below threshold")
    ax.hist(values[values >= threshold], bins=bins, color=SEGMENT_COLOURS["fully connected"], label="fully connected")
    ax.axvline(threshold, color="#222", ls="--", lw=1)
    ax.text(threshold + 1, ax.get_ylim()[1] * 0.95, f"threshold {threshold:g}", va="top", fontsize=10)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Connection index (0 = no emotional connection, 100 = strongest)")
    ax.set_ylabel("Respondents")
    ax.set_title(title or f"How strongly customers are connected (n={len(values):,})")
    ax.legend(loc="upper left", frameon=False)
    return ax


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
    """Bars of mean value (or rate) per segment (or group) with confidence intervals and n.

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
        The title (default "<label> by segment"); the base n is added to it.
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
    >>> ax.get_title(loc="left")
    'Annual spend by segment (n=370)'
    """
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
    for xi, (seg, row) in zip(x, d.iterrows()):
        if row["n"] < max(min_cell, 1) or not np.isfinite(row["mean"]):
            ax.text(xi, 0, f"suppressed\n(n<{min_cell})" if row["n"] < min_cell else "no data",
                    ha="center", va="bottom", fontsize=9, color="#555")
            continue
        ax.bar(xi, row["mean"] * scale, color=SEGMENT_COLOURS.get(str(seg), SEGMENT_COLOURS["fully connected"]), width=0.6)
        if np.isfinite(row["ci_low"]):
            ax.errorbar(xi, row["mean"] * scale, yerr=[[(row["mean"] - row["ci_low"]) * scale],
                                                       [(row["ci_high"] - row["mean"]) * scale]],
                        fmt="none", ecolor="#222", capsize=5, lw=1.2)
        ax.text(xi, row["ci_high"] * scale if np.isfinite(row["ci_high"]) else row["mean"] * scale,
                f" n={int(row['n']):,}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [_mathtext_safe(str(s)[:1].upper() + str(s)[1:]) for s in d.index])
    ax.set_ylabel(f"{label} ({'% of customers' if kind == 'rate' else 'mean'}), 95% CI")
    ax.set_xlabel("")
    base = int(d["n"].sum()) if n is None else int(n)
    # One title, set once (setting it twice with a left-aligned house style dropped the text before "(n=…)").
    ax.set_title(f"{title or f'{label} by {str(key).replace(chr(95), chr(32))}'} (n={base:,})")
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
    """Two panels against the connection threshold: the segment shares (%) and the value multiplier (×),
    each with its 95% interval band and the threshold used marked.

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
        Title of the share panel (default names the base n at the threshold used).

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
    >>> a.get_xlabel(), b.get_ylabel(), b.get_title(loc="left")
    ('Connection threshold (0–100)', 'Multiplier (×), 95% CI', 'Annual spend, fully connected ÷ highly satisfied, by threshold (n=161 at 75)')
    """
    table = _table_of(data)
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax_share, ax_mult = axes
    used = table.loc[table["used"], "threshold"]
    used = float(used.iloc[0]) if len(used) else None
    for measure, colour in (("fully connected", SEGMENT_COLOURS["fully connected"]),
                            ("highly satisfied", SEGMENT_COLOURS["highly satisfied"])):
        d = table[table["measure"] == measure].sort_values("threshold")
        d = d[(d["count"] >= min_cell) & np.isfinite(d["estimate"].astype(float))]
        if d.empty:
            continue
        ax_share.fill_between(d["threshold"], d["ci_low"] * 100, d["ci_high"] * 100, color=colour, alpha=0.2, lw=0)
        ax_share.plot(d["threshold"], d["estimate"] * 100, "o-", color=colour, label=measure[:1].upper() + measure[1:])
    d = table[table["measure"] == "multiplier"].sort_values("threshold")
    d = d[(d["count"] >= min_cell) & np.isfinite(d["estimate"].astype(float))]
    if len(d):
        band = d[np.isfinite(d["ci_low"].astype(float))]
        if len(band):
            ax_mult.fill_between(band["threshold"], band["ci_low"], band["ci_high"], color="#0072B2", alpha=0.2, lw=0,
                                 label="95% CI")
        ax_mult.plot(d["threshold"], d["estimate"], "o-", color="#0072B2", label="Multiplier")
    ax_mult.axhline(1, color="#555", lw=1, ls=":")
    ax_share.set_ylim(bottom=0)
    thresholds = sorted(set(table["threshold"].astype(float)))
    for ax in (ax_share, ax_mult):
        if used is not None:
            ax.axvline(used, color="#222", ls="--", lw=1)
            ax.text(used, 0.02, f" used: {used:g}", transform=ax.get_xaxis_transform(), va="bottom", fontsize=9)
        ax.set_xticks(thresholds, [f"{t:g}" for t in thresholds])
        ax.set_xlabel("Connection threshold (0–100)")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", frameon=False, fontsize=9)
    ax_share.set_ylabel("Share of respondents (%), 95% CI")
    ax_mult.set_ylabel("Multiplier (×), 95% CI")
    base = table.loc[table["used"] & (table["measure"] == "fully connected"), "n"]
    n_text = f" (n={int(base.iloc[0]):,})" if len(base) else ""
    ax_share.set_title(title or f"Segment shares by threshold{n_text}")
    n_mult = table.loc[table["used"] & (table["measure"] == "multiplier"), "n"]
    ax_mult.set_title(f"{_mathtext_safe(value_label)}, fully connected ÷ highly satisfied, by threshold"
                      + (f" (n={int(n_mult.iloc[0]):,} at {used:g})" if len(n_mult) else ""))
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
        The first ``top`` motivators are highlighted.
    ax : Axes, optional
    title : str, optional

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> from cxlib import advocacy, drivers, motivators, segments, survival
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> rk = motivators.rank(f, cb, value="annual_spend", n_boot=50)
    >>> ax = motivator_ranking(rk, outcome_label="Annual spend", ax=plt.figure().gca())
    >>> "n=" in ax.get_title(loc="left")
    True
    """
    ax = ax or plt.gca()
    table = _table_of(data)
    if table.empty:
        raise ValueError("motivator_ranking: no motivator to draw")
    d = table.sort_values("rescaled", ascending=True)
    y = np.arange(len(d))
    colours = [SEGMENT_COLOURS["fully connected"] if r <= top else "#bbbbbb" for r in d["rank"]]
    ax.barh(y, d["rescaled"], color=colours, height=0.65)
    if d["ci_low"].notna().any():
        ax.errorbar(d["rescaled"], y, xerr=_error_bars(d["rescaled"], d["ci_low"], d["ci_high"]),
                    fmt="none", ecolor="#222", capsize=3, lw=1)
    ax.set_yticks(y, [_mathtext_safe(str(m)[:1].upper() + str(m)[1:]) for m in d["motivator"]])
    n = n if n is not None else getattr(data, "n", None)
    r2 = getattr(data, "r2", None)
    ax.set_xlabel("Share of explained variation (%), with 95% CI"
                  + (f"; model R² = {r2:.2f}" if r2 is not None and np.isfinite(r2) else ""))
    ax.set_title(title or f"Most linked to {outcome_label.lower()}" + (f" (n={n:,})" if n else ""))
    return ax


def motivator_profiles(data, *, ax: plt.Axes | None = None, title: str | None = None, n: int | None = None,
                       group_n: dict | None = None) -> plt.Axes:
    """Dot plot of each segment's mean motivator score (0–100) with intervals.

    Parameters
    ----------
    data : Profiles or DataFrame
        ``cxlib.motivators.profiles``' result (or its table: the group column first, then ``motivator, n, mean,
        ci_low, ci_high``).
    ax : Axes, optional
    title : str, optional
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
    >>> "n=" in ax.get_title(loc="left")
    True
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
    fallback = ["#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#D55E00"]
    for i, seg in enumerate(groups):
        d = data[(data[key] == seg) & data["mean"].notna()]
        if d.empty:  # a suppressed or empty group: nothing to draw for it
            continue
        y = np.array([ypos[m] for m in d["motivator"]]) + offsets[seg]
        n = int(group_n[seg]) if group_n and seg in group_n else int(d["n"].max()) if len(d) else 0
        ax.errorbar(d["mean"], y, xerr=_error_bars(d["mean"], d["ci_low"], d["ci_high"]),
                    fmt="o", color=SEGMENT_COLOURS.get(str(seg), fallback[i % len(fallback)]), ms=5, capsize=2, lw=1,
                    label=_mathtext_safe(f"{str(seg)[:1].upper() + str(seg)[1:]} (n={n:,})"))
    ax.set_yticks(range(len(order)), [_mathtext_safe(str(m)[:1].upper() + str(m)[1:]) for m in order])
    ax.set_xlim(0, 100)
    ax.set_xlabel("Mean motivator score (0–100), with 95% CI")
    n_all = int(data.groupby(key, observed=True)["n"].max().sum()) if n is None else int(n)
    ax.set_title(title or f"How each segment scores on the emotional motivators (n={n_all:,})")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=max(len(groups), 1), frameon=False, fontsize=9)
    return ax


def _label_offsets(ax: plt.Axes, x, y, texts, *, fontsize: float = 8.0) -> list[float]:
    """Vertical offsets (points) for labels right of their points so that no two labels overlap: each label
    takes the first of 3, −9, 12, −18, … points whose box (estimated from the text's length) is free."""
    ax.figure.canvas.draw_idle()
    pts = ax.transData.transform(np.column_stack([np.asarray(x, float), np.asarray(y, float)])) * 72 / ax.figure.dpi
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for (px, py), text in zip(pts, texts):
        w, h = 0.55 * fontsize * len(str(text)), fontsize + 1
        for k in range(12):
            dy = 3 + (k + 1) // 2 * 11 * (1 if k % 2 == 0 else -1) if k else 3
            box = (px + 4, py + dy, px + 4 + w, py + dy + h)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        placed.append(box)
        out.append(dy)
    return out


def importance_map(
    data,
    *,
    label: tuple[str, ...] = ("hidden driver", "overrated", "key driver"),
    max_labels: int = 18,
    ax: plt.Axes | None = None,
    title: str | None = None,
) -> plt.Axes:
    """Stated vs derived importance of every element, in four quadrants, with the notable ones named.

    Elements whose label the evidence supports (``evidence == "supported"``) are filled dots; *possible*
    ones (estimates in the quadrant, evidence short of the rule's level) are hollow rings, and their names
    are drawn lighter. Each element's 95% interval of derived importance is a thin vertical line.

    Parameters
    ----------
    data : cxlib.drivers.Importance
        The result of ``cxlib.drivers.importance`` (its cuts draw the dashed lines).
    label : tuple of str
        Quadrants whose elements are named on the chart (the most important first, up to ``max_labels``).
    max_labels : int
        At most this many names, to keep the chart legible.
    ax : Axes, optional
    title : str, optional

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
    >>> ax = importance_map(imp, ax=plt.figure().gca())
    >>> "n=" in ax.get_title(loc="left")
    True
    >>> any("possible" in t.get_text() for t in ax.get_legend().get_texts())
    True
    """
    if getattr(data, "reason", None) is not None:
        raise ValueError(f"importance_map: nothing to draw: derived importance is not estimable ({data.reason})")
    table = _table_of(data)
    ax = ax or plt.gca()
    evidence = table["evidence"] if "evidence" in table else pd.Series("supported", index=table.index)
    possible = (evidence == "possible").to_numpy()
    if {"ci_low", "ci_high"} <= set(table) and np.isfinite(table["ci_low"].to_numpy(dtype=float)).any():
        ax.vlines(table["stated"], table["ci_low"], table["ci_high"], color="#999", lw=0.6, alpha=0.6, zorder=2)
    for quadrant, colour in QUADRANT_COLOURS.items():
        inq = (table["quadrant"] == quadrant).to_numpy()
        d, m = table[inq & ~possible], table[inq & possible]
        text = f"{quadrant.capitalize()} ({len(d)}" + (f"; {len(m)} possible)" if len(m) else ")")
        ax.scatter(d["stated"], d["derived"], s=36, color=colour, label=text, edgecolor="white", linewidth=0.5,
                   zorder=3)
        if len(m):
            ax.scatter(m["stated"], m["derived"], s=36, facecolors="white", edgecolors=colour, linewidth=1.2,
                       zorder=3)
    if possible.any():
        ax.scatter([], [], s=36, facecolors="white", edgecolors="#555", linewidth=1.2,
                   label="Hollow: possible (evidence short of the level)")
    d_cut, s_cut = getattr(data, "derived_cut", None), getattr(data, "stated_cut", None)
    if d_cut is not None and np.isfinite(d_cut):
        ax.axhline(d_cut, color="#555", ls="--", lw=0.8)
    if s_cut is not None and np.isfinite(s_cut):
        ax.axvline(s_cut, color="#555", ls="--", lw=0.8)
    # Drivers are named by derived importance; overrated elements by how important customers call them.
    show = table["quadrant"].isin([q for q in label if q != "overrated"]).to_numpy()
    if "overrated" in label:
        top_overrated = table[table["quadrant"] == "overrated"].sort_values("stated", ascending=False).index[:6]
        show |= table.index.isin(top_overrated)
    named = table[show].sort_values("derived", ascending=False).head(max_labels)
    faint = set(named.index[evidence.loc[named.index].to_numpy() == "possible"])
    for r, dy in zip(named.itertuples(), _label_offsets(ax, named["stated"], named["derived"], named["element"])):
        leader = {} if dy == 3 else {"arrowprops": {"arrowstyle": "-", "color": QUADRANT_COLOURS[r.quadrant],
                                                     "lw": 0.5, "shrinkA": 0, "shrinkB": 2}}
        ax.annotate(str(r.element).replace("$", r"\$"), (r.stated, r.derived), xytext=(4, dy), textcoords="offset points",
                    fontsize=8, color=QUADRANT_COLOURS[r.quadrant], va="bottom" if dy >= 0 else "top",
                    alpha=0.6 if r.Index in faint else 1.0, style="italic" if r.Index in faint else "normal", **leader)
    ax.set_xlabel("Stated importance (what customers say matters, 0–100)")
    ax.set_ylabel("Derived importance (% of connection explained)")
    n = getattr(data, "n", None)
    ax.set_title(title or "What customers say matters vs what is linked to connection" + (f" (n={n:,})" if n else ""))
    ax.legend(loc="center left", bbox_to_anchor=(0.0, 0.45), frameon=False, fontsize=9)
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
    ax.barh(y, d["derived"], color=SEGMENT_COLOURS["fully connected"], height=0.6)
    if d["ci_low"].notna().any():
        ax.errorbar(d["derived"], y, xerr=_error_bars(d["derived"], d["ci_low"], d["ci_high"]),
                    fmt="none", ecolor="#222", capsize=3, lw=1)
    labels = [(str(v)[:1].upper() + str(v)[1:]).replace("$", r"\$") for v in d[by]]
    ax.set_yticks(y, [f"{v} ({k} elements)" for v, k in zip(labels, d["n_elements"])])
    ax.set_xlabel("Share of connection explained (%), with 95% CI")
    ax.set_title(title or f"Which {'journey stages' if by == 'stage' else 'experience dimensions'} matter most"
                 + (f" (n={n:,})" if n else ""))
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
    ax.barh(y, d["rescaled"], color=SEGMENT_COLOURS["fully connected"], height=0.6)
    if "ci_low" in d and d["ci_low"].notna().any():
        ax.errorbar(d["rescaled"], y, xerr=_error_bars(d["rescaled"], d["ci_low"], d["ci_high"]),
                    fmt="none", ecolor="#222", capsize=3, lw=1)
    ax.set_yticks(y, [str(p).replace("$", r"\$") for p in d["predictor"]])
    ax.set_xlabel("Share of the explained variation (%)" + (", with 95% CI" if "ci_low" in d else ""))
    n = getattr(data, "n", None)
    ax.set_title(title or "Share of the explained variation" + (f" (n={n:,})" if n else ""))
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


#: Colours for groups other than the segments (Okabe–Ito, after the segment colours).
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


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
    others = iter(GROUP_COLOURS[2:] + GROUP_COLOURS[:2])
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
        colour = SEGMENT_COLOURS.get(name) or (GROUP_COLOURS[k % len(GROUP_COLOURS)] if not set(names) & set(SEGMENTS)
                                               else next(others))
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
    ax.set_title(title or f"How long customers stay (n={n_total:,})")
    ax.legend(loc="lower left", frameon=False, fontsize=9,
              title=f"suppressed (n<{min_cell}): {', '.join(suppressed)}" if suppressed else None)
    table_ = ax.table(cellText=[[f"{v:,}" for v in at] for _, at in rows], rowLabels=[r for r, _ in rows],
                      colLabels=[f"{t:g}" for t in ticks], loc="bottom", bbox=[0.0, -0.55, 1.0, 0.3],
                      cellLoc="center", edges="open")
    table_.set_fontsize(8)
    ax.text(0, -0.22, "Customers at risk", transform=ax.transAxes, fontsize=9, fontweight="bold")
    ax.xaxis.labelpad = 2
    return ax


def forest(data, *, ax: plt.Axes | None = None, title: str | None = None, n: int | None = None,
           terms: list[str] | None = None) -> plt.Axes:
    """Forest plot of hazard ratios with 95% intervals on a log scale (1 = no difference).

    Parameters
    ----------
    data : CoxModel or DataFrame
        A ``cxlib.survival.cox`` result, or a table with ``hazard_ratio, ci_low, ci_high`` and ``label`` (or
        ``covariate``) naming each term.
    ax : Axes, optional
    title : str, optional
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
    """
    from .errors import ArgumentError

    if hasattr(data, "table") and hasattr(data, "hazard_ratio"):
        n = n if n is not None else data.n
        data = data.table
    d = data if terms is None else data[data["covariate"].isin(terms)]
    if d.empty:
        raise ArgumentError("plots.forest: there is no hazard ratio to draw", function="plots.forest", argument="data")
    ax = ax or plt.gca()
    d = d.iloc[::-1]
    names = d["label"] if "label" in d else d["covariate"]
    y = np.arange(len(d))
    ax.errorbar(d["hazard_ratio"], y, xerr=_error_bars(d["hazard_ratio"], d["ci_low"], d["ci_high"]),
                fmt="o", color=SEGMENT_COLOURS["fully connected"], capsize=3, lw=1.2)
    ax.axvline(1.0, color="#555", ls="--", lw=0.8)
    ax.set_xscale("log")
    lo = float(np.nanmin(np.r_[d["ci_low"].to_numpy(float), 1.0]))
    hi = float(np.nanmax(np.r_[d["ci_high"].to_numpy(float), 1.0]))
    nice = [v for v in (0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10) if lo / 1.2 <= v <= hi * 1.2]
    ax.set_xticks(nice, [f"{v:g}" for v in nice])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_yticks(y, [_mathtext_safe(v) for v in names])
    ax.set_xlabel("Hazard ratio (log scale): below 1 = leaves less often")
    ax.set_title(title or "What goes with leaving" + (f" (n={n:,})" if n else ""))
    return ax


def wave_scorecard(data, *, ax: plt.Axes | None = None, title: str | None = None,
                   alpha: float = 0.05) -> plt.Axes:
    """Before/after scorecard: each metric's change with its 95% interval; filled marks are significant
    after Holm's adjustment, hollow ones are not.

    Parameters
    ----------
    data : WaveComparison or DataFrame
        ``cxlib.waves.compare_waves``' result (or its table: ``metric, before, after, change, ci_low, ci_high,
        p_adjusted, n_before, n_after``). ``value`` is left out (a currency does not share an axis with
        percentage points). Shares are plotted in percentage points, NPS in points.
    ax : Axes, optional
    title : str, optional
    alpha : float
        Significance level for the filled marks.

    Raises
    ------
    ValueError
        When there is nothing to draw (no metric other than value was compared).

    Examples
    --------
    >>> import cxlib as cx, matplotlib.pyplot as plt
    >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
    >>> set_theme()  # as the notebooks do: titles on the left
    >>> card = cx.advocacy.compare_waves(eng)
    >>> ax = wave_scorecard(card, ax=plt.figure().gca())
    >>> len(ax.get_yticklabels())
    4
    """
    table = data.table if hasattr(data, "table") and not isinstance(data, pd.DataFrame) else data
    d = table[(table["metric"] != "value") & table["change"].notna()].iloc[::-1].reset_index(drop=True)
    if d.empty:
        raise ValueError("wave_scorecard: nothing to draw (no metric other than value was compared)")
    ax = ax or plt.gca()
    scale = np.where(d["metric"] == "nps", 1.0, 100.0)
    change, lo, hi = d["change"] * scale, d["ci_low"] * scale, d["ci_high"] * scale
    y = np.arange(len(d))
    colour = SEGMENT_COLOURS["fully connected"]
    for yi, c, l, h, p in zip(y, change, lo, hi, d["p_adjusted"]):
        ax.plot([l, h], [yi, yi], color=colour, lw=1.6)
        ax.plot([c], [yi], "o", ms=8, color=colour, mfc=colour if p < alpha else "white", mew=1.6)
    ax.axvline(0, color="#555", ls="--", lw=0.8)
    labels = []
    for _, r in d.iterrows():
        k = 1.0 if r["metric"] == "nps" else 100.0
        unit = "" if r["metric"] == "nps" else "%"
        before, after = (f"{v * k:.0f}{unit}".replace("-", "−") for v in (r["before"], r["after"]))
        labels.append(f"{METRIC_LABELS.get(r['metric'], r['metric'])}\n{before} → {after}")
    ax.set_yticks(y, labels)
    ax.set_xlabel("Change after − before, with 95% CI (filled: significant after Holm adjustment)")
    n = int((d["n_before"] + d["n_after"]).max())
    ax.set_title(title or f"What changed between the waves (n={n:,})")
    return ax


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
    ax.barh(y, shown["nps"], color=[SEGMENT_COLOURS.get(str(s), "#0072B2") for s in shown.index], height=0.6)
    ax.errorbar(shown["nps"], y, xerr=_error_bars(shown["nps"], shown["ci_low"], shown["ci_high"]),
                fmt="none", ecolor="#222", capsize=4, lw=1.2)
    for yi, (seg, r) in zip(y, shown.iterrows()):
        x = max(r["ci_high"], 0) + 3
        ax.text(x, yi, f"{r['nps']:+.0f}  (n={int(r['n']):,})".replace("-", "−"), va="center", fontsize=10)
    ax.set_yticks(y, [str(s)[:1].upper() + str(s)[1:] for s in shown.index])
    ax.invert_yaxis()
    ax.axvline(0, color="#555", lw=0.8)
    ax.set_xlim(-100, 100)
    ax.set_xlabel("Net Promoter Score: % promoters (9–10) − % detractors (0–6), with 95% CI")
    hidden = [str(s) for s in d.index if s not in shown.index]
    note = f"; fewer than {min_cell} answers, not shown: {', '.join(hidden)}" if hidden else ""
    ax.set_title(title or f"Net Promoter Score by {str(key).replace('_', ' ')} (n={int(shown['n'].sum()):,}{note})")
    return ax


def word_frequency(data, *, ax: plt.Axes | None = None, title: str | None = None, top: int = 5) -> plt.Axes:
    """The terms used most in each group's comments: share of the group's comments using each, with n.

    Parameters
    ----------
    data : WordFrequency or DataFrame
        ``cxlib.verbatims.word_frequency``' result (or its table: group column first, then ``term, comments,
        share, n_comments``).
    top : int
        Terms per group drawn.

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
    >>> ax.get_title(loc="left")
    'Words used most (share of each group’s comments; n=3 comments)'
    """
    table = data.table if hasattr(data, "table") and not isinstance(data, pd.DataFrame) else data
    if table.empty:
        raise ValueError("word_frequency: nothing to draw (no group had enough comments)")
    key = table.columns[0]
    d = table.groupby(key, sort=False, observed=True).head(top).reset_index(drop=True)
    ax = ax or plt.gca()
    y = np.arange(len(d))
    ax.barh(y, d["share"] * 100, color=[SEGMENT_COLOURS.get(str(g), "#0072B2") for g in d[key]], height=0.7)
    ax.set_yticks(y, [f"{str(g)[:1].upper() + str(g)[1:]}: {t}" for g, t in zip(d[key], d["term"])])
    ax.invert_yaxis()
    ax.set_xlabel("Share of the group's comments using the term (%)")
    n = int(d.drop_duplicates(key)["n_comments"].sum())
    ax.set_title(title or f"Words used most (share of each group’s comments; n={n:,} comments)")
    return ax


def estimates(data: pd.DataFrame, *, label: str, xlabel: str, title: str, scale: float = 1.0, fmt: str = "{:.2f}",
              colour: str | None = None, colour_by: str | None = None, reference: float | None = None,
              ax: plt.Axes | None = None) -> plt.Axes:
    """Horizontal bars of estimates with their 95% intervals, one per row, labelled with the value and n.

    The generic chart of the executive summary: any rows of ``label, estimate, ci_low, ci_high, n``.

    Parameters
    ----------
    data : DataFrame
        ``label`` column plus ``estimate, ci_low, ci_high`` and, optionally, ``n``.
    label : str
        Column naming each bar.
    xlabel, title : str
        Axis label and title (the title should state the finding and n).
    scale : float
        Multiplier for display (100 for shares shown as percentages).
    fmt : str
        Format of the value printed beside each bar (after scaling).
    colour : str, optional
        One colour for all bars (default: the fully connected blue).
    colour_by : str, optional
        Column whose values are segment or quadrant names, coloured as everywhere else.
    reference : float, optional
        Draw a dashed line at this value (e.g. 1 for a multiplier).
    ax : Axes, optional

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> d = pd.DataFrame({"label": ["Fully connected", "Other"], "estimate": [0.2, 0.5], "ci_low": [0.17, 0.46], "ci_high": [0.23, 0.54], "n": [300, 700]})
    >>> ax = estimates(d, label="label", scale=100, fmt="{:.0f}%", xlabel="Share (%)", title="Shares (n=1,000)", ax=plt.figure().gca())
    >>> [t.get_text() for t in ax.texts]
    ['20%  (n=300)', '50%  (n=700)']
    """
    ax = ax or plt.gca()
    d = data.reset_index(drop=True)
    y = np.arange(len(d))
    est, lo, hi = d["estimate"] * scale, d["ci_low"] * scale, d["ci_high"] * scale
    palette = {**SEGMENT_COLOURS, **QUADRANT_COLOURS}
    colours = ([palette.get(str(v), "#0072B2") for v in d[colour_by]] if colour_by
               else [colour or SEGMENT_COLOURS["fully connected"]] * len(d))
    ax.barh(y, est, color=colours, height=0.6)
    ax.errorbar(est, y, xerr=_error_bars(est, lo, hi), fmt="none",
                ecolor="#222", capsize=4, lw=1.2)
    span = float(np.nanmax(np.abs(hi))) if len(d) else 1.0
    for yi, (e, h, row) in enumerate(zip(est, hi, d.itertuples())):
        n_text = f"  (n={int(row.n):,})" if "n" in d.columns and pd.notna(getattr(row, "n", np.nan)) else ""
        ax.text(max(h, 0) + 0.02 * span, yi, fmt.format(e) + n_text, va="center", fontsize=10)
    ax.set_yticks(y, [str(v) for v in d[label]])
    ax.invert_yaxis()
    if reference is not None:
        ax.axvline(reference, color="#555", ls="--", lw=0.8)
    ax.set_xlim(min(0.0, float(np.nanmin(lo)) * 1.1) if len(d) else 0, span * 1.35)
    if span >= 1e4:  # money totals: plain thousands separators, not an offset such as "1e6"
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


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
    """Finish ``figure`` for a report (tight layout unless ``tight=False``) and wrap it with its alt text."""
    if tight:
        figure.tight_layout()
    return Chart(figure, alt=alt)
