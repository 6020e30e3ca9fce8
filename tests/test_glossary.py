"""cxlib.glossary: every term a reviewer may meet, in plain words; terms_in finds them, markdown lists them."""
from __future__ import annotations

import re

import pytest

from cxlib import glossary
from cxlib.errors import ArgumentError

#: The terms issue 18 names, by the glossary's name for each.
NAMED = ["confidence interval", "n", "effective sample size", "fully connected", "highly satisfied",
         "connection index", "emotional motivator", "experience element", "derived importance", "stated importance",
         "hidden driver", "key driver", "overrated element", "R²", "share of what is explained", "value multiplier",
         "hazard ratio", "attrition", "days kept", "Net Promoter Score", "promoter, passive, detractor",
         "Holm adjustment", "false-discovery rate", "weighting", "design effect", "bootstrap", "proportional hazards",
         "Kaplan–Meier", "p-value"]


def test_the_glossary_holds_every_term_the_issue_names():
    names = [t.name for t in glossary.TERMS]
    assert len(names) == len(set(names))
    missing = [n for n in NAMED if n not in names]
    assert not missing, missing


@pytest.mark.parametrize("t", glossary.TERMS, ids=lambda t: t.name)
def test_each_definition_is_short_plain_and_finds_its_own_name(t):
    sentences = [s for s in re.split(r"(?<=[.:])\s+(?=[A-Z“])", t.definition) if s]
    assert 1 <= len(sentences) <= 3 and len(t.definition) <= 420, (t.name, len(t.definition))
    assert t.definition.endswith(".") and t.definition[:1].isupper()
    for word in ("significant", "statistically"):
        assert word not in t.definition.lower(), t.name
    # a term is found under its own name (or the words its heading uses), so terms_in can name it
    assert t.found_in(t.name) or t.found_in(t.heading), t.name


def test_terms_in_names_the_terms_a_sentence_uses_in_glossary_order():
    text = ("Fully connected customers leave at about half the rate of highly satisfied ones (hazard ratio 0.50, "
            "95% CI 0.43–0.58; n=5,621); the curves differ (log-rank test, Holm-adjusted).")
    assert glossary.terms_in(text) == ["confidence interval", "n", "fully connected", "highly satisfied",
                                       "hazard ratio", "log-rank test", "Holm adjustment"]
    assert glossary.terms_in("Customers like the new shop window.") == []
    # "Net Promoter Score" is not also a promoter; "n" is a count, not any letter n
    assert glossary.terms_in("Net Promoter Score is +12.") == ["Net Promoter Score"]
    assert "n" not in glossary.terms_in("an element in the shop")
    # a share of what is explained and its R²
    found = glossary.terms_in("26% of what the motivators explain; together they explain 11% (R² = 0.11)")
    assert {"share of what is explained", "R²", "emotional motivator"} <= set(found)


def test_markdown_lists_only_the_terms_given_with_an_anchor():
    md = glossary.markdown(["hazard ratio", "n"])
    lines = md.splitlines()
    assert lines[0] == '<a id="glossary"></a>' and "### Glossary" in md
    bullets = [line for line in lines if line.startswith("- **")]
    assert [b.split("**")[1] for b in bullets] == ["n.", "Hazard ratio."]  # glossary order, not the order given
    assert "Kaplan" not in md
    everything = glossary.markdown()
    assert everything.count("\n- **") == len(glossary.TERMS)
    bare = glossary.markdown(["R²"], heading=None, anchor=None)
    assert bare.startswith("- **R² (share of the differences explained).**") and "<a" not in bare


def test_markdown_and_term_refuse_unknown_terms_with_a_close_match():
    with pytest.raises(ArgumentError, match="did you mean 'hazard ratio'") as err:
        glossary.markdown(["hazard ratios"])
    assert err.value.argument == "terms"
    with pytest.raises(ArgumentError, match="a list of term names"):
        glossary.markdown("hazard ratio")
    with pytest.raises(ArgumentError, match="anchor"):
        glossary.markdown(["n"], anchor='x" onclick="y')
    with pytest.raises(ArgumentError, match="no term"):
        glossary.term("hazzard")
    with pytest.raises(ArgumentError, match="must be a string"):
        glossary.terms_in(None)


def test_the_link_line_points_at_the_summary_glossary():
    line = glossary.see_glossary()
    assert "](00_executive_summary.html#glossary)" in line
    with pytest.raises(ArgumentError):
        glossary.see_glossary("x) [y")


def test_the_glossary_renders_as_a_page_section_other_pages_can_link_to():
    import nbformat

    from cxlib import render

    out = nbformat.v4.new_output("execute_result", data={"text/markdown": str(glossary.markdown(["n"])),
                                                         "text/plain": ""}, execution_count=1)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Summary"),
                                         nbformat.v4.new_code_cell("page.glossary()", outputs=[out])])
    html = render.notebook_html(nb)
    assert '<a id="glossary">' in html and "Glossary</h3>" in html


def test_no_definition_words_an_association_as_a_cause():
    """The glossary is printed on every executive summary, so it is held to the reports' wording rule."""
    from wording import causal_phrases

    from cxlib import glossary

    found = {t.name: causal_phrases(t.definition) for t in glossary.TERMS if causal_phrases(t.definition)}
    assert found == {}
