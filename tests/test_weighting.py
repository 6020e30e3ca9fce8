"""cxlib.weighting and the customer base it weights to (`Engagement.customer_base`): raking against R
`survey::rake`, trimming, convergence, the frame's weight column, and a planted response propensity."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import cxlib as cx
from cxlib.engagement import from_frames
from cxlib.schema import _as_written  # noqa: PLC2701 - the written form of a normalised config, for a variant


# -- the customer base -------------------------------------------------------------------------------------

def _dated(eng):
    """The synthetic retailer with attrition built from dates, plus four customers who never responded:
    X1 (pre) closed a day before the pre wave's median response date, X2 (pre) a day after it, X3 (post)
    before the post wave's, X4 (post) still a customer."""
    cfg = _as_written(copy.deepcopy(eng.config))
    sv = eng.survey.copy()
    sv["response_date"] = sv["wave"].map({"pre": "2024-03-10", "post": "2025-03-10"})
    sv.loc[sv.index[:10], "response_date"] = "2024-03-01"  # the pre wave's median stays 10 March
    cb = pd.concat([eng.codebook, pd.DataFrame([{"column": "response_date", "role": "ignore"}])], ignore_index=True)
    cu = eng.customers.drop(columns=["tenure_days", "churned"]).copy()
    cu["closed_date"] = None
    first = sv["customer_id"].iloc[0]  # a respondent who answered on 1 March and closed on 5 March: in the base
    cu.loc[cu["customer_id"] == first, "closed_date"] = "2024-03-05"
    extra = cu.iloc[:4].copy()
    extra["customer_id"] = ["X1", "X2", "X3", "X4"]
    extra["wave"] = ["pre", "pre", "post", "post"]
    extra["closed_date"] = ["2024-03-09", "2024-03-11", "2025-03-01", None]
    cu = pd.concat([cu, extra], ignore_index=True)
    cfg["respondents"] = {"date": "response_date"}
    cfg["attrition"] = {"end": "closed_date", "observed_until": "2026-06-30", "horizon": 365}
    return from_frames(cfg, sv.astype(object), cu.astype(object), cb, slug="dated")


@pytest.fixture(scope="module")
def retailer():
    return cx.synth.make_engagement("retailer", 400, seed=3)[0]


def test_customer_base_without_dates_is_the_whole_file(retailer):
    base = retailer.customer_base()
    assert len(base) == len(retailer.customers)
    assert list(base.columns) == [retailer.id_column] + retailer.analysed_customer_columns()
    # Pseudonyms as in frame(): the respondents of the frame are customers of the base.
    assert set(retailer.frame()[retailer.id_column]) <= set(base[retailer.id_column])
    consenting = retailer.customer_base(consenting=True)
    assert len(consenting) == int(retailer.customers["analytics_consent"].sum())
    assert consenting["analytics_consent"].all()


def test_customer_base_from_dates_leaves_out_who_had_left_by_the_survey(retailer):
    eng = _dated(retailer)
    ids = eng.customers["customer_id"]
    base = set(eng.customer_base()[eng.id_column])
    expect_out = {"X1", "X3"}  # closed before their wave's median response date
    expected = {p for i, p in zip(ids, eng.pseudonyms(ids)) if i not in expect_out}
    assert base == expected
    assert len(eng.customer_base()) == len(eng.customers) - 2


# -- raking against R survey -------------------------------------------------------------------------------

from cxlib.errors import ArgumentError, DataError  # noqa: E402
from cxlib.weighting import rake  # noqa: E402

_R_RAKE = """
library(survey)
des <- svydesign(ids = ~1, weights = ~w0, data = d)
vars <- c("region", "age", "tenure")
pm <- lapply(vars, function(v) { m <- margins[margins$var == v, c("level", "Freq")]; names(m)[1] <- v; m })
sm <- lapply(vars, function(v) as.formula(paste("~", v)))
ctl <- list(maxit = 1000, epsilon = 1e-11)
des <- rake(des, sm, pm, control = ctl)
rounds <- 0
if (trim > 0) repeat {
  w <- weights(des); cap <- trim * mean(w)
  if (max(w) <= cap * (1 + 1e-6)) break
  des <- trimWeights(des, upper = cap)
  des <- rake(des, sm, pm, control = ctl)
  rounds <- rounds + 1
}
result <- data.frame(w = weights(des), rounds = rounds)
"""


def _skewed(seed=1, n=1500):
    rng = np.random.default_rng(seed)
    sample = pd.DataFrame({"region": rng.choice(list("NSEW"), n, p=[.4, .3, .2, .1]),
                           "age": rng.choice(["18-34", "35-54", "55+"], n, p=[.5, .3, .2]),
                           "tenure": rng.choice(["t1", "t2", "t3", "t4", "t5"], n, p=[.3, .25, .2, .15, .1])})
    sample["w0"] = rng.uniform(0.5, 2.0, n)
    N = 20_000
    base = pd.DataFrame({"region": rng.choice(list("NSEW"), N, p=[.25, .25, .25, .25]),
                         "age": rng.choice(["18-34", "35-54", "55+"], N, p=[.3, .4, .3]),
                         "tenure": rng.choice(["t1", "t2", "t3", "t4", "t5"], N)})
    return sample, base


def _margins(base):
    return pd.concat([base[c].value_counts().rename_axis("level").reset_index(name="Freq").assign(var=c)
                      for c in ("region", "age", "tenure")])


@pytest.mark.parametrize("trim", [None, 4.0])
def test_raking_weights_equal_r_survey_rake(trim):
    from rlang import run_r

    sample, base = _skewed()
    ours = rake(sample, base, columns=["region", "age", "tenure"], weight="w0", trim=trim)
    r = run_r(_R_RAKE.replace("trim > 0", f"{trim or 0} > 0").replace("trim *", f"{trim or 0} *"),
              d=sample, margins=_margins(base))
    w_r = r["w"].to_numpy(float)
    w_r = w_r / w_r.mean()  # R's weights sum to the base's size, ours have mean 1
    assert ours.converged
    assert np.abs(ours.weights.to_numpy() - w_r).max() < 1e-6
    if trim:
        assert int(r["rounds"].iloc[0]) > 0 and ours.trimmed > 0  # the cap bit: a test that can fail
        assert ours.weights.max() <= trim * (1 + 1e-5)
    else:
        assert ours.trimmed == 0 and ours.weights.max() > 4.0
    t = ours.table
    assert np.abs(t["weighted_share"] - t["population_share"]).max() < 1e-9
    assert ours.design_effect == pytest.approx(1 + ours.weights.var(ddof=0) / ours.weights.mean() ** 2)
    assert ours.n_effective == pytest.approx(len(sample) / ours.design_effect)


def test_raked_mean_interval_equals_r_svymean_on_a_raked_design():
    from rlang import run_r

    sample, base = _skewed(seed=2, n=800)
    rng = np.random.default_rng(5)
    sample["y"] = (rng.random(len(sample)) < np.where(sample["age"] == "55+", 0.5, 0.2)).astype(float)
    ours = rake(sample, base, columns=["region", "age", "tenure"], weight="w0")
    est = ours.estimate(sample["y"])
    r = run_r(_R_RAKE.replace("trim > 0", "0 > 0").replace(
        "result <- data.frame(w = weights(des), rounds = rounds)",
        "m <- svymean(~y, des); result <- data.frame(mean = coef(m)[[1]], se = SE(m)[[1]])"),
        d=sample, margins=_margins(base))
    se = (est.ci_high - est.ci_low) / 2 / 1.959963984540054
    assert est.estimate == pytest.approx(float(r["mean"].iloc[0]), abs=1e-9)
    assert se == pytest.approx(float(r["se"].iloc[0]), rel=1e-6)
    assert est.n == len(sample) and est.n_effective == pytest.approx(ours.n_effective)
    # Ignoring the raking (the weights taken as fixed) gives a different interval: the check can fail.
    w = ours.weights.to_numpy()
    fixed = np.sqrt(len(w) / (len(w) - 1) * np.sum((w * (sample["y"] - est.estimate) / w.sum()) ** 2))
    assert abs(se - fixed) / fixed > 0.01


def test_a_base_category_without_respondents_is_a_data_error_naming_it():
    sample, base = _skewed(n=300)
    with pytest.raises(DataError, match=r"column 'region': category 'W' has [\d,]+ customers in the customer base but "
                                        r"no respondent"):
        rake(sample[sample["region"] != "W"], base, columns=["region"])
    with pytest.raises(DataError, match="category 'X' has 1 respondent but no customer"):
        rake(pd.concat([sample, sample.iloc[:1].assign(region="X")]), base, columns=["region"])
    with pytest.raises(DataError, match="'age' has no values in the customer base"):
        rake(sample, base.assign(age=None), columns=["age"])


def test_arguments_are_checked():
    sample, base = _skewed(n=200)
    with pytest.raises(ArgumentError, match="trim .* must be above 1"):
        rake(sample, base, columns=["region"], trim=1)
    with pytest.raises(ArgumentError, match="'regoin' is not a column of the respondents; did you mean 'region'"):
        rake(sample, base, columns=["regoin"])
    with pytest.raises(ArgumentError, match="design weight 'w0' must be positive"):
        rake(sample.assign(w0=-1.0), base, columns=["region"], weight="w0")


def test_a_cap_that_cannot_be_met_is_a_reason_not_a_crash():
    # One respondent in 'W' must stand for a quarter of the base: no cap of 2x the mean can hold it.
    sample, base = _skewed(n=400)
    sample = pd.concat([sample[sample["region"] != "W"], sample[sample["region"] == "W"].iloc[:1]])
    w = rake(sample, base, columns=["region"], trim=2, max_trim_rounds=20)
    assert not w.converged and w.reason.code == "not_converged" and "did not settle" in w.reason.sentence
    assert "do not match the customer base exactly" in w.headline()
    assert w.to_dict()["converged"] is False


def test_numeric_columns_are_banded_into_quantile_bands_of_the_base():
    rng = np.random.default_rng(3)
    base = pd.DataFrame({"tenure_years": rng.uniform(0, 20, 5000).round(2)})
    sample = pd.DataFrame({"tenure_years": (20 * rng.beta(1, 2, 400)).round(2)})  # respondents: newer customers
    w = rake(sample, base, columns=["tenure_years"])
    t = w.table
    assert len(t) == 5 and t["population_share"].round(2).tolist() == [0.2] * 5
    assert list(w.band_edges) == ["tenure_years"] and len(w.band_edges["tenure_years"]) == 6
    assert t["sample_share"].iloc[0] > 0.3 and np.abs(t["weighted_share"] - t["population_share"]).max() < 1e-9
    assert sorted(w.to_dict()) == sorted(["margins", "design_weight", "trim", "trimmed", "iterations",
                                          "max_margin_error", "converged", "design_effect", "n", "n_effective",
                                          "population", "band_edges", "by", "table"])


def test_weights_are_a_copy_and_the_result_plots():
    sample, base = _skewed(n=300)
    w = rake(sample, base, columns=["region", "age"])
    series = w.weights
    series.iloc[:] = 0
    assert w.weights.min() > 0 and w.weights.index.equals(sample.index)
    ax = w.plot()
    assert ax.get_xlabel() == "Share" and "n=300" in " ".join(ax.get_title(loc=loc) for loc in ("left", "center"))
    from wording import causal_phrases

    assert not causal_phrases(w.headline())


# -- the engagement's weighting: key ----------------------------------------------------------------------

from cxlib.schema import validate_config  # noqa: E402


def _with_weighting(eng, weighting):
    cfg = _as_written(copy.deepcopy(eng.config))
    cfg["weighting"] = weighting
    return cfg


def test_weighting_key_gives_the_frame_a_weight_column_that_every_analysis_reads(retailer):
    cfg = _with_weighting(retailer, {"rake": ["region", "age_band"], "trim": 5})
    eng = from_frames(cfg, retailer.survey, retailer.customers, retailer.codebook, retailer.contacts, slug="w")
    assert eng.config["weight"] == "cx_weight"
    assert eng.config["weighting"] == {"rake": ["region", "age_band"], "trim": 5.0, "design_weight": "resp_weight"}
    frame = eng.frame()
    assert "cx_weight" in frame and "resp_weight" in frame
    assert eng.weighting.weights.tolist() == frame["cx_weight"].tolist()
    # Two waves: each wave's respondents are raked to the base at that wave (here the same customers).
    assert eng.weighting.by == "wave" and eng.weighting.n == len(frame)
    assert eng.weighting.population == 2 * len(eng.customer_base(consenting=True))
    assert eng.weighting.weights.groupby(frame["wave"]).sum().round(6).to_dict() == \
        frame["wave"].value_counts().astype(float).to_dict()
    # The normalised config round-trips: validated again, and as from_frames' input.
    again = from_frames(eng.config, eng.survey, eng.customers, eng.codebook, eng.contacts, slug="w")
    assert again.config == eng.config and validate_config(eng.config) == validate_config(cfg)
    assert retailer.weighting is None and retailer.config["weight"] == "resp_weight"
    # Without given weights the raking starts from 1 and the written form has no weight.
    cfg2 = _with_weighting(retailer, {"rake": "region"})
    cfg2.pop("weight")
    eng2 = from_frames(cfg2, retailer.survey.drop(columns="resp_weight"), retailer.customers, retailer.codebook,
                       slug="w")
    assert eng2.config["weighting"]["design_weight"] is None and "weight" not in _as_written(copy.deepcopy(eng2.config))


@pytest.mark.parametrize("weighting, message", [
    ({"rake": ["region"], "trimm": 5}, r"unknown entries trimm \(did you mean 'trim'\?\)"),
    ({"rake": ["region"], "trim": 1}, r"weighting.trim .* must be a number above 1"),
    ({"rake": []}, r"weighting.rake must list the customers columns"),
    ({"rake": ["region", "region"]}, r"lists a column twice"),
    ("region", r"key 'weighting' must be a mapping"),
])
def test_weighting_key_is_validated(retailer, weighting, message):
    with pytest.raises(DataError, match=message):
        validate_config(_with_weighting(retailer, weighting))


def test_weighting_columns_must_be_customers_columns_and_categories_must_have_respondents(retailer):
    cfg = _with_weighting(retailer, {"rake": ["regon"]})
    with pytest.raises(DataError, match=r"column 'regon' is missing \(named by weighting.rake in engagement.yaml\) "
                                        r"\(did you mean 'region'\?\)"):
        from_frames(cfg, retailer.survey, retailer.customers, retailer.codebook, slug="w")
    customers = retailer.customers.copy()
    gone = ~customers["customer_id"].isin(retailer.survey["customer_id"])
    customers = pd.concat([customers, customers.iloc[:3].assign(customer_id=["Z1", "Z2", "Z3"], region="Islands")])
    with pytest.raises(DataError, match=r"customers.csv: column 'region': category 'Islands' has 3 customers in the "
                                        r"customer base in wave 'post' but no respondent"):
        from_frames(_with_weighting(retailer, {"rake": ["region"]}), retailer.survey, customers, retailer.codebook,
                    slug="w")
    assert not gone.any()


# -- a planted response propensity: raking recovers the customer base's share --------------------------------

def _connected_shares(seed):
    """The planted share of fully connected customers, and the raked and unweighted estimates with intervals."""
    from cxlib.stats import wilson_interval

    eng, truth = cx.synth.make_engagement("retailer", 4000, seed=seed, response=0.3)
    frame = eng.frame()
    connected = (frame["segment"] == "fully connected").astype(float).where(frame["segment"].notna())
    raked = eng.weighting.estimate(connected)
    plain = connected.dropna()
    lo, hi = wilson_interval(plain.mean(), len(plain))
    return truth["response"]["population_connected"], raked, (float(plain.mean()), float(lo), float(hi)), eng


@pytest.mark.slow
def test_raking_recovers_the_planted_share_of_fully_connected_customers(slow):
    """Respondents over-represent connected customers (response follows tenure, age and region, tenure follows
    connection). Measured over 20 seeds: the raked interval held the planted share in 20 of 20, the
    unweighted one in 0 of 20 (the unweighted share is about 9 points too high)."""
    seeds = range(20) if slow else range(3)
    raked_hits = plain_hits = 0
    for seed in seeds:
        truth, raked, (share, lo, hi), eng = _connected_shares(seed)
        raked_hits += raked.ci_low <= truth <= raked.ci_high
        plain_hits += lo <= truth <= hi
        assert share > truth + 0.04  # the planted propensity does over-represent the connected
        assert eng.weighting.converged and eng.weighting.design_effect > 1.1
    assert raked_hits >= 0.9 * len(seeds)
    assert plain_hits <= 0.2 * len(seeds)


def test_the_response_option_keeps_the_whole_customer_base_and_leaves_the_default_alone():
    eng, truth = cx.synth.make_engagement("retailer", 600, seed=2, response=0.4)
    plain, _ = cx.synth.make_engagement("retailer", 600, seed=2)
    assert len(eng.customers) == 600 and len(eng.survey) == truth["response"]["responded"] < 600
    assert "tenure_band" in eng.customers and "tenure_band" not in plain.customers
    assert "resp_weight" not in eng.survey and plain.config["weight"] == "resp_weight"
    assert eng.config["weighting"]["rake"] == ["region", "age_band", "tenure_band"] and plain.weighting is None
    assert len(plain.survey) == len(plain.customers) == 600
    with pytest.raises(ValueError, match="response must be a response rate between 0 and 1"):
        cx.synth.make_engagement("retailer", 600, seed=2, response=1.5)


# -- the methods appendix's weighting lines ----------------------------------------------------------------

def test_weighting_lines_state_the_raking_and_unweighted_against_weighted_figures():
    from cxlib.pages.common import weighting_lines
    from wording import causal_phrases

    truth, raked, (share, lo, hi), eng = _connected_shares(0)
    lines = weighting_lines(eng)
    text = "\n".join(lines)
    assert len(lines) == 3 and not causal_phrases(text)
    assert "region, age band and tenure band, each wave's respondents to the customers at that wave" in text
    assert f"{len(eng.customer_base(consenting=True)):,} consenting customers" in text
    assert f"Design effect {eng.weighting.design_effect:.2f}" in text and "capped at 5× the mean" in text
    assert f"fully connected: {share:.0%}" in text and f"{raked.estimate:.0%} (95% CI {raked.ci_low:.0%}–" in text
    assert "Before weighting" in lines[1] and "tenure band" in lines[1]
    for bad in ("nan", "inf", "None"):
        assert bad not in text
    # Without weighting: counted as they came, and how far from the base on the covariates.
    cfg = _as_written(copy.deepcopy(eng.config))
    cfg.pop("weighting")
    plain = from_frames(cfg, eng.survey, eng.customers, eng.codebook, slug="p")
    (line,) = weighting_lines(plain)
    assert line.startswith("- **Weighting.** Respondents are counted as they came, not weighted to the customer base. "
                           "On region and age band their shares are within")
    demo, _ = cx.synth.make_engagement("brokerage", 300, seed=0)
    assert "no wider customer base to compare them with" in weighting_lines(demo)[0]


def test_the_methods_weights_line_names_the_raking():
    from cxlib.report import methods_common

    _, _, _, eng = _connected_shares(1)
    (line,) = [x for x in methods_common(eng).splitlines() if x.startswith("- **Weights.**")]
    assert "raking weights that match the respondents to the customer base on region, age band and tenure band" in line


def test_the_pages_weight_by_the_raking_weights():
    from cxlib import pages
    import cxlib.pages.value  # noqa: F401

    _, raked, _, eng = _connected_shares(2)
    shares = pages.value.build(eng, n_boot=20).results()["segment_shares"]["fully connected"]
    assert shares["estimate"] == pytest.approx(raked.estimate, abs=1e-12)
    assert shares["n_effective"] < shares["n"]
    assert "raked to the customer base on region, age_band, tenure_band" in eng._repr_html_()


def test_weighting_lines_never_name_a_category_below_min_cell():
    from cxlib.pages.common import weighting_lines

    _, _, _, eng = _connected_shares(0)
    t = eng.weighting.table
    cfg = _as_written(copy.deepcopy(eng.config))
    cfg["privacy"]["min_cell"] = int(t["n"].max()) + 1  # no category is large enough to be named
    strict = from_frames(cfg, eng.survey, eng.customers, eng.codebook, slug="s")
    lines = weighting_lines(strict)
    assert len(lines) == 2 and not any("Before weighting" in x for x in lines)
    for category in t["category"]:
        assert f" {category} is " not in "\n".join(lines)


def test_without_a_wave_in_the_customers_file_non_respondents_are_dated_at_the_median_response(retailer):
    eng = _dated(retailer)
    cfg = _as_written(copy.deepcopy(eng.config))
    sv = eng.survey.astype(object)
    sv["response_date"] = sv["wave"].map({"pre": "2024-03-10", "post": "2025-03-10"})
    cu = eng.customers.drop(columns=["wave", "cx_followup_start", "cx_days_observed", "cx_left"])
    no_wave = from_frames(cfg, sv, cu.astype(object), eng.codebook, slug="nw")
    # The respondent who closed on 5 March 2024 now answered on 10 March: preparation drops the response, so
    # they are dated like every non-respondent, at the median response date of all responses.
    assert len(no_wave.survey) == len(sv) - 1
    median = pd.to_datetime(no_wave.survey["response_date"]).median()
    closed = pd.to_datetime(cu["closed_date"])
    expected = set(no_wave.pseudonyms(cu.loc[(closed < median).to_numpy(), "customer_id"]))
    base = set(no_wave.customer_base()[no_wave.id_column])
    assert expected and base == set(no_wave.pseudonyms(cu["customer_id"])) - expected


def test_raking_within_groups_equals_r_rake_on_group_by_margin_tables():
    from rlang import run_r

    sample, base = _skewed(seed=4, n=1200)
    rng = np.random.default_rng(9)
    sample["wave"] = rng.choice(["w1", "w2"], len(sample), p=[0.6, 0.4])
    # Wave 2's base is older; each wave's respondents are raked to their own wave's base.
    b1 = base.assign(wave="w1")
    b2 = base.assign(wave="w2", age=rng.choice(["18-34", "35-54", "55+"], len(base), p=[.2, .4, .4]))
    stacked = pd.concat([b1, b2], ignore_index=True)
    ours = rake(sample, stacked, columns=["region", "age"], weight="w0", by="wave")
    margins = pd.concat([stacked.groupby(["wave", c]).size().rename("Freq").reset_index().rename(columns={c: "level"})
                         .assign(var=c) for c in ("region", "age")])
    # R: per wave, the base's counts scaled to the wave's share of respondents (each wave keeps its share).
    share = sample["wave"].value_counts(normalize=True)
    margins["Freq"] = margins["Freq"] / margins["wave"].map(stacked["wave"].value_counts()) * margins["wave"].map(share)
    r = run_r("""
library(survey)
des <- svydesign(ids = ~1, weights = ~w0, data = d)
pm <- lapply(c("region", "age"), function(v) { m <- margins[margins$var == v, c("wave", "level", "Freq")];
                                               names(m)[2] <- v; m })
des <- rake(des, list(~wave + region, ~wave + age), pm, control = list(maxit = 1000, epsilon = 1e-11))
result <- data.frame(w = weights(des))
""", d=sample, margins=margins)
    w_r = r["w"].to_numpy(float)
    assert np.abs(ours.weights.to_numpy() - w_r / w_r.mean()).max() < 1e-6
    t = ours.table
    assert list(t.columns[:3]) == ["wave", "column", "category"]
    assert np.abs(t["weighted_share"] - t["population_share"]).max() < 1e-9
    w = ours.weights
    assert w.groupby(sample["wave"]).sum().round(6).to_dict() == (sample["wave"].value_counts() * 1.0).to_dict()
    old = t[(t["wave"] == "w2") & (t["category"] == "55+")]
    assert float(old["population_share"].iloc[0]) == pytest.approx(0.4, abs=0.02)
