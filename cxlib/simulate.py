"""Value at stake: what follows for connection, attrition, advocacy and value if customers became fully connected.

Two scenarios, each carried through the engagement's own estimates with bootstrap intervals:

- :func:`connect_share` — a chosen share of highly satisfied (or of the other) customers becomes fully connected;
- :func:`improve_element` — one experience element's performance rises by ``points`` for everyone; its
  effect on the connection index comes from the regression of the index on all elements' performance,
  and customers whose index then reaches the threshold become fully connected.

Assumption (stated in every result): a customer who becomes fully connected behaves like the fully
connected customers already in the data (their mean value, attrition at the horizon and promoter share),
and nobody else changes. That is the value-of-connection logic of the method, not a causal estimate; the
reports say so, and every interval says it covers the resampling of respondents only (:data:`COVERS`).

Two functions keep the scenarios within what the data show:

- :func:`observed_rises` — the rises in the fully connected share the data show (between the waves; the most
  connected group against everyone): their largest is the ceiling of the shares a report offers;
- :func:`wave_check` — the assumption against two waves: the change in mean value the change in segment mix
  predicts, beside the change measured.

Every scenario called with the same seed on the same frame uses the same resamples of respondents, so the
draws of two scenarios can be differenced; what they share (the resamples, the segments' behaviour in each,
the index regression in each) is computed once and kept (:func:`clear_cache` forgets it).

Totals are for the customer base passed as ``customers`` (the reports pass the customers still customers at
the survey date, :meth:`cxlib.Engagement.customer_base`), in the value's unit (:class:`Outcomes`).
"""
from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import checks
from .errors import ArgumentError
from .results import Draws, Estimate, Reason, Result
from .segments import SEGMENTS
from .stats import bootstrap_counts, percentile_interval

__all__ = ["Outcomes", "Scenario", "ScenarioComparison", "connect_share", "improve_element", "scenarios_table",
           "OUTCOME_LABELS", "COVERS", "ObservedRises", "observed_rises", "WaveCheck", "wave_check", "WAVE_CHECK",
           "WAVE_CHECK_COVERS", "FROM_SEGMENTS", "clear_cache"]

FC, HS, OTHER = SEGMENTS

#: The scenario outcomes in words (for tables and charts).
OUTCOME_LABELS: dict[str, str] = {
    "connected_share": "Fully connected share",
    "value_per_customer": "Value per customer",
    "value_total": "Value, all customers",
    "promoter_share": "Promoters (9–10)",
    "attrition": "Attrition at the horizon",
    "customers_kept": "Customers still active at the horizon",
    "value_uplift_of_movers": "Value uplift of the customers who move",
    "index_change": "Connection index (mean rise)",
}


@dataclass(frozen=True)
class Outcomes:
    """Column names of the behaviours carried through a scenario (any may be None).

    Examples
    --------
    >>> Outcomes(value="annual_spend", duration="tenure_days", event="churned", horizon=365, advocacy="ltr",
    ...          value_label="Annual spend", value_unit="EUR")  # doctest: +NORMALIZE_WHITESPACE
    Outcomes(value='annual_spend', duration='tenure_days', event='churned', horizon=365, advocacy='ltr',
             value_label='Annual spend', value_unit='EUR')
    """

    value: str | None = None
    duration: str | None = None
    event: str | None = None
    horizon: float = 365.0
    advocacy: str | None = None
    #: The value's name and unit for a reader (``engagement.yaml``'s ``value: [{column, label, unit}]``).
    value_label: str | None = None
    value_unit: str | None = None


def _check(data: Any, fn: str, *, outcomes: Any, weight: str | None, customers: Any, n_boot: Any,
           ci: Any) -> tuple[pd.DataFrame, int, float]:
    """Shared argument checks of the scenarios; returns the frame of respondents with a segment."""
    data = checks.frame(data, fn)
    if "segment" not in data.columns:
        raise ArgumentError(f"{fn}: data has no 'segment' column; pass the analysis frame (eng.frame())",
                            function=fn, argument="data")
    if not isinstance(outcomes, Outcomes):
        raise ArgumentError(f"{fn}: outcomes must be simulate.Outcomes(value=..., duration=..., event=..., "
                            f"horizon=..., advocacy=...), not {type(outcomes).__name__}", function=fn,
                            argument="outcomes")
    try:
        checks.numeric(data, fn, value=outcomes.value, duration=outcomes.duration, advocacy=outcomes.advocacy)
        checks.binary(data, fn, event=outcomes.event)
    except ArgumentError as err:
        raise ArgumentError(f"{err} (in outcomes)", function=fn, argument="outcomes") from None
    if (outcomes.duration is None) != (outcomes.event is None):
        raise ArgumentError(f"{fn}: outcomes needs both duration and event for attrition, or neither",
                            function=fn, argument="outcomes")
    checks.numeric(data, fn, weight=weight)
    if weight is not None and (pd.to_numeric(data[weight], errors="coerce") < 0).any():
        raise ArgumentError(f"{fn}: weight {weight!r} holds negative weights", function=fn, argument="weight")
    if customers is not None:
        checks.count(customers, fn, "customers", minimum=1)
    n_boot = checks.count(n_boot, fn, "n_boot", minimum=2, allow_zero=True)
    ci = checks.level(ci, fn)
    d = data.dropna(subset=["segment"]).reset_index(drop=True)
    bad = sorted(set(map(str, d["segment"].unique())) - set(SEGMENTS))
    if bad:
        raise ArgumentError(f"{fn}: segment holds {bad[0]!r}, which is not a segment ({', '.join(SEGMENTS)})"
                            f"{checks.close_matches(bad[0], SEGMENTS)}", function=fn, argument="data")
    if outcomes.duration is not None:
        try:
            checks.horizon(outcomes.horizon, d[outcomes.duration], fn, "horizon")
        except ArgumentError as err:
            raise ArgumentError(f"{err} (outcomes.horizon)", function=fn, argument="outcomes") from None
    checks.min_rows(d, 2, fn, "respondents with a segment")
    if weight is not None and d[weight].isna().any():
        # A missing weight would make every resample drawing it missing; say so instead.
        raise ArgumentError(f"{fn}: weight {weight!r} is missing for {int(d[weight].isna().sum()):,} respondent(s) "
                            "with a segment; weight every respondent (or drop them) first", function=fn,
                            argument="weight")
    return d, n_boot, ci


# -- the bootstrap engine: every resample as a row of counts, every sum a matrix product ------------------------
#
# A resample of respondents is a row of counts c (how often each respondent was drawn; the resamples of
# stats.bootstrap_indices with the same generator), so any weighted sum over the resample is c @ (w·x): one
# matrix product per chunk of resamples instead of a Python loop with gathers, and the same numbers up to the
# order of the additions. Each respondent-level quantity is computed once per call, and what depends only on
# the frame, the outcomes, the weights and the seed (the segments' behaviour in every resample, the index
# regression in every resample) once per summary: every scenario uses seed 0 and so the same resamples, and
# the cache hands the second scenario what the first computed (same inputs, same numbers).

#: Positions per chunk of resamples (a 4,000,000-cell chunk of counts is 32 MB).
_MAX_CELLS = 4_000_000
#: Entries kept (a summary needs two per frame: behaviour and index fit).
_CACHE_SIZE = 8
_CACHE: OrderedDict[str, Any] = OrderedDict()


def _digest(*parts: Any) -> str:
    """A key for the cache: the bytes of every array (with dtype and shape) and the repr of everything else."""
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        if isinstance(p, np.ndarray):
            a = np.ascontiguousarray(p)
            h.update(f"{a.dtype.str}{a.shape}".encode())
            h.update(a.view(np.uint8).ravel() if a.size else b"")
        else:
            h.update(repr(p).encode())
        h.update(b"\x00")
    return h.hexdigest()


def _cached(key: str, make: Callable[[], Any]) -> Any:
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = make()
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget the resample counts, resampled behaviour and index fits kept for the scenarios of one summary.

    Kept results never change a number (the same inputs give the same numbers); clearing frees their memory
    or lets a benchmark time a cold start.

    Returns
    -------
    None

    Examples
    --------
    >>> clear_cache()
    """
    _CACHE.clear()
    _COUNTS.clear()


#: Resamples whose counts are kept between calls (bytes: resamples × respondents, one byte each).
_KEEP_COUNTS = 64_000_000
_COUNTS: OrderedDict[tuple[int, int, int], np.ndarray] = OrderedDict()


def _count_chunks(n: int, n_boot: int, seed: int) -> Iterator[tuple[slice, np.ndarray]]:
    """The resamples of ``default_rng(seed)`` as count matrices (:func:`cxlib.stats.bootstrap_counts`), in
    chunks, with their rows' positions. Drawn once per (n, n_boot, seed) and kept as small integers while
    they fit in :data:`_KEEP_COUNTS` bytes: every scenario of a summary reads the same resamples."""
    key = (n, n_boot, seed)
    kept = _COUNTS.get(key)
    if kept is None and n * n_boot <= _KEEP_COUNTS:
        kept = np.empty((n_boot, n), dtype=np.uint8)
        start = 0
        for counts in bootstrap_counts(n, n_boot, np.random.default_rng(seed), max_cells=_MAX_CELLS):
            if counts.max() > 255:  # a respondent drawn more than 255 times: keep wider integers
                kept = kept.astype(np.uint16)
            kept[start:start + len(counts)] = counts
            start += len(counts)
        _COUNTS[key] = kept
        while len(_COUNTS) > 2:
            _COUNTS.popitem(last=False)
    if kept is None:
        start = 0
        for counts in bootstrap_counts(n, n_boot, np.random.default_rng(seed), max_cells=_MAX_CELLS):
            yield slice(start, start + len(counts)), counts
            start += len(counts)
        return
    _COUNTS.move_to_end(key)
    per = max(1, _MAX_CELLS // max(n, 1))
    for start in range(0, n_boot, per):
        sl = slice(start, min(n_boot, start + per))
        yield sl, kept[sl].astype(float)


_K = len(SEGMENTS)


class _Behaviour:
    """Per-segment behaviour (mean value, promoter share, Kaplan–Meier attrition at the horizon) of any resample
    given as counts: every segment's sums are one product with a respondents × columns matrix built once.

    Kaplan–Meier at the horizon as :func:`cxlib.survival.km_at`: ``S = Π (1 − d/n)`` over the distinct times up
    to the horizon with events, ``n`` the weight still at risk, NaN for a segment nobody of which was followed
    to the horizon. Each respondent falls in one (segment, time) cell — the distinct durations up to the
    horizon, and one cell beyond it — so the weighted leavers and events of every cell in every resample are a
    product with a sparse one-hot matrix, and the number at risk their reverse cumulative sum.
    """

    #: Dense columns per segment: weight, count, weighted value, non-finite values (count), weighted
    #: advocacy answers, weighted promoters, respondents followed to the horizon (count).
    W, N, V, BADV, AW, AP, FOLLOW = range(7)

    def __init__(self, seg: np.ndarray, w: np.ndarray, cols: dict[str, np.ndarray], horizon: float):
        from scipy import sparse

        n = len(seg)
        one = np.zeros((n, _K))
        one[np.arange(n), seg] = 1.0
        blocks = [w[:, None] * one, one]
        v = cols.get("value")
        if v is not None:
            finite = np.isfinite(v)
            blocks += [(w * np.where(finite, v, 0.0))[:, None] * one, (~finite)[:, None] * one]
        else:
            blocks += [np.zeros((n, _K))] * 2
        a = cols.get("advocacy")
        if a is not None:
            ok = np.isfinite(a)
            blocks += [(w * ok)[:, None] * one, (w * (ok & (np.where(ok, a, 0) >= 9)))[:, None] * one]
        else:
            blocks += [np.zeros((n, _K))] * 2
        self.has = {"value": v is not None, "advocacy": a is not None, "attrition": "duration" in cols}
        t = cols.get("duration")
        if t is not None:
            e = cols["event"]
            # km_at: a missing duration sorts past every time (at risk throughout, never an event before the
            # horizon) and keeps t.max() from ruling the horizon out; a missing event is no event but at risk.
            blocks.append(((t >= horizon) | np.isnan(t))[:, None] * one)
            times = np.unique(t[t <= horizon])
            self.n_times = len(times)
            cell = np.where(t <= horizon, np.searchsorted(times, np.where(t <= horizon, t, 0.0)), len(times))
            code = seg * (len(times) + 1) + cell
            shape = (n, _K * (len(times) + 1))
            rows = np.arange(n)
            self.leave = sparse.csr_matrix((w, (rows, code)), shape=shape)
            self.death = sparse.csr_matrix((w * np.where(np.isnan(e), 0.0, e), (rows, code)), shape=shape)
            bad = np.isnan(e) & (t <= horizon)
            self.bad_event = sparse.csr_matrix((bad.astype(float), (rows, code)), shape=shape) if bad.any() else None
        else:
            blocks.append(np.zeros((n, _K)))
        self.dense = np.hstack(blocks)  # n × (7 · segments)

    def of(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        """Behaviour in each resample (rows of ``counts``): ``w`` and ``n`` (weight and respondents per segment)
        and ``value``, ``advocacy``, ``attrition`` (resamples × segments)."""
        s = (counts @ self.dense).reshape(len(counts), 7, _K)
        out = {"w": s[:, self.W], "n": s[:, self.N]}
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.has["value"]:
                out["value"] = np.where(s[:, self.BADV] > 0, np.nan, s[:, self.V] / np.where(s[:, self.W] > 0, s[:, self.W], np.nan))
            if self.has["advocacy"]:
                out["advocacy"] = s[:, self.AP] / np.where(s[:, self.AW] > 0, s[:, self.AW], np.nan)
            if self.has["attrition"]:
                shape = (len(counts), _K, self.n_times + 1)
                leave = np.asarray((self.leave.T @ counts.T).T).reshape(shape)
                death = np.asarray((self.death.T @ counts.T).T).reshape(shape)[..., :-1]
                at_risk = np.cumsum(leave[..., ::-1], axis=-1)[..., ::-1][..., :-1]
                step = death > 0
                if self.bad_event is not None:
                    step &= np.asarray((self.bad_event.T @ counts.T).T).reshape(shape)[..., :-1] == 0
                surv = np.clip(np.prod(np.where(step, 1 - death / np.where(step, at_risk, 1.0), 1.0), axis=-1), 0.0, 1.0)
                out["attrition"] = np.where(s[:, self.FOLLOW] > 0, 1 - surv, np.nan)
        return out


def _behaviour_draws(seg: np.ndarray, w: np.ndarray, cols: dict[str, np.ndarray], out: Outcomes, n_boot: int,
                     seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The segments' behaviour in the sample (``[0]``, one row) and in every resample (``[1]``), cached."""
    parts = [seg, w, float(out.horizon), n_boot, seed, "behaviour"] + [x for k in sorted(cols) for x in (k, cols[k])]

    def make() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        beh = _Behaviour(seg, w, cols, float(out.horizon))
        point = beh.of(np.ones((1, len(seg))))
        chunks = [beh.of(c) for _, c in _count_chunks(len(seg), n_boot, seed)]
        boot = {k: np.concatenate([c[k] for c in chunks]) if chunks else np.empty((0, _K)) for k in point}
        return point, boot

    return _cached(_digest(*parts), make)


def _columns(frame: pd.DataFrame, out: Outcomes) -> dict[str, np.ndarray]:
    cols = {}
    if out.value:
        cols["value"] = frame[out.value].to_numpy(float)
    if out.advocacy:
        cols["advocacy"] = pd.to_numeric(frame[out.advocacy], errors="coerce").to_numpy(float)
    if out.duration and out.event:
        cols["duration"] = frame[out.duration].to_numpy(float)
        cols["event"] = frame[out.event].to_numpy(float)
    return cols


#: What every scenario interval covers, and what it does not (stated with every interval).
COVERS = ("the intervals come from resampling the respondents only: they do not cover the assumption that customers "
          "who become fully connected then behave like today's fully connected customers")


@dataclass(frozen=True, eq=False)
class Scenario(Result):
    """One value-at-stake scenario: :func:`connect_share`'s and :func:`improve_element`'s result.

    Attributes
    ----------
    table : DataFrame
        ``outcome, baseline, scenario, change, ci_low, ci_high, n``, one row per outcome (see
        :data:`OUTCOME_LABELS`); ``n`` is the respondents with a segment, ``change`` the scenario minus the
        baseline with its percentile bootstrap interval. ``value_*`` rows are in the value's unit.
    name : str
        The scenario in a few words.
    assumption : str
        The assumption the scenario rests on, in words.
    covers : str
        What the intervals cover and what they do not (:data:`COVERS`).
    customers : int or None
        Size of the customer base the totals are for (the customers active at the survey date:
        :meth:`cxlib.Engagement.customer_base`).
    n_boot : int
        Bootstrap resamples (0: no intervals).
    draws : Draws or None
        Bootstrap draws of each outcome's change, keyed by outcome.
    value_label, value_unit : str or None
        The value's name and unit (from :class:`Outcomes`), for the words.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> r = connect_share(eng.frame(), share=0.5, outcomes=Outcomes(value="annual_spend"), n_boot=50)
    >>> r.table.columns.tolist()
    ['outcome', 'baseline', 'scenario', 'change', 'ci_low', 'ci_high', 'n']
    >>> r.outcomes
    ['connected_share', 'value_per_customer', 'value_uplift_of_movers']
    >>> r.name, r.n_boot, r.change("connected_share").estimate > 0
    ('50% of highly satisfied become fully connected', 50, True)
    >>> r.assumption.startswith("50% of highly satisfied customers become fully connected")
    True
    >>> sorted(r.spread("connected_share"))
    ['estimate', 'mean', 'median', 'share_below']
    """

    name: str = ""
    assumption: str = ""
    covers: str = COVERS
    customers: int | None = None
    n_boot: int = 0
    draws: Draws | None = None
    value_label: str | None = None
    value_unit: str | None = None

    @property
    def outcomes(self) -> list[str]:
        return self._table["outcome"].tolist()

    def change(self, outcome: str) -> Estimate:
        """The change in one outcome as an :class:`~cxlib.results.Estimate` (its note says what the interval covers)."""
        t = self._table.set_index("outcome")
        if outcome not in t.index:
            raise ArgumentError(f"Scenario.change: no outcome {outcome!r} in this scenario (outcomes: "
                                f"{', '.join(t.index)}){checks.close_matches(outcome, t.index)}",
                                function="Scenario.change", argument="outcome")
        r = t.loc[outcome]
        if not math.isfinite(float(r["change"])):
            return Estimate.missing(Reason.of("no_data"), n=int(r["n"]))
        note = Reason.of("no_bootstrap").sentence if not self.n_boot else self.covers[:1].upper() + self.covers[1:]
        return Estimate(float(r["change"]), float(r["ci_low"]), float(r["ci_high"]), n=int(r["n"]),
                        method=f"percentile bootstrap, {self.n_boot:,} resamples of respondents", note=note)

    def spread(self, outcome: str) -> dict[str, float]:
        """Where the estimate sits in its bootstrap distribution: ``estimate``, the draws' ``mean`` and
        ``median``, and ``share_below`` (the share of draws below the estimate; about 0.5 when the bootstrap
        is centred). NaN figures without draws.

        A share far from 0.5 says the statistic is skewed or lumpy: for :func:`improve_element` the movers
        are counted where the (discrete) connection index crosses the threshold, a step function of the
        element's coefficient (docs/decisions.md, "Executive summary and value at stake").
        """
        est = self.change(outcome).estimate
        if self.draws is None or outcome not in self.draws.names:
            return {"estimate": est, "mean": math.nan, "median": math.nan, "share_below": math.nan}
        d = self.draws[outcome]
        d = d[np.isfinite(d)]
        if not d.size:
            return {"estimate": est, "mean": math.nan, "median": math.nan, "share_below": math.nan}
        return {"estimate": est, "mean": float(d.mean()), "median": float(np.median(d)),
                "share_below": float((np.count_nonzero(d < est) + 0.5 * np.count_nonzero(d == est)) / d.size)}

    def headline(self) -> str:
        from . import report

        unit = f" {self.value_unit}" if self.value_unit else ""
        value = (self.value_label or "value").lower()
        parts = []
        for key, fmt, k, label in (("connected_share", "{:+.1f}", 100, "fully connected share"),
                                   ("value_total", "{:+,.0f}", 1, f"{value}, all customers"),
                                   ("customers_kept", "{:+,.0f}", 1, "customers still active at the horizon")):
            if key in self.outcomes:
                e = self.change(key)
                if e.estimable:
                    points = " points" if key == "connected_share" else unit if key == "value_total" else ""
                    ci = f"95% CI {report.interval(e.ci_low * k, e.ci_high * k, fmt=fmt)}" if e.has_interval else "no interval"
                    parts.append(f"{report.text(label)} {report.number(e.estimate * k, fmt)}{points} ({ci})")
        base = f" for the {self.customers:,} customers active at the survey" if self.customers else ""
        body = "; ".join(parts) if parts else "no outcome could be estimated"
        covers = f" {self.covers[:1].upper() + self.covers[1:]}." if self.n_boot else ""
        return report.Markdown(f"{report.text(self.name)}: {body}{base} (n={self.n:,} respondents).{covers} "
                               f"Assumption: {report.text(self.assumption)}")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        return scenarios_table([self]).plot(ax=ax, **kwargs)


def _table(point: dict[str, float], boot: np.ndarray, keys: list[str], baseline: dict[str, float], n: int,
           ci: float) -> pd.DataFrame:
    lo, hi = percentile_interval(boot, ci) if len(boot) else (np.full(len(keys), np.nan), np.full(len(keys), np.nan))
    rows = []
    for j, key in enumerate(keys):
        est = point[key]
        base = baseline.get(key, np.nan)
        rows.append({"outcome": key, "baseline": base, "scenario": base + est if np.isfinite(base) else np.nan,
                     "change": est, "ci_low": lo[j], "ci_high": hi[j], "n": n})
    return pd.DataFrame(rows, columns=["outcome", "baseline", "scenario", "change", "ci_low", "ci_high", "n"])


def _changes(moved: np.ndarray, beh: dict[str, np.ndarray], customers: int | None) -> dict[str, np.ndarray]:
    """Changes per customer (and in total) in each resample (rows) when weight ``moved`` (resamples × segments)
    of each segment becomes fully connected: each mover's behaviour gains the fully connected behaviour minus
    its segment's, so the sum over movers is the sum over segments of weight moved times that gain."""
    total = beh["w"].sum(axis=1)
    out = {"connected_share": moved.sum(axis=1) / total}
    for key, label in (("value", "value_per_customer"), ("advocacy", "promoter_share"), ("attrition", "attrition")):
        if key in beh:
            gain = beh[key][:, :1] - beh[key]  # what a mover's behaviour changes by
            out[label] = np.nansum(moved * gain, axis=1) / total
    if customers is not None:
        if "value_per_customer" in out:
            out["value_total"] = out["value_per_customer"] * customers
        if "attrition" in out:
            out["customers_kept"] = -out["attrition"] * customers
    return out


def _run(beh: tuple[dict[str, np.ndarray], dict[str, np.ndarray]], moved: tuple[np.ndarray, np.ndarray],
         extra: tuple[dict[str, np.ndarray], dict[str, np.ndarray]], *, outcomes: Outcomes, customers: int | None,
         n: int, n_boot: int, ci: float, name: str, assumption: str) -> Scenario:
    """A scenario's table and draws from the behaviour, the weight moved and any extra outcome, each given for
    the sample (one row) and for every resample."""
    point = _changes(moved[0], beh[0], customers) | extra[0]
    keys = list(point)
    if n_boot:
        drawn = _changes(moved[1], beh[1], customers) | extra[1]
        boot = np.column_stack([np.asarray(drawn[k], dtype=float) for k in keys])
    else:
        boot = np.empty((0, len(keys)))
    shares = beh[0]["w"][0] / beh[0]["w"][0].sum()
    baseline = {"connected_share": float(shares[0])}
    for key, label in (("value", "value_per_customer"), ("advocacy", "promoter_share"), ("attrition", "attrition")):
        if key in beh[0]:
            baseline[label] = float(np.nansum(shares * beh[0][key][0]))
    if customers is not None and "value_per_customer" in baseline:
        baseline["value_total"] = baseline["value_per_customer"] * customers
    table = _table({k: float(v[0]) for k, v in point.items()}, boot, keys, baseline, n, ci)
    return Scenario(table, name=name, assumption=assumption, customers=customers, n_boot=n_boot,
                    draws=Draws(boot, keys) if len(boot) else None, value_label=outcomes.value_label,
                    value_unit=outcomes.value_unit)


#: The segments a share of customers can be moved from (:func:`connect_share`'s ``from_segment``).
FROM_SEGMENTS = (HS, OTHER)


def connect_share(data: pd.DataFrame, *, share: float = 1.0, outcomes: Outcomes, weight: str | None = None,
                  customers: int | None = None, n_boot: int = 1000, seed: int = 0, ci: float = 0.95,
                  from_segment: str = HS) -> Scenario:
    """Scenario: ``share`` of the highly satisfied (or of the other) customers become fully connected.

    Parameters
    ----------
    data : DataFrame
        The analysis frame (``segment`` and the outcome columns).
    share : float
        Share (above 0, at most 1) of the ``from_segment`` customers who become fully connected.
    outcomes : Outcomes
        Which columns hold value, attrition (duration, event, horizon) and likelihood to recommend.
    weight : str, optional
        Respondent weights.
    customers : int, optional
        Size of the customer base, for totals (value, customers kept).
    n_boot, seed, ci
        Bootstrap resamples of respondents (0: no intervals), seed and interval level.
    from_segment : str
        The segment the movers come from: ``"highly satisfied"`` (the default) or ``"other"`` (customers
        neither fully connected nor highly satisfied).

    Returns
    -------
    Scenario
        ``.table``: one row per outcome — ``connected_share``, ``value_per_customer``, ``value_total``,
        ``promoter_share``, ``attrition``, ``customers_kept``, and ``value_uplift_of_movers`` (the movers'
        relative value gain, ``v_FC / v_from − 1``) — with ``baseline, scenario, change, ci_low, ci_high, n``;
        ``.assumption`` states the assumption in words; ``.draws`` the bootstrap draws by outcome.

    Notes
    -----
    With segment shares π, segment behaviour b (mean value, promoter share, Kaplan–Meier attrition at the
    horizon, :func:`cxlib.survival.km_at`), s = ``from_segment`` and q = ``share``: change = q · π_s · (b_FC − b_s).
    Percentile bootstrap over respondents (shares and behaviours re-estimated in each resample; every call with
    the same seed uses the same resamples, so two scenarios' draws can be differenced). Moving every highly
    satisfied customer gives a value uplift among movers equal to the value multiplier minus one;
    tests/test_simulate.py checks that the interval covers the planted multiplier on synthetic data, the point
    against the formula, moving the other customers against a brute-force computation, and the draws against a
    resample-by-resample reference.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, truth = cx.synth.make_engagement("retailer", 1500, seed=4)
    >>> r = connect_share(eng.frame(), share=0.5, outcomes=Outcomes(value="annual_spend"), n_boot=100)
    >>> r.change("connected_share").estimate > 0, r.table.columns.tolist()
    (True, ['outcome', 'baseline', 'scenario', 'change', 'ci_low', 'ci_high', 'n'])
    >>> o = connect_share(eng.frame(), share=0.2, outcomes=Outcomes(value="annual_spend"), n_boot=0,
    ...                   from_segment="other")
    >>> o.name
    '20% of other customers become fully connected'
    """
    fn = "simulate.connect_share"
    from_segment = checks.choice(from_segment, FROM_SEGMENTS, fn, "from_segment")
    who = "highly satisfied" if from_segment == HS else "other"
    ok = isinstance(share, (int, float, np.floating)) and not isinstance(share, bool) and 0 < share <= 1
    if not ok:
        raise ArgumentError(f"{fn}: share must be above 0 and at most 1 (the share of {who} customers who become "
                            f"fully connected), not {share!r}", function=fn, argument="share")
    d, n_boot, ci = _check(data, fn, outcomes=outcomes, weight=weight, customers=customers, n_boot=n_boot, ci=ci)
    seg, w, cols = _arrays(d, weight, outcomes)
    beh = _behaviour_draws(seg, w, cols, outcomes, n_boot, seed)
    j = SEGMENTS.index(from_segment)

    def moved(b: dict[str, np.ndarray]) -> np.ndarray:
        m = np.zeros_like(b["w"])
        m[:, j] = share * b["w"][:, j]
        return m

    def uplift(b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if "value" not in b:
            return {}
        with np.errstate(divide="ignore", invalid="ignore"):
            u = b["value"][:, 0] / b["value"][:, j] - 1
        return {"value_uplift_of_movers": np.where((b["n"][:, 0] > 0) & (b["n"][:, j] > 0), u, np.nan)}

    movers = "highly satisfied customers" if from_segment == HS else ("other customers (neither fully connected nor "
                                                                     "highly satisfied)")
    assumption = (f"{share:.0%} of {movers} become fully connected and then behave like today's fully connected "
                  "customers; everyone else is unchanged.")
    name = (f"{share:.0%} of highly satisfied become fully connected" if from_segment == HS else
            f"{share:.0%} of other customers become fully connected")
    return _run(beh, (moved(beh[0]), moved(beh[1])), (uplift(beh[0]), uplift(beh[1])), outcomes=outcomes,
                customers=customers, n=len(d), n_boot=n_boot, ci=ci, name=name, assumption=assumption)


def _arrays(d: pd.DataFrame, weight: str | None, outcomes: Outcomes) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Segment codes, weights and outcome columns of the respondents with a segment."""
    seg = pd.Categorical(d["segment"], categories=SEGMENTS).codes.astype(np.int64)
    w = d[weight].to_numpy(float) if weight else np.ones(len(d))
    return seg, w, _columns(d, outcomes)


class _IndexFit:
    """The weighted least-squares regression of the connection index on every element's performance, in any
    resample given as counts, with missing ratings set to the resample's mean of the element (as a fit on the
    drawn rows). The normal equations are summed over the respondents drawn at least once, each counted as
    often as drawn: the matrices of a fit on the resample's rows, repeated rows added up. Rows are grouped by
    their count, so each group's cross-product is one symmetric rank-k update of √weight-scaled rows, with no
    scaling per resample."""

    def __init__(self, X: np.ndarray, y: np.ndarray, w: np.ndarray):
        obs = np.isfinite(X)
        self.X0, self.obs = np.where(obs, X, 0.0), obs.astype(float)
        self.ok = np.flatnonzero(np.isfinite(y))
        sw = np.sqrt(w[self.ok])
        self.base = np.column_stack([sw, self.X0[self.ok] * sw[:, None]])  # [1, x] · √w, missing ratings 0
        self.ys = sw * y[self.ok]
        rows, cols = np.nonzero(~obs[self.ok])
        self.cells, self.cell_col, self.cell_sw = rows * self.base.shape[1] + 1 + cols, cols, sw[rows]

    def fit(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (intercept first) and the element means used for missing ratings, one row per resample."""
        with np.errstate(divide="ignore", invalid="ignore"):
            mu = (counts @ self.X0) / (counts @ self.obs)
        q = self.base.shape[1]
        coef = np.full((len(counts), q), np.nan)
        flat = self.base.reshape(-1)
        for r in range(len(counts)):
            flat[self.cells] = self.cell_sw * mu[r, self.cell_col]  # this resample's means for missing ratings
            c = counts[r, self.ok]
            G, rhs = np.zeros((q, q)), np.zeros(q)
            for k in np.unique(c[c > 0]):
                rows = np.flatnonzero(c == k)
                B = self.base.take(rows, axis=0)
                G += k * (B.T @ B)
                rhs += k * (B.T @ self.ys[rows])
            if np.isfinite(G).all() and np.isfinite(rhs).all():  # an element nobody rated in a resample: no fit
                coef[r] = np.linalg.lstsq(G, rhs, rcond=None)[0]
        return coef, mu


def improve_element(data: pd.DataFrame, codebook: pd.DataFrame, *, element: str, points: float, threshold: float,
                    outcomes: Outcomes, weight: str | None = None, customers: int | None = None, n_boot: int = 500,
                    seed: int = 0, ci: float = 0.95, index_column: str = "connection_index") -> Scenario:
    """Scenario: one element's performance rises by ``points`` (capped at its scale's top) for every customer.

    Parameters
    ----------
    data, codebook : DataFrame
        Analysis frame and codebook (``element_performance`` rows name the element and its scale).
    element : str
        The element's name (codebook ``element``).
    points : float
        Rise in its performance rating, on its own scale (above 0).
    threshold : float
        Connection index at which a customer is fully connected (``engagement.yaml``'s ``connection.threshold``).
    outcomes, weight, customers, n_boot, seed, ci
        As in :func:`connect_share`.
    index_column : str
        The connection index column.

    Returns
    -------
    Scenario
        As :func:`connect_share` (without ``value_uplift_of_movers``), plus ``index_change`` (mean rise of the
        connection index).

    Notes
    -----
    The index responds to the element by its coefficient b in the (weighted) least-squares regression of the
    connection index on every element's performance (missing ratings set to the element's mean). Each
    customer's index rises by b · min(points, top − rating); those who reach ``threshold`` become fully
    connected and take on the fully connected behaviour. The regression is refitted in every bootstrap
    resample, so the interval includes the uncertainty of b. Checked against a hand-built example in
    tests/test_simulate.py.

    Examples
    --------
    >>> rating = np.array([5, 6, 7, 7, 6, 5] * 20, dtype=float)
    >>> f = pd.DataFrame({"e1": rating, "e2": np.tile([1.0, 2, 3, 4, 5, 6], 20), "connection_index": 10 * rating,
    ...                   "segment": np.where(rating >= 7.5, "fully connected", "highly satisfied"), "spend": 100.0})
    >>> cb = pd.DataFrame({"column": ["e1", "e2"], "role": "element_performance", "element": ["Staff", "App"], "scale_max": 10})
    >>> r = improve_element(f, cb, element="Staff", points=1, threshold=75, outcomes=Outcomes(value="spend"), n_boot=50)
    >>> r.table.set_index("outcome").loc[["connected_share", "index_change"], "change"].round(3).to_dict()
    {'connected_share': 0.333, 'index_change': 10.0}
    """
    fn = "simulate.improve_element"
    codebook = checks.frame(codebook, fn, "codebook")
    checks.columns(codebook, fn, codebook="role")
    perf = codebook[codebook["role"] == "element_performance"]
    names = [str(e) for e in perf["element"]] if "element" in perf else []
    if element not in set(perf.get("element", pd.Series(dtype=object))):
        shown = ", ".join(repr(e) for e in sorted(names)[:8]) + (", …" if len(names) > 8 else "")
        raise ArgumentError(f"{fn}: no element named {element!r} in the codebook{checks.close_matches(element, names)}"
                            f" (elements: {shown or 'none'})", function=fn, argument="element")
    points = checks.positive(points, fn, "points")
    threshold = checks.positive(threshold, fn, "threshold")
    if threshold > 100:
        raise ArgumentError(f"{fn}: threshold is a connection index (0–100), not {threshold:g}", function=fn,
                            argument="threshold")
    d, n_boot, ci = _check(data, fn, outcomes=outcomes, weight=weight, customers=customers, n_boot=n_boot, ci=ci)
    checks.numeric(d, fn, index_column=index_column)
    cols = perf["column"].tolist()
    for c in cols:
        if c not in d.columns:
            raise ArgumentError(f"{fn}: the codebook's element column {c!r} is not a column of the frame"
                                f"{checks.close_matches(c, d.columns)}", function=fn, argument="codebook")
    target = perf.loc[perf["element"] == element, "column"].iloc[0]
    top = float(perf.loc[perf["element"] == element, "scale_max"].iloc[0])
    j = cols.index(target)

    X_all = d[cols].to_numpy(float)
    y_all = d[index_column].to_numpy(float)
    seg, w_all, ocols = _arrays(d, weight, outcomes)
    beh = _behaviour_draws(seg, w_all, ocols, outcomes, n_boot, seed)
    fitter = _IndexFit(X_all, y_all, w_all)
    gap = np.clip(top - X_all[:, j], 0, points)  # the rise in rating each customer has room for
    missing = ~np.isfinite(X_all[:, j])
    n = len(d)
    # Per respondent, what the index change and the weight need: Σ count·w, Σ count·w·gap (rated), Σ count·w
    # (not rated, whose gap is the resample's): one product with the counts.
    sums = np.column_stack([w_all, w_all * np.where(missing, 0.0, gap), w_all * missing])
    movable = np.flatnonzero((seg != 0) & np.isfinite(y_all))  # the fully connected cannot move

    def moves(counts: np.ndarray, coef: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weight moved per segment and the mean rise of the index, in each resample (rows of ``counts``)
        with the element's coefficient ``coef`` and mean rating ``mu`` (for missing ratings) in that resample."""
        room = np.clip(top - mu, 0, points)  # the gap of a missing rating, per resample
        total, rated, unrated = (counts @ sums).T
        with np.errstate(divide="ignore", invalid="ignore"):
            index_change = coef * (rated + room * unrated) / total
        # Only a customer whom the largest coefficient lifts to the threshold can reach it in any resample
        # (y + b·gap rounds monotonically in b and gap), so the test runs on those few alone.
        top_b = max(float(np.nanmax(coef, initial=0.0)), 0.0)
        high = np.where(missing[movable], float(np.nanmax(room, initial=0.0)), gap[movable])
        cand = movable[~(y_all[movable] + top_b * high < threshold)]
        rise = coef[:, None] * np.where(missing[cand], room[:, None], gap[cand])
        reach = y_all[cand] + rise >= threshold
        moved = np.zeros((len(counts), _K))
        for k in (1, 2):
            mine = seg[cand] == k
            moved[:, k] = (counts[:, cand[mine]] * reach[:, mine]) @ w_all[cand[mine]]
        return moved, index_change

    pc, pmu = fitter.fit(np.ones((1, n)))
    point = moves(np.ones((1, n)), pc[:, 1 + j], pmu[:, j])
    key = _digest(X_all, y_all, w_all, n_boot, seed, "index fit")
    fits = _CACHE.get(key)
    drawn = []
    if fits is None:  # fit every resample once for every element of the summary; price this one on the way
        coefs, mus = [], []
        for _, c in _count_chunks(n, n_boot, seed):
            coef, mu = fitter.fit(c)
            coefs.append(coef)
            mus.append(mu)
            drawn.append(moves(c, coef[:, 1 + j], mu[:, j]))
        _cached(key, lambda: (np.concatenate(coefs) if coefs else np.empty((0, len(cols) + 1)),
                              np.concatenate(mus) if mus else np.empty((0, len(cols)))))
    else:
        _CACHE.move_to_end(key)
        drawn = [moves(c, fits[0][sl, 1 + j], fits[1][sl, j]) for sl, c in _count_chunks(n, n_boot, seed)]
    boot = (np.concatenate([m for m, _ in drawn]) if drawn else np.empty((0, _K)),
            np.concatenate([i for _, i in drawn]) if drawn else np.empty(0))

    assumption = (f"“{element}” is rated {points:g} point{'' if points == 1 else 's'} higher by every customer (up to "
                  "the top of its scale); the connection index rises by the element's regression coefficient per "
                  "point, customers who reach the threshold become fully connected and behave like today's fully "
                  "connected customers.")
    return _run(beh, (point[0], boot[0]), ({"index_change": point[1]}, {"index_change": boot[1]}), outcomes=outcomes,
                customers=customers, n=n, n_boot=n_boot, ci=ci,
                name=f"{element}: rated {points:g} point{'' if points == 1 else 's'} higher", assumption=assumption)

@dataclass(frozen=True, eq=False)
class ScenarioComparison(Result):
    """Several scenarios side by side: :func:`scenarios_table`'s result.

    Attributes
    ----------
    table : DataFrame
        ``scenario, outcome, baseline, change, ci_low, ci_high, n`` (long form, scenarios in the order given).
    assumptions : dict
        ``{scenario name: assumption}``.
    customers : int or None
        The base of the totals.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"segment": rng.choice(SEGMENTS, 300), "spend": rng.gamma(2, 50, 300)})
    >>> out = Outcomes(value="spend")
    >>> c = scenarios_table([("A quarter", connect_share(f, share=0.25, outcomes=out, n_boot=20)),
    ...                      ("Half", connect_share(f, share=0.5, outcomes=out, n_boot=20))])
    >>> c.table.columns.tolist(), c.table["scenario"].unique().tolist()
    (['scenario', 'outcome', 'baseline', 'change', 'ci_low', 'ci_high', 'n'], ['A quarter', 'Half'])
    >>> list(c.assumptions), c.customers
    (['A quarter', 'Half'], None)
    >>> c.headline().startswith("- *A quarter*:")
    True
    """

    assumptions: dict[str, str] | None = None
    customers: int | None = None

    def plot(self, ax: Any = None, *, outcome: str = "value_total", label: str | None = None, **kwargs: Any) -> Any:
        """Bars of one outcome's change in every scenario, with intervals."""
        from . import plots

        d = self._table[self._table["outcome"] == outcome].rename(columns={"change": "estimate"})
        if d.empty:
            raise ArgumentError(f"ScenarioComparison.plot: no scenario has the outcome {outcome!r}",
                                function="ScenarioComparison.plot", argument="outcome")
        d = d.assign(label=d["scenario"])
        what = label or OUTCOME_LABELS.get(outcome, outcome)
        scale = 100.0 if outcome in ("connected_share", "promoter_share", "attrition") else 1.0
        kwargs.setdefault("xlabel", f"Change in {what[:1].lower() + what[1:]}, with 95% CI")
        base = f"for the {self.customers:,} customers; " if self.customers and outcome in ("value_total", "customers_kept") else ""
        kwargs.setdefault("title", f"Value at stake ({base}n={self.n:,} respondents)")
        kwargs.setdefault("fmt", "{:+,.1f}" if scale == 100 else "{:+,.0f}")
        return plots.estimates(d, label="label", scale=scale, ax=ax, **kwargs)

    def headline(self) -> str:
        from . import report

        return report.Markdown("\n".join(f"- *{report.text(name)}*: {report.text(a)}"
                                         for name, a in (self.assumptions or {}).items()))


def scenarios_table(results: Sequence[Scenario | tuple[str, Scenario]]) -> ScenarioComparison:
    """Several scenarios side by side: ``scenario, outcome, baseline, change, ci_low, ci_high, n`` (long form).

    ``results`` are :class:`Scenario` objects (named by their ``name``) or ``(name, Scenario)`` pairs.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"segment": rng.choice(SEGMENTS, 300), "spend": rng.gamma(2, 50, 300)})
    >>> a = connect_share(f, share=0.25, outcomes=Outcomes(value="spend"), n_boot=20)
    >>> t = scenarios_table([a]).table
    >>> t.columns.tolist(), t["scenario"].iloc[0]
    (['scenario', 'outcome', 'baseline', 'change', 'ci_low', 'ci_high', 'n'], '25% of highly satisfied become fully connected')
    """
    fn = "simulate.scenarios_table"
    pairs: list[tuple[str, Scenario]] = []
    for i, r in enumerate(results):
        name, res = (r if isinstance(r, tuple) and len(r) == 2 else (getattr(r, "name", None), r))
        if not isinstance(res, Scenario):
            raise ArgumentError(f"{fn}: results[{i}] must be a Scenario (from connect_share or improve_element) or a "
                                f"(name, Scenario) pair, not {type(res).__name__}", function=fn, argument="results")
        pairs.append((str(name), res))
    if not pairs:
        raise ArgumentError(f"{fn}: no scenario given", function=fn, argument="results")
    columns = ["scenario", "outcome", "baseline", "change", "ci_low", "ci_high", "n"]
    table = pd.concat([r.table.assign(scenario=name)[columns] for name, r in pairs], ignore_index=True)
    customers = {r.customers for _, r in pairs}
    return ScenarioComparison(table, assumptions={name: r.assumption for name, r in pairs},
                              customers=customers.pop() if len(customers) == 1 else None)


# -- what the data show: the rises observed, and the scenario's assumption checked against the waves -------------

@dataclass(frozen=True, eq=False)
class ObservedRises(Result):
    """The rises in the fully connected share that the data show: :func:`observed_rises`' result.

    Attributes
    ----------
    table : DataFrame
        ``source, group, rise, share_of_highly_satisfied, n``: one row per source — ``waves`` (the fully
        connected share's change from the first to the last wave, ``group`` the later wave) and each grouping
        column (the gap between its most connected group of at least ``min_cell`` respondents and everyone,
        ``group`` that group). ``rise`` is in proportion points of all customers; ``share_of_highly_satisfied``
        the same rise as a share of the highly satisfied customers (of the earlier wave, or of everyone), the
        scale of :func:`connect_share`'s ``share``. ``n``: the respondents it rests on.
    ceiling : float
        The largest ``share_of_highly_satisfied`` observed (0 when no rise is observed): the most a
        connect-share scenario may offer.
    min_cell : int

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"segment": rng.choice(SEGMENTS, 2000, p=[0.2, 0.3, 0.5]),
    ...                   "region": rng.choice(["north", "south"], 2000)})
    >>> f.loc[f["region"].eq("north") & f["segment"].eq("other") & (rng.random(2000) < 0.3), "segment"] = "fully connected"
    >>> r = observed_rises(f, groups=["region"])
    >>> r.table["group"].tolist(), 0 < r.ceiling < 1
    (['north'], True)
    """

    ceiling: float = 0.0
    min_cell: int = 30

    def headline(self) -> str:
        from . import report

        rows = [r for r in self._table.itertuples() if r.rise > 0]
        if not rows:
            return report.Markdown("The data show no rise in the fully connected share (no later wave, and no group "
                                   "more connected than everyone), so no share of customers is offered as a scenario.")
        said = [(f"{report.number(100 * r.rise, '{:.1f}')} points between the waves (to {report.text(r.group)})"
                 if r.source == "waves" else
                 f"{report.number(100 * r.rise, '{:.1f}')} points more in the most connected {report.text(report.pretty(r.source)).lower()}"
                 f" ({report.text(r.group)}) than among everyone") + f" (n={int(r.n):,})" for r in rows]
        return report.Markdown("The largest rises in the fully connected share the data show: " + "; ".join(said)
                               + f". Scenarios offer at most {report.percent(self.ceiling)} of the highly satisfied "
                               "customers becoming fully connected.")


def _shares(seg: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.bincount(seg, weights=w, minlength=len(SEGMENTS)) / w.sum()


def observed_rises(data: pd.DataFrame, *, wave: str | None = None, waves: Sequence[Any] | None = None,
                   groups: Sequence[str] = (), weight: str | None = None, min_cell: int = 30) -> ObservedRises:
    """The rises in the fully connected share that the data show, between waves and between groups.

    Parameters
    ----------
    data : DataFrame
        The analysis frame (``segment``, and the wave and group columns).
    wave : str, optional
        Wave column; with ``waves`` (earliest first), the first and last waves are compared.
    waves : sequence, optional
    groups : sequence of str
        Grouping columns (business cuts, covariates): each one's most connected group against everyone.
    weight : str, optional
        Respondent weights.
    min_cell : int
        Smallest group considered (the engagement's ``privacy.min_cell``).

    Returns
    -------
    ObservedRises
        ``.table``: ``source, group, rise, share_of_highly_satisfied, n``; ``.ceiling``: the largest share of
        highly satisfied customers a scenario may offer.

    Notes
    -----
    A scenario moving a share q of the highly satisfied customers raises the fully connected share by
    q · π_HS. The data show two such rises: the change between the waves, Δ = π_FC(last) − π_FC(first), and, within
    one cross-section, the gap between the most connected group g and everyone, π_FC(g) − π_FC. Each is turned
    into q = rise / π_HS (π_HS of the first wave, or of everyone), capped at 1; the ceiling is the largest of
    them (point estimates). Offering more than that would extrapolate beyond anything this client's data show.
    The rises are associations (two cross-sections; groups that differ in more than connection), not effects;
    they only bound the size of the hypothetical. Checked by hand in tests/test_simulate.py.

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["fully connected"] * 20 + ["highly satisfied"] * 40 + ["other"] * 40
    ...                              + ["fully connected"] * 30 + ["highly satisfied"] * 30 + ["other"] * 40,
    ...                   "wave": ["pre"] * 100 + ["post"] * 100})
    >>> r = observed_rises(f, wave="wave", waves=["pre", "post"], min_cell=10)
    >>> r.table[["source", "group", "rise", "share_of_highly_satisfied", "n"]].round(3).values.tolist()
    [['waves', 'post', 0.1, 0.25, 200]]
    >>> round(r.ceiling, 6)
    0.25
    """
    fn = "simulate.observed_rises"
    data = checks.frame(data, fn)
    if "segment" not in data.columns:
        raise ArgumentError(f"{fn}: data has no 'segment' column; pass the analysis frame (eng.frame())",
                            function=fn, argument="data")
    groups = [groups] if isinstance(groups, str) else list(groups)
    checks.columns(data, fn, weight=weight, wave=wave, **{f"groups[{i}]": g for i, g in enumerate(groups)})
    min_cell = checks.count(min_cell, fn, "min_cell", minimum=1)
    d = data.dropna(subset=["segment"]).reset_index(drop=True)
    seg = pd.Categorical(d["segment"], categories=SEGMENTS).codes
    w = d[weight].to_numpy(float) if weight else np.ones(len(d))
    rows = []
    if wave is not None and waves is not None and len(waves) >= 2:
        first, last = (d[wave].astype(str) == str(waves[0])).to_numpy(), (d[wave].astype(str) == str(waves[-1])).to_numpy()
        if first.sum() >= min_cell and last.sum() >= min_cell:
            p1, p2 = _shares(seg[first], w[first]), _shares(seg[last], w[last])
            rise = float(p2[0] - p1[0])
            rows.append({"source": "waves", "group": str(waves[-1]), "rise": rise,
                         "share_of_highly_satisfied": min(1.0, max(0.0, rise) / p1[1]) if p1[1] > 0 else 0.0,
                         "n": int(first.sum() + last.sum())})
    everyone = _shares(seg, w) if len(d) else np.zeros(len(SEGMENTS))
    for g in groups:
        best = None
        for label, idx in d.groupby(g, observed=True, sort=True).indices.items():
            if len(idx) >= min_cell:
                fc = float(_shares(seg[idx], w[idx])[0])
                if best is None or fc > best[1]:
                    best = (label, fc, len(idx))
        if best is not None:
            rise = best[1] - float(everyone[0])
            rows.append({"source": str(g), "group": str(best[0]), "rise": rise,
                         "share_of_highly_satisfied": min(1.0, max(0.0, rise) / everyone[1]) if everyone[1] > 0 else 0.0,
                         "n": int(best[2])})
    table = pd.DataFrame(rows, columns=["source", "group", "rise", "share_of_highly_satisfied", "n"])
    ceiling = float(table["share_of_highly_satisfied"].max()) if len(table) else 0.0
    return ObservedRises(table, ceiling=ceiling, min_cell=min_cell)


@dataclass(frozen=True, eq=False)
class WaveCheck(Result):
    """The scenarios' assumption checked against what happened between two waves: :func:`wave_check`'s result.

    Attributes
    ----------
    table : DataFrame
        ``quantity, estimate, ci_low, ci_high, n_before, n_after, n``; quantities: ``connected_change`` (the
        fully connected share, after − before), ``predicted_value_change`` (the change in mean value the
        scenario logic predicts from the change in segment mix, each segment keeping the first wave's mean
        value), ``observed_value_change`` (the change in mean value that was measured) and ``difference``
        (observed − predicted).
    waves : (before, after)
    value_label, value_unit : str or None
    n_boot : int
    covers : str
        What the intervals cover.
    draws : Draws or None

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 600
    >>> seg = np.r_[rng.choice(SEGMENTS, n, p=[.2, .3, .5]), rng.choice(SEGMENTS, n, p=[.3, .2, .5])]
    >>> f = pd.DataFrame({"wave": np.repeat(["pre", "post"], n), "segment": seg,
    ...                   "spend": np.where(seg == "fully connected", 200.0, 100.0) + rng.normal(0, 10, 2 * n)})
    >>> r = wave_check(f, wave="wave", waves=["pre", "post"], value="spend", n_boot=100)
    >>> r.table["quantity"].tolist()
    ['connected_change', 'predicted_value_change', 'observed_value_change', 'difference']
    >>> e = r.get("difference")
    >>> bool(e.ci_low < 0 < e.ci_high)  # spend follows the mix here: the assumption holds
    True
    """

    waves: tuple = ()
    value_label: str | None = None
    value_unit: str | None = None
    n_boot: int = 0
    covers: str = ""
    draws: Draws | None = None

    def get(self, quantity: str) -> Estimate:
        checks.choice(quantity, WAVE_CHECK, "WaveCheck.get", "quantity")
        r = self._table[self._table["quantity"] == quantity].iloc[0]
        if not math.isfinite(float(r["estimate"])):
            return Estimate.missing(Reason.of("no_data"), n=int(r["n"]))
        return Estimate(float(r["estimate"]), float(r["ci_low"]), float(r["ci_high"]), int(r["n"]),
                        method=f"percentile bootstrap, {self.n_boot:,} resamples of respondents within waves",
                        note=self.covers if self.n_boot else Reason.of("no_bootstrap").sentence)

    def verdict(self) -> str:
        """``consistent`` (the difference's interval includes zero), ``lower`` or ``higher`` (observed below or
        above the prediction, the interval excluding zero), or ``no_interval``."""
        e = self.get("difference")
        if not e.estimable or not e.has_interval:
            return "no_interval"
        return "lower" if e.ci_high < 0 else "higher" if e.ci_low > 0 else "consistent"

    def headline(self) -> str:
        from . import report

        before, after = (report.text(w) for w in self.waves)
        unit = f" {self.value_unit}" if self.value_unit else ""
        value = report.text((self.value_label or "value").lower())

        def said(q: str, k: float = 1, fmt: str = "{:+,.1f}", suffix: str = unit) -> str:
            e = self.get(q)
            ci = f"95% CI {report.interval(e.ci_low * k, e.ci_high * k, fmt=fmt)}" if e.has_interval else "no interval"
            return f"{report.number(e.estimate * k, fmt)}{suffix} ({ci})"

        c, n = self.get("connected_change"), self.get("connected_change").n
        text = (f"Between {before} and {after} the fully connected share changed by {said('connected_change', 100, '{:+.1f}', ' points')}. "
                f"If the customers behind that change behaved like the fully connected customers of {before}, as the "
                f"scenarios assume, mean {value} would have changed by {said('predicted_value_change')}; it changed by "
                f"{said('observed_value_change')}, a difference of {said('difference')} (n={n:,} respondents).")
        verdict = self.verdict()
        if verdict == "consistent":
            text += (" What happened is within what the assumption allows, but the interval is wide: the two waves "
                     "neither confirm nor rule it out.")
        elif verdict == "lower":
            text += (f" Mean {value} rose less than the assumption predicts: customers who became fully connected "
                     "did not, on this evidence, spend like those who already were (or something else changed at "
                     "the same time); read the scenarios as an upper bound.")
        elif verdict == "higher":
            text += f" Mean {value} rose more than the change in mix alone predicts (something else changed as well)."
        del c
        return report.Markdown(text + " Two cross-sections without a control group cannot say why either changed; " + self.covers + ".")


#: The quantities of :func:`wave_check`.
WAVE_CHECK = ("connected_change", "predicted_value_change", "observed_value_change", "difference")

#: What the wave check's intervals cover.
WAVE_CHECK_COVERS = ("the intervals come from resampling the respondents of each wave; they do not cover "
                     "changes in who was surveyed or in how the survey was run")


def wave_check(data: pd.DataFrame, *, wave: str, waves: Sequence[Any], value: str, weight: str | None = None,
               value_label: str | None = None, value_unit: str | None = None, n_boot: int = 1000, seed: int = 0,
               ci: float = 0.95) -> WaveCheck:
    """Check the scenarios' assumption against two waves: the change in mean value the change in segment mix
    predicts, against the change measured.

    Parameters
    ----------
    data : DataFrame
        The analysis frame (``segment``, the wave and value columns); respondents without a segment or value
        are left out.
    wave : str
        Wave column.
    waves : sequence
        Wave labels, earliest first; the first and the last are compared.
    value : str
        Value column.
    weight : str, optional
        Respondent weights.
    value_label, value_unit : str, optional
        The value's name and unit, for the words.
    n_boot, seed, ci
        Bootstrap resamples (0: no intervals; respondents resampled within each wave), seed, level.

    Returns
    -------
    WaveCheck

    Notes
    -----
    The scenarios assume that a customer who becomes fully connected takes on the value of today's fully
    connected customers, and nobody else changes. Applied to the waves, with segment shares π₁ₛ, π₂ₛ and the
    first wave's mean value per segment v₁ₛ, that predicts a change in mean value of Σₛ (π₂ₛ − π₁ₛ) v₁ₛ — the
    arithmetic of :func:`connect_share`, with the second wave's mix in place of the scenario's. The measured
    change is v̄₂ − v̄₁; their difference, Σₛ π₂ₛ (v₂ₛ − v₁ₛ), is the change within segments that the
    assumption sets to zero. All three by one percentile bootstrap, respondents resampled within waves (the
    waves are independent samples), so the difference's interval accounts for their correlation. Checked
    against the formula by hand and against :func:`cxlib.waves.mix_impact` in tests/test_simulate.py.

    Examples
    --------
    >>> f = pd.DataFrame({"wave": ["a"] * 4 + ["b"] * 4,
    ...                   "segment": ["fully connected", "other", "other", "other"] * 1
    ...                              + ["fully connected", "fully connected", "other", "other"],
    ...                   "spend": [200.0, 100, 100, 100, 200, 200, 100, 100]})
    >>> r = wave_check(f, wave="wave", waves=["a", "b"], value="spend", n_boot=0)
    >>> r.table.set_index("quantity")["estimate"].round(2).to_dict()
    {'connected_change': 0.25, 'predicted_value_change': 25.0, 'observed_value_change': 25.0, 'difference': 0.0}
    """
    fn = "simulate.wave_check"
    data = checks.frame(data, fn)
    if "segment" not in data.columns:
        raise ArgumentError(f"{fn}: data has no 'segment' column; pass the analysis frame (eng.frame())",
                            function=fn, argument="data")
    checks.columns(data, fn, wave=wave)
    checks.numeric(data, fn, value=value, weight=weight)
    if waves is None or isinstance(waves, str) or len(waves) < 2:
        raise ArgumentError(f"{fn}: waves must list two or more wave labels, earliest first, not {waves!r}",
                            function=fn, argument="waves")
    n_boot = checks.count(n_boot, fn, "n_boot", minimum=2, allow_zero=True)
    ci = checks.level(ci, fn)
    d = data.dropna(subset=["segment", value]).reset_index(drop=True)
    labels = d[wave].astype(str)
    parts = [np.flatnonzero((labels == str(w)).to_numpy()) for w in (waves[0], waves[-1])]
    for w, p in zip((waves[0], waves[-1]), parts):
        if len(p) < 2:
            raise ArgumentError(f"{fn}: wave {w!r} has {len(p)} respondent(s) with a segment and a value; at least 2 "
                                "are needed", function=fn, argument="waves")
    seg = pd.Categorical(d["segment"], categories=SEGMENTS).codes
    w_all = d[weight].to_numpy(float) if weight else np.ones(len(d))
    v_all = d[value].to_numpy(float)
    k = len(SEGMENTS)
    # Per wave, the weight and weighted value of each segment: every resample's statistics are products of
    # its counts with these (the same resamples as drawing each wave's rows in turn, resample after resample).
    feats = []
    for p in parts:
        one = np.zeros((len(p), k))
        one[np.arange(len(p)), seg[p]] = 1.0
        feats.append(np.hstack([w_all[p][:, None] * one, (w_all[p] * v_all[p])[:, None] * one]))

    def stats(c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
        (W1, V1), (W2, V2) = ((s[:, :k], s[:, k:]) for s in (c1 @ feats[0], c2 @ feats[1]))
        with np.errstate(divide="ignore", invalid="ignore"):
            p1, p2 = W1 / W1.sum(axis=1, keepdims=True), W2 / W2.sum(axis=1, keepdims=True)
            mean1 = V1 / np.where(W1 > 0, W1, np.nan)
            present = p1 > 0
            # A segment absent before and present after has no earlier value to carry: no prediction.
            predicted = np.where(np.where(present, 0.0, p2).any(axis=1) == 0,
                                 np.where(present, (p2 - p1) * mean1, 0.0).sum(axis=1), np.nan)
            observed = V2.sum(axis=1) / W2.sum(axis=1) - V1.sum(axis=1) / W1.sum(axis=1)
        return np.column_stack([p2[:, 0] - p1[:, 0], predicted, observed, observed - predicted])

    point = stats(np.ones((1, len(parts[0]))), np.ones((1, len(parts[1]))))[0]
    rng = np.random.default_rng(seed)
    n1, n2 = len(parts[0]), len(parts[1])
    per = max(1, min(n_boot, _MAX_CELLS // (n1 + n2)))
    chunks = []
    for start in range(0, n_boot, per):
        b = min(per, n_boot - start)
        i1, i2 = np.empty((b, n1), dtype=np.int64), np.empty((b, n2), dtype=np.int64)
        for r in range(b):
            i1[r], i2[r] = rng.integers(0, n1, n1), rng.integers(0, n2, n2)
        chunks.append(stats(*(np.bincount((i + (np.arange(b) * m)[:, None]).ravel(), minlength=b * m)
                              .reshape(b, m).astype(float) for i, m in ((i1, n1), (i2, n2)))))
    boot = np.concatenate(chunks) if chunks else np.empty((0, len(WAVE_CHECK)))
    lo, hi = percentile_interval(boot, ci) if len(boot) else (np.full(4, np.nan), np.full(4, np.nan))
    table = pd.DataFrame({"quantity": list(WAVE_CHECK), "estimate": point, "ci_low": lo, "ci_high": hi,
                          "n_before": len(parts[0]), "n_after": len(parts[1]), "n": len(parts[0]) + len(parts[1])})
    return WaveCheck(table, waves=(waves[0], waves[-1]), value_label=value_label, value_unit=value_unit,
                     n_boot=n_boot, covers=WAVE_CHECK_COVERS, draws=Draws(boot, list(WAVE_CHECK)) if len(boot) else None)
