"""cxlib.diagnostics: each silent mistake of issue #16 planted in a copy of a synthetic engagement gives a
warning naming the file, the column and the spreadsheet rows; a clean engagement gives none.

References: the expected rows are computed here from where the mistake was planted (frame position + 2 for
the synthetic frames, which have a RangeIndex and count as CSVs; codebook position + 2), not read back from
the module.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxlib
from cxlib.diagnostics import diagnose, leading_zero_hint

FIRST_ROWS = {"survey": 2, "customers": 2, "codebook": 2}


@pytest.fixture(scope="module")
def eng():
    return cxlib.synth.make_engagement("retailer", 300, seed=0)[0]


def run(eng, *, survey=None, customers=None, codebook=None, config=None, first_rows=FIRST_ROWS):
    return diagnose(survey=eng.survey if survey is None else survey,
                    customers=eng.customers if customers is None else customers,
                    codebook=eng.codebook if codebook is None else codebook,
                    config=eng.config if config is None else config, files=eng.files, first_rows=first_rows)


def rows(positions, first=2):
    """The expected '(rows ...)' text, written out independently of the module's formatter."""
    idx = sorted(int(p) + first for p in positions)
    head = ", ".join(map(str, idx[:5])) + (f", … {len(idx) - 5} more" if len(idx) > 5 else "")
    return f"({'row' if len(idx) == 1 else 'rows'} {head})"


def only(warnings, needle):
    hits = [w for w in warnings if needle in w]
    assert len(hits) == 1, warnings
    return hits[0]


def cb_rows(eng, mask):
    return rows(np.flatnonzero(np.asarray(mask)), first=2)


# -- a clean engagement -----------------------------------------------------------------------------

@pytest.mark.parametrize("n, seed", [(300, 0), (120, 1)])
def test_a_clean_engagement_gives_no_warning(eng, n, seed):
    e = eng if (n, seed) == (300, 0) else cxlib.synth.make_engagement("retailer", n, seed=seed)[0]
    assert run(e) == []


def test_clean_qualtrics_columns_and_zero_padded_ids_give_no_warning(eng):
    survey, customers = eng.survey.copy(), eng.customers.copy()
    survey["Finished"], survey["Progress"] = "True", "100"
    pad = lambda s: s.str[1:].str.zfill(8)  # 'R000001' -> '00000001', both files alike
    survey["customer_id"], customers["customer_id"] = pad(survey["customer_id"]), pad(customers["customer_id"])
    assert run(eng, survey=survey, customers=customers) == []


# -- 1. scale ends nobody used ----------------------------------------------------------------------

def test_motivator_items_answered_1_to_5_on_a_declared_1_to_7_scale(eng):
    survey = eng.survey.copy()
    mot = eng.codebook.loc[eng.codebook["role"] == "motivator_item", "column"].tolist()
    survey[mot] = np.ceil(survey[mot] * 5 / 7)  # the answers a 1–5 scale gives
    w = only(run(eng, survey=survey), "scale_max")
    assert w.startswith("codebook.csv: column 'scale_max': the codebook gives the 30 motivator items ('mot_standout_1'")
    assert "scale 1–7" in w and "above 5" in w and "is the scale 1–5?" in w
    assert cb_rows(eng, eng.codebook["role"] == "motivator_item") == "(rows 4, 5, 6, 7, 8, … 25 more)"
    assert "(rows 4, 5, 6, 7, 8, … 25 more)" in w  # mot_standout_1 is codebook position 2: spreadsheet row 4


def test_an_unused_bottom_end_is_reported_with_its_scale(eng):
    survey = eng.survey.copy()
    imp = eng.codebook.loc[eng.codebook["role"] == "element_importance", "column"].tolist()
    survey[imp] = survey[imp].clip(lower=2)
    w = only(run(eng, survey=survey), "scale_min")
    assert "60 element importance questions" in w and "below 2" in w and "is the scale 2–5?" in w
    assert cb_rows(eng, eng.codebook["role"] == "element_importance") in w


def test_a_thin_tail_or_too_few_answers_is_not_a_wrong_scale(eng):
    survey = eng.survey.copy()
    survey["overall_sat"] = survey["overall_sat"].clip(upper=8)  # 9 and 10 unused, 8 piles up
    one = only(run(eng, survey=survey), "satisfaction question")
    assert "'overall_sat' the scale 0–10" in one
    assert "(row 2): is the scale 0–8? If so, correct scale_max on this row" in one
    # The same with 80 answers: too few to judge.
    small = survey.iloc[:80]
    assert not [w for w in run(eng, survey=small) if "scale" in w]
    # A bottom nobody reached with only a trickle above it (the clean data: nobody answered 0–2).
    assert eng.survey["overall_sat"].min() > 0 and run(eng) == []


# -- 2. names that differ only in case, spacing or punctuation --------------------------------------

def test_motivator_names_differing_in_case(eng):
    cb = eng.codebook.copy()
    first = int(np.flatnonzero(cb["column"] == "mot_succeed_1")[0])
    cb.loc[first, "motivator"] = "Succeed in life"
    w = only(run(eng, codebook=cb), "differ only")
    assert w == (f"codebook.csv: column 'motivator': 'Succeed in life' {rows([first])} and 'succeed in life' "
                 f"{rows([first + 1, first + 2])} differ only in case: one motivator or two? As written they are "
                 f"analysed as 2 motivators; if they are one, spell them the same")
    # ...which also leaves a one-item motivator.
    assert "motivator 'Succeed in life' has a single item ('mot_succeed_1')" in only(run(eng, codebook=cb), "single")


def test_stage_and_element_names_differing_in_spacing_and_punctuation(eng):
    cb = eng.codebook.copy()
    pair = cb.index[cb["element"] == "Fast checkout"]
    two_words = next(s for s in cb["stage"].dropna().unique() if " " in str(s))  # e.g. 'Receiving the order'
    odd = str(two_words).lower().replace(" ", "  ")
    cb.loc[pair, "stage"] = odd
    other = cb.index[cb["element"] == "Clear receipt"]
    cb.loc[other, "element"] = "Fast checkout."
    warnings = run(eng, codebook=cb)
    stage = only(warnings, "column 'stage'")
    assert f"'{odd}' " + rows(pair) in stage and "differ only in case and spacing: one stage or two?" in stage
    element = only(warnings, "column 'element'")
    assert (f"'Fast checkout' {rows(pair)} and 'Fast checkout.' {rows(other)} differ only in punctuation: one "
            "element or two?") in element


# -- 3. one-item motivators -------------------------------------------------------------------------

def test_one_item_motivators_are_listed(eng):
    cb = eng.codebook.copy()
    cb.loc[cb["column"].isin(["mot_secure_2", "mot_secure_3"]), "motivator"] = "feel a sense of freedom"
    cb.loc[cb["column"].isin(["mot_thrill_2", "mot_thrill_3"]), "motivator"] = "feel a sense of freedom"
    w = only(run(eng, codebook=cb), "single item")
    singles = np.flatnonzero(cb["column"].isin(["mot_secure_1", "mot_thrill_1"]))
    assert w.startswith("codebook.csv: column 'motivator': 2 motivators have a single item: "
                        "'feel a sense of thrill' ('mot_thrill_1'), 'feel secure' ('mot_secure_1') " + rows(singles))


# -- 4. partial responses kept ----------------------------------------------------------------------

def test_unfinished_and_low_progress_responses_kept(eng):
    survey = eng.survey.copy()
    survey["Finished"], survey["Progress"] = "True", "100"
    survey.loc[[3, 7, 40], "Finished"] = "False"
    survey.loc[[7, 50], "Progress"] = "45"
    warnings = run(eng, survey=survey)
    fin = only(warnings, "column 'Finished'")
    assert fin.startswith("survey.csv: column 'Finished': 3 unfinished responses are analysed (Finished is 'False') "
                          "(rows 5, 9, 42)")
    assert 'respondents: {drop: [{column: Finished, equals: "False"}]}' in fin
    prog = only(warnings, "column 'Progress'")  # row 9 is already counted under Finished
    assert "1 response with Progress below 100 is analysed (lowest 45) (row 52)" in prog
    assert "{column: Progress, below: 100}" in prog


def test_respondents_answering_fewer_than_half_the_rated_questions(eng):
    survey = eng.survey.copy()
    rated = eng.codebook.loc[eng.codebook["role"].isin(["satisfaction", "motivator_item", "element_performance",
                                                        "element_importance", "advocacy"]), "column"].tolist()
    survey.loc[[10, 20], rated[5:]] = np.nan  # five answers left of 152
    w = only(run(eng, survey=survey), "fewer than half")
    assert w.startswith("survey.csv: 2 respondents answered fewer than half of the 152 rated questions (rows 12, 22)")
    # Already reported as unfinished: not counted twice.
    survey["Finished"] = "True"
    survey.loc[[10, 20], "Finished"] = "0"
    warnings = run(eng, survey=survey)
    assert not [w for w in warnings if "fewer than half" in w]
    assert "{column: Finished, equals: 0}" in only(warnings, "unfinished")


# -- 5.-7. attrition --------------------------------------------------------------------------------

def months_config(eng, column):
    cfg = {**eng.config, "attrition": {**eng.config["attrition"], "duration": column}}
    return cfg


def test_durations_in_months(eng):
    customers = eng.customers.copy()
    customers["tenure_days"] = np.round(customers["tenure_days"] / 30.4)
    w = only(run(eng, customers=customers), "months")
    assert w.startswith("customers.csv: column 'tenure_days': the attrition duration looks like months, not days "
                        f"(every value is a whole number and the largest is {customers['tenure_days'].max():g}, "
                        "while the horizon is 365 days)")
    # The horizon warning it would also cause is not repeated, but the message names the horizon.
    assert w.endswith(f"if they are days, no respondent was followed for the 365-day horizon: lower "
                      f"attrition.horizon to at most {customers['tenure_days'].max():g}")
    assert not [x for x in run(eng, customers=customers) if "followed that long" in x]


def test_a_duration_named_in_months_and_not_when_built_from_dates(eng):
    customers = eng.customers.rename(columns={"tenure_days": "Tenure_Months"})
    cfg = months_config(eng, "Tenure_Months")
    assert "(its name says months)" in only(run(eng, customers=customers, config=cfg), "looks like months")
    cfg["attrition"]["from_dates"] = True
    assert not [w for w in run(eng, customers=customers, config=cfg) if "months" in w]


def test_a_horizon_longer_than_follow_up(eng):
    cfg = {**eng.config, "attrition": {**eng.config["attrition"], "horizon": 1000}}
    longest = eng.customers["tenure_days"].max()  # every customer is a respondent in the synthetic data
    w = only(run(eng, config=cfg), "followed that long")
    assert w.startswith(f"customers.csv: column 'tenure_days': the attrition horizon is 1000 days, but no respondent "
                        f"was followed that long (the longest follow-up is {longest:g} days)")
    cfg["attrition"]["horizon"] = float(longest)
    assert run(eng, config=cfg) == []


def test_respondents_leaving_on_the_day_they_answered(eng):
    customers = eng.customers.copy()
    planted = [4, 9, 33, 120, 200]
    customers.loc[planted, ["tenure_days", "churned"]] = [0.0, 1]
    w = only(run(eng, customers=customers), "on the day they answered")
    assert w.startswith(f"customers.csv: column 'tenure_days': 5 respondents left on the day they answered (0 days "
                        f"observed and churned = 1) {rows(planted)}")
    customers.loc[planted[2:], "tenure_days"] = 5.0  # two are not "many"
    assert run(eng, customers=customers) == []


def test_accounts_closed_before_the_response_with_attrition_from_dates(eng):
    customers = eng.customers.copy()
    customers["followup_start"] = pd.Timestamp("2025-06-01 14:30")
    customers["Closed_Date"] = None
    customers.loc[[2, 8], "Closed_Date"] = "2025-05-20"   # before the response
    customers.loc[[5], "Closed_Date"] = "2025-06-01"      # the same day: not before
    cfg = {**eng.config, "attrition": {**eng.config["attrition"], "from_dates": True, "start": "followup_start",
                                       "end": "Closed_Date", "observed_until": pd.Timestamp("2026-11-15")}}
    w = only(run(eng, customers=customers, config=cfg), "closed before")
    assert w.startswith("customers.csv: column 'Closed_Date': 2 respondents' accounts closed before they answered "
                        "the survey (rows 4, 10)")
    # The start may be a survey column (the response date), carried to the customer by id.
    survey = eng.survey.copy()
    survey["RecordedDate"] = "2025-06-01 09:00:00"
    cfg["attrition"]["start"] = "RecordedDate"
    assert "(rows 4, 10)" in only(run(eng, survey=survey, customers=customers, config=cfg), "closed before")
    customers.loc[8, "Closed_Date"] = None
    assert "1 respondent's account closed before they answered the survey (row 4)" in only(
        run(eng, survey=survey, customers=customers, config=cfg), "closed before")


# -- 8. ids that lost their leading zeros -----------------------------------------------------------

def test_leading_zero_hint_examples_and_count():
    survey = pd.Series(["12345", "777", "5", "99", "4242", "R1"])
    customers = pd.Series(["0012345", "000777", "0000005", "0000099", "4242", "R01"])
    assert leading_zero_hint(survey, customers) == (
        "'12345' in the survey matches '0012345' in the customers file, '777' matches '000777' and '5' matches "
        "'0000005' (4 ids in all): a spreadsheet probably dropped leading zeros; re-export the ids as text")
    # Either file may have lost them; ids read as numbers (12345.0) count as their digits.
    assert leading_zero_hint(pd.Series(["0012345"]), pd.Series([12345.0])).startswith(
        "'0012345' in the survey matches '12345' in the customers file")
    assert leading_zero_hint(pd.Series(["1", "R1"]), pd.Series(["1", "R01", "2"])) is None


def padded(eng, width=8):
    pad = lambda s: s.str[1:].str.zfill(width)  # 'R000123' -> '00000123'
    return eng.survey.assign(customer_id=pad(eng.survey["customer_id"])), \
        eng.customers.assign(customer_id=pad(eng.customers["customer_id"]))


def test_survey_ids_that_lost_their_zeros(eng):
    survey, customers = padded(eng)
    lost = [0, 6, 17]
    before = survey.loc[0, "customer_id"]  # the id as the customers file writes it (every id has its row)
    survey.loc[lost, "customer_id"] = survey.loc[lost, "customer_id"].str.lstrip("0")
    w = only(run(eng, survey=survey, customers=customers), "leading zeros")
    assert w.startswith(f"survey.csv: column 'customer_id': 3 respondent ids are shorter than the 8-digit ids of "
                        f"customers.csv, which are padded with leading zeros {rows(lost)}: "
                        f"'{before.lstrip('0')}' in the survey matches '{before}' in the customers file")


def test_unmatched_ids_matching_without_zeros_when_widths_vary(eng):
    survey, customers = padded(eng)
    customers.loc[customers.index[:5], "customer_id"] = "1234567890"  # the customers' widths vary: no fixed width
    victim = int(np.flatnonzero(survey["customer_id"].isin(customers["customer_id"]))[0])
    survey.loc[victim, "customer_id"] = survey.loc[victim, "customer_id"].lstrip("0")
    w = only(run(eng, survey=survey, customers=customers), "leading zeros were ignored")
    assert w.startswith(f"survey.csv: column 'customer_id': 1 respondent without a row in customers.csv would have "
                        f"one if leading zeros were ignored {rows([victim])}")


def test_customer_ids_that_lost_their_zeros(eng):
    survey, customers = padded(eng)
    extra = pd.DataFrame({"customer_id": ["42", "1234"]}, index=[300, 301])  # non-respondents, zeros lost
    customers = pd.concat([customers, extra])
    w = only(run(eng, survey=survey, customers=customers), "customer ids are shorter")
    assert w.startswith("customers.csv: column 'customer_id': 2 customer ids are shorter than the 8-digit ids of "
                        "survey.csv, which are padded with leading zeros (rows 302, 303)")


def test_rows_follow_first_rows_and_index_labels(eng):
    """A Qualtrics export (data from row 4) with dropped rows: rows are label + first row, not positions."""
    survey = eng.survey.copy()
    survey["Finished"] = "True"
    survey.loc[[3], "Finished"] = "False"
    survey = survey.drop(index=[0, 1])  # dropped by respondents.drop: gaps in the labels
    w = only(run(eng, survey=survey, first_rows={**FIRST_ROWS, "survey": 4}), "unfinished")
    assert "(row 7)" in w


# -- 9. personal data in the customers file not listed in privacy.pii ----------------------------------------

def test_customers_columns_holding_personal_data_are_named_until_listed_in_privacy_pii(eng):
    customers = eng.customers.assign(
        Email=[f"person{i}@example.com" for i in range(len(eng.customers))],
        Phone=[f"+31 6 {1000_0000 + i}" for i in range(len(eng.customers))],
        Customer_Name=[f"Name {i}" for i in range(len(eng.customers))],
        Open_Date="2024-01-05")  # dates are not phone numbers
    w = only(run(eng, customers=customers), "look like personal data")
    assert "'Email', 'Phone', 'Customer_Name'" in w and "Open_Date" not in w
    assert "privacy: {pii: [Email, Phone, Customer_Name]}" in w
    listed = {**eng.config, "privacy": {**eng.config["privacy"], "pii": ["Email", "Phone", "Customer_Name"]}}
    assert not [x for x in run(eng, customers=customers, config=listed) if "personal data" in x]


def test_a_misspelt_motivator_name_gets_a_did_you_mean(eng):
    cb = eng.codebook.copy()
    first = cb.index[cb["motivator"] == "succeed in life"]
    cb.loc[first, "motivator"] = "succed in life"
    w = only(run(eng, codebook=cb), "is not one of the ten motivators")
    assert "'succed in life'" in w and "did you mean 'succeed in life'?" in w
    assert cb_rows(eng, cb["motivator"] == "succed in life") in w
    assert not [x for x in run(eng) if "ten motivators" in x]
