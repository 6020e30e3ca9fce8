"""Emotional motivators: scale reliability, segment profiles, the value of connection, and which
motivators drive value for this client.

Every function takes the analysis frame (``Engagement.frame()``) and the codebook and returns a tidy
DataFrame or an ``Estimate``; nothing is rounded and nothing is written.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import drivers
from .segments import SEGMENTS
from .results import Estimate
from .stats import bca_interval, kish_effective_n, weighted_mean_jackknife

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
]

#: The ten high-impact emotional motivators (DESIGN §1), in their plain-language names.
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

    scales = {r.column: (float(r.scale_min), float(r.scale_max))
              for r in codebook[codebook["role"] == "motivator_item"].itertuples()}
    return pd.DataFrame({m: connection_index(frame[cols], scale={c: scales[c] for c in cols})
                         for m, cols in motivator_items(codebook).items()}, index=frame.index)


def _cronbach(data: pd.DataFrame) -> float:
    k = data.shape[1]
    cov = data.cov()  # pairwise-complete covariances, as pingouin's default nan_policy="pairwise"
    return float(k / (k - 1) * (1 - np.trace(cov.to_numpy()) / cov.to_numpy().sum()))


def reliability(frame: pd.DataFrame, codebook: pd.DataFrame, *, ci: float = 0.95, adequate: float = 0.7) -> pd.DataFrame:
    """Cronbach's alpha of each motivator scale, with Feldt's confidence interval.

    Parameters
    ----------
    frame : DataFrame
        Holds the motivator item columns.
    codebook : DataFrame
        Names each item's motivator.
    ci : float
        Confidence level.
    adequate : float
        Alpha below which a scale is flagged as unreliable (0.7, the usual rule of thumb).

    Returns
    -------
    DataFrame
        ``motivator, n_items, n, alpha, ci_low, ci_high, adequate``. Scales with a single item have no
        alpha (NaN) and are not flagged.

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
    >>> r.columns.tolist()
    ['motivator', 'n_items', 'n', 'alpha', 'ci_low', 'ci_high', 'adequate']
    """
    rows = []
    for motivator, cols in motivator_items(codebook).items():
        data = frame[cols].astype(float)
        n = int(data.notna().any(axis=1).sum())
        k = len(cols)
        alpha = lo = hi = np.nan
        if k >= 2 and n >= 2:
            alpha = _cronbach(data)
            df1, df2 = n - 1, (n - 1) * (k - 1)
            tail = (1 - ci) / 2
            lo = 1 - (1 - alpha) * _st.f.isf(tail, df1, df2)
            hi = 1 - (1 - alpha) * _st.f.isf(1 - tail, df1, df2)
        rows.append({"motivator": motivator, "n_items": k, "n": n, "alpha": alpha, "ci_low": lo, "ci_high": hi,
                     "adequate": bool(alpha >= adequate) if np.isfinite(alpha) else True})
    return pd.DataFrame(rows)


def item_loadings(frame: pd.DataFrame, codebook: pd.DataFrame, *, min_loading: float = 0.3) -> pd.DataFrame:
    """Exploratory factor analysis of the motivator items: does each item load on its own motivator?

    One factor per motivator is extracted (maximum likelihood, statsmodels ``Factor``; oblimin rotation,
    since motivators correlate). Each motivator's factor is the one most of its items load on most strongly.

    Returns
    -------
    DataFrame
        ``item, motivator, factor, loading, intended_factor, intended_loading, loads_as_intended``:
        ``loads_as_intended`` is False when the item's strongest loading is on another motivator's
        factor or its loading on its own factor is below ``min_loading``. ``attrs["n"]`` is the number of
        complete respondents used; ``attrs["excluded"]`` names items left out because everyone gave them
        the same answer (``{item: reason}``).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> item_loadings(f, cb).columns.tolist()
    ['item', 'motivator', 'factor', 'loading', 'intended_factor', 'intended_loading', 'loads_as_intended']
    """
    from statsmodels.multivariate.factor import Factor

    groups = motivator_items(codebook)
    cols = [c for cs in groups.values() for c in cs]
    data = frame[cols].astype(float).dropna()
    # An item everyone answered the same has no correlation with anything: the factor model cannot be fitted
    # with it. Such items (and a motivator left with none) are named in attrs["excluded"].
    excluded = drivers.uninformative(data, what="answered")
    excluded = {c: why for c, why in excluded.items() if why.startswith(("every", "nobody"))}
    groups = {m: [c for c in items if c not in excluded] for m, items in groups.items()}
    groups = {m: items for m, items in groups.items() if items}
    cols = [c for cs in groups.values() for c in cs]
    data = data[cols]
    n_factors = len(groups)
    fa = Factor(data.to_numpy(), n_factor=n_factors, method="ml").fit()
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
                         "loads_as_intended": bool(primary[item] == intended and abs(own) >= min_loading)})
    out = pd.DataFrame(rows)
    out.attrs["n"] = len(data)
    out.attrs["excluded"] = excluded
    return out


def profiles(frame: pd.DataFrame, codebook: pd.DataFrame, *, weight: str | None = None, ci: float = 0.95) -> pd.DataFrame:
    """How each segment scores on each motivator (0–100), with a t interval on the effective n.

    Returns
    -------
    DataFrame
        ``segment, motivator, n, n_effective, mean, ci_low, ci_high``.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> profiles(f, cb, weight="resp_weight").columns.tolist()
    ['segment', 'motivator', 'n', 'n_effective', 'mean', 'ci_low', 'ci_high']
    """
    scores = motivator_scores(frame, codebook)
    rows = []
    for seg in SEGMENTS:
        mask = (frame["segment"] == seg).to_numpy()
        for m in scores.columns:
            x = scores.loc[mask, m]
            w = frame.loc[mask, weight] if weight else pd.Series(1.0, index=x.index)
            ok = x.notna() & w.notna()
            x, w = x[ok].to_numpy(), w[ok].to_numpy(dtype=float)
            n = len(x)
            mean = lo = hi = np.nan
            n_eff = kish_effective_n(w) if n else 0.0
            if n >= 2:
                mean = float(np.average(x, weights=w))
                var = float(np.average((x - mean) ** 2, weights=w)) * n / (n - 1)
                half = _st.t.ppf(0.5 + ci / 2, max(n_eff - 1, 1)) * np.sqrt(var / n_eff)
                lo, hi = mean - half, mean + half
            rows.append({"segment": seg, "motivator": m, "n": n, "n_effective": n_eff, "mean": mean,
                         "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def _group_arrays(frame: pd.DataFrame, value: str, weight: str | None, segment: str) -> tuple[np.ndarray, np.ndarray]:
    sub = frame[frame["segment"] == segment]
    x = pd.to_numeric(sub[value], errors="raise")
    w = sub[weight].astype(float) if weight else pd.Series(1.0, index=sub.index)
    ok = x.notna() & w.notna()
    return x[ok].to_numpy(dtype=float), w[ok].to_numpy(dtype=float)


def _boot_means(x: np.ndarray, w: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap distribution of the weighted mean (respondents resampled with their weights)."""
    n = len(x)
    out = []
    per_chunk = max(1, min(n_boot, 8_000_000 // max(n, 1)))
    equal = bool(np.all(w == w[0]))
    # Gather in single precision (half the memory traffic), accumulate in double.
    wx = (w * x).astype(np.float32)
    w32 = w.astype(np.float32)
    done = 0
    while done < n_boot:  # chunks bound the memory; each chunk is one vectorised gather
        b = min(per_chunk, n_boot - done)
        idx = rng.integers(0, n, size=(b, n), dtype=np.int32)
        num = wx[idx].sum(axis=1, dtype=np.float64)
        out.append(num / (n * float(w[0])) if equal else num / w32[idx].sum(axis=1, dtype=np.float64))
        done += b
    return np.concatenate(out)


def _is_binary(x: np.ndarray) -> bool:
    return bool(len(x)) and bool(np.isin(x, (0.0, 1.0)).all())


def value_by_segment(
    frame: pd.DataFrame,
    value: str,
    *,
    weight: str | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Mean value (or rate, for a 0/1 outcome) of each segment, with BCa bootstrap intervals.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame with ``segment`` and the value column.
    value : str
        Value column (e.g. annual spend, or a 0/1 outcome such as consolidated assets).
    weight : str, optional
        Respondent-weight column: weighted means, respondents resampled with their weights.
    n_boot, seed, ci
        Bootstrap resamples, seed, confidence level.

    Returns
    -------
    DataFrame
        ``segment, n, n_effective, mean, ci_low, ci_high``; ``attrs["kind"]`` is ``"rate"`` for a 0/1
        value and ``"mean"`` otherwise. Respondents with a missing value are left out.

    Notes
    -----
    Each segment is resampled on its own (``n_boot`` resamples); intervals are BCa (Efron 1987) with the
    acceleration from the closed-form jackknife of the weighted mean.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> v = value_by_segment(f, "annual_spend", weight="resp_weight", n_boot=200)
    >>> v.columns.tolist()
    ['segment', 'n', 'n_effective', 'mean', 'ci_low', 'ci_high']
    """
    rng = np.random.default_rng(seed)
    rows = []
    all_x = []
    for seg in SEGMENTS:
        x, w = _group_arrays(frame, value, weight, seg)
        all_x.append(x)
        mean = lo = hi = np.nan
        if len(x) >= 2:
            mean = float(np.average(x, weights=w))
            boot = _boot_means(x, w, n_boot, rng)
            lo, hi = bca_interval(mean, boot, [weighted_mean_jackknife(x, w)], ci)
        elif len(x) == 1:
            mean = float(x[0])
        rows.append({"segment": seg, "n": len(x), "n_effective": kish_effective_n(w), "mean": mean,
                     "ci_low": lo, "ci_high": hi})
    out = pd.DataFrame(rows)
    out.attrs["kind"] = "rate" if _is_binary(np.concatenate(all_x)) else "mean"
    return out


def value_multiplier(
    frame: pd.DataFrame,
    value: str,
    *,
    weight: str | None = None,
    numerator: str = "fully connected",
    denominator: str = "highly satisfied",
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
) -> Estimate:
    """How many times more a fully connected customer is worth than a highly satisfied one.

    The ratio of the two segments' mean value (a rate ratio for a 0/1 outcome: "6× likelier to
    consolidate assets"), with a BCa bootstrap interval.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame with ``segment`` and the value column.
    value : str
        Value column.
    weight : str, optional
        Respondent-weight column.
    numerator, denominator : str
        Segments compared (default fully connected over highly satisfied).
    n_boot, seed, ci
        Bootstrap resamples, seed, confidence level.

    Returns
    -------
    Estimate
        ``estimate, ci_low, ci_high, n`` (respondents in both segments), ``n_effective`` and ``method``.

    Notes
    -----
    Each segment is resampled independently (two-sample bootstrap) with respondents' weights; the
    interval is BCa, its acceleration from the closed-form jackknife of each segment's weighted mean.
    Given the same bootstrap distribution the interval equals ``scipy.stats.bootstrap(method="BCa")``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"segment": ["fully connected"] * 300 + ["highly satisfied"] * 300,
    ...                   "spend": np.r_[rng.gamma(2, 100, 300), rng.gamma(2, 50, 300)]})
    >>> est = value_multiplier(f, "spend", n_boot=500)
    >>> est.ci_low < 2 < est.ci_high
    True
    """
    x1, w1 = _group_arrays(frame, value, weight, numerator)
    x2, w2 = _group_arrays(frame, value, weight, denominator)
    n = len(x1) + len(x2)
    n_eff = kish_effective_n(w1) + kish_effective_n(w2)
    method = f"ratio of {'weighted ' if weight else ''}means; BCa bootstrap, {n_boot} resamples within each segment"
    if len(x1) < 2 or len(x2) < 2:
        return Estimate(np.nan, np.nan, np.nan, n, n_eff, method,
                        note=f"too few respondents to compare ({numerator}: {len(x1)}, {denominator}: {len(x2)})")
    m1, m2 = np.average(x1, weights=w1), np.average(x2, weights=w2)
    if m2 == 0:
        return Estimate(np.nan, np.nan, np.nan, n, n_eff, method, note=f"mean {value} of {denominator} is zero")
    rng = np.random.default_rng(seed)
    b1, b2 = _boot_means(x1, w1, n_boot, rng), _boot_means(x2, w2, n_boot, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = b1 / b2
    jack = [weighted_mean_jackknife(x1, w1) / m2, m1 / weighted_mean_jackknife(x2, w2)]
    lo, hi = bca_interval(m1 / m2, boot, jack, ci)
    return Estimate(float(m1 / m2), lo, hi, n, n_eff, method)


def rank(
    frame: pd.DataFrame,
    codebook: pd.DataFrame,
    outcome: str,
    *,
    weight: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    top: int = 3,
) -> pd.DataFrame:
    """Which motivators drive an outcome: relative weights of the motivator scores, with bootstrap CIs.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame.
    codebook : DataFrame
        Defines the motivators.
    outcome : str
        Outcome column (a value column, advocacy, ...).
    weight : str, optional
        Respondent-weight column.
    n_boot, seed, ci
        Bootstrap resamples, seed and confidence level of the intervals on ``rescaled``.
    top : int
        ``in_top`` is the share of resamples in which the motivator ranks among the first ``top``.

    Returns
    -------
    DataFrame
        ``motivator, weight, rescaled, ci_low, ci_high, rank, in_top``, best first: ``weight`` is the raw
        relative weight (they sum to R²), ``rescaled`` the percent of R² explained, with its percentile
        interval. ``attrs``: ``r2``, ``n``, ``n_effective`` and ``excluded`` (``{motivator: reason}`` for
        motivators left out because their scores do not vary or repeat another's; see
        :func:`cxlib.drivers.uninformative`).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> r = rank(f, cb, "annual_spend", weight="resp_weight", n_boot=100)
    >>> r.columns.tolist()
    ['motivator', 'weight', 'rescaled', 'ci_low', 'ci_high', 'rank', 'sign', 'in_top']
    >>> round(float(r["rescaled"].sum()), 6)
    100.0
    """
    scores = motivator_scores(frame, codebook)
    # A motivator whose score does not vary (or repeats another's) is named and left out, not fatal.
    excluded = drivers.uninformative(scores, what="scored")
    scores = scores.drop(columns=list(excluded))
    if scores.shape[1] < 2:
        raise ValueError(f"rank: fewer than two motivators have varying scores (left out: {excluded}); the "
                         "motivators cannot be ranked")
    rw = drivers.relative_weights(scores, frame[outcome], weights=frame[weight] if weight else None,
                                  n_boot=n_boot, seed=seed, ci=ci)
    out = rw.rename(columns={"predictor": "motivator", "raw": "weight"})
    if n_boot > 0:
        boot = rw.attrs["bootstrap"]
        ranks = (-boot).argsort(axis=1).argsort(axis=1)
        out["in_top"] = (ranks < top).mean(axis=0)
    else:
        out["in_top"] = np.nan
    out = out.sort_values("rescaled", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(5, "rank", np.arange(1, len(out) + 1))
    out.attrs = {k: v for k, v in rw.attrs.items() if k != "bootstrap"}
    out.attrs["excluded"] = excluded
    return out
