"""cxlib.init (`cx init`): the draft engagement.yaml and codebook.csv, then the draft -> validate -> complete
flow; the originals are copied unchanged and nothing is overwritten."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import cxlib as cx
from cxlib.cli import cli
from cxlib.init import init_engagement
from cxlib.schema import DataError
from factories import valid_tables, write_survey


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from factories import write_valid_engagement

    return write_valid_engagement(tmp_path_factory.mktemp("eng") / "small-one")


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


def test_cx_init_command_drafts_the_folder(export, tmp_path):
    survey, customers, _ = export
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "acme-ltd"), "--survey", str(survey),
                                      "--customers", str(customers), "--client", "Acme Ltd"])
    assert result.exit_code == 0, result.output
    assert "cx validate" in result.output
    assert yaml.safe_load((tmp_path / "acme-ltd" / "engagement.yaml").read_text())["client"] == "Acme Ltd"


def test_engagement_no_longer_writes_files():
    """docs/architecture.md: only batch, render, cli and init write files; the drafting moved out of engagement."""
    import cxlib.engagement as engagement

    assert not hasattr(engagement, "init_engagement") and "init_engagement" not in engagement.__all__
