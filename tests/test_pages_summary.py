"""cxlib.pages.summary: the executive summary words the analyses' own figures, with CI and n, safely."""
from __future__ import annotations

import re

import pytest

import cxlib as cx
from cxlib import report
from cxlib.pages import attrition, drivers, programme, summary, tracker, value

NOT_A_NUMBER = re.compile(r"(?<![\w.])(?:nan|NaN|-?inf|Infinity|None)(?![\w.])")


def _merged(eng, seed=0):
    merged = {"client": eng.client}
    for page in (value.build(eng, seed=seed, n_boot=60), drivers.build(eng, seed=seed, n_boot=60),
                 attrition.build(eng, seed=seed), programme.build(eng, seed=seed, n_boot=60),
                 tracker.build(eng, seed=seed, n_boot=0)):  # `waves` is the tracker's (notebook 05)
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


# -- issue 17: the customer base, shares within what is observed, the wave check, honest words --------------------

def _dated(eng, left=40):
    """The synthetic retailer with attrition built from dates, plus ``left`` customers who never responded
    and had closed their account before the survey (so are not in the customer base at the survey date)."""
    import copy

    import pandas as pd

    from cxlib.schema import _as_written  # noqa: PLC2701 - the written form of a normalised config, for a variant

    cfg = _as_written(copy.deepcopy(eng.config))
    sv = eng.survey.copy()
    sv["response_date"] = sv["wave"].map({"pre": "2024-03-10", "post": "2025-03-10"})
    cb = pd.concat([eng.codebook, pd.DataFrame([{"column": "response_date", "role": "ignore"}])], ignore_index=True)
    cu = eng.customers.copy()
    start = pd.to_datetime(cu["customer_id"].map(dict(zip(sv["customer_id"], sv["response_date"]))))
    cu["closed_date"] = (start + pd.to_timedelta(cu["tenure_days"], unit="D")).dt.strftime("%Y-%m-%d").where(
        cu["churned"] == 1)
    cu = cu.drop(columns=["tenure_days", "churned"])
    extra = cu.iloc[:left].copy()
    extra["customer_id"] = [f"GONE{i}" for i in range(left)]
    extra["closed_date"] = "2023-12-31"
    cu = pd.concat([cu, extra], ignore_index=True)
    cfg["respondents"] = {"date": "response_date"}
    cfg["attrition"] = {"end": "closed_date", "observed_until": "2026-06-30", "horizon": 365}
    return cx.from_frames(cfg, sv.astype(object), cu.astype(object), cb, slug="dated")


def test_value_at_stake_is_for_the_customers_at_the_survey_date_not_the_file_rows():
    eng, _ = cx.synth.make_engagement("retailer", 800, seed=4)
    dated = _dated(eng, left=40)
    assert len(dated.customers) == len(eng.customers) + 40
    page = summary.build(dated, results={"client": eng.client}, n_boot=20)
    assert page.scenario_base == len(dated.customer_base()) == len(eng.customers)
    assert page.scenarios
    for _, res in page.scenarios:
        t = res.table.set_index("outcome")
        assert res.customers == page.scenario_base
        assert t.loc["value_total", "change"] == pytest.approx(t.loc["value_per_customer", "change"] * page.scenario_base)
    assert f"for the {page.scenario_base:,} customers who were still customers at the survey date" in page.value_at_stake_intro()
    assert page.results()["executive_summary"]["value_at_stake_base"]["customers"] == page.scenario_base


def test_no_scenario_offers_a_share_beyond_what_the_data_show(built):
    eng, page = built
    ceiling = page.rises.ceiling
    assert 0 < ceiling < 1
    shares = [float(res.name.split("%")[0]) / 100 for name, res in page.scenarios if "highly satisfied" in res.name]
    assert shares and max(shares) <= ceiling + 0.005
    assert not any("100%" in name for name, _ in page.scenarios)
    # shares asked for beyond the ceiling are capped, and the page says so
    capped = summary.build(eng, results=_merged(eng), n_boot=20, scenario_shares=(0.05, 1.0))
    names = [name for name, _ in capped.scenarios if "highly satisfied" in name]
    assert len(names) == 2 and names[0].startswith("5%") and names[1].startswith(report.percent(ceiling))
    assert any("are not offered" in note for note in capped.scenario_notes)
    assert "Scenarios offer at most" in capped.assumptions()


def test_the_scenarios_assumption_is_checked_against_the_waves(built):
    _, page = built
    check = page.wave_check
    assert check is not None and check.verdict() in ("consistent", "lower", "higher")
    text = str(page.assumption_check())
    assert "as the scenarios assume" in text and "95% CI" in text and "n=" in text
    saved = page.results()["executive_summary"]["value_at_stake_wave_check"]
    assert set(saved) >= {"before", "after", "verdict", "connected_change", "predicted_value_change",
                          "observed_value_change", "difference"}
    assert saved["difference"]["estimate"] == pytest.approx(check.get("difference").estimate)


def _page_texts(page):
    texts = [str(page.answer()), str(page.evidence()), str(page.headline()), str(page.value_at_stake_intro()), str(page.assumptions()),
             str(page.assumption_check()), str(page.limits()), str(page.methods())]
    for table in (page.value_at_stake_table(), page.programme_table()):
        texts.append(table.to_html() if hasattr(table, "to_html") else str(table))
    return texts


def _assert_honest(texts, where):
    from wording import causal_phrases

    for text in texts:
        assert not causal_phrases(text), (where, causal_phrases(text))
        assert not NOT_A_NUMBER.search(text), (where, text)
        for phrase in ("worth money", "are real", "100% of"):
            assert phrase not in text, (where, phrase)


def test_the_summary_words_associations_as_associations(built):
    _, page = built
    _assert_honest(_page_texts(page), "synthetic")
    limits = str(page.limits())
    assert "It does not show" in limits and "hypothetical" in limits and "not why" in limits


@pytest.mark.slow
def test_the_summary_of_both_demos_words_associations_as_associations(slow):
    """Page 00 of both demos, every sentence checked with tests/wording.py (slow: computes every analysis)."""
    for slug in (("demo-retailer", "demo-brokerage") if slow else ("demo-retailer",)):
        eng = cx.load_engagement(f"data/{slug}")
        page = summary.build(eng, results=_merged(eng), n_boot=40 if slow else 20)
        _assert_honest(_page_texts(page), slug)
        assert page.scenario_base == len(eng.customer_base())


# -- the answer first (#18) -------------------------------------------------------------------------------

def test_actions_are_ranked_by_value_priced_by_their_scenarios_and_recorded(built):
    _, page = built
    actions = page.actions
    assert 1 <= len(actions) <= summary.MAX_ACTIONS
    values = [a.value["estimate"] for a in actions]
    assert values == sorted(values, reverse=True) and all(a.value["ci_low"] > 0 for a in actions)
    table = dict(page.scenarios)
    for a in actions:
        assert a.scenario in table and a.evidence and a.brief  # priced by a scenario of the table, with evidence
        e = table[a.scenario].change("value_total")
        assert (e.estimate, e.ci_low, e.ci_high) == (a.value["estimate"], a.value["ci_low"], a.value["ci_high"])
    recorded = page.results()["executive_summary"]["actions"]
    assert [r["rank"] for r in recorded] == list(range(1, len(actions) + 1))
    assert [r["value_at_stake"]["estimate"] for r in recorded] == values
    answer = str(page.answer())
    for a in actions:  # each action's value and interval are stated as recorded
        assert f"{summary.amount(a.value['estimate'])}" in answer
        assert f"95% CI {summary.amount(a.value['ci_low'])} to {summary.amount(a.value['ci_high'])}" in answer
    assert answer.count("*Evidence:*") == len(actions)


class _FakeScenario:
    """Just what the ranking reads of a simulate.Scenario: the value_total change and its draws."""

    def __init__(self, draws, estimate):
        import numpy as np

        from cxlib.results import Draws

        self.draws = Draws(np.asarray(draws, float)[:, None], ["value_total"])
        self._e = cx.results.Estimate(estimate, float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975)), n=100)
        self.outcomes = ["value_total"]

    def change(self, outcome):
        return self._e


def _candidate(kind, name, draws, estimate):
    return summary._Candidate(kind, name, "brief", ("evidence",), name, (kind, name), _FakeScenario(draws, estimate), "x")


def test_ranking_keeps_only_actions_clearly_above_zero_and_always_the_best_segment():
    import numpy as np

    rng = np.random.default_rng(0)
    cands = [_candidate("element", f"e{i}", rng.normal(100 - i, 5, 400), 100 - i) for i in range(4)]
    cands.append(_candidate("segment", "other", rng.normal(50, 5, 400), 50))
    cands.append(_candidate("element", "unclear", rng.normal(500, 600, 400), 500))  # interval reaches zero
    actions = summary._rank(cands)
    assert [a.scenario for a in actions] == ["e0", "e1", "other"]  # the best segment action replaces the third
    cands[-2] = _candidate("segment", "other", rng.normal(-50, 5, 400), -50)
    assert [a.scenario for a in summary._rank(cands)] == ["e0", "e1", "e2"]  # a segment below zero is not pushed


def test_the_lead_over_the_next_action_is_the_paired_bootstrap_difference():
    import numpy as np

    rng = np.random.default_rng(1)
    common = rng.normal(0, 30, 1000)  # shared resamples: the two scenarios move together
    a = _candidate("element", "a", 100 + common + rng.normal(0, 1, 1000), 100)
    b = _candidate("element", "b", 95 + common + rng.normal(0, 1, 1000), 95)
    first = summary._rank([a, b])[0]
    diff = a.result.draws["value_total"] - b.result.draws["value_total"]
    assert first.versus_next["estimate"] == pytest.approx(5)
    assert first.versus_next["ci_low"] == pytest.approx(np.quantile(diff, 0.025), abs=1e-9)
    assert first.versus_next["ci_low"] > 0  # paired: clearly apart, though the two intervals overlap
    assert a.result.change("value_total").ci_low < b.result.change("value_total").ci_high


def test_amounts_are_three_significant_figures_for_display_only(built):
    _, page = built
    assert summary.amount(499736.51) == "+500,000" and summary.amount(-0.01234) == "−0.0123"
    recorded = page.results()["executive_summary"]["actions"][0]["value_at_stake"]["estimate"]
    assert recorded == page.actions[0].value["estimate"]  # unrounded in results.json


def test_the_summary_speaks_plain_words(built):
    """No statistical term in the answer or the findings that the reader is not given in words; every share of
    explained variance with its R² (tests/wording.py); the glossary section explains every term the summary uses."""
    from wording import jargon, shares_without_r2

    _, page = built
    for text in (str(page.answer()), str(page.headline())):
        assert jargon(text, headline=True) == [], jargon(text, headline=True)
        assert shares_without_r2(text) == []
    for text in _page_texts(page):
        assert jargon(text) == [] and "significant" not in text.lower()
    glossary = str(page.glossary())
    assert page.terms() and all(cx.glossary.term(t).heading in glossary for t in page.terms())
