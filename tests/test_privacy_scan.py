"""Acceptance (#10, privacy): no customer id, e-mail address or phone number from the inputs appears in any
generated output (ipynb, html, json) of a batch run or of the demo reports.

Acceptance (#16, privacy at the door): the session's small batch (tests/conftest.py, ``small_engagements``)
carries the PII corpus of tests/pii_corpus.py: its verbatim column holds every PII comment and every ordinary
comment, and its survey has the ``pii`` columns (recipient names, e-mail, phone, address, external
reference) whose values the comments name. Nothing of it (a planted string of a PII comment, a pii-column
value, a pii-column name) may appear in any published file, and the comments must really reach the reports:
the quotes on the verbatims page are planted comments in their scrubbed form, ordinary ones word for word.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"\b07700\s?9\d{5}\b|\+44\s?20\s?7946\s?0958")


def test_no_planted_identifier_reaches_any_report_file(batch_run, small_engagements):
    good, _ = small_engagements
    _, out = batch_run
    ids = set(pd.read_csv(good / "customers.csv", dtype=str)["customer_id"])
    survey_text = (good / "survey.csv").read_text(encoding="utf-8")
    planted_emails = set(EMAIL.findall(survey_text))
    planted_phones = set(PHONE.findall(survey_text))
    assert ids and planted_emails and planted_phones  # the input really carries them
    files = [p for p in (out / "small-retailer").rglob("*") if p.suffix in (".ipynb", ".html", ".json")]
    files.append(out / "index.html")
    assert len(files) >= 10
    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    leaks = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        leaks += [f"{path.name}: id {m}" for m in set(id_pattern.findall(text))]
        leaks += [f"{path.name}: e-mail {e}" for e in planted_emails if e in text]
        leaks += [f"{path.name}: phone {p}" for p in planted_phones if p in text]
    assert not leaks, leaks[:10]


def _scan(report_dir, data_dir):
    ids = set(pd.read_csv(data_dir / "customers.csv", dtype=str)["customer_id"])
    survey_text = (data_dir / "survey.csv").read_text(encoding="utf-8")
    emails, phones = set(EMAIL.findall(survey_text)), set(PHONE.findall(survey_text))
    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    leaks = []
    for path in [p for p in report_dir.rglob("*") if p.suffix in (".ipynb", ".html", ".json")]:
        text = path.read_text(encoding="utf-8")
        leaks += [f"{path.name}: id {m}" for m in set(id_pattern.findall(text))]
        leaks += [f"{path.name}: {x}" for x in emails | phones if x in text]
    return leaks, len(ids), len(emails) + len(phones)


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_no_planted_identifier_in_the_demo_reports(slug):
    """Acceptance (#10) on the demo engagements as published by `make demo` (run first in the README)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if not (root / "reports" / slug / "results.json").exists():
        pytest.skip("run `make demo` first to publish the demo reports")
    leaks, n_ids, n_contacts = _scan(root / "reports" / slug, root / "data" / slug)
    print(f"\n{slug}: scanned for {n_ids:,} customer ids and {n_contacts} planted e-mails/phones: {len(leaks)} found")
    assert n_ids > 1000 and n_contacts > 10
    assert not leaks, leaks[:10]


# -- #16: the PII corpus in the small batch ------------------------------------------------------------

#: Published files read as text, and office files (zip archives of XML) whose XML text is read.
TEXT_SUFFIXES = {".html", ".htm", ".ipynb", ".json", ".csv", ".txt", ".md", ".svg", ".xml"}
OFFICE_SUFFIXES = {".xlsx", ".pptx", ".docx", ".odt", ".ods", ".odp"}
#: pii-column values that are one common word: scrub keeps them on purpose ("A one-word value that is a
#: common word ('Will', 'May', 'Best') is not removed", cxlib.privacy.scrub), so "I will be back" keeps its
#: words. The full name they belong to ("Will Best") is scanned for.
KEPT_COMMON_WORDS = {"Will", "Best"}
_BASE64 = re.compile(r"data:[\w.+\-]+/[\w.+\-]+;base64,[A-Za-z0-9+/=\s]+")
# The notebook template's stylesheet (it has a `mark` selector) and the methods' own eponyms, which the
# corpus's names share ("Wilson score intervals", "Kaplan–Meier"): the workbook's words, not the data's.
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
_EPONYMS = re.compile(r"\bwilson(?=\s+score\b)|\bkaplan\s*[–-]\s*meier\b")
_MARKDOWN_ESCAPE = re.compile(r"\\([^\w\s])")
_WORD = re.compile(r"\w+")


def _strings(node, out: list[str]) -> None:
    """Every key and string of a JSON document, leaving out figures (``image/*`` outputs: base64 PNGs)."""
    if isinstance(node, dict):
        for key, value in node.items():
            out.append(str(key))
            if not str(key).startswith("image/"):
                _strings(value, out)
    elif isinstance(node, list):
        for value in node:
            _strings(value, out)
    elif isinstance(node, str):
        out.append(node)


def _normalise(text: str) -> str:
    """Text as a reader would see it: HTML entities and Markdown escapes undone (twice, for text escaped
    twice), one form of each accented letter and apostrophe, case folded (ß as ss)."""
    for _ in range(2):
        text = _MARKDOWN_ESCAPE.sub(r"\1", html.unescape(text))
    return unicodedata.normalize("NFC", text).replace("’", "'").casefold()


def _published_text(path: Path) -> str:
    """The text of one published file (figures' base64 data left out: they are pictures, not text)."""
    suffix = path.suffix.lower()
    if suffix in OFFICE_SUFFIXES:
        with zipfile.ZipFile(path) as z:
            xml = " ".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist()
                           if n.endswith((".xml", ".rels")))
        raw = re.sub(r"<[^>]+>", " ", xml)
    else:
        raw = path.read_text(encoding="utf-8")
    if suffix in (".json", ".ipynb"):
        parts: list[str] = []
        _strings(json.loads(raw), parts)
        raw = "\n".join(parts)
    return _EPONYMS.sub(" ", _normalise(_STYLE.sub(" ", _BASE64.sub(" ", raw))))


def _pattern(needle: str) -> re.Pattern:
    """``needle`` as a whole word or number: not inside a longer word, nor digits inside a longer number
    (so "4455" is not found in "0.44551"); any run of spaces matches any run of spaces."""
    n = _normalise(needle)
    body = r"\s+".join(re.escape(part) for part in n.split())
    start = r"(?<!\w)" if n[:1].isalnum() or n[:1] == "_" else ""
    stop = r"(?!\w)" if n[-1:].isalnum() or n[-1:] == "_" else ""
    if n[:1].isdigit():
        start += r"(?<!\d[.,])"
    if n[-1:].isdigit():
        stop += r"(?![.,]\d)"
    return re.compile(start + body + stop)


def _found(needle: str, text: str, words: set[str]) -> bool:
    # Only where every word of the needle is in the file is the pattern tried (thousands of needles).
    if not set(_WORD.findall(_normalise(needle))) <= words:
        return False
    return _pattern(needle).search(text) is not None


def _quotes(page: Path) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [" ".join(q.get_text(" ").split()).strip("“”") for q in soup.select("blockquote")]


def test_nothing_of_the_pii_corpus_is_published_and_ordinary_comments_keep_their_words(batch_run, small_engagements):
    """Every planted string of every PII comment (tests/pii_corpus.py), every value and the name of every
    ``pii`` column of the survey (codebook role ``pii``) is absent from every file published for the small
    retailer and from the index; the quotes shown are planted comments as ``scrub`` leaves them."""
    from pii_corpus import LANGUAGE, ORDINARY_COMMENTS, PII_COMMENTS

    from cxlib import privacy

    good, _ = small_engagements
    _, out = batch_run
    survey = pd.read_csv(good / "survey.csv", dtype=str, keep_default_na=False)
    codebook = pd.read_csv(good / "codebook.csv", dtype=str, keep_default_na=False)
    pii_columns = codebook.loc[codebook["role"] == "pii", "column"].tolist()
    text_columns = codebook.loc[codebook["role"] == "verbatim", "column"].tolist()
    comments = set(survey[text_columns].to_numpy().ravel()) - {""}
    corpus = {c for c, _ in PII_COMMENTS}
    # The survey really carries the corpus: every comment, and pii columns whose values the comments name.
    assert corpus <= comments and set(ORDINARY_COMMENTS) <= comments
    assert len(pii_columns) >= 5 and set(pii_columns) <= set(survey.columns)
    values = {v.strip() for c in pii_columns for v in survey[c] if v.strip()}
    assert {"Pieter", "Jansen", "ahmed.yilmaz@ziggo.nl", "+31 6 4455 6677"} <= values
    named = sum(any(_pattern(v).search(_normalise(c)) for v in ("Pieter", "Jansen", "CUST-00912")) for c in comments)
    assert named >= 3

    needles: dict[str, str] = {}   # one per spelling a reader would see ("Mark" and "MARK" are one)
    for needle, kind in [(p, "planted") for _, planted in PII_COMMENTS for p in planted] + \
            [(v, "pii value") for v in sorted(values - KEPT_COMMON_WORDS)]:
        needles.setdefault(_normalise(needle), kind)
    files = [p for p in (out / "small-retailer").rglob("*") if p.is_file()] + [out / "index.html"]
    pdfs = [p.name for p in files if p.suffix.lower() == ".pdf"]
    assert not pdfs, f"a PDF was published and this scan cannot read it: {pdfs}"
    scanned = [p for p in files if p.suffix.lower() in TEXT_SUFFIXES | OFFICE_SUFFIXES]
    leaks = []
    for path in scanned:
        text = _published_text(path)
        words = set(_WORD.findall(text))
        leaks += [f"{path.name}: {kind} {needle!r}" for needle, kind in needles.items() if _found(needle, text, words)]
        # Column names as written (case-sensitive): "RecipientEmail", "ExternalReference", ...
        original = path.read_text(encoding="utf-8", errors="replace") if path.suffix.lower() in TEXT_SUFFIXES else text
        leaks += [f"{path.name}: pii column name {c!r}" for c in pii_columns if re.search(rf"\b{c}\b", original)]

    # The comments reached the reports: each quote on the verbatims page is a planted comment as scrub
    # leaves it (with the engagement's pii values), and ordinary comments are quoted word for word.
    pii_values = tuple(sorted(values))
    scrubbed = {" ".join(privacy.scrub(c, pii_values=pii_values).split()): c for c in comments}
    page = out / "small-retailer" / "04_advocacy_programme.html"
    quotes = _quotes(page)
    unplanted = [q for q in quotes if q not in scrubbed]
    ordinary = [q for q in quotes if q in ORDINARY_COMMENTS]
    from_pii = [q for q in quotes if q in scrubbed and q not in ORDINARY_COMMENTS]
    print(f"\nPII corpus: {len(PII_COMMENTS)} PII comments in {len(set(LANGUAGE.values()))} languages "
          f"({', '.join(f'{lang} {list(LANGUAGE.values()).count(lang)}' for lang in sorted(set(LANGUAGE.values())))}), "
          f"{len(ORDINARY_COMMENTS)} ordinary, {len(comments)} distinct comments in the survey; "
          f"{len(needles):,} strings searched ({sum(k == 'planted' for k in needles.values())} planted, "
          f"{sum(k == 'pii value' for k in needles.values()):,} pii values, {len(KEPT_COMMON_WORDS)} common-word "
          f"values kept by design) and {len(pii_columns)} pii column names in {len(scanned)} published files: "
          f"{len(leaks)} found; verbatims page: {len(quotes)} quotes, {len(ordinary)} ordinary word for word, "
          f"{len(from_pii)} scrubbed, {len(unplanted)} not planted")
    assert len(scanned) >= 10 and page in scanned
    assert not leaks, leaks[:20]
    assert len(quotes) >= 3 and not unplanted, unplanted[:5]
    assert ordinary and from_pii, quotes
