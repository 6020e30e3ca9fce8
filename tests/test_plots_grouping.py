"""Issue 19: every plot function that draws groups takes any grouping column (a business cut such as region, a
wave), not only the segments — each draws every group, names it as the data spell it and passes the chart lint."""
from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import pytest

import cxlib as cx
from cxlib import advocacy, motivators, plots, segments, survival

import chartlint


@functools.lru_cache(maxsize=1)
def _frame():
    eng, _ = cx.synth.make_engagement("retailer", 1500, seed=0)
    return eng.frame(), eng.codebook


def _draw(kind: str, by: str):
    f, cb = _frame()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if kind == "segment_shares":
        plots.segment_shares(segments.shares(f, by=by), ax=ax)
    elif kind == "value_by_segment":
        plots.value_by_segment(motivators.value_by_segment(f, value="annual_spend", by=by), label="Annual spend", ax=ax)
    elif kind == "nps_by_segment":
        plots.nps_by_segment(advocacy.nps_by_segment(f, column="ltr", by=by), ax=ax)
    elif kind == "motivator_profiles":
        plots.motivator_profiles(motivators.profiles(f, cb, by=by), ax=ax)
    elif kind == "survival_curves":
        plots.survival_curves(survival.km(f, duration="tenure_days", event="churned", by=by), ax=ax)
    return fig, ax


KINDS = ["segment_shares", "value_by_segment", "nps_by_segment", "motivator_profiles", "survival_curves"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("by", ["region", "wave"])
def test_every_grouping_plot_takes_any_grouping_column(kind, by):
    plots.set_theme()
    f, _ = _frame()
    fig, ax = _draw(kind, by)
    groups = {str(g) for g in f[by].dropna().unique()}
    drawn = " ".join([t.get_text() for t in ax.get_yticklabels()] + [t.get_text() for t in ax.get_xticklabels()]
                     + ([t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else [])
                     + [ax.get_title(loc="left")])
    # Every group is drawn (a name may be raised at its first letter where it starts a label).
    assert all(g.lower() in drawn.lower() for g in groups), (kind, by, drawn[:300])
    # Group names keep their spelling in the title (a region is "North", not "north").
    assert not any(g.lower() in ax.get_title(loc="left").split() for g in groups if g != g.lower())
    assert chartlint.problems(fig, alt=False) == [], kind
