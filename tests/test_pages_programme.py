"""cxlib.pages.programme (notebook 04): the words on synthetic engagements — no nan/None/inf, CI and n given,
small groups suppressed, names from the data escaped, one true sentence per missing input, results.json shapes."""
from __future__ import annotations

import dataclasses
import functools
import re

import pandas as pd
import pytest

import cxlib as cx
from cxlib import report
from cxlib.pages import programme

HOSTILE = "<img src=x> *x* <script>alert(1)</script>"
FORBIDDEN = ("resp_weight", "analytics_consent", "ltr", "tenure_days", "churned", "annual_spend", "cxlib",
             "Notebook 04", "segment[", "needs two waves")


@functools.lru_cache(maxsize=1)
def _eng():
    eng, _ = cx.synth.make_engagement("retailer", 700, seed=5)
    return eng


def _variant(**config):
    eng = _eng()
    cfg = {k: v for k, v in {**eng.config, **config}.items() if v is not None}
    return dataclasses.replace(eng, config=cfg)


@functools.lru_cache(maxsize=None)
def _page(kind: str = "plain"):
    eng = _eng()
    if kind == "small":
        eng = _variant(privacy={**eng.config["privacy"], "min_cell": 150})
    elif kind == "single":
        eng = _variant(wave=None, waves=None)
    elif kind == "no-attrition":
        eng = _variant(attrition=None)
    elif kind == "far":
        eng = _variant(attrition={**eng.config["attrition"], "horizon": 5000})
    elif kind == "hostile":
        survey = eng.survey.copy()
        survey["comment"] = HOSTILE + " mail jo@example.com"
        survey["wave"] = survey["wave"].map({"pre": "pre", "post": HOSTILE})
        eng = dataclasses.replace(eng, client=HOSTILE, survey=survey, config={**eng.config, "waves": ["pre", HOSTILE]})
    return programme.build(eng, n_boot=40, seed=0)


def _texts(page) -> list[str]:
    """Every sentence and table cell of the page, as the reviewer's HTML would hold them."""
    out = []
    for name in ("headline", "nps_table", "shares_table", "scorecard_table", "within_segments", "mix_table",
                 "verbatims", "words", "themes", "limits", "methods"):
        value = getattr(page, name)()
        out.append(value.to_html() if hasattr(value, "to_html") else str(value))
    return out


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)


@pytest.mark.parametrize("kind", ["plain", "small", "single", "no-attrition", "far", "hostile"])
def test_no_nan_none_inf_config_keys_or_scientific_notation(kind):
    page = _page(kind)
    for text in _texts(page):
        words = _plain(text)
        assert not re.search(r"\b(nan|None|inf)\b", words, re.IGNORECASE), words
        assert not re.search(r"\d\.?\d*e[-+]?\d", words), words
        for bad in FORBIDDEN:
            assert bad not in words, (bad, words[:400])


def test_headline_states_ci_and_n_for_every_figure():
    head = _page("plain").headline()
    for sentence in head.split("\n\n")[1:]:
        if "Net Promoter" in sentence or "→" in sentence or "customers" in sentence:
            assert "95% CI" in sentence and "n=" in sentence, sentence
    card = _page("plain").card
    assert all(card.describe(m).count("n=") == 1 for m in card.metrics)


def test_small_groups_are_suppressed_everywhere():
    page = _page("small")
    small = [g for g, r in page.by_segment.estimates if r.n < 150]
    assert small, "the variant should have a segment below min_cell"
    table = page.nps_table().data
    for g in small:
        row = table[table["Group"] == g.capitalize()].iloc[0]
        assert row["NPS (95% CI)"] == "suppressed (n < 150)"
        assert g not in page.results()["nps"]
    assert "fewer than 150 customers" in page.verbatims()
    assert "Segment NPS is not compared" in page.headline() or min(
        page.by_segment.get(s).n for s in ("fully connected", "highly satisfied")) >= 150


def test_names_from_the_data_are_escaped():
    page = _page("hostile")
    for text in _texts(page):
        assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in page.verbatims() and r"\[email\]" in page.verbatims()  # Markdown-escaped brackets
    assert "jo@example.com" not in " ".join(_texts(page))
    assert page.headline().startswith("### &lt;img src=x&gt; \\*x\\*")
    assert "&lt;img src=x&gt;" in page.scorecard_table().to_html()
    assert page.card.to_dict()["after"] == HOSTILE  # data, not markup, in the scorecard's dict


def test_each_missing_input_gets_its_own_sentence():
    single = _page("single")
    assert "single wave, so there is no before/after comparison" in single.scorecard_chart()
    assert single.mix_table() == "Not available: the engagement has a single wave."
    assert set(single.results()) == {"nps"} and single.card.to_dict()["reason"] == "single_wave"
    no_att = _page("no-attrition")
    assert no_att.mix_table().startswith("Not available: the engagement does not define attrition data")
    assert "single wave" not in no_att.mix_table()
    assert no_att.scorecard_table().data["Change (95% CI)"].str.contains("does not define attrition").any()
    far = _page("far")
    cells = far.scorecard_table().data["Change (95% CI)"]
    assert cells.str.contains("no customer was followed for 5,000 days").any()
    assert "no customer was followed for 5,000 days" in far.mix_table().to_html()


def test_results_have_the_design_shapes():
    page = _page("plain")
    R = page.results()
    assert set(R) == {"nps"}  # `waves` is the tracker's (notebook 05)
    for key, e in R["nps"].items():
        assert {"estimate", "ci_low", "ci_high", "n"} <= set(e) and "n_effective" in e, key
    assert R["nps"]["overall"]["n"] == _eng().sample.analysed  # overall NPS rests on every analysed respondent
    w = report.to_jsonable(page.card.to_dict())
    assert (w["before"], w["after"]) == ("pre", "post")
    for m in ("connected", "attrition", "advocacy", "nps", "value"):
        assert {"before", "after", "estimate", "ci_low", "ci_high", "n", "p_value", "p_adjusted", "n_before",
                "n_after"} <= set(w[m]), m
        assert w[m]["estimate"] == pytest.approx(page.card.change(m).estimate)
        assert w[m]["n"] == w[m]["n_before"] + w[m]["n_after"]
    # By-wave figures use every analysed respondent; the connected share those with a segment.
    assert w["advocacy"]["n"] == _eng().sample.analysed
    assert w["connected"]["n"] == _eng().sample.segmented


def test_attrition_by_wave_is_the_km_at_figure_page_03_states():
    from cxlib import survival

    eng, page = _eng(), _page("plain")
    f = eng.frame()
    att = eng.config["attrition"]
    for label, key in (("pre", "before"), ("post", "after")):
        d = f[f["wave"] == label]
        s, *_ = survival.km_at(d[att["duration"]].to_numpy(), d[att["event"]].to_numpy(), att["horizon"],
                               weights=d[eng.config["weight"]].to_numpy())
        assert page.card.to_dict()["attrition"][key] == pytest.approx(1 - s, rel=1e-12)


def test_charts_are_figures_with_titles_stating_n():
    page = _page("plain")
    for fig in (page.nps_chart(), page.scorecard_chart()):
        ax = fig.axes[0]
        assert "n=" in ax.get_title(loc="left")


def test_record_displays_each_key(monkeypatch):
    seen = []
    monkeypatch.setattr(programme.report, "record", lambda k, v: seen.append(k))
    _page("plain").record()
    assert seen == ["nps"]


def test_notebook_04_is_narrative_plus_calls():
    import nbformat

    nb = nbformat.read("notebooks/04_advocacy_programme.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "cxlib"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    lines = [l for c in code[1:] for l in c.source.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert len(lines) <= 25 and all(not c.get("outputs") for c in code)
    assert [c.id for c in nb.cells] == [f"cell-{i:02d}" for i in range(len(nb.cells))]
    assert not any("cxlib" in c.source or "Notebook 04" in c.source for c in nb.cells if c.cell_type == "markdown")


HOSTILE_COMMENT = ("<script>alert(1)</script> <img src=x onerror=alert(1)> Great shop! Write to jo.bloggs@example.com "
                   "or ring +44 20 7946 0958")


def test_hostile_verbatim_is_escaped_and_scrubbed_in_the_rendered_report(tmp_path):
    """Acceptance (#7): markup and contact details in a survey comment never reach the HTML report as such."""
    import papermill as pm
    from bs4 import BeautifulSoup

    from cxlib import batch, render

    folder = tmp_path / "hostile"
    cx.synth.make_engagement("retailer", n_customers=600, seed=9, path=folder)
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    survey["comment"] = HOSTILE_COMMENT  # every comment, so whichever are quoted, it is this one
    survey.to_csv(folder / "survey.csv", index=False)
    nb = batch.NOTEBOOKS_DIR / "04_advocacy_programme.ipynb"
    executed = tmp_path / "04.ipynb"
    pm.execute_notebook(str(nb), str(executed), parameters={"engagement": str(folder), "n_boot": 50},
                        kernel_name=batch._kernel_name(), progress_bar=False, cwd=str(nb.parent))
    html_path = tmp_path / "04.html"
    render.write_notebook_html(executed, html_path, provenance="test")
    page = html_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert not [s for s in soup.find_all("script") if "alert" in (s.string or "")]
    assert not soup.find_all("img", src="x") and not soup.find_all(attrs={"onerror": True})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    for leak in ("jo.bloggs@example.com", "example.com", "7946", "0958"):
        assert leak not in page, leak
    assert "[email]" in page and "[phone]" in page


def test_every_result_table_is_order_safe(tmp_path):
    """Sorting, filtering, head, concat, merge and parquet of every table leave the results and the words unchanged."""
    page = _page("plain")
    before_results, before_tables = page.results(), [page.nps_table().data, page.scorecard_table().data,
                                                      page.mix_table().data, page.words().data]
    results = [page.overall, page.by_segment, page.card, page.card_std, page.impact, page.quotes, page.words_used]
    for i, r in enumerate(results):
        first = r.table
        t = first.sort_values(first.columns[1], ascending=False)
        key = t.columns[0]
        _ = pd.concat([t, t]).merge(t, on=key).head(2)
        t = t[t["n"] >= 0].head(len(t))
        t.loc[:, t.select_dtypes("number").columns] = -1
        t.to_parquet(tmp_path / f"{i}.parquet")
        pd.testing.assert_frame_equal(r.table, first)
    assert page.results() == before_results
    after = [page.nps_table().data, page.scorecard_table().data, page.mix_table().data, page.words().data]
    for a, b in zip(before_tables, after):
        pd.testing.assert_frame_equal(a, b)


# -- issue 17: honest words ---------------------------------------------------------------------------------------

def _assert_honest(page, where):
    from wording import causal_phrases

    for text in _texts(page):
        words = _plain(text)
        assert not causal_phrases(words), (where, causal_phrases(words))
        assert "are real" not in words and "is worth" not in words, where


def test_the_waves_are_worded_as_what_changed_with_their_family_and_adjustment():
    page = _page("plain")
    _assert_honest(page, "synthetic")
    head, limits = str(page.headline()), str(page.limits())
    n = len(page.card.metrics)
    assert "not why" in head and f"{n} measures compared" in head
    # plain words in the headline: what chance alone would give, allowing for the comparisons; no test's name
    assert "what chance alone" in head and "significant" not in head.lower()
    assert "Holm" not in head and "p < " not in head and "p = " not in head
    beyond = page.card.significant()
    assert ("beyond what chance alone would give" in head) == bool(beyond)
    assert "Holm" in limits and f"{n} measures compared between the waves" in limits and "It does not show" in limits
    assert f"p (Holm, {n} measures)" in page.scorecard_table().data.columns
    assert "One family: every measure compared between the two waves" in page.methods()
    single = str(_page("single").limits())
    assert "Between the waves" not in single and "It does not show" in single


def test_the_mix_is_scaled_to_the_customers_at_the_survey_date():
    page = _page("plain")
    assert page.customers == len(_eng().customer_base()) and page.impact.customers == page.customers


@pytest.mark.slow
def test_report_04_of_both_demos_words_associations_as_associations(slow):
    for slug in (("demo-retailer", "demo-brokerage") if slow else ("demo-retailer",)):
        page = programme.build(cx.load_engagement(f"data/{slug}"), n_boot=100 if slow else 20)
        _assert_honest(page, slug)
        assert "these changes are real" not in str(page.headline())


# -- issue 18: verbatims worth quoting ---------------------------------------------------------------------------

def test_the_quote_rule_is_stated_and_themes_are_shown_with_a_chart_that_states_its_finding():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import chartlint

    page = _page("plain")
    text = str(page.verbatims())
    assert text.startswith("Quotes are chosen among comments with at least 4 words besides removed personal details")
    assert "seed 0" in text
    table = page.themes().data
    assert {"Theme", "Top terms", "In their words"} <= set(table.columns) and len(table) >= 3
    shown = [s for s in ("Fully connected", "Highly satisfied", "Other") if s in table.columns]
    assert shown and all(table[s].str.contains(r"^\d[\d,]* of [\d,]+ \(", regex=True).all() for s in shown)
    chart = page.themes_chart()
    assert chart.alt and "customers raise" in chart.alt and "n=" in chart.alt
    assert not chartlint.problems(chart), chartlint.problems(chart)
    assert "is the theme" in chart.figure.axes[0].get_title(loc="left")
    assert "Themes:" in page.methods() or "Themes" in page.methods()
    small = _page("small")
    assert all(g not in small.theme_result.table["segment"].tolist()
               for g, why in small.theme_result.excluded.items() if why.code == "below_min_cell")
