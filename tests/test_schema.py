"""cxlib.schema: every malformed engagement raises a DataError naming its file and column; messages give the
count and the first rows; config defaults; accepted spellings; warnings instead of errors where promised."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import yaml

import cxlib as cx
from bad_engagements import CASES
from cxlib.schema import DEFAULTS, DataError, validate_codebook, validate_config
from factories import valid_config, valid_tables, write_survey


def _edit_csv(folder, name, edit):
    path = folder / name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


def _edit_yaml(folder, edit):
    path = folder / "engagement.yaml"
    path.write_text(yaml.safe_dump(edit(yaml.safe_load(path.read_text())), sort_keys=False))


# -- the corpus -----------------------------------------------------------------------------------------

def test_corpus_is_large_and_names_are_unique():
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_engagement_raises_dataerror_naming_file_and_column(case, tmp_path):
    folder = case.build(tmp_path)
    with pytest.raises(DataError) as info:
        cx.load_engagement(folder)
    err = info.value
    message = str(err)
    assert message.startswith(f"{case.file!r}" if case.file == "Bad Slug" else f"{case.file}: "), message
    assert case.column in message, message
    assert err.file == case.file
    assert err.column is None or err.column in message
    assert len(err.rows) <= 5 and (err.count >= len(err.rows))
    assert "Traceback" not in message and "\n" not in message


def test_the_valid_fixture_is_valid(valid_engagement):
    eng = cx.load_engagement(valid_engagement)
    assert len(eng.survey) == 60 and len(eng.customers) == 75 and eng.warnings == ()


# -- messages ---------------------------------------------------------------------------------------------

def test_message_format_count_and_first_rows(valid_engagement):
    def edit(f):
        f.loc[[17, 39, 58], "mot_belonging_1"] = ["9", "0", "8"]
        return f
    _edit_csv(valid_engagement, "survey.csv", edit)
    with pytest.raises(DataError) as info:
        cx.load_engagement(valid_engagement)
    err = info.value
    # Rows as the spreadsheet numbers them: the header is row 1, so data row 18 is spreadsheet row 19.
    assert str(err) == ("survey.csv: column 'mot_belonging_1': 3 values outside the scale 1–7, e.g. '9', '0', '8' "
                        "(rows 19, 41, 60); if 0 or 8 or 9 means “not applicable” or “don't know”, put 0;8;9 in "
                        "missing_codes on this column's row of codebook.csv")
    assert (err.file, err.column, err.rows, err.count) == ("survey.csv", "mot_belonging_1", [19, 41, 60], 3)


def test_one_bad_value_reads_in_the_singular(valid_engagement):
    _edit_csv(valid_engagement, "survey.csv", lambda f: f.assign(ltr=["11"] + f["ltr"].tolist()[1:]))
    with pytest.raises(DataError, match=r"column 'ltr': 1 value outside the scale 0–10, e.g. '11' \(row 2\); if 11 means"):
        cx.load_engagement(valid_engagement)


def test_many_bad_rows_show_five_and_count_the_rest(valid_engagement):
    _edit_csv(valid_engagement, "customers.csv", lambda f: f.assign(churned="yes"))
    with pytest.raises(DataError) as info:
        cx.load_engagement(valid_engagement)
    assert "75 values are not numbers, e.g. 'yes' (rows 2, 3, 4, 5, 6, … 70 more)" in str(info.value)
    assert info.value.rows == [2, 3, 4, 5, 6] and info.value.count == 75


def test_rows_count_data_rows_after_the_three_qualtrics_header_lines(valid_engagement):
    raw = pd.read_csv(valid_engagement / "survey.csv", dtype=str, keep_default_na=False)
    raw.loc[1, "perf_easy_returns"] = "12"
    write_survey(raw, valid_engagement / "survey.csv", "qualtrics")
    with pytest.raises(DataError) as info:
        cx.load_engagement(valid_engagement)
    # Three header lines: data row 2 is spreadsheet row 5.
    assert info.value.rows == [5] and "(row 5)" in str(info.value)


def test_other_failing_columns_are_mentioned(valid_engagement):
    _edit_csv(valid_engagement, "survey.csv", lambda f: f.assign(mot_secure_1="8", perf_free_parking="0"))
    with pytest.raises(DataError) as info:
        cx.load_engagement(valid_engagement)
    assert str(info.value).startswith("2 problems:")
    assert [(p.column, p.count) for p in info.value.problems] == [("mot_secure_1", 60), ("perf_free_parking", 60)]


def test_dataerror_is_a_valueerror_and_survives_pickling():
    err = DataError("f.csv: column 'x': 1 bad (row 3)", file="f.csv", column="x", rows=[3], count=1)
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, ValueError)
    assert (str(back), back.file, back.column, back.rows, back.count) == (str(err), "f.csv", "x", [3], 1)


# -- config ------------------------------------------------------------------------------------------------

MINIMAL = {"client": "X", "survey": "s.csv", "customers": "c.csv", "codebook": "cb.csv", "id": "id",
           "satisfaction": {"column": "sat", "top_box": 9}, "connection": {"threshold": 75}, "value": "spend"}


def test_config_defaults_are_filled_and_input_untouched():
    raw = {**MINIMAL, "attrition": {"duration": "d", "event": "e"}, "contacts": None}
    before = yaml.safe_dump(raw)
    cfg = validate_config(raw)
    assert yaml.safe_dump(raw) == before
    assert cfg["value"] == ["spend"] and cfg["privacy"] == {"min_cell": 30, "consent": None, "pii": []}
    assert cfg["attrition"]["horizon"] == 365 and cfg["covariates"] == [] and cfg["max_unmatched"] == 0.05
    assert cfg["cuts"] == [] and "industry" not in cfg
    assert "contacts" not in cfg and "waves" not in cfg
    assert DEFAULTS == {"privacy.min_cell": 30, "privacy.consent": None, "attrition.horizon": 365, "covariates": [],
                        "cuts": [], "max_unmatched": 0.05}


def test_cuts_and_industry_are_checked():
    from cxlib.schema import DataError

    cfg = validate_config({**MINIMAL, "cuts": "region", "industry": "Retail"})
    assert cfg["cuts"] == ["region"] and cfg["industry"] == "Retail"
    with pytest.raises(DataError, match="cuts: \\[region, channel\\]"):
        validate_config({**MINIMAL, "cuts": {"region": 1}})
    with pytest.raises(DataError, match="names a column twice"):
        validate_config({**MINIMAL, "cuts": ["region", "region"]})
    with pytest.raises(DataError, match="industry"):
        validate_config({**MINIMAL, "industry": 3})


def test_waves_default_to_the_order_of_appearance(valid_engagement):
    _edit_yaml(valid_engagement, lambda c: {k: v for k, v in c.items() if k != "waves"})
    _edit_csv(valid_engagement, "survey.csv", lambda f: f.iloc[::-1])
    assert cx.load_engagement(valid_engagement).config["waves"] == ["post", "pre"]


def test_numeric_waves_match_as_text(valid_engagement):
    _edit_yaml(valid_engagement, lambda c: {**c, "waves": [2025, 2026]})
    for name in ("survey.csv", "customers.csv"):
        _edit_csv(valid_engagement, name, lambda f: f.assign(wave=f["wave"].map({"pre": "2025", "post": "2026"})))
    eng = cx.load_engagement(valid_engagement)
    assert eng.config["waves"] == ["2025", "2026"] and set(eng.survey["wave"]) == {"2025", "2026"}


@pytest.mark.parametrize("raw, needle", [
    (None, "found an empty file"),
    ([1, 2], "found a list"),
    ({**MINIMAL, "value": []}, "'value' must list"),
    ({**MINIMAL, "covarites": ["a"]}, "did you mean 'covariates'"),
    ({**MINIMAL, "connection": {"threshold": 120}}, "between 0 and 100"),
    ({**MINIMAL, "waves": ["a", "a"], "wave": "w"}, "lists a wave twice"),
    ({**MINIMAL, "attrition": {"duration": "d", "event": "e", "horizon": -1}}, "attrition.horizon"),
    ({**MINIMAL, "survey": "C:evil.csv"}, "inside the engagement folder"),
    ({**MINIMAL, "id": 5}, "key 'id' must be a column name"),
    ({**MINIMAL, "value": ["FILL_ME"], "id": "FILL_ME"},
     "2 entries still to fill in (replace each FILL_ME): id, value"),
])
def test_config_problems(raw, needle):
    with pytest.raises(DataError) as info:
        validate_config(raw)
    assert needle in str(info.value) and str(info.value).startswith("engagement.yaml: ")


# -- accepted spellings, coercion ---------------------------------------------------------------------------

def test_consent_accepts_common_yes_no_spellings(valid_engagement):
    spellings = ["yes", "No", "TRUE", "false", "1", "0", "Y", "n", "t", "F", "1.0"]
    _edit_csv(valid_engagement, "customers.csv", lambda f: f.assign(
        analytics_consent=[spellings[i % len(spellings)] for i in range(len(f))]))
    consent = cx.load_engagement(valid_engagement).customers["analytics_consent"]
    assert consent.dtype == bool
    assert consent.head(11).tolist() == [True, False, True, False, True, False, True, False, True, False, True]


def test_missing_value_spellings_in_numeric_columns(valid_engagement):
    _edit_csv(valid_engagement, "survey.csv", lambda f: f.assign(ltr=["NA", "n/a", "NaN", "null", ".", " 7 "]
                                                                 + f["ltr"].tolist()[6:]))
    ltr = cx.load_engagement(valid_engagement).survey["ltr"]
    assert ltr.head(6).isna().tolist() == [True] * 5 + [False] and ltr.iloc[5] == 7.0


def test_text_covariate_in_the_survey_stays_text(valid_engagement):
    _edit_csv(valid_engagement, "survey.csv", lambda f: f.assign(household_size=np.where(
        np.arange(len(f)) % 2, "small", "large")))
    assert cx.load_engagement(valid_engagement).survey["household_size"].iloc[:2].tolist() == ["large", "small"]


def test_stage_and_dimension_on_one_row_of_the_pair_are_shared():
    _, t = valid_tables()
    cb = t["codebook"].copy()
    cb.loc[cb["column"] == "imp_free_parking", ["stage", "dimension"]] = None
    out = validate_codebook(cb)
    row = out.set_index("column").loc["imp_free_parking"]
    assert (row["stage"], row["dimension"]) == ("visit a store", "ease")
    assert cb.loc[cb["column"] == "imp_free_parking", "stage"].isna().all()  # the input is untouched


def test_pair_that_disagrees_on_its_stage_is_an_error():
    _, t = valid_tables()
    cb = t["codebook"].copy()
    cb.loc[cb["column"] == "imp_free_parking", "stage"] = "checkout"
    with pytest.raises(DataError, match="rows of element 'free_parking' disagree on its stage"):
        validate_codebook(cb)


def test_timestamps_with_time_zones_are_read_as_utc(valid_engagement):
    _edit_csv(valid_engagement, "contacts.csv", lambda f: f.assign(
        timestamp=["2025-03-01T10:00:00+01:00", "2025-03-01 09:00:00Z"] + f["timestamp"].tolist()[2:]))
    ts = cx.load_engagement(valid_engagement).contacts["timestamp"]
    assert ts.iloc[0] == ts.iloc[1] == pd.Timestamp("2025-03-01 09:00:00")


# -- warnings -------------------------------------------------------------------------------------------------

def test_a_few_unmatched_ids_are_a_warning_not_an_error(valid_engagement):
    _edit_csv(valid_engagement, "survey.csv",
              lambda f: f.assign(customer_id=["Z1", "Z2"] + f["customer_id"].tolist()[2:]))
    eng = cx.load_engagement(valid_engagement)
    assert eng.warnings == ("survey.csv: 2 respondent(s) (3.3%) have no row in customers.csv and are left out of "
                            "the analysis",)
    assert len(eng.survey) == 60 and eng.sample.survey_rows == 60
    assert not eng.frame()["customer_id"].isin(["Z1", "Z2"]).any()


def test_max_unmatched_is_configurable(valid_engagement):
    _edit_csv(valid_engagement, "survey.csv", lambda f: f.assign(
        customer_id=[f"Z{i}" for i in range(6)] + f["customer_id"].tolist()[6:]))
    with pytest.raises(DataError, match="6 respondent ids have no row in customers.csv"):
        cx.load_engagement(valid_engagement)  # 10% > 5%
    _edit_yaml(valid_engagement, lambda c: {**c, "max_unmatched": 0.1})
    assert "6 respondent(s) (10.0%)" in cx.load_engagement(valid_engagement).warnings[0]


def test_contacts_of_unknown_customers_are_a_warning(valid_engagement):
    _edit_csv(valid_engagement, "contacts.csv",
              lambda f: f.assign(customer_id=["999999"] + f["customer_id"].tolist()[1:]))
    assert cx.load_engagement(valid_engagement).warnings == (
        "contacts.csv: 1 contact(s) have an id with no row in customers.csv and are left out",)


def test_validation_does_not_use_assert():
    import ast
    import inspect

    import cxlib.engagement
    import cxlib.readers
    import cxlib.schema

    for module in (cxlib.schema, cxlib.readers, cxlib.engagement):
        tree = ast.parse(inspect.getsource(module))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Assert)], module.__name__


def test_valid_config_is_what_the_fixture_writes(valid_engagement):
    assert yaml.safe_load((valid_engagement / "engagement.yaml").read_text()) == valid_config()
