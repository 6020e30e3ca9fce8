"""Acceptance (#20, item 3): the workbook of tables, ``reports/<slug>/<slug>-tables.xlsx`` (cxlib.workbook).

The cell parser reads back every format cxlib.report and the pages write, checked two ways: a table of the
report's texts with their numbers, and a round trip through an independent renderer of Excel number formats
(text -> value and format -> the text Excel shows must be the text). The session's small batch
(tests/conftest.py, ``batch_run``) is the workbook under test: it reopens with openpyxl and pandas, its Contents
sheet lists every sheet, and every table sheet equals the report's table as pandas reads it from the published
HTML page, value by value, with intervals split and numbers stored as numbers. A tiny notebook run through
``batch.run`` checks the publishing path (skipped; re-run for it though nothing else changed; a failure that does
not lose the report).
The privacy scan of the workbook is in tests/test_privacy_scan.py.
"""
from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxlib import batch, render, report, workbook
from cxlib.errors import ArgumentError

SLUG = "small-retailer"


# -- an independent renderer of the Excel number formats the workbook uses ------------------------------------

def _sections(fmt: str) -> list[str]:
    out, cur, quoted = [], "", False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def excel_text(value: float, fmt: str) -> str:
    """What Excel shows for ``value`` under ``fmt`` (the subset: ``#,##0``, ``0``, decimals, ``%``, quoted
    literals, a literal ``+``, sections positive;negative;zero)."""
    parts = _sections(fmt)
    value = value + 0.0 if value == 0 else value  # Excel has no negative zero
    if value < 0 and len(parts) > 1:
        section, value = parts[1], -value
    elif value == 0 and len(parts) > 2:
        section = parts[2]
    else:
        section = parts[0]
    out, body = [], ""
    for piece in re.findall(r'"[^"]*"|[^"]+', section):
        if piece.startswith('"'):
            if body:
                out.append(("num", body))
                body = ""
            out.append(("lit", piece[1:-1]))
        else:
            body += piece
    if body:
        out.append(("num", body))
    text = ""
    for kind, piece in out:
        if kind == "lit":
            text += piece
            continue
        lead = piece[:len(piece) - len(piece.lstrip("+"))]
        core = piece.lstrip("+")
        percent = core.endswith("%")
        core = core.rstrip("%")
        decimals = len(core.split(".")[1]) if "." in core else 0
        v = value * 100 if percent else value
        number = f"{v:,.{decimals}f}" if "," in core else f"{v:.{decimals}f}"
        text += lead + number + ("%" if percent else "")
    return text


def test_the_reference_renderer_can_fail():
    assert excel_text(1234, '#,##0;"−"#,##0') == "1,234"
    assert excel_text(-9, '#,##0;"−"#,##0') == "−9"
    assert excel_text(0.205, '0.0%;"−"0.0%') == "20.5%"
    assert excel_text(0.205, '0%;"−"0%') != "20.5%"


# -- the cell parser -----------------------------------------------------------------------------------------

#: (the report's text, the value, the number format): every kind of figure the pages write.
CELLS = [
    ("1,234", 1234, '#,##0;"−"#,##0'),
    ("5,621", 5621, '#,##0;"−"#,##0'),
    ("7", 7, '#,##0;"−"#,##0'),
    ("2025", 2025, '0;"−"0'),                       # a year keeps no thousands separator
    ("20.5%", 0.205, '0.0%;"−"0.0%'),
    ("22%", 0.22, '0%;"−"0%'),
    ("100%", 1, '0%;"−"0%'),
    ("0.4%", 0.004, '0.0%;"−"0.0%'),
    ("−9", -9, '#,##0;"−"#,##0'),                   # a true minus
    ("-9", -9, '#,##0;"−"#,##0'),                   # a hyphen read the same way
    ("−21,630.4", -21630.4, '#,##0.0;"−"#,##0.0'),
    ("+0.10", 0.10, '+#,##0.00;"−"#,##0.00;#,##0.00'),
    ("+500,000", 500000, '+#,##0;"−"#,##0;#,##0'),
    ("0.03", 0.03, '#,##0.00;"−"#,##0.00'),
    ("0.87", 0.87, '#,##0.00;"−"#,##0.00'),
    ("1,188.42", 1188.42, '#,##0.00;"−"#,##0.00'),
    ("2.05×", 2.05, '#,##0.00"×";"−"#,##0.00"×"'),
    ("+4.4 points", 4.4, '+#,##0.0" points";"−"#,##0.0" points";#,##0.0" points"'),
    ("−5.4 points", -5.4, '#,##0.0" points";"−"#,##0.0" points"'),
    ("30 days", 30, '#,##0" days";"−"#,##0" days"'),
    ("p = 0.011", 0.011, '"p = "#,##0.000;"−""p = "#,##0.000'),
    ("p = 0.0014", 0.0014, '"p = "#,##0.0000;"−""p = "#,##0.0000'),
    # words stay words
    ("suppressed (n<30)", "suppressed (n<30)", None),
    ("suppressed (n < 30)", "suppressed (n < 30)", None),
    ("p < 0.001", "p < 0.001", None),
    ("< 0.001", "< 0.001", None),
    ("not estimable", "not estimable", None),
    ("75 (used)", "75 (used)", None),
    ("action 2", "action 2", None),
    ("Promoter share (9–10)", "Promoter share (9–10)", None),
    ("fewer than 30", "fewer than 30", None),
    ("2025Q1", "2025Q1", None),
    # no figure
    ("–", None, None),
    ("", None, None),
]


@pytest.mark.parametrize("text,value,fmt", CELLS, ids=[c[0] or "blank" for c in CELLS])
def test_cell_value_reads_every_format_of_the_reports(text, value, fmt):
    got, got_fmt = workbook.cell_value(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        assert isinstance(got, (int, float)) and math.isclose(got, value, rel_tol=1e-12, abs_tol=1e-15), got
    else:
        assert got == value
    assert got_fmt == fmt
    if fmt is not None and "p = " not in text:
        assert excel_text(got, fmt) == text.replace("-", "−")  # Excel shows the report's text


#: (the report's text of a column, the columns it becomes with their values)
SPREAD = [
    ("Share (95% CI)", ["20.5% (95% CI 17.4%–23.7%)", "suppressed (n < 30)"],
     {"Share": [0.205, "suppressed (n < 30)"], "Share CI low": [0.174, None], "Share CI high": [0.237, None]}),
    ("Change", ["−9 (−15 to −3)", "+4 (−2 to +11)"],
     {"Change": [-9, 4], "Change CI low": [-15, -2], "Change CI high": [-3, 11]}),
    ("Multiplier", ["2.05× (1.8–2.4)", "1.91× (95% CI 1.75–2.07)"],
     {"Multiplier": [2.05, 1.91], "Multiplier CI low": [1.8, 1.75], "Multiplier CI high": [2.4, 2.07]}),
    ("Change (95% CI)", ["+4.4 points (+4.2 to +4.7)"],
     {"Change": [4.4], "Change CI low": [4.2], "Change CI high": [4.7]}),
    ("Share", ["46% (44% – 47%)", "–"],
     {"Share": [0.46, None], "Share CI low": [0.44, None], "Share CI high": [0.47, None]}),
    ("pre", ["21.0% (19.5%–22.5%; n=2,743)", "−16.7 (−19.9 to −13.4; n=2,803)"],
     {"pre": [0.21, -16.7], "pre CI low": [0.195, -19.9], "pre CI high": [0.225, -13.4], "pre n": [2743, 2803]}),
    ("Estimate", ["2.10 (no interval)"], {"Estimate": [2.1], "Estimate CI low": [None], "Estimate CI high": [None]}),
    ("95% CI", ["22% – 24%"], {"95% CI low": [0.22], "95% CI high": [0.24]}),
    ("Rank, 95% interval", ["1–7", "10–27"], {"Rank, 95% interval low": [1, 10], "Rank, 95% interval high": [7, 27]}),
    ("Comments", ["282 of 1,291 (22%)", "1 of 826 (0.1%)"],
     {"Comments": [282, 1], "Comments out of": [1291, 826], "Comments share": [0.22, 0.001]}),
    ("Stated importance", ["33/100"], {"Stated importance": [33], "Stated importance out of": [100]}),
    ("n", ["2,743 / 2,878"], {"n, first": [2743], "n, second": [2878]}),
    ("Rank", ["1 → 2", "100% → 100%"], {"Rank, from": [1, 1.0], "Rank, to": [2, 1.0]}),
    ("East", ["21% (19%–23%) ▲", "1,234"],
     {"East": [0.21, 1234], "East CI low": [0.19, None], "East CI high": [0.23, None], "East ▲/▼": ["▲", None]}),
    ("Segment", ["Fully connected", "Other"], {"Segment": ["Fully connected", "Other"]}),
    ("n", ["1,835", "suppressed (n<30)"], {"n": [1835, "suppressed (n<30)"]}),
]


@pytest.mark.parametrize("name,texts,expected", SPREAD, ids=[s[1][0] for s in SPREAD])
def test_spread_column_gives_each_part_of_a_cell_its_own_column(name, texts, expected):
    cols = workbook.spread_column(name, texts)
    assert [c.name for c in cols] == list(expected)
    for c in cols:
        got = [v for v, _ in c.cells]
        want = expected[c.name]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            if isinstance(w, (int, float)):
                assert isinstance(g, (int, float)) and math.isclose(g, w, abs_tol=1e-12), (c.name, got)
            else:
                assert g == w, (c.name, got)


@given(est=st.floats(-1e6, 1e6), spread=st.floats(0, 1e4), dec=st.integers(0, 3),
       kind=st.sampled_from(["{:,.{d}f}", "{:+,.{d}f}", "{:.{d}%}"]))
def test_an_estimate_and_its_interval_as_report_writes_them_come_back_within_rounding(est, spread, dec, kind):
    """The planted truth: numbers written by cxlib.report.ci_text are read back to within the text's rounding,
    and Excel shows the report's text."""
    fmt = kind.replace("{d}", str(dec))
    scale = 1e-4 if "%" in fmt else 1.0
    e, lo, hi = est * scale, (est - spread) * scale, (est + spread) * scale
    text = report.ci_text(e, lo, hi, fmt=fmt)
    cols = workbook.spread_column("Figure", [text])
    assert [c.name for c in cols] == ["Figure", "Figure CI low", "Figure CI high"], text
    half = 0.5 * 10 ** -dec * (0.01 if "%" in fmt else 1) * 1.0000001 + 1e-12
    for col, truth in zip(cols, (e, lo, hi)):
        (value, number_format), = col.cells
        assert abs(value - truth) <= half, (text, col.name, value, truth)
        shown = excel_text(value, number_format)
        assert shown in text, (text, shown)


def test_p_values_and_numbers_as_cxlib_report_writes_them():
    for p in (0.0321, 0.5, 0.0042, 0.2):
        value, _ = workbook.cell_value(report.p_value(p))
        assert math.isclose(value, float(report.p_value(p)[4:]))
    assert workbook.cell_value(report.p_value(1e-9)) == ("p < 0.001", None)
    for v in (-1234.5, 0.0, 12.0, 987654.0):
        value, fmt = workbook.cell_value(report.number(v))
        assert value == round(v) and excel_text(value, fmt) == report.number(v)
    for share in (0.2349, 0.0042, 0.0, 1.0):
        value, fmt = workbook.cell_value(report.percent(share))
        assert excel_text(value, fmt) == report.percent(share)


def test_arguments_are_checked_naming_the_function():
    with pytest.raises(ArgumentError, match=r"^workbook\.build: notebooks must be"):
        workbook.build("01_x.ipynb", client="Acme")
    with pytest.raises(ArgumentError, match=r"^workbook\.build: each of notebooks"):
        workbook.build([{"cells": []}], client="Acme")
    with pytest.raises(ArgumentError, match=r"^workbook\.build: client"):
        workbook.build([], client="")
    with pytest.raises(ArgumentError, match=r"^workbook\.tables_of: notebook"):
        workbook.tables_of("01.ipynb")
    with pytest.raises(ArgumentError, match=r"^workbook\.spread_column: texts"):
        workbook.spread_column("n", "1,234")


# -- hand-made notebooks: sheet names, text that looks like a formula, no figure ---------------------------

def _table(header, rows, caption=""):
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    cap = f"<caption>{caption}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _notebook(*parts):
    cells = []
    for p in parts:
        if p.startswith("<table"):
            cells.append(nbformat.v4.new_code_cell("t", outputs=[
                nbformat.v4.new_output("display_data", data={"text/html": p, "text/plain": "<Styler>"})]))
        else:
            cells.append(nbformat.v4.new_markdown_cell(p))
    return nbformat.v4.new_notebook(cells=cells)


def test_sheet_names_are_valid_and_unique_and_cells_that_look_like_formulas_stay_text(tmp_path):
    from openpyxl import load_workbook

    long = "## What: customers say / matters [and] what is linked to connection?"
    t = _table(["Element", "n"], [["=HYPERLINK(\"http://x.example\")", "1,234"], ["@SUM(A1)", "–"]])
    nb = _notebook("# Drivers", long, t, t, t, "## Where to act", t, "## Notes on method",
                   "Figures are weighted.\n\n- **Intervals.** 95% throughout.")
    wb = workbook.build([("02_driver_analysis", nb)], client="Acme")
    path = tmp_path / "t.xlsx"
    wb.save(path)
    names = load_workbook(path).sheetnames
    tables = names[1:-1]
    assert names[0] == "Contents" and names[-1] == "Methods" and len(tables) == 4
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names), names
    assert len({n.lower() for n in names}) == len(names)
    assert workbook.sheet_name("History") == "History table"  # a name Excel keeps for itself
    ws = load_workbook(path)[tables[0]]
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=HYPERLINK")
    assert ws["B2"].data_type == "n" and ws["B2"].value == 1234 and ws["B2"].number_format == '#,##0;"−"#,##0'
    assert ws["B3"].value is None and ws["B3"].comment.text == workbook.NO_FIGURE_NOTE
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    methods = pd.read_excel(path, sheet_name="Methods")
    assert methods["Text"].tolist() == ["Notes on method", "Figures are weighted.", "• Intervals. 95% throughout."]


def test_tables_sit_under_their_section_and_a_bold_lead_names_each_of_several(tmp_path):
    t = _table(["Element"], [["Queues"]])
    nb = _notebook("# Drivers\n\n## Hidden drivers, overrated elements", "**Hidden drivers**: high derived.", t,
                   "**Overrated**: customers call them important.", t, "## Where to act", t)
    found = workbook.tables_of(nb)
    assert [(x.report, x.title, x.subtitle) for x in found] == [
        ("Drivers", "Hidden drivers, overrated elements", "Hidden drivers"),
        ("Drivers", "Hidden drivers, overrated elements", "Overrated"),
        ("Drivers", "Where to act", "")]
    wb = workbook.build([("02_driver_analysis", nb)], client="Acme")
    assert wb.sheetnames == ["Contents", "02 Hidden drivers", "02 Overrated", "02 Where to act", "Methods"]


# -- the session's small batch: the published workbook equals the report's tables ---------------------------

@pytest.fixture(scope="module")
def published(batch_run):
    _, out = batch_run
    path = out / SLUG / f"{SLUG}-tables.xlsx"
    assert path.is_file(), sorted(p.name for p in (out / SLUG).iterdir())
    return out / SLUG, path


def test_the_workbook_reopens_and_every_table_equals_the_report_table(published):
    """Every table sheet, read with pandas.read_excel, equals the table pandas reads from the published HTML
    page (in the same order), value by value after the same parsing; numbers are stored as numbers with a
    number format; the Contents sheet lists every sheet with a link to it."""
    from openpyxl import load_workbook

    folder, path = published
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))["outputs"]["workbook"]
    wb = load_workbook(path)
    contents = pd.read_excel(path, sheet_name="Contents", header=3)
    tables = wb.sheetnames[1:-1]
    assert wb.sheetnames[0] == "Contents" and wb.sheetnames[-1] == "Methods"
    assert contents["Sheet"].tolist() == tables and len(tables) >= 20
    assert record["made"] is True and record["file"] == path.name and record["tables"] == len(tables)
    links = [wb["Contents"].cell(row=i, column=1).hyperlink.location for i in range(5, 5 + len(tables))]
    assert links == [f"'{t}'!A1" for t in tables]

    checked_cells = numeric = 0
    from bs4 import BeautifulSoup

    titles = {}
    for page in sorted(folder.glob("[0-9][0-9]_*.html")):
        text = page.read_text(encoding="utf-8")
        titles[BeautifulSoup(text, "html.parser").find("h1").get_text().strip(" ¶")] = text
    for report_title, listed in contents.groupby("Report", sort=False):
        html_tables = pd.read_html(io.StringIO(titles[report_title]), thousands=None, keep_default_na=False)
        assert len(html_tables) == len(listed), (report_title, len(html_tables), len(listed))
        for frame, sheet in zip(html_tables, listed["Sheet"]):
            expected = []
            for j, name in enumerate(frame.columns):
                expected += workbook.spread_column(str(name), [str(v) for v in frame.iloc[:, j]])
            got = pd.read_excel(path, sheet_name=sheet)
            assert list(got.columns) == [c.name for c in expected], sheet
            assert len(got) == len(frame), sheet
            ws = wb[sheet]
            for j, col in enumerate(expected, start=1):
                for i, (value, fmt) in enumerate(col.cells, start=2):
                    cell = ws.cell(row=i, column=j)
                    if isinstance(value, (int, float)):
                        assert cell.data_type == "n" and cell.number_format not in ("General", None), (sheet, cell)
                        assert math.isclose(cell.value, value, rel_tol=1e-12, abs_tol=1e-12), (sheet, col.name, i)
                        numeric += 1
                    else:
                        assert cell.value == value, (sheet, col.name, i, cell.value, value)
                    checked_cells += 1
    print(f"\nworkbook: {len(tables)} table sheets, {checked_cells:,} cells equal to the reports' tables "
          f"({numeric:,} numeric)")
    assert numeric > checked_cells / 3


def test_the_methods_sheet_holds_each_reports_notes_on_method(published):
    folder, path = published
    methods = pd.read_excel(path, sheet_name="Methods")
    heads = methods.loc[methods["Text"].str.lower().str.startswith(workbook.METHOD_HEADINGS), "Report"]
    assert heads.nunique() >= 4  # the summary's appendix and the analyses' notes
    assert methods["Text"].str.contains("95%").any() and not methods["Text"].str.contains(r"\*\*").any()


# -- the publishing path ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def table_notebook(tmp_path_factory):
    """A notebook that takes the batch's parameters and shows one table: a batch run of it costs seconds."""
    folder = tmp_path_factory.mktemp("table-notebooks")
    params = nbformat.v4.new_code_cell("engagement = ''\nseed = 0\nout = ''")
    params.metadata["tags"] = ["parameters"]
    show = nbformat.v4.new_code_cell("import pandas as pd\npd.DataFrame({'Segment': ['Other'], "
                                     "'Share (95% CI)': ['21% (19%–23%)'], 'n': ['1,234']}).style.hide(axis='index')")
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_markdown_cell("# Tiny report\n\n## Who"), show])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "01_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_cx_run_skips_the_workbook_on_request_re_runs_for_it_and_a_failure_never_loses_the_report(
        small_engagements, table_notebook, tmp_path, monkeypatch):
    good, _ = small_engagements
    out = tmp_path / "reports"
    target = out / SLUG / f"{SLUG}-tables.xlsx"

    def record():
        return json.loads((out / SLUG / "run.json").read_text(encoding="utf-8"))["outputs"]["workbook"]

    (res,) = batch.run([good], out=out, notebooks=[table_notebook], jobs=1, force=True, skip=["pdf", "workbook"])
    assert res.status == "ok" and record() == {"made": False, "reason": "skipped for this run (cx run --skip workbook)"}
    assert not target.exists()

    # Published without it, nothing else changed: the next run tries to make it (this one fails to). That it is
    # made, and its content, is checked on the session's batch above.
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    with monkeypatch.context() as m:
        m.setattr(render, "write_workbook", broken)
        (res,) = batch.run([good], out=out, notebooks=[table_notebook], jobs=1, skip=["pdf"])
    assert res.status == "ok" and (out / SLUG / "01_tiny.html").is_file()
    assert record() == {"made": False, "reason": "the workbook could not be made: RuntimeError: disk on fire"}
    assert not target.exists() and not list((out / SLUG).glob(".*.tmp"))

