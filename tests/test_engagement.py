"""cxlib.engagement: loading, the analysis frame, in-memory engagements, and `cx init` drafts."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import cxlib as cx
from cxlib.cli import cli
from cxlib.schema import DataError
from factories import write_valid_engagement


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_valid_engagement(tmp_path_factory.mktemp("eng") / "small-one")


def test_from_frames_equals_load_engagement_and_does_not_mutate_inputs(folder):
    loaded = cx.load_engagement(folder)
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text())
    raw = {n: pd.read_csv(folder / f"{n}.csv", dtype=str, keep_default_na=False, na_values=[""])
           for n in ("survey", "customers", "codebook", "contacts")}
    copies = {n: f.copy() for n, f in raw.items()}
    built = cx.from_frames(cfg, raw["survey"], raw["customers"], raw["codebook"], raw["contacts"], slug="small-one")
    for n, f in raw.items():
        pd.testing.assert_frame_equal(f, copies[n])
    pd.testing.assert_frame_equal(built.survey, loaded.survey)
    pd.testing.assert_frame_equal(built.customers, loaded.customers)
    pd.testing.assert_frame_equal(built.frame(), loaded.frame())


def test_frame_joins_applies_consent_and_segments(folder):
    eng = cx.load_engagement(folder)
    f = eng.frame()
    no_consent = (~eng.customers["analytics_consent"]).sum()
    assert f.attrs["n_no_consent"] == no_consent
    assert len(f) == len(eng.survey) - no_consent
    assert f["analytics_consent"].all()
    assert set(f["segment"].dropna()) <= set(cx.segments.SEGMENTS)
    assert f["connection_index"].between(0, 100).all() or f["connection_index"].isna().any()


def test_init_drafts_a_codebook_and_validate_says_what_is_missing(folder, tmp_path):
    survey = folder / "survey.csv"
    export = tmp_path / "export.csv"
    raw = pd.read_csv(survey, dtype=str, keep_default_na=False)
    # As a Qualtrics export: question text in row 2, ImportId in row 3.
    header2 = ",".join(f'"Q: {c}"' for c in raw.columns)
    header3 = ",".join('"{""ImportId"":""QID%d""}"' % i for i in range(len(raw.columns)))
    export.write_text(",".join(raw.columns) + "\n" + header2 + "\n" + header3 + "\n" + raw.to_csv(index=False, header=False))
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "new-client"), "--survey", str(export), "--customers",
                                      str(folder / "customers.csv")])
    assert result.exit_code == 0, result.output
    draft = pd.read_csv(tmp_path / "new-client" / "codebook.csv", dtype=str, keep_default_na=False)
    assert "customer_id" not in set(draft["column"]) and "wave" not in set(draft["column"])
    row = draft.set_index("column").loc["mot_belonging_1"]
    assert row["label"] == "Q: mot_belonging_1" and row["role"] == "motivator_item" and row["scale_max"] == "7.0"
    assert draft.set_index("column").loc["comment", "role"] == "verbatim"
    cfg = yaml.safe_load((tmp_path / "new-client" / "engagement.yaml").read_text())
    assert cfg["id"] == "customer_id" and cfg["satisfaction"]["column"] == "overall_sat"
    check = CliRunner().invoke(cli, ["validate", str(tmp_path / "new-client")])
    assert check.exit_code == 2 and "Traceback" not in check.output
    with pytest.raises(DataError):
        cx.load_engagement(tmp_path / "new-client")


def test_init_refuses_to_overwrite(folder, tmp_path):
    with pytest.raises(DataError, match="not overwriting"):
        cx.engagement.init_engagement(folder, survey=folder / "survey.csv", customers=folder / "customers.csv")
