"""Shared statistical helpers: effective sample size, intervals for proportions, the bootstrap engine.

Everything here takes arrays or Series and returns numbers or DataFrames; nothing is rounded. This is the
one implementation of each: the bootstrap resamples (:func:`bootstrap_indices`, :func:`bootstrap_counts`),
percentile intervals (:func:`percentile_interval`) and BCa intervals (:func:`bca_interval`). Single
estimates are :class:`cxlib.results.Estimate`.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
import numpy as np
import pandas as pd
from scipy import stats as _st

from . import checks

__all__ = [
    "kish_effective_n",
    "wilson_interval",
    "weighted_mean_se",
    "weighted_share_interval",
    "proportions",
    "bootstrap_indices",
    "bootstrap_counts",
    "weighted_mean_jackknife",
    "bca_interval",
    "percentile_interval",
]


def kish_effective_n(weights: np.ndarray | pd.Series) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` of a set of respondent weights.

    Equal weights give ``n``; unequal weights give less. Missing weights are ignored.

    Examples
    --------
    >>> kish_effective_n([1, 1, 1, 1])
    4.0
    >>> round(kish_effective_n([1, 3]), 3)
    1.6
    """
    w = np.asarray(weights, dtype=float)
    w = w[np.isfinite(w)]
    if w.size == 0:
        return 0.0
    return float(w.sum() ** 2 / np.square(w).sum())


def wilson_interval(p: np.ndarray | float, n: np.ndarray | float, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``p`` observed on ``n`` (possibly effective) cases.

    Notes
    -----
    ``(p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)``. With weights, pass the weighted share and
    Kish's effective n. Checked against ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

    Examples
    --------
    >>> lo, hi = wilson_interval(0.2, 100)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.1334, 0.2888)
    """
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _st.norm.ppf(0.5 + ci / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    # Exact arithmetic puts p inside [lo, hi] and both inside [0, 1]; clip the rounding (at p = 0 the
    # lower bound came out as 3e-17).
    lo = np.clip(centre - half, 0.0, p)
    hi = np.clip(centre + half, p, 1.0)
    return lo, hi


def weighted_mean_se(x: np.ndarray | pd.Series, weights: np.ndarray | pd.Series | None = None) -> tuple[float, float]:
    """Weighted mean and its design-based (linearisation) standard error, as R ``survey::svymean``.

    Parameters
    ----------
    x : array-like
        Values (a 0/1 indicator gives a share).
    weights : array-like, optional
        Respondent weights; without them the plain mean and ``s / √n``.

    Returns
    -------
    tuple of float
        ``(mean, se)``; NaN when empty, se NaN with a single case.

    Notes
    -----
    ``x̄ = Σwx / Σw`` and ``Var = n/(n−1) Σ w_i² (x_i − x̄)² / (Σw)²``: the with-replacement (Taylor
    linearisation) variance of a ratio mean for a one-stage design of independent respondents,
    ``svymean(~x, svydesign(ids = ~1, weights = ~w))``. It accounts for how the weights vary together with
    the values, which Kish's ``s² / n_eff`` does not. Unweighted it is ``s² / n``. Equal to R's ``svymean``
    ``SE`` to 1e-12 (tests/test_r_reference.py).

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, §2.2. Wiley.

    Examples
    --------
    >>> m, se = weighted_mean_se([1.0, 2.0, 6.0], [1.0, 1.0, 2.0])
    >>> round(m, 3), round(se, 3)
    (3.75, 1.701)
    """
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    n = x.size
    if n == 0 or w.sum() <= 0:
        return (np.nan, np.nan)
    total = float(w.sum())
    mean = float(np.dot(w, x) / total)
    if n < 2:
        return (mean, np.nan)
    var = n / (n - 1) * float(np.sum((w * (x - mean)) ** 2)) / total**2
    return mean, float(np.sqrt(var))


def weighted_share_interval(hit: np.ndarray | pd.Series, weights: np.ndarray | pd.Series,
                            ci: float = 0.95) -> tuple[float, float, float]:
    """Weighted share and its interval, as R ``survey::svyciprop(method = "logit")``: ``(share, lo, hi)``.

    Parameters
    ----------
    hit : array-like of bool or 0/1
        Whether each respondent is in the category.
    weights : array-like
        Respondent weights.
    ci : float
        Confidence level.

    Notes
    -----
    ``expit(logit p ± t_{n−1} · se / (p (1 − p)))`` with ``p`` and ``se`` from :func:`weighted_mean_se` (the
    delta method on the logit scale; ``t`` on the design's ``n − 1`` degrees of freedom, as
    ``svyciprop``'s default ``df = degf(design)``). The logit interval stays inside (0, 1) and is asymmetric
    near the ends, like Wilson's. At a share of exactly 0 or 1 the logit is undefined (R returns a
    zero-width interval there); the Wilson interval on Kish's effective n is given instead. Equal to R's
    ``svyciprop`` to 1e-9 (tests/test_r_reference.py).

    Examples
    --------
    >>> p, lo, hi = weighted_share_interval([1, 0, 0, 1, 0, 0, 0, 1], [1.0, 2.0, 1.0, 0.5, 1.0, 1.5, 1.0, 1.0])
    >>> round(p, 3), round(lo, 3), round(hi, 3)
    (0.278, 0.053, 0.725)
    """
    ci = checks.level(ci, "stats.weighted_share_interval")
    x = np.asarray(hit, dtype=float)
    w = np.asarray(weights, dtype=float)
    p, se = weighted_mean_se(x, w)
    if not np.isfinite(p):
        return (np.nan, np.nan, np.nan)
    if p <= 0.0 or p >= 1.0 or not np.isfinite(se):
        lo, hi = wilson_interval(p, kish_effective_n(w), ci)
        return p, float(lo), float(hi)
    t = float(_st.t.ppf(0.5 + ci / 2, x.size - 1))
    centre = np.log(p / (1 - p))
    half = t * se / (p * (1 - p))
    return p, float(1 / (1 + np.exp(-(centre - half)))), float(1 / (1 + np.exp(-(centre + half))))


def proportions(
    labels: pd.Series,
    *,
    weights: pd.Series | None = None,
    categories: list[str] | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Share of each category with its interval: Wilson unweighted, R ``svyciprop(method = "logit")`` weighted.

    Parameters
    ----------
    labels : Series
        One label per case; missing labels are left out of numerator and denominator.
    weights : Series, optional
        Respondent weights aligned with ``labels``; shares are weighted and intervals are the design-based
        logit intervals of :func:`weighted_share_interval` (the respondents with a label being the sample);
        ``n_effective`` is Kish's effective n, reported beside them.
    categories : list of str, optional
        Categories to report, in order (default: the categorical's categories or sorted labels).
    ci : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns ``category, n, n_effective, share, ci_low, ci_high``; ``n`` is the unweighted count.

    Notes
    -----
    Unweighted: :func:`wilson_interval` on the count (checked against statsmodels). Weighted: before issue 17
    the Wilson interval on Kish's effective n was used, which ignores how the weights go with membership;
    the logit interval on the linearised variance is R ``survey``'s (equal to ``svyciprop`` to 1e-9,
    tests/test_r_reference.py).

    Examples
    --------
    >>> t = proportions(pd.Series(["a", "a", "b", "a", None]))
    >>> t[["category", "n", "share"]].values.tolist()
    [['a', 3, 0.75], ['b', 1, 0.25]]
    """
    mask = labels.notna()
    lab = labels[mask]
    w = pd.Series(1.0, index=lab.index) if weights is None else weights[mask].astype(float)
    if categories is None:
        categories = list(lab.cat.categories) if isinstance(lab.dtype, pd.CategoricalDtype) else sorted(lab.unique())
    total_w = w.sum()
    n_eff = kish_effective_n(w)
    rows = []
    wv = w.to_numpy(float)
    for cat in categories:
        hit = (lab == cat).to_numpy()
        share = float(w[hit].sum() / total_w) if total_w > 0 else np.nan
        if weights is None or not np.isfinite(share):
            lo, hi = wilson_interval(share, n_eff, ci)
        else:
            _, lo, hi = weighted_share_interval(hit, wv, ci)
        rows.append({"category": cat, "n": int(hit.sum()), "n_effective": n_eff, "share": share,
                     "ci_low": float(lo), "ci_high": float(hi)})
    return pd.DataFrame(rows, columns=["category", "n", "n_effective", "share", "ci_low", "ci_high"])


def bootstrap_indices(n: int, n_boot: int, rng: np.random.Generator, *, max_cells: int = 8_000_000,
                      dtype: type = np.int64) -> Iterator[np.ndarray]:
    """Bootstrap resamples of ``n`` cases as row positions, in memory-bounded chunks: the one resampler.

    Yields integer arrays of shape ``(b, n)`` (``b`` resamples per chunk, ``Σ b = n_boot``, at most
    ``max_cells`` positions per chunk): row ``r`` lists the cases drawn (with replacement) in resample ``r``.
    Successive resamples are successive draws of ``rng.integers(0, n, n, dtype=dtype)``, so a chunked
    loop and a one-resample-at-a-time loop see the same resamples. ``dtype=np.int32`` halves the memory
    traffic of gathers.

    Examples
    --------
    >>> idx = next(bootstrap_indices(5, 3, np.random.default_rng(0)))
    >>> idx.shape, bool(((idx >= 0) & (idx < 5)).all())
    ((3, 5), True)
    """
    n = checks.count(n, "stats.bootstrap_indices", "n", minimum=1)
    n_boot = checks.count(n_boot, "stats.bootstrap_indices", "n_boot", minimum=0, allow_zero=True)
    per_chunk = max(1, min(n_boot, max_cells // max(n, 1)))
    done = 0
    while done < n_boot:
        b = min(per_chunk, n_boot - done)
        yield rng.integers(0, n, size=(b, n), dtype=dtype)
        done += b


def bootstrap_counts(n: int, n_boot: int, rng: np.random.Generator, *, max_cells: int = 8_000_000) -> Iterator[np.ndarray]:
    """Bootstrap resamples of ``n`` cases as count matrices, in memory-bounded chunks.

    Yields float arrays of shape ``(b, n)`` (``b`` resamples per chunk, ``Σ b = n_boot``) whose row ``r``
    counts how often each case was drawn in resample ``r``: an exact multinomial (ordinary) bootstrap,
    so a weighted statistic is a matrix product — no Python loop per resample. The resamples are those of
    :func:`bootstrap_indices` with the same generator.

    Examples
    --------
    >>> counts = next(bootstrap_counts(5, 3, np.random.default_rng(0)))
    >>> counts.shape, counts.sum(axis=1).tolist()
    ((3, 5), [5.0, 5.0, 5.0])
    """
    for draws in bootstrap_indices(n, n_boot, rng, max_cells=max_cells):
        b = draws.shape[0]
        draws += (np.arange(b) * n)[:, None]
        yield np.bincount(draws.ravel(), minlength=b * n).reshape(b, n).astype(float)


def weighted_mean_jackknife(x: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Leave-one-out (weighted) means of ``x`` in closed form: ``(Σwx − w_i x_i) / (Σw − w_i)``.

    Examples
    --------
    >>> weighted_mean_jackknife(np.array([1.0, 2.0, 6.0])).tolist()
    [4.0, 3.5, 1.5]
    """
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.dot(w, x) - w * x) / (w.sum() - w)


def bca_interval(
    theta_hat: float,
    boot: np.ndarray,
    jackknife: Sequence[np.ndarray],
    ci: float = 0.95,
) -> tuple[float, float]:
    """Bias-corrected and accelerated bootstrap interval (Efron & Tibshirani 1993, §14.3, eq. 14.15).

    Parameters
    ----------
    theta_hat : float
        The estimate on the original data.
    boot : array
        Its bootstrap distribution.
    jackknife : sequence of arrays
        Leave-one-out estimates, one array per independently resampled sample (group); the
        acceleration combines them as ``scipy.stats.bootstrap`` does for multi-sample statistics.
    ci : float
        Confidence level.

    Notes
    -----
    ``z0 = Φ⁻¹(#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B)``; ``a = Σ_j Σ_i U³/n_j³ / (6 (Σ_j Σ_i U²/n_j²)^{3/2})`` with
    ``U = (n_j − 1)(θ̄_(·) − θ_(i))``; the interval is the ``Φ(z0 + (z0 + z_α)/(1 − a(z0 + z_α)))`` quantiles of
    the bootstrap distribution (linear interpolation). Given the same bootstrap distribution it equals
    ``scipy.stats.bootstrap(method="BCa")`` (checked in tests/test_stats.py).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.exponential(size=200)
    >>> boot = np.array([rng.choice(x, 200).mean() for _ in range(2000)])
    >>> lo, hi = bca_interval(x.mean(), boot, [weighted_mean_jackknife(x)])
    >>> bool(lo < x.mean() < hi), round(hi - lo, 2)
    (True, 0.28)
    """
    ci = checks.level(ci, "stats.bca_interval")
    boot = np.asarray(boot, dtype=float)
    boot = boot[np.isfinite(boot)]
    if boot.size == 0 or not np.isfinite(theta_hat):
        return (np.nan, np.nan)
    B = boot.size
    z0 = _st.norm.ppf((np.count_nonzero(boot < theta_hat) + np.count_nonzero(boot <= theta_hat)) / (2 * B))
    nums = dens = 0.0
    for jack in jackknife:
        jack = np.asarray(jack, dtype=float)
        nj = float(jack.size)
        u = (nj - 1) * (jack.mean() - jack)
        nums += np.sum(u**3) / nj**3
        dens += np.sum(u**2) / nj**2
    a = nums / (6 * dens**1.5) if dens > 0 else 0.0
    alpha = (1 - ci) / 2
    z_a = _st.norm.ppf(alpha)
    lo_q = _st.norm.cdf(z0 + (z0 + z_a) / (1 - a * (z0 + z_a)))
    hi_q = _st.norm.cdf(z0 + (z0 - z_a) / (1 - a * (z0 - z_a)))
    if not (np.isfinite(lo_q) and np.isfinite(hi_q)):
        return (np.nan, np.nan)
    lo, hi = np.quantile(boot, [lo_q, hi_q])
    return float(lo), float(hi)


def percentile_interval(boot: np.ndarray, ci: float = 0.95) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval (the ``(1−ci)/2`` and ``(1+ci)/2`` quantiles), ignoring non-finite draws.

    ``boot`` is one statistic's draws (returns two floats) or resamples × statistics (returns two arrays,
    one bound per column). A statistic without any finite draw has NaN bounds. Quantiles interpolate
    linearly (numpy's default), so the result equals ``np.quantile`` of the finite draws.

    Examples
    --------
    >>> percentile_interval(np.arange(101.0), ci=0.9)
    (4.999999999999999, 95.0)
    >>> lo, hi = percentile_interval(np.column_stack([np.arange(101.0), [np.nan] * 101]), ci=0.9)
    >>> lo.tolist(), hi.tolist()
    ([4.999999999999999, nan], [95.0, nan])
    """
    ci = checks.level(ci, "stats.percentile_interval")
    boot = np.asarray(boot, dtype=float)
    q = [(1 - ci) / 2, (1 + ci) / 2]
    if boot.ndim == 2:
        finite = np.isfinite(boot)
        if boot.shape[0] and finite.all():
            lo, hi = np.quantile(boot, q, axis=0)
            return lo, hi
        lo, hi = np.full(boot.shape[1], np.nan), np.full(boot.shape[1], np.nan)
        for j in range(boot.shape[1]):
            col = boot[finite[:, j], j]
            if col.size:
                lo[j], hi[j] = np.quantile(col, q)
        return lo, hi
    boot = boot[np.isfinite(boot)]
    if boot.size == 0:
        return (np.nan, np.nan)
    lo, hi = np.quantile(boot, q)
    return float(lo), float(hi)
