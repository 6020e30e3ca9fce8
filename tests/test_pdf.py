"""Acceptance (#20, item 2): one printable PDF per engagement, printed by headless Chromium (cxlib.browser.print_pdf)
when `cx run` publishes it.

The session's small batch (tests/conftest.py, ``batch_run``) is the PDF under test: it opens in ``pdftoppm`` and
in pypdf; each report is a section whose title starts a page, in report order (00, 01, ...); every figure
lies whole on one page (each image drawn on exactly one page, and as many images as the reports show); the
footer carries the client and the page number; nothing of the planted identifiers, e-mails or phone numbers
is in its text. Small hand-made pages check that the checks can fail (an image taller than a page, a page
wider than the paper) and that a wide table shrinks to the page. A tiny notebook run through ``batch.run``
checks the publishing path: without Chromium the run succeeds and run.json and the index say why; a later
run that can print makes the PDF; ``skip=("pdf",)`` leaves it out.

`make test` sets CXLIB_REQUIRE_BROWSER=1 after installing Chromium and poppler-utils (make browser), so there
these tests fail rather than skip when either is missing.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from cxlib import batch, browser

SLUG = "small-retailer"


def _require(found: str | None, what: str) -> str:
    if not found:
        if os.environ.get("CXLIB_REQUIRE_BROWSER"):
            pytest.fail(f"{what} is required (make browser installs it) but was not found")
        pytest.skip(f"{what} not installed (make browser)")
    return found


@pytest.fixture(scope="module")
def chromium_binary():
    return _require(browser.find_chromium(), "Chromium")


@pytest.fixture(scope="module")
def chromium_address(chromium_binary):
    """One Chromium for the hand-made pages of this module (each print a new tab, as in a batch)."""
    with browser.chromium(chromium_binary) as address:
        yield address


@pytest.fixture(scope="module")
def pdftoppm():
    return _require(shutil.which("pdftoppm"), "pdftoppm (Debian poppler-utils)")


@pytest.fixture(scope="module")
def printed(batch_run, chromium_binary):
    """The small retailer's published PDF, read once: (path, pypdf reader, each page's text, run.json record)."""
    import pypdf

    proc, out = batch_run
    folder = out / SLUG
    pdf = folder / f"{SLUG}.pdf"
    assert (folder / "run.json").is_file(), f"{SLUG} was not published: {proc.stderr[-2000:]}"
    assert pdf.is_file(), f"no PDF published: run.json says {json.loads((folder / 'run.json').read_text())['outputs']}"
    reader = pypdf.PdfReader(pdf)
    texts = [_plain(page.extract_text()) for page in reader.pages]
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))["outputs"]["pdf"]
    return pdf, reader, texts, record


def _plain(text: str) -> str:
    """Page text as words: ligatures undone (NFKC: 'ﬁ' -> 'fi'), every run of white space one space."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _titles(folder: Path) -> list[str]:
    """Each report's first heading, in report order (00, 01, ...): what each section must start with."""
    from bs4 import BeautifulSoup

    out = []
    for page in sorted(folder.glob("[0-9][0-9]_*.html")):
        h1 = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("h1")
        out.append(" ".join(h1.get_text(" ").split()))
    return out


def _images_by_page(reader) -> dict[tuple[int, int], list[int]]:
    """``{image object: [pages that draw it]}``, from each page's content stream (``Do`` of an image XObject,
    through form XObjects): an image split across two pages is drawn on both."""
    from pypdf.generic import ContentStream, IndirectObject

    drawn: dict[tuple[int, int], set[int]] = {}

    def walk(content, resources, page_no: int, depth: int = 0) -> None:
        xobjects = (resources or {}).get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else {}
        for operands, operator in ContentStream(content, reader).operations:
            if operator != b"Do":
                continue
            ref = xobjects.raw_get(operands[0]) if hasattr(xobjects, "raw_get") else xobjects[operands[0]]
            obj = ref.get_object()
            key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else (id(obj), 0)
            if obj.get("/Subtype") == "/Image":
                drawn.setdefault(key, set()).add(page_no)
            elif obj.get("/Subtype") == "/Form" and depth < 8:
                walk(obj, obj.get("/Resources"), page_no, depth + 1)

    for page_no, page in enumerate(reader.pages):
        contents = page.get_contents()
        if contents is not None:
            walk(contents, page.get("/Resources").get_object() if page.get("/Resources") else {}, page_no)
    return {key: sorted(pages) for key, pages in drawn.items()}


# -- the published PDF -------------------------------------------------------------------------------

def test_the_pdf_opens_in_pdftoppm_and_pypdf_and_run_json_counts_its_pages(printed, pdftoppm, tmp_path):
    pdf, reader, texts, record = printed
    proc = subprocess.run([pdftoppm, "-r", "50", "-png", str(pdf), str(tmp_path / "page")], capture_output=True,
                          text=True, timeout=300)
    pngs = sorted(tmp_path.glob("page-*.png"))
    print(f"\n{pdf.name}: {len(reader.pages)} A4 pages, {pdf.stat().st_size / 1e6:.1f} MB, printed in "
          f"{record['seconds']} s; pdftoppm -r 50 rendered {len(pngs)} pages")
    assert proc.returncode == 0 and "error" not in proc.stderr.lower(), proc.stderr
    assert len(pngs) == len(reader.pages) == record["pages"] >= 5
    assert all(p.stat().st_size > 2_000 for p in pngs)  # pages with something on them
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4, in mm
    assert record["made"] is True and record["file"] == pdf.name and record["too_wide"] == []


def test_each_report_is_a_section_starting_a_page_in_report_order(printed, batch_run):
    _, out = batch_run
    _, reader, texts, record = printed
    titles = _titles(out / SLUG)
    assert len(titles) >= 5 and record["sections"] == titles
    starts = []
    for title in titles:
        first = [i for i, text in enumerate(texts) if text.startswith(title)]
        assert len(first) == 1, f"{title!r} starts pages {first}"
        starts.append(first[0])
    print(f"\nsections start on pages {[s + 1 for s in starts]} of {len(texts)}")
    assert starts[0] == 0 and starts == sorted(starts) and len(set(starts)) == len(starts)
    # At least one page each, and the title's page is the section's first: the page before ends the previous one.
    ends = starts[1:] + [len(texts)]
    assert all(end > start for start, end in zip(starts, ends))


def test_every_page_has_the_client_and_its_number_in_the_footer(printed, batch_run):
    _, out = batch_run
    _, _, texts, _ = printed
    client = json.loads((out / SLUG / "run.json").read_text(encoding="utf-8"))["client"]
    n = len(texts)
    missing = [i + 1 for i, text in enumerate(texts) if not (client in text and text.endswith(f"page {i + 1} of {n}"))]
    assert not missing, f"pages without '{client} … page i of {n}': {missing[:10]}"


def test_no_figure_is_split_across_pages(printed, batch_run):
    _, out = batch_run
    _, reader, _, _ = printed
    shown = sum(p.read_text(encoding="utf-8").count("<img ") for p in (out / SLUG).glob("[0-9][0-9]_*.html"))
    where = _images_by_page(reader)
    split = {key: pages for key, pages in where.items() if len(pages) != 1}
    print(f"\n{len(where)} images in the PDF ({shown} figures on the report pages); {len(split)} on more than one page")
    assert not split, split
    assert len(where) == shown >= 10


def test_no_planted_identifier_email_or_phone_is_in_the_pdf(printed, small_engagements):
    """The same planted values as tests/test_privacy_scan.py looks for in the HTML reports, in the PDF's text."""
    from test_privacy_scan import EMAIL, PHONE

    good, _ = small_engagements
    _, _, texts, _ = printed
    text = "\n".join(texts)
    ids = set(pd.read_csv(good / "customers.csv", dtype=str)["customer_id"])
    survey = (good / "survey.csv").read_text(encoding="utf-8")
    emails, phones = set(EMAIL.findall(survey)), set(PHONE.findall(survey))
    assert ids and emails and phones and len(text) > 10_000
    leaks = sorted(re.findall(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b", text))
    leaks += sorted(x for x in emails | phones if x in text or x.replace(" ", "") in text.replace(" ", ""))
    leaks += EMAIL.findall(text)  # no e-mail address of any kind
    print(f"\nPDF text: {len(text):,} characters searched for {len(ids):,} ids, {len(emails)} e-mails and "
          f"{len(phones)} phones: {len(leaks)} found")
    assert not leaks, leaks[:10]


def _pdf_problems(folder: Path, data_dir: Path) -> tuple[list[str], str]:
    """Everything the checks above ask of one published report's PDF, as a list of problems, and a summary line."""
    import pypdf

    from test_privacy_scan import EMAIL, PHONE

    pdf = folder / f"{folder.name}.pdf"
    reader = pypdf.PdfReader(pdf)
    texts = [_plain(page.extract_text()) for page in reader.pages]
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))["outputs"]["pdf"]
    problems = [] if record.get("made") and record.get("pages") == len(texts) else [f"run.json says {record}"]
    starts = []
    for title in _titles(folder):
        first = [i for i, text in enumerate(texts) if text.startswith(title)]
        problems += [] if len(first) == 1 else [f"{title!r} starts pages {first}"]
        starts += first[:1]
    problems += [] if starts == sorted(starts) and starts[:1] == [0] else [f"sections start on pages {starts}"]
    where = _images_by_page(reader)
    shown = sum(p.read_text(encoding="utf-8").count("<img ") for p in folder.glob("[0-9][0-9]_*.html"))
    problems += [f"image on pages {pages}" for pages in where.values() if len(pages) != 1]
    problems += [] if len(where) == shown else [f"{len(where)} images printed, {shown} on the pages"]
    problems += [f"too wide: {w}" for w in record.get("too_wide", [])]
    text = "\n".join(texts)
    ids = set(pd.read_csv(data_dir / "customers.csv", dtype=str)["customer_id"])
    survey = (data_dir / "survey.csv").read_text(encoding="utf-8")
    planted = set(EMAIL.findall(survey)) | set(PHONE.findall(survey))
    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    problems += [f"id {m}" for m in sorted(set(id_pattern.findall(text)))]
    problems += [f"planted {x}" for x in sorted(planted) if x in text] + [f"e-mail {m}" for m in EMAIL.findall(text)]
    summary = (f"{folder.name}.pdf: {len(texts)} pages, {pdf.stat().st_size / 1e6:.1f} MB, printed in "
               f"{record.get('seconds')} s; sections start on pages {[i + 1 for i in starts]}; {len(where)} images, "
               f"{sum(len(p) != 1 for p in where.values())} split; {len(ids):,} ids and {len(planted)} planted "
               f"e-mails/phones searched: {len(problems)} problems")
    return problems, summary


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_the_demo_pdfs(slug, pdftoppm, tmp_path):
    """Acceptance (#20) on the demo engagements as `make demo` publishes them: every check above, and pdftoppm."""
    root = Path(__file__).resolve().parents[1]
    folder = root / "reports" / slug
    if not (folder / f"{slug}.pdf").is_file():
        pytest.skip("run `make demo` first to publish the demo reports and their PDFs")
    problems, summary = _pdf_problems(folder, root / "data" / slug)
    proc = subprocess.run([pdftoppm, "-r", "20", "-png", str(folder / f"{slug}.pdf"), str(tmp_path / "p")],
                          capture_output=True, text=True, timeout=300)
    print("\n" + summary)
    assert proc.returncode == 0 and "error" not in proc.stderr.lower(), proc.stderr
    assert not problems, problems[:10]


# -- the checks can fail; a wide table shrinks to the page ----------------------------------------------

def test_the_split_check_finds_an_image_taller_than_a_page(tmp_path, chromium_address):
    """Without the report's print style sheet, an image 1.5 pages tall is drawn on two pages: the check sees it."""
    import base64
    import io

    import pypdf
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 400), (30, 90, 160)).save(buf, format="PNG")
    src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    page = tmp_path / "tall.html"
    page.write_text(f"<html><body><h1>Tall</h1><img src='{src}' style='width:100px;height:1500px'></body></html>")
    printed = browser.print_pdf([page], tmp_path / "tall.pdf", client="Test", address=chromium_address)
    where = _images_by_page(pypdf.PdfReader(tmp_path / "tall.pdf"))
    assert printed.pages >= 2 and printed.images == 1
    assert [len(pages) for pages in where.values()] == [2], where


def test_a_wide_table_shrinks_to_the_page_and_a_wide_block_is_reported(tmp_path, chromium_address):
    import nbformat
    import pypdf

    from cxlib import render

    wide = pd.DataFrame([[f"r{r}c{c} value" for c in range(28)] for r in range(4)],
                        columns=[f"Column {c:02d} heading" for c in range(28)])
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A wide table"),
        nbformat.v4.new_code_cell("wide", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/html": wide.to_html(index=False), "text/plain": "wide"}, execution_count=1)]),
    ])
    page = tmp_path / "01_wide.html"
    page.write_text(render.notebook_html(nb, provenance="test"), encoding="utf-8")
    printed = browser.print_pdf([page], tmp_path / "wide.pdf", client="Test", address=chromium_address)
    text = _plain(" ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "wide.pdf").pages))
    assert printed.overflow == [] and printed.sections == ["A wide table"]
    assert "Column 27 heading" in text and "r3c27 value" in text  # the last column is printed, not cut off

    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><h1>Wide</h1><pre style='width:1400px;overflow:auto'>x</pre></body></html>")
    printed = browser.print_pdf([bad], tmp_path / "bad.pdf", client="Test", address=chromium_address)
    assert printed.overflow and "pre" in printed.overflow[0], printed.overflow


def test_print_pdf_checks_its_arguments(tmp_path):
    from cxlib.errors import ArgumentError

    with pytest.raises(ArgumentError, match="browser.print_pdf: pages is empty"):
        browser.print_pdf([], tmp_path / "x.pdf", client="Acme")
    with pytest.raises(ArgumentError, match="no page at"):
        browser.print_pdf([tmp_path / "missing.html"], tmp_path / "x.pdf", client="Acme")
    (tmp_path / "a.html").write_text("<h1>A</h1>")
    with pytest.raises(ArgumentError, match="client must be text"):
        browser.print_pdf([tmp_path / "a.html"], tmp_path / "x.pdf", client=None)


def test_the_footer_prints_the_client_name_as_text(tmp_path, chromium_address):
    """The client's name is the client's own text: HTML-escaped in the footer, so it prints as written."""
    import pypdf

    page = tmp_path / "a.html"
    page.write_text("<html><body><h1>One page</h1></body></html>")
    browser.print_pdf([page], tmp_path / "a.pdf", client="<b>Acme</b> & Co", address=chromium_address)
    (text,) = [_plain(p.extract_text()) for p in pypdf.PdfReader(tmp_path / "a.pdf").pages]
    assert text.startswith("One page") and text.endswith("<b>Acme</b> & Co page 1 of 1"), text


# -- the publishing path: without Chromium, later with it, and skipped ---------------------------------

@pytest.fixture(scope="module")
def tiny_notebook(tmp_path_factory):
    """A notebook that takes the batch's parameters and shows one heading: a batch run of it costs seconds."""
    import nbformat

    folder = tmp_path_factory.mktemp("tiny-notebooks")
    params = nbformat.v4.new_code_cell("engagement = ''\nseed = 0\nout = ''")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_markdown_cell("# Tiny report\n\nOne paragraph.")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "01_tiny.ipynb"
    nbformat.write(nb, path)
    return path


#: The other heavy outputs (the deck, the workbook), left out of the publishing test below: it checks the PDF.
OTHERS = [name for name in batch.OUTPUTS if name != "pdf"]


def _run_record(out: Path) -> dict:
    return json.loads((out / SLUG / "run.json").read_text(encoding="utf-8"))["outputs"]["pdf"]


def test_without_chromium_the_run_succeeds_and_says_why_and_a_later_run_makes_the_pdf(
        small_engagements, tiny_notebook, tmp_path, monkeypatch, chromium_binary):
    good, _ = small_engagements
    out = tmp_path / "reports"
    with monkeypatch.context() as m:
        m.setattr(browser, "find_chromium", lambda: None)
        (res,) = batch.run([good], out=out, notebooks=[tiny_notebook], jobs=1, force=True, skip=OTHERS)
    record = _run_record(out)
    assert res.status == "ok" and res.outputs["pdf"] == record
    assert record["made"] is False and "Chromium is not installed" in record["reason"]
    assert not (out / SLUG / f"{SLUG}.pdf").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "No PDF" in index and "Chromium is not installed" in index

    # Nothing changed, but the published report lacks its PDF and Chromium is here now: the run makes it.
    (res,) = batch.run([good], out=out, notebooks=[tiny_notebook], jobs=1, skip=OTHERS)
    record = _run_record(out)
    assert res.status == "ok" and record["made"] is True and record["pages"] >= 1
    assert record["sections"] == ["Tiny report"] and (out / SLUG / f"{SLUG}.pdf").is_file()
    assert f"{SLUG}/{SLUG}.pdf" in (out / "index.html").read_text(encoding="utf-8")
    (res,) = batch.run([good], out=out, notebooks=[tiny_notebook], jobs=1, skip=OTHERS)
    assert res.status == "skipped"  # now it has its PDF: unchanged

    (res,) = batch.run([good], out=out, notebooks=[tiny_notebook], jobs=1, force=True, skip=["pdf", *OTHERS])
    record = _run_record(out)
    assert res.status == "ok" and record == {"made": False, "reason": "skipped for this run (cx run --skip pdf)"}
    assert not (out / SLUG / f"{SLUG}.pdf").exists()
    (res,) = batch.run([good], out=out, notebooks=[tiny_notebook], jobs=1, skip=["pdf", *OTHERS])
    assert res.status == "skipped"  # a quick run does not re-run a report for a PDF it does not want


def test_skip_names_an_output_with_close_matches(tmp_path):
    from click.testing import CliRunner

    from cxlib.cli import cli
    from cxlib.errors import ArgumentError

    with pytest.raises(ArgumentError, match=r"batch.run: skip must be one of 'pdf', .*not 'pfd'; did you mean 'pdf'\?"):
        batch.run([tmp_path], out=tmp_path / "out", skip=["pfd"])
    assert not (tmp_path / "out").exists()  # refused before anything was written
    result = CliRunner().invoke(cli, ["run", str(tmp_path), "--out", str(tmp_path / "out"), "--skip", "pdf,dek"])
    assert result.exit_code == 2
    assert "--skip must be one of 'pdf', " in result.output and "not 'dek'" in result.output
