"""cxlib.pages.tracker (notebook 05): the words on synthetic engagements of two and three waves and of one —
the changes said to hold are exactly the tracker's, CI and n given, no nan/None/inf, small groups suppressed (in
the words and in results.json), no causal phrasing or unexplained jargon, one sentence when there is nothing to
track; the notebook runs on three waves and on a single wave."""
from __future__ import annotations

import dataclasses
import functools
import re

import numpy as np
import pandas as pd
import pytest

import cxlib as cx
from cxlib import report, waves
from cxlib.pages import tracker

NOT_A_NUMBER = re.compile(r"(?<![\w.])(?:nan|NaN|-?inf|Infinity|None)(?![\w.])")
FORBIDDEN = ("resp_weight", "analytics_consent", "tenure_days", "churned", "annual_spend", "cxlib", "first_to_last",
             "wave_over_wave", "highly_satisfied")
SECTIONS = ("headline", "levels_table", "changes_table", "trend_table", "within_segments", "drivers_text",
            "drivers_table", "motivators_table", "limits", "methods")


@functools.lru_cache(maxsize=1)
def _eng():
    eng, _ = cx.synth.make_engagement("retailer", 1500, seed=5)
    return eng


def _three_waves(survey: pd.DataFrame, customers: pd.DataFrame, seed: int = 0):
    """The retailer's two waves made three: a random half of the ``post`` respondents relabelled ``mid`` (in
    the survey and in the customers file alike), waves pre, mid, post."""
    rng = np.random.default_rng(seed)
    post = survey.index[survey["wave"] == "post"]
    mid_ids = set(survey.loc[rng.choice(post, len(post) // 2, replace=False), "customer_id"])
    survey, customers = survey.copy(), customers.copy()
    survey.loc[survey["customer_id"].isin(mid_ids), "wave"] = "mid"
    if "wave" in customers:
        customers.loc[customers["customer_id"].isin(mid_ids), "wave"] = "mid"
    return survey, customers


def _variant(kind: str):
    eng = _eng()
    if kind == "three":
        survey, customers = _three_waves(eng.survey, eng.customers)
        return dataclasses.replace(eng, survey=survey, customers=customers,
                                   config={**eng.config, "waves": ["pre", "mid", "post"]})
    if kind == "single":
        return dataclasses.replace(eng, config={k: v for k, v in eng.config.items() if k not in ("wave", "waves")})
    if kind == "small":
        return dataclasses.replace(eng, config={**eng.config, "privacy": {**eng.config["privacy"], "min_cell": 150}})
    return eng


@functools.lru_cache(maxsize=None)
def _page(kind: str = "plain"):
    return tracker.build(_variant(kind), n_boot=30, seed=0)


def _as_text(out) -> str:
    if hasattr(out, "data"):  # a Styler: its caption, columns and cells
        data = out.data
        return "\n".join([str(out.caption or ""), " | ".join(map(str, data.columns))]
                         + [" | ".join(map(str, r)) for r in data.values.tolist()])
    return str(out)


def _texts(page) -> dict[str, str]:
    return {name: _as_text(getattr(page, name)()) for name in SECTIONS}


@pytest.mark.parametrize("kind", ["plain", "three"])
def test_the_changes_said_to_hold_are_exactly_the_trackers(kind):
    eng, page = _variant(kind), _page(kind)
    tracked = waves.track(eng)
    pd.testing.assert_frame_equal(page.tracked.table, tracked.table)
    head = str(page.headline())
    held = tracked.holds()
    for r in held.itertuples():
        assert f"from {r.from_wave} to {r.to_wave}" in head
    k = len(tracked.table)
    assert f"allowing for the {k} changes compared" in head or f"once the {k} changes compared are allowed for" in head
    assert "95% CI" in head and "n=" in head and "not why" in head
    table = page.changes_table().data
    assert len(table) == k and (table["Holds"] == "yes").sum() == len(held)
    if kind == "three":
        assert set(table["Comparison"]) == {"wave over wave", "first to last"} and len(table) == 3 * len(page.metrics)
        trend = page.trend_table().data
        assert len(trend) == len(tracked.trend) and trend["Change per wave (95% CI)"].str.contains(r"\(").all()
    else:
        assert "needs three waves" in page.trend_table()


def test_the_tracker_tracks_the_seven_measures_with_every_wave_in_the_levels_table():
    page = _page("three")
    assert page.metrics == list(waves.METRICS)
    levels = page.levels_table().data
    assert list(levels.columns) == ["Measure", "pre", "mid", "post"] and len(levels) == 7
    assert levels[["pre", "mid", "post"]].apply(lambda c: c.str.contains(r"n=\d")).all().all()
    assert levels["Measure"].tolist()[1] == "Highly satisfied share"


@pytest.mark.parametrize("kind", ["plain", "three", "single", "small"])
def test_the_words_are_honest_and_plain(kind):
    from wording import causal_phrases, jargon

    texts = _texts(_page(kind))
    for name, text in texts.items():
        assert not NOT_A_NUMBER.search(text), (kind, name, text)
        assert not causal_phrases(text), (kind, name, causal_phrases(text))
        assert not jargon(text), (kind, name, jargon(text))
        assert not any(f in text for f in FORBIDDEN), (kind, name, [f for f in FORBIDDEN if f in text])
        assert "significan" not in text.lower()
    assert not jargon(texts["headline"].split("\n", 1)[-1], headline=True)
    if kind != "single":
        assert "(00_executive_summary.html#glossary)" in texts["methods"]


def test_a_single_wave_or_no_wave_column_says_in_one_sentence_there_is_nothing_to_track():
    page = _page("single")
    head = str(page.headline()).split("\n\n")
    assert head[1:] == ["There is nothing to track: this engagement has a single wave."]
    assert all(getattr(page, s)() == "" for s in SECTIONS if s not in ("headline", "methods"))
    assert page.trend_charts() == [] and page.results() == {}
    listed = dataclasses.replace(_eng(), config={**_eng().config, "waves": ["pre"]})
    assert str(tracker.build(listed, n_boot=0).headline()).endswith("this engagement has a single wave.")


def test_small_groups_are_suppressed_in_words_charts_and_results():
    eng, page = _variant("small"), _page("small")  # min_cell 150: the multiplier's segments are smaller in a wave
    f = eng.frame()
    expected = {("multiplier", str(w)) for w in ("pre", "post")
                if min(int(((f["wave"] == w) & (f["segment"] == s)).sum()) for s in cx.segments.SEGMENTS[:2]) < 150}
    assert expected and page.suppressed == frozenset(expected)
    levels = page.levels_table().data.set_index("Measure")
    mult = levels[levels.index.str.startswith("Value multiplier")].iloc[0]
    for w in ("pre", "post"):
        assert mult[w].startswith("suppressed (fewer than 150 customers)") == (("multiplier", w) in expected)
    changes = page.changes_table().data
    rows = changes[changes["Measure"].str.startswith("Value multiplier")]
    assert (rows["Change (95% CI)"] == "suppressed (fewer than 150 customers)").all() and (rows["n"] == "–").all()
    R = page.results()["waves"]
    for e in R["levels"]:
        assert (e["estimate"] is None) == ((e["metric"], e["wave"]) in expected), e
        if e["estimate"] is None:
            assert e["note"] == "suppressed: fewer than 150 customers"
    assert "multiplier" not in R  # not a scorecard measure: only in levels, changes and trend
    assert all(c["estimate"] is None for c in R["changes"] if c["metric"] == "multiplier")
    assert all(c["estimate"] is not None for c in R["changes"] if c["metric"] != "multiplier")
    charts = page.trend_charts()
    alt = charts[-1].alt if hasattr(charts[-1], "alt") else str(charts[-1])
    assert "fewer than 150 customers" in alt
    assert "fewer than 150 customers" in str(page.headline())


def test_results_are_the_trackers_dict_with_the_scorecards_shape_on_two_waves():
    eng, page = _eng(), _page("plain")
    R = page.results()
    assert set(R) == {"waves"}
    w = R["waves"]
    tracked = report.to_jsonable(waves.track(eng).to_dict())  # nothing suppressed at min_cell 30
    assert {k: w[k] for k in tracked} == tracked
    card = report.to_jsonable(waves.compare_waves(eng).to_dict())  # notebook 04's before/after scorecard, as it is
    assert {k: w[k] for k in card} == card and set(w) == set(tracked) | set(card)
    for m in waves.SCORECARD:  # the same change as the tracker's; p adjusted over the scorecard's five measures
        (change,) = [c for c in w["changes"] if c["metric"] == m]
        assert w[m]["estimate"] == pytest.approx(change["estimate"], rel=1e-12)
        assert w[m]["p_adjusted"] <= change["p_adjusted"] + 1e-12
    assert (w["before"], w["after"]) == ("pre", "post")
    for change in w["changes"]:
        assert {"metric", "from", "to", "estimate", "ci_low", "ci_high", "n", "p_value", "p_adjusted"} <= set(change)
    assert {lv["metric"] for lv in w["levels"]} == set(waves.METRICS)


def test_record_writes_waves_and_the_programme_page_no_longer_does(monkeypatch):
    from cxlib.pages import programme

    seen = []
    monkeypatch.setattr(tracker.report, "record", lambda k, v: seen.append(k))
    _page("plain").record()
    assert seen == ["waves"]
    assert "waves" not in programme.build(_eng(), n_boot=0).results()


def test_trend_charts_are_house_charts_titled_with_their_finding_and_n():
    from chartlint import problems

    page = _page("three")
    charts = page.trend_charts()
    assert len(charts) == len(page.metrics)
    for chart in charts:
        assert not problems(chart), problems(chart)
        assert "n=" in chart.figure.axes[0].get_title(loc="left") or "n=" in chart.figure.axes[0].get_title()


def test_drivers_and_motivators_across_waves_are_compared_or_say_why():
    page = _page("three")
    assert page.drivers is not None and len(page.drivers.table) == 2
    text = str(page.drivers_text())
    assert "rank correlation" in text and "95% CI" in text and "elements)" in text
    claimed = page.drivers.shifted()
    assert (f"{len(claimed)} element" in text) if claimed else ("none is claimed" in text or "No element" in text)
    assert page.motivators is not None and set(page.motivators["from_wave"]) == {"pre", "mid"}
    tiny = tracker.build(dataclasses.replace(_variant("three"), config={**_variant("three").config,
                                                                           "privacy": {"min_cell": 200,
                                                                                       "consent": "analytics_consent"}}),
                         n_boot=0)
    assert tiny.drivers is None and "at least 1,000 needed" in str(tiny.drivers_text())
    assert "not compared across waves" in str(tiny.motivators_table())


def test_build_checks_its_arguments():
    with pytest.raises(cx.ArgumentError, match="n_boot"):
        tracker.build(_eng(), n_boot=1)
    with pytest.raises(cx.ArgumentError, match="seed"):
        tracker.build(_eng(), seed=-1)


def test_notebook_05_runs_on_three_waves_and_on_a_single_wave(tmp_path):
    """The notebook as ``cx run`` executes it (papermill, the cxlib kernel): on a three-wave engagement it
    shows the trend charts and records ``waves``; without a wave column it says there is nothing to track."""
    import nbformat
    import papermill as pm
    import yaml

    from cxlib import batch

    nb = batch.NOTEBOOKS_DIR / "05_tracker.ipynb"
    three = tmp_path / "three"
    cx.synth.make_engagement("retailer", n_customers=900, seed=9, path=three)
    survey, customers = _three_waves(pd.read_csv(three / "survey.csv", dtype=str, keep_default_na=False),
                                     pd.read_csv(three / "customers.csv", dtype=str, keep_default_na=False))
    survey.to_csv(three / "survey.csv", index=False)
    customers.to_csv(three / "customers.csv", index=False)
    cfg = yaml.safe_load((three / "engagement.yaml").read_text())
    (three / "engagement.yaml").write_text(yaml.safe_dump({**cfg, "waves": ["pre", "mid", "post"]}, sort_keys=False))
    single = tmp_path / "single"
    cx.synth.make_engagement("retailer", n_customers=300, seed=9, path=single)
    for name in ("survey.csv", "customers.csv"):  # no wave column at all
        table = pd.read_csv(single / name, dtype=str, keep_default_na=False)
        table.drop(columns="wave").to_csv(single / name, index=False)
    (single / "engagement.yaml").write_text(yaml.safe_dump({k: v for k, v in cfg.items() if k not in ("wave", "waves")},
                                                           sort_keys=False))
    for folder in (three, single):
        executed = tmp_path / f"{folder.name}.ipynb"
        pm.execute_notebook(str(nb), str(executed), parameters={"engagement": str(folder), "n_boot": 20},
                            kernel_name=batch._kernel_name(), progress_bar=False, cwd=str(nb.parent))
        out = nbformat.read(str(executed), as_version=4)
        outputs = [o for c in out.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        text = " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
        images = [o for o in outputs if "image/png" in o.get("data", {})]
        recorded = [o for o in outputs if report.MIME_TYPE in o.get("data", {})]
        if folder is three:
            assert len(images) == 7 and "the tracker" in text and len(recorded) == 1
        else:
            assert "There is nothing to track: this engagement has a single wave." in text
            assert not images and not recorded


@pytest.mark.parametrize("folder", ["demo-retailer", "demo-brokerage"])
def test_on_two_waves_of_the_demos_the_tracker_equals_the_before_after_scorecard(folder):
    """Acceptance (#19): on two waves the tracker's comparison is the scorecard's, p_adjusted included (the
    scorecard's five measures: the family is then the same). The demos have three waves (make data): their
    first two are compared; over all three the scorecard's first-to-last figures are the tracker's
    first-to-last rows, with p adjusted over the tracker's larger family."""
    from pathlib import Path

    eng = cx.load_engagement(Path(__file__).resolve().parents[1] / "data" / folder)
    assert len(eng.config["waves"]) == 3
    two = eng.config["waves"][:2]
    card, tracked = waves.compare_waves(eng, waves=two), waves.track(eng, metrics=waves.SCORECARD, waves=two)
    cols = ["metric", "before", "after", "change", "ci_low", "ci_high", "p_value", "p_adjusted", "n_before", "n_after",
            "n", "method"]
    pd.testing.assert_frame_equal(tracked.table[cols], card.table[cols], rtol=0, atol=1e-12)
    everything = waves.track(eng, waves=two).table.set_index("metric")
    for r in card.table.itertuples():  # all seven: the same figures, p adjusted over the larger family
        assert everything.loc[r.metric, "change"] == pytest.approx(r.change, abs=1e-12)
        assert everything.loc[r.metric, "p_adjusted"] >= r.p_adjusted - 1e-12
    card3, all3 = waves.compare_waves(eng), waves.track(eng, metrics=waves.SCORECARD).table
    last = all3[all3["comparison"] == "first_to_last"].set_index("metric")
    for r in card3.table.itertuples():
        assert (last.loc[r.metric, "from_wave"], last.loc[r.metric, "to_wave"]) == (two[0], eng.config["waves"][-1])
        for col in ("before", "after", "change", "ci_low", "ci_high", "p_value"):
            assert last.loc[r.metric, col] == pytest.approx(getattr(r, col), abs=1e-12), (r.metric, col)
        assert last.loc[r.metric, "p_adjusted"] >= r.p_adjusted - 1e-12


def test_on_the_synthetic_tracker_the_page_names_the_planted_step_and_not_the_flat_score():
    """``cx synth tracker``: six quarters, the connected share stepping from 20% to 30% at wave 4, NPS flat by
    construction, three elements moving between key driver and overrated at wave 4."""
    eng, truth = cx.synth.make_engagement("tracker", 4000, seed=2)
    page = tracker.build(eng, n_boot=50, seed=0)
    step = truth["step"]
    head = str(page.headline())
    held = page.tracked.holds()
    assert ((held["metric"] == "connected") & (held["from_wave"] == step["from_wave"])
            & (held["to_wave"] == step["to_wave"])).any()
    moved = head.split("**")[2].split("Within what chance")[0]  # the sentence of the changes that hold
    assert "fully connected share" in moved and f"from {step['from_wave']} to {step['to_wave']}" in moved
    assert "Net Promoter Score" not in moved and not (held["metric"] == "nps").any()
    assert len(page.tracked.table) == 7 * 6 and f"allowing for the {7 * 6} changes compared" in head
    trend = page.trend_table().data.set_index("Measure")
    assert trend.loc["Fully connected share", "Clear trend"] == "rising"
    assert trend.loc["Net Promoter Score", "Clear trend"] == "no"
    claimed = set(page.drivers.shifted())
    assert claimed <= set(truth["shifted_elements"]), claimed - set(truth["shifted_elements"])
    assert len(page.trend_charts()) == 7 and len(page.within_segments().data.columns) == 1 + 5


def test_the_index_shows_the_trend_the_tracker_recorded(tmp_path):
    """results.json as notebook 05 records it, through batch.write_index: the index's trend cell draws each wave's
    connected share and NPS from the tracker's levels."""
    import json

    from bs4 import BeautifulSoup

    from cxlib import batch

    page = _page("three")
    folder = tmp_path / "three-waves"
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({"client": "Demo Retailer", "finished": "2026-12-02T14:00:00+00:00"}))
    (folder / "results.json").write_text(json.dumps(report.to_jsonable({"client": "Demo Retailer", **page.results()})))
    soup = BeautifulSoup(batch.write_index(tmp_path).read_text(encoding="utf-8"), "html.parser")
    svgs = soup.find("tbody").find_all("svg")
    assert len(svgs) == 2 and all(len(s.find_all("circle")) == 3 for s in svgs)
    levels = page.tracked.levels.set_index(["metric", "wave"])
    first = levels.loc[("connected", "pre")]
    assert f"pre {100 * first['estimate']:.0f}% (95% CI {100 * first['ci_low']:.0f}%–" in svgs[0].find("title").get_text()
    assert f"n={int(first['n']):,})" in svgs[0].find("title").get_text()
