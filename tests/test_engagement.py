"""cxlib.engagement: loading, coerced types, from_frames ≡ load_engagement, inputs never mutated, the analysis
frame, and the `cx init` draft -> validate -> complete flow."""
from __future__ import annotations

import copy
import dataclasses
import hashlib

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import cxlib as cx
from cxlib.cli import cli
from cxlib.engagement import init_engagement
from cxlib.schema import DataError
from factories import ELEMENTS, MOTIVATORS, valid_tables, write_survey


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from factories import write_valid_engagement

    return write_valid_engagement(tmp_path_factory.mktemp("eng") / "small-one")


@pytest.fixture(scope="module")
def loaded(folder):
    return cx.load_engagement(folder)


def _read_as_csv_gives(folder, name):
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False, na_values=[""])


# -- loading ------------------------------------------------------------------------------------------------

def test_load_returns_coerced_frames(loaded, folder):
    eng = loaded
    assert (eng.slug, eng.client, eng.path, eng.warnings) == ("small-one", "Valid Test Client", folder.resolve(), ())
    assert eng.files == {"survey": "survey.csv", "customers": "customers.csv", "codebook": "codebook.csv",
                         "contacts": "contacts.csv"}
    numeric = [c for c in eng.survey.columns if c not in ("customer_id", "wave", "comment")]
    assert (eng.survey[numeric].dtypes == "float64").all()
    for frame in (eng.survey, eng.customers, eng.contacts):
        assert frame["customer_id"].map(type).eq(str).all()
        assert isinstance(frame.index, pd.RangeIndex)
    assert eng.survey["customer_id"].iloc[0] == "000101"
    assert eng.survey["wave"].map(type).eq(str).all() and eng.customers["wave"].map(type).eq(str).all()
    assert eng.survey["comment"].dropna().map(type).eq(str).all() and eng.survey["comment"].isna().any()
    assert eng.customers["churned"].dtype == "int64" and set(eng.customers["churned"]) <= {0, 1}
    assert eng.customers["analytics_consent"].dtype == bool
    assert eng.customers[["annual_spend", "visits", "tenure_days"]].dtypes.eq("float64").all()
    assert str(eng.contacts["timestamp"].dtype) == "datetime64[ns]" and eng.contacts["rating"].dtype == "float64"
    assert eng.codebook[["scale_min", "scale_max"]].dtypes.eq("float64").all()
    assert eng.config["waves"] == ["pre", "post"] and eng.config["max_unmatched"] == 0.05


def test_codebook_helpers(loaded):
    assert loaded.columns("motivator_item") == [f"mot_{m}_{i}" for m in MOTIVATORS for i in (1, 2, 3)]
    assert loaded.scales("element_importance") == {f"imp_{e}": (1.0, 5.0) for e in ELEMENTS}


def test_engagement_is_frozen(loaded):
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.client = "Someone else"  # type: ignore[misc]


def test_frame_joins_applies_consent_and_segments(loaded):
    eng = loaded
    f = eng.frame()
    consent = eng.customers.set_index("customer_id")["analytics_consent"]
    no_consent = int((~consent.loc[eng.survey["customer_id"]]).sum())
    assert no_consent > 0
    assert f.attrs == {}
    assert (eng.sample.survey_rows, eng.sample.no_consent) == (60, no_consent)
    assert len(f) == 60 - no_consent and f["analytics_consent"].all()
    assert set(f["segment"].dropna()) <= set(cx.segments.SEGMENTS)
    assert f["connection_index"].dropna().between(0, 100).all()


def test_not_a_folder_and_bad_names(tmp_path):
    with pytest.raises(DataError, match="not an engagement folder"):
        cx.load_engagement(tmp_path / "nowhere")
    (tmp_path / "empty-folder").mkdir()
    with pytest.raises(DataError, match="engagement.yaml: not found"):
        cx.load_engagement(tmp_path / "empty-folder")


# -- from_frames ---------------------------------------------------------------------------------------------

def test_from_frames_equals_load_engagement_and_does_not_mutate_inputs(folder, loaded):
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text())
    raw = {n: _read_as_csv_gives(folder, f"{n}.csv") for n in ("survey", "customers", "codebook", "contacts")}
    frames_before = {n: f.copy(deep=True) for n, f in raw.items()}
    cfg_before = copy.deepcopy(cfg)
    built = cx.from_frames(cfg, raw["survey"], raw["customers"], raw["codebook"], raw["contacts"], slug="small-one")
    for n, f in raw.items():
        pd.testing.assert_frame_equal(f, frames_before[n])
    assert cfg == cfg_before
    for attr in ("survey", "customers", "codebook", "contacts"):
        pd.testing.assert_frame_equal(getattr(built, attr), getattr(loaded, attr))
    assert built.config == loaded.config and built.files == loaded.files and built.warnings == loaded.warnings
    pd.testing.assert_frame_equal(built.frame(), loaded.frame())


def test_from_frames_accepts_typed_frames_with_any_index(loaded):
    config, t = valid_tables()
    survey = t["survey"].copy()
    numeric = [c for c in survey.columns if c not in ("customer_id", "wave", "comment")]
    survey[numeric] = survey[numeric].apply(pd.to_numeric)
    survey.index = range(1000, 1000 + len(survey))  # positions, not labels, number the rows
    eng = cx.from_frames(config, survey, t["customers"], t["codebook"], t["contacts"], slug="typed")
    pd.testing.assert_frame_equal(eng.survey, loaded.survey)
    survey.iloc[4, survey.columns.get_loc("ltr")] = 42
    with pytest.raises(DataError, match=r"survey.csv: column 'ltr': 1 value outside the scale 0–10 \(row 5\)"):
        cx.from_frames(config, survey, t["customers"], t["codebook"], t["contacts"], slug="typed")


def test_from_frames_messages_use_the_config_file_names():
    config, t = valid_tables()
    config = {**config, "survey": "export_2026.sav"}
    bad = t["survey"].assign(overall_sat="eleven")
    with pytest.raises(DataError, match="^export_2026.sav: column 'overall_sat'"):
        cx.from_frames(config, bad, t["customers"], t["codebook"], slug="named")
    with pytest.raises(DataError, match="^my survey: column 'overall_sat'"):
        cx.from_frames(config, bad, t["customers"], t["codebook"], slug="named", files={"survey": "my survey"})


def test_from_frames_checks_the_slug():
    config, t = valid_tables()
    with pytest.raises(DataError, match="not a valid engagement name"):
        cx.from_frames(config, t["survey"], t["customers"], t["codebook"], slug="../escape")


def test_from_frames_without_contacts(loaded):
    config, t = valid_tables()
    eng = cx.from_frames(config, t["survey"], t["customers"], t["codebook"], slug="no-contacts")
    assert eng.contacts is None and "contacts" not in eng.files
    pd.testing.assert_frame_equal(eng.survey, loaded.survey)


# -- cx init --------------------------------------------------------------------------------------------------

def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def export(tmp_path):
    """A Qualtrics export of the fixture survey (question text in line 2) and its customers file."""
    config, t = valid_tables()
    labels = dict(zip(t["codebook"]["column"], t["codebook"]["label"]))
    survey = write_survey(t["survey"], tmp_path / "qualtrics_export.csv", "qualtrics", labels=labels)
    customers = tmp_path / "crm_extract.csv"
    t["customers"].to_csv(customers, index=False)
    return survey, customers, t


def test_init_drafts_config_and_codebook(export, tmp_path):
    survey, customers, t = export
    hashes = (_sha(survey), _sha(customers))
    dest = init_engagement(tmp_path / "new-client", survey=survey, customers=customers)
    assert (_sha(survey), _sha(customers)) == hashes  # originals untouched
    assert _sha(dest / "survey.csv") == hashes[0] and _sha(dest / "customers.csv") == hashes[1]  # copied as is
    cfg = yaml.safe_load((dest / "engagement.yaml").read_text())
    assert cfg["client"] == "New Client" and cfg["id"] == "customer_id" and cfg["wave"] == "wave"
    assert cfg["waves"] == ["pre", "post"] and cfg["weight"] == "resp_weight"
    assert cfg["satisfaction"] == {"column": "overall_sat", "top_box": "FILL_ME"}
    assert cfg["value"] == ["annual_spend"] and cfg["advocacy"] == {"column": "ltr"}
    assert cfg["attrition"] == {"duration": "tenure_days", "event": "churned", "horizon": 365}
    assert cfg["privacy"] == {"min_cell": 30, "consent": "analytics_consent"}
    text = (dest / "engagement.yaml").read_text()
    assert "# guessed" in text and "# covariates:" in text

    draft = pd.read_csv(dest / "codebook.csv", dtype=str, keep_default_na=False).set_index("column")
    assert list(draft.columns) == ["role", "label", "scale_min", "scale_max", "motivator", "element", "stage",
                                   "dimension"]
    assert list(draft.index) == [c for c in t["survey"].columns if c not in ("customer_id", "wave", "resp_weight")]
    truth = t["codebook"].set_index("column")
    assert (draft["label"] == truth.loc[draft.index, "label"]).all()  # question text from Qualtrics line 2
    assert draft.loc["mot_belonging_1", ["role", "motivator", "scale_min", "scale_max"]].tolist() == [
        "motivator_item", "belonging", "1.0", "7.0"]
    assert draft.loc["perf_easy_returns", ["role", "element"]].tolist() == ["element_performance", "easy_returns"]
    assert draft.loc["imp_easy_returns", ["role", "element", "scale_min", "scale_max"]].tolist() == [
        "element_importance", "easy_returns", "1.0", "5.0"]
    assert draft.loc["ltr", ["role", "scale_min", "scale_max"]].tolist() == ["advocacy", "0.0", "10.0"]
    assert draft.loc["overall_sat", "role"] == "satisfaction"
    assert draft.loc["comment", "role"] == "verbatim"
    assert draft.loc["household_size", "role"] == ""  # not evident: left for the researcher
    assert (draft[["stage", "dimension"]] == "").all().all()


def test_init_then_validate_says_what_is_missing_until_complete(export, tmp_path):
    survey, customers, t = export
    dest = init_engagement(tmp_path / "new-client", survey=survey, customers=customers, client="New Client Ltd")
    runner_result = CliRunner().invoke(cli, ["validate", str(dest)])
    assert runner_result.exit_code == 2 and "Traceback" not in runner_result.output

    def problem():
        with pytest.raises(DataError) as info:
            cx.load_engagement(dest)
        return info.value

    err = problem()
    assert str(err) == ("engagement.yaml: 1 entry still to fill in (replace each FILL_ME): satisfaction.top_box")
    text = (dest / "engagement.yaml").read_text().replace("top_box: FILL_ME", "top_box: 9")
    (dest / "engagement.yaml").write_text(text)

    err = problem()
    assert (err.file, err.column) == ("codebook.csv", "role")
    draft = pd.read_csv(dest / "codebook.csv", dtype=str, keep_default_na=False)
    row = int(draft.index[draft["column"] == "household_size"][0]) + 1  # data rows count from 1
    assert "1 row has no role" in str(err) and str(err).endswith(f"(row {row})") and err.rows == [row]
    draft.loc[draft["column"] == "household_size", "role"] = "covariate"
    draft.to_csv(dest / "codebook.csv", index=False)

    err = problem()
    assert (err.file, err.column) == ("codebook.csv", "stage")
    assert ("6 element rows have no stage (on neither row of the pair): 'free_parking', 'friendly_staff', "
            "'easy_returns'") in str(err)

    # The researcher completes the codebook (here: from the truth) but keeps the drafted labels.
    truth = t["codebook"].set_index("column")
    for field in ("role", "scale_min", "scale_max", "motivator", "element", "stage", "dimension"):
        draft[field] = truth.loc[draft["column"], field].fillna("").to_numpy()
    draft.to_csv(dest / "codebook.csv", index=False)
    eng = cx.load_engagement(dest)
    assert eng.client == "New Client Ltd"
    config, _ = valid_tables()
    reference = cx.from_frames(config, t["survey"], t["customers"], t["codebook"], slug="reference")
    pd.testing.assert_frame_equal(eng.survey, reference.survey)
    pd.testing.assert_frame_equal(eng.codebook, reference.codebook)


def test_init_from_spss_takes_its_labels(tmp_path):
    _, t = valid_tables()
    survey = write_survey(t["survey"], tmp_path / "survey_export.sav", "spss",
                          labels={"overall_sat": "Overall satisfaction", "comment": "Anything else?"})
    customers = tmp_path / "customers.parquet"
    t["customers"].to_parquet(customers, index=False)
    dest = init_engagement(tmp_path / "spss-client", survey=survey, customers=customers)
    cfg = yaml.safe_load((dest / "engagement.yaml").read_text())
    assert cfg["survey"] == "survey.sav" and cfg["customers"] == "customers.parquet" and cfg["id"] == "customer_id"
    draft = pd.read_csv(dest / "codebook.csv", dtype=str, keep_default_na=False).set_index("column")
    assert draft.loc["overall_sat", "label"] == "Overall satisfaction"
    assert draft.loc["comment", ["label", "role"]].tolist() == ["Anything else?", "verbatim"]
    # value labels name the scale's ends even when the data do not reach them
    assert draft.loc["overall_sat", ["scale_min", "scale_max"]].tolist() == ["0.0", "10.0"]


def test_init_refuses_to_overwrite_and_checks_the_name(folder, export, tmp_path):
    survey, customers, _ = export
    before = _sha(folder / "engagement.yaml")
    with pytest.raises(DataError, match="already holds an engagement.yaml; not overwriting"):
        init_engagement(folder, survey=survey, customers=customers)
    assert _sha(folder / "engagement.yaml") == before
    with pytest.raises(DataError, match="not a valid engagement name"):
        init_engagement(tmp_path / "New Client", survey=survey, customers=customers)
    with pytest.raises(DataError, match="nothere.csv: file not found"):
        init_engagement(tmp_path / "x", survey=tmp_path / "nothere.csv", customers=customers)
    assert not (tmp_path / "x").exists()  # nothing written when an input cannot be read


def test_attrition_start_dates_are_parsed_and_bad_ones_named(tmp_path):
    """``attrition.start`` (optional): the customers column with the date follow-up starts."""
    from factories import write_valid_engagement

    folder = write_valid_engagement(tmp_path / "eng")
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text())
    cfg["attrition"]["start"] = "follow_start"
    (folder / "engagement.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    customers = pd.read_csv(folder / "customers.csv", dtype=str, keep_default_na=False)
    customers["follow_start"] = "2025-03-01"
    customers.to_csv(folder / "customers.csv", index=False)
    eng = cx.load_engagement(folder)
    assert pd.api.types.is_datetime64_any_dtype(eng.customers["follow_start"])
    customers.loc[[2, 4], "follow_start"] = ["soon", ""]
    customers.to_csv(folder / "customers.csv", index=False)
    with pytest.raises(DataError, match=r"customers.csv: column 'follow_start': 2 dates missing or not dates.*rows 3, 5"):
        cx.load_engagement(folder)
