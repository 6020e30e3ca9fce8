"""cxlib.plots: every figure has a title with n, labelled axes, and returns its Axes (seaborn style)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cxlib import motivators, plots, segments


@pytest.fixture(scope="module")
def frame_and_codebook():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 800, seed=9)
    return eng.frame(), eng.codebook, eng.config


def _check(ax):
    assert isinstance(ax, plt.Axes)
    title = " ".join(ax.get_title(loc=loc) for loc in ("left", "center", "right"))
    assert title.strip() and "n=" in title, title
    assert ax.get_xlabel() or ax.get_ylabel()
    labelled = [a for a in (ax.get_xlabel(), ax.get_ylabel()) if a]
    assert all(len(a) > 3 for a in labelled)


def test_every_plot_is_labelled_with_n(frame_and_codebook):
    f, cb, cfg = frame_and_codebook
    shares = segments.shares(f)
    fig, axes = plt.subplots(2, 3)
    _check(plots.segment_shares(shares, ax=axes[0, 0]))
    _check(plots.index_distribution(f, threshold=75, ax=axes[0, 1]))
    vbs = motivators.value_by_segment(f, value="annual_spend", n_boot=100)
    _check(plots.value_by_segment(vbs, label="Annual spend", ax=axes[0, 2]))
    rk = motivators.rank(f, cb, value="annual_spend", n_boot=50)
    _check(plots.motivator_ranking(rk, outcome_label="Annual spend", ax=axes[1, 0]))
    _check(plots.motivator_profiles(motivators.profiles(f, cb), ax=axes[1, 1]))


def test_plots_draw_on_the_current_axes_by_default(frame_and_codebook):
    f, _, _ = frame_and_codebook
    fig, ax = plt.subplots()
    assert plots.segment_shares(segments.shares(f)) is ax


def test_small_segments_are_suppressed_in_value_plot():
    data = pd.DataFrame({"segment": list(segments.SEGMENTS), "n": [12, 200, 300], "mean": [5.0, 3.0, 2.0],
                         "ci_low": [4.0, 2.5, 1.8], "ci_high": [6.0, 3.5, 2.2]})
    ax = plots.value_by_segment(data, label="Spend", min_cell=30)
    texts = [t.get_text() for t in ax.texts]
    assert any("suppressed" in t for t in texts)
    assert len(ax.patches) == 2  # the small segment has no bar


def test_importance_map_names_the_notable_elements(frame_and_codebook):
    from cxlib import drivers

    f, cb, _ = frame_and_codebook
    imp = drivers.importance(f, cb, n_boot=20)
    ax = plots.importance_map(imp)
    _check(ax)
    named = {t.get_text() for t in ax.texts}
    assert set(imp.hidden_drivers()) <= named
    _check(plots.rollup(drivers.rollup(imp, by="stage")))
    with pytest.raises(ValueError, match="nothing to draw"):
        plots.importance_map(drivers.importance(f.head(20), cb, n_boot=0))  # not estimable


def test_survival_plots_are_labelled(frame_and_codebook):
    from cxlib import survival

    f, _, _ = frame_and_codebook
    fig, axes = plt.subplots(1, 2)
    _check(plots.survival_curves(survival.km(f, duration="tenure_days", event="churned", by="segment"), min_cell=30,
                                 ax=axes[0]))
    _check(plots.survival_curves(survival.km(f, duration="tenure_days", event="churned", by="region"), min_cell=30,
                                 ax=plt.figure().gca()))  # any grouping, not only the segments
    model = survival.cox(f, duration="tenure_days", event="churned", covariates=["segment"],
                         reference={"segment": "highly satisfied"})
    _check(plots.forest(model, ax=axes[1], n=model.n))


def test_advocacy_plots_are_labelled_and_suppress_small_segments(frame_and_codebook):
    from cxlib import advocacy

    f, _, cfg = frame_and_codebook
    by_seg = advocacy.nps_by_segment(f.dropna(subset=["segment"]), column="ltr")
    fig, axes = plt.subplots(1, 2)
    _check(plots.nps_by_segment(by_seg, ax=axes[0]))
    small = plots.nps_by_segment(by_seg.table.assign(n=[5, 500, 500]), min_cell=30, ax=axes[1])
    assert "not shown: fully connected" in " ".join(small.get_title(loc=loc) for loc in ("left", "center")) and len(small.patches) == 2

    from factories import FrameEngagement

    card = advocacy.compare_waves(FrameEngagement(f, cfg, slug="t"))
    fig, ax = plt.subplots()
    ax = plots.wave_scorecard(card, ax=ax)
    _check(ax)
    assert len(ax.get_yticklabels()) == len(card.table) - 1  # value is not on the percentage-point axis


def test_an_interval_beside_its_estimate_is_drawn_not_fatal():
    """A percentile bootstrap interval can lie wholly to one side of the estimate (seen on a corpus case where the
    motivators explain nothing): the arm on the far side has length 0 and the plot is still drawn."""
    ranking = pd.DataFrame({"motivator": ["a", "b"], "weight": [0.01, 0.002], "rescaled": [79.2, 20.8],
                            "ci_low": [0.3, 1.0], "ci_high": [75.6, 40.0], "rank": [1, 2], "sign": [1, 1],
                            "in_top": [1.0, 1.0]})
    ax = plots.motivator_ranking(ranking, outcome_label="Annual spend", n=857)
    _check(ax)
    arms = plots._error_bars(ranking["rescaled"], ranking["ci_low"], ranking["ci_high"])
    assert arms.min() >= 0 and arms[1, 0] == 0 and arms[0, 0] == pytest.approx(78.9)


def test_cjk_names_are_drawn_with_the_fallback_font():
    """Chinese, Japanese and Korean client or element names must not turn into boxes in the figures."""
    import os
    import warnings
    from pathlib import Path

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
