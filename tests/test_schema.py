"""Validation: every malformed engagement in the corpus raises a DataError naming its file and column."""
from __future__ import annotations

import pandas as pd
import pytest

import cxlib as cx
from bad_engagements import CASES
from cxlib.schema import DataError, validate_config


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_engagement_raises_dataerror_naming_file_and_column(case, tmp_path):
    folder = case.build(tmp_path)
    with pytest.raises(DataError) as info:
        cx.load_engagement(folder)
    message = str(info.value)
    assert case.file in message and case.column in message, message


def test_messages_give_count_and_first_rows(tmp_path):
    case = next(c for c in CASES if c.name == "value outside scale")
    with pytest.raises(DataError) as info:
        cx.load_engagement(case.build(tmp_path))
    err = info.value
    assert err.count == 3 and err.rows == [1, 2, 3] and err.column == "mot_belonging_1"
    assert "3 values outside the scale 1–7 (rows 1, 2, 3)" in str(err)


def test_config_defaults_are_filled():
    cfg = validate_config({"client": "X", "survey": "s.csv", "customers": "c.csv", "codebook": "cb.csv", "id": "id",
                           "satisfaction": {"column": "sat", "top_box": 9}, "connection": {"threshold": 75},
                           "value": "spend", "attrition": {"duration": "d", "event": "e"}})
    assert cfg["value"] == ["spend"] and cfg["privacy"] == {"min_cell": 30, "consent": None}
    assert cfg["attrition"]["horizon"] == 365 and cfg["covariates"] == [] and cfg["max_unmatched"] == 0.05


def test_a_few_unmatched_ids_are_a_warning_not_an_error(tmp_path):
    from factories import write_valid_engagement

    folder = write_valid_engagement(tmp_path / "few-unmatched")
    f = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    f.loc[f.index[:3], "customer_id"] = ["Z1", "Z2", "Z3"]
    f.to_csv(folder / "survey.csv", index=False)
    eng = cx.load_engagement(folder)
    assert any("3 respondent(s)" in w for w in eng.warnings)
    assert len(eng.frame()) <= len(eng.survey) - 3
