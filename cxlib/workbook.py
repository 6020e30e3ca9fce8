"""The workbook of tables: every table of an engagement's reports in one Excel file, one sheet each.

:func:`tables_of` finds every table an executed notebook shows (each a ``text/html`` output, a pandas
Styler rendered by a page method of :mod:`cxlib.pages`), in order, titled with the report's section heading
it sits under. :func:`build` makes an ``openpyxl.Workbook`` in memory from the executed notebooks of one
engagement: a **Contents** sheet first (each sheet's name, the report and section it comes from, its rows,
a link to it), one sheet per table, and a **Methods** sheet with each report's notes on method. It writes
no file: :func:`cxlib.render.write_workbook` saves it (``reports/<slug>/<slug>-tables.xlsx``).

The reports' cells are text formatted by :mod:`cxlib.report` (``20.5% (95% CI 17.4%–23.7%)``, ``−9 (−15
to −3)``, ``1,234``, ``282 of 1,291 (22%)``). :func:`cell_value` reads one of them back as a number with an
Excel number format that shows it as the report does; :func:`spread_column` splits a column of compound
cells (an estimate with its interval, a count out of a total) into one numeric column per part.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ArgumentError

__all__ = ["ReportTable", "Column", "cell_value", "spread_column", "tables_of", "build", "sheet_name",
           "CONTENTS", "METHODS", "NO_FIGURE_NOTE", "METHOD_HEADINGS"]

#: The first and the last sheet's names.
CONTENTS, METHODS = "Contents", "Methods"
#: The comment on a cell the report shows as ``–`` (no figure): the cell itself is left empty.
NO_FIGURE_NOTE = "No figure: the report shows – here"
#: Headings (their start, any case) whose text the Methods sheet collects from each report.
METHOD_HEADINGS = ("notes on method", "methods appendix")

_MINUS = "−"
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
# A number as cxlib.report writes it: an optional sign (true minus, hyphen or plus), digits with or without
# thousands commas, decimals.
_NUM = r"[+−-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNITS = ("percentage points", "points", "point", "pp", "days", "day", "weeks", "months", "years")
_SCALAR = re.compile(rf"^(?P<num>{_NUM})(?P<suffix>%|×)?(?: (?P<unit>{'|'.join(_UNITS)}))?$")
_P_EQUALS = re.compile(rf"^p = (?P<num>{_NUM})$")
_PART = rf"{_NUM}(?:%|×)?"
_SEP = r"(?:\s*–\s*|\s+to\s+)"
_INTERVAL = re.compile(rf"^(?P<est>{_PART}(?: (?:{'|'.join(_UNITS)}))?) \((?:95% CI )?"
                       rf"(?:(?P<lo>{_PART}(?: (?:{'|'.join(_UNITS)}))?){_SEP}(?P<hi>{_PART}(?: (?:{'|'.join(_UNITS)}))?)"
                       rf"|(?P<none>no interval))(?:; n=(?P<n>{_NUM}))?\)$")
_RANGE = re.compile(rf"^(?P<lo>{_PART}){_SEP}(?P<hi>{_PART})$")
_COUNT_OF = re.compile(rf"^(?P<k>{_NUM}) of (?P<n>{_NUM}) \((?P<p>{_NUM}%)\)$")
_RATIO = re.compile(rf"^(?P<k>{_NUM})/(?P<n>{_NUM})$")
_PAIR = re.compile(rf"^(?P<a>{_NUM}) / (?P<b>{_NUM})$")
_ARROW = re.compile(rf"^(?P<a>{_PART}) → (?P<b>{_PART})$")
#: Each compound kind's parts: the suffix each part's column name gets.
_PARTS = {"interval": ("", " CI low", " CI high", " n"), "range": (" low", " high"), "arrow": (", from", ", to"),
          "count": ("", " out of", " share"), "ratio": ("", " out of"), "pair": (", first", ", second")}
_CI_IN_NAME = re.compile(r"(?:,\s*|\s*\()95% (?:CI|interval)\)?$")
_LEAD = re.compile(r"^\*\*([^*\n]{1,60})\*\*\s*[:.]")
_MARKS = "▲/▼"
#: Words a sheet name cut to 31 characters does not end on.
_DANGLING = {"a", "an", "and", "are", "as", "at", "between", "by", "for", "from", "in", "is", "of", "on", "or",
             "the", "to", "with"}
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: Any) -> str:
    return _SPACES.sub(" ", _CONTROL.sub("", str(text))).strip()


def _format(decimals: int, *, thousands: bool, signed: bool, suffix: str = "", unit: str = "",
            prefix: str = "") -> str:
    """An Excel number format that shows a number as the report wrote it (true minus, an explicit plus)."""
    body = ("#,##0" if thousands else "0") + ("." + "0" * decimals if decimals else "")
    if suffix == "%":
        body = "0" + ("." + "0" * decimals if decimals else "") + "%"
    elif suffix == "×":
        body += '"×"'
    if unit:
        body += f'" {unit}"'
    if prefix:
        body = f'"{prefix}"' + body
    if signed:
        return f'+{body};"{_MINUS}"{body};{body}'  # zero reads "0" (cxlib.report.number)
    return f'{body};"{_MINUS}"{body}'


def cell_value(text: Any) -> tuple[Any, str | None]:
    """One report cell read back: ``(value, number_format)``.

    A number as :mod:`cxlib.report` writes it becomes a float or an int with an Excel number format that
    shows it the same way: ``1,234`` -> ``1234`` (``#,##0``), ``20.5%`` -> ``0.205`` (``0.0%``), ``−9`` (a
    true minus) -> ``-9``, ``+4.4 points`` -> ``4.4`` shown with its sign and unit, ``1.91×`` -> ``1.91``,
    ``p = 0.011`` -> ``0.011`` shown as ``p = 0.011``. An empty cell and ``–`` (no figure) give
    ``(None, None)``. Anything else (``suppressed (n < 30)``, ``p < 0.001``, a label) is kept as its text,
    with ``None`` for the format.

    Parameters
    ----------
    text : str
        The cell's text as the report shows it.

    Returns
    -------
    tuple
        ``(value, number_format)``: a number and its format, the text and ``None``, or ``(None, None)``.

    Notes
    -----
    The format reproduces the report's text: as many decimals as it shows, thousands separators when it
    has them (a four-digit number written without one, say a year, keeps none), a plus sign when the report
    writes one and always a true minus (U+2212) for negatives. Percentages are stored as fractions (``22%`` is
    0.22), so a spreadsheet's arithmetic on them is right.

    Examples
    --------
    >>> cell_value("1,234")
    (1234, '#,##0;"−"#,##0')
    >>> cell_value("20.5%")
    (0.205, '0.0%;"−"0.0%')
    >>> cell_value("−9")
    (-9, '#,##0;"−"#,##0')
    >>> cell_value("+4.4 points")
    (4.4, '+#,##0.0" points";"−"#,##0.0" points";#,##0.0" points"')
    >>> cell_value("suppressed (n < 30)"), cell_value("–")
    (('suppressed (n < 30)', None), (None, None))
    """
    if text is None:
        return None, None
    s = _clean(text)
    if s in ("", "–", "—"):
        return None, None
    m = _SCALAR.match(s)
    prefix = ""
    if not m:
        m = _P_EQUALS.match(s)
        prefix = "p = "
    if not m:
        return s, None
    num = m.group("num")
    suffix = m.groupdict().get("suffix") or ""
    unit = m.groupdict().get("unit") or ""
    digits = num.lstrip("+−-").replace(",", "")
    negative = num[:1] in ("−", "-")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value: float | int = float(digits) if decimals else int(digits)
    if negative:
        value = -value
    if suffix == "%":
        value = round(value / 100, decimals + 2)
    thousands = "," in num or abs(float(digits)) < 1000
    return value, _format(decimals, thousands=thousands, signed=num[:1] == "+", suffix=suffix, unit=unit,
                          prefix=prefix)


def _compound(text: str) -> tuple[str, list[str]] | None:
    """``(kind, part texts)`` of a compound cell, else None."""
    m = _INTERVAL.match(text)
    if m:
        n = m.group("n") or ""
        if m.group("none"):
            return "interval", [m.group("est"), "", "", n]
        est, lo, hi = m.group("est"), m.group("lo"), m.group("hi")
        # A bound written without the estimate's % or × or unit ("1.91× (95% CI 1.75–2.07)") has them.
        tail = re.match(rf"^{_NUM}(?P<t>.*)$", est).group("t")  # type: ignore[union-attr]
        lo, hi = (b if re.match(rf"^{_NUM}$", b) is None else b + tail for b in (lo, hi))
        return "interval", [est, lo, hi, n]
    for kind, pattern in (("range", _RANGE), ("count", _COUNT_OF), ("ratio", _RATIO), ("pair", _PAIR),
                          ("arrow", _ARROW)):
        m = pattern.match(text)
        if m:
            return kind, list(m.groups())
    return None


@dataclass(frozen=True)
class Column:
    """One column of a workbook sheet: its header, its cells (each ``(value, number_format)``) and each
    cell's note (:data:`NO_FIGURE_NOTE` where the report shows ``–``, else None).

    Examples
    --------
    >>> [c.name for c in spread_column("Share (95% CI)", ["20.5% (17.4% to 23.7%)"])]
    ['Share', 'Share CI low', 'Share CI high']
    """

    name: str
    cells: tuple[tuple[Any, str | None], ...]
    notes: tuple[str | None, ...] = ()


def spread_column(name: str, texts: Sequence[Any]) -> list[Column]:
    """A report column as workbook columns: one column, or one per part of its compound cells.

    A column whose cells read ``x (lo to hi)``, ``x (95% CI lo–hi)`` or ``x (lo – hi)`` becomes three:
    ``<name>``, ``<name> CI low``, ``<name> CI high`` (a ``(95% CI)`` at the end of the name is dropped
    first), and a fourth, ``<name> n``, when its cells give their n (``x (lo–hi; n=1,234)``); ``lo–hi``
    alone becomes ``<name> low``, ``<name> high``; ``a → b`` becomes ``<name>, from``, ``<name>, to``; ``k of n (p%)`` becomes ``<name>``,
    ``<name> out of``, ``<name> share``; ``k/n`` becomes ``<name>``, ``<name> out of``; two figures ``a / b``
    (the scorecard's n before / after) become ``<name>, first``, ``<name>, second``. A column is split
    when its compound cells are all of one such kind; any other cell (``suppressed (n < 30)``, ``–``, a
    single number such as a banner's n) goes in the first column, read by :func:`cell_value`, and leaves the
    others empty. A trailing ``▲`` / ``▼`` (a business cut's group above / below the rest) goes in a column of
    its own, ``<name> ▲/▼``. Every part is read by
    :func:`cell_value`.

    Parameters
    ----------
    name : str
        The column's header.
    texts : sequence of str
        Its cells, top to bottom.

    Returns
    -------
    list of Column

    Examples
    --------
    >>> cols = spread_column("Share (95% CI)", ["20.5% (95% CI 17.4%–23.7%)", "suppressed (n < 30)"])
    >>> [c.name for c in cols]
    ['Share', 'Share CI low', 'Share CI high']
    >>> [[v for v, _ in c.cells] for c in cols]
    [[0.205, 'suppressed (n < 30)'], [0.174, None], [0.237, None]]
    """
    fn = "workbook.spread_column"
    if not isinstance(name, str):
        raise ArgumentError(f"{fn}: name must be the column's header (a string), not {type(name).__name__}",
                            function=fn, argument="name")
    if isinstance(texts, (str, bytes)) or not hasattr(texts, "__iter__"):
        raise ArgumentError(f"{fn}: texts must be a sequence of cell texts, not {type(texts).__name__}",
                            function=fn, argument="texts")
    cells = [_clean(t) if t is not None else "" for t in texts]
    # The business-cut banners mark a group above / below the rest: the mark gets a column of its own.
    marks = [c[-1] if c[-2:] in (" ▲", " ▼") else None for c in cells]
    cells = [c[:-2] if m else c for c, m in zip(cells, marks)]
    marked = [Column(f"{name} {_MARKS}", tuple((m, None) for m in marks))] if any(marks) else []
    notes = tuple(NO_FIGURE_NOTE if c in ("–", "—") else None for c in cells)
    parsed = [_compound(c) for c in cells]
    kinds = {p[0] for p in parsed if p is not None}
    if len(kinds) != 1:
        return [Column(name, tuple(cell_value(c) for c in cells), notes)] + marked
    kind = kinds.pop()
    suffixes = _PARTS[kind]
    if kind == "interval" and not any(p[1][3] for p in parsed if p is not None):
        suffixes = suffixes[:3]  # no cell gives its n
    base = (_CI_IN_NAME.sub("", name).strip() or name) if kind == "interval" else name
    columns = []
    for i, suffix in enumerate(suffixes):
        col = []
        for c, p in zip(cells, parsed):
            if p is None:
                col.append(cell_value(c) if i == 0 else (None, None))
            else:
                col.append(cell_value(p[1][i]))
        columns.append(Column(base + suffix, tuple(col), notes if i == 0 else (None,) * len(cells)))
    return columns + marked


@dataclass(frozen=True)
class ReportTable:
    """A table as a report shows it: its section's heading, caption, header and cell texts.

    Attributes
    ----------
    title : str
        The heading of the report section it sits under.
    caption : str
        The table's caption ("" when it has none).
    columns : tuple of str
        Header texts (the levels of a multi-level header joined by " – ").
    rows : tuple of tuple of str
        Cell texts, row by row (a shown index is the first columns).
    report : str
        The report it comes from (its first heading), set by :func:`tables_of`.
    subtitle : str
        The bold lead-in of the paragraph above it within its section (``**Overrated**: ...``), when a
        section shows several tables that way; "" otherwise.

    Examples
    --------
    >>> t = ReportTable(title="Who is connected", caption="", columns=("Segment", "Share"), rows=(("Other", "57%"),))
    >>> t.title, t.rows[0][1]
    ('Who is connected', '57%')
    """

    title: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    report: str = ""
    subtitle: str = ""

    def frame(self) -> Any:
        """The cell texts as a DataFrame (one column per header, duplicates kept)."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(self.columns))

    def spread(self) -> list[Column]:
        """The workbook's columns of this table (:func:`spread_column` on each column)."""
        out: list[Column] = []
        for j, name in enumerate(self.columns):
            out += spread_column(name, [r[j] if j < len(r) else "" for r in self.rows])
        return out


def _headings(markdown: str) -> list[tuple[int, str]]:
    out = []
    for line in markdown.splitlines():
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            out.append((len(m.group(1)), _plain(m.group(2))))
    return out


def _plain(markdown: str) -> str:
    """Markdown as plain text: emphasis, code marks, links and backslash escapes undone."""
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    s = re.sub(r"(\*\*|__|\*|`)", "", s)
    s = re.sub(r"\\([^\w\s])", r"\1", s)
    return _clean(s)


def _parse_table(table: Any) -> tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]:
    caption = table.find("caption")
    cap = _clean(caption.get_text(" ")) if caption else ""
    head_rows, body_rows = [], []
    thead = table.find("thead")
    for tr in table.find_all("tr"):
        cells = []
        for cell in tr.find_all(["th", "td"], recursive=False):
            span = int(cell.get("colspan", 1) or 1)
            cells += [_clean(cell.get_text(" "))] * span
        (head_rows if thead is not None and tr.find_parent("thead") is thead else body_rows).append(cells)
    width = max([len(r) for r in head_rows + body_rows] or [0])
    header = []
    for j in range(width):
        parts: list[str] = []
        for r in head_rows:
            if j < len(r) and r[j] and r[j] not in parts:
                parts.append(r[j])
        header.append(" – ".join(parts) or ("" if j else ""))
    rows = tuple(tuple(r + [""] * (width - len(r))) for r in body_rows)
    return cap, tuple(header), rows


def tables_of(notebook: Any) -> list[ReportTable]:
    """Every table an executed notebook shows, in order, each titled with the section heading above it.

    Parameters
    ----------
    notebook : NotebookNode or dict
        An executed notebook (nbformat 4).

    Returns
    -------
    list of ReportTable
        One per ``<table>`` in the ``text/html`` outputs of its code cells (the papermill parameter cells
        left out). ``title`` is the last heading above it, of a Markdown cell or of a Markdown output,
        below the report's own title (that title when the table comes before any section); ``report`` is the
        notebook's first heading.

    Notes
    -----
    Tables are read from the HTML the reviewer sees (the Styler's rendering, already escaped and
    suppressed), so the workbook holds exactly the report's tables and nothing the report does not show.

    Examples
    --------
    >>> import nbformat
    >>> html = "<table><thead><tr><th>Segment</th><th>n</th></tr></thead><tbody><tr><td>Other</td><td>1,234</td></tr></tbody></table>"
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Report\\n\\n## Who is connected"),
    ...     nbformat.v4.new_code_cell("t", outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})])])
    >>> [(t.report, t.title, t.columns, t.rows) for t in tables_of(nb)]
    [('Report', 'Who is connected', ('Segment', 'n'), (('Other', '1,234'),))]
    """
    if not isinstance(notebook, dict) or "cells" not in notebook:
        raise ArgumentError("workbook.tables_of: notebook must be an executed notebook (a NotebookNode with "
                            f"cells), not {type(notebook).__name__}", function="workbook.tables_of",
                            argument="notebook")
    from bs4 import BeautifulSoup

    report, title, subtitle, out = "", "", "", []

    def heard(markdown: str, *, deepest: int = 6) -> None:
        nonlocal report, title, subtitle
        for block in re.split(r"\n\s*\n", markdown.strip()):
            heads = [(lv, t) for lv, t in _headings(block) if lv <= deepest]
            for level, text in heads:
                subtitle = ""
                if not report and level == 1:
                    report = text
                    title = title or text
                else:
                    title = text
            lead = _LEAD.match(block.strip())
            if lead and not heads and deepest == 6:
                subtitle = _plain(lead.group(1))

    for cell in notebook["cells"]:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            heard(source)
            continue
        if cell.get("cell_type") != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            md = data.get("text/markdown")
            if md:  # a page's own Markdown: its sub-headings (#### a segment's comments) are not sections
                heard("".join(md) if isinstance(md, list) else md, deepest=3)
            page = data.get("text/html")
            if not page:
                continue
            page = "".join(page) if isinstance(page, list) else page
            if "<table" not in page:
                continue
            for table in BeautifulSoup(page, "html.parser").find_all("table"):
                if table.find_parent("table") is not None:
                    continue
                caption, columns, rows = _parse_table(table)
                out.append(ReportTable(title or report, caption, columns, rows, report, subtitle))
    return [ReportTable(t.title, t.caption, t.columns, t.rows, report, t.subtitle) for t in out]


def _methods_text(notebook: Any) -> list[str]:
    """The paragraphs under a report's "Notes on method" / "Methods appendix" heading (to the next heading of
    the same level or above), from its Markdown cells and Markdown outputs."""
    paragraphs: list[str] = []
    inside: int | None = None

    def take(markdown: str) -> None:
        nonlocal inside
        for block in re.split(r"\n\s*\n", markdown):
            lines = block.strip().splitlines()
            if not lines:
                continue
            heads = _headings(lines[0])
            if heads:
                level, text = heads[0]
                if text.lower().startswith(METHOD_HEADINGS):
                    inside = level
                    paragraphs.append(text)
                    lines = lines[1:]
                elif inside is not None and level <= inside:
                    inside = None
                elif inside is not None:
                    paragraphs.append(text)
                    lines = lines[1:]
            if inside is not None:
                for item in re.split(r"\n(?=\s*[-*] |\s*\d+\. )", "\n".join(lines)):
                    text = _plain(re.sub(r"^\s*[-*] ", "• ", item))
                    if text:
                        paragraphs.append(text)

    for cell in notebook["cells"]:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            take(source)
        elif cell.get("cell_type") == "code" and inside is not None:
            for output in cell.get("outputs", []):
                md = output.get("data", {}).get("text/markdown")
                if md:
                    take("".join(md) if isinstance(md, list) else md)
    return paragraphs


def sheet_name(name: str, taken: Sequence[str] = ()) -> str:
    """``name`` as an Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, not blank, not
    ``History``, and unlike every name in ``taken`` ignoring case (a number in brackets is added).

    Examples
    --------
    >>> sheet_name("01 How much more value goes with connection")
    '01 How much more value goes'
    >>> sheet_name("02 Where: to act/first?", taken=["02 Where to act first"])
    '02 Where to act first (2)'
    """
    base = _clean(_FORBIDDEN.sub(" ", str(name))).strip("'").strip() or "Table"
    if base.lower() == "history":
        base = "History table"
    lowered = {t.lower() for t in taken}

    def cut(limit: int) -> str:
        if len(base) <= limit:
            return base
        head = base[:limit + 1].rsplit(" ", 1)[0] if " " in base[:limit + 1] else ""
        words = head.split(" ")
        while len(words) > 2 and words[-1].lower() in _DANGLING:  # "before and", "between the"
            words.pop()
        head = " ".join(words)
        return (head if len(head) > 8 else base[:limit]).rstrip(" ,;-–")

    candidate, k = cut(31), 1
    while candidate.lower() in lowered:
        k += 1
        tail = f" ({k})"
        candidate = cut(31 - len(tail)) + tail
    return candidate


def _text_cell(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with


def _widths(ws: Any, columns: Sequence[Sequence[Any]], *, low: int = 8, high: int = 60) -> None:
    from openpyxl.utils import get_column_letter

    for j, col in enumerate(columns, start=1):
        longest = max((len(str(v)) for v in col if v is not None), default=0)
        ws.column_dimensions[get_column_letter(j)].width = max(low, min(high, longest + 2))


def build(notebooks: Sequence[tuple[str, Any]], *, client: str, results: dict[str, Any] | None = None) -> Any:
    """The workbook of an engagement's report tables (in memory: nothing is written).

    Parameters
    ----------
    notebooks : sequence of (name, NotebookNode)
        The executed notebooks, in the order their tables appear (``("01_motivator_discovery", nb)``, …).
    client : str
        The client's name, for the contents sheet's title.
    results : dict, optional
        The engagement's ``results.json``: its number of respondents is stated on the contents sheet.

    Returns
    -------
    openpyxl.Workbook
        ``Contents``; one sheet per table (named after the notebook's number and the section, unique, at
        most 31 characters); ``Methods``.

    Notes
    -----
    Each table sheet has the table's header in row 1 (bold, panes frozen below it) and its rows below, so
    ``pandas.read_excel(path, sheet_name=...)`` gives the table. Numbers are numbers with number formats
    (:func:`cell_value`); intervals and counts out of totals are split into columns of their own
    (:func:`spread_column`). A ``–`` (no figure) is an empty cell with the comment :data:`NO_FIGURE_NOTE`;
    words such as ``suppressed (n < 30)`` stay as the report writes them. The contents sheet's table
    (``Sheet, Report, Section, Caption, Rows, Columns``) starts at row 4, after the title and a note; each
    sheet name links to its sheet. The Methods sheet has one paragraph per row: ``Report, Text``.

    Examples
    --------
    >>> import nbformat
    >>> html = "<table><thead><tr><th>Segment</th><th>Share (95% CI)</th></tr></thead><tbody><tr><td>Other</td><td>21% (19%–23%)</td></tr></tbody></table>"
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Report\\n\\n## Who is connected"),
    ...     nbformat.v4.new_code_cell("t", outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})])])
    >>> wb = build([("01_motivator_discovery", nb)], client="Acme")
    >>> wb.sheetnames
    ['Contents', '01 Who is connected', 'Methods']
    >>> [c.value for c in wb["01 Who is connected"][2]]
    ['Other', 0.21, 0.19, 0.23]
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    fn = "workbook.build"
    if isinstance(notebooks, (str, bytes)) or not isinstance(notebooks, Sequence):
        raise ArgumentError(f"{fn}: notebooks must be a sequence of (name, notebook) pairs, not "
                            f"{type(notebooks).__name__}", function=fn, argument="notebooks")
    for item in notebooks:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], dict)):
            raise ArgumentError(f"{fn}: each of notebooks must be a (name, notebook) pair, not {item!r:.60}",
                                function=fn, argument="notebooks")
    if not isinstance(client, str) or not client.strip():
        raise ArgumentError(f"{fn}: client must be the client's name (a non-empty string), not {client!r:.60}",
                            function=fn, argument="client")
    if results is not None and not isinstance(results, dict):
        raise ArgumentError(f"{fn}: results must be the results.json dict or None, not {type(results).__name__}",
                            function=fn, argument="results")

    bold = Font(bold=True)
    wb = Workbook()
    contents = wb.active
    contents.title = CONTENTS
    taken = [CONTENTS, METHODS]
    listed: list[tuple[str, str, str, str, int, int]] = []
    methods: list[tuple[str, str]] = []
    for name, nb in notebooks:
        number = name.split("_", 1)[0] if name[:2].isdigit() else ""
        tables = tables_of(nb)
        report = tables[0].report if tables else (next((t for lv, t in _headings("\n".join(
            "".join(c.get("source", "")) for c in nb["cells"] if c.get("cell_type") == "markdown")) if lv == 1), name))
        for t in tables:
            title = sheet_name(f"{number} {t.subtitle or t.title}".strip(), taken)
            taken.append(title)
            ws = wb.create_sheet(title)
            columns = t.spread()
            for j, col in enumerate(columns, start=1):
                head = ws.cell(row=1, column=j)
                _text_cell(head, col.name)
                head.font = bold
                for i, (value, fmt) in enumerate(col.cells, start=2):
                    cell = ws.cell(row=i, column=j)
                    _text_cell(cell, value)
                    if fmt:
                        cell.number_format = fmt
                    if col.notes and col.notes[i - 2]:
                        cell.comment = Comment(col.notes[i - 2], "cxlib")
            ws.freeze_panes = "A2"
            _widths(ws, [[c.name] + [v for v, _ in c.cells] for c in columns])
            section = f"{t.title}: {t.subtitle}" if t.subtitle else t.title
            listed.append((title, t.report or report, section, t.caption, len(t.rows), len(columns)))
        methods += [(report, p) for p in _methods_text(nb)]

    contents["A1"] = f"{client}: the tables of the reports"
    contents["A1"].font = Font(bold=True, size=14)
    n_resp = (results or {}).get("n_respondents")
    note = (f"Every table of the reports, one sheet each, with numbers as numbers and each 95% interval in "
            f"columns of its own (CI low, CI high). A cell the report shows as – is empty, with a comment."
            + (f" Respondents analysed: {n_resp:,}." if isinstance(n_resp, int) else ""))
    _text_cell(contents["A2"], note)
    header = ("Sheet", "Report", "Section", "Caption", "Rows", "Columns")
    for j, h in enumerate(header, start=1):
        c = contents.cell(row=4, column=j, value=h)
        c.font = bold
    for i, row in enumerate(listed, start=5):
        for j, v in enumerate(row, start=1):
            _text_cell(contents.cell(row=i, column=j), v)
        link = contents.cell(row=i, column=1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{row[0]}'!A1", display=row[0])
        link.style = "Hyperlink"
    contents.freeze_panes = "A5"
    _widths(contents, [[h] + [r[j] for r in listed] for j, h in enumerate(header)])
    contents.column_dimensions["A"].width = 34

    ms = wb.create_sheet(METHODS)
    for j, h in enumerate(("Report", "Text"), start=1):
        ms.cell(row=1, column=j, value=h).font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, (report, text) in enumerate(methods, start=2):
        _text_cell(ms.cell(row=i, column=1), report)
        cell = ms.cell(row=i, column=2)
        _text_cell(cell, text)
        cell.alignment = wrap
        ms.cell(row=i, column=1).alignment = wrap
    ms.freeze_panes = "A2"
    ms.column_dimensions["A"].width = 30
    ms.column_dimensions["B"].width = 110
    return wb
