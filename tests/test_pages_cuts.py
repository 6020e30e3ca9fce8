"""cxlib.pages.cuts (notebook 06) and the executive summary's "which part of the business lags": the words on
synthetic engagements — no nan/None/inf, CI and n given, small groups suppressed and said to be, names from the data
escaped, the summary's figures equal to the cuts report's results."""
from __future__ import annotations

import dataclasses
import functools

import pandas as pd

import cxlib as cx
from cxlib import report
from cxlib.pages import cuts as cuts_page
from cxlib.pages import summary

import wording

FORBIDDEN = ("nan", "None", "inf", "resp_weight", "cxlib", "age_band")


@functools.lru_cache(maxsize=1)
def _eng():
    eng, _ = cx.synth.make_engagement("retailer", 1500, seed=4)
    return dataclasses.replace(eng, config={**eng.config, "cuts": ["region", "age_band"]})


@functools.lru_cache(maxsize=None)
def _page(min_cell: int | None = None):
    eng = _eng()
    if min_cell is not None:
        eng = dataclasses.replace(eng, config={**eng.config, "privacy": {**eng.config["privacy"], "min_cell": min_cell}})
    return cuts_page.build(eng, n_boot=0)


def _html(x) -> str:
    return x.to_html() if hasattr(x, "to_html") else str(x)


def _text(page) -> str:
    parts = [page.headline(), page.lagging_table(), page.banner_note(), page.drivers_section(), page.limits(),
             page.methods()]
    for cut in page.cuts:
        parts += [page.cut_heading(cut), page.banner(cut)]
    return "\n".join(_html(p) for p in parts)


def test_the_page_states_every_figure_with_its_interval_and_reads_plainly():
    page = _page()
    text = _text(page)
    for word in FORBIDDEN:
        assert word not in text.replace("annual_spend", ""), word
    banner = page.banner("region").data
    assert list(banner.columns) == ["Measure", "East", "North", "South", "West"]
    assert banner["Measure"].iloc[-1] == "Customers (n)"
    assert all(" to " in v for v in banner.iloc[:-1, 1:].to_numpy().ravel())
    assert "Age band" in str(page.banner("age_band").data.to_html()) or "By age band" in page.cut_heading("age_band")
    assert wording.causal_phrases(str(page.headline())) == []
    assert wording.jargon(str(page.headline()), headline=True) == []


def test_small_groups_are_suppressed_and_said_to_be():
    page = _page(min_cell=400)
    small = page.comparison.suppressed
    hidden = set(small.loc[small["metric"] == "all", "group"])
    assert hidden  # with 1,500 respondents some region or age band has fewer than 400
    for cut in page.cuts:
        shown = page.banner(cut)
        if isinstance(shown, str):  # every group of the cut is too small
            assert "every group has fewer than 400 customers" in shown
            continue
        banner = shown.data
        for g in hidden & set(banner.columns):
            assert set(banner[g].iloc[:-1]) == {"suppressed (n<400)"}
    assert "not shown" in page.cut_heading(page.cuts[0]) or "not shown" in page.cut_heading(page.cuts[1])
    assert not any(g["n"] < 400 for g in page.results()["cuts"]["groups"])


def test_results_and_the_summary_state_the_same_figures():
    page = _page()
    res = report.to_jsonable(page.results())
    assert set(res) == {"cuts"} and res["cuts"]["cuts"] == ["region", "age_band"]
    figures = {"client": "X", **res}
    finding = summary._cuts(figures)
    rows = summary.lagging_rows(figures)
    assert len(rows) == len(page.comparison.lagging())
    if rows:
        assert finding.lead == "Where the business lags."
        lag = page.comparison.lagging().iloc[0]
        assert dict(finding.figures)[f"cuts.gaps.{lag.cut}|{lag.group}|{lag.metric}"] == lag.difference
        assert res["cuts"]["gaps"][f"{lag.cut}|{lag.group}|{lag.metric}"]["estimate"] == lag.difference
    else:
        assert finding.lead == "No part of the business lags."
    assert summary._cuts({"client": "X"}) is None


def test_the_summary_table_and_chart_from_a_planted_lag():
    """A results.json with one lagging group: the summary's table names it with its gap and n, and the chart
    draws every group of the cut."""
    groups = [{"cut": "region", "group": g, "metric": "nps", "estimate": e, "ci_low": e - 5, "ci_high": e + 5, "n": 400,
               "rest": r, "n_rest": 1200, "difference": {"estimate": e - r, "ci_low": e - r - 6, "ci_high": e - r + 6,
                                                         "n": 1600, "p_value": p, "p_adjusted": p}}
              for g, e, r, p in (("North", -20.0, 0.0, 0.0001), ("South", 2.0, -6.0, 0.2), ("East", 1.0, -5.0, 0.3),
                                 ("<b>West</b>", 3.0, -7.0, 0.1))]
    figures = {"cuts": {"cuts": ["region"], "min_cell": 30, "groups": groups,
                        "lagging": [{"cut": "region", "group": "North", "metric": "nps"}],
                        "suppressed": [{"cut": "region", "group": "Islands", "metric": "all", "n": 12}]}}
    page = summary.SummaryPage(client="X", figures=figures, findings=(), scenarios=(), scenario_base=0,
                               value_label="Annual spend", value_unit="EUR", methods_common="", n_boot=2, seed=0,
                               min_cell=30)
    table = page.lagging_table()
    frame = table.data
    assert frame.iloc[0]["Part of the business"] == "North (region)"
    assert frame.iloc[0]["Gap (95% CI)"] == "−20 points (−26 points to −14 points)"
    assert "1 group(s) with fewer than 30 customers are not shown" in table.to_html()
    chart = page.lagging_chart()
    assert "North lags the rest of the customers on Net Promoter Score" in chart.alt
    assert "&lt;b&gt;" not in chart.alt  # the alt text is plain; the page escapes it when shown
    html = table.to_html()
    assert "<b>West</b>" not in html
    finding = summary._cuts(figures)
    assert "North (region) on Net Promoter Score: −20 against 0 for the rest" in finding.sentence
    none = summary.SummaryPage(client="X", figures={}, findings=(), scenarios=(), scenario_base=0, value_label="v",
                               value_unit="", methods_common="", n_boot=2, seed=0, min_cell=30)
    assert "defines no business cuts" in none.lagging_table()
    assert none.lagging_chart() is None
    pd.testing.assert_frame_equal(page.lagging_table().data, frame)
