"""The portfolio view: every engagement's headline figures side by side, with each client's place among the others.

:func:`compare` reads the published ``results.json`` of several engagements (``{slug: dict}``) and returns a
:class:`Portfolio`: one row per engagement and measure, with its 95% interval, its ``n``, its rank and percentile
among the clients that have the measure, whether that place can be told apart from the middle client's, and the
same within the client's industry (``industry:`` in ``engagement.yaml``, copied into ``results.json`` by
:mod:`cxlib.batch`). It also counts how many clients name each top motivator and each hidden driver.

Nothing here reads or writes a file: :func:`cxlib.render.write_portfolio` writes ``reports/portfolio.html``.

The measures (every one oriented so that larger means connection goes with more):

- ``connected_share``: the share of fully connected customers (``segment_shares["fully connected"]``);
- ``value_multiplier``: fully connected ÷ highly satisfied mean of the engagement's first value column
  (``value_multiplier``, the raw ratio; value columns differ between clients, the ratio has no unit);
- ``attrition_gap``: highly satisfied minus fully connected share leaving within the engagement's horizon
  (``attrition``), in share points: positive when connected customers leave less;
- ``nps_gap``: fully connected minus highly satisfied Net Promoter Score (``nps``), in NPS points.

The two gaps are differences of two published estimates on disjoint groups of respondents; their intervals
are normal intervals whose standard errors are read back from the published 95% intervals (half-width ÷
1.96), so they are approximate (docs/notes-portfolio.md).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import checks
from .errors import ArgumentError
from .results import Reason, Result, frozen_table

__all__ = ["MEASURES", "MEASURE_LABELS", "MEASURE_MEANINGS", "MIN_ENGAGEMENTS", "Portfolio", "compare", "ranks",
           "figure_text"]

#: The measures compared, in the page's order.
MEASURES: tuple[str, ...] = ("connected_share", "value_multiplier", "attrition_gap", "nps_gap")

#: Plain names of the measures.
MEASURE_LABELS: dict[str, str] = {
    "connected_share": "Fully connected share",
    "value_multiplier": "Value multiplier",
    "attrition_gap": "Attrition gap",
    "nps_gap": "NPS gap",
}

#: What each measure is, in a sentence (the page and the docs say the same).
MEASURE_MEANINGS: dict[str, str] = {
    "connected_share": "the share of the client's customers who are fully connected",
    "value_multiplier": "the mean value of fully connected customers over that of highly satisfied ones (1 = the same)",
    "attrition_gap": ("the share of highly satisfied customers who left within the client's horizon minus the share "
                      "of fully connected ones, in percentage points (above 0: connected customers left less)"),
    "nps_gap": ("the Net Promoter Score of fully connected customers minus that of highly satisfied ones, in NPS "
                "points (above 0: connected customers recommend more)"),
}

#: Fewer engagements than this: the list of clients only, no ranks, no percentiles, no recurring names.
MIN_ENGAGEMENTS = 3

#: The table's columns, in order.
COLUMNS: tuple[str, ...] = ("slug", "client", "industry", "measure", "estimate", "ci_low", "ci_high", "n", "rank",
                            "rank_low", "rank_high", "percentile", "clients", "position", "industry_rank",
                            "industry_rank_low", "industry_rank_high", "industry_percentile", "industry_clients",
                            "industry_position", "note")

_RECURRING_COLUMNS = ("kind", "name", "clients", "of", "share", "named_by")

_Z = 1.959963984540054  # the published intervals are 95% intervals


def _finite(v: Any) -> bool:
    try:
        return v is not None and not isinstance(v, bool) and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _reason_of(entry: Any, what: str) -> Reason:
    """Why a published figure is missing: its own reason code and note when results.json gives them."""
    if isinstance(entry, Mapping):
        note = entry.get("note")
        code = entry.get("reason")
        if isinstance(note, str) and note.strip():
            return Reason(str(code) if isinstance(code, str) and code else "no_data", note.strip())
    return Reason("no_data", f"the engagement's results give no {what}")


def _estimate(entry: Any, what: str) -> tuple[float, float, float, int] | Reason:
    """``(estimate, ci_low, ci_high, n)`` of a published estimate (interval bounds NaN when not given)."""
    if not isinstance(entry, Mapping) or not _finite(entry.get("estimate")):
        return _reason_of(entry, what)
    lo = float(entry["ci_low"]) if _finite(entry.get("ci_low")) else np.nan
    hi = float(entry["ci_high"]) if _finite(entry.get("ci_high")) else np.nan
    n = int(entry["n"]) if _finite(entry.get("n")) else 0
    return float(entry["estimate"]), lo, hi, n


def _difference(first: Any, second: Any, what: str) -> tuple[float, float, float, int] | Reason:
    """``first - second`` of two published estimates on disjoint groups; normal interval from their intervals."""
    a, b = _estimate(first, what), _estimate(second, what)
    for x in (a, b):
        if isinstance(x, Reason):
            return x
    est = a[0] - b[0]
    if all(map(_finite, (a[1], a[2], b[1], b[2]))):
        se = math.hypot((a[2] - a[1]) / (2 * _Z), (b[2] - b[1]) / (2 * _Z))
        lo, hi = est - _Z * se, est + _Z * se
    else:
        lo = hi = np.nan
    return est, lo, hi, a[3] + b[3]


def _segment(results: Mapping, key: str, segment: str) -> Any:
    block = results.get(key)
    return block.get(segment) if isinstance(block, Mapping) else None


def _measure(results: Mapping, measure: str) -> tuple[tuple[float, float, float, int] | Reason, str]:
    """One measure of one engagement, with a note (the horizon, the value column)."""
    if measure == "connected_share":
        return _estimate(_segment(results, "segment_shares", "fully connected"), "fully connected share"), ""
    if measure == "value_multiplier":
        vm = results.get("value_multiplier")
        value = vm.get("value") if isinstance(vm, Mapping) else None
        return _estimate(vm, "value multiplier"), (f"mean {value}" if isinstance(value, str) and value else "")
    if measure == "attrition_gap":
        fc = _segment(results, "attrition", "fully connected")
        hs = _segment(results, "attrition", "highly satisfied")
        horizon = fc.get("horizon") if isinstance(fc, Mapping) else None
        note = f"within {float(horizon):,.0f} days" if _finite(horizon) else ""
        return _difference(hs, fc, "attrition by segment"), note
    fc, hs = _segment(results, "nps", "fully connected"), _segment(results, "nps", "highly satisfied")
    return _difference(fc, hs, "NPS by segment"), ""


def ranks(estimates: Sequence[float], ci_low: Sequence[float] | None = None,
          ci_high: Sequence[float] | None = None) -> pd.DataFrame:
    """Rank, percentile and a rank interval of each of a set of estimates (larger is ranked first).

    Parameters
    ----------
    estimates : sequence of float
        One per client, all finite.
    ci_low, ci_high : sequence of float, optional
        Their intervals (a missing bound makes that client's interval unknown: it is then never told apart).

    Returns
    -------
    DataFrame
        ``rank, rank_low, rank_high, percentile, position`` in the order given.

    Notes
    -----
    ``rank`` is 1 for the largest estimate; tied estimates share the mean of the ranks they span.
    ``percentile`` is the share of the *other* clients this one is above, ties counted half, in percent:
    ``100 · (below + tied / 2) / (k − 1)``; so ``rank = k − percentile · (k − 1) / 100``.
    The rank interval counts only clients whose 95% interval lies wholly beyond this one's: ``rank_low`` is
    1 + the number wholly above, ``rank_high`` is ``k`` − the number wholly below. Two 95% intervals that do
    not overlap differ at well under the 5% level, so the rule is cautious: a place it calls distinguishable is.
    ``position`` says where the rank interval lies against the middle rank ``(k + 1) / 2``: ``above the
    middle``, ``below the middle``, or ``not distinguishable from the middle``.

    Examples
    --------
    >>> r = ranks([0.30, 0.20, 0.20, 0.10], [0.28, 0.15, 0.15, 0.05], [0.32, 0.25, 0.25, 0.12])
    >>> r["rank"].tolist(), r["percentile"].round(1).tolist()
    ([1.0, 2.5, 2.5, 4.0], [100.0, 50.0, 50.0, 0.0])
    >>> r["rank_low"].tolist(), r["rank_high"].tolist(), r["position"].tolist()[0]
    ([1, 2, 2, 4], [1, 3, 3, 4], 'above the middle')
    """
    est = np.asarray(estimates, dtype=float)
    k = len(est)
    if k == 0:
        return pd.DataFrame({c: [] for c in ("rank", "rank_low", "rank_high", "percentile", "position")})
    lo = np.asarray(ci_low if ci_low is not None else [np.nan] * k, dtype=float)
    hi = np.asarray(ci_high if ci_high is not None else [np.nan] * k, dtype=float)
    above = (est[None, :] > est[:, None]).sum(axis=1)
    below = (est[None, :] < est[:, None]).sum(axis=1)
    tied = k - 1 - above - below
    rank = 1 + above + tied / 2
    percentile = 100 * (below + tied / 2) / (k - 1) if k > 1 else np.full(k, np.nan)
    known = np.isfinite(lo) & np.isfinite(hi)
    both = known[:, None] & known[None, :]
    wholly_above = (both & (lo[None, :] > hi[:, None])).sum(axis=1)
    wholly_below = (both & (hi[None, :] < lo[:, None])).sum(axis=1)
    rank_low, rank_high = 1 + wholly_above, k - wholly_below
    middle = (k + 1) / 2
    position = np.where(rank_high < middle, "above the middle",
                        np.where(rank_low > middle, "below the middle", "not distinguishable from the middle"))
    return pd.DataFrame({"rank": rank.astype(float), "rank_low": rank_low.astype(int),
                         "rank_high": rank_high.astype(int), "percentile": percentile.astype(float),
                         "position": position})


def _place(table: pd.DataFrame, rows: pd.Index, prefix: str) -> None:
    """Rank the estimable ``rows`` of ``table`` among themselves into the ``prefix`` columns."""
    r = ranks(table.loc[rows, "estimate"], table.loc[rows, "ci_low"], table.loc[rows, "ci_high"])
    r.index = rows
    for col in ("rank", "rank_low", "rank_high", "percentile", "position"):
        table.loc[rows, f"{prefix}{col}"] = r[col].to_numpy()
    table.loc[rows, f"{prefix}clients"] = len(rows)


def _names(items: Any, key: str) -> list[str]:
    out = []
    for item in items if isinstance(items, Sequence) and not isinstance(items, str) else []:
        name = item.get(key) if isinstance(item, Mapping) else None
        if isinstance(name, str) and name.strip():
            out.append(" ".join(name.split()))
    return list(dict.fromkeys(out))


def _recurring(results: Mapping[str, Mapping], clients: Mapping[str, str]) -> pd.DataFrame:
    """How many clients name each top motivator and each hidden driver (names matched ignoring case)."""
    rows = []
    for kind, key, name_key in (("top motivator", "top_motivators", "motivator"),
                                ("hidden driver", "hidden_drivers", "element")):
        giving = [s for s in results if isinstance(results[s].get(key), Sequence)]
        seen: dict[str, dict[str, Any]] = {}
        for slug in giving:
            for name in _names(results[slug].get(key), name_key):
                entry = seen.setdefault(name.lower(), {"name": name, "slugs": []})
                if slug not in entry["slugs"]:
                    entry["slugs"].append(slug)
        for entry in seen.values():
            named = sorted(clients[s] for s in entry["slugs"])
            rows.append({"kind": kind, "name": entry["name"], "clients": len(entry["slugs"]), "of": len(giving),
                         "share": len(entry["slugs"]) / len(giving), "named_by": "; ".join(named)})
    t = pd.DataFrame(rows, columns=list(_RECURRING_COLUMNS))
    if len(t):
        t = t.sort_values(["kind", "clients", "name"], ascending=[False, False, True], kind="stable")
    return t.reset_index(drop=True).astype({"clients": int, "of": int})


@dataclass(frozen=True, eq=False)
class Portfolio(Result):
    """The engagements side by side: each measure with its interval, rank and percentile among the clients.

    Attributes
    ----------
    table : DataFrame
        One row per engagement and measure (:data:`MEASURES`), engagements in the order given:
        ``slug, client, industry`` (``""`` when not given), ``measure, estimate, ci_low, ci_high, n`` (the
        published figure, or NaN with ``note`` saying why), ``rank`` (1 = largest; ties share their mean
        rank), ``rank_low, rank_high`` (the ranks its interval allows, see :func:`ranks`), ``percentile``
        (the share of the other clients with the measure it is above, ties counted half, in percent),
        ``clients`` (how many clients have the measure), ``position`` (``above the middle``, ``below the
        middle``, ``not distinguishable from the middle``, or ``""``), the same within the client's industry
        (``industry_rank, industry_rank_low, industry_rank_high, industry_percentile, industry_clients,
        industry_position``; only for industries with at least :data:`MIN_ENGAGEMENTS` clients with the
        measure), and ``note`` (the basis, e.g. ``within 365 days``, or why the figure is missing).
        Ranks are NaN (position ``""``) for a measure fewer than :data:`MIN_ENGAGEMENTS` clients have.
    recurring : DataFrame
        ``kind`` (``top motivator`` or ``hidden driver``), ``name``, ``clients`` (how many name it), ``of``
        (how many give the list), ``share``, ``named_by`` (the clients, ``; ``-separated); most named first.
        Empty when there are fewer than :data:`MIN_ENGAGEMENTS` engagements.
    clients : dict
        ``{slug: client name}``.
    industries : dict
        ``{slug: industry}``, ``""`` when the engagement gives none.
    n_respondents : dict
        ``{slug: respondents analysed}`` (0 when not given).
    excluded : dict
        ``{"<slug>: <measure>": Reason}``: figures that are not published, and why; and
        ``{"<industry>: <measure>": Reason}`` for industries too small to place clients within.
    reason : Reason or None
        Set when there are fewer than :data:`MIN_ENGAGEMENTS` engagements: only the list is shown.

    Examples
    --------
    >>> def res(share, lo, hi, name):
    ...     return {"client": name, "segment_shares": {"fully connected": {"estimate": share, "ci_low": lo,
    ...             "ci_high": hi, "n": 500}}}
    >>> p = compare({"a": res(.30, .26, .34, "A"), "b": res(.20, .16, .24, "B"), "c": res(.10, .07, .13, "C")})
    >>> t = p.table.query("measure == 'connected_share'")
    >>> t["rank"].tolist(), t["percentile"].tolist(), t["position"].tolist()[0]
    ([1.0, 2.0, 3.0], [100.0, 50.0, 0.0], 'above the middle')
    >>> compare({"a": res(.3, .2, .4, "A")}).reason.code
    'too_few_engagements'
    """

    clients: dict = field(default_factory=dict)
    industries: dict = field(default_factory=dict)
    n_respondents: dict = field(default_factory=dict)
    excluded: dict = field(default_factory=dict)
    reason: Reason | None = None
    _recurring: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        rec = self._recurring if self._recurring is not None else pd.DataFrame(columns=list(_RECURRING_COLUMNS))
        object.__setattr__(self, "_recurring", frozen_table(rec))
        for name in ("clients", "industries", "n_respondents", "excluded"):
            object.__setattr__(self, name, dict(getattr(self, name)))

    @property
    def recurring(self) -> pd.DataFrame:
        """How many clients name each top motivator and hidden driver (a fresh copy)."""
        assert self._recurring is not None
        return self._recurring.copy(deep=True)

    @property
    def measures(self) -> list[str]:
        """The measures compared, in :data:`MEASURES` order."""
        present = set(self._table["measure"])
        return [m for m in MEASURES if m in present]

    @property
    def estimable(self) -> bool:
        """True when there are enough engagements to place clients among each other."""
        return self.reason is None

    @property
    def n(self) -> int:
        """Respondents behind the portfolio (every engagement's, added up)."""
        return int(sum(self.n_respondents.values()))

    @property
    def industry_groups(self) -> dict[str, list[str]]:
        """``{industry: [slug, ...]}`` for the engagements that give an industry (in the order given)."""
        out: dict[str, list[str]] = {}
        for slug, ind in self.industries.items():
            if ind:
                out.setdefault(ind, []).append(slug)
        return out

    def measure(self, measure: str) -> pd.DataFrame:
        """The rows of one measure (a fresh copy), largest estimate first; missing figures last."""
        checks.choice(measure, MEASURES, "Portfolio.measure", "measure")
        t = self.table
        t = t[t["measure"] == measure]
        return t.sort_values("estimate", ascending=False, na_position="last", kind="stable").reset_index(drop=True)

    def sentence(self, measure: str, *, markdown: bool = False) -> str:
        """What the portfolio shows for ``measure``, in plain words: the clients that stand above or below the
        middle client (or that none does), then the lowest and highest figures and the median client's.

        Plain text (names as they are, for a page that escapes them), or Markdown with ``markdown=True``.
        """
        from . import report

        measure = checks.choice(measure, MEASURES, "Portfolio.sentence", "measure")
        name = report.text if markdown else str
        t = self.measure(measure)
        t = t[t["estimate"].notna()]
        if len(t) < MIN_ENGAGEMENTS:
            why = str(Reason.of("too_few_engagements", k=len(t), need=MIN_ENGAGEMENTS))
            return f"{why[:1].upper()}{why[1:]}."
        top, bottom = t.iloc[0], t.iloc[-1]
        fmt = functools.partial(figure_text, measure)
        above = [name(c) for c in t.loc[t["position"] == "above the middle", "client"]]
        below = [name(c) for c in t.loc[t["position"] == "below the middle", "client"]]
        middle = fmt(float(t["estimate"].median()))
        span = (f"The figures run from {_ci(bottom, fmt)} at {name(bottom.client)} to {_ci(top, fmt)} at "
                f"{name(top.client)}; the median client is at {middle}.")
        if not (above or below):
            return (f"No client of the {len(t)} can be told apart from the middle client: the intervals overlap too "
                    f"much. {span}")
        verb = {True: "stands", False: "stand"}
        parts = []
        if above:
            parts.append(f"{report.listing(above, limit=4)} {verb[len(above) == 1]} above the middle client")
        if below:
            parts.append(f"{report.listing(below, limit=4)} {verb[len(below) == 1]} below it" if above else
                         f"{report.listing(below, limit=4)} {verb[len(below) == 1]} below the middle client")
        rest = len(t) - len(above) - len(below)
        others = (f"; the other {'one' if rest == 1 else rest} cannot be told apart from it" if rest else "")
        return f"{' and '.join(parts)}{others}. {span}"

    def headline(self) -> str:
        from . import report

        names = report.listing([report.text(c) for c in self.clients.values()], limit=8)
        if self.reason is not None:
            return report.Markdown(f"{len(self.clients)} engagements ({names}): {self.reason}.")
        return report.Markdown(f"{len(self.clients)} engagements compared ({names}). "
                               + " ".join(f"**{MEASURE_LABELS[m]}.** {self.sentence(m, markdown=True)}" for m in self.measures))

    def plot(self, ax: Any = None, *, measure: str = "connected_share", **kwargs: Any) -> Any:
        """Each client's estimate of ``measure`` with its 95% interval, largest first; dashed: the median client.

        Clients with no published figure are left out (the page lists them with the reason).
        """
        import matplotlib.pyplot as plt

        from . import plots

        measure = checks.choice(measure, MEASURES, "Portfolio.plot", "measure")
        ax = ax or plt.gca()
        t = self.measure(measure)
        t = t[t["estimate"].notna()].reset_index(drop=True)
        scale = 100.0 if measure in ("connected_share", "attrition_gap") else 1.0
        est, lo, hi = (t[c].to_numpy(float) * scale for c in ("estimate", "ci_low", "ci_high"))
        y = np.arange(len(t))
        distinct = t["position"].isin(["above the middle", "below the middle"])
        for yi, e, l, h, strong in zip(y, est, lo, hi, distinct):
            ax.errorbar([e], [yi], xerr=np.array([[max(e - l, 0) if np.isfinite(l) else 0],
                                                  [max(h - e, 0) if np.isfinite(h) else 0]]),
                        fmt="o", color=plots.PALETTE["estimate"], ecolor=plots.PALETTE["ink"], capsize=3, lw=1.2,
                        markerfacecolor=plots.PALETTE["estimate"] if strong else plots.PALETTE["paper"])
        labels = [str(c).replace("$", r"\$") for c in t["client"]]
        ax.set_yticks(y, labels)
        ax.set_ylim(len(t) - 0.4, -0.6)
        if len(t):
            median = float(np.median(est))
            if measure == "value_multiplier":
                figures = np.r_[est, lo, hi]
                figures = figures[np.isfinite(figures) & (figures > 0)]
                plots.ratio_axis(ax, float(figures.min()) / 1.1, float(figures.max()) * 1.1, axis="x",
                                 reference_label="same value")
            elif measure in ("attrition_gap", "nps_gap"):
                ax.axvline(0, color=plots.PALETTE["reference"], ls="--", lw=0.8, zorder=1)
            ax.axvline(median, color=plots.PALETTE["reference"], ls=":", lw=1.0, zorder=1)
            fmt = functools.partial(figure_text, measure)
            label, middle = MEASURE_LABELS[measure], fmt(float(t["estimate"].median()))
            apart = int((t["position"].isin(["above the middle", "below the middle"])).sum())
            if t.loc[0, "position"] == "above the middle":
                title = (f"{label}: {t.loc[0, 'client']} stands above the median client, "
                         f"{fmt(t.loc[0, 'estimate'])} against {middle}")
            elif t["position"].iloc[-1] == "below the middle":
                title = (f"{label}: {t['client'].iloc[-1]} stands below the median client, "
                         f"{fmt(t['estimate'].iloc[-1])} against {middle}")
            elif apart:
                title = f"{label}: {apart} of {len(t)} clients stand apart from the median client, {middle}"
            else:
                title = f"{label}: no client stands apart from the median client, {middle}"
            title += f"\n{len(t)} clients, n={int(t['n'].sum()):,} customers"
            plots.fit_title(ax, title.replace("$", r"\$"))
        ax.set_xlabel(_axis_label(measure))
        return ax

    def chart(self, measure: str) -> Any:
        """The chart of ``measure`` finished for a page (:class:`cxlib.plots.Chart`, with its alt text)."""
        import matplotlib.pyplot as plt

        from . import plots

        measure = checks.choice(measure, MEASURES, "Portfolio.chart", "measure")
        k = int(self.table.query("measure == @measure")["estimate"].notna().sum())
        with plt.rc_context():  # the house style for this figure only
            plots.set_theme()
            fig, ax = plt.subplots(figsize=(8, 1.4 + 0.42 * max(k, 1)))
            self.plot(ax, measure=measure)
            return plots.chart(fig, alt=self._alt(measure))

    def _alt(self, measure: str) -> str:
        t = self.measure(measure)
        t = t[t["estimate"].notna()]
        if t.empty:
            return f"{MEASURE_LABELS[measure]}: no client has the figure."
        fmt = functools.partial(figure_text, measure)
        listed = "; ".join(f"{c}: {_ci(r, fmt)}" for c, r in zip(t["client"], t.itertuples()))
        return (f"{MEASURE_LABELS[measure]} of each client with its 95% interval, largest first; the dotted line is the "
                f"median client; filled dots stand above or below the middle client, hollow ones cannot be told apart "
                f"from it. {listed}.")

    def to_dict(self) -> dict[str, Any]:
        from .report import to_jsonable

        out: dict[str, Any] = {"engagements": [{"slug": s, "client": c, "industry": self.industries.get(s, ""),
                                                "n_respondents": self.n_respondents.get(s, 0)}
                                               for s, c in self.clients.items()]}
        if self.reason is not None:
            out["reason"], out["note"] = self.reason.code, self.reason.sentence
        out["table"] = to_jsonable(self._table.to_dict(orient="records"))
        assert self._recurring is not None
        out["recurring"] = to_jsonable(self._recurring.to_dict(orient="records"))
        if self.excluded:
            out["not_estimable"] = {k: {"reason": r.code, "note": r.sentence} for k, r in self.excluded.items()}
        return out


def figure_text(measure: str, value: Any) -> str:
    """A figure of ``measure`` for reading, in its unit (``31%``, ``2.05×``, ``+7 pts``, ``+25``); ``–`` when missing.

    Examples
    --------
    >>> figure_text("connected_share", 0.314), figure_text("value_multiplier", 2.049)
    ('31%', '2.05×')
    >>> figure_text("attrition_gap", 0.071), figure_text("nps_gap", -3.2), figure_text("nps_gap", None)
    ('+7 pts', '−3', '–')
    """
    from . import report

    measure = checks.choice(measure, MEASURES, "portfolio.figure_text", "measure")
    if not _finite(value):
        return "–"
    v = float(value)
    if measure == "connected_share":
        return report.number(100 * v, "{:.0f}%")
    if measure == "attrition_gap":
        return report.number(100 * v, "{:+.0f}") + " pts"
    if measure == "nps_gap":
        return report.number(v, "{:+.0f}")
    return report.number(v, "{:.2f}") + "×"


def _axis_label(measure: str) -> str:
    return {"connected_share": "Fully connected share (%)", "value_multiplier": "Value multiplier (ratio)",
            "attrition_gap": "Highly satisfied minus fully connected leaving (percentage points)",
            "nps_gap": "Fully connected minus highly satisfied NPS (points)"}[measure]


def _ci(row: Any, fmt: Any) -> str:
    """``31% (95% CI 28%–34%; n=1,412)`` for a table row, in the measure's format."""
    est, lo, hi, n = row.estimate, row.ci_low, row.ci_high, row.n
    inner = f"95% CI {fmt(lo)} to {fmt(hi)}" if _finite(lo) and _finite(hi) else "no interval"
    return f"{fmt(est)} ({inner}; n={int(n):,})"


def compare(results: Mapping[str, Mapping[str, Any]], *, measures: Sequence[str] | None = None) -> Portfolio:
    """The engagements side by side: each measure, its interval, each client's rank and percentile.

    Parameters
    ----------
    results : mapping
        ``{slug: results.json dict}``, one per published engagement (``cx run`` writes them; keys in
        docs/outputs.md). Engagements keep the order given.
    measures : sequence of str, optional
        Which of :data:`MEASURES` to compare (default: all).

    Returns
    -------
    Portfolio

    Raises
    ------
    cxlib.ArgumentError
        ``results`` is not a mapping of slugs to dicts, or a measure is unknown.

    Notes
    -----
    Every figure is the one the engagement published; only the two gaps are computed here, as differences of
    two published estimates (see the module's notes). A client's place is computed among the clients that
    have the measure, and within its industry among that industry's; fewer than :data:`MIN_ENGAGEMENTS`
    clients are listed, never ranked. Rank 1 is the largest figure; the percentile is the share of the other
    clients it is above (ties counted half); the rank interval and the position against the middle client come
    from the 95% intervals (:func:`ranks`): claims are made only where the intervals keep clients apart.
    Top motivators and hidden drivers are matched across clients by name, ignoring case and spacing.

    Examples
    --------
    >>> def res(share, name, industry=None):
    ...     out = {"client": name, "n_respondents": 800, "top_motivators": [{"motivator": "feel secure"}],
    ...            "segment_shares": {"fully connected": {"estimate": share, "ci_low": share - .03,
    ...                                                   "ci_high": share + .03, "n": 800}}}
    ...     return {**out, "industry": industry} if industry else out
    >>> p = compare({"a": res(.3, "A", "Retail"), "b": res(.2, "B", "Retail"), "c": res(.1, "C", "Retail")})
    >>> p.industry_groups, p.recurring[["name", "clients", "of"]].values.tolist()
    ({'Retail': ['a', 'b', 'c']}, [['feel secure', 3, 3]])
    >>> p.table.query("measure == 'connected_share'")["industry_rank"].tolist()
    [1.0, 2.0, 3.0]
    >>> compare([1, 2])
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: portfolio.compare: results must map each engagement's slug to its results.json dict, not a list
    """
    fn = "portfolio.compare"
    if not isinstance(results, Mapping):
        raise ArgumentError(f"{fn}: results must map each engagement's slug to its results.json dict, not a "
                            f"{type(results).__name__}", function=fn, argument="results")
    for slug, res in results.items():
        if not isinstance(slug, str) or not slug:
            raise ArgumentError(f"{fn}: results' keys must be the engagements' slugs (text), found {slug!r}",
                                function=fn, argument="results")
        if not isinstance(res, Mapping):
            raise ArgumentError(f"{fn}: results[{slug!r}] must be the engagement's results.json dict, not a "
                                f"{type(res).__name__}", function=fn, argument="results")
    if measures is None:
        chosen = list(MEASURES)
    else:
        if isinstance(measures, str) or not isinstance(measures, Sequence) or not measures:
            raise ArgumentError(f"{fn}: measures must be a list of measure names from {', '.join(MEASURES)}",
                                function=fn, argument="measures")
        chosen = list(dict.fromkeys(checks.choice(m, MEASURES, fn, "measures") for m in measures))
    clients = {s: str(r.get("client") or s) for s, r in results.items()}
    industries = {s: (" ".join(r["industry"].split()) if isinstance(r.get("industry"), str) else "")
                  for s, r in results.items()}
    respondents = {s: int(r["n_respondents"]) if _finite(r.get("n_respondents")) else 0 for s, r in results.items()}
    excluded: dict[str, Reason] = {}
    rows = []
    for measure in chosen:
        for slug, res in results.items():
            got, note = _measure(res, measure)
            row = {"slug": slug, "client": clients[slug], "industry": industries[slug], "measure": measure,
                   "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0, "note": note}
            if isinstance(got, Reason):
                excluded[f"{slug}: {measure}"] = got
                row["note"] = got.sentence
            else:
                row.update(estimate=got[0], ci_low=got[1], ci_high=got[2], n=got[3])
            rows.append(row)
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS])
    for col in ("rank", "percentile", "industry_rank", "industry_percentile"):
        table[col] = np.nan
    for col in ("rank_low", "rank_high", "clients", "industry_rank_low", "industry_rank_high", "industry_clients"):
        table[col] = pd.array([pd.NA] * len(table), dtype="Int64")
    table["position"] = ""
    table["industry_position"] = ""
    table["n"] = table["n"].astype(int)
    reason = None
    recurring = None
    if len(results) < MIN_ENGAGEMENTS:
        reason = Reason.of("too_few_engagements", k=len(results), need=MIN_ENGAGEMENTS)
    else:
        groups: dict[str, list[str]] = {}
        for slug, ind in industries.items():
            if ind:
                groups.setdefault(ind, []).append(slug)
        for measure in chosen:
            rows_m = table.index[(table["measure"] == measure) & table["estimate"].notna()]
            if len(rows_m) >= MIN_ENGAGEMENTS:
                _place(table, rows_m, "")
            for ind, slugs in groups.items():
                rows_i = rows_m[table.loc[rows_m, "slug"].isin(slugs)]
                if len(rows_i) >= MIN_ENGAGEMENTS:
                    _place(table, rows_i, "industry_")
                else:
                    excluded[f"{ind}: {measure}"] = Reason.of("too_few_engagements", k=len(rows_i),
                                                              need=MIN_ENGAGEMENTS)
        recurring = _recurring(results, clients)
    return Portfolio(table, clients=clients, industries=industries, n_respondents=respondents, excluded=excluded,
                     reason=reason, _recurring=recurring)
