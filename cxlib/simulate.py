"""Value at stake: what follows for connection, attrition, advocacy and value if customers became fully connected.

Two scenarios, each carried through the engagement's own estimates with bootstrap intervals:

- :func:`connect_share` — a chosen share of highly satisfied customers becomes fully connected;
- :func:`improve_element` — one experience element's performance rises by ``points`` for everyone; its
  effect on the connection index comes from the regression of the index on all elements' performance,
  and customers whose index then reaches the threshold become fully connected.

Assumption (stated in every result): a customer who becomes fully connected behaves like the fully
connected customers already in the data (their mean value, attrition at the horizon and promoter share),
and nobody else changes. That is the value-of-connection logic of the method, not a causal estimate; the
reports say so.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import checks
from .errors import ArgumentError
from .results import Draws, Estimate, Reason, Result
from .segments import SEGMENTS
from .stats import bootstrap_indices, percentile_interval
from .survival import km_at

__all__ = ["Outcomes", "Scenario", "ScenarioComparison", "connect_share", "improve_element", "scenarios_table",
           "OUTCOME_LABELS"]

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
    >>> Outcomes(value="annual_spend", duration="tenure_days", event="churned", horizon=365, advocacy="ltr")
    Outcomes(value='annual_spend', duration='tenure_days', event='churned', horizon=365, advocacy='ltr')
    """

    value: str | None = None
    duration: str | None = None
    event: str | None = None
    horizon: float = 365.0
    advocacy: str | None = None


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
    return d, n_boot, ci


def _behaviour(seg: np.ndarray, w: np.ndarray, cols: dict[str, np.ndarray], out: Outcomes) -> dict[str, np.ndarray]:
    """Per-segment behaviour (rows: segments in SEGMENTS order) for each outcome."""
    k = len(SEGMENTS)
    res: dict[str, np.ndarray] = {}
    wsum = np.bincount(seg, weights=w, minlength=k)
    if "value" in cols:
        res["value"] = np.bincount(seg, weights=w * cols["value"], minlength=k) / np.where(wsum > 0, wsum, np.nan)
    if "advocacy" in cols:
        ok = np.isfinite(cols["advocacy"])
        pw = np.bincount(seg[ok], weights=w[ok], minlength=k)
        res["advocacy"] = np.bincount(seg[ok], weights=w[ok] * (cols["advocacy"][ok] >= 9), minlength=k) / \
            np.where(pw > 0, pw, np.nan)
    if "duration" in cols:
        res["attrition"] = np.array([1 - km_at(cols["duration"][seg == j], cols["event"][seg == j], out.horizon,
                                               weights=w[seg == j])[0] for j in range(k)])
    return res


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


@dataclass(frozen=True, eq=False)
class Scenario(Result):
    """One value-at-stake scenario: :func:`connect_share`'s and :func:`improve_element`'s result.

    Attributes
    ----------
    table : DataFrame
        ``outcome, baseline, scenario, change, ci_low, ci_high, n``, one row per outcome (see
        :data:`OUTCOME_LABELS`); ``n`` is the respondents with a segment, ``change`` the scenario minus the
        baseline with its percentile bootstrap interval.
    name : str
        The scenario in a few words.
    assumption : str
        The assumption the scenario rests on, in words.
    customers : int or None
        Size of the customer base the totals are for.
    n_boot : int
        Bootstrap resamples (0: no intervals).
    draws : Draws or None
        Bootstrap draws of each outcome's change, keyed by outcome.

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
    """

    name: str = ""
    assumption: str = ""
    customers: int | None = None
    n_boot: int = 0
    draws: Draws | None = None

    @property
    def outcomes(self) -> list[str]:
        return self._table["outcome"].tolist()

    def change(self, outcome: str) -> Estimate:
        """The change in one outcome as an :class:`~cxlib.results.Estimate`."""
        t = self._table.set_index("outcome")
        if outcome not in t.index:
            raise ArgumentError(f"Scenario.change: no outcome {outcome!r} in this scenario (outcomes: "
                                f"{', '.join(t.index)}){checks.close_matches(outcome, t.index)}",
                                function="Scenario.change", argument="outcome")
        r = t.loc[outcome]
        if not math.isfinite(float(r["change"])):
            return Estimate.missing(Reason.of("no_data"), n=int(r["n"]))
        note = "" if self.n_boot else Reason.of("no_bootstrap").sentence
        return Estimate(float(r["change"]), float(r["ci_low"]), float(r["ci_high"]), n=int(r["n"]),
                        method=f"percentile bootstrap, {self.n_boot:,} resamples of respondents", note=note)

    def headline(self) -> str:
        from . import report

        parts = []
        for key, fmt, k in (("connected_share", "{:+.1f} points", 100), ("value_total", "{:+,.0f}", 1),
                            ("customers_kept", "{:+,.0f}", 1)):
            if key in self.outcomes:
                e = self.change(key)
                if e.estimable:
                    ci = (f"95% CI {report.interval(e.ci_low * k, e.ci_high * k, fmt=fmt.split(' ')[0])}"
                          if e.has_interval else "no interval")
                    parts.append(f"{OUTCOME_LABELS[key].lower()} {report.number(e.estimate * k, fmt)} ({ci})")
        base = f" for the {self.customers:,} customers" if self.customers else ""
        body = "; ".join(parts) if parts else "no outcome could be estimated"
        return report.Markdown(f"{report.text(self.name)}: {body}{base} (n={self.n:,} respondents). "
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


def _scenario_changes(move_to_fc: np.ndarray, seg: np.ndarray, w: np.ndarray, beh: dict[str, np.ndarray],
                      customers: int | None) -> dict[str, float]:
    """Changes per customer (and in total) when the respondents flagged in ``move_to_fc`` become fully connected.

    ``move_to_fc`` holds each respondent's probability of moving (0–1), so a share of a segment can move.
    """
    total = w.sum()
    moved = w * move_to_fc
    out = {"connected_share": float(moved.sum() / total)}
    for key, b in beh.items():
        gain = b[0] - b[seg]  # what a mover's behaviour changes by
        out[{"value": "value_per_customer", "advocacy": "promoter_share", "attrition": "attrition"}[key]] = \
            float(np.nansum(moved * gain) / total)
    if customers is not None:
        if "value_per_customer" in out:
            out["value_total"] = out["value_per_customer"] * customers
        if "attrition" in out:
            out["customers_kept"] = -out["attrition"] * customers
    return out


def _run(d: pd.DataFrame, *, weight: str | None, outcomes: Outcomes, customers: int | None, n_boot: int,
         seed: int, ci: float, movers: Callable[[np.ndarray, np.ndarray], np.ndarray], name: str, assumption: str,
         extra: Callable[[np.ndarray, np.ndarray], dict[str, float]] | None = None) -> Scenario:
    """Point estimate and bootstrap of a scenario; ``movers`` and ``extra`` get row positions of ``d``
    (a resample) and those rows' segment codes."""
    seg = pd.Categorical(d["segment"], categories=SEGMENTS).codes
    w = d[weight].to_numpy(float) if weight else np.ones(len(d))
    cols = _columns(d, outcomes)

    def once(idx: np.ndarray) -> dict[str, float]:
        s, ww = seg[idx], w[idx]
        beh = _behaviour(s, ww, {k: v[idx] for k, v in cols.items()}, outcomes)
        res = _scenario_changes(movers(idx, s), s, ww, beh, customers)
        if extra:
            res.update(extra(idx, s))
        return res

    everyone = np.arange(len(d))
    point = once(everyone)
    keys = list(point)
    rng = np.random.default_rng(seed)
    boot = np.array([[b.get(k, np.nan) for k in keys] for chunk in bootstrap_indices(len(d), n_boot, rng)
                     for b in map(once, chunk)], dtype=float).reshape(-1, len(keys))
    beh = _behaviour(seg, w, cols, outcomes)
    shares = np.bincount(seg, weights=w, minlength=3) / w.sum()
    baseline = {"connected_share": float(shares[0])}
    for key, label in (("value", "value_per_customer"), ("advocacy", "promoter_share"), ("attrition", "attrition")):
        if key in beh:
            baseline[label] = float(np.nansum(shares * beh[key]))
    if customers is not None and "value_per_customer" in baseline:
        baseline["value_total"] = baseline["value_per_customer"] * customers
    table = _table(point, boot, keys, baseline, len(d), ci)
    return Scenario(table, name=name, assumption=assumption, customers=customers, n_boot=n_boot,
                    draws=Draws(boot, keys) if len(boot) else None)


def connect_share(data: pd.DataFrame, *, share: float = 1.0, outcomes: Outcomes, weight: str | None = None,
                  customers: int | None = None, n_boot: int = 1000, seed: int = 0, ci: float = 0.95) -> Scenario:
    """Scenario: ``share`` of the highly satisfied customers become fully connected.

    Parameters
    ----------
    data : DataFrame
        The analysis frame (``segment`` and the outcome columns).
    share : float
        Share (above 0, at most 1) of highly satisfied customers who become fully connected.
    outcomes : Outcomes
        Which columns hold value, attrition (duration, event, horizon) and likelihood to recommend.
    weight : str, optional
        Respondent weights.
    customers : int, optional
        Size of the customer base, for totals (value, customers kept).
    n_boot, seed, ci
        Bootstrap resamples of respondents (0: no intervals), seed and interval level.

    Returns
    -------
    Scenario
        ``.table``: one row per outcome — ``connected_share``, ``value_per_customer``, ``value_total``,
        ``promoter_share``, ``attrition``, ``customers_kept``, and ``value_uplift_of_movers`` (the movers'
        relative value gain, ``v_FC / v_HS − 1``) — with ``baseline, scenario, change, ci_low, ci_high, n``;
        ``.assumption`` states the assumption in words; ``.draws`` the bootstrap draws by outcome.

    Notes
    -----
    With segment shares π, segment behaviour b (mean value, promoter share, Kaplan–Meier attrition at the
    horizon, :func:`cxlib.survival.km_at`) and q = ``share``: change = q · π_HS · (b_FC − b_HS). Percentile
    bootstrap over respondents (shares and behaviours re-estimated in each resample). Moving every highly
    satisfied customer gives a value uplift among movers equal to the value multiplier minus one;
    tests/test_simulate.py checks that the interval covers the planted multiplier on synthetic data and the
    point against the formula.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, truth = cx.synth.make_engagement("retailer", 1500, seed=4)
    >>> r = connect_share(eng.frame(), share=0.5, outcomes=Outcomes(value="annual_spend"), n_boot=100)
    >>> r.change("connected_share").estimate > 0, r.table.columns.tolist()
    (True, ['outcome', 'baseline', 'scenario', 'change', 'ci_low', 'ci_high', 'n'])
    """
    fn = "simulate.connect_share"
    ok = isinstance(share, (int, float, np.floating)) and not isinstance(share, bool) and 0 < share <= 1
    if not ok:
        raise ArgumentError(f"{fn}: share must be above 0 and at most 1 (the share of highly satisfied customers "
                            f"who become fully connected), not {share!r}", function=fn, argument="share")
    d, n_boot, ci = _check(data, fn, outcomes=outcomes, weight=weight, customers=customers, n_boot=n_boot, ci=ci)
    w_all = d[weight].to_numpy(float) if weight else np.ones(len(d))
    v_all = d[outcomes.value].to_numpy(float) if outcomes.value else None

    def movers(idx: np.ndarray, s: np.ndarray) -> np.ndarray:
        return np.where(s == 1, share, 0.0)

    def uplift(idx: np.ndarray, s: np.ndarray) -> dict[str, float]:
        if v_all is None:
            return {}
        ww, v = w_all[idx], v_all[idx]
        fc, hs = s == 0, s == 1
        if not fc.any() or not hs.any():
            return {"value_uplift_of_movers": np.nan}
        return {"value_uplift_of_movers": float(np.average(v[fc], weights=ww[fc]) / np.average(v[hs], weights=ww[hs]) - 1)}

    assumption = (f"{share:.0%} of highly satisfied customers become fully connected and then behave like today's fully "
                  "connected customers; everyone else is unchanged.")
    return _run(d, weight=weight, outcomes=outcomes, customers=customers, n_boot=n_boot, seed=seed, ci=ci,
                movers=movers, name=f"{share:.0%} of highly satisfied become fully connected", assumption=assumption,
                extra=uplift)


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
    w_all = d[weight].to_numpy(float) if weight else np.ones(len(d))
    cache: dict[str, Any] = {}

    def rise(idx: np.ndarray) -> np.ndarray:
        if cache.get("idx") is not idx:  # movers and index_change ask for the same resample: fit once
            X, y, ww = X_all[idx], y_all[idx], w_all[idx]
            X = np.where(np.isfinite(X), X, np.nanmean(X, axis=0))
            ok = np.isfinite(y)
            A = np.column_stack([np.ones(ok.sum()), X[ok]]) * np.sqrt(ww[ok])[:, None]
            b = np.linalg.lstsq(A, y[ok] * np.sqrt(ww[ok]), rcond=None)[0][1 + j]
            # Holding idx keeps its identity unique while cached (an id() key could be reused by the next array).
            cache["idx"], cache["rise"] = idx, b * np.clip(top - X[:, j], 0, points)
        return cache["rise"]

    def movers(idx: np.ndarray, s: np.ndarray) -> np.ndarray:
        return ((s != 0) & (y_all[idx] + rise(idx) >= threshold)).astype(float)

    def index_change(idx: np.ndarray, s: np.ndarray) -> dict[str, float]:
        return {"index_change": float(np.average(rise(idx), weights=w_all[idx]))}

    assumption = (f"“{element}” is rated {points:g} point{'' if points == 1 else 's'} higher by every customer (up to "
                  "the top of its scale); the connection index rises by the element's regression coefficient per "
                  "point, customers who reach the threshold become fully connected and behave like today's fully "
                  "connected customers.")
    return _run(d, weight=weight, outcomes=outcomes, customers=customers, n_boot=n_boot, seed=seed, ci=ci,
                movers=movers, name=f"{element}: rated {points:g} point{'' if points == 1 else 's'} higher",
                assumption=assumption, extra=index_change)


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
