"""cxlib against R, the field's reference for survival and survey statistics (R 4.2, survival 3.5, survey 4.1,
via tests/rlang.py): each test names the R function it compares with. Without R these tests skip (under
`make test` they fail)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rlang import run_r

from cxlib import survival


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """R's ``format(..., digits = 17)`` pads numbers and writes NA as text: read every column as numbers."""
    return frame.apply(lambda c: pd.to_numeric(c.astype(str).str.strip(), errors="coerce")
                       if c.dtype == object and c.astype(str).str.strip().str.match(r"^(NA|[-+0-9.eE]+)$").all() else c)


def _survival_data(seed: int = 7, n: int = 400) -> pd.DataFrame:
    """Whole-day durations (many ties), ~40% censored, respondent weights with a ~40% coefficient of
    variation, two groups."""
    rng = np.random.default_rng(seed)
    t = np.minimum(rng.exponential(200, n), 400).round()
    e = ((t < 400) & (rng.random(n) < 0.6)).astype(int)
    w = rng.gamma(1 / 0.16, 0.16, n)
    return pd.DataFrame({"t": t, "e": e, "w": w, "g": rng.choice(["a", "b"], n)})


SURVFIT = '''
library(survival)
fit <- survfit(Surv(t, e) ~ g, data = d, weights = w, conf.type = "log-log")
se <- if (fit$logse) fit$std.err * fit$surv else fit$std.err   # se of S either way
result <- data.frame(g = rep(sub("g=", "", names(fit$strata)), fit$strata), time = fit$time, surv = fit$surv,
                     se = se, lower = fit$lower, upper = fit$upper, logse = fit$logse)
'''


def test_weighted_km_equals_r_survfit_robust_log_log_by_group():
    """R ``survival::survfit(Surv(t, e) ~ g, weights = w, conf.type = "log-log")``: robust (infinitesimal
    jackknife) standard errors by default for non-integer weights; curve, std.err and bounds to 1e-9 at every
    time, and km_at / attrition at several horizons (the last one the longest follow-up)."""
    d = _survival_data()
    ref = _numeric(run_r(SURVFIT, d=d))
    assert (ref["logse"].astype(str).str.strip().str.upper() == "FALSE").all()  # R used the robust variance (se of S, not of log S)
    curves = survival.km(d, duration="t", event="e", by="g", weight="w")
    assert curves.variance == "robust"
    mine = curves.table.set_index(["g", "time"])
    for (g, time), row in ref.set_index(["g", "time"]).iterrows():
        got = mine.loc[(g, time)]
        assert got["survival"] == pytest.approx(row["surv"], abs=1e-9)
        if np.isfinite(row["lower"]):
            assert (got["ci_low"], got["ci_high"]) == pytest.approx((row["lower"], row["upper"]), abs=1e-9)
        else:
            assert np.isnan(got["ci_low"])
    for h in (30.0, 180.0, 365.0):
        att = survival.attrition(d, duration="t", event="e", horizon=h, by="g", weight="w").table.set_index("g")
        for g, part in ref.groupby("g"):
            row = part[part["time"] <= h].iloc[-1]
            sub = d[d["g"] == g]
            s, v, lo, hi = survival.km_at(sub["t"].to_numpy(), sub["e"].to_numpy(), h, weights=sub["w"].to_numpy())
            assert s == pytest.approx(row["surv"], abs=1e-12)
            assert s * np.sqrt(v) == pytest.approx(row["se"], abs=1e-9)
            assert (lo, hi) == pytest.approx((row["lower"], row["upper"]), abs=1e-9)
            assert att.loc[g, "se"] == pytest.approx(row["se"], abs=1e-9)
            assert (att.loc[g, "ci_low"], att.loc[g, "ci_high"]) == pytest.approx((1 - row["upper"], 1 - row["lower"]), abs=1e-9)


def test_unweighted_and_whole_number_weighted_km_equal_r_survfit_greenwood():
    """R ``survival::survfit(..., conf.type = "log-log")`` with integer weights (robust is FALSE there) and
    without weights: Greenwood, to 1e-9."""
    d = _survival_data(seed=8).assign(w=lambda f: (np.arange(len(f)) % 3) + 1)
    both = SURVFIT + SURVFIT.replace(", weights = w", "").replace("result <-", "plain <-") + \
        "result <- rbind(cbind(result, kind = 'weighted'), cbind(plain, kind = 'plain'))\n"
    ref = _numeric(run_r(both, d=d))
    for kind, weight in (("weighted", "w"), ("plain", None)):
        part = ref[ref["kind"].astype(str).str.strip() == kind]
        assert len(part) > 100 and (part["logse"].astype(str).str.strip().str.upper() == "TRUE").all()
        mine = survival.km(d, duration="t", event="e", by="g", weight=weight)
        assert mine.variance == "greenwood"
        table = mine.table.set_index(["g", "time"])
        ok = part["lower"].notna()
        got = table.loc[list(zip(part.loc[ok, "g"], part.loc[ok, "time"]))]
        np.testing.assert_allclose(got["survival"], part.loc[ok, "surv"], atol=1e-9)
        np.testing.assert_allclose(got["ci_low"], part.loc[ok, "lower"], atol=1e-9)
        np.testing.assert_allclose(got["ci_high"], part.loc[ok, "upper"], atol=1e-9)


def test_rmst_equals_r_survmean_and_the_integrated_influence_of_r_survfit():
    """Unweighted: R ``summary(survfit(...), rmean = tau)$table`` (``survival:::survmean``) rmean and
    se(rmean). Weighted (non-integer): the point estimate as R's rmean, and the standard error the square root
    of Σ_k (∫_0^τ influence_k)², from R ``survfit(..., influence = TRUE)$influence.surv`` (R's own se(rmean)
    keeps a Greenwood-type formula on weighted counts)."""
    d = _survival_data(seed=9)
    tau = 300
    ref = _numeric(run_r(f'''
library(survival)
one <- function(sub) {{
  f0 <- survfit(Surv(t, e) ~ 1, data = sub)
  fw <- survfit(Surv(t, e) ~ 1, data = sub, weights = w, influence = TRUE)
  keep <- fw$time <= {tau}
  width <- diff(c(fw$time[keep], {tau}))
  I <- fw$influence.surv[, keep, drop = FALSE] %*% width
  t0 <- summary(f0, rmean = {tau})$table
  tw <- summary(fw, rmean = {tau})$table
  c(rmean = unname(t0["rmean"]), se = unname(t0["se(rmean)"]), rmean_w = unname(tw["rmean"]),
    se_w_greenwood = unname(tw["se(rmean)"]), se_w = sqrt(sum(I^2)))
}}
result <- as.data.frame(do.call(rbind, lapply(split(d, d$g), one)))
result$g <- names(split(d, d$g))
''', d=d)).set_index("g")
    plain = survival.rmst(d, duration="t", event="e", horizon=tau, by="g").table.set_index("g")
    weighted = survival.rmst(d, duration="t", event="e", horizon=tau, by="g", weight="w")
    assert weighted.variance == "robust"
    wt = weighted.table.set_index("g")
    for g in ("a", "b"):
        assert plain.loc[g, "rmst"] == pytest.approx(ref.loc[g, "rmean"], abs=1e-8)
        assert plain.loc[g, "se"] == pytest.approx(ref.loc[g, "se"], abs=1e-8)
        assert wt.loc[g, "rmst"] == pytest.approx(ref.loc[g, "rmean_w"], abs=1e-8)
        assert wt.loc[g, "se"] == pytest.approx(ref.loc[g, "se_w"], abs=1e-8)
        assert wt.loc[g, "se"] > ref.loc[g, "se_w_greenwood"]  # the weights' variability widens it


# -- proportional-hazards test: R survival::cox.zph (survival >= 3.0) ----------------------------------------
ZPH = '''
library(survival)
f <- coxph(FORMULA, data = d, ties = "efron"WEIGHTS)
one <- function(z, kind) data.frame(kind = kind, term = rownames(z$table), chisq = z$table[, "chisq"],
                                    df = z$table[, "df"], p = z$table[, "p"])
result <- rbind(one(cox.zph(f), "terms"), one(cox.zph(f, terms = FALSE), "columns"))
result$coef <- NA
result$coef[seq_along(coef(f))] <- coef(f)
'''


def _zph(formula: str, d: pd.DataFrame, weights: bool = False) -> pd.DataFrame:
    script = ZPH.replace("FORMULA", formula).replace("WEIGHTS", ", weights = w" if weights else "")
    return _numeric(run_r(script, d=d))


def _check_zph(model, ref: pd.DataFrame, columns: dict[str, str]) -> None:
    """Per design column (R terms = FALSE), per covariate (R's default table) and GLOBAL, to 1e-6."""
    ph = model.ph_test
    assert ph.reason is None and ph.transform == "km"
    cols = ref[ref["kind"] == "columns"].set_index("term")
    terms = ref[ref["kind"] == "terms"].set_index("term")
    mine = ph.table.set_index("covariate")
    for ours, theirs in columns.items():
        assert mine.loc[ours, "statistic"] == pytest.approx(cols.loc[theirs, "chisq"], abs=1e-6, rel=1e-6)
        assert mine.loc[ours, "p_value"] == pytest.approx(cols.loc[theirs, "p"], abs=1e-6)
    by_var = ph.variables.set_index("variable")
    for var, row in terms.drop(index="GLOBAL").iterrows():
        assert by_var.loc[var, "statistic"] == pytest.approx(row["chisq"], abs=1e-6, rel=1e-6)
        assert by_var.loc[var, "df"] == row["df"]
        assert by_var.loc[var, "p_value"] == pytest.approx(row["p"], abs=1e-6)
    assert ph.global_statistic == pytest.approx(terms.loc["GLOBAL", "chisq"], abs=1e-6, rel=1e-6)
    assert ph.global_df == terms.loc["GLOBAL", "df"]
    assert ph.global_p_value == pytest.approx(terms.loc["GLOBAL", "p"], abs=1e-6)
    assert ph.violated_variables == [v for v in terms.index if v != "GLOBAL" and terms.loc[v, "p"] < 0.05]


def test_ph_test_equals_r_cox_zph_on_rossi_with_tied_weeks():
    """R ``cox.zph(coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio))``: weekly follow-up,
    many tied event times (Efron)."""
    from lifelines.datasets import load_rossi

    r = load_rossi()
    covs = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
    ref = _zph("Surv(week, arrest) ~ " + " + ".join(covs), r)
    model = survival.cox(r, duration="week", event="arrest", covariates=covs)
    np.testing.assert_allclose(model.table["coef"], ref["coef"].dropna(), atol=1e-6)
    _check_zph(model, ref, {c: c for c in covs})


def _cox_data(seed: int = 5, n: int = 600) -> pd.DataFrame:
    """A three-level segment whose effect fades (non-proportional), a numeric covariate, whole-day ties,
    censoring, respondent weights (CV ≈ 40%) and a two-level stratum."""
    rng = np.random.default_rng(seed)
    seg = rng.choice(["fully connected", "highly satisfied", "other"], n)
    x = rng.normal(size=n)
    region = rng.choice(["north", "south"], n)
    rate = np.exp(0.4 * x + np.select([seg == "fully connected", seg == "highly satisfied"], [-0.7, -0.3], 0.0)
                  + 0.3 * (region == "south"))
    t = rng.weibull(np.where(seg == "fully connected", 0.7, 1.3)) * 300 / rate
    c = rng.uniform(50, 500, n)
    return pd.DataFrame({"t": np.ceil(np.minimum(t, c)), "e": (t <= c).astype(int), "segment": seg, "x": x,
                         "region": region, "w": rng.gamma(1 / 0.16, 0.16, n)})


COLUMNS = {"segment[highly satisfied]": "segmenthighly satisfied", "segment[other]": "segmentother", "x": "x"}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_ph_test_equals_r_cox_zph_with_a_categorical_covariate(weighted):
    """R ``cox.zph(coxph(Surv(t, e) ~ segment + x[, weights = w]))``: the segment's two indicators tested
    jointly (2 df) as in R's default table, and one by one as R's ``terms = FALSE``."""
    d = _cox_data()
    ref = _zph("Surv(t, e) ~ segment + x", d, weights=weighted)
    model = survival.cox(d, duration="t", event="e", covariates=["segment", "x"], weight="w" if weighted else None)
    np.testing.assert_allclose(model.table["coef"], ref["coef"].dropna(), atol=1e-6)
    _check_zph(model, ref, COLUMNS)


def test_ph_test_equals_r_cox_zph_with_strata_and_weights():
    """R ``cox.zph(coxph(Surv(t, e) ~ segment + x + strata(region), weights = w))``."""
    d = _cox_data(seed=6)
    ref = _zph("Surv(t, e) ~ segment + x + strata(region)", d, weights=True)
    model = survival.cox(d, duration="t", event="e", covariates=["segment", "x"], strata=["region"], weight="w")
    np.testing.assert_allclose(model.table["coef"], ref["coef"].dropna(), atol=1e-6)
    _check_zph(model, ref, COLUMNS)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_ph_test_equals_r_cox_zph_on_counting_process_rows(weighted):
    """R ``cox.zph(coxph(Surv(start, stop, event) ~ age + transplant[, weights = w]))`` on the Stanford heart
    transplant episodes (R's ``zph2``, the KM time transform with delayed entry)."""
    from lifelines.datasets import load_stanford_heart_transplants

    h = load_stanford_heart_transplants().assign(
        w=lambda f: np.random.default_rng(2).gamma(1 / 0.16, 0.16, len(f)))
    ref = _zph("Surv(start, stop, event) ~ age + transplant", h, weights=weighted)
    model = survival.cox_time_varying(h, start="start", stop="stop", event="event", id_column="id",
                                      covariates=["age", "transplant"], weight="w" if weighted else None)
    np.testing.assert_allclose(model.table["coef"], ref["coef"].dropna(), atol=1e-6)
    _check_zph(model, ref, {"age": "age", "transplant": "transplant"})


# -- weighted shares, means, NPS: R survey (svydesign(ids = ~1, weights = ~w)) --------------------------------
def _survey_data(seed: int = 11, n: int = 500) -> pd.DataFrame:
    """Answers that go with the weights (the case Kish's effective n gets wrong): weights CV ≈ 40%."""
    rng = np.random.default_rng(seed)
    w = rng.gamma(1 / 0.16, 0.16, n)
    seg = np.where(rng.random(n) < 0.15 + 0.1 * (w > 1), "fully connected",
                   np.where(rng.random(n) < 0.5, "highly satisfied", "other"))
    ltr = np.clip(np.round(rng.normal(6.5 + 1.0 * (w > 1), 2.2, n)), 0, 10)
    return pd.DataFrame({"segment": seg, "ltr": ltr, "w": w, "spend": rng.gamma(2, 100, n) * (0.7 + 0.4 * w),
                         "wave": rng.choice(["pre", "post"], n)})


def test_weighted_shares_equal_r_svyciprop_logit():
    """R ``survey::svyciprop(~I(segment == s), svydesign(ids = ~1, weights = ~w), method = "logit")`` for each
    segment, through ``stats.proportions`` and ``segments.shares``; the unweighted interval stays Wilson."""
    from cxlib import segments, stats

    d = _survey_data()
    ref = _numeric(run_r('''
library(survey)
des <- svydesign(ids = ~1, weights = ~w, data = d)
one <- function(s) { ci <- svyciprop(as.formula(paste0("~I(segment == '", s, "')")), des, method = "logit")
  c(share = unname(coef(ci)), lo = unname(attr(ci, "ci")[1]), hi = unname(attr(ci, "ci")[2])) }
segs <- c("fully connected", "highly satisfied", "other")
result <- as.data.frame(do.call(rbind, lapply(segs, one)))
result$category <- segs
''', d=d)).set_index("category")
    got = stats.proportions(d["segment"], weights=d["w"]).set_index("category")
    shares = segments.shares(d.assign(segment=pd.Categorical(d["segment"], categories=segments.SEGMENTS)),
                             weight="w").table.set_index("segment")
    for s in ref.index:
        assert got.loc[s, "share"] == pytest.approx(ref.loc[s, "share"], abs=1e-12)
        assert (got.loc[s, "ci_low"], got.loc[s, "ci_high"]) == pytest.approx((ref.loc[s, "lo"], ref.loc[s, "hi"]), abs=1e-9)
        assert (shares.loc[s, "ci_low"], shares.loc[s, "ci_high"]) == pytest.approx((ref.loc[s, "lo"], ref.loc[s, "hi"]), abs=1e-9)
    plain = stats.proportions(d["segment"]).set_index("category")
    lo, hi = stats.wilson_interval(plain["share"], plain["n"].sum())
    np.testing.assert_allclose(plain["ci_low"], lo, atol=1e-15)


def test_weighted_mean_and_nps_equal_r_svymean():
    """R ``survey::svymean(~x, svydesign(ids = ~1, weights = ~w))`` (SE) and ``confint``: the weighted mean's
    standard error, and NPS as the mean of ±100 points with ``svyciprop(method = "logit")`` shares."""
    from cxlib import advocacy, stats

    d = _survey_data(seed=12).assign(points=lambda f: 100.0 * ((f["ltr"] >= 9).astype(float) - (f["ltr"] < 7)))
    d["pro"] = (d["ltr"] >= 9).astype(int)
    ref = _numeric(run_r('''
library(survey)
des <- svydesign(ids = ~1, weights = ~w, data = d)
m <- svymean(~spend, des); n <- svymean(~points, des); ci <- confint(n)
p <- svyciprop(~I(pro == 1), des, method = "logit")
result <- list(mean = unname(coef(m)), se = unname(SE(m)), nps = unname(coef(n)), nps_se = unname(SE(n)),
               nps_lo = ci[1], nps_hi = ci[2], pro_lo = attr(p, "ci")[1], pro_hi = attr(p, "ci")[2])
''', d=d)).iloc[0]
    mean, se = stats.weighted_mean_se(d["spend"], d["w"])
    assert (mean, se) == pytest.approx((ref["mean"], ref["se"]), rel=1e-12)
    r = advocacy.nps(d["ltr"], weights=d["w"])
    assert r.estimate.estimate == pytest.approx(ref["nps"], abs=1e-9)
    assert (r.estimate.ci_low, r.estimate.ci_high) == pytest.approx((ref["nps_lo"], ref["nps_hi"]), abs=1e-9)
    t = r.table.set_index("category")
    assert (t.loc["promoters", "ci_low"], t.loc["promoters", "ci_high"]) == pytest.approx(
        (ref["pro_lo"], ref["pro_hi"]), abs=1e-9)


def test_weighted_wave_changes_equal_r_svycontrast_with_waves_as_strata():
    """R ``svycontrast(svyby(~x, ~wave, svydesign(ids = ~1, strata = ~wave, weights = ~w), svymean), ...)``
    (after − before) and its ``confint``: the change in the connected share, the promoter share, NPS and mean spend."""
    from factories import FrameEngagement

    from cxlib import waves

    d = _survey_data(seed=13)
    d["connected"] = (d["segment"] == "fully connected").astype(float)
    d["advocacy"] = (d["ltr"] >= 9).astype(float)
    d["points"] = 100.0 * (d["advocacy"] - (d["ltr"] < 7))
    ref = _numeric(run_r('''
library(survey)
des <- svydesign(ids = ~1, strata = ~wave, weights = ~w, data = d)
one <- function(v) { b <- svyby(as.formula(paste0("~", v)), ~wave, des, svymean)
  k <- svycontrast(b, c(post = 1, pre = -1)); ci <- confint(k)  # svyby orders the waves post, pre
  c(change = unname(coef(k)), lo = ci[1], hi = ci[2]) }
vars <- c("connected", "advocacy", "points", "spend")
result <- as.data.frame(do.call(rbind, lapply(vars, one)))
result$metric <- c("connected", "advocacy", "nps", "value")
''', d=d)).set_index("metric")
    frame = d.assign(segment=pd.Categorical(d["segment"], categories=["fully connected", "highly satisfied", "other"]))
    cfg = {"wave": "wave", "waves": ["pre", "post"], "advocacy": {"column": "ltr"}, "value": ["spend"], "weight": "w"}
    card = waves.compare_waves(FrameEngagement(frame, cfg), metrics=["connected", "advocacy", "nps", "value"]).table.set_index("metric")
    for metric, row in ref.iterrows():
        assert card.loc[metric, "change"] == pytest.approx(row["change"], abs=1e-9)
        assert (card.loc[metric, "ci_low"], card.loc[metric, "ci_high"]) == pytest.approx((row["lo"], row["hi"]), abs=1e-9)
        assert "design-based" in card.loc[metric, "method"]
