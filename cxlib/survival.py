"""Attrition: Kaplan–Meier curves, attrition at a horizon, log-rank tests, restricted mean survival time,
Cox hazard ratios, and recency-weighted contact experience.

Kaplan–Meier and log-rank are delegated to lifelines; Cox models use :mod:`cxlib.coxph` (Efron ties,
summed per distinct day: lifelines' row-by-row fitter took minutes at 200,000 customers), checked against
lifelines. This module shapes the results as tidy DataFrames, adds what lifelines lacks (the sampling
variance of the RMST, lifelines issue #1682; time-varying contact experience) and explains failures in words.
"""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from lifelines.exceptions import StatisticalWarning
from scipy import stats as _st

__all__ = ["Test", "km", "km_at", "attrition", "logrank", "pairwise_logrank", "rmst", "rmst_difference", "cox",
           "cox_time_varying", "recency_score", "contact_experience", "experience_episodes"]


@dataclass(frozen=True)
class Test:
    """A test result: ``statistic``, degrees of freedom ``df``, ``p_value`` and the ``test`` name.

    Examples
    --------
    >>> t = Test(statistic=3.84, df=1, p_value=0.05, test="log-rank")
    >>> t.summary.columns.tolist()
    ['statistic', 'df', 'p_value', 'test']
    """

    statistic: float
    df: int
    p_value: float
    test: str = ""

    @property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)])

    def _repr_html_(self) -> str:
        return self.summary.to_html(index=False)


def _groups(df: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    if by is None:
        return [("all", df)]
    keys = df[by].cat.categories if isinstance(df[by].dtype, pd.CategoricalDtype) else sorted(df[by].dropna().unique())
    return [(str(k), df[df[by] == k]) for k in keys]


def _clean(df: pd.DataFrame, duration: str, event: str, weights: str | None) -> pd.DataFrame:
    cols = [duration, event] + ([weights] if weights else [])
    return df.dropna(subset=cols)


def km(df: pd.DataFrame, duration: str, event: str, by: str | None = None, *, weights: str | None = None,
       ci: float = 0.95) -> pd.DataFrame:
    """Kaplan–Meier survival curves as a tidy frame.

    Parameters
    ----------
    df : DataFrame
        One row per customer.
    duration, event : str
        Days observed and the 0/1 churn indicator (1 = left).
    by : str, optional
        Grouping column (e.g. ``segment``); one curve per group.
    weights : str, optional
        Respondent weights (weighted Kaplan–Meier).
    ci : float
        Confidence level (lifelines' exponential Greenwood interval).

    Returns
    -------
    DataFrame
        ``group, time, survival, ci_low, ci_high, at_risk``, one row per group and event/censoring time
        (time 0 included). Customers with a missing duration or event are left out.

    Notes
    -----
    Intervals are lifelines' exponential Greenwood ("log-log") interval,
    ``S ** exp(±z √V / log S)`` with ``V = Σ d / (n (n − d))``, computed here so that it stays defined
    with weighted counts: lifelines returns (1, 1) where floating-point weight sums make ``n − d`` a hair
    below zero, and where the curve reaches 0; there the interval is undefined and given as missing.
    Equal to lifelines' interval wherever that is defined (tests/test_survival.py).

    Examples
    --------
    >>> from lifelines.datasets import load_waltons
    >>> curves = km(load_waltons(), "T", "E", by="group")
    >>> sorted(curves["group"].unique())
    ['control', 'miR-137']
    """
    from lifelines import KaplanMeierFitter

    data = _clean(df, duration, event, weights)
    parts = []
    for name, g in _groups(data, by):
        if g.empty:
            continue
        kmf = KaplanMeierFitter(alpha=1 - ci)
        with warnings.catch_warnings():
            # lifelines warns about non-integer weights; respondent weights are meant to be non-integer.
            warnings.simplefilter("ignore", StatisticalWarning)
            kmf.fit(g[duration], g[event], weights=g[weights] if weights else None)
        sf = kmf.survival_function_.iloc[:, 0]
        # At-risk counts are people, not sums of weights.
        times = sf.index.to_numpy(dtype=float)
        durations = np.sort(g[duration].to_numpy(dtype=float))
        at_risk = len(durations) - np.searchsorted(durations, times, side="left")
        surv = np.clip(sf.to_numpy(), 0.0, 1.0)
        lo, hi = _exp_greenwood(kmf.event_table, times, surv, ci)
        parts.append(pd.DataFrame({"group": name, "time": times, "survival": surv, "ci_low": lo, "ci_high": hi,
                                   "at_risk": at_risk}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["group", "time", "survival", "ci_low", "ci_high", "at_risk"])


def _exp_greenwood(table: pd.DataFrame, times: np.ndarray, surv: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Exponential Greenwood interval at ``times`` from a lifelines event table (weighted sums allowed)."""
    n = table["at_risk"].to_numpy(float)
    d = table["observed"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where((d > 0) & (n - d > 1e-9 * np.maximum(n, 1)), d / (n * (n - d)), np.where(d > 0, np.inf, 0.0))
    cum = np.cumsum(term)
    idx = np.searchsorted(table.index.to_numpy(float), times, side="right") - 1
    v = np.where(idx >= 0, cum[np.maximum(idx, 0)], 0.0)
    z = _st.norm.ppf(0.5 + ci / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(surv)
        centre = np.log(-log_s)
        lo = np.exp(-np.exp(centre - z * np.sqrt(v) / log_s))  # log S < 0: this side is the lower bound
        hi = np.exp(-np.exp(centre + z * np.sqrt(v) / log_s))
    one = surv >= 1.0
    undefined = (surv <= 1e-12) | ~np.isfinite(v)
    lo = np.where(one, 1.0, np.where(undefined, np.nan, lo))
    hi = np.where(one, 1.0, np.where(undefined, np.nan, hi))
    return lo, hi


def km_at(duration: np.ndarray, event: np.ndarray, horizon: float, *, weights: np.ndarray | None = None,
          ci: float = 0.95) -> tuple[float, float, float, float]:
    """Kaplan–Meier survival at ``horizon`` from arrays: ``(S, greenwood, ci_low, ci_high)``.

    The one implementation of "survival (or attrition) at a horizon" in cxlib: :func:`attrition`, the wave
    comparisons and the resampling loops all call it. ``greenwood`` is ``V = Σ_{t ≤ h} d / (n (n − d))`` on
    (weighted) counts, so ``se(S) = S √V``; the interval is the exponential Greenwood ("log-log") one,
    as :func:`km`. NaN throughout when nobody was followed to ``horizon`` (no extrapolation) or there is
    no data.

    Notes
    -----
    ``S(h) = Π_{t_i ≤ h} (1 − d_i / n_i)`` with ``d_i`` the (weighted) events at ``t_i`` and ``n_i`` the
    (weighted) number still at risk. Equal to lifelines' ``KaplanMeierFitter`` (tests/test_survival.py).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi()
    >>> s, v, lo, hi = km_at(r["week"].to_numpy(), r["arrest"].to_numpy(), 52)
    >>> round(1 - s, 3), bool(lo < s < hi)
    (0.264, True)
    """
    t = np.asarray(duration, dtype=float)
    e = np.asarray(event, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    if t.size == 0 or not np.isfinite(horizon) or t.max() < horizon:
        return (np.nan, np.nan, np.nan, np.nan)
    times, inv = np.unique(t, return_inverse=True)
    deaths = np.bincount(inv, weights=w * e, minlength=len(times))
    leaving = np.bincount(inv, weights=w, minlength=len(times))
    at_risk = leaving[::-1].cumsum()[::-1]
    keep = (times <= horizon) & (deaths > 0)
    d, n = deaths[keep], at_risk[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = float(np.prod(1 - d / n)) if keep.any() else 1.0
        gap = n - d
        # Floating-point weight sums can leave n − d a hair below zero where everyone left: undefined there.
        v = float(np.sum(np.where(gap > 1e-9 * np.maximum(n, 1), d / (n * gap), np.inf))) if keep.any() else 0.0
    surv = min(max(surv, 0.0), 1.0)
    lo, hi = _exp_greenwood_bounds(surv, v, ci)
    return surv, v, lo, hi


def _exp_greenwood_bounds(surv: float, v: float, ci: float) -> tuple[float, float]:
    if surv >= 1.0:
        return 1.0, 1.0
    if surv <= 1e-12 or not np.isfinite(v):
        return np.nan, np.nan
    z = _st.norm.ppf(0.5 + ci / 2)
    log_s = np.log(surv)
    centre = np.log(-log_s)
    return (float(np.exp(-np.exp(centre - z * np.sqrt(v) / log_s))),
            float(np.exp(-np.exp(centre + z * np.sqrt(v) / log_s))))


def attrition(df: pd.DataFrame, duration: str, event: str, horizon: float, by: str | None = None, *,
              weights: str | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Share of customers lost by ``horizon`` days (1 − S(horizon)), per group, with its interval.

    Returns
    -------
    DataFrame
        ``group, n, events, attrition, ci_low, ci_high, followed_to_horizon``: ``events`` is churn by the
        horizon; ``followed_to_horizon`` is False when no customer in the group was observed that long
        (the estimate is then missing, not extrapolated).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(group=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> a = attrition(r, "week", "arrest", 52, by="group")
    >>> a[["group", "n", "attrition"]].round(3).values.tolist()
    [['aid', 216, 0.222], ['no aid', 216, 0.306]]
    """
    from lifelines import KaplanMeierFitter

    data = _clean(df, duration, event, weights)
    rows = []
    for name, g in _groups(data, by):
        n = len(g)
        row = {"group": name, "n": n, "events": int(((g[duration] <= horizon) & (g[event] == 1)).sum()),
               "attrition": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "followed_to_horizon": bool(n and g[duration].max() >= horizon)}
        if n and row["followed_to_horizon"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", StatisticalWarning)
                kmf = KaplanMeierFitter(alpha=1 - ci).fit(g[duration], g[event], weights=g[weights] if weights else None)
            s = min(max(float(kmf.survival_function_at_times(horizon).iloc[0]), 0.0), 1.0)
            lo, hi = _exp_greenwood(kmf.event_table, np.array([float(horizon)]), np.array([s]), ci)
            row.update({"attrition": 1 - s, "ci_low": 1 - float(hi[0]), "ci_high": 1 - float(lo[0])})
        rows.append(row)
    return pd.DataFrame(rows)


def logrank(df: pd.DataFrame, duration: str, event: str, by: str) -> Test:
    """Log-rank test that the survival curves of all groups in ``by`` are equal (lifelines).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(group=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> t = logrank(r, "week", "arrest", by="group")
    >>> round(t.statistic, 2), t.df, round(t.p_value, 3)
    (3.84, 1, 0.05)
    """
    from lifelines.statistics import multivariate_logrank_test

    data = _clean(df, duration, event, None).dropna(subset=[by])
    res = multivariate_logrank_test(data[duration], data[by].astype(str), data[event])
    return Test(float(res.test_statistic), int(res.degrees_of_freedom), float(res.p_value), "log-rank")


def pairwise_logrank(df: pd.DataFrame, duration: str, event: str, by: str, *, adjust: str = "holm") -> pd.DataFrame:
    """Log-rank test for every pair of groups, with p-values adjusted for multiple testing.

    Returns ``a, b, statistic, p_value, p_adjusted`` (Holm by default; any statsmodels ``multipletests`` method).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(group=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> pairwise_logrank(r, "week", "arrest", by="group").columns.tolist()
    ['a', 'b', 'statistic', 'p_value', 'p_adjusted']
    """
    from lifelines.statistics import logrank_test
    from statsmodels.stats.multitest import multipletests

    data = _clean(df, duration, event, None).dropna(subset=[by])
    groups = [(n, g) for n, g in _groups(data, by) if len(g)]
    rows = []
    for i, (a, ga) in enumerate(groups):
        for b, gb in groups[i + 1:]:
            res = logrank_test(ga[duration], gb[duration], ga[event], gb[event])
            rows.append({"a": a, "b": b, "statistic": float(res.test_statistic), "p_value": float(res.p_value)})
    out = pd.DataFrame(rows, columns=["a", "b", "statistic", "p_value"])
    out["p_adjusted"] = multipletests(out["p_value"], method=adjust)[1] if len(out) else []
    return out


def _rmst_one(t: np.ndarray, e: np.ndarray, tau: float) -> tuple[float, float]:
    """RMST up to ``tau`` and its sampling variance (Klein & Moeschberger 2003, §4.5).

    ``Var = Σ_{t_i ≤ τ} A_i² d_i / (n_i (n_i − d_i))`` with ``A_i = ∫_{t_i}^{τ} S(u) du``: the Greenwood-type
    variance of the area under the Kaplan–Meier curve. lifelines' ``return_variance=True`` returns the
    variance of the truncated survival time instead (lifelines issue #1682), which is not this.
    """
    order = np.argsort(t, kind="stable")
    t, e = t[order], e[order]
    times = np.unique(t[(e == 1) & (t <= tau)])
    n_at = np.array([(t >= u).sum() for u in times], dtype=float) if len(times) < 2000 else \
        len(t) - np.searchsorted(t, times, side="left").astype(float)
    d = np.array([((t == u) & (e == 1)).sum() for u in times], dtype=float) if len(times) < 2000 else \
        np.bincount(np.searchsorted(times, t[(e == 1) & (t <= tau)]), minlength=len(times)).astype(float)
    surv = np.cumprod(1 - d / n_at)
    knots = np.r_[0.0, times, tau]
    s_steps = np.r_[1.0, surv]
    areas = s_steps * np.diff(knots)           # area of each step up to tau
    rmst_value = float(areas.sum())
    tail = np.cumsum(areas[::-1])[::-1][1:]    # A_i: area from t_i to tau
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n_at > d, tail**2 * d / (n_at * (n_at - d)), 0.0)
    return rmst_value, float(terms.sum())


def rmst(df: pd.DataFrame, duration: str, event: str, horizon: float, by: str | None = None, *,
         ci: float = 0.95) -> pd.DataFrame:
    """Restricted mean survival time: expected days retained within ``horizon``, per group, with its CI.

    Returns ``group, n, rmst, se, ci_low, ci_high``. The standard error is the square root of the
    Klein–Moeschberger variance (checked against a bootstrap in tests/test_survival.py).

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(group=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> rmst(r, "week", "arrest", 52, by="group")[["group", "rmst"]].round(1).values.tolist()
    [['aid', 46.9], ['no aid', 44.8]]
    """
    data = _clean(df, duration, event, None)
    z = _st.norm.ppf(0.5 + ci / 2)
    rows = []
    for name, g in _groups(data, by):
        if not len(g):
            rows.append({"group": name, "n": 0, "rmst": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan})
            continue
        value, var = _rmst_one(g[duration].to_numpy(dtype=float), g[event].to_numpy(dtype=int), horizon)
        se = np.sqrt(var)
        rows.append({"group": name, "n": len(g), "rmst": value, "se": se, "ci_low": value - z * se,
                     "ci_high": value + z * se})
    return pd.DataFrame(rows)


def rmst_difference(df: pd.DataFrame, duration: str, event: str, horizon: float, *, by: str, a: str, b: str,
                    ci: float = 0.95) -> pd.DataFrame:
    """Difference in RMST between groups ``a`` and ``b`` (a − b), with a normal interval and p-value.

    The groups are independent, so the variance of the difference is the sum of their variances.
    Returns one row: ``a, b, difference, se, ci_low, ci_high, p_value``.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> r = load_rossi().assign(group=lambda d: d["fin"].map({0: "no aid", 1: "aid"}))
    >>> d = rmst_difference(r, "week", "arrest", 52, by="group", a="aid", b="no aid")
    >>> d[["difference", "ci_low", "ci_high"]].round(2).values.tolist()
    [[2.04, -0.34, 4.42]]
    """
    per = rmst(df, duration, event, horizon, by=by, ci=ci).set_index("group")
    diff = per.loc[a, "rmst"] - per.loc[b, "rmst"]
    se = float(np.hypot(per.loc[a, "se"], per.loc[b, "se"]))
    z = _st.norm.ppf(0.5 + ci / 2)
    p = float(2 * _st.norm.sf(abs(diff) / se)) if se > 0 else np.nan
    return pd.DataFrame([{"a": a, "b": b, "difference": diff, "se": se, "ci_low": diff - z * se,
                          "ci_high": diff + z * se, "p_value": p}])


def _design(df: pd.DataFrame, covariates: list[str], reference: dict[str, str] | None) -> pd.DataFrame:
    """Numeric design matrix: categorical covariates as dummies against their reference level."""
    reference = reference or {}
    parts = {}
    for c in covariates:
        col = df[c]
        if pd.api.types.is_numeric_dtype(col) and not isinstance(col.dtype, pd.CategoricalDtype):
            parts[c] = col.to_numpy(float)
            continue
        # Compare integer codes, not strings: a million-row object column is slow to compare level by level.
        cat = col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype(pd.CategoricalDtype(sorted(col.dropna().unique())))
        codes = cat.cat.codes.to_numpy()
        present = np.bincount(codes[codes >= 0], minlength=len(cat.cat.categories)) > 0
        levels = [lv for lv, ok in zip(cat.cat.categories, present) if ok]
        ref = reference.get(c, levels[0] if levels else None)
        for k, lv in enumerate(cat.cat.categories):
            if present[k] and lv != ref:
                parts[f"{c}[{lv}]"] = (codes == k).astype(float)
    return pd.DataFrame(parts, index=df.index)


def _check_design(X: pd.DataFrame, events: int, where: str) -> None:
    constant = [c for c in X.columns if X[c].nunique() < 2]
    if constant:
        raise ValueError(f"{where}: covariate column(s) {constant} take a single value in the data: remove them")
    if X.shape[1] > 1:
        lam, vec = np.linalg.eigh(np.corrcoef(X.to_numpy(), rowvar=False))
        if lam.min() < 1e-8:
            involved = [X.columns[i] for i in np.flatnonzero(np.abs(vec[:, 0]) > 0.05)]
            raise ValueError(f"{where}: covariates {involved} are collinear (one is a combination of the others): "
                             "drop one of them")
    if events == 0:
        raise ValueError(f"{where}: there are no churn events, so no hazard ratio can be estimated")


def _cox_table(X: pd.DataFrame, stop: np.ndarray, event: np.ndarray, *, weights: np.ndarray | None,
               entry: np.ndarray | None, strata: np.ndarray | None, cluster: np.ndarray | None, robust: bool,
               ci: float, where: str) -> pd.DataFrame:
    from .coxph import fit_cox, ph_test

    _check_design(X, int(np.sum(event)), where)
    try:
        fit = fit_cox(X.to_numpy(float), stop, event, weights=weights, entry=entry, strata=strata,
                      cluster=cluster, robust=robust)
    except np.linalg.LinAlgError:
        raise ValueError(f"{where}: the model cannot be estimated (a covariate separates churners from stayers "
                         "completely, or a group has no events): merge small groups or drop the covariate") from None
    se = fit.standard_errors
    z = _st.norm.ppf(0.5 + ci / 2)
    coef = fit.params
    out = pd.DataFrame({"covariate": list(X.columns), "hazard_ratio": np.exp(coef),
                        "ci_low": np.exp(coef - z * se), "ci_high": np.exp(coef + z * se),
                        "p_value": _st.chi2.sf((coef / se) ** 2, 1), "coef": coef, "se": se})
    try:
        statistic, p = ph_test(fit, X.to_numpy(float), stop, event, weights=weights, entry=entry, strata=strata)
        ph_df = pd.DataFrame({"covariate": list(X.columns), "statistic": statistic, "p_value": p})
        ph_df["violated"] = ph_df["p_value"] < 0.05
    except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:  # degenerate data: say so, do not crash
        ph_df = pd.DataFrame({"covariate": [], "statistic": [], "p_value": [], "violated": []})
        ph_df.attrs["error"] = str(exc)
    out.attrs.update({"n": int(len(np.unique(cluster)) if cluster is not None else len(stop)),
                      "rows": int(len(stop)), "events": int(np.sum(event)), "ph_test": ph_df,
                      "log_likelihood": fit.log_likelihood, "fit": fit})
    return out


def cox(df: pd.DataFrame, duration: str, event: str, covariates: list[str], *, weights: str | None = None,
        reference: dict[str, str] | None = None, strata: list[str] | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Cox proportional-hazards model: hazard ratios with intervals, p-values and the PH test.

    Parameters
    ----------
    df : DataFrame
        One row per customer.
    duration, event : str
        Days observed and 0/1 churn.
    covariates : list of str
        Numeric covariates enter as they are; categorical ones (e.g. ``segment``) as indicators against a
        reference level.
    weights : str, optional
        Respondent weights; robust (Lin–Wei sandwich) standard errors are then used.
    reference : dict, optional
        Reference level per categorical covariate, e.g. ``{"segment": "highly satisfied"}``.
    strata : list of str, optional
        Stratify the baseline hazard (the remedy when a covariate violates proportional hazards).
        Works with weights.
    ci : float
        Confidence level.

    Returns
    -------
    DataFrame
        ``covariate, hazard_ratio, ci_low, ci_high, p_value, coef, se``. ``attrs``: ``n``, ``events``,
        ``log_likelihood``, ``ph_test`` (a DataFrame ``covariate, statistic, p_value, violated``: the
        Grambsch–Therneau test against event-time rank) and ``fit`` (a :class:`cxlib.coxph.CoxFit`).

    Raises
    ------
    ValueError
        A covariate is constant or the covariates are collinear (named), there are no events, or the
        model cannot be estimated.

    Notes
    -----
    Efron's method for ties, as lifelines and R's ``coxph``, fitted by :mod:`cxlib.coxph` (summing once
    per distinct day, so a million customers take seconds). Checked against lifelines' ``CoxPHFitter``
    (coefficients, standard errors, robust standard errors on untied data, stratified fits, PH test) and
    statsmodels' ``PHReg`` (robust standard errors with ties) in tests/test_coxph.py, and against the
    published Rossi recidivism coefficients (Fox 2002) in tests/test_survival.py.

    Examples
    --------
    >>> from lifelines.datasets import load_rossi
    >>> from cxlib import survival
    >>> hr = survival.cox(load_rossi(), "week", "arrest", ["fin", "age", "prio"])
    >>> hr.set_index("covariate")["hazard_ratio"].round(3).to_dict()
    {'fin': 0.707, 'age': 0.935, 'prio': 1.102}
    """
    strata = strata or []
    data = _clean(df, duration, event, weights).dropna(subset=covariates + strata)
    X = _design(data, covariates, reference)
    s = None
    if strata:
        s = data.groupby(strata, sort=True, observed=True, dropna=False).ngroup().to_numpy()
    w = data[weights].to_numpy(float) if weights else None
    return _cox_table(X, data[duration].to_numpy(float), data[event].to_numpy(float), weights=w, entry=None,
                      strata=s, cluster=None, robust=bool(weights), ci=ci, where="cox")


def cox_time_varying(episodes: pd.DataFrame, *, start: str, stop: str, event: str, id_column: str,
                     covariates: list[str], weights: str | None = None, reference: dict[str, str] | None = None,
                     ci: float = 0.95) -> pd.DataFrame:
    """Cox model with time-varying covariates, on counting-process data (one row per episode).

    Parameters
    ----------
    episodes : DataFrame
        One row per customer and episode: at risk on ``(start, stop]``, ``event`` 1 only on a churner's last
        episode, covariate values constant within the episode (see :func:`experience_episodes`).
    start, stop, event, id_column : str
        Column names.
    covariates, weights, reference, ci
        As in :func:`cox`. Robust standard errors, clustered by customer, are used with weights.

    Returns
    -------
    DataFrame
        As :func:`cox`; ``attrs["n"]`` counts customers and ``attrs["rows"]`` episodes.

    Notes
    -----
    Checked against lifelines' ``CoxTimeVaryingFitter`` on the Stanford heart-transplant data
    (tests/test_coxph.py) and against a simulation with a planted time-varying effect (tests/test_survival.py).

    Examples
    --------
    >>> from lifelines.datasets import load_stanford_heart_transplants
    >>> from cxlib import survival
    >>> h = load_stanford_heart_transplants()
    >>> hr = survival.cox_time_varying(h, start="start", stop="stop", event="event", id_column="id",
    ...                                covariates=["age", "transplant"])
    >>> round(float(hr.set_index("covariate").loc["transplant", "hazard_ratio"]), 2)
    1.0
    """
    cols = [start, stop, event, id_column] + covariates + ([weights] if weights else [])
    data = episodes.dropna(subset=cols)
    bad = data.index[data[stop] <= data[start]]
    if len(bad):
        raise ValueError(f"cox_time_varying: {len(bad)} episode(s) end before they start (rows {list(bad[:5])})")
    X = _design(data, covariates, reference)
    w = data[weights].to_numpy(float) if weights else None
    return _cox_table(X, data[stop].to_numpy(float), data[event].to_numpy(float), weights=w,
                      entry=data[start].to_numpy(float), strata=None, cluster=data[id_column].to_numpy(),
                      robust=bool(weights), ci=ci, where="cox_time_varying")


def recency_score(contacts: pd.DataFrame, *, id_column: str, as_of: pd.Series | pd.Timestamp,
                  half_life_days: float = 90.0, window_days: float | None = None) -> pd.DataFrame:
    """Each customer's recency-weighted contact experience: recent contacts count more.

    Parameters
    ----------
    contacts : DataFrame
        One row per contact: ``id_column``, ``timestamp``, ``rating`` (−2 … +2).
    id_column : str
        Customer id column.
    as_of : Timestamp or Series
        Reference date (one for all, or a Series indexed by customer id); contacts after it are ignored.
    half_life_days : float
        A contact ``half_life_days`` old weighs half as much as one today: ``w = 0.5 ** (age / half_life)``.
    window_days : float, optional
        Only contacts at most this old count.

    Returns
    -------
    DataFrame
        Indexed by customer id: ``experience`` (weighted mean rating, −2 … +2), ``n_contacts``,
        ``weight_sum`` (the total recency weight, a measure of how much recent contact there was).

    Examples
    --------
    >>> contacts = pd.DataFrame({"id": ["a", "a", "b"], "timestamp": ["2025-01-01", "2025-03-31", "2025-03-01"],
    ...                          "rating": [2, -2, 1]})
    >>> s = recency_score(contacts, id_column="id", as_of=pd.Timestamp("2025-04-01"), half_life_days=90)
    >>> s.round(3).to_dict("index")
    {'a': {'experience': -0.66, 'n_contacts': 2, 'weight_sum': 1.492}, 'b': {'experience': 1.0, 'n_contacts': 1, 'weight_sum': 0.788}}
    """
    c = contacts[[id_column, "timestamp", "rating"]].dropna()
    if not isinstance(as_of, pd.Timestamp):
        _contacts_match(c, pd.Series(as_of.index), id_column, "recency_score")
    ts = pd.to_datetime(c["timestamp"])
    ref = as_of if isinstance(as_of, pd.Timestamp) else c[id_column].map(as_of)
    age = (pd.to_datetime(ref) - ts).dt.total_seconds().to_numpy() / 86400 if not isinstance(as_of, pd.Timestamp) \
        else (as_of - ts).dt.total_seconds().to_numpy() / 86400
    keep = age >= 0
    if window_days is not None:
        keep &= age <= window_days
    w = 0.5 ** (age[keep] / half_life_days)
    g = pd.DataFrame({"id": c[id_column].to_numpy()[keep], "w": w, "wr": w * c["rating"].to_numpy(dtype=float)[keep]})
    agg = g.groupby("id").agg(weight_sum=("w", "sum"), wr=("wr", "sum"), n_contacts=("w", "size"))
    agg["experience"] = agg["wr"] / agg["weight_sum"]
    agg.index.name = id_column
    return agg[["experience", "n_contacts", "weight_sum"]]


def _contacts_match(contacts: pd.DataFrame, ids: pd.Series, id_column: str, where: str) -> None:
    """Contacts whose ids match none of the frame's are almost always raw ids against pseudonyms: say so
    instead of scoring every customer as having no contacts."""
    if len(contacts) and len(ids) and not contacts[id_column].isin(set(ids)).any():
        raise ValueError(f"{where}: none of the {len(contacts):,} contacts has an id in the frame's {id_column!r}; "
                         "eng.frame() carries pseudonymised ids, so pass eng.contact_frame() rather than eng.contacts")


def contact_experience(contacts: pd.DataFrame, frame: pd.DataFrame, *, id_column: str, wave: str | None = None,
                       half_life_days: float = 90.0, recent_days: float = 90.0) -> pd.DataFrame:
    """Per-customer contact experience at the start of follow-up, for the attrition models.

    The reference date of a customer is the latest contact in their wave (contacts precede the survey,
    which starts follow-up); without waves, the latest contact overall.

    Returns
    -------
    DataFrame
        Indexed like ``frame``: ``experience`` (recency-weighted mean rating, ``half_life_days``),
        ``recent_rating`` (mean rating of contacts in the last ``recent_days``) and ``older_rating`` (mean
        of earlier contacts); customers without contacts get the average (0 weight of evidence), and
        ``has_contacts`` says which.

    Examples
    --------
    >>> contacts = pd.DataFrame({"id": ["a", "a", "b"], "timestamp": ["2025-01-01", "2025-03-31", "2025-03-01"],
    ...                          "rating": [2, -2, 1]})
    >>> frame = pd.DataFrame({"id": ["a", "b", "c"]})
    >>> contact_experience(contacts, frame, id_column="id").round(3).to_dict("list")
    {'experience': [-0.66, 1.0, 0.17], 'recent_rating': [0.0, 1.0, 0.5], 'older_rating': [nan, nan, nan], 'has_contacts': [True, True, False]}
    """
    _contacts_match(contacts, frame[id_column], id_column, "contact_experience")
    ids = pd.Index(frame[id_column])
    code = ids.get_indexer(contacts[id_column])  # -1: a contact of someone not in the frame
    ts = pd.to_datetime(contacts["timestamp"]).to_numpy("datetime64[s]").astype("int64") / 86400.0
    rating = contacts["rating"].to_numpy(float)
    keep = (code >= 0) & np.isfinite(ts) & np.isfinite(rating)
    code, ts, rating = code[keep], ts[keep], rating[keep]
    n = len(ids)
    if wave and wave in frame.columns:
        # Reference date of a wave: its latest contact (contacts precede the survey that starts follow-up).
        wave_code, wave_levels = pd.factorize(frame[wave])
        cw = wave_code[code]
        ok = cw >= 0
        ref_by_wave = np.full(len(wave_levels), -np.inf)
        np.maximum.at(ref_by_wave, cw[ok], ts[ok])
        as_of = np.where(wave_code >= 0, ref_by_wave[np.maximum(wave_code, 0)], np.nan)
    else:
        as_of = np.full(n, ts.max() if len(ts) else np.nan)
    age = as_of[code] - ts
    valid = age >= 0
    w = np.where(valid, 0.5 ** (np.where(valid, age, 0) / half_life_days), 0.0)
    wsum = np.bincount(code, weights=w, minlength=n)
    experience = np.bincount(code, weights=w * rating, minlength=n) / np.where(wsum > 0, wsum, np.nan)
    recent = valid & (age <= recent_days)
    older = valid & (age > recent_days)

    def mean_of(mask):
        cnt = np.bincount(code[mask], minlength=n)
        return np.bincount(code[mask], weights=rating[mask], minlength=n) / np.where(cnt > 0, cnt, np.nan)

    out = pd.DataFrame({"experience": experience, "recent_rating": mean_of(recent), "older_rating": mean_of(older)},
                       index=frame.index)
    out["has_contacts"] = out["experience"].notna()
    return out.fillna({c: out[c].mean() for c in ("experience", "recent_rating", "older_rating")})


def experience_episodes(contacts: pd.DataFrame, frame: pd.DataFrame, *, id_column: str, duration: str, event: str,
                        origin: pd.Series | pd.Timestamp, half_life_days: float = 90.0) -> pd.DataFrame:
    """Split each customer's follow-up at their contacts: counting-process rows with the experience score as it
    stood in each episode, for :func:`cox_time_varying`.

    Parameters
    ----------
    contacts : DataFrame
        One row per contact: ``id_column``, ``timestamp``, ``rating`` (−2 … +2), before and after follow-up starts.
    frame : DataFrame
        One row per customer with ``id_column``, ``duration`` (days from ``origin``) and ``event``; every other
        column is copied onto the customer's episodes.
    origin : Timestamp or Series
        The date follow-up starts (one for all, or a Series indexed by customer id).
    half_life_days : float
        Recency half-life of the experience score, as in :func:`recency_score`.

    Returns
    -------
    DataFrame
        ``frame``'s columns plus ``start``, ``stop`` (days since origin; at risk on ``(start, stop]``),
        ``event`` (1 only on a churner's last episode), ``experience`` (the recency-weighted mean rating of all
        contacts up to ``start``; customers with none yet get the mean of everyone's score at origin) and
        ``has_contacts``.

    Notes
    -----
    Recency weights ``0.5 ** (age / half_life)`` decay at the same rate for every past contact, so their
    weighted mean is constant between contacts: the score changes only when a new contact arrives, and
    splitting follow-up at contact days represents it exactly. A contact on day ``k`` changes the score from
    the episode ``(k, …]`` on: it cannot explain a churn on the same day.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlib import survival
    >>> contacts = pd.DataFrame({"id": ["a", "a", "b"], "timestamp": ["2025-01-01", "2025-03-02", "2025-01-01"],
    ...                          "rating": [2, -2, 1]})
    >>> frame = pd.DataFrame({"id": ["a", "b"], "days": [100, 30], "left": [1, 0]})
    >>> ep = survival.experience_episodes(contacts, frame, id_column="id", duration="days", event="left",
    ...                                   origin=pd.Timestamp("2025-01-31"))
    >>> ep[["id", "start", "stop", "left", "experience"]].round(2).to_string(index=False)
    'id  start  stop  left  experience\\n a    0.0  30.0     0        2.00\\n a   30.0 100.0     1       -0.45\\n b    0.0  30.0     0        1.00'
    """
    ids = frame[id_column]
    _contacts_match(contacts, ids, id_column, "experience_episodes")
    if isinstance(origin, pd.Timestamp):
        origin_of = pd.Series(origin, index=pd.Index(ids.unique()))
    else:
        origin_of = pd.to_datetime(origin)
    c = contacts[[id_column, "timestamp", "rating"]].dropna().copy()
    c = c[c[id_column].isin(set(ids))]
    day = (pd.to_datetime(c["timestamp"]) - c[id_column].map(origin_of)).dt.total_seconds().to_numpy() / 86400
    c["day"] = np.ceil(day)  # a contact during day k counts from day k (integer follow-up days)
    c = c.dropna(subset=["day"]).sort_values([id_column, "day"], kind="stable")
    # Weights relative to the origin: 2^(day / h); the running weighted mean is the score after each contact.
    wgt = np.exp2(c["day"].to_numpy() / half_life_days)
    c["wr"] = wgt * c["rating"].to_numpy(float)
    c["w"] = wgt
    g = c.groupby(id_column, sort=False)
    c["score"] = g["wr"].cumsum() / g["w"].cumsum()
    dur = c[id_column].map(frame.set_index(id_column)[duration])
    at_origin = c[c["day"] <= 0].groupby(id_column)["score"].last()
    later = c[(c["day"] > 0) & (c["day"] < dur)]
    later = later.groupby([id_column, "day"], sort=False)["score"].last().reset_index()  # same-day contacts: one split
    fill = float(at_origin.mean()) if len(at_origin) else 0.0

    base = frame.reset_index(drop=True)
    first = pd.DataFrame({id_column: base[id_column], "start": 0.0,
                          "experience": base[id_column].map(at_origin).to_numpy()})
    splits = pd.DataFrame({id_column: later[id_column], "start": later["day"].to_numpy(float),
                           "experience": later["score"].to_numpy()})
    ep = pd.concat([first, splits], ignore_index=True).sort_values([id_column, "start"], kind="stable")
    ep["has_contacts"] = ep["experience"].notna()
    ep["experience"] = ep.groupby(id_column, sort=False)["experience"].ffill().fillna(fill)
    ep["has_contacts"] = ep.groupby(id_column, sort=False)["has_contacts"].cummax()
    nxt = ep.groupby(id_column, sort=False)["start"].shift(-1)
    ep["stop"] = nxt.fillna(ep[id_column].map(base.set_index(id_column)[duration])).to_numpy(float)
    last = nxt.isna().to_numpy()
    out = ep.merge(base.drop(columns=[event]), on=id_column, how="left", sort=False)
    out[event] = np.where(last, out[id_column].map(base.set_index(id_column)[event]).to_numpy(), 0).astype(int)
    out = out[out["stop"] > out["start"]]
    cols = list(base.columns) + ["start", "stop", "experience", "has_contacts"]
    cols = [c for c in dict.fromkeys(cols) if c != duration]
    return out[cols].reset_index(drop=True)
