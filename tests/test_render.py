"""cxlib.render: reviewer HTML hides code, embeds figures, loads nothing remote, escapes data markup."""
from __future__ import annotations

import base64
import re

import nbformat

from cxlib import render, report

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")).decode()


def _executed_notebook():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("secret_code_marker = 1\nplot()")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={
            "text/html": "<p>quote: <script>alert(1)</script><img src=x onerror=alert(1)></p>"}),
        nbformat.v4.new_output("display_data", data={report.MIME_TYPE: {"key": "client", "value": "X"}}),
    ]
    params = nbformat.v4.new_code_cell("engagement = '/secret/path'")
    params.metadata["tags"] = ["injected-parameters"]
    params.outputs = [nbformat.v4.new_output("stream", name="stdout", text="/secret/path")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), params, code]
    return nb


def test_html_hides_code_and_embeds_figures():
    html = render.notebook_html(_executed_notebook(), provenance="seed 0")
    assert "secret_code_marker" not in html
    assert "/secret/path" not in html
    assert f"data:image/png;base64,{PNG}" in html
    assert "seed 0" in html


def test_html_loads_nothing_remote():
    html = render.notebook_html(_executed_notebook())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "the report references a remote resource"
    assert "cdnjs" not in html and "mathjax" not in html.lower()


def test_markup_from_data_is_not_executable():
    html = render.notebook_html(_executed_notebook())
    assert "<script" not in html.lower()
    assert "onerror" not in html


def test_sanitize_page_keeps_tables_styles_and_embedded_images():
    page = ("<style>.x{color:red}</style><table class='dataframe'><tr><td style='color:red'>1</td></tr></table>"
            f"<img src='data:image/png;base64,{PNG}' alt='chart'><a href='javascript:alert(1)'>x</a>"
            "<img src='https://evil.example/x.png'><p onclick='alert(1)'>t</p><iframe src='x'></iframe>")
    clean = render.sanitize_page(page)
    assert "<td style=\"color:red\">1</td>" in clean and ".x{color:red}" in clean
    assert f"data:image/png;base64,{PNG}" in clean
    for bad in ("javascript:", "evil.example", "onclick", "<iframe"):
        assert bad not in clean


def test_collect_reads_recorded_figures_and_records_json_nulls():
    nb = _executed_notebook()
    assert report.collect(nb) == {"client": "X"}
    assert report.to_jsonable({"a": float("nan"), "b": [1, 2.5]}) == {"a": None, "b": [1, 2.5]}


def test_index_escapes_names_and_links_reports(tmp_path):
    html = render.index_html([
        {"slug": "acme", "client": "<b>Acme</b>", "status": "ok", "finished": "2026-01-01", "notebooks": ["01_x"],
         "results": {"n_respondents": 10, "segment_shares": {"fully connected": {
             "estimate": 0.2, "ci_low": 0.1, "ci_high": 0.3, "n": 2}}}},
        {"slug": "bad", "status": "failed", "error": "survey.csv: column 'x': <oops>", "notebooks": []},
    ], generated="now")
    assert "&lt;b&gt;Acme&lt;/b&gt;" in html and "&lt;oops&gt;" in html
    assert "href='acme/01_x.html'" in html
    assert "20% <span class='ci'>(10%–30%)</span>" in html


def test_engagement_repr_html_renders_and_escapes_a_hostile_client_name():
    """`eng` as the last line of a notebook cell shows a table of the sample; a client name with markup is
    shown as text, never rendered."""
    from bs4 import BeautifulSoup

    import cxlib as cx
    from factories import valid_tables

    hostile = "<img src=x onerror=alert(1)> *x* <script>alert(1)</script> & Co"
    config, t = valid_tables()
    config = {**config, "client": hostile}
    eng = cx.from_frames(config, t["survey"], t["customers"], t["codebook"], slug="hostile-client")
    html = eng._repr_html_()
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["img", "script"]) and "<script>" not in html and "<img" not in html
    cells = {tr.th.get_text(): tr.td.get_text() for tr in soup.find_all("tr")}
    assert cells["Client"] == hostile  # the name itself, as text
    s = eng.sample
    assert cells["Survey responses"] == f"{s.survey_rows:,}" and cells["Customers"] == f"{s.customers:,}"
    assert f"{s.analysed:,}" in cells["Analysed"] and "hostile-client" in soup.caption.get_text()
    assert not re.search(r"\b(nan|None|inf)\b", soup.get_text())
