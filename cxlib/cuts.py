"""Business cuts: every headline figure by region, channel or business unit, each group against the rest.

:func:`compare` measures each headline metric (the segments' shares, attrition at the horizon, promoters, NPS,
mean value and the value multiplier) in every group of every ``cuts`` column of ``engagement.yaml`` and tests
each group against the rest of the customers, with Holm's adjustment over every group and metric of one cut
(the family a reader scans when asking "which part of the business lags?"). Groups with fewer than
``privacy.min_cell`` customers are not shown or tested and are listed as suppressed. :func:`drivers_by_cut`
runs the driver analysis within each group where the group is large enough.

The estimators are those of the before/after scorecard (:func:`cxlib.waves.compare_waves`) applied to two
disjoint groups of the same survey instead of two waves: the group and the rest are independent samples.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import checks
from .advocacy import nps as _nps_of
from .drivers import adjust_p
from .errors import ArgumentError
from .results import Reason, Result, frozen_table
from .segments import SEGMENTS
from .stats import kish_effective_n, weighted_mean_se
from .survival import km_at

__all__ = ["METRICS", "LAG_DIRECTION", "METRIC_LABELS", "SHARES", "figure_text", "CutComparison", "compare", "drivers_by_cut", "level_and_variance"]

#: The metrics :func:`compare` reports, in the report's order.
METRICS: tuple[str, ...] = ("connected", "highly_satisfied", "attrition", "advocacy", "nps", "value", "multiplier")
#: For the metrics where one direction is worse: +1 when higher is worse (attrition), −1 when lower is worse.
#: The highly satisfied share and the multiplier have no worse direction (more highly satisfied customers can
#: mean fewer connected ones; the multiplier describes a relationship, not a performance).
LAG_DIRECTION: dict[str, int] = {"connected": -1, "attrition": 1, "advocacy": -1, "nps": -1, "value": -1}
#: The metrics that are shares (proportions 0–1; their differences are percentage points).
SHARES: tuple[str, ...] = ("connected", "highly_satisfied", "attrition", "advocacy")
#: Each metric's name in a sentence or a table heading.
METRIC_LABELS: dict[str, str] = {"connected": "Fully connected share", "highly_satisfied": "Highly satisfied share",
           "attrition": "Attrition at the horizon", "advocacy": "Promoters", "nps": "NPS", "value": "Mean value",
           "multiplier": "Value multiplier"}
_COLUMNS = ["cut", "group", "metric", "estimate", "ci_low", "ci_high", "n", "rest", "n_rest", "difference",
            "difference_ci_low", "difference_ci_high", "p_value", "p_adjusted", "method"]


def _z(ci: float) -> float:
    return float(_st.norm.ppf(0.5 + ci / 2))


def _values(d: pd.DataFrame, column: str, weight: str | None) -> tuple[np.ndarray, np.ndarray]:
    x = pd.to_numeric(d[column], errors="coerce").to_numpy(dtype=float)
    w = pd.to_numeric(d[weight], errors="coerce").to_numpy(dtype=float) if weight else np.ones_like(x)
    ok = np.isfinite(x) & np.isfinite(w)
    return x[ok], w[ok]


def _nps_points(x: np.ndarray) -> np.ndarray:
    return 100.0 * ((x >= 9).astype(float) - (x < 7).astype(float))


def _mean_variance(x: np.ndarray, w: np.ndarray, weighted: bool) -> tuple[float, float]:
    """Mean and the sampling variance of the mean: ``s²/n_eff`` unweighted, R ``svymean``'s linearised one
    with weights."""
    if weighted:
        m, se = weighted_mean_se(x, w)
        return m, se**2 if np.isfinite(se) else math.nan
    m = float(np.average(x, weights=w))
    var = float(np.average((x - m) ** 2, weights=w)) * len(x) / max(len(x) - 1, 1)
    return m, var / kish_effective_n(w)


def level_and_variance(data: pd.DataFrame, *, metric: str, config: dict, weight: str | None = None,
                       ci: float = 0.95) -> tuple[float, float, int, float] | Reason:
    """One group's estimate of a headline metric, the sampling variance of that estimate, n and Kish's n_eff.

    Parameters
    ----------
    data : DataFrame
        Respondents of the group (an analysis frame: ``segment`` and the configured columns).
    metric : str
        One of :data:`METRICS` except ``multiplier`` (see :func:`compare`).
    config : dict
        The engagement's config (``eng.config``): it names the advocacy, attrition and value columns.
    weight : str, optional
        Respondent-weight column.
    ci : float
        Confidence level (used only by attrition's Kaplan–Meier call).

    Returns
    -------
    tuple or Reason
        ``(estimate, variance, n, n_effective)``; a :class:`~cxlib.results.Reason` when there is nothing to
        estimate from. Shares are proportions (0–1), NPS in points, value in the value column's unit.

    Notes
    -----
    The scorecard's estimators (:func:`cxlib.waves.compare_waves`): a share's variance p(1 − p)/n_eff
    unweighted and R ``survey``'s linearised variance weighted; NPS the multinomial variance of P − D
    (unweighted) or the linearised variance of the ±100 points; attrition 1 − S(h) from
    :func:`cxlib.survival.km_at` with variance S²V; value the variance of the mean.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> est, var, n, n_eff = level_and_variance(eng.frame(), metric="nps", config=eng.config)
    >>> n == int(eng.frame()["ltr"].notna().sum()), var > 0
    (True, True)
    """
    fn = "cuts.level_and_variance"
    metric = checks.choice(metric, [m for m in METRICS if m != "multiplier"], fn, "metric")
    if metric in ("connected", "highly_satisfied"):
        g = data.dropna(subset=["segment"])
        x = (g["segment"] == (SEGMENTS[0] if metric == "connected" else SEGMENTS[1])).to_numpy(dtype=float)
        w = pd.to_numeric(g[weight], errors="coerce").to_numpy(float) if weight else np.ones(len(g))
        ok = np.isfinite(w)
        x, w = x[ok], w[ok]
        if len(x) == 0:
            return Reason.of("no_data")
        if weight:
            m, se = weighted_mean_se(x, w)
            return m, se**2, len(x), kish_effective_n(w)
        p = float(x.mean())
        return p, p * (1 - p) / len(x), len(x), float(len(x))
    if metric == "attrition":
        att = config.get("attrition")
        if not att:
            return Reason.of("not_configured", what="attrition (duration, event and horizon)")
        e = pd.to_numeric(data[att["event"]], errors="coerce").to_numpy(dtype=float)
        x = pd.to_numeric(data[att["duration"]], errors="coerce").to_numpy(dtype=float)
        wall = pd.to_numeric(data[weight], errors="coerce").to_numpy(float) if weight else np.ones(len(data))
        ok = np.isfinite(x) & np.isfinite(e) & np.isfinite(wall)
        t, e, w = x[ok], e[ok], wall[ok]
        if len(t) == 0:
            return Reason.of("no_data")
        horizon = float(att["horizon"])
        s, v, _, _ = km_at(t, e, horizon, weights=w if weight else None, ci=ci)
        if not math.isfinite(s):
            return Reason.of("horizon_past_follow_up", horizon=horizon, longest=float(t.max()))
        return 1.0 - s, s**2 * v if math.isfinite(v) else math.inf, len(t), kish_effective_n(w)
    if metric in ("advocacy", "nps"):
        adv = (config.get("advocacy") or {}).get("column")
        if not adv:
            return Reason.of("not_configured", what="a likelihood-to-recommend question")
        x, w = _values(data, adv, weight)
        if len(x) == 0:
            return Reason.of("no_data")
        n_eff = kish_effective_n(w)
        if weight:
            m, se = weighted_mean_se((x >= 9).astype(float) if metric == "advocacy" else _nps_points(x), w)
            return m, se**2 if np.isfinite(se) else math.nan, len(x), n_eff
        if metric == "advocacy":
            p = float(np.average(x >= 9, weights=w))
            return p, p * (1 - p) / n_eff, len(x), n_eff
        r = _nps_of(x, weights=w)
        return r.score, 1e4 * max(r.promoters + r.detractors - (r.score / 100) ** 2, 0.0) / n_eff, len(x), n_eff
    value = (config.get("value") or [None])[0]
    if not value:
        return Reason.of("not_configured", what="a value column")
    x, w = _values(data, value, weight)
    if len(x) < 2:
        return Reason.of("too_few", n=len(x), need=2)
    m, v = _mean_variance(x, w, bool(weight))
    return m, v, len(x), kish_effective_n(w)


def _share_interval(p: float, n: int, ci: float) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(p * n, n, alpha=1 - ci, method="wilson")
    return float(lo), float(hi)


def _multiplier(d: pd.DataFrame, value: str, weight: str | None) -> tuple[float, float, int, int] | Reason:
    """Fully connected ÷ highly satisfied mean value, the variance of its log (delta method) and both n."""
    parts = []
    for seg in SEGMENTS[:2]:
        x, w = _values(d[d["segment"] == seg], value, weight)
        if len(x) < 2:
            return Reason.of("too_few", n=len(x), need=2)
        m, v = _mean_variance(x, w, bool(weight))
        if not m > 0:
            return Reason.of("zero_denominator", what="mean value")
        parts.append((m, v, len(x)))
    (m1, v1, n1), (m2, v2, n2) = parts
    return m1 / m2, v1 / m1**2 + v2 / m2**2, n1, n2


def figure_text(metric: str, value: float, *, change: bool = False) -> str:
    """A cut's figure as the reports word it: shares in percent (their gaps in percentage points), NPS in points,
    the multiplier as a ratio, value in its unit; a true minus sign, never −0.

    Examples
    --------
    >>> figure_text("connected", 0.205), figure_text("connected", -0.046, change=True), figure_text("nps", -9.2)
    ('20.5%', '−4.6 points', '−9')
    """
    from . import report

    if metric in SHARES:
        return report.number(value * 100, "{:+.1f}") + " points" if change else report.number(value * 100, "{:.1f}") + "%"
    if metric == "nps":
        return report.number(value, "{:+.0f}") + (" points" if change else "")
    if metric == "multiplier":
        return report.number(value, "{:+.2f}") if change else report.number(value, "{:.2f}") + "×"
    return report.number(value, "{:+,.1f}" if change else "{:,.1f}")


@dataclass(frozen=True)
class _Small:
    """A cell below ``min_cell``: suppressed, with its n."""

    n: int


def _compare_one(g: pd.DataFrame, r: pd.DataFrame, metric: str, cfg: dict, weight: str | None, ci: float,
                 min_cell: int) -> dict[str, Any] | Reason | _Small:
    """One group against the rest on one metric: the group's estimate and interval, the rest's estimate, the
    difference with its interval and a two-sided p-value."""
    z = _z(ci)
    if metric == "multiplier":
        value = (cfg.get("value") or [None])[0]
        one, two = _multiplier(g, value, weight), _multiplier(r, value, weight)
        for x in (one, two):
            if isinstance(x, Reason):
                return x
        (mg, lv_g, n1g, n2g), (mr, lv_r, _, _) = one, two
        if min(n1g, n2g) < min_cell:
            return _Small(min(n1g, n2g))
        se_log = math.sqrt(lv_g)
        # The difference of two ratios by the delta method: var(M) ≈ M² var(log M).
        se = math.sqrt(mg**2 * lv_g + mr**2 * lv_r)
        diff = mg - mr
        return {"estimate": mg, "ci_low": mg * math.exp(-z * se_log), "ci_high": mg * math.exp(z * se_log),
                "n": n1g + n2g, "rest": mr, "n_rest": int(two[2] + two[3]), "difference": diff,
                "difference_ci_low": diff - z * se, "difference_ci_high": diff + z * se,
                "p_value": float(2 * _st.norm.sf(abs(diff) / se)) if se > 0 else math.nan,
                "method": "ratio of mean value (fully connected ÷ highly satisfied), delta-method intervals; z-test"}
    a, b = (level_and_variance(x, metric=metric, config=cfg, weight=weight, ci=ci) for x in (g, r))
    for x in (a, b):
        if isinstance(x, Reason):
            return x
    (eg, vg, ng, neg), (er, vr, nr, ner) = a, b
    if ng < min_cell:
        return _Small(int(ng))
    if not (math.isfinite(vg) and math.isfinite(vr)):
        return Reason.of("all_events")
    diff = eg - er
    se = math.sqrt(vg + vr)
    p = float(2 * _st.norm.sf(abs(diff) / se)) if se > 0 else math.nan
    lo, hi = eg - z * math.sqrt(vg), eg + z * math.sqrt(vg)
    dlo, dhi = diff - z * se, diff + z * se
    method = {"attrition": f"Kaplan–Meier attrition at {float(cfg['attrition']['horizon']):,.0f} days; "
                           "normal interval of the difference; z-test",
              "nps": "NPS (points), analytic variance; z-test",
              "value": "difference of means; Welch's t"}.get(metric, "difference of proportions: Newcombe's hybrid "
                                                                     "score interval; two-proportion z-test")
    if weight and metric != "attrition":
        method = "design-based (linearised) standard errors, normal intervals; z-test"
    elif metric in ("connected", "highly_satisfied", "advocacy"):
        from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

        lo, hi = _share_interval(eg, ng, ci)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            dlo, dhi = confint_proportions_2indep(eg * ng, ng, er * nr, nr, method="newcomb", compare="diff",
                                                  alpha=1 - ci)
            _, p = proportions_ztest([eg * ng, er * nr], [ng, nr])
        p = float(p) if np.isfinite(p) else math.nan
    elif metric == "attrition":
        s, v = 1 - eg, vg / (1 - eg) ** 2 if eg < 1 else math.nan
        # The attrition page's log-log interval for the group's own level (km_at's), flipped to attrition.
        if math.isfinite(v) and 0 < s < 1 and v > 0:
            half = z * math.sqrt(v) / abs(math.log(s))
            lo, hi = 1 - s ** math.exp(-half), 1 - s ** math.exp(half)
    elif metric == "value":
        dof = (vg + vr) ** 2 / (vg**2 / max(neg - 1, 1) + vr**2 / max(ner - 1, 1))
        t = float(_st.t.ppf(0.5 + ci / 2, dof))
        dlo, dhi = diff - t * se, diff + t * se
        p = float(2 * _st.t.sf(abs(diff) / se, dof)) if se > 0 else math.nan
    if metric in SHARES:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    out = {"estimate": eg, "ci_low": lo, "ci_high": hi, "n": int(ng), "rest": er, "n_rest": int(nr),
           "difference": diff, "difference_ci_low": float(dlo), "difference_ci_high": float(dhi), "p_value": p,
           "method": method}
    if weight:
        out["n_effective"] = neg
    return out


@dataclass(frozen=True, eq=False)
class CutComparison(Result):
    """Every headline figure by each business cut, each group against the rest (:func:`compare`'s result).

    Attributes
    ----------
    table : DataFrame
        One row per cut, group and metric: ``cut, group, metric, estimate, ci_low, ci_high, n, rest, n_rest,
        difference, difference_ci_low, difference_ci_high, p_value, p_adjusted, [n_effective,] method``.
        ``rest`` is the same metric among every other customer with a value of the cut; ``difference`` is the
        group minus the rest; ``p_adjusted`` is Holm-adjusted over every group and metric of the cut.
        Shares are proportions (0–1); NPS in points; ``value`` in the value column's unit; ``multiplier`` a
        ratio. Groups below ``min_cell`` are not in the table.
    suppressed : DataFrame
        ``cut, group, metric, n``: the groups (and, for the multiplier, the segments within a group) with fewer
        than ``min_cell`` customers, whose figures are not shown (``metric`` is ``all`` when the whole group is
        too small).
    cuts : tuple
        The cut columns compared, in ``engagement.yaml``'s order.
    excluded : dict
        ``{metric: Reason}`` for metrics that could not be compared at all (not configured, horizon past
        follow-up) and ``{cut: Reason}`` for a cut with a single group.
    min_cell : int
        The smallest group shown.
    missing : dict
        ``{cut: k}``: respondents without a value of the cut, left out of that cut's comparison.
    weighted : bool
        Whether respondent weights were used.
    wave : str or None
        The wave compared, or None when every wave's respondents are pooled.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> res = compare(eng, cuts=["region"], metrics=["nps"])
    >>> res.cuts, res.table.columns.tolist()[:4], res.min_cell
    (('region',), ['cut', 'group', 'metric', 'estimate'], 30)
    """

    cuts: tuple = ()
    excluded: dict = field(default_factory=dict)
    min_cell: int = 30
    missing: dict = field(default_factory=dict)
    weighted: bool = False
    wave: Any = None
    value: str | None = None
    value_label: str | None = None
    _suppressed: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "_suppressed", frozen_table(
            self._suppressed if self._suppressed is not None else pd.DataFrame(columns=["cut", "group", "metric", "n"])))

    @property
    def suppressed(self) -> pd.DataFrame:
        """The groups too small to show (a fresh copy): ``cut, group, metric, n``."""
        return self._suppressed.copy(deep=True)

    @property
    def estimable(self) -> bool:
        return len(self._table) > 0

    def lagging(self, alpha: float = 0.05) -> pd.DataFrame:
        """The rows where a group does worse than the rest of the customers once every group and metric of the
        cut is allowed for (Holm-adjusted p below ``alpha``), on the metrics with a worse direction
        (:data:`LAG_DIRECTION`), largest gap first within each cut.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 400, seed=0)
        >>> compare(eng, cuts=["region"]).lagging().columns.tolist()[:3]
        ['cut', 'group', 'metric']
        """
        alpha = checks.positive(alpha, "CutComparison.lagging", "alpha")
        t = self.table
        direction = t["metric"].map(LAG_DIRECTION)
        worse = direction.notna() & (np.sign(t["difference"]) == direction) & (t["p_adjusted"] < alpha)
        out = t[worse].copy()
        out["gap"] = (out["difference"] * out["metric"].map(LAG_DIRECTION)).abs()
        order = {c: i for i, c in enumerate(self.cuts)}
        out = out.sort_values(["cut", "metric", "gap"], key=lambda s: s.map(order) if s.name == "cut" else s,
                              ascending=[True, True, False])
        return out.drop(columns="gap").reset_index(drop=True)

    def label(self, metric: str) -> str:
        if metric == "value" and self.value_label:
            return f"Mean {self.value_label[:1].lower() + self.value_label[1:]}"
        return METRIC_LABELS.get(metric, metric)

    def figure_text(self, metric: str, value: float, *, change: bool = False) -> str:
        """A figure in the metric's unit (:func:`figure_text`)."""
        return figure_text(metric, value, change=change)

    def headline(self) -> str:
        from . import report

        if not self.cuts:
            return report.Markdown("No business cuts are defined for this engagement (`cuts` in engagement.yaml).")
        lag = self.lagging()
        said = []
        for r in lag.itertuples():
            said.append(f"{report.text(r.group)} ({report.text(report.pretty(r.cut).lower())}) on {self.label(r.metric).lower()}: "
                        f"{self.figure_text(r.metric, r.estimate)} against {self.figure_text(r.metric, r.rest)} for "
                        f"the rest, {self.figure_text(r.metric, r.difference, change=True)} "
                        f"(95% CI {self.figure_text(r.metric, r.difference_ci_low, change=True)} to "
                        f"{self.figure_text(r.metric, r.difference_ci_high, change=True)}; n={int(r.n):,})")
        cuts = report.listing([report.text(report.pretty(c).lower()) for c in self.cuts], limit=10)
        small = self._suppressed
        tail = (f" {len(small[small['metric'] == 'all']):,} group(s) with fewer than {self.min_cell:,} customers are "
                f"not shown." if (small["metric"] == "all").any() else "")
        k = len(self._table)
        if not said:
            return report.Markdown(f"No part of the business by {cuts} does worse than the rest of the customers "
                                   f"by more than chance would give, allowing for the {k:,} comparisons made."
                                   f"{tail}")
        return report.Markdown(f"Where the business lags, by {cuts} (each group against the rest of the customers, "
                               f"allowing for the {k:,} comparisons made): " + "; ".join(said) + "." + tail)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.cut_gaps(self, ax=ax, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        from .report import estimate_dict, to_jsonable

        out: dict[str, Any] = {"cuts": [str(c) for c in self.cuts], "min_cell": int(self.min_cell),
                               "wave": None if self.wave is None else str(self.wave), "groups": []}
        for r in self._table.itertuples():
            out["groups"].append({"cut": str(r.cut), "group": str(r.group), "metric": r.metric,
                                  **estimate_dict(r.estimate, r.ci_low, r.ci_high, int(r.n)),
                                  "rest": to_jsonable(r.rest), "n_rest": int(r.n_rest),
                                  "difference": estimate_dict(r.difference, r.difference_ci_low,
                                                              r.difference_ci_high, int(r.n) + int(r.n_rest),
                                                              p_value=r.p_value, p_adjusted=r.p_adjusted)})
        # Each group's gap from the rest by one name, "<cut>|<group>|<metric>" (what the summary's figures cite).
        out["gaps"] = {f"{g['cut']}|{g['group']}|{g['metric']}": g["difference"] for g in out["groups"]}
        lag = self.lagging()
        out["lagging"] = [{"cut": str(r.cut), "group": str(r.group), "metric": r.metric} for r in lag.itertuples()]
        out["suppressed"] = [{"cut": str(r.cut), "group": str(r.group), "metric": r.metric, "n": int(r.n),
                              "note": f"suppressed: fewer than {int(self.min_cell)} customers"}
                             for r in self._suppressed.itertuples()]
        if self.excluded:
            out["not_estimable"] = {str(k): {"reason": r.code, "note": r.sentence} for k, r in self.excluded.items()}
        return to_jsonable(out)


def _engagement(eng: Any, fn: str) -> None:
    if isinstance(eng, (pd.DataFrame, pd.Series)) or not (hasattr(eng, "config") and callable(getattr(eng, "frame", None))):
        raise ArgumentError(f"{fn}: eng must be an Engagement (cx.load_engagement(folder)), not a "
                            f"{type(eng).__name__}", function=fn, argument="eng")


def _cut_list(eng: Any, frame: pd.DataFrame, cuts: Any, fn: str) -> list[str]:
    if cuts is None:
        return list(eng.config.get("cuts") or [])
    if isinstance(cuts, str):
        cuts = [cuts]
    return checks.column_list(frame, fn, "cuts", list(cuts))


def compare(eng: Any, *, cuts: Sequence[str] | str | None = None, metrics: Sequence[str] | None = None,
            wave: Any = None, min_cell: int | None = None, ci: float = 0.95) -> CutComparison:
    """Every headline metric by each business cut, each group against the rest of the customers.

    Parameters
    ----------
    eng : Engagement
        The engagement: ``eng.frame()`` gives the respondents, its config the columns and ``privacy.min_cell``.
    cuts : str or sequence of str, optional
        Grouping columns of the analysis frame (default: ``engagement.yaml``'s ``cuts``). Any grouping column
        works, e.g. a covariate.
    metrics : sequence of str, optional
        Any of :data:`METRICS` (default all that the engagement configures).
    wave : wave label, optional
        Compare within this wave only (default: every wave's respondents together, as the other headlines).
    min_cell : int, optional
        Smallest group shown and tested (default ``privacy.min_cell``).
    ci : float
        Confidence level of the (unadjusted) intervals.

    Returns
    -------
    CutComparison
        See the class; ``.lagging()`` lists where a group does worse than the rest.

    Notes
    -----
    Each group g of a cut is compared with the rest r (every other respondent with a value of the cut): two
    disjoint, independent samples, so the scorecard's two-sample methods apply (:func:`cxlib.waves.compare_waves`):
    shares — the group's Wilson interval, Newcombe's hybrid score interval of the difference and the pooled
    two-proportion z-test; NPS — the multinomial variance of P − D in each, a normal interval and z-test;
    attrition — Kaplan–Meier at the horizon (:func:`cxlib.survival.km_at`), se S·√V, z-test; value — Welch's t;
    the multiplier (fully connected ÷ highly satisfied mean value) — the delta method, var log M =
    v₁/m₁² + v₂/m₂², the difference of two ratios with var M ≈ M² var log M, z-test. With weights, R
    ``survey``'s linearised standard errors and normal intervals throughout. The family for Holm's step-down
    adjustment is every group × metric of one cut (statsmodels ``multipletests``), so a lagging group is
    claimed with the chance of any false alarm in that cut kept at 5%. A group with fewer than ``min_cell``
    respondents is neither shown nor tested; for the multiplier, the fully connected and highly satisfied
    customers of the group must each reach ``min_cell``. Checked against statsmodels (proportions), scipy
    (Welch), lifelines (Kaplan–Meier) and a brute-force bootstrap (the multiplier) in tests/test_cuts.py, and on
    a synthetic tracker with a planted lagging region (tests/test_tracker_acceptance.py).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=0)
    >>> res = compare(eng, cuts=["region"], metrics=["connected", "nps"])
    >>> sorted(res.table["metric"].unique())
    ['connected', 'nps']
    >>> bool((res.table["p_adjusted"] >= res.table["p_value"]).all())
    True
    """
    fn = "cuts.compare"
    _engagement(eng, fn)
    ci = checks.level(ci, fn)
    cfg = eng.config
    frame = eng.frame()
    cut_list = _cut_list(eng, frame, cuts, fn)
    if metrics is None:
        metrics = list(METRICS)
    elif isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(dict.fromkeys(checks.choice(m, METRICS, fn, "metrics") for m in metrics))
    if not metrics:
        raise ArgumentError(f"{fn}: metrics is empty; choose from {', '.join(METRICS)}", function=fn, argument="metrics")
    min_cell = int(cfg["privacy"]["min_cell"]) if min_cell is None else checks.count(min_cell, fn, "min_cell")
    if wave is not None:
        if not cfg.get("wave"):
            raise ArgumentError(f"{fn}: wave={wave!r} given but the engagement has no wave column", function=fn,
                                argument="wave")
        checks.labels(frame, cfg["wave"], [wave], fn, "wave")
        frame = frame[frame[cfg["wave"]].astype(str) == str(wave)]
    weight = cfg.get("weight")
    value_col = (cfg.get("value") or [None])[0]
    configured = {"attrition": bool(cfg.get("attrition")), "advocacy": bool((cfg.get("advocacy") or {}).get("column")),
                  "value": bool(value_col), "multiplier": bool(value_col)}
    configured["nps"] = configured["advocacy"]
    what = {"attrition": "attrition (duration, event and horizon)", "advocacy": "a likelihood-to-recommend question",
            "nps": "a likelihood-to-recommend question", "value": "a value column", "multiplier": "a value column"}
    excluded: dict[str, Reason] = {}
    for m in metrics:
        if not configured.get(m, True):
            excluded[m] = Reason.of("not_configured", what=what[m])
    metrics = [m for m in metrics if m not in excluded]
    rows, small, missing = [], [], {}
    for cut in cut_list:
        values = frame[cut]
        blank = values.isna() | (values.astype(str).str.strip() == "")
        missing[cut] = int(blank.sum())
        d = frame[~blank]
        labels = d[cut].astype(str)
        groups = sorted(labels.unique(), key=lambda s: (s.lower(), s))
        if len(groups) < 2:
            excluded[cut] = Reason.of("single_group")
            continue
        cut_rows = []
        for group in groups:
            inside = (labels == group).to_numpy()
            if inside.sum() < min_cell:
                small.append({"cut": cut, "group": group, "metric": "all", "n": int(inside.sum())})
                continue
            if (~inside).sum() < min_cell:  # the rest would be too small: the comparison would show the rest
                small.append({"cut": cut, "group": group, "metric": "all", "n": int(inside.sum())})
                continue
            g, r = d[inside], d[~inside]
            for m in metrics:
                row = _compare_one(g, r, m, cfg, weight, ci, min_cell)
                if isinstance(row, _Small):
                    small.append({"cut": cut, "group": group, "metric": m, "n": row.n})
                    continue
                if isinstance(row, Reason):
                    excluded.setdefault(m, row)
                    continue
                cut_rows.append({"cut": cut, "group": group, "metric": m, **row})
        if cut_rows:
            t = pd.DataFrame(cut_rows)
            t["p_adjusted"] = adjust_p(t["p_value"], method="holm")
            rows.append(t)
    cols = _COLUMNS[:-1] + (["n_effective"] if weight else []) + ["method"]
    table = pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)
    order = {m: i for i, m in enumerate(METRICS)}
    if len(table):
        cut_order = {c: i for i, c in enumerate(cut_list)}
        table = table.assign(_c=table["cut"].map(cut_order), _m=table["metric"].map(order)).sort_values(
            ["_c", "_m", "group"], kind="stable").drop(columns=["_c", "_m"]).reset_index(drop=True)
    value_label = ((cfg.get("value_labels") or {}).get(value_col) or {}).get("label") if value_col else None
    return CutComparison(table, cuts=tuple(cut_list), excluded=excluded, min_cell=min_cell, missing=missing,
                         weighted=bool(weight), wave=wave, value=value_col, value_label=value_label,
                         _suppressed=pd.DataFrame(small, columns=["cut", "group", "metric", "n"]))


def drivers_by_cut(eng: Any, *, cut: str, min_n: int | None = None, n_boot: int = 200, seed: int = 0,
                   ci: float = 0.95) -> dict[str, Any]:
    """The driver analysis (:func:`cxlib.drivers.importance`) within each group of one cut, where n supports it.

    Parameters
    ----------
    eng : Engagement
    cut : str
        A grouping column of the analysis frame.
    min_n : int, optional
        The smallest group analysed. Default: the larger of ``privacy.min_cell`` and ten respondents per
        experience element (a regression on p elements needs well over p cases for its shares of the explained
        variation to be stable).
    n_boot, seed, ci
        Bootstrap resamples, seed and confidence level of each group's :func:`cxlib.drivers.importance`.

    Returns
    -------
    dict
        ``{group: Importance}`` for the groups analysed and ``{group: Reason}`` (``too_few``) for the rest, in
        the groups' order.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> out = drivers_by_cut(eng, cut="region", n_boot=0)
    >>> sorted({type(v).__name__ for v in out.values()})
    ['Reason']
    """
    from . import drivers

    fn = "cuts.drivers_by_cut"
    _engagement(eng, fn)
    frame = eng.frame()
    checks.columns(frame, fn, cut=cut)
    n_elements = int((eng.codebook["role"] == "element_performance").sum())
    floor = max(int(eng.config["privacy"]["min_cell"]), 10 * max(n_elements, 1))
    min_n = floor if min_n is None else checks.count(min_n, fn, "min_n")
    weight = eng.config.get("weight")
    out: dict[str, Any] = {}
    labels = frame[cut].astype(str).where(frame[cut].notna())
    for group in sorted(labels.dropna().unique(), key=lambda s: (s.lower(), s)):
        d = frame[labels == group]
        n = int(d["connection_index"].notna().sum()) if "connection_index" in d else len(d)
        if n < min_n:
            out[group] = Reason.of("too_few", n=n, need=min_n)
            continue
        out[group] = drivers.importance(d, eng.codebook, weight=weight, n_boot=n_boot, seed=seed, ci=ci)
    return out
