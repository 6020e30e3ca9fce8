"""Advocacy (likelihood to recommend, NPS) and before/after comparisons of a programme's waves."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from .segments import SEGMENTS
from .stats import kish_effective_n

__all__ = ["NPS", "nps", "nps_by_segment", "compare_waves", "METRICS"]

METRICS: tuple[str, ...] = ("connected", "attrition", "advocacy", "nps", "value")


@dataclass(frozen=True)
class NPS:
    """Net Promoter Score (points, −100 … 100) with its interval and the three shares (0–1)."""

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


def _attrition_change(f1: pd.DataFrame, f2: pd.DataFrame, cfg: dict, weight: str | None, ci: float) -> dict[str, Any]:
    """Change in attrition at the horizon: Kaplan–Meier estimates, Greenwood standard errors, z-test."""
    from lifelines import KaplanMeierFitter

    att = cfg["attrition"]
    horizon = att["horizon"]
    res = []
    for f in (f1, f2):
        d = f.dropna(subset=[att["duration"], att["event"]])
        kmf = KaplanMeierFitter().fit(d[att["duration"]], d[att["event"]], weights=d[weight] if weight else None)
        s = float(kmf.survival_function_at_times(horizon).iloc[0])
        table = kmf.event_table.loc[lambda t: t.index <= horizon]
        with np.errstate(divide="ignore", invalid="ignore"):
            greenwood = float(np.nansum(table["observed"] / (table["at_risk"] * (table["at_risk"] - table["observed"]))))
        # With weights, inflate the variance by the design effect n / n_eff.
        deff = len(d) / kish_effective_n(d[weight]) if weight else 1.0
        res.append((1 - s, s * np.sqrt(greenwood * deff), len(d)))
    (a1, se1, n1), (a2, se2, n2) = res
    se = np.hypot(se1, se2)
    z = _st.norm.ppf(0.5 + ci / 2)
    change = a2 - a1
    h = 2 * np.arcsin(np.sqrt(a2)) - 2 * np.arcsin(np.sqrt(a1))
    return {"before": a1, "after": a2, "change": change, "ci_low": change - z * se, "ci_high": change + z * se,
            "p_value": float(2 * _st.norm.sf(abs(change) / se)) if se > 0 else np.nan, "cohens_h": float(h),
            "n_before": n1, "n_after": n2,
            "method": f"Kaplan–Meier attrition at {horizon:g} days; Greenwood standard errors; z-test"}


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
                  ci: float = 0.95, frame: pd.DataFrame | None = None) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        One row per metric, named as given: ``metric, before, after, change, ci_low, ci_high, p_value,
        p_adjusted, cohens_h, n_before, n_after, method``. Shares are proportions 0–1, NPS is in points.
        ``p_adjusted`` is Holm-adjusted over the metrics compared. Respondent weights are honoured
        (weighted estimates, Kish effective sizes in the intervals and tests).
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
