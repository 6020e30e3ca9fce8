"""Attrition: Kaplan–Meier curves, attrition at a horizon, log-rank tests, restricted mean survival time,
Cox hazard ratios, and recency-weighted contact experience.

Estimation is delegated to lifelines; this module shapes the results as tidy DataFrames, adds what
lifelines lacks (the sampling variance of the RMST, lifelines issue #1682) and explains failures in
words.
"""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from lifelines.exceptions import StatisticalWarning
from scipy import stats as _st

__all__ = ["Test", "km", "attrition", "logrank", "pairwise_logrank", "rmst", "rmst_difference", "cox",
           "recency_score", "contact_experience"]


@dataclass(frozen=True)
class Test:
    """A test result: ``statistic``, degrees of freedom ``df``, ``p_value`` and the ``test`` name."""

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
        band = kmf.confidence_interval_
        # At-risk counts are people, not sums of weights.
        times = sf.index.to_numpy(dtype=float)
        durations = np.sort(g[duration].to_numpy(dtype=float))
        at_risk = len(durations) - np.searchsorted(durations, times, side="left")
        parts.append(pd.DataFrame({"group": name, "time": times, "survival": sf.to_numpy(),
                                   "ci_low": band.iloc[:, 0].to_numpy(), "ci_high": band.iloc[:, 1].to_numpy(),
                                   "at_risk": at_risk}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["group", "time", "survival", "ci_low", "ci_high", "at_risk"])


def attrition(df: pd.DataFrame, duration: str, event: str, horizon: float, by: str | None = None, *,
              weights: str | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Share of customers lost by ``horizon`` days (1 − S(horizon)), per group, with its interval.

    Returns
    -------
    DataFrame
        ``group, n, events, attrition, ci_low, ci_high, followed_to_horizon``: ``events`` is churn by the
        horizon; ``followed_to_horizon`` is False when no customer in the group was observed that long
        (the estimate is then missing, not extrapolated).
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
            s = float(kmf.survival_function_at_times(horizon).iloc[0])
            band = kmf.confidence_interval_survival_function_
            at = band[band.index <= horizon].iloc[-1]
            row.update({"attrition": 1 - s, "ci_low": 1 - float(at.iloc[1]), "ci_high": 1 - float(at.iloc[0])})
        rows.append(row)
    return pd.DataFrame(rows)


def logrank(df: pd.DataFrame, duration: str, event: str, by: str) -> Test:
    """Log-rank test that the survival curves of all groups in ``by`` are equal (lifelines)."""
    from lifelines.statistics import multivariate_logrank_test

    data = _clean(df, duration, event, None).dropna(subset=[by])
    res = multivariate_logrank_test(data[duration], data[by].astype(str), data[event])
    return Test(float(res.test_statistic), int(res.degrees_of_freedom), float(res.p_value), "log-rank")


def pairwise_logrank(df: pd.DataFrame, duration: str, event: str, by: str, *, adjust: str = "holm") -> pd.DataFrame:
    """Log-rank test for every pair of groups, with p-values adjusted for multiple testing.

    Returns ``a, b, statistic, p_value, p_adjusted`` (Holm by default; any statsmodels ``multipletests`` method).
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
    parts = []
    for c in covariates:
        col = df[c]
        if pd.api.types.is_numeric_dtype(col) and not isinstance(col.dtype, pd.CategoricalDtype):
            parts.append(col.astype(float).rename(c))
            continue
        levels = list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype) else sorted(col.dropna().unique())
        levels = [lv for lv in levels if (col == lv).any()]
        ref = reference.get(c, levels[0] if levels else None)
        for lv in levels:
            if lv != ref:
                parts.append((col == lv).astype(float).rename(f"{c}[{lv}]"))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=df.index)


def cox(df: pd.DataFrame, duration: str, event: str, covariates: list[str], *, weights: str | None = None,
        reference: dict[str, str] | None = None, strata: list[str] | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Cox proportional-hazards model: hazard ratios with intervals and p-values (lifelines).

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
        Respondent weights (robust sandwich standard errors are then used).
    reference : dict, optional
        Reference level per categorical covariate, e.g. ``{"segment": "highly satisfied"}``.
    strata : list of str, optional
        Stratify the baseline hazard (the remedy when a covariate violates proportional hazards).
    ci : float
        Confidence level.

    Returns
    -------
    DataFrame
        ``covariate, hazard_ratio, ci_low, ci_high, p_value, coef, se``. ``attrs``: ``n``, ``events``,
        ``ph_test`` (a DataFrame ``covariate, statistic, p_value, violated`` from lifelines'
        ``proportional_hazard_test``), ``model`` (the fitted CoxPHFitter).

    Raises
    ------
    ValueError
        A covariate is constant or the covariates are collinear (named), or there are no events.

    Notes
    -----
    Efron's method for ties, as lifelines (and R's ``coxph``). Coefficients equal lifelines'
    ``CoxPHFitter`` (tests/test_survival.py also checks the Rossi recidivism example against its
    published values).
    """
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    strata = strata or []
    data = _clean(df, duration, event, weights).dropna(subset=covariates + strata)
    X = _design(data, covariates, reference)
    constant = [c for c in X.columns if X[c].nunique() < 2]
    if constant:
        raise ValueError(f"cox: covariate column(s) {constant} take a single value in the data: remove them")
    if X.shape[1]:
        lam, vec = np.linalg.eigh(np.corrcoef(X.to_numpy(), rowvar=False).reshape(X.shape[1], X.shape[1]))
        if lam.min() < 1e-8:
            involved = [X.columns[i] for i in np.flatnonzero(np.abs(vec[:, 0]) > 0.05)]
            raise ValueError(f"cox: covariates {involved} are collinear (one is a combination of the others): "
                             "drop one of them")
    if int(data[event].sum()) == 0:
        raise ValueError("cox: there are no churn events, so no hazard ratio can be estimated")
    fit_df = pd.concat([X, data[[duration, event] + strata + ([weights] if weights else [])]], axis=1)
    cph = CoxPHFitter(alpha=1 - ci)
    cph.fit(fit_df, duration_col=duration, event_col=event, weights_col=weights, robust=bool(weights),
            strata=strata or None)
    s = cph.summary
    out = pd.DataFrame({"covariate": s.index.to_list(), "hazard_ratio": s["exp(coef)"].to_numpy(),
                        "ci_low": s.filter(like="exp(coef) lower").iloc[:, 0].to_numpy(),
                        "ci_high": s.filter(like="exp(coef) upper").iloc[:, 0].to_numpy(),
                        "p_value": s["p"].to_numpy(), "coef": s["coef"].to_numpy(), "se": s["se(coef)"].to_numpy()})
    try:
        ph = proportional_hazard_test(cph, fit_df, time_transform="rank").summary
        ph_df = pd.DataFrame({"covariate": ph.index.to_list(), "statistic": ph["test_statistic"].to_numpy(),
                              "p_value": ph["p"].to_numpy()})
        ph_df["violated"] = ph_df["p_value"] < 0.05
    except Exception as exc:  # the PH test can fail on degenerate data; report it rather than crash
        ph_df = pd.DataFrame({"covariate": [], "statistic": [], "p_value": [], "violated": []})
        ph_df.attrs["error"] = str(exc)
    out.attrs.update({"n": len(data), "events": int(data[event].sum()), "ph_test": ph_df, "model": cph})
    return out


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
    """
    c = contacts[[id_column, "timestamp", "rating"]].dropna()
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
    """
    c = contacts[[id_column, "timestamp", "rating"]].copy()
    c["timestamp"] = pd.to_datetime(c["timestamp"])
    if wave and wave in frame.columns:
        wave_of = frame.set_index(id_column)[wave]
        c["wave"] = c[id_column].map(wave_of)
        ref_by_wave = c.groupby("wave")["timestamp"].max()
        as_of = wave_of.map(ref_by_wave)
    else:
        as_of = pd.Series(c["timestamp"].max(), index=frame[id_column])
    score = recency_score(c, id_column=id_column, as_of=as_of, half_life_days=half_life_days)
    age = (c[id_column].map(as_of) - c["timestamp"]).dt.days
    recent = c[age <= recent_days].groupby(id_column)["rating"].mean()
    older = c[age > recent_days].groupby(id_column)["rating"].mean()
    ids = frame[id_column]
    out = pd.DataFrame({"experience": ids.map(score["experience"]).to_numpy(),
                        "recent_rating": ids.map(recent).to_numpy(), "older_rating": ids.map(older).to_numpy()},
                       index=frame.index)
    out["has_contacts"] = out["experience"].notna()
    return out.fillna({c: out[c].mean() for c in ("experience", "recent_rating", "older_rating")})
