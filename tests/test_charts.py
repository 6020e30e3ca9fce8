"""Issue 18: every chart of every report states its finding, states one n, keeps its labels apart and its
legend off the data, draws in the house palette and carries an alt text that says what it shows.

The pages of BOTH demo engagements are built once per session (with fewer resamples than the notebooks:
``N_BOOT``; the figures still carry intervals, supported labels on the importance map and every kind of
artist the lint checks) and every chart method is linted with :func:`chartlint.problems`. The summary
page's charts are linted too (read-only here). The lint itself is tested on deliberately bad figures, so it
can fail; and a report rendered with :mod:`cxlib.render` must give every ``<img>`` a meaningful alt.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import chartlint  # noqa: E402
from wording import causal_phrases  # noqa: E402
import cxlib as cx  # noqa: E402
from cxlib import plots  # noqa: E402
from cxlib.pages import attrition, drivers, programme, summary, value  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEMOS = ("retailer", "brokerage")
#: Resamples per interval here (the notebooks use 1,000–2,000): enough for intervals and supported labels.
N_BOOT = 50

#: Every chart method of each page (those returning cxlib.plots.Chart).
CHARTS = {
    "value": ("segment_chart", "connection_index", "value_chart", "threshold_chart", "ranking_chart", "profiles_chart"),
    "drivers": ("importance_map", "rollups"),
    "attrition": ("curves", "hazard_ratios"),
    "programme": ("nps_chart", "scorecard_chart", "themes_chart"),
    "summary": ("connection_chart", "drivers_chart", "attrition_chart", "nps_chart", "value_at_stake_chart"),
}

_PAGES: dict[str, dict] = {}


def _pages(demo: str) -> dict:
    """The demo's four detail pages, built once per session."""
    if demo not in _PAGES:
        eng = cx.load_engagement(REPO / "data" / f"demo-{demo}")
        _PAGES[demo] = {"eng": eng, "value": value.build(eng, seed=0, n_boot=N_BOOT),
                        "drivers": drivers.build(eng, seed=0, n_boot=N_BOOT), "attrition": attrition.build(eng, seed=0),
                        "programme": programme.build(eng, seed=0, n_boot=N_BOOT)}
    built = _PAGES[demo]
    return built


def _summary(demo: str):
    """The demo's summary page, from the four pages' results (built once, when a summary chart is asked for)."""
    built = _pages(demo)
    if "summary" not in built:
        merged = {"client": built["eng"].client}
        for name in ("value", "drivers", "attrition", "programme"):
            merged.update(cx.report.to_jsonable(built[name].results()))
        try:
            built["summary"] = summary.build(built["eng"], seed=0, results=merged, n_boot=20)
        except Exception as error:  # built once: a summary that fails to build fails each of its charts, fast
            built["summary"] = error
    if isinstance(built["summary"], Exception):
        raise built["summary"]
    return built["summary"]


def _chart(demo: str, page: str, name: str):
    out = getattr(_summary(demo) if page == "summary" else _pages(demo)[page], name)()
    assert isinstance(out, plots.Chart), f"{page}.{name} returned {type(out).__name__}, not cxlib.plots.Chart"
    return out


CASES = [(demo, page, name) for demo in DEMOS for page in ("value", "drivers", "attrition", "programme")
         for name in CHARTS[page]]
SUMMARY_CASES = [(demo, "summary", name) for demo in DEMOS for name in CHARTS["summary"]]


@pytest.mark.parametrize("demo,page,name", CASES, ids=[f"{d}-{p}.{n}" for d, p, n in CASES])
def test_every_detail_chart_passes_the_lint(demo, page, name):
    chart = _chart(demo, page, name)
    assert chartlint.problems(chart) == []
    titles = " ".join(ax.get_title(loc="left") for ax in chart.axes)
    assert not causal_phrases(titles + " " + chart.alt), causal_phrases(titles + " " + chart.alt)


@pytest.mark.parametrize("demo,page,name", SUMMARY_CASES, ids=[f"{d}-{p}.{n}" for d, p, n in SUMMARY_CASES])
def test_every_summary_chart_passes_the_lint(demo, page, name):
    assert chartlint.problems(_chart(demo, page, name)) == []


def test_titles_state_the_finding_from_the_result():
    """The titles carry the result's own figures, not a description (spot checks on the retailer)."""
    p = _pages("retailer")
    m = p["value"].multipliers[p["value"].headline_value]
    title = _chart("retailer", "value", "value_chart").axes[0].get_title(loc="left")
    assert f"{m.estimate:.2f}×" in title and "n=" in title
    hidden = p["drivers"].imp.hidden_drivers()
    title = _chart("retailer", "drivers", "importance_map").axes[0].get_title(loc="left")
    assert hidden and f"{hidden[0]} is the strongest hidden driver" in " ".join(title.split())
    fc = p["attrition"].attrition.estimate("fully connected")
    title = _chart("retailer", "attrition", "curves").axes[0].get_title(loc="left")
    assert title.startswith(f"{cx.report.percent(fc.estimate)} of fully connected customers left within")


# -- the lint can fail -----------------------------------------------------------------------------------

def _bar_chart(title: str = "18% of fully connected customers left within 365 days (n=3,002)", colour=None):
    plots.set_theme()
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar([0, 1], [18, 27], color=colour or [plots.SEGMENT_COLOURS["fully connected"],
                                               plots.SEGMENT_COLOURS["highly satisfied"]])
    ax.set_xticks([0, 1], ["Fully connected", "Highly satisfied"])
    ax.set_title(title)
    return fig


GOOD_ALT = "18% of fully connected customers left within 365 days (95% CI 15%–21%), 27% of highly satisfied ones; n=3,002."


def test_a_good_chart_passes():
    assert chartlint.problems(plots.chart(_bar_chart(), alt=GOOD_ALT)) == []


@pytest.mark.parametrize("title", ["Attrition by segment", "(n=5,601)", "How long each segment stays (n=5,601)"])
def test_a_descriptive_title_fails(title):
    found = chartlint.problems(plots.chart(_bar_chart(title), alt=GOOD_ALT))
    assert any(p.startswith("title") for p in found), found


def test_overlapping_labels_fail():
    fig = _bar_chart()
    ax = fig.axes[0]
    ax.text(0, 20, "Staff remember me")
    ax.text(0, 20, "Handwritten note in the parcel")
    found = chartlint.problems(plots.chart(fig, alt=GOOD_ALT))
    assert any("overlap" in p and "Staff remember me" in p for p in found), found


def test_a_legend_on_the_data_fails():
    plots.set_theme()
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([0, 1, 2], [10, 10, 10], "o-", color=plots.SEGMENT_COLOURS["fully connected"], label="Fully connected")
    ax.set_ylim(9, 11)
    ax.legend(loc="center")
    ax.set_title("The fully connected share stays at 10%")
    found = chartlint.problems(plots.chart(fig, alt=GOOD_ALT))
    assert any("legend covers data" in p for p in found), found


def test_a_legend_on_the_bars_fails():
    fig = _bar_chart()
    fig.axes[0].legend(fig.axes[0].patches[:1], ["Fully connected"], loc="center")
    found = chartlint.problems(plots.chart(fig, alt=GOOD_ALT))
    assert any("legend covers data" in p for p in found), found


def test_an_off_palette_colour_fails():
    found = chartlint.problems(plots.chart(_bar_chart(colour=["#ff0000", "#00ff00"]), alt=GOOD_ALT))
    assert any("#ff0000" in p for p in found), found


def test_a_segment_in_another_colour_fails():
    """A segment keeps its colour: highly satisfied drawn in the hidden drivers' vermillion is wrong."""
    wrong = [plots.SEGMENT_COLOURS["fully connected"], plots.QUADRANT_COLOURS["hidden driver"]]
    found = chartlint.problems(plots.chart(_bar_chart(colour=wrong), alt=GOOD_ALT))
    assert any("'highly satisfied'" in p and "fixed colour" in p for p in found), found


def test_an_n_on_every_bar_fails():
    fig = _bar_chart()
    for x, n in ((0, 1835), (1, 1167)):
        fig.axes[0].text(x, 30, f"n={n:,}", ha="center")
    found = chartlint.problems(plots.chart(fig, alt=GOOD_ALT))
    assert any("base n is stated" in p for p in found), found


@pytest.mark.parametrize("alt", ["A bar chart of attrition by segment.", chartlint.PLACEHOLDER_ALT, "Attrition."])
def test_a_missing_or_generic_alt_fails(alt):
    found = chartlint.problems(plots.chart(_bar_chart(), alt=alt))
    assert any(p.startswith("alt text") for p in found), found
    assert any(p.startswith("no alt text") for p in chartlint.problems(_bar_chart()))  # a bare Figure has none


# -- the alt text reaches the HTML -------------------------------------------------------------------------

def _imgs(html: str) -> list:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").find_all("img")


def _alt_problems(html: str) -> list[str]:
    out = []
    for img in _imgs(html):
        alt = img.get("alt")
        found = chartlint.alt_problems(alt)
        out += [f"<img> {p}" for p in found]
    return out


def test_a_rendered_report_gives_every_image_its_alt():
    """The chart cells' outputs as IPython makes them (the Chart's mime bundle: PNG plus alt metadata),
    rendered with the report template: every <img> carries the chart's alt, none nbconvert's placeholder."""
    import nbformat

    from cxlib import render

    charts = [_chart("retailer", page, name) for page, name in
              (("value", "segment_chart"), ("drivers", "importance_map"), ("attrition", "hazard_ratios"))]
    cells = [nbformat.v4.new_markdown_cell("# Findings")]
    for i, c in enumerate(charts):
        data, meta = c._repr_mimebundle_()
        cells.append(nbformat.v4.new_code_cell(
            "page.chart()", execution_count=i + 1,
            outputs=[nbformat.v4.new_output("execute_result", data=data, metadata=meta, execution_count=i + 1)]))
    html = render.notebook_html(nbformat.v4.new_notebook(cells=cells), title="Charts")
    imgs = _imgs(html)
    assert len(imgs) == len(charts)
    assert [img.get("alt") for img in imgs] == [c.alt for c in charts]
    assert _alt_problems(html) == [] and chartlint.PLACEHOLDER_ALT not in html


@pytest.mark.parametrize("demo", DEMOS)
def test_the_published_demo_reports_give_every_image_a_meaningful_alt(demo):
    """The demos as ``make demo`` published them (skipped when unpublished)."""
    pages = sorted((REPO / "reports" / f"demo-{demo}").glob("0*.html"))
    if not pages:
        pytest.skip("the demos are not published (make demo publishes them to reports/)")
    found = [f"{p.name}: {problem}" for p in pages for problem in _alt_problems(p.read_text(encoding="utf-8"))]
    assert found == []
