"""cxlib.pages.summary: the executive summary words the analyses' own figures, with CI and n, safely."""
from __future__ import annotations

import re

import pytest

import cxlib as cx
from cxlib import report
from cxlib.pages import attrition, drivers, programme, summary, value

NOT_A_NUMBER = re.compile(r"(?<![\w.])(?:nan|NaN|-?inf|Infinity|None)(?![\w.])")


def _merged(eng, seed=0):
    merged = {"client": eng.client}
    for page in (value.build(eng, seed=seed, n_boot=60), drivers.build(eng, seed=seed, n_boot=60),
                 attrition.build(eng, seed=seed), programme.build(eng, seed=seed, n_boot=60)):
        merged.update(report.to_jsonable(page.results()))
    return merged


@pytest.fixture(scope="module")
def built():
    eng, truth = cx.synth.make_engagement("retailer", 600, seed=5)
    return eng, summary.build(eng, results=_merged(eng), n_boot=40)


def _texts(page):
    return [str(page.headline()), str(page.assumptions()), str(page.methods()), str(page.value_at_stake_intro())]


def test_every_finding_states_its_interval_and_n_and_no_nan(built):
    _, page = built
    assert 4 <= len(page.findings) <= 6
    for finding in page.findings:
        text = finding.markdown()
        if "not estimable" not in text and "not compared" not in text:
            assert "n=" in text and ("95% CI" in text or finding.lead == "Where to act."), text
    for text in _texts(page):
        assert not NOT_A_NUMBER.search(text), text
        assert "resp_weight" not in text and "analytics_consent" not in text and "cxlib" not in text


def test_the_summary_states_the_analyses_figures_exactly(built):
    eng, page = built
    fc = page.figures["segment_shares"]["fully connected"]
    assert f"{report.percent(fc['estimate'])} of customers are fully connected" in page.headline()
    assert f"n={fc['n']:,}" in page.headline() and fc["n"] == eng.sample.segmented
    assert "a highly satisfied one in annual spend." in page.headline()
    res = page.results()["executive_summary"]
    assert res["claims"] == len(page.findings) and res["figures"]["segment_shares.fully connected"] == fc["estimate"]
    assert set(res["value_at_stake"]) == {name for name, _ in page.scenarios}


def test_cut_lists_say_how_many_more():
    figures = {"hidden_drivers": [{"element": f"e{i}"} for i in range(7)], "overrated": []}
    finding = summary._drivers(figures)
    assert "and 3 more" in finding.sentence and "none" in finding.sentence


def test_names_from_the_data_are_text_not_markup():
    eng, _ = cx.synth.make_engagement("retailer", 600, seed=2)
    hostile = "<img src=x> *x* <script>alert(1)</script>"
    figures = {"client": hostile, "hidden_drivers": [{"element": hostile}], "overrated": [],
               "top_motivators": [{"motivator": hostile, "estimate": 40.0, "ci_low": 30.0, "ci_high": 50.0, "n": 500}]}
    page = summary.SummaryPage(client=hostile, figures=figures,
                               findings=tuple(f for f in (summary._drivers(figures), summary._motivators(figures)) if f),
                               scenarios=(), scenario_base=600, value_label="Annual spend", value_unit="",
                               methods_common="", n_boot=2, seed=0, min_cell=30)
    text = str(page.headline())
    assert "<img" not in text and "<script>" not in text and "&lt;img src=x&gt;" in text and "\\*x\\*" in text


def test_a_horizon_past_follow_up_leaves_attrition_out_of_the_scenarios_and_says_why():
    eng, _ = cx.synth.make_engagement("retailer", 800, seed=3)
    cfg = {**eng.config, "attrition": {**eng.config["attrition"], "horizon": 5000}}
    eng5000 = cx.from_frames(cfg, eng.survey, eng.customers, eng.codebook, eng.contacts, slug="long-horizon")
    page = summary.build(eng5000, results={"client": eng.client}, n_boot=20)
    assert "no customer was followed for 5,000 days" in page.assumptions()
    assert all("customers_kept" not in set(res.table["outcome"]) for _, res in page.scenarios)


def test_a_missing_results_file_is_a_clear_error(tmp_path):
    eng, _ = cx.synth.make_engagement("retailer", 300, seed=1)
    with pytest.raises(cx.ArgumentError, match="results file") as err:
        summary.build(eng, results=tmp_path / "none.json", n_boot=20)
    assert err.value.argument == "results"
