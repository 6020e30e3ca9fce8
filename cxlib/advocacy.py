"""Advocacy: likelihood to recommend and the Net Promoter Score, overall and by group.

Both functions return frozen result objects (:mod:`cxlib.results`): :func:`nps` an :class:`NPS` whose
``.estimate`` is a :class:`cxlib.results.Estimate` and whose ``.table`` holds the promoter, passive and
detractor shares with their intervals and n; :func:`nps_by_segment` an :class:`NPSBySegment` with one row per
group. Nothing here writes files.

The before/after comparison of a programme's waves lives in :mod:`cxlib.waves`; it stays reachable here as
``advocacy.compare_waves`` (loaded on first use, so neither module imports the other at import time). The
customers' own words (``verbatims``, ``word_frequency``) live in :mod:`cxlib.verbatims`, and ``mix_impact``
in :mod:`cxlib.waves`.
"""
from __future__ import annotations

import importlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import checks
from .errors import ArgumentError
from .results import Estimate, Reason, Result
from .segments import SEGMENTS, group_order
from .stats import kish_effective_n, weighted_mean_se, weighted_share_interval, wilson_interval

__all__ = ["NPS", "NPSBySegment", "nps", "nps_by_segment", "compare_waves", "CATEGORIES", "SEGMENTS"]

#: The three answer groups of likelihood to recommend (0–10): promoters 9–10, passives 7–8, detractors 0–6.
CATEGORIES: tuple[str, ...] = ("promoters", "passives", "detractors")

_METHOD = "share of promoters (9–10) minus share of detractors (0–6); analytic multinomial variance, normal interval"
_WEIGHTED_METHOD = ("weighted share of promoters (9–10) minus share of detractors (0–6); design-based (linearised) "
                    "variance, normal interval")
_MOVED = {"mix_impact": "cxlib.waves.mix_impact", "verbatims": "cxlib.verbatims.verbatims",
          "word_frequency": "cxlib.verbatims.word_frequency", "METRICS": "cxlib.waves.METRICS"}


def __getattr__(name: str) -> Any:
    """``advocacy.compare_waves`` (a name kept from the first version) loads :mod:`cxlib.waves` on first use.

    PEP 562: :mod:`cxlib.waves` imports this module for :func:`nps`, so importing it here at the top would be
    a cycle; looking it up lazily is not.
    """
    if name == "compare_waves":
        return importlib.import_module(".waves", __package__).compare_waves
    if name in _MOVED:
        raise AttributeError(f"cxlib.advocacy.{name} has moved: use {_MOVED[name]}")
    raise AttributeError(f"module 'cxlib.advocacy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"compare_waves"})


@dataclass(frozen=True, eq=False)
class NPS(Result):
    """Net Promoter Score with its interval and the three answer shares.

    Attributes
    ----------
    table : DataFrame
        One row per answer group: ``category`` (promoters, passives, detractors), ``share`` (0–1),
        ``ci_low``, ``ci_high`` (Wilson, on the effective n with weights), ``count`` (respondents), ``n``
        (respondents answering), and ``n_effective`` when weighted.
    estimate : Estimate
        The score in points (−100 … 100) with its interval and n; not estimable (``reason``) without answers.

    The shortcuts ``ci_low``, ``ci_high``, ``n_effective``, ``promoters``, ``passives`` and ``detractors`` read
    the estimate and the table; ``score`` is ``estimate.estimate``.

    Examples
    --------
    >>> r = nps([10, 9, 8, 7, 6, 0, 10, 10])
    >>> r.score, r.n, r.table["category"].tolist()
    (25.0, 8, ['promoters', 'passives', 'detractors'])
    """

    estimate: Estimate = None  # type: ignore[assignment]
    weighted: bool = False

    @property
    def n(self) -> int:
        return int(self.estimate.n)

    @property
    def score(self) -> float:
        return self.estimate.estimate

    nps = score  # the first version's attribute name

    @property
    def ci_low(self) -> float:
        return self.estimate.ci_low

    @property
    def ci_high(self) -> float:
        return self.estimate.ci_high

    @property
    def n_effective(self) -> float | None:
        return self.estimate.n_effective

    def share(self, category: str) -> float:
        """Share (0–1) of ``promoters``, ``passives`` or ``detractors``."""
        checks.choice(category, CATEGORIES, "advocacy.NPS.share", "category")
        return float(self._table.set_index("category").loc[category, "share"])

    @property
    def promoters(self) -> float:
        return self.share("promoters")

    @property
    def passives(self) -> float:
        return self.share("passives")

    @property
    def detractors(self) -> float:
        return self.share("detractors")

    def headline(self) -> str:
        from . import report

        e = self.estimate
        if not e.estimable:
            return report.Markdown(f"Net Promoter Score: not estimable ({e.reason or 'no answers'}).")
        return report.Markdown(
            f"Net Promoter Score is **{report.number(e.estimate, '{:+.0f}')}** "
            f"(95% CI {report.interval(e.ci_low, e.ci_high, fmt='{:+.0f}')}; n={e.n:,}): "
            f"{report.percent(self.promoters)} of customers are promoters and {report.percent(self.detractors)} "
            "detractors.")

    def to_dict(self) -> dict[str, Any]:
        """The estimate in the results.json shape (docs/outputs.md), plus the three shares."""
        from .report import to_jsonable

        return {**self.estimate.to_dict(), "shares": to_jsonable(
            {r.category: r.share for r in self._table.itertuples()})}


def _scores(values: Any, function: str, argument: str, column: str | None = None) -> np.ndarray:
    s = checks.series(values, function, argument).to_numpy(dtype=float)
    bad = s[np.isfinite(s) & ((s < 0) | (s > 10))] if s.size else s
    if np.isinf(s).any():
        bad = np.r_[bad, s[np.isinf(s)]]
    if bad.size:
        shown = ", ".join(f"{v:g}" for v in pd.unique(bad)[:3])
        what = f"{argument} {column!r}" if column else argument
        raise ArgumentError(f"{function}: {what} must hold likelihood-to-recommend answers from 0 to 10; "
                            f"it also holds {shown} ({bad.size:,} answers out of range)",
                            function=function, argument=argument)
    return s


def _weights(values: Any, length: int, function: str, argument: str) -> np.ndarray:
    if values is None:
        return np.ones(length)
    w = checks.series(values, function, argument).to_numpy(dtype=float)
    if len(w) != length:
        raise ArgumentError(f"{function}: {argument} has {len(w):,} values for {length:,} scores",
                            function=function, argument=argument)
    if (w[np.isfinite(w)] < 0).any():
        raise ArgumentError(f"{function}: {argument} must not be negative", function=function, argument=argument)
    return w


def _compute(s: np.ndarray, w: np.ndarray, ci: float, weighted: bool) -> NPS:
    ok = np.isfinite(s) & np.isfinite(w) & (w > 0)
    s, w = s[ok], w[ok]
    n = int(len(s))
    n_eff = kish_effective_n(w) if n else 0.0
    masks = (s >= 9, (s >= 7) & (s < 9), s < 7)
    total = float(w.sum())
    shares = [float(w[m].sum() / total) if n else np.nan for m in masks]
    if not n:
        lo, hi = [np.nan] * 3, [np.nan] * 3
    elif weighted:  # R survey: svyciprop(method = "logit") of each category
        bounds = [weighted_share_interval(m, w, ci)[1:] for m in masks]
        lo, hi = [b[0] for b in bounds], [b[1] for b in bounds]
    else:
        lo, hi = wilson_interval(np.array(shares), n_eff, ci)
    table = pd.DataFrame({"category": list(CATEGORIES), "share": shares, "ci_low": np.asarray(lo, float),
                          "ci_high": np.asarray(hi, float), "count": [int(m.sum()) for m in masks], "n": n})
    if weighted:
        table["n_effective"] = n_eff
    if n == 0:
        est = Estimate.missing(Reason.of("no_data"), n=0, n_effective=0.0 if weighted else None, method=_METHOD)
        return NPS(table, estimate=est, weighted=weighted)
    pro, det = shares[0], shares[2]
    diff = pro - det
    if weighted:  # R survey: svymean of +1 promoter / −1 detractor, linearised standard error
        se = weighted_mean_se(masks[0].astype(float) - masks[2].astype(float), w)[1]
        se = se if np.isfinite(se) else 0.0
    else:
        se = math.sqrt(max(pro + det - diff**2, 0.0) / n_eff)
    z = float(_st.norm.ppf(0.5 + ci / 2))
    est = Estimate(100 * diff, max(-100.0, 100 * (diff - z * se)), min(100.0, 100 * (diff + z * se)), n,
                   n_eff if weighted else None, _WEIGHTED_METHOD if weighted else _METHOD)
    return NPS(table, estimate=est, weighted=weighted)


def nps(scores: Any, *, weights: Any = None, ci: float = 0.95) -> NPS:
    """Net Promoter Score of 0–10 likelihood-to-recommend answers, with an analytic interval.

    Parameters
    ----------
    scores : array-like
        Answers 0–10; missing answers are left out. Answers outside 0–10 raise :class:`cxlib.ArgumentError`.
    weights : array-like, optional
        Respondent weights (same length); shares are weighted and the intervals design-based (Notes).
    ci : float
        Confidence level.

    Returns
    -------
    NPS
        ``.estimate`` (an :class:`~cxlib.results.Estimate`: the score in points, promoters % − detractors %,
        its interval, ``n`` and, with weights, ``n_effective``) and ``.table`` (``category, share, ci_low,
        ci_high, count, n``). Without answers the estimate is not estimable (reason ``no_data``).

    Notes
    -----
    Promoters answer 9–10, passives 7–8, detractors 0–6. NPS = 100·(p_P − p_D). As a difference of two shares of
    one multinomial sample, ``Var(p_P − p_D) = (p_P + p_D − (p_P − p_D)²) / n``; the interval is the normal
    one, clipped to [−100, 100]. The shares' intervals are Wilson score intervals. Checked against this
    formula written plainly and a 10,000-resample bootstrap (tests/test_advocacy.py), and for boundedness by
    property tests (tests/test_properties.py).

    With weights the figures are R ``survey``'s for ``svydesign(ids = ~1, weights = ~w)``: the score is the
    weighted mean of +1 (promoter) / 0 / −1 (detractor) with its linearised standard error
    (:func:`cxlib.stats.weighted_mean_se`, ``svymean``; normal interval, as ``confint``), and each share's
    interval is ``svyciprop(method = "logit")`` (:func:`cxlib.stats.weighted_share_interval`); equal to R to
    1e-9 (tests/test_r_reference.py). (Before issue 17 the unweighted formulas were applied with Kish's
    effective n, which ignores how the weights go with the answers.)

    Examples
    --------
    >>> r = nps([10, 9, 8, 7, 6, 0, 10, 10])
    >>> round(r.estimate.estimate, 1), r.estimate.n, round(r.promoters, 3)
    (25.0, 8, 0.5)
    >>> nps([10, 11])
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: advocacy.nps: scores must hold likelihood-to-recommend answers from 0 to 10; it also holds 11 (1 answers out of range)
    """
    fn = "advocacy.nps"
    ci = checks.level(ci, fn)
    s = _scores(scores, fn, "scores")
    w = _weights(weights, len(s), fn, "weights")
    return _compute(s, w, ci, weights is not None)


@dataclass(frozen=True, eq=False)
class NPSBySegment(Result):
    """Net Promoter Score per group.

    Attributes
    ----------
    table : DataFrame
        ``<by>, n, n_effective`` (with weights), ``nps, ci_low, ci_high, promoters, passives, detractors``;
        groups in their order (segment order for segments); a group without answers has NaN figures and its
        reason in ``excluded``.
    by : str
        The grouping column (the table's first column is named after it).
    estimates : tuple of (label, NPS)
        The full result of each group, read with :meth:`get`.
    excluded : dict
        ``{group: Reason}`` for groups that could not be estimated.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": ["fully connected"] * 4 + ["other"] * 4, "ltr": [10, 9, 9, 6, 8, 3, 10, 5]})
    >>> r = nps_by_segment(f, column="ltr")
    >>> r.by, r.groups, r.n
    ('segment', ['fully connected', 'highly satisfied', 'other'], 8)
    >>> r.get("other").score, r.get("other").n
    (-25.0, 4)
    >>> {group: why.code for group, why in r.excluded.items()}  # nobody highly satisfied answered
    {'highly satisfied': 'no_data'}
    >>> r.headline().startswith("Net Promoter Score by group: fully connected +50")
    True
    """

    by: str = "segment"
    estimates: tuple = ()
    excluded: dict = field(default_factory=dict)

    def get(self, group: Any) -> NPS:
        """The :class:`NPS` of one group (by its label)."""
        for label, r in self.estimates:
            if label == group or str(label) == str(group):
                return r
        labels = [str(lab) for lab, _ in self.estimates]
        raise ArgumentError(f"NPSBySegment.get: no group {group!r}{checks.close_matches(group, labels)}",
                            function="NPSBySegment.get", argument="group")

    @property
    def groups(self) -> list[Any]:
        return [label for label, _ in self.estimates]

    @property
    def n(self) -> int:
        return int(self._table["n"].sum())

    def headline(self, *, min_cell: int = 0) -> str:
        from . import report

        parts = []
        for label, r in self.estimates:
            e = r.estimate
            if e.n < max(min_cell, 1) or not e.estimable:
                continue
            parts.append(f"{report.text(label)} {report.number(e.estimate, '{:+.0f}')} "
                         f"(95% CI {report.interval(e.ci_low, e.ci_high, fmt='{:+.0f}')}; n={e.n:,})")
        return report.Markdown("Net Promoter Score by group: " + "; ".join(parts) + "." if parts else "")

    def plot(self, ax: Any = None, *, min_cell: int = 0, **kwargs: Any) -> Any:
        from . import plots

        return plots.nps_by_segment(self, ax=ax, min_cell=min_cell, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        return {str(label): r.estimate.to_dict() for label, r in self.estimates}


def nps_by_segment(data: pd.DataFrame, *, column: str, by: str = "segment", weight: str | None = None,
                   ci: float = 0.95) -> NPSBySegment:
    """Net Promoter Score and the answer shares per group (per segment by default).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    column : str
        The 0–10 likelihood-to-recommend column.
    by : str
        Grouping column; rows without a group are left out (so segment figures rest on respondents with a
        segment). A categorical column keeps its order and its empty categories.
    weight : str, optional
        Respondent weight column.
    ci : float
        Confidence level.

    Returns
    -------
    NPSBySegment
        ``.table``: ``<by>, n, [n_effective,] nps, ci_low, ci_high, promoters, passives, detractors``.

    Notes
    -----
    Each group's score is :func:`nps` on its rows (same formula, interval and checks).

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["fully connected"] * 4 + ["other"] * 4, "ltr": [10, 9, 9, 6, 8, 3, 10, 5]})
    >>> t = nps_by_segment(f, column="ltr").table
    >>> t[["segment", "n", "nps"]].values.tolist()
    [['fully connected', 4, 50.0], ['highly satisfied', 0, nan], ['other', 4, -25.0]]
    """
    fn = "advocacy.nps_by_segment"
    data = checks.frame(data, fn)
    checks.numeric(data, fn, column=column, weight=weight)
    checks.columns(data, fn, by=by)
    ci = checks.level(ci, fn)
    s = _scores(data[column], fn, "column", column)
    w = _weights(data[weight] if weight else None, len(s), fn, "weight")
    groups = group_order(data[by], by)
    key = data[by].astype(object)
    rows, estimates, excluded = [], [], {}
    for g in groups:
        mask = (key == g).to_numpy(dtype=bool)
        r = _compute(s[mask], w[mask], ci, weight is not None)
        estimates.append((g, r))
        if not r.estimate.estimable:
            excluded[g] = r.estimate.reason or Reason.of("no_data")
        shares = {c: float(v) for c, v in zip(r._table["category"], r._table["share"])}
        row = {by: g, "n": r.n}
        if weight:
            row["n_effective"] = r.n_effective
        rows.append({**row, "nps": r.score, "ci_low": r.ci_low, "ci_high": r.ci_high, **shares})
    cols = [by, "n"] + (["n_effective"] if weight else []) + ["nps", "ci_low", "ci_high", *CATEGORIES]
    return NPSBySegment(pd.DataFrame(rows, columns=cols), by=by, estimates=tuple(estimates), excluded=excluded)


