"""The executive summary as a slide deck (``<slug>-summary.pptx``), built in memory with python-pptx.

The deck says nothing the executive summary does not: every sentence, table and chart comes from the
summary page (:func:`cxlib.pages.summary.build`) — its Markdown turned into slide text, its tables' cells,
its charts re-drawn from the same figure objects at :data:`DPI` — so suppression and scrubbing are exactly the
report's. Slides, in order: the title; the answer first (the recommended actions and their value at stake);
one slide per finding with its chart; the lagging business cuts and the movements between the waves where
the engagement has them; the value-at-stake scenarios; what this shows and what it does not; the methods.

No text box overflows: text is measured with the metrics of the font the deck sets (DejaVu Sans, shipped
with matplotlib), wrapped at the box's width, and shrunk down to :data:`MIN_SIZE`; what still does not fit
moves to a continuation slide. Nothing here writes a file (:func:`cxlib.render.write_deck` does).
"""
from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Deck", "SlideInfo", "build", "paragraphs", "text_height", "wrap", "FONT", "DPI", "SLIDE_WIDTH",
           "SLIDE_HEIGHT", "MIN_SIZE", "LINE_SPACING"]

#: The font every text run of the deck is set in (and measured with).
FONT = "DejaVu Sans"
#: Charts are placed as PNG images at this resolution (dots per inch of the chart's own size; a chart is never
#: enlarged on a slide, so its effective resolution is at least this).
DPI = 200
#: Slide size in inches (16:9).
SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5
#: Smallest body text size (points) before text moves to a continuation slide.
MIN_SIZE = 12
#: Body text size (points) of a text that continues over several slides.
CONTINUED_SIZE = 14
#: Line height as a multiple of the font size (set on every paragraph as an exact spacing).
LINE_SPACING = 1.2
#: Space after a paragraph, as a multiple of the font size.
PARAGRAPH_SPACE = 0.45
#: Inner margin of every text box and table cell (inches).
INSET = 0.06
#: Words are wrapped at this share of the box's width, a margin against a renderer's rounding.
WIDTH_MARGIN = 0.96

_MARGIN = 0.5  # slide margins (in)
_TITLE_TOP, _TITLE_HEIGHT = 0.3, 0.95
_BODY_TOP = 1.45
_FOOTER_HEIGHT = 0.3
_BODY_BOTTOM = SLIDE_HEIGHT - 0.45


@dataclass(frozen=True)
class SlideInfo:
    """What one slide holds: its ``kind``, its title, the alt text of its chart (or None), whether it continues
    the slide before (``continued``), and the text size its body was set at.

    Examples
    --------
    >>> s = SlideInfo("finding", "Connected customers stay", chart="18% of fully connected customers left.", size=18)
    >>> s.kind, s.continued, bool(s.chart)
    ('finding', False, True)
    """

    kind: str
    title: str
    chart: str | None = None
    continued: bool = False
    size: float | None = None


@dataclass(frozen=True, eq=False)
class Deck:
    """The executive summary's deck: the ``presentation`` (a python-pptx Presentation) and, per slide, what
    it holds (:class:`SlideInfo`).

    Examples
    --------
    >>> d = Deck(presentation=None, slides=(SlideInfo("title", "Acme"),), client="Acme")
    >>> len(d), d.slides[0].kind
    (1, 'title')
    """

    presentation: Any
    slides: tuple[SlideInfo, ...]
    client: str
    dpi: int = DPI
    charts: int = field(default=0)

    def __len__(self) -> int:
        return len(self.slides)

    def to_bytes(self) -> bytes:
        """The deck as the bytes of a ``.pptx`` file."""
        buf = io.BytesIO()
        self.presentation.save(buf)
        return buf.getvalue()

    def headline(self) -> str:
        return (f"The executive summary of {self.client} as {len(self.slides):,} slides, {self.charts:,} of them "
                f"with a chart.")

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(s.title)}{' (chart)' if s.chart else ''}</li>" for s in self.slides)
        return f"<p>{html.escape(self.headline())}</p><ol>{items}</ol>"


# -- text: Markdown to runs, measured ---------------------------------------------------------------------

Run = tuple[str, bool, bool]  # (text, bold, italic)


def paragraphs(markdown: str) -> list[list[Run]]:
    """A report's Markdown as slide paragraphs, each a list of ``(text, bold, italic)`` runs.

    Blank lines and list items start paragraphs; a bullet list item starts with "• ", a numbered one keeps
    its number; links keep their words; backslash escapes and HTML entities (the report's scrubbing of
    names from the data) are undone to the plain characters the HTML shows. A heading line is left out
    (the slide's title says it).

    Examples
    --------
    >>> paragraphs("**Lead.** A *named* thing [Details](x.html)")
    [[('Lead.', True, False), (' A ', False, False), ('named', False, True), (' thing Details', False, False)]]
    >>> paragraphs("- one\\n- two &amp; \\\\*three\\\\*")
    [[('• one', False, False)], [('• two & *three*', False, False)]]
    """
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", str(markdown).strip()):
        current: list[str] = []
        for line in chunk.splitlines():
            s = line.strip()
            if not s:
                continue
            if s.startswith("#"):
                continue
            if re.match(r"^([-*+] |\d+\. )", s) and current:
                blocks.append(" ".join(current))
                current = []
            current.append(s)
        if current:
            blocks.append(" ".join(current))
    out = []
    for block in blocks:
        block = re.sub(r"^[-+] |^\* (?=\S)", "• ", block)
        runs = _inline(block)
        if runs:
            out.append(runs)
    return out


def _inline(text: str) -> list[Run]:
    text = re.sub(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\([^)]*\)", r"\1", text)  # [words](link) -> words
    runs: list[Run] = []
    buf: list[str] = []
    bold = italic = False

    def flush() -> None:
        if buf:
            piece = html.unescape("".join(buf))
            if runs and runs[-1][1:] == (bold, italic):
                runs[-1] = (runs[-1][0] + piece, bold, italic)
            else:
                runs.append((piece, bold, italic))
            buf.clear()

    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            buf.append(text[i + 1])
            i += 2
            continue
        if text.startswith("**", i):
            flush()
            bold = not bold
            i += 2
            continue
        if c == "*":
            flush()
            italic = not italic
            i += 1
            continue
        buf.append(c)
        i += 1
    flush()
    return [r for r in runs if r[0]]


@cache
def _font_file(bold: bool, italic: bool) -> str:
    import matplotlib

    name = {(False, False): "DejaVuSans.ttf", (True, False): "DejaVuSans-Bold.ttf",
            (False, True): "DejaVuSans-Oblique.ttf", (True, True): "DejaVuSans-BoldOblique.ttf"}[(bold, italic)]
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


@cache
def _font(bold: bool, italic: bool) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(bold, italic), 100)


@cache
def _advance(piece: str, bold: bool, italic: bool) -> float:
    """Width of ``piece`` in points at 1 pt (the font's advance widths)."""
    return float(_font(bold, italic).getlength(piece)) / 100.0


def _words(runs: Sequence[Run]) -> list[list[Run]]:
    """The runs cut into words (a word keeps its trailing space; a word may mix styles)."""
    words: list[list[Run]] = [[]]
    for text, b, i in runs:
        for piece in re.findall(r"\S+\s*|\s+", text):
            words[-1].append((piece, b, i))
            if piece[-1:].isspace():
                words.append([])
    return [w for w in words if w]


def _width(word: Sequence[Run], size: float, *, strip: bool = False) -> float:
    total = 0.0
    for k, (t, b, i) in enumerate(word):
        if strip and k == len(word) - 1:
            t = t.rstrip()
        total += _advance(t, b, i)
    return total * size


def wrap(runs: Sequence[Run], *, width: float, size: float) -> list[list[list[Run]]]:
    """Greedy word wrap of a paragraph at ``width`` points for text of ``size`` points: a list of lines, each
    a list of words (a word longer than the line gets a line of its own).

    Examples
    --------
    >>> lines = wrap([("one two three four", False, False)], width=60, size=12)
    >>> [" ".join("".join(t for t, _, _ in w).strip() for w in line) for line in lines]
    ['one two', 'three four']
    """
    lines: list[list[list[Run]]] = []
    line: list[list[Run]] = []
    used = 0.0
    for word in _words(runs):
        w_full, w_strip = _width(word, size), _width(word, size, strip=True)
        if line and used + w_strip > width:
            lines.append(line)
            line, used = [], 0.0
        line.append(word)
        used += w_full
    if line:
        lines.append(line)
    return lines or [[]]


def text_height(paras: Sequence[Sequence[Run]], *, width: float, size: float) -> float:
    """Height in points of ``paras`` set at ``size`` in a box ``width`` points wide (insets excluded): every
    line :data:`LINE_SPACING` × size, :data:`PARAGRAPH_SPACE` × size between paragraphs.

    Examples
    --------
    >>> text_height([[("a", False, False)], [("b", False, False)]], width=100, size=10)
    28.5
    """
    lines = sum(len(wrap(p, width=width * WIDTH_MARGIN, size=size)) for p in paras)
    return lines * size * LINE_SPACING + max(0, len(paras) - 1) * size * PARAGRAPH_SPACE


def _split(paras: list[list[Run]], *, width: float, height: float, size: float) -> tuple[list, list]:
    """As many paragraphs (and lines of the next one) as fit in ``height`` points; the rest."""
    kept: list[list[Run]] = []
    for k, p in enumerate(paras):
        trial = kept + [p]
        if text_height(trial, width=width, size=size) <= height:
            kept.append(p)
            continue
        # Split the paragraph at a line boundary: the lines that still fit stay here.
        lines = wrap(p, width=width * WIDTH_MARGIN, size=size)
        for m in range(len(lines) - 1, 0, -1):
            head = [r for line in lines[:m] for word in line for r in word]
            if text_height(kept + [head], width=width, size=size) <= height:
                tail = [r for line in lines[m:] for word in line for r in word]
                return kept + [head], [tail] + paras[k + 1:]
        return kept, paras[k:]
    return kept, []


def _fit(paras: list[list[Run]], *, width: float, height: float, size: float, minimum: float = MIN_SIZE
         ) -> tuple[float, list, list]:
    """The largest size from ``size`` down to ``minimum`` (half points) at which ``paras`` fit; at the minimum,
    the paragraphs that fit and the rest (for a continuation slide)."""
    s = size
    while s >= minimum:
        if text_height(paras, width=width, size=s) <= height:
            return s, paras, []
        s -= 0.5
    kept, rest = _split(paras, width=width, height=height, size=minimum)
    if not kept:  # not even one line fits: never happens with the deck's boxes, but never loop forever
        kept, rest = paras[:1], paras[1:]
    return minimum, kept, rest


# -- slides ---------------------------------------------------------------------------------------------

def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class _Builder:
    def __init__(self, client: str, footer: str) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        from . import plots

        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(SLIDE_WIDTH), Inches(SLIDE_HEIGHT)
        self.layout = self.prs.slide_layouts[6]  # blank
        self.client = client
        self.footer = footer
        self.palette = plots.PALETTE
        self.info: list[SlideInfo] = []
        self.charts = 0

    # shapes
    def _box(self, slide: Any, left: float, top: float, width: float, height: float, paras: Sequence[Sequence[Run]],
             *, size: float, colour: str | None = None, align: str | None = None, name: str = "Body") -> Any:
        from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
        from pptx.util import Inches, Pt

        shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        shape.name = name
        tf = shape.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.TOP
        for side in ("left", "right", "top", "bottom"):
            setattr(tf, f"margin_{side}", Inches(INSET))
        for k, runs in enumerate(paras):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.line_spacing = Pt(size * LINE_SPACING)
            p.space_before = Pt(0)
            p.space_after = Pt(size * PARAGRAPH_SPACE) if k < len(paras) - 1 else Pt(0)
            if align == "right":
                p.alignment = PP_ALIGN.RIGHT
            for text, bold, italic in runs:
                r = p.add_run()
                r.text = text
                f = r.font
                f.name, f.size, f.bold, f.italic = FONT, Pt(size), bold, italic
                f.color.rgb = _rgb(colour or self.palette["ink"])
        return shape

    def slide(self, title: str, *, kind: str, chart: str | None = None, continued: bool = False,
              size: float | None = None) -> Any:
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Inches

        s = self.prs.slides.add_slide(self.layout)
        shown = title + (" (continued)" if continued else "")
        width = (SLIDE_WIDTH - 2 * _MARGIN - 2 * INSET) * 72
        tsize, kept, rest = _fit([[(shown, True, False)]], width=width, height=(_TITLE_HEIGHT - 2 * INSET) * 72,
                                 size=26, minimum=14)
        if rest:  # a title longer than two lines at 14 pt: cut at a word, the body says it in full
            words = shown.split()
            while words and text_height([[(" ".join(words) + "…", True, False)]], width=width, size=14) > \
                    (_TITLE_HEIGHT - 2 * INSET) * 72:
                words.pop()
            kept, tsize = [[(" ".join(words) + "…", True, False)]], 14
        self._box(s, _MARGIN, _TITLE_TOP, SLIDE_WIDTH - 2 * _MARGIN, _TITLE_HEIGHT, kept, size=tsize, name="Title")
        bar = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(_MARGIN), Inches(_TITLE_TOP + _TITLE_HEIGHT + 0.03),
                                 Inches(1.6), Inches(0.06))
        bar.name = "Rule"
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(self.palette["estimate"])
        bar.line.fill.background()
        number = len(self.info) + 1
        fw = (SLIDE_WIDTH - 2 * _MARGIN) / 2
        self._box(s, _MARGIN, SLIDE_HEIGHT - _FOOTER_HEIGHT - 0.08, fw, _FOOTER_HEIGHT, [[(self.footer, False, False)]],
                  size=9, colour=self.palette["reference"], name="Footer")
        self._box(s, _MARGIN + fw, SLIDE_HEIGHT - _FOOTER_HEIGHT - 0.08, fw, _FOOTER_HEIGHT,
                  [[(str(number), False, False)]], size=9, colour=self.palette["reference"], align="right",
                  name="Slide number")
        self.info.append(SlideInfo(kind, title, chart, continued, size))
        return s

    def text_slides(self, title: str, paras: list[list[Run]], *, kind: str, size: float = 18,
                    chart: Any = None, chart_side: float = 7.3) -> None:
        """Text (and a chart on the first slide), continued on further slides while it does not fit."""
        body_h = _BODY_BOTTOM - _BODY_TOP
        full_w = SLIDE_WIDTH - 2 * _MARGIN
        first, continuing = True, False
        rest = list(paras)
        while first or rest:
            with_chart = chart is not None and first
            width = full_w - chart_side - 0.25 if with_chart else full_w
            if not rest:  # a chart without words
                width = 0.0
            box_w, box_h = (width - 2 * INSET) * 72, (body_h - 2 * INSET) * 72
            if continuing:  # every slide of a continued text at the one size of its first
                kept, rest = _split(rest, width=box_w, height=box_h, size=size)
                s_size = size
            else:
                pending = rest
                s_size, kept, rest = _fit(rest, width=box_w, height=box_h, size=size) if rest else (size, [], [])
                if rest:
                    # Continued: every slide of the text at one readable size, not the smallest then a larger
                    # one; split from the paragraphs as they were (not from _fit's split at the smallest size).
                    continuing = True
                    size = s_size = max(MIN_SIZE, min(size, CONTINUED_SIZE))
                    kept, rest = _split(pending, width=box_w, height=box_h, size=size)
            if not kept and rest:
                kept, rest = rest[:1], rest[1:]
            s = self.slide(title, kind=kind, chart=chart.alt if with_chart else None, continued=not first,
                           size=s_size if kept else None)
            if kept:
                self._box(s, _MARGIN, _BODY_TOP, width, body_h, kept, size=s_size)
            if with_chart:
                left = _MARGIN + (width + 0.25 if kept else 0.0)
                self.picture(s, chart, left=left, top=_BODY_TOP, width=full_w - (left - _MARGIN), height=body_h)
            first = False

    def picture(self, slide: Any, chart: Any, *, left: float, top: float, width: float, height: float) -> Any:
        from pptx.util import Inches

        png = chart.png(dpi=DPI)
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            px_w, px_h = im.size
        w_in, h_in = px_w / DPI, px_h / DPI  # the saved (tight) image's own size
        scale = min(1.0, width / w_in, height / h_in)  # never enlarged: at least DPI on the slide
        w, h = w_in * scale, h_in * scale
        pic = slide.shapes.add_picture(io.BytesIO(png), Inches(left + (width - w) / 2), Inches(top), Inches(w),
                                       Inches(h))
        pic.name = "Chart"
        # The chart's alt text, for a reader without the image (PowerPoint's "description").
        pic._element.nvPicPr.cNvPr.set("descr", chart.alt)
        self.charts += 1
        return pic

    def table_slides(self, title: str, frame: Any, *, kind: str, note: str | None = None, size: float = 13) -> None:
        """A table of strings with its header, its font shrunk to fit and its rows continued on further slides."""
        from pptx.util import Inches, Pt

        cols = [str(c) for c in frame.columns]
        rows = [[_cell(v) for v in r] for r in frame.itertuples(index=False)]
        full_w = (SLIDE_WIDTH - 2 * _MARGIN)
        note_paras = paragraphs(note) if note else []
        note_h = 0.55 if note_paras else 0.0
        body_h = _BODY_BOTTOM - _BODY_TOP - note_h
        s = size
        while True:
            widths = _column_widths(cols, rows, total=full_w * 72, size=s)
            heights = [_row_height(r, widths, size=s, bold=(k == 0)) for k, r in enumerate([cols] + rows)]
            if sum(heights) <= body_h * 72 or s <= MIN_SIZE - 2:
                break
            s -= 0.5
        # Rows per slide (the header repeats on each).
        start, first = 0, True
        while first or start < len(rows):
            used, stop = heights[0], start
            while stop < len(rows) and used + heights[stop + 1] <= body_h * 72:
                used += heights[stop + 1]
                stop += 1
            stop = max(stop, start + 1) if rows else stop
            slide = self.slide(title, kind=kind, continued=not first, size=s)
            chunk = [cols] + rows[start:stop]
            shape = slide.shapes.add_table(len(chunk), len(cols), Inches(_MARGIN), Inches(_BODY_TOP),
                                           Inches(full_w), Inches(sum(heights[0:1] + heights[start + 1:stop + 1]) / 72))
            shape.name = "Table"
            table = shape.table
            for j, w in enumerate(widths):
                table.columns[j].width = int(Inches(w / 72))
            for i, values in enumerate(chunk):
                table.rows[i].height = int(Pt(heights[0 if i == 0 else start + i]))
                for j, value in enumerate(values):
                    cell = table.cell(i, j)
                    for side in ("left", "right", "top", "bottom"):
                        setattr(cell, f"margin_{side}", Inches(INSET))
                    tf = cell.text_frame
                    tf.word_wrap = True
                    p = tf.paragraphs[0]
                    p.line_spacing = Pt(s * LINE_SPACING)
                    p.space_before = p.space_after = Pt(0)
                    r = p.add_run()
                    r.text = value
                    f = r.font
                    f.name, f.size, f.bold = FONT, Pt(s), i == 0
                    f.color.rgb = _rgb(self.palette["paper"] if i == 0 else self.palette["ink"])
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = _rgb(self.palette["estimate"] if i == 0 else
                                                    ("#F2F4F5" if i % 2 else self.palette["paper"]))
            if note_paras and stop >= len(rows):
                nsize, kept, _ = _fit(note_paras, width=(full_w - 2 * INSET) * 72, height=(note_h - 2 * INSET) * 72,
                                      size=12, minimum=8)
                self._box(slide, _MARGIN, _BODY_BOTTOM - note_h, full_w, note_h, kept, size=nsize, name="Note")
            start, first = stop, False


def _cell(v: Any) -> str:
    import math

    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return html.unescape(str(v))


def _column_widths(cols: Sequence[str], rows: Sequence[Sequence[str]], *, total: float, size: float) -> list[float]:
    """Column widths (points) summing to ``total``: each column's longest word sets its least width, the
    rest shared in proportion to its longest cell."""
    pad = 2 * INSET * 72 / WIDTH_MARGIN
    least, want = [], []
    for j, c in enumerate(cols):
        cells = [(c, True)] + [(r[j], False) for r in rows]
        least.append(max(max((_advance(w, b, False) * size for w in t.split()), default=0) for t, b in cells) / WIDTH_MARGIN
                     + pad + 1)
        want.append(max(_advance(t, b, False) * size for t, b in cells) / WIDTH_MARGIN + pad + 1)
    if sum(want) <= total:
        extra = (total - sum(want)) / len(want)
        return [w + extra for w in want]
    room = total - sum(least)
    if room <= 0:
        return [total * w / sum(least) for w in least]
    surplus = [w - m for w, m in zip(want, least)]
    return [m + room * s / sum(surplus) for m, s in zip(least, surplus)]


def _row_height(values: Sequence[str], widths: Sequence[float], *, size: float, bold: bool) -> float:
    inner = [w - 2 * INSET * 72 for w in widths]
    return max(text_height([[(v, bold, False)]], width=w, size=size) for v, w in zip(values, inner)) + 2 * INSET * 72


# -- the deck --------------------------------------------------------------------------------------------

def _title_of(markdown: str) -> str | None:
    for line in str(markdown).splitlines():
        if line.startswith("#"):
            return "".join(t for t, _, _ in _inline(line.lstrip("#").strip()))
    return None


def _styler_frame(obj: Any) -> tuple[Any, str | None] | None:
    """A page table (a pandas Styler of strings) as its DataFrame and caption, or None for Markdown."""
    data = getattr(obj, "data", None)
    if data is None:
        return None
    return data, getattr(obj, "caption", None)


#: Which summary chart goes with which finding (by its detail report and its lead).
def _finding_chart(page: Any, finding: Any) -> Any:
    from .pages import summary

    link, lead = finding.link, finding.lead
    if link == summary.LINKS["value"]:
        return page.connection_chart() if lead.startswith("Connection") else None
    if link == summary.LINKS["drivers"]:
        return page.drivers_chart()
    if link == summary.LINKS["attrition"]:
        return page.attrition_chart()
    if link == summary.LINKS["cuts"]:
        return page.lagging_chart()
    if link == summary.LINKS["programme"] and lead.startswith("Advocacy"):
        return page.nps_chart()
    return None


def build(page: Any, *, date: _date | str | None = None) -> Deck:
    """The executive summary ``page`` (:func:`cxlib.pages.summary.build`) as a 16:9 slide deck.

    Parameters
    ----------
    page : cxlib.pages.summary.SummaryPage
        The summary as the report shows it; its ``figures`` are the engagement's ``results.json``.
    date : date, str or None
        The date on the title slide (default: today, UTC).

    Returns
    -------
    Deck
        ``presentation`` (python-pptx), ``slides`` (what each slide holds), ``to_bytes()``.

    Notes
    -----
    Slides: the title; the answer first (the recommended actions, their value at stake with its 95% CI and n,
    and their chart); one slide per finding with its sentence(s) and, where the summary has one, its chart;
    the lagging groups of the business cuts and every measure between the first and last wave, as tables,
    where the engagement has them; the value at stake (introduction and chart; the scenarios' table; their
    assumptions and the check against the waves); what this shows and what it does not; the methods.
    Body text starts at 18 pt and shrinks in half points to :data:`MIN_SIZE`; what still does not fit goes to a
    slide titled "(continued)". Charts are the summary's own figures saved at :data:`DPI` dpi, never enlarged.

    Examples
    --------
    >>> build("not a page")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: deck.build: page must be the executive summary page (cxlib.pages.summary.build), not str
    """
    from .errors import ArgumentError
    from .pages import summary

    if not isinstance(page, summary.SummaryPage):
        raise ArgumentError(f"deck.build: page must be the executive summary page (cxlib.pages.summary.build), not "
                            f"{type(page).__name__}", function="deck.build", argument="page")
    if date is None:
        date = datetime.now(timezone.utc).date()
    if isinstance(date, _date):
        date_text = f"{date.day} {date.strftime('%B %Y')}"
    elif isinstance(date, str) and date.strip():
        date_text = date.strip()
    else:
        raise ArgumentError(f"deck.build: date must be a date or a text, not {date!r}", function="deck.build",
                            argument="date")
    client = str(page.client)
    b = _Builder(client, f"{client} · Executive summary · {date_text}")
    R = page.figures

    # 1. Title.
    s = b.slide(client, kind="title")
    n = R.get("n_respondents")
    study = ("A study of emotional connection among the customers: who is fully connected, what it goes with in "
             "value, which experiences and motivators drive it, who stays and who recommends.")
    lines = [[(study, False, False)]]
    if isinstance(n, (int, float)) and n > 0:
        lines.append([(f"From the survey answers of {int(n):,} respondents, joined to the customer records. "
                       "Every figure carries its 95% confidence interval and the number of customers (n) behind it.",
                       False, False)])
    lines.append([(f"Executive summary, {date_text}", True, False)])
    size, kept, _ = _fit(lines, width=(SLIDE_WIDTH - 2 * _MARGIN - 2 * INSET) * 72, height=(3.5 - 2 * INSET) * 72,
                         size=20, minimum=12)
    b._box(s, _MARGIN, 2.0, SLIDE_WIDTH - 2 * _MARGIN, 3.5, kept, size=size)

    # 2. The answer first.
    answer = str(page.answer())
    b.text_slides(_title_of(answer) or f"{client}: what to do", paragraphs(answer), kind="answer",
                  chart=page.actions_chart(), size=16, chart_side=5.6)

    # 3. One slide per finding.
    for f in page.findings:
        b.text_slides(f.lead.rstrip("."), paragraphs(f.sentence), kind="finding", chart=_finding_chart(page, f),
                      chart_side=7.5)

    # 4. The lagging business cuts and the movements between the waves, where the engagement has them.
    cuts = R.get("cuts")
    if isinstance(cuts, Mapping) and cuts.get("cuts"):
        lag = page.lagging_table()
        table = _styler_frame(lag)
        if table is not None:
            b.table_slides("Which part of the business lags", table[0], kind="cuts", note=table[1])
        else:
            b.text_slides("Which part of the business lags", paragraphs(str(lag)), kind="cuts")
    waves = R.get("waves")
    if isinstance(waves, Mapping) and "before" in waves:
        table = _styler_frame(page.programme_table())
        if table is not None:
            b.table_slides(f"Between the waves: {waves['before']} to {waves['after']}", table[0], kind="waves",
                           note="Every measure compared between the first and the last wave, whether it moved or not.")

    # 5. Value at stake.
    if page.scenarios:
        b.text_slides("Value at stake", paragraphs(str(page.value_at_stake_intro())), kind="value_at_stake",
                      chart=page.value_at_stake_chart(), size=16)
        table = _styler_frame(page.value_at_stake_table())
        if table is not None:
            b.table_slides("Value at stake: the scenarios", table[0], kind="scenarios")
        b.text_slides("Value at stake: the assumptions", paragraphs(str(page.assumptions()))
                      + paragraphs(str(page.assumption_check())), kind="assumptions", size=16)
    else:
        b.text_slides("Value at stake", paragraphs(str(page.value_at_stake_table())), kind="value_at_stake")

    # 6. What this shows and what it does not; 7. methods.
    b.text_slides("What this shows and what it does not", paragraphs(str(page.limits())), kind="limits")
    b.text_slides("Methods", paragraphs(str(page.methods())), kind="methods", size=14)
    return Deck(presentation=b.prs, slides=tuple(b.info), client=client, charts=b.charts)
