"""cxlib.plots: every plot function in the house chart style (issue 18).

Each plot function is drawn on small synthetic data (and the importance map on the two demo engagements'
importance tables, tests/data/importance_demo-*.csv, computed with 100 bootstrap resamples) and checked for:
no two text boxes overlapping, no legend over data, only house colours and the fixed colour of each segment
and quadrant, plain numbers on log axes, a title that states a finding (a verb or a figure), one base n.
The checks themselves are shown to fail on the faults of the old charts (test_the_checks_catch_*).
"""
from __future__ import annotations

import re
import types
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cxlib import motivators, plots, segments

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def frame_and_codebook():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 600, seed=9)
    return eng.frame(), eng.codebook, eng.config


@pytest.fixture(scope="module")
def results(frame_and_codebook):
    """One of each result a plot function draws (small bootstraps: the intervals' width does not matter here)."""
    from cxlib import advocacy, drivers, survival
    from factories import FrameEngagement

    f, cb, cfg = frame_and_codebook
    seg = f.dropna(subset=["segment"])
    imp = drivers.importance(f, cb, n_boot=20)
    return {
        "shares": segments.shares(f),
        "value": motivators.value_by_segment(f, value="annual_spend", n_boot=50),
        "sensitivity": motivators.threshold_sensitivity(f, value="annual_spend", sat_column="overall_sat", top_box=9,
                                                        threshold=75, n_boot=20),
        "ranking": motivators.rank(f, cb, value="annual_spend", n_boot=20),
        "profiles": motivators.profiles(f, cb),
        "importance": imp,
        "rollup": drivers.rollup(imp, by="stage"),
        "km": survival.km(f, duration="tenure_days", event="churned", by="segment"),
        "km_region": survival.km(f, duration="tenure_days", event="churned", by="region"),
        "cox": survival.cox(seg, duration="tenure_days", event="churned", covariates=["segment"],
                            reference={"segment": "highly satisfied"}),
        "nps": advocacy.nps_by_segment(seg, column="ltr"),
        "card": advocacy.compare_waves(FrameEngagement(f, cfg, slug="t")),
        "frame": f,
    }


def _demo_importance(slug: str):
    """A demo engagement's importance result, as the map reads it (table, cuts, n)."""
    t = pd.read_csv(DATA / f"importance_{slug}.csv")
    return types.SimpleNamespace(table=t, derived_cut=float(t["derived_cut"].iloc[0]),
                                 stated_cut=float(t["stated_cut"].iloc[0]), n=int(t["n"].iloc[0]), reason=None)


def _relative_weights():
    from cxlib import drivers

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["Price", "Range", "Staff"])
    return drivers.relative_weights(X, X["Price"] + 0.5 * X["Staff"] + rng.normal(size=200), n_boot=30)


# name -> (figure size, draw(results, ax)); every plot function of the module except word_frequency (its
# own helper's, tested in test_verbatims) is here.
CASES = {
    "segment_shares": ((8, 3), lambda r, ax: plots.segment_shares(r["shares"], ax=ax)),
    "index_distribution": ((8, 4), lambda r, ax: plots.index_distribution(r["frame"], threshold=75, ax=ax)),
    "value_by_segment": ((8, 4), lambda r, ax: plots.value_by_segment(r["value"], label="Annual spend", ax=ax)),
    "threshold_sensitivity": ((12, 4.5), lambda r, ax: plots.threshold_sensitivity(
        r["sensitivity"], value_label="Annual spend", axes=(ax, ax.figure.add_subplot(1, 2, 2)))),
    "motivator_ranking": ((8, 4), lambda r, ax: plots.motivator_ranking(r["ranking"], outcome_label="Annual spend", ax=ax)),
    "motivator_profiles": ((9, 6), lambda r, ax: plots.motivator_profiles(r["profiles"], ax=ax)),
    "importance_map": ((10, 6.5), lambda r, ax: plots.importance_map(r["importance"], ax=ax)),
    "importance_map_retailer": ((10, 6.5), lambda r, ax: plots.importance_map(_demo_importance("demo-retailer"), ax=ax)),
    "importance_map_brokerage": ((10, 6.5), lambda r, ax: plots.importance_map(_demo_importance("demo-brokerage"), ax=ax)),
    "rollup": ((8, 4), lambda r, ax: plots.rollup(r["rollup"], ax=ax)),
    "relative_weights": ((8, 3), lambda r, ax: plots.relative_weights(_relative_weights(), ax=ax)),
    "survival_curves": ((9, 6), lambda r, ax: plots.survival_curves(r["km"], horizon=365, min_cell=30, ax=ax)),
    "survival_curves_region": ((9, 6), lambda r, ax: plots.survival_curves(r["km_region"], min_cell=30, ax=ax)),
    "forest": ((8, 3), lambda r, ax: plots.forest(r["cox"], ax=ax)),
    "wave_scorecard": ((9, 6), lambda r, ax: plots.wave_scorecard(r["card"], ax=ax)),
    "nps_by_segment": ((8, 3), lambda r, ax: plots.nps_by_segment(r["nps"], ax=ax)),
    "estimates": ((8, 3), lambda r, ax: plots.estimates(
        pd.DataFrame({"label": ["Fully connected", "Highly satisfied", "Other"], "estimate": [0.18, 0.27, 0.43],
                      "ci_low": [0.15, 0.24, 0.41], "ci_high": [0.21, 0.30, 0.45], "n": [300, 500, 900]}),
        label="label", scale=100, fmt="{:.0f}%", xlabel="Attrition within 365 days (%), 95% CI", colour_by="label",
        ax=ax)),
    "estimates_ratio": ((8, 3), lambda r, ax: plots.estimates(
        pd.DataFrame({"label": ["Half-life 30 days", "Half-life 90 days", "Half-life 180 days"],
                      "estimate": [0.81, 0.74, 0.78], "ci_low": [0.70, 0.66, 0.69], "ci_high": [0.93, 0.83, 0.88],
                      "n": [600] * 3}),
        label="label", xlabel="Hazard ratio per rating point, 95% CI", reference=1.0, ax=ax)),
}


def _draw(name, results):
    plots.set_theme()
    size, draw = CASES[name]
    fig = plt.figure(figsize=size)
    ax = fig.add_subplot(1, 2, 1) if name == "threshold_sensitivity" else fig.add_subplot(1, 1, 1)
    draw(results, ax)
    return plots.chart(fig, alt="A test chart with 3 figures drawn.").figure


def _flat(text: str) -> str:
    return " ".join(str(text).split())  # titles are wrapped to their axes' width


def _titles(fig) -> list[str]:
    return [_flat(t.get_text()) for ax in fig.axes for t in (ax.title, ax._left_title, ax._right_title) if t.get_text().strip()]


def _fixed_colour_problems(fig) -> list[str]:
    """A segment or quadrant named on a bar's tick or in a legend drawn in another colour than its own."""
    from matplotlib.colors import to_hex

    fixed = {k: v.lower() for k, v in {**plots.SEGMENT_COLOURS, **plots.QUADRANT_COLOURS}.items()}
    out = []

    def concept(text):
        flat = " ".join(str(text).split()).lower()
        return next((k for k in sorted(fixed, key=len, reverse=True) if re.match(re.escape(k) + r"\b(?!:)", flat)), None)

    for ax in fig.axes:
        for axis, centre in ((ax.yaxis, lambda p: p.get_y() + p.get_height() / 2),
                             (ax.xaxis, lambda p: p.get_x() + p.get_width() / 2)):
            ticks = {round(float(v), 6): t.get_text() for v, t in zip(axis.get_ticklocs(), axis.get_ticklabels())}
            for p in ax.patches:
                if not hasattr(p, "get_height"):  # a leader line (adjustText's arrows), not a bar
                    continue
                name = concept(ticks.get(round(float(centre(p)), 6), ""))
                if name and to_hex(p.get_facecolor()).lower() != fixed[name]:
                    out.append(f"bar {name}: {to_hex(p.get_facecolor())}")
        legend = ax.get_legend()
        if legend is not None:
            for handle, text in zip(legend.legend_handles, legend.get_texts()):
                name = concept(text.get_text())
                colour = None
                if hasattr(handle, "get_markerfacecolor"):
                    colour = to_hex(handle.get_markerfacecolor()) if handle.get_marker() not in ("None", None, "") else to_hex(handle.get_color())
                elif hasattr(handle, "get_facecolor"):
                    faces = np.atleast_2d(handle.get_facecolor())
                    colour = to_hex(faces[0]) if len(faces) else None
                if name and colour and colour.lower() != fixed[name]:
                    out.append(f"legend {name}: {colour}")
    return out


_BASE_N = re.compile(r"\bn\s*[=<>≥≤]\s*[\d,]+(\s+at\s+\d+)?", re.IGNORECASE)


@pytest.mark.parametrize("name", list(CASES))
def test_every_plot_follows_the_house_style(name, results):
    from chartlint import title_problems

    fig = _draw(name, results)
    assert plots.layout_problems(fig) == [], name  # overlaps, legend over data, palette, plain log ticks
    assert _fixed_colour_problems(fig) == []
    titles = _titles(fig)
    assert titles and all(not title_problems(t) for t in titles), titles  # a verb or a figure, not a question
    stated = [t.get_text() for t in plots.text_artists(fig) if _BASE_N.search(t.get_text())
              and not any(t in ax.get_legend().get_texts() for ax in fig.axes if ax.get_legend())]
    assert len(stated) <= 1, stated  # one n per chart
    assert any(_BASE_N.search(t) for t in titles), titles  # ... and it is given
    for ax in fig.axes:
        assert ax.get_xlabel() or ax.get_ylabel()


def test_the_palette_gives_each_concept_its_own_colour():
    seg, quad, wave = (set(c.lower() for c in d.values()) for d in
                       (plots.SEGMENT_COLOURS, plots.QUADRANT_COLOURS, plots.WAVE_COLOURS))
    # Amber meant "highly satisfied" and "overrated" before issue 18; blue "fully connected" and "key driver".
    assert not seg & quad and not seg & wave and not quad & wave
    assert not set(c.lower() for c in plots.GROUP_COLOURS) & (seg | quad | wave)
    assert seg | quad | wave | {plots.PALETTE["estimate"].lower()} <= plots.house_colours()
    assert plots.PALETTE["estimate"].lower() not in seg | quad | wave  # a plain ranking is not "fully connected"
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in plots.house_colours())
    assert plots.colour_of("Highly satisfied") == plots.SEGMENT_COLOURS["highly satisfied"]
    assert plots.colour_of("overrated") == plots.QUADRANT_COLOURS["overrated"]


def test_the_checks_catch_the_faults_of_the_old_charts():
    """Each check fails on a fault of the charts before issue 18, rebuilt here: two names drawn over each other
    (the retailer map's "Staff remember me" over "Handwritten note in the parcel"), a legend inside the data
    (motivator profiles), matplotlib's default log ticks ("10⁰"), an off-palette colour."""
    fig, ax = plt.subplots()
    ax.scatter([30.0, 30.4], [6.0, 6.05])
    ax.set_xlim(0, 100), ax.set_ylim(0, 10)
    ax.annotate("Staff remember me", (30.0, 6.0), xytext=(4, 3), textcoords="offset points", fontsize=8)
    ax.annotate("Handwritten note in the parcel", (30.4, 6.05), xytext=(4, 3), textcoords="offset points", fontsize=8)
    pairs = {(a.get_text(), b.get_text()) for a, b in plots.text_overlaps(fig)}
    assert ("Staff remember me", "Handwritten note in the parcel") in pairs

    fig, ax = plt.subplots()
    ax.errorbar([50, 60, 55], [0, 1, 2], xerr=5, fmt="o", label="Fully connected (n=300)")
    ax.legend(loc="center")
    assert plots.legend_overlaps(fig)
    assert any("legend covers data" in p for p in plots.layout_problems(fig))

    fig, ax = plt.subplots()
    ax.errorbar([0.6], [0], xerr=[[0.1], [0.2]], fmt="o", color=plots.PALETTE["estimate"])
    ax.set_xscale("log")
    assert any("log x axis" in p for p in plots.layout_problems(fig))
    plots.ratio_axis(ax, 0.5, 0.8)
    assert plots.layout_problems(fig) == []

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 3), gridspec_kw={"hspace": 0.05})
    top.set_xlabel("Change in percentage points, after − before, 95% CI")  # the scorecard's first cramped try
    assert any("reaches into the panel" in p for p in plots.layout_problems(fig))

    fig, ax = plt.subplots()
    ax.bar([0], [1], color="tab:red")
    assert plots.layout_problems(fig) == [f"colour #d62728 is not a house colour (plots.house_colours())"]


def test_ratio_axes_read_in_plain_numbers_with_the_line_at_one_named():
    for low, high in ((0.05, 0.9), (0.42, 0.6), (0.8, 1.3), (0.3, 12.0), (1.02, 1.08)):
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.plot([low, high], [0, 0], "o")
        plots.ratio_axis(ax, low, high)
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert "1\nsame rate" in labels, labels
        assert all(re.fullmatch(r"\d+(\.\d+)?(\nsame rate)?", t) for t in labels), labels
        assert 2 <= len(labels) <= 8 and not [t for t in ax.get_xticklabels(minor=True) if t.get_text()]
        lo, hi = ax.get_xlim()
        assert lo <= low and hi >= high
        assert plots.text_overlaps(fig) == [], (low, high)
        plt.close(fig)


def test_the_forest_plot_names_the_largest_difference_with_its_hazard_ratio(results):
    m = results["cox"]
    ax = plots.forest(m, ax=plt.figure().gca())
    hr = m.table.set_index("level")["hazard_ratio"]
    far = hr.index[np.argmax(np.abs(np.log(hr.to_numpy())))]
    title = _flat(ax.get_title(loc="left") or ax.get_title())
    assert title.startswith(far[:1].upper() + far[1:]) and f"(HR {hr[far]:.2f})" in title, title
    assert "highly satisfied" in title  # the reference it is compared with
    colours = {plots.SEGMENT_COLOURS[s].lower() for s in hr.index}
    from matplotlib.colors import to_hex

    assert {to_hex(line.get_markerfacecolor()) for line in ax.lines if line.get_marker() == "o"} == colours


def test_the_importance_map_draws_intervals_and_names_the_drivers_without_overlap(results):
    imp = results["importance"]
    fig = plt.figure(figsize=(10, 6.5))
    ax = plots.importance_map(imp, ax=fig.gca())
    named = {t.get_text() for t in ax.texts}
    assert set(imp.hidden_drivers()) | set(imp.key_drivers()) <= named
    from matplotlib.collections import LineCollection, PathCollection

    bars = sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))
    assert bars == int(np.isfinite(imp.table["ci_low"]).sum())  # every element's derived-importance interval
    hollow = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())
              and (c.get_facecolors()[:, :3] == 1).all()]
    assert sum(len(c.get_offsets()) for c in hollow) == int((imp.table["evidence"] == "possible").sum())
    assert f"of {len(imp.table)} elements" in ax.get_legend().get_title().get_text() or len(named) == len(imp.table)
    assert plots.text_overlaps(fig) == []
    with pytest.raises(ValueError, match="nothing to draw"):
        plots.importance_map(types.SimpleNamespace(reason="no variance", table=imp.table))


def test_the_brokerage_map_names_at_most_max_labels_and_says_which(results):
    imp = _demo_importance("demo-brokerage")
    fig = plt.figure(figsize=(10, 6.5))
    ax = plots.importance_map(imp, ax=fig.gca(), max_labels=12)
    named = {t.get_text() for t in ax.texts}
    t = imp.table
    drivers_ = t.loc[t["quadrant"].isin(["key driver", "hidden driver"]) & (t["evidence"] == "supported"), "element"]
    assert len(named) == 12 and set(drivers_) <= named  # the 11 supported drivers come first
    assert "Named: 12 of 100 elements" in ax.get_legend().get_title().get_text()
    assert plots.text_overlaps(fig) == []


def test_the_wave_scorecard_splits_a_cell_of_a_larger_grid_without_crowding(results):
    fig, (ax, other) = plt.subplots(1, 2, figsize=(14, 4.2))
    other.plot([0, 1], [0, 1], color=plots.PALETTE["estimate"])
    other.set_title("Spend rose 12% (n=10)")
    axes = plots.wave_scorecard(results["card"], ax=ax)
    assert len(fig.axes) == len(axes) + 1 and ax not in fig.axes
    plots.chart(fig, alt="x" * 5)
    assert plots.layout_problems(fig) == []


def test_one_unit_per_axis_in_the_wave_scorecard(results):
    card = results["card"]
    fig = plt.figure(figsize=(9, 6))
    axes = plots.wave_scorecard(card, ax=fig.gca())
    units = [re.match(r"Change in (.+?), after", ax.get_xlabel()).group(1) for ax in axes]
    assert len(units) == len(set(units)) == 3  # percentage points, NPS points, the value's unit
    drawn = sum(len(ax.get_yticks()) for ax in axes)
    assert drawn == len(card.table)  # every metric compared, value included
    nps_panel = axes[units.index("NPS points")]
    assert [t.get_text().split(":")[0] for t in nps_panel.get_yticklabels()] == ["Net Promoter Score"]
    plots.chart(fig, alt="x" * 5)
    assert plots.layout_problems(fig) == []


def test_bars_carry_their_values_and_the_base_once(results):
    fig = _draw("estimates", results)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["18%", "27%", "43%"]
    assert _flat(ax.get_title(loc="left")).endswith("(n=1,700)")
    for name in ("segment_shares", "value_by_segment", "nps_by_segment"):
        ax = _draw(name, results).axes[0]
        assert ax.texts and not [t.get_text() for t in ax.texts if "n=" in t.get_text()], name


def test_a_given_title_is_kept_and_gets_its_n_once(results):
    ax = plots.segment_shares(results["shares"], ax=plt.figure().gca(), title="Most customers are not connected")
    assert _flat(ax.get_title(loc="left")).startswith("Most customers are not connected (n=")
    ax = plots.segment_shares(results["shares"], ax=plt.figure().gca(), title="Few are connected (n=12)")
    assert ax.get_title(loc="left") == "Few are connected (n=12)"


def test_plots_draw_on_the_current_axes_by_default(frame_and_codebook):
    f, _, _ = frame_and_codebook
    fig, ax = plt.subplots()
    assert plots.segment_shares(segments.shares(f)) is ax


def test_small_segments_are_suppressed_in_value_plot():
    data = pd.DataFrame({"segment": list(segments.SEGMENTS), "n": [12, 200, 300], "mean": [5.0, 3.0, 2.0],
                         "ci_low": [4.0, 2.5, 1.8], "ci_high": [6.0, 3.5, 2.2]})
    ax = plots.value_by_segment(data, label="Spend", min_cell=30, ax=plt.figure().gca())
    texts = [t.get_text() for t in ax.texts]
    assert any("suppressed" in t for t in texts)
    assert len(ax.patches) == 2  # the small segment has no bar


def test_small_groups_are_left_out_of_nps_and_survival_and_said_to_be(results):
    small = plots.nps_by_segment(results["nps"].table.assign(n=[5, 500, 500]), min_cell=30, ax=plt.figure().gca())
    assert "not shown: fully connected" in _flat(small.get_title(loc="left")) and len(small.patches) == 2
    table = results["km"].table
    first = table["segment"].iloc[0]
    table = table.assign(at_risk=np.where(table["segment"] == first, 3, table["at_risk"]),
                         n=np.where(table["segment"] == first, 3, table.get("n", table["at_risk"])))
    ax = plots.survival_curves(table, by="segment", min_cell=30, ax=plt.figure().gca())
    assert "Not shown (fewer than 30)" in ax.get_legend().get_title().get_text()


def test_an_interval_beside_its_estimate_is_drawn_not_fatal():
    """A percentile bootstrap interval can lie wholly to one side of the estimate (seen on a corpus case where the
    motivators explain nothing): the arm on the far side has length 0 and the plot is still drawn."""
    ranking = pd.DataFrame({"motivator": ["a", "b"], "weight": [0.01, 0.002], "rescaled": [79.2, 20.8],
                            "ci_low": [0.3, 1.0], "ci_high": [75.6, 40.0], "rank": [1, 2], "sign": [1, 1],
                            "in_top": [1.0, 1.0]})
    ax = plots.motivator_ranking(ranking, outcome_label="Annual spend", n=857, ax=plt.figure().gca())
    assert "n=857" in ax.get_title(loc="left") + ax.get_title()
    arms = plots._error_bars(ranking["rescaled"], ranking["ci_low"], ranking["ci_high"])
    assert arms.min() >= 0 and arms[1, 0] == 0 and arms[0, 0] == pytest.approx(78.9)


def test_cjk_names_are_drawn_with_the_fallback_font():
    """Chinese, Japanese and Korean client or element names must not turn into boxes in the figures."""
    import os
    import warnings

    if not any(Path(p).is_file() for p in plots.FALLBACK_FONTS.values()):
        if os.environ.get("CXLIB_REQUIRE_BROWSER"):
            pytest.fail("a CJK font is required under make test (make browser installs fonts-wqy-microhei)")
        pytest.skip("no CJK font installed (make browser)")
    plots.set_theme()
    fig, ax = plt.subplots()
    ax.set_title("北京店 «店面» 한국 カタカナ (n=840)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        fig.canvas.draw()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_wave_trend_marks_the_changes_that_hold_and_passes_the_chart_lint():
    import chartlint
    from factories import FrameEngagement

    from cxlib import waves
    from cxlib.errors import ArgumentError
    from cxlib.segments import SEGMENTS

    rng = np.random.default_rng(31)
    labels = ["q1", "q2", "q3", "q4", "q5", "q6"]
    wave = np.repeat(labels, 2500)
    fc = rng.random(len(wave)) < np.where(np.isin(wave, labels[3:]), 0.30, 0.20)
    f = pd.DataFrame({"wave": wave, "ltr": rng.choice(11, len(wave)),
                      "segment": pd.Categorical(np.where(fc, "fully connected", "other"), categories=SEGMENTS)})
    tracked = waves.track(FrameEngagement(f, {"wave": "wave", "waves": labels, "advocacy": {"column": "ltr"}}),
                          metrics=["connected", "nps"])
    fig, ax = plt.subplots(figsize=(8, 4.5))
    plots.set_theme()
    ax = plots.wave_trend(tracked, metric="connected", ax=ax)
    title = " ".join((ax.get_title(loc="left") or ax.get_title()).split())
    assert re.fullmatch(r"Fully connected share rose from (19|20|21)% in q1 to (29|30|31)% in q6; 1 of its "
                        r"wave-over-wave changes hold \(n=15,000\)", title), title
    heavy = [line for line in ax.get_lines() if line.get_linewidth() > 2 and len(line.get_xdata()) == 2]
    assert [tuple(line.get_xdata()) for line in heavy] == [(2, 3)]  # the planted step q3 -> q4 only
    fig.tight_layout()
    assert chartlint.problems(fig, alt=False) == []
    with pytest.raises(ArgumentError, match="did you mean 'connected'"):
        plots.wave_trend(tracked, metric="conected")
    with pytest.raises(ArgumentError):
        plots.wave_trend(f, metric="nps")
