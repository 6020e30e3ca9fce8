"""tests/raw_exports.py: the raw client exports are shaped as Qualtrics and a CRM deliver them, read with
cxlib.readers, carry the planted truth, and are the same bytes for a seed.

References: Qualtrics' CSV export layout (three header lines, ImportId JSON in line 3, metadata columns
first), Qualtrics .qsf files (SurveyEntry + SurveyElements with BL/FL/SQ elements), pyreadstat's own reader
for the .sav labels, and the truth the generator returns (rows it planted, computed independently here
from the file's own columns).
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from cxlib.motivators import MOTIVATORS
from cxlib.readers import read_table
from raw_exports import DRIVERS, ELEMENTS, METADATA, write_raw_exports


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return write_raw_exports(tmp_path_factory.mktemp("raw"), n_customers=600, seed=3)


def _digest(raw):
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in (raw.qualtrics_csv, raw.sav, raw.qsf, raw.crm_csv)]


def test_qualtrics_csv_reads_as_a_qualtrics_export(raw):
    text = raw.qualtrics_csv.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text  # UTF-8 with BOM, CRLF, as Qualtrics writes
    third = text.decode("utf-8-sig").splitlines()[2]
    assert third.startswith('"{""ImportId"":""startDate""')
    t = read_table(raw.qualtrics_csv)
    assert t.format == "qualtrics"
    cols = list(t.frame.columns)
    assert cols[:len(METADATA)] == [m for m, _, _ in METADATA]
    assert cols[len(METADATA)] == "Q1" and cols[-1] == "CustomerID"
    assert [c for c in cols if c.startswith("Q2_")] == [f"Q2_{j}" for j in range(1, 21)]
    assert len([c for c in cols if c.startswith("Q3_")]) == len([c for c in cols if c.startswith("Q4_")]) == 30
    assert "<strong>Overall</strong>" in t.column_labels["Q1"] and "0 = not at all satisfied" in t.column_labels["Q1"]
    assert t.column_labels["Q3_8"] == "How would you rate Acme on each? - Staff remember me"
    assert len(t.frame) == sum(raw.truth["counts"][k] for k in ("valid", "preview", "test", "partial", "anonymous",
                                                                 "duplicate"))


def test_planted_rows_are_where_the_truth_says(raw):
    f = read_table(raw.qualtrics_csv).frame
    rows, truth = raw.truth["rows"], raw.truth
    assert set(f.loc[rows["preview"], "Status"]) == {"Survey Preview"}
    assert set(f.loc[rows["test"], "Status"]) == {"Survey Test"}
    assert (f["Status"] == "Survey Preview").sum() == truth["counts"]["preview"] >= 2
    partial = f.index[f["Finished"] == "False"].tolist()
    assert partial == rows["partial"] and (pd.to_numeric(f.loc[partial, "Progress"]) < 100).all()
    anonymous = f.index[f["CustomerID"].isna() & (f["Status"] == "IP Address")].tolist()
    assert anonymous == rows["anonymous"] and len(anonymous) >= 3
    # Duplicates: the earlier of two responses by one customer (RecordedDate in the export's own format).
    ok = f[(f["Status"] == "IP Address") & (f["Finished"] == "True") & f["CustomerID"].notna()]
    assert ok["RecordedDate"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    dated = ok.assign(when=pd.to_datetime(ok["RecordedDate"]))
    earlier = dated[dated.duplicated("CustomerID", keep=False)].sort_values("when").duplicated("CustomerID", keep="last")
    assert sorted(earlier[earlier].index) == rows["duplicate"] and len(rows["duplicate"]) >= 2
    assert f["CustomerID"].dropna().str.fullmatch(r"0\d{6}").all()  # leading zeros kept
    # Not-applicable codes, only where the truth says, and not on the other blocks.
    for col, codes in truth["missing_codes"].items():
        assert set(codes) == {11} if col.startswith("Q3_") else set(codes) == {8}
    q3 = f[[c for c in f.columns if c.startswith("Q3_")]].apply(pd.to_numeric)
    q4 = f[[c for c in f.columns if c.startswith("Q4_")]].apply(pd.to_numeric)
    assert (q3 == 11).to_numpy().mean() > 0.02 and q3.max().max() == 11 and q3.min().min() == 0
    assert (q4 == 8).to_numpy().mean() > 0.01 and q4.max().max() == 8 and q4.min().min() == 1
    assert pd.to_numeric(f["Q1"]).between(0, 10).all()


def test_comments_carry_pii_in_four_languages(raw):
    f = read_table(raw.qualtrics_csv).frame
    comments = f["Q6"].dropna()
    assert "no comment Regards, Mark Wilson" in set(comments)
    assert comments.str.contains("mary.o'brien@gmail.com", regex=False).any()
    assert set(f.loc[comments.index, "UserLanguage"]) == {"EN", "NL", "DE", "FR"}
    for hit in raw.truth["pii_in_comments"]:
        assert hit["value"] in f.loc[hit["row"], "Q6"]
    kinds = {h["kind"] for h in raw.truth["pii_in_comments"]}
    assert kinds == {"email", "phone", "name"}


def test_importance_block_is_reordered_and_reworded(raw):
    labels = read_table(raw.qualtrics_csv).column_labels
    perf = [labels[f"Q3_{j}"].split(" - ", 1)[1] for j in range(1, 31)]
    imp = [labels[f"Q4_{j}"].split(" - ", 1)[1] for j in range(1, 31)]
    assert perf == [w for w, _, _ in ELEMENTS]
    assert sum(a == b for a, b in zip(perf, imp)) < 5  # not paired by position
    assert "staff remember me." in imp and "Staff remember me" not in imp
    for element, info in raw.truth["elements"].items():
        assert labels[info["importance_column"]].endswith(" - " + info["importance_wording"])
        assert labels[info["performance_column"]].endswith(" - " + element)


def test_statements_name_motivators_where_the_truth_says(raw):
    labels = read_table(raw.qualtrics_csv).column_labels
    named = {c: i for c, i in raw.truth["items"].items() if i["names_motivator"]}
    assert 14 <= len(named) <= 18 and len(raw.truth["items"]) == 20
    assert {i["motivator"] for i in raw.truth["items"].values()} == set(MOTIVATORS)
    assert labels["Q2_7"] == "To what extent do you agree? - Acme gets me" and not raw.truth["items"]["Q2_7"]["names_motivator"]


def test_sav_has_labels_and_codes(raw):
    import pyreadstat

    t = read_table(raw.sav)
    assert t.format == "spss" and len(t.frame) == len(read_table(raw.qualtrics_csv).frame)
    assert t.value_labels["Q1"][0.0] == "Not at all satisfied" and t.value_labels["Q1"][10.0] == "Extremely satisfied"
    assert t.value_labels["Q3_1"][11.0] == "Not applicable" and t.value_labels["Q4_1"][8.0] == "Not applicable"
    assert t.value_labels["Status"] == {0.0: "IP Address", 1.0: "Survey Preview", 2.0: "Survey Test"}
    assert "Duration__in_seconds_" in t.frame.columns
    assert "Overall" in t.column_labels["Q1"] and t.column_labels["Q5"].startswith("How likely")
    _, meta = pyreadstat.read_sav(str(raw.sav), metadataonly=True)  # pyreadstat as the reference reader
    assert meta.column_names_to_labels["Q3_8"] == "How would you rate Acme on each? - Staff remember me"
    assert t.frame.loc[raw.truth["rows"]["preview"], "Status"].eq(1).all()
    assert t.frame["CustomerID"].dropna().str.fullmatch(r"0\d{6}").all()


def test_qsf_parses_and_describes_the_same_survey(raw):
    qsf = json.loads(raw.qsf.read_text(encoding="utf-8"))
    assert set(qsf) == {"SurveyEntry", "SurveyElements"}
    questions = {e["Payload"]["DataExportTag"]: e["Payload"] for e in qsf["SurveyElements"] if e["Element"] == "SQ"}
    assert sorted(questions) == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    assert questions["Q2"]["Selector"] == "Likert" and questions["Q6"]["QuestionType"] == "TE"
    assert len(questions["Q3"]["Choices"]) == 30 and questions["Q3"]["RecodeValues"]["12"] == "11"
    assert questions["Q3"]["Answers"]["12"]["Display"] == "Not applicable"
    assert questions["Q4"]["RecodeValues"]["8"] == "8" and questions["Q4"]["Answers"]["8"]["Display"] == "Not applicable"
    labels = read_table(raw.qualtrics_csv).column_labels
    for k, choice in questions["Q4"]["Choices"].items():  # choice k is exported as Q4_k
        assert labels[f"Q4_{k}"].endswith(" - " + choice["Display"])
    flow = next(e for e in qsf["SurveyElements"] if e["Element"] == "FL")["Payload"]["Flow"]
    assert flow[0]["EmbeddedData"][0]["Field"] == "CustomerID"


def test_crm_extract_is_messy_as_delivered(raw):
    blob = raw.crm_csv.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        blob.decode("utf-8")  # Windows-1252, as many CRM tools export
    t = read_table(raw.crm_csv)
    cu = t.frame
    assert t.encoding == "cp1252" and list(cu.columns)[:2] == ["Customer_ID", "Customer_Name"]
    assert cu["Customer_ID"].str.fullmatch(r"0\d{6}").all() and cu["Customer_ID"].is_unique
    assert cu["Annual_Spend"].str.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}").all()
    assert cu["Annual_Spend"].str.contains(",").any() and b'"1,' in blob  # quoted thousands separators
    assert set(cu["Closed"]) == {"Y", "N"} and set(cu["Marketing_Consent"]) == {"Y", "N"}
    assert cu.loc[cu["Closed"] == "N", "Close_Date"].isna().all()
    assert cu.loc[cu["Closed"] == "Y", "Close_Date"].notna().all()
    assert cu["Email"].str.contains("'").any() and cu["Email"].str.contains(r"\+").any()
    survey = read_table(raw.qualtrics_csv).frame
    valid = survey.loc[raw.truth["rows"]["valid"]]
    assert set(valid["CustomerID"]) <= set(cu["Customer_ID"])
    # Closed before the response: the close date precedes the survey's RecordedDate.
    joined = valid.merge(cu, left_on="CustomerID", right_on="Customer_ID")
    before = joined[pd.to_datetime(joined["Close_Date"]) < pd.to_datetime(joined["RecordedDate"])]
    assert sorted(before["CustomerID"]) == raw.truth["closed_before_response_ids"]
    assert raw.truth["extract_date"] == "2026-11-15"
    assert pd.to_datetime(cu["Close_Date"]).max() <= pd.Timestamp(raw.truth["extract_date"])


def test_truth_final_files_are_complete(raw):
    cb = raw.truth["codebook"]
    survey = read_table(raw.qualtrics_csv).frame
    assert list(cb["column"]) == [c for c in survey.columns if c != "CustomerID"]
    assert set(cb.loc[cb["role"] == "pii", "column"]) == set(raw.truth["pii_columns"])
    assert set(raw.truth["drivers"]) == set(DRIVERS) and len(DRIVERS) == 3
    perf = cb[cb["role"] == "element_performance"].set_index("element")["column"]
    imp = cb[cb["role"] == "element_importance"].set_index("element")["column"]
    assert sorted(perf.index) == sorted(imp.index) and len(perf) == 30
    sav_cb = raw.truth["sav_codebook"]
    assert list(sav_cb["column"]) == [c for c in read_table(raw.sav).frame.columns if c != "CustomerID"]


def test_same_seed_same_bytes(tmp_path):
    a = write_raw_exports(tmp_path / "a", n_customers=200, seed=5)
    b = write_raw_exports(tmp_path / "b", n_customers=200, seed=5)
    c = write_raw_exports(tmp_path / "c", n_customers=200, seed=6)
    assert _digest(a) == _digest(b)
    assert _digest(a)[0] != _digest(c)[0] and _digest(a)[3] != _digest(c)[3]
    assert a.truth["rows"] == b.truth["rows"]
