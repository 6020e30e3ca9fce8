"""Acceptance (#17): no published page words an association as a cause.

The reports rest on cross-sectional surveys joined to behaviour: they can show what goes with what, not what
causes what. Every page published for the small synthetic retailer (``cx run``, the ``batch_run`` fixture),
every page of a small synthetic brokerage built in process, and, when ``make demo`` has published them, every
page of the two demo engagements under ``reports/`` are scanned for the causal phrasings listed in
tests/wording.py. Customers' own words (the quoted comments and the word table) are theirs, not claims of
the report, and are left out of the scan; the method's nouns ("hidden driver", "key driver") stay.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from wording import CAUSAL, causal_phrases

REPO = Path(__file__).resolve().parents[1]


def _claims(path: Path) -> str:
    """A published page's visible text without scripts, styles and customers' quoted words."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "blockquote"]):
        tag.decompose()
    for table in soup.find_all("table"):  # the word table lists customers' words
        head = " ".join(th.get_text(" ") for th in table.find_all("th")).lower()
        if "word" in head or "comment" in head or "phrase" in head:
            table.decompose()
    return soup.get_text(" ")


def _scan(pages: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.name}: {m!r} ({why}) in “…{ctx}…”" for p in pages
            for m, why, ctx in causal_phrases(_claims(p))]


@pytest.mark.parametrize("sentence", [
    "The motivators that drive annual spend most for this client.",
    "Improving these elements moves emotional connection.",
    "Connection is worth money.",
    "These changes are real.",
    "A fully connected customer is worth 1.96× a highly satisfied one.",
    "Fully connected customers are 0.54× as likely to leave.",
    "Better delivery leads to higher spend.",
])
def test_the_check_finds_each_causal_phrasing(sentence):
    assert causal_phrases(sentence), sentence


@pytest.mark.parametrize("sentence", [
    "Three hidden drivers and two key drivers; driver analysis of 60 elements.",
    "The motivators most linked to annual spend: Feel secure.",
    "Fully connected customers spend on average 1.96× as much as highly satisfied ones.",
    "Fully connected customers leave at about half the rate of highly satisfied ones.",
    "The fully connected share rose by 4 points between the waves (95% CI 2 to 6).",
])
def test_the_check_spares_associations_and_the_method_nouns(sentence):
    assert not causal_phrases(sentence), causal_phrases(sentence)


def test_the_list_covers_the_phrasings_the_issue_names():
    named = ("drives spend", "moves connection", "causes churn", "is worth money", "are real")
    assert len(CAUSAL) >= 10
    assert all(causal_phrases(f"Connection {n}.") for n in named), [n for n in named if not causal_phrases(n)]


def test_no_page_published_by_cx_run_words_an_association_as_a_cause(batch_run):
    _, out = batch_run
    pages = sorted((out / "small-retailer").glob("*.html"))
    from cxlib import batch

    assert len(pages) == len(batch.discover_notebooks())  # every notebook's page (seven with 05 and 06)
    found = _scan(pages)
    assert not found, "\n".join(found)


def test_no_brokerage_page_words_an_association_as_a_cause(tmp_path):
    import cxlib as cx
    from test_corpus import _publish_in_process

    cx.synth.make_engagement("brokerage", n_customers=900, seed=5, path=tmp_path / "data" / "small-brokerage")

    class Case:
        slug = "small-brokerage"

    _publish_in_process([Case], [tmp_path / "data" / "small-brokerage"], tmp_path / "out",
                        ["00", "01", "02", "03", "04"])
    pages = sorted((tmp_path / "out" / "small-brokerage").glob("*.html"))
    assert len(pages) == 5
    found = _scan(pages)
    assert not found, "\n".join(found)


def test_no_published_demo_page_words_an_association_as_a_cause():
    pages = sorted(p for d in (REPO / "reports").glob("demo-*") for p in d.glob("0*.html"))
    if not pages:
        pytest.skip("the demos are not published (make demo publishes them to reports/)")
    found = _scan(pages)
    assert not found, "\n".join(found)


# -- jargon and the glossary (issue 18) -------------------------------------------------------------------

from wording import JARGON, jargon, shares_without_r2  # noqa: E402


@pytest.mark.parametrize("sentence", [
    "The rise in promoters is significant.",
    "No change is statistically different from zero.",
    "Fully connected customers are 0.54× as likely to leave.",
    "They are expected; keeping them at par is enough.",
    "The difference is insignificant once Holm's adjustment is made.",
])
def test_the_jargon_check_finds_words_no_page_may_use(sentence):
    assert jargon(sentence), sentence
    assert jargon(sentence, explains=lambda w: True), sentence  # not even where a glossary explains them


@pytest.mark.parametrize("sentence", [
    "Fully connected customers leave at about half the rate (hazard ratio 0.50, 95% CI 0.43–0.58).",
    "These changes are larger than chance alone would give (p < 0.05 after Holm adjustment).",
    "Four hidden drivers, supported at a 10% false-discovery rate (Benjamini–Hochberg).",
    "Curves by Kaplan–Meier; Cox model with Efron ties; BCa bootstrap intervals.",
    "Customers stayed 30 days longer (restricted mean survival time, 95% CI 21–38).",
])
def test_the_jargon_check_keeps_method_names_out_of_headlines(sentence):
    assert jargon(sentence, headline=True), sentence
    # outside a headline a method's name is fine where the glossary explains it, not where nothing does
    assert not jargon(sentence), jargon(sentence)
    assert jargon(sentence, explains=lambda w: False), sentence


@pytest.mark.parametrize("sentence", [
    "Fully connected customers leave at about half the rate of highly satisfied ones (0.50 times their rate of "
    "leaving, 95% CI 0.43–0.58; n=5,621).",
    "Between pre and post, these changes are beyond what chance alone would give, allowing for the 5 measures "
    "compared: promoters +8.0 points (95% CI +5.5 to +10.5; n=5,732).",
    "4 hidden drivers, supported once the 60 elements compared are allowed for (on average at most one named "
    "element in 10 would be a false lead).",
    "They are expected: doing them as well as an average element is enough.",
    "The emotional motivators most linked to annual spend are Feel secure and Belonging: together 68% of what the "
    "motivators explain, and the 10 motivators together explain 11% of the differences in annual spend (R² = 0.11).",
])
def test_the_jargon_check_spares_plain_headlines(sentence):
    assert not jargon(sentence, headline=True), jargon(sentence, headline=True)
    assert not shares_without_r2(sentence)


def test_a_share_of_explained_variance_needs_its_r2():
    bad = ["Feel secure and Belonging (together 68% of what the motivators explain).",
           "Stages by share of the explained connection (n=5,621): In the shop 33%.",
           "The journey stage that matters most: 33% of the connection the experience explains."]
    for s in bad:
        assert shares_without_r2(s) == [s], s
    good = "Stages by share of the explained connection (R² = 0.46; n=5,621). Another sentence."
    assert shares_without_r2(good) == []
    # a rule that states no share is not a share given without its R²
    assert not shares_without_r2("Derived importance is high for more than an equal share of the explained variation.")
    # the R² must be in the same sentence, not the next one
    assert shares_without_r2("Together 68% of what the motivators explain. R² = 0.11 overall.")


def test_every_method_word_of_the_jargon_list_is_in_the_glossary():
    """A method's name may stay in methods and tables only because the glossary explains it."""
    from cxlib import glossary

    samples = {"method": ["p-value", "p < 0.001", "BCa", "Holm", "Benjamini–Hochberg", "false-discovery rate",
                          "Kaplan–Meier", "Efron", "hazard ratio", "Cox", "log-rank", "proportional hazards",
                          "restricted mean", "χ²", "F test", "relative weights", "Johnson's", "Cronbach",
                          "bootstrap", "resampling", "design effect", "Kish", "mediator"]}
    kinds = {kind for _, kind, _ in JARGON}
    assert kinds == {"never", "method"}
    for word in samples["method"]:
        assert glossary.terms_in(word), word
        assert jargon(word, headline=True), word  # each sample is one of the list's method words
    for word in ("significant", "statistically", "as likely", "at par"):
        assert not glossary.terms_in(word), word  # the glossary never licenses these


# Texts of each detail page: its Markdown sections and tables (the charts are the house chart check's; the
# customers' own words, verbatims and the word table, are theirs, not the report's).
_TEXT_METHODS = {
    "value": ["headline", "segment_table", "value_table", "multiplier_table", "what_this_shows", "threshold_table",
              "threshold_notes", "ranking_table", "ranking_notes", "reliability_table", "reliability_notes",
              "sample_notes", "methods"],
    "drivers": ["headline", "what_this_shows", "rule", "hidden_table", "overrated_table", "key_table", "rollup_text",
                "priorities_table", "ranking_table", "ranking_text", "lowering", "outcomes_table", "outcomes_text",
                "methods"],
    "attrition": ["headline", "what_it_shows", "attrition_table", "logrank", "days_kept_table", "days_kept",
                  "hazard_ratio_table", "ph_check", "recency_table", "recency", "later_contacts", "waves", "methods"],
    "programme": ["headline", "nps_table", "shares_table", "scorecard_table", "within_segments", "mix_table",
                  "limits", "methods"],
}


def _as_text(out) -> str:
    if isinstance(out, str):
        return str(out)
    data = out.data  # a pandas Styler
    return "\n".join([" | ".join(map(str, data.columns))] + [" | ".join(map(str, r)) for r in data.values.tolist()])


@pytest.fixture(scope="module")
def demo_texts():
    """Every text of the four detail pages of both demos, built in process once (about 35 s of CPU)."""
    import cxlib as cx

    out = {}
    for folder in ("demo-retailer", "demo-brokerage"):
        eng = cx.load_engagement(REPO / "data" / folder)
        for name, methods in _TEXT_METHODS.items():
            module = getattr(cx.pages, name)
            page = module.build(eng) if name == "attrition" else module.build(eng, n_boot=100)
            for m in methods:
                out[(folder, name, m)] = _as_text(getattr(page, m)())
    return out


def test_no_demo_headline_names_a_method_or_uses_jargon(demo_texts):
    found = [f"{f}/{p}.headline: {m!r} ({why}) in “…{ctx}…”" for (f, p, m_), t in demo_texts.items()
             if m_ == "headline" for m, why, ctx in jargon(t.split("\n", 1)[-1], headline=True)]
    assert not found, "\n".join(found)


def test_no_demo_page_text_uses_jargon_the_glossary_does_not_explain(demo_texts):
    found = [f"{f}/{p}.{m_}: {m!r} ({why}) in “…{ctx}…”" for (f, p, m_), t in demo_texts.items()
             for m, why, ctx in jargon(t)]
    assert not found, "\n".join(found)
    assert not any("significan" in t.lower() for t in demo_texts.values())


def test_every_demo_share_of_explained_variance_carries_its_r2(demo_texts):
    shares = [(k, s) for k, t in demo_texts.items() for s in _sentences_with_shares(t)]
    assert len(shares) >= 4, shares  # the check has something to check: the ranking, the stages, the notes
    found = [f"{k}: {s}" for k, t in demo_texts.items() for s in shares_without_r2(t)]
    assert not found, "\n".join(found)


def _sentences_with_shares(text: str) -> list[str]:
    from wording import _SENTENCE, _SHARE

    return [s for s in _SENTENCE.split(text) if _SHARE.search(s)]


def test_demo_pages_show_journey_stages_as_the_codebook_labels_them(demo_texts):
    import pandas as pd

    for folder in ("demo-retailer", "demo-brokerage"):
        stages = set(pd.read_csv(REPO / "data" / folder / "codebook.csv")["stage"].dropna())
        assert all(s[:1].isupper() for s in stages), stages  # labels, not lower-case codes
        text = demo_texts[(folder, "drivers", "rollup_text")] + demo_texts[(folder, "drivers", "priorities_table")]
        shown = {s for s in stages if s in text}
        assert shown == stages, stages - shown
        assert not any(code in text for code in ("like shop", "Like shop", "Return/service", "Open account"))


def test_detail_pages_link_to_the_glossary(demo_texts):
    for (f, p, m), t in demo_texts.items():
        if m == "methods":
            assert "(00_executive_summary.html#glossary)" in t, (f, p)
