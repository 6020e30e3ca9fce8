"""Misuse corpus (#15) for notebook 01's analyses (cxlib.segments, cxlib.motivators, cxlib.simulate): wrong
columns, weights and labels, a Series for a frame, n_boot 1, horizons past follow-up or negative, 20-row
frames, out-of-range shares. ``CASES = [(case_id, call, expected)]``: ``expected`` is the
``ArgumentError.argument`` or ``"reason:<code>"`` for a not-estimable result (tests/test_misuse.py and
tests/test_misuse_value.py run them)."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd


@functools.lru_cache(maxsize=1)
def _engagement():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 300, seed=3)
    return eng.frame(), eng.codebook


def _f():
    return _engagement()[0]


def _cb():
    return _engagement()[1]


def _tiny(segments=("fully connected",) * 19 + ("highly satisfied",), value=None):
    v = np.arange(20.0) if value is None else value
    return pd.DataFrame({"segment": list(segments), "spend": v, "w": 1.0})


def _flat():
    f, cb = _engagement()
    items = cb.loc[cb["role"] == "motivator_item"]
    keep = items["motivator"].iloc[0]
    return f.assign(**{c: 4.0 for c in items.loc[items["motivator"] != keep, "column"]}), cb


def _m():
    from cxlib import motivators

    return motivators


def _s():
    from cxlib import segments

    return segments


def _sim():
    from cxlib import simulate

    return simulate


def _out(**kw):
    base = dict(value="annual_spend", duration="tenure_days", event="churned", horizon=365, advocacy="ltr")
    return _sim().Outcomes(**{**base, **kw})


def _element():
    cb = _cb()
    return cb.loc[cb["role"] == "element_performance", "element"].iloc[0]


CASES = [
    ("shares_by_misspelt", lambda: _s().shares(_f(), by="segmnt"), "by"),
    ("shares_weight_misspelt", lambda: _s().shares(_f(), weight="resp_weigth"), "weight"),
    ("shares_series_for_frame", lambda: _s().shares(_f()["segment"]), "data"),
    ("shares_ci_percent", lambda: _s().shares(_f(), ci=95), "ci"),
    ("shares_label_misspelt", lambda: _s().shares(_f()).share("fully conected"), "label"),
    ("index_text_items", lambda: _s().connection_index(pd.DataFrame({"a": ["agree", "disagree"]})), "items"),
    ("assign_threshold_out_of_range", lambda: _s().assign(_f(), threshold=750, sat_column="overall_sat", top_box=9),
     "threshold"),
    ("assign_sat_misspelt", lambda: _s().assign(_f(), threshold=75, sat_column="overall_sta", top_box=9), "sat_column"),
    ("value_misspelt", lambda: _m().value_by_segment(_f(), value="annual_spnd", n_boot=10), "value"),
    ("value_by_misspelt", lambda: _m().value_by_segment(_f(), value="annual_spend", by="regoin", n_boot=10), "by"),
    ("value_n_boot_1", lambda: _m().value_by_segment(_f(), value="annual_spend", n_boot=1), "n_boot"),
    ("value_series_for_frame", lambda: _m().value_by_segment(_f()["annual_spend"], value="annual_spend"), "data"),
    ("multiplier_numerator_misspelt", lambda: _m().value_multiplier(_f(), value="annual_spend",
                                                                    numerator="fully conected", n_boot=10), "numerator"),
    ("multiplier_weight_misspelt", lambda: _m().value_multiplier(_f(), value="annual_spend", weight="weight",
                                                                 n_boot=10), "weight"),
    ("multiplier_20_rows_no_hs", lambda: _m().value_multiplier(_tiny(("fully connected",) * 20), value="spend",
                                                               n_boot=10), "reason:segment_empty"),
    ("multiplier_20_rows_one_hs", lambda: _m().value_multiplier(_tiny(), value="spend", n_boot=10), "reason:too_few"),
    ("multiplier_zero_denominator", lambda: _m().value_multiplier(
        _tiny(("fully connected",) * 10 + ("highly satisfied",) * 10, np.r_[np.ones(10), np.zeros(10)]),
        value="spend", n_boot=10), "reason:zero_denominator"),
    ("sensitivity_value_misspelt", lambda: _m().threshold_sensitivity(
        _f(), value="annual_spnd", sat_column="overall_sat", top_box=9, threshold=75, n_boot=0), "value"),
    ("sensitivity_threshold_percent_of_1000", lambda: _m().threshold_sensitivity(
        _f(), value="annual_spend", sat_column="overall_sat", top_box=9, threshold=750, n_boot=0), "threshold"),
    ("sensitivity_thresholds_text", lambda: _m().threshold_sensitivity(
        _f(), value="annual_spend", sat_column="overall_sat", top_box=9, threshold=75, thresholds="70,80", n_boot=0),
     "thresholds"),
    ("sensitivity_thresholds_out_of_range", lambda: _m().threshold_sensitivity(
        _f(), value="annual_spend", sat_column="overall_sat", top_box=9, threshold=75, thresholds=[70, 120], n_boot=0),
     "thresholds"),
    ("sensitivity_sat_misspelt", lambda: _m().threshold_sensitivity(
        _f(), value="annual_spend", sat_column="overal_sat", top_box=9, threshold=75, n_boot=0), "sat_column"),
    ("sensitivity_n_boot_1", lambda: _m().threshold_sensitivity(
        _f(), value="annual_spend", sat_column="overall_sat", top_box=9, threshold=75, n_boot=1), "n_boot"),
    ("sensitivity_unknown_threshold", lambda: _m().threshold_sensitivity(
        _f(), value="annual_spend", sat_column="overall_sat", top_box=9, threshold=75, n_boot=0).multiplier(72),
     "threshold"),
    ("adjusted_covariate_misspelt", lambda: _m().adjusted_multiplier(_f(), value="annual_spend", covariates=["regoin"],
                                                                     n_boot=0), "covariates[0]"),
    ("adjusted_covariate_is_the_value", lambda: _m().adjusted_multiplier(_f(), value="annual_spend",
                                                                         covariates=["annual_spend"], n_boot=0),
     "covariates"),
    ("adjusted_20_rows_no_hs", lambda: _m().adjusted_multiplier(_tiny(("fully connected",) * 20), value="spend",
                                                                covariates=["w"], n_boot=10), "reason:segment_empty"),
    ("rank_value_misspelt", lambda: _m().rank(_f(), _cb(), value="annual_spnd", n_boot=0), "value"),
    ("rank_n_boot_1", lambda: _m().rank(_f(), _cb(), value="annual_spend", n_boot=1), "n_boot"),
    ("rank_nothing_varies", lambda: _m().rank(*_flat(), value="annual_spend", n_boot=0), "reason:too_few_varying"),
    ("reliability_series_codebook", lambda: _m().reliability(_f(), _cb()["column"]), "codebook"),
    ("reliability_ci_percent", lambda: _m().reliability(_f(), _cb(), ci=95), "ci"),
    ("profiles_weight_misspelt", lambda: _m().profiles(_f(), _cb(), weight="resp_wieght"), "weight"),
    ("loadings_20_rows", lambda: _m().item_loadings(_f().head(20), _cb()), "data"),
    ("connect_share_zero", lambda: _sim().connect_share(_f(), share=0, outcomes=_out(), n_boot=0), "share"),
    ("connect_share_percent", lambda: _sim().connect_share(_f(), share=25, outcomes=_out(), n_boot=0), "share"),
    ("connect_share_series", lambda: _sim().connect_share(_f()["segment"], share=0.5, outcomes=_out()), "data"),
    ("connect_share_value_misspelt", lambda: _sim().connect_share(_f(), share=0.5, outcomes=_out(value="spend"),
                                                                  n_boot=0), "outcomes"),
    ("connect_share_horizon_past_follow_up", lambda: _sim().connect_share(_f(), share=0.5,
                                                                          outcomes=_out(horizon=50_000), n_boot=0),
     "outcomes"),
    ("connect_share_negative_horizon", lambda: _sim().connect_share(_f(), share=0.5, outcomes=_out(horizon=-30),
                                                                    n_boot=0), "outcomes"),
    ("connect_share_n_boot_1", lambda: _sim().connect_share(_f(), share=0.5, outcomes=_out(), n_boot=1), "n_boot"),
    ("connect_share_customers_zero", lambda: _sim().connect_share(_f(), share=0.5, outcomes=_out(), customers=0,
                                                                  n_boot=0), "customers"),
    ("connect_share_outcomes_dict", lambda: _sim().connect_share(_f(), share=0.5, outcomes={"value": "annual_spend"}),
     "outcomes"),
    ("improve_element_misspelt", lambda: _sim().improve_element(_f(), _cb(), element=_element()[:-1] + "x", points=1,
                                                                threshold=75, outcomes=_out(), n_boot=0), "element"),
    ("improve_element_negative_points", lambda: _sim().improve_element(_f(), _cb(), element=_element(), points=-1,
                                                                       threshold=75, outcomes=_out(), n_boot=0),
     "points"),
    ("scenarios_table_of_frames", lambda: _sim().scenarios_table([("a", pd.DataFrame())]), "results"),
    ("wave_check_one_wave", lambda: _sim().wave_check(_f(), wave="wave", waves=["pre"], value="annual_spend",
                                                      n_boot=0), "waves"),
    ("wave_check_value_misspelt", lambda: _sim().wave_check(_f(), wave="wave", waves=["pre", "post"],
                                                            value="annual_spnd", n_boot=0), "value"),
    ("wave_check_unknown_wave", lambda: _sim().wave_check(_f(), wave="wave", waves=["pre", "2031"],
                                                          value="annual_spend", n_boot=0), "waves"),
    ("observed_rises_wave_misspelt", lambda: _sim().observed_rises(_f(), wave="wav", waves=["pre", "post"]), "wave"),
    ("observed_rises_min_cell_zero", lambda: _sim().observed_rises(_f(), min_cell=0), "min_cell"),
]
