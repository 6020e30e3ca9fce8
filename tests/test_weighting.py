"""cxlib.weighting and the customer base it weights to (`Engagement.customer_base`): raking against R
`survey::rake`, trimming, convergence, the frame's weight column, and a planted response propensity."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import cxlib as cx
from cxlib.engagement import from_frames
from cxlib.schema import _as_written  # noqa: PLC2701 - the written form of a normalised config, for a variant


# -- the customer base -------------------------------------------------------------------------------------

def _dated(eng):
    """The synthetic retailer with attrition built from dates, plus four customers who never responded:
    X1 (pre) closed a day before the pre wave's median response date, X2 (pre) a day after it, X3 (post)
    before the post wave's, X4 (post) still a customer."""
    cfg = _as_written(copy.deepcopy(eng.config))
    sv = eng.survey.copy()
    sv["response_date"] = sv["wave"].map({"pre": "2024-03-10", "post": "2025-03-10"})
    sv.loc[sv.index[:10], "response_date"] = "2024-03-01"  # the pre wave's median stays 10 March
    cb = pd.concat([eng.codebook, pd.DataFrame([{"column": "response_date", "role": "ignore"}])], ignore_index=True)
    cu = eng.customers.drop(columns=["tenure_days", "churned"]).copy()
    cu["closed_date"] = None
    first = sv["customer_id"].iloc[0]  # a respondent who answered on 1 March and closed on 5 March: in the base
    cu.loc[cu["customer_id"] == first, "closed_date"] = "2024-03-05"
    extra = cu.iloc[:4].copy()
    extra["customer_id"] = ["X1", "X2", "X3", "X4"]
    extra["wave"] = ["pre", "pre", "post", "post"]
    extra["closed_date"] = ["2024-03-09", "2024-03-11", "2025-03-01", None]
    cu = pd.concat([cu, extra], ignore_index=True)
    cfg["respondents"] = {"date": "response_date"}
    cfg["attrition"] = {"end": "closed_date", "observed_until": "2026-06-30", "horizon": 365}
    return from_frames(cfg, sv.astype(object), cu.astype(object), cb, slug="dated")


@pytest.fixture(scope="module")
def retailer():
    return cx.synth.make_engagement("retailer", 400, seed=3)[0]


def test_customer_base_without_dates_is_the_whole_file(retailer):
    base = retailer.customer_base()
    assert len(base) == len(retailer.customers)
    assert list(base.columns) == [retailer.id_column] + retailer.analysed_customer_columns()
    # Pseudonyms as in frame(): the respondents of the frame are customers of the base.
    assert set(retailer.frame()[retailer.id_column]) <= set(base[retailer.id_column])
    consenting = retailer.customer_base(consenting=True)
    assert len(consenting) == int(retailer.customers["analytics_consent"].sum())
    assert consenting["analytics_consent"].all()


def test_customer_base_from_dates_leaves_out_who_had_left_by_the_survey(retailer):
    eng = _dated(retailer)
    ids = eng.customers["customer_id"]
    base = set(eng.customer_base()[eng.id_column])
    expect_out = {"X1", "X3"}  # closed before their wave's median response date
    expected = {p for i, p in zip(ids, eng.pseudonyms(ids)) if i not in expect_out}
    assert base == expected
    assert len(eng.customer_base()) == len(eng.customers) - 2
