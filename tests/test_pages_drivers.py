"""cxlib.pages.drivers (notebook 02): the words on a synthetic engagement. No nan/None/inf, CI and n with every
figure, small groups suppressed, names from the data shown literally, no code or column names, and
results() in the results.json shapes (docs/outputs.md) (complete lists; sentences that cut a list say "and N more")."""
from __future__ import annotations

import dataclasses
import functools
import re

import pandas as pd
import pytest

import cxlib as cx
from cxlib import drivers, report
from cxlib.pages import drivers as page_module

HOSTILE = "<img src=x> *x* <script>alert(1)</script>"
SECTIONS = ("headline", "what_this_shows", "importance_map", "rule", "hidden_table", "overrated_table", "key_table", "rollups",
            "rollup_text", "priorities_table", "ranking_table", "ranking_text", "lowering", "outcomes_table",
            "outcomes_text", "methods")
FORBIDDEN = ("cxlib", "drivers.", "resp_weight", "connection_index", "analytics_consent", "n_boot", "annual_spend",
             "perf_", "imp_", "__fully_connected__", "`", "Notebook 02")


def _rename(eng, old: str, new: str):
    cb = eng.codebook.copy()
    cb.loc[cb["element"] == old, "element"] = new
    return dataclasses.replace(eng, codebook=cb)


@functools.lru_cache(maxsize=None)
def _page(kind: str = "plain"):
    eng, truth = cx.synth.make_engagement("retailer", 900, seed=2)
    if kind == "hostile":
        eng = _rename(eng, truth["hidden_drivers"][0], HOSTILE)
    elif kind == "tiny_cells":
        cfg = {**eng.config, "privacy": {**eng.config["privacy"], "min_cell": 5_000}}
        eng = dataclasses.replace(eng, config=cfg)
    elif kind == "flat":  # every element but one rated the same by everyone
        cols = eng.codebook.loc[eng.codebook["role"] == "element_performance", "column"].tolist()
        eng = dataclasses.replace(eng, survey=eng.survey.assign(**{c: 5.0 for c in cols[1:]}))
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
            out[name] = " ".join(t.get_text() for ax in value.axes for t in
                                 [ax.title, ax._left_title, ax.xaxis.label, ax.yaxis.label, *ax.texts,
                                  *ax.get_yticklabels()])
    return out


@pytest.mark.parametrize("kind", ["plain", "hostile", "tiny_cells", "flat"])
def test_no_nan_none_inf_code_or_column_names_in_any_text(kind):
    page, _, _ = _page(kind)
    for name, text in _texts(page).items():
        assert not re.search(r"\b(nan|NaN|None|inf)\b", text), (kind, name, text[:300])
        for word in FORBIDDEN:
            assert word not in text, (kind, name, word)


def test_every_figure_has_its_ci_and_n():
    page, _, _ = _page()
    head = page.headline()
    assert "95% CI" in head and "n=" in head
    for table in (page.hidden_table(), page.overrated_table(), page.key_table(), page.priorities_table()):
        data = table.data
        assert data["Derived importance, % (95% CI)"].str.contains("95% CI").all()
        assert (data["n"] == f"{page.imp.n:,}").all()
    assert "95% CI" in page.rollup_text() and "n=" in page.rollup_text()
    assert "n=" in page.ranking_text() and "n=" in page.outcomes_text()
    assert re.search(r"\d+–\d+", page.ranking_table().data["Rank, 95% interval"].iloc[0])


def test_stages_read_as_the_codebook_labels_them():
    page, eng, _ = _page()
    stage = page.stages.table["stage"].iloc[0]
    labels = set(eng.codebook["stage"].dropna())
    assert stage in labels and stage[:1].isupper()  # the synthetic codebook writes labels, not codes
    assert f"**{stage}**" in page.headline()  # shown as written
    assert set(page.hidden_table().data["Journey stage"]) <= labels
    # a lower-case code is raised at its first letter only; a written label is never re-cased
    assert page_module.label("discover") == "Discover" and page_module.label("NPS follow-up") == "NPS follow-up"


def test_a_hostile_element_name_is_shown_literally_everywhere():
    page, _, _ = _page("hostile")
    assert HOSTILE in page.imp.hidden_drivers()
    texts = _texts(page)
    assert report.text(HOSTILE) in texts["headline"]
    for name, text in texts.items():
        if name == "importance_map":  # a picture: the name is drawn as the literal text it is
            assert HOSTILE in text
            continue
        assert "<img" not in text and "<script" not in text, name
    assert "&lt;img src=x&gt;" in texts["hidden_table"]
    hidden = page.results()["hidden_drivers"]
    assert HOSTILE in [d["element"] for d in hidden]  # results.json keeps the name itself


def test_small_groups_are_suppressed():
    page, _, _ = _page("tiny_cells")
    fc = page.outcomes.excluded[page_module.FULLY_CONNECTED]
    assert fc.code == "below_min_cell" and "5,000" in page.outcomes_text()
    assert page_module.FULLY_CONNECTED not in page.outcomes_table().data.columns
    assert (page.hidden_table().data["Stated importance"] == "suppressed (n < 5,000)").all()
    assert (page.priorities_table().data["Performance"] == "suppressed (n < 5,000)").all()


def test_the_fully_connected_outcome_is_suppressed_exactly_when_a_group_is_below_min_cell():
    page, eng, _ = _page()
    seg = eng.frame()["segment"].dropna()
    k = int((seg == "fully connected").sum())
    smaller = min(k, len(seg) - k)
    assert smaller >= 30 and page_module.FULLY_CONNECTED not in page.outcomes.excluded
    tiny = dataclasses.replace(eng, config={**eng.config, "privacy": {**eng.config["privacy"], "min_cell": smaller + 1}})
    built = page_module.build(tiny, n_boot=0)
    assert built.outcomes.excluded[page_module.FULLY_CONNECTED].code == "below_min_cell"
    ok = dataclasses.replace(eng, config={**eng.config, "privacy": {**eng.config["privacy"], "min_cell": smaller}})
    assert page_module.FULLY_CONNECTED not in page_module.build(ok, n_boot=0).outcomes.excluded


def test_not_estimable_says_why_in_every_section():
    page, _, _ = _page("flat")
    assert page.imp.reason.code == "too_few_elements"
    texts = _texts(page)
    assert "could not be estimated" in texts["headline"] and "Not estimable" in texts["headline"]
    res = page.results()
    assert {k: res[k] for k in ("hidden_drivers", "overrated", "key_drivers")} == {
        "hidden_drivers": [], "overrated": [], "key_drivers": []}
    assert res["classification"]["possible"] == {"hidden_drivers": [], "overrated": [], "key_drivers": []}


def test_results_have_the_design_shapes_and_complete_lists():
    page, _, _ = _page()
    res = page.results()
    assert set(res) == {"hidden_drivers", "overrated", "key_drivers", "classification"}
    imp = page.imp
    cls = res["classification"]
    assert cls["fdr"] == 0.1 and cls["fdr_method"] == "bh" and cls["n_elements"] == len(imp.names)
    assert "10% false-discovery rate" in cls["rule"]
    for key, quadrant in (("hidden_drivers", "hidden driver"), ("overrated", "overrated"), ("key_drivers", "key driver")):
        assert [d["element"] for d in res[key]] == list(imp.elements(quadrant, "supported"))  # supported only
        assert [d["element"] for d in cls["possible"][key]] == list(imp.possible(quadrant))
        for d in res[key] + cls["possible"][key]:
            assert set(d) == {"element", "stage", "stated", "estimate", "ci_low", "ci_high", "n", "n_effective",
                              "q_value"}
            assert d["ci_low"] <= d["estimate"] <= d["ci_high"] and d["n"] == imp.n
            assert isinstance(d["stated"], float) and isinstance(d["stage"], str)
        assert all(d["q_value"] <= 0.1 for d in res[key]) and all(d["q_value"] > 0.1 for d in cls["possible"][key])
    t = imp.table.set_index("element")
    first = res["hidden_drivers"][0]
    assert first["estimate"] == t.loc[first["element"], "derived"]


def test_a_cut_list_says_how_many_more():
    page, _, _ = _page()
    imp = page.imp
    lists = {q: imp.possible(q) for q in ("hidden driver", "overrated", "key driver")}
    quadrant, members = max(lists.items(), key=lambda kv: len(kv[1]))
    if len(members) > page_module.LIST_LIMIT:
        assert f"and {len(members) - page_module.LIST_LIMIT} more" in page.headline()
    else:  # no list that long here: every name is in the sentence
        assert all(report.text(e) in page.headline() for e in members)
    table = page.quadrant_table(quadrant).data  # tables list every element, supported then possible
    assert table["Element"].tolist() == list(imp.elements(quadrant, "supported") + imp.possible(quadrant))
    assert page_module.names(list("abcdefg")) == "**a**, **b**, **c**, **d**, **e** and 2 more"


def test_the_page_agrees_with_the_analysis_it_words():
    page, eng, _ = _page()
    imp = drivers.importance(eng.frame(), eng.codebook, weight=eng.config["weight"], n_boot=40, seed=0)
    pd.testing.assert_frame_equal(imp.table, page.imp.table)
    top = drivers.rollup(imp).table.iloc[0]
    assert f"{top['derived']:.0f}% (95% CI {top['ci_low']:.0f}%–{top['ci_high']:.0f}%; n={imp.n:,})" in page.headline()
    assert page.priorities_table().data["Element"].tolist() == drivers.priorities(imp, top=10).table["element"].tolist()


def test_supported_and_possible_are_marked_everywhere_and_the_words_are_associations():
    """Issue 17: the tables, the headline and the map tell supported from possible labels; the rule and its
    level are stated; no causal phrasing (tests/wording.py) in any section."""
    from wording import causal_phrases

    page, _, _ = _page()
    imp = page.imp
    assert imp.possible("hidden driver") and imp.hidden_drivers()
    data = page.hidden_table().data
    assert data["Evidence (10% FDR)"].tolist() == (["supported"] * len(imp.hidden_drivers())
                                                   + ["possible"] * len(imp.possible("hidden driver")))
    head = page.headline()
    # the headline says the level in plain words; the rule and the methods name it
    assert f"once the {len(imp.names)} elements compared are allowed for" in head and "possible hidden driver" in head
    assert "one named element in 10 would be a false lead" in head and "false-discovery" not in head
    for e in imp.possible("hidden driver")[:page_module.LIST_LIMIT]:
        assert report.text(e) in head and f"**{report.text(e)}**" not in head  # named, not bold
    assert "10% false-discovery rate (Benjamini–Hochberg)" in page.rule() and "possible" in page.rule()
    assert "10% false-discovery rate" in page.methods() and "every element of the map" in page.methods()
    assert any(q.endswith("(possible)") for q in page.priorities_table().data["Quadrant"]) or not any(
        imp.table.set_index("element").loc[e, "evidence"] == "possible" for e in page.first.table["element"])
    fig = page.importance_map()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("possible" in t for t in legend), legend
    from matplotlib.collections import PathCollection

    hollow = [c for c in fig.axes[0].collections if isinstance(c, PathCollection) and len(c.get_offsets())
              and len(c.get_facecolors()) and (c.get_facecolors()[:, :3] == 1).all()]  # white rings: possible
    assert sum(len(c.get_offsets()) for c in hollow) == (imp.table["evidence"] == "possible").sum()
    for name, text in _texts(page).items():
        assert not causal_phrases(text), (name, causal_phrases(text))


def test_the_executive_summary_names_only_supported_hidden_drivers_and_counts_the_possible_ones():
    """Issue 17: the summary's "Where to act" finding, from this page's results, names exactly the supported
    hidden drivers and overrated elements and says how many more are possible, without naming them."""
    from cxlib.pages import summary

    page, _, _ = _page()
    imp = page.imp
    finding = summary._drivers(report.to_jsonable(page.results()))
    text = finding.sentence
    assert dict(finding.figures)["hidden_drivers"] == list(imp.hidden_drivers())
    assert dict(finding.figures)["overrated"] == list(imp.overrated())
    assert f"{len(imp.possible('hidden driver')):,} more elements are possible hidden drivers" in text
    assert "at most one named element in 10 would be a false lead" in text
    for e in imp.possible("hidden driver") + imp.possible("overrated"):
        assert report.text(e) not in text


def test_what_this_shows_says_association_r2_and_the_labels_level():
    """Report 02's "what this shows and what it does not": associations among respondents, the R² the
    elements explain, shared credit, and the false-discovery level of the labels, in associative words."""
    from wording import causal_phrases

    page, _, _ = _page()
    note = str(page.what_this_shows())
    assert note.startswith("**What this shows and what it does not.**")
    assert f"R² = {report.number(page.imp.r2, '{:.2f}')}" in note and "does not show what improving" in note
    assert f"explain {report.percent(page.imp.r2)} of the differences in emotional connection" in note
    assert "10% false-discovery rate" in note and "one named element in 10" in note
    assert not causal_phrases(note), causal_phrases(note)
