"""Misuse corpus (#15) for cxlib.survival and cxlib.contacts: wrong columns, weights and labels; a misspelt Cox
reference level; a Series for a frame; horizons past follow-up or negative; a 0/1 event that is not; a
20-row frame. ``CASES = [(case_id, call, expected)]``: ``expected`` is the ``ArgumentError.argument`` or
``"reason:<code>"`` for a not-estimable result (tests/test_misuse.py and tests/test_misuse_survival.py run them)."""
from __future__ import annotations

import functools

import pandas as pd


@functools.lru_cache(maxsize=1)
def _engagement():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 300, seed=5)
    return eng


def _f():
    return _engagement().frame().dropna(subset=["segment"])


def _s():
    from cxlib import survival

    return survival


def _c():
    from cxlib import contacts

    return contacts


D = {"duration": "tenure_days", "event": "churned"}

CASES = [
    ("km-duration-misspelt", lambda: _s().km(_f(), duration="tenure_day", event="churned"), "duration"),
    ("km-event-not-binary", lambda: _s().km(_f().assign(churned=lambda d: d["churned"] * 2), **D), "event"),
    ("km-weight-misspelt", lambda: _s().km(_f(), **D, weight="resp_wieght"), "weight"),
    ("km-series-for-frame", lambda: _s().km(_f()["tenure_days"], **D), "data"),
    ("km-by-misspelt", lambda: _s().km(_f(), **D, by="segmnet"), "by"),
    ("attrition-negative-horizon", lambda: _s().attrition(_f(), **D, horizon=-30), "horizon"),
    ("attrition-horizon-past-follow-up",
     lambda: _s().attrition(_f(), **D, horizon=5000, by="segment").estimate("fully connected"),
     "reason:horizon_past_follow_up"),
    ("attrition-ci-as-percent", lambda: _s().attrition(_f(), **D, horizon=365, ci=95), "ci"),
    ("attrition-negative-durations", lambda: _s().attrition(_f().assign(tenure_days=-1.0), **D, horizon=30),
     "duration"),
    ("attrition-unknown-group", lambda: _s().attrition(_f(), **D, horizon=365, by="segment").estimate("conected"),
     "group"),
    ("kept-misspelt-group",
     lambda: _s().customers_kept(_s().attrition(_f(), **D, horizon=365, by="segment"), a="fully conected"), "a"),
    ("kept-table-for-result",
     lambda: _s().customers_kept(_s().attrition(_f(), **D, horizon=365, by="segment").table), "result"),
    ("kept-past-follow-up",
     lambda: _s().customers_kept(_s().attrition(_f(), **D, horizon=5000, by="segment")),
     "reason:horizon_past_follow_up"),
    ("logrank-without-by", lambda: _s().logrank(_f(), **D, by=None), "by"),
    ("logrank-one-group", lambda: _s().logrank(_f().assign(one="x"), **D, by="one"), "reason:single_group"),
    ("pairwise-unknown-adjustment", lambda: _s().pairwise_logrank(_f(), **D, by="segment", adjust="holms"), "adjust"),
    ("rmst-horizon-past-follow-up",
     lambda: _s().rmst_difference(_f(), **D, horizon=5000, by="segment", a="fully connected", b="highly satisfied"),
     "reason:horizon_past_follow_up"),
    ("rmst-negative-horizon", lambda: _s().rmst(_f(), **D, horizon=-1), "horizon"),
    ("rmst-difference-misspelt-level",
     lambda: _s().rmst_difference(_f(), **D, horizon=365, by="segment", a="fully connected", b="highly satisfed"),
     "b"),
    ("cox-misspelt-reference-level",
     lambda: _s().cox(_f(), **D, covariates=["segment"], reference={"segment": "highly satisfed"}), "reference"),
    ("cox-reference-for-absent-covariate",
     lambda: _s().cox(_f(), **D, covariates=["segment"], reference={"region": "North"}), "reference"),
    ("cox-covariate-misspelt", lambda: _s().cox(_f(), **D, covariates=["segment", "regon"]), "covariates[1]"),
    ("cox-constant-covariate", lambda: _s().cox(_f().assign(k=1.0), **D, covariates=["segment", "k"]), "covariates"),
    ("cox-no-events", lambda: _s().cox(_f().assign(churned=0), **D, covariates=["segment"]), "reason:no_events"),
    ("cox-20-rows-no-events", lambda: _s().cox(_f().head(20).assign(churned=0), **D, covariates=["segment"]),
     "reason:no_events"),
    ("cox-hazard-ratio-of-the-reference",
     lambda: _s().cox(_f(), **D, covariates=["segment"], reference={"segment": "highly satisfied"})
     .hazard_ratio("segment", "highly satisfied"), "level"),
    ("cox-strata-misspelt", lambda: _s().cox(_f(), **D, covariates=["segment"], strata=["regoin"]), "strata[0]"),
    ("cox-tv-episodes-reversed",
     lambda: _s().cox_time_varying(pd.DataFrame({"id": ["a", "b"], "t0": [5.0, 0.0], "t1": [1.0, 3.0], "e": [1, 0],
                                                 "x": [1.0, 2.0]}), start="t0", stop="t1", event="e",
                                   id_column="id", covariates=["x"]), "stop"),
    ("contacts-raw-ids-against-pseudonyms",
     lambda: _c().contact_experience(_engagement().contacts, _f(), id_column="customer_id"), "contacts"),
    ("contacts-origin-as-text",
     lambda: _c().contact_experience(_engagement().contact_frame(), _f(), id_column="customer_id",
                                     origin="2025-03-01"), "origin"),
    ("contacts-origin-twice-for-a-customer",
     lambda: _c().contact_experience(_engagement().contact_frame(), _f(), id_column="customer_id",
                                     origin=pd.Series(pd.Timestamp("2025-03-01"), index=["a", "a"])), "origin"),
    ("half-lives-one-only",
     lambda: _c().compare_half_lives(_f(), _engagement().contact_frame(), **D, id_column="customer_id",
                                     half_lives=[90]), "half_lives"),
    ("half-lives-without-contacts",
     lambda: _c().compare_half_lives(_f(), None, **D, id_column="customer_id"), "reason:no_contacts"),
    ("plot-nothing-drawn",
     lambda: _s().km(_f(), **D, by="segment").plot(min_cell=10**6), "data"),
]
