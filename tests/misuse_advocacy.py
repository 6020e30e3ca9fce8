"""Misuse corpus (#15) for cxlib.advocacy, cxlib.waves and cxlib.verbatims: out-of-range scores, wrong
columns, weights and wave labels, a Series for a frame, a frame for an engagement, ``n_boot`` 1, negative and
past-follow-up horizons, a single wave, 20-row frames. ``CASES = [(case_id, call, expected)]``: ``expected`` is
the ``ArgumentError.argument`` or ``"reason:<code>"`` for a not-estimable result (tests/test_misuse.py and
tests/test_misuse_advocacy.py run them)."""
from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd


@functools.lru_cache(maxsize=1)
def _eng():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 300, seed=4)
    return eng


def _f():
    return _eng().frame()


def _with(**config):
    eng = _eng()
    cfg = {k: v for k, v in {**eng.config, **config}.items() if v is not None}
    return dataclasses.replace(eng, config=cfg)


def _a():
    from cxlib import advocacy

    return advocacy


def _w():
    from cxlib import waves

    return waves


def _v():
    from cxlib import verbatims

    return verbatims


def _mix(**kw):
    args = dict(wave="wave", waves=["pre", "post"], value="annual_spend", duration="tenure_days", event="churned",
                horizon=365, customers=300, weight="resp_weight", n_boot=20)
    return _w().mix_impact(_f(), **{**args, **kw})


CASES = [
    ("nps_scores_above_10", lambda: _a().nps([3, 11, 12]), "scores"),
    ("nps_scores_negative", lambda: _a().nps(np.array([-1.0, 5.0])), "scores"),
    ("nps_frame_for_scores", lambda: _a().nps(_f()[["ltr", "resp_weight"]]), "scores"),
    ("nps_text_scores", lambda: _a().nps(["high", "low"]), "scores"),
    ("nps_weights_wrong_length", lambda: _a().nps([5, 9, 10], weights=[1.0, 2.0]), "weights"),
    ("nps_ci_as_percent", lambda: _a().nps([5, 9, 10], ci=95), "ci"),
    ("nps_no_answers", lambda: _a().nps([np.nan, np.nan]), "reason:no_data"),
    ("nps_by_segment_series", lambda: _a().nps_by_segment(_f()["ltr"], column="ltr"), "data"),
    ("nps_by_segment_column_misspelt", lambda: _a().nps_by_segment(_f(), column="ltrr"), "column"),
    ("nps_by_segment_weight_misspelt", lambda: _a().nps_by_segment(_f(), column="ltr", weight="resp_wieght"), "weight"),
    ("nps_by_segment_by_misspelt", lambda: _a().nps_by_segment(_f(), column="ltr", by="segmnt"), "by"),
    ("nps_by_segment_out_of_range", lambda: _a().nps_by_segment(_f().assign(ltr=99), column="ltr"), "column"),
    ("nps_by_segment_text_column", lambda: _a().nps_by_segment(_f(), column="comment"), "column"),
    ("compare_waves_frame_for_eng", lambda: _w().compare_waves(_f()), "eng"),
    ("compare_waves_wave_misspelt", lambda: _w().compare_waves(_eng(), waves=["pre", "psot"]), "waves"),
    ("compare_waves_one_wave", lambda: _w().compare_waves(_eng(), waves=["pre"]), "waves"),
    ("compare_waves_wave_as_string", lambda: _w().compare_waves(_eng(), waves="pre"), "waves"),
    ("compare_waves_metric_misspelt", lambda: _w().compare_waves(_eng(), metrics=["atrition"]), "metrics"),
    ("compare_waves_ci", lambda: _w().compare_waves(_eng(), ci=1.5), "ci"),
    ("compare_waves_single_wave", lambda: _w().compare_waves(_with(wave=None, waves=None)), "reason:single_wave"),
    ("compare_waves_horizon_past_follow_up",
     lambda: _w().compare_waves(_with(attrition={**_eng().config["attrition"], "horizon": 5000})).change("attrition"),
     "reason:horizon_past_follow_up"),
    ("advocacy_compare_waves_misspelt", lambda: _a().compare_waves(_eng(), waves=["pr", "post"]), "waves"),
    ("mix_n_boot_one", lambda: _mix(n_boot=1), "n_boot"),
    ("mix_negative_horizon", lambda: _mix(horizon=-30), "horizon"),
    ("mix_horizon_past_follow_up", lambda: _mix(horizon=5000).get("active_customers"), "reason:horizon_past_follow_up"),
    ("mix_value_misspelt", lambda: _mix(value="annual_spnd"), "value"),
    ("mix_weight_misspelt", lambda: _mix(weight="resp_wieght"), "weight"),
    ("mix_wave_label_misspelt", lambda: _mix(waves=["pre", "pots"]), "waves"),
    ("mix_event_not_binary", lambda: _mix(event="visits"), "event"),
    ("mix_customers_zero", lambda: _mix(customers=0), "customers"),
    ("mix_series_for_frame", lambda: _w().mix_impact(_f()["wave"], wave="wave", waves=["pre", "post"], value="annual_spend",
                                                     duration="tenure_days", event="churned", horizon=365, customers=300),
     "data"),
    ("mix_20_rows", lambda: _w().mix_impact(pd.concat([_f().head(19).assign(wave="pre"), _f().iloc[[25]].assign(wave="post")]),
                                            wave="wave", waves=["pre", "post"], value="annual_spend", duration="tenure_days",
                                            event="churned", horizon=365, customers=300), "reason:too_few"),
    ("verbatims_text_misspelt", lambda: _v().verbatims(_f(), text="coment"), "text"),
    ("verbatims_series", lambda: _v().verbatims(_f()["comment"], text="comment"), "data"),
    ("verbatims_20_rows", lambda: _v().verbatims(_f().head(20), text="comment"), "reason:below_min_cell"),
    ("words_min_cell_zero", lambda: _v().word_frequency(_f(), text="comment", min_cell=0), "min_cell"),
    ("words_numeric_text", lambda: _v().word_frequency(_f(), text="ltr"), "text"),
    ("words_20_rows", lambda: _v().word_frequency(_f().head(20), text="comment"), "reason:below_min_cell"),
]
