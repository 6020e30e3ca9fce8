"""Derived importance: Johnson's relative weights (and, with issue 5, Shapley/LMG and the quadrant view).

Relative weights split a regression's R² among correlated predictors: the predictors are replaced by
their closest orthogonal counterparts (the symmetric square root of their correlation matrix), the
outcome is regressed on those, and the variance each counterpart explains is mapped back to the
original predictors. Raw weights sum to R²; rescaled weights are percentages of R².
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .stats import bootstrap_counts, percentile_interval

__all__ = ["relative_weights", "weights_from_correlation"]


def weights_from_correlation(corr: np.ndarray) -> np.ndarray:
    """Raw relative weights from correlation matrices of ``[X..., y]`` (outcome last).

    Parameters
    ----------
    corr : array, shape (..., p + 1, p + 1)
        One or a stack of correlation matrices; the last row/column is the outcome.

    Returns
    -------
    array, shape (..., p)
        Raw weights; each row sums to the model R².

    Notes
    -----
    With ``R_xx = V diag(λ) Vᵀ``, the counterparts' loadings are ``Λ = V diag(√λ) Vᵀ``; the outcome's
    weights on the counterparts are ``β = Λ⁻¹ r_xy = V diag(1/√λ) Vᵀ r_xy`` and the raw weight of
    predictor ``j`` is ``Σ_k Λ_jk² β_k²`` (Johnson 2000, eq. 5-7).
    """
    corr = np.asarray(corr, dtype=float)
    rxx = corr[..., :-1, :-1]
    rxy = corr[..., :-1, -1]
    lam, vec = np.linalg.eigh(rxx)
    lam = np.clip(lam, 0.0, None)
    sqrt_lam = np.sqrt(lam)
    lam_half = (vec * sqrt_lam[..., None, :]) @ np.swapaxes(vec, -1, -2)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_sqrt = np.where(sqrt_lam > 0, 1.0 / sqrt_lam, 0.0)
    beta = ((vec * inv_sqrt[..., None, :]) @ np.swapaxes(vec, -1, -2) @ rxy[..., None])[..., 0]
    return np.einsum("...jk,...k->...j", lam_half**2, beta**2)


def _weighted_corr_from_moments(s0: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """Correlation matrices from weighted moment sums (stacked): s0 (b,), s1 (b, q), s2 (b, q, q)."""
    mean = s1 / s0[:, None]
    cov = s2 / s0[:, None, None] - mean[:, :, None] * mean[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        return cov / (sd[:, :, None] * sd[:, None, :])


def _check_predictors(X: pd.DataFrame, context: str) -> None:
    sd = X.std(ddof=0)
    constant = sd.index[~(sd > 0)].tolist()
    if constant:
        raise ValueError(f"{context}: predictor(s) {constant} are constant (no variation): remove them first")
    rank = np.linalg.matrix_rank(np.corrcoef(X.to_numpy(dtype=float), rowvar=False))
    if rank < X.shape[1]:
        raise ValueError(f"{context}: the predictors are perfectly collinear (rank {rank} of {X.shape[1]}); "
                         "remove duplicated or derived columns first")


def relative_weights(
    X: pd.DataFrame,
    y: pd.Series,
    *,
    weights: pd.Series | None = None,
    n_boot: int = 0,
    seed: int = 0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Johnson's relative weights of the predictors in ``X`` for the outcome ``y``.

    Parameters
    ----------
    X : DataFrame
        Predictors, one column each.
    y : Series
        Outcome, aligned with ``X``.
    weights : Series, optional
        Respondent weights: correlations are weighted, and the bootstrap resamples respondents with them.
    n_boot : int
        Bootstrap resamples for the intervals (0: no intervals).
    seed : int
        Seed of the bootstrap.
    ci : float
        Confidence level of the percentile intervals.

    Returns
    -------
    DataFrame
        ``predictor, raw, rescaled, ci_low, ci_high``: raw weights sum to R²; ``rescaled`` is the percent of
        R²; the interval is for ``rescaled``. ``attrs`` holds ``r2``, ``n`` and ``n_effective``.

    Notes
    -----
    Rows with a missing predictor, outcome or weight are left out (listwise deletion); the count left
    is ``attrs["n"]``. Checked against a plain eigen-decomposition and Johnson's (2000) worked example.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor variables
    in multiple regression. *Multivariate Behavioral Research*, 35(1), 1–19.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(500, 3)), columns=["a", "b", "c"])
    >>> y = 2 * X["a"] + X["b"] + rng.normal(size=500)
    >>> rw = relative_weights(X, y)
    >>> rw["predictor"][rw["rescaled"].idxmax()]
    'a'
    """
    data = X.copy()
    data["__y__"] = pd.to_numeric(y, errors="raise").to_numpy()
    w = pd.Series(1.0, index=X.index) if weights is None else pd.to_numeric(weights, errors="raise")
    data["__w__"] = w.to_numpy()
    data = data.dropna()
    Z = data[list(X.columns) + ["__y__"]].to_numpy(dtype=float)
    ww = data["__w__"].to_numpy(dtype=float)
    n = len(data)
    if n < X.shape[1] + 2:
        raise ValueError(f"relative_weights: only {n} complete rows for {X.shape[1]} predictors")
    _check_predictors(data[list(X.columns)], "relative_weights")
    if not data["__y__"].std() > 0:
        raise ValueError("relative_weights: the outcome is constant")
    Zc = Z - np.average(Z, axis=0, weights=ww)
    s2 = (Zc * ww[:, None]).T @ Zc
    corr = _weighted_corr_from_moments(np.array([ww.sum()]), (Zc * ww[:, None]).sum(0)[None], s2[None])[0]
    raw = weights_from_correlation(corr)
    r2 = raw.sum()
    out = pd.DataFrame({"predictor": list(X.columns), "raw": raw, "rescaled": raw / r2 * 100,
                        "ci_low": np.nan, "ci_high": np.nan})
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        q = Zc.shape[1]
        iu = np.triu_indices(q)
        products = Zc[:, iu[0]] * Zc[:, iu[1]]
        boots = []
        for counts in bootstrap_counts(n, n_boot, rng):
            cw = counts * ww
            s0 = cw.sum(1)
            s1 = cw @ Zc
            tri = cw @ products
            s2b = np.empty((len(cw), q, q))
            s2b[:, iu[0], iu[1]] = tri
            s2b[:, iu[1], iu[0]] = tri
            rb = weights_from_correlation(_weighted_corr_from_moments(s0, s1, s2b))
            boots.append(rb / rb.sum(axis=1, keepdims=True) * 100)
        boot = np.vstack(boots)
        bounds = np.array([percentile_interval(boot[:, j], ci) for j in range(boot.shape[1])])
        out["ci_low"], out["ci_high"] = bounds[:, 0], bounds[:, 1]
        out.attrs["bootstrap"] = boot
    out.attrs.update({"r2": float(r2), "n": n, "n_effective": float(ww.sum() ** 2 / (ww**2).sum())})
    return out
