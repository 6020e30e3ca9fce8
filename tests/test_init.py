"""cxlib.init (`cx init`): the draft engagement.yaml and codebook.csv, then the draft -> validate -> complete
flow; the originals are copied unchanged and nothing is overwritten."""
from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import cxlib as cx
from cxlib.cli import cli
from cxlib.init import init_engagement
from cxlib.schema import DataError
from factories import valid_tables, write_survey

# -- hand-made raw exports, shaped as Qualtrics and a CRM deliver them ----------------------------------
# (references: Qualtrics' CSV export has three header rows - names, question text with HTML, ImportId JSON -
# metadata and recipient columns, matrix items "stem - statement"; its SPSS export carries the same texts as
# variable labels and the scale points as value labels.)

PERF = ["Friendly, helpful staff", "Easy to find what I need", "Quick checkout", "Fair prices"]
# the same elements in another order, with small differences (case, punctuation, a hyphen, an extra word)
IMP = ["fair prices!", "Quick check-out", "friendly and helpful staff", "Easy to find what I need"]
MOT = ["Acme helps me feel secure", "I feel a sense of belonging with Acme",
       "Acme makes me feel I can succeed in life", "I feel good about Acme"]
META = [("StartDate", "Start Date", "startDate"), ("EndDate", "End Date", "endDate"),
        ("Status", "Response Type", "status"), ("IPAddress", "IP Address", "ipAddress"),
        ("Progress", "Progress", "progress"), ("Duration (in seconds)", "Duration (in seconds)", "duration"),
        ("Finished", "Finished", "finished"), ("RecordedDate", "Recorded Date", "recordedDate"),
        ("ResponseId", "Response ID", "_recordId"), ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
        ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
        ("RecipientEmail", "Recipient Email", "recipientEmail"),
        ("ExternalReference", "External Data Reference", "externalDataReference"),
        ("LocationLatitude", "Location Latitude", "locationLatitude"),
        ("LocationLongitude", "Location Longitude", "locationLongitude"),
        ("DistributionChannel", "Distribution Channel", "distributionChannel"),
        ("UserLanguage", "User Language", "userLanguage")]
# rows 0-1 previews, 2 a test, 5-7 unfinished, 8-9 anonymous, 11 repeats row 10's id
PREVIEWS, TESTS, PARTIAL, ANONYMOUS, REPEAT = (0, 1), (2,), (5, 6, 7), (8, 9), 11


def _raw_survey(n=60, seed=1):
    """(columns, question texts, ImportIds, rows of text) of a small Qualtrics export."""
    rng = np.random.default_rng(seed)
    cols = [(name, text, iid) for name, text, iid in META]
    cols.append(("Q1", "<strong>Overall</strong>, how satisfied are you with Acme?<br>0 = not at all satisfied, "
                       "10 = extremely satisfied", "QID1"))
    cols += [(f"Q2_{k}", "How much do you agree with the following? 1 = strongly disagree … 5 = strongly agree"
                         f" - {s}", f"QID2_{k}") for k, s in enumerate(MOT, 1)]
    cols += [(f"Q3_{k}", f"How would you rate Acme on each of the following?&nbsp; - {s}", f"QID3_{k}")
             for k, s in enumerate(PERF, 1)]
    cols += [(f"Q4_{k}", f"<p>How important is each of the following to you?</p> - {s}", f"QID4_{k}")
             for k, s in enumerate(IMP, 1)]
    cols += [("Q5", "How likely are you to recommend Acme to a friend or colleague?", "QID5"),
             ("Q6", "Is there anything else you would like to tell us?", "QID6_TEXT"),
             ("CustomerID", "CustomerID", "CustomerID")]
    rows = []
    for i in range(n):
        status = "Survey Preview" if i in PREVIEWS else "Survey Test" if i in TESTS else "IP Address"
        finished = "False" if i in PARTIAL else "True"
        cid = "" if i in ANONYMOUS else f"C{1000 + (10 if i == REPEAT else i):05d}"
        day = f"2026-03-{1 + i % 28:02d} 10:{i % 60:02d}:00"
        row = [day, day, status, f"10.0.0.{i}", "40" if i in PARTIAL else "100", str(100 + i), finished, day,
               f"R_{i:04d}x", f"Last{i}", f"First{i}", f"person{i}@example.com", f"EXT{i:05d}", "52.1", "4.3",
               "email", "EN"]
        row.append(str(int(rng.integers(1, 11))))  # nobody answered 0: the anchors still say 0-10
        row += [str(int(rng.integers(1, 6))) for _ in MOT]
        row += ["8" if rng.random() < 0.1 else str(int(rng.integers(1, 8))) for _ in PERF]  # 8: not applicable
        row += [str(int(rng.integers(1, 6))) for _ in IMP]
        row += [str(int(rng.integers(3, 11))), ["", "Great service", "Checkout slow, staff kind", "No"][i % 4], cid]
        rows.append(row)
    return cols, rows


def write_qualtrics_csv(path, **kw):
    cols, rows = _raw_survey(**kw)

    def line(cells):
        return ",".join('"' + c.replace('"', '""') + '"' for c in cells)

    header = [[c[0] for c in cols], [c[1] for c in cols], [json.dumps({"ImportId": c[2]}) for c in cols]]
    path.write_bytes(("\n".join(line(r) for r in header + rows) + "\n").encode("utf-8-sig"))
    return path


def write_sav(path, **kw):
    """The same survey as Qualtrics' SPSS export: numeric codes, variable labels, value labels."""
    import pyreadstat

    cols, rows = _raw_survey(**kw)
    names = [re.sub(r"\W", "_", c[0]) for c in cols]  # SPSS: Duration__in_seconds_
    frame = pd.DataFrame(rows, columns=names)
    frame["Status"] = frame["Status"].map({"IP Address": "0", "Survey Preview": "1", "Survey Test": "2"})
    frame["Finished"] = frame["Finished"].map({"True": "1", "False": "0"})
    numeric = ["Status", "Progress", "Duration__in_seconds_", "Finished", "Q1", "Q5"] + \
        [n for n in names if re.fullmatch(r"Q[234]_\d", n)]
    for c in numeric:
        frame[c] = pd.to_numeric(frame[c]).astype(float)
    labels = {n: re.sub(r"<[^>]+>|&nbsp;", " ", c[1]) for n, c in zip(names, cols)}
    labels["Q1"] = "Overall, how satisfied are you with Acme?"  # no anchors: the value labels give the scale
    values = {"Status": {0.0: "IP Address", 1.0: "Survey Preview", 2.0: "Survey Test"},
              "Finished": {0.0: "False", 1.0: "True"},
              "Q1": {0.0: "Not at all satisfied", 10.0: "Extremely satisfied"}}
    for k in range(1, len(PERF) + 1):
        values[f"Q3_{k}"] = {1.0: "Very poor", 7.0: "Excellent", 8.0: "Not applicable"}
    pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=values)
    return path


def write_crm(path, n=70):
    """A CRM extract: its own id name, PII, dates, a Y/N flag, months of tenure, money with separators."""
    rows = []
    for i in range(n):
        closed = i % 4 == 0
        rows.append({
            "Customer_ID": f"C{1000 + i:05d}", "Email": f"client{i}@mail.example.org",
            "Full_Name": ["Mary O'Brien", "Jan de Vries", "Anna Schmidt", "Paul Martin"][i % 4],
            "Phone": f"+31 6 {10000000 + i}", "Region": ["North", "South", "East"][i % 3],
            "Segment": ["Gold", "Silver"][i % 2], "Open_Date": f"2019-{1 + i % 12:02d}-15",
            "Close_Date": f"2026-{5 + i % 6:02d}-{1 + i % 27:02d}" if closed else "",
            "Closed_Flag": "Y" if closed else "N", "Tenure_Months": str(12 + i),
            "Annual_Spend": f"€{1000 + 37.31 * i:,.2f}", "Marketing_Consent": "Y" if i % 7 else "N",
        })
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """The hand-made raw exports and the drafts cx init makes of them (CSV and .sav)."""
    tmp = tmp_path_factory.mktemp("raw")
    files = {"csv": write_qualtrics_csv(tmp / "Acme_March_2026.csv"), "sav": write_sav(tmp / "Acme_March_2026.sav"),
             "crm": write_crm(tmp / "crm_extract.csv")}
    files["csv_folder"] = init_engagement(tmp / "acme", survey=files["csv"], customers=files["crm"])
    files["sav_folder"] = init_engagement(tmp / "acme-sav", survey=files["sav"], customers=files["crm"])
    return files


def _draft(folder):
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    cb = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False).set_index("column")
    return cfg, cb


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
    assert cfg["value"] == ["annual_spend", "visits"] and cfg["advocacy"] == {"column": "ltr"}
    assert cfg["attrition"] == {"duration": "tenure_days", "event": "churned", "horizon": 365}
    assert cfg["privacy"] == {"min_cell": 30, "consent": "analytics_consent"}
    text = (dest / "engagement.yaml").read_text()
    assert "# guessed" in text and cfg["covariates"] == ["region", "age_band"]

    draft = pd.read_csv(dest / "codebook.csv", dtype=str, keep_default_na=False).set_index("column")
    assert list(draft.columns) == ["role", "label", "scale_min", "scale_max", "motivator", "element", "stage",
                                   "dimension", "missing_codes"]
    assert list(draft.index) == [c for c in t["survey"].columns if c not in ("customer_id", "wave", "resp_weight")]
    truth = t["codebook"].set_index("column")
    assert (draft["label"] == truth.loc[draft.index, "label"]).all()  # question text from Qualtrics line 2
    # the wording names the motivator: its name in cxlib.motivators.MOTIVATORS, as the truth has it
    assert draft.loc["mot_belonging_1", ["role", "motivator", "scale_min", "scale_max"]].tolist() == [
        "motivator_item", "feel a sense of belonging", "1", "7"]
    # element names from perf_<e>/imp_<e>, written as a label reads
    assert draft.loc["perf_easy_returns", ["role", "element"]].tolist() == ["element_performance", "Easy returns"]
    assert draft.loc["imp_easy_returns", ["role", "element", "scale_min", "scale_max"]].tolist() == [
        "element_importance", "Easy returns", "1", "5"]
    assert draft.loc["ltr", ["role", "scale_min", "scale_max"]].tolist() == ["advocacy", "0", "10"]
    assert draft.loc["overall_sat", "role"] == "satisfaction"
    assert draft.loc["comment", "role"] == "verbatim"
    assert draft.loc["household_size", "role"] == "FILL_ME"  # not evident: left for the researcher
    perf = draft["role"] == "element_performance"
    assert (draft.loc[perf, ["stage", "dimension"]] == "FILL_ME").all().all()  # the pair shares them: one row
    assert (draft.loc[~perf, ["stage", "dimension"]] == "").all().all()
    assert (draft["missing_codes"] == "").all()


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
    assert "satisfaction.top_box" in str(err) and "FILL_ME" in str(err)
    text = (dest / "engagement.yaml").read_text().replace("top_box: FILL_ME", "top_box: 9")
    (dest / "engagement.yaml").write_text(text)

    err = problem()  # the codebook's FILL_ME cells: household_size's role first
    assert any(p.file == "codebook.csv" and p.column == "role" for p in err.problems), str(err)

    # The researcher completes the codebook (here: from the truth) but keeps the drafted labels.
    draft = pd.read_csv(dest / "codebook.csv", dtype=str, keep_default_na=False)
    truth = t["codebook"].set_index("column")
    for field in ("role", "scale_min", "scale_max", "motivator", "element", "stage", "dimension"):
        draft[field] = truth.loc[draft["column"], field].fillna("").to_numpy()
    draft.to_csv(dest / "codebook.csv", index=False)
    eng = cx.load_engagement(dest)
    assert eng.client == "New Client Ltd"
    config, _ = valid_tables()
    reference = cx.from_frames(config, t["survey"], t["customers"], t["codebook"], slug="reference")
    pd.testing.assert_frame_equal(eng.survey, reference.survey)
    shared = [c for c in reference.codebook.columns if c in eng.codebook.columns]
    pd.testing.assert_frame_equal(eng.codebook[shared], reference.codebook[shared])


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
    assert draft.loc["overall_sat", ["scale_min", "scale_max"]].tolist() == ["0", "10"]


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


# -- survey structure from a raw Qualtrics export --------------------------------------------------------

def test_question_text_is_plain_text(raw):
    _, cb = _draft(raw["csv_folder"])
    assert cb.loc["Q1", "label"] == ("Overall, how satisfied are you with Acme? 0 = not at all satisfied, "
                                     "10 = extremely satisfied")  # <strong>, <br> removed
    assert cb.loc["Q3_1", "label"] == "How would you rate Acme on each of the following? - Friendly, helpful staff"
    assert cb.loc["Q4_1", "label"] == "How important is each of the following to you? - fair prices!"  # <p>
    assert not cb["label"].str.contains(r"<|&nbsp;|&amp;").any()


@pytest.mark.parametrize("kind", ["csv", "sav"])
def test_performance_and_importance_paired_by_wording_not_position(raw, kind):
    _, cb = _draft(raw[f"{kind}_folder"])
    perf = cb[cb["role"] == "element_performance"]
    imp = cb[cb["role"] == "element_importance"]
    assert list(perf.index) == ["Q3_1", "Q3_2", "Q3_3", "Q3_4"] and list(imp.index) == ["Q4_1", "Q4_2", "Q4_3", "Q4_4"]
    # each element named by the performance block's statement (PERF); IMP lists them in another order
    assert perf["element"].tolist() == PERF
    assert imp["element"].tolist() == ["Fair prices", "Quick checkout", "Friendly, helpful staff",
                                       "Easy to find what I need"]
    assert (perf[["stage", "dimension"]] == "FILL_ME").all().all()  # the researcher's judgment


def test_pairing_survives_a_shuffled_block(tmp_path):
    """The importance block in reverse order, reworded slightly: each pair still found by its wording."""
    from cxlib.init import _Column, _pair_elements

    def col(name, statement):
        return _Column(name=name, label=statement, stem="", statement=statement, block="b", numbers=pd.Series([]),
                       n_answered=0, text=pd.Series([], dtype=str), codes={})

    perf = [col(f"P{k}", s) for k, s in enumerate(["Staff were friendly", "Parking was easy", "Returns were easy",
                                                   "Prices are fair"])]
    imp = [col(f"I{k}", s) for k, s in enumerate(["prices are fair.", "RETURNS  WERE EASY", "parking was  easy!",
                                                  "Staff were friendlly"])]
    assert _pair_elements(perf, imp) == {"I0": "P3", "I1": "P2", "I2": "P1", "I3": "P0"}
    # nothing alike: no pair (never matched by position)
    assert _pair_elements(perf[:1], [col("I9", "Delivery on time")]) == {}


@pytest.mark.parametrize("kind", ["csv", "sav"])
def test_roles_from_wording(raw, kind):
    cfg, cb = _draft(raw[f"{kind}_folder"])
    assert cb.loc["Q1", "role"] == "satisfaction" and cfg["satisfaction"] == {"column": "Q1", "top_box": "FILL_ME"}
    assert cb.loc["Q5", ["role", "scale_min", "scale_max"]].tolist() == ["advocacy", "0", "10"]
    assert cfg["advocacy"] == {"column": "Q5"}
    assert cb.loc["Q6", "role"] == "verbatim"
    assert (cb.loc[[f"Q2_{k}" for k in range(1, 5)], "role"] == "motivator_item").all()
    assert "" not in set(cb["role"]) and "FILL_ME" not in set(cb["role"])  # no role left to fill in
    assert "CustomerID" not in cb.index  # the id has no codebook row
    text = (raw[f"{kind}_folder"] / "engagement.yaml").read_text(encoding="utf-8")
    assert "top_box: FILL_ME  # lowest score counted as top-box, often 9 on 0–10" in text


def test_motivators_matched_where_the_wording_names_one(raw):
    _, cb = _draft(raw["csv_folder"])
    assert cb.loc[["Q2_1", "Q2_2", "Q2_3", "Q2_4"], "motivator"].tolist() == [
        "feel secure", "feel a sense of belonging", "succeed in life", "FILL_ME"]  # MOT: the 4th names none
    assert set(cb["motivator"]) - {"", "FILL_ME"} <= set(cx.motivators.MOTIVATORS)
    text = (raw["csv_folder"] / "engagement.yaml").read_text(encoding="utf-8")
    assert "motivator of Q2_4: the wording names none of the ten" in text  # the comment says what is needed


def test_motivator_keywords_and_synonyms():
    from cxlib.init import _motivator

    expect = {"I feel safe with them": "feel secure", "They make me feel FREE to choose": "feel a sense of freedom",
              "It's exciting to shop here": "feel a sense of thrill", "Gives me peace of mind":
              "enjoy a sense of well-being", "Good for the planet": "protect the environment",
              "Confident about my future": "have confidence in the future", "Helps me stand out":
              "stand out from the crowd", "I can be who I want to be": "be the person I want to be",
              "Part of my success": "succeed in life", "I belong here": "feel a sense of belonging",
              "Great value for money": None}
    assert {k: _motivator(k) for k in expect} == expect


@pytest.mark.parametrize("kind", ["csv", "sav"])
def test_metadata_ignored_and_recipients_pii(raw, kind):
    _, cb = _draft(raw[f"{kind}_folder"])
    pii = {"IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference"}
    assert set(cb.index[cb["role"] == "pii"]) == pii
    ignore = {re.sub(r"\W", "_", n) if kind == "sav" else n for n, _, _ in META} - pii
    assert set(cb.index[cb["role"] == "ignore"]) == ignore


FIRST = ["Mary", "Jan", "Li", "Anna", "Paul"]
LAST = ["O'Brien", "de Vries", "Chen", "Schmidt", "Martin", "Dubois", "Jansen", "Wei"]


def test_values_that_look_personal_are_pii(tmp_path):
    n = 40
    survey = pd.DataFrame({"id": [f"{i:04d}" for i in range(n)], "contact": [f"a.b{i}@x-mail.com" for i in range(n)],
                           "tel": [f"+44 20 7946 {i:04d}" for i in range(n)],
                           "who": [FIRST[i % 5] + " " + LAST[i % 8] for i in range(n)],
                           "q1": [str(i % 5 + 1) for i in range(n)]})
    survey.to_csv(tmp_path / "s.csv", index=False)
    pd.DataFrame({"id": survey["id"], "region": ["N", "S"] * (n // 2), "reach": survey["contact"],
                  "Product_Name": ["Gold Card", "Basic Plan"] * (n // 2)}).to_csv(tmp_path / "c.csv", index=False)
    cfg, cb = _draft(init_engagement(tmp_path / "x", survey=tmp_path / "s.csv", customers=tmp_path / "c.csv"))
    assert cb.loc[["contact", "tel", "who"], "role"].tolist() == ["pii"] * 3
    assert cb.loc["q1", "role"] == "FILL_ME"
    # customers columns: by their values (e-mails under any name); a product's name is no person's
    assert cfg["privacy"]["pii"] == ["reach"] and cfg["covariates"] == ["region", "Product_Name"]


# -- scales and missing codes ----------------------------------------------------------------------------

def test_scale_from_anchor_text_not_the_answers(raw):
    _, cb = _draft(raw["csv_folder"])
    # nobody answered 0 (the answers span 1-10) but the question says "0 = not at all satisfied"
    assert cb.loc["Q1", ["scale_min", "scale_max"]].tolist() == ["0", "10"]
    assert (cb.loc[[f"Q2_{k}" for k in range(1, 5)], ["scale_min", "scale_max"]] == ["1", "5"]).all().all()


def test_scale_and_missing_code_from_value_labels(raw):
    _, cb = _draft(raw["sav_folder"])
    assert cb.loc["Q1", ["scale_min", "scale_max", "missing_codes"]].tolist() == ["0", "10", ""]  # labels 0, 10
    perf = cb.loc[[f"Q3_{k}" for k in range(1, 5)]]
    assert (perf[["scale_min", "scale_max", "missing_codes"]] == ["1", "7", "8"]).all().all()  # 8 = Not applicable


def test_code_just_above_the_scale_is_a_missing_code(raw):
    _, cb = _draft(raw["csv_folder"])  # no labels: 8 observed on answers 1-7 (a Qualtrics "Not applicable")
    perf = cb.loc[[f"Q3_{k}" for k in range(1, 5)]]
    assert (perf[["scale_min", "scale_max", "missing_codes"]] == ["1", "7", "8"]).all().all()
    assert (cb.loc[[f"Q4_{k}" for k in range(1, 5)], "missing_codes"] == "").all()


def test_snapping_observed_answers():
    from cxlib.init import _anchors, _snap

    assert _snap({1.0, 2.0, 3.0, 4.0}, 100) == ((1.0, 5.0), [])
    assert _snap(set(map(float, range(1, 9))), 100) == ((1.0, 7.0), [8.0])  # 8 on 1-7
    assert _snap(set(map(float, range(0, 12))), 100) == ((0.0, 10.0), [11.0])  # 11 on 0-10
    assert _snap(set(map(float, range(1, 6))) | {99.0}, 100) == ((1.0, 5.0), [99.0])
    assert _snap(set(map(float, range(1, 10))), 100) == ((1.0, 10.0), [])  # 9 is a real point of 1-10
    assert _snap({1.5, 2.0}, 100) == (None, [])
    points, _ = _anchors("Agree? 1 = strongly disagree … 5 = strongly agree, 8 = not applicable")
    assert points == {1.0: "strongly disagree", 5.0: "strongly agree", 8.0: "not applicable"}
    assert _anchors("On a scale from 1 to 7, how easy was it?")[1] == (1.0, 7.0)


# -- the id, the respondents and the CRM -----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "sav"])
def test_id_found_by_matching_values(raw, kind):
    cfg, _ = _draft(raw[f"{kind}_folder"])
    assert cfg["id"] == {"survey": "CustomerID", "customers": "Customer_ID"}  # not ExternalReference, not ResponseId


@pytest.mark.parametrize("kind", ["csv", "sav"])
def test_respondent_filter_proposed_from_the_data(raw, kind):
    cfg, _ = _draft(raw[f"{kind}_folder"])
    status = ["Survey Preview", "Survey Test"] if kind == "csv" else [1, 2]  # .sav: codes named by value labels
    assert cfg["respondents"] == {
        "drop": [{"column": "Status", "in": status}, {"column": "Finished", "equals": "False" if kind == "csv" else 0},
                 {"column": "CustomerID", "blank": True}],
        "duplicates": "latest", "date": "RecordedDate"}
    text = (raw[f"{kind}_folder"] / "engagement.yaml").read_text(encoding="utf-8")
    # each rule commented with the rows it drops (PREVIEWS + TESTS, PARTIAL, ANONYMOUS; REPEAT)
    assert "# 3 rows: survey previews, tests or spam" in text and "# 3 rows: partial responses" in text
    assert "# 2 rows: anonymous responses (no id)" in text and "# 1 kept row repeats an id" in text


def test_attrition_from_dates_never_from_months(raw):
    cfg, _ = _draft(raw["csv_folder"])
    assert cfg["attrition"] == {"start": "RecordedDate", "end": "Close_Date",
                                "observed_until": "2026-09-26",  # the latest date in write_crm's extract
                                "event": "Closed_Flag", "event_values": {"left": ["Y"], "stayed": ["N"]},
                                "horizon": 365}
    text = (raw["csv_folder"] / "engagement.yaml").read_text(encoding="utf-8")
    assert "observed_until: '2026-09-26'\n" in text and "put the date the extract was taken" in text
    assert "Tenure_Months counts months (not days since the response), so not used as a duration" in text


def test_only_a_months_column_gives_no_duration(tmp_path):
    survey = pd.DataFrame({"cid": [str(i) for i in range(30)], "sat": [str(i % 11) for i in range(30)]})
    survey.to_csv(tmp_path / "s.csv", index=False)
    pd.DataFrame({"cid": survey["cid"], "tenure_months": [str(3 + i) for i in range(30)],
                  "churned": [str(i % 2) for i in range(30)]}).to_csv(tmp_path / "c.csv", index=False)
    folder = init_engagement(tmp_path / "m", survey=tmp_path / "s.csv", customers=tmp_path / "c.csv")
    cfg, _ = _draft(folder)
    assert "attrition" not in cfg
    assert "tenure_months counts months" in (folder / "engagement.yaml").read_text()


def test_value_consent_and_covariates_from_the_crm(raw):
    cfg, _ = _draft(raw["csv_folder"])
    assert cfg["value"] == [{"column": "Annual_Spend", "label": "Annual spend", "unit": "EUR"}]  # "€1,703.57"
    assert cfg["privacy"] == {"min_cell": 30, "consent": "Marketing_Consent",
                              "pii": ["Email", "Full_Name", "Phone"]}  # scrubbed from comments, never analysed
    # never the e-mail, name, phone, id, dates, flags or months
    assert cfg["covariates"] == ["Region", "Segment"]


def test_numbers_with_thousands_separators_and_currency():
    from cxlib.init import _numbers

    got = _numbers(pd.Series(["1,703.57", "€2,000", "$ 12.50", "7", None, "n/a"]))  # blank cells left out
    assert got.index.tolist() == [0, 1, 2, 3, 5] and got[:4].tolist() == [1703.57, 2000.0, 12.5, 7.0]
    assert np.isnan(got[5])
    assert _numbers(pd.Series(["1.703,57", "12,5"]), decimal=",").tolist() == [1703.57, 12.5]


# -- the Qualtrics survey file ---------------------------------------------------------------------------

def _qsf(path):
    """A .qsf (SurveyElements: blocks, questions with DataExportTag, Choices, Answers, RecodeValues)."""
    def sq(qid, tag, text, kind, selector, **extra):
        return {"Element": "SQ", "PrimaryAttribute": qid, "Payload": {
            "QuestionID": qid, "DataExportTag": tag, "QuestionText": text, "QuestionType": kind, "Selector": selector,
            **extra}}

    def matrix_choices(statements):
        return {str(k): {"Display": s} for k, s in enumerate(statements, 1)}

    elements = [
        {"Element": "BL", "PrimaryAttribute": "Survey Blocks", "Payload": {
            "1": {"Description": "Overall", "BlockElements": [{"Type": "Question", "QuestionID": "QID1"}]},
            "2": {"Description": "Importance of each element",
                  "BlockElements": [{"Type": "Question", "QuestionID": "QID4"}]}}},
        sq("QID1", "Q1", "<b>Overall</b>, how satisfied are you with Acme?", "MC", "SAVR",
           Choices={str(k + 1): {"Display": str(k)} for k in range(11)},
           RecodeValues={str(k + 1): str(k) for k in range(11)}),
        sq("QID2", "Q2", "To what extent do you agree?", "Matrix", "Likert", Choices=matrix_choices(MOT),
           Answers={str(k): {"Display": d} for k, d in enumerate(["Strongly disagree", "Disagree", "Neutral",
                                                                  "Agree", "Strongly agree"], 1)}),
        sq("QID3", "Q3", "Acme on each of the following", "Matrix", "Likert", Choices=matrix_choices(PERF),
           Answers={**{str(k): {"Display": str(k)} for k in range(1, 8)}, "8": {"Display": "Not applicable"}}),
        sq("QID4", "Q4", "Each of the following", "Matrix", "Likert", Choices=matrix_choices(IMP),
           Answers={str(k): {"Display": str(k)} for k in range(1, 6)}),
        sq("QID5", "Q5", "How likely are you to recommend Acme?", "MC", "NPS",
           Choices={str(k): {"Display": str(k)} for k in range(11)}),
        sq("QID6", "Q6", "Anything else?", "TE", "ESTB"),
    ]
    path.write_text(json.dumps({"SurveyEntry": {"SurveyName": "Acme"}, "SurveyElements": elements}), encoding="utf-8")
    return path


def test_qsf_gives_question_texts_blocks_and_choices(raw, tmp_path):
    """A plain CSV (names only, no question text): the .qsf supplies what the export lacks."""
    cols, rows = _raw_survey()
    frame = pd.DataFrame(rows, columns=[c[0] for c in cols])
    frame["Q3_1"] = frame["Q3_1"].replace("8", "7")  # no 8 left in this column: the .qsf still names it N/A
    frame.to_csv(tmp_path / "legacy.csv", index=False)
    qsf = _qsf(tmp_path / "acme.qsf")
    before = _sha(qsf)
    bare = init_engagement(tmp_path / "bare", survey=tmp_path / "legacy.csv", customers=raw["crm"])
    folder = init_engagement(tmp_path / "with-qsf", survey=tmp_path / "legacy.csv", customers=raw["crm"], qsf=qsf)
    assert _sha(qsf) == before and _sha(folder / "survey.qsf") == before  # copied in unchanged
    _, without = _draft(bare)
    assert (without.loc[["Q4_1", "Q4_2"], "role"] != "element_importance").all()  # nothing says "importance"
    _, cb = _draft(folder)
    assert cb.loc["Q1", ["label", "role", "scale_min", "scale_max"]].tolist() == [
        "Overall, how satisfied are you with Acme?", "satisfaction", "0", "10"]  # choices recoded 0-10
    assert cb.loc["Q3_1", ["label", "role", "scale_min", "scale_max", "missing_codes"]].tolist() == [
        "Acme on each of the following - Friendly, helpful staff", "element_performance", "1", "7", "8"]
    assert cb.loc[[f"Q4_{k}" for k in range(1, 5)], "role"].eq("element_importance").all()  # the block's name
    assert cb.loc["Q4_1", "element"] == "Fair prices"  # paired with Q3_4 by wording
    assert cb.loc["Q2_1", ["role", "motivator", "scale_min", "scale_max"]].tolist() == [
        "motivator_item", "feel secure", "1", "5"]
    assert cb.loc["Q5", "role"] == "advocacy" and cb.loc["Q6", "role"] == "verbatim"


def test_cx_init_takes_a_qsf(raw, tmp_path):
    qsf = _qsf(tmp_path / "acme.qsf")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "acme-q"), "--survey", str(raw["csv"]),
                                      "--customers", str(raw["crm"]), "--qsf", str(qsf)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "acme-q" / "survey.qsf").is_file()
    bad = tmp_path / "bad.qsf"
    bad.write_text("{not json")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "acme-b"), "--survey", str(raw["csv"]),
                                      "--customers", str(raw["crm"]), "--qsf", str(bad)])
    assert result.exit_code == 2 and "bad.qsf: not a Qualtrics survey file" in result.output
    assert not (tmp_path / "acme-b").exists()


def test_raw_files_copied_unchanged(raw):
    for kind, name in (("csv", "survey.csv"), ("sav", "survey.sav")):
        assert _sha(raw[f"{kind}_folder"] / name) == _sha(raw[kind])
        assert _sha(raw[f"{kind}_folder"] / "customers.csv") == _sha(raw["crm"])


# -- the raw client exports of tests/raw_exports.py (Qualtrics CSV, .sav, .qsf, CRM) against the truth --------

def _cell(v):
    """A cell as the researcher reads it: blank, a number without trailing zeros, or the text."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v == "":
        return ""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return str(int(f)) if f.is_integer() else str(f)


def _flat(d, prefix=""):
    if isinstance(d, dict):
        return {k2: v2 for k, v in d.items() for k2, v2 in _flat(v, f"{prefix}.{k}" if prefix else k).items()}
    return {prefix: d}


@pytest.fixture(scope="module")
def client_exports(tmp_path_factory):
    from raw_exports import write_raw_exports

    tmp = tmp_path_factory.mktemp("client")
    raw = write_raw_exports(tmp / "delivered", n_customers=300, seed=3)
    drafts = {"csv": init_engagement(tmp / "acme", survey=raw.qualtrics_csv, customers=raw.crm_csv, client="Acme"),
              "sav": init_engagement(tmp / "acme-sav", survey=raw.sav, customers=raw.crm_csv, client="Acme"),
              "qsf": init_engagement(tmp / "acme-qsf", survey=raw.qualtrics_csv, customers=raw.crm_csv, client="Acme",
                                     qsf=raw.qsf)}
    return raw, drafts


def _edits(raw, folder, kind):
    """Cells a researcher edits from the draft to the final files (raw.truth), without the judgments no
    export holds: each element's stage and dimension, the motivator of items whose wording names none."""
    truth = raw.truth
    final_cfg = truth["sav_engagement_yaml" if kind == "sav" else "engagement_yaml"]
    final_cb = truth["sav_codebook" if kind == "sav" else "codebook"].set_index("column")
    cfg, cb = _draft(folder)
    edits = [(key, _flat(cfg).get(key)) for key in set(_flat(cfg)) | set(_flat(final_cfg))
             if _cell(_flat(cfg).get(key)) != _cell(_flat(final_cfg).get(key))]
    for col in final_cb.index:
        for field in final_cb.columns:
            judgment = field in ("stage", "dimension") or (
                field == "motivator" and not truth["items"].get(col, {}).get("names_motivator", True))
            if not judgment and _cell(cb[field].get(col)) != _cell(final_cb.loc[col, field]):
                edits.append((col, field))
    edits += [(col, "extra row") for col in cb.index if col not in final_cb.index]
    return edits


@pytest.mark.parametrize("kind", ["csv", "sav", "qsf"])
def test_client_exports_need_at_most_25_edited_cells(client_exports, kind):
    """The issue's acceptance: from cx init to the final files in at most 25 cells (measured: 4 - the
    satisfaction top-box, the extract date, IPAddress drafted pii where the final says ignore, one label whose
    double space the draft collapsed)."""
    raw, drafts = client_exports
    edits = _edits(raw, drafts[kind], "sav" if kind == "sav" else "csv")
    assert len(edits) <= 25, edits
    assert ("satisfaction.top_box", "FILL_ME") in edits  # a judgment the draft leaves, with its comment


@pytest.mark.parametrize("kind", ["csv", "sav", "qsf"])
def test_client_exports_roles_scales_elements_and_missing_codes(client_exports, kind):
    raw, drafts = client_exports
    truth = raw.truth
    final = truth["sav_codebook" if kind == "sav" else "codebook"].set_index("column")
    _, cb = _draft(drafts[kind])
    assert list(cb.index) == list(final.index)  # one row per survey column but the id
    assert not cb["role"].isin(["", "FILL_ME"]).any()  # no role left blank
    unanalysed = cb["role"].isin(["ignore", "pii"]) & final["role"].isin(["ignore", "pii"])
    assert (cb["role"].eq(final["role"]) | unanalysed).all()
    assert set(cb.index[cb["role"] == "pii"]) >= set(truth["pii_columns"])  # recipients never analysed
    for field in ("scale_min", "scale_max", "missing_codes", "element"):
        assert cb[field].map(_cell).eq(final[field].map(_cell)).all(), field
    for element, info in truth["elements"].items():  # paired by wording: Q4 asks in another order
        assert cb.loc[info["performance_column"], "element"] == cb.loc[info["importance_column"], "element"] == element


@pytest.mark.parametrize("kind", ["csv", "sav"])
def test_client_exports_motivators_matched_where_the_wording_names_one(client_exports, kind):
    raw, drafts = client_exports
    _, cb = _draft(drafts[kind])
    for col, item in raw.truth["items"].items():
        assert cb.loc[col, "motivator"] == (item["motivator"] if item["names_motivator"] else "FILL_ME"), col


@pytest.mark.parametrize("kind", ["csv", "sav"])
def test_client_exports_engagement_yaml(client_exports, kind):
    raw, drafts = client_exports
    final = raw.truth["sav_engagement_yaml" if kind == "sav" else "engagement_yaml"]
    cfg, _ = _draft(drafts[kind])
    for key in ("id", "respondents", "advocacy", "privacy", "covariates", "value", "connection"):
        assert cfg[key] == final[key], key
    assert cfg["satisfaction"] == {"column": final["satisfaction"]["column"], "top_box": "FILL_ME"}
    attrition = dict(cfg["attrition"], observed_until=final["attrition"]["observed_until"])
    assert attrition == final["attrition"]  # observed_until: the latest date seen, not the extract's own date
    assert cfg["attrition"]["observed_until"] <= final["attrition"]["observed_until"]


def test_validate_reports_every_codebook_fill_me(raw, tmp_path):
    """The draft as cx init leaves it: one round of cx validate lists every FILL_ME, in engagement.yaml and in
    the codebook, each once (not again as a blank motivator, stage or dimension)."""
    folder = init_engagement(tmp_path / "acme-v", survey=raw["csv"], customers=raw["crm"])
    with pytest.raises(DataError) as info:
        cx.load_engagement(folder)
    todo = [p for p in info.value.problems if "fill_me" in str(p).lower()]
    assert {p.file for p in todo} == {"engagement.yaml", "codebook.csv"}
    assert {p.column for p in todo if p.file == "codebook.csv"} >= {"motivator", "stage", "dimension"}
    assert not [p for p in info.value.problems if "no stage" in str(p) or "do not name" in str(p)], str(info.value)
    text = (folder / "engagement.yaml").read_text(encoding="utf-8").replace("top_box: FILL_ME", "top_box: 9")
    (folder / "engagement.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        cx.load_engagement(folder)
    reported = {p.column for p in info.value.problems if "fill_me" in str(p).lower()}
    assert reported >= {"motivator", "stage", "dimension"}, str(info.value)


def test_qualtrics_extras_blank_items_and_answer_texts(tmp_path):
    """System fields, display order and the derived NPS group are ignored; a matrix item nobody answered keeps
    its block's role; answers exported as texts are left for the researcher with a note to export codes."""
    n = 40
    rng = np.random.default_rng(0)
    survey = pd.DataFrame({
        "ResponseId": [f"R_{i}" for i in range(n)], "Q_RecaptchaScore": ["0.9"] * n, "Q2_DO": ["1|2|3"] * n,
        **{f"Q2_{k}": [str(v) for v in rng.integers(1, 6, n)] for k in (1, 2)}, "Q2_3": [""] * n,
        "Q5": [str(v) for v in rng.integers(0, 11, n)], "Q5_NPS_GROUP": [str(v) for v in rng.integers(1, 4, n)],
        "Q7": [["Strongly agree", "Agree", "Disagree"][i % 3] for i in range(n)],
        "cid": [f"{i:05d}" for i in range(n)]})
    labels = {"Q2_1": "How much do you agree? - I feel secure with Acme", "Q2_2": "How much do you agree? - I belong",
              "Q2_3": "How much do you agree? - Acme gives me a sense of freedom", "Q5": "Would you recommend Acme?",
              "Q5_NPS_GROUP": "Would you recommend Acme? - Group", "Q7": "Acme is good value"}
    path = write_survey(survey, tmp_path / "export.csv", "qualtrics", labels=labels)
    pd.DataFrame({"cid": survey["cid"], "UsageLevel": ["low", "high"] * (n // 2),
                  "Spend_Date": ["2026-01-02"] * n, "Active": ["Yes", "No"] * (n // 2),
                  "Tenure_Days": [str(100 + i) for i in range(n)]}).to_csv(tmp_path / "crm.csv", index=False)
    folder = init_engagement(tmp_path / "extras", survey=path, customers=tmp_path / "crm.csv")
    cfg, cb = _draft(folder)
    assert cb.loc[["Q_RecaptchaScore", "Q2_DO", "Q5_NPS_GROUP", "ResponseId"], "role"].eq("ignore").all()
    assert cb.loc[["Q2_1", "Q2_2", "Q2_3"], "role"].eq("motivator_item").all()
    assert cb.loc["Q2_3", ["motivator", "scale_min", "scale_max"]].tolist() == ["feel a sense of freedom", "1", "5"]
    assert cb.loc["Q7", "role"] == "FILL_ME"
    assert "Q7 hold answer texts (e.g. 'Strongly agree'), not codes" in (folder / "engagement.yaml").read_text()
    # CRM names read word by word: "Spend_Date" is no end date, "UsageLevel" no age; "Active" is the inverse event
    assert cfg["attrition"] == {"duration": "Tenure_Days", "event": "Active",
                                "event_values": {"left": ["No"], "stayed": ["Yes"]}, "horizon": 365}
    assert "covariates" not in cfg


def test_block_kind_from_stem_scale_and_statements():
    from cxlib.init import _classify_block, _Column

    def block(stem, statements, codes=None):
        return [_Column(name=f"Q9_{k}", label=f"{stem} - {s}", stem=stem, statement=s, block="Q9",
                        numbers=pd.Series([1.0]), n_answered=1, text=pd.Series(["1"]), codes=codes or {})
                for k, s in enumerate(statements, 1)]

    assert _classify_block(block("How would you rate us on each?", ["Secure payment", "Safe parking"])) == "performance"
    assert _classify_block(block("How important is each to you?", ["Secure payment", "Safe parking"])) == "importance"
    agree = {1.0: "Strongly disagree", 5.0: "Strongly agree"}
    assert _classify_block(block("Please tell us", ["Acme gets me", "I feel at home"], agree)) == "motivator"
    assert _classify_block(block("Acme...", ["helps me feel secure", "helps me succeed in life"])) == "motivator"
    assert _classify_block(block("Please tell us", ["Opening hours", "Store layout"])) is None  # left FILL_ME


def test_demo_style_names_are_not_personal_data(tmp_path):
    """cx synth's column names: 'phone' or 'mobile' in a rated question's name is no phone number."""
    n = 40
    rng = np.random.default_rng(2)
    survey = pd.DataFrame({"customer_id": [f"{i:04d}" for i in range(n)],
                           **{c: [str(v) for v in rng.integers(1, 11 if c.startswith("perf") else 6, n)]
                              for c in ("perf_phone_support_hours", "imp_phone_support_hours", "perf_mobile_app",
                                        "imp_mobile_app", "mot_standout_1", "mot_person_1")}})
    survey.to_csv(tmp_path / "s.csv", index=False)
    pd.DataFrame({"customer_id": survey["customer_id"], "mobile": [f"06-{10000000 + i}" for i in range(n)]}).to_csv(
        tmp_path / "c.csv", index=False)
    cfg, cb = _draft(init_engagement(tmp_path / "demo", survey=tmp_path / "s.csv", customers=tmp_path / "c.csv"))
    assert cb.loc["perf_phone_support_hours", ["role", "element"]].tolist() == ["element_performance",
                                                                                "Phone support hours"]
    assert cb.loc["imp_mobile_app", ["role", "element"]].tolist() == ["element_importance", "Mobile app"]
    assert cb.loc[["mot_standout_1", "mot_person_1"], "motivator"].tolist() == [
        "stand out from the crowd", "be the person I want to be"]
    assert cfg["privacy"]["pii"] == ["mobile"]  # the customers' phone numbers are
