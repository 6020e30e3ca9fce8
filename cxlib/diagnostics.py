"""What looks wrong in a valid engagement: warnings for mistakes that validation cannot prove.

Validation (:mod:`cxlib.schema`) stops at what is certainly wrong: a value outside its scale, an id without
a row. Some mistakes pass every check and still spoil the report, silently: motivator items declared 1–7
when the answers are 1–5 (nobody reaches the top, so nobody is "fully connected"), ``Succeed in life`` and
``succeed in life`` counted as two motivators, partial responses analysed as if complete, months in a
``tenure_days`` column. :func:`diagnose` looks for the signs of these on the *validated* frames and returns
one plain-English warning per finding, naming the file, the column and the spreadsheet rows, and saying
what to do::

    codebook.csv: column 'scale_max': the codebook gives the 30 motivator items ('mot_standout_1',
    'mot_standout_2', 'mot_standout_3', … 27 more) the scale 1–7, but none of their 8648 answers is above 5
    (29% are 5) (rows 4, 5, 6, 7, 8, … 25 more): is the scale 1–5? If so, correct scale_max on these rows: ...

The warnings, in the order returned
-----------------------------------
1. **A scale end nobody used**: a group of rated columns sharing a role and a scale (all motivator items
   1–7, say) with at least 100 answers, none at the top (or bottom) of the declared scale, while the
   answers pile up against the value next to it (at least 5% of them there). The pile-up is what tells a
   wrong scale from an ordinary thin tail: on a 0–10 satisfaction question nobody may answer 0, 1 or 2,
   but then the lowest answer given is rare too.
2. **Names differing only in case, spacing or punctuation** among the codebook's motivators, elements and
   stages: as written they are analysed as different names.
3. **One-item motivators**: a motivator score resting on a single question.
4. **Partial responses kept**: a Qualtrics ``Finished`` column still holding ``False``/``0``, or
   ``Progress`` below 100, after ``respondents.drop``; respondents who answered fewer than half the rated
   questions. The message gives the ``respondents.drop`` rule to add.
5. **Durations that look like months** (``attrition.duration``, not when built from dates): the column's
   name says months, or every value is a whole number and the largest is at most a third of the horizon.
6. **A horizon longer than follow-up**: no respondent was followed for ``attrition.horizon`` days.
7. **Customers closed before their response**: with attrition from dates, an end date before the start
   date; otherwise respondents who left on the day they answered (duration 0, event 1), when there are at
   least 3 of them and at least 1% of the respondents.
8. **Ids that lost their leading zeros**: respondents without a customer row whose id matches one once
   leading zeros are ignored (:func:`leading_zero_hint`), or all-digit ids of varying length in one file
   while the other file's ids are all one width and start with zeros.

Rows
----
Survey and customers rows are the frames' index labels (0-based positions among the raw file's data rows)
plus ``first_rows[role]``, the spreadsheet row of data row 0; codebook position *k* is spreadsheet row
*k* + 2 (its header is row 1).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from .schema import RATED_ROLES, cell_text, describe_rows, timestamps

__all__ = ["diagnose", "leading_zero_hint"]

#: A scale end is only judged unused with at least this many answers in the group.
MIN_ANSWERS = 100
#: ... and when at least this share of the answers sits on the outermost value used (a pile-up).
PILE_UP = 0.05
#: Zero-day departures are reported from this many respondents (and at least ZERO_DAY_SHARE of them).
ZERO_DAY_MIN = 3
ZERO_DAY_SHARE = 0.01
#: Examples shown in a sentence.
EXAMPLES = 3

ROLE_WORDS = {
    "motivator_item": ("motivator item", "motivator items"),
    "element_performance": ("element performance question", "element performance questions"),
    "element_importance": ("element importance question", "element importance questions"),
    "satisfaction": ("satisfaction question", "satisfaction questions"),
    "advocacy": ("recommendation question", "recommendation questions"),
}
NAME_FIELDS = {"motivator": "motivator", "element": "element", "stage": "stage"}
FALSE_WORDS = {"false", "0", "0.0", "no", "n", "f"}
MONTH_NAME = re.compile(r"month|mnth|maand|mnd|monat|mois|(^|[^a-z])mo($|[^a-z])", re.IGNORECASE)
DIGITS = re.compile(r"[0-9]+")


# -- small helpers ----------------------------------------------------------------------------------

def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _quoted(names: Sequence[Any], k: int = EXAMPLES) -> str:
    """``'a', 'b', 'c', … 4 more``."""
    shown = ", ".join(repr(str(n)) for n in names[:k])
    return shown + (f", … {len(names) - k} more" if len(names) > k else "")


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _canonical_name(v: str) -> str:
    return re.sub(r"[\W_]+", "", v).casefold()


def _missing_codes(codebook: pd.DataFrame) -> dict[str, set[float]]:
    """Numeric missing codes per column (``8;99``), for a codebook that has the ``missing_codes`` column."""
    if "missing_codes" not in codebook.columns:
        return {}
    out: dict[str, set[float]] = {}
    for col, codes in zip(codebook["column"], codebook["missing_codes"]):
        text = cell_text(codes)
        if text is None:
            continue
        nums = set(pd.to_numeric(pd.Series(text.split(";")).str.strip(), errors="coerce").dropna())
        if nums:
            out[str(col)] = nums
    return out


@dataclass(frozen=True)
class _Engagement:
    survey: pd.DataFrame
    customers: pd.DataFrame
    codebook: pd.DataFrame
    config: dict[str, Any]
    files: dict[str, str]
    first_rows: dict[str, int]

    def file(self, role: str) -> str:
        if role == "config":
            return self.files.get("config") or "engagement.yaml"
        return self.files.get(role) or self.config.get(role) or f"{role}.csv"

    def rows(self, role: str, labels: Iterable[Any]) -> str:
        """Spreadsheet rows of frame labels (survey, customers) or codebook positions."""
        return describe_rows([int(i) for i in labels], self.first_rows.get(role, 2))

    @property
    def id_columns(self) -> tuple[str | None, str | None, str, str]:
        """(survey id column, customers id column, and the names the files give them)."""
        ident = self.config.get("id")
        original = self.config.get("id_columns") or {}
        if isinstance(ident, dict):  # not yet normalised: the two files' own names
            original, ident = ident, ident.get("survey")
        s_col = ident if ident in self.survey.columns else None
        c_col = ident if ident in self.customers.columns else original.get("customers")
        c_col = c_col if c_col in self.customers.columns else None
        return s_col, c_col, str(original.get("survey", ident)), str(original.get("customers", ident))

    def respondent_customers(self) -> pd.DataFrame:
        """Customers rows of the survey's respondents (the ones attrition is measured on)."""
        s_col, c_col, _, _ = self.id_columns
        if s_col is None or c_col is None:
            return self.customers
        ids = set(self.survey[s_col].map(cell_text).dropna())
        return self.customers.loc[self.customers[c_col].map(cell_text).isin(ids).to_numpy()]

    def rated(self) -> pd.DataFrame:
        cb = self.codebook.reset_index(drop=True)
        return cb.loc[cb["role"].isin(RATED_ROLES) & cb["column"].isin(self.survey.columns)]

    def answers(self, columns: Sequence[str]) -> pd.DataFrame:
        """Rated answers as numbers, missing codes (if still present) as no answer."""
        codes = _missing_codes(self.codebook)
        out = self.survey[list(columns)].apply(pd.to_numeric, errors="coerce")
        for c in columns:
            if c in codes:
                out[c] = out[c].mask(out[c].isin(codes[c]))
        return out


# -- 1. scale ends nobody used ----------------------------------------------------------------------

def _unused_scale_ends(e: _Engagement) -> list[str]:
    out = []
    rated = e.rated()
    if rated.empty:
        return out
    answers = e.answers(rated["column"].tolist())
    for (role, lo, hi), group in rated.groupby(["role", "scale_min", "scale_max"], sort=False):
        cols = group["column"].tolist()
        values = answers[cols].stack().to_numpy(dtype=float)
        n = len(values)
        if n < MIN_ANSWERS:
            continue
        vmin, vmax = float(values.min()), float(values.max())
        # An end counts as unused only when the answers crowd against the value next to it.
        top = vmax < hi and np.mean(values == vmax) >= PILE_UP
        bottom = vmin > lo and np.mean(values == vmin) >= PILE_UP
        if not (top or bottom):
            continue
        one, many = ROLE_WORDS.get(role, (f"{role} question", f"{role} questions"))
        what = f"the {one} {cols[0]!r}" if len(cols) == 1 else f"the {len(cols)} {many} ({_quoted(cols)})"
        gaps = []
        if bottom:
            gaps.append(f"below {vmin:g}")
        if top:
            gaps.append(f"above {vmax:g}")
        piles = [f"{np.mean(values == v):.0%} are {v:g}" for v, hit in ((vmin, bottom), (vmax, top)) if hit]
        new_lo, new_hi = (vmin if bottom else lo), (vmax if top else hi)
        column = "scale_min' and 'scale_max" if top and bottom else "scale_max" if top else "scale_min"
        fix = " and ".join(c for c, hit in (("scale_min", bottom), ("scale_max", top)) if hit)
        answers_word = "its" if len(cols) == 1 else "their"
        out.append(
            f"{e.file('codebook')}: column '{column}': the codebook gives {what} the scale {lo:g}–{hi:g}, but none "
            f"of {answers_word} {n} answers is {' or '.join(gaps)} ({', '.join(piles)}) "
            f"{e.rows('codebook', group.index)}: is the scale {new_lo:g}–{new_hi:g}? If so, correct {fix} on "
            f"{'this row' if len(cols) == 1 else 'these rows'}: a wrong scale end makes every score built on it too "
            f"low or too high, the connection index among them")
    return out


# -- 2. names that differ only in case, spacing or punctuation --------------------------------------

_NORMALISERS = {
    "case": str.casefold,
    "spacing": lambda s: re.sub(r"\s+", "", s),
    "punctuation": lambda s: re.sub(r"[^\w\s]|_", "", s),
}


def _difference(variants: Sequence[str]) -> str:
    """The fewest of case, spacing and punctuation that make the variants one name, in words."""
    for k in range(1, 4):
        for kinds in combinations(_NORMALISERS, k):
            def norm(s: str, kinds: tuple[str, ...] = kinds) -> str:
                for kind in kinds:
                    s = _NORMALISERS[kind](s)
                return s
            if len({norm(v) for v in variants}) == 1:
                return _and(list(kinds))
    return "case, spacing and punctuation"  # pragma: no cover - the canonical key covers all three


def _near_duplicate_names(e: _Engagement) -> list[str]:
    out = []
    cb = e.codebook.reset_index(drop=True)
    for field, noun in NAME_FIELDS.items():
        if field not in cb.columns:
            continue
        names = cb[field].map(cell_text)
        groups: dict[str, dict[str, list[int]]] = {}
        for pos, name in names.dropna().items():
            groups.setdefault(_canonical_name(name), {}).setdefault(name, []).append(int(pos))
        for variants in groups.values():
            if len(variants) < 2:
                continue
            listed = [f"{name!r} {e.rows('codebook', rows)}" for name, rows in variants.items()]
            out.append(
                f"{e.file('codebook')}: column '{field}': {_and(listed)} differ only in "
                f"{_difference(list(variants))}: one {noun} or {'two' if len(variants) == 2 else 'several'}? As "
                f"written they are analysed as {len(variants)} {noun}s; if they are one, spell them the same")
    return out


def _misspelt_motivators(e: _Engagement) -> list[str]:
    """Motivator names close to, but not spelt as, one of the ten (``cxlib.motivators.MOTIVATORS``)."""
    import difflib

    from .motivators import MOTIVATORS

    cb = e.codebook.reset_index(drop=True)
    items = cb.loc[cb["role"] == "motivator_item"]
    canonical = {m.lower(): m for m in MOTIVATORS}
    out = []
    for name, rows in items.groupby(items["motivator"].map(cell_text), sort=False).groups.items():
        key = " ".join(str(name).lower().split())
        if key in canonical:
            continue
        close = difflib.get_close_matches(key, list(canonical), n=1, cutoff=0.85)
        if close:
            out.append(f"{e.file('codebook')}: column 'motivator': {name!r} {e.rows('codebook', rows)} is not one of "
                       f"the ten motivators; did you mean {canonical[close[0]]!r}? Spelt differently it is analysed "
                       "as a motivator of its own")
    return out


# -- 3. one-item motivators ---------------------------------------------------------------------------

def _one_item_motivators(e: _Engagement) -> list[str]:
    cb = e.codebook.reset_index(drop=True)
    items = cb.loc[cb["role"] == "motivator_item"]
    counts = items.groupby("motivator", sort=False)["column"].agg(list)
    single = [(m, cols[0]) for m, cols in counts.items() if len(cols) == 1]
    if not single:
        return []
    rows = items.index[items["motivator"].isin([m for m, _ in single])]
    shown = ", ".join(f"{m!r} ({c!r})" for m, c in single[:5]) + (f", … {len(single) - 5} more"
                                                                  if len(single) > 5 else "")
    head = (f"motivator {single[0][0]!r} has a single item ({single[0][1]!r})" if len(single) == 1 else
            f"{len(single)} motivators have a single item: {shown}")
    return [f"{e.file('codebook')}: column 'motivator': {head} {e.rows('codebook', rows)}: a motivator score from "
            f"one question is unreliable and its consistency cannot be checked; check the motivator names for "
            f"typos, or add the motivator's other items"]


# -- 4. partial responses kept ----------------------------------------------------------------------

def _find_column(frame: pd.DataFrame, name: str) -> str | None:
    for c in frame.columns:
        if _canonical_name(str(c)) == name:
            return str(c)
    return None


def _drop_rule(e: _Engagement, rule: str) -> str:
    if (e.config.get("respondents") or {}).get("drop"):
        return f"add {rule} to respondents.drop in engagement.yaml"
    return f"add to engagement.yaml: respondents: {{drop: [{rule}]}}"


def _yaml_value(text: str) -> str:
    return text if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) else f'"{text}"'


def _partial_responses(e: _Engagement) -> list[str]:
    out = []
    sv, sfile = e.survey, e.file("survey")
    flagged = pd.Index([])
    finished = _find_column(sv, "finished")
    if finished is not None:
        text = sv[finished].map(cell_text)
        unfinished = text.map(lambda v: v is not None and v.lower() in FALSE_WORDS).to_numpy(dtype=bool)
        if unfinished.any():
            labels = sv.index[unfinished]
            flagged = flagged.union(labels)
            value = text[unfinished].mode().iloc[0]
            rule = f"{{column: {finished}, equals: {_yaml_value(value)}}}"
            counted = _plural(len(labels), 'unfinished response is', 'unfinished responses are')
            out.append(f"{sfile}: column {finished!r}: {counted} analysed ({finished} is {value!r}) "
                       f"{e.rows('survey', labels)}: partial responses are treated as if they were complete; to "
                       f"leave them out, {_drop_rule(e, rule)}")
    progress = _find_column(sv, "progress")
    if progress is not None:
        pct = pd.to_numeric(sv[progress].map(cell_text), errors="coerce")
        partial = (pct < 100).to_numpy(dtype=bool) & ~sv.index.isin(flagged)
        if partial.any():
            labels = sv.index[partial]
            flagged = flagged.union(labels)
            rule = f"{{column: {progress}, below: 100}}"
            out.append(f"{sfile}: column {progress!r}: {_plural(len(labels), 'response', 'responses')} with "
                       f"{progress} below 100 {'is' if len(labels) == 1 else 'are'} analysed (lowest "
                       f"{pct[partial].min():g}) {e.rows('survey', labels)}: partial responses are treated as if "
                       f"they were complete; to leave them out, {_drop_rule(e, rule)}")
    rated = e.rated()["column"].tolist()
    if rated:
        answered = e.answers(rated).notna().sum(axis=1).to_numpy()
        few = (answered < len(rated) / 2) & ~sv.index.isin(flagged)
        if few.any():
            labels = sv.index[few]
            if finished is not None:
                how = _drop_rule(e, f"{{column: {finished}, equals: \"False\"}}")
            elif progress is not None:
                how = _drop_rule(e, f"{{column: {progress}, below: 100}}")
            else:
                how = ("use a rule in engagement.yaml, e.g. respondents: {drop: [{column: Finished, equals: "
                       "\"False\"}]} when the export has Qualtrics' Finished column")
            out.append(f"{sfile}: {_plural(len(labels), 'respondent', 'respondents')} answered fewer than half of "
                       f"the {len(rated)} rated questions {e.rows('survey', labels)}: they look like partial "
                       f"responses, analysed as if complete; if they are, leave them out: {how}")
    return out


# -- 5.-7. attrition --------------------------------------------------------------------------------

def _attrition(e: _Engagement) -> tuple[dict[str, Any], str | None, str | None]:
    att = e.config.get("attrition") or {}
    dur, ev = att.get("duration"), att.get("event")
    return (att, dur if dur in e.customers.columns else None, ev if ev in e.customers.columns else None)


def _months(e: _Engagement) -> list[str]:
    att, dur, _ = _attrition(e)
    if dur is None or att.get("from_dates"):
        return []
    horizon = float(att.get("horizon") or 365)
    values = pd.to_numeric(e.customers[dur], errors="coerce").dropna()
    reasons = []
    if MONTH_NAME.search(dur):
        reasons.append("its name says months")
    small = len(values) >= 10 and np.all(values == np.round(values)) and values.max() <= horizon / 3
    if small:
        reasons.append(f"every value is a whole number and the largest is {values.max():g}, while the horizon is "
                       f"{horizon:g} days")
    if not reasons:
        return []
    # Short follow-up in days looks the same; say so here (the horizon warning is then left out).
    if_days = (f"; if they are days, no respondent was followed for the {horizon:g}-day horizon: lower "
               f"attrition.horizon to at most {values.max():g}" if small else "")
    return [f"{e.file('customers')}: column {dur!r}: the attrition duration looks like months, not days "
            f"({'; '.join(reasons)}): attrition.duration must be the days each customer was followed after the "
            f"survey; convert it to days, or build it from dates in engagement.yaml "
            f"(attrition: {{start: ..., end: ..., observed_until: ...}}){if_days}"]


def _short_follow_up(e: _Engagement) -> list[str]:
    att, dur, _ = _attrition(e)
    if dur is None:
        return []
    horizon = float(att.get("horizon") or 365)
    longest = pd.to_numeric(e.respondent_customers()[dur], errors="coerce").max()
    if pd.isna(longest) or longest >= horizon:
        return []
    advice = (f"attrition at {horizon:g} days cannot be observed and would be extrapolated; set attrition.horizon "
              f"in engagement.yaml to at most {longest:g} days, or use a later customers extract")
    if att.get("from_dates"):
        end = att.get("end")
        return [f"{e.file('config')}: key 'attrition.horizon': the horizon is {horizon:g} days, but no respondent "
                f"was followed that long (the longest follow-up, from the start date to {end!r} or "
                f"observed_until, is {longest:g} days): {advice}"]
    return [f"{e.file('customers')}: column {dur!r}: the attrition horizon is {horizon:g} days, but no respondent "
            f"was followed that long (the longest follow-up is {longest:g} days): {advice}"]


def _closed_before_response(e: _Engagement) -> list[str]:
    att, dur, ev = _attrition(e)
    out = []
    resp = e.respondent_customers()
    cfile = e.file("customers")
    reported = pd.Index([])
    start, end = att.get("start"), att.get("end")
    if att.get("from_dates") and end in e.customers.columns and start:
        s_col, c_col, _, _ = e.id_columns
        if start in e.customers.columns:
            begins = timestamps(resp[start])
        elif start in e.survey.columns and s_col and c_col:
            when = pd.Series(timestamps(e.survey[start]).to_numpy(), index=e.survey[s_col].map(cell_text).to_numpy())
            when = when[~when.index.duplicated(keep="last")]
            begins = pd.Series(resp[c_col].map(cell_text).map(when).to_numpy(dtype="datetime64[ns]"), index=resp.index)
        else:
            begins = None
        if begins is not None:
            ends = timestamps(resp[end])
            # By calendar day: an account closed later on the day of the response is not "before" it.
            before = (ends.dt.normalize() < begins.dt.normalize()).to_numpy(dtype=bool)
            if before.any():
                reported = resp.index[before]
                who = ("1 respondent's account" if len(reported) == 1 else f"{len(reported)} respondents' accounts")
                out.append(f"{cfile}: column {end!r}: {who} closed before they answered the survey "
                           f"{e.rows('customers', reported)}: they were no longer customers when they answered; check "
                           f"the dates, and leave them out of the analysis")
    if dur is not None and ev is not None:
        d = pd.to_numeric(resp[dur], errors="coerce")
        left = pd.to_numeric(resp[ev].astype(object).map(lambda v: float(v) if isinstance(v, (bool, np.bool_)) else v),
                             errors="coerce")
        zero = ((d <= 0) & (left == 1)).to_numpy(dtype=bool) & ~resp.index.isin(reported)
        n = int(zero.sum())
        if n >= max(ZERO_DAY_MIN, ZERO_DAY_SHARE * d.notna().sum()):
            where = f"column {end!r}" if att.get("from_dates") and end else f"column {dur!r}"
            out.append(f"{cfile}: {where}: {n} respondents left on the day they answered (0 days observed and "
                       f"{ev} = 1) {e.rows('customers', resp.index[zero])}: they were probably closed before "
                       f"their response; check how the days were counted, and leave out accounts closed before "
                       f"the survey")
    return out


# -- 8. leading zeros -------------------------------------------------------------------------------

def _zero_key(v: str) -> str:
    return v.lstrip("0") or "0"


def _zero_matches(survey_ids: pd.Series, customer_ids: pd.Series) -> list[tuple[Any, str, str]]:
    """(survey label, survey id, customer id) for survey ids without a customer that match one once leading
    zeros are ignored (all-digit ids only: a spreadsheet turns those into numbers)."""
    cust = customer_ids.map(cell_text).dropna()
    exact = set(cust)
    by_key: dict[str, str] = {}
    for c in cust:
        if DIGITS.fullmatch(c):
            by_key.setdefault(_zero_key(c), c)
    out = []
    for label, s in survey_ids.map(cell_text).items():
        if s is None or s in exact or not DIGITS.fullmatch(s):
            continue
        c = by_key.get(_zero_key(s))
        if c is not None and c != s:
            out.append((label, s, c))
    return out


def _hint(matches: Sequence[tuple[Any, str, str]]) -> str | None:
    if not matches:
        return None
    shown = [f"'{s}' matches '{c}'" for _, s, c in matches[:EXAMPLES]]
    shown[0] = shown[0].replace(" matches ", " in the survey matches ") + " in the customers file"
    total = f" ({len(matches)} ids in all)" if len(matches) > EXAMPLES else ""
    return (f"{_and(shown)}{total}: a spreadsheet probably dropped leading zeros; re-export the ids as text")


def leading_zero_hint(survey_ids: pd.Series, customer_ids: pd.Series) -> str | None:
    """A sentence for survey ids that have no customer row but would have one if leading zeros were ignored.

    Spreadsheets turn all-digit ids into numbers and drop their leading zeros (``0012345`` becomes
    ``12345``) in whichever file passed through one. Only all-digit ids are compared; either file may be the
    one that lost its zeros.

    Parameters
    ----------
    survey_ids, customer_ids : Series
        The two files' id columns (text; numbers read as ``1042.0`` are taken as ``1042``).

    Returns
    -------
    str or None
        With up to three examples, e.g. ``"'12345' in the survey matches '0012345' in the customers file:
        a spreadsheet probably dropped leading zeros; re-export the ids as text"``; None when no unmatched
        survey id matches this way.

    Examples
    --------
    >>> import pandas as pd
    >>> leading_zero_hint(pd.Series(["12345", "0000777", "R9"]), pd.Series(["0012345", "0000777", "R09"]))
    "'12345' in the survey matches '0012345' in the customers file: a spreadsheet probably dropped leading zeros; re-export the ids as text"
    >>> leading_zero_hint(pd.Series(["1", "2"]), pd.Series(["1", "2"])) is None
    True
    """
    return _hint(_zero_matches(pd.Series(survey_ids), pd.Series(customer_ids)))


def _fixed_width(ids: pd.Series) -> int | None:
    """The width of all-digit ids all of one width, some starting with a zero (zero-padded); else None."""
    ids = ids.dropna()
    if ids.empty or not ids.map(lambda v: bool(DIGITS.fullmatch(v))).all():
        return None
    widths = ids.str.len().unique()
    return int(widths[0]) if len(widths) == 1 and ids.str.startswith("0").any() else None


def _shorter(ids: pd.Series, width: int) -> np.ndarray:
    """Where all-digit ids of varying width fall short of ``width``; all False otherwise."""
    text = ids.dropna()
    if text.empty or not text.map(lambda v: bool(DIGITS.fullmatch(v))).all() or text.str.len().nunique() < 2:
        return np.zeros(len(ids), dtype=bool)
    return (ids.str.len() < width).fillna(False).to_numpy(dtype=bool)


def _lost_leading_zeros(e: _Engagement) -> list[str]:
    s_col, c_col, s_name, c_name = e.id_columns
    if s_col is None or c_col is None:
        return []
    s_ids, c_ids = e.survey[s_col].map(cell_text), e.customers[c_col].map(cell_text)
    matches = _zero_matches(s_ids, c_ids)
    out = []
    c_width, s_width = _fixed_width(c_ids), _fixed_width(s_ids)
    short = _shorter(s_ids, c_width) if c_width else np.zeros(len(s_ids), dtype=bool)
    if short.any():
        labels = e.survey.index[short]
        counted = _plural(len(labels), 'respondent id is', 'respondent ids are')
        out.append(f"{e.file('survey')}: column {s_name!r}: {counted} shorter than the {c_width}-digit ids of "
                   f"{e.file('customers')}, which are padded with leading zeros {e.rows('survey', labels)}: "
                   + (_hint(matches) or "a spreadsheet probably dropped leading zeros; re-export the ids as text"))
    elif matches:
        labels = [label for label, _, _ in matches]
        out.append(f"{e.file('survey')}: column {s_name!r}: {_plural(len(labels), 'respondent', 'respondents')} "
                   f"without a row in {e.file('customers')} would have one if leading zeros were ignored "
                   f"{e.rows('survey', labels)}: {_hint(matches)}")
    short = _shorter(c_ids, s_width) if s_width else np.zeros(len(c_ids), dtype=bool)
    if short.any():
        labels = e.customers.index[short]
        counted = _plural(len(labels), 'customer id is', 'customer ids are')
        out.append(f"{e.file('customers')}: column {c_name!r}: {counted} shorter than the {s_width}-digit ids of "
                   f"{e.file('survey')}, which are padded with leading zeros {e.rows('customers', labels)}: a "
                   f"spreadsheet probably dropped leading zeros; re-export the ids as text")
    return out


# -- the entry point --------------------------------------------------------------------------------

# -- 9. personal data in the customers file that comments are not scrubbed of -------------------------------

_EMAIL_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE_VALUE = re.compile(r"\+?[\d\s().\-/]{8,}")
_PERSONAL_NAME = re.compile(r"(^|_|\b)(name|naam|e-?mail|phone|tel|mobile|mobiel|address|adres|street|postcode|zip)"
                            r"($|_|\b)", re.IGNORECASE)


def _undeclared_personal_data(e: _Engagement) -> list[str]:
    """Customers columns that look like names, e-mails or phone numbers but are not listed in privacy.pii:
    they never reach the analysis, yet a comment quoting them would only be scrubbed if they were listed."""
    privacy = e.config.get("privacy") or {}
    listed = set(privacy.get("pii") or [])
    _, c_col, _, _ = e.id_columns
    found = []
    for col in e.customers.columns:
        if col in listed or col == c_col:
            continue
        # The first 500 filled cells tell what a column holds (a CRM extract may have millions of rows).
        head = e.customers[col].dropna().head(2000)
        sample = head.map(cell_text).dropna().astype(str).head(500)
        if sample.empty:
            continue
        email = sample.str.fullmatch(_EMAIL_VALUE).mean() > 0.5
        dates = sample.str.match(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
        phone = (sample.str.fullmatch(_PHONE_VALUE) & ~dates).mean() > 0.5 and sample.str.count(r"\d").min() >= 8
        named = bool(_PERSONAL_NAME.search(str(col))) and pd.to_numeric(sample, errors="coerce").isna().all()
        if email or phone or named:
            found.append(col)
    if not found:
        return []
    return [f"{e.file('customers')}: {_plural(len(found), 'column', 'columns')} {_quoted(found)} look like personal "
            f"data (names, e-mails or phone numbers): they are never analysed, but comments are scrubbed of their "
            f"values only when engagement.yaml lists them: privacy: {{pii: [{', '.join(found)}]}}"]


def diagnose(*, survey: pd.DataFrame, customers: pd.DataFrame, codebook: pd.DataFrame, config: dict[str, Any],
             files: dict[str, str], first_rows: dict[str, int]) -> list[str]:
    """Warnings about what looks wrong in a validated engagement but cannot be proven wrong.

    Parameters
    ----------
    survey, customers, codebook : DataFrame
        The validated frames (``Engagement.survey`` etc.): survey and customers indexed by their rows'
        0-based positions among the raw file's data rows; the codebook in file order.
    config : dict
        The normalised configuration (``Engagement.config``).
    files : dict
        File name per role (``survey``, ``customers``, ``codebook``; ``config`` for engagement.yaml).
    first_rows : dict
        Spreadsheet row of data row 0 per role (2 for a CSV, 4 for a Qualtrics export); a role left out
        counts as a CSV.

    Returns
    -------
    list of str
        One sentence per finding, ``"<file>: column '<col>': <what looks wrong> (rows 5, 9): <what to do>"``,
        in the order of the module docstring; empty when nothing looks wrong. Nothing is modified.

    Examples
    --------
    >>> import pandas as pd
    >>> codebook = pd.DataFrame({"column": ["q1", "q2", "q3", "q4"], "role": ["motivator_item"] * 4,
    ...                          "scale_min": 1.0, "scale_max": 7.0, "element": None, "stage": None,
    ...                          "motivator": ["succeed in life", "Succeed in life", "feel secure", "feel secure"]})
    >>> survey = pd.DataFrame({"id": ["1", "2"], "q1": [5.0, 6.0], "q2": [4.0, 2.0], "q3": [7.0, 1.0],
    ...                        "q4": [3.0, 3.0]})
    >>> for w in diagnose(survey=survey, customers=pd.DataFrame({"id": ["1", "2"]}), codebook=codebook,
    ...                   config={"id": "id"}, files={}, first_rows={"survey": 2}):
    ...     print(w)
    codebook.csv: column 'motivator': 'succeed in life' (row 2) and 'Succeed in life' (row 3) differ only in case: one motivator or two? As written they are analysed as 2 motivators; if they are one, spell them the same
    codebook.csv: column 'motivator': 2 motivators have a single item: 'succeed in life' ('q1'), 'Succeed in life' ('q2') (rows 2, 3): a motivator score from one question is unreliable and its consistency cannot be checked; check the motivator names for typos, or add the motivator's other items
    """
    e = _Engagement(survey=survey, customers=customers, codebook=codebook, config=config, files=dict(files),
                    first_rows=dict(first_rows))
    out = _unused_scale_ends(e) + _near_duplicate_names(e) + _misspelt_motivators(e) + _one_item_motivators(e) \
        + _partial_responses(e)
    months = _months(e)
    # Months in a days column also make the horizon look longer than follow-up: one warning for one cause
    # (the months warning names the horizon too).
    out += months + ([] if months else _short_follow_up(e))
    return out + _closed_before_response(e) + _lost_leading_zeros(e) + _undeclared_personal_data(e)
