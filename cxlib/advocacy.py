"""Advocacy (likelihood to recommend, NPS), before/after comparisons of a programme's waves, what a change in
segment mix is worth, and the customers' own words (verbatims and word frequencies, scrubbed).

Every function takes DataFrames and returns DataFrames or frozen dataclasses; nothing here writes files.
Escaping for HTML happens at display time (:func:`cxlib.privacy.escape`); text returned here is scrubbed of
contact details but otherwise as the customer wrote it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import re
import warnings

import numpy as np
import pandas as pd
from scipy import stats as _st

from .privacy import scrub
from .segments import SEGMENTS
from .stats import kish_effective_n

__all__ = ["NPS", "nps", "nps_by_segment", "compare_waves", "mix_impact", "verbatims", "word_frequency", "METRICS"]

METRICS: tuple[str, ...] = ("connected", "attrition", "advocacy", "nps", "value")


@dataclass(frozen=True)
class NPS:
    """Net Promoter Score (points, −100 … 100) with its interval and the three shares (0–1).

    Examples
    --------
    >>> r = NPS(nps=20.0, ci_low=12.0, ci_high=28.0, promoters=0.45, passives=0.3, detractors=0.25, n=300)
    >>> r.summary[["nps", "ci_low", "ci_high", "n"]].to_dict("records")
    [{'nps': 20.0, 'ci_low': 12.0, 'ci_high': 28.0, 'n': 300}]
    """

    nps: float
    ci_low: float
    ci_high: float
    promoters: float
    passives: float
    detractors: float
    n: int
    n_effective: float | None = None

    @property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)])

    def _repr_html_(self) -> str:
        return self.summary.to_html(index=False)


def _shares(scores: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    total = w.sum()
    pro = float(w[scores >= 9].sum() / total)
    det = float(w[scores <= 6].sum() / total)
    return pro, 1 - pro - det, det


def nps(scores: pd.Series | np.ndarray, *, weights: pd.Series | np.ndarray | None = None, ci: float = 0.95) -> NPS:
    """Net Promoter Score of 0–10 likelihood-to-recommend answers, with an analytic interval.

    Parameters
    ----------
    scores : array-like
        Answers 0–10; missing answers are left out.
    weights : array-like, optional
        Respondent weights; shares are weighted and the variance uses Kish's effective n.
    ci : float
        Confidence level.

    Returns
    -------
    NPS
        ``nps`` in points (promoters % − detractors %), its interval, the shares and ``n``.

    Notes
    -----
    Promoters answer 9–10, detractors 0–6. NPS = 100·(p_P − p_D). As a difference of two shares of one
    multinomial sample, ``Var(p_P − p_D) = (p_P + p_D − (p_P − p_D)²) / n``; the interval is the normal
    one, clipped to [−100, 100]. Checked against this formula written plainly and a 10,000-resample
    bootstrap (tests/test_advocacy.py).

    Examples
    --------
    >>> r = nps([10, 9, 8, 7, 6, 0, 10, 10])
    >>> round(r.nps, 1), r.n
    (25.0, 8)
    """
    s = np.asarray(scores, dtype=float)
    w = np.ones_like(s) if weights is None else np.asarray(weights, dtype=float)
    ok = np.isfinite(s) & np.isfinite(w)
    s, w = s[ok], w[ok]
    n = int(len(s))
    if n == 0:
        return NPS(np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 0, 0.0)
    pro, pas, det = _shares(s, w)
    n_eff = kish_effective_n(w)
    diff = pro - det
    se = np.sqrt(max(pro + det - diff**2, 0.0) / n_eff)
    z = _st.norm.ppf(0.5 + ci / 2)
    return NPS(100 * diff, max(-100.0, 100 * (diff - z * se)), min(100.0, 100 * (diff + z * se)), pro, pas, det, n, n_eff)


def nps_by_segment(frame: pd.DataFrame, column: str, *, weight: str | None = None, ci: float = 0.95) -> pd.DataFrame:
    """NPS and promoter share (advocacy) per segment.

    Returns ``segment, n, n_effective, nps, ci_low, ci_high, promoters, passives, detractors``.

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["fully connected"] * 4 + ["other"] * 4, "ltr": [10, 9, 9, 6, 8, 3, 10, 5]})
    >>> t = nps_by_segment(f, "ltr")
    >>> t[["segment", "n", "nps"]].values.tolist()
    [['fully connected', 4, 50.0], ['highly satisfied', 0, nan], ['other', 4, -25.0]]
    """
    rows = []
    for seg in SEGMENTS:
        sub = frame[frame["segment"] == seg]
        r = nps(sub[column], weights=sub[weight] if weight else None, ci=ci)
        rows.append({"segment": seg, **asdict(r)})
    out = pd.DataFrame(rows)
    return out[["segment", "n", "n_effective", "nps", "ci_low", "ci_high", "promoters", "passives", "detractors"]]


def _weighted(frame: pd.DataFrame, column: str, weight: str | None) -> tuple[np.ndarray, np.ndarray]:
    x = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    w = frame[weight].to_numpy(dtype=float) if weight else np.ones_like(x)
    ok = np.isfinite(x) & np.isfinite(w)
    return x[ok], w[ok]


def _proportion_change(x1: np.ndarray, w1: np.ndarray, x2: np.ndarray, w2: np.ndarray, ci: float) -> dict[str, Any]:
    """Change in a share between two independent samples: Newcombe hybrid score interval, z-test, Cohen's h.

    With weights, the shares are weighted and both samples enter with Kish's effective n.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    n1, n2 = kish_effective_n(w1), kish_effective_n(w2)
    p1, p2 = float(np.average(x1, weights=w1)), float(np.average(x2, weights=w2))
    lo, hi = confint_proportions_2indep(p2 * n2, n2, p1 * n1, n1, method="newcomb", compare="diff", alpha=1 - ci)
    _, p_value = proportions_ztest([p2 * n2, p1 * n1], [n2, n1])
    h = 2 * np.arcsin(np.sqrt(p2)) - 2 * np.arcsin(np.sqrt(p1))
    return {"before": p1, "after": p2, "change": p2 - p1, "ci_low": float(lo), "ci_high": float(hi),
            "p_value": float(p_value), "cohens_h": float(h), "n_before": len(x1), "n_after": len(x2),
            "method": "difference of proportions: Newcombe hybrid score interval, two-proportion z-test"}


def _km_attrition(d: pd.DataFrame, cfg: dict, weight: str | None) -> tuple[float, float, int]:
    """Kaplan–Meier attrition at the horizon, its standard error (Greenwood × design effect) and n."""
    from lifelines import KaplanMeierFitter

    att = cfg["attrition"]
    horizon = att["horizon"]
    d = d.dropna(subset=[att["duration"], att["event"]])
    if d.empty:
        return np.nan, np.nan, 0
    with warnings.catch_warnings():  # non-integer survey weights: the variance is handled below (Kish)
        warnings.simplefilter("ignore")
        kmf = KaplanMeierFitter().fit(d[att["duration"]], d[att["event"]], weights=d[weight] if weight else None)
    s = float(kmf.survival_function_at_times(horizon).iloc[0])
    table = kmf.event_table.loc[lambda t: t.index <= horizon]
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = float(np.nansum(table["observed"] / (table["at_risk"] * (table["at_risk"] - table["observed"]))))
    # With weights, inflate the variance by the design effect n / n_eff.
    deff = len(d) / kish_effective_n(d[weight]) if weight else 1.0
    return 1 - s, s * np.sqrt(greenwood * deff), len(d)


def _attrition_change(f1: pd.DataFrame, f2: pd.DataFrame, cfg: dict, weight: str | None, ci: float) -> dict[str, Any]:
    """Change in attrition at the horizon: Kaplan–Meier estimates, Greenwood standard errors, z-test."""
    horizon = cfg["attrition"]["horizon"]
    (a1, se1, n1), (a2, se2, n2) = _km_attrition(f1, cfg, weight), _km_attrition(f2, cfg, weight)
    se = np.hypot(se1, se2)
    z = _st.norm.ppf(0.5 + ci / 2)
    change = a2 - a1
    h = 2 * np.arcsin(np.sqrt(a2)) - 2 * np.arcsin(np.sqrt(a1))
    return {"before": a1, "after": a2, "change": change, "ci_low": change - z * se, "ci_high": change + z * se,
            "p_value": float(2 * _st.norm.sf(abs(change) / se)) if se > 0 else np.nan, "cohens_h": float(h),
            "n_before": n1, "n_after": n2,
            "method": f"Kaplan–Meier attrition at {horizon:g} days; Greenwood standard errors; z-test"}


def _segment_estimate(d: pd.DataFrame, metric: str, cfg: dict, weight: str | None) -> tuple[float, float, int]:
    """One segment's estimate of a metric and its sampling variance (Kish effective n with weights)."""
    if metric == "attrition":
        a, se, n = _km_attrition(d, cfg, weight)
        return a, se**2, n
    col = cfg["advocacy"]["column"] if metric in ("advocacy", "nps") else cfg["value"][0]
    x, w = _weighted(d, col, weight)
    if len(x) == 0:
        return np.nan, np.nan, 0
    n_eff = kish_effective_n(w)
    if metric == "advocacy":
        p = float(np.average(x >= 9, weights=w))
        return p, p * (1 - p) / n_eff, len(x)
    if metric == "nps":
        r = nps(x, weights=w)
        return r.nps, 1e4 * (r.promoters + r.detractors - (r.nps / 100) ** 2) / n_eff, len(x)
    m = float(np.average(x, weights=w))
    var = float(np.average((x - m) ** 2, weights=w)) * len(x) / max(len(x) - 1, 1)
    return m, var / n_eff, len(x)


def _standardised_change(f1: pd.DataFrame, f2: pd.DataFrame, metric: str, cfg: dict, weight: str | None,
                         ci: float) -> dict[str, Any]:
    """Direct standardisation to the pooled segment mix of both waves: within-segment change only."""
    both = pd.concat([f1, f2]).dropna(subset=["segment"])
    w = both[weight].to_numpy(float) if weight else np.ones(len(both))
    mix = pd.Series(w, index=both.index).groupby(both["segment"].to_numpy()).sum()
    mix = mix[mix.index.isin(SEGMENTS)]
    mix = mix / mix.sum()
    e1 = e2 = v = 0.0
    n1 = n2 = 0
    for seg, share in mix.items():
        a, va, na = _segment_estimate(f1[f1["segment"] == seg], metric, cfg, weight)
        b, vb, nb = _segment_estimate(f2[f2["segment"] == seg], metric, cfg, weight)
        e1, e2, v = e1 + share * a, e2 + share * b, v + share**2 * (va + vb)
        n1, n2 = n1 + na, n2 + nb
    se = float(np.sqrt(v))
    z = _st.norm.ppf(0.5 + ci / 2)
    change = e2 - e1
    h = (2 * np.arcsin(np.sqrt(e2)) - 2 * np.arcsin(np.sqrt(e1))) if metric in ("advocacy", "attrition") else np.nan
    return {"before": e1, "after": e2, "change": change, "ci_low": change - z * se, "ci_high": change + z * se,
            "p_value": float(2 * _st.norm.sf(abs(change) / se)) if se > 0 else np.nan, "cohens_h": float(h),
            "n_before": n1, "n_after": n2,
            "method": "standardised to the pooled segment mix of both waves (direct standardisation); z-test"}


def _nps_change(x1, w1, x2, w2, ci: float) -> dict[str, Any]:
    r1, r2 = nps(x1, weights=w1), nps(x2, weights=w2)
    v1 = (r1.promoters + r1.detractors - ((r1.nps / 100) ** 2)) / r1.n_effective
    v2 = (r2.promoters + r2.detractors - ((r2.nps / 100) ** 2)) / r2.n_effective
    se = 100 * np.sqrt(v1 + v2)
    z = _st.norm.ppf(0.5 + ci / 2)
    change = r2.nps - r1.nps
    return {"before": r1.nps, "after": r2.nps, "change": change, "ci_low": change - z * se, "ci_high": change + z * se,
            "p_value": float(2 * _st.norm.sf(abs(change) / se)) if se > 0 else np.nan, "cohens_h": np.nan,
            "n_before": r1.n, "n_after": r2.n, "method": "difference of NPS (points): analytic variance, z-test"}


def _mean_change(x1, w1, x2, w2, ci: float) -> dict[str, Any]:
    """Welch's t on weighted means with Kish effective sizes."""
    def moments(x, w):
        m = np.average(x, weights=w)
        n_eff = kish_effective_n(w)
        var = np.average((x - m) ** 2, weights=w) * len(x) / max(len(x) - 1, 1)
        return m, var / n_eff, n_eff

    m1, v1, e1 = moments(x1, w1)
    m2, v2, e2 = moments(x2, w2)
    se = np.sqrt(v1 + v2)
    dof = (v1 + v2) ** 2 / (v1**2 / max(e1 - 1, 1) + v2**2 / max(e2 - 1, 1))
    t = _st.t.ppf(0.5 + ci / 2, dof)
    change = m2 - m1
    return {"before": m1, "after": m2, "change": change, "ci_low": change - t * se, "ci_high": change + t * se,
            "p_value": float(2 * _st.t.sf(abs(change) / se, dof)), "cohens_h": np.nan,
            "n_before": len(x1), "n_after": len(x2), "method": "difference of means: Welch's t"}


def compare_waves(eng: Any, metrics: Sequence[str] = METRICS, waves: Sequence[str] | None = None, *,
                  ci: float = 0.95, frame: pd.DataFrame | None = None, standardise: bool = False) -> pd.DataFrame:
    """Before/after scorecard of a programme: each metric in two waves, the change, its CI and p-value.

    Parameters
    ----------
    eng : Engagement
        The engagement (its config names the wave, advocacy, attrition, value and weight columns).
    metrics : sequence of str
        Any of ``connected`` (share fully connected), ``attrition`` (at the horizon), ``advocacy`` (share of
        promoters, 9–10), ``nps`` (points) and ``value`` (mean of the headline value column).
    waves : (before, after), optional
        Default: the first and last of ``engagement.yaml``'s ``waves``.
    ci : float
        Confidence level.
    frame : DataFrame, optional
        The analysis frame, if already computed (default ``eng.frame()``).
    standardise : bool
        Compare attrition, advocacy, NPS and value as if both waves had the same segment mix (the pooled
        mix of both): the change then shows what moved *within* segments, not the shift in mix. The
        connected share is the mix itself and is never standardised.

    Returns
    -------
    DataFrame
        One row per metric, named as given: ``metric, before, after, change, ci_low, ci_high, p_value,
        p_adjusted, cohens_h, n_before, n_after, method``. Shares are proportions 0–1, NPS is in points.
        ``p_adjusted`` is Holm-adjusted over the metrics compared. Respondent weights are honoured
        (weighted estimates, Kish effective sizes in the intervals and tests).

    Notes
    -----
    Shares: Newcombe's hybrid score interval for a difference of independent proportions and the pooled
    two-proportion z-test; Cohen's h = 2 asin √p₂ − 2 asin √p₁. Attrition: Kaplan–Meier at the horizon
    with Greenwood standard errors. NPS: the multinomial variance of P − D in each wave, added. Value:
    Welch's t. Standardised: Σ_s π_s (e₂ₛ − e₁ₛ) with the pooled mix π fixed, variance Σ π_s² (v₁ₛ + v₂ₛ).
    Checked against statsmodels' ``confint_proportions_2indep`` and ``proportions_ztest`` and a brute-force
    standardisation (tests/test_advocacy.py); the demo retailer's planted shifts lie inside the intervals.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng = cx.load_engagement("data/demo-retailer")                      # doctest: +SKIP
    >>> cx.advocacy.compare_waves(eng)[["metric", "change", "ci_low", "ci_high", "p_adjusted"]]  # doctest: +SKIP
    """
    from statsmodels.stats.multitest import multipletests

    cfg = eng.config
    f = eng.frame() if frame is None else frame
    wave_col = cfg.get("wave")
    if not wave_col:
        raise ValueError(f"compare_waves: {eng.slug} has no wave column in engagement.yaml")
    order = list(waves) if waves is not None else [cfg["waves"][0], cfg["waves"][-1]]
    if len(order) != 2 or order[0] == order[1]:
        raise ValueError(f"compare_waves: need two different waves, got {order}")
    weight = cfg.get("weight")
    f1, f2 = f[f[wave_col].astype(str) == str(order[0])], f[f[wave_col].astype(str) == str(order[1])]
    for name, part in zip(order, (f1, f2)):
        if part.empty:
            raise ValueError(f"compare_waves: wave {name!r} has no respondents in {eng.slug}")
    rows = []
    for metric in metrics:
        if standardise and metric in ("attrition", "advocacy", "nps", "value"):
            rows.append({"metric": metric, **_standardised_change(f1, f2, metric, cfg, weight, ci)})
            continue
        if metric == "connected":
            g1, g2 = f1.dropna(subset=["segment"]), f2.dropna(subset=["segment"])
            x1 = (g1["segment"] == SEGMENTS[0]).to_numpy(dtype=float)
            x2 = (g2["segment"] == SEGMENTS[0]).to_numpy(dtype=float)
            w1 = g1[weight].to_numpy(float) if weight else np.ones_like(x1)
            w2 = g2[weight].to_numpy(float) if weight else np.ones_like(x2)
            row = _proportion_change(x1, w1, x2, w2, ci)
        elif metric == "attrition":
            row = _attrition_change(f1, f2, cfg, weight, ci)
        elif metric in ("advocacy", "nps"):
            col = cfg["advocacy"]["column"]
            (x1, w1), (x2, w2) = _weighted(f1, col, weight), _weighted(f2, col, weight)
            row = _proportion_change((x1 >= 9).astype(float), w1, (x2 >= 9).astype(float), w2, ci) \
                if metric == "advocacy" else _nps_change(x1, w1, x2, w2, ci)
        elif metric == "value":
            col = cfg["value"][0]
            (x1, w1), (x2, w2) = _weighted(f1, col, weight), _weighted(f2, col, weight)
            row = _mean_change(x1, w1, x2, w2, ci)
        else:
            raise ValueError(f"compare_waves: unknown metric {metric!r}; choose from {METRICS}")
        rows.append({"metric": metric, **row})
    out = pd.DataFrame(rows)
    out.insert(7, "p_adjusted", multipletests(out["p_value"].fillna(1.0), method="holm")[1])
    out.attrs["waves"] = order
    return out


def _km_attrition_fast(t: np.ndarray, e: np.ndarray, w: np.ndarray, horizon: float) -> float:
    """Weighted Kaplan–Meier attrition at ``horizon`` (1 − S(horizon)), for resampling loops.

    Equal to lifelines' ``KaplanMeierFitter`` (tests/test_advocacy.py); written out because the bootstrap
    calls it thousands of times.
    """
    if len(t) == 0:
        return np.nan
    times, inv = np.unique(t, return_inverse=True)
    deaths = np.bincount(inv, weights=w * e, minlength=len(times))
    leaving = np.bincount(inv, weights=w, minlength=len(times))
    at_risk = leaving[::-1].cumsum()[::-1]
    keep = times <= horizon
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = np.where(at_risk[keep] > 0, 1 - deaths[keep] / at_risk[keep], 1.0)
    return float(1 - np.prod(factors))


def mix_impact(frame: pd.DataFrame, *, wave: str, waves: Sequence[str], value: str, duration: str, event: str,
               horizon: float, customers: int, weight: str | None = None, n_boot: int = 1000, seed: int = 0,
               ci: float = 0.95) -> pd.DataFrame:
    """What the change in segment mix between two waves is worth: value per customer, in total, and in
    customers still active at the horizon, with bootstrap intervals.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame (``segment``, the wave column, value, duration and event columns).
    wave : str
        Wave column; ``waves`` gives (before, after).
    value : str
        Value column (e.g. annual spend).
    duration, event, horizon
        Attrition columns and horizon (days).
    customers : int
        Size of the customer base the survey represents (e.g. the rows of the customers file).
    weight : str, optional
        Respondent weights.
    n_boot, seed, ci
        Bootstrap resamples (respondents resampled within each wave), seed and interval level.

    Returns
    -------
    DataFrame
        Rows ``value_per_customer``, ``value_total``, ``active_customers``: ``quantity, estimate, ci_low,
        ci_high, n_before, n_after, method``.

    Notes
    -----
    With segment shares π₁ₛ (before) and π₂ₛ (after), the before wave's mean value per segment vₛ and its
    retention rₛ = 1 − attritionₛ at the horizon (Kaplan–Meier):

    - value per customer implied by the mix: Σₛ (π₂ₛ − π₁ₛ) vₛ; in total, times ``customers``;
    - customers still active at the horizon implied by the mix: ``customers`` · Σₛ (π₂ₛ − π₁ₛ) rₛ.

    Holding vₛ and rₛ at the before wave isolates the mix: what the programme is worth through moving
    customers between segments, if each segment keeps behaving as it did. Percentile bootstrap intervals.
    Checked against the formula computed by hand on a small frame (tests/test_advocacy.py).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> n = 400
    >>> f = pd.DataFrame({"wave": np.repeat(["pre", "post"], n),
    ...                   "segment": np.r_[rng.choice(["fully connected", "other"], n, p=[.2, .8]),
    ...                                    rng.choice(["fully connected", "other"], n, p=[.3, .7])],
    ...                   "spend": rng.gamma(2, 100, 2 * n), "days": 400, "left": 0})
    >>> r = mix_impact(f, wave="wave", waves=["pre", "post"], value="spend", duration="days", event="left",
    ...                horizon=365, customers=10_000, n_boot=200)
    >>> list(r["quantity"])
    ['value_per_customer', 'value_total', 'active_customers']
    """
    before, after = waves
    d = frame.dropna(subset=["segment", value, duration, event])
    parts = [d[d[wave].astype(str) == str(before)], d[d[wave].astype(str) == str(after)]]
    for name, part in zip(waves, parts):
        if part.empty:
            raise ValueError(f"mix_impact: wave {name!r} has no respondents with a segment")
    segs = [s for s in SEGMENTS]

    def arrays(part):
        return (pd.Categorical(part["segment"], categories=segs).codes, part[value].to_numpy(float),
                part[duration].to_numpy(float), part[event].to_numpy(float),
                part[weight].to_numpy(float) if weight else np.ones(len(part)))

    (c1, v1, t1, e1, w1), (c2, _, _, _, w2) = arrays(parts[0]), arrays(parts[1])

    def estimate(i1: np.ndarray, i2: np.ndarray) -> np.ndarray:
        k = len(segs)
        s1 = np.bincount(c1[i1], weights=w1[i1], minlength=k)
        s2 = np.bincount(c2[i2], weights=w2[i2], minlength=k)
        shift = s2 / s2.sum() - s1 / s1.sum()
        vals = np.bincount(c1[i1], weights=w1[i1] * v1[i1], minlength=k) / np.where(s1 > 0, s1, np.nan)
        ret = np.array([1 - _km_attrition_fast(t1[i1][c1[i1] == j], e1[i1][c1[i1] == j], w1[i1][c1[i1] == j], horizon)
                        for j in range(k)])
        per = float(np.nansum(shift * vals))
        return np.array([per, per * customers, customers * float(np.nansum(shift * ret))])

    point = estimate(np.arange(len(c1)), np.arange(len(c2)))
    rng = np.random.default_rng(seed)
    boot = np.array([estimate(rng.integers(0, len(c1), len(c1)), rng.integers(0, len(c2), len(c2)))
                     for _ in range(n_boot)])
    lo, hi = np.nanquantile(boot, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
    method = (f"segment shares before/after × the before wave's value and {horizon:g}-day retention per segment; "
              f"percentile bootstrap, {n_boot:,} resamples within waves")
    return pd.DataFrame({"quantity": ["value_per_customer", "value_total", "active_customers"], "estimate": point,
                         "ci_low": lo, "ci_high": hi, "n_before": len(c1), "n_after": len(c2), "method": method})


_STOPWORDS = frozenset("""a about after again all also always am an and any are as at be been before being but by can
could did do does doing don't done for from get gets got had has have having he her here him his how i i'm if in into
is it it's its just me more most my no nor not of off on once only or other our out over own really same she should so
some such than that the their them then there these they this those through to too under until up us very was we were
what when where which while who why will with would you your yours email phone link number""".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def _comments(frame: pd.DataFrame, text: str, by: str) -> pd.DataFrame:
    d = frame[[by, text]].copy()
    d[text] = d[text].map(scrub).str.strip()
    return d[d[text].str.len() > 0]


def verbatims(frame: pd.DataFrame, *, text: str, by: str = "segment", per_group: int = 3, seed: int = 0,
              min_cell: int = 30, min_chars: int = 15, max_chars: int = 300) -> pd.DataFrame:
    """A few customers' own words per group, chosen reproducibly and scrubbed of contact details.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent with the free-text column ``text`` and the grouping column ``by``.
    per_group : int
        Quotes per group.
    seed : int
        Same seed, same quotes.
    min_cell : int
        Groups with fewer comments than this show none (a quote from a small group can identify someone).
    min_chars, max_chars : int
        Comments shorter than ``min_chars`` (after scrubbing) are not quoted; longer than ``max_chars`` are cut
        at a word boundary with an ellipsis.

    Returns
    -------
    DataFrame
        ``group, quote, n_comments, suppressed``: quotes scrubbed (e-mail addresses, phone numbers, URLs and
        long digit runs replaced by ``[email]``, ``[phone]``, ``[link]``, ``[number]``) but **not** HTML-escaped:
        escape them where they are displayed (:func:`cxlib.privacy.escape`). A suppressed group has one row
        with an empty quote.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": ["a"] * 40, "comment": ["Mail me at jo@example.com about the app"] * 40})
    >>> verbatims(f, text="comment", per_group=1)["quote"].tolist()
    ['Mail me at [email] about the app']
    """
    d = _comments(frame, text, by)
    groups = list(frame[by].cat.categories) if isinstance(frame[by].dtype, pd.CategoricalDtype) \
        else sorted(frame[by].dropna().unique())
    rng = np.random.default_rng(seed)
    rows = []
    for g in groups:
        sub = d[d[by] == g]
        if len(sub) < min_cell:
            rows.append({"group": g, "quote": "", "n_comments": len(sub), "suppressed": True})
            continue
        # Distinct comments only: the same sentence twice says nothing more.
        pool = pd.unique(sub[sub[text].str.len() >= min_chars][text].to_numpy())
        take = rng.choice(len(pool), size=min(per_group, len(pool)), replace=False) if len(pool) else []
        for i in sorted(take):
            quote = pool[i]
            if len(quote) > max_chars:
                quote = quote[:max_chars].rsplit(" ", 1)[0].rstrip(",.;: ") + "…"
            rows.append({"group": g, "quote": quote, "n_comments": len(sub), "suppressed": False})
    return pd.DataFrame(rows, columns=["group", "quote", "n_comments", "suppressed"])


def word_frequency(frame: pd.DataFrame, *, text: str, by: str = "segment", top: int = 10, min_cell: int = 30,
                   phrases: bool = True) -> pd.DataFrame:
    """The words and two-word phrases customers use most, per group.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent with ``text`` and ``by``.
    top : int
        Terms per group.
    min_cell : int
        Groups with fewer comments are left out.
    phrases : bool
        Count two-word phrases (of non-stopwords, adjacent in the comment) as well as single words.

    Returns
    -------
    DataFrame
        ``group, term, comments`` (comments using the term, each counted once), ``share`` (of the group's
        comments), ``n_comments``; sorted by group, then most used first (ties alphabetically).

    Notes
    -----
    Comments are scrubbed first, so contact details never become terms; words are lower-cased letters
    (any alphabet) with inner apostrophes; common English function words are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": ["a"] * 3, "comment": ["Queues too long", "long queues again", "fine"]})
    >>> word_frequency(f, text="comment", min_cell=1, top=2)[["term", "comments"]].values.tolist()
    [['long', 2], ['queues', 2]]
    """
    d = _comments(frame, text, by)
    rows = []
    for g, sub in d.groupby(by, observed=True, sort=True):
        if len(sub) < min_cell:
            continue
        counts: dict[str, int] = {}
        for comment in sub[text]:
            words = [w for w in (m.group(0).lower() for m in _WORD.finditer(comment)) if w not in _STOPWORDS]
            terms = set(words)
            if phrases:
                terms |= {f"{a} {b}" for a, b in zip(words, words[1:])}
            for t in terms:
                counts[t] = counts.get(t, 0) + 1
        best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows += [{"group": g, "term": t, "comments": c, "share": c / len(sub), "n_comments": len(sub)} for t, c in best]
    return pd.DataFrame(rows, columns=["group", "term", "comments", "share", "n_comments"])
