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


# -- the index's trend of each engagement's headline figures (issue 19) ------------------------------------------

def _tracked_entry(slug="tracker-co", waves=("q1", "q2", "q3", "q4")):
    levels = []
    for i, w in enumerate(waves):
        levels.append({"metric": "connected", "wave": w, "estimate": 0.20 + 0.02 * i, "ci_low": 0.18 + 0.02 * i,
                       "ci_high": 0.22 + 0.02 * i, "n": 900 + i})
        levels.append({"metric": "nps", "wave": w, "estimate": -5.0 + 3 * i, "ci_low": -9.0 + 3 * i,
                       "ci_high": -1.0 + 3 * i, "n": 950 + i})
    return {"slug": slug, "client": "Tracker <Co>", "status": "ok", "finished": "2026-12-02T14:00:00+00:00",
            "notebooks": ["00_executive_summary", "05_tracker"],
            "results": {"n_respondents": 3800, "waves": {"waves": list(waves), "levels": levels, "changes": []}}}


def test_index_shows_a_trend_of_the_headline_figures_for_three_waves_or_more(tmp_path):
    import re

    from bs4 import BeautifulSoup

    from cxlib import render

    two = _tracked_entry("two-waves", waves=("pre", "post"))
    page = render.index_html([_tracked_entry(), two], generated="2026-12-02T14:05:00+00:00")
    soup = BeautifulSoup(page, "html.parser")
    rows = soup.find("tbody").find_all("tr")
    assert "Trend over the waves" in soup.find("thead").get_text()
    cells = [r.find_all("td") for r in rows]
    trend = cells[0][7]
    svgs = trend.find_all("svg")
    assert len(svgs) == 2 and all(len(s.find_all("circle")) == 4 for s in svgs)
    titles = [s.find("title").get_text() for s in svgs]
    assert titles[0] == ("Fully connected per wave: q1 20% (95% CI 18%–22%; n=900); q2 22% (95% CI 20%–24%; n=901); "
                         "q3 24% (95% CI 22%–26%; n=902); q4 26% (95% CI 24%–28%; n=903)")
    assert titles[1].startswith("NPS per wave: q1 −5 (95% CI −9–−1; n=950)")
    assert "20% → 26%" in trend.get_text() and "−5 → +4" in trend.get_text()
    assert cells[1][7].get_text() == "–"  # two waves: no trend
    assert cells[0][-1].find("a", string="Tracker")["href"] == "tracker-co/05_tracker.html"
    assert "<script" not in page and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "Tracker &lt;Co&gt;" in page
    # higher on the page is a larger figure: the last wave's dot sits above the first's for a rising share
    dots = [float(c["cy"]) for c in svgs[0].find_all("circle")]
    assert dots == sorted(dots, reverse=True)
    # a suppressed wave (null estimate in results.json) is left out and said to be
    entry = _tracked_entry()
    entry["results"]["waves"]["levels"][0].update(estimate=None, ci_low=None, ci_high=None, note="suppressed")
    cell = BeautifulSoup(render.index_html([entry], generated="x"), "html.parser").find("tbody").find_all("td")[7]
    assert len(cell.find_all("svg")[0].find_all("circle")) == 3 and "not shown: q1" in cell.get_text()


def test_index_with_a_trend_is_clean_in_chromium(tmp_path):
    import pytest

    from cxlib import browser, render

    binary = browser.find_chromium()
    if not binary:
        pytest.skip("Chromium not installed (make browser)")
    target = render.write_index(tmp_path, [_tracked_entry()], generated="2026-12-02T14:05:00+00:00")
    (result,) = browser.check_pages([target], binary=binary)
    assert result.ok, result.problems
