"""The executive summary as a slide deck (cxlib.deck, render.write_deck, the batch's deck step; issue 20 item 1).

Acceptance on the session's small batch (tests/conftest.py, ``batch_run``): the published deck opens with
python-pptx; every shape lies within the 16:9 slide; no text runs outside its box, measured here with PIL on
each text frame's own text, font size, line spacing and width (independently of cxlib.deck's own
measurement); every number on a slide is a figure of ``results.json`` formatted as the report formats it,
and a number of the HTML summary; each chart is a picture of at least 200 dpi with its alt text. The
LibreOffice rendering (every slide shows its chart) is a check of its own: ``make deck-check``
(``pytest -m libreoffice``), not part of ``make test``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pptx = pytest.importorskip("pptx")

from cxlib import deck  # noqa: E402
from cxlib.errors import ArgumentError  # noqa: E402

SLUG = "small-retailer"
EMU_PER_PT = 12700
EMU_PER_IN = 914400


# -- fixtures ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def published(batch_run):
    """The small retailer's published report folder and its deck (opened with python-pptx)."""
    _, out = batch_run
    folder = out / SLUG
    path = folder / f"{SLUG}-summary.pptx"
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))["outputs"].get("deck")
    assert path.is_file(), f"no deck published: run.json says {record}"
    return folder, pptx.Presentation(str(path)), record


@pytest.fixture(scope="module")
def page(batch_run, small_engagements):
    """The summary page re-built from the published results.json, as render.write_deck builds it."""
    import cxlib
    from cxlib.pages import summary

    good, _ = small_engagements
    _, out = batch_run
    results = json.loads((out / SLUG / "results.json").read_text(encoding="utf-8"))
    return summary.build(cxlib.load_engagement(good), seed=0, results=results)


# -- an independent measure of text in a box --------------------------------------------------------------

def _font(bold: bool, italic: bool):
    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans" + {(False, False): "", (True, False): "-Bold", (False, True): "-Oblique",
                           (True, True): "-BoldOblique"}[(bool(bold), bool(italic))] + ".ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), 200)


_FONTS: dict = {}


def _length(text: str, size: float, bold: bool, italic: bool) -> float:
    """Advance width of ``text`` in points at ``size`` points (PIL, the whole string: kerning included)."""
    key = (bool(bold), bool(italic))
    if key not in _FONTS:
        _FONTS[key] = _font(*key)
    return _FONTS[key].getlength(text) * size / 200.0


def _paragraph_lines(paragraph, width_pt: float) -> int:
    """Lines the paragraph takes in a box ``width_pt`` wide: greedy wrap at spaces, each line measured as its
    runs' strings (not word by word)."""
    pieces = []  # (text, size, bold, italic) per word piece, words keep their trailing space
    for run in paragraph.runs:
        f = run.font
        assert f.size is not None and f.name == deck.FONT, f"a run without its size or font: {run.text!r}"
        for piece in re.findall(r"\S+\s*|\s+", run.text):
            pieces.append((piece, f.size.pt, bool(f.bold), bool(f.italic)))
    words, current = [], []
    for p in pieces:
        current.append(p)
        if p[0][-1:].isspace():
            words.append(current)
            current = []
    if current:
        words.append(current)
    lines, line = 1, []

    def measure(ws, strip_last=True):
        segs = [s for w in ws for s in w]
        total = 0.0
        for k, (t, size, b, i) in enumerate(segs):
            total += _length(t.rstrip() if strip_last and k == len(segs) - 1 else t, size, b, i)
        return total

    for w in words:
        if line and measure(line + [w]) > width_pt:
            lines += 1
            line = [w]
        else:
            line.append(w)
    return lines


def _frame_overflow(tf, width_emu: int, height_emu: int, where: str) -> list[str]:
    """Problems of one text frame: text taller than its box (insets excluded) or unmeasurable."""
    from pptx.enum.text import MSO_AUTO_SIZE

    problems = []
    inner_w = (width_emu - (tf.margin_left or 0) - (tf.margin_right or 0)) / EMU_PER_PT
    inner_h = (height_emu - (tf.margin_top or 0) - (tf.margin_bottom or 0)) / EMU_PER_PT
    if tf.word_wrap is False or tf.auto_size not in (None, MSO_AUTO_SIZE.NONE):
        problems.append(f"{where}: word wrap off or auto-size on")
    used = 0.0
    paras = [p for p in tf.paragraphs if p.runs]
    for k, p in enumerate(paras):
        if p.line_spacing is None or isinstance(p.line_spacing, float):
            problems.append(f"{where}: a paragraph without an exact line spacing")
            continue
        used += _paragraph_lines(p, inner_w) * p.line_spacing.pt
        if k < len(paras) - 1 and p.space_after is not None:
            used += p.space_after.pt
    if used > inner_h + 0.01:
        problems.append(f"{where}: text {used:.1f} pt tall in a box {inner_h:.1f} pt tall: "
                        f"{' '.join(p.text for p in paras)[:80]!r}")
    return problems


def overflows(prs) -> list[str]:
    """Every shape outside the slide and every text box or table cell whose text is taller than the box."""
    W, H = prs.slide_width, prs.slide_height
    problems = []
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            where = f"slide {number} {shape.name}"
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > W or shape.top + shape.height > H:
                problems.append(f"{where}: outside the slide")
            if shape.has_text_frame and shape.text_frame.text.strip():
                problems += _frame_overflow(shape.text_frame, shape.width, shape.height, where)
            if getattr(shape, "has_table", False) and shape.has_table:
                table = shape.table
                widths = [c.width for c in table.columns]
                heights = [r.height for r in table.rows]
                if sum(widths) > shape.width + 1 or shape.top + sum(heights) > H:
                    problems.append(f"{where}: table larger than its frame or the slide")
                for i, row in enumerate(table.rows):
                    for j, cell in enumerate(row.cells):
                        problems += _frame_overflow(cell.text_frame, widths[j], heights[i], f"{where} cell {i},{j}")
    return problems


# -- the published deck ------------------------------------------------------------------------------------

def test_the_batch_publishes_the_deck_and_records_it(published):
    folder, prs, record = published
    assert record["made"] is True and record["file"] == f"{SLUG}-summary.pptx"
    assert record["slides"] == len(prs.slides) and record["charts"] >= 5
    assert (prs.slide_width / EMU_PER_IN, prs.slide_height / EMU_PER_IN) == pytest.approx((13.333, 7.5), abs=0.01)
    assert round(prs.slide_width / prs.slide_height, 3) == round(16 / 9, 3)


def test_every_shape_lies_within_the_slide_and_no_text_runs_outside_its_box(published):
    _, prs, _ = published
    problems = overflows(prs)
    boxes = sum(1 for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    cells = sum(len(sh.table.rows) * len(sh.table.columns) for s in prs.slides for sh in s.shapes
                if getattr(sh, "has_table", False) and sh.has_table)
    print(f"\n{len(prs.slides)} slides, {boxes} text boxes and {cells} table cells measured: {len(problems)} overflow")
    assert boxes > 3 * len(prs.slides) and cells > 10
    assert not problems, problems[:10]


def test_the_overflow_check_can_fail():
    """A box with more text than it holds, a shape past the slide's edge and a text frame left to auto-size
    are each found."""
    from pptx.util import Inches, Pt

    prs = pptx.Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(0.6))
    p = box.text_frame.paragraphs[0]
    p.line_spacing = Pt(14.4)
    box.text_frame.word_wrap = True
    r = p.add_run()
    r.text = "Fully connected customers spend more, stay longer and recommend more " * 3
    r.font.name, r.font.size = deck.FONT, Pt(12)
    slide.shapes.add_textbox(Inches(12), Inches(7), Inches(2), Inches(1))
    problems = overflows(prs)
    assert any("tall in a box" in p for p in problems) and any("outside the slide" in p for p in problems)


def test_each_chart_is_a_picture_of_at_least_200_dpi_with_its_alt_text(published):
    from PIL import Image
    import io

    _, prs, record = published
    pictures = [(k, sh) for k, s in enumerate(prs.slides, 1) for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == record["charts"]
    for k, pic in pictures:
        with Image.open(io.BytesIO(pic.image.blob)) as im:
            px_w, px_h = im.size
        dpi = px_w / (pic.width / EMU_PER_IN)
        assert dpi >= 199.5 and px_h / (pic.height / EMU_PER_IN) >= 199.5, (k, dpi)
        alt = pic._element.xpath("string(.//p:cNvPr/@descr)")
        assert len(alt) > 40 and "nan" not in alt.split(), (k, alt)


def _slides(prs) -> list[dict[str, str]]:
    """Each slide's text by the deck's shape names: ``Title``, ``Body`` (the body, tables and notes), ``Footer``,
    ``Slide number``."""
    out = []
    for slide in prs.slides:
        parts: dict[str, list[str]] = {"Title": [], "Body": [], "Footer": [], "Slide number": []}
        for shape in slide.shapes:
            key = shape.name if shape.name in parts else "Body"
            if shape.has_text_frame:
                parts[key] += [p.text for p in shape.text_frame.paragraphs if p.text]
            if getattr(shape, "has_table", False) and shape.has_table:
                parts["Body"] += [c.text for row in shape.table.rows for c in row.cells]
        out.append({k: "\n".join(v) for k, v in parts.items()})
    return out


def _slides_text(prs) -> list[str]:
    return ["\n".join(s.values()) for s in _slides(prs)]


def test_the_deck_reads_in_order_and_never_says_nan(published):
    _, prs, _ = published
    slides = _slides(prs)
    titles = [s["Title"] for s in slides]
    results = json.loads((published[0] / "results.json").read_text(encoding="utf-8"))
    assert titles[0] == results["client"] and "recommended action" in titles[1]
    assert titles[-1].startswith("Methods") and "What this shows and what it does not" in titles
    assert any(t.startswith("Value at stake") for t in titles)
    for s in slides:
        words = set(re.findall(r"\w+", "\n".join(s.values())))
        assert not words & {"nan", "NaN", "None", "inf"}, s["Title"]
    assert [s["Slide number"] for s in slides] == [str(k) for k in range(1, len(slides) + 1)]


# -- every number on a slide is results.json's ----------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.,])[+\-−]?\d[\d,]*(?:\.\d+)?(?![\w])")


def _tokens(text: str) -> list[str]:
    return [t.replace("−", "-").rstrip(",") for t in NUMBER.findall(text)]


def _formatted(results) -> set[str]:
    """Every number of ``results`` as the reports format it, and every number written in its strings."""
    from cxlib import report
    from cxlib.pages.summary import amount

    out: set[str] = set()

    def add(v: float) -> None:
        forms = ["{:.0f}", "{:.1f}", "{:.2f}", "{:+.0f}", "{:+.1f}", "{:+.2f}", "{:,.0f}", "{:,.1f}", "{:+,.1f}",
                 "{:+,.0f}", "{:g}"]
        for f in forms:
            out.add(f.format(v))
            out.add(f.format(v * 100))
        out.add(f"{v:.1%}".rstrip("%"))
        out.add(f"{v:.0%}".rstrip("%"))
        for a in (amount(v), amount(v, count=True), amount(v, signed=False)):
            out.add(a.replace("−", "-"))
        if 0 <= v <= 1:  # a p-value as the report writes it ("0.048", "<0.001")
            out.update(_tokens(report.p_value(v)))
        if 0 < v < 1:
            out.add(f"{round(1 / v):,}")

    def walk(node) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(k)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, bool) or node is None:
            return
        elif isinstance(node, (int, float)):
            add(float(node))
        elif isinstance(node, str):
            out.update(_tokens(node))

    walk(results)
    return {x.replace("−", "-") for x in out}


#: Numbers that are the report's words, not figures: the 95% of every interval, the 0–100 scales, the
#: −100 to +100 of Net Promoter Score, small counts ("3 recommended actions", "5 measures", "1 point").
WORDS = {"95", "100", "0", "-100", "+100"} | {str(k) for k in range(0, 11)}


def numbers_not_in(texts: list[str], allowed: set[str]) -> list[str]:
    return sorted({t for text in texts for t in _tokens(text) if t not in allowed and t not in WORDS})


def test_every_number_on_the_findings_and_answer_slides_equals_results_json(published):
    """Every number on the answer, finding, cuts, waves and value-at-stake slides is a figure of results.json
    formatted as the report formats it (or written in results.json's own words); the scenario table's
    other outcomes (customers kept, promoters), which results.json does not record, are checked against the
    HTML summary (next test)."""
    folder, prs, _ = published
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    import inspect

    from cxlib.pages import summary

    # results.json's figures, and the run's one parameter the value-at-stake text states (its resamples).
    allowed = _formatted(results) | {f"{inspect.signature(summary.build).parameters['n_boot'].default:,}"}
    slides = _slides(prs)[1:]  # the title slide: its date and the respondents (checked against the HTML)
    checked = [s["Title"] + "\n" + s["Body"] for s in slides if not s["Title"].startswith(OTHER)]
    missing = numbers_not_in(checked, allowed)
    n_tokens = sum(len(_tokens(t)) for t in checked)
    print(f"\n{len(checked)} slides, {n_tokens} numbers checked against results.json: {len(missing)} not found")
    assert len(checked) >= 6 and n_tokens > 80
    assert not missing, missing[:20]


#: Slides whose figures are not results.json's: the scenarios' other outcomes and assumptions, the limits,
#: the methods (the sample's counts): they are checked against the HTML summary.
OTHER = ("Methods", "Value at stake: the scenarios", "Value at stake: the assumptions", "What this shows")


def test_the_actions_on_the_answer_slide_are_results_json_s(published):
    """Each recommended action's value at stake, 95% CI and n, parsed from the answer slide, equals
    ``results.json`` ``executive_summary.actions`` formatted as the report does."""
    folder, prs, _ = published
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["executive_summary"]["actions"]
    assert not _actions_problems(results, prs)


def test_every_number_on_a_slide_is_a_number_of_the_html_summary(published):
    """The deck says what the report says: every number of every slide but the title slide's date and the
    footers is among the numbers of the published HTML summary."""
    from bs4 import BeautifulSoup

    folder, prs, _ = published
    soup = BeautifulSoup((folder / "00_executive_summary.html").read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    alts = " ".join(img.get("alt", "") for img in soup.find_all("img"))
    html_numbers = set(_tokens(soup.get_text(" ") + " " + alts))
    slides = _slides(prs)
    missing = numbers_not_in([s["Title"] + "\n" + s["Body"] for s in slides[1:]], html_numbers)
    assert not missing, missing[:20]
    date = set(_tokens(slides[0]["Body"].splitlines()[-1]))  # "Executive summary, 2 December 2026"
    assert not set(_tokens(slides[0]["Body"])) - html_numbers - WORDS - date


def _actions_problems(results, prs) -> list[str]:
    from cxlib.pages.summary import amount

    actions = results["executive_summary"]["actions"]
    answer = "\n".join(s["Body"] for s in _slides(prs) if "recommended action" in s["Title"])
    found = re.findall(r"^(\d)\. (.+?): ([+\-−][\d,.]+)(?: \w+)? \(95% CI ([+\-−][\d,.]+) to ([+\-−][\d,.]+); "
                       r"n=([\d,]+)\)", answer, flags=re.M)
    if len(found) != len(actions):
        return [f"{len(found)} actions on the answer slide, {len(actions)} in results.json"]
    problems = []
    for (rank, title, est, lo, hi, n), a in zip(found, actions):
        v = a["value_at_stake"]
        if (int(rank), title, est, lo, hi, n) != (a["rank"], a["action"], amount(v["estimate"]), amount(v["ci_low"]),
                                                 amount(v["ci_high"]), f"{v['n']:,}"):
            problems.append(f"action {rank}: {title} {est} ({lo} to {hi}; n={n})")
    return problems


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_the_demo_decks(slug):
    """Acceptance (#20) on both demos as `make demo` publishes them (or under ``CXLIB_DECK_REPORTS``): the deck
    opens, nothing overflows or leaves the slide, every figure equals results.json and the HTML summary's, the
    actions are results.json's, every chart at 200 dpi or more."""
    import inspect
    import io

    from bs4 import BeautifulSoup
    from PIL import Image

    from cxlib.pages import summary

    root = Path(os.environ.get("CXLIB_DECK_REPORTS") or Path(__file__).resolve().parents[1] / "reports")
    folder = root / slug
    path = folder / f"{slug}-summary.pptx"
    if not path.is_file():
        pytest.skip("run `make demo` first to publish the demo reports and their decks")
    prs = pptx.Presentation(str(path))
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    slides = _slides(prs)
    problems = overflows(prs)
    allowed = _formatted(results) | {f"{inspect.signature(summary.build).parameters['n_boot'].default:,}"}
    checked = [s["Title"] + "\n" + s["Body"] for s in slides[1:] if not s["Title"].startswith(OTHER)]
    problems += [f"not in results.json: {t}" for t in numbers_not_in(checked, allowed)]
    soup = BeautifulSoup((folder / "00_executive_summary.html").read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    html_numbers = set(_tokens(soup.get_text(" ") + " " + " ".join(i.get("alt", "") for i in soup.find_all("img"))))
    problems += [f"not in the HTML: {t}" for t in
                 numbers_not_in([s["Title"] + "\n" + s["Body"] for s in slides[1:]], html_numbers)]
    problems += _actions_problems(results, prs)
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    for pic in pictures:
        with Image.open(io.BytesIO(pic.image.blob)) as im:
            if im.size[0] / (pic.width / EMU_PER_IN) < 199.5:
                problems.append(f"a chart under 200 dpi: {pic.name}")
    boxes = sum(1 for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    n_numbers = sum(len(_tokens(t)) for t in checked)
    print(f"\n{slug}: {len(slides)} slides, {len(pictures)} charts, {boxes} text boxes; {n_numbers} numbers on "
          f"{len(checked)} slides against results.json: {len(problems)} problems")
    assert len(pictures) >= 5 and not problems, problems[:20]


def test_the_number_check_can_fail(published):
    folder, prs, _ = published
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    fc = results["segment_shares"]["fully connected"]["estimate"]
    wrong = f"{fc * 100 + 3:.0f}% of customers are fully connected (n=1,234,567)."
    assert numbers_not_in([wrong], _formatted(results))


# -- the deck from the page: same words, shrink and continue, arguments --------------------------------------

def test_the_deck_is_made_from_the_page_alone_and_repeats_itself(published, page):
    """Re-built from the same page, the deck has the published deck's slides and words (the charts are the
    page's own figures)."""
    _, prs, _ = published
    again = deck.build(page, date=_published_date(prs))
    assert len(again) == len(prs.slides)
    assert _slides_text(pptx.Presentation(_bytes(again))) == _slides_text(prs)
    assert [s.kind for s in again.slides][:2] == ["title", "answer"]
    assert sum(s.kind == "finding" for s in again.slides) >= len(page.findings)


def _bytes(d):
    import io

    return io.BytesIO(d.to_bytes())


def _published_date(prs) -> str:
    return _slides(prs)[0]["Footer"].rsplit(" · ", 1)[1]


def test_text_too_long_for_a_slide_shrinks_then_continues_and_never_overflows(page):
    """A finding ten times as long as any: it is set at the continued size over several slides, each titled
    "(continued)", and no box overflows."""
    long = dataclasses.replace(page.findings[0], sentence=" ".join([page.findings[0].sentence] * 10))
    d = deck.build(dataclasses.replace(page, findings=(long,)), date="1 January 2026")
    findings = [s for s in d.slides if s.kind == "finding"]
    assert len(findings) >= 3 and not findings[0].continued and all(s.continued for s in findings[1:])
    assert {s.size for s in findings} == {deck.CONTINUED_SIZE}
    prs = pptx.Presentation(_bytes(d))
    assert not overflows(prs)
    titles = [s["Title"] for s in _slides(prs)]
    assert sum(t.endswith("(continued)") for t in titles) >= len(findings) - 1
    # One paragraph, cut between lines only where a slide ends: each slide holds one piece, and the pieces
    # joined are the sentence.
    pieces = []
    for slide, info in zip(prs.slides, d.slides):
        if info.kind == "finding":
            (body,) = [sh for sh in slide.shapes if sh.name == "Body"]
            paras = [p.text for p in body.text_frame.paragraphs]
            assert len(paras) == 1, paras
            pieces.append(paras[0])
    plain = "".join(t for t, _, _ in deck.paragraphs(long.sentence)[0])
    assert " ".join(" ".join(p.split()) for p in pieces) == " ".join(plain.split())


#: The business cuts of a synthetic tracker (cx synth tracker, 1,500 customers, seed 2: results.json ``cuts``,
#: rounded), where North lags on the connected share and on NPS; one group suppressed.
CUTS = {"cuts": ["region"], "min_cell": 30, "wave": None, "lagging": [
    {"cut": "region", "group": "North", "metric": "connected"}, {"cut": "region", "group": "North", "metric": "nps"}],
    "suppressed": [{"cut": "region", "group": "Islands", "metric": "all", "n": 12}], "groups": [
    {'cut': 'region', 'group': 'East', 'metric': 'connected', 'estimate': 0.2684, 'ci_low': 0.2241, 'ci_high': 0.318,
     'n': 339, 'rest': 0.2495, 'n_rest': 1058, 'difference': {'estimate': 0.0189, 'ci_low': -0.033, 'ci_high': 0.0745,
                                                              'n': 1397, 'p_value': 0.4865, 'p_adjusted': 1.0}},
    {'cut': 'region', 'group': 'North', 'metric': 'connected', 'estimate': 0.18, 'ci_low': 0.1433, 'ci_high': 0.2237,
     'n': 350, 'rest': 0.2789, 'n_rest': 1047, 'difference': {'estimate': -0.0989, 'ci_low': -0.145, 'ci_high': -0.0479,
                                                              'n': 1397, 'p_value': 0.0002, 'p_adjusted': 0.0066}},
    {'cut': 'region', 'group': 'South', 'metric': 'connected', 'estimate': 0.284, 'ci_low': 0.2386, 'ci_high': 0.3343,
     'n': 338, 'rest': 0.2446, 'n_rest': 1059, 'difference': {'estimate': 0.0395, 'ci_low': -0.0133, 'ci_high': 0.0956,
                                                              'n': 1397, 'p_value': 0.1469, 'p_adjusted': 1.0}},
    {'cut': 'region', 'group': 'West', 'metric': 'connected', 'estimate': 0.2838, 'ci_low': 0.2403, 'ci_high': 0.3318,
     'n': 370, 'rest': 0.2434, 'n_rest': 1027, 'difference': {'estimate': 0.0404, 'ci_low': -0.011, 'ci_high': 0.0946,
                                                              'n': 1397, 'p_value': 0.1263, 'p_adjusted': 1.0}},
    {'cut': 'region', 'group': 'North', 'metric': 'nps', 'estimate': -20.3911, 'ci_low': -28.4021, 'ci_high': -12.38,
     'n': 358, 'rest': -4.6948, 'n_rest': 1065, 'difference': {'estimate': -15.6962, 'ci_low': -24.9904,
                                                               'ci_high': -6.402, 'n': 1423, 'p_value': 0.0009,
                                                               'p_adjusted': 0.0252}}]}


def test_the_lagging_business_cuts_get_their_chart_and_table_with_the_suppression_note(page):
    """With business cuts, the lagging finding's slide carries the lagging chart, and the lagging groups'
    table (the page's own, with its note on the suppressed group) follows; the figures are the page's words."""
    from cxlib.pages import summary

    figures = {**page.figures, "cuts": CUTS}
    finding = summary.Finding("Where the business lags.", "North (region) lags on two measures.", summary.LINKS["cuts"])
    others = tuple(f for f in page.findings if f.link != summary.LINKS["cuts"])
    with_cuts = dataclasses.replace(page, figures=figures, findings=others + (finding,))
    d = deck.build(with_cuts, date="1 January 2026")
    kinds = [s.kind for s in d.slides]
    lags = [s for s in d.slides if s.title == "Where the business lags"]
    assert len(lags) == 1 and lags[0].chart and "North lags" in lags[0].chart
    assert "cuts" in kinds
    prs = pptx.Presentation(_bytes(d))
    table = next(s for s in _slides(prs) if s["Title"] == "Which part of the business lags")
    expected = with_cuts.lagging_table()
    assert "North (region)" in table["Body"] and "Connected share" in table["Body"] or "connected" in table["Body"]
    for cell in expected.data.to_numpy().ravel():
        assert str(cell) in table["Body"]
    assert expected.caption and expected.caption in table["Body"]  # "1 group(s) with fewer than 30 customers ..."
    assert not overflows(prs)


def test_wrap_and_height_agree_with_a_brute_force_measure():
    """deck.wrap breaks where a brute-force search for the longest prefix that fits breaks."""
    text = "Fully connected customers have 1.96× the annual spend of highly satisfied ones (95% CI 1.80–2.10)"
    words = text.split(" ")
    for width in (80, 150, 260, 400):
        lines, start = [], 0
        while start < len(words):
            end = start + 1
            while end < len(words) and _length(" ".join(words[start:end + 1]), 12, False, False) <= width:
                end += 1
            lines.append(" ".join(words[start:end]))
            start = end
        got = ["".join(t for w in line for t, _, _ in w).strip() for line in
               deck.wrap([(text, False, False)], width=width, size=12)]
        assert got == lines, (width, got, lines)
    assert deck.text_height([[(text, False, False)]], width=10_000, size=10) == pytest.approx(12.0)


def test_markdown_becomes_plain_runs_without_markup():
    runs = deck.paragraphs("## Title\n\n1. **Improve *Staff \\& me***: +500,000 EUR [below](#x).\n- a &lt;b&gt;")
    assert runs == [[("1. ", False, False), ("Improve ", True, False), ("Staff & me", True, True),
                     (": +500,000 EUR below.", False, False)], [("• a <b>", False, False)]]


def test_build_checks_its_arguments(page):
    with pytest.raises(ArgumentError, match="deck.build: page must be the executive summary page"):
        deck.build({"client": "x"})
    with pytest.raises(ArgumentError, match="deck.build: date must be"):
        deck.build(page, date=20260101)


# -- the publishing path: made, failed, skipped -----------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_summary(tmp_path_factory):
    """A notebook 00 that takes the batch's parameters and records an executive summary: a batch run of it costs
    seconds (the deck itself is patched in the tests: this checks the batch's handling of it)."""
    import nbformat

    folder = tmp_path_factory.mktemp("tiny-summary")
    params = nbformat.v4.new_code_cell("engagement = ''\nseed = 0\nout = ''\nresults = None")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_markdown_cell("# Executive summary"),
                                         nbformat.v4.new_code_cell("import cxlib\ncxlib.report.record("
                                                                   "'executive_summary', {'claims': 0})")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "00_executive_summary.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_deck_that_cannot_be_made_never_loses_the_report_and_skip_leaves_it_out(
        small_engagements, tiny_summary, tmp_path, monkeypatch):
    from cxlib import batch, render

    good, _ = small_engagements
    out = tmp_path / "reports"
    others = [name for name in batch.OUTPUTS if name != "deck"]
    calls = []

    def broken(*args, **kwargs):
        raise RuntimeError("no room on the slide")

    def fake(engagement, results, target, **kwargs):
        calls.append((Path(engagement).name, sorted(results)))
        Path(target).write_bytes(b"pptx")
        return {"made": True, "file": Path(target).name, "slides": 1, "charts": 0, "seconds": 0.0}

    def record() -> dict:
        return json.loads((out / good.name / "run.json").read_text(encoding="utf-8"))["outputs"]["deck"]

    deck_file = out / good.name / f"{good.name}-summary.pptx"
    monkeypatch.setattr(render, "write_deck", broken)
    (res,) = batch.run([good], out=out, notebooks=[tiny_summary], jobs=1, force=True, skip=others)
    assert res.status == "ok" and (out / good.name / "00_executive_summary.html").is_file()
    assert record() == res.outputs["deck"] == {
        "made": False, "reason": "the deck could not be made: RuntimeError: no room on the slide"}
    assert not deck_file.exists()

    # Unchanged, but published without its deck: the next run makes it, from the run's merged results.
    monkeypatch.setattr(render, "write_deck", fake)
    (res,) = batch.run([good], out=out, notebooks=[tiny_summary], jobs=1, skip=others)
    assert res.status == "ok" and record()["made"] is True and deck_file.read_bytes() == b"pptx"
    assert calls == [(good.name, ["client", "executive_summary"])]

    (res,) = batch.run([good], out=out, notebooks=[tiny_summary], jobs=1, force=True, skip=["deck", *others])
    assert record() == {"made": False, "reason": "skipped for this run (cx run --skip deck)"}
    assert not deck_file.exists()
    (res,) = batch.run([good], out=out, notebooks=[tiny_summary], jobs=1, skip=["deck", *others])
    assert res.status == "skipped" and len(calls) == 1  # a quick run does not re-run a report for its deck


# -- LibreOffice: every slide shows its chart (make deck-check) ------------------------------------------------

def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.parametrize("which", ["small-retailer", "demo-retailer", "demo-brokerage"])
def test_libreoffice_shows_every_slide_s_chart(which, batch_run, tmp_path):
    """Converted by LibreOffice (headless) to PDF, then to PNG by pdftoppm: as many pages as slides, and in
    each picture's region of its slide image at least 5% of the pixels are not white (the chart is drawn).
    The demo decks are those `make demo` published (or ``CXLIB_DECK_REPORTS``); the first slide image with a
    chart is kept under ``CXLIB_DECK_IMAGES`` when set."""
    import numpy as np
    from PIL import Image

    if not os.environ.get("CXLIB_DECK_CHECK"):
        pytest.skip("the LibreOffice check runs with `make deck-check` (CXLIB_DECK_CHECK=1)")
    soffice, pdftoppm = _soffice(), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        pytest.skip("LibreOffice or pdftoppm missing: `make deck-check` installs them")
    if which == SLUG:
        folder = batch_run[1] / SLUG
    else:
        root = Path(os.environ.get("CXLIB_DECK_REPORTS") or Path(__file__).resolve().parents[1] / "reports")
        folder = root / which
    path = folder / f"{which}-summary.pptx"
    if not path.is_file():
        pytest.skip(f"no deck at {path}: run `make demo` first")
    prs = pptx.Presentation(str(path))
    env = {**os.environ, "HOME": str(tmp_path)}  # a fresh LibreOffice profile
    proc = subprocess.run([soffice, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(path)], capture_output=True, text=True, timeout=300, env=env)
    pdf = tmp_path / f"{which}-summary.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    dpi = 60
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(pdf), str(tmp_path / "slide")], check=True, timeout=300)
    images = sorted(tmp_path.glob("slide-*.png"))
    assert len(images) == len(prs.slides)
    shown, blank = 0, []
    kept = os.environ.get("CXLIB_DECK_IMAGES")
    for k, (slide, image) in enumerate(zip(prs.slides, images), 1):
        pictures = [sh for sh in slide.shapes if sh.shape_type == 13]
        pixels = np.asarray(Image.open(image).convert("L"))
        scale = pixels.shape[1] / prs.slide_width
        for pic in pictures:
            x0, y0 = int(pic.left * scale), int(pic.top * scale)
            x1, y1 = int((pic.left + pic.width) * scale), int((pic.top + pic.height) * scale)
            region = pixels[y0:y1, x0:x1]
            inked = float((region < 235).mean()) if region.size else 0.0
            if inked >= 0.05:
                shown += 1
            else:
                blank.append((k, round(inked, 3)))
        if kept and pictures and which != SLUG and not (Path(kept) / f"deck-{which}.png").exists():
            subprocess.run([pdftoppm, "-r", "110", "-png", "-f", str(k), "-l", str(k), "-singlefile", str(pdf),
                            str(Path(kept) / f"deck-{which}")], check=True, timeout=120)
    n_pictures = sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)
    print(f"\n{which}: {len(images)} slides rendered by LibreOffice, {n_pictures} charts, {shown} drawn")
    assert n_pictures >= 5 and not blank, blank
