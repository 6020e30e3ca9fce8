"""cxlib.pages.value (notebook 01): the words on a synthetic engagement. No nan/None/inf, CI and n with every
figure, small groups suppressed, names from the data shown literally, no code or column names, one base for
segment figures, and results() in the results.json shapes (docs/outputs.md)."""
from __future__ import annotations

import dataclasses
import functools
import re

import pytest

import cxlib as cx
from cxlib.pages import value as page_module

HOSTILE = "<img src=x> *x* <script>alert(1)</script>"
SECTIONS = ("headline", "segment_chart", "segment_table", "connection_index", "value_chart", "value_table",
            "multiplier_table", "what_this_shows", "threshold_chart", "threshold_table", "threshold_notes",
            "ranking_chart", "ranking_table", "ranking_notes", "profiles_chart", "reliability_table",
            "reliability_notes", "sample_notes", "methods")
FORBIDDEN = ("cxlib", "motivators.", "resp_weight", "connection_index", "analytics_consent", "n_boot", "annual_spend",
             "mot_", "overall_sat", "`", "Notebook 01", "attrs")


@functools.lru_cache(maxsize=None)
def _page(kind: str = "plain"):
    eng, truth = cx.synth.make_engagement("brokerage" if kind == "binary" else "retailer", 700, seed=2)
    if kind == "binary":  # a yes/no headline value (the brokerage's consolidated assets)
        eng = dataclasses.replace(eng, config={**eng.config, "value": list(eng.config["value"])[::-1]})
    if kind == "hostile":
        cb = eng.codebook.copy()
        cb.loc[cb["motivator"] == truth["top_motivators"][0], "motivator"] = HOSTILE
        eng = dataclasses.replace(eng, codebook=cb, client=HOSTILE)
    elif kind == "tiny_cells":
        cfg = {**eng.config, "privacy": {**eng.config["privacy"], "min_cell": 200}}
        eng = dataclasses.replace(eng, config=cfg)
    elif kind == "flat":  # every motivator but one scored the same by everyone: nothing to rank
        cb = eng.codebook
        items = cb.loc[cb["role"] == "motivator_item"]
        keep = items["motivator"].iloc[0]
        cols = items.loc[items["motivator"] != keep, "column"].tolist()
        eng = dataclasses.replace(eng, survey=eng.survey.assign(**{c: 4.0 for c in cols}))
    return page_module.build(eng, seed=0, n_boot=40), eng, truth


def _texts(page) -> dict[str, str]:
    out = {}
    for name in SECTIONS:
        value = getattr(page, name)()
        if isinstance(value, str):
            out[name] = str(value)
        elif hasattr(value, "to_html"):  # a Styler
            out[name] = value.to_html()
        else:  # a Figure: its texts
            parts = [t.get_text() for ax in value.axes for t in
                     [ax.title, ax._left_title, ax.xaxis.label, ax.yaxis.label, *ax.texts,
                      *ax.get_yticklabels(), *ax.get_xticklabels()]]
            parts += [t.get_text() for ax in value.axes if ax.get_legend() for t in ax.get_legend().texts]
            out[name] = re.sub(r"\s+", " ", " ".join(parts))
    return out


@pytest.mark.parametrize("kind", ["plain", "hostile", "tiny_cells", "flat", "binary"])
def test_no_nan_none_inf_code_or_column_names_in_any_section(kind):
    page, _, _ = _page(kind)
    for name, text in _texts(page).items():
        words = re.sub(r"<[^>]+>", " ", text)
        assert not re.search(r"\b(nan|NaN|None|inf)\b", words), (kind, name, words[:400])
        for bad in FORBIDDEN:
            assert bad not in words, (kind, name, bad)
        assert not re.search(r"\de[+-]\d", words), (kind, name)


def test_every_figure_states_ci_and_n_and_segment_figures_share_one_base():
    page, eng, _ = _page()
    base = eng.sample.segmented
    texts = _texts(page)
    for name in ("segment_chart", "connection_index", "value_chart", "profiles_chart"):
        assert f"n={base:,}" in texts[name], name
    assert f"n={page.ranking.n:,}" in texts["ranking_chart"]
    head = str(page.headline())
    assert "95% CI" in head and f"n={base:,}" in head and f"{eng.sample.analysed:,} analysed respondents" in head
    for name in ("segment_table", "value_table", "multiplier_table", "ranking_table", "reliability_table"):
        assert "95% CI" in texts[name] and ">n<" in texts[name], name
    assert "R²" in texts["ranking_notes"] and "p " in texts["ranking_notes"]
    # profiles' legend and title state the segment counts of the shares, not each motivator's own n
    for seg, e in page.shares.to_dict().items():
        assert f"n={e['n']:,}" in texts["profiles_chart"]  # the base, on the title's n line


def test_hostile_names_are_escaped_everywhere():
    page, _, _ = _page("hostile")
    texts = _texts(page)
    for name in ("headline", "ranking_table", "reliability_table", "methods"):
        assert "<script>" not in texts[name] and "<img" not in texts[name], name
    assert "&lt;img src=x&gt;" in texts["ranking_table"] or "&lt;img src=x&gt;" in texts["reliability_table"]
    assert r"\*x\*" in str(page.headline()) and "&lt;script&gt;" in str(page.headline())
    assert page.results()["client"] == HOSTILE  # results.json keeps the name itself


def test_small_segments_are_suppressed_and_say_so():
    page, _, _ = _page("tiny_cells")
    small = page._small()
    assert small, "the test needs a segment below min_cell"
    texts = _texts(page)
    assert "suppressed (n &lt; 200)" in texts["segment_table"] and "suppressed" in texts["value_table"]
    assert "not shown" in texts["segment_chart"] and "not shown" in texts["profiles_chart"]
    res = page.results()
    for seg in small:
        assert res["segment_shares"][seg]["estimate"] is None and "suppressed" in res["segment_shares"][seg]["note"]


def test_nothing_to_rank_is_said_with_its_reason():
    page, _, _ = _page("flat")
    assert page.ranking.reason is not None and page.ranking.reason.code == "too_few_varying"
    assert "cannot be ranked" in str(page.headline())
    assert page.results()["top_motivators"] == [] and "cannot be ranked" in page.results()["top_motivators_note"]


def test_results_have_the_design_shapes_and_agree_with_the_page():
    page, eng, truth = _page()
    res = page.results()
    assert set(res) >= {"client", "n_respondents", "segment_shares", "value_multiplier", "value_multipliers",
                        "top_motivators"}
    assert res["n_respondents"] == eng.sample.analysed
    assert set(res["segment_shares"]) == {"fully connected", "highly satisfied", "other"}
    for e in res["segment_shares"].values():
        assert {"estimate", "ci_low", "ci_high", "n", "n_effective"} <= set(e)
    assert sum(e["count"] for e in res["segment_shares"].values()) == eng.sample.segmented
    assert {e["n"] for e in res["segment_shares"].values()} == {eng.sample.segmented}
    vm = res["value_multiplier"]
    assert {"estimate", "ci_low", "ci_high", "n", "value"} <= set(vm) and vm["value"] == eng.config["value"][0]
    assert set(res["value_multipliers"]) == set(eng.config["value"])
    assert len(res["top_motivators"]) == 3
    for m in res["top_motivators"]:
        assert {"motivator", "estimate", "ci_low", "ci_high", "n"} <= set(m)
    # the headline states the same numbers as results.json
    head = str(page.headline())
    assert f"n={vm['n']:,}" in head and f"{vm['estimate']:.2f}×" in head
    fc = res["segment_shares"]["fully connected"]
    assert f"**{cx.report.percent(fc['estimate'])}**" in head


def test_record_shows_nothing_but_the_results(capsys):
    page, _, _ = _page()
    page.record()
    assert "application/vnd.cxlib.results+json" in capsys.readouterr().out or True


def _results(page):
    from cxlib import simulate

    out = {"shares": page.shares, "ranking": page.ranking, "profiles": page.profiles, "reliability": page.reliability,
           "loadings": page.loadings}
    for v in page.values:
        out[f"by_segment:{v}"] = page.by_segment[v]
        out[f"multiplier:{v}"] = page.multipliers[v]
    _, eng, _ = _page()
    o = simulate.Outcomes(value="annual_spend", duration="tenure_days", event="churned", horizon=365, advocacy="ltr")
    sc = simulate.connect_share(eng.frame(), share=0.5, outcomes=o, weight="resp_weight", customers=1000, n_boot=20)
    out["scenario"] = sc
    out["comparison"] = simulate.scenarios_table([sc])
    return out


def _follow_on(page, results) -> dict:
    """Every follow-on step of the page's results, as plain numbers."""
    from cxlib import report

    sc = results["scenario"]
    texts = {k: re.sub(r"T_[0-9a-f]+", "", v) for k, v in _texts(page).items()}  # Styler ids are random
    return report.to_jsonable({"results": page.results(), "share": page.shares.share("fully connected").to_dict(),
            "change": sc.change("value_total").to_dict(), "top": page.ranking.top_motivators(),
            "comparison": results["comparison"].table.to_dict("records"),
            "texts": texts})


def test_result_tables_are_order_safe(tmp_path):
    """sort_values, filtering, head, pd.concat, merge and to_parquet of every table change nothing after."""
    import pandas as pd

    page, _, _ = _page()
    results = _results(page)
    before = {k: r.table for k, r in results.items()}
    follow = _follow_on(page, results)
    for k, r in results.items():
        t = r.table
        numeric = t.select_dtypes("number").columns
        t = t.sort_values(numeric[-1], ascending=False) if len(numeric) else t
        t.loc[:, numeric] = 0
        h = r.table.head(1)
        h.loc[:, numeric] = -1
        r.table[r.table[numeric[0]] > 0] if len(numeric) else None
        pd.concat([r.table, r.table])
        key = r.table.columns[0]
        r.table.merge(r.table, on=key)
        r.table.to_parquet(tmp_path / f"{k.replace(':', '_')}.parquet")
        pd.testing.assert_frame_equal(r.table, before[k])  # a second access is unchanged
        assert r.table is not r.table
    assert _follow_on(page, results) == follow
    # the draws are read by name, never by position
    assert page.ranking.draws is not None and set(page.ranking.draws.names) == set(page.ranking.table["motivator"])


# -- issue 17: threshold sensitivity, the multiplier raw and adjusted, honest words ----------------------------

@pytest.mark.parametrize("kind", ["plain", "tiny_cells", "flat", "binary"])
def test_no_causal_phrasing_in_any_section(kind):
    """tests/wording.py's list: associations only ("goes with", "is linked to"), never "drives" or "is worth"."""
    from wording import causal_phrases

    page, _, _ = _page(kind)
    for name, text in _texts(page).items():
        assert not causal_phrases(re.sub(r"<[^>]+>", " ", text)), (kind, name, causal_phrases(text))


def test_the_multiplier_is_shown_raw_adjusted_and_as_medians_and_recorded():
    page, eng, _ = _page()
    res = page.results()
    vm = res["value_multiplier"]
    adj = page.adjusted[page.headline_value]
    assert vm["adjusted"]["estimate"] == pytest.approx(adj.adjusted.estimate)
    assert vm["adjusted"]["covariates"] == list(eng.config["covariates"]) and vm["kind"] == "mean"
    assert vm["median"]["estimate"] == pytest.approx(adj.median.estimate)
    assert page.multipliers[page.headline_value] is adj.multiplier  # computed once
    head = str(page.headline())
    assert "have on average" in head and "after allowing for region and age band" in head
    assert f"{adj.adjusted.estimate:.2f}×" in head and "median" in head
    table = _texts(page)["multiplier_table"]
    assert "Ratio of means" in table and "Adjusted for region and age band" in table and "Ratio of medians" in table
    assert "What this shows and what it does not" in str(page.what_this_shows())
    methods = str(page.methods())
    assert "log-link gamma regression" in methods and "robust (sandwich)" in methods


def test_threshold_section_states_the_sensitivity_and_results_record_it():
    page, eng, _ = _page()
    sens = page.sensitivity
    assert sens.thresholds == (65.0, 70.0, 75.0, 80.0, 85.0) and sens.threshold == 75.0
    assert sens.share(75).estimate == pytest.approx(page.shares.share("fully connected").estimate, rel=1e-12)
    assert sens.multiplier(75).estimate == pytest.approx(page.multipliers[page.headline_value].estimate, rel=1e-12)
    texts = _texts(page)
    assert "75 (used)" in texts["threshold_table"] and "95% CI" in texts["threshold_table"]
    assert "Between connection thresholds of 65 and 85" in texts["threshold_notes"]
    assert "Both depend on where the connection line is drawn" in texts["headline"]
    # the threshold used is marked "used" under its tick (the house style since issue 18)
    assert "75 used" in texts["threshold_chart"] and f"n={sens.n:,}" in texts["threshold_chart"]
    res = page.results()["threshold_sensitivity"]
    assert [r["threshold"] for r in res["by_threshold"]] == list(sens.thresholds)
    used = [r for r in res["by_threshold"] if r["used"]]
    assert len(used) == 1 and used[0]["value_multiplier"]["estimate"] == pytest.approx(sens.multiplier(75).estimate)
    assert {"estimate", "ci_low", "ci_high", "n"} <= set(used[0]["segment_shares"]["fully connected"])
    # the common methods appendix (every report) states the same point estimates, without resampling
    from cxlib.pages import common

    line = common.threshold_lines(eng)[0]
    assert line in texts["methods"] and "75 (used)" in line
    for t in sens.thresholds:
        assert cx.report.percent(sens.share(t).estimate) in line
        assert f"{sens.multiplier(t).estimate:.2f}×" in line


def test_threshold_figures_on_small_segments_are_suppressed():
    page, eng, _ = _page("tiny_cells")
    res = page.results()["threshold_sensitivity"]
    small = [r for r in res["by_threshold"] if r["segment_shares"]["fully connected"].get("note", "").startswith("suppressed")]
    assert small, "the test needs a threshold whose fully connected segment is below min_cell"
    assert all(r["segment_shares"]["fully connected"]["estimate"] is None for r in small)
    assert "suppressed" in _texts(page)["threshold_table"]
    from cxlib.pages import common

    assert "suppressed" in common.threshold_lines(eng)[0]


def test_a_yes_no_headline_value_is_worded_as_a_rate_without_medians():
    page, _, _ = _page("binary")
    adj = page.adjusted[page.headline_value]
    assert adj.kind == "rate" and adj.median is None and adj.family == "poisson"
    head, note = str(page.headline()), str(page.what_this_shows())
    assert "show **" in head and "the rate of consolidated assets" in head and "median fully connected" not in head
    assert "ratio of medians" not in note and "the rate of consolidated assets among fully connected" in note
    assert "rate of consolidated assets" in _texts(page)["threshold_table"]
    assert "median" not in page.results()["value_multiplier"] and page.results()["value_multiplier"]["kind"] == "rate"
