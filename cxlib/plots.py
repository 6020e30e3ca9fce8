"""Figures for the reports, in one house style (seaborn-based).

Every function takes data plus keyword-only options and ``ax=None``, draws on ``ax or plt.gca()`` and
returns the Axes. Titles state the finding or the question, axes are labelled, n is given, intervals
are drawn. Segment colours are colour-blind safe (Okabe–Ito) and identical in every report.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .segments import SEGMENTS

__all__ = ["SEGMENT_COLOURS", "set_theme", "segment_shares", "index_distribution"]

#: Okabe–Ito colours: blue, orange, grey — distinguishable with the common colour-vision deficiencies.
SEGMENT_COLOURS: dict[str, str] = {
    "fully connected": "#0072B2",
    "highly satisfied": "#E69F00",
    "other": "#999999",
}


def set_theme() -> None:
    """Apply the report style: seaborn whitegrid, readable fonts, figures sized for a 1080-px page."""
    sns.set_theme(style="whitegrid", context="notebook", rc={
        "figure.figsize": (8, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def segment_shares(data: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Horizontal bars of segment shares with their confidence intervals and n.

    Parameters
    ----------
    data : DataFrame
        Output of ``cxlib.segments.shares`` (columns ``segment, n, share, ci_low, ci_high``).
    ax : Axes, optional
    title : str, optional
        Defaults to a sentence naming the fully connected share.
    """
    ax = ax or plt.gca()
    d = data.set_index("segment").reindex(list(SEGMENTS))
    y = np.arange(len(d))
    colours = [SEGMENT_COLOURS[s] for s in d.index]
    ax.barh(y, d["share"] * 100, color=colours, height=0.6)
    err = np.vstack([(d["share"] - d["ci_low"]) * 100, (d["ci_high"] - d["share"]) * 100])
    ax.errorbar(d["share"] * 100, y, xerr=err, fmt="none", ecolor="#222", capsize=4, lw=1.2)
    for yi, (seg, row) in zip(y, d.iterrows()):
        ax.text(row["ci_high"] * 100 + 1, yi, f"{row['share'] * 100:.0f}%  (n={int(row['n']):,})", va="center", fontsize=10)
    ax.set_yticks(y, [s.capitalize() for s in d.index])
    ax.invert_yaxis()
    ax.set_xlim(0, max(100, float(d["ci_high"].max() * 100 + 25)))
    ax.set_xlabel("Share of respondents (%), with 95% confidence interval")
    ax.set_ylabel("")
    n_total = int(d["n"].sum())
    fc = d.loc["fully connected", "share"] * 100
    ax.set_title(title or f"{fc:.0f}% of customers are fully connected (n={n_total:,})")
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
