"""Misuse corpus (#15) for cxlib.drivers: wrong columns, weights, labels and counts; a Series for a frame;
a table for a result; 20-row frames. ``CASES = [(case_id, call, expected)]``: ``expected`` is the
``ArgumentError.argument`` or ``"reason:<code>"`` for a not-estimable result (tests/test_misuse.py runs them)."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd


@functools.lru_cache(maxsize=1)
def _engagement():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 300, seed=3)
    return eng.frame(), eng.codebook


@functools.lru_cache(maxsize=1)
def _importance():
    from cxlib import drivers

    f, cb = _engagement()
    return drivers.importance(f, cb, n_boot=20, seed=0)


def _f():
    return _engagement()[0]


def _cb():
    return _engagement()[1]


def _d():
    from cxlib import drivers

    return drivers


def _X():
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(100, 3)), columns=["a", "b", "c"])


CASES = [
    ("importance_outcome_misspelt", lambda: _d().importance(_f(), _cb(), "conection_index"), "outcome"),
    ("importance_outcome_segment", lambda: _d().importance(_f(), _cb(), "segment"), "outcome"),
    ("importance_weight_misspelt", lambda: _d().importance(_f(), _cb(), weight="resp_wieght"), "weight"),
    ("importance_n_boot_1", lambda: _d().importance(_f(), _cb(), n_boot=1), "n_boot"),
    ("importance_n_boot_negative", lambda: _d().importance(_f(), _cb(), n_boot=-5), "n_boot"),
    ("importance_ci_95", lambda: _d().importance(_f(), _cb(), n_boot=0, ci=95), "ci"),
    ("importance_missing_choice", lambda: _d().importance(_f(), _cb(), missing="drop"), "missing"),
    ("importance_series_for_frame", lambda: _d().importance(_f()["connection_index"], _cb()), "frame"),
    ("importance_codebook_without_importance",
     lambda: _d().importance(_f(), _cb()[_cb()["role"] != "element_importance"]), "codebook"),
    ("importance_codebook_not_a_frame", lambda: _d().importance(_f(), "codebook.csv"), "codebook"),
    ("importance_rule_not_a_rule", lambda: _d().importance(_f(), _cb(), n_boot=0, rule="mean"), "rule"),
    ("importance_20_rows", lambda: _d().importance(_f().head(20), _cb(), n_boot=0), "reason:too_few"),
    ("importance_one_varying_element",
     lambda: _d().importance(_f().assign(**{c: 4.0 for c in _cb().loc[_cb()["role"] == "element_performance", "column"].iloc[1:]}),
                             _cb(), n_boot=0), "reason:too_few_elements"),
    ("relative_weights_series_for_X", lambda: _d().relative_weights(_X()["a"], _X()["b"]), "X"),
    ("relative_weights_y_misaligned", lambda: _d().relative_weights(_X(), _X()["a"].head(10)), "y"),
    ("relative_weights_y_column_name", lambda: _d().relative_weights(_X(), "a"), "y"),
    ("relative_weights_negative_weights", lambda: _d().relative_weights(_X(), _X()["a"], weights=-np.ones(100)), "weights"),
    ("relative_weights_n_boot_1", lambda: _d().relative_weights(_X(), _X()["a"], n_boot=1), "n_boot"),
    ("relative_weights_method_choice", lambda: _d().relative_weights(_X(), _X()["a"], method="probit"), "method"),
    ("relative_weights_constant_predictor", lambda: _d().relative_weights(_X().assign(k=1.0), _X()["a"]), "X"),
    ("relative_weights_constant_outcome", lambda: _d().relative_weights(_X(), np.zeros(100)), "reason:constant"),
    ("relative_weights_separated", lambda: _d().relative_weights(_X(), (_X()["a"] > 0).astype(float)), "reason:separation"),
    ("shapley_too_many_predictors", lambda: _d().shapley(pd.DataFrame(np.eye(30)), np.arange(30.0)), "X"),
    ("rank_stability_table", lambda: _d().rank_stability(_importance().table), "result"),
    ("rank_stability_top_0", lambda: _d().rank_stability(_importance(), top=0), "top"),
    ("rank_stability_without_bootstrap",
     lambda: _d().rank_stability(_d().importance(_f(), _cb(), n_boot=0)), "reason:no_bootstrap"),
    ("pairwise_unknown_name", lambda: _d().pairwise_differences(_importance(), names=["Staff remember mee", "Fast refunds"]), "names"),
    ("pairwise_one_name", lambda: _d().pairwise_differences(_importance(), names=["Fast refunds"]), "names"),
    ("rollup_by_misspelt", lambda: _d().rollup(_importance(), by="stages"), "by"),
    ("rollup_sorted_table", lambda: _d().rollup(_importance().table.sort_values("derived")), "result"),
    ("priorities_top_0", lambda: _d().priorities(_importance(), top=0), "top"),
    ("outcome_ranks_list", lambda: _d().outcome_ranks([_importance()]), "results"),
    ("importance_rows_unknown", lambda: _importance().rows(["Fast refund"]), "names"),
    ("importance_elements_unknown_quadrant", lambda: _importance().elements("hidden drivers"), "quadrant"),
    ("subset_r2_not_square", lambda: _d().subset_r2(np.ones(3)), "corr"),
    ("weights_from_correlation_1x1", lambda: _d().weights_from_correlation([[1.0]]), "corr"),
    ("uninformative_list", lambda: _d().uninformative([1, 2, 3]), "X"),
    ("quadrant_rule_derived_out_of_range", lambda: _d().QuadrantRule(derived=150), "derived"),
    ("quadrant_rule_fdr_percent", lambda: _d().QuadrantRule(fdr=10), "fdr"),
    ("quadrant_rule_fdr_zero", lambda: _d().QuadrantRule(fdr=0), "fdr"),
    ("quadrant_rule_fdr_method", lambda: _d().QuadrantRule(fdr_method="holm"), "fdr_method"),
    ("importance_possible_secondary", lambda: _importance().possible("secondary"), "quadrant"),
    ("importance_elements_unknown_evidence", lambda: _importance().elements("hidden driver", "likely"), "evidence"),
    ("adjust_p_out_of_range", lambda: _d().adjust_p([0.5, 2.0]), "p_values"),
    ("adjust_p_method", lambda: _d().adjust_p([0.5], method="hochberg"), "method"),
]
