"""cxlib.coxph (the fast Efron Cox fitter) against lifelines, statsmodels and a brute-force likelihood."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from lifelines import CoxPHFitter, CoxTimeVaryingFitter
from lifelines.datasets import load_rossi, load_stanford_heart_transplants
from lifelines.statistics import proportional_hazard_test

from cxlib.coxph import fit_cox, ph_test, zph

# lifelines stops Newton at 1e-7 by default; a tighter stop lets the comparison be to 1e-6 and below.
TIGHT = {"precision": 1e-12}
ROSSI = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def _untied(n=400, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    t = rng.exponential(1 / np.exp(X @ [0.5, -0.3, 0.1]))
    c = rng.exponential(2, n)
    df = pd.DataFrame(X, columns=list("abc")).assign(T=np.minimum(t, c), E=(t <= c).astype(int))
    if weights:
        df["w"] = rng.uniform(0.5, 2, n)
    return df


def test_efron_fit_equals_lifelines_coxphfitter_on_rossi():
    ref = CoxPHFitter().fit(load_rossi(), "week", "arrest")
    r = load_rossi()
    fit = fit_cox(r[ROSSI].to_numpy(), r["week"].to_numpy(), r["arrest"].to_numpy())
    np.testing.assert_allclose(fit.params, ref.params_.to_numpy(), atol=1e-6)
    np.testing.assert_allclose(fit.standard_errors, ref.standard_errors_.to_numpy(), atol=1e-6)
    assert fit.log_likelihood == pytest.approx(ref.log_likelihood_, abs=1e-6)


def test_efron_log_likelihood_equals_a_brute_force_sum_over_tied_events():
    """Efron's formula evaluated literally, loop by loop, at an arbitrary β (no fitting involved)."""
    rng = np.random.default_rng(3)
    n = 60
    X = rng.normal(size=(n, 2))
    T = rng.integers(1, 8, n).astype(float)  # heavy ties
    E = rng.integers(0, 2, n)
    w = rng.uniform(0.5, 2.0, n)
    beta = np.array([0.3, -0.7])
    brute = 0.0
    for t in np.unique(T[E == 1]):
        risk = T >= t
        dead = (T == t) & (E == 1)
        d = dead.sum()
        r = w * np.exp(X @ beta)
        brute += (w[dead] * (X[dead] @ beta)).sum()
        for l in range(d):
            brute -= w[dead].mean() * np.log(r[risk].sum() - l / d * r[dead].sum())
    fit = fit_cox(X, T, E, weights=w, max_iter=0)  # no Newton steps: log-likelihood at β = 0
    from cxlib.coxph import _strata
    Xc = X - np.average(X, axis=0, weights=w)
    ll = sum(s.loglik_grad_info(beta, second=False)[0] for s in _strata(Xc, T, E.astype(float), w, None, None))
    assert ll == pytest.approx(brute, rel=1e-12)
    assert fit.null_log_likelihood == pytest.approx(
        sum((w[(T == t) & (E == 1)].mean()) * -sum(np.log(w[T >= t].sum() - l / k * w[(T == t) & (E == 1)].sum())
                                                   for l in range(k))
            for t in np.unique(T[E == 1]) for k in [((T == t) & (E == 1)).sum()]), rel=1e-12)


def test_weighted_robust_standard_errors_equal_lifelines_without_ties():
    df = _untied(weights=True)
    ref = CoxPHFitter().fit(df, "T", "E", weights_col="w", robust=True, fit_options=TIGHT)
    fit = fit_cox(df[list("abc")].to_numpy(), df["T"].to_numpy(), df["E"].to_numpy(), weights=df["w"].to_numpy(),
                  robust=True)
    np.testing.assert_allclose(fit.params, ref.params_.to_numpy(), atol=1e-6)
    np.testing.assert_allclose(fit.standard_errors, ref.standard_errors_.to_numpy(), atol=1e-6)


def test_robust_standard_errors_with_ties_equal_statsmodels_phreg():
    """lifelines' score residuals ignore ties, so the reference with ties is statsmodels' PHReg (Efron)."""
    r = load_rossi()
    ref = sm.PHReg(r["week"].to_numpy(), r[ROSSI].to_numpy(), status=r["arrest"].to_numpy(), ties="efron").fit(
        groups=np.arange(len(r)))
    fit = fit_cox(r[ROSSI].to_numpy(), r["week"].to_numpy(), r["arrest"].to_numpy(), robust=True)
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-6)
    np.testing.assert_allclose(fit.standard_errors, ref.bse, rtol=1e-5)


def test_stratified_weighted_fit_equals_lifelines():
    r = load_rossi().assign(w=np.random.default_rng(1).uniform(0.5, 2, 432))
    ref = CoxPHFitter().fit(r, "week", "arrest", strata=["wexp"], weights_col="w", fit_options=TIGHT)
    cov = [c for c in ROSSI if c != "wexp"]
    fit = fit_cox(r[cov].to_numpy(), r["week"].to_numpy(), r["arrest"].to_numpy(), weights=r["w"].to_numpy(),
                  strata=r["wexp"].to_numpy())
    np.testing.assert_allclose(fit.params, ref.params_.to_numpy(), atol=1e-6)


def test_counting_process_fit_equals_lifelines_coxtimevaryingfitter():
    h = load_stanford_heart_transplants()
    cov = ["age", "year", "surgery", "transplant"]
    ref = CoxTimeVaryingFitter().fit(h, id_col="id", event_col="event", start_col="start", stop_col="stop")
    fit = fit_cox(h[cov].to_numpy(), h["stop"].to_numpy(), h["event"].to_numpy(), entry=h["start"].to_numpy())
    np.testing.assert_allclose(fit.params, ref.params_.loc[cov].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(fit.standard_errors, ref.standard_errors_.loc[cov].to_numpy(), atol=1e-6)
    assert fit.log_likelihood == pytest.approx(ref.log_likelihood_, abs=1e-6)


def _zph1_row_by_row(gt, time, status, X, eta, w):
    """A literal, row-by-row port of R survival's src/zph1.c (Efron): the score vector and 2p × 2p
    information of the model with x · g(t) added, at (β̂, 0). No code shared with cxlib.coxph."""
    n, p = X.shape
    X = X - X.mean(0)
    order = np.lexsort((time,))
    u = np.zeros(2 * p)
    imat = np.zeros((2 * p, 2 * p))
    a = np.zeros(p)
    cmat = np.zeros((p, p))
    denom = 0.0
    ip = n - 1
    while ip >= 0:
        dtime = time[order[ip]]
        timewt = gt[order[ip]]
        ndead, deadwt, denom2 = 0, 0.0, 0.0
        a2 = np.zeros(p)
        cmat2 = np.zeros((p, p))
        while ip >= 0 and time[order[ip]] == dtime:
            i = order[ip]
            risk = np.exp(eta[i]) * w[i]
            if status[i] == 0:
                denom += risk
                a += risk * X[i]
                cmat += risk * np.outer(X[i], X[i])
            else:
                ndead += 1
                deadwt += w[i]
                denom2 += risk
                u[:p] += w[i] * X[i]
                u[p:] += timewt * w[i] * X[i]
                a2 += risk * X[i]
                cmat2 += risk * np.outer(X[i], X[i])
            ip -= 1
        if ndead:
            wtave = deadwt / ndead
            for _ in range(ndead):
                denom += denom2 / ndead
                a += a2 / ndead
                cmat += cmat2 / ndead
                mean = a / denom
                u[:p] -= wtave * mean
                u[p:] -= timewt * wtave * mean
                info = wtave * (cmat - np.outer(mean, a)) / denom
                imat[:p, :p] += info
                imat[:p, p:] += timewt * info
                imat[p:, p:] += timewt**2 * info
    imat[p:, :p] = imat[:p, p:].T
    return u, imat


@pytest.mark.parametrize("weighted", [False, True])
def test_proportional_hazards_test_equals_a_row_by_row_port_of_r_zph1(weighted):
    """The exact score test of R's cox.zph (survival >= 3.0) on tied weeks, against R's own C algorithm written
    out row by row (R itself: tests/test_r_reference.py)."""
    r = load_rossi()
    cov = ["fin", "age", "prio"]
    X = r[cov].to_numpy(float)
    T, E = r["week"].to_numpy(float), r["arrest"].to_numpy(float)
    w = np.random.default_rng(1).uniform(0.5, 2, len(T)) if weighted else np.ones(len(T))
    fit = fit_cox(X, T, E, weights=w if weighted else None)
    # transform = "km": 1 − (unweighted) KM just before each time, centred over the events
    km = np.ones(len(T))
    s = 1.0
    for t in np.unique(T):
        km[T == t] = s
        s *= 1 - E[(T == t)].sum() / (T >= t).sum()
    g = (1 - km) - (1 - km)[E == 1].mean()
    u, imat = _zph1_row_by_row(g, T, E, X, X @ fit.params, w)
    u[:3] = 0.0
    expected = [u[[0, 1, 2, 3 + j]] @ np.linalg.solve(imat[np.ix_([0, 1, 2, 3 + j], [0, 1, 2, 3 + j])],
                                                       u[[0, 1, 2, 3 + j]]) for j in range(3)]
    statistic, p = ph_test(fit, X, T, E, weights=w if weighted else None)
    np.testing.assert_allclose(statistic, expected, rtol=1e-8)
    z = zph(fit, X, T, E, weights=w if weighted else None)
    assert z.global_statistic == pytest.approx(u @ np.linalg.solve(imat, u), rel=1e-8)
    assert ((p >= 0) & (p <= 1)).all()


def test_proportional_hazards_test_is_not_lifelines_approximation_on_tied_data():
    """lifelines' proportional_hazard_test is the pre-2019 approximation (scaled Schoenfeld residuals): on
    Rossi's tied weeks its p-values differ visibly from the exact test (here, and from R's cox.zph)."""
    r = load_rossi()
    ref = CoxPHFitter().fit(r[ROSSI + ["week", "arrest"]], "week", "arrest", fit_options=TIGHT)
    approx = proportional_hazard_test(ref, r, time_transform="km").summary.loc[ROSSI, "p"].to_numpy()
    fit = fit_cox(r[ROSSI].to_numpy(float), r["week"].to_numpy(float), r["arrest"].to_numpy(float))
    _, p = ph_test(fit, r[ROSSI].to_numpy(float), r["week"].to_numpy(float), r["arrest"].to_numpy(float))
    assert np.max(np.abs(p - approx)) > 0.1  # 0.41 for prio (0.47 exact, as R; 0.88 approximated)


def test_unit_weights_of_two_halve_the_variance_and_keep_the_coefficients():
    r = load_rossi()
    one = fit_cox(r[ROSSI].to_numpy(), r["week"].to_numpy(), r["arrest"].to_numpy())
    two = fit_cox(r[ROSSI].to_numpy(), r["week"].to_numpy(), r["arrest"].to_numpy(), weights=np.full(432, 2.0))
    np.testing.assert_allclose(two.params, one.params, atol=1e-9)
    np.testing.assert_allclose(np.diag(two.variance), np.diag(one.variance) / 2, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1])
def test_row_order_does_not_change_the_fit(seed):
    r = load_rossi().sample(frac=1, random_state=seed)
    base = fit_cox(load_rossi()[ROSSI].to_numpy(), load_rossi()["week"].to_numpy(), load_rossi()["arrest"].to_numpy(),
                   robust=True)
    shuffled = fit_cox(r[ROSSI].to_numpy(), r["week"].to_numpy(), r["arrest"].to_numpy(), robust=True)
    np.testing.assert_allclose(shuffled.params, base.params, atol=1e-10)
    np.testing.assert_allclose(shuffled.standard_errors, base.standard_errors, atol=1e-10)


def test_clustered_robust_variance_sums_a_customers_rows():
    """Splitting every customer's follow-up into two rows (same covariates) changes nothing once clustered."""
    r = load_rossi()
    X, T, E = r[ROSSI].to_numpy(), r["week"].to_numpy().astype(float), r["arrest"].to_numpy()
    whole = fit_cox(X, T, E, robust=True)
    mid = np.floor(T / 2)
    keep = mid > 0
    Xs = np.vstack([X[keep], X])
    entry = np.concatenate([np.zeros(keep.sum()), np.where(keep, mid, 0)])
    stop = np.concatenate([mid[keep], T])
    ev = np.concatenate([np.zeros(keep.sum()), E])
    ids = np.concatenate([np.flatnonzero(keep), np.arange(len(T))])
    split = fit_cox(Xs, stop, ev, entry=entry, cluster=ids, robust=True)
    np.testing.assert_allclose(split.params, whole.params, atol=1e-9)
    np.testing.assert_allclose(split.standard_errors, whole.standard_errors, rtol=1e-7)
