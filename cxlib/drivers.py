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

__all__ = ["relative_weights", "weights_from_correlation", "shapley", "subset_r2", "MAX_SHAPLEY_PREDICTORS"]

#: Largest exact Shapley decomposition attempted (2^p subsets; p = 24 takes well under a minute).
MAX_SHAPLEY_PREDICTORS = 24


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


def subset_r2(corr: np.ndarray, *, tol: float = 1e-10) -> np.ndarray:
    """R² of the regression of the outcome on every subset of the predictors, from a correlation matrix.

    Parameters
    ----------
    corr : array, shape (p + 1, p + 1)
        Correlation (or covariance) matrix of ``[X..., y]``, outcome last.
    tol : float
        A predictor whose residual variance given the others already in the subset is below ``tol``
        (relative) adds nothing (it is collinear with them).

    Returns
    -------
    array, shape (2**p,)
        ``r2[mask]`` is the R² of the model with the predictors whose bits are set in ``mask``
        (bit ``j`` = predictor ``j``).

    Notes
    -----
    Shared work across subsets: predictors are *swept* in one at a time. After deciding predictors
    ``0..k−1``, each of the ``2^k`` partial subsets keeps only the residual covariance of the undecided
    predictors and the outcome given the ones it includes; deciding predictor ``k`` doubles the batch
    (left out: drop its row and column; taken in: ``A' = A₋ₖ₋ₖ − A₋ₖ,ₖ Aₖ,₋ₖ / Aₖₖ``). Matrices shrink as the
    batch grows, so memory peaks at a few hundred MB for p = 24 and every step is one vectorised
    operation. At the end the outcome's residual variance is ``1 − R²``.
    """
    corr = np.asarray(corr, dtype=float)
    p = corr.shape[0] - 1
    a = (corr / corr[-1, -1])[None]  # residual covariance of [undecided predictors..., y]; batch of one
    scale = np.diag(corr)[:-1] / corr[-1, -1]
    for k in range(p):
        pivot = a[:, 0, 0]
        col = a[:, 1:, 0]
        usable = pivot > tol * scale[k]
        with np.errstate(divide="ignore", invalid="ignore"):
            update = np.where(usable[:, None, None], col[:, :, None] * col[:, None, :] / pivot[:, None, None], 0.0)
        rest = a[:, 1:, 1:]
        a = np.concatenate([rest, rest - update])  # bit k clear (left out) then set (taken in)
    return 1.0 - a[:, 0, 0]


def _lmg_from_subsets(r2: np.ndarray, p: int) -> np.ndarray:
    """Shapley values from all-subset R²: average gain of each predictor over orders (LMG)."""
    from math import comb

    masks = np.arange(2**p, dtype=np.int64)
    size = np.zeros(2**p, dtype=np.int64)
    for j in range(p):
        size += (masks >> j) & 1
    weight_by_size = np.array([1.0 / (p * comb(p - 1, k)) for k in range(p)])
    out = np.empty(p)
    for j in range(p):
        without = masks[((masks >> j) & 1) == 0]
        out[j] = np.dot(weight_by_size[size[without]], r2[without | (1 << j)] - r2[without])
    return out


def shapley(X: pd.DataFrame, y: pd.Series, *, weights: pd.Series | None = None) -> pd.DataFrame:
    """Exact Shapley (LMG) decomposition of R² among the predictors.

    Parameters
    ----------
    X : DataFrame
        Predictors (at most ``MAX_SHAPLEY_PREDICTORS`` columns).
    y : Series
        Outcome.
    weights : Series, optional
        Respondent weights (weighted correlations).

    Returns
    -------
    DataFrame
        ``predictor, raw, rescaled``: ``raw`` sums to the full model's R², ``rescaled`` is percent of R².
        ``attrs``: ``r2``, ``n``.

    Notes
    -----
    ``φ_j = Σ_{S ⊆ P∖{j}} |S|!(p−|S|−1)!/p! · (R²(S ∪ {j}) − R²(S))`` over all subsets, with every subset's
    R² from the correlation matrix (``subset_r2``). Rows with any missing value are left out. Equals
    pingouin's ``linear_regression(..., relimp=True)`` (checked to 1e-8 in tests/test_drivers.py).

    References
    ----------
    Lindeman, Merenda & Gold (1980); Grömping, U. (2006). Relative importance for linear regression in R:
    the package relaimpo. *Journal of Statistical Software* 17(1).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    >>> y = X["a"] + 0.5 * X["b"] + rng.normal(size=300)
    >>> sh = shapley(X, y)
    >>> bool(abs(sh["raw"].sum() - sh.attrs["r2"]) < 1e-12)
    True
    """
    p = X.shape[1]
    if p > MAX_SHAPLEY_PREDICTORS:
        raise ValueError(
            f"shapley: {p} predictors is beyond exact Shapley (at most {MAX_SHAPLEY_PREDICTORS}: the work doubles "
            "with each predictor). Use cxlib.drivers.relative_weights, which handles hundreds of predictors and "
            "agrees closely with Shapley values.")
    data = X.copy()
    data["__y__"] = pd.to_numeric(y, errors="raise").to_numpy()
    w = pd.Series(1.0, index=X.index) if weights is None else pd.to_numeric(weights, errors="raise")
    data["__w__"] = w.to_numpy()
    data = data.dropna()
    _check_predictors(data[list(X.columns)], "shapley")
    Z = data[list(X.columns) + ["__y__"]].to_numpy(dtype=float)
    ww = data["__w__"].to_numpy(dtype=float)
    Zc = Z - np.average(Z, axis=0, weights=ww)
    corr = _weighted_corr_from_moments(np.array([ww.sum()]), (Zc * ww[:, None]).sum(0)[None],
                                       ((Zc * ww[:, None]).T @ Zc)[None])[0]
    r2 = subset_r2(corr)
    raw = _lmg_from_subsets(r2, p)
    out = pd.DataFrame({"predictor": list(X.columns), "raw": raw, "rescaled": raw / r2[-1] * 100})
    out.attrs.update({"r2": float(r2[-1]), "n": len(data)})
    return out
