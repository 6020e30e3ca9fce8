"""cxlib.preparation (#16): engagement.yaml's rules applied to raw exports without a preparation script.

References: every count and duration is recomputed here by brute force (a Python loop over the rows with
``datetime``), independently of the vectorised code; the id mapping, respondent filter, duplicate rule,
missing codes and attrition from dates are each checked on a small table whose answer is written out.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from factories import valid_tables

import cxlib as cx
from cxlib.errors import DataError
from cxlib.preparation import prepare
from cxlib.schema import validate_config

FILES = {"survey": "survey.csv", "customers": "customers.csv"}
NO_CODES = pd.DataFrame({"column": [], "missing_codes": []})


def _config(**keys):
    base = {"client": "X", "survey": "s.csv", "customers": "c.csv", "codebook": "cb.csv", "id": "CustomerID",
            "satisfaction": {"column": "sat", "top_box": 9}, "connection": {"threshold": 75}, "value": "spend"}
    return validate_config({**base, **keys})


def test_drop_rules_match_text_case_insensitively_numbers_as_numbers_and_count_under_the_first_rule():
    survey = pd.DataFrame({
        "CustomerID": ["1", "2", None, "4", "5", "6", "7"],
        "Status": ["IP Address", "Survey Preview", "IP Address", "survey preview ", "Spam", "IP Address", "IP Address"],
        "Finished": [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0],  # SPSS gives numbers; the rule says "0"
        "Progress": ["100", "100", "40", "100", "100", "55", "abc"],
    })
    cfg = _config(respondents={"drop": [{"column": "Status", "in": ["Survey Preview", "spam"]},
                                        {"column": "Finished", "equals": "0"},
                                        {"column": "CustomerID", "blank": True},
                                        {"column": "Progress", "below": 100}]})
    sv, _, _, prep = prepare(survey, pd.DataFrame({"CustomerID": ["1"]}), NO_CODES, cfg, files=FILES)
    # Brute force: row 1 and 3 are previews, 4 spam; 2 and 5 unfinished; "abc" is not below 100.
    assert sv.index.tolist() == [0, 6]
    assert [s.rows for s in prep.steps] == [3, 2, 0, 0]
    assert prep.dropped == 5 and prep.kept == 2 and prep.survey_rows == 7
    assert prep.sentences()[0] == "3 responses left out: Status is one of 'Survey Preview', 'spam'"


def test_a_rule_on_a_missing_column_names_it_with_a_close_match():
    cfg = _config(respondents={"drop": [{"column": "Stauts", "equals": "Survey Preview"}]})
    with pytest.raises(DataError, match=r"survey.csv: column 'Stauts' is missing \(named by respondents.drop.*did you "
                                        r"mean 'Status'\?"):
        prepare(pd.DataFrame({"CustomerID": ["1"], "Status": ["x"]}), pd.DataFrame({"CustomerID": ["1"]}), NO_CODES,
                cfg, files=FILES)


@pytest.mark.parametrize("rule, expected", [("latest", [1, 2, 3]), ("first", [0, 2, 3])])
def test_duplicates_keep_the_latest_or_the_first_response(rule, expected):
    survey = pd.DataFrame({"CustomerID": ["7", "7", "8", "9"],
                           "RecordedDate": ["2026-03-01 10:00", "2026-03-05 09:00", "2026-03-02", "2026-03-03"]})
    cfg = _config(respondents={"duplicates": rule, "date": "RecordedDate"})
    sv, _, _, prep = prepare(survey, pd.DataFrame({"CustomerID": ["7", "8", "9"]}), NO_CODES, cfg, files=FILES)
    assert sv.index.tolist() == expected and prep.dropped == 1


def test_latest_needs_the_response_date():
    with pytest.raises(DataError, match="respondents.duplicates: latest needs respondents.date"):
        _config(respondents={"duplicates": "latest"})


def test_the_customers_id_is_renamed_to_the_surveys_and_a_clash_is_refused():
    cfg = _config(id={"survey": "CustomerID", "customers": "Customer_ID"})
    _, cu, _, _ = prepare(pd.DataFrame({"CustomerID": ["1"]}), pd.DataFrame({"Customer_ID": ["1"], "x": [1]}),
                          NO_CODES, cfg, files=FILES)
    assert list(cu.columns) == ["CustomerID", "x"]
    with pytest.raises(DataError, match="customers.csv: column 'CustomerID' exists, but id names 'Customer_ID'"):
        prepare(pd.DataFrame({"CustomerID": ["1"]}), pd.DataFrame({"Customer_ID": ["1"], "CustomerID": ["1"]}),
                NO_CODES, cfg, files=FILES)


def test_missing_codes_become_blank_and_are_counted():
    survey = pd.DataFrame({"CustomerID": ["1", "2", "3", "4"], "q1": ["8", "3", "8.0", "99"], "q2": ["8", "8", "1", "2"]})
    codes = pd.DataFrame({"column": ["q1", "q2"], "missing_codes": ["8;99", None]})
    sv, _, _, prep = prepare(survey, pd.DataFrame({"CustomerID": ["1"]}), codes, _config(), files=FILES)
    assert sv["q1"].tolist() == [None, "3", None, None] and sv["q2"].tolist() == ["8", "8", "1", "2"]
    assert [(s.rule, s.action, s.rows) for s in prep.steps] == [("q1 coded 8 or 99 (missing_codes)", "blanked", 3)]


def _dated_tables():
    survey = pd.DataFrame({"CustomerID": ["1", "2", "3", "4"],
                           "RecordedDate": ["2026-01-10 08:00", "2026-02-01", "2026-03-15", "2026-01-20"]})
    customers = pd.DataFrame({"Customer_ID": ["1", "2", "3", "4", "5"],
                              "Close_Date": ["2026-06-10", "", "2026-03-01", "", "2026-02-01"],
                              "Closed": ["Y", "N", "y", "N", "Y"]})
    return survey, customers


def test_attrition_from_dates_matches_a_day_count_by_hand():
    survey, customers = _dated_tables()
    cfg = _config(id={"survey": "CustomerID", "customers": "Customer_ID"},
                  respondents={"date": "RecordedDate"},
                  attrition={"end": "Close_Date", "observed_until": dt.date(2026, 11, 15), "horizon": 365})
    sv, cu, out, prep = prepare(survey, customers, NO_CODES, cfg, files=FILES)
    att = out["attrition"]
    # By hand: customer 3 closed on 1 March, before answering on 15 March: left out of the survey.
    assert sv["CustomerID"].tolist() == ["1", "2", "4"]
    assert [s.rows for s in prep.steps] == [1] and "closed (Close_Date) before the response" in prep.steps[0].rule
    expected = {"1": ((dt.datetime(2026, 6, 10) - dt.datetime(2026, 1, 10, 8)).total_seconds() / 86400, 1.0),
                "2": ((dt.datetime(2026, 11, 15) - dt.datetime(2026, 2, 1)).total_seconds() / 86400, 0.0),
                "4": ((dt.datetime(2026, 11, 15) - dt.datetime(2026, 1, 20)).total_seconds() / 86400, 0.0)}
    got = cu.set_index("CustomerID")
    for cid, (days, event) in expected.items():
        assert got.loc[cid, att["duration"]] == pytest.approx(days, abs=1e-9)
        assert got.loc[cid, att["event"]] == event
    # Customer 5 never answered: no follow-up start, so no duration (not a made-up one).
    assert np.isnan(got.loc["5", att["duration"]]) and np.isnan(got.loc["3", att["duration"]])
    assert att["from_dates"] and att["source"]["end"] == "Close_Date"


def test_an_event_flag_with_event_values_and_dates_must_agree():
    survey, customers = _dated_tables()
    customers.loc[1, "Closed"] = "Y"  # marked as left, but no close date
    cfg = _config(id={"survey": "CustomerID", "customers": "Customer_ID"}, respondents={"date": "RecordedDate"},
                  attrition={"end": "Close_Date", "observed_until": "2026-11-15", "event": "Closed",
                             "event_values": {"left": ["Y"], "stayed": ["N"]}})
    with pytest.raises(DataError, match=r"customers.csv: column 'Close_Date': 1 customer marked as left \(Closed\) has "
                                        r"no end date \(row 2\)"):
        prepare(survey, customers, NO_CODES, cfg, files=FILES)
    customers.loc[1, "Closed"] = "maybe"
    with pytest.raises(DataError, match=r"column 'Closed': 1 value is neither left \(y\) nor stayed \(n\).*e.g. "
                                        r"'maybe' \(row 2\)"):
        prepare(survey, customers, NO_CODES, cfg, files=FILES)


def test_event_values_map_a_yes_no_flag_without_touching_the_files_column():
    cfg = _config(attrition={"duration": "days", "event": "Closed", "event_values": {"left": "Y", "stayed": "N"}})
    customers = pd.DataFrame({"CustomerID": ["1", "2"], "days": ["10", "20"], "Closed": ["Y", "n"]})
    _, cu, out, _ = prepare(pd.DataFrame({"CustomerID": ["1"]}), customers, NO_CODES, cfg, files=FILES)
    assert cu[out["attrition"]["event"]].tolist() == [1.0, 0.0] and cu["Closed"].tolist() == ["Y", "n"]


def test_an_engagement_folder_with_rules_loads_and_keeps_the_spreadsheets_row_numbers(tmp_path):
    config, t = valid_tables(n=80)
    survey = t["survey"].copy()
    survey.insert(1, "Status", ["Survey Preview" if i in (0, 5, 9) else "IP Address" for i in range(len(survey))])
    codebook = pd.concat([t["codebook"], pd.DataFrame([{"column": "Status", "role": "ignore"}])], ignore_index=True)
    config = {**config, "respondents": {"drop": [{"column": "Status", "equals": "Survey Preview"}]}}
    eng = cx.from_frames(config, survey, t["customers"], codebook, t["contacts"], slug="rules",
                         first_rows={"survey": 2, "customers": 2, "codebook": 2})
    assert eng.preparation.dropped == 3 and len(eng.survey) == 77
    assert 0 not in eng.survey.index and eng.survey.index[0] == 1  # labels are the raw file's positions
    assert "Status" not in eng.frame().columns
    # A bad value after the dropped rows is still named by its own spreadsheet row.
    survey.loc[20, "ltr"] = "42"
    with pytest.raises(DataError, match=r"column 'ltr': 1 value outside the scale 0–10, e.g. '42' \(row 22\)"):
        cx.from_frames(config, survey, t["customers"], codebook, t["contacts"], slug="rules",
                       first_rows={"survey": 2, "customers": 2, "codebook": 2})
    # Validating the loaded engagement again changes nothing (its config is normalised, not rewritten).
    again = cx.from_frames(eng.config, eng.survey, eng.customers, eng.codebook, eng.contacts, slug="rules")
    pd.testing.assert_frame_equal(again.frame(), eng.frame())
    methods = cx.report.methods_common(eng)
    assert "3 because Status is 'Survey Preview'" in methods and "Of the 80 rows of the survey file" in methods


def test_every_problem_is_reported_at_once_across_files(tmp_path):
    config, t = valid_tables(n=60)
    survey = t["survey"].assign(ltr="11", overall_sat="x")
    customers = t["customers"].assign(churned="maybe")
    with pytest.raises(DataError) as info:
        cx.from_frames(config, survey, customers, t["codebook"], t["contacts"], slug="many")
    found = [(p.file, p.column) for p in info.value.problems]
    assert ("survey.csv", "overall_sat") in found and ("survey.csv", "ltr") in found
    assert ("customers.csv", "churned") in found
    assert str(info.value).startswith(f"{len(found)} problems:")
