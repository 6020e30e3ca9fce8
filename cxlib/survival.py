"""Attrition: Kaplan–Meier curves, attrition at a horizon, log-rank tests, restricted mean survival time and
Cox hazard ratios, each returned as a frozen result object (:mod:`cxlib.results`).

Kaplan–Meier curves and log-rank tests are delegated to lifelines; attrition at a horizon is
:func:`km_at` (the one implementation in cxlib); Cox models use :mod:`cxlib.coxph` (Efron ties, summed per
distinct day: lifelines' row-by-row fitter took minutes at 200,000 customers), checked against lifelines.
This module adds what lifelines lacks (the sampling variance of the RMST, lifelines issue #1682; customers
kept per 1,000 with its delta-method interval) and says in words what cannot be estimated. Contact
experience (recency scores, episodes, the half-life comparison) is in :mod:`cxlib.contacts`.

Every frame-level function reads ``func(data, *, duration=, event=, by=None, weight=None, ...)``: the
output column is named after ``by``; ``weight`` names a column of respondent weights.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import checks
from .errors import ArgumentError
from .results import Estimate, Reason, Result, frozen_table
from .stats import kish_effective_n

__all__ = ["KaplanMeier", "Attrition", "Test", "RMST", "RMSTDifference", "CoxModel", "PHTest", "km", "km_at",
           "variance_kind", "attrition", "customers_kept", "logrank", "pairwise_logrank", "rmst", "rmst_difference", "cox",
           "cox_time_varying"]

KM_METHOD = "Kaplan–Meier, exponential Greenwood interval"
KM_ROBUST_METHOD = "weighted Kaplan–Meier, log-log interval on the infinitesimal-jackknife (robust) variance"


# -- shared plumbing ------------------------------------------------------------------------------
def _prepare(data: Any, function: str, *, duration: str, event: str, by: str | None = None,
             weight: str | None = None, ci: float = 0.95, extra: list[str] | None = None) -> tuple[pd.DataFrame, float]:
    """Check the arguments and return the rows with every needed column present, and the checked ``ci``."""
    data = checks.frame(data, function)
    checks.numeric(data, function, duration=duration)
    checks.binary(data, function, event=event)
    checks.numeric(data, function, weight=weight)
    checks.columns(data, function, by=by)
    ci = checks.level(ci, function)
    cols = list(dict.fromkeys([duration, event] + ([weight] if weight else []) + ([by] if by else []) + (extra or [])))
    clean = data.dropna(subset=cols)
    if (clean[duration] < 0).any():
        raise ArgumentError(f"{function}: duration {duration!r} holds negative days (e.g. "
                            f"{clean.loc[clean[duration] < 0, duration].iloc[0]:g}); days observed cannot be negative",
                            function=function, argument="duration")
    if weight and ((clean[weight] < 0) | ~np.isfinite(clean[weight].astype(float))).any():
        raise ArgumentError(f"{function}: weight {weight!r} holds negative or infinite weights",
                            function=function, argument="weight")
    return clean, ci


def _groups(df: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    """(name, rows) per level of ``by`` (categorical: every category, in order, empty ones included)."""
    if by is None:
        return [("all", df)]
    col = df[by]
    keys = col.cat.categories if isinstance(col.dtype, pd.CategoricalDtype) else sorted(col.dropna().unique(), key=str)
    return [(str(k), df[col == k]) for k in keys]


def _group_name(value: Any, groups: list[str], function: str, argument: str) -> str:
    """A group label given by the caller, checked against the result's groups (close matches)."""
    name = str(value) if value is not None else None
    if name not in groups:
        raise ArgumentError(f"{function}: {argument} {value!r} is not one of the groups "
                            f"({', '.join(repr(g) for g in groups[:8])}){checks.close_matches(value, groups)}",
                            function=function, argument=argument)
    return name


def _horizon(value: Any, function: str) -> float:
    return checks.positive(value, function, "horizon")


def _first_upper(value: Any) -> str:
    """``value`` as text with its first letter in capitals (the rest as it is: ``miR-137`` stays so)."""
    t = str(value)
    return t[:1].upper() + t[1:]


def _z(ci: float) -> float:
    return float(_st.norm.ppf(0.5 + ci / 2))


def _neff(weights: pd.Series | None) -> float | None:
    return None if weights is None else kish_effective_n(weights)


# -- the one Kaplan–Meier variance ----------------------------------------------------------------
GREENWOOD = "greenwood"
ROBUST = "robust"


def variance_kind(weights: np.ndarray | pd.Series | None) -> str:
    """The Kaplan–Meier variance cxlib uses for these weights: ``"robust"`` (infinitesimal jackknife) when any
    weight is not a whole number, else ``"greenwood"`` (also without weights).

    R's ``survival::survfit`` rule (``survfitKM``: ``robust`` defaults to TRUE when
    ``any(weights != floor(weights))``): whole-number weights are case (frequency) weights, for which
    Greenwood on the weighted counts is right; respondent weights vary, and their variability widens the
    interval.

    Examples
    --------
    >>> variance_kind(None), variance_kind([1, 2, 3]), variance_kind([0.8, 1.3])
    ('greenwood', 'greenwood', 'robust')
    """
    if weights is None:
        return GREENWOOD
    w = np.asarray(weights, dtype=float)
    return ROBUST if bool(np.any(w != np.floor(w))) else GREENWOOD


def _km_counts(t: np.ndarray, e: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct times, each row's time index, weighted events and weighted number at risk per time."""
    times, inv = np.unique(t, return_inverse=True)
    deaths = np.bincount(inv, weights=w * e, minlength=len(times))
    leaving = np.bincount(inv, weights=w, minlength=len(times))
    return times, inv, deaths, leaving[::-1].cumsum()[::-1]


def _greenwood_pieces(deaths: np.ndarray, at_risk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per time: Greenwood's term ``d / (n (n − d))`` and ``1 / (n − d)`` (0 without events; inf where
    floating-point weight sums leave ``n − d`` a hair above or below zero: everyone left, undefined there)."""
    gap = at_risk - deaths
    ok = gap > 1e-9 * np.maximum(at_risk, 1)
    ev = deaths > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(ev, np.where(ok, deaths / (at_risk * gap), np.inf), 0.0)
        inv_gap = np.where(ev, np.where(ok, 1.0 / gap, np.inf), 0.0)
    return term, inv_gap


def _km_steps(t: np.ndarray, e: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """The Kaplan–Meier curve at every distinct time with what its variances need: ``(times, inv, S, G,
    inv_gap)``, ``G`` Greenwood's cumulative sum. A step where floating-point weight sums leave ``n − d`` a hair
    from zero (everyone left) drops the curve to exactly 0."""
    times, inv, deaths, at_risk = _km_counts(t, e, w)
    term, inv_gap = _greenwood_pieces(deaths, at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(deaths > 0, np.where(np.isfinite(inv_gap), 1 - deaths / at_risk, 0.0), 1.0)
    return times, inv, np.clip(np.cumprod(factor), 0.0, 1.0), np.cumsum(term), inv_gap


def _km_log_variance(t: np.ndarray, e: np.ndarray, w: np.ndarray | None, at: np.ndarray,
                     kind: str) -> np.ndarray:
    """Variance of ``log S(h)`` for each ``h`` in ``at``: Greenwood's sum, or the infinitesimal jackknife.

    Robust (R ``survfitkm.c``, ``robust=TRUE``): the influence of customer ``k`` (weight ``w_k``, followed to
    ``T_k``) on ``log S(h)`` is ``w_k U_k`` with ``U_k = G(min(T_k, h)) − e_k 1[T_k ≤ h] / (n(T_k) − d(T_k))``,
    ``G`` Greenwood's cumulative sum; ``Var = Σ_k w_k² U_k²``, summed per distinct time (vectorised).
    """
    t = np.asarray(t, dtype=float)
    e = np.asarray(e, dtype=float)
    at = np.asarray(at, dtype=float)
    w1 = np.ones_like(t) if w is None else np.asarray(w, dtype=float)
    times, inv, deaths, at_risk = _km_counts(t, e, w1)
    term, inv_gap = _greenwood_pieces(deaths, at_risk)
    G = np.cumsum(term)
    idx = np.searchsorted(times, at, side="right") - 1
    if kind == GREENWOOD:
        return np.where(idx >= 0, G[np.maximum(idx, 0)], 0.0)
    return _ij_log_variance(inv, e, w1, G, inv_gap, idx)


def _ij_log_variance(inv: np.ndarray, e: np.ndarray, w: np.ndarray, G: np.ndarray, inv_gap: np.ndarray,
                     idx: np.ndarray) -> np.ndarray:
    """The infinitesimal-jackknife ``Var(log S)`` at time indices ``idx`` (see :func:`_km_log_variance`)."""
    w2 = w * w
    w2e = np.bincount(inv, weights=w2 * e, minlength=len(G))
    w2c = np.bincount(inv, weights=w2 * (1 - e), minlength=len(G))
    with np.errstate(invalid="ignore", over="ignore"):
        per_time = np.where(w2e > 0, w2e * (G - inv_gap) ** 2, 0.0) + np.where(w2c > 0, w2c * G ** 2, 0.0)
    per_time = np.where(np.isfinite(per_time), per_time, np.inf)
    ended = np.cumsum(per_time)
    beyond = (w2e + w2c)[::-1].cumsum()[::-1]          # Σ w² of those followed past each time
    beyond = np.r_[beyond[1:], 0.0]
    j = np.maximum(idx, 0)
    with np.errstate(invalid="ignore"):
        v = ended[j] + np.where(beyond[j] > 0, beyond[j] * G[j] ** 2, 0.0)
    return np.where(idx >= 0, np.where(np.isfinite(v), v, np.inf), 0.0)


def _km_curve(t: np.ndarray, e: np.ndarray, w: np.ndarray | None, kind: str) -> tuple[np.ndarray, ...]:
    """Kaplan–Meier curve at time 0 and every distinct time: ``(times, S, Var(log S))``.

    A step where floating-point weight sums leave ``n − d`` a hair from zero (everyone left) drops the curve
    to exactly 0 (lifelines kept the previous value there).
    """
    w1 = np.ones_like(t) if w is None else np.asarray(w, dtype=float)
    times, inv, surv, G, inv_gap = _km_steps(t, e, w1)
    v = G if kind == GREENWOOD else _ij_log_variance(inv, e, w1, G, inv_gap, np.arange(len(times)))
    if not len(times) or times[0] > 0:
        times, surv, v = np.r_[0.0, times], np.r_[1.0, surv], np.r_[0.0, v]
    return times, surv, v


def _loglog_bounds(surv: np.ndarray, v: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Exponential Greenwood ("log-log") bounds ``S ** exp(±z √V / log S)`` for ``V = Var(log S)``; (1, 1) at
    ``S = 1``, missing where ``S`` reached 0 or ``V`` is undefined."""
    z = _z(ci)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(surv)
        centre = np.log(-log_s)
        lo = np.exp(-np.exp(centre - z * np.sqrt(v) / log_s))  # log S < 0: this side is the lower bound
        hi = np.exp(-np.exp(centre + z * np.sqrt(v) / log_s))
    one = surv >= 1.0
    undefined = (surv <= 1e-12) | ~np.isfinite(v)
    lo = np.where(one, 1.0, np.where(undefined, np.nan, lo))
    hi = np.where(one, 1.0, np.where(undefined, np.nan, hi))
    return lo, hi


# -- Kaplan–Meier curves --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class KaplanMeier(Result):
    """Kaplan–Meier curves: one row per group and event/censoring time (time 0 included).

    Attributes
    ----------
    table : DataFrame
        ``<by>, time, survival, ci_low, ci_high, at_risk, n`` (+ ``n_effective`` when weighted); ``<by>`` is
        the grouping column's name (absent without ``by``); ``at_risk`` counts people, ``n`` is the group's
        size.
    by : str or None
        The grouping column.
    duration, event : str
        The duration and event columns.
    weighted : bool
        Whether weights were applied.
    ci : float
        Confidence level.
    variance : str
        The variance behind the intervals: ``"greenwood"`` (unweighted, or whole-number weights) or
        ``"robust"`` (the infinitesimal jackknife, for weights that are not whole numbers; R's ``survfit``
        default).
    groups : list of str
        The groups drawn, in order (``["all"]`` without ``by``).

    Examples
    --------
    >>> from lifelines.datasets import load_waltons
    >>> curves = km(load_waltons(), duration="T", event="E", by="group")
    >>> curves.table.columns.tolist(), curves.groups, curves.n
    (['group', 'time', 'survival', 'ci_low', 'ci_high', 'at_risk', 'n'], ['control', 'miR-137'], 163)
    >>> curves.by, curves.duration, curves.event, curves.weighted, curves.ci
    ('group', 'T', 'E', False, 0.95)
    >>> curves.table.groupby("group")["survival"].first().tolist()  # each curve starts at time 0
    [1.0, 1.0]
    >>> curves.headline()
    'Kaplan–Meier survival of 2 group(s) (n=163).'
    """

    by: str | None = None
    duration: str = ""
    event: str = ""
    weighted: bool = False
    ci: float = 0.95
    variance: str = GREENWOOD

    @property
    def groups(self) -> list[str]:
        """The groups drawn, in order (``["all"]`` without ``by``)."""
        return list(dict.fromkeys(self._table[self.by])) if self.by else ["all"]

    @property
    def n(self) -> int:
        """Customers behind the curves (the groups' sizes added up)."""
        if not len(self._table):
            return 0
        return int(self._table.groupby(self.by, sort=False)["n"].first().sum()) if self.by else int(self._table["n"].iloc[0])

    def headline(self) -> str:
        from .report import Markdown

        return Markdown(f"Kaplan–Meier survival of {len(self.groups):,} group(s) (n={self.n:,}).")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """:func:`cxlib.plots.survival_curves` of these curves (``min_cell``, ``horizon``, ``title`` accepted)."""
        from . import plots

        return plots.survival_curves(self, ax=ax, **kwargs)


def km(data: pd.DataFrame, *, duration: str, event: str, by: str | None = None, weight: str | None = None,
       ci: float = 0.95) -> KaplanMeier:
    """Kaplan–Meier survival curves, per group.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    duration, event : str
        Days observed and the 0/1 churn indicator (1 = left).
    by : str, optional
        Grouping column (e.g. ``segment``, a wave, a region); one curve per group.
    weight : str, optional
        Respondent weights (weighted Kaplan–Meier).
    ci : float
        Confidence level.

    Returns
    -------
    KaplanMeier
        ``.table``: ``<by>, time, survival, ci_low, ci_high, at_risk, n`` (+ ``n_effective`` with weights).
        Customers with a missing duration, event, weight or group are left out.

    Notes
    -----
    ``S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)`` on (weighted) counts. Intervals are the exponential Greenwood
    ("log-log") interval ``S ** exp(±z √V / log S)`` with ``V`` the variance of ``log S``:

    - unweighted, or with whole-number (frequency) weights: Greenwood's ``V = Σ d / (n (n − d))``;
    - with weights that are not whole numbers (respondent weights): the infinitesimal-jackknife (robust)
      variance ``V = Σ_k w_k² U_k²``, ``U_k = Σ_{t_i ≤ min(T_k, t)} d_i / (n_i (n_i − d_i)) −
      e_k 1[T_k ≤ t] / (n(T_k) − d(T_k))`` the influence of customer ``k`` on ``log S(t)``, which accounts for
      the weights' variability (Greenwood on weighted counts treats them as counts of people and is too
      narrow).

    This is R's ``survival::survfit(..., conf.type = "log-log")`` default in both cases (``robust`` is TRUE
    there when any weight is not a whole number): equal to it to 1e-9 (curve, standard error, bounds;
    tests/test_r_reference.py), and unweighted to lifelines' ``KaplanMeierFitter`` wherever lifelines'
    interval is defined (tests/test_survival.py). Where the curve reaches 0 the interval is undefined and
    given as missing.

    References
    ----------
    Therneau, T. M. & Grambsch, P. M. (2000). *Modeling Survival Data*, §2.2 and §7.2 (infinitesimal jackknife);
    R package survival, ``survfitKM`` / ``survfitkm.c``.

    Examples
    --------
    >>> from lifelines.datasets import load_waltons
    >>> curves = km(load_waltons(), duration="T", event="E", by="group")
    >>> curves.groups, curves.table.columns.tolist()
    (['control', 'miR-137'], ['group', 'time', 'survival', 'ci_low', 'ci_high', 'at_risk', 'n'])
    """
    data, ci = _prepare(data, "survival.km", duration=duration, event=event, by=by, weight=weight, ci=ci)
    key = by or "group"
    kind = variance_kind(data[weight].to_numpy(float) if weight else None)
    parts = []
    for name, g in _groups(data, by):
        if g.empty:
            continue
        t = g[duration].to_numpy(float)
        times, surv, v = _km_curve(t, g[event].to_numpy(float), g[weight].to_numpy(float) if weight else None, kind)
        durations = np.sort(t)
        at_risk = len(durations) - np.searchsorted(durations, times, side="left")  # people, not weight sums
        lo, hi = _loglog_bounds(surv, v, ci)
        part = pd.DataFrame({key: name, "time": times, "survival": surv, "ci_low": lo, "ci_high": hi,
                             "at_risk": at_risk, "n": len(g)})
        if weight:
            part["n_effective"] = kish_effective_n(g[weight])
        parts.append(part)
    cols = [key, "time", "survival", "ci_low", "ci_high", "at_risk", "n"] + (["n_effective"] if weight else [])
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    if by is None:
        table = table.drop(columns=[key])
    return KaplanMeier(table, by=by, duration=duration, event=event, weighted=bool(weight), ci=ci,
                       variance=kind)


def _plot_by_group(result: Any, column: str, function: str, what: str, *, ax: Any, default_title: str,
                   default_xlabel: str, **kwargs: Any) -> Any:
    """Bars of one estimate per group with intervals (:func:`cxlib.plots.estimates`), groups not estimable left
    out; shared by :meth:`Attrition.plot` and :meth:`RMST.plot`."""
    from . import plots

    t = result._table
    ok = [g not in result.excluded for g in result.groups]
    d = pd.DataFrame({"label": [_first_upper(g) for g in result.groups], "estimate": t[column],
                      "ci_low": t["ci_low"], "ci_high": t["ci_high"], "n": t["n"]})[ok]
    if d.empty:
        raise ArgumentError(f"{function}: no group's {what} could be estimated, so there is nothing to draw",
                            function=function, argument="data")
    kwargs.setdefault("title", f"{default_title} (n={int(d['n'].sum()):,})")
    kwargs.setdefault("xlabel", default_xlabel)
    return plots.estimates(d, label="label", ax=ax, **kwargs)


def km_at(duration: np.ndarray, event: np.ndarray, horizon: float, *, weights: np.ndarray | None = None,
          ci: float = 0.95, variance: str | None = None) -> tuple[float, float, float, float]:
    """Kaplan–Meier survival at ``horizon`` from arrays: ``(S, V, ci_low, ci_high)``.

    The one implementation of "survival (or attrition) at a horizon" in cxlib: :func:`attrition`, the wave
    comparisons and the resampling loops all call it. ``V`` is the variance of ``log S`` (so
    ``se(S) = S √V``): Greenwood's ``Σ_{t ≤ h} d / (n (n − d))`` unweighted or with whole-number weights,
    the infinitesimal-jackknife (robust) variance with weights that are not whole numbers, as :func:`km`
    (whose Notes give the formulas) and R's ``survfit``. The interval is the exponential Greenwood
    ("log-log") one on that variance. NaN throughout when nobody was followed to ``horizon`` (no
    extrapolation) or there is no data.

    ``variance`` (``"greenwood"`` or ``"robust"``) overrides the choice made from ``weights``: a caller
    computing several groups of one weighted sample passes the sample's kind (R decides it once per call of
    ``survfit``, over all the weights).

    Notes
    -----
    ``S(h) = Π_{t_i ≤ h} (1 − d_i / n_i)`` with ``d_i`` the (weighted) events at ``t_i`` and ``n_i`` the
    (weighted) number still at risk. Equal to lifelines' ``KaplanMeierFitter`` (tests/test_survival.py) and,
    weighted, to R's ``survfit(Surv(t, e) ~ 1, weights = w, conf.type = "log-log")`` (standard error and
    bounds, tests/test_r_reference.py). The unweighted path costs one ``np.unique`` and two ``bincount``
    passes; the robust one two more ``bincount`` passes.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi()
    >>> s, v, lo, hi = km_at(r["week"].to_numpy(), r["arrest"].to_numpy(), 52)
    >>> round(1 - s, 3), bool(lo < s < hi)
    (0.264, True)
    """
    if variance is not None and variance not in (GREENWOOD, ROBUST):
        raise ArgumentError(f"survival.km_at: variance must be 'greenwood', 'robust' or None, not {variance!r}",
                            function="survival.km_at", argument="variance")
    t = np.asarray(duration, dtype=float)
    e = np.asarray(event, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    if t.size == 0 or not np.isfinite(horizon) or t.max() < horizon:
        return (np.nan, np.nan, np.nan, np.nan)
    times, inv, deaths, at_risk = _km_counts(t, e, w)
    keep = (times <= horizon) & (deaths > 0)
    d, n = deaths[keep], at_risk[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = float(np.prod(1 - d / n)) if keep.any() else 1.0
        gap = n - d
        # Floating-point weight sums can leave n − d a hair below zero where everyone left: undefined there.
        v = float(np.sum(np.where(gap > 1e-9 * np.maximum(n, 1), d / (n * gap), np.inf))) if keep.any() else 0.0
    if keep.any() and np.isfinite(v) and (variance or variance_kind(weights)) == ROBUST:
        term, inv_gap = _greenwood_pieces(deaths, at_risk)
        idx = np.array([np.searchsorted(times, horizon, side="right") - 1])
        v = float(_ij_log_variance(inv, e, w, np.cumsum(term), inv_gap, idx)[0])
    surv = min(max(surv, 0.0), 1.0)
    lo, hi = _exp_greenwood_bounds(surv, v, ci)
    return surv, v, lo, hi


def _exp_greenwood_bounds(surv: float, v: float, ci: float) -> tuple[float, float]:
    if surv >= 1.0:
        return 1.0, 1.0
    if surv <= 1e-12 or not np.isfinite(v):
        return np.nan, np.nan
    z = _z(ci)
    log_s = np.log(surv)
    centre = np.log(-log_s)
    return (float(np.exp(-np.exp(centre - z * np.sqrt(v) / log_s))),
            float(np.exp(-np.exp(centre + z * np.sqrt(v) / log_s))))


# -- attrition at a horizon -----------------------------------------------------------------------
def _days(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True, eq=False)
class Attrition(Result):
    """Share of customers lost by ``horizon`` days (1 − S(horizon)), per group, with its interval.

    Attributes
    ----------
    table : DataFrame
        ``<by>, n, events, attrition, se, ci_low, ci_high, followed_to_horizon`` (+ ``n_effective`` when
        weighted; ``<by>`` absent without ``by``). ``se`` is the standard error ``S √V`` of :func:`km_at`.
    by : str or None
        The grouping column.
    horizon : float
        The horizon, in the duration's unit.
    weighted : bool
        Whether weights were applied.
    ci : float
        Confidence level.
    variance : str
        ``"greenwood"`` or ``"robust"`` (weights that are not whole numbers), as :attr:`KaplanMeier.variance`.
    excluded : dict
        ``{group: Reason}`` for each group that could not be estimated (``horizon_past_follow_up``,
        ``no_data``); its numbers are missing, never extrapolated.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> a = attrition(r, duration="week", event="arrest", horizon=52, by="aid")
    >>> a.table.columns.tolist()
    ['aid', 'n', 'events', 'attrition', 'se', 'ci_low', 'ci_high', 'followed_to_horizon']
    >>> a.groups, a.n, a.horizon, round(a.estimate("aid").estimate, 3), a.excluded
    (['aid', 'no aid'], 432, 52.0, 0.222, {})
    >>> attrition(r, duration="week", event="arrest", horizon=500).excluded["all"].code
    'horizon_past_follow_up'
    >>> a.headline().startswith("Left within 52 days:")
    True
    """

    by: str | None = None
    horizon: float = 365.0
    weighted: bool = False
    ci: float = 0.95
    excluded: dict = field(default_factory=dict)
    variance: str = GREENWOOD

    @property
    def groups(self) -> list[str]:
        return [str(g) for g in self._table[self.by]] if self.by else ["all"]

    def estimate(self, group: Any = None) -> Estimate:
        """The attrition of one group (or of everyone, without ``by``) as an :class:`Estimate`."""
        name = "all" if self.by is None else _group_name(group, self.groups, "Attrition.estimate", "group")
        row = self._table.iloc[self.groups.index(name)]
        n_eff = float(row["n_effective"]) if self.weighted else None
        method = KM_ROBUST_METHOD if self.variance == ROBUST else KM_METHOD
        if name in self.excluded:
            return Estimate.missing(self.excluded[name], n=int(row["n"]), n_effective=n_eff, method=method)
        return Estimate(float(row["attrition"]), float(row["ci_low"]), float(row["ci_high"]), n=int(row["n"]),
                        n_effective=n_eff, method=method)

    @property
    def n(self) -> int:
        return int(self._table["n"].sum()) if len(self._table) else 0

    def headline(self) -> str:
        from .report import Markdown, ci_text, text

        parts = []
        for g in self.groups:
            e = self.estimate(None if self.by is None else g)
            who = "customers" if self.by is None else f"{text(g)} customers"
            if e.estimable:
                parts.append(f"{who}: {ci_text(e.estimate * 100, e.ci_low * 100, e.ci_high * 100, fmt='{:.0f}%', n=e.n)}")
            else:
                parts.append(f"{who}: not estimable ({e.reason.sentence})")
        return Markdown(f"Left within {_days(self.horizon)} days: " + "; ".join(parts) + ".")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Bars of attrition with intervals (:func:`cxlib.plots.estimates`); groups not estimable are left out."""
        return _plot_by_group(self, "attrition", "Attrition.plot", "attrition", ax=ax,
                              default_title=f"Left within {_days(self.horizon)} days",
                              default_xlabel="Customers who left (%), 95% CI", **{"scale": 100, "fmt": "{:.0f}%", **kwargs})

    def to_dict(self) -> dict[str, Any]:
        """``{group: {"estimate", "ci_low", "ci_high", "n", ["n_effective"], "horizon", ["reason", "note"]}}``."""
        out = {}
        for g in self.groups:
            d = self.estimate(None if self.by is None else g).to_dict()
            d.pop("method", None)
            out[g] = {**d, "horizon": self.horizon}
        return out


def attrition(data: pd.DataFrame, *, duration: str, event: str, horizon: float, by: str | None = None,
              weight: str | None = None, ci: float = 0.95) -> Attrition:
    """Share of customers lost by ``horizon`` days, per group, with its interval (built on :func:`km_at`).

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    duration, event : str
        Days observed and 0/1 churn.
    horizon : float
        Days; must be above 0. A group nobody was followed that long is not estimable
        (reason ``horizon_past_follow_up``), never extrapolated.
    by, weight, ci
        Grouping column, respondent-weight column, confidence level.

    Returns
    -------
    Attrition
        ``.table``: ``<by>, n, events, attrition, se, ci_low, ci_high, followed_to_horizon``
        (+ ``n_effective`` with weights); ``.estimate(group)``; ``.excluded``.

    Notes
    -----
    ``1 − S(h)`` with ``S`` the (weighted) Kaplan–Meier estimate and the log-log interval, both from
    :func:`km_at` (Greenwood's variance, or the robust one for weights that are not whole numbers, as R's
    ``survfit``); ``events`` counts churn up to the horizon. Equal to lifelines'
    ``KaplanMeierFitter.survival_function_at_times`` (tests/test_survival.py) and to R's ``survfit`` by
    group with weights (tests/test_r_reference.py).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> a = attrition(r, duration="week", event="arrest", horizon=52, by="aid")
    >>> a.table[["aid", "n", "attrition"]].round(3).values.tolist()
    [['aid', 216, 0.222], ['no aid', 216, 0.306]]
    >>> attrition(r, duration="week", event="arrest", horizon=500).estimate().note
    'no customer was followed for 500 days (the longest follow-up is 52 days)'
    """
    function = "survival.attrition"
    horizon = _horizon(horizon, function)
    data, ci = _prepare(data, function, duration=duration, event=event, by=by, weight=weight, ci=ci)
    kind = variance_kind(data[weight].to_numpy(float) if weight else None)
    rows, excluded = [], {}
    for name, g in _groups(data, by):
        t = g[duration].to_numpy(float)
        e = g[event].to_numpy(float)
        w = g[weight].to_numpy(float) if weight else None
        followed = bool(len(t) and t.max() >= horizon)
        row = {by or "group": name, "n": len(g), "events": int(((t <= horizon) & (e == 1)).sum()),
               "attrition": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "followed_to_horizon": followed}
        if weight:
            row["n_effective"] = kish_effective_n(w) if len(g) else 0.0
        if not len(g):
            excluded[name] = Reason.of("no_data")
        elif not followed:
            excluded[name] = Reason.of("horizon_past_follow_up", horizon=horizon, longest=float(t.max()))
        else:
            s, v, lo, hi = km_at(t, e, horizon, weights=w, ci=ci, variance=kind)
            row.update({"attrition": 1 - s, "se": s * math.sqrt(v) if np.isfinite(v) else np.nan,
                        "ci_low": 1 - hi, "ci_high": 1 - lo})
        rows.append(row)
    table = pd.DataFrame(rows)
    if by is None:
        table = table.drop(columns=["group"])
    return Attrition(table, by=by, horizon=horizon, weighted=bool(weight), ci=ci, excluded=excluded, variance=kind)


def customers_kept(result: Attrition, *, a: str = "fully connected", b: str = "highly satisfied",
                   per: float = 1000) -> Estimate:
    """Customers kept per ``per`` if group ``b`` left like group ``a``: ``per × (attrition_b − attrition_a)``.

    The reviewer's sentence "if highly satisfied customers stayed like fully connected ones, about 84 more
    of every 1,000 would still be customers after 365 days".

    Parameters
    ----------
    result : Attrition
        From :func:`attrition` with ``by`` the grouping that holds ``a`` and ``b``.
    a, b : str
        The group whose attrition is the target (``a``) and the group compared with it (``b``).
    per : float
        Customers per how many (1,000).

    Returns
    -------
    Estimate
        With a normal interval at the result's confidence level; not estimable (with the group's reason)
        when either attrition is.

    Notes
    -----
    The groups are independent, so by the delta method ``Var = S_a² V_a + S_b² V_b`` (times ``per²``),
    with ``V`` the variances of ``log S`` of :func:`km_at` (``se(S) = S √V``): Greenwood's, or the robust
    (infinitesimal-jackknife) one when the attrition was computed with weights that are not whole numbers.
    Checked against a bootstrap of the two groups in tests/test_survival.py (unweighted and weighted, the
    weighted bootstrap resampling customers with their weights) and, through the attrition's standard
    errors, against R's ``survfit`` (tests/test_r_reference.py).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> kept = customers_kept(attrition(r, duration="week", event="arrest", horizon=52, by="aid"), a="aid", b="no aid")
    >>> round(kept.estimate), round(kept.ci_low), round(kept.ci_high), kept.n
    (83, 1, 166, 432)
    """
    function = "survival.customers_kept"
    if not isinstance(result, Attrition):
        raise ArgumentError(f"{function}: result must be the Attrition returned by survival.attrition, not "
                            f"{type(result).__name__}", function=function, argument="result")
    if result.by is None:
        raise ArgumentError(f"{function}: result has no groups; compute it with by=", function=function,
                            argument="result")
    a = _group_name(a, result.groups, function, "a")
    b = _group_name(b, result.groups, function, "b")
    per = checks.positive(per, function, "per")
    ea, eb = result.estimate(a), result.estimate(b)
    n = ea.n + eb.n
    n_eff = (ea.n_effective or 0) + (eb.n_effective or 0) if result.weighted else None
    method = ("difference of Kaplan–Meier attrition, delta-method interval on the "
              + ("infinitesimal-jackknife (robust) variances" if result.variance == ROBUST else "Greenwood variances"))
    for e in (ea, eb):
        if not e.estimable:
            return Estimate.missing(e.reason, n=n, n_effective=n_eff, method=method)
    t = result.table.set_index(result.by)
    se = per * math.hypot(float(t.loc[a, "se"]), float(t.loc[b, "se"]))
    est = per * (eb.estimate - ea.estimate)
    z = _z(result.ci)
    if not np.isfinite(se):
        return Estimate(est, np.nan, np.nan, n=n, n_effective=n_eff, method=method)
    return Estimate(est, est - z * se, est + z * se, n=n, n_effective=n_eff, method=method)


# -- log-rank tests -------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Test(Result):
    """A test result: ``statistic``, degrees of freedom ``df``, ``p_value`` and the ``test`` name.

    The one test type of this module. :func:`logrank`'s table is one row ``statistic, df, p_value, n``;
    :func:`pairwise_logrank`'s holds one row per pair ``a, b, statistic, df, p_value, p_adjusted, n`` and
    its attributes give the overall test. ``reason`` is set when the test could not be made.

    Attributes
    ----------
    table : DataFrame
        ``statistic, df, p_value, n`` (:func:`logrank`) or ``a, b, statistic, df, p_value, p_adjusted, n``
        (:func:`pairwise_logrank`).
    statistic, df, p_value : float, int, float
        The (overall) test.
    test : str
        The test's name (``"log-rank"``).
    by : str or None
        The grouping column.
    adjust : str
        The p-value adjustment of the pairwise tests ("" for :func:`logrank`).
    reason : Reason or None
        Set when the test could not be made.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> t = logrank(r, duration="week", event="arrest", by="aid")
    >>> t.table.columns.tolist(), t.test, t.df, t.estimable, round(t.p_value, 3)
    (['statistic', 'df', 'p_value', 'n'], 'log-rank', 1, True, 0.05)
    >>> pw = pairwise_logrank(r, duration="week", event="arrest", by="aid")
    >>> pw.table.columns.tolist(), pw.adjust
    (['a', 'b', 'statistic', 'df', 'p_value', 'p_adjusted', 'n'], 'holm')
    >>> t.headline().startswith("The curves are not distinguishable (log-rank test")
    True
    """

    __test__ = False  # not a pytest test class

    statistic: float = float("nan")
    df: int = 0
    p_value: float = float("nan")
    test: str = "log-rank"
    by: str | None = None
    adjust: str = ""
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None and math.isfinite(self.statistic)

    def headline(self) -> str:
        from .report import Markdown, number, p_value, text

        if not self.estimable:
            return Markdown(f"No {self.test} test: {self.reason.sentence if self.reason else 'not estimable'}.")
        verb = "differ" if self.p_value < 0.05 else "are not distinguishable"
        out = (f"The curves {verb} ({self.test} test, χ² = {number(self.statistic, '{:,.1f}')} on {self.df} "
               f"degree{'s' if self.df != 1 else ''} of freedom, {p_value(self.p_value)}).")
        if self.adjust and len(self._table):
            pairs = "; ".join(f"{text(r.a)} vs {text(r.b)}: {p_value(r.p_adjusted)}" for r in self._table.itertuples())
            out += f" Pairwise, {self.adjust.capitalize()}-adjusted: {pairs}."
        return Markdown(out)


def _logrank_inputs(data, function, duration, event, by):
    if by is None:
        raise ArgumentError(f"{function}: by is needed (the column whose groups are compared)", function=function,
                            argument="by")
    data, _ = _prepare(data, function, duration=duration, event=event, by=by)
    return data


def logrank(data: pd.DataFrame, *, duration: str, event: str, by: str) -> Test:
    """Log-rank test that the survival curves of all groups in ``by`` are equal (lifelines).

    Each customer counts once (the test is unweighted). Not estimable (``reason``) with fewer than two
    groups or no churn.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> t = logrank(r, duration="week", event="arrest", by="aid")
    >>> round(t.statistic, 2), t.df, round(t.p_value, 3), t.n
    (3.84, 1, 0.05, 432)
    """
    from lifelines.statistics import multivariate_logrank_test

    data = _logrank_inputs(data, "survival.logrank", duration, event, by)
    n = len(data)
    groups = [name for name, g in _groups(data, by) if len(g)]
    reason = None
    if len(groups) < 2:
        reason = Reason.of("single_group")
    elif data[event].sum() == 0:
        reason = Reason.of("no_events")
    if reason is not None:
        return Test(pd.DataFrame({"statistic": [np.nan], "df": [0], "p_value": [np.nan], "n": [n]}), by=by,
                    reason=reason)
    res = multivariate_logrank_test(data[duration], data[by].astype(str), data[event])
    stat, df, p = float(res.test_statistic), int(res.degrees_of_freedom), float(res.p_value)
    return Test(pd.DataFrame({"statistic": [stat], "df": [df], "p_value": [p], "n": [n]}), statistic=stat, df=df,
                p_value=p, by=by)


def pairwise_logrank(data: pd.DataFrame, *, duration: str, event: str, by: str, adjust: str = "holm") -> Test:
    """Log-rank test for every pair of groups, with p-values adjusted for multiple testing.

    Returns
    -------
    Test
        The overall test (as :func:`logrank`) with a table of pairs ``a, b, statistic, df, p_value,
        p_adjusted, n`` (Holm by default; any statsmodels ``multipletests`` method).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> pairwise_logrank(r, duration="week", event="arrest", by="aid").table.columns.tolist()
    ['a', 'b', 'statistic', 'df', 'p_value', 'p_adjusted', 'n']
    """
    from lifelines.statistics import logrank_test
    from statsmodels.stats.multitest import multipletests

    function = "survival.pairwise_logrank"
    adjust = checks.choice(adjust, ["holm", "bonferroni", "fdr_bh", "hommel", "sidak", "holm-sidak", "fdr_by"],
                           function, "adjust")
    overall = logrank(data, duration=duration, event=event, by=by)
    data = _logrank_inputs(data, function, duration, event, by)
    groups = [(n, g) for n, g in _groups(data, by) if len(g)]
    rows = []
    if overall.estimable:
        for i, (a, ga) in enumerate(groups):
            for b, gb in groups[i + 1:]:
                if ga[event].sum() + gb[event].sum() == 0:
                    stat, p = np.nan, np.nan
                else:
                    res = logrank_test(ga[duration], gb[duration], ga[event], gb[event])
                    stat, p = float(res.test_statistic), float(res.p_value)
                rows.append({"a": a, "b": b, "statistic": stat, "df": 1, "p_value": p, "n": len(ga) + len(gb)})
    out = pd.DataFrame(rows, columns=["a", "b", "statistic", "df", "p_value", "n"])
    adjusted = np.full(len(out), np.nan)
    ok = out["p_value"].notna().to_numpy()
    if ok.any():
        adjusted[ok] = multipletests(out.loc[ok, "p_value"], method=adjust)[1]
    out.insert(5, "p_adjusted", adjusted)
    return Test(out, statistic=overall.statistic, df=overall.df, p_value=overall.p_value, by=by, adjust=adjust,
                reason=overall.reason)


# -- restricted mean survival time ----------------------------------------------------------------
def _rmst_one(t: np.ndarray, e: np.ndarray, tau: float, w: np.ndarray | None = None,
              kind: str | None = None) -> tuple[float, float]:
    """RMST up to ``tau`` and its sampling variance, on (weighted) counts.

    Greenwood kind (Klein & Moeschberger 2003, §4.5; R's ``survmean``, ``print(fit, rmean = tau)``):
    ``Var = Σ_{t_i ≤ τ} A_i² d_i / (n_i (n_i − d_i))`` with ``A_i = ∫_{t_i}^{τ} S(u) du``. lifelines'
    ``return_variance=True`` returns the variance of the truncated survival time instead (lifelines issue
    #1682), which is not this.

    Robust kind (weights that are not whole numbers): the infinitesimal jackknife, ``Var = Σ_k I_k²`` with
    ``I_k = ∫_0^τ infl_k(u) du`` the integral of customer ``k``'s influence on ``S`` (R ``survfit``'s
    ``influence.surv``, ``S · w_k U_k``, see :func:`km`). Per distinct time ``u_j ≤ τ``, with ``G_j``
    Greenwood's cumulative sum, ``c_j = 1/(n_j − d_j)``, ``A_j = ∫_{u_j}^τ S`` and ``B_j = ∫_0^{u_j} S G``:
    ``I_k = w_k (B_j + (G_j − e_k c_j) A_j)`` for a customer followed to ``u_j``, ``w_k B(τ)`` for one
    followed past ``τ``.
    """
    t = np.asarray(t, float)
    e = np.asarray(e, float)
    kind = kind or variance_kind(w)
    w = np.ones_like(t) if w is None else np.asarray(w, float)
    if kind == ROBUST:
        return _rmst_robust(t, e, tau, w)
    times, inv = np.unique(t, return_inverse=True)
    deaths = np.bincount(inv, weights=w * e, minlength=len(times))
    leaving = np.bincount(inv, weights=w, minlength=len(times))
    at_risk = leaving[::-1].cumsum()[::-1]
    keep = (times <= tau) & (deaths > 0)
    times, d, n_at = times[keep], deaths[keep], at_risk[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1 - d / n_at)
    knots = np.r_[0.0, times, tau]
    s_steps = np.r_[1.0, surv]
    areas = s_steps * np.diff(knots)           # area of each step up to tau
    rmst_value = float(areas.sum())
    tail = np.cumsum(areas[::-1])[::-1][1:]    # A_i: area from t_i to tau
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n_at - d > 1e-9 * np.maximum(n_at, 1), tail**2 * d / (n_at * (n_at - d)), 0.0)
    return rmst_value, float(terms.sum())


def _rmst_robust(t: np.ndarray, e: np.ndarray, tau: float, w: np.ndarray) -> tuple[float, float]:
    """RMST and its infinitesimal-jackknife variance (see :func:`_rmst_one`), summed per distinct time."""
    times, inv, surv, G, inv_gap = _km_steps(t, e, w)
    m = int(np.searchsorted(times, tau, side="right"))   # times u_0 .. u_{m-1} are ≤ tau
    u = times[:m]
    width = np.diff(np.r_[u, tau])                       # [u_j, u_{j+1}) cut at tau
    area = surv[:m] * width
    first = float(u[0]) if m else float(tau)             # S = 1 before the first time
    rmst_value = first + float(area.sum())
    A = np.cumsum(area[::-1])[::-1]                       # ∫_{u_j}^tau S
    with np.errstate(invalid="ignore"):
        sg = np.where(area > 0, area * G[:m], 0.0)       # G is 0 before u_0
    B = np.r_[0.0, np.cumsum(sg)]                         # B[j] = ∫_0^{u_j} S G ; B[m] = B(tau)
    w2 = w * w
    w2e = np.bincount(inv, weights=w2 * e, minlength=len(times))[:m]
    w2c = np.bincount(inv, weights=w2 * (1 - e), minlength=len(times))[:m]
    beyond = float(w2[t > tau].sum())
    with np.errstate(invalid="ignore", over="ignore"):
        # Where the curve has reached 0 nothing is left to integrate (A = 0): the influence stops there.
        ev = np.where(w2e > 0, w2e * (B[:m] + np.where(A > 0, (G[:m] - inv_gap[:m]) * A, 0.0)) ** 2, 0.0)
        ce = np.where(w2c > 0, w2c * (B[:m] + np.where(A > 0, G[:m] * A, 0.0)) ** 2, 0.0)
        var = float(ev.sum() + ce.sum() + (beyond * B[m] ** 2 if beyond > 0 else 0.0))
    return rmst_value, var if np.isfinite(var) else np.inf


RMST_METHOD = "area under the Kaplan–Meier curve, Klein–Moeschberger variance, normal interval"
RMST_ROBUST_METHOD = ("area under the weighted Kaplan–Meier curve, infinitesimal-jackknife (robust) variance, "
                      "normal interval")


@dataclass(frozen=True, eq=False)
class RMST(Result):
    """Restricted mean survival time: expected days retained within ``horizon``, per group.

    Attributes
    ----------
    table : DataFrame
        ``<by>, n, rmst, se, ci_low, ci_high, followed_to_horizon`` (+ ``n_effective`` when weighted).
    by : str or None
        The grouping column.
    horizon : float
        The horizon, in the duration's unit.
    weighted : bool
        Whether weights were applied.
    ci : float
        Confidence level.
    excluded : dict
        ``{group: Reason}`` for groups not estimable (``horizon_past_follow_up``, ``no_data``).
    variance : str
        ``"greenwood"`` (Klein–Moeschberger) or ``"robust"`` (infinitesimal jackknife, for weights that are not
        whole numbers).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> m = rmst(r, duration="week", event="arrest", horizon=52, by="aid")
    >>> m.table.columns.tolist()
    ['aid', 'n', 'rmst', 'se', 'ci_low', 'ci_high', 'followed_to_horizon']
    >>> m.groups, m.n, round(m.estimate("aid").estimate, 1), m.excluded
    (['aid', 'no aid'], 432, 46.9, {})
    >>> rmst(r, duration="week", event="arrest", horizon=500).estimate().reason.code
    'horizon_past_follow_up'
    >>> m.headline().startswith("Days active out of the first 52:")
    True
    """

    by: str | None = None
    horizon: float = 365.0
    weighted: bool = False
    ci: float = 0.95
    excluded: dict = field(default_factory=dict)
    variance: str = GREENWOOD

    @property
    def groups(self) -> list[str]:
        return [str(g) for g in self._table[self.by]] if self.by else ["all"]

    @property
    def n(self) -> int:
        return int(self._table["n"].sum()) if len(self._table) else 0

    def estimate(self, group: Any = None) -> Estimate:
        name = "all" if self.by is None else _group_name(group, self.groups, "RMST.estimate", "group")
        row = self._table.iloc[self.groups.index(name)]
        n_eff = float(row["n_effective"]) if self.weighted else None
        method = RMST_ROBUST_METHOD if self.variance == ROBUST else RMST_METHOD
        if name in self.excluded:
            return Estimate.missing(self.excluded[name], n=int(row["n"]), n_effective=n_eff, method=method)
        return Estimate(float(row["rmst"]), float(row["ci_low"]), float(row["ci_high"]), n=int(row["n"]),
                        n_effective=n_eff, method=method)

    def headline(self) -> str:
        from .report import Markdown, ci_text, text

        parts = []
        for g in self.groups:
            e = self.estimate(None if self.by is None else g)
            who = "customers" if self.by is None else f"{text(g)} customers"
            parts.append(f"{who}: {ci_text(e.estimate, e.ci_low, e.ci_high, fmt='{:,.0f}', n=e.n)}" if e.estimable
                         else f"{who}: not estimable ({e.reason.sentence})")
        return Markdown(f"Days active out of the first {_days(self.horizon)}: " + "; ".join(parts) + ".")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        return _plot_by_group(self, "rmst", "RMST.plot", "days kept", ax=ax,
                              default_title=f"Days active out of the first {_days(self.horizon)}",
                              default_xlabel="Days (restricted mean survival time), 95% CI", **{"fmt": "{:,.0f}", **kwargs})

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for g in self.groups:
            d = self.estimate(None if self.by is None else g).to_dict()
            d.pop("method", None)
            out[g] = {**d, "horizon": self.horizon}
        return out


def rmst(data: pd.DataFrame, *, duration: str, event: str, horizon: float, by: str | None = None,
         weight: str | None = None, ci: float = 0.95) -> RMST:
    """Restricted mean survival time: expected days retained within ``horizon``, per group, with its CI.

    A group nobody was followed to ``horizon`` is not estimable (reason ``horizon_past_follow_up``): the
    curve beyond the last follow-up is unknown, and the area under it is not extrapolated.

    Returns
    -------
    RMST
        ``.table``: ``<by>, n, rmst, se, ci_low, ci_high, followed_to_horizon`` (+ ``n_effective``);
        ``.estimate(group)``.

    Notes
    -----
    The area under the (weighted) Kaplan–Meier curve to the horizon. Unweighted (or with whole-number
    weights) the standard error is the square root of the Klein–Moeschberger variance, equal to R's
    ``print(survfit(...), rmean = tau)`` ``se(rmean)`` (tests/test_r_reference.py), checked against lifelines'
    point estimate and a bootstrap (tests/test_survival.py). With weights that are not whole numbers it is
    the infinitesimal-jackknife variance, the sum of squares of each customer's influence on the area
    (R's ``survfit`` ``influence.surv`` integrated to the horizon, equal to it in tests/test_r_reference.py;
    R's own ``se(rmean)`` keeps the Greenwood-type formula on weighted counts even then, which treats
    weights as counts of people), and agrees with a weighted bootstrap (tests/test_survival.py).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> rmst(r, duration="week", event="arrest", horizon=52, by="aid").table[["aid", "rmst"]].round(1).values.tolist()
    [['aid', 46.9], ['no aid', 44.8]]
    """
    function = "survival.rmst"
    horizon = _horizon(horizon, function)
    data, ci = _prepare(data, function, duration=duration, event=event, by=by, weight=weight, ci=ci)
    z = _z(ci)
    kind = variance_kind(data[weight].to_numpy(float) if weight else None)
    rows, excluded = [], {}
    for name, g in _groups(data, by):
        t = g[duration].to_numpy(float)
        followed = bool(len(t) and t.max() >= horizon)
        row = {by or "group": name, "n": len(g), "rmst": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "followed_to_horizon": followed}
        if weight:
            row["n_effective"] = kish_effective_n(g[weight]) if len(g) else 0.0
        if not len(g):
            excluded[name] = Reason.of("no_data")
        elif not followed:
            excluded[name] = Reason.of("horizon_past_follow_up", horizon=horizon, longest=float(t.max()))
        else:
            value, var = _rmst_one(t, g[event].to_numpy(float), horizon, g[weight].to_numpy(float) if weight else None,
                                   kind)
            se = math.sqrt(var)
            row.update({"rmst": value, "se": se, "ci_low": value - z * se, "ci_high": value + z * se})
        rows.append(row)
    table = pd.DataFrame(rows)
    if by is None:
        table = table.drop(columns=["group"])
    return RMST(table, by=by, horizon=horizon, weighted=bool(weight), ci=ci, excluded=excluded, variance=kind)


@dataclass(frozen=True, eq=False)
class RMSTDifference(Result):
    """Difference in RMST between groups ``a`` and ``b`` (a − b).

    Attributes
    ----------
    table : DataFrame
        One row ``a, b, difference, se, ci_low, ci_high, p_value, n``.
    estimate : Estimate
        The difference (not estimable, with its reason, when either group's RMST is).
    a, b : str
        The groups compared.
    by : str
        The grouping column.
    horizon : float
        The horizon, in the duration's unit.
    p_value : float
        The test of no difference (NaN when not estimable).
    reason : Reason or None
        Why the difference could not be estimated (None when it could).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> d = rmst_difference(r, duration="week", event="arrest", horizon=52, by="aid", a="aid", b="no aid")
    >>> d.table.columns.tolist(), (d.a, d.b, d.by, d.horizon)
    (['a', 'b', 'difference', 'se', 'ci_low', 'ci_high', 'p_value', 'n'], ('aid', 'no aid', 'aid', 52.0))
    >>> d.estimable, round(d.estimate.estimate, 2), round(d.p_value, 3)
    (True, 2.04, 0.092)
    >>> late = rmst_difference(r, duration="week", event="arrest", horizon=500, by="aid", a="aid", b="no aid")
    >>> late.estimable, late.reason.code
    (False, 'horizon_past_follow_up')
    >>> late.headline().startswith("No difference in days kept is reported:")
    True
    """

    estimate: Estimate | None = None
    a: str = ""
    b: str = ""
    by: str = ""
    horizon: float = 365.0
    p_value: float = float("nan")

    @property
    def estimable(self) -> bool:
        return self.estimate is not None and self.estimate.estimable

    @property
    def reason(self) -> Reason | None:
        """Why the difference could not be estimated (None when it could)."""
        return None if self.estimate is None else self.estimate.reason

    def headline(self) -> str:
        from .report import Markdown, interval, p_value, text

        e = self.estimate
        if not self.estimable:
            return Markdown(f"No difference in days kept is reported: {e.reason.sentence if e and e.reason else 'not estimable'}.")
        more = "longer" if e.estimate >= 0 else "less"
        days = f"{abs(e.estimate):,.0f}"
        return Markdown(f"{_first_upper(text(self.a))} customers stay **{days} day{'' if days == '1' else 's'} {more}** on average "
                        f"within the first {_days(self.horizon)} days than {text(self.b)} customers (95% CI "
                        f"{interval(e.ci_low, e.ci_high, fmt='{:,.0f}')}; n={e.n:,}; {p_value(self.p_value)}).")

    def to_dict(self) -> dict[str, Any]:
        return {**self.estimate.to_dict(), "a": self.a, "b": self.b, "horizon": self.horizon,
                "p_value": None if not math.isfinite(self.p_value) else self.p_value}


def rmst_difference(data: pd.DataFrame, *, duration: str, event: str, horizon: float, by: str, a: str, b: str,
                    weight: str | None = None, ci: float = 0.95) -> RMSTDifference:
    """Difference in RMST between groups ``a`` and ``b`` of ``by`` (a − b), with a normal interval and p-value.

    The groups are independent, so the variance of the difference is the sum of their variances. Horizons
    beyond either group's follow-up give a not-estimable result (reason ``horizon_past_follow_up``), never an
    extrapolated difference.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(aid=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> d = rmst_difference(r, duration="week", event="arrest", horizon=52, by="aid", a="aid", b="no aid")
    >>> [round(v, 2) for v in (d.estimate.estimate, d.estimate.ci_low, d.estimate.ci_high)]
    [2.04, -0.34, 4.42]
    >>> rmst_difference(r, duration="week", event="arrest", horizon=500, by="aid", a="aid", b="no aid").estimable
    False
    """
    function = "survival.rmst_difference"
    if by is None:
        raise ArgumentError(f"{function}: by is needed (the column holding groups a and b)", function=function,
                            argument="by")
    per = rmst(data, duration=duration, event=event, horizon=horizon, by=by, weight=weight, ci=ci)
    a = _group_name(a, per.groups, function, "a")
    b = _group_name(b, per.groups, function, "b")
    ea, eb = per.estimate(a), per.estimate(b)
    t = per.table.set_index(by)
    n = ea.n + eb.n
    n_eff = (ea.n_effective or 0) + (eb.n_effective or 0) if weight else None
    method = "difference of restricted mean survival times, normal interval"
    bad = next((e for e in (ea, eb) if not e.estimable), None)
    if bad is not None:
        est = Estimate.missing(bad.reason, n=n, n_effective=n_eff, method=method)
        row = {"a": a, "b": b, "difference": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "p_value": np.nan, "n": n}
        return RMSTDifference(pd.DataFrame([row]), estimate=est, a=a, b=b, by=by, horizon=per.horizon)
    diff = ea.estimate - eb.estimate
    se = float(np.hypot(t.loc[a, "se"], t.loc[b, "se"]))
    z = _z(per.ci)
    p = float(2 * _st.norm.sf(abs(diff) / se)) if se > 0 else np.nan
    est = Estimate(diff, diff - z * se, diff + z * se, n=n, n_effective=n_eff, method=method)
    row = {"a": a, "b": b, "difference": diff, "se": se, "ci_low": est.ci_low, "ci_high": est.ci_high,
           "p_value": p, "n": n}
    return RMSTDifference(pd.DataFrame([row]), estimate=est, a=a, b=b, by=by, horizon=per.horizon, p_value=p)


# -- Cox models -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PHTest(Result):
    """Proportional-hazards test of a Cox model, as R's ``survival::cox.zph`` (≥ 3.0) computes it: per model
    term, per covariate and globally.

    Attributes
    ----------
    table : DataFrame
        ``covariate, variable, label, statistic, p_value, violated, n``: one row per model term (design
        column; a level of a categorical covariate is its own row), each a 1-degree-of-freedom test (R's
        ``cox.zph(fit, terms = FALSE)``).
    variables : DataFrame or None
        ``variable, label, statistic, df, p_value, violated, n``: one row per covariate, a categorical
        covariate's levels tested jointly (``df`` levels − 1): R's default ``cox.zph(fit)`` table.
    global_statistic, global_df, global_p_value : float, int, float
        R's ``GLOBAL`` row: every term at once.
    transform : str
        The function of time tested against (``"km"``: 1 − the Kaplan–Meier curve just before each event,
        R's default).
    alpha : float
        A term or covariate whose p-value is below it is ``violated``.
    reason : Reason or None
        Set when the test could not be computed (degenerate data).
    violated : list of str
        The model terms (``covariate`` names) whose test has p below ``alpha``.
    violated_variables : list of str
        The covariates (data columns) whose own test, a categorical one's levels jointly, has p below
        ``alpha`` (R's per-covariate rows); without that table, the columns behind :attr:`violated`.

    Notes
    -----
    The score test at the fitted β of adding ``x · g(t)`` for the tested columns, ``g(t) = 1 − S_KM(t−)``
    centred over the events (Grambsch & Therneau 1994; Therneau's exact form in survival 3.0, which replaced
    the approximation through scaled Schoenfeld residuals still used by lifelines), with Efron ties,
    weights, strata and counting-process rows as the fit (:func:`cxlib.coxph.zph`). Equal to R's
    ``cox.zph(coxph(...))`` chisq, df and p per term, per covariate and GLOBAL to 1e-6
    (tests/test_r_reference.py).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> ph = cox(load_rossi(), duration="week", event="arrest", covariates=["fin", "age", "prio"]).ph_test
    >>> ph.table.columns.tolist(), ph.alpha, ph.reason
    (['covariate', 'variable', 'label', 'statistic', 'p_value', 'violated', 'n'], 0.05, None)
    >>> ph.table[["covariate", "violated"]].values.tolist()
    [['fin', False], ['age', True], ['prio', False]]
    >>> ph.violated, ph.violated_variables
    (['age'], ['age'])
    >>> ph.headline().startswith("The hazard ratio of Age changes over follow-up")
    True
    """

    reason: Reason | None = None
    alpha: float = 0.05
    global_statistic: float = float("nan")
    global_df: int = 0
    global_p_value: float = float("nan")
    transform: str = "km"
    _variables: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self._variables is not None:
            object.__setattr__(self, "_variables", frozen_table(self._variables))

    @property
    def variables(self) -> pd.DataFrame | None:
        """One row per covariate (a fresh copy each time): ``variable, label, statistic, df, p_value, violated,
        n``; None when the test could not be made."""
        return None if self._variables is None else self._variables.copy(deep=True)

    def to_dict(self) -> dict[str, Any]:
        """The per-term table and scalars of :meth:`Result.to_dict`, plus ``variables`` as records."""
        from .report import to_jsonable

        out = super().to_dict()
        out["variables"] = None if self._variables is None else to_jsonable(self._variables.to_dict(orient="records"))
        return out

    @property
    def violated(self) -> list[str]:
        """Model terms (``covariate`` names) whose hazard ratio changes over follow-up (p below ``alpha``)."""
        t = self._table
        return t.loc[t["violated"].astype(bool), "covariate"].tolist() if len(t) else []

    @property
    def violated_variables(self) -> list[str]:
        """The covariates whose own test (a categorical one's levels jointly) has p below ``alpha``."""
        if self._variables is not None and len(self._variables):
            v = self._variables
            return v.loc[v["p_value"] < self.alpha, "variable"].tolist()
        t = self._table
        return list(dict.fromkeys(t.loc[t["violated"].astype(bool), "variable"])) if len(t) else []

    def headline(self) -> str:
        from .report import Markdown, listing, text

        if self.reason is not None:
            return Markdown(f"The proportional-hazards check could not be made: {self.reason.sentence}.")
        if not self.violated:
            return Markdown("The proportional-hazards check finds no covariate whose hazard ratio changes over "
                            "follow-up, so one hazard ratio per covariate describes the data.")
        labels = self._table.set_index("covariate")["label"]
        one = len(self.violated) == 1
        return Markdown(f"The hazard ratio of {listing([text(labels[c]) for c in self.violated], limit=5)} "
                        f"{'changes' if one else 'change'} over follow-up (proportional-hazards test p < {self.alpha:g}), so "
                        + ("its single hazard ratio is an average" if one else "their single hazard ratios are averages")
                        + " over follow-up.")


COX_METHOD = "Cox proportional hazards (Efron ties)"


@dataclass(frozen=True, eq=False)
class CoxModel(Result):
    """A fitted Cox model: hazard ratios with intervals, p-values and the proportional-hazards check.

    ``table``: ``covariate, variable, level, label, hazard_ratio, ci_low, ci_high, p_value, n, coef, se``.
    ``covariate`` is the model term (``segment[fully connected]`` for a level of a categorical covariate,
    the column name for a numeric one), ``variable`` its column and ``level`` the level ("" when numeric);
    ``label`` is the term in words for reports (``Segment: fully connected``).

    Attributes
    ----------
    table : DataFrame
        As above.
    n, events, rows : int
        Customers, events, and rows (episodes in counting-process data).
    log_likelihood : float
        The model's log partial likelihood.
    ph_test : PHTest
        The proportional-hazards check.
    fit : cxlib.coxph.CoxFit
        The fitted model.
    covariates, strata : tuple of str
        The model's covariates and strata columns.
    reference : dict
        The level each categorical covariate is compared with.
    weighted, robust : bool
        Whether weights and robust standard errors were used.
    ci : float
        Confidence level.
    reason : Reason or None
        Set when the model could not be estimated (``no_events``, ``separation``).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> m = cox(load_rossi(), duration="week", event="arrest", covariates=["fin", "age", "prio"])
    >>> m.table.columns.tolist()
    ['covariate', 'variable', 'level', 'label', 'hazard_ratio', 'ci_low', 'ci_high', 'p_value', 'n', 'coef', 'se']
    >>> m.n, m.events, m.estimable, m.covariates
    (432, 114, True, ('fin', 'age', 'prio'))
    >>> round(m.hazard_ratio("prio").estimate, 3), type(m.ph_test).__name__
    (1.102, 'PHTest')
    >>> m.headline().startswith("Hazard ratios (Cox model, n=432, 114 leaving):")
    True
    """

    n: int = 0
    events: int = 0
    rows: int = 0
    log_likelihood: float = float("nan")
    ph_test: PHTest | None = None
    fit: Any = None
    covariates: tuple = ()
    reference: dict = field(default_factory=dict)
    strata: tuple = ()
    weighted: bool = False
    robust: bool = False
    ci: float = 0.95
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None

    def hazard_ratio(self, covariate: str, level: Any = None) -> Estimate:
        """One hazard ratio as an :class:`Estimate`: ``hazard_ratio("segment", "fully connected")`` or
        ``hazard_ratio("experience")``."""
        function = "CoxModel.hazard_ratio"
        method = COX_METHOD + (", robust standard errors" if self.robust else "")
        if self.reason is not None:
            return Estimate.missing(self.reason, n=self.n, method=method)
        t = self._table
        variables = list(dict.fromkeys(t["variable"]))
        if covariate not in variables:
            raise ArgumentError(f"{function}: covariate {covariate!r} is not in the model (terms: "
                                f"{', '.join(map(repr, variables))}){checks.close_matches(covariate, variables)}",
                                function=function, argument="covariate")
        rows = t[t["variable"] == covariate]
        if level is None:
            if len(rows) != 1 or rows["level"].iloc[0] != "":
                raise ArgumentError(f"{function}: {covariate!r} is categorical; name the level (one of "
                                    f"{', '.join(map(repr, rows['level']))})", function=function, argument="level")
            row = rows.iloc[0]
        else:
            levels = rows["level"].tolist()
            if str(level) not in levels:
                ref = self.reference.get(covariate)
                hint = f" ({ref!r} is the reference level)" if ref is not None and str(ref) == str(level) else ""
                raise ArgumentError(f"{function}: level {level!r} of {covariate!r} is not in the model{hint}; levels: "
                                    f"{', '.join(map(repr, levels))}{checks.close_matches(level, levels)}",
                                    function=function, argument="level")
            row = rows[rows["level"] == str(level)].iloc[0]
        return Estimate(float(row["hazard_ratio"]), float(row["ci_low"]), float(row["ci_high"]), n=self.n,
                        method=method)

    def headline(self) -> str:
        from .report import Markdown, ci_text, listing, text

        if self.reason is not None:
            return Markdown(f"No hazard ratios: {self.reason.sentence}.")
        parts = [f"{text(r.label)} {ci_text(r.hazard_ratio, r.ci_low, r.ci_high)}" for r in self._table.itertuples()]
        return Markdown(f"Hazard ratios (Cox model, n={self.n:,}, {self.events:,} leaving): "
                        + listing(parts, limit=6) + ".")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """:func:`cxlib.plots.forest` of the hazard ratios (``terms=`` limits the terms drawn)."""
        from . import plots

        return plots.forest(self, ax=ax, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.pop("fit", None)
        if self.ph_test is not None:
            out["ph_test"] = self.ph_test.to_dict()
        out["reference"] = {str(k): str(v) for k, v in self.reference.items()}
        out["covariates"] = list(self.covariates)
        out["strata"] = list(self.strata)
        return out


def _term_label(variable: str, level: str, labels: dict[str, str]) -> str:
    from .report import pretty

    words = labels.get(variable) or pretty(variable)
    return f"{words}: {level}" if level != "" else words


def _design(df: pd.DataFrame, covariates: list[str], reference: dict[str, Any]) -> tuple[pd.DataFrame, list, dict]:
    """Numeric design matrix (categorical covariates as indicators against their reference level), the
    (variable, level) of each term, and the reference level used per categorical covariate."""
    parts, terms, used = {}, [], {}
    for c in covariates:
        col = df[c]
        if (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)) and not isinstance(col.dtype, pd.CategoricalDtype):
            parts[c] = col.to_numpy(float)
            terms.append((c, ""))
            continue
        # Compare integer codes, not strings: a million-row object column is slow to compare level by level.
        cat = col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype(pd.CategoricalDtype(sorted(col.dropna().unique(), key=str)))
        codes = cat.cat.codes.to_numpy()
        present = np.bincount(codes[codes >= 0], minlength=len(cat.cat.categories)) > 0
        levels = [lv for lv, ok in zip(cat.cat.categories, present) if ok]
        ref = reference.get(c, levels[0] if levels else None)
        ref = next((lv for lv in levels if str(lv) == str(ref)), ref)
        used[c] = ref
        for k, lv in enumerate(cat.cat.categories):
            if present[k] and lv != ref:
                parts[f"{c}[{lv}]"] = (codes == k).astype(float)
                terms.append((c, str(lv)))
    return pd.DataFrame(parts, index=df.index), terms, used


def _check_design(X: pd.DataFrame, function: str) -> None:
    constant = [c for c in X.columns if X[c].nunique() < 2]
    if constant:
        raise ArgumentError(f"{function}: covariate column(s) {constant} take a single value in the data: remove them",
                            function=function, argument="covariates")
    if X.shape[1] > 1:
        lam, vec = np.linalg.eigh(np.corrcoef(X.to_numpy(), rowvar=False))
        if lam.min() < 1e-8:
            involved = [X.columns[i] for i in np.flatnonzero(np.abs(vec[:, 0]) > 0.05)]
            raise ArgumentError(f"{function}: covariates {involved} are collinear (one is a combination of the "
                                "others): drop one of them", function=function, argument="covariates")


def _check_reference(data: pd.DataFrame, covariates: list[str], reference: Any, function: str) -> dict:
    if reference is None:
        return {}
    if not isinstance(reference, dict):
        raise ArgumentError(f"{function}: reference must be a dict {{covariate: level}}, e.g. "
                            "{'segment': 'highly satisfied'}, not " + type(reference).__name__,
                            function=function, argument="reference")
    for c, level in reference.items():
        if c not in covariates:
            raise ArgumentError(f"{function}: reference names {c!r}, which is not among the covariates "
                                f"{covariates}{checks.close_matches(c, covariates)}", function=function,
                                argument="reference")
        col = data[c]
        if (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)) and not isinstance(col.dtype, pd.CategoricalDtype):
            raise ArgumentError(f"{function}: reference for {c!r} is given, but {c!r} is numeric (it has no levels)",
                                function=function, argument="reference")
        checks.labels(data, c, [level], function, "reference")
    return dict(reference)


def _cox_model(X: pd.DataFrame, terms: list, used: dict, stop: np.ndarray, event: np.ndarray, *,
               weights: np.ndarray | None, entry: np.ndarray | None, strata: np.ndarray | None,
               cluster: np.ndarray | None, robust: bool, ci: float, function: str, labels: dict,
               covariates: list[str], strata_names: list[str]) -> CoxModel:
    from .coxph import fit_cox, zph

    n = int(len(np.unique(cluster)) if cluster is not None else len(stop))
    events = int(np.sum(event))
    common = dict(n=n, events=events, rows=int(len(stop)), covariates=tuple(covariates), reference=used,
                  strata=tuple(strata_names), weighted=weights is not None, robust=robust, ci=ci)
    empty = pd.DataFrame(columns=["covariate", "variable", "level", "label", "hazard_ratio", "ci_low", "ci_high",
                                  "p_value", "n", "coef", "se"])
    if events == 0:
        return CoxModel(empty, reason=Reason.of("no_events"), **common)
    _check_design(X, function)
    try:
        with np.errstate(all="ignore"):
            fit = fit_cox(X.to_numpy(float), stop, event, weights=weights, entry=entry, strata=strata,
                          cluster=cluster, robust=robust)
        se = fit.standard_errors
        if not (np.all(np.isfinite(fit.params)) and np.all(np.isfinite(se))):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        return CoxModel(empty, reason=Reason.of("separation"), **common)
    z = _z(ci)
    coef = fit.params
    term_labels = [_term_label(v, lv, labels) for v, lv in terms]
    table = pd.DataFrame({"covariate": list(X.columns), "variable": [v for v, _ in terms],
                          "level": [lv for _, lv in terms], "label": term_labels, "hazard_ratio": np.exp(coef),
                          "ci_low": np.exp(coef - z * se), "ci_high": np.exp(coef + z * se),
                          "p_value": _st.chi2.sf((coef / se) ** 2, 1), "n": n, "coef": coef, "se": se})
    ph_cols = ["covariate", "variable", "label", "statistic", "p_value", "violated", "n"]
    try:
        variables = [v for v, _ in terms]
        with np.errstate(all="ignore"):
            z = zph(fit, X.to_numpy(float), stop, event, weights=weights, entry=entry, strata=strata, groups=variables)
        if not (np.all(np.isfinite(z.column_statistic)) and np.all(np.isfinite(z.term_statistic))
                and np.isfinite(z.global_statistic)):
            raise FloatingPointError
        p = z.column_p
        by_variable = pd.DataFrame({"variable": list(z.terms), "label": [_term_label(v, "", labels) for v in z.terms],
                                    "statistic": z.term_statistic, "df": z.term_df, "p_value": z.term_p,
                                    "violated": z.term_p < 0.05, "n": n})
        ph = PHTest(pd.DataFrame({"covariate": list(X.columns), "variable": variables,
                                  "label": term_labels, "statistic": z.column_statistic, "p_value": p,
                                  "violated": p < 0.05, "n": n}),
                    _variables=by_variable, global_statistic=z.global_statistic, global_df=int(z.global_df),
                    global_p_value=z.global_p)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):  # degenerate data: say so, do not crash
        ph = PHTest(pd.DataFrame(columns=ph_cols), reason=Reason.of("separation"))
    return CoxModel(table, log_likelihood=fit.log_likelihood, ph_test=ph, fit=fit, **common)


def cox(data: pd.DataFrame, *, duration: str, event: str, covariates: list[str], weight: str | None = None,
        reference: dict[str, Any] | None = None, strata: list[str] | None = None, labels: dict[str, str] | None = None,
        ci: float = 0.95) -> CoxModel:
    """Cox proportional-hazards model: hazard ratios with intervals, p-values and the PH test.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    duration, event : str
        Days observed and 0/1 churn.
    covariates : list of str
        Numeric covariates enter as they are; categorical ones (e.g. ``segment``) as indicators against a
        reference level.
    weight : str, optional
        Respondent weights; robust (Lin–Wei sandwich) standard errors are then used.
    reference : dict, optional
        Reference level per categorical covariate, e.g. ``{"segment": "highly satisfied"}`` (checked: a
        misspelt level is named with close matches). Default: the first level.
    strata : list of str, optional
        Stratify the baseline hazard (the remedy when a covariate violates proportional hazards).
    labels : dict, optional
        Words for covariate columns in the ``label`` column (default: the column name as words).
    ci : float
        Confidence level.

    Returns
    -------
    CoxModel
        ``.table``: ``covariate, variable, level, label, hazard_ratio, ci_low, ci_high, p_value, n, coef, se``;
        ``.hazard_ratio(covariate, level)``; ``n, events, log_likelihood, ph_test, fit``. Not estimable
        (``reason``) when nobody left (``no_events``) or a covariate separates churners completely.

    Raises
    ------
    ArgumentError
        A column, reference level or stratum is wrong, a covariate is constant, or the covariates are
        collinear (named).

    Notes
    -----
    Efron's method for ties, as lifelines and R's ``coxph``, fitted by :mod:`cxlib.coxph` (summing once
    per distinct day, so a million customers take seconds). Checked against lifelines' ``CoxPHFitter``
    (coefficients, standard errors, robust standard errors on untied data, stratified fits, PH test) and
    statsmodels' ``PHReg`` (robust standard errors with ties) in tests/test_coxph.py, and against the
    published Rossi recidivism coefficients (Fox 2002) in tests/test_survival.py.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> m = cox(load_rossi(), duration="week", event="arrest", covariates=["fin", "age", "prio"])
    >>> m.table.set_index("covariate")["hazard_ratio"].round(3).to_dict()
    {'fin': 0.707, 'age': 0.935, 'prio': 1.102}
    >>> m.n, m.events, m.ph_test.violated
    (432, 114, ['age'])
    """
    function = "survival.cox"
    data = checks.frame(data, function)
    covariates = checks.column_list(data, function, "covariates", covariates)
    if not covariates:
        raise ArgumentError(f"{function}: covariates must name at least one column", function=function,
                            argument="covariates")
    strata = checks.column_list(data, function, "strata", strata)
    clean, ci = _prepare(data, function, duration=duration, event=event, weight=weight, ci=ci,
                         extra=covariates + strata)
    reference = _check_reference(clean, covariates, reference, function)
    X, terms, used = _design(clean, covariates, reference)
    s = clean.groupby(strata, sort=True, observed=True, dropna=False).ngroup().to_numpy() if strata else None
    w = clean[weight].to_numpy(float) if weight else None
    return _cox_model(X, terms, used, clean[duration].to_numpy(float), clean[event].to_numpy(float), weights=w,
                      entry=None, strata=s, cluster=None, robust=bool(weight), ci=ci, function=function,
                      labels=dict(labels or {}), covariates=covariates, strata_names=strata)


def cox_time_varying(episodes: pd.DataFrame, *, start: str, stop: str, event: str, id_column: str,
                     covariates: list[str], weight: str | None = None, reference: dict[str, Any] | None = None,
                     labels: dict[str, str] | None = None, ci: float = 0.95) -> CoxModel:
    """Cox model with time-varying covariates, on counting-process data (one row per episode).

    Parameters
    ----------
    episodes : DataFrame
        One row per customer and episode: at risk on ``(start, stop]``, ``event`` 1 only on a churner's last
        episode, covariate values constant within the episode (see :func:`cxlib.contacts.experience_episodes`).
    start, stop, event, id_column : str
        Column names.
    covariates, weight, reference, labels, ci
        As in :func:`cox`. Robust standard errors, clustered by customer, are used with weights.

    Returns
    -------
    CoxModel
        As :func:`cox`; ``n`` counts customers and ``rows`` episodes.

    Notes
    -----
    Checked against lifelines' ``CoxTimeVaryingFitter`` on the Stanford heart-transplant data
    (tests/test_coxph.py) and against a simulation with a planted time-varying effect (tests/test_contacts.py).

    Examples
    --------
    >>> from lifelines.datasets import load_stanford_heart_transplants
    >>> h = load_stanford_heart_transplants()
    >>> m = cox_time_varying(h, start="start", stop="stop", event="event", id_column="id",
    ...                      covariates=["age", "transplant"])
    >>> round(m.hazard_ratio("transplant").estimate, 2), m.n, m.rows
    (1.0, 103, 172)
    """
    function = "survival.cox_time_varying"
    episodes = checks.frame(episodes, function, "episodes")
    covariates = checks.column_list(episodes, function, "covariates", covariates)
    if not covariates:
        raise ArgumentError(f"{function}: covariates must name at least one column", function=function,
                            argument="covariates")
    checks.numeric(episodes, function, start=start)
    checks.columns(episodes, function, id_column=id_column)
    data, ci = _prepare(episodes, function, duration=stop, event=event, weight=weight, ci=ci,
                        extra=[start, id_column] + covariates)
    bad = data.index[data[stop] <= data[start]]
    if len(bad):
        raise ArgumentError(f"{function}: {len(bad)} episode(s) end before they start (rows {list(bad[:5])})",
                            function=function, argument="stop")
    reference = _check_reference(data, covariates, reference, function)
    X, terms, used = _design(data, covariates, reference)
    w = data[weight].to_numpy(float) if weight else None
    return _cox_model(X, terms, used, data[stop].to_numpy(float), data[event].to_numpy(float), weights=w,
                      entry=data[start].to_numpy(float), strata=None, cluster=data[id_column].to_numpy(),
                      robust=bool(weight), ci=ci, function=function, labels=dict(labels or {}),
                      covariates=covariates, strata_names=[])
