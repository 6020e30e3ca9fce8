"""Shared statistical helpers: effective sample size, intervals for proportions.

Everything here takes arrays or Series and returns numbers or DataFrames; nothing is rounded.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _st

__all__ = ["kish_effective_n", "wilson_interval", "proportions"]


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
    """
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _st.norm.ppf(0.5 + ci / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def proportions(
    labels: pd.Series,
    *,
    weights: pd.Series | None = None,
    categories: list[str] | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Share of each category with its Wilson interval.

    Parameters
    ----------
    labels : Series
        One label per case; missing labels are left out of numerator and denominator.
    weights : Series, optional
        Respondent weights aligned with ``labels``; shares are weighted and intervals use Kish's
        effective n.
    categories : list of str, optional
        Categories to report, in order (default: the categorical's categories or sorted labels).
    ci : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns ``category, n, n_effective, share, ci_low, ci_high``; ``n`` is the unweighted count.
    """
    mask = labels.notna()
    lab = labels[mask]
    w = pd.Series(1.0, index=lab.index) if weights is None else weights[mask].astype(float)
    if categories is None:
        categories = list(lab.cat.categories) if isinstance(lab.dtype, pd.CategoricalDtype) else sorted(lab.unique())
    total_w = w.sum()
    n_eff = kish_effective_n(w)
    rows = []
    for cat in categories:
        hit = (lab == cat).to_numpy()
        share = float(w[hit].sum() / total_w) if total_w > 0 else np.nan
        lo, hi = wilson_interval(share, n_eff, ci)
        rows.append({"category": cat, "n": int(hit.sum()), "n_effective": n_eff, "share": share,
                     "ci_low": float(lo), "ci_high": float(hi)})
    return pd.DataFrame(rows, columns=["category", "n", "n_effective", "share", "ci_low", "ci_high"])
