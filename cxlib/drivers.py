"""Derived importance: Johnson's relative weights (and, with issue 5, Shapley/LMG and the quadrant view).

Relative weights split a regression's R² among correlated predictors: the predictors are replaced by
their closest orthogonal counterparts (the symmetric square root of their correlation matrix), the
outcome is regressed on those, and the variance each counterpart explains is mapped back to the
original predictors. Raw weights sum to R²; rescaled weights are percentages of R².
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stats import bootstrap_counts

__all__ = [
    "MAX_SHAPLEY_PREDICTORS",
    "QUADRANTS",
    "QuadrantRule",
    "relative_weights",
    "weights_from_correlation",
    "shapley",
    "subset_r2",
    "importance",
    "uninformative",
    "rank_stability",
    "pairwise_differences",
    "rollup",
    "priorities",
]

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

    Examples
    --------
    >>> corr = np.array([[1.0, 0.3, 0.5], [0.3, 1.0, 0.4], [0.5, 0.4, 1.0]])  # predictors, then outcome last
    >>> np.round(weights_from_correlation(corr), 4)
    array([0.2043, 0.1143])
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


def _pairwise_corr(Z: np.ndarray, present: np.ndarray, cw: np.ndarray) -> np.ndarray:
    """Pairwise-complete weighted correlation matrices, one per row of case weights ``cw`` (b, n).

    ``Z`` holds the (column-centred) data with missing cells set to 0 and ``present`` marks answered
    cells. Every moment is a matrix product over cases, so the whole stack is vectorised.
    """
    M = present.astype(float)
    MZ = M * Z
    MZ2 = MZ * Z
    wM = cw[:, :, None] * M[None]           # (b, n, q)
    wMZ = cw[:, :, None] * MZ[None]
    s0 = np.matmul(wM.transpose(0, 2, 1), M)      # Σ w m_i m_j
    s1 = np.matmul(wMZ.transpose(0, 2, 1), M)     # Σ w m_i m_j z_i  (row i)
    s11 = np.matmul((cw[:, :, None] * MZ2[None]).transpose(0, 2, 1), M)  # Σ w m_i m_j z_i²
    s2 = np.matmul(wMZ.transpose(0, 2, 1), MZ)    # Σ w m_i m_j z_i z_j
    with np.errstate(divide="ignore", invalid="ignore"):
        mi = s1 / s0
        mj = np.swapaxes(mi, 1, 2)
        cov = s2 / s0 - mi * mj
        vi = s11 / s0 - mi**2
        vj = np.swapaxes(vi, 1, 2)
        return cov / np.sqrt(vi * vj)


def _nearest_correlation(corr: np.ndarray) -> np.ndarray:
    """Clip negative eigenvalues (a pairwise matrix need not be positive semi-definite), unit diagonal."""
    lam, vec = np.linalg.eigh(corr)
    if lam.min() >= 0:
        return corr
    fixed = (vec * np.clip(lam, 1e-10, None)[..., None, :]) @ np.swapaxes(vec, -1, -2)
    d = np.sqrt(np.diagonal(fixed, axis1=-2, axis2=-1))
    return fixed / (d[..., :, None] * d[..., None, :])


def uninformative(X: pd.DataFrame, *, what: str = "rated it") -> dict[str, str]:
    """Columns of ``X`` that carry no information of their own, with the reason in words.

    A column nobody answered, one everyone answered the same, or one whose answers repeat an earlier
    column's exactly (a duplicated question) cannot be given an importance; the analyses leave such
    columns out and name them instead of failing.

    Parameters
    ----------
    X : DataFrame
        One column per predictor; blanks allowed.
    what : str
        How the reason refers to the answers, e.g. ``"rated its performance"``.

    Returns
    -------
    dict
        ``{column: reason}`` in column order; empty when every column is informative.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1, 2, 3], "b": [4, 4, 4], "c": [1, 2, 3], "d": [None, None, None]})
    >>> uninformative(X)
    {'b': 'every customer rated it 4', 'c': "same answers as 'a' from every customer (a duplicated question?)", 'd': 'nobody rated it'}
    """
    reasons: dict[str, str] = {}
    seen: dict[bytes, str] = {}
    for col in X.columns:
        values = pd.to_numeric(X[col], errors="coerce").to_numpy(dtype=float)
        answered = values[~np.isnan(values)]
        if answered.size == 0:
            reasons[col] = f"nobody {what}"
            continue
        if np.unique(answered).size < 2:
            reasons[col] = f"every customer {what} {answered[0]:g}"
            continue
        key = np.where(np.isnan(values), np.inf, values).tobytes()  # NaN positions must match too
        if key in seen:
            reasons[col] = f"same answers as {seen[key]!r} from every customer (a duplicated question?)"
        else:
            seen[key] = col
    return reasons


def _check_predictors(X: pd.DataFrame, context: str) -> None:
    sd = X.std(ddof=0)
    constant = sd.index[~(sd > 0)].tolist()
    if constant:
        raise ValueError(f"{context}: predictor(s) {constant} are constant (no variation): remove them first")
    filled = X.fillna(X.mean()).to_numpy(dtype=float)
    corr = np.corrcoef(filled, rowvar=False)
    lam, vec = np.linalg.eigh(np.atleast_2d(corr))
    if lam.min() < 1e-10 * max(lam.max(), 1.0):
        # Name the columns involved in the (near-)exact dependency: the eigenvector of the smallest eigenvalue.
        involved = [X.columns[i] for i in np.flatnonzero(np.abs(vec[:, 0]) > 0.05)]
        raise ValueError(f"{context}: the predictors are perfectly collinear (rank {int((lam > 1e-10 * lam.max()).sum())} "
                         f"of {X.shape[1]}); the dependency involves {involved}: remove duplicated or derived columns")


MISSING_RULES = ("listwise", "mean", "pairwise")


def _prepare(X: pd.DataFrame, y: pd.Series, weights: pd.Series | None, missing: str, context: str):
    """Align, drop rows without outcome or weight, apply the missing-answer rule. Returns (Z, present, w)."""
    if missing not in MISSING_RULES:
        raise ValueError(f"{context}: missing must be one of {MISSING_RULES}, not {missing!r}")
    data = X.apply(pd.to_numeric, errors="raise").astype(float)
    yy = pd.to_numeric(pd.Series(np.asarray(y), index=X.index), errors="raise").astype(float)
    w = pd.Series(1.0, index=X.index) if weights is None else pd.to_numeric(
        pd.Series(np.asarray(weights), index=X.index), errors="raise").astype(float)
    keep = yy.notna() & w.notna()
    if missing == "listwise":
        keep &= data.notna().all(axis=1)
    data, yy, w = data[keep], yy[keep], w[keep]
    all_missing = data.columns[data.isna().all()].tolist()
    if all_missing:
        raise ValueError(f"{context}: predictor(s) {all_missing} have no answers")
    if len(data) < X.shape[1] + 2:
        raise ValueError(f"{context}: only {len(data)} usable rows for {X.shape[1]} predictors (missing rule: {missing})")
    _check_predictors(data, context)
    if not yy.std() > 0:
        raise ValueError(f"{context}: the outcome is constant")
    Z = np.column_stack([data.to_numpy(), yy.to_numpy()])
    present = np.isfinite(Z)
    ww = w.to_numpy()
    means = np.nansum(Z * ww[:, None], axis=0) / np.sum(present * ww[:, None], axis=0)
    Z = np.where(present, Z - means, 0.0)  # centred; a mean-imputed cell becomes exactly 0
    return Z, present, ww


def _corr_stack(Z: np.ndarray, present: np.ndarray, cw: np.ndarray, pairwise: bool,
                products: np.ndarray | None = None) -> np.ndarray:
    """Weighted correlation matrices of ``Z``, one per row of case weights ``cw`` (b, n).

    With ``products`` (the n × q(q+1)/2 cross-products of ``Z``'s columns, precomputed once), every second
    moment of every resample comes from a single matrix product ``cw @ products``.
    """
    if pairwise and not present.all():
        return _nearest_correlation(_pairwise_corr(Z, present, cw))
    s0 = cw.sum(1)
    s1 = cw @ Z
    q = Z.shape[1]
    if products is not None:
        iu = np.triu_indices(q)
        tri = cw @ products
        s2 = np.empty((len(cw), q, q))
        s2[:, iu[0], iu[1]] = tri
        s2[:, iu[1], iu[0]] = tri
    else:
        s2 = np.matmul((cw[:, :, None] * Z[None]).transpose(0, 2, 1), Z)
    return _weighted_corr_from_moments(s0, s1, s2)


def _signs(corr: np.ndarray) -> np.ndarray:
    """Sign of each predictor's standardised multiple-regression coefficient, ``Rxx⁻¹ r_xy``."""
    beta = np.linalg.lstsq(corr[:-1, :-1], corr[:-1, -1], rcond=None)[0]
    return np.sign(beta)


def _is_binary(y: pd.Series) -> bool:
    vals = pd.unique(pd.Series(y).dropna())
    return len(vals) == 2 and set(np.asarray(vals, dtype=float)) == {0.0, 1.0}


def _logistic_weights(Z: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tonidandel & LeBreton (2010) relative weights for a 0/1 outcome. Returns (raw weights, signs)."""
    import statsmodels.api as sm

    X = Z[:, :-1]
    sw = np.sqrt(w / w.mean())
    Xs = (X - np.average(X, axis=0, weights=w)) / np.sqrt(np.average((X - np.average(X, axis=0, weights=w)) ** 2,
                                                                      axis=0, weights=w))
    u, _, vt = np.linalg.svd(Xs * sw[:, None], full_matrices=False)
    Zo = (u @ vt) / sw[:, None]                         # orthogonal counterparts of the predictors
    Zo = (Zo - np.average(Zo, axis=0, weights=w)) / np.sqrt(np.average((Zo - np.average(Zo, axis=0, weights=w)) ** 2,
                                                                         axis=0, weights=w))
    lam = np.linalg.lstsq(Zo * sw[:, None], Xs * sw[:, None], rcond=None)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # separation is detected below and reported in words
        fit = sm.GLM(y, sm.add_constant(Zo), family=sm.families.Binomial(), var_weights=w).fit()
    b = np.asarray(fit.params)[1:]
    prob = fit.predict(sm.add_constant(Zo))
    if not np.all((prob > 1e-8) & (prob < 1 - 1e-8)):
        # Perfect (or quasi-) separation: some customers' outcome is predicted with certainty, the logistic
        # coefficients run off to infinity and the weights are not identified.
        nan = np.full(X.shape[1], np.nan)
        return nan, nan
    logit = np.log(prob / (1 - prob))
    sd_logit = np.sqrt(np.average((logit - np.average(logit, weights=w)) ** 2, weights=w))
    r = np.corrcoef(prob * sw, y * sw)[0, 1] if w.std() > 0 else np.corrcoef(prob, y)[0, 1]
    beta = b * abs(r) / sd_logit
    return (lam**2) @ (beta**2), np.sign(lam @ beta)


def relative_weights(
    X: pd.DataFrame,
    y: pd.Series,
    *,
    weights: pd.Series | None = None,
    n_boot: int = 0,
    seed: int = 0,
    ci: float = 0.95,
    missing: str = "listwise",
    method: str = "auto",
) -> pd.DataFrame:
    """Johnson's relative weights of the predictors in ``X`` for the outcome ``y``.

    Parameters
    ----------
    X : DataFrame
        Predictors, one column each (100+ correlated predictors are fine).
    y : Series
        Outcome, aligned with ``X``. A 0/1 outcome uses the logistic variant (``method="auto"``).
    weights : Series, optional
        Respondent weights: correlations are weighted, and the bootstrap resamples respondents with them.
    n_boot : int
        Bootstrap resamples for the intervals (0: no intervals).
    seed : int
        Seed of the bootstrap.
    ci : float
        Confidence level of the percentile intervals.
    missing : {"listwise", "mean", "pairwise"}
        Rule for missing predictor answers: drop the respondent; set the answer to the predictor's
        (weighted) mean, so it neither raises nor lowers that predictor's weight; or pairwise-complete
        correlations (made positive semi-definite by clipping eigenvalues when necessary). Rows with a
        missing outcome or weight are always dropped.
    method : {"auto", "linear", "logistic"}
        ``auto`` picks logistic for a 0/1 outcome.

    Returns
    -------
    DataFrame
        ``predictor, raw, rescaled, ci_low, ci_high, sign``: raw weights sum to R² (pseudo-R² for the
        logistic variant); ``rescaled`` is the percent of R² with its percentile interval; ``sign`` is
        the sign of the predictor's coefficient in the full model (−1 lowers the outcome). ``attrs``:
        ``r2``, ``n``, ``n_effective``, ``r2_p_value`` (overall F test of R² = 0 on the effective n; None
        for the logistic variant), ``missing``, ``method`` and, with ``n_boot``, the bootstrap matrix of
        rescaled weights (``bootstrap``, resamples × predictors).

    Notes
    -----
    With ``R_xx = V diag(λ) Vᵀ``, ``Λ = V diag(√λ) Vᵀ``, ``β = Λ⁻¹ r_xy`` and raw weight ``ε_j = Σ_k Λ_jk² β_k²``
    (Johnson 2000). Logistic variant: the outcome is regressed (logistic) on the orthogonal counterparts,
    the coefficients standardised by ``R / sd(logit ŷ)`` (Tonidandel & LeBreton 2010). Linear weights are
    checked against a plain eigen-decomposition and the ``rwa`` package's published mtcars example.
    The linear bootstrap is vectorised (count matrices, batched products); the logistic one refits the
    model per resample.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor variables
    in multiple regression. *Multivariate Behavioral Research*, 35(1), 1–19.
    Tonidandel, S., & LeBreton, J. M. (2010). Determining the relative importance of predictors in
    logistic regression: an extension of relative weight analysis. *Organizational Research Methods* 13(4).

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
    context = "relative_weights"
    if method not in ("auto", "linear", "logistic"):
        raise ValueError(f"{context}: method must be 'auto', 'linear' or 'logistic', not {method!r}")
    logistic = method == "logistic" or (method == "auto" and _is_binary(y))
    Z, present, ww = _prepare(X, y, weights, "mean" if (logistic and missing == "pairwise") else missing, context)
    n = len(Z)
    pairwise = missing == "pairwise" and not logistic
    if logistic:
        y01 = Z[:, -1] - Z[:, -1].min()
        raw, sign = _logistic_weights(Z, y01, ww)
        if np.isnan(raw).any():
            events = int((y01 > 0).sum())
            raise ValueError(f"{context}: the {X.shape[1]} predictors separate the 0/1 outcome perfectly "
                             f"({events:,} of {n:,} rows are 1), so logistic relative weights are not identified; "
                             "use fewer predictors or more respondents")
    else:
        corr = _corr_stack(Z, present, ww[None], pairwise)[0]
        raw = weights_from_correlation(corr)
        sign = _signs(corr)
    r2 = float(raw.sum())
    out = pd.DataFrame({"predictor": list(X.columns), "raw": raw, "rescaled": raw / r2 * 100,
                        "ci_low": np.nan, "ci_high": np.nan, "sign": sign.astype(int)})
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        boots = []
        q = Z.shape[1]
        products = None
        if not pairwise and not logistic and n * q * (q + 1) // 2 <= 30_000_000:
            iu = np.triu_indices(q)
            products = Z[:, iu[0]] * Z[:, iu[1]]
        # Fewer resamples per chunk where each costs more (pairwise moments, many predictors).
        per_case = 8 if products is not None else q * (4 if pairwise else 1)
        for counts in bootstrap_counts(n, n_boot, rng, max_cells=max(4_000_000 // per_case, n)):
            if logistic:
                rb = np.vstack([_logistic_weights(Z[c > 0], Z[c > 0, -1] - Z[:, -1].min(), (c * ww)[c > 0])[0]
                                for c in counts])
            else:
                rb = weights_from_correlation(_corr_stack(Z, present, counts * ww, pairwise, products))
            boots.append(rb / rb.sum(axis=1, keepdims=True) * 100)
        boot = np.vstack(boots)
        separated = np.isnan(boot).any(axis=1)  # logistic resamples that separated: left out of the interval
        lo = np.quantile(boot[~separated], (1 - ci) / 2, axis=0) if (~separated).any() else np.nan
        hi = np.quantile(boot[~separated], (1 + ci) / 2, axis=0) if (~separated).any() else np.nan
        out.attrs["n_boot_separated"] = int(separated.sum())
        out["ci_low"], out["ci_high"] = lo, hi
        out.attrs["bootstrap"] = boot
    n_eff = float(ww.sum() ** 2 / (ww**2).sum())
    out.attrs.update({"r2": r2, "n": n, "n_effective": n_eff, "r2_p_value": _r2_p_value(r2, X.shape[1], n_eff)
                      if not logistic else None, "missing": missing, "method": "logistic" if logistic else "linear"})
    return out


def _r2_p_value(r2: float, p: int, n: float) -> float | None:
    """Overall F test of R² = 0 with ``p`` predictors on (effective) ``n`` cases; None if n ≤ p + 1."""
    from scipy import stats as st

    df2 = n - p - 1
    if df2 <= 0 or not 0 <= r2 < 1:
        return None
    return float(st.f.sf((r2 / p) / ((1 - r2) / df2), p, df2))


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

    Examples
    --------
    >>> corr = np.array([[1.0, 0.3, 0.5], [0.3, 1.0, 0.4], [0.5, 0.4, 1.0]])
    >>> np.round(subset_r2(corr), 4)  # R² of every subset of the predictors, by bitmask
    array([0.    , 0.25  , 0.16  , 0.3187])
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
    Z, present, ww = _prepare(X, y, weights, "listwise", "shapley")
    corr = _corr_stack(Z, present, ww[None], False)[0]
    r2 = subset_r2(corr)
    raw = _lmg_from_subsets(r2, p)
    out = pd.DataFrame({"predictor": list(X.columns), "raw": raw, "rescaled": raw / r2[-1] * 100})
    out.attrs.update({"r2": float(r2[-1]), "n": len(Z)})
    return out


#: The four quadrants of the stated-vs-derived importance map.
QUADRANTS: tuple[str, ...] = ("key driver", "hidden driver", "overrated", "secondary")


@dataclass(frozen=True)
class QuadrantRule:
    """Where the stated-vs-derived map is cut.

    Attributes
    ----------
    derived : "fair_share" or float
        An element's derived importance is *high* when its share of the explained variation (percent of
        R²) exceeds this: ``"fair_share"`` means ``100 / p`` (more than an equal share).
    stated : "mean", "median" or float
        An element's stated importance (0–100) is *high* when above this: the mean or median over the
        elements, or a fixed value.

    Notes
    -----
    High derived + high stated: **key driver**; high derived + low stated: **hidden driver**; low derived
    + high stated: **overrated**; low + low: **secondary**.

    Examples
    --------
    >>> rule = QuadrantRule()  # derived: fair share 100/p; stated: the mean
    >>> rule
    QuadrantRule(derived='fair_share', stated='mean')
    """

    derived: str | float = "fair_share"
    stated: str | float = "mean"

    def cuts(self, derived: pd.Series, stated: pd.Series) -> tuple[float, float]:
        d = 100.0 / len(derived) if self.derived == "fair_share" else float(self.derived)
        if self.stated == "mean":
            s = float(stated.mean())
        elif self.stated == "median":
            s = float(stated.median())
        else:
            s = float(self.stated)
        return d, s

    def describe(self, derived_cut: float, stated_cut: float) -> str:
        d = (f"more than an equal share of the explained variation (100/p = {derived_cut:.1f}%)"
             if self.derived == "fair_share" else f"a share above {derived_cut:.1f}%")
        s = {"mean": "the average", "median": "the median"}.get(str(self.stated), "the cut-off")
        return (f"Derived importance is high for {d}; stated importance is high above {s} over all elements "
                f"({stated_cut:.0f}/100).")


def _rescale(values: pd.Series, lo: float, hi: float) -> pd.Series:
    return (values - lo) / (hi - lo) * 100


def importance(
    frame: pd.DataFrame,
    codebook: pd.DataFrame,
    outcome: str = "connection_index",
    *,
    weight: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    missing: str = "mean",
    rule: QuadrantRule = QuadrantRule(),
) -> pd.DataFrame:
    """Stated vs derived importance of every experience element, and its quadrant.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame (``Engagement.frame()``).
    codebook : DataFrame
        Pairs each element's ``element_performance`` and ``element_importance`` columns.
    outcome : str
        What the elements should drive: ``connection_index`` (default), the 0/1 fully-connected flag or a
        value column (a 0/1 outcome uses logistic relative weights).
    weight : str, optional
        Respondent-weight column.
    n_boot, seed, ci
        Bootstrap resamples, seed and confidence level.
    missing : {"mean", "pairwise", "listwise"}
        Rule for unanswered performance items ("not experienced"); default: the element's mean, so a
        blank neither raises nor lowers its weight (see ``relative_weights``).
    rule : QuadrantRule
        Where the quadrant map is cut.

    Returns
    -------
    DataFrame
        One row per element: ``element, stage, dimension, stated, derived, ci_low, ci_high, performance,
        quadrant, sign, lowers_outcome, n_stated, n_performance``. ``stated`` and ``performance`` are means
        rescaled to 0–100 by the codebook scales; ``derived`` is the percent of R² (relative weights) with
        its bootstrap interval; ``sign`` is the direction of the element's coefficient and
        ``lowers_outcome`` flags elements whose higher performance goes with a lower outcome. ``attrs``:
        ``r2``, ``n``, ``n_effective``, ``missing``, ``method``, ``derived_cut``, ``stated_cut``,
        ``rule`` (in words), ``bootstrap`` (resamples × elements) and ``excluded`` (``{element: reason}``
        for elements left out because their performance ratings do not vary or repeat another element's;
        see :func:`uninformative`).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, truth = cx.synth.make_engagement("retailer", 800, seed=0)
    >>> imp = importance(eng.frame(), eng.codebook, weight="resp_weight", n_boot=100)
    >>> imp.columns.tolist()[:9]
    ['element', 'stage', 'dimension', 'stated', 'derived', 'ci_low', 'ci_high', 'performance', 'quadrant']
    >>> round(float(imp["derived"].sum()), 6)  # percent of the explained connection
    100.0
    """
    perf = codebook[codebook["role"] == "element_performance"].set_index("element")
    imp = codebook[codebook["role"] == "element_importance"].set_index("element")
    elements = [e for e in perf.index if e in imp.index]
    # An element everyone rated the same (or nobody rated) carries no information about the outcome: it is
    # left out and named, rather than stopping the whole driver analysis.
    excluded = uninformative(pd.DataFrame({e: frame[perf.loc[e, "column"]] for e in elements}, index=frame.index),
                             what="rated its performance")
    elements = [e for e in elements if e not in excluded]
    if len(elements) < 2:
        raise ValueError(f"importance: fewer than two elements have varying performance ratings "
                         f"(left out: {excluded}); driver importance cannot be estimated")
    X = pd.DataFrame({e: frame[perf.loc[e, "column"]] for e in elements}, index=frame.index)
    y = frame[outcome]
    if outcome == "segment":
        raise ValueError("importance: use a numeric outcome, e.g. connection_index or (segment == 'fully connected')")
    rw = relative_weights(X, y, weights=frame[weight] if weight else None, n_boot=n_boot, seed=seed, ci=ci,
                          missing=missing)
    w = frame[weight].astype(float) if weight else pd.Series(1.0, index=frame.index)

    def wmean(col: str, lo: float, hi: float) -> tuple[float, int]:
        x = pd.to_numeric(frame[col], errors="coerce")
        ok = x.notna() & w.notna()
        return float(np.average(_rescale(x[ok], lo, hi), weights=w[ok])) if ok.any() else np.nan, int(ok.sum())

    rows = []
    for e, r in zip(elements, rw.itertuples()):
        s_mean, s_n = wmean(imp.loc[e, "column"], float(imp.loc[e, "scale_min"]), float(imp.loc[e, "scale_max"]))
        p_mean, p_n = wmean(perf.loc[e, "column"], float(perf.loc[e, "scale_min"]), float(perf.loc[e, "scale_max"]))
        rows.append({"element": e, "stage": perf.loc[e, "stage"], "dimension": perf.loc[e, "dimension"],
                     "stated": s_mean, "derived": r.rescaled, "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "performance": p_mean, "sign": r.sign, "lowers_outcome": bool(r.sign < 0),
                     "n_stated": s_n, "n_performance": p_n})
    out = pd.DataFrame(rows)
    d_cut, s_cut = rule.cuts(out["derived"], out["stated"])
    high_d = out["derived"] > d_cut
    high_s = out["stated"] > s_cut
    out.insert(8, "quadrant", np.select([high_d & high_s, high_d & ~high_s, ~high_d & high_s],
                                        list(QUADRANTS[:3]), default=QUADRANTS[3]))
    out.attrs = {k: v for k, v in rw.attrs.items()}
    out.attrs.update({"derived_cut": d_cut, "stated_cut": s_cut, "rule": rule.describe(d_cut, s_cut),
                      "outcome": outcome, "excluded": excluded})
    return out


def rank_stability(result: pd.DataFrame, *, top: int = 10, ci: float = 0.95, name: str = "element") -> pd.DataFrame:
    """Bootstrap ranks of the elements: rank interval and how often each is in the top ``top``.

    Parameters
    ----------
    result : DataFrame
        Output of ``importance`` or ``relative_weights`` computed with ``n_boot > 0``.
    top : int
        Size of the top group.
    ci : float
        Confidence level of the rank interval.
    name : str
        Column holding the names (``element`` or ``predictor``).

    Returns
    -------
    DataFrame
        ``<name>, rank, rank_ci_low, rank_ci_high, in_top`` (share of resamples in the top ``top``), best first.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> imp = importance(f, cb, weight="resp_weight", n_boot=100, seed=0)
    >>> rank_stability(imp, top=5).columns.tolist()
    ['element', 'rank', 'rank_ci_low', 'rank_ci_high', 'in_top']
    """
    boot = result.attrs.get("bootstrap")
    if boot is None:
        raise ValueError("rank_stability: the result has no bootstrap; compute it with n_boot > 0")
    value = result["derived"] if "derived" in result else result["rescaled"]
    ranks = (-boot).argsort(axis=1).argsort(axis=1) + 1
    out = pd.DataFrame({name: result[name].to_numpy(),
                        "rank": (-value).rank(method="first").astype(int).to_numpy(),
                        "rank_ci_low": np.quantile(ranks, (1 - ci) / 2, axis=0, method="lower"),
                        "rank_ci_high": np.quantile(ranks, (1 + ci) / 2, axis=0, method="higher"),
                        "in_top": (ranks <= top).mean(axis=0)})
    return out.sort_values("rank").reset_index(drop=True)


def pairwise_differences(result: pd.DataFrame, *, names: list[str] | None = None, ci: float = 0.95,
                         name: str = "element") -> pd.DataFrame:
    """Differences in derived importance between pairs of elements, with bootstrap intervals.

    As R's relaimpo ``booteval.relimp`` reports: for each pair, the difference of their shares of R²
    and its percentile interval; a pair whose interval excludes 0 is a *clear* difference.

    Parameters
    ----------
    result : DataFrame
        Output of ``importance``/``relative_weights`` with a bootstrap.
    names : list of str, optional
        Elements to compare (default: all).
    ci : float
        Confidence level.
    name : str
        Column holding the names.

    Returns
    -------
    DataFrame
        ``a, b, difference, ci_low, ci_high, clear``.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> imp = importance(f, cb, weight="resp_weight", n_boot=100, seed=0)
    >>> d = pairwise_differences(imp, names=list(imp["element"][:3]))
    >>> len(d), d.columns.tolist()[:4]
    (3, ['a', 'b', 'difference', 'ci_low'])
    """
    boot = result.attrs.get("bootstrap")
    if boot is None:
        raise ValueError("pairwise_differences: the result has no bootstrap; compute it with n_boot > 0")
    value = (result["derived"] if "derived" in result else result["rescaled"]).to_numpy()
    labels = result[name].tolist()
    idx = [labels.index(n) for n in (names or labels)]
    rows = []
    for i_pos, i in enumerate(idx):
        for j in idx[i_pos + 1:]:
            d = boot[:, i] - boot[:, j]
            lo, hi = np.quantile(d, [(1 - ci) / 2, (1 + ci) / 2])
            rows.append({"a": labels[i], "b": labels[j], "difference": value[i] - value[j],
                         "ci_low": lo, "ci_high": hi, "clear": bool(lo > 0 or hi < 0)})
    return pd.DataFrame(rows, columns=["a", "b", "difference", "ci_low", "ci_high", "clear"])


def rollup(result: pd.DataFrame, *, by: str = "stage", ci: float = 0.95) -> pd.DataFrame:
    """Derived importance summed by journey stage or experience dimension, with bootstrap intervals.

    Parameters
    ----------
    result : DataFrame
        Output of ``importance`` (with a bootstrap for intervals).
    by : {"stage", "dimension"}
        Grouping column.
    ci : float
        Confidence level.

    Returns
    -------
    DataFrame
        ``<by>, n_elements, derived, ci_low, ci_high, stated, performance`` sorted by ``derived``: the
        group's share of R² (sum of its elements'), and the mean stated importance and performance.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> imp = importance(f, cb, weight="resp_weight", n_boot=100, seed=0)
    >>> rollup(imp, by="stage").columns.tolist()
    ['stage', 'n_elements', 'derived', 'ci_low', 'ci_high', 'stated', 'performance']
    """
    boot = result.attrs.get("bootstrap")
    rows = []
    for key, g in result.groupby(by, sort=False):
        lo = hi = np.nan
        if boot is not None:
            lo, hi = np.quantile(boot[:, g.index.to_numpy()].sum(axis=1), [(1 - ci) / 2, (1 + ci) / 2])
        rows.append({by: key, "n_elements": len(g), "derived": g["derived"].sum(), "ci_low": lo, "ci_high": hi,
                     "stated": g["stated"].mean(), "performance": g["performance"].mean()})
    return pd.DataFrame(rows).sort_values("derived", ascending=False).reset_index(drop=True)


def priorities(result: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """Where better performance would raise the outcome most: derived importance × room to improve.

    ``opportunity = derived × (100 − performance) / 100`` (performance on 0–100); elements that lower the
    outcome are excluded. Returns the ``top`` elements with ``element, stage, dimension, derived,
    performance, opportunity, quadrant``, best first.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> imp = importance(f, cb, weight="resp_weight", n_boot=100, seed=0)
    >>> priorities(imp, top=3).columns.tolist()
    ['element', 'stage', 'dimension', 'derived', 'performance', 'opportunity', 'quadrant']
    """
    d = result[~result["lowers_outcome"]].copy()
    d["opportunity"] = d["derived"] * (100 - d["performance"]) / 100
    cols = ["element", "stage", "dimension", "derived", "performance", "opportunity", "quadrant"]
    return d.sort_values("opportunity", ascending=False)[cols].head(top).reset_index(drop=True)
