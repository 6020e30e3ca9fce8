"""Acceptance (#10, privacy): no customer id, e-mail address or phone number from the inputs appears in any
generated output (ipynb, html, json, the deck's pptx) of a batch run or of the demo reports.

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
    files = [p for p in (out / "small-retailer").rglob("*") if p.suffix in (".ipynb", ".html", ".json", ".pptx")]
    files.append(out / "index.html")
    assert len(files) >= 10 and any(p.suffix == ".pptx" for p in files)  # the deck is scanned too
    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    leaks = []
    for path in files:
        text = _published_text(path) if path.suffix == ".pptx" else path.read_text(encoding="utf-8")
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
    for path in [p for p in report_dir.rglob("*") if p.suffix in (".ipynb", ".html", ".json", ".pptx")]:
        text = _published_text(path) if path.suffix == ".pptx" else path.read_text(encoding="utf-8")
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
#: Printed files whose text is read with pypdf (the engagement's PDF, cxlib.browser.print_pdf).
PDF_SUFFIXES = {".pdf"}
#: Slide decks (the executive summary's, cxlib.deck), read with python-pptx as well as as XML.
DECK_SUFFIXES = {".pptx"}
#: pii-column values that are one common word: scrub keeps them on purpose ("A one-word value that is a
#: common word ('Will', 'May', 'Best') is not removed", cxlib.privacy.scrub), so "I will be back" keeps its
#: words. The full name they make ("Will Best", a planted string) is searched for.
KEPT_COMMON_WORDS = {"Will", "Best"}
_BASE64 = re.compile(r"data:[\w.+\-]+/[\w.+\-]+;base64,[A-Za-z0-9+/=\s]+")
# The notebook template's stylesheet (it has a `mark` selector) and the methods' own eponyms, which the
# corpus's names share ("Wilson score intervals", "Kaplan–Meier"): the workbook's words, not the data's.
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
_EPONYMS = re.compile(r"\bwilson(?=\s+(?:score|interval)\b)|\bkaplan\s*[–-]\s*meier\b", re.IGNORECASE)
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
    """Text as a reader sees it: HTML entities and Markdown escapes undone (twice, for text escaped twice),
    one form of each accented letter and of the apostrophe."""
    for _ in range(2):
        text = _MARKDOWN_ESCAPE.sub(r"\1", html.unescape(text))
    return unicodedata.normalize("NFC", text).replace("’", "'")


def _published_text(path: Path) -> str:
    """The text of one published file (figures' base64 data left out: they are pictures, not text)."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        import pypdf

        # NFKC undoes the ligatures a PDF's text carries ('ﬁ' -> 'fi'); line breaks are white space.
        text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
        return _EPONYMS.sub(" ", _normalise(unicodedata.normalize("NFKC", text)))
    if suffix in DECK_SUFFIXES:
        # The slides' text as python-pptx reads it (each paragraph's runs joined, each table cell, each
        # picture's alt text), and the archive's XML text as for any office file.
        return _deck_text(path) + "\n" + _published_text_of_office(path)
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


def _deck_text(path: Path) -> str:
    from pptx import Presentation

    parts: list[str] = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            parts.append(shape._element.xpath("string(.//p:cNvPr/@descr)") or "")
            if shape.has_text_frame:
                parts += [p.text for p in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return _EPONYMS.sub(" ", _normalise("\n".join(parts)))


def _published_text_of_office(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = " ".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist() if n.endswith((".xml", ".rels")))
    return _EPONYMS.sub(" ", _normalise(re.sub(r"<[^>]+>", " ", xml)))


class _Text:
    """A published text with its words, as written and case-folded (ß as ss), for searching many needles."""

    def __init__(self, text: str):
        self.exact, self.folded = text, text.casefold()
        self.words = set(_WORD.findall(self.exact)), set(_WORD.findall(self.folded))

    def has(self, needle: str, *, fold: bool) -> bool:
        """``needle`` as a whole word or number: not inside a longer word, nor digits inside a longer number
        (so "4455" is not found in "0.44551"); any run of spaces matches any run of spaces. ``fold``: in any
        case (a pii value, which a comment may write in any case); else as written (a planted string, copied
        from its comment: a leak keeps its case, and "Ben" is not the Dutch "ik ben")."""
        n = _normalise(needle)
        n, text, words = (n.casefold(), self.folded, self.words[1]) if fold else (n, self.exact, self.words[0])
        if not set(_WORD.findall(n)) <= words:   # cheap test first: thousands of needles per file
            return False
        body = r"\s+".join(re.escape(part) for part in n.split())
        start = r"(?<!\w)" if n[:1].isalnum() or n[:1] == "_" else ""
        stop = r"(?!\w)" if n[-1:].isalnum() or n[-1:] == "_" else ""
        if n[:1].isdigit():
            start += r"(?<!\d[.,])"
        if n[-1:].isdigit():
            stop += r"(?![.,]\d)"
        return re.search(start + body + stop, text) is not None


def _needles(planted_comments, values) -> dict[tuple[str, bool], str]:
    """``{(needle, fold): kind}``: every planted string as written, every pii value in any case."""
    out: dict[tuple[str, bool], str] = {}
    for _, planted in planted_comments:
        for p in planted:
            out.setdefault((_normalise(p), False), "planted")
    for v in sorted(set(values) - KEPT_COMMON_WORDS):
        out.setdefault((_normalise(v).casefold(), True), "pii value")
    return out


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
    assert sum(_Text(c).has("Jansen", fold=True) or _Text(c).has("CUST-00912", fold=True) for c in comments) >= 3

    needles = _needles(PII_COMMENTS, values)
    files = [p for p in (out / "small-retailer").rglob("*") if p.is_file()] + [out / "index.html"]
    scanned = [p for p in files if p.suffix.lower() in TEXT_SUFFIXES | OFFICE_SUFFIXES | PDF_SUFFIXES]
    leaks = []
    for path in scanned:
        text = _Text(_published_text(path))
        leaks += [f"{path.name}: {kind} {n!r}" for (n, fold), kind in needles.items() if text.has(n, fold=fold)]
        # Column names as written: "RecipientEmail", "ExternalReference", ...
        leaks += [f"{path.name}: pii column name {c!r}" for c in pii_columns if text.has(c, fold=False)]

    # The comments reached the reports: each quote on the verbatims page is a planted comment as scrub
    # leaves it (with the engagement's pii values), and ordinary comments are quoted word for word.
    pii_values = tuple(sorted(values))
    scrubbed = {" ".join(privacy.scrub(c, pii_values=pii_values).split()): c for c in comments}
    page = out / "small-retailer" / "04_advocacy_programme.html"
    quotes = _quotes(page)
    unplanted = [q for q in quotes if q not in scrubbed]
    ordinary = [q for q in quotes if q in ORDINARY_COMMENTS]
    from_pii = [q for q in quotes if q in scrubbed and q not in ORDINARY_COMMENTS]
    languages = sorted(set(LANGUAGE.values()))
    print(f"\nPII corpus: {len(PII_COMMENTS)} PII comments in {len(languages)} languages "
          f"({', '.join(f'{lang} {list(LANGUAGE.values()).count(lang)}' for lang in languages)}), "
          f"{len(ORDINARY_COMMENTS)} ordinary, {len(comments)} distinct comments in the survey; "
          f"{len(needles):,} strings searched ({sum(k == 'planted' for k in needles.values())} planted, "
          f"{sum(k == 'pii value' for k in needles.values()):,} pii values; {len(KEPT_COMMON_WORDS)} common-word "
          f"values kept by design) and {len(pii_columns)} pii column names in {len(scanned)} published files: "
          f"{len(leaks)} found; verbatims page: {len(quotes)} quotes, {len(ordinary)} ordinary word for word, "
          f"{len(from_pii)} scrubbed, {len(unplanted)} not planted")
    assert len(scanned) >= 10 and page in scanned and any(p.suffix == ".pptx" for p in scanned)
    assert not leaks, leaks[:20]
    assert len(quotes) >= 3 and not unplanted, unplanted[:5]
    assert ordinary and from_pii, quotes


def test_every_comment_of_the_corpus_quoted_by_the_verbatims_page_code_leaks_nothing(small_engagements):
    """The published page quotes a few comments; this one quotes them all, through the page's own code
    (``programme.build`` with the engagement's pii values, every comment a quote) and the verbatims with no
    length floor, so each of the corpus's comments is checked as a reader of the page would see it."""
    import cxlib
    from cxlib import verbatims
    from cxlib.pages import programme
    from pii_corpus import ORDINARY_COMMENTS, PII_COMMENTS

    good, _ = small_engagements
    eng = cxlib.load_engagement(good)
    frame = eng.frame()
    text = eng.columns("verbatim")[0]
    page = programme.build(eng, n_boot=0, quotes_per_segment=10_000)
    every = verbatims.verbatims(frame, text=text, per_group=10_000, min_chars=0, min_cell=1,
                                pii_values=eng.pii_values())
    shown = _Text(_normalise(str(page.verbatims()) + "\n" + "\n".join(every.table["quote"])))
    corpus = {c for c, _ in PII_COMMENTS}
    analysed = set(frame[text].dropna())
    needles = _needles(PII_COMMENTS, eng.pii_values())
    leaks = sorted(n for (n, fold) in needles if shown.has(n, fold=fold))
    changed = [c for c in ORDINARY_COMMENTS if c in analysed and _normalise(c) not in shown.exact]
    print(f"\nverbatims code: {len(corpus & analysed)} of {len(corpus)} PII comments and "
          f"{len(set(ORDINARY_COMMENTS) & analysed)} ordinary ones among {len(analysed)} analysed comments, all "
          f"quoted; {len(needles):,} strings searched: {len(leaks)} found; {len(changed)} ordinary comments changed")
    assert len(corpus & analysed) >= 0.95 * len(corpus)   # three rows each: nearly all are analysed
    assert not leaks, leaks[:20]
    assert not changed, changed


# -- #20: the workbook of tables ---------------------------------------------------------------------------

def test_nothing_planted_is_in_the_workbook_of_tables(batch_run, small_engagements):
    """The small retailer's published workbook (``<slug>-tables.xlsx``, cxlib.workbook) read as a spreadsheet
    user reads it (every sheet name, cell and comment, with openpyxl) and as its XML text: no customer id, no
    planted e-mail or phone number, no planted string of a PII comment, no pii-column value or name. (The scan of
    every published file above reads the workbook's XML too.)"""
    from openpyxl import load_workbook
    from pii_corpus import PII_COMMENTS

    good, _ = small_engagements
    _, out = batch_run
    path = out / "small-retailer" / "small-retailer-tables.xlsx"
    assert path.is_file(), "cx run published no workbook of tables"
    book = load_workbook(path)
    parts = list(book.sheetnames)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    parts.append(str(cell.value))
                if cell.comment is not None:
                    parts.append(cell.comment.text)
    cells = "\n".join(parts)
    text = _Text(_EPONYMS.sub(" ", _normalise(cells)) + "\n" + _published_text(path))

    ids = set(pd.read_csv(good / "customers.csv", dtype=str)["customer_id"])
    survey_text = (good / "survey.csv").read_text(encoding="utf-8")
    contacts = set(EMAIL.findall(survey_text)) | set(PHONE.findall(survey_text))
    survey = pd.read_csv(good / "survey.csv", dtype=str, keep_default_na=False)
    codebook = pd.read_csv(good / "codebook.csv", dtype=str, keep_default_na=False)
    pii_columns = codebook.loc[codebook["role"] == "pii", "column"].tolist()
    values = {v.strip() for c in pii_columns for v in survey[c] if v.strip()}
    needles = _needles(PII_COMMENTS, values)
    assert ids and contacts and len(pii_columns) >= 5 and len(parts) > 500  # the input carries them; a full workbook

    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    leaks = [f"id {m}" for m in sorted(set(id_pattern.findall(text.exact)))]
    leaks += [f"contact {x}" for x in sorted(contacts) if x in text.exact]
    leaks += [f"{kind} {n!r}" for (n, fold), kind in needles.items() if text.has(n, fold=fold)]
    leaks += [f"pii column name {c!r}" for c in pii_columns if text.has(c, fold=False)]
    print(f"\nworkbook: {len(book.sheetnames)} sheets, {len(parts):,} cells, names and comments; scanned for "
          f"{len(ids):,} ids, {len(contacts)} planted e-mails/phones, {len(needles):,} PII strings and "
          f"{len(pii_columns)} pii column names: {len(leaks)} found")
    assert not leaks, leaks[:20]
