"""Derived importance: Johnson's relative weights, exact Shapley (LMG), and the stated-vs-derived map.

Relative weights split a regression's R² among correlated predictors: the predictors are replaced by
their closest orthogonal counterparts (the symmetric square root of their correlation matrix), the
outcome is regressed on those, and the variance each counterpart explains is mapped back to the
original predictors. Raw weights sum to R²; rescaled weights are percentages of R².

Every function returns a frozen result object (:mod:`cxlib.results`): :class:`RelativeWeights`,
:class:`Shapley`, :class:`Importance`, and for the follow-on steps :class:`RankStability`,
:class:`PairwiseDifferences`, :class:`Rollup`, :class:`Priorities` and :class:`OutcomeRanks`. The
follow-on steps take the result object (never its table) and read bootstrap draws by name, so sorting,
filtering or merging a table can never change a number.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import checks
from .errors import ArgumentError
from .results import Draws, Reason, Result
from .stats import bootstrap_counts, kish_effective_n, percentile_interval

__all__ = [
    "MAX_SHAPLEY_PREDICTORS",
    "MISSING_RULES",
    "QUADRANTS",
    "EVIDENCE",
    "FDR_METHODS",
    "ADJUST_METHODS",
    "IMPORTANCE_COLUMNS",
    "QuadrantRule",
    "adjust_p",
    "RelativeWeights",
    "Shapley",
    "Importance",
    "RankStability",
    "PairwiseDifferences",
    "Rollup",
    "Priorities",
    "OutcomeRanks",
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
    "outcome_ranks",
]

#: Largest exact Shapley decomposition attempted (2^p subsets; p = 24 takes well under a minute).
MAX_SHAPLEY_PREDICTORS = 24

#: Rules for missing predictor answers (see :func:`relative_weights`).
MISSING_RULES = ("listwise", "mean", "pairwise")

#: The four quadrants of the stated-vs-derived importance map.
QUADRANTS: tuple[str, ...] = ("key driver", "hidden driver", "overrated", "secondary")

#: The ``evidence`` column of :class:`Importance`: a claimed quadrant's label is supported at the rule's
#: false-discovery rate, or only possible; secondary elements make no claim and are not tested.
EVIDENCE: tuple[str, ...] = ("supported", "possible", "not tested")

#: False-discovery-rate adjustments of :class:`QuadrantRule`: Benjamini–Hochberg, Benjamini–Yekutieli.
FDR_METHODS: tuple[str, ...] = ("bh", "by")
#: Every method :func:`adjust_p` knows: the false-discovery-rate ones and Holm's family-wise one.
ADJUST_METHODS: tuple[str, ...] = FDR_METHODS + ("holm",)


def _fail(function: str, argument: str, message: str) -> ArgumentError:
    return ArgumentError(f"{function}: {message}", function=function, argument=argument)


class _Unusable(Exception):
    """Raised inside the estimators: ``kind`` is "predictors" (the caller's X is at fault) or "data"
    (nothing to estimate from: a not-estimable result with ``reason``)."""

    def __init__(self, kind: str, message: str, reason: Reason | None = None):
        super().__init__(message)
        self.kind, self.reason = kind, reason


def _correlation_argument(corr: Any, function: str) -> np.ndarray:
    try:
        corr = np.asarray(corr, dtype=float)
    except (TypeError, ValueError):
        raise _fail(function, "corr", "corr must be a correlation matrix of numbers") from None
    if corr.ndim < 2 or corr.shape[-1] != corr.shape[-2] or corr.shape[-1] < 2:
        raise _fail(function, "corr", f"corr must be a square (p + 1) × (p + 1) correlation matrix with the outcome "
                                      f"last, not of shape {corr.shape}")
    return corr


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
    corr = _correlation_argument(corr, "drivers.weights_from_correlation")
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
    X = checks.frame(X, "drivers.uninformative", "X")
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


def _uninformative_reasons(X: pd.DataFrame, *, what: str = "rated its performance") -> dict[str, Reason]:
    """Like :func:`uninformative`, with the reasons as :class:`~cxlib.results.Reason` codes (``no_data``,
    ``constant``, ``duplicate``); a constant column's sentence names the answer everyone gave."""
    reasons: dict[str, Reason] = {}
    seen: dict[bytes, str] = {}
    for col in X.columns:
        values = pd.to_numeric(X[col], errors="coerce").to_numpy(dtype=float)
        answered = values[~np.isnan(values)]
        if answered.size == 0:
            reasons[col] = Reason("no_data", f"nobody {what}")
        elif np.unique(answered).size < 2:
            reasons[col] = Reason("constant", f"every customer {what} {answered[0]:g}")
        else:
            key = np.where(np.isnan(values), np.inf, values).tobytes()
            if key in seen:
                reasons[col] = Reason("duplicate", f"same answers as “{seen[key]}” from every customer (a duplicated "
                                                   "question?)")
            else:
                seen[key] = col
    return reasons


def _check_predictors(X: pd.DataFrame, context: str) -> None:
    sd = X.std(ddof=0)
    constant = sd.index[~(sd > 0)].tolist()
    if constant:
        raise _Unusable("predictors", f"{context}: predictor(s) {constant} are constant (no variation): remove them first")
    filled = X.fillna(X.mean()).to_numpy(dtype=float)
    corr = np.corrcoef(filled, rowvar=False)
    lam, vec = np.linalg.eigh(np.atleast_2d(corr))
    if lam.min() < 1e-10 * max(lam.max(), 1.0):
        # Name the columns involved in the (near-)exact dependency: the eigenvector of the smallest eigenvalue.
        involved = [X.columns[i] for i in np.flatnonzero(np.abs(vec[:, 0]) > 0.05)]
        raise _Unusable("predictors", f"{context}: the predictors are perfectly collinear (rank "
                        f"{int((lam > 1e-10 * lam.max()).sum())} of {X.shape[1]}); the dependency involves {involved}: "
                        "remove duplicated or derived columns",
                        Reason.of("collinear", names=", ".join(f"“{c}”" for c in involved)))


def _prepare(X: pd.DataFrame, y: Any, weights: Any, missing: str, context: str):
    """Align, drop rows without outcome or weight, apply the missing-answer rule. Returns (Z, present, w,
    keep), ``keep`` marking the rows of ``X`` used."""
    data = X.apply(pd.to_numeric, errors="raise").astype(float)
    yy = pd.to_numeric(pd.Series(np.asarray(y), index=X.index), errors="raise").astype(float)
    w = pd.Series(1.0, index=X.index) if weights is None else pd.to_numeric(
        pd.Series(np.asarray(weights), index=X.index), errors="raise").astype(float)
    keep = yy.notna() & w.notna()
    if missing == "listwise":
        keep &= data.notna().all(axis=1)
    data, yy, w = data[keep], yy[keep], w[keep]
    all_missing = data.columns[data.isna().all()].tolist()
    if all_missing and len(data):
        raise _Unusable("predictors", f"{context}: predictor(s) {all_missing} have no answers")
    if len(data) < X.shape[1] + 2:
        raise _Unusable("data", f"{context}: only {len(data)} usable rows for {X.shape[1]} predictors",
                        Reason.of("too_few", n=len(data), need=X.shape[1] + 2))
    _check_predictors(data, context)
    if not yy.std() > 0:
        raise _Unusable("data", f"{context}: the outcome is constant", Reason.of("constant"))
    Z = np.column_stack([data.to_numpy(), yy.to_numpy()])
    present = np.isfinite(Z)
    ww = w.to_numpy()
    means = np.nansum(Z * ww[:, None], axis=0) / np.sum(present * ww[:, None], axis=0)
    Z = np.where(present, Z - means, 0.0)  # centred; a mean-imputed cell becomes exactly 0
    return Z, present, ww, keep.to_numpy()


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
        prob = fit.predict(sm.add_constant(Zo))
    b = np.asarray(fit.params)[1:]
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


# -- argument checks shared by the array-level functions ---------------------------------------------

def _predictor_frame(X: Any, function: str) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise _fail(function, "X", f"X must be a DataFrame of predictors (one column each), not a "
                                   f"{type(X).__name__}; for one predictor pass frame[['column']]")
    if X.shape[1] == 0:
        raise _fail(function, "X", "X has no columns; pass at least one predictor")
    names = [str(c) for c in X.columns]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise _fail(function, "X", f"X has repeated column names ({', '.join(map(repr, dup))}); each predictor needs its own name")
    for col in X.columns:
        if not (pd.api.types.is_numeric_dtype(X[col]) or pd.api.types.is_bool_dtype(X[col])):
            example = X[col].dropna().astype(str).head(1).tolist()
            raise _fail(function, "X", f"X column {col!r} must hold numbers; it holds text"
                                       + (f" such as {example[0]!r}" if example else ""))
    return X


def _aligned(values: Any, X: pd.DataFrame, function: str, argument: str) -> np.ndarray:
    """``values`` as a float array of len(X) (a Series, array or list); a DataFrame or text is refused."""
    if isinstance(values, pd.DataFrame):
        raise _fail(function, argument, f"{argument} must be one column of values, not a DataFrame; pass frame['column']")
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise _fail(function, argument, f"{argument} must be a one-dimensional array or Series of numbers"
                                        + (" (a column of the data, not its name)" if isinstance(values, str) else ""))
    s = checks.series(values, function, argument)
    if len(s) != len(X):
        raise _fail(function, argument, f"{argument} has {len(s):,} values but X has {len(X):,} rows; they must align")
    return s.to_numpy()


def _respondent_weights(weights: Any, X: pd.DataFrame, function: str) -> np.ndarray | None:
    if weights is None:
        return None
    w = _aligned(weights, X, function, "weights")
    if (w[np.isfinite(w)] < 0).any():
        raise _fail(function, "weights", "weights must not be negative")
    return w


def _common(function: str, n_boot: Any, seed: Any, ci: Any) -> tuple[int, int, float]:
    n_boot = checks.count(n_boot, function, "n_boot", minimum=2, allow_zero=True)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise _fail(function, "seed", f"seed must be a whole number of at least 0, not {seed!r}")
    return n_boot, int(seed), checks.level(ci, function)


def _weighted_table(table: pd.DataFrame, n: int, n_effective: float | None) -> pd.DataFrame:
    table["n"] = int(n)
    if n_effective is not None:
        table["n_effective"] = float(n_effective)
    return table


# -- relative weights ---------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class RelativeWeights(Result):
    """Johnson's relative weights of a set of predictors (the result of :func:`relative_weights`).

    Attributes
    ----------
    table : DataFrame
        One row per predictor, in the order of ``X``'s columns: ``predictor, raw, rescaled, ci_low,
        ci_high, sign, n`` (+ ``n_effective`` when weighted). ``raw`` sums to R² (pseudo-R² for the
        logistic variant); ``rescaled`` is the percent of R² with its percentile interval (NaN without a
        bootstrap); ``sign`` is the direction of the predictor's coefficient in the full model (−1: a
        higher value goes with a lower outcome).
    r2 : float
        R² of the full model (pseudo-R² for the logistic variant).
    r2_p_value : float or None
        Overall F test of R² = 0 on the effective n (None for the logistic variant).
    n : int
        Respondents used.
    n_effective : float or None
        Kish effective sample size with weights (None without weights).
    method : {"linear", "logistic"}
    missing : {"listwise", "mean", "pairwise"}
        The missing-answer rule applied.
    draws : Draws or None
        Bootstrap draws of ``rescaled`` keyed by predictor (None when ``n_boot=0``); logistic resamples
        that separated are rows of NaN.
    n_boot_separated : int
        Logistic resamples left out of the intervals because the predictors separated the outcome.
    ci : float
        Confidence level of the intervals.
    reason : Reason or None
        Set when the weights could not be estimated (the table's numbers are then NaN).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    >>> rw = relative_weights(X, 2 * X["a"] + X["b"] + rng.normal(size=300), n_boot=50)
    >>> rw.table.columns.tolist()
    ['predictor', 'raw', 'rescaled', 'ci_low', 'ci_high', 'sign', 'n']
    >>> rw.names, rw.n, rw.estimable, round(rw.r2, 2)
    (('a', 'b', 'c'), 300, True, 0.84)
    >>> bool(np.isclose(rw.table["raw"].sum(), rw.r2)), rw.draws["a"].shape  # raw weights add up to R²
    (True, (50,))
    >>> rw.headline().startswith("**a** carries the largest share")
    True
    """

    r2: float = math.nan
    r2_p_value: float | None = None
    n: int = 0
    n_effective: float | None = None
    method: str = "linear"
    missing: str = "listwise"
    draws: Draws | None = field(default=None, repr=False)
    n_boot_separated: int = 0
    ci: float = 0.95
    reason: Reason | None = None

    name_column = "predictor"
    value_column = "rescaled"

    @property
    def estimable(self) -> bool:
        return self.reason is None

    @property
    def names(self) -> tuple[str, ...]:
        """The predictors, in the order of ``X``'s columns (as text)."""
        return tuple(str(p) for p in self._table["predictor"])

    def values(self) -> dict[str, float]:
        """``{predictor: rescaled weight}``."""
        return dict(zip(self.names, self._table["rescaled"].astype(float)))

    def headline(self) -> str:
        from . import report

        if not self.estimable:
            return report.Markdown(f"The relative weights are not estimable: {report.text(self.reason.sentence)}.")
        t = self._table.sort_values("rescaled", ascending=False, kind="stable")
        top = t.iloc[0]
        return report.Markdown(
            f"**{report.text(top['predictor'])}** carries the largest share of the explained variation: "
            f"{report.ci_text(top['rescaled'], top['ci_low'], top['ci_high'], fmt='{:.0f}%', n=self.n)}; "
            f"the model explains R² = {report.number(self.r2, '{:.2f}')}.")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.relative_weights(self, ax=ax, **kwargs)


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
) -> RelativeWeights:
    """Johnson's relative weights of the predictors in ``X`` for the outcome ``y``.

    Parameters
    ----------
    X : DataFrame
        Predictors, one column each (100+ correlated predictors are fine).
    y : Series or array
        Outcome, aligned with ``X`` by position. A 0/1 outcome uses the logistic variant (``method="auto"``).
    weights : Series or array, optional
        Respondent weights: correlations are weighted, and the bootstrap resamples respondents with them.
    n_boot : int
        Bootstrap resamples for the intervals: 0 (no intervals) or at least 2.
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
    RelativeWeights
        ``.table``: ``predictor, raw, rescaled, ci_low, ci_high, sign, n`` (+ ``n_effective``); attributes
        ``r2, r2_p_value, n, n_effective, method, missing, draws, n_boot_separated``. When nothing can be
        estimated (too few rows, a constant outcome, a separated logistic outcome) the result is not
        estimable: ``reason`` says why.

    Raises
    ------
    ArgumentError
        For arguments it cannot use, and for predictors without information of their own (constant,
        unanswered or perfectly collinear columns: remove them first; :func:`uninformative` finds them).

    Notes
    -----
    With ``R_xx = V diag(λ) Vᵀ``, ``Λ = V diag(√λ) Vᵀ``, ``β = Λ⁻¹ r_xy`` and raw weight ``ε_j = Σ_k Λ_jk² β_k²``
    (Johnson 2000). Logistic variant: the outcome is regressed (logistic) on the orthogonal counterparts,
    the coefficients standardised by ``R / sd(logit ŷ)`` (Tonidandel & LeBreton 2010). Linear weights are
    checked against a plain eigen-decomposition and the ``rwa`` package's published mtcars example; the
    logistic ones against the steps of ``rwa_logit`` written plainly with statsmodels; the F test against
    statsmodels' ``f_pvalue`` (tests/test_drivers.py). The linear bootstrap is vectorised (count matrices,
    batched products); the logistic one refits the model per resample.

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
    >>> rw = relative_weights(X, y, n_boot=200)
    >>> t = rw.table
    >>> t.loc[t["rescaled"].idxmax(), "predictor"], round(rw.r2, 2), rw.n
    ('a', 0.83, 500)
    >>> rw.draws["a"].shape  # bootstrap draws of the rescaled weights, read by name
    (200,)
    """
    fn = "drivers.relative_weights"
    X = _predictor_frame(X, fn)
    yv = _aligned(y, X, fn, "y")
    w = _respondent_weights(weights, X, fn)
    n_boot, seed, ci = _common(fn, n_boot, seed, ci)
    missing = checks.choice(missing, MISSING_RULES, fn, "missing")
    method = checks.choice(method, ("auto", "linear", "logistic"), fn, "method")
    if method == "logistic" and not _is_binary(pd.Series(yv)):
        raise _fail(fn, "method", "method 'logistic' needs a 0/1 outcome; y holds other values")
    try:
        return _relative_weights(X, yv, w, n_boot, seed, ci, missing, method)
    except _Unusable as exc:
        if exc.kind == "predictors":
            raise _fail(fn, "X", str(exc).split(": ", 1)[1]) from None
        raise


def _missing_weights(X: pd.DataFrame, reason: Reason, *, n: int, weighted: bool, method: str, missing: str,
                     ci: float) -> RelativeWeights:
    p = X.shape[1]
    nan = np.full(p, np.nan)
    table = pd.DataFrame({"predictor": list(X.columns), "raw": nan, "rescaled": nan, "ci_low": nan,
                          "ci_high": nan, "sign": np.zeros(p, dtype=int)})
    return RelativeWeights(_weighted_table(table, n, float(n) if weighted else None), n=int(n),
                           n_effective=float(n) if weighted else None, method=method, missing=missing, ci=ci,
                           reason=reason)


def _relative_weights(X: pd.DataFrame, y: Any, weights: Any, n_boot: int, seed: int, ci: float, missing: str,
                      method: str, extra: np.ndarray | None = None) -> Any:
    """The estimator (arguments already checked). Raises :class:`_Unusable` ("predictors") for bad X.

    With ``extra`` (an array aligned with ``X``'s rows, one column per quantity, NaN = not answered), returns
    ``(RelativeWeights, extra_draws)``: the weighted mean of every ``extra`` column over the same bootstrap
    resamples (resamples × columns; None without a bootstrap)."""
    context = "relative_weights"
    logistic = method == "logistic" or (method == "auto" and _is_binary(pd.Series(np.asarray(y))))
    kind = "logistic" if logistic else "linear"
    extra_draws = None

    def done(rw: RelativeWeights) -> Any:
        return rw if extra is None else (rw, extra_draws)

    try:
        Z, present, ww, keep = _prepare(X, y, weights, "mean" if (logistic and missing == "pairwise") else missing,
                                        context)
    except _Unusable as exc:
        if exc.kind != "data":
            raise
        usable = int(pd.Series(np.asarray(y, dtype=float)).notna().sum())
        return done(_missing_weights(X, exc.reason, n=usable, weighted=weights is not None, method=kind,
                                     missing=missing, ci=ci))
    n = len(Z)
    n_eff = float(ww.sum() ** 2 / (ww**2).sum())
    pairwise = missing == "pairwise" and not logistic
    if logistic:
        y01 = Z[:, -1] - Z[:, -1].min()
        raw, sign = _logistic_weights(Z, y01, ww)
        if np.isnan(raw).any():
            # The predictors separate the 0/1 outcome perfectly: the weights are not identified.
            return done(_missing_weights(X, Reason.of("separation"), n=n, weighted=weights is not None,
                                         method=kind, missing=missing, ci=ci))
    else:
        corr = _corr_stack(Z, present, ww[None], pairwise)[0]
        raw = weights_from_correlation(corr)
        sign = _signs(corr)
    r2 = float(raw.sum())
    out = pd.DataFrame({"predictor": list(X.columns), "raw": raw, "rescaled": raw / r2 * 100,
                        "ci_low": np.nan, "ci_high": np.nan, "sign": sign.astype(int)})
    draws = None
    n_separated = 0
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
        if extra is not None:
            ex = np.asarray(extra, dtype=float)[keep]
            ex_present = np.isfinite(ex)
            ex_filled = np.where(ex_present, ex, 0.0)
            extras = []
        for counts in bootstrap_counts(n, n_boot, rng, max_cells=max(4_000_000 // per_case, n)):
            if extra is not None:
                cw = counts * ww
                with np.errstate(divide="ignore", invalid="ignore"):
                    extras.append((cw @ ex_filled) / (cw @ ex_present))
            if logistic:
                rb = np.vstack([_logistic_weights(Z[c > 0], Z[c > 0, -1] - Z[:, -1].min(), (c * ww)[c > 0])[0]
                                for c in counts])
            else:
                rb = weights_from_correlation(_corr_stack(Z, present, counts * ww, pairwise, products))
            boots.append(rb / rb.sum(axis=1, keepdims=True) * 100)
        boot = np.vstack(boots)
        separated = np.isnan(boot).any(axis=1)  # logistic resamples that separated: left out of the interval
        n_separated = int(separated.sum())
        out["ci_low"], out["ci_high"] = percentile_interval(boot[~separated], ci)
        draws = Draws(boot, [str(c) for c in X.columns])
        if extra is not None:
            extra_draws = np.vstack(extras)
    weighted = weights is not None
    return done(RelativeWeights(
        _weighted_table(out, n, n_eff if weighted else None), r2=r2,
        r2_p_value=None if logistic else _r2_p_value(r2, X.shape[1], n_eff), n=n,
        n_effective=n_eff if weighted else None, method=kind, missing=missing, draws=draws,
        n_boot_separated=n_separated, ci=ci))


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
    corr = _correlation_argument(corr, "drivers.subset_r2")
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


@dataclass(frozen=True, eq=False)
class Shapley(Result):
    """Exact Shapley (LMG) decomposition of R² (the result of :func:`shapley`).

    Attributes
    ----------
    table : DataFrame
        ``predictor, raw, rescaled, n`` (+ ``n_effective`` when weighted): ``raw`` is the predictor's
        Shapley value (they sum to R²), ``rescaled`` the percent of R².
    r2 : float
        R² of the full model.
    n : int
        Respondents used (rows with any missing value are left out).
    n_effective : float or None
        Kish effective sample size with weights.
    method : str
        ``"shapley"``.
    reason : Reason or None
        Set when it could not be estimated.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    >>> sh = shapley(X, X["a"] + 0.5 * X["b"] + rng.normal(size=300))
    >>> sh.table.columns.tolist(), sh.names, sh.method
    (['predictor', 'raw', 'rescaled', 'n'], ('a', 'b', 'c'), 'shapley')
    >>> round(float(sh.table["rescaled"].sum()), 6), sh.headline().startswith("**a** carries the largest share")
    (100.0, True)
    """

    r2: float = math.nan
    n: int = 0
    n_effective: float | None = None
    method: str = "shapley"
    reason: Reason | None = None

    name_column = "predictor"
    value_column = "rescaled"

    @property
    def estimable(self) -> bool:
        return self.reason is None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(p) for p in self._table["predictor"])

    def headline(self) -> str:
        from . import report

        if not self.estimable:
            return report.Markdown(f"The Shapley decomposition is not estimable: {report.text(self.reason.sentence)}.")
        top = self._table.sort_values("rescaled", ascending=False, kind="stable").iloc[0]
        return report.Markdown(f"**{report.text(top['predictor'])}** carries the largest share of the explained "
                               f"variation ({report.number(top['rescaled'], '{:.0f}%')}; n={self.n:,}); "
                               f"R² = {report.number(self.r2, '{:.2f}')}.")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.relative_weights(self, ax=ax, **kwargs)


def shapley(X: pd.DataFrame, y: pd.Series, *, weights: pd.Series | None = None) -> Shapley:
    """Exact Shapley (LMG) decomposition of R² among the predictors.

    Parameters
    ----------
    X : DataFrame
        Predictors (at most ``MAX_SHAPLEY_PREDICTORS`` columns).
    y : Series or array
        Outcome, aligned with ``X`` by position.
    weights : Series or array, optional
        Respondent weights (weighted correlations).

    Returns
    -------
    Shapley
        ``.table``: ``predictor, raw, rescaled, n`` (+ ``n_effective``); attributes ``r2, n, n_effective``.
        Not estimable (``reason``) with too few complete rows or a constant outcome.

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
    >>> bool(abs(sh.table["raw"].sum() - sh.r2) < 1e-12), sh.n
    (True, 300)
    """
    fn = "drivers.shapley"
    X = _predictor_frame(X, fn)
    p = X.shape[1]
    if p > MAX_SHAPLEY_PREDICTORS:
        raise _fail(fn, "X",
                    f"{p} predictors is beyond exact Shapley (at most {MAX_SHAPLEY_PREDICTORS}: the work doubles "
                    "with each predictor). Use drivers.relative_weights, which handles hundreds of predictors and "
                    "agrees closely with Shapley values.")
    yv = _aligned(y, X, fn, "y")
    w = _respondent_weights(weights, X, fn)
    weighted = w is not None
    try:
        Z, present, ww, _ = _prepare(X, yv, w, "listwise", "shapley")
    except _Unusable as exc:
        if exc.kind == "predictors":
            raise _fail(fn, "X", str(exc).split(": ", 1)[1]) from None
        nan = np.full(p, np.nan)
        n = int(pd.Series(yv).notna().sum())
        table = pd.DataFrame({"predictor": list(X.columns), "raw": nan, "rescaled": nan})
        return Shapley(_weighted_table(table, n, float(n) if weighted else None), n=n,
                       n_effective=float(n) if weighted else None, reason=exc.reason)
    corr = _corr_stack(Z, present, ww[None], False)[0]
    r2 = subset_r2(corr)
    raw = _lmg_from_subsets(r2, p)
    n_eff = kish_effective_n(ww) if weighted else None
    out = pd.DataFrame({"predictor": list(X.columns), "raw": raw, "rescaled": raw / r2[-1] * 100})
    return Shapley(_weighted_table(out, len(Z), n_eff), r2=float(r2[-1]), n=len(Z), n_effective=n_eff)


# -- the stated-vs-derived map ------------------------------------------------------------------------

@dataclass(frozen=True)
class QuadrantRule:
    """Where the stated-vs-derived map is cut, and how much evidence a classification needs.

    Attributes
    ----------
    derived : "fair_share" or float
        An element's derived importance is *high* when its share of the explained variation (percent of
        R²) exceeds this: ``"fair_share"`` means ``100 / p`` (more than an equal share).
    stated : "mean", "median" or float
        An element's stated importance (0–100) is *high* when above this: the mean or median over the
        elements, or a fixed value.
    fdr : float
        False-discovery rate (strictly between 0 and 1) at which a hidden driver, key driver or overrated
        element is called *supported*; the others whose estimates fall in that quadrant are *possible*.
    fdr_method : {"bh", "by"}
        Benjamini–Hochberg (default) or Benjamini–Yekutieli (valid under any dependence, more cautious).

    Notes
    -----
    High derived + high stated: **key driver**; high derived + low stated: **hidden driver**; low derived
    + high stated: **overrated**; low + low: **secondary** (no claim is made).

    The quadrant of an element is where its estimates fall. The claim "element *j* is a hidden driver" is
    the conjunction of two one-sided hypotheses, derived share above the derived cut and stated importance
    below the stated cut (key driver: both above; overrated: derived below, stated above). Each half has a
    one-sided p-value from the bootstrap resamples, ``p = 1 − Φ(z)`` with ``z`` the estimate's distance from
    the cut in bootstrap standard errors (both halves on the same resamples of respondents); the claim's
    p-value is the larger of the two (an intersection–union test, Berger 1982). The claims' p-values are
    adjusted across **every element of the map** (secondary elements count in the family with p = 1), and a
    claim is *supported* when its adjusted p-value (``q_value``) is at most ``fdr``. Why the fair-share cut
    is a valid null boundary even with a halo linking every rating, and why BH rather than BY:
    docs/decisions.md (issue 17, classification).

    References
    ----------
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57(1), 289–300.
    Benjamini, Y., & Yekutieli, D. (2001). The control of the false discovery rate in multiple testing under
    dependency. *Annals of Statistics* 29(4), 1165–1188.
    Berger, R. L. (1982). Multiparameter hypothesis testing and acceptance sampling. *Technometrics* 24(4).

    Examples
    --------
    >>> rule = QuadrantRule()  # derived: fair share 100/p; stated: the mean; supported at a 10% FDR (BH)
    >>> rule
    QuadrantRule(derived='fair_share', stated='mean', fdr=0.1, fdr_method='bh')
    >>> rule.principle()[:60]
    'An element is named a hidden driver, key driver or overrated'
    >>> QuadrantRule(derived=150)
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: drivers.QuadrantRule: derived must be 'fair_share' or a share of the explained variation between 0 and 100 (percent), not 150
    """

    derived: str | float = "fair_share"
    stated: str | float = "mean"
    fdr: float = 0.10
    fdr_method: str = "bh"

    def __post_init__(self) -> None:
        fn = "drivers.QuadrantRule"

        def number(v: Any) -> bool:
            return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and math.isfinite(v)

        if not (self.derived == "fair_share" or (number(self.derived) and 0 < float(self.derived) < 100)):
            raise _fail(fn, "derived", "derived must be 'fair_share' or a share of the explained variation "
                                       f"between 0 and 100 (percent), not {self.derived!r}")
        if not (self.stated in ("mean", "median") or (number(self.stated) and 0 <= float(self.stated) <= 100)):
            raise _fail(fn, "stated", "stated must be 'mean', 'median' or a stated importance between 0 and 100, "
                                      f"not {self.stated!r}")
        if not (number(self.fdr) and 0 < float(self.fdr) < 1):
            raise _fail(fn, "fdr", f"fdr must be a false-discovery rate strictly between 0 and 1 (e.g. 0.10), "
                                   f"not {self.fdr!r}")
        checks.choice(self.fdr_method, FDR_METHODS, fn, "fdr_method")

    def cuts(self, derived: pd.Series, stated: pd.Series) -> tuple[float, float]:
        """The derived and stated cut for these elements."""
        d = 100.0 / len(derived) if self.derived == "fair_share" else float(self.derived)
        if self.stated == "mean":
            s = float(stated.mean())
        elif self.stated == "median":
            s = float(stated.median())
        else:
            s = float(self.stated)
        return d, s

    def _stated_cut_draws(self, stated_draws: np.ndarray) -> np.ndarray:
        """The stated cut in each resample (resamples × elements of stated importance)."""
        if self.stated == "mean":
            return np.nanmean(stated_draws, axis=1)
        if self.stated == "median":
            return np.nanmedian(stated_draws, axis=1)
        return np.full(len(stated_draws), float(self.stated))

    def level_text(self) -> str:
        """The level in words: ``"a 10% false-discovery rate (Benjamini–Hochberg)"``."""
        name = "Benjamini–Hochberg" if self.fdr_method == "bh" else "Benjamini–Yekutieli"
        return f"a {self.fdr * 100:.0f}% false-discovery rate ({name})"

    def principle(self) -> str:
        """The classification rule in plain words, without this sample's cuts (cheap: no data needed)."""
        return ("An element is named a hidden driver, key driver or overrated only when the resampling evidence "
                "supports both halves of that label: its share of the explained connection above an equal share "
                "(overrated: below it), and its stated importance above the average over the elements (hidden "
                f"driver: below it). The labels are held to {self.level_text()} across all the elements of the "
                "map, so that on average at most one named element in "
                f"{max(round(1 / self.fdr), 2):,} would be a false lead; an element whose estimates fall in a "
                "quadrant without that support is shown as a possible one.")

    def describe(self, derived_cut: float, stated_cut: float, n_elements: int | None = None) -> str:
        """The rule in words, for a reviewer: the cuts and the level."""
        if self.derived == "fair_share":
            share = f" (100% ÷ {n_elements:,} elements = {derived_cut:.1f}%)" if n_elements else f" ({derived_cut:.1f}%)"
            d = f"more than an equal share of the explained variation{share}"
        else:
            d = f"a share of the explained variation above {derived_cut:.1f}%"
        s = {"mean": "the average over all elements", "median": "the median over all elements"}.get(
            str(self.stated), "the cut-off")
        return (f"Derived importance is high for {d}; stated importance is high above {s} "
                f"({stated_cut:.0f}/100). An element is named a hidden driver, key driver or overrated only when "
                f"the bootstrap evidence supports both halves at {self.level_text()} across the "
                f"{n_elements or 'all'} elements (each half a one-sided test against its cut on the same "
                "resamples; the label's p-value is the larger of the two); the other elements whose estimates "
                "fall in those quadrants are shown as possible.")


def _rescale(values: pd.Series, lo: float, hi: float) -> pd.Series:
    return (values - lo) / (hi - lo) * 100


def adjust_p(p_values: Any, *, method: str = "bh") -> np.ndarray:
    """Adjusted p-values of a family of tests, as R's ``p.adjust``: false-discovery rate (BH, BY) or
    family-wise error (Holm).

    Parameters
    ----------
    p_values : array of float
        One p-value per hypothesis of the family (NaN: not tested, left NaN and not counted).
    method : {"bh", "by", "holm"}
        Benjamini–Hochberg (``p.adjust(method = "BH")``), Benjamini–Yekutieli (``"BY"``) or Holm's step-down
        (``"holm"``), which keeps the chance of any false alarm in the family at the level.

    Returns
    -------
    array
        Adjusted p-values: a hypothesis is rejected at false-discovery rate (BH, BY) or family-wise error rate
        (Holm) ``q`` when its adjusted p-value is at most ``q``.

    Notes
    -----
    ``q_(i) = min_{k ≥ i} min(1, c · m p_(k) / k)`` over the ``m`` ordered p-values, with ``c = 1`` (BH) or
    ``c = Σ_{k=1}^{m} 1/k`` (BY); Holm: ``q_(i) = max_{k ≤ i} min(1, (m − k + 1) p_(k))``. Computed with
    statsmodels' ``multipletests`` (``fdr_bh``, ``fdr_by``, ``holm``); checked against R's ``p.adjust`` in
    tests/test_drivers.py.

    Examples
    --------
    >>> adjust_p([0.01, 0.04, 0.03, 0.5]).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.5]
    >>> adjust_p([0.01, np.nan, 0.02], method="by").round(4).tolist()
    [0.03, nan, 0.03]
    >>> adjust_p([0.01, 0.04, 0.03, 0.5], method="holm").round(4).tolist()
    [0.04, 0.09, 0.09, 0.5]
    """
    from statsmodels.stats.multitest import multipletests

    fn = "drivers.adjust_p"
    method = checks.choice(method, ADJUST_METHODS, fn, "method")
    try:
        p = np.asarray(p_values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _fail(fn, "p_values", "p_values must be numbers between 0 and 1") from None
    ok = np.isfinite(p)
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        raise _fail(fn, "p_values", "p_values must lie between 0 and 1")
    out = np.full(p.shape, np.nan)
    if ok.any():
        out[ok] = multipletests(p[ok], method={"bh": "fdr_bh", "by": "fdr_by", "holm": "holm"}[method])[1]
    return out


def _one_sided(distance: np.ndarray, spread: np.ndarray, above: np.ndarray) -> np.ndarray:
    """One-sided p-values of "the element is on the claimed side of its cut": ``1 − Φ(z)`` with ``z`` the
    point estimate's distance from the cut (``distance``, estimate − cut), signed positive on the claimed
    side (``above``: True = above the cut), in bootstrap standard errors of estimate − cut (``spread``:
    resamples × elements). Elements without finite draws get NaN."""
    from scipy.stats import norm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column without finite draws: NaN
        se = np.nanstd(spread, axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(above, distance, -distance) / se
    return norm.sf(z)


IMPORTANCE_COLUMNS = ("element", "stage", "dimension", "stated", "derived", "ci_low", "ci_high", "performance",
                      "quadrant", "evidence", "p_derived", "p_stated", "q_value", "sign", "lowers_outcome",
                      "n_stated", "n_performance", "n")


@dataclass(frozen=True, eq=False)
class Importance(Result):
    """Stated vs derived importance of every experience element (the result of :func:`importance`).

    Attributes
    ----------
    table : DataFrame
        One row per analysed element, in codebook order: ``element, stage, dimension, stated, derived,
        ci_low, ci_high, performance, quadrant, evidence, p_derived, p_stated, q_value, sign,
        lowers_outcome, n_stated, n_performance, n`` (+ ``n_effective`` when weighted). ``stated`` and
        ``performance`` are (weighted) means rescaled to 0–100 by the codebook scales; ``derived`` is the
        percent of R² (relative weights) with its percentile interval; ``quadrant`` is where the estimates
        fall; ``evidence`` (:data:`EVIDENCE`) says whether that label is ``supported`` at the rule's
        false-discovery rate or only ``possible`` (secondary elements: ``not tested``); ``p_derived`` and
        ``p_stated`` are the one-sided bootstrap p-values of the label's two halves and ``q_value`` the
        label's adjusted p-value (NaN for secondary elements and without a bootstrap, when every label is
        possible); ``sign`` is the direction of the element's coefficient and ``lowers_outcome`` flags
        elements whose higher performance goes with a lower outcome.
    r2, r2_p_value, n, n_effective, method, missing
        As in :class:`RelativeWeights`.
    outcome : str
        The outcome column.
    rule : QuadrantRule
        The rule applied; ``derived_cut`` and ``stated_cut`` are its cuts for these elements.
    draws : Draws or None
        Bootstrap draws of ``derived`` keyed by element.
    stated_draws : Draws or None
        Bootstrap draws of ``stated`` on the same resamples, keyed by element.
    excluded : dict
        ``{element: Reason}`` for elements left out (ratings that do not vary, nobody answered, or that
        repeat another element's).
    n_boot, seed, ci
        The bootstrap's resamples, seed and confidence level.
    weighted : bool
        Whether respondent weights were applied.
    reason : Reason or None
        Set when derived importance could not be estimated (``derived`` is then NaN and no element has a
        quadrant).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> imp = importance(eng.frame(), eng.codebook, n_boot=50)
    >>> imp.table.columns.tolist()
    ['element', 'stage', 'dimension', 'stated', 'derived', 'ci_low', 'ci_high', 'performance', 'quadrant', 'evidence', 'p_derived', 'p_stated', 'q_value', 'sign', 'lowers_outcome', 'n_stated', 'n_performance', 'n']
    >>> imp.outcome, imp.n_boot, imp.estimable, imp.names == tuple(imp.table["element"])
    ('connection_index', 50, True, True)
    >>> set(imp.table["quadrant"]) <= set(QUADRANTS), set(imp.table["evidence"]) <= set(EVIDENCE)
    (True, True)
    >>> set(imp.hidden_drivers()) <= set(imp.elements("hidden driver"))  # supported ones only
    True
    >>> t = imp.table; t["derived"] = 0.0  # .table is a copy: the result is unchanged
    >>> round(float(imp.table["derived"].sum()), 6)
    100.0
    >>> imp.headline().startswith("Of ")
    True
    """

    r2: float = math.nan
    r2_p_value: float | None = None
    n: int = 0
    n_effective: float | None = None
    method: str = "linear"
    missing: str = "mean"
    outcome: str = "connection_index"
    rule: QuadrantRule = field(default_factory=QuadrantRule)
    derived_cut: float = math.nan
    stated_cut: float = math.nan
    draws: Draws | None = field(default=None, repr=False)
    stated_draws: Draws | None = field(default=None, repr=False)
    excluded: Mapping[str, Reason] = field(default_factory=dict)
    n_boot: int = 0
    seed: int = 0
    ci: float = 0.95
    n_boot_separated: int = 0
    weighted: bool = False
    reason: Reason | None = None

    name_column = "element"
    value_column = "derived"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "excluded", dict(self.excluded))

    @property
    def estimable(self) -> bool:
        return self.reason is None

    @property
    def names(self) -> tuple[str, ...]:
        """The analysed elements, in codebook order."""
        return tuple(str(e) for e in self._table["element"])

    def elements(self, quadrant: str, evidence: str | None = None) -> tuple[str, ...]:
        """Elements whose estimates fall in one quadrant, best first: drivers by derived importance,
        overrated and secondary elements by stated importance (ties keep codebook order). ``evidence``
        (``"supported"`` or ``"possible"``) keeps only those whose label has that evidence; None: all."""
        checks.choice(quadrant, QUADRANTS, "Importance.elements", "quadrant")
        t = self._table[self._table["quadrant"] == quadrant]
        if evidence is not None:
            checks.choice(evidence, EVIDENCE[:2], "Importance.elements", "evidence")
            t = t[t["evidence"] == evidence]
        key = "derived" if quadrant in ("key driver", "hidden driver") else "stated"
        return tuple(t.sort_values(key, ascending=False, kind="stable")["element"].astype(str))

    def hidden_drivers(self) -> tuple[str, ...]:
        """Supported hidden drivers (high derived, low stated importance), by derived importance."""
        return self.elements("hidden driver", "supported")

    def overrated(self) -> tuple[str, ...]:
        """Supported overrated elements (high stated, low derived importance), by stated importance."""
        return self.elements("overrated", "supported")

    def key_drivers(self) -> tuple[str, ...]:
        """Supported key drivers (high on both counts), by derived importance."""
        return self.elements("key driver", "supported")

    def possible(self, quadrant: str) -> tuple[str, ...]:
        """Elements whose estimates fall in ``quadrant`` ("hidden driver", "key driver" or "overrated")
        without the evidence to support the label at the rule's level, in the same order."""
        checks.choice(quadrant, QUADRANTS[:3], "Importance.possible", "quadrant")
        return self.elements(quadrant, "possible")

    def lowering(self) -> tuple[str, ...]:
        """Elements with more than the derived cut whose better performance goes with a *lower* outcome
        (worth checking the question wording), by derived importance."""
        t = self._table
        t = t[t["lowers_outcome"].astype(bool) & (t["derived"] > self.derived_cut)]
        return tuple(t.sort_values("derived", ascending=False, kind="stable")["element"].astype(str))

    def rows(self, names: Sequence[str]) -> pd.DataFrame:
        """The table's rows for ``names``, in that order (a copy)."""
        t = self._table.set_index(self._table["element"].astype(str), drop=False)
        for x in names:
            if str(x) not in t.index:
                why = f" (it was left out: {self.excluded[x].sentence})" if x in self.excluded else ""
                raise _fail("Importance.rows", "names", f"{x!r} is not an analysed element{why}"
                                                        f"{checks.close_matches(x, t.index)}")
        return t.loc[list(names)].reset_index(drop=True)

    def rule_text(self) -> str:
        """The quadrant rule in words, with its cuts and its level (and, without a bootstrap, that no
        label could be supported)."""
        text = self.rule.describe(self.derived_cut, self.stated_cut, len(self._table))
        if self.estimable and self.draws is None:
            text += " Computed without resampling: no label can be supported, so every one is shown as possible."
        return text

    def headline(self) -> str:
        from . import report

        if not self.estimable:
            return report.Markdown(f"Derived importance is not estimable: {report.text(self.reason.sentence)}.")
        parts = []
        for quadrant, label, names in (("hidden driver", "hidden drivers", self.hidden_drivers()),
                                       ("overrated", "overrated elements", self.overrated()),
                                       ("key driver", "key drivers", self.key_drivers())):
            parts.append(f"{len(names)} {label} ({report.listing([report.text(x) for x in names], limit=3)}; "
                         f"{len(self.possible(quadrant))} more possible)")
        return report.Markdown(f"Of {len(self._table):,} elements, supported at {self.rule.level_text()}: "
                               + "; ".join(parts)
                               + f". The elements explain R² = {report.number(self.r2, '{:.2f}')} (n={self.n:,}).")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.importance_map(self, ax=ax, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["rule"] = self.rule_text() if self.estimable else ""
        out.update({"fdr": self.rule.fdr, "fdr_method": self.rule.fdr_method,
                    "hidden_drivers": list(self.hidden_drivers()), "overrated": list(self.overrated()),
                    "key_drivers": list(self.key_drivers()),
                    "possible": {q: list(self.possible(q)) for q in QUADRANTS[:3]}})
        return out


def _codebook_elements(frame: pd.DataFrame, codebook: Any, function: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The performance and importance rows of the codebook (indexed by element) and the paired elements."""
    if not isinstance(codebook, pd.DataFrame):
        raise _fail(function, "codebook", f"codebook must be the engagement's codebook (a DataFrame, e.g. "
                                          f"eng.codebook), not a {type(codebook).__name__}")
    need = ["column", "role", "element", "stage", "dimension", "scale_min", "scale_max"]
    lacking = [c for c in need if c not in codebook.columns]
    if lacking:
        raise _fail(function, "codebook", f"codebook lacks the column(s) {', '.join(map(repr, lacking))} "
                                          "(a codebook has column, role, label, scale_min, scale_max, motivator, "
                                          "element, stage, dimension)")
    roles = set(codebook["role"].dropna().astype(str))
    for role in ("element_performance", "element_importance"):
        if role not in roles:
            raise _fail(function, "codebook", f"codebook has no {role!r} rows (roles present: "
                                              f"{', '.join(sorted(map(repr, roles))) or 'none'}); driver analysis "
                                              "pairs each element's performance and importance questions")
    perf = codebook[codebook["role"] == "element_performance"].drop_duplicates("element").set_index("element")
    imp = codebook[codebook["role"] == "element_importance"].drop_duplicates("element").set_index("element")
    elements = [e for e in perf.index if e in imp.index and pd.notna(e)]
    if not elements:
        raise _fail(function, "codebook", "codebook pairs no element: no element has both a performance and an "
                                          "importance question")
    for e in elements:
        for rows in (perf, imp):
            col = rows.loc[e, "column"]
            if col not in frame.columns:
                raise _fail(function, "codebook", f"column {col!r} of element {e!r} is not a column of the frame"
                                                  f"{checks.close_matches(col, frame.columns)}")
        checks.numeric(frame, function, codebook=perf.loc[e, "column"])
        checks.numeric(frame, function, codebook=imp.loc[e, "column"])
    return perf, imp, elements


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
) -> Importance:
    """Stated vs derived importance of every experience element, and its quadrant.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame (``Engagement.frame()``).
    codebook : DataFrame
        Pairs each element's ``element_performance`` and ``element_importance`` columns.
    outcome : str
        What the elements should drive: ``connection_index`` (default), a 0/1 column such as a
        fully-connected flag, or a value column (a 0/1 outcome uses logistic relative weights).
    weight : str, optional
        Respondent-weight column.
    n_boot, seed, ci
        Bootstrap resamples (0, or at least 2), seed and confidence level.
    missing : {"mean", "pairwise", "listwise"}
        Rule for unanswered performance items ("not experienced"); default: the element's mean, so a
        blank neither raises nor lowers its weight (see :func:`relative_weights`).
    rule : QuadrantRule
        Where the quadrant map is cut, and the false-discovery rate at which a label is supported.

    Returns
    -------
    Importance
        ``.table``: ``element, stage, dimension, stated, derived, ci_low, ci_high, performance, quadrant,
        evidence, p_derived, p_stated, q_value, sign, lowers_outcome, n_stated, n_performance, n``
        (+ ``n_effective``); the supported quadrant lists (``hidden_drivers()``, ``overrated()``,
        ``key_drivers()``) and the possible ones (``possible(quadrant)``), the rule and cuts, the draws of
        derived and stated importance keyed by element and ``excluded`` (``{element: Reason}``). Without a
        bootstrap (``n_boot=0``) no label is supported: every claimed one is possible. When derived importance cannot be estimated
        (fewer than two elements with varying ratings, too few respondents, ratings that are perfectly
        collinear, a constant or perfectly separated outcome) the result says why in ``reason``.

    Notes
    -----
    Derived importance is :func:`relative_weights` of the elements' performance ratings on the outcome;
    elements whose ratings carry no information of their own are left out first (:func:`uninformative`).
    ``stated`` and ``performance`` are weighted means over those who answered; the bootstrap resamples
    both with the same respondents. The classification (supported or possible) follows
    :class:`QuadrantRule`'s Notes: one-sided tests of each half of the label against its cut, the label's
    p-value the larger of the two, Benjamini–Hochberg across every element. Checked against planted truths
    (tests/test_drivers.py): on 20 samples of an 80-element client with a halo in every rating
    (tests/planted_drivers.py) the supported hidden drivers have a mean false-discovery proportion of 0
    (the point-estimate quadrant: 0.39) with recall 1.0; on the demo engagements and on synthetic
    engagements over seeds the supported hidden drivers and overrated elements have precision at least
    0.8 and every planted one is shown, supported or possible; the p- and q-values equal a brute-force
    computation and R's ``p.adjust``.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, truth = cx.synth.make_engagement("retailer", 800, seed=0)
    >>> imp = importance(eng.frame(), eng.codebook, weight="resp_weight", n_boot=100)
    >>> imp.table.columns.tolist()[:9]
    ['element', 'stage', 'dimension', 'stated', 'derived', 'ci_low', 'ci_high', 'performance', 'quadrant']
    >>> round(float(imp.table["derived"].sum()), 6)  # percent of the explained connection
    100.0
    >>> len(imp.hidden_drivers()) > 0, imp.n  # respondents with a connection index
    (True, 745)
    """
    fn = "drivers.importance"
    frame = checks.frame(frame, fn, "frame")
    if isinstance(outcome, str) and outcome == "segment":
        raise _fail(fn, "outcome", "outcome 'segment' holds labels, not numbers; use a numeric outcome such as "
                                   "'connection_index', or a 0/1 column of (segment == 'fully connected')")
    checks.numeric(frame, fn, outcome=outcome)
    checks.numeric(frame, fn, weight=weight)
    if weight is not None and (frame[weight].dropna() < 0).any():
        raise _fail(fn, "weight", f"weight {weight!r} must not be negative")
    n_boot, seed, ci = _common(fn, n_boot, seed, ci)
    missing = checks.choice(missing, MISSING_RULES, fn, "missing")
    if not isinstance(rule, QuadrantRule):
        raise _fail(fn, "rule", f"rule must be a drivers.QuadrantRule, not {type(rule).__name__}")
    perf, imp, elements = _codebook_elements(frame, codebook, fn)
    # An element everyone rated the same (or nobody rated) carries no information about the outcome: it is
    # left out and named, rather than stopping the whole driver analysis.
    excluded = _uninformative_reasons(pd.DataFrame({e: frame[perf.loc[e, "column"]] for e in elements},
                                                   index=frame.index))
    elements = [e for e in elements if e not in excluded]
    w = frame[weight].astype(float) if weight else pd.Series(1.0, index=frame.index)

    def wmean(col: str, lo: float, hi: float) -> tuple[float, int]:
        x = pd.to_numeric(frame[col], errors="coerce")
        ok = x.notna() & w.notna()
        return float(np.average(_rescale(x[ok], lo, hi), weights=w[ok])) if ok.any() else np.nan, int(ok.sum())

    rows = []
    for e in elements:
        s_mean, s_n = wmean(imp.loc[e, "column"], float(imp.loc[e, "scale_min"]), float(imp.loc[e, "scale_max"]))
        p_mean, p_n = wmean(perf.loc[e, "column"], float(perf.loc[e, "scale_min"]), float(perf.loc[e, "scale_max"]))
        rows.append({"element": e, "stage": perf.loc[e, "stage"], "dimension": perf.loc[e, "dimension"],
                     "stated": s_mean, "derived": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                     "performance": p_mean, "quadrant": None, "evidence": None, "p_derived": np.nan,
                     "p_stated": np.nan, "q_value": np.nan, "sign": 0, "lowers_outcome": False,
                     "n_stated": s_n, "n_performance": p_n})
    out = pd.DataFrame(rows, columns=list(IMPORTANCE_COLUMNS[:-1]))
    common = dict(outcome=outcome, rule=rule, excluded=excluded, n_boot=n_boot, seed=seed, ci=ci, missing=missing,
                  weighted=weight is not None)
    y = frame[outcome]
    n_rows = int(y.notna().sum())

    def not_estimable(reason: Reason, n: int, method: str = "linear") -> Importance:
        n_eff = kish_effective_n(w[y.notna()]) if weight else None
        return Importance(_weighted_table(out, n, n_eff), n=n, n_effective=n_eff, method=method, reason=reason,
                          **common)

    if len(elements) < 2:
        return not_estimable(Reason.of("too_few_elements", left=len(elements)), n_rows)
    X = pd.DataFrame({e: frame[perf.loc[e, "column"]] for e in elements}, index=frame.index)
    stated_values = np.column_stack([
        _rescale(pd.to_numeric(frame[imp.loc[e, "column"]], errors="coerce"), float(imp.loc[e, "scale_min"]),
                 float(imp.loc[e, "scale_max"])).to_numpy(dtype=float) for e in elements])
    try:
        rw, stated_boot = _relative_weights(X, y, frame[weight] if weight else None, n_boot, seed, ci, missing,
                                            "auto", extra=stated_values)
    except _Unusable as exc:  # perfectly collinear ratings (other than exact duplicates, already left out)
        return not_estimable(exc.reason or Reason.of("collinear", names="the elements"), n_rows)
    if not rw.estimable:
        return not_estimable(rw.reason, rw.n, rw.method)
    rt = rw._table
    out["derived"], out["ci_low"], out["ci_high"] = (rt["rescaled"].to_numpy(), rt["ci_low"].to_numpy(),
                                                     rt["ci_high"].to_numpy())
    out["sign"] = rt["sign"].to_numpy()
    out["lowers_outcome"] = out["sign"] < 0
    d_cut, s_cut = rule.cuts(out["derived"], out["stated"])
    high_d = out["derived"] > d_cut
    high_s = out["stated"] > s_cut
    out["quadrant"] = np.select([high_d & high_s, high_d & ~high_s, ~high_d & high_s], list(QUADRANTS[:3]),
                                default=QUADRANTS[3])
    draws = rw.draws
    stated_draws = None
    claimed = (out["quadrant"] != QUADRANTS[3]).to_numpy()
    out["evidence"] = np.where(claimed, "possible", EVIDENCE[2])
    if draws is not None:
        boot = draws.columns(list(map(str, elements)))
        separated = np.isnan(boot).any(axis=1)  # logistic resamples that separated: left out
        boot, sboot = boot[~separated], stated_boot[~separated]
        stated_draws = Draws(stated_boot, [str(e) for e in elements])
        p_d = _one_sided(out["derived"].to_numpy() - d_cut, boot - d_cut, high_d.to_numpy())
        p_s = _one_sided(out["stated"].to_numpy() - s_cut, sboot - rule._stated_cut_draws(sboot)[:, None],
                         high_s.to_numpy())
        out["p_derived"], out["p_stated"] = p_d, p_s
        # The label's p-value is the larger of its halves' (intersection-union); the family is every element
        # of the map, secondary ones (no claim) counted with p = 1.
        claim_p = np.where(claimed, np.fmax(p_d, p_s), 1.0)
        claim_p = np.where(np.isnan(claim_p), 1.0, claim_p)
        q = adjust_p(claim_p, method=rule.fdr_method)
        out["q_value"] = np.where(claimed, q, np.nan)
        out["evidence"] = np.where(claimed, np.where(q <= rule.fdr, EVIDENCE[0], EVIDENCE[1]), EVIDENCE[2])
    return Importance(_weighted_table(out, rw.n, rw.n_effective), r2=rw.r2, r2_p_value=rw.r2_p_value, n=rw.n,
                      n_effective=rw.n_effective, method=rw.method, derived_cut=d_cut, stated_cut=s_cut,
                      draws=draws, stated_draws=stated_draws, n_boot_separated=rw.n_boot_separated, **common)


# -- follow-on steps: they take the result object and read draws by name --------------------------------

_WEIGHTS = (RelativeWeights, Importance)


def _result(result: Any, function: str, kinds: tuple[type, ...] = _WEIGHTS) -> Any:
    if isinstance(result, kinds):
        return result
    wanted = " or ".join(f"drivers.{k.__name__.lower() if k is Importance else 'relative_weights'}" for k in kinds)
    if isinstance(result, pd.DataFrame):
        raise _fail(function, "result", f"pass the result object returned by {wanted}, not a DataFrame (its "
                                        "table): the bootstrap draws are matched to names only through the result, "
                                        "so a sorted or filtered table could otherwise give wrong numbers")
    raise _fail(function, "result", f"result must be the object returned by {wanted}, not a {type(result).__name__}")


def _estimates(result: Any) -> tuple[list[str], np.ndarray]:
    t = result._table
    return [str(v) for v in t[result.name_column]], t[result.value_column].to_numpy(dtype=float)


def _finite_rows(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values).all(axis=1)] if values.size else values


@dataclass(frozen=True, eq=False)
class RankStability(Result):
    """How certain the ranking is (the result of :func:`rank_stability`).

    Attributes
    ----------
    table : DataFrame
        ``<name>, rank, rank_ci_low, rank_ci_high, in_top, n``, best first: ``<name>`` is ``element`` or
        ``predictor``; ``rank`` by the point estimate; the rank interval over bootstrap resamples; ``in_top``
        the share of resamples in which it ranks among the first ``top``.
    top, ci : int, float
    name : str
        The name column.
    n : int
    reason : Reason or None
        ``no_bootstrap`` when the result had no draws (ranks without intervals), or the reason the weights
        were not estimable (an empty table).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    >>> y = 3 * X["a"] + X["b"] + rng.normal(size=300)
    >>> rs = rank_stability(relative_weights(X, y, n_boot=50), top=1)
    >>> rs.table.columns.tolist(), rs.name, rs.top, rs.estimable
    (['predictor', 'rank', 'rank_ci_low', 'rank_ci_high', 'in_top', 'n'], 'predictor', 1, True)
    >>> rs.table["predictor"].tolist(), rs.table["rank"].tolist()
    (['a', 'b', 'c'], [1, 2, 3])
    >>> rank_stability(relative_weights(X, y)).reason.code  # no bootstrap: ranks without intervals
    'no_bootstrap'
    """

    top: int = 10
    ci: float = 0.95
    name: str = "element"
    n: int = 0
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None

    def headline(self) -> str:
        from . import report

        if self.reason is not None and self._table.empty:
            return report.Markdown(f"The ranking is not estimable: {report.text(self.reason.sentence)}.")
        t = self._table
        if self.reason is not None:
            return report.Markdown(f"Ranks have no interval: {report.text(self.reason.sentence)}.")
        sure = t[(t["rank"] <= self.top) & (t["rank_ci_high"] <= self.top)]
        return report.Markdown(f"{len(sure):,} of the top {min(self.top, len(t)):,} stay in the top {self.top:,} "
                               f"across the {int(self.ci * 100)}% rank interval (n={self.n:,}).")


def rank_stability(result: RelativeWeights | Importance, *, top: int = 10, ci: float = 0.95) -> RankStability:
    """Bootstrap ranks of the elements (or predictors): rank interval and how often each is in the top ``top``.

    Parameters
    ----------
    result : Importance or RelativeWeights
        The result object (computed with ``n_boot`` ≥ 2 for intervals); never its table.
    top : int
        Size of the top group (at least 1).
    ci : float
        Confidence level of the rank interval.

    Returns
    -------
    RankStability
        ``.table``: ``<name>, rank, rank_ci_low, rank_ci_high, in_top, n``, best first.

    Notes
    -----
    In each resample the names are ranked by their draws (1 = largest); the interval is the
    ``(1−ci)/2`` (rounded down) and ``(1+ci)/2`` (rounded up) quantiles of those ranks. Draws are read by
    name, so the order of any table never matters (tests/test_drivers.py checks the ranks against a
    brute-force loop over resamples, and that a sorted table changes nothing).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(400, 4)), columns=list("abcd"))
    >>> rw = relative_weights(X, 3 * X["a"] + X["b"] + rng.normal(size=400), n_boot=200)
    >>> best = rank_stability(rw, top=1).table.iloc[0]
    >>> best["predictor"], int(best["rank"]), int(best["rank_ci_low"]), int(best["rank_ci_high"]), float(best["in_top"])
    ('a', 1, 1, 1, 1.0)
    """
    fn = "drivers.rank_stability"
    result = _result(result, fn)
    top = checks.count(top, fn, "top", minimum=1)
    ci = checks.level(ci, fn)
    name = result.name_column
    cols = [name, "rank", "rank_ci_low", "rank_ci_high", "in_top", "n"]
    if not result.estimable:
        return RankStability(pd.DataFrame(columns=cols), top=top, ci=ci, name=name, n=result.n, reason=result.reason)
    names, value = _estimates(result)
    rank = (-pd.Series(value)).rank(method="first").astype(int).to_numpy()
    out = pd.DataFrame({name: result._table[name].to_numpy(), "rank": rank})
    reason = None
    if result.draws is None:
        out["rank_ci_low"] = out["rank_ci_high"] = np.nan
        out["in_top"] = np.nan
        reason = Reason.of("no_bootstrap")
    else:
        boot = _finite_rows(result.draws.columns(names))
        ranks = (-boot).argsort(axis=1).argsort(axis=1) + 1
        out["rank_ci_low"] = np.quantile(ranks, (1 - ci) / 2, axis=0, method="lower")
        out["rank_ci_high"] = np.quantile(ranks, (1 + ci) / 2, axis=0, method="higher")
        out["in_top"] = (ranks <= top).mean(axis=0)
    out["n"] = result.n
    out = out.sort_values("rank").reset_index(drop=True)
    return RankStability(out[cols], top=top, ci=ci, name=name, n=result.n, reason=reason)


@dataclass(frozen=True, eq=False)
class PairwiseDifferences(Result):
    """Differences in importance between pairs (the result of :func:`pairwise_differences`).

    Attributes
    ----------
    table : DataFrame
        ``a, b, difference, ci_low, ci_high, clear, n``: ``difference`` is a's share minus b's (points of
        R²), with its percentile interval; ``clear`` is True when the interval excludes 0.
    names : tuple of str
        The names compared, in the order given.
    ci : float
    n : int
    reason : Reason or None
        ``no_bootstrap`` (differences without intervals, none clear) or why the weights were not estimable.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    >>> d = pairwise_differences(relative_weights(X, 3 * X["a"] + X["b"] + rng.normal(size=300), n_boot=50))
    >>> d.table.columns.tolist(), d.names
    (['a', 'b', 'difference', 'ci_low', 'ci_high', 'clear', 'n'], ('a', 'b', 'c'))
    >>> d.table[["a", "b", "clear"]].values.tolist()
    [['a', 'b', True], ['a', 'c', True], ['b', 'c', True]]
    >>> d.n_clear, d.headline().startswith("3 of 3 pairs")
    (3, True)
    """

    names: tuple[str, ...] = ()
    ci: float = 0.95
    n: int = 0
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None

    @property
    def n_clear(self) -> int:
        """Pairs whose interval excludes 0."""
        return int(self._table["clear"].sum()) if len(self._table) else 0

    def headline(self) -> str:
        from . import report

        if self.reason is not None:
            return report.Markdown(f"Whether they differ clearly is not estimable: {report.text(self.reason.sentence)}.")
        pairs = len(self._table)
        return report.Markdown(
            f"{self.n_clear:,} of {pairs:,} pairs among {report.listing([report.text(x) for x in self.names], limit=5)} "
            f"differ clearly ({int(self.ci * 100)}% interval of the difference excludes zero); the others cannot be "
            f"told apart with this sample (n={self.n:,}).")


def pairwise_differences(result: RelativeWeights | Importance, *, names: Sequence[str] | None = None,
                         ci: float = 0.95) -> PairwiseDifferences:
    """Differences in derived importance between pairs of elements, with bootstrap intervals.

    As R's relaimpo ``booteval.relimp`` reports: for each pair, the difference of their shares of R²
    and its percentile interval; a pair whose interval excludes 0 is a *clear* difference.

    Parameters
    ----------
    result : Importance or RelativeWeights
        The result object, with a bootstrap for intervals.
    names : list of str, optional
        Elements (or predictors) to compare, at least two (default: all).
    ci : float
        Confidence level.

    Returns
    -------
    PairwiseDifferences
        ``.table``: ``a, b, difference, ci_low, ci_high, clear, n``, each pair once in the order of ``names``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(400, 3)), columns=list("abc"))
    >>> rw = relative_weights(X, 3 * X["a"] + X["b"] + rng.normal(size=400), n_boot=200)
    >>> d = pairwise_differences(rw, names=["a", "b"]).table
    >>> d[["a", "b", "clear"]].values.tolist()
    [['a', 'b', True]]
    """
    fn = "drivers.pairwise_differences"
    result = _result(result, fn)
    ci = checks.level(ci, fn)
    cols = ["a", "b", "difference", "ci_low", "ci_high", "clear", "n"]
    all_names, value = _estimates(result)
    if names is None:
        chosen = list(all_names)
    else:
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise _fail(fn, "names", "names must be a list of names (at least two)")
        chosen = [str(x) for x in names]
        for x in chosen:
            if x not in all_names:
                why = (" (it was left out: " + result.excluded[x].sentence + ")"
                       if isinstance(result, Importance) and x in result.excluded else "")
                raise _fail(fn, "names", f"{x!r} is not one of the result's {result.name_column}s{why}"
                                         f"{checks.close_matches(x, all_names)}")
        if len(set(chosen)) != len(chosen):
            raise _fail(fn, "names", "names repeats a name; give each once")
    if len(chosen) < 2:
        raise _fail(fn, "names", f"names must hold at least two {result.name_column}s to compare, not {len(chosen)}")
    if not result.estimable:
        return PairwiseDifferences(pd.DataFrame(columns=cols), names=tuple(chosen), ci=ci, n=result.n,
                                   reason=result.reason)
    pos = {x: i for i, x in enumerate(all_names)}
    boot = None if result.draws is None else _finite_rows(result.draws.columns(chosen))
    rows = []
    for i, a in enumerate(chosen):
        for j in range(i + 1, len(chosen)):
            b = chosen[j]
            lo = hi = np.nan
            if boot is not None:
                lo, hi = percentile_interval(boot[:, i] - boot[:, j], ci)
            rows.append({"a": a, "b": b, "difference": value[pos[a]] - value[pos[b]], "ci_low": lo, "ci_high": hi,
                         "clear": bool(lo > 0 or hi < 0), "n": result.n})
    return PairwiseDifferences(pd.DataFrame(rows, columns=cols), names=tuple(chosen), ci=ci, n=result.n,
                               reason=Reason.of("no_bootstrap") if boot is None else None)


@dataclass(frozen=True, eq=False)
class Rollup(Result):
    """Derived importance summed by journey stage or experience dimension (the result of :func:`rollup`).

    Attributes
    ----------
    table : DataFrame
        ``<by>, n_elements, derived, ci_low, ci_high, stated, performance, n``, largest share first: the
        group's share of R² (the sum of its elements') with its percentile interval, and the mean stated
        importance and performance of its elements.
    by : {"stage", "dimension"}
    ci : float
    n : int
    reason : Reason or None
        Why the importance behind it was not estimable (an empty table).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> r = rollup(importance(eng.frame(), eng.codebook, n_boot=50), by="stage")
    >>> r.by, r.estimable, r.table.columns.tolist()
    ('stage', True, ['stage', 'n_elements', 'derived', 'ci_low', 'ci_high', 'stated', 'performance', 'n'])
    >>> bool(r.table["derived"].is_monotonic_decreasing), round(float(r.table["derived"].sum()), 6)
    (True, 100.0)
    >>> r.headline().startswith("The journey stage that matters most is")
    True
    """

    by: str = "stage"
    ci: float = 0.95
    n: int = 0
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None

    def headline(self) -> str:
        from . import report

        what = "journey stage" if self.by == "stage" else "experience dimension"
        if not self.estimable or self._table.empty:
            why = self.reason.sentence if self.reason is not None else "nothing to sum"
            return report.Markdown(f"The {what}s' shares are not estimable: {report.text(why)}.")
        top = self._table.iloc[0]
        return report.Markdown(
            f"The {what} that matters most is **{report.text(report.pretty(top[self.by]))}**: "
            f"{report.ci_text(top['derived'], top['ci_low'], top['ci_high'], fmt='{:.0f}%', n=self.n)} of the "
            "connection the experience explains.")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.rollup(self, ax=ax, **kwargs)


def rollup(result: Importance, *, by: str = "stage", ci: float = 0.95) -> Rollup:
    """Derived importance summed by journey stage or experience dimension, with bootstrap intervals.

    Parameters
    ----------
    result : Importance
        The result of :func:`importance` (with a bootstrap for intervals).
    by : {"stage", "dimension"}
        Grouping.
    ci : float
        Confidence level.

    Returns
    -------
    Rollup
        ``.table``: ``<by>, n_elements, derived, ci_low, ci_high, stated, performance, n``, largest first.

    Notes
    -----
    The interval of a group's share is the percentile interval of the per-resample sum of its elements'
    draws, read by element name (checked against a brute-force sum in tests/test_drivers.py).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> imp = importance(eng.frame(), eng.codebook, weight="resp_weight", n_boot=100, seed=0)
    >>> r = rollup(imp, by="stage")
    >>> r.table.columns.tolist()
    ['stage', 'n_elements', 'derived', 'ci_low', 'ci_high', 'stated', 'performance', 'n']
    >>> round(float(r.table["derived"].sum()), 6)
    100.0
    """
    fn = "drivers.rollup"
    result = _result(result, fn, (Importance,))
    by = checks.choice(by, ("stage", "dimension"), fn, "by")
    ci = checks.level(ci, fn)
    cols = [by, "n_elements", "derived", "ci_low", "ci_high", "stated", "performance", "n"]
    if not result.estimable:
        return Rollup(pd.DataFrame(columns=cols), by=by, ci=ci, n=result.n, reason=result.reason)
    t = result._table
    names, _ = _estimates(result)
    boot = None if result.draws is None else _finite_rows(result.draws.columns(names))  # columns in table order
    rows = []
    for key, g in t.groupby(by, sort=False):
        lo = hi = np.nan
        if boot is not None:
            lo, hi = percentile_interval(boot[:, g.index.to_numpy()].sum(axis=1), ci)
        rows.append({by: key, "n_elements": len(g), "derived": g["derived"].sum(), "ci_low": lo, "ci_high": hi,
                     "stated": g["stated"].mean(), "performance": g["performance"].mean(), "n": result.n})
    out = pd.DataFrame(rows, columns=cols).sort_values("derived", ascending=False).reset_index(drop=True)
    return Rollup(out, by=by, ci=ci, n=result.n)


@dataclass(frozen=True, eq=False)
class Priorities(Result):
    """Where better performance would raise the outcome most (the result of :func:`priorities`).

    Attributes
    ----------
    table : DataFrame
        ``element, stage, dimension, derived, performance, opportunity, quadrant, n``, best first (at most
        ``top`` rows).
    top : int
    n : int
    reason : Reason or None

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> p = priorities(importance(eng.frame(), eng.codebook, n_boot=0), top=3)
    >>> p.table.columns.tolist(), len(p.table), p.top
    (['element', 'stage', 'dimension', 'derived', 'performance', 'opportunity', 'quadrant', 'n'], 3, 3)
    >>> bool(p.table["opportunity"].is_monotonic_decreasing), p.headline().startswith("Act first on")
    (True, True)
    """

    top: int = 10
    n: int = 0
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None

    def headline(self) -> str:
        from . import report

        if not self.estimable:
            return report.Markdown(f"Priorities are not estimable: {report.text(self.reason.sentence)}.")
        names = [report.text(e) for e in self._table["element"]]
        return report.Markdown(f"Act first on {report.listing(names, limit=3)} (n={self.n:,}).")


def priorities(result: Importance, *, top: int = 10) -> Priorities:
    """Where better performance would raise the outcome most: derived importance × room to improve.

    Parameters
    ----------
    result : Importance
        The result of :func:`importance`.
    top : int
        How many elements to return (at least 1).

    Returns
    -------
    Priorities
        ``.table``: ``element, stage, dimension, derived, performance, opportunity, quadrant, n``, best first.

    Notes
    -----
    ``opportunity = derived × (100 − performance) / 100`` (performance on 0–100); elements that lower the
    outcome are left out.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> imp = importance(eng.frame(), eng.codebook, weight="resp_weight", n_boot=0)
    >>> priorities(imp, top=3).table.columns.tolist()
    ['element', 'stage', 'dimension', 'derived', 'performance', 'opportunity', 'quadrant', 'n']
    """
    fn = "drivers.priorities"
    result = _result(result, fn, (Importance,))
    top = checks.count(top, fn, "top", minimum=1)
    cols = ["element", "stage", "dimension", "derived", "performance", "opportunity", "quadrant", "n"]
    if not result.estimable:
        return Priorities(pd.DataFrame(columns=cols), top=top, n=result.n, reason=result.reason)
    t = result._table
    d = t[~t["lowers_outcome"].astype(bool)].copy()
    d["opportunity"] = d["derived"] * (100 - d["performance"]) / 100
    d["n"] = result.n
    out = d.sort_values("opportunity", ascending=False)[cols].head(top).reset_index(drop=True)
    return Priorities(out, top=top, n=result.n)


@dataclass(frozen=True, eq=False)
class OutcomeRanks(Result):
    """The same elements ranked against several outcomes (the result of :func:`outcome_ranks`).

    Attributes
    ----------
    table : DataFrame
        Tidy: ``element, outcome, derived, rank, n`` for every estimable outcome (``outcome`` is the label
        given; rank 1 = the largest share; ties share the best rank).
    outcomes : tuple of str
        The labels, in the order given (the first orders :meth:`wide`).
    excluded : dict
        ``{label: Reason}`` for outcomes whose importance was not estimable.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> r = outcome_ranks({"Connection": importance(f, cb, n_boot=0), "Spend": importance(f, cb, "annual_spend", n_boot=0)})
    >>> r.table.columns.tolist(), r.outcomes, r.excluded
    (['element', 'outcome', 'derived', 'rank', 'n'], ('Connection', 'Spend'), {})
    >>> r.table.groupby("outcome")["rank"].min().tolist()
    [1, 1]
    >>> r.headline()
    'The elements are ranked under 2 outcomes (Connection and Spend).'
    """

    outcomes: tuple[str, ...] = ()
    excluded: Mapping[str, Reason] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "excluded", dict(self.excluded))

    def headline(self) -> str:
        from . import report

        shown = [o for o in self.outcomes if o not in self.excluded]
        parts = [f"The elements are ranked under {len(shown):,} outcome{'s' if len(shown) != 1 else ''}"
                 + (f" ({report.listing([report.text(o) for o in shown], limit=len(shown))})" if shown else "")]
        parts += [f"{report.text(o)} is not estimable: {report.text(r.sentence)}" for o, r in self.excluded.items()]
        return report.Markdown(". ".join(parts) + ".")

    def wide(self, *, top: int | None = None) -> pd.DataFrame:
        """Elements × estimable outcomes, the rank under each, ordered by the first estimable outcome."""
        t = self._table
        shown = [o for o in self.outcomes if o not in self.excluded]
        if t.empty or not shown:
            return pd.DataFrame(columns=["element", *shown])
        w = t.pivot(index="element", columns="outcome", values="rank")[shown]
        order = t[t["outcome"] == shown[0]].sort_values(["rank", "element"])["element"]
        w = w.reindex(order).reset_index().astype({o: "Int64" for o in shown})
        w.columns.name = None
        return w.head(top) if top else w


def outcome_ranks(results: Mapping[str, Importance]) -> OutcomeRanks:
    """Rank the elements by derived importance under each of several outcomes, aligned by element name.

    Parameters
    ----------
    results : dict
        ``{label: Importance}``, e.g. connection, being fully connected, the headline value. Outcomes that
        were not estimable are listed in ``excluded`` with their reason instead of failing.

    Returns
    -------
    OutcomeRanks

    Notes
    -----
    Within each outcome, ``rank`` is ``pandas.Series.rank(ascending=False, method="min")`` of ``derived``
    (checked against a brute-force count of larger shares in tests/test_drivers.py).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 500, seed=0)
    >>> f, cb = eng.frame(), eng.codebook
    >>> r = outcome_ranks({"Connection": importance(f, cb, n_boot=0), "Spend": importance(f, cb, "annual_spend", n_boot=0)})
    >>> r.wide(top=2).columns.tolist()
    ['element', 'Connection', 'Spend']
    """
    fn = "drivers.outcome_ranks"
    if not isinstance(results, Mapping) or not results:
        raise _fail(fn, "results", "results must be a non-empty dict {label: result of drivers.importance}")
    frames, excluded = [], {}
    for label, res in results.items():
        res = _result(res, fn, (Importance,))
        if not res.estimable:
            excluded[str(label)] = res.reason
            continue
        t = res._table[["element", "derived"]].copy()
        t["element"] = t["element"].astype(str)
        t["outcome"] = str(label)
        t["rank"] = t["derived"].rank(ascending=False, method="min").astype(int)
        t["n"] = res.n
        frames.append(t[["element", "outcome", "derived", "rank", "n"]])
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["element", "outcome", "derived", "rank", "n"])
    return OutcomeRanks(table, outcomes=tuple(str(k) for k in results), excluded=excluded)
