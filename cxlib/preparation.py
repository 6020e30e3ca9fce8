"""Preparing raw client exports for validation: the rules of ``engagement.yaml``, applied without a script.

A client's files arrive as exported: a Qualtrics survey with previews, test and partial responses, a CRM
extract with its own id name, dates instead of days and ``Y/N`` flags. ``engagement.yaml`` says what to do
with them (docs/engagement-format.md) and :func:`prepare` does it, in this order, on copies (raw files are
never edited):

1. ``id: {survey: CustomerID, customers: Customer_ID}``: the customers' id column is renamed to the survey's.
2. ``respondents.drop``: survey rows matching a rule are left out (previews, tests, partial or anonymous
   responses). A row is counted under the first rule that drops it.
3. ``respondents.duplicates``: ``latest`` keeps each customer's latest response (by ``respondents.date``),
   ``first`` the first in the file; ``error`` (the default) leaves duplicates for validation to report.
4. ``missing_codes`` in the codebook: answers such as ``8`` ("not applicable") become blank.
5. ``attrition``: ``event_values`` map a ``Y/N`` flag to 1/0; with ``start``/``end``/``observed_until`` the days
   observed are built from dates (``end`` blank: still a customer on ``observed_until``), and respondents
   whose account closed before their response are left out (they were no longer customers when they answered).

Every rule's effect is a :class:`Step` in the returned :class:`Preparation`, which ``Engagement.preparation``
keeps, ``run.json`` records and the methods appendix states. Row labels are kept: a survey row's index is its
position among the raw file's data rows, so later messages still name the spreadsheet row.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError
from .schema import cell_text, fail, timestamps  # one cell and date reader for every file

__all__ = ["Step", "Preparation", "prepare", "DERIVED_DURATION", "DERIVED_EVENT", "DERIVED_START"]

# Columns built here carry the package's prefix, so that they cannot be a client's own; preparing an already
# prepared table overwrites them (preparing twice gives the same frames).
DERIVED_DURATION = "cx_days_observed"
DERIVED_EVENT = "cx_left"
DERIVED_START = "cx_followup_start"


@dataclass(frozen=True)
class Step:
    """One preparation rule and what it did.

    Examples
    --------
    >>> step = Step("survey.csv", "Finished is 'False'", "dropped", 37)
    >>> step.sentence()
    "37 responses left out: Finished is 'False'"
    >>> Step("survey.csv", "Q3_4 coded 11 (missing_codes)", "blanked", 1).sentence()
    '1 answer read as no answer: Q3_4 coded 11 (missing_codes)'

    Attributes
    ----------
    file : str
        The file the rule applies to.
    rule : str
        The rule in words, e.g. ``"Status is 'Survey Preview'"``.
    action : str
        ``"dropped"`` (rows left out) or ``"blanked"`` (answers set to no answer).
    rows : int
        Rows dropped, or answers blanked.
    """

    file: str
    rule: str
    action: str
    rows: int

    def sentence(self) -> str:
        what = "response" if self.action == "dropped" else "answer"
        verb = "left out" if self.action == "dropped" else "read as no answer"
        return f"{self.rows:,} {what}{'s' * (self.rows != 1)} {verb}: {self.rule}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "rule": self.rule, "action": self.action, "rows": self.rows}


@dataclass(frozen=True)
class Preparation:
    """What :func:`prepare` did: every rule with the rows it dropped or the answers it blanked.

    Examples
    --------
    >>> p = Preparation(survey_rows=10, steps=(Step("survey.csv", "Status is 'Survey Preview'", "dropped", 2),))
    >>> p.dropped, p.kept
    (2, 8)
    >>> p.sentences()
    ["2 responses left out: Status is 'Survey Preview'"]
    """

    survey_rows: int
    steps: tuple[Step, ...] = ()

    @property
    def dropped(self) -> int:
        return sum(s.rows for s in self.steps if s.action == "dropped")

    @property
    def kept(self) -> int:
        return self.survey_rows - self.dropped

    def sentences(self) -> list[str]:
        return [s.sentence() for s in self.steps if s.rows]

    def to_dict(self) -> dict[str, Any]:
        return {"survey_rows": self.survey_rows, "dropped": self.dropped, "kept": self.kept,
                "steps": [s.to_dict() for s in self.steps]}


def _as_number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _same(cell: str | None, wanted: Any) -> bool:
    """Text equal ignoring case and surrounding blanks; numbers equal as numbers (``0`` = ``0.0`` = ``"0"``)."""
    if cell is None:
        return False
    want = cell_text(wanted) if not isinstance(wanted, bool) else str(wanted)
    if want is None:
        return False
    a, b = _as_number(cell), _as_number(want)
    if a is not None and b is not None:
        return a == b
    return cell.lower() == want.lower()


def _need_column(frame: pd.DataFrame, column: str, file: str, what: str) -> None:
    if column not in frame.columns:
        hint = difflib.get_close_matches(column, [str(c) for c in frame.columns], n=1)
        raise DataError(f"{file}: column {column!r} is missing (named by {what} in engagement.yaml)"
                        + (f"; did you mean {hint[0]!r}?" if hint else ""), file=file, column=column)


def _rule_text(rule: dict[str, Any]) -> str:
    col = rule["column"]
    if "equals" in rule:
        return f"{col} is {rule['equals']!r}"
    if "in" in rule:
        return f"{col} is one of {', '.join(map(repr, rule['in']))}"
    if "blank" in rule:
        return f"{col} is blank"
    if "below" in rule:
        return f"{col} is below {rule['below']:g}"
    return f"{col} is above {rule['above']:g}"


def _matches(values: pd.Series, rule: dict[str, Any]) -> np.ndarray:
    text = values.map(cell_text)
    if "blank" in rule:
        return text.isna().to_numpy()
    if "equals" in rule or "in" in rule:
        wanted = [rule["equals"]] if "equals" in rule else list(rule["in"])
        return text.map(lambda v: any(_same(v, w) for w in wanted)).to_numpy(dtype=bool)
    num = text.map(_as_number).astype(float)
    return (num < rule["below"]).to_numpy() if "below" in rule else (num > rule["above"]).to_numpy()


def _drop(survey: pd.DataFrame, mask: np.ndarray, file: str, rule: str, steps: list[Step]) -> pd.DataFrame:
    steps.append(Step(file, rule, "dropped", int(mask.sum())))
    return survey.loc[~mask]


def prepare(survey: pd.DataFrame, customers: pd.DataFrame, codebook: pd.DataFrame, config: dict[str, Any], *,
            files: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], Preparation]:
    """Apply ``engagement.yaml``'s preparation rules to raw tables (see the module docstring).

    Parameters
    ----------
    survey, customers : DataFrame
        The tables as read (text, or typed from SPSS/Parquet), indexed by their data-row positions; never
        modified.
    codebook : DataFrame
        The validated codebook (its ``missing_codes``).
    config : dict
        The validated configuration (``cxlib.schema.validate_config``).
    files : dict
        File name per role, for messages.

    Returns
    -------
    survey, customers : DataFrame
        Copies with the rules applied (survey rows keep their labels).
    config : dict
        A copy in which ``attrition.duration``/``event`` (and ``start``) name the columns built here.
    Preparation

    Raises
    ------
    DataError
        A rule names a column the file lacks, a date cannot be read, or an event value is not listed.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"CustomerID": ["1", "2", "", "3"], "Status": ["IP Address", "Survey Preview",
    ...                        "IP Address", "IP Address"]})
    >>> customers = pd.DataFrame({"Customer_ID": ["1", "2", "3"]})
    >>> cfg = {"id": "CustomerID", "id_columns": {"survey": "CustomerID", "customers": "Customer_ID"},
    ...        "respondents": {"drop": [{"column": "Status", "equals": "survey preview"},
    ...                                 {"column": "CustomerID", "blank": True}], "duplicates": "error", "date": None}}
    >>> sv, cu, _, prep = prepare(survey, customers, pd.DataFrame({"column": [], "missing_codes": []}), cfg,
    ...                           files={"survey": "survey.csv", "customers": "customers.csv"})
    >>> sv.index.tolist(), list(cu.columns), prep.sentences()
    ([0, 3], ['CustomerID'], ["1 response left out: Status is 'survey preview'", '1 response left out: CustomerID is blank'])
    """
    cfg = dict(config)
    steps: list[Step] = []
    sfile, cfile = files["survey"], files["customers"]
    survey, customers = survey.copy(), customers.copy()
    n_rows = len(survey)
    ids = cfg.get("id_columns") or {"survey": cfg["id"], "customers": cfg["id"]}
    if ids["customers"] != ids["survey"] and not (ids["survey"] in customers.columns
                                                  and ids["customers"] not in customers.columns):
        # (A customers frame already prepared carries the survey's name: nothing to rename.)
        _need_column(customers, ids["customers"], cfile, "id.customers")
        if ids["survey"] in customers.columns:
            raise DataError(f"{cfile}: column {ids['survey']!r} exists, but id names {ids['customers']!r} as the "
                            f"customers' id; remove one of them", file=cfile, column=ids["survey"])
        customers = customers.rename(columns={ids["customers"]: ids["survey"]})
    resp = cfg.get("respondents") or {"drop": [], "duplicates": "error", "date": None}
    for rule in resp["drop"]:
        _need_column(survey, rule["column"], sfile, "respondents.drop")
        survey = _drop(survey, _matches(survey[rule["column"]], rule), sfile, _rule_text(rule), steps)
    date_col = resp.get("date")
    if date_col:
        _need_column(survey, date_col, sfile, "respondents.date")
    if resp["duplicates"] != "error":
        key = survey[cfg["id"]].map(cell_text) if cfg["id"] in survey.columns else None
        if key is not None:
            if resp["duplicates"] == "latest":
                when = timestamps(survey[date_col])
                bad = survey.index[when.isna().to_numpy() & key.notna().to_numpy()]
                if len(bad):
                    fail(sfile, date_col, ("response date missing or not a date (respondents.date)",
                                           "response dates missing or not dates (respondents.date)"), bad,
                         examples=survey.loc[bad, date_col])
                order = pd.DataFrame({"key": key, "when": when.to_numpy(), "pos": np.arange(len(survey))},
                                     index=survey.index).sort_values(["when", "pos"], kind="stable")
                keep_last = order.loc[order["key"].notna()].drop_duplicates("key", keep="last").index
                dup = key.notna().to_numpy() & ~survey.index.isin(keep_last)
                rule = f"the customer answered again later (the latest response by {date_col} is kept)"
            else:
                dup = (key.notna() & key.duplicated(keep="first")).to_numpy()
                rule = "the customer had answered before (the first response in the file is kept)"
            survey = _drop(survey, dup, sfile, rule, steps)
    if "missing_codes" in codebook.columns:
        for col, codes in zip(codebook["column"], codebook["missing_codes"]):
            if codes is None or col not in survey.columns:
                continue
            wanted = [c.strip() for c in str(codes).split(";") if c.strip()]
            hit = survey[col].map(cell_text).map(lambda v: any(_same(v, w) for w in wanted)).to_numpy(dtype=bool)
            if hit.any():
                survey[col] = survey[col].astype(object).where(~hit, None)
            steps.append(Step(sfile, f"{col} coded {' or '.join(wanted)} (missing_codes)", "blanked", int(hit.sum())))
    att = cfg.get("attrition")
    if att:
        before = dict(att)
        survey, customers, att = _attrition(survey, customers, cfg, dict(att), sfile, cfile, steps)
        # Which entries now name columns built here (validate_config turns them back into what was written).
        att["derived"] = {k: att[k] for k in ("duration", "event", "start") if att.get(k) != before.get(k)}
        cfg["attrition"] = att
    return survey, customers, cfg, Preparation(survey_rows=n_rows, steps=tuple(steps))


def _event(values: pd.Series, event_values: dict[str, list[str]] | None, file: str, column: str) -> pd.Series:
    """A 0/1 event from the file's values (``event_values`` for Y/N flags); unknown values are an error."""
    if not event_values:
        return values
    text = values.map(cell_text)
    left, stayed = set(event_values["left"]), set(event_values["stayed"])
    lower = text.map(lambda v: None if v is None else v.lower())
    out = lower.map(lambda v: 1.0 if v in left else 0.0 if v in stayed else np.nan)
    bad = values.index[(lower.notna() & out.isna()).to_numpy()]
    if len(bad):
        fail(file, column, (f"value is neither left ({', '.join(sorted(left))}) nor stayed "
                            f"({', '.join(sorted(stayed))}) in attrition.event_values",
                            f"values are neither left ({', '.join(sorted(left))}) nor stayed "
                            f"({', '.join(sorted(stayed))}) in attrition.event_values"), bad,
             examples=values.loc[bad])
    return out


def _attrition(survey: pd.DataFrame, customers: pd.DataFrame, cfg: dict[str, Any], att: dict[str, Any], sfile: str,
               cfile: str, steps: list[Step]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    key = cfg["id"]
    start = att.get("start")
    start_dates = None
    if start:
        if start in customers.columns:
            start_dates = timestamps(customers[start])
            bad = customers.index[start_dates.isna().to_numpy()]
            if len(bad):
                fail(cfile, start, ("date missing or not a date (attrition.start)",
                                    "dates missing or not dates (attrition.start)"), bad,
                     examples=customers.loc[bad, start])
        elif start in survey.columns:
            # A survey date (the response date): carried to each respondent's customer row.
            sv_dates = timestamps(survey[start])
            bad = survey.index[sv_dates.isna().to_numpy()]
            if len(bad):
                fail(sfile, start, ("date missing or not a date (attrition.start)",
                                    "dates missing or not dates (attrition.start)"), bad, examples=survey.loc[bad, start])
            by_id = pd.Series(sv_dates.to_numpy(), index=survey[key].map(cell_text).to_numpy())
            by_id = by_id[~by_id.index.duplicated(keep="last")]
            start_dates = pd.Series(customers[key].map(cell_text).map(by_id).to_numpy(dtype="datetime64[ns]"),
                                    index=customers.index)
        else:
            _need_column(customers, start, cfile, "attrition.start (a survey or customers date column)")
        customers[DERIVED_START] = start_dates
        att["start"] = DERIVED_START
    if att.get("event") and att["event"] not in customers.columns:
        _need_column(customers, att["event"], cfile, "attrition.event")
    if not att["from_dates"]:
        if att.get("event_values"):
            # Mapped into a column of its own: the file's column keeps its Y/N, so preparing twice is harmless.
            customers[DERIVED_EVENT] = _event(customers[att["event"]], att["event_values"], cfile, att["event"])
            att["event"] = DERIVED_EVENT
        return survey, customers, att
    _need_column(customers, att["end"], cfile, "attrition.end")
    end = timestamps(customers[att["end"]])
    unreadable = customers.index[(customers[att["end"]].map(cell_text).notna() & end.isna()).to_numpy()]
    if len(unreadable):
        fail(cfile, att["end"], ("end date is not a date (attrition.end)", "end dates are not dates (attrition.end)"),
             unreadable, examples=customers.loc[unreadable, att["end"]])
    until = att["observed_until"]
    if isinstance(until, str):
        _need_column(customers, until, cfile, "attrition.observed_until")
        until_dates = timestamps(customers[until])
    else:
        until_dates = pd.Series(pd.Timestamp(until), index=customers.index, dtype="datetime64[ns]")
    if att.get("event"):
        event = _event(customers[att["event"]], att.get("event_values"), cfile, att["event"])
        event = pd.to_numeric(event, errors="coerce")
        no_end = customers.index[((event == 1) & end.isna()).to_numpy()]
        if len(no_end):
            fail(cfile, att["end"], (f"customer marked as left ({att['event']}) has no end date",
                                     f"customers marked as left ({att['event']}) have no end date"), no_end)
    else:
        event = end.notna().astype(float)
    stop = end.where(event == 1, until_dates)
    days = (stop - start_dates).dt.total_seconds() / 86_400.0
    # Respondents whose account had closed before they answered were not customers when they answered.
    closed_before = customers.loc[(days < 0).to_numpy(), key].map(cell_text)
    if len(closed_before):
        gone = survey[key].map(cell_text).isin(set(closed_before)).to_numpy()
        survey = _drop(survey, gone, sfile, f"the account had closed ({att['end']}) before the response", steps)
        days = days.mask(days < 0)
    customers[DERIVED_DURATION] = days
    customers[DERIVED_EVENT] = event.where(days.notna())
    att.update(duration=DERIVED_DURATION, event=DERIVED_EVENT)
    return survey, customers, att
