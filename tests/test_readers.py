"""cxlib.readers: encodings, delimiters, decimal commas, Qualtrics exports, Parquet and SPSS; and the same
engagement stored in every format validates to equal frames."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pandas as pd
import pyreadstat
import pytest
import yaml

import cxlib as cx
from cxlib.readers import Table, read_table
from cxlib.schema import DataError
from factories import FORMATS, valid_tables, write_survey, write_valid_engagement

TEXT = "customer_id,score,comment\n007,3.5,\"Très bien, merci\"\n010,,plain\n"


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- text files ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
def test_csv_encodings_are_decoded(tmp_path, encoding):
    table = read_table(_write(tmp_path, "t.csv", TEXT.encode(encoding)))
    assert list(table.frame.columns) == ["customer_id", "score", "comment"]  # no BOM left in the first name
    assert table.frame["comment"].tolist() == ["Très bien, merci", "plain"]
    assert table.format == "csv" and table.delimiter == "," and table.decimal == "."


def test_windows_1252_punctuation_is_decoded(tmp_path):
    table = read_table(_write(tmp_path, "t.csv", "id,comment\n1,It’s “fine” – €5\n".encode("cp1252")))
    assert table.frame.loc[0, "comment"] == "It’s “fine” – €5"


def test_everything_is_read_as_text_keeping_leading_zeros_and_blanks_missing(tmp_path):
    frame = read_table(_write(tmp_path, "t.csv", TEXT.encode())).frame
    assert frame["customer_id"].tolist() == ["007", "010"]
    assert frame.loc[0, "score"] == "3.5" and pd.isna(frame.loc[1, "score"])
    assert (frame.dtypes == object).all()


def test_na_stays_text_in_the_reader(tmp_path):
    # "NA" may be a real answer or id (Namibia, initials); only the schema may call it missing in a number.
    frame = read_table(_write(tmp_path, "t.csv", b"id,country\nNA,NA\n")).frame
    assert frame.loc[0, "id"] == "NA" and frame.loc[0, "country"] == "NA"


@pytest.mark.parametrize("sep, decimal", [(",", "."), (";", ","), ("\t", ".")])
def test_delimiter_is_sniffed_and_semicolon_means_decimal_comma(tmp_path, sep, decimal):
    score = "3,5" if sep == ";" else "3.5"
    text = sep.join(["id", "score", "note"]) + "\n" + sep.join(["1", score, '"a, b; c"']) + "\n"
    table = read_table(_write(tmp_path, "t.txt", text.encode()))
    assert table.delimiter == sep and table.decimal == decimal
    assert table.frame.loc[0, "score"] == score and table.frame.loc[0, "note"] == "a, b; c"


def test_semicolon_file_with_decimal_commas_loads_as_numbers(valid_engagement):
    raw = pd.read_csv(valid_engagement / "survey.csv", dtype=str, keep_default_na=False)
    reference = cx.load_engagement(valid_engagement)
    write_survey(raw, valid_engagement / "survey.csv", "csv-utf8-bom-semicolon")
    assert "," in (valid_engagement / "survey.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    eng = cx.load_engagement(valid_engagement)
    pd.testing.assert_frame_equal(eng.survey, reference.survey)
    assert eng.survey["comment"].str.contains(",").any()  # text answers keep their commas


def test_spreadsheet_debris_is_dropped(tmp_path):
    table = read_table(_write(tmp_path, "t.csv", b"id;score;;\n1;2;;\n3;4;;\n;;;\n;;;\n"))
    assert list(table.frame.columns) == ["id", "score"] and len(table.frame) == 2


def test_repeated_header_is_an_error(tmp_path):
    with pytest.raises(DataError, match="t.csv: column 'q1': the header repeats") as info:
        read_table(_write(tmp_path, "t.csv", b"id,q1,q1\n1,2,3\n"))
    assert info.value.file == "t.csv" and info.value.column == "q1"


def test_utf16_export_is_read(tmp_path):
    table = read_table(_write(tmp_path, "t.csv", "id\tcomment\n1\tbien sûr\n".encode("utf-16")))
    assert table.frame.loc[0, "comment"] == "bien sûr" and table.encoding == "utf-16"


# -- Qualtrics ----------------------------------------------------------------------------------------

def test_qualtrics_export_is_detected_and_header_rows_dropped(tmp_path):
    _, tables = valid_tables(n=60)
    survey = tables["survey"]
    labels = {c: f"Question text for {c}, with a comma" for c in survey.columns}
    path = write_survey(survey, tmp_path / "export.csv", "qualtrics", labels=labels)
    third = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))[2]
    assert json.loads(third[1]) == {"ImportId": "QID1"}  # the fixture really is Qualtrics-shaped
    table = read_table(path)
    assert table.format == "qualtrics"
    assert table.column_labels == labels
    assert len(table.frame) == len(survey)
    pd.testing.assert_frame_equal(table.frame.where(table.frame.notna(), None), survey, check_dtype=False)


def test_a_csv_whose_third_line_is_data_is_not_qualtrics(tmp_path):
    table = read_table(_write(tmp_path, "t.csv", b'id,q\n1,"{""a"": 1}"\n2,3\n4,5\n'))
    assert table.format == "csv" and len(table.frame) == 3 and table.column_labels == {}


# -- Parquet and SPSS ---------------------------------------------------------------------------------

def test_parquet_keeps_its_types(tmp_path):
    _, tables = valid_tables(n=60)
    path = write_survey(tables["survey"], tmp_path / "s.parquet", "parquet")
    table = read_table(path)
    assert table.format == "parquet"
    assert table.frame["customer_id"].iloc[0] == "000101"
    assert table.frame["overall_sat"].dtype == "float64"


def test_spss_labels_become_column_and_value_labels(tmp_path):
    _, tables = valid_tables(n=60)
    path = write_survey(tables["survey"], tmp_path / "s.sav", "spss", labels={"overall_sat": "Overall satisfaction"})
    table = read_table(path)
    assert table.format == "spss"
    assert table.column_labels == {"overall_sat": "Overall satisfaction"}
    assert table.value_labels["overall_sat"] == {0.0: "Not at all satisfied", 10.0: "Completely satisfied"}
    assert table.frame["customer_id"].iloc[0] == "000101"
    assert table.frame["comment"].isna().any()  # SPSS's blank strings are missing values


# -- errors -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "empty.csv: the file is empty"),
    ("blank.csv", b"  \n\n", "blank.csv: the file is empty"),
    ("header.csv", b"id,score\n", "header.csv: the file has a header but no data rows"),
    ("binary.csv", b"PK\x03\x04\x00\x00\x01", "binary.csv: not a text file"),
    ("broken.parquet", b"PAR1 nope", "broken.parquet: cannot read as Parquet"),
    ("broken.sav", b"$FL2 nope", "broken.sav: cannot read as SPSS"),
    ("book.xlsx", b"PK\x03\x04", "book.xlsx: unsupported file type '.xlsx'"),
])
def test_unreadable_files_raise_dataerror_naming_the_file(tmp_path, name, content, message):
    with pytest.raises(DataError) as info:
        read_table(_write(tmp_path, name, content))
    assert message in str(info.value) and info.value.file == name


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="nothere.csv: file not found"):
        read_table(tmp_path / "nothere.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(DataError, match="folder.csv: file not found"):
        read_table(tmp_path / "folder.csv")


def test_table_is_frozen(tmp_path):
    table = read_table(_write(tmp_path, "t.csv", TEXT.encode()))
    assert isinstance(table, Table)
    with pytest.raises(AttributeError):
        table.format = "parquet"  # type: ignore[misc]


# -- one engagement, every format: equal frames ---------------------------------------------------------

@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = write_valid_engagement(tmp_path_factory.mktemp("readers") / "reference")
    return folder, cx.load_engagement(folder)


def _variant(reference_folder, tmp_path, fmt, customers_parquet=False, codebook_latin1_semicolon=False):
    folder = tmp_path / f"variant-{fmt}"
    shutil.copytree(reference_folder, folder)
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text())
    raw = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False).replace("", None)
    labels = pd.read_csv(folder / "codebook.csv").set_index("column")["label"].to_dict()
    (folder / "survey.csv").unlink()
    write_survey(raw, folder / FORMATS[fmt], fmt, labels=labels)
    cfg["survey"] = FORMATS[fmt]
    if customers_parquet:
        cu = pd.read_csv(folder / "customers.csv", dtype={"customer_id": str})
        (folder / "customers.csv").unlink()
        cu.to_parquet(folder / "customers.parquet", index=False)
        cfg["customers"] = "customers.parquet"
    if codebook_latin1_semicolon:
        cb = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
        (folder / "codebook.csv").write_bytes(cb.to_csv(index=False, sep=";").encode("latin-1", "replace"))
    (folder / "engagement.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    return folder


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_same_engagement_in_every_format_gives_equal_frames(reference, tmp_path, fmt):
    ref_folder, ref = reference
    folder = _variant(ref_folder, tmp_path, fmt, customers_parquet=fmt in ("parquet", "spss"),
                      codebook_latin1_semicolon=fmt == "csv-latin1")
    eng = cx.load_engagement(folder)
    pd.testing.assert_frame_equal(eng.survey, ref.survey)
    pd.testing.assert_frame_equal(eng.customers, ref.customers)
    pd.testing.assert_frame_equal(eng.codebook, ref.codebook)
    pd.testing.assert_frame_equal(eng.contacts, ref.contacts)
    pd.testing.assert_frame_equal(eng.frame(), ref.frame())
    assert eng.survey["customer_id"].iloc[0] == "000101"


@pytest.mark.parametrize("fmt", ["qualtrics", "spss"])
def test_file_labels_fill_blank_codebook_labels_only(reference, tmp_path, fmt):
    ref_folder, ref = reference
    folder = _variant(ref_folder, tmp_path, fmt)
    cb = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
    cb.loc[cb["column"] == "ltr", "label"] = ""
    cb.to_csv(folder / "codebook.csv", index=False)
    labels = cx.load_engagement(folder).codebook.set_index("column")["label"]
    expected = ref.codebook.set_index("column")["label"]
    assert labels["ltr"] == expected["ltr"]  # the file's own label for the blank row
    assert labels.drop("ltr").equals(expected.drop("ltr"))  # the codebook wins where it has a label


def test_spss_value_labels_stand_in_when_there_is_no_question_text(reference, tmp_path):
    ref_folder, _ = reference
    folder = _variant(ref_folder, tmp_path, "spss")
    raw = pd.read_csv(ref_folder / "survey.csv", dtype=str, keep_default_na=False).replace("", None)
    write_survey(raw, folder / "survey.sav", "spss", labels={})
    cb = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
    cb.loc[cb["column"] == "overall_sat", "label"] = ""
    cb.to_csv(folder / "codebook.csv", index=False)
    label = cx.load_engagement(folder).codebook.set_index("column").loc["overall_sat", "label"]
    assert label == "0=Not at all satisfied; 10=Completely satisfied"


def test_spss_numeric_ids_and_waves_become_text(tmp_path):
    frame = pd.DataFrame({"id": [1042.0, 7.0], "wave": [2025.0, 2026.0]})
    pyreadstat.write_sav(frame, str(tmp_path / "s.sav"))
    table = read_table(tmp_path / "s.sav")
    from cxlib.schema import _text_column  # the normalisation the schema applies to ids and waves

    assert _text_column(table.frame["id"]).tolist() == ["1042", "7"]
    assert _text_column(table.frame["wave"]).tolist() == ["2025", "2026"]
