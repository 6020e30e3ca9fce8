"""cxlib.pages.attrition (notebook 03's words) on small synthetic engagements: no nan/None/inf, CI and n stated,
small segments suppressed, names from the data escaped, each missing input its own true sentence, and
results() in the results.json shapes (docs/outputs.md)."""
from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

import cxlib as cx
from cxlib import plots, survival
from cxlib.pages import attrition as page_module

HOSTILE = "<img src=x> *x* <script>alert(1)</script>"
SECTIONS = ["headline", "what_it_shows", "curves", "attrition_table", "logrank", "days_kept_table", "days_kept",
            "hazard_ratio_table", "hazard_ratios", "ph_check", "recency_table", "recency", "later_contacts", "waves",
            "methods"]


@pytest.fixture(scope="module")
def base():
    eng, _ = cx.synth.make_engagement("retailer", 700, seed=11)
    return eng


def _variant(eng, *, config=None, **changes):
    cfg = dict(eng.config)
    for key, value in (config or {}).items():
        cfg[key] = value
    return dataclasses.replace(eng, config=cfg, **changes)


def _texts(page) -> list[str]:
    """Every text a reviewer reads: Markdown sections and table cells (figures are checked separately)."""
    import matplotlib.figure

    out = []
    for name in SECTIONS:
        value = getattr(page, name)()
        if isinstance(value, (matplotlib.figure.Figure, plots.Chart)):  # a chart: its texts
            for ax in value.axes:
                out += [t.get_text() for t in ax.texts] + [ax.get_title(loc="left"), ax.get_title()]
                out += [t.get_text() for t in ax.get_yticklabels()]
        elif hasattr(value, "to_html"):
            out.append(value.to_html())
        else:
            out.append(str(value))
    return out


def _clean(texts):
    for t in texts:
        assert not re.search(r"\bnan\b|\binf\b|\bNone\b|NaN", t), t
        for code in ("segment[", "age_band", "tenure_days", "churned", "attrition.start", "resp_weight", "cxlib"):
            assert code not in t, (code, t)
        assert not re.search(r"\d(\.\d+)?e-\d", t), t


@pytest.fixture(scope="module")
def page(base):
    return page_module.build(base)


def test_every_section_reads_cleanly_with_ci_and_n(page):
    texts = _texts(page)
    _clean(texts)
    head = page.headline()
    assert "95% CI" in head and "n=" in head and "of every 1,000" in head
    assert "p = " in page.logrank() or "p < 0.001" in page.logrank()
    assert "95% CI" in page.days_kept() and "n=" in page.days_kept()


def test_results_have_todays_keys_and_shapes(page):
    r = page.results()
    assert set(r) == {"attrition", "hazard_ratio", "hazard_ratio_unadjusted", "hazard_ratio_with_experience", "ph_holds",
                      "ph_p_value", "days_kept"}
    assert set(r["attrition"]) == {"fully connected", "highly satisfied", "other"}
    for e in r["attrition"].values():
        assert {"estimate", "ci_low", "ci_high", "n", "horizon"} <= set(e) and "n_effective" in e
    hr = r["hazard_ratio"]
    assert {"estimate", "ci_low", "ci_high", "n", "contrast"} <= set(hr)
    assert hr["contrast"] == "fully connected vs highly satisfied"
    assert hr["ci_low"] < hr["estimate"] < hr["ci_high"]
    assert hr["adjusted_for"] == ["region", "age_band"] and r["hazard_ratio_unadjusted"]["adjusted_for"] == []
    assert "mediator" in r["hazard_ratio_with_experience"]["note"]
    assert r["ph_holds"] in (True, False) and 0 <= r["ph_p_value"] <= 1
    assert {"estimate", "ci_low", "ci_high", "n", "horizon", "contrast"} <= set(r["days_kept"])


def test_figures_agree_with_the_survival_functions(base, page):
    cfg = base.config
    f = base.frame().dropna(subset=["segment"])
    att = survival.attrition(f, duration="tenure_days", event="churned", horizon=365, by="segment",
                             weight=cfg.get("weight"))
    fc = att.estimate("fully connected")
    assert page.results()["attrition"]["fully connected"]["estimate"] == pytest.approx(fc.estimate)
    assert page.results()["attrition"]["fully connected"]["n"] == fc.n
    # by wave: every analysed respondent, the computation notebook 04 uses
    by_wave = survival.attrition(base.frame(), duration="tenure_days", event="churned", horizon=365, by="wave",
                                 weight=cfg.get("weight"))
    assert page.wave_attrition.estimate("post").estimate == pytest.approx(by_wave.estimate("post").estimate)
    assert page.wave_attrition.estimate("post").n == by_wave.estimate("post").n
    kept = survival.customers_kept(att, a="fully connected", b="highly satisfied")
    assert f"{kept.estimate:,.0f} more of every 1,000" in page.headline()


def test_horizon_past_follow_up_reads_not_estimable_with_its_reason(base):
    eng = _variant(base, config={"attrition": {**base.config["attrition"], "horizon": 5000}})
    page = page_module.build(eng)
    _clean(_texts(page))
    head = page.headline()
    assert "not estimable" in head and "no customer was followed for 5,000 days" in head
    assert "nan%" not in head
    r = page.results()["attrition"]["fully connected"]
    assert r["estimate"] is None and r["reason"] == "horizon_past_follow_up" and "5,000 days" in r["note"]
    assert "no customer was followed for 5,000 days" in page.days_kept()


def test_start_dates_without_contacts_say_contacts_are_missing(base):
    customers = base.customers.assign(survey_date=pd.Timestamp("2025-03-01"))
    eng = _variant(base, customers=customers, contacts=None,
                   config={"attrition": {**base.config["attrition"], "start": "survey_date"}, "contacts": None})
    page = page_module.build(eng)
    text = page.later_contacts()
    assert "start dates are given" in text and "no contact-point data" in text
    assert "not given" not in text
    assert "no contact-point data" in page.recency()
    _clean(_texts(page))


def test_contacts_without_start_dates_say_start_dates_are_missing(page):
    assert "Follow-up start dates are not given" in page.later_contacts()


def test_no_churn_says_so_and_records_the_reason(base):
    customers = base.customers.assign(churned=0)
    page = page_module.build(_variant(base, customers=customers))
    _clean(_texts(page))
    assert "No customer left" in page.headline()
    hr = page.results()["hazard_ratio"]
    assert hr["estimate"] is None and "no customer left" in hr["note"]


def test_small_segments_are_suppressed_everywhere(base):
    eng = _variant(base, config={"connection": {**base.config["connection"], "threshold": 97}})
    page = page_module.build(eng)
    small = page.sizes["fully connected"]
    assert small < page.min_cell
    head = page.headline()
    assert "Attrition is not compared between segments" in head and "fully connected customers are too few" in head
    table = page.attrition_table().data
    assert table.loc[table["Segment"] == "Fully connected"].iloc[0, 1].startswith("suppressed")
    assert page.results()["attrition"]["fully connected"]["estimate"] is None
    assert page.results()["hazard_ratio"]["estimate"] is None
    assert "fully connected" not in page.logrank()
    _clean(_texts(page))


def test_hostile_names_are_escaped(base):
    customers = base.customers.assign(region=np.where(base.customers.index % 2, HOSTILE, "North"))
    eng = _variant(base, client=HOSTILE, customers=customers)
    page = page_module.build(eng)
    head = page.headline()
    assert "<img" not in head and "<script>" not in head and "&lt;img src=x&gt;" in head
    assert "\\*x\\*" in head
    ph = page.ph_check()
    assert "<img" not in ph and "<script>" not in ph
    for name in ("attrition_table", "days_kept_table", "waves"):
        html = getattr(page, name)().to_html()
        assert "<img" not in html and "<script>" not in html


def test_contacts_after_the_start_of_follow_up_enter_as_a_time_varying_score(base):
    start = pd.to_datetime(base.contacts["timestamp"]).quantile(0.7)
    eng = _variant(base, customers=base.customers.assign(fu_start=start),
                   config={"attrition": {**base.config["attrition"], "start": "fu_start"}})
    page = page_module.build(eng)
    text = page.later_contacts()
    assert "later contacts split follow-up into" in text and "95% CI" in text
    assert page.time_varying.rows > page.time_varying.n and page.n_later > 0
    e = page.time_varying.hazard_ratio("experience")
    assert e.ci_low < e.estimate < e.ci_high
    _clean(_texts(page))


def test_the_forest_plot_names_the_reference_levels_in_words(page):
    fig = page.hazard_ratios()
    notes = [t.get_text() for t in fig.figure.texts]
    assert any(n.startswith("Compared with: segment highly satisfied") for n in notes), notes
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Segment: fully connected" in labels and not any("[" in lab for lab in labels)


# -- issue 17: honest hazard ratios, no mediator in the headline, proportional hazards, no look-ahead ----------
def test_headline_model_has_no_mediator_and_is_shown_adjusted_and_unadjusted(base, page):
    """The headline hazard ratio is the Cox model of the segment and the engagement's covariates (no contact
    experience), fitted here directly; the unadjusted one is the segment alone; the experience model is separate."""
    f = base.frame().dropna(subset=["segment"])
    common = dict(duration="tenure_days", event="churned", weight=base.config.get("weight"),
                  reference={"segment": "highly satisfied"})
    adjusted = survival.cox(f, covariates=["segment", "region", "age_band"], **common)
    alone = survival.cox(f, covariates=["segment"], **common)
    r = page.results()
    assert r["hazard_ratio"]["estimate"] == pytest.approx(adjusted.hazard_ratio("segment", "fully connected").estimate)
    assert r["hazard_ratio_unadjusted"]["estimate"] == pytest.approx(alone.hazard_ratio("segment", "fully connected").estimate)
    assert "experience" not in page.model.covariates and "experience" in page.with_experience.covariates
    assert r["hazard_ratio_with_experience"]["estimate"] != pytest.approx(r["hazard_ratio"]["estimate"])
    table = page.hazard_ratio_table().data
    assert table["Model"].str.contains("likely mediator").any() and table["Model"].str.contains("headline").any()


def test_hazard_ratio_is_worded_as_a_rate(page):
    assert page.ph_holds is True  # the synthetic retailer's hazards are proportional (planted)
    head = page.headline()
    # the headline says the rate in words and gives the ratio without the method's name (the tables name it)
    hr = page.hazard_ratio()
    assert "leave at about" in head and f"highly satisfied ones (**{hr.estimate:.2f}** times their rate of leaving" in head
    assert "Without that allowance the ratio is" in head and "hazard ratio" not in head.lower()
    assert "Hazard ratio, fully connected vs highly satisfied (95% CI)" in page.hazard_ratio_table().data.columns
    assert page_module.rate_words(0.54) == "about half the rate of"
    for t in _texts(page):
        assert "as likely" not in t and "at any moment" not in t and "times as likely" not in t, t


def _non_proportional(base):
    """The synthetic retailer with fully connected customers who leave faster than highly satisfied ones in
    their first 60 days and far more slowly afterwards (crossing hazards: the segment breaks proportional
    hazards); everyone else at a constant rate."""
    f = base.frame()
    fc = set(f.loc[f["segment"] == "fully connected", "customer_id"])
    rng = np.random.default_rng(5)
    is_fc = base.pseudonyms(base.customers["customer_id"]).isin(fc).to_numpy()
    n = len(base.customers)
    early, late = rng.exponential(1 / 0.004, n), 60 + rng.exponential(1 / 0.0002, n)
    t = np.where(is_fc, np.where(early < 60, early, late), rng.exponential(1 / 0.0012, n))
    follow = 700
    customers = base.customers.assign(tenure_days=np.floor(np.minimum(t, follow)).astype(int) + 1,
                                      churned=(t <= follow).astype(int))
    return _variant(base, customers=customers)


def test_segment_breaking_proportional_hazards_leads_with_attrition_and_days_kept(base):
    from cxlib.pages import summary

    page = page_module.build(_non_proportional(base))
    holds, p = page.segment_ph
    assert holds is False and p < 0.01
    head = page.headline()
    assert "days kept" in head and "no single ratio describes it" in head
    assert "Averaged over follow-up" in head and "rate of highly satisfied ones" not in head
    assert "hazard" not in head.lower() and "restricted mean" not in head and "p = " not in head
    assert "not the same throughout follow-up" in page.ph_check()
    # the time-varying effect: a hazard ratio before and after the median day of leaving (planted: far higher early than late)
    early, late = (page.by_period.hazard_ratio(f"fully connected {k}") for k in ("early", "late"))
    assert early.estimate > 3 * late.estimate and late.ci_high < 1 and page.period_cut > 0
    assert f"Split at day {page.period_cut:,.0f} (the median day of leaving)" in page.ph_check()
    print(f"\nplanted crossing hazards: PH p = {p:.2g}; HR before day {page.period_cut:.0f} {early.estimate:.2f}, "
          f"after {late.estimate:.2f}")
    r = page.results()
    assert r["ph_holds"] is False and r["days_kept"]["estimate"] is not None
    finding = summary._attrition(r).markdown()
    assert "days kept" in finding and "no single hazard ratio" in finding
    assert "hazard ratio 0" not in finding and "at any moment" not in finding
    _clean(_texts(page))


@pytest.mark.parametrize("folder", ["data/demo-retailer", "data/demo-brokerage"])
def test_demo_pages_and_summary_use_no_causal_wording(folder):
    """tests/wording.py over every text of the attrition page and the summary's attrition finding, both demos."""
    from pathlib import Path

    from wording import causal_phrases

    from cxlib.pages import summary

    root = Path(__file__).resolve().parents[1]
    page = page_module.build(cx.load_engagement(root / folder))
    texts = _texts(page) + [summary._attrition(page.results()).markdown()]
    found = [hit for t in texts for hit in causal_phrases(t)]
    assert not found, found
    for t in texts:
        assert "at any moment" not in t and "as likely" not in t
    _clean(_texts(page))


def test_later_contacts_change_no_baseline_figure_of_the_page():
    """With follow-up start dates, contacts after the survey whose ratings depend on the later churn change
    neither the headline nor the experience model's hazard ratios nor the half-life comparison: only the
    time-varying model sees them."""
    from test_contacts import engagement_with_later_contacts

    without, with_later = engagement_with_later_contacts(n=900, seed=8)
    a, b = page_module.build(without), page_module.build(with_later)
    assert a.start_source == b.start_source == "follow-up start"
    for m in ("model", "unadjusted", "with_experience"):
        pd.testing.assert_frame_equal(getattr(a, m).table, getattr(b, m).table, rtol=1e-10)
    pd.testing.assert_frame_equal(a.half_lives.table, b.half_lives.table, rtol=1e-10)
    assert a.headline() == b.headline()
    assert b.n_later > a.n_later and b.time_varying is not None
    assert "each customer's follow-up start" in b.methods()


def test_the_response_date_is_the_follow_up_start_when_no_start_is_given(base):
    """Without attrition.start, the response date (respondents.date) dates the baseline experience score, read
    from the frame or, when the codebook keeps it out of the frame (role ignore), from the survey."""
    from cxlib import contacts as cxc

    spec = cx.synth.SPECS["retailer"]
    dates = base.survey["wave"].map(dict(zip(spec.waves, spec.survey_dates)))
    survey = base.survey.assign(RecordedDate=dates.to_numpy())
    respondents = {"drop": [], "duplicates": "error", "date": "RecordedDate"}
    f = base.frame().dropna(subset=["segment"])
    when = pd.Series(pd.to_datetime(base.survey["wave"].map(dict(zip(spec.waves, spec.survey_dates)))).to_numpy(),
                     index=base.pseudonyms(base.survey["customer_id"]).to_numpy())
    expected = survival.cox(f.join(cxc.contact_experience(base.contact_frame(), f, id_column="customer_id",
                                                          origin=when)),
                            duration="tenure_days", event="churned", weight=base.config.get("weight"),
                            covariates=["segment", "region", "age_band", "experience"],
                            reference={"segment": "highly satisfied"}).hazard_ratio("experience").estimate
    codebook = pd.concat([base.codebook, pd.DataFrame([{"column": "RecordedDate", "role": "ignore"}])],
                         ignore_index=True)
    for changes in ({"survey": survey}, {"survey": survey, "codebook": codebook}):
        eng = _variant(base, config={"respondents": respondents}, **changes)
        assert ("RecordedDate" in eng.frame().columns) == ("codebook" not in changes)
        page = page_module.build(eng)
        assert page.start_source == "response date" and page.start_given
        assert page.with_experience.hazard_ratio("experience").estimate == pytest.approx(expected, rel=1e-10)
        assert "each customer's response date" in page.methods()
