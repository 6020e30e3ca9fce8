"""A programme's waves compared: the before/after scorecard and what the change in segment mix is worth.

:func:`compare_waves` measures each headline metric (fully connected share, attrition at the horizon,
promoter share, NPS, mean value; on request the highly satisfied share and the value multiplier) in the first
and the last wave and tests the change; :func:`mix_impact`
values the shift in segment mix between two waves. Both return frozen result objects
(:mod:`cxlib.results`). Attrition at the horizon is always :func:`cxlib.survival.km_at` (its standard error
``S·√V``), so the attrition page and this one give the same figure with the same interval.

Bases: by-wave figures use every analysed respondent of the wave (``Engagement.frame()`` as it is); the
fully connected and highly satisfied shares, the value multiplier, the within-segment (standardised) changes
and the mix use respondents with a segment.

:func:`track` makes every comparison of a tracking programme (each wave against the one before, and the first
against the last) with p-values adjusted over the whole family. Given more than two waves, :func:`compare_waves`
and :func:`mix_impact` compare the first and the last of those given (earliest first).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import checks
from .advocacy import nps as _nps_of
from .errors import ArgumentError
from .results import Draws, Estimate, Reason, Result, frozen_table
from .segments import SEGMENTS
from .stats import bootstrap_indices, kish_effective_n, percentile_interval, weighted_mean_se
from .survival import km_at, variance_kind

__all__ = ["METRICS", "SCORECARD", "COMPARISONS", "WaveComparison", "MixImpact", "WaveTrack", "DriverStability", "compare_waves", "mix_impact", "track",
           "driver_stability", "motivator_stability"]

#: The metrics :func:`compare_waves` and :func:`track` can compare, in the tracker's order: the fully connected and
#: highly satisfied shares, attrition at the horizon, the promoter share, NPS, the mean value and the value
#: multiplier (fully connected ÷ highly satisfied mean value).
METRICS: tuple[str, ...] = ("connected", "highly_satisfied", "attrition", "advocacy", "nps", "value", "multiplier")
#: The before/after scorecard's metrics (:func:`compare_waves`' default; :func:`track` defaults to all of
#: :data:`METRICS`).
SCORECARD: tuple[str, ...] = ("connected", "attrition", "advocacy", "nps", "value")
#: The quantities :func:`mix_impact` values.
QUANTITIES: tuple[str, ...] = ("value_per_customer", "value_total", "active_customers")
_SHARES = ("connected", "highly_satisfied", "attrition", "advocacy")
#: The mix itself and a ratio of segment means: never standardised to the pooled mix.
_UNSTANDARDISED = ("connected", "highly_satisfied", "multiplier")


def _tidy(value: float, decimals: int) -> float:
    """``value``, or 0.0 when it rounds to zero at ``decimals`` (so text never reads −0 or −0.0)."""
    return 0.0 if value == value and round(float(value), decimals) == 0 else value


def _pretty(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, eq=False)
class WaveComparison(Result):
    """Before/after scorecard of a programme.

    Attributes
    ----------
    table : DataFrame
        One row per metric that could be compared: ``metric, before, after, change, ci_low, ci_high,
        p_value, p_adjusted, cohens_h, n_before, n_after, n`` (+ ``n_effective`` with weights), ``method``.
        Shares are proportions 0–1 (changes in proportion points), NPS is in points, value in its unit.
    waves : (before, after)
        The wave labels compared.
    standardised : bool
        Whether attrition, advocacy, NPS and value were standardised to the pooled segment mix.
    horizon : float or None
        The attrition horizon (days).
    value : str or None
        The value column compared (the engagement's first value column).
    excluded : dict
        ``{metric: Reason}`` for metrics that could not be compared (not configured, horizon past follow-up,
        no leaving, ...).
    reason : Reason or None
        Set when no comparison is possible at all (a single wave).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> card = compare_waves(eng, metrics=["connected", "nps"])
    >>> card.table.columns.tolist()
    ['metric', 'before', 'after', 'change', 'ci_low', 'ci_high', 'p_value', 'p_adjusted', 'cohens_h', 'n_before', 'n_after', 'n', 'n_effective', 'method']
    >>> card.waves, card.metrics, card.standardised, card.estimable
    (('pre', 'post'), ['connected', 'nps'], False, True)
    >>> card.change("nps").n == card.row("nps")["n"]
    True
    """

    waves: tuple = ()
    standardised: bool = False
    horizon: float | None = None
    value: str | None = None
    weighted: bool = False
    excluded: dict = field(default_factory=dict)
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None and len(self._table) > 0

    @property
    def metrics(self) -> list[str]:
        return self._table["metric"].tolist()

    def row(self, metric: str) -> dict[str, Any]:
        """The table row of ``metric`` as a dict (raises :class:`cxlib.ArgumentError` naming what exists)."""
        t = self._table[self._table["metric"] == metric]
        if t.empty:
            why = f" ({self.excluded[metric]})" if metric in self.excluded else ""
            raise ArgumentError(f"WaveComparison.row: metric {metric!r} was not compared{why}; compared: "
                                f"{', '.join(self.metrics) or 'none'}{checks.close_matches(metric, self.metrics)}",
                                function="WaveComparison.row", argument="metric")
        return t.iloc[0].to_dict()

    def change(self, metric: str) -> Estimate:
        """The change in ``metric`` (after − before) as an :class:`~cxlib.results.Estimate`; not estimable
        with its reason when it was not compared."""
        if self.reason is not None:
            return Estimate.missing(self.reason)
        if metric in self.excluded:
            return Estimate.missing(self.excluded[metric])
        r = self.row(metric)
        return Estimate(r["change"], r["ci_low"], r["ci_high"], int(r["n"]),
                        r.get("n_effective") if self.weighted else None, r["method"])

    def label(self, metric: str) -> str:
        """The metric's name for a reader, e.g. ``attrition within 365 days``."""
        return {"connected": "fully connected share", "highly_satisfied": "highly satisfied share",
                "multiplier": (f"value multiplier ({_pretty(self.value).lower()}, fully connected ÷ highly satisfied)"
                               if self.value else "value multiplier"),
                "attrition": f"attrition within {self.horizon:,.0f} days" if self.horizon else "attrition",
                "advocacy": "promoter share (9–10)", "nps": "Net Promoter Score",
                "value": f"mean {_pretty(self.value).lower()}" if self.value else "mean value"}.get(metric, metric)

    def level_text(self, metric: str, value: float) -> str:
        """A level of ``metric`` for reading: ``24.1%``, ``−3.0`` (NPS points) or ``709`` (value)."""
        from . import report

        if metric in _SHARES:
            return report.number(_tidy(value, 3), "{:.1%}")
        if metric == "multiplier":
            return report.number(value, "{:.2f}") + "×"
        return report.number(_tidy(value, 1 if metric == "nps" else 0), "{:+.1f}" if metric == "nps" else "{:,.0f}")

    def change_text(self, metric: str, value: float) -> str:
        from . import report

        if metric in _SHARES:
            return report.number(_tidy(100 * value, 1), "{:+.1f}")
        if metric == "multiplier":
            return report.number(_tidy(value, 2), "{:+.2f}")
        return report.number(_tidy(value, 1 if metric == "nps" else 0), "{:+.1f}" if metric == "nps" else "{:+,.0f}")

    def describe(self, metric: str) -> str:
        """One metric's change in words: ``attrition within 365 days 36.7% → 32.6% (−4.1 points, 95% CI
        −6.8 to −1.4; n=5,705)``; or why it was not compared."""
        from . import report

        if self.reason is not None or metric in self.excluded:
            why = self.reason or self.excluded[metric]
            return f"{self.label(metric)}: not estimable ({why})"
        r = self.row(metric)
        unit = " points" if metric in _SHARES or metric == "nps" else ""
        fmt = ("{:+.1f}" if metric in _SHARES or metric == "nps" else "{:+.2f}" if metric == "multiplier"
               else "{:+,.0f}")
        k = 100 if metric in _SHARES else 1
        change = f"{self.change_text(metric, r['change'])}{unit}"
        ci = f"95% CI {report.interval(k * r['ci_low'], k * r['ci_high'], fmt=fmt)}; n={int(r['n']):,}"
        if self.standardised:
            return f"{self.label(metric)}: {change} ({ci})"
        return (f"{self.label(metric)} {self.level_text(metric, r['before'])} → "
                f"{self.level_text(metric, r['after'])} ({change}, {ci})")

    def significant(self, alpha: float = 0.05) -> list[str]:
        """Metrics whose change is significant after Holm's adjustment."""
        t = self._table
        return t.loc[t["p_adjusted"] < alpha, "metric"].tolist()

    def headline(self) -> str:
        from . import report

        if self.reason is not None:
            return report.Markdown(f"No before/after comparison: {self.reason}.")
        before, after = (report.text(w) for w in self.waves)
        sig = self.significant()
        rest = [m for m in self.metrics if m not in sig]
        lines = []
        if sig:
            lines.append(f"Between {before} and {after}, these changes are larger than chance alone would give "
                         f"(p < 0.05 after Holm adjustment across the {len(self.metrics)} measures compared): "
                         + "; ".join(self.describe(m) for m in sig) + ".")
        if rest:
            lines.append(f"Within what chance alone could give once the {len(self.metrics)} measures compared at once are allowed for (Holm "
                         "adjustment; the 95% intervals shown are unadjusted, so one may exclude zero): "
                         + "; ".join(self.describe(m) for m in rest) + ".")
        if self.excluded:
            lines.append("Not compared: " + "; ".join(f"{self.label(m)} ({r})" for m, r in self.excluded.items()) + ".")
        return report.Markdown("\n\n".join(lines))

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.wave_scorecard(self, ax=ax, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """``results.json``'s ``waves``: ``{"before", "after", <metric>: {"before", "after", "estimate",
        "ci_low", "ci_high", "n", "p_value", "p_adjusted", "n_before", "n_after"}}`` (+ ``n_effective``), and
        ``not_estimable``: ``{metric: {"reason", "note"}}`` when some could not be compared."""
        from .report import estimate_dict, to_jsonable

        if self.reason is not None:
            return {"reason": self.reason.code, "note": self.reason.sentence}
        out: dict[str, Any] = {"before": str(self.waves[0]), "after": str(self.waves[1])}
        for r in self._table.itertuples():
            extra = {"n_effective": r.n_effective} if self.weighted else {}
            out[r.metric] = {"before": to_jsonable(r.before), "after": to_jsonable(r.after),
                             **estimate_dict(r.change, r.ci_low, r.ci_high, int(r.n), p_value=r.p_value,
                                             p_adjusted=r.p_adjusted, n_before=int(r.n_before),
                                             n_after=int(r.n_after), **extra)}
        if self.excluded:
            out["not_estimable"] = {m: {"reason": r.code, "note": r.sentence} for m, r in self.excluded.items()}
        return out


# -- the estimators of one metric in one wave --------------------------------------------------------------

def _z(ci: float) -> float:
    return float(_st.norm.ppf(0.5 + ci / 2))


def _values(d: pd.DataFrame, column: str, weight: str | None) -> tuple[np.ndarray, np.ndarray]:
    x = pd.to_numeric(d[column], errors="coerce").to_numpy(dtype=float)
    w = pd.to_numeric(d[weight], errors="coerce").to_numpy(dtype=float) if weight else np.ones_like(x)
    ok = np.isfinite(x) & np.isfinite(w)
    return x[ok], w[ok]


def _attrition_level(d: pd.DataFrame, att: dict, weight: str | None, ci: float) -> tuple[float, float, int, float] | Reason:
    """Attrition at the horizon (1 − S), its standard error S·√V (both from :func:`survival.km_at`), n, n_eff."""
    dur, ev, h = att["duration"], att["event"], float(att["horizon"])
    e = pd.to_numeric(d[ev], errors="coerce").to_numpy(dtype=float)
    x = pd.to_numeric(d[dur], errors="coerce").to_numpy(dtype=float)
    wall = pd.to_numeric(d[weight], errors="coerce").to_numpy(dtype=float) if weight else np.ones(len(d))
    ok = np.isfinite(x) & np.isfinite(e) & np.isfinite(wall)
    t, e, w = x[ok], e[ok], wall[ok]
    if len(t) == 0:
        return Reason.of("no_data")
    s, v, _, _ = km_at(t, e, h, weights=w if weight else None, ci=ci)
    if not math.isfinite(s):
        return Reason.of("horizon_past_follow_up", horizon=h, longest=float(t.max()))
    return 1.0 - s, s * math.sqrt(v) if math.isfinite(v) else math.inf, len(t), kish_effective_n(w)


def _weights(d: pd.DataFrame, weight: str) -> np.ndarray:
    w = pd.to_numeric(d[weight], errors="coerce").to_numpy(dtype=float)
    return w[np.isfinite(w)]


def _normal_change(a: float, se_a: float, b: float, se_b: float, ci: float) -> tuple[float, float, float, float]:
    change = b - a
    se = math.hypot(se_a, se_b)
    if not math.isfinite(se):
        return change, np.nan, np.nan, np.nan
    z = _z(ci)
    p = float(2 * _st.norm.sf(abs(change) / se)) if se > 0 else np.nan
    return change, change - z * se, change + z * se, p


def _h(p1: float, p2: float) -> float:
    return float(2 * np.arcsin(np.sqrt(p2)) - 2 * np.arcsin(np.sqrt(p1)))


def _proportion_change(x1, w1, x2, w2, ci: float, weighted: bool = False) -> dict[str, Any] | Reason:
    """Change in a share between two independent samples: Newcombe hybrid score interval, z-test, Cohen's h.

    With weights, R ``survey``'s figures instead: each wave's weighted share with its linearised standard
    error (``svymean``), a normal interval of the difference and a z-test (``svycontrast`` of ``svyby`` with
    the waves as strata)."""
    import warnings

    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    if len(x1) == 0 or len(x2) == 0:
        return Reason.of("no_data")
    n1, n2 = kish_effective_n(w1), kish_effective_n(w2)
    p1, p2 = float(np.average(x1, weights=w1)), float(np.average(x2, weights=w2))
    if weighted:
        se1, se2 = weighted_mean_se(x1, w1)[1], weighted_mean_se(x2, w2)[1]
        change, lo, hi, p_value = _normal_change(p1, se1, p2, se2, ci)
        return {"before": p1, "after": p2, "change": change, "ci_low": lo, "ci_high": hi, "p_value": p_value,
                "cohens_h": _h(p1, p2), "n_before": len(x1), "n_after": len(x2), "n_effective": n1 + n2,
                "method": "difference of weighted proportions: design-based (linearised) standard errors, z-test"}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        lo, hi = confint_proportions_2indep(p2 * n2, n2, p1 * n1, n1, method="newcomb", compare="diff", alpha=1 - ci)
        _, p_value = proportions_ztest([p2 * n2, p1 * n1], [n2, n1])
    return {"before": p1, "after": p2, "change": p2 - p1, "ci_low": float(lo), "ci_high": float(hi),
            "p_value": float(p_value) if np.isfinite(p_value) else np.nan, "cohens_h": _h(p1, p2),
            "n_before": len(x1), "n_after": len(x2), "n_effective": n1 + n2,
            "method": "difference of proportions: Newcombe hybrid score interval, two-proportion z-test"}


def _attrition_change(f1, f2, att: dict, weight: str | None, ci: float) -> dict[str, Any] | Reason:
    """Change in attrition at the horizon: :func:`survival.km_at` in each wave, se S·√V, z-test."""
    one, two = _attrition_level(f1, att, weight, ci), _attrition_level(f2, att, weight, ci)
    for r in (one, two):
        if isinstance(r, Reason):
            return r
    (a1, se1, n1, e1), (a2, se2, n2, e2) = one, two
    if a1 == 0 and a2 == 0:
        return Reason.of("no_events")
    if not (math.isfinite(se1) and math.isfinite(se2)):
        return Reason.of("all_events")
    change, lo, hi, p = _normal_change(a1, se1, a2, se2, ci)
    return {"before": a1, "after": a2, "change": change, "ci_low": lo, "ci_high": hi, "p_value": p,
            "cohens_h": _h(a1, a2), "n_before": n1, "n_after": n2, "n_effective": e1 + e2,
            "method": f"Kaplan–Meier attrition at {float(att['horizon']):,.0f} days; "
                      + ("robust (infinitesimal-jackknife)" if weight and "robust" in (variance_kind(_weights(f1, weight)),
                                                                                        variance_kind(_weights(f2, weight)))
                         else "Greenwood") + " standard errors; z-test"}


def _nps_points(x: np.ndarray) -> np.ndarray:
    """+100 for a promoter (9–10), −100 for a detractor (0–6), 0 for a passive: NPS is their mean."""
    return 100.0 * ((x >= 9).astype(float) - (x < 7).astype(float))


def _nps_change(x1, w1, x2, w2, ci: float, weighted: bool = False) -> dict[str, Any] | Reason:
    if len(x1) == 0 or len(x2) == 0:
        return Reason.of("no_data")
    r1, r2 = _nps_of(x1, weights=w1), _nps_of(x2, weights=w2)
    e1, e2 = kish_effective_n(w1), kish_effective_n(w2)
    if weighted:  # R survey: svymean of the ±100 points in each wave, linearised standard errors
        se1, se2 = weighted_mean_se(_nps_points(x1), w1)[1], weighted_mean_se(_nps_points(x2), w2)[1]
        method = "difference of weighted NPS (points): design-based (linearised) standard errors, z-test"
    else:
        se1 = 100 * math.sqrt(max((r1.promoters + r1.detractors - (r1.score / 100) ** 2) / e1, 0))
        se2 = 100 * math.sqrt(max((r2.promoters + r2.detractors - (r2.score / 100) ** 2) / e2, 0))
        method = "difference of NPS (points): analytic variance, z-test"
    change, lo, hi, p = _normal_change(r1.score, se1, r2.score, se2, ci)
    return {"before": r1.score, "after": r2.score, "change": change, "ci_low": lo, "ci_high": hi, "p_value": p,
            "cohens_h": np.nan, "n_before": r1.n, "n_after": r2.n, "n_effective": e1 + e2, "method": method}


def _moments(x: np.ndarray, w: np.ndarray, weighted: bool = False) -> tuple[float, float, float]:
    """Mean, the sampling variance of the mean and the (Kish) effective n: ``s²/n`` unweighted, R
    ``svymean``'s linearised variance with weights."""
    n_eff = kish_effective_n(w)
    if weighted:
        m, se = weighted_mean_se(x, w)
        return m, se**2 if np.isfinite(se) else np.nan, n_eff
    m = float(np.average(x, weights=w))
    var = float(np.average((x - m) ** 2, weights=w)) * len(x) / max(len(x) - 1, 1)
    return m, var / n_eff, n_eff


def _mean_change(x1, w1, x2, w2, ci: float, weighted: bool = False) -> dict[str, Any] | Reason:
    """Welch's t on the means; with weights, the linearised variances (``svymean``), a normal interval and a
    z-test (``svycontrast``)."""
    if min(len(x1), len(x2)) < 2:
        return Reason.of("too_few", n=min(len(x1), len(x2)), need=2)
    m1, v1, e1 = _moments(x1, w1, weighted)
    m2, v2, e2 = _moments(x2, w2, weighted)
    se = math.sqrt(v1 + v2)
    if se == 0:
        return Reason.of("constant")
    if weighted:
        change, lo, hi, p = _normal_change(m1, math.sqrt(v1), m2, math.sqrt(v2), ci)
        return {"before": m1, "after": m2, "change": change, "ci_low": lo, "ci_high": hi, "p_value": p,
                "cohens_h": np.nan, "n_before": len(x1), "n_after": len(x2), "n_effective": e1 + e2,
                "method": "difference of weighted means: design-based (linearised) standard errors, z-test"}
    dof = (v1 + v2) ** 2 / (v1**2 / max(e1 - 1, 1) + v2**2 / max(e2 - 1, 1))
    t = float(_st.t.ppf(0.5 + ci / 2, dof))
    change = m2 - m1
    return {"before": m1, "after": m2, "change": change, "ci_low": change - t * se, "ci_high": change + t * se,
            "p_value": float(2 * _st.t.sf(abs(change) / se, dof)), "cohens_h": np.nan,
            "n_before": len(x1), "n_after": len(x2), "n_effective": e1 + e2, "method": "difference of means: Welch's t"}


#: The segment whose share each share metric is.
_SEGMENT_OF = {"connected": SEGMENTS[0], "highly_satisfied": SEGMENTS[1]}


def _segment_share(d: pd.DataFrame, segment: str, weight: str | None) -> tuple[np.ndarray, np.ndarray]:
    """1 for a respondent in ``segment``, 0 for one in another segment (respondents with a segment only), and
    their weights (rows without a finite weight left out)."""
    g = d.dropna(subset=["segment"])
    w = pd.to_numeric(g[weight], errors="coerce").to_numpy(float) if weight else np.ones(len(g))
    ok = np.isfinite(w)
    return (g["segment"] == segment).to_numpy(dtype=float)[ok], w[ok]


def _multiplier_level(d: pd.DataFrame, value: str, weight: str | None) -> tuple[float, float, float, int, float] | Reason:
    """The value multiplier of one wave: the fully connected over the highly satisfied mean of ``value``, the
    delta-method standard error of its logarithm, that of the ratio (r · se_log), n (both segments) and the
    sum of the two segments' Kish effective sizes.

    Var(log r) = v₁/m₁² + v₂/m₂² with each mean's sampling variance vᵢ from :func:`_moments` (s²/n; with
    weights the linearised variance), the two segments taken as independent."""
    parts = []
    for segment in SEGMENTS[:2]:
        x, w = _values(d[d["segment"] == segment], value, weight)
        if len(x) < 2:
            return Reason.of("too_few", n=len(x), need=2)
        parts.append((*_moments(x, w, bool(weight)), len(x)))
    (m1, v1, e1, n1), (m2, v2, e2, n2) = parts
    if m2 == 0:
        return Reason.of("zero_denominator", what=f"mean {_pretty(value).lower()}")
    if m1 <= 0 or m2 < 0:
        return Reason.of("not_converged", detail="a segment's mean value is zero or below, so the ratio has no "
                                                 "interval on its logarithm")
    ratio = m1 / m2
    se_log = math.sqrt(v1 / m1**2 + v2 / m2**2) if np.isfinite(v1) and np.isfinite(v2) else math.inf
    return ratio, se_log, ratio * se_log, n1 + n2, e1 + e2


def _multiplier_change(f1, f2, value: str, weight: str | None, ci: float) -> dict[str, Any] | Reason:
    """Change in the value multiplier between two independent waves: the difference of the two ratios, its
    standard error from each wave's delta-method standard error (r · se of log r), a normal interval and a
    z-test."""
    one, two = _multiplier_level(f1, value, weight), _multiplier_level(f2, value, weight)
    for r in (one, two):
        if isinstance(r, Reason):
            return r
    (r1, _, se1, n1, e1), (r2, _, se2, n2, e2) = one, two
    change, lo, hi, p = _normal_change(r1, se1, r2, se2, ci)
    return {"before": r1, "after": r2, "change": change, "ci_low": lo, "ci_high": hi, "p_value": p,
            "cohens_h": np.nan, "n_before": n1, "n_after": n2, "n_effective": e1 + e2,
            "method": "difference of value multipliers (fully connected ÷ highly satisfied mean): delta-method "
                      "standard errors, z-test"}


def _segment_estimate(d: pd.DataFrame, metric: str, cfg: dict, weight: str | None, ci: float) -> tuple[float, float, int] | Reason:
    """One segment's estimate of a metric and its sampling variance (Kish effective n with weights)."""
    if metric == "attrition":
        r = _attrition_level(d, cfg["attrition"], weight, ci)
        if isinstance(r, Reason):
            return r
        return r[0], r[1] ** 2, r[2]
    col = cfg["advocacy"]["column"] if metric in ("advocacy", "nps") else cfg["value"][0]
    x, w = _values(d, col, weight)
    if len(x) == 0:
        return Reason.of("no_data")
    n_eff = kish_effective_n(w)
    if weight and metric in ("advocacy", "nps"):  # R survey: svymean's linearised variance
        m, se = weighted_mean_se((x >= 9).astype(float) if metric == "advocacy" else _nps_points(x), w)
        return m, se**2 if np.isfinite(se) else 0.0, len(x)
    if metric == "advocacy":
        p = float(np.average(x >= 9, weights=w))
        return p, p * (1 - p) / n_eff, len(x)
    if metric == "nps":
        r = _nps_of(x, weights=w)
        return r.score, 1e4 * (r.promoters + r.detractors - (r.score / 100) ** 2) / n_eff, len(x)
    m, v, _ = _moments(x, w, bool(weight))
    return m, v if np.isfinite(v) else 0.0, len(x)


def _standardised_change(f1, f2, metric: str, cfg: dict, weight: str | None, ci: float) -> dict[str, Any] | Reason:
    """Direct standardisation to the pooled segment mix of both waves: within-segment change only."""
    both = pd.concat([f1, f2]).dropna(subset=["segment"])
    w = pd.to_numeric(both[weight], errors="coerce").fillna(0).to_numpy(float) if weight else np.ones(len(both))
    mix = pd.Series(w, index=both.index).groupby(both["segment"].astype(object).to_numpy()).sum()
    mix = mix[mix.index.isin(SEGMENTS) & (mix > 0)]
    if mix.empty:
        return Reason.of("no_data")
    mix = mix / mix.sum()
    e1 = e2 = v = 0.0
    n1 = n2 = 0
    for seg, share in mix.items():
        a = _segment_estimate(f1[f1["segment"] == seg], metric, cfg, weight, ci)
        b = _segment_estimate(f2[f2["segment"] == seg], metric, cfg, weight, ci)
        for r in (a, b):
            if isinstance(r, Reason):
                return Reason.of("segment_empty", segment=seg) if r.code == "no_data" else r
        (a, va, na), (b, vb, nb) = a, b
        e1, e2, v = e1 + share * a, e2 + share * b, v + share**2 * (va + vb)
        n1, n2 = n1 + na, n2 + nb
    if metric == "attrition" and e1 == 0 and e2 == 0:
        return Reason.of("no_events")
    if not math.isfinite(v):
        return Reason.of("all_events")
    se = math.sqrt(v)
    z = _z(ci)
    change = e2 - e1
    h = _h(e1, e2) if metric in ("advocacy", "attrition") else np.nan
    return {"before": e1, "after": e2, "change": change, "ci_low": change - z * se, "ci_high": change + z * se,
            "p_value": float(2 * _st.norm.sf(abs(change) / se)) if se > 0 else np.nan, "cohens_h": h,
            "n_before": n1, "n_after": n2, "n_effective": np.nan,
            "method": "standardised to the pooled segment mix of both waves (direct standardisation); z-test"}


def _holm(p_values: Any) -> np.ndarray:
    """Holm-adjusted p-values of one family (statsmodels ``multipletests``); NaN stays NaN, not counted."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(len(p), np.nan)
    ok = np.isfinite(p)
    if ok.any():
        from statsmodels.stats.multitest import multipletests

        adjusted[ok] = multipletests(p[ok], method="holm")[1]
    return adjusted


def _wave_pair(waves: Any, data: pd.DataFrame, column: str, function: str) -> tuple[Any, Any]:
    """(first, last) of ``waves``, each checked to be a value of ``data[column]``."""
    if isinstance(waves, (str, bytes)) or not isinstance(waves, Sequence):
        raise ArgumentError(f"{function}: waves must be a list of two or more wave labels, earliest first "
                            f"(e.g. ['pre', 'post']), not {waves!r}", function=function, argument="waves")
    order = list(waves)
    if len(order) < 2:
        raise ArgumentError(f"{function}: waves must name two or more waves to compare, got {order!r}",
                            function=function, argument="waves")
    before, after = order[0], order[-1]
    if str(before) == str(after):
        raise ArgumentError(f"{function}: the first and last of waves are both {before!r}; name two different waves",
                            function=function, argument="waves")
    checks.labels(data, column, [before, after], function, "waves")
    return before, after


def _in_wave(f: pd.DataFrame, column: str, label: Any) -> pd.DataFrame:
    return f[f[column].astype(str) == str(label)]


def compare_waves(eng: Any, *, metrics: Sequence[str] | None = None, waves: Sequence[Any] | None = None,
                  standardise: bool = False, ci: float = 0.95) -> WaveComparison:
    """Before/after scorecard of a programme: each metric in two waves, the change, its CI and p-values.

    Reachable as ``cxlib.advocacy.compare_waves`` too (the first version's name).

    Parameters
    ----------
    eng : Engagement
        The engagement: its config names the wave, advocacy, attrition, value and weight columns, and
        ``eng.frame()`` gives the respondents.
    metrics : sequence of str, optional
        Any of :data:`METRICS`: ``connected`` (share fully connected), ``highly_satisfied`` (share highly
        satisfied), ``attrition`` (at the horizon), ``advocacy`` (share of promoters, 9–10), ``nps`` (points),
        ``value`` (mean of the first value column) and ``multiplier`` (fully connected ÷ highly satisfied mean
        of the first value column). Default: the scorecard's five, :data:`SCORECARD`.
    waves : sequence of wave labels, optional
        Earliest first; the first and the last are compared (two or more, each a value of the wave column).
        Default: the first and last of ``engagement.yaml``'s ``waves``.
    standardise : bool
        Compare attrition, advocacy, NPS and value as if both waves had the same segment mix (the pooled
        mix of both): the change then shows what moved *within* segments, not the shift in mix. The
        connected and highly satisfied shares are the mix itself, and the multiplier is a ratio of two
        segments' means: they are never standardised.
    ci : float
        Confidence level.

    Returns
    -------
    WaveComparison
        ``.table``: one row per metric compared, ``metric, before, after, change, ci_low, ci_high, p_value,
        p_adjusted, cohens_h, n_before, n_after, n, [n_effective,] method``; ``p_adjusted`` is Holm-adjusted
        over the metrics compared. ``.excluded``: ``{metric: Reason}`` for metrics that could not be
        compared (not configured, horizon past follow-up, no customer left). With a single wave the result
        is not estimable: ``.reason`` is ``single_wave`` and the table is empty.

    Notes
    -----
    Bases: the connected share uses respondents with a segment; the other raw metrics use every analysed
    respondent of each wave (``eng.frame()``). Shares: Newcombe's hybrid score interval for a difference of
    independent proportions and the pooled two-proportion z-test; Cohen's h = 2 asin √p₂ − 2 asin √p₁.
    Attrition: :func:`cxlib.survival.km_at` at the horizon in each wave, standard error S·√V (Greenwood;
    with weights that are not whole numbers the robust, infinitesimal-jackknife variance, as R's
    ``survfit``), normal interval of the difference. NPS: the multinomial variance of P − D in each
    wave, added. Value: Welch's t. Multiplier: the difference of the two waves' ratios of means, each with
    its delta-method standard error r·(v₁/m₁² + v₂/m₂²)^½ (vᵢ a segment mean's sampling variance), normal
    interval and z-test; checked against a brute-force bootstrap (tests/test_waves.py). With weights, R ``survey``'s design-based figures instead
    (``svydesign(ids = ~1, strata = ~wave, weights = ~w)``): each wave's weighted share, NPS (mean of ±100
    points) or mean with its linearised standard error (``svymean``, :func:`cxlib.stats.weighted_mean_se`), a
    normal interval of the difference and a z-test (``svycontrast``), equal to R to 1e-9
    (tests/test_r_reference.py); Kish's effective sizes are reported beside them (before issue 17 they were
    used in the intervals, which ignores how the weights go with the answers).
    Standardised: Σ_s π_s (e₂ₛ − e₁ₛ) with the pooled mix π fixed, variance Σ π_s² (v₁ₛ + v₂ₛ). Checked
    against statsmodels' ``confint_proportions_2indep`` and ``proportions_ztest`` (1e-10), lifelines'
    Kaplan–Meier, and a hand-written standardisation (tests/test_waves.py); the demo retailer's planted
    shifts lie inside the intervals.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=0)
    >>> card = compare_waves(eng)
    >>> card.waves, card.metrics
    (('pre', 'post'), ['connected', 'attrition', 'advocacy', 'nps', 'value'])
    >>> bool((card.table["p_adjusted"] >= card.table["p_value"]).all())
    True
    """
    fn = "waves.compare_waves"
    if isinstance(eng, (pd.DataFrame, pd.Series)) or not (hasattr(eng, "config") and callable(getattr(eng, "frame", None))):
        raise ArgumentError(f"{fn}: eng must be an Engagement (cx.load_engagement(folder)), not a "
                            f"{type(eng).__name__}; for a frame of your own use mix_impact or advocacy.nps_by_segment",
                            function=fn, argument="eng")
    ci = checks.level(ci, fn)
    if metrics is None:
        metrics = list(SCORECARD)
    elif isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(dict.fromkeys(checks.choice(m, METRICS, fn, "metrics") for m in metrics))
    if not metrics:
        raise ArgumentError(f"{fn}: metrics is empty; choose from {', '.join(METRICS)}", function=fn, argument="metrics")
    cfg = eng.config
    wave_col = cfg.get("wave")
    att = cfg.get("attrition") or None
    horizon = float(att["horizon"]) if att and att.get("horizon") is not None else None
    value_col = (cfg.get("value") or [None])[0]
    weight = cfg.get("weight")
    empty = pd.DataFrame(columns=["metric", "before", "after", "change", "ci_low", "ci_high", "p_value", "p_adjusted",
                                  "cohens_h", "n_before", "n_after", "n", "method"])
    common = dict(standardised=bool(standardise), horizon=horizon, value=value_col, weighted=bool(weight))
    if not wave_col or (waves is None and len(cfg.get("waves") or []) < 2):
        return WaveComparison(empty, reason=Reason.of("single_wave"), **common)
    f = eng.frame()
    before, after = _wave_pair(cfg["waves"] if waves is None else waves, f, wave_col, fn)
    f1, f2 = _in_wave(f, wave_col, before), _in_wave(f, wave_col, after)
    adv = (cfg.get("advocacy") or {}).get("column")
    configured = {"connected": True, "highly_satisfied": True, "attrition": bool(att), "advocacy": bool(adv),
                  "nps": bool(adv), "value": bool(value_col), "multiplier": bool(value_col)}
    what = {"attrition": "attrition (duration, event and horizon)", "advocacy": "a likelihood-to-recommend question",
            "nps": "a likelihood-to-recommend question", "value": "a value column", "multiplier": "a value column"}
    rows, excluded = [], {}
    for metric in metrics:
        if not configured[metric]:
            excluded[metric] = Reason.of("not_configured", what=what[metric])
            continue
        if standardise and metric not in _UNSTANDARDISED:
            row = _standardised_change(f1, f2, metric, cfg, weight, ci)
        elif metric in ("connected", "highly_satisfied"):
            segment = _SEGMENT_OF[metric]
            (x1, w1), (x2, w2) = _segment_share(f1, segment, weight), _segment_share(f2, segment, weight)
            row = _proportion_change(x1, w1, x2, w2, ci, bool(weight))
            if isinstance(row, dict) and row["before"] == 0 and row["after"] == 0:
                row = Reason.of("segment_empty", segment=segment)
        elif metric == "multiplier":
            row = _multiplier_change(f1, f2, value_col, weight, ci)
        elif metric == "attrition":
            row = _attrition_change(f1, f2, att, weight, ci)
        elif metric in ("advocacy", "nps"):
            (x1, w1), (x2, w2) = _values(f1, adv, weight), _values(f2, adv, weight)
            row = (_proportion_change((x1 >= 9).astype(float), w1, (x2 >= 9).astype(float), w2, ci, bool(weight))
                   if metric == "advocacy" else _nps_change(x1, w1, x2, w2, ci, bool(weight)))
        else:
            (x1, w1), (x2, w2) = _values(f1, value_col, weight), _values(f2, value_col, weight)
            row = _mean_change(x1, w1, x2, w2, ci, bool(weight))
        if isinstance(row, Reason):
            excluded[metric] = row
        else:
            rows.append({"metric": metric, **row})
    if not rows:
        return WaveComparison(empty, waves=(before, after), excluded=excluded, **common)
    out = pd.DataFrame(rows)
    out["n"] = out["n_before"] + out["n_after"]
    out["p_adjusted"] = _holm(out["p_value"])
    cols = ["metric", "before", "after", "change", "ci_low", "ci_high", "p_value", "p_adjusted", "cohens_h",
            "n_before", "n_after", "n"] + (["n_effective"] if weight else []) + ["method"]
    return WaveComparison(out[cols], waves=(before, after), excluded=excluded, **common)


# -- what the change in segment mix is worth -----------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class MixImpact(Result):
    """What the shift in segment mix between two waves is worth.

    Attributes
    ----------
    table : DataFrame
        One row per quantity that could be estimated: ``quantity`` (``value_per_customer``, ``value_total``,
        ``active_customers``), ``estimate, ci_low, ci_high, n_before, n_after, n`` (+ ``n_effective`` with
        weights), ``method``.
    draws : Draws
        Bootstrap draws keyed by quantity (no draws with ``n_boot=0``).
    waves : (before, after)
    value : str
        The value column.
    horizon : float
    customers : int
        Size of the customer base the figures are scaled to.
    excluded : dict
        ``{quantity: Reason}`` for quantities that could not be estimated.
    interval_reason : Reason or None
        ``no_bootstrap`` when computed with ``n_boot=0`` (estimates without intervals).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 200
    >>> f = pd.DataFrame({"wave": np.repeat(["pre", "post"], n),
    ...                   "segment": np.r_[rng.choice(["fully connected", "other"], n, p=[.2, .8]),
    ...                                    rng.choice(["fully connected", "other"], n, p=[.3, .7])],
    ...                   "spend": rng.gamma(2, 100, 2 * n), "days": rng.integers(30, 500, 2 * n),
    ...                   "left": rng.integers(0, 2, 2 * n)})
    >>> kw = dict(wave="wave", waves=["pre", "post"], value="spend", duration="days", event="left", horizon=365,
    ...           customers=10_000)
    >>> r = mix_impact(f, **kw, n_boot=50)
    >>> r.table.columns.tolist()
    ['quantity', 'estimate', 'ci_low', 'ci_high', 'n_before', 'n_after', 'n', 'method']
    >>> r.waves, r.value, r.customers, r.excluded, r.interval_reason
    (('pre', 'post'), 'spend', 10000, {}, None)
    >>> r.label("active_customers")
    'Customers still active after 365 days'
    >>> r0 = mix_impact(f, **kw, n_boot=0)  # no resampling: estimates without intervals
    >>> r0.interval_reason.code, r0.draws
    ('no_bootstrap', None)
    """

    draws: Draws | None = None
    waves: tuple = ()
    value: str = ""
    horizon: float = 0.0
    customers: int = 0
    n_boot: int = 0
    seed: int = 0
    weighted: bool = False
    excluded: dict = field(default_factory=dict)
    interval_reason: Reason | None = None

    @property
    def reason(self) -> Reason | None:
        """Set when no quantity could be estimated (e.g. too few respondents in a wave)."""
        return next(iter(self.excluded.values())) if set(self.excluded) >= set(QUANTITIES) else None

    def get(self, quantity: str) -> Estimate:
        """The quantity as an :class:`~cxlib.results.Estimate` (not estimable with its reason if excluded)."""
        checks.choice(quantity, QUANTITIES, "MixImpact.get", "quantity")
        if quantity in self.excluded:
            return Estimate.missing(self.excluded[quantity])
        r = self._table[self._table["quantity"] == quantity].iloc[0]
        return Estimate(r["estimate"], r["ci_low"], r["ci_high"], int(r["n"]),
                        r["n_effective"] if self.weighted else None, r["method"],
                        note=self.interval_reason.sentence if self.interval_reason else "")

    def label(self, quantity: str) -> str:
        value = _pretty(self.value)
        return {"value_per_customer": f"{value} per customer",
                "value_total": f"{value}, all {self.customers:,} customers",
                "active_customers": f"Customers still active after {self.horizon:,.0f} days"}[quantity]

    def headline(self) -> str:
        from . import report

        e = self.get("active_customers")
        if not e.estimable:
            return report.Markdown(f"Customers kept through the change in segment mix: not estimable ({e.reason}).")
        zero = "; the interval includes zero" if e.has_interval and e.ci_low <= 0 <= e.ci_high else ""
        ci = (f" (95% CI {report.interval(e.ci_low, e.ci_high, fmt='{:+,.0f}')}{zero})" if e.has_interval else
              f" ({self.interval_reason})" if self.interval_reason else "")
        return report.Markdown(
            f"The shift in segment mix alone implies about **{report.number(_tidy(e.estimate, 0), '{:+,.0f}')} customers** "
            f"still active after {self.horizon:,.0f} days across the {self.customers:,} customers{ci[:-1]}"
            f"{'; ' if ci else ' ('}n={e.n:,} respondents with a segment).")

    def to_dict(self) -> dict[str, Any]:
        return {"before": str(self.waves[0]) if self.waves else None,
                "after": str(self.waves[1]) if self.waves else None,
                **{q: self.get(q).to_dict() for q in QUANTITIES}}


def mix_impact(data: pd.DataFrame, *, wave: str, waves: Sequence[Any], value: str, duration: str, event: str,
               horizon: float, customers: int, weight: str | None = None, by: str = "segment",
               n_boot: int = 1000, seed: int = 0, ci: float = 0.95) -> MixImpact:
    """What the change in segment mix between two waves is worth: value per customer, in total, and in
    customers still active at the horizon, with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        The analysis frame (``by``, the wave column, value, duration and event columns). Rows without a
        group, value, duration or event are left out.
    wave : str
        Wave column.
    waves : sequence of wave labels
        Earliest first, two or more; the first and the **last** are compared (the waves between are not used;
        a tracker over many waves is a later addition).
    value : str
        Value column (e.g. annual spend).
    duration, event : str
        Attrition columns (days observed; 1 = left).
    horizon : float
        Days. Retention at the horizon is :func:`cxlib.survival.km_at`; past the before wave's follow-up
        ``active_customers`` is not estimable (reason ``horizon_past_follow_up``).
    customers : int
        Size of the customer base the survey represents (e.g. the rows of the customers file).
    weight : str, optional
        Respondent weight column.
    by : str
        Grouping whose mix shifts (default the segments).
    n_boot, seed, ci
        Bootstrap resamples (0 for estimates without intervals, or at least 2; respondents resampled within
        each wave), seed and interval level.

    Returns
    -------
    MixImpact
        ``.table``: ``quantity, estimate, ci_low, ci_high, n_before, n_after, n, [n_effective,] method``;
        ``.draws`` keyed by quantity; ``.excluded`` for quantities not estimable.

    Notes
    -----
    With group shares π₁ₛ (before) and π₂ₛ (after), the before wave's mean value per group vₛ and its
    retention rₛ = S(horizon) (Kaplan–Meier, :func:`cxlib.survival.km_at`):

    - value per customer implied by the mix: Σₛ (π₂ₛ − π₁ₛ) vₛ; in total, times ``customers``;
    - customers still active at the horizon implied by the mix: ``customers`` · Σₛ (π₂ₛ − π₁ₛ) rₛ.

    Holding vₛ and rₛ at the before wave isolates the mix: what the programme is worth through moving
    customers between groups, if each group keeps behaving as it did. Percentile bootstrap intervals
    (:func:`cxlib.stats.percentile_interval`). Checked against the formula computed by hand on a small frame
    (tests/test_waves.py).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 400
    >>> f = pd.DataFrame({"wave": np.repeat(["pre", "post"], n),
    ...                   "segment": np.r_[rng.choice(["fully connected", "other"], n, p=[.2, .8]),
    ...                                    rng.choice(["fully connected", "other"], n, p=[.3, .7])],
    ...                   "spend": rng.gamma(2, 100, 2 * n), "days": rng.integers(30, 500, 2 * n),
    ...                   "left": rng.integers(0, 2, 2 * n)})
    >>> r = mix_impact(f, wave="wave", waves=["pre", "post"], value="spend", duration="days", event="left",
    ...                horizon=365, customers=10_000, n_boot=200)
    >>> r.table["quantity"].tolist()
    ['value_per_customer', 'value_total', 'active_customers']
    >>> r.get("active_customers").estimable
    True
    """
    fn = "waves.mix_impact"
    data = checks.frame(data, fn)
    checks.columns(data, fn, wave=wave, by=by)
    checks.numeric(data, fn, value=value, duration=duration, weight=weight)
    checks.binary(data, fn, event=event)
    h = checks.positive(horizon, fn, "horizon")
    customers = checks.count(customers, fn, "customers", minimum=1)
    n_boot = checks.count(n_boot, fn, "n_boot", minimum=2, allow_zero=True)
    seed = checks.count(seed, fn, "seed", minimum=0, allow_zero=True)
    ci = checks.level(ci, fn)
    before, after = _wave_pair(waves, data, wave, fn)
    d = data.dropna(subset=[by, value, duration, event] + ([weight] if weight else []))
    parts = [_in_wave(d, wave, before), _in_wave(d, wave, after)]
    groups = list(data[by].cat.categories) if isinstance(data[by].dtype, pd.CategoricalDtype) else (
        list(SEGMENTS) if by == "segment" and set(d[by].unique()) <= set(SEGMENTS) else sorted(d[by].unique(), key=str))
    k = len(groups)
    common = dict(waves=(before, after), value=value, horizon=h, customers=customers, n_boot=n_boot, seed=seed,
                  weighted=bool(weight))
    cols = ["quantity", "estimate", "ci_low", "ci_high", "n_before", "n_after", "n"] + \
        (["n_effective"] if weight else []) + ["method"]
    small = min(len(p) for p in parts)
    if small < 2:
        reason = Reason.of("too_few", n=small, need=2)
        return MixImpact(pd.DataFrame(columns=cols), draws=None, excluded={q: reason for q in QUANTITIES}, **common)

    def arrays(part: pd.DataFrame):
        codes = pd.Categorical(part[by].astype(object), categories=groups).codes
        w = part[weight].to_numpy(float) if weight else np.ones(len(part))
        return codes, part[value].to_numpy(float), part[duration].to_numpy(float), part[event].to_numpy(float), w

    (c1, v1, t1, e1, w1), (c2, _, _, _, w2) = arrays(parts[0]), arrays(parts[1])

    def estimate(i1: np.ndarray, i2: np.ndarray) -> np.ndarray:
        cc1, ww1 = c1[i1], w1[i1]
        s1 = np.bincount(cc1, weights=ww1, minlength=k)
        s2 = np.bincount(c2[i2], weights=w2[i2], minlength=k)
        shift = s2 / s2.sum() - s1 / s1.sum()
        moved = np.abs(shift) > 1e-12
        with np.errstate(invalid="ignore", divide="ignore"):
            vals = np.bincount(cc1, weights=ww1 * v1[i1], minlength=k) / s1
        tt, ee = t1[i1], e1[i1]
        ret = np.array([km_at(tt[cc1 == j], ee[cc1 == j], h, weights=ww1[cc1 == j])[0] if moved[j] else 0.0
                        for j in range(k)])
        per = float(np.sum(shift[moved] * vals[moved])) if moved.any() else 0.0
        kept = float(np.sum(shift[moved] * ret[moved])) if moved.any() else 0.0
        return np.array([per, per * customers, customers * kept])

    point = estimate(np.arange(len(c1)), np.arange(len(c2)))
    excluded: dict[str, Reason] = {}
    s1 = np.bincount(c1, weights=w1, minlength=k)
    s2 = np.bincount(c2, weights=w2, minlength=k)
    missing = [groups[j] for j in range(k) if s1[j] == 0 and s2[j] > 0]
    if missing:
        reason = Reason.of("segment_empty", segment=f"{missing[0]} in wave {before}")
        excluded = {q: reason for q in QUANTITIES}
    elif not math.isfinite(point[2]):
        excluded["active_customers"] = Reason.of("horizon_past_follow_up", horizon=h, longest=float(t1.max()))
    elif not ((t1 <= h) & (e1 == 1)).any():
        excluded["active_customers"] = Reason.of("no_events")
    if n_boot:
        rng = np.random.default_rng(seed)
        idx1 = np.vstack(list(bootstrap_indices(len(c1), n_boot, rng)))  # resampled within each wave
        idx2 = np.vstack(list(bootstrap_indices(len(c2), n_boot, rng)))
        boot = np.array([estimate(i1, i2) for i1, i2 in zip(idx1, idx2)])
        bounds = [percentile_interval(boot[:, j], ci) for j in range(3)]
        draws = Draws(boot, list(QUANTITIES))
    else:
        bounds, draws = [(np.nan, np.nan)] * 3, None
    method = (f"segment shares before/after × the before wave's {_pretty(value).lower()} and {h:,.0f}-day "
              "retention per segment; " + (f"percentile bootstrap, {n_boot:,} resamples within waves" if n_boot
                                           else "no resampling, so no interval"))
    n1, n2 = len(c1), len(c2)
    rows = []
    for j, q in enumerate(QUANTITIES):
        if q in excluded:
            continue
        row = {"quantity": q, "estimate": point[j], "ci_low": bounds[j][0], "ci_high": bounds[j][1],
               "n_before": n1, "n_after": n2, "n": n1 + n2, "method": method}
        if weight:
            row["n_effective"] = kish_effective_n(w1) + kish_effective_n(w2)
        rows.append(row)
    return MixImpact(pd.DataFrame(rows, columns=cols), draws=draws, excluded=excluded,
                     interval_reason=None if n_boot else Reason.of("no_bootstrap"), **common)


# -- every wave: the changes of a tracking programme ----------------------------------------------------------

#: The comparisons :func:`track` makes: each wave against the one before it, and the first against the last.
COMPARISONS: tuple[str, ...] = ("wave_over_wave", "first_to_last")


@dataclass(frozen=True, eq=False)
class WaveTrack(Result):
    """The changes of a tracking programme over all its waves, adjusted as one family.

    Attributes
    ----------
    table : DataFrame
        One row per metric and comparison: ``metric, comparison, from_wave, to_wave, before, after, change,
        ci_low, ci_high, p_value, p_adjusted, n_before, n_after, n, method``. ``comparison`` is
        ``wave_over_wave`` (each wave against the one before) or ``first_to_last``; with two waves the two are
        the same comparison and it is listed once, as ``first_to_last``. ``p_adjusted`` is Holm-adjusted over
        every row (all metrics, all comparisons): a change "holds" when it is below 0.05.
    levels : DataFrame
        Each metric in each wave: ``metric, wave, estimate, se, ci_low, ci_high, n`` (the scorecard's
        estimators; normal intervals).
    trend : DataFrame
        With three waves or more, each metric's linear trend: ``metric, slope, ci_low, ci_high, p_value,
        p_adjusted, waves, method`` (slope per wave; Holm over the metrics).
    waves : tuple
        The wave labels, earliest first.
    excluded : dict
        ``{metric: Reason}`` for metrics that could not be compared in some pair of waves.
    reason : Reason or None
        Set when there is no second wave.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> t = track(eng, metrics=["nps"])
    >>> t.table.columns.tolist()[:4], t.estimable
    (['metric', 'comparison', 'from_wave', 'to_wave'], True)
    >>> bool((t.table["p_adjusted"] >= t.table["p_value"]).all())
    True
    """

    waves: tuple = ()
    excluded: dict = field(default_factory=dict)
    reason: Reason | None = None
    _levels: pd.DataFrame | None = field(default=None, repr=False)
    _trend: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("_levels", "_trend"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, frozen_table(getattr(self, name)))

    @property
    def levels(self) -> pd.DataFrame | None:
        """Each metric in each wave (a fresh copy): ``metric, wave, estimate, se, ci_low, ci_high, n``."""
        return None if self._levels is None else self._levels.copy(deep=True)

    @property
    def trend(self) -> pd.DataFrame | None:
        """The linear trend of each metric over the waves (a fresh copy): ``metric, slope, ci_low, ci_high,
        p_value, p_adjusted, waves, method``; ``slope`` per wave, in the metric's unit."""
        return None if self._trend is None else self._trend.copy(deep=True)

    @property
    def estimable(self) -> bool:
        return self.reason is None and len(self._table) > 0

    def holds(self, alpha: float = 0.05) -> pd.DataFrame:
        """The rows whose change holds once the whole family is allowed for (``p_adjusted < alpha``)."""
        t = self.table
        return t[t["p_adjusted"] < alpha].reset_index(drop=True)

    def headline(self) -> str:
        from . import report

        if self.reason is not None:
            return report.Markdown(f"No tracking over waves: {self.reason}.")
        held = self.holds()
        first, last = (report.text(w) for w in (self.waves[0], self.waves[-1]))
        k = len(self._table)
        if held.empty:
            return report.Markdown(f"Over the {len(self.waves)} waves from {first} to {last}, no change is larger than "
                                   f"chance alone would give once the {k} changes compared are allowed for (Holm).")
        said = "; ".join(f"{_pretty(r.metric)} {r.from_wave} → {r.to_wave}" for r in held.itertuples())
        return report.Markdown(f"Over the {len(self.waves)} waves from {first} to {last}, {len(held)} of the {k} "
                               f"changes compared hold once all of them are allowed for (Holm): {said}.")

    def to_dict(self) -> dict[str, Any]:
        """``results.json``'s ``waves``: ``waves`` (labels, earliest first); ``changes``: every row of the table
        as ``{"metric", "comparison", "from", "to", "before", "after", "estimate", "ci_low", "ci_high", "n",
        "p_value", "p_adjusted", "n_before", "n_after"}``; ``levels``: ``{"metric", "wave", "estimate",
        "ci_low", "ci_high", "n"}`` per metric and wave; ``trend`` (three waves or more): ``{"metric",
        "estimate" (slope per wave), "ci_low", "ci_high", "n" (waves), "p_value", "p_adjusted"}``;
        ``not_estimable`` when some metric could not be compared. (``cxlib.pages.tracker`` adds the before/after
        scorecard's own keys, :meth:`WaveComparison.to_dict`, beside these in ``results.json``.)"""
        from .report import estimate_dict, to_jsonable

        if self.reason is not None:
            return {"reason": self.reason.code, "note": self.reason.sentence}
        changes = [{"metric": r.metric, "comparison": r.comparison, "from": str(r.from_wave), "to": str(r.to_wave),
                    "before": to_jsonable(r.before), "after": to_jsonable(r.after),
                    **estimate_dict(r.change, r.ci_low, r.ci_high, int(r.n), p_value=r.p_value,
                                    p_adjusted=r.p_adjusted, n_before=int(r.n_before), n_after=int(r.n_after))}
                   for r in self._table.itertuples()]
        out: dict[str, Any] = {"waves": [str(w) for w in self.waves], "changes": changes}
        if self._levels is not None:
            out["levels"] = [{"metric": r.metric, "wave": str(r.wave),
                              **estimate_dict(r.estimate, r.ci_low, r.ci_high, int(r.n))}
                             for r in self._levels.itertuples()]
        if self._trend is not None:
            out["trend"] = [{"metric": r.metric, **estimate_dict(r.slope, r.ci_low, r.ci_high, int(r.waves),
                                                                  p_value=r.p_value, p_adjusted=r.p_adjusted)}
                            for r in self._trend.itertuples()]
        if self.excluded:
            out["not_estimable"] = {m: {"reason": r.code, "note": r.sentence} for m, r in self.excluded.items()}
        return out


def track(eng: Any, *, metrics: Sequence[str] | None = None, waves: Sequence[Any] | None = None,
          ci: float = 0.95) -> WaveTrack:
    """The changes of a tracking programme over all its waves: each wave against the one before, and the
    first against the last, with p-values adjusted over the whole family.

    Parameters
    ----------
    eng : Engagement
        The engagement (as for :func:`compare_waves`).
    metrics : sequence of str, optional
        Any of :data:`METRICS`; default all.
    waves : sequence of wave labels, optional
        Earliest first, two or more; default ``engagement.yaml``'s ``waves``.
    ci : float
        Confidence level of the (unadjusted) intervals.

    Returns
    -------
    WaveTrack
        See the class. Each pair's figures are exactly :func:`compare_waves` on that pair; only
        ``p_adjusted`` differs, Holm over every metric and comparison rather than within one pair.

    Notes
    -----
    With waves w₁ … w_k the family is the k − 1 consecutive changes plus w₁ → w_k (for k > 2) for each
    metric; Holm's step-down adjustment (statsmodels ``multipletests``) controls the family-wise error over
    all of them. On two waves the single comparison and its Holm adjustment over the metrics equal the
    before/after scorecard (tests/test_waves.py).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> t = track(eng, metrics=["connected", "nps"])
    >>> t.waves, t.table["comparison"].unique().tolist()
    (('pre', 'post'), ['first_to_last'])
    """
    fn = "waves.track"
    if isinstance(eng, (pd.DataFrame, pd.Series)) or not (hasattr(eng, "config") and callable(getattr(eng, "frame", None))):
        raise ArgumentError(f"{fn}: eng must be an Engagement (cx.load_engagement(folder)), not a "
                            f"{type(eng).__name__}", function=fn, argument="eng")
    ci = checks.level(ci, fn)
    metrics = list(METRICS) if metrics is None else metrics
    cfg = eng.config
    order = list(cfg.get("waves") or []) if waves is None else waves
    if isinstance(order, (str, bytes)) or not isinstance(order, Sequence):
        raise ArgumentError(f"{fn}: waves must be a list of two or more wave labels, earliest first, not {order!r}",
                            function=fn, argument="waves")
    order = list(order)
    if not cfg.get("wave") or len(order) < 2:
        return WaveTrack(pd.DataFrame(columns=["metric", "comparison", "from_wave", "to_wave", "before", "after",
                                               "change", "ci_low", "ci_high", "p_value", "p_adjusted", "n_before",
                                               "n_after", "n", "method"]),
                         waves=tuple(order), reason=Reason.of("single_wave"))
    if len({str(w) for w in order}) != len(order):
        raise ArgumentError(f"{fn}: waves names a wave twice: {order!r}", function=fn, argument="waves")
    # With two waves the one change is both wave-over-wave and first-to-last: listed once, as the latter.
    pairs = ([("wave_over_wave", a, b) for a, b in zip(order[:-1], order[1:])] if len(order) > 2 else [])
    pairs.append(("first_to_last", order[0], order[-1]))
    frames, excluded = [], {}
    for comparison, a, b in pairs:
        card = compare_waves(eng, metrics=metrics, waves=[a, b], ci=ci)
        t = card.table
        t.insert(1, "comparison", comparison)
        t.insert(2, "from_wave", a)
        t.insert(3, "to_wave", b)
        frames.append(t)
        for m, r in card.excluded.items():
            excluded.setdefault(m, r)
    out = pd.concat(frames, ignore_index=True)
    out["p_adjusted"] = _holm(out["p_value"])
    cols = ["metric", "comparison", "from_wave", "to_wave", "before", "after", "change", "ci_low", "ci_high",
            "p_value", "p_adjusted", "n_before", "n_after", "n", "method"]
    levels = _levels(eng.frame(), list(dict.fromkeys(out["metric"])), order, cfg, ci)
    return WaveTrack(out[cols], waves=tuple(order), excluded=excluded, _levels=levels, _trend=_trend(levels, order, ci))


def _level(d: pd.DataFrame, metric: str, cfg: dict, weight: str | None, ci: float) -> tuple[float, float, int] | Reason:
    """One wave's estimate of ``metric``, its sampling variance and n (the scorecard's estimators; the
    multiplier's variance is the delta method's on the ratio scale, (r · se of log r)²)."""
    if metric == "multiplier":
        r = _multiplier_level(d, cfg["value"][0], weight)
        return r if isinstance(r, Reason) else (r[0], r[2] ** 2, r[3])
    if metric in _SEGMENT_OF:
        x, w = _segment_share(d, _SEGMENT_OF[metric], weight)
        if len(x) == 0:
            return Reason.of("no_data")
        if weight:
            m, se = weighted_mean_se(x, w)
            return m, se**2, len(x)
        p = float(x.mean())
        return p, p * (1 - p) / len(x), len(x)
    return _segment_estimate(d, metric, cfg, weight, ci)


def _levels(f: pd.DataFrame, metrics: list[str], order: list, cfg: dict, ci: float) -> pd.DataFrame:
    z = _z(ci)
    rows = []
    for metric in metrics:
        for wave in order:
            r = _level(_in_wave(f, cfg["wave"], wave), metric, cfg, cfg.get("weight"), ci)
            if isinstance(r, Reason):
                continue
            est, var, n = r
            se = math.sqrt(var) if var >= 0 else np.nan
            lo, hi = est - z * se, est + z * se
            if metric == "multiplier" and est > 0:  # a ratio: the interval is normal on its logarithm
                lo, hi = est * math.exp(-z * se / est), est * math.exp(z * se / est)
            rows.append({"metric": metric, "wave": wave, "estimate": est, "se": se, "ci_low": lo, "ci_high": hi,
                         "n": int(n)})
    return pd.DataFrame(rows, columns=["metric", "wave", "estimate", "se", "ci_low", "ci_high", "n"])


def _trend(levels: pd.DataFrame, order: list, ci: float) -> pd.DataFrame:
    """Inverse-variance weighted least squares of each metric's wave estimates on the wave's position
    (0, 1, …): the slope, its standard error (1/Σwᵢ(xᵢ − x̄)²)^½ with the variances taken as known, a z-test;
    Holm over the metrics."""
    z = _z(ci)
    position = {str(w): i for i, w in enumerate(order)}
    rows = []
    for metric, g in levels.groupby("metric", sort=False):
        g = g[np.isfinite(g["se"]) & (g["se"] > 0)]
        if len(g) < 3:  # two points always lie on a line: no test of a trend
            continue
        x = g["wave"].astype(str).map(position).to_numpy(float)
        y = g["estimate"].to_numpy(float)
        w = 1.0 / g["se"].to_numpy(float) ** 2
        xbar, ybar = np.average(x, weights=w), np.average(y, weights=w)
        sxx = float(np.sum(w * (x - xbar) ** 2))
        slope = float(np.sum(w * (x - xbar) * (y - ybar)) / sxx)
        se = 1.0 / math.sqrt(sxx)
        rows.append({"metric": metric, "slope": slope, "ci_low": slope - z * se, "ci_high": slope + z * se,
                     "p_value": float(2 * _st.norm.sf(abs(slope) / se)), "waves": len(g),
                     "method": "inverse-variance weighted least squares on the wave's position; z-test"})
    t = pd.DataFrame(rows, columns=["metric", "slope", "ci_low", "ci_high", "p_value", "waves", "method"])
    t["p_adjusted"] = _holm(t["p_value"])
    return t[["metric", "slope", "ci_low", "ci_high", "p_value", "p_adjusted", "waves", "method"]]


# -- drivers across waves ---------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class DriverStability(Result):
    """Whether the drivers stay the same from wave to wave (the result of :func:`driver_stability`).

    Attributes
    ----------
    table : DataFrame
        One row per pair of consecutive waves: ``from_wave, to_wave, spearman, ci_low, ci_high, p_value,
        n_elements, method``: the rank correlation of derived importance over the elements analysed in both,
        with a Fisher-z interval (standard error 1.06/√(n − 3), Fieller, Hartley and Pearson) and scipy's
        p-value against no association.
    shifts : DataFrame
        Every element whose quadrant differs between two consecutive waves: ``element, from_wave, to_wave,
        quadrant_before, quadrant_after, evidence_before, evidence_after, holds``; ``holds`` only when both
        labels are ``supported`` under the classification rule (its false-discovery control), so a move
        between two merely possible labels is listed but not claimed.
    waves : tuple
        The waves, earliest first.

    Examples
    --------
    >>> import types
    >>> imp = types.SimpleNamespace(table=pd.DataFrame({"element": list("abcd"), "derived": [4.0, 3, 2, 1],
    ...                             "quadrant": ["key driver"] * 4, "evidence": ["possible"] * 4}))
    >>> s = driver_stability({"w1": imp, "w2": imp})
    >>> s.table[["from_wave", "to_wave", "n_elements"]].values.tolist(), s.shifts.empty
    ([['w1', 'w2', 4]], True)
    """

    waves: tuple = ()
    _shifts: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self._shifts is not None:
            object.__setattr__(self, "_shifts", frozen_table(self._shifts))

    @property
    def shifts(self) -> pd.DataFrame:
        """The elements that change quadrant (a fresh copy); see the class."""
        return self._shifts.copy(deep=True)

    def shifted(self) -> list[str]:
        """The elements whose change of quadrant holds (both labels supported), in the order they shift."""
        s = self._shifts
        return list(dict.fromkeys(s.loc[s["holds"], "element"]))

    def headline(self) -> str:
        from . import report

        t = self._table
        if t.empty:
            return report.Markdown("No driver comparison: fewer than two waves with their importance.")
        low = t.loc[t["spearman"].idxmin()]
        moved = self.shifted()
        said = (f"{len(moved)} element{'s' if len(moved) != 1 else ''} changed quadrant with both labels supported: "
                + ", ".join(report.text(m) for m in moved) if moved else
                "no element changed quadrant with both labels supported")
        return report.Markdown(f"The order of the drivers agreed between waves with a rank correlation of at least "
                               f"{low['spearman']:.2f} ({low['from_wave']} to {low['to_wave']}, 95% CI "
                               f"{report.interval(low['ci_low'], low['ci_high'], fmt='{:.2f}')}; "
                               f"n={int(low['n_elements'])} elements); {said}.")


def driver_stability(importances: Any, *, ci: float = 0.95) -> DriverStability:
    """How stable the drivers are over the waves: the rank correlation of derived importance between
    consecutive waves, and the elements that change quadrant.

    Parameters
    ----------
    importances : mapping of wave label to Importance
        :func:`cxlib.drivers.importance` of each wave, earliest first (a dict keeps its order).
    ci : float
        Confidence level of the rank correlations' intervals.

    Returns
    -------
    DriverStability

    Notes
    -----
    Spearman's ρ (``scipy.stats.spearmanr``) over the elements analysed in both waves; its interval is
    tanh(atanh ρ ± z · 1.06/√(n − 3)) (Fieller, Hartley and Pearson 1957). A change of quadrant is claimed only
    where both waves' labels are supported, so the claims inherit the rule's false-discovery control within
    each wave.

    References
    ----------
    Fieller, E. C., Hartley, H. O. and Pearson, E. S. (1957). Tests for rank correlation coefficients. I.
    *Biometrika* 44, 470–481.

    Examples
    --------
    >>> import types
    >>> def imp(derived, quadrant):
    ...     return types.SimpleNamespace(table=pd.DataFrame({"element": list("abcde"), "derived": derived,
    ...                                  "quadrant": quadrant, "evidence": ["supported"] * 5}))
    >>> q = ["key driver", "hidden driver", "overrated", "secondary", "secondary"]
    >>> s = driver_stability({"w1": imp([30, 25, 20, 15, 10], q), "w2": imp([28, 26, 18, 16, 12], q[::-1])})
    >>> round(float(s.table["spearman"][0]), 2), s.shifted()
    (1.0, ['a', 'b', 'd', 'e'])
    """
    fn = "waves.driver_stability"
    ci = checks.level(ci, fn)
    if not isinstance(importances, dict) or len(importances) < 2:
        raise ArgumentError(f"{fn}: importances must be a dict of two or more waves' drivers.importance results, "
                            f"earliest first, e.g. {{'2025Q1': imp1, '2025Q2': imp2}}", function=fn, argument="importances")
    tables = {}
    for wave, r in importances.items():
        t = getattr(r, "table", None)
        if not isinstance(t, pd.DataFrame) or not {"element", "derived", "quadrant", "evidence"} <= set(t.columns):
            raise ArgumentError(f"{fn}: importances[{wave!r}] is not a drivers.importance result (a table with "
                                f"element, derived, quadrant and evidence)", function=fn, argument="importances")
        tables[wave] = t.set_index("element")
    z = _z(ci)
    rows, shifts = [], []
    order = list(tables)
    for a, b in zip(order[:-1], order[1:]):
        ta, tb = tables[a], tables[b]
        common = [e for e in ta.index if e in tb.index]
        x, y = ta.loc[common, "derived"].to_numpy(float), tb.loc[common, "derived"].to_numpy(float)
        ok = np.isfinite(x) & np.isfinite(y)
        n = int(ok.sum())
        if n >= 4:
            rho, p = _st.spearmanr(x[ok], y[ok])
            rho = float(rho)
            half = z * 1.06 / math.sqrt(n - 3)
            at = math.atanh(min(max(rho, -0.999999), 0.999999))
            lo, hi = math.tanh(at - half), math.tanh(at + half)
        else:
            rho = p = lo = hi = np.nan
        rows.append({"from_wave": a, "to_wave": b, "spearman": rho, "ci_low": lo, "ci_high": hi, "p_value": float(p),
                     "n_elements": n, "method": "Spearman rank correlation of derived importance; Fisher-z interval "
                                                "(se 1.06/√(n − 3))"})
        for e in common:
            qa, qb = ta.loc[e, "quadrant"], tb.loc[e, "quadrant"]
            if str(qa) != str(qb):
                ea, eb = ta.loc[e, "evidence"], tb.loc[e, "evidence"]
                shifts.append({"element": e, "from_wave": a, "to_wave": b, "quadrant_before": qa, "quadrant_after": qb,
                               "evidence_before": ea, "evidence_after": eb,
                               "holds": bool(ea == "supported" and eb == "supported")})
    cols = ["element", "from_wave", "to_wave", "quadrant_before", "quadrant_after", "evidence_before",
            "evidence_after", "holds"]
    return DriverStability(pd.DataFrame(rows), waves=tuple(order), _shifts=pd.DataFrame(shifts, columns=cols))


def motivator_stability(rankings: Any, *, sure: float = 0.8) -> pd.DataFrame:
    """Whether the top motivators stay the same from wave to wave.

    Parameters
    ----------
    rankings : mapping of wave label to MotivatorRanking
        :func:`cxlib.motivators.rank` of each wave, earliest first.
    sure : float
        A motivator is *in* the top of a wave when at least this share of the wave's resamples rank it there
        (``in_top``), *out* when at most 1 − ``sure`` do; in between it is uncertain.

    Returns
    -------
    DataFrame
        One row per motivator and pair of consecutive waves: ``motivator, from_wave, to_wave, rank_before,
        rank_after, in_top_before, in_top_after, change``; ``change`` is ``enters`` or ``leaves`` only when the
        motivator is sure to be out of the top in one wave and in it in the other, ``stays`` when it is sure in
        both or out of both, ``uncertain`` otherwise.

    Examples
    --------
    >>> import types
    >>> def ranking(in_top):
    ...     t = pd.DataFrame({"motivator": list("abcd"), "rank": [1, 2, 3, 4], "in_top": in_top})
    ...     return types.SimpleNamespace(table=t)
    >>> s = motivator_stability({"w1": ranking([1.0, 0.9, 0.85, 0.05]), "w2": ranking([1.0, 0.9, 0.1, 0.95])})
    >>> s.set_index("motivator")["change"].tolist()
    ['stays', 'stays', 'leaves', 'enters']
    """
    fn = "waves.motivator_stability"
    if isinstance(sure, bool) or not isinstance(sure, (int, float)) or not 0.5 < sure < 1:
        raise ArgumentError(f"{fn}: sure must be a share of resamples between 0.5 and 1 (e.g. 0.8), not {sure!r}",
                            function=fn, argument="sure")
    sure = float(sure)
    if not isinstance(rankings, dict) or len(rankings) < 2:
        raise ArgumentError(f"{fn}: rankings must be a dict of two or more waves' motivators.rank results, earliest "
                            "first", function=fn, argument="rankings")
    tables = {}
    for wave, r in rankings.items():
        t = getattr(r, "table", None)
        if not isinstance(t, pd.DataFrame) or not {"motivator", "rank", "in_top"} <= set(t.columns):
            raise ArgumentError(f"{fn}: rankings[{wave!r}] is not a motivators.rank result (a table with motivator, "
                                "rank and in_top)", function=fn, argument="rankings")
        tables[wave] = t.set_index("motivator")
    order, rows = list(tables), []

    def state(p: float) -> str:
        return "in" if p >= sure else "out" if p <= 1 - sure else "?"

    for a, b in zip(order[:-1], order[1:]):
        ta, tb = tables[a], tables[b]
        for m in [m for m in ta.index if m in tb.index]:
            pa, pb = float(ta.loc[m, "in_top"]), float(tb.loc[m, "in_top"])
            sa, sb = state(pa), state(pb)
            change = ("uncertain" if "?" in (sa, sb) else "stays" if sa == sb else "enters" if sb == "in" else "leaves")
            rows.append({"motivator": m, "from_wave": a, "to_wave": b, "rank_before": int(ta.loc[m, "rank"]),
                         "rank_after": int(tb.loc[m, "rank"]), "in_top_before": pa, "in_top_after": pb,
                         "change": change})
    return pd.DataFrame(rows, columns=["motivator", "from_wave", "to_wave", "rank_before", "rank_after",
                                       "in_top_before", "in_top_after", "change"])
