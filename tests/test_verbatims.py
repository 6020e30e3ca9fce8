"""cxlib.verbatims: quotes reproducible, scrubbed, chosen for substance, suppressed in small groups and escaped when
shown; word counts without stop words or fillers in four languages; themes that recover planted topics."""
from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pytest

from cxlib import verbatims as vb
from cxlib.errors import ArgumentError
from cxlib.segments import SEGMENTS

HOSTILE = "<script>alert(1)</script> <img src=x> *x* call 07700 900123 or jo@example.com"


def _frame():
    texts = [f"Comment number {i} about queues and staff" for i in range(60)]
    texts[3] = HOSTILE
    return pd.DataFrame({"segment": pd.Categorical(["fully connected"] * 50 + ["other"] * 10, categories=SEGMENTS),
                         "comment": texts})


def test_verbatims_are_reproducible_scrubbed_and_suppressed_in_small_groups():
    f = _frame()
    a = vb.verbatims(f, text="comment", per_group=50, seed=1, min_cell=30)
    b = vb.verbatims(f, text="comment", per_group=50, seed=1, min_cell=30)
    pd.testing.assert_frame_equal(a.table, b.table)
    t = a.table
    assert t.columns.tolist() == ["segment", "quote", "n_comments", "n", "suppressed"]
    quotes = " ".join(t["quote"])
    assert "jo@example.com" not in quotes and "07700" not in quotes and "[email]" in quotes
    small = t[t.segment == "other"]
    assert small["suppressed"].all() and (small["quote"] == "").all()
    assert a.excluded["other"].code == "below_min_cell" and a.excluded["highly satisfied"].code == "below_min_cell"
    c = vb.verbatims(f, text="comment", per_group=3, seed=2, min_cell=30)
    assert len(c.table[c.table.segment == "fully connected"]) == 3


def test_quotes_are_escaped_when_shown():
    a = vb.verbatims(_frame(), text="comment", per_group=50, seed=1, min_cell=30)
    md = a.markdown()
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;" in md and "\\*x\\*" in md
    assert "No comment shown: fewer than 30 customers (n=10)" in md
    html = a._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_tiny_frame_gives_a_reason_not_a_quote():
    f = _frame().head(20)
    r = vb.verbatims(f, text="comment")
    assert r.reason.code == "below_min_cell" and (r.table["quote"] == "").all()
    w = vb.word_frequency(f, text="comment")
    assert w.table.empty and w.reason.code == "below_min_cell"


def test_checks_name_the_argument():
    f = _frame()
    for call, arg in [(lambda: vb.verbatims(f, text="coment"), "text"),
                      (lambda: vb.verbatims(f["comment"], text="comment"), "data"),
                      (lambda: vb.word_frequency(f, text="comment", by="segmnt"), "by"),
                      (lambda: vb.word_frequency(f, text="comment", min_cell=0), "min_cell"),
                      (lambda: vb.verbatims(f, text="comment", per_group=0), "per_group")]:
        with pytest.raises(ArgumentError) as err:
            call()
        assert err.value.argument == arg


def test_word_frequency_counts_each_comment_once_and_never_contact_details():
    f = pd.DataFrame({"segment": ["a"] * 4, "comment": ["Long queues, long long queues", "queues again",
                                                          "mail me jo@example.com", "Prices keep going up"]})
    r = vb.word_frequency(f, text="comment", min_cell=1, top=50, min_comments=1)
    got = r.table.set_index("term")
    assert got.loc["queues", "comments"] == 2 and got.loc["long queues", "comments"] == 1
    assert "long" not in got.index  # its one comment uses "long queues", which says more
    assert not any("example" in t or "jo" == t for t in got.index)
    assert got.loc["queues", "share"] == pytest.approx(0.5) and (got["n"] == 4).all()
    assert r.table.columns.tolist() == ["segment", "term", "comments", "share", "n_comments", "n"]


def test_word_frequency_plots_and_tables_are_order_safe(tmp_path):
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(3)
    f = pd.DataFrame({"segment": rng.choice(["fully connected", "other"], 200),
                      "comment": rng.choice(["the queues were too long", "lovely staff at the till",
                                             "prices are going up again"], 200)})
    r = vb.word_frequency(f, text="comment", min_cell=10)
    before = r.table
    t = r.table.sort_values("share")
    t.loc[:, "share"] = 0
    _ = pd.concat([t, t]).merge(t, on=["segment", "term"]).head(3)
    t.to_parquet(tmp_path / "w.parquet")
    pd.testing.assert_frame_equal(r.table, before)
    ax = r.plot(ax=plt.figure().gca())
    assert ax.get_yticklabels() and "n=200" in ax.get_title(loc="left") + ax.get_title()
    q = vb.verbatims(f, text="comment", min_cell=10)
    qt = q.table.sort_values("quote")
    qt.loc[:, "quote"] = ""
    assert (q.table["quote"] != "").any()


def test_word_frequency_never_counts_scrubbed_placeholders_or_filler_words_in_four_languages():
    """Scrubbed personal data leaves [name], [email], ...: neither a term nor the bridge of a phrase; the
    commonest function words of English, Dutch, German and French are not terms (#16: comments in those
    languages are normal). Reference: the expected terms written out by hand."""
    f = pd.DataFrame({"segment": ["a"] * 4, "comment": [
        "Kind regards, Mark Wilson. Slow delivery", "De levering was heel traag, groetjes Lisa",
        "Die Lieferung ist sehr langsam, viele Grüße, Jürgen", "La livraison est très lente, cordialement Paul Martin"]})
    r = vb.word_frequency(f, text="comment", min_cell=1, top=100, phrases=True, min_comments=1)
    terms = set(r.table["term"])
    assert not {t for t in terms if "name" in t.split() or "[" in t}, terms
    assert not terms & {"de", "was", "heel", "die", "ist", "sehr", "la", "est", "très", "groetjes", "cordialement"}
    assert {"slow delivery", "levering", "traag", "lieferung", "langsam", "livraison", "lente"} <= terms
    # "Mark Wilson. Slow delivery": "wilson" was scrubbed, so no phrase joins the text on either side of it.
    assert not {t for t in terms if t.endswith(" slow") and t != "slow"}


# -- issue 18: quotes worth quoting, meaningful terms, themes ------------------------------------------------------

#: A placeholder as privacy.scrub writes it (the reference below measures shares without cxlib's own counting).
_MARK = re.compile(r"\[(?:name|email|phone|link|number|removed|address)\]")


def _placeholder_shares(quote: str) -> tuple[float, float]:
    """(share of whitespace-separated tokens that hold a placeholder, share of non-space characters that are
    placeholders): an independent measure of how much of a quote is removed personal data."""
    tokens = quote.split()
    marked = sum(bool(_MARK.search(t)) for t in tokens)
    chars = len(re.sub(r"\s", "", quote))
    return marked / max(len(tokens), 1), sum(len(m) for m in _MARK.findall(quote)) / max(chars, 1)


@functools.lru_cache(maxsize=None)
def _demo(slug: str):
    import cxlib as cx

    eng = cx.load_engagement(f"data/{slug}")
    cb = eng.codebook
    labels = tuple(str(v) for c in ("element", "stage", "motivator") for v in pd.unique(cb[c].dropna()))
    return eng.frame()[["segment", "comment"]], tuple(eng.pii_values()), labels


PLANTED = ["They really get me. Email me at jo@example.com", "Call me on 07700 900123 or mail jo@example.com",
           "jo@example.com", "Thanks, Mark", "Regards, Anna Smith jo@example.com 07700 900456",
           "Mail me: jo@example.com, www.example.com, 07700 900789", "no comment", "n/a", "Good", "Fine, thanks",
           "Geen opmerkingen", "Keine Angaben", "Rien à signaler", "Good service, call 07700 900111 [link]"]
GOOD = ["The delivery came two days late and the box was damaged", "Staff at the Leeds store were really helpful",
        "Prices went up again this spring", "De levering was te laat en de doos kapot"]


def test_no_quote_is_mostly_placeholder_on_the_demos_or_a_planted_corpus():
    """Acceptance: no quoted verbatim is more than half placeholder; the rule is stricter (a fifth of the tokens,
    a quarter of the characters). The planted comments are the issue's own example and its kin; with the old
    choice (any comment of 15+ characters) they were quoted."""
    f = pd.DataFrame({"segment": ["a"] * (3 * len(PLANTED) + 3 * len(GOOD)),
                      "comment": PLANTED * 3 + GOOD * 3})
    q = vb.verbatims(f, text="comment", per_group=100, min_cell=1)
    quotes = q.table["quote"].tolist()
    assert sorted(quotes) == sorted(GOOD), quotes  # only the substantial ones, each once
    assert q.eligible == {"a": 3 * len(GOOD)}
    for slug in ("demo-retailer", "demo-brokerage"):
        frame, pii, labels = _demo(slug)
        for seed in (0, 1, 2):
            t = vb.verbatims(frame, text="comment", per_group=5, seed=seed, min_cell=30, pii_values=pii,
                             labels=labels).table
            shown = t.loc[t["quote"] != "", "quote"]
            assert len(shown) >= 9, (slug, seed)
            for quote in shown:
                words, chars = _placeholder_shares(quote)
                assert words <= 0.2 and chars <= 0.25, (slug, quote)
                assert "They really get me" not in quote, quote  # no word of substance
    # Every theme quote obeys the same rule.
    frame, pii, labels = _demo("demo-retailer")
    th = vb.themes(frame, text="comment", min_cell=30, pii_values=pii, labels=labels)
    for quote in th.table["quote"]:
        if quote:
            words, chars = _placeholder_shares(quote)
            assert words <= 0.2 and chars <= 0.25 and not _MARK.search(quote), quote


def test_quotable_states_the_rule_and_a_contact_request_is_not_a_second_quote():
    assert not vb.quotable("They really get me. Email me at [email]")
    assert not vb.quotable("[email] [phone] [name]") and not vb.quotable("No comment.")
    assert not vb.quotable("Fine, nothing special.") and not vb.quotable("Satisfied overall.")
    assert not vb.quotable("Sehr gut, alles prima") and not vb.quotable("Très bien, rien à signaler")
    assert vb.quotable("Queues were too long again. Email me at [email]")  # 1 of 9 words, 7 of 41 characters
    assert not vb.quotable("Queues too long. Mail [email] or [phone]")  # 2 of 7 words are placeholders
    assert vb.quotable("Prices keep going up.") and vb.quotable("Die Wartezeit war zu lang.")
    # The same words with and without a contact request are one candidate, quoted without it.
    f = pd.DataFrame({"segment": ["a"] * 40, "comment": ["Queues were too long again. Email me at jo@example.com"] * 39
                      + ["Queues were too long again."]})
    assert vb.verbatims(f, text="comment", per_group=3).table["quote"].tolist() == ["Queues were too long again."]
    # An audit (min_chars=0) quotes every comment within the placeholder limits, short ones too.
    g = pd.DataFrame({"segment": ["a"] * 3, "comment": ["Très bien", "Sehr gut, danke", "[email]"]})
    assert sorted(vb.verbatims(g, text="comment", per_group=10, min_chars=0, min_cell=1).table["quote"]) == [
        "Sehr gut, danke", "Très bien"]


def test_quotes_prefer_substance_and_are_deterministic_for_a_seed():
    rng = np.random.default_rng(0)
    thin = ["Nice shop overall.", "Good staff, all fine."]
    rich = ["The courier left my parcel in the rain and nobody answered the phone line",
            "Returns took three weeks and the refund arrived short by a few pounds"]
    f = pd.DataFrame({"segment": ["a"] * 400, "comment": rng.choice(thin * 4 + rich, 400)})
    picks = [vb.verbatims(f, text="comment", per_group=1, seed=s).table["quote"].iloc[0] for s in range(20)]
    assert sum(p in rich for p in picks) >= 15, picks  # 2 of the 4 candidates, 4× fewer comments, still first
    a, b = (vb.verbatims(f, text="comment", per_group=2, seed=7).table for _ in range(2))
    pd.testing.assert_frame_equal(a, b)


# Hand-picked function words and fillers a reader would object to, per language (besides the lists themselves).
HAND_PICKED = {"the", "and", "was", "like", "make", "get", "really", "just", "very", "they", "me",
               "de", "het", "een", "niet", "echt", "heel", "ook", "maar",
               "der", "und", "nicht", "sehr", "wirklich", "ist", "auch", "immer",
               "le", "et", "pas", "très", "vraiment", "est", "les", "pour"}
MULTILINGUAL = ["Does the job, prices are fair.", "I really like the friendly staff, they just get me",
                "The app keeps logging me out", "Queues were too long again at the Leeds store",
                "De levering was heel traag en de doos was echt kapot", "Het personeel is ook niet vriendelijk",
                "Die Lieferung ist sehr langsam und die Verpackung war kaputt", "Die Preise sind wirklich zu hoch",
                "La livraison est très lente et le colis est abîmé", "Les prix sont vraiment trop élevés pour moi"]


def _term_words(table: pd.DataFrame) -> list[list[str]]:
    return [t.split() for t in table["term"]]


def test_the_word_table_holds_no_stop_word_or_filler_in_four_languages_and_no_phrase_across_a_boundary():
    stops = set().union(*vb.STOP_WORDS.values())
    assert HAND_PICKED - {"like", "make", "get", "really", "just", "echt", "heel", "wirklich", "immer",
                          "vraiment"} <= stops  # the lists hold the hand-picked function words
    assert {"like", "make", "get", "really", "just"} <= vb.FILLERS
    f = pd.DataFrame({"segment": ["a"] * (5 * len(MULTILINGUAL)), "comment": MULTILINGUAL * 5})
    frames = [(f, ())] + [(_demo(s)[0], _demo(s)[1]) for s in ("demo-retailer", "demo-brokerage")]
    for frame, pii in frames:
        t = vb.word_frequency(frame, text="comment", top=200, min_cell=1, pii_values=pii).table
        assert len(t) >= 10
        for ws in _term_words(t):
            assert not set(ws) & (stops | vb.FILLERS | HAND_PICKED), ws
            assert ws[0] not in stops and ws[-1] not in stops, ws  # a phrase neither opens nor ends on one
            assert len(ws) == 1 or not set(ws) & {"[email]", "email"}, ws
        terms = set(t["term"])
        assert "job prices" not in terms and "prices fair" not in terms and "staff they" not in terms
    terms = set(vb.word_frequency(f, text="comment", top=200, min_cell=1).table["term"])
    assert {"friendly staff", "prices", "levering", "lieferung", "livraison", "preise", "prix"} <= terms
    assert {"app logging", "doos", "kapot"} - terms == {"app logging"}  # "keeps" (a filler) parts app and logging


def test_language_is_told_by_stop_word_overlap():
    assert [vb.language(t) for t in MULTILINGUAL] == ["en"] * 4 + ["nl"] * 2 + ["de"] * 2 + ["fr"] * 2
    assert vb.language("12345") == "" and vb.language("") == ""
    w = vb.word_frequency(pd.DataFrame({"segment": ["a"] * 10, "comment": MULTILINGUAL}), text="comment", min_cell=1)
    assert w.languages == {"a": {"en": 4, "de": 2, "fr": 2, "nl": 2}}


TOPICS = {"delivery": ["delivery", "parcel", "courier", "late", "tracking", "damaged", "arrived", "box"],
          "staff": ["staff", "friendly", "helpful", "cashier", "assistant", "polite", "smile", "advice"],
          "price": ["price", "expensive", "discount", "cost", "offer", "value", "cheaper", "pricing"]}


def _planted(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Comments of three planted topics: 3–5 words of the topic, a word any topic may use, function words."""
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    truth = rng.integers(0, 3, n)
    shared = ["shop", "store", "order", "online", "time"]
    fillers = ["the", "was", "and", "really", "very", "my", "it", "just", "de", "und", "le"]
    comments = []
    for k in truth:
        ws = list(rng.choice(TOPICS[names[k]], rng.integers(3, 6), replace=False)) + [rng.choice(shared)]
        ws += list(rng.choice(fillers, 3))
        rng.shuffle(ws)
        comments.append(" ".join(ws).capitalize() + ".")
    seg = rng.choice(["fully connected", "other"], n)
    return pd.DataFrame({"segment": seg, "comment": comments}), truth


def test_themes_recover_planted_topics_and_are_deterministic():
    from scipy.optimize import linear_sum_assignment

    f, truth = _planted()
    r = vb.themes(f, text="comment", n_themes=3, seed=0)
    again = vb.themes(f, text="comment", n_themes=3, seed=0)
    pd.testing.assert_frame_equal(r.table, again.table)
    # Each comment's theme, from the table's counts alone is not enough: recompute the assignment by matching
    # each comment to the theme whose named terms it uses most, the rule the function documents, then score
    # against the truth with the best one-to-one matching of themes to topics (Hungarian).
    t = r.table[r.table["theme"] > 0].drop_duplicates("theme")
    assert len(t) == 3
    named = {row.theme: set(row.terms.replace(",", " ").split()) for row in t.itertuples()}
    got = np.array([max(named, key=lambda k: len(named[k] & set(c.lower().strip(".").split()))) for c in f["comment"]])
    confusion = np.zeros((3, 3))
    for g, k in zip(got, truth):
        confusion[g - 1, k] += 1
    rows, cols = linear_sum_assignment(-confusion)
    accuracy = confusion[rows, cols].sum() / len(f)
    assert accuracy >= 0.8, (accuracy, named)
    # The counts per group add up to the group's comments, shares to one.
    for g, sub in r.table.groupby("segment"):
        assert sub["comments"].sum() == sub["n_comments"].iloc[0] == (f["segment"] == g).sum()
        assert sub["share"].sum() == pytest.approx(1.0)
    # Each topic's words name exactly one theme.
    for words in TOPICS.values():
        assert sum(bool(set(words) & terms) for terms in named.values()) == 1, named


def test_themes_assignment_matches_the_truth_on_the_table_counts():
    """The table's own counts: each theme's comments are mostly of one planted topic (≥ 80% overall)."""
    f, truth = _planted(seed=3)
    r = vb.themes(f, text="comment", n_themes=3, seed=1)
    t = r.table[r.table["theme"] > 0].groupby("theme")["comments"].sum()
    sizes = np.bincount(truth, minlength=3)
    assert sorted(t.tolist(), reverse=True)[:3] == pytest.approx(sorted(sizes.tolist(), reverse=True), rel=0.2)
    assert r.table.loc[r.table["theme"] == 0, "comments"].sum() <= 0.2 * len(f)


def test_small_segments_are_suppressed_in_words_and_themes_and_their_comments_unused():
    f, _ = _planted()
    small = pd.DataFrame({"segment": ["highly satisfied"] * 12,
                          "comment": ["Zanzibar zanzibar flamingo parade tonight"] * 12})
    g = pd.concat([f, small], ignore_index=True)
    th = vb.themes(g, text="comment", n_themes=3, min_cell=30)
    assert th.excluded["highly satisfied"].code == "below_min_cell"
    assert "highly satisfied" not in set(th.table["segment"])
    assert not th.table["terms"].str.contains("zanzibar|flamingo").any()
    w = vb.word_frequency(g, text="comment", min_cell=30)
    assert "highly satisfied" not in set(w.table["segment"]) and "highly satisfied" in w.excluded
    q = vb.verbatims(g, text="comment", min_cell=30)
    assert (q.table.loc[q.table.segment == "highly satisfied", "quote"] == "").all()
    tiny = vb.themes(small, text="comment", min_cell=30)
    assert tiny.table.empty and tiny.reason.code == "below_min_cell"


def test_themes_result_is_frozen_with_headline_plot_and_html():
    import matplotlib.pyplot as plt

    f, _ = _planted()
    r = vb.themes(f, text="comment", n_themes=3)
    assert r.table.columns.tolist() == ["theme", "label", "terms", "related", "segment", "comments", "share",
                                        "n_comments", "n", "quote"]
    t = r.table
    t.loc[:, "comments"] = -1
    assert (r.table["comments"] >= 0).all() and (r.table["n"] > 0).all()
    with pytest.raises(Exception):
        r.seed = 3
    assert "customers raise" in r.headline() and "%" in r.headline()
    ax = r.plot(ax=plt.figure().gca())
    assert "is the theme" in ax.get_title(loc="left") + ax.get_title() and len(ax.get_yticklabels()) == 3
    assert "<table" in r._repr_html_()
    with pytest.raises(ArgumentError) as err:
        vb.themes(f, text="comment", n_themes=0)
    assert err.value.argument == "n_themes"


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_word_and_theme_charts_follow_the_house_style_on_the_demos(slug):
    """The two plot functions of this part (tests/test_plots.py leaves them here): a title that states a finding,
    one n, no overlapping text, no legend over data, house colours only (tests/chartlint.py)."""
    import sys
    from pathlib import Path

    from cxlib import plots
    from cxlib.pages import common

    sys.path.insert(0, str(Path(__file__).parent))
    import chartlint

    frame, pii, labels = _demo(slug)
    words = vb.word_frequency(frame, text="comment", top=8, min_cell=30, pii_values=pii)
    found = vb.themes(frame, text="comment", min_cell=30, pii_values=pii, labels=labels)
    for result, size in ((words, (9, 7)), (found, (9, 6))):
        fig, (ax,) = common.figure(*size)
        result.plot(ax=ax, **({"top": 5} if result is words else {}))
        chart = plots.chart(fig, alt=f"{result.headline()} (n={result.n:,} respondents)")
        assert chartlint.problems(chart) == [], (type(result).__name__, chartlint.problems(chart))
