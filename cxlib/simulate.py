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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .advocacy import _km_attrition_fast
from .segments import SEGMENTS

__all__ = ["Outcomes", "connect_share", "improve_element", "scenarios_table"]

FC, HS, OTHER = SEGMENTS


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
        res["attrition"] = np.array([_km_attrition_fast(cols["duration"][seg == j], cols["event"][seg == j],
                                                        w[seg == j], out.horizon) for j in range(k)])
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


def _table(point: dict[str, float], boot: list[dict[str, float]], baseline: dict[str, float], n: int, ci: float,
           assumption: str) -> pd.DataFrame:
    rows = []
    for key, est in point.items():
        draws = np.array([b[key] for b in boot], dtype=float)
        lo, hi = (np.nanquantile(draws, [(1 - ci) / 2, (1 + ci) / 2]) if np.isfinite(draws).any()
                  else (np.nan, np.nan))
        base = baseline.get(key, np.nan)
        rows.append({"outcome": key, "baseline": base, "scenario": base + est if np.isfinite(base) else np.nan,
                     "change": est, "ci_low": lo, "ci_high": hi, "n": n})
    t = pd.DataFrame(rows)
    t.attrs["assumption"] = assumption
    return t


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


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    d = frame.dropna(subset=["segment"]).reset_index(drop=True)
    if d.empty:
        raise ValueError("simulate: no respondent has a segment")
    return d


def _run(d: pd.DataFrame, *, weight: str | None, outcomes: Outcomes, customers: int | None, n_boot: int,
         seed: int, ci: float, movers: Callable[[np.ndarray, np.ndarray], np.ndarray], assumption: str,
         extra: Callable[[np.ndarray, np.ndarray], dict[str, float]] | None = None) -> pd.DataFrame:
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
    rng = np.random.default_rng(seed)
    boot = [once(rng.integers(0, len(d), len(d))) for _ in range(n_boot)]
    beh = _behaviour(seg, w, cols, outcomes)
    shares = np.bincount(seg, weights=w, minlength=3) / w.sum()
    baseline = {"connected_share": float(shares[0])}
    for key, name in (("value", "value_per_customer"), ("advocacy", "promoter_share"), ("attrition", "attrition")):
        if key in beh:
            baseline[name] = float(np.nansum(shares * beh[key]))
    if customers is not None and "value_per_customer" in baseline:
        baseline["value_total"] = baseline["value_per_customer"] * customers
    return _table(point, boot, baseline, len(d), ci, assumption)


def connect_share(frame: pd.DataFrame, *, share: float = 1.0, outcomes: Outcomes, weight: str | None = None,
                  customers: int | None = None, n_boot: int = 1000, seed: int = 0, ci: float = 0.95) -> pd.DataFrame:
    """Scenario: ``share`` of the highly satisfied customers become fully connected.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame (``segment`` and the outcome columns).
    share : float
        Share (0–1) of highly satisfied customers who become fully connected.
    outcomes : Outcomes
        Which columns hold value, attrition (duration, event, horizon) and likelihood to recommend.
    weight : str, optional
        Respondent weights.
    customers : int, optional
        Size of the customer base, for totals (value, customers kept).
    n_boot, seed, ci
        Bootstrap resamples of respondents, seed and interval level.

    Returns
    -------
    DataFrame
        One row per outcome — ``connected_share``, ``value_per_customer``, ``value_total``, ``promoter_share``,
        ``attrition``, ``customers_kept``, and ``value_uplift_of_movers`` (the movers' relative value gain,
        ``v_FC / v_HS − 1``) — with ``baseline, scenario, change, ci_low, ci_high, n``; ``attrs["assumption"]``
        states the assumption in words.

    Notes
    -----
    With segment shares π, segment behaviour b (mean value, promoter share, Kaplan–Meier attrition at the
    horizon) and q = ``share``: change = q · π_HS · (b_FC − b_HS). Percentile bootstrap over respondents
    (shares and behaviours re-estimated in each resample). Moving every highly satisfied customer gives
    a value uplift among movers equal to the value multiplier minus one; tests/test_simulate.py checks that
    the interval covers the planted multiplier on synthetic data and the point against the formula.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, truth = cx.synth.make_engagement("retailer", 1500, seed=4)
    >>> r = connect_share(eng.frame(), share=0.5, outcomes=Outcomes(value="annual_spend"), n_boot=100)
    >>> bool(r.set_index("outcome").loc["connected_share", "change"] > 0)
    True
    """
    if not 0 <= share <= 1:
        raise ValueError(f"connect_share: share must be between 0 and 1, got {share}")

    d = _prepare(frame)
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
                movers=movers, assumption=assumption, extra=uplift)


def improve_element(frame: pd.DataFrame, codebook: pd.DataFrame, *, element: str, points: float, threshold: float,
                    outcomes: Outcomes, weight: str | None = None, customers: int | None = None, n_boot: int = 500,
                    seed: int = 0, ci: float = 0.95, index_column: str = "connection_index") -> pd.DataFrame:
    """Scenario: one element's performance rises by ``points`` (capped at its scale's top) for every customer.

    Parameters
    ----------
    frame, codebook : DataFrame
        Analysis frame and codebook (``element_performance`` rows name the element and its scale).
    element : str
        The element's name (codebook ``element``).
    points : float
        Rise in its performance rating, on its own scale.
    threshold : float
        Connection index at which a customer is fully connected (``engagement.yaml``'s ``connection.threshold``).
    outcomes, weight, customers, n_boot, seed, ci
        As in :func:`connect_share`.

    Returns
    -------
    DataFrame
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
    >>> r.set_index("outcome").loc[["connected_share", "index_change"], "change"].round(3).to_dict()
    {'connected_share': 0.333, 'index_change': 10.0}
    """
    perf = codebook[codebook["role"] == "element_performance"]
    if element not in set(perf["element"]):
        raise ValueError(f"improve_element: no element named {element!r} in the codebook; choose from "
                         f"{sorted(perf['element'])[:10]}…")
    cols = perf["column"].tolist()
    target = perf.loc[perf["element"] == element, "column"].iloc[0]
    top = float(perf.loc[perf["element"] == element, "scale_max"].iloc[0])
    j = cols.index(target)

    d = _prepare(frame)
    X_all = d[cols].to_numpy(float)
    y_all = d[index_column].to_numpy(float)
    w_all = d[weight].to_numpy(float) if weight else np.ones(len(d))
    cache: dict[int, np.ndarray] = {}

    def rise(idx: np.ndarray) -> np.ndarray:
        key = id(idx)
        if key not in cache:  # movers and index_change ask for the same resample: fit once
            cache.clear()
            X, y, ww = X_all[idx], y_all[idx], w_all[idx]
            X = np.where(np.isfinite(X), X, np.nanmean(X, axis=0))
            ok = np.isfinite(y)
            A = np.column_stack([np.ones(ok.sum()), X[ok]]) * np.sqrt(ww[ok])[:, None]
            b = np.linalg.lstsq(A, y[ok] * np.sqrt(ww[ok]), rcond=None)[0][1 + j]
            cache[key] = b * np.clip(top - X[:, j], 0, points)
        return cache[key]

    def movers(idx: np.ndarray, s: np.ndarray) -> np.ndarray:
        return ((s != 0) & (y_all[idx] + rise(idx) >= threshold)).astype(float)

    def index_change(idx: np.ndarray, s: np.ndarray) -> dict[str, float]:
        return {"index_change": float(np.average(rise(idx), weights=w_all[idx]))}

    assumption = (f"'{element}' is rated {points:g} point{'' if points == 1 else 's'} higher by every customer (up to the top of its scale); the "
                  "connection index rises by the element's regression coefficient per point, customers who reach the "
                  "threshold become fully connected and behave like today's fully connected customers.")
    return _run(d, weight=weight, outcomes=outcomes, customers=customers, n_boot=n_boot, seed=seed, ci=ci,
                movers=movers, assumption=assumption, extra=index_change)


def scenarios_table(results: Sequence[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Several scenarios side by side: ``scenario, outcome, change, ci_low, ci_high`` (long form).

    Examples
    --------
    >>> a = pd.DataFrame({"outcome": ["connected_share"], "change": [0.05], "ci_low": [0.04], "ci_high": [0.06], "n": [500]})
    >>> scenarios_table([("25% connect", a)]).columns.tolist()
    ['scenario', 'outcome', 'change', 'ci_low', 'ci_high', 'n']
    """
    return pd.concat([r.assign(scenario=name)[["scenario", "outcome", "change", "ci_low", "ci_high", "n"]]
                      for name, r in results], ignore_index=True)
