"""Emotional motivators: scale reliability, segment profiles, the value that goes with connection (raw,
adjusted, medians; across connection thresholds), and which motivators are most linked to value for this client.

Every function takes the analysis frame (``Engagement.frame()``) and the codebook and returns a frozen
result object (:mod:`cxlib.results`): ``.table`` (tidy, fixed columns, always ``n``), named attributes,
``.headline()``, ``.plot()``, ``.to_dict()``. Nothing is rounded and nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import checks, drivers
from .errors import ArgumentError
from .results import Draws, Estimate, Reason, Result
from .segments import SEGMENTS
from .stats import (bca_interval, bootstrap_counts, bootstrap_indices, kish_effective_n, percentile_interval,
                    weighted_mean_jackknife, weighted_mean_se)

__all__ = [
    "MOTIVATORS",
    "motivator_items",
    "motivator_scores",
    "reliability",
    "item_loadings",
    "profiles",
    "value_by_segment",
    "value_multiplier",
    "rank",
    "default_thresholds",
    "threshold_sensitivity",
    "weighted_median",
    "adjusted_multiplier",
    "Reliability",
    "Loadings",
    "Profiles",
    "ValueBySegment",
    "ValueMultiplier",
    "MotivatorRanking",
    "ThresholdSensitivity",
    "AdjustedMultiplier",
]

#: The ten high-impact emotional motivators (see the README), in their plain-language names.
MOTIVATORS: tuple[str, ...] = (
    "stand out from the crowd",
    "have confidence in the future",
    "enjoy a sense of well-being",
    "feel a sense of freedom",
    "feel a sense of thrill",
    "feel a sense of belonging",
    "protect the environment",
    "be the person I want to be",
    "feel secure",
    "succeed in life",
)


def motivator_items(codebook: pd.DataFrame) -> dict[str, list[str]]:
    """Survey columns of each motivator, in codebook order: ``{motivator: [item columns]}``.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> items = motivator_items(cb)
    >>> len(items), sorted(items)[0], len(items[sorted(items)[0]])
    (10, 'be the person I want to be', 3)
    """
    codebook = checks.frame(codebook, "motivators.motivator_items", "codebook")
    checks.columns(codebook, "motivators.motivator_items", codebook="role")
    items = codebook[codebook["role"] == "motivator_item"]
    return {m: g["column"].tolist() for m, g in items.groupby("motivator", sort=False)}


def motivator_scores(frame: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's score (0–100) on each motivator: the mean of its answered items, rescaled.

    A respondent who answered fewer than half of a motivator's items has no score on it (NaN).
    Columns are the motivator names.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> s = motivator_scores(f, cb)
    >>> s.shape[1], bool(s.stack().between(0, 100).all())
    (10, True)
    """
    from .segments import connection_index

    fn = "motivators.motivator_scores"
    frame = checks.frame(frame, fn)
    _check_items(frame, codebook, fn)
    scales = {r.column: (float(r.scale_min), float(r.scale_max))
              for r in codebook[codebook["role"] == "motivator_item"].itertuples()}
    return pd.DataFrame({m: connection_index(frame[cols], scale={c: scales[c] for c in cols})
                         for m, cols in motivator_items(codebook).items()}, index=frame.index)


def _check_items(data: pd.DataFrame, codebook: Any, fn: str) -> dict[str, list[str]]:
    """The codebook's motivator items, each checked to be a column of ``data``."""
    codebook = checks.frame(codebook, fn, "codebook")
    checks.columns(codebook, fn, codebook="role")
    groups = motivator_items(codebook)
    if not groups:
        raise ArgumentError(f"{fn}: the codebook names no motivator items (role motivator_item)", function=fn,
                            argument="codebook")
    for cols in groups.values():
        for c in cols:
            if c not in data.columns:
                raise ArgumentError(f"{fn}: the codebook's motivator item {c!r} is not a column of the frame"
                                    f"{checks.close_matches(c, data.columns)}", function=fn, argument="codebook")
    return groups


def _excluded_reasons(found: dict[str, Any]) -> dict[str, Reason]:
    """``drivers.uninformative``'s findings as reasons (its sentence kept; the code says which kind)."""
    out: dict[str, Reason] = {}
    for name, why in found.items():
        if isinstance(why, Reason):
            out[name] = why
            continue
        text = str(why)
        code = "no_data" if text.startswith("nobody") else "duplicate" if text.startswith("same answers") else "constant"
        out[name] = Reason(code, text)
    return out


def _label(value: str) -> str:
    from .report import pretty

    return pretty(value).lower()


def _cronbach(data: pd.DataFrame) -> float:
    k = data.shape[1]
    cov = data.cov()  # pairwise-complete covariances, as pingouin's default nan_policy="pairwise"
    total = cov.to_numpy().sum()
    if not total > 0:  # everyone gave the same answers: alpha is not defined
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov.to_numpy()) / total))


@dataclass(frozen=True, eq=False)
class Reliability(Result):
    """Cronbach's alpha of each motivator scale: :func:`reliability`'s result.

    Attributes
    ----------
    table : DataFrame
        ``motivator, n_items, n, alpha, ci_low, ci_high, adequate``.
    threshold : float
        The alpha below which a scale is flagged (``adequate`` False).
    ci : float
        Confidence level.
    weak : list of str
        Motivators whose scale is below the threshold.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> r = reliability(eng.frame(), eng.codebook)
    >>> r.table.columns.tolist(), r.threshold, r.ci
    (['motivator', 'n_items', 'n', 'alpha', 'ci_low', 'ci_high', 'adequate'], 0.7, 0.95)
    >>> r.weak == r.table.loc[~r.table["adequate"], "motivator"].tolist()
    True
    >>> r.headline().startswith("All motivator scales are reliable")
    True
    """

    threshold: float = 0.7
    ci: float = 0.95

    @property
    def weak(self) -> list[str]:
        """Motivators whose scale is below the threshold."""
        return self._table.loc[~self._table["adequate"], "motivator"].tolist()

    def headline(self) -> str:
        from . import report

        if not self.weak:
            return report.Markdown(f"All motivator scales are reliable (Cronbach's alpha ≥ {self.threshold:g}; "
                                   f"n={self.n:,}).")
        return report.Markdown(f"Less reliable scales (alpha below {self.threshold:g}), to read with care: "
                               f"{report.listing([report.text(m) for m in self.weak], limit=5)} (n={self.n:,}).")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        d = self._table.dropna(subset=["alpha"]).rename(columns={"alpha": "estimate"})
        d["label"] = [str(m)[:1].upper() + str(m)[1:] for m in d["motivator"]]
        kwargs.setdefault("title", f"How consistently each motivator is measured (n={self.n:,})")
        kwargs.setdefault("xlabel", "Cronbach's alpha, with 95% CI")
        return plots.estimates(d, label="label", reference=self.threshold, ax=ax, **kwargs)


def reliability(data: pd.DataFrame, codebook: pd.DataFrame, *, ci: float = 0.95, adequate: float = 0.7) -> Reliability:
    """Cronbach's alpha of each motivator scale, with Feldt's confidence interval.

    Parameters
    ----------
    data : DataFrame
        Holds the motivator item columns.
    codebook : DataFrame
        Names each item's motivator.
    ci : float
        Confidence level.
    adequate : float
        Alpha below which a scale is flagged as unreliable (0.7, the usual rule of thumb).

    Returns
    -------
    Reliability
        ``.table``: ``motivator, n_items, n, alpha, ci_low, ci_high, adequate``. Scales with a single item have
        no alpha (NaN) and are not flagged.

    Notes
    -----
    ``α = k/(k−1) · (1 − Σ σ²_i / σ²_total)`` from the pairwise-complete covariance matrix of the items;
    the interval is Feldt's, ``1 − (1 − α)·F`` with ``F`` quantiles on ``(n − 1, (n − 1)(k − 1))`` degrees
    of freedom, ``n`` the respondents who answered at least one item of the scale. Alpha equals
    ``pingouin.cronbach_alpha`` (checked to 1e-10 in tests/test_motivators.py).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika* 16, 297–334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha.
    *Applied Psychological Measurement* 11, 93–103.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> r = reliability(f, cb)
    >>> r.table.columns.tolist()
    ['motivator', 'n_items', 'n', 'alpha', 'ci_low', 'ci_high', 'adequate']
    """
    fn = "motivators.reliability"
    data = checks.frame(data, fn)
    groups = _check_items(data, codebook, fn)
    ci = checks.level(ci, fn)
    if not (isinstance(adequate, (int, float)) and 0 < adequate < 1):
        raise ArgumentError(f"{fn}: adequate must be an alpha between 0 and 1 (e.g. 0.7), not {adequate!r}",
                            function=fn, argument="adequate")
    rows = []
    for motivator, cols in groups.items():
        d = data[cols].astype(float)
        n = int(d.notna().any(axis=1).sum())
        k = len(cols)
        alpha = lo = hi = np.nan
        if k >= 2 and n >= 2:
            alpha = _cronbach(d)
            df1, df2 = n - 1, (n - 1) * (k - 1)
            tail = (1 - ci) / 2
            lo = 1 - (1 - alpha) * _st.f.isf(tail, df1, df2)
            hi = 1 - (1 - alpha) * _st.f.isf(1 - tail, df1, df2)
        rows.append({"motivator": motivator, "n_items": k, "n": n, "alpha": alpha, "ci_low": lo, "ci_high": hi,
                     "adequate": bool(alpha >= adequate) if np.isfinite(alpha) else True})
    table = pd.DataFrame(rows, columns=["motivator", "n_items", "n", "alpha", "ci_low", "ci_high", "adequate"])
    return Reliability(table, threshold=float(adequate), ci=ci)


@dataclass(frozen=True, eq=False)
class Loadings(Result):
    """Exploratory factor analysis of the motivator items: :func:`item_loadings`' result.

    Attributes
    ----------
    table : DataFrame
        ``item, motivator, factor, loading, intended_factor, intended_loading, loads_as_intended, n``.
    excluded : dict
        ``{item: Reason}`` for items left out (everyone gave the same answer, nobody answered).
    min_loading : float
        The smallest loading on its own factor that counts as loading as intended.
    n : int
        Respondents who answered every item used (the factor analysis is on complete answers).
    stray : DataFrame
        The table's rows of items that do not load on their intended motivator.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(2, 200))
    >>> f = pd.DataFrame({f"{m}_{i}": base + 0.5 * rng.normal(size=200) for m, base in (("x", a), ("y", b))
    ...                   for i in (1, 2, 3)})
    >>> f["y_4"] = 3.0  # everyone gave the same answer
    >>> cb = pd.DataFrame({"column": f.columns, "role": "motivator_item", "motivator": ["x"] * 3 + ["y"] * 4})
    >>> lo = item_loadings(f, cb)
    >>> lo.table.columns.tolist()
    ['item', 'motivator', 'factor', 'loading', 'intended_factor', 'intended_loading', 'loads_as_intended', 'n']
    >>> lo.n, lo.min_loading, bool(lo.table["loads_as_intended"].all()), lo.stray.empty
    (200, 0.3, True, True)
    >>> {item: why.code for item, why in lo.excluded.items()}
    {'y_4': 'constant'}
    >>> lo.headline().startswith("Every question loads on its own motivator")
    True
    """

    excluded: dict[str, Reason] = field(default_factory=dict)
    min_loading: float = 0.3
    n_complete: int = 0

    @property
    def n(self) -> int:
        """Respondents who answered every item used (the factor analysis is on complete answers)."""
        return int(self.n_complete)

    @property
    def stray(self) -> pd.DataFrame:
        """Items that do not load on their intended motivator."""
        return self.table.loc[lambda t: ~t["loads_as_intended"]]

    def headline(self, labels: dict[str, str] | None = None) -> str:
        """The finding in words; ``labels`` maps item columns to question wording (default: the column)."""
        from . import report

        labels = labels or {}
        stray = self.stray
        if stray.empty:
            lines = [f"Every question loads on its own motivator in the factor analysis (n={self.n:,} complete answers)."]
        else:
            named = [f"{report.text(labels.get(r.item, r.item))} (meant for “{report.text(r.motivator)}”)"
                     for r in stray.itertuples()]
            lines = [f"{len(stray):,} question{'s do' if len(stray) != 1 else ' does'} not load on the intended "
                     f"motivator: {report.listing(named, limit=5)} (n={self.n:,} complete answers)."]
        if self.excluded:
            named = [f"{report.text(labels.get(i, i))} ({why})" for i, why in self.excluded.items()]
            lines.append("Left out of the factor analysis: " + report.listing(named, limit=5) + ".")
        return report.Markdown("\n\n".join(lines))


def item_loadings(data: pd.DataFrame, codebook: pd.DataFrame, *, min_loading: float = 0.3) -> Loadings:
    """Exploratory factor analysis of the motivator items: does each item load on its own motivator?

    One factor per motivator is extracted (maximum likelihood, statsmodels ``Factor``; oblimin rotation,
    since motivators correlate). Each motivator's factor is the one most of its items load on most strongly.

    Returns
    -------
    Loadings
        ``.table``: ``item, motivator, factor, loading, intended_factor, intended_loading, loads_as_intended, n``:
        ``loads_as_intended`` is False when the item's strongest loading is on another motivator's factor or
        its loading on its own factor is below ``min_loading``. ``.n`` is the number of complete respondents
        used; ``.excluded`` names items left out because everyone gave them the same answer
        (``{item: Reason}``).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> item_loadings(f, cb).table.columns.tolist()
    ['item', 'motivator', 'factor', 'loading', 'intended_factor', 'intended_loading', 'loads_as_intended', 'n']
    """
    from statsmodels.multivariate.factor import Factor

    fn = "motivators.item_loadings"
    data = checks.frame(data, fn)
    groups = _check_items(data, codebook, fn)
    min_loading = checks.positive(min_loading, fn, "min_loading", allow_zero=True)
    cols = [c for cs in groups.values() for c in cs]
    d = data[cols].astype(float).dropna()
    # An item everyone answered the same has no correlation with anything: the factor model cannot be fitted
    # with it. Such items (and a motivator left with none) are named in excluded.
    found = drivers.uninformative(d, what="answered")
    excluded = {c: why for c, why in _excluded_reasons(found).items() if why.code in ("constant", "no_data")}
    groups = {m: [c for c in items if c not in excluded] for m, items in groups.items()}
    groups = {m: items for m, items in groups.items() if items}
    cols = [c for cs in groups.values() for c in cs]
    d = d[cols]
    columns = ["item", "motivator", "factor", "loading", "intended_factor", "intended_loading", "loads_as_intended", "n"]
    n_factors = len(groups)
    if len(d) < max(len(cols) + 2, 10) or n_factors == 0:
        raise ArgumentError(f"{fn}: {len(d):,} respondents answered every motivator question; at least "
                            f"{max(len(cols) + 2, 10):,} are needed for the factor analysis", function=fn,
                            argument="data")
    fa = Factor(d.to_numpy(), n_factor=n_factors, method="ml").fit()
    if n_factors > 1:
        fa.rotate("oblimin")
    load = pd.DataFrame(fa.loadings, index=cols)
    primary = load.abs().idxmax(axis=1)
    rows = []
    for motivator, items in groups.items():
        intended = int(primary[items].mode().iloc[0])
        for item in items:
            own = float(load.loc[item, intended])
            rows.append({"item": item, "motivator": motivator, "factor": int(primary[item]),
                         "loading": float(load.loc[item, primary[item]]), "intended_factor": intended,
                         "intended_loading": own,
                         "loads_as_intended": bool(primary[item] == intended and abs(own) >= min_loading),
                         "n": len(d)})
    return Loadings(pd.DataFrame(rows, columns=columns), excluded=excluded, min_loading=min_loading, n_complete=len(d))


def _groups(data: pd.DataFrame, by: str) -> list[Any]:
    col = data[by]
    if by == "segment":
        return list(SEGMENTS)
    if isinstance(col.dtype, pd.CategoricalDtype):
        return list(col.cat.categories)
    return sorted(col.dropna().unique().tolist(), key=str)


def _check_frame(data: Any, fn: str, *, by: str, weight: str | None, value: str | None = None) -> pd.DataFrame:
    data = checks.frame(data, fn)
    checks.columns(data, fn, by=by)
    checks.numeric(data, fn, value=value, weight=weight)
    if weight is not None and (pd.to_numeric(data[weight], errors="coerce") < 0).any():
        raise ArgumentError(f"{fn}: weight {weight!r} holds negative weights", function=fn, argument="weight")
    return data


@dataclass(frozen=True, eq=False)
class Profiles(Result):
    """How each segment scores on each motivator: :func:`profiles`' result.

    Attributes
    ----------
    table : DataFrame
        ``<by>, motivator, n, n_effective, mean, ci_low, ci_high`` (scores 0–100).
    by, weight : str
        The grouping column and the weight column (None unweighted).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> p = profiles(eng.frame(), eng.codebook)
    >>> p.table.columns.tolist(), p.by, p.weight
    (['segment', 'motivator', 'n', 'n_effective', 'mean', 'ci_low', 'ci_high'], 'segment', None)
    >>> p.table["segment"].nunique(), p.table["motivator"].nunique()
    (3, 10)
    >>> bool(p.table["mean"].dropna().between(0, 100).all())
    True
    """

    by: str = "segment"
    weight: str | None = None

    @property
    def n(self) -> int:
        """Respondents behind the chart: the largest n of each group, summed."""
        t = self._table
        return int(t.groupby(self.by, observed=True, sort=False)["n"].max().sum()) if len(t) else 0

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.motivator_profiles(self, ax=ax, **kwargs)


def profiles(data: pd.DataFrame, codebook: pd.DataFrame, *, by: str = "segment", weight: str | None = None,
             ci: float = 0.95) -> Profiles:
    """How each segment (or group) scores on each motivator (0–100), with its 95% interval.

    Returns
    -------
    Profiles
        ``.table``: ``<by>, motivator, n, n_effective, mean, ci_low, ci_high``.

    Notes
    -----
    Unweighted: the textbook t interval (``scipy.stats.t.interval``). Weighted: mean ``Σwx/Σw`` with the
    design-based standard error of :func:`cxlib.stats.weighted_mean_se` (R ``survey::svymean``) and a normal
    interval, as ``confint(svymean(...))`` (tests/test_r_reference.py).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> profiles(f, cb, weight="resp_weight").table.columns.tolist()
    ['segment', 'motivator', 'n', 'n_effective', 'mean', 'ci_low', 'ci_high']
    """
    fn = "motivators.profiles"
    data = _check_frame(data, fn, by=by, weight=weight)
    ci = checks.level(ci, fn)
    scores = motivator_scores(data, codebook)
    rows = []
    for seg in _groups(data, by):
        mask = (data[by] == seg).to_numpy()
        for m in scores.columns:
            x = scores.loc[mask, m]
            w = data.loc[mask, weight] if weight else pd.Series(1.0, index=x.index)
            ok = x.notna() & w.notna()
            x, w = x[ok].to_numpy(), w[ok].to_numpy(dtype=float)
            n = len(x)
            mean = lo = hi = np.nan
            n_eff = kish_effective_n(w) if n else 0.0
            if n >= 2 and weight:
                # Design-based (linearised) standard error, as R survey::svymean, with a normal interval as
                # its confint(): it allows for how the weights vary with the scores, which s²/n_eff does not.
                mean, se = weighted_mean_se(x, w)
                half = _st.norm.ppf(0.5 + ci / 2) * se
                lo, hi = mean - half, mean + half
            elif n >= 2:
                mean = float(x.mean())
                half = _st.t.ppf(0.5 + ci / 2, n - 1) * float(x.std(ddof=1)) / np.sqrt(n)
                lo, hi = mean - half, mean + half
            rows.append({by: seg, "motivator": m, "n": n, "n_effective": n_eff, "mean": mean,
                         "ci_low": lo, "ci_high": hi})
    table = pd.DataFrame(rows, columns=[by, "motivator", "n", "n_effective", "mean", "ci_low", "ci_high"])
    return Profiles(table, by=by, weight=weight)


def _group_arrays(data: pd.DataFrame, value: str, weight: str | None, by: str, group: Any) -> tuple[np.ndarray, np.ndarray]:
    sub = data[data[by] == group]
    x = pd.to_numeric(sub[value], errors="raise")
    w = sub[weight].astype(float) if weight else pd.Series(1.0, index=sub.index)
    ok = x.notna() & w.notna()
    return x[ok].to_numpy(dtype=float), w[ok].to_numpy(dtype=float)


def _boot_means(x: np.ndarray, w: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap distribution of the weighted mean (respondents resampled with their weights)."""
    n = len(x)
    out = [np.empty(0)]
    equal = bool(np.all(w == w[0]))
    # Gather in single precision (half the memory traffic), accumulate in double.
    wx = (w * x).astype(np.float32)
    w32 = w.astype(np.float32)
    for idx in bootstrap_indices(n, n_boot, rng, dtype=np.int32):  # chunks bound the memory; one gather each
        num = wx[idx].sum(axis=1, dtype=np.float64)
        out.append(num / (n * float(w[0])) if equal else num / w32[idx].sum(axis=1, dtype=np.float64))
    return np.concatenate(out)


def _is_binary(x: np.ndarray) -> bool:
    return bool(len(x)) and bool(np.isin(x, (0.0, 1.0)).all())


def _n_boot(n_boot: Any, fn: str) -> int:
    return checks.count(n_boot, fn, "n_boot", minimum=2, allow_zero=True)


@dataclass(frozen=True, eq=False)
class ValueBySegment(Result):
    """Mean value (or rate) of each segment with its BCa interval: :func:`value_by_segment`'s result.

    Attributes
    ----------
    table : DataFrame
        ``<by>, n, n_effective, mean, ci_low, ci_high``.
    value, by, weight : str
        The value column, the grouping column, the weight column (None unweighted).
    kind : {"mean", "rate"}
        ``rate`` for a 0/1 value.
    n_boot : int
        Bootstrap resamples per group (0: no intervals).
    draws : Draws or None
        Bootstrap means, keyed by group (groups with fewer than two respondents are absent).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> v = value_by_segment(eng.frame(), value="annual_spend", n_boot=50)
    >>> v.table.columns.tolist(), v.value, v.kind, v.n_boot
    (['segment', 'n', 'n_effective', 'mean', 'ci_low', 'ci_high'], 'annual_spend', 'mean', 50)
    >>> v.table["segment"].tolist()
    ['fully connected', 'highly satisfied', 'other']
    >>> v.headline().startswith("Mean annual spend by segment:")
    True
    """

    value: str = ""
    by: str = "segment"
    weight: str | None = None
    kind: str = "mean"
    n_boot: int = 0
    draws: Draws | None = None

    @property
    def n(self) -> int:
        """Respondents with a group and a value."""
        return int(self._table["n"].sum())

    def headline(self) -> str:
        from . import report

        parts = []
        for _, r in self._table.iterrows():
            fmt = "{:.0%}" if self.kind == "rate" else "{:,.2f}"
            parts.append(f"{report.text(str(r[self.by]))} {report.ci_text(r['mean'], r['ci_low'], r['ci_high'], fmt=fmt, n=int(r['n']))}")
        what = f"Rate of {_label(self.value)}" if self.kind == "rate" else f"Mean {_label(self.value)}"
        return report.Markdown(f"{what} by {_label(self.by)}: " + "; ".join(parts) + ".")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots
        from .report import pretty

        kwargs.setdefault("label", pretty(self.value))
        kwargs.setdefault("kind", self.kind)
        return plots.value_by_segment(self, ax=ax, **kwargs)


def value_by_segment(
    data: pd.DataFrame,
    *,
    value: str,
    by: str = "segment",
    weight: str | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
) -> ValueBySegment:
    """Mean value (or rate, for a 0/1 outcome) of each segment, with BCa bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        The analysis frame with ``segment`` (or the ``by`` column) and the value column.
    value : str
        Value column (e.g. annual spend, or a 0/1 outcome such as consolidated assets).
    by : str
        Grouping column (default the segment); the table's first column is named after it.
    weight : str, optional
        Respondent-weight column: weighted means, respondents resampled with their weights.
    n_boot, seed, ci
        Bootstrap resamples (0: no intervals), seed, confidence level.

    Returns
    -------
    ValueBySegment
        ``.table``: ``<by>, n, n_effective, mean, ci_low, ci_high``; ``.kind`` is ``"rate"`` for a 0/1 value
        and ``"mean"`` otherwise; ``.draws`` the bootstrap means by group. Respondents with a missing value are
        left out.

    Notes
    -----
    Each group is resampled on its own (``n_boot`` resamples, one generator seeded once and used group after
    group in table order); intervals are BCa (Efron 1987) with the acceleration from the closed-form
    jackknife of the weighted mean (:func:`cxlib.stats.bca_interval`, equal to ``scipy.stats.bootstrap``'s
    BCa given the same resamples).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> v = value_by_segment(f, value="annual_spend", weight="resp_weight", n_boot=200)
    >>> v.table.columns.tolist()
    ['segment', 'n', 'n_effective', 'mean', 'ci_low', 'ci_high']
    """
    fn = "motivators.value_by_segment"
    data = _check_frame(data, fn, by=by, weight=weight, value=value)
    n_boot = _n_boot(n_boot, fn)
    ci = checks.level(ci, fn)
    rng = np.random.default_rng(seed)
    rows, all_x, draws, names = [], [], [], []
    for seg in _groups(data, by):
        x, w = _group_arrays(data, value, weight, by, seg)
        all_x.append(x)
        mean = lo = hi = np.nan
        if len(x) >= 2:
            mean = float(np.average(x, weights=w))
            if n_boot:
                boot = _boot_means(x, w, n_boot, rng)
                lo, hi = bca_interval(mean, boot, [weighted_mean_jackknife(x, w)], ci)
                draws.append(boot)
                names.append(str(seg))
        elif len(x) == 1:
            mean = float(x[0])
        rows.append({by: seg, "n": len(x), "n_effective": kish_effective_n(w), "mean": mean,
                     "ci_low": lo, "ci_high": hi})
    table = pd.DataFrame(rows, columns=[by, "n", "n_effective", "mean", "ci_low", "ci_high"])
    kind = "rate" if _is_binary(np.concatenate(all_x) if all_x else np.empty(0)) else "mean"
    return ValueBySegment(table, value=value, by=by, weight=weight, kind=kind, n_boot=n_boot,
                          draws=Draws(np.column_stack(draws), names) if draws else None)


@dataclass(frozen=True, eq=False)
class ValueMultiplier(Result):
    """How many times the fully connected segment's mean value is the highly satisfied one's: :func:`value_multiplier`'s result.

    Attributes
    ----------
    table : DataFrame
        One row: ``value, numerator, denominator, estimate, ci_low, ci_high, n, n_effective``.
    ratio : Estimate
        The multiplier (``estimate, ci_low, ci_high, n, n_effective, method, note, reason``); the result's
        ``estimate``, ``ci_low``, ``ci_high``, ``note``, ``reason`` and ``estimable`` read it.
    value, numerator, denominator : str
        The value column and the two groups compared.
    kind : {"mean", "rate"}
        ``rate`` for a 0/1 value (a rate ratio).
    draws : Draws or None
        Bootstrap draws keyed ``numerator``, ``denominator`` (their means) and ``"multiplier"``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"segment": ["fully connected"] * 100 + ["highly satisfied"] * 100,
    ...                   "spend": np.r_[rng.gamma(2, 100, 100), rng.gamma(2, 50, 100)]})
    >>> m = value_multiplier(f, value="spend", n_boot=50)
    >>> m.table.columns.tolist()
    ['value', 'numerator', 'denominator', 'estimate', 'ci_low', 'ci_high', 'n', 'n_effective']
    >>> m.numerator, m.denominator, m.kind, m.estimable, round(m.estimate, 1), m.n
    ('fully connected', 'highly satisfied', 'mean', True, 2.1, 200)
    >>> m.headline().startswith("Fully connected customers show")
    True
    """

    ratio: Estimate = field(default_factory=lambda: Estimate.missing(Reason.of("no_data")))
    value: str = ""
    numerator: str = "fully connected"
    denominator: str = "highly satisfied"
    kind: str = "mean"
    weighted: bool = False
    draws: Draws | None = None

    estimate = property(lambda self: self.ratio.estimate)
    ci_low = property(lambda self: self.ratio.ci_low)
    ci_high = property(lambda self: self.ratio.ci_high)
    n_effective = property(lambda self: self.ratio.n_effective)
    method = property(lambda self: self.ratio.method)
    note = property(lambda self: self.ratio.note)
    reason = property(lambda self: self.ratio.reason)
    estimable = property(lambda self: self.ratio.estimable)

    @property
    def n(self) -> int:
        """Respondents in the two groups compared."""
        return int(self.ratio.n)

    def headline(self) -> str:
        from . import report

        what = _label(self.value)
        if not self.estimable:
            return report.Markdown(f"The value of connection in {what} is not estimable: {self.ratio.note}.")
        measure = f"the rate of {what}" if self.kind == "rate" else f"the {what}"
        ci = (f"95% CI {report.interval(self.ci_low, self.ci_high, fmt='{:.1f}')}×" if self.ratio.has_interval
              else "no interval")
        return report.Markdown(f"{report.text(self.numerator.capitalize())} customers show **{self.estimate:.1f}×** "
                               f"{measure} of {report.text(self.denominator)} customers ({ci}; n={self.n:,}).")

    def to_dict(self) -> dict[str, Any]:
        """The ``results.json`` shape: ``{"estimate", "ci_low", "ci_high", "n", "value", "n_effective"}``, plus
        ``note`` when not estimable."""
        from . import report

        e = self.ratio
        extra = {} if self.estimable else {"note": e.note}
        return report.estimate_dict(e.estimate, e.ci_low, e.ci_high, e.n, value=self.value, n_effective=e.n_effective,
                                    **extra)


def value_multiplier(
    data: pd.DataFrame,
    *,
    value: str,
    by: str = "segment",
    weight: str | None = None,
    numerator: str = "fully connected",
    denominator: str = "highly satisfied",
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
) -> ValueMultiplier:
    """How many times the fully connected segment's mean value is the highly satisfied segment's (an association).

    The ratio of the two segments' mean value (a rate ratio for a 0/1 outcome: "6× likelier to
    consolidate assets"), with a BCa bootstrap interval.

    Parameters
    ----------
    data : DataFrame
        The analysis frame with ``segment`` (or the ``by`` column) and the value column.
    value : str
        Value column.
    by : str
        Grouping column holding ``numerator`` and ``denominator``.
    weight : str, optional
        Respondent-weight column.
    numerator, denominator : str
        Groups compared (default fully connected over highly satisfied).
    n_boot, seed, ci
        Bootstrap resamples (0: the ratio without an interval), seed, confidence level.

    Returns
    -------
    ValueMultiplier
        ``.ratio`` is the :class:`~cxlib.results.Estimate` (``n``: respondents in both groups; ``n_effective``
        the sum of the groups' Kish sizes); not estimable, with its reason, when a group has fewer than two
        respondents with a value or the denominator's mean is zero.

    Notes
    -----
    Each segment is resampled independently (two-sample bootstrap) with respondents' weights; the
    interval is BCa, its acceleration from the closed-form jackknife of each segment's weighted mean.
    Given the same bootstrap distribution the interval equals ``scipy.stats.bootstrap(method="BCa")``
    (tests/test_motivators.py); for a 0/1 value it agrees with statsmodels' log rate-ratio interval.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"segment": ["fully connected"] * 300 + ["highly satisfied"] * 300,
    ...                   "spend": np.r_[rng.gamma(2, 100, 300), rng.gamma(2, 50, 300)]})
    >>> est = value_multiplier(f, value="spend", n_boot=500)
    >>> est.ci_low < 2 < est.ci_high, est.n
    (True, 600)
    """
    fn = "motivators.value_multiplier"
    data = _check_frame(data, fn, by=by, weight=weight, value=value)
    n_boot = _n_boot(n_boot, fn)
    ci = checks.level(ci, fn)
    for arg, label in (("numerator", numerator), ("denominator", denominator)):
        if by == "segment":
            checks.choice(label, SEGMENTS, fn, arg)
        else:
            checks.labels(data, by, [label], fn, arg)
    if numerator == denominator:
        raise ArgumentError(f"{fn}: numerator and denominator are both {numerator!r}", function=fn,
                            argument="denominator")
    x1, w1 = _group_arrays(data, value, weight, by, numerator)
    x2, w2 = _group_arrays(data, value, weight, by, denominator)
    n = len(x1) + len(x2)
    n_eff = kish_effective_n(w1) + kish_effective_n(w2)
    kind = "rate" if _is_binary(np.r_[x1, x2]) else "mean"
    method = f"ratio of {'weighted ' if weight else ''}means; BCa bootstrap, {n_boot} resamples within each segment"
    common = dict(value=value, numerator=numerator, denominator=denominator, kind=kind, weighted=weight is not None)

    def result(ratio: Estimate, draws: Draws | None = None) -> ValueMultiplier:
        row = {"value": value, "numerator": numerator, "denominator": denominator, "estimate": ratio.estimate,
               "ci_low": ratio.ci_low, "ci_high": ratio.ci_high, "n": ratio.n, "n_effective": ratio.n_effective}
        return ValueMultiplier(pd.DataFrame([row]), ratio=ratio, draws=draws, **common)

    for label, x in ((numerator, x1), (denominator, x2)):
        if len(x) == 0:
            return result(Estimate.missing(Reason.of("segment_empty", segment=label), n=n, n_effective=n_eff,
                                           method=method))
    if len(x1) < 2 or len(x2) < 2:
        return result(Estimate.missing(Reason.of("too_few", n=min(len(x1), len(x2)), need=2), n=n,
                                       n_effective=n_eff, method=method))
    m1, m2 = np.average(x1, weights=w1), np.average(x2, weights=w2)
    if m2 == 0:
        return result(Estimate.missing(Reason.of("zero_denominator", what=f"mean {_label(value)}"), n=n,
                                       n_effective=n_eff, method=method))
    if not n_boot:
        return result(Estimate(float(m1 / m2), np.nan, np.nan, n, n_eff, method,
                               note=Reason.of("no_bootstrap").sentence))
    rng = np.random.default_rng(seed)
    b1, b2 = _boot_means(x1, w1, n_boot, rng), _boot_means(x2, w2, n_boot, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = b1 / b2
    jack = [weighted_mean_jackknife(x1, w1) / m2, m1 / weighted_mean_jackknife(x2, w2)]
    lo, hi = bca_interval(m1 / m2, boot, jack, ci)
    draws = Draws(np.column_stack([b1, b2, boot]), [numerator, denominator, "multiplier"])
    return result(Estimate(float(m1 / m2), lo, hi, n, n_eff, method), draws)


# -- how far the multiplier depends on the connection threshold ------------------------------------------

def default_thresholds(threshold: float) -> tuple[float, ...]:
    """The thresholds a sensitivity analysis looks at by default: ``threshold`` ± 10 in steps of 5, within 0–100.

    Examples
    --------
    >>> default_thresholds(75)
    (65.0, 70.0, 75.0, 80.0, 85.0)
    >>> default_thresholds(95)
    (85.0, 90.0, 95.0, 100.0)
    """
    t = checks.positive(threshold, "motivators.default_thresholds", "threshold", allow_zero=True)
    return tuple(float(t + d) for d in (-10, -5, 0, 5, 10) if 0 <= t + d <= 100)


def _threshold_key(t: float) -> str:
    return f"{t:g}"


@dataclass(frozen=True, eq=False)
class ThresholdSensitivity(Result):
    """The segment shares and the value multiplier at several connection thresholds:
    :func:`threshold_sensitivity`'s result.

    Attributes
    ----------
    table : DataFrame
        ``threshold, used, measure, estimate, ci_low, ci_high, n, n_effective, count``: one row per threshold and
        measure, thresholds ascending. ``measure`` is a segment (its share of everyone with a segment at that
        threshold; ``n`` that base, ``count`` the segment's own respondents) or ``multiplier`` (the ratio of
        the fully connected to the highly satisfied segment's mean value; ``n`` the respondents of both with a
        value, ``count`` the smaller segment's). ``used`` marks the engagement's own threshold.
    value : str
        The value column.
    threshold : float
        The threshold the engagement uses.
    thresholds : tuple of float
        Every threshold looked at, ascending.
    kind : {"mean", "rate"}
        ``rate`` for a 0/1 value.
    n_boot : int
        Bootstrap resamples of the respondents, one set shared by every threshold (0: shares keep their
        own interval, the multiplier has none).
    draws : Draws or None
        Bootstrap draws keyed ``"<threshold>:<measure>"`` (e.g. ``"75:multiplier"``,
        ``"75:fully connected"``): the same resamples at every threshold, so differences between thresholds
        can be read from them.
    reasons : dict
        ``{threshold (as text): Reason}`` where the multiplier could not be estimated.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=0)
    >>> s = threshold_sensitivity(eng.frame(), value="annual_spend", sat_column="overall_sat", top_box=9,
    ...                           threshold=75, n_boot=50)
    >>> s.table.columns.tolist()
    ['threshold', 'used', 'measure', 'estimate', 'ci_low', 'ci_high', 'n', 'n_effective', 'count']
    >>> s.thresholds, s.threshold, sorted(set(s.table["measure"]))
    ((65.0, 70.0, 75.0, 80.0, 85.0), 75.0, ['fully connected', 'highly satisfied', 'multiplier', 'other'])
    >>> s.share(75).estimate > s.share(85).estimate, s.multiplier(75).estimable
    (True, True)
    >>> s.headline().startswith("Between connection thresholds of 65 and 85")
    True
    """

    value: str = ""
    threshold: float = 75.0
    thresholds: tuple[float, ...] = ()
    kind: str = "mean"
    weighted: bool = False
    n_boot: int = 0
    ci: float = 0.95
    draws: Draws | None = None
    reasons: dict[str, Reason] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Respondents with a segment at the threshold used."""
        t = self._table
        hit = t[(t["threshold"] == self.threshold) & (t["measure"] == SEGMENTS[0])]
        return int(hit["n"].iloc[0]) if len(hit) else 0

    def _row(self, threshold: float, measure: str) -> pd.Series:
        t = self._table
        hit = t[(t["threshold"] == float(threshold)) & (t["measure"] == measure)]
        if hit.empty:
            fn = "ThresholdSensitivity"
            raise ArgumentError(f"{fn}: {threshold!r} is not one of the thresholds looked at "
                                f"({', '.join(map(_threshold_key, self.thresholds))})", function=fn,
                                argument="threshold")
        return hit.iloc[0]

    def share(self, threshold: float, segment: str = SEGMENTS[0]) -> Estimate:
        """A segment's share at one threshold, with its interval (``n``: everyone with a segment): Wilson, or
        with weights the survey-weighted logit interval of :func:`cxlib.stats.proportions` (R ``svyciprop``)."""
        checks.choice(segment, SEGMENTS, "ThresholdSensitivity.share", "segment")
        r = self._row(threshold, segment)
        return Estimate(float(r["estimate"]), float(r["ci_low"]), float(r["ci_high"]), int(r["n"]),
                        float(r["n_effective"]) if self.weighted else None,
                        method="survey-weighted logit interval" if self.weighted else "Wilson score interval")

    def multiplier(self, threshold: float) -> Estimate:
        """The value multiplier at one threshold (fully connected ÷ highly satisfied mean value)."""
        r = self._row(threshold, "multiplier")
        why = self.reasons.get(_threshold_key(float(threshold)))
        method = (f"ratio of {'weighted ' if self.weighted else ''}means; BCa bootstrap, {self.n_boot} resamples of "
                  "all respondents shared by every threshold")
        if why is not None:
            return Estimate.missing(why, n=int(r["n"]), n_effective=float(r["n_effective"]), method=method)
        note = "" if self.n_boot else Reason.of("no_bootstrap").sentence
        return Estimate(float(r["estimate"]), float(r["ci_low"]), float(r["ci_high"]), int(r["n"]),
                        float(r["n_effective"]) if self.weighted else None, method, note=note)

    def ranking(self) -> dict[str, list[float]]:
        """Where fully connected customers have the higher mean value: thresholds whose multiplier interval
        lies above 1 (``above``), includes 1 (``unclear``; without intervals: every multiplier above 1), lies
        below 1 (``below``; point estimate below 1 without intervals), or could not be estimated (``missing``)."""
        out: dict[str, list[float]] = {"above": [], "unclear": [], "below": [], "missing": []}
        for t in self.thresholds:
            e = self.multiplier(t)
            if not e.estimable:
                out["missing"].append(t)
            elif e.has_interval:
                out["above" if e.ci_low > 1 else "below" if e.ci_high < 1 else "unclear"].append(t)
            else:
                out["above" if e.estimate > 1 else "below"].append(t)
        return out

    def holds(self) -> bool:
        """True when fully connected customers have the higher mean value at every threshold looked at (every
        interval above 1, or every estimate above 1 without intervals)."""
        r = self.ranking()
        return bool(r["above"]) and not (r["unclear"] or r["below"] or r["missing"])

    def shown(self, min_cell: int = 0) -> dict[str, list[float]]:
        """The thresholds whose fully connected share (``share``) and multiplier (``multiplier``) can be reported:
        estimable, and resting on segments of at least ``min_cell`` respondents."""
        t = self._table
        out: dict[str, list[float]] = {"share": [], "multiplier": []}
        for th in self.thresholds:
            r = t[(t["threshold"] == th) & (t["measure"] == SEGMENTS[0])].iloc[0]
            if r["count"] >= min_cell and np.isfinite(r["estimate"]):
                out["share"].append(th)
            r = t[(t["threshold"] == th) & (t["measure"] == "multiplier")].iloc[0]
            if r["count"] >= min_cell and self.multiplier(th).estimable:
                out["multiplier"].append(th)
        return out

    def headline(self, min_cell: int = 0) -> str:
        """How far the fully connected share and the multiplier depend on the threshold, in words; figures
        resting on a segment below ``min_cell`` respondents are left out and said to be."""
        from . import report

        what = _label(self.value)
        ts = self.thresholds
        if not ts:
            return report.Markdown("No connection threshold was looked at.")
        shown = self.shown(min_cell)
        measure = f"rate of {what}" if self.kind == "rate" else f"mean {what}"
        lines = []
        share_ts, mult_ts = shown["share"], shown["multiplier"]
        parts = []
        if len(share_ts) >= 2:
            lo, hi = self.share(share_ts[0]), self.share(share_ts[-1])
            parts.append(f"the fully connected share runs from {report.percent(lo.estimate)} (at {share_ts[0]:g}) to "
                         f"{report.percent(hi.estimate)} (at {share_ts[-1]:g})")
        if len(mult_ts) >= 2:
            ms = [(t, self.multiplier(t)) for t in mult_ts]
            lo_t, lo_e = min(ms, key=lambda te: te[1].estimate)
            hi_t, hi_e = max(ms, key=lambda te: te[1].estimate)
            parts.append(f"the value multiplier (fully connected ÷ highly satisfied {measure}) lies between "
                         f"{report.number(lo_e.estimate, '{:.2f}')}× (at {lo_t:g}) and "
                         f"{report.number(hi_e.estimate, '{:.2f}')}× (at {hi_t:g})")
        if parts:
            lines.append(f"Between connection thresholds of {ts[0]:g} and {ts[-1]:g} " + ", and ".join(parts) + ".")
        if self.threshold in share_ts:
            e = self.share(self.threshold)
            used = f"At the threshold used, {self.threshold:g}, {report.percent(e.estimate)} are fully connected"
            if self.threshold in mult_ts:
                used += f" and the multiplier is {report.number(self.multiplier(self.threshold).estimate, '{:.2f}')}×"
            lines.append(used + f" (n={e.n:,}).")
        hidden = [t for t in ts if t not in share_ts or t not in mult_ts]
        small = [t for t in hidden if t not in [x for x in ts if _threshold_key(x) in self.reasons]]
        if small and min_cell:
            lines.append(f"At {report.listing([f'{t:g}' for t in small], limit=8)} a segment has fewer than "
                         f"{min_cell:,} respondents, so those figures are not reported.")
        r = self.ranking()
        r = {k: [t for t in v if k == "missing" or t in mult_ts] for k, v in r.items()}
        if r["above"] and not (r["unclear"] or r["below"] or r["missing"]):
            lines.append(f"At every threshold reported, fully connected customers have the higher {measure}"
                         + (" (every interval above 1)" if self.n_boot else "")
                         + ": which segment has the higher value does not depend on where the line is drawn; how "
                         "much higher does.")
        else:
            if r["unclear"]:
                lines.append(f"At {report.listing([f'{t:g}' for t in r['unclear']], limit=8)} the multiplier's interval "
                             "includes 1, so there the difference between the two segments is not clear.")
            if r["below"]:
                lines.append(f"At {report.listing([f'{t:g}' for t in r['below']], limit=8)} highly satisfied customers "
                             f"have the higher {measure}, so the headline's ranking depends on the threshold.")
            for t in r["missing"]:
                lines.append(f"At {t:g} the multiplier cannot be estimated: {self.reasons[_threshold_key(t)]}.")
        return report.Markdown(" ".join(lines))

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Two panels (shares; multiplier) against the threshold; ``ax``: None or a pair of Axes. Returns the pair."""
        from . import plots
        from .report import pretty

        kwargs.setdefault("value_label", pretty(self.value))
        return plots.threshold_sensitivity(self, axes=ax, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The ``results.json`` shape: ``{"value", "threshold", "thresholds", "by_threshold": [{"threshold",
        "used", "segment_shares": {segment: estimate}, "value_multiplier": estimate}], "holds"}``; each estimate
        ``{"estimate", "ci_low", "ci_high", "n", "count"}`` (+ ``n_effective`` weighted, ``note`` when not
        estimable)."""
        from . import report

        rows = []
        for t in self.thresholds:
            shares = {}
            for seg in SEGMENTS:
                r = self._row(t, seg)
                extra = {"n_effective": r["n_effective"]} if self.weighted else {}
                shares[seg] = report.estimate_dict(r["estimate"], r["ci_low"], r["ci_high"], int(r["n"]),
                                                   count=int(r["count"]), **extra)
            r = self._row(t, "multiplier")
            e = self.multiplier(t)
            extra = {"n_effective": r["n_effective"]} if self.weighted else {}
            if e.note:
                extra["note"] = e.note
            rows.append({"threshold": t, "used": t == self.threshold, "segment_shares": shares,
                         "value_multiplier": report.estimate_dict(e.estimate, e.ci_low, e.ci_high, e.n,
                                                                  count=int(r["count"]), **extra)})
        return report.to_jsonable({"value": self.value, "threshold": self.threshold, "thresholds": list(self.thresholds),
                                   "by_threshold": rows, "holds": self.holds()})


def _ratio_jackknife(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Leave-one-out ratio ``((A − a_i)/(B − b_i)) / ((C − c_i)/(D − d_i))`` for every row (A = Σa, ...)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((a.sum() - a) / (b.sum() - b)) / ((c.sum() - c) / (d.sum() - d))


def threshold_sensitivity(
    data: pd.DataFrame,
    *,
    value: str,
    sat_column: str,
    top_box: float,
    threshold: float,
    thresholds: Any = None,
    weight: str | None = None,
    index_column: str = "connection_index",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> ThresholdSensitivity:
    """The segment shares and the value multiplier at several connection thresholds, with intervals.

    How far the headline depends on where the connection line is drawn: at each threshold the respondents
    are assigned to segments again (:func:`cxlib.segments.assign`), and the shares of the three segments and
    the ratio of the fully connected to the highly satisfied segment's mean value are computed.

    Parameters
    ----------
    data : DataFrame
        The analysis frame: the connection index, the satisfaction column, the value column.
    value : str
        Value column of the multiplier.
    sat_column, top_box
        Satisfaction column and its top box (``satisfaction`` in engagement.yaml).
    threshold : float
        The threshold the engagement uses (``connection.threshold``): marked as ``used``, always looked at.
    thresholds : sequence of float, optional
        Thresholds looked at (0–100); default :func:`default_thresholds` (``threshold`` ± 10 in steps of 5).
    weight : str, optional
        Respondent-weight column.
    index_column : str
        Connection index column.
    n_boot, seed, ci
        Bootstrap resamples of the respondents (0: no multiplier interval), seed, confidence level.

    Returns
    -------
    ThresholdSensitivity
        ``.table``: ``threshold, used, measure, estimate, ci_low, ci_high, n, n_effective, count``;
        ``.share(t, segment)``, ``.multiplier(t)``, ``.holds()``, ``.draws``, ``.reasons``.

    Notes
    -----
    Shares are :func:`cxlib.segments.shares` of the segments at each threshold (Wilson interval; with
    weights the survey-weighted logit interval, R ``svyciprop``), so at the threshold used they equal the page's shares. The multiplier is
    ``(Σ_FC w x / Σ_FC w) / (Σ_HS w x / Σ_HS w)`` over respondents with a value, which at the threshold used
    equals :func:`value_multiplier`'s estimate. Its interval is BCa from **one** bootstrap of all respondents
    (with their weights) shared by every threshold: each resample is re-segmented at every threshold, so the
    curve's draws are coherent (a resample's multiplier at 70 and at 80 come from the same customers) and
    the segment sizes vary between resamples, as they do between samples. Each resample's statistics at
    every threshold are one matrix product of its case counts (:func:`cxlib.stats.bootstrap_counts`); the
    acceleration is the closed-form jackknife of the ratio. Because :func:`value_multiplier` resamples
    within the two segments (their sizes fixed), its interval at the threshold used is slightly narrower.

    Checked against a brute-force recomputation (segments assigned again with :func:`cxlib.segments.assign`,
    shares and multiplier recomputed, bootstrap resample by resample) in tests/test_motivators.py, and on
    synthetic data with a planted multiplier.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=0)
    >>> s = threshold_sensitivity(eng.frame(), value="annual_spend", sat_column="overall_sat", top_box=9,
    ...                           threshold=75, thresholds=[70, 80], n_boot=0)
    >>> s.thresholds, [round(s.share(t).estimate, 2) for t in s.thresholds]
    ((70.0, 75.0, 80.0), [0.36, 0.24, 0.16])
    """
    from . import segments as _segments

    fn = "motivators.threshold_sensitivity"
    data = _check_frame(data, fn, by=index_column, weight=weight, value=value)
    checks.numeric(data, fn, index_column=index_column, sat_column=sat_column)
    threshold = checks.positive(threshold, fn, "threshold", allow_zero=True)
    if threshold > 100:
        raise ArgumentError(f"{fn}: threshold is a connection index (0–100), not {threshold:g}", function=fn,
                            argument="threshold")
    if thresholds is None:
        ts = set(default_thresholds(threshold))
    else:
        if isinstance(thresholds, (str, bytes)) or not hasattr(thresholds, "__iter__"):
            raise ArgumentError(f"{fn}: thresholds must be a list of connection indices (0–100), not {thresholds!r}",
                                function=fn, argument="thresholds")
        ts = set()
        for t in thresholds:
            t = checks.positive(t, fn, "thresholds", allow_zero=True)
            if t > 100:
                raise ArgumentError(f"{fn}: thresholds are connection indices (0–100), not {t:g}", function=fn,
                                    argument="thresholds")
            ts.add(float(t))
    ts.add(float(threshold))
    ts_sorted = tuple(sorted(ts))
    n_boot = _n_boot(n_boot, fn)
    ci = checks.level(ci, fn)
    top_box = checks.positive(top_box, fn, "top_box", allow_zero=True)

    w_all = pd.to_numeric(data[weight], errors="coerce") if weight else pd.Series(1.0, index=data.index)
    keep = data[index_column].notna() & w_all.notna()
    sub = data.loc[keep]
    w = w_all[keep].to_numpy(dtype=float)
    x_raw = pd.to_numeric(sub[value], errors="raise").to_numpy(dtype=float)
    has_x = np.isfinite(x_raw)
    x = np.where(has_x, x_raw, 0.0)
    kind = "rate" if _is_binary(x_raw[has_x]) else "mean"

    rows, columns, reasons, estimates = [], [], {}, []
    for t in ts_sorted:
        seg = _segments.assign(sub, threshold=t, sat_column=sat_column, top_box=top_box, index_column=index_column)
        member = {s: (seg == s).to_numpy() for s in SEGMENTS}
        base = seg.notna().to_numpy()
        shares = _segments.shares(pd.DataFrame({"segment": seg, "_w": w}, index=sub.index),
                                  weight="_w" if weight else None, ci=ci).table.set_index("segment")
        for s in SEGMENTS:
            r = shares.loc[s]
            rows.append({"threshold": t, "used": t == threshold, "measure": s, "estimate": float(r["share"]),
                         "ci_low": float(r["ci_low"]), "ci_high": float(r["ci_high"]), "n": int(shares["n"].sum()),
                         "n_effective": float(r["n_effective"]), "count": int(r["n"])})
        fc, hs = member[SEGMENTS[0]] & has_x, member[SEGMENTS[1]] & has_x
        a, b, c, d = w * x * fc, w * fc, w * x * hs, w * hs
        n1, n2 = int(fc.sum()), int(hs.sum())
        n_eff = kish_effective_n(w[fc]) + kish_effective_n(w[hs]) if n1 and n2 else float(n1 + n2)
        why = None
        if n1 == 0 or n2 == 0:
            why = Reason.of("segment_empty", segment=SEGMENTS[0] if n1 == 0 else SEGMENTS[1])
        elif min(n1, n2) < 2:
            why = Reason.of("too_few", n=min(n1, n2), need=2)
        elif c.sum() == 0:
            why = Reason.of("zero_denominator", what=f"mean {_label(value)}")
        est = np.nan if why else float((a.sum() / b.sum()) / (c.sum() / d.sum()))
        if why:
            reasons[_threshold_key(t)] = why
        estimates.append(est)
        rows.append({"threshold": t, "used": t == threshold, "measure": "multiplier", "estimate": est,
                     "ci_low": np.nan, "ci_high": np.nan, "n": n1 + n2, "n_effective": n_eff, "count": min(n1, n2)})
        columns.append(np.column_stack([w * base, *(w * member[s] for s in SEGMENTS), a, b, c, d]))
    table = pd.DataFrame(rows, columns=["threshold", "used", "measure", "estimate", "ci_low", "ci_high", "n",
                                        "n_effective", "count"])
    draws = None
    if n_boot and len(sub):
        M = np.column_stack(columns)  # rows × 8 per threshold: base, the three segments, a, b, c, d
        rng = np.random.default_rng(seed)
        sums = np.vstack([counts @ M for counts in bootstrap_counts(len(sub), n_boot, rng)])
        names, cols = [], []
        for i, t in enumerate(ts_sorted):
            S = sums[:, 8 * i:8 * (i + 1)]
            with np.errstate(divide="ignore", invalid="ignore"):
                for j, s in enumerate(SEGMENTS, 1):
                    names.append(f"{_threshold_key(t)}:{s}")
                    cols.append(S[:, j] / S[:, 0])
                boot = (S[:, 4] / S[:, 5]) / (S[:, 6] / S[:, 7])
            names.append(f"{_threshold_key(t)}:multiplier")
            cols.append(boot)
            if np.isfinite(estimates[i]):
                jack = _ratio_jackknife(*(columns[i][:, k] for k in (4, 5, 6, 7)))
                lo, hi = bca_interval(estimates[i], boot, [jack], ci)
                at = (table["threshold"] == t) & (table["measure"] == "multiplier")
                table.loc[at, ["ci_low", "ci_high"]] = [lo, hi]
        draws = Draws(np.column_stack(cols), names)
    return ThresholdSensitivity(table, value=value, threshold=float(threshold), thresholds=ts_sorted, kind=kind,
                                weighted=weight is not None, n_boot=n_boot, ci=ci, draws=draws, reasons=reasons)


# -- the multiplier raw and adjusted, means and medians ----------------------------------------------------

#: A ratio of medians is given only when fewer than this share of the customers hold the median's own value:
#: a count such as visits, where many customers share the middle value, has a median that moves in whole
#: steps, so its ratio and interval would mislead (the interval can have no width at all).
MEDIAN_MAX_TIED = 0.01


def _median_is_informative(values: np.ndarray) -> bool:
    if len(values) < 2:
        return False
    mid = float(np.median(values))
    return float(np.mean(values == mid)) < MEDIAN_MAX_TIED


def _weighted_medians(x_sorted: np.ndarray, w_sorted: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Weighted median of each resample (rows of ``counts``: how often each case was drawn), the cases sorted
    by value: the value where the cumulative weight reaches half, averaged with the next when it is exactly
    half (so unweighted it is ``np.median``)."""
    cw = np.multiply(counts, w_sorted, dtype=float)
    np.cumsum(cw, axis=1, out=cw)
    half = cw[:, -1] / 2
    tol = 1e-10 * half
    # One binary search per resample on its cumulative weights (the rows are ascending), rather than
    # comparing every cell: the bootstrap of a median at 100,000 respondents is then as cheap as the cumsum.
    lo = np.fromiter((np.searchsorted(row, h - t, side="left") for row, h, t in zip(cw, half, tol)), dtype=np.intp,
                     count=len(cw))
    hi = np.fromiter((np.searchsorted(row, h + t, side="right") for row, h, t in zip(cw, half, tol)), dtype=np.intp,
                     count=len(cw))
    hi = np.minimum(hi, cw.shape[1] - 1)
    return (x_sorted[lo] + x_sorted[hi]) / 2


def weighted_median(x: Any, weights: Any = None) -> float:
    """Weighted median: the value at which the cumulative weight (values ascending) reaches half of the total,
    averaged with the next value when it reaches exactly half. Unweighted it equals ``np.median``.

    Examples
    --------
    >>> weighted_median([1, 2, 3, 4]), weighted_median([1, 2, 3, 4], [1, 1, 1, 5])
    (2.5, 4.0)
    """
    fn = "motivators.weighted_median"
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if x.shape != w.shape or x.ndim != 1:
        raise ArgumentError(f"{fn}: values and weights must be one-dimensional and of the same length", function=fn,
                            argument="weights")
    ok = np.isfinite(x) & np.isfinite(w)
    x, w = x[ok], w[ok]
    if not len(x) or not w.sum() > 0:
        return float("nan")
    order = np.argsort(x, kind="stable")
    return float(_weighted_medians(x[order], w[order], np.ones((1, len(x))))[0])


def _glm_ratio(y: np.ndarray, X: np.ndarray, w: np.ndarray, family: str) -> tuple[np.ndarray, np.ndarray, Any]:
    """Log-link GLM (``family``: ``gamma`` or ``poisson``) of ``y`` on ``X`` with prior weights ``w``: the
    coefficients and their robust (sandwich) covariance, as R ``survey::svyglm`` computes it for a design with
    one stage and these weights: ``n/(n−1) · A⁻¹ B A⁻¹`` with ``A = Σ wᵢ xᵢxᵢ' μᵢ²/V(μᵢ)`` and
    ``B = Σ sᵢsᵢ'``, ``sᵢ = wᵢ xᵢ (yᵢ − μᵢ) μᵢ/V(μᵢ)`` (``V(μ) = μ²`` for gamma, ``μ`` for Poisson)."""
    # The GLM modules alone: statsmodels.api imports every model (half a second of the notebook's time).
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    fam = (families.Gamma(families.links.Log()) if family == "gamma"
           else families.Poisson(families.links.Log()))
    # Converged when the coefficients stop moving (1e-10): the deviance criterion at 1e-12 is below its
    # rounding error on large samples and ran all 200 iterations.
    fit = GLM(y, X, family=fam, var_weights=w / w.mean()).fit(tol=1e-10, tol_criterion="params", maxiter=200)
    beta = np.asarray(fit.params, dtype=float)
    mu = np.exp(X @ beta)
    h = np.ones_like(mu) if family == "gamma" else mu  # μ²/V(μ)
    A = (X * (w * h)[:, None]).T @ X
    s = X * (w * (y - mu) * (1 / mu if family == "gamma" else 1.0))[:, None]
    Ainv = np.linalg.inv(A)
    n = len(y)
    cov = n / (n - 1) * Ainv @ (s.T @ s) @ Ainv
    return beta, cov, fit


@dataclass(frozen=True, eq=False)
class AdjustedMultiplier(Result):
    """The value multiplier in three forms: raw ratio of means, adjusted for covariates, ratio of medians:
    :func:`adjusted_multiplier`'s result.

    Attributes
    ----------
    table : DataFrame
        ``value, measure, estimate, ci_low, ci_high, n, n_effective, method``, one row per measure:
        ``ratio of means``, ``adjusted ratio of means``, ``ratio of medians`` (absent for a 0/1 value).
    raw, adjusted, median : Estimate
        The three forms (``median`` None for a 0/1 value, or a value with at least
        :data:`MEDIAN_MAX_TIED` of the customers holding the median's own value, such as a count of visits: its
        median moves in whole steps, so a ratio of medians and its interval would mislead); each not estimable with its reason where it
        cannot be made (``adjusted`` when no covariate is configured: ``not_configured``).
    multiplier : ValueMultiplier
        The raw multiplier's own result (:func:`value_multiplier`, same seed and resamples).
    covariates : tuple of str
        The covariates adjusted for.
    family : str
        ``gamma`` (a positive value) or ``poisson`` (a value with zeros, or a 0/1 value: a rate ratio).
    model : object
        The fitted statsmodels GLM (None when no model was fitted).
    median_draws : Draws or None
        Bootstrap medians keyed by segment, and their ratio (``"ratio"``).
    skewness : float
        Sample skewness of the value over the two groups' respondents (unweighted; NaN with fewer than three):
        above 1, a few customers account for much of the value, and the ratio of medians is worth reading
        beside the ratio of means.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 800, seed=0)
    >>> m = adjusted_multiplier(eng.frame(), value="annual_spend", covariates=["region", "age_band"], n_boot=100)
    >>> m.table["measure"].tolist()
    ['ratio of means', 'adjusted ratio of means', 'ratio of medians']
    >>> m.family, m.covariates, m.raw.estimate == m.multiplier.estimate
    ('gamma', ('region', 'age_band'), True)
    >>> m.headline().startswith("Fully connected customers have on average")
    True
    """

    value: str = ""
    numerator: str = SEGMENTS[0]
    denominator: str = SEGMENTS[1]
    kind: str = "mean"
    raw: Estimate = field(default_factory=lambda: Estimate.missing(Reason.of("no_data")))
    adjusted: Estimate = field(default_factory=lambda: Estimate.missing(Reason.of("no_data")))
    median: Estimate | None = None
    multiplier: Any = field(default=None, repr=False)
    covariates: tuple[str, ...] = ()
    family: str = "gamma"
    model: Any = field(default=None, repr=False)
    median_draws: Draws | None = None
    skewness: float = float("nan")

    @property
    def n(self) -> int:
        return int(self.raw.n)

    @property
    def skewed(self) -> bool:
        """True when the value is clearly right-skewed (skewness above 1)."""
        return bool(np.isfinite(self.skewness) and self.skewness > 1)

    @property
    def reason(self) -> Reason | None:
        """Why the raw multiplier (and so the others) could not be estimated; None when it could."""
        return self.raw.reason

    def covariate_words(self) -> str:
        """The covariates in words: ``region and age band``."""
        from . import report

        return report.listing([report.text(_label(c)) for c in self.covariates], limit=len(self.covariates) or 1)

    def headline(self) -> str:
        from . import report

        what = _label(self.value)
        num, den = report.text(self.numerator.capitalize()), report.text(self.denominator)
        e = self.raw
        if not e.estimable:
            return report.Markdown(f"The {what} of {self.numerator} and {self.denominator} customers cannot be "
                                   f"compared: {e.note}.")

        def times(est: Estimate) -> str:
            ci = (f"95% CI {report.interval(est.ci_low, est.ci_high, fmt='{:.2f}')}" if est.has_interval
                  else "no interval")
            return f"{report.number(est.estimate, '{:.2f}')}× ({ci}; n={est.n:,})"

        measure = f"the rate of {what}" if self.kind == "rate" else f"the {what}"
        lines = [f"{num} customers have on average {times(e)} {measure} of {den} ones"]
        if self.adjusted.estimable:
            lines.append(f"{times(self.adjusted)} after allowing for {self.covariate_words()}")
        text = ", ".join(lines) + "."
        if self.median is not None and self.median.estimable:
            text += f" The median {self.numerator} customer has {times(self.median)} the median {den} customer's {what}."
        return report.Markdown(text)

    def to_dict(self) -> dict[str, Any]:
        """The ``results.json`` shape: ``{"raw", "adjusted", "median"}`` estimates (``median`` absent for a 0/1
        value), ``"covariates"``, ``"family"``, ``"value"``."""
        from . import report

        out: dict[str, Any] = {"value": self.value, "raw": self.raw.to_dict(), "adjusted": self.adjusted.to_dict(),
                               "covariates": list(self.covariates), "family": self.family}
        if self.median is not None:
            out["median"] = self.median.to_dict()
        return report.to_jsonable(out)


def adjusted_multiplier(
    data: pd.DataFrame,
    *,
    value: str,
    covariates: Any = (),
    by: str = "segment",
    weight: str | None = None,
    numerator: str = SEGMENTS[0],
    denominator: str = SEGMENTS[1],
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
) -> AdjustedMultiplier:
    """The value multiplier raw, adjusted for the engagement's covariates, and as a ratio of medians.

    A ratio of raw means of a skewed value, unadjusted, mixes connection with who the connected customers are
    (their region, age, ...). This gives the raw ratio of means (:func:`value_multiplier`), the ratio of means
    after allowing for ``covariates`` (a log-link regression), and the ratio of the two segments' medians.

    Parameters
    ----------
    data : DataFrame
        The analysis frame with the group column, the value column and the covariates.
    value : str
        Value column.
    covariates : sequence of str
        Covariate columns (``covariates`` in engagement.yaml): text or categorical columns enter as indicators
        (the first level the reference), numeric ones linearly. Respondents missing one are left out of the
        adjusted ratio only.
    by, weight, numerator, denominator
        As :func:`value_multiplier`.
    n_boot, seed, ci
        Bootstrap resamples (raw and median ratios; 0: no intervals), seed, confidence level.

    Returns
    -------
    AdjustedMultiplier
        ``.raw``, ``.adjusted``, ``.median`` (:class:`~cxlib.results.Estimate`), ``.table``, ``.model``.

    Notes
    -----
    **Adjusted.** A generalised linear model with a log link of the value on an indicator of the numerator
    group and the covariates, fitted on the two groups' respondents with their weights: gamma family for a
    positive value (its variance grows with the square of the mean, as spend's does), Poisson (quasi-likelihood)
    when the value has zeros or is 0/1 (then a rate ratio, Zou 2004). The adjusted ratio is ``exp(β)`` of the
    group indicator; with a log link and no interaction it is also the ratio of the two groups' mean value
    standardised to the same covariate mix (every respondent predicted as one group and as the other).
    Without covariates the model reproduces the raw ratio of means exactly. Its interval is Wald on the log
    scale with the robust (sandwich) variance, which does not rely on the family's variance being right and
    equals R ``survey::svyglm``'s for a one-stage design with these weights (checked with R in
    tests/test_motivators.py; coefficients equal R ``glm``'s).

    **Medians.** Weighted medians (:func:`weighted_median`) of the two groups; the interval is the percentile
    interval of a bootstrap within each group (a median's jackknife is unreliable, so no BCa).

    References
    ----------
    McCullagh, P., & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman & Hall.
    Zou, G. (2004). A modified Poisson regression approach to prospective studies with binary data.
    *American Journal of Epidemiology* 159, 702–706.
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley (``svyglm``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> region = rng.choice(["North", "South"], 4000)
    >>> seg = np.where(rng.random(4000) < np.where(region == "North", 0.7, 0.3), "fully connected", "highly satisfied")
    >>> spend = rng.gamma(2, 50 * np.where(seg == "fully connected", 1.5, 1) * np.where(region == "North", 2, 1))
    >>> f = pd.DataFrame({"segment": seg, "region": region, "spend": spend})
    >>> m = adjusted_multiplier(f, value="spend", covariates=["region"], n_boot=200)
    >>> round(m.raw.estimate, 1), round(m.adjusted.estimate, 1)  # planted 1.5; the raw ratio mixes in region
    (1.9, 1.5)
    """
    fn = "motivators.adjusted_multiplier"
    data = _check_frame(data, fn, by=by, weight=weight, value=value)
    covariates = tuple(checks.column_list(data, fn, "covariates", covariates))
    for c in covariates:
        if c in (by, value, weight):
            raise ArgumentError(f"{fn}: covariate {c!r} is the {'group' if c == by else 'value' if c == value else 'weight'}"
                                " column itself", function=fn, argument="covariates")
    raw = value_multiplier(data, value=value, by=by, weight=weight, numerator=numerator, denominator=denominator,
                           n_boot=n_boot, seed=seed, ci=ci)
    n_boot = _n_boot(n_boot, fn)
    ci = checks.level(ci, fn)
    kind = raw.kind
    x1, w1 = _group_arrays(data, value, weight, by, numerator)
    x2, w2 = _group_arrays(data, value, weight, by, denominator)
    allx = np.r_[x1, x2]
    family = "gamma" if len(allx) and kind == "mean" and bool((allx > 0).all()) else "poisson"
    common = dict(value=value, numerator=numerator, denominator=denominator, kind=kind, covariates=covariates,
                  family=family, multiplier=raw)

    # adjusted: log-link GLM on the two groups
    model = None
    method = (f"exp of the {numerator} coefficient of a log-link {family} regression on "
              + (", ".join(covariates) if covariates else "nothing else")
              + "; robust (sandwich) Wald interval")
    sub = data[data[by].isin([numerator, denominator])]
    y = pd.to_numeric(sub[value], errors="raise")
    ws = pd.to_numeric(sub[weight], errors="coerce") if weight else pd.Series(1.0, index=sub.index)
    ok = y.notna() & ws.notna()
    for c in covariates:
        ok &= sub[c].notna()
    sub, y, ws = sub[ok], y[ok].to_numpy(dtype=float), ws[ok].to_numpy(dtype=float)
    n_adj = len(sub)
    in_num = (sub[by] == numerator).to_numpy()
    n_eff_adj = (kish_effective_n(ws[in_num]) if in_num.any() else 0.0) + \
        (kish_effective_n(ws[~in_num]) if (~in_num).any() else 0.0)
    if not covariates:
        adjusted = Estimate.missing(Reason.of("not_configured", what="covariates to adjust for"), n=n_adj,
                                    n_effective=n_eff_adj if weight else None, method=method)
    elif not raw.estimable:
        adjusted = Estimate.missing(raw.reason or Reason.of("no_data"), n=n_adj,
                                    n_effective=n_eff_adj if weight else None, method=method)
    else:
        parts = [pd.Series(1.0, index=sub.index, name="const"),
                 (sub[by] == numerator).astype(float).rename("group")]
        for c in covariates:
            col = sub[c]
            if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
                parts.append(col.astype(float).rename(c))
            else:
                parts.append(pd.get_dummies(col.astype(str), prefix=c, drop_first=True, dtype=float))
        X = pd.concat(parts, axis=1)
        X = X.loc[:, (X.std() > 0) | (X.columns == "const")]
        # drop columns that repeat others (a covariate level that coincides with the group, ...)
        # (a column is kept when it adds a dimension to those before it: the diagonal of R in X = QR)
        rdiag = np.abs(np.diag(np.linalg.qr(X.to_numpy(dtype=float), mode="r")))
        keep_cols = [col for col, r in zip(X.columns, rdiag) if r > 1e-9 * max(1.0, float(rdiag.max()))]
        if "group" not in keep_cols:
            adjusted = Estimate.missing(Reason.of("collinear", names=f"{numerator} and the covariates"), n=n_adj,
                                        n_effective=n_eff_adj if weight else None, method=method)
        else:
            Xm = X[keep_cols].to_numpy(dtype=float)
            import warnings

            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    beta, cov, model = _glm_ratio(y, Xm, ws, family)
                j = keep_cols.index("group")
                se = float(np.sqrt(cov[j, j]))
                z = _st.norm.ppf(0.5 + ci / 2)
                if not (np.isfinite(beta[j]) and np.isfinite(se)):
                    raise np.linalg.LinAlgError("no finite estimate")
                adjusted = Estimate(float(np.exp(beta[j])), float(np.exp(beta[j] - z * se)),
                                    float(np.exp(beta[j] + z * se)), n_adj, n_eff_adj if weight else None, method)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError):
                adjusted = Estimate.missing(Reason.of("separation"), n=n_adj, n_effective=n_eff_adj if weight else None,
                                            method=method)

    # medians
    median = None
    median_draws = None
    if kind == "mean" and _median_is_informative(allx):
        mmethod = (f"ratio of {'weighted ' if weight else ''}medians; percentile bootstrap, {n_boot} resamples within "
                   "each segment")
        n_med = len(x1) + len(x2)
        n_eff = kish_effective_n(w1) + kish_effective_n(w2) if len(x1) and len(x2) else float(n_med)
        e_kw = dict(n=n_med, n_effective=n_eff if weight else None, method=mmethod)
        if not raw.estimable:
            median = Estimate.missing(raw.reason or Reason.of("no_data"), **e_kw)
        else:
            med1, med2 = weighted_median(x1, w1), weighted_median(x2, w2)
            if med2 == 0:
                median = Estimate.missing(Reason.of("zero_denominator", what=f"median {_label(value)}"), **e_kw)
            elif not n_boot:
                median = Estimate(med1 / med2, np.nan, np.nan, note=Reason.of("no_bootstrap").sentence, **e_kw)
            else:
                rng = np.random.default_rng([seed, 1])
                boots = []
                for xg, wg in ((x1, w1), (x2, w2)):
                    order = np.argsort(xg, kind="stable")
                    xs, wsrt = xg[order], wg[order]
                    boots.append(np.concatenate([_weighted_medians(xs, wsrt, counts)
                                                 for counts in bootstrap_counts(len(xg), n_boot, rng)]))
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = boots[0] / boots[1]
                lo, hi = percentile_interval(ratio, ci)
                median = Estimate(med1 / med2, float(lo), float(hi), **e_kw)
                median_draws = Draws(np.column_stack([boots[0], boots[1], ratio]), [numerator, denominator, "ratio"])
    rows = []
    for label, e in (("ratio of means", raw.ratio), ("adjusted ratio of means", adjusted), ("ratio of medians", median)):
        if e is None:
            continue
        rows.append({"value": value, "measure": label, "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high,
                     "n": e.n, "n_effective": e.n_effective, "method": e.method})
    table = pd.DataFrame(rows, columns=["value", "measure", "estimate", "ci_low", "ci_high", "n", "n_effective", "method"])
    skew = float(_st.skew(allx, bias=False)) if len(allx) >= 3 and np.ptp(allx) > 0 else float("nan")
    return AdjustedMultiplier(table, raw=raw.ratio, adjusted=adjusted, median=median, model=model,
                              median_draws=median_draws, skewness=skew, **common)


@dataclass(frozen=True, eq=False)
class MotivatorRanking(Result):
    """Which motivators are most linked to a value: :func:`rank`'s result.

    Attributes
    ----------
    table : DataFrame
        ``motivator, weight, rescaled, ci_low, ci_high, rank, sign, in_top, n``, best first: ``weight`` is the raw
        relative weight (they sum to R²), ``rescaled`` the percent of R² explained with its percentile interval,
        ``in_top`` the share of resamples in which the motivator ranks among the first ``top``.
    value : str
        The outcome ranked on.
    r2, r2_p_value : float
        R² of the motivators together and the p-value of its F test (None for the logistic variant).
    n_effective : float
        Kish effective sample size.
    method, missing : str
        ``linear`` or ``logistic``; the missing-answer rule.
    top : int
        How many motivators are named as the top ones.
    draws : Draws or None
        Bootstrap draws of ``rescaled``, keyed by motivator.
    excluded : dict
        ``{motivator: Reason}`` left out (scores that do not vary or repeat another's).
    relative_weights : object
        The :func:`cxlib.drivers.relative_weights` result behind the ranking.
    reason : Reason or None
        Set when the motivators cannot be ranked (fewer than two vary).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> r = rank(eng.frame(), eng.codebook, value="annual_spend", n_boot=50)
    >>> r.table.columns.tolist(), r.value, r.top
    (['motivator', 'weight', 'rescaled', 'ci_low', 'ci_high', 'rank', 'sign', 'in_top', 'n'], 'annual_spend', 3)
    >>> len(r.table), r.table["rank"].tolist()[:3], round(float(r.table["rescaled"].sum()), 6)
    (10, [1, 2, 3], 100.0)
    >>> r.explains == (len(r.top_motivators()) == r.top)
    True
    """

    value: str = ""
    r2: float = float("nan")
    r2_p_value: float | None = None
    n_used: int = 0
    n_effective: float | None = None
    method: str = ""
    missing: str = "listwise"
    top: int = 3
    n_boot: int = 0
    draws: Draws | None = None
    excluded: dict[str, Reason] = field(default_factory=dict)
    relative_weights: Any = field(default=None, repr=False)
    reason: Reason | None = None

    @property
    def n(self) -> int:
        """Respondents in the model (a score on every motivator and a value)."""
        return int(self.n_used)

    @property
    def explains(self) -> bool:
        """True unless the F test says the motivators explain no more than chance (p ≥ 0.05)."""
        return self.reason is None and (self.r2_p_value is None or self.r2_p_value < 0.05)

    def top_motivators(self) -> list[dict[str, Any]]:
        """The ``results.json`` entry: the first ``top`` motivators as ``{"motivator", "estimate", "ci_low",
        "ci_high", "n", "r2", "value"}`` (percent of R², the R² of all motivators together, the value column),
        or ``[]`` when the motivators explain nothing."""
        from . import report

        if not self.explains:
            return []
        return [{"motivator": r.motivator, **report.estimate_dict(r.rescaled, r.ci_low, r.ci_high, self.n),
                 "r2": self.r2, "value": self.value}
                for r in self._table.head(self.top).itertuples()]

    def headline(self) -> str:
        from . import report

        what = _label(self.value)
        if self.reason is not None:
            return report.Markdown(f"The emotional motivators cannot be ranked on {what}: {self.reason}.")
        if not self.explains:
            return report.Markdown(
                f"The emotional motivators do not measurably explain {what} for this client (together "
                f"R² = {self.r2:.2f}, {report.p_value(self.r2_p_value)}, n={self.n:,}), so no motivator is named as a "
                "driver of it.")
        top = self._table.head(self.top)
        names = [f"**{report.text(m[:1].upper() + m[1:])}**" for m in top["motivator"]]
        return report.Markdown(
            f"The emotional motivators most linked to {what} for this client: {report.listing(names, limit=self.top)} "
            f"(together {top['rescaled'].sum():.0f}% of the variation the motivators explain; "
            f"R² = {self.r2:.2f}, n={self.n:,}).")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots
        from .report import pretty

        kwargs.setdefault("outcome_label", pretty(self.value))
        kwargs.setdefault("title", f"The motivators most linked to {kwargs['outcome_label'].lower()} (n={self.n:,})")
        return plots.motivator_ranking(self, ax=ax, **kwargs)


def rank(
    data: pd.DataFrame,
    codebook: pd.DataFrame,
    *,
    value: str,
    weight: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    top: int = 3,
) -> MotivatorRanking:
    """Which motivators are most linked to a value: relative weights of the motivator scores, with bootstrap CIs.

    Parameters
    ----------
    data : DataFrame
        The analysis frame.
    codebook : DataFrame
        Defines the motivators.
    value : str
        Outcome column (a value column, advocacy, ...).
    weight : str, optional
        Respondent-weight column.
    n_boot, seed, ci
        Bootstrap resamples (0: no intervals), seed and confidence level of the intervals on ``rescaled``.
    top : int
        ``in_top`` is the share of resamples in which the motivator ranks among the first ``top``.

    Returns
    -------
    MotivatorRanking
        ``.table``: ``motivator, weight, rescaled, ci_low, ci_high, rank, sign, in_top, n``, best first.
        ``.r2``, ``.r2_p_value``, ``.n``, ``.n_effective``, ``.draws`` (keyed by motivator), ``.excluded``
        (``{motivator: Reason}`` for motivators left out because their scores do not vary or repeat another's;
        see :func:`cxlib.drivers.uninformative`). Fewer than two varying motivators give a result with a
        ``reason`` and an empty table.

    Notes
    -----
    Johnson's relative weights (:func:`cxlib.drivers.relative_weights`, checked there against a plain
    eigen-decomposition and the ``rwa`` package) of the motivator scores; ranks in each bootstrap resample
    give ``in_top``, matched to motivators by name.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> r = rank(f, cb, value="annual_spend", weight="resp_weight", n_boot=100)
    >>> r.table.columns.tolist()
    ['motivator', 'weight', 'rescaled', 'ci_low', 'ci_high', 'rank', 'sign', 'in_top', 'n']
    >>> round(float(r.table["rescaled"].sum()), 6)
    100.0
    """
    fn = "motivators.rank"
    data = checks.frame(data, fn)
    checks.numeric(data, fn, value=value, weight=weight)
    _check_items(data, codebook, fn)
    n_boot = _n_boot(n_boot, fn)
    ci = checks.level(ci, fn)
    top = checks.count(top, fn, "top", minimum=1)
    columns = ["motivator", "weight", "rescaled", "ci_low", "ci_high", "rank", "sign", "in_top", "n"]
    scores = motivator_scores(data, codebook)
    # A motivator whose score does not vary (or repeats another's) is named and left out, not fatal.
    excluded = _excluded_reasons(drivers.uninformative(scores, what="scored"))
    scores = scores.drop(columns=list(excluded))
    if scores.shape[1] < 2:
        return MotivatorRanking(pd.DataFrame(columns=columns), value=value, top=top, n_boot=n_boot, excluded=excluded,
                                reason=Reason.of("too_few_varying", k=scores.shape[1]))
    rw = drivers.relative_weights(scores, data[value], weights=data[weight] if weight else None,
                                  n_boot=n_boot, seed=seed, ci=ci)
    if getattr(rw, "reason", None) is not None:
        return MotivatorRanking(pd.DataFrame(columns=columns), value=value, n_used=int(rw.n), top=top, n_boot=n_boot,
                                excluded=excluded, relative_weights=rw, reason=rw.reason)
    t = rw.table
    out = t.rename(columns={"predictor": "motivator", "raw": "weight"})
    names = out["motivator"].tolist()
    if n_boot > 0 and rw.draws is not None:
        boot = rw.draws.columns(names)
        ranks = (-boot).argsort(axis=1).argsort(axis=1)
        out["in_top"] = (ranks < top).mean(axis=0)
    else:
        out["in_top"] = np.nan
    out = out.sort_values("rescaled", ascending=False, kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out["n"] = int(rw.n)
    return MotivatorRanking(out[columns], value=value, r2=float(rw.r2), r2_p_value=rw.r2_p_value, n_used=int(rw.n),
                            n_effective=rw.n_effective, method=rw.method, missing=rw.missing, top=top, n_boot=n_boot,
                            draws=rw.draws, excluded=excluded, relative_weights=rw)
