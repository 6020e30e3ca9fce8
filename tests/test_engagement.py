"""cxlib.engagement: loading, coerced types, from_frames ≡ load_engagement, inputs never mutated, the analysis
frame. (`cx init`: tests/test_init.py.)"""
from __future__ import annotations

import copy
import dataclasses

import pandas as pd
import pytest
import yaml

import cxlib as cx
from cxlib.schema import DataError
from factories import ELEMENTS, MOTIVATORS, valid_tables


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
    with pytest.raises(DataError, match=r"survey.csv: column 'ltr': 1 value outside the scale 0–10, e.g. '42' \(row 5\)"):
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
    assert pd.api.types.is_datetime64_any_dtype(eng.customers[eng.config["attrition"]["start"]])
    customers.loc[[2, 4], "follow_start"] = ["soon", ""]
    customers.to_csv(folder / "customers.csv", index=False)
    with pytest.raises(DataError, match=r"customers.csv: column 'follow_start': 2 dates missing or not dates.*rows 4, 6"):
        cx.load_engagement(folder)
