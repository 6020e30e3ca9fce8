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
from cxlib import survival
from cxlib.pages import attrition as page_module

HOSTILE = "<img src=x> *x* <script>alert(1)</script>"
SECTIONS = ["headline", "curves", "attrition_table", "logrank", "days_kept_table", "days_kept", "hazard_ratios",
            "ph_check", "recency_table", "recency", "later_contacts", "waves", "methods"]


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
        if isinstance(value, matplotlib.figure.Figure):
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
    assert set(r) == {"attrition", "hazard_ratio"}
    assert set(r["attrition"]) == {"fully connected", "highly satisfied", "other"}
    for e in r["attrition"].values():
        assert {"estimate", "ci_low", "ci_high", "n", "horizon"} <= set(e) and "n_effective" in e
    hr = r["hazard_ratio"]
    assert {"estimate", "ci_low", "ci_high", "n", "contrast"} <= set(hr)
    assert hr["contrast"] == "fully connected vs highly satisfied"
    assert hr["ci_low"] < hr["estimate"] < hr["ci_high"]


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
    notes = [t.get_text() for t in fig.texts]
    assert any(n.startswith("Compared with: segment highly satisfied") for n in notes), notes
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Segment: fully connected" in labels and not any("[" in lab for lab in labels)
