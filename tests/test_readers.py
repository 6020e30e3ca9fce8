"""Readers: encodings, delimiters, decimal commas, Qualtrics exports, Parquet and SPSS give equal frames."""
from __future__ import annotations

import json

import pandas as pd
import pyreadstat
import pytest
import yaml

import cxlib as cx
from cxlib.readers import read_table
from cxlib.schema import DataError
from factories import write_valid_engagement


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = write_valid_engagement(tmp_path_factory.mktemp("readers") / "base-engagement")
    return folder, cx.load_engagement(folder)


def _variant(base_folder, tmp_path, name, write_survey, survey_name):
    folder = tmp_path / name
    import shutil

    shutil.copytree(base_folder, folder)
    raw = pd.read_csv(base_folder / "survey.csv", dtype=str, keep_default_na=False)
    (folder / "survey.csv").unlink()
    write_survey(raw, folder / survey_name)
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text())
    cfg["survey"] = survey_name
    (folder / "engagement.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    return cx.load_engagement(folder)


def _numeric(raw: pd.DataFrame) -> pd.DataFrame:
    out = raw.copy()
    for c in out.columns:
        if c not in ("customer_id", "wave", "comment"):
            out[c] = pd.to_numeric(out[c].replace("", None))
    return out


WRITERS = {
    "utf8-bom-semicolon-decimal-comma": ("survey.csv", lambda raw, p: p.write_bytes(
        raw.to_csv(index=False, sep=";").replace(".", ",").encode("utf-8-sig"))),
    "latin1": ("survey.csv", lambda raw, p: p.write_bytes(raw.to_csv(index=False).encode("latin-1"))),
    "tab": ("survey.txt", lambda raw, p: p.write_text(raw.to_csv(index=False, sep="\t"))),
    "parquet": ("survey.parquet", lambda raw, p: _numeric(raw).to_parquet(p, index=False)),
    "spss": ("survey.sav", lambda raw, p: pyreadstat.write_sav(_numeric(raw), str(p),
                                                              column_labels={"overall_sat": "Overall satisfaction"})),
    "qualtrics": ("survey.csv", lambda raw, p: p.write_text(
        ",".join(raw.columns) + "\n" + ",".join(f'"Question text for {c}"' for c in raw.columns) + "\n"
        + ",".join('"' + json.dumps({"ImportId": f"QID{i}"}).replace('"', '""') + '"' for i, _ in enumerate(raw.columns))
        + "\n" + raw.to_csv(index=False, header=False))),
}


@pytest.mark.parametrize("variant", list(WRITERS))
def test_same_engagement_from_every_format_gives_equal_frames(base, tmp_path, variant):
    folder, reference = base
    name, write = WRITERS[variant]
    if variant == "utf8-bom-semicolon-decimal-comma":
        # Decimal commas would also rewrite the full stops inside the comments; keep the text clean.
        raw = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
        assert not raw["comment"].str.contains(";").any()
    eng = _variant(folder, tmp_path, f"v-{variant}", write, name)
    survey = eng.survey
    ref = reference.survey
    if variant == "utf8-bom-semicolon-decimal-comma":
        survey, ref = survey.drop(columns="comment"), ref.drop(columns="comment")
    pd.testing.assert_frame_equal(survey.reset_index(drop=True), ref.reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(eng.customers, reference.customers)
    if variant == "qualtrics":
        assert "Question text for overall_sat" not in set(eng.codebook["label"])  # codebook labels win…
    if variant == "spss":
        assert eng.codebook.set_index("column").loc["overall_sat", "label"]  # …and blanks would be filled


def test_qualtrics_labels_fill_blank_codebook_labels(base, tmp_path):
    folder, _ = base
    import shutil

    copy = tmp_path / "q-labels"
    shutil.copytree(folder, copy)
    cb = pd.read_csv(copy / "codebook.csv", dtype=str, keep_default_na=False)
    cb.loc[cb["column"] == "overall_sat", "label"] = ""
    cb.to_csv(copy / "codebook.csv", index=False)
    name, write = WRITERS["qualtrics"]
    raw = pd.read_csv(copy / "survey.csv", dtype=str, keep_default_na=False)
    write(raw, copy / "survey.csv")
    eng = cx.load_engagement(copy)
    assert eng.codebook.set_index("column").loc["overall_sat", "label"] == "Question text for overall_sat"


def test_reader_errors_name_the_file(tmp_path):
    (tmp_path / "empty.csv").write_text("  \n")
    with pytest.raises(DataError, match="empty.csv: the file is empty"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "x.xlsx").write_text("x")
    with pytest.raises(DataError, match="unsupported file type"):
        read_table(tmp_path / "x.xlsx")
    with pytest.raises(DataError, match="nothere.csv: file not found"):
        read_table(tmp_path / "nothere.csv")


def test_ids_keep_leading_zeros(tmp_path):
    (tmp_path / "t.csv").write_text("customer_id,x\n007,1\n010,2\n")
    assert read_table(tmp_path / "t.csv").frame["customer_id"].tolist() == ["007", "010"]
