"""Validation of engagement inputs (docs/engagement-format.md) and the ``DataError`` every problem raises.

Each ``validate_*`` function takes a table as read (strings from text files, typed columns from Parquet
or SPSS), checks it, and returns a normalised copy; inputs are never modified. A problem raises
``DataError``, whose message names the file, the column and, where rows exist, how many values
are bad, example values and the first five rows, e.g.::

    survey.csv: column 'mot_belonging_1': 3 values outside the scale 1–7, e.g. '9', '0' (rows 19, 241, 1023)

Row numbers
-----------
Rows are numbered **as a spreadsheet shows them** (:class:`SourceName` carries each file's first data row):
a CSV's header is row 1 and its first record row 2; a Qualtrics export's first response is row 4; SPSS,
Parquet and in-memory tables count their records from 1; a codebook's first entry is row 2. Frames keep as
their index each row's position among the file's data rows (``cxlib.preparation`` drops rows without
renumbering), so a message names the row in the file as delivered.

Every problem at once
---------------------
Each step collects what it finds (:class:`Problems`) and the engagement raises one ``DataError`` whose
``problems`` list all of them: every failing column of a file, every file.

Column checks run with pandera (a ``DataFrameSchema`` is built from the codebook and the config, run
with ``lazy=True``, and its failure cases become the message); only cross-table checks (ids, waves) are
written by hand.

Defaults
--------
Filled into the config when ``engagement.yaml`` leaves a key out (an optional key set to ``null`` counts
as left out):

- ``waves``: the wave values in the order they first appear in the survey (only when ``wave`` is given);
- ``privacy.min_cell``: 30; ``privacy.consent``: ``None`` (no consent column: everyone is analysed);
- ``attrition.horizon``: 365 (days); ``attrition.start`` (optional): a customers-file column with the date
  follow-up starts (usually the survey date). With it, contacts after that date enter the attrition model
  as a time-varying experience score (notebook 03);
- ``covariates``: ``[]``; ``cuts`` (business cuts: customers columns such as region or channel, each
  headline reported by each of them): ``[]``; ``industry`` (optional text: groups engagements in the
  portfolio view): none;
- ``max_unmatched``: 0.05. The share of survey respondents allowed to have no row in the customers file.
  Up to it, those respondents are left out of the analysis and a warning is recorded
  (``Engagement.warnings``); above it, loading fails, because a bad join usually means the wrong id
  column or the wrong customers extract.

Accepted spellings
------------------
- numbers: ``7``, ``7.0``, ``1e3``; with a decimal comma (``1,5``) in semicolon-delimited text files;
  blank, ``NA``, ``N/A``, ``NaN``, ``null`` and ``.`` are missing values in numeric columns;
- yes/no (the consent column): ``true/false``, ``1/0``, ``yes/no``, ``y/n``, ``t/f`` in any case;
- ids and waves are text: ``007`` stays ``007``; a number read from Parquet or SPSS as ``1042.0`` becomes
  ``1042``.

Warnings (recorded, loading continues): a few respondents without a customer row; contacts whose id has
no customer row; nobody gave analytics consent.
"""
from __future__ import annotations

import contextlib
import copy
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
import pandas as pd

__all__ = ["DataError", "ROLES", "UNANALYSED_ROLES", "DIMENSIONS", "SLUG", "CODEBOOK_COLUMNS", "REQUIRED_KEYS", "OPTIONAL_KEYS",
           "DEFAULTS", "PLACEHOLDER", "validate_slug", "validate_config", "validate_codebook", "validate_survey",
           "validate_customers", "validate_contacts", "validate_links", "fill_waves", "SourceName", "Problems",
           "describe_rows", "first_row", "fail", "cell_text", "is_missing", "timestamps"]

ROLES = ("satisfaction", "motivator_item", "element_performance", "element_importance", "advocacy", "verbatim",
         "covariate", "ignore", "pii")
#: Roles of columns that never reach an analysis frame: ``ignore`` (survey metadata such as IP address,
#: duration, recipient fields) and ``pii`` (names, e-mails, phone numbers: read only to scrub verbatims).
UNANALYSED_ROLES = ("ignore", "pii")
RATED_ROLES = ("satisfaction", "motivator_item", "element_performance", "element_importance", "advocacy")
DIMENSIONS = ("effectiveness", "ease", "emotion")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
CODEBOOK_COLUMNS = ("column", "role", "label", "scale_min", "scale_max", "motivator", "element", "stage", "dimension")
#: Optional codebook columns (added, blank, when a codebook lacks them): values meaning "no answer", ``8;99``.
CODEBOOK_OPTIONAL = ("missing_codes",)
CONTACTS_COLUMNS = ("timestamp", "channel", "stage", "rating")
PLACEHOLDER = "FILL_ME"

REQUIRED_KEYS = ("client", "survey", "customers", "codebook", "id", "satisfaction", "connection", "value")
OPTIONAL_KEYS = ("contacts", "wave", "waves", "respondents", "attrition", "advocacy", "privacy", "covariates",
                 "cuts", "weight", "weighting", "max_unmatched", "industry")
# key -> (required entries, optional entries) of the nested mappings
NESTED = {
    "satisfaction": ({"column", "top_box"}, set()),
    "connection": ({"threshold"}, set()),
    "advocacy": ({"column"}, set()),
    "privacy": (set(), {"min_cell", "consent", "pii"}),
}
DEFAULTS: dict[str, Any] = {"privacy.min_cell": 30, "privacy.consent": None, "attrition.horizon": 365,
                            "covariates": [], "cuts": [], "max_unmatched": 0.05}
TRUE = {"true", "1", "1.0", "yes", "y", "t"}
FALSE = {"false", "0", "0.0", "no", "n", "f"}
from .errors import DataError  # noqa: E402  (re-exported: cxlib.schema.DataError)

NA_TOKENS = {"", "na", "n/a", "nan", "null", "."}
MAX_ROWS_SHOWN = 5


Problem = str | tuple[str, str]  # one phrase, or (singular, plural)


class SourceName(str):
    """A file name that knows the spreadsheet row of its first data row (``first_row``).

    Messages number rows as a spreadsheet shows them: a CSV's header is row 1 and its first record row 2;
    a Qualtrics export has three header rows, so its first response is row 4; SPSS, Parquet and in-memory
    tables number their records from 1.

    Examples
    --------
    >>> name = SourceName("survey.csv", first_row=4)
    >>> name, name.first_row, name.upper()
    ('survey.csv', 4, 'SURVEY.CSV')
    """

    first_row: int

    def __new__(cls, name: str, first_row: int = 1) -> SourceName:
        obj = super().__new__(cls, name)
        obj.first_row = int(first_row)
        return obj

    def __reduce__(self):
        return (SourceName, (str(self), self.first_row))


def first_row(file: str) -> int:
    """The spreadsheet row number of data row 0 of ``file`` (1 unless it is a :class:`SourceName`).

    Examples
    --------
    >>> first_row(SourceName("survey.csv", first_row=4)), first_row("in memory")
    (4, 1)
    """
    return getattr(file, "first_row", 1)


def describe_rows(labels: Iterable[int], first: int = 1) -> str:
    """``(row 5)`` or ``(rows 5, 9, 12, 14, 20, … 3 more)``: 0-based row labels as spreadsheet rows.

    Examples
    --------
    >>> describe_rows([3, 7], first=2)
    '(rows 5, 9)'
    >>> describe_rows(range(8), first=4)
    '(rows 4, 5, 6, 7, 8, … 3 more)'
    >>> describe_rows([])
    ''
    """
    idx = sorted({int(i) for i in labels})
    if not idx:
        return ""
    shown = [str(i + first) for i in idx[:MAX_ROWS_SHOWN]]
    more = f", … {len(idx) - MAX_ROWS_SHOWN} more" if len(idx) > MAX_ROWS_SHOWN else ""
    return f"({'row' if len(idx) == 1 else 'rows'} {', '.join(shown)}{more})"


def _examples(values: Iterable[Any], k: int = 3) -> str:
    """``, e.g. '1,703.57', 'abc'``: up to ``k`` distinct offending values, as written."""
    seen = list(dict.fromkeys(cell_text(v) or str(v) for v in values if not is_missing(v)))[:k]
    return f", e.g. {', '.join(repr(v) for v in seen)}" if seen else ""


def _problem(file: str, column: str | None, problem: Problem, bad_positions: Iterable[int] = (), *,
             also: str = "", examples: Iterable[Any] = ()) -> DataError:
    """``file: column 'c': <count> <problem> (e.g. 'x') (rows r1, r2, r3)`` as a DataError.

    ``bad_positions`` are 0-based row labels (the row's position among the file's data rows); they are
    reported as the spreadsheet numbers them (:class:`SourceName`). ``problem`` is a phrase that follows the
    count, or a (singular, plural) pair so that one bad value reads naturally.
    """
    idx = sorted({int(i) for i in bad_positions})
    n = len(idx)
    phrase = problem if isinstance(problem, str) else problem[0 if n == 1 else 1]
    where = f"column {column!r}: " if column else ""
    start = first_row(file)
    rows = [i + start for i in idx[:MAX_ROWS_SHOWN]]
    tail = f" {describe_rows(idx, start)}" if idx else ""
    count = f"{n:,} " if idx else ""
    return DataError(f"{file}: {where}{count}{phrase}{_examples(examples)}{tail}{also}", file=str(file),
                     column=column, rows=rows, count=n)


def fail(file: str, column: str | None, problem: Problem, bad_positions: Iterable[int] = (), *,
         also: str = "", examples: Iterable[Any] = ()) -> NoReturn:
    """Raise a DataError naming the file, column, count, example values and spreadsheet rows.

    ``bad_positions`` are 0-based row labels; ``problem`` a phrase, or a (singular, plural) pair.

    Examples
    --------
    >>> try:
    ...     fail(SourceName("survey.csv", first_row=2), "q1", ("value is bad", "values are bad"), [0, 4],
    ...          examples=["x", "y"])
    ... except DataError as e:
    ...     print(e)
    survey.csv: column 'q1': 2 values are bad, e.g. 'x', 'y' (rows 2, 6)
    """
    raise _problem(file, column, problem, bad_positions, also=also, examples=examples)


class Problems:
    """Collects every problem of a validation step so that all of them are reported at once.

    ``with problems.check(): ...`` runs one independent check; a DataError it raises is kept and the step
    goes on. :meth:`raise_any` raises them together (:meth:`DataError.combine`).

    Examples
    --------
    >>> problems = Problems()
    >>> with problems.check():
    ...     fail("survey.csv", "q1", "bad")
    >>> with problems.check():
    ...     fail("survey.csv", "q2", "worse")
    >>> len(problems), problems.ok
    (2, False)
    """

    def __init__(self) -> None:
        self.errors: list[DataError] = []

    def __len__(self) -> int:
        return len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, error: DataError) -> None:
        self.errors.extend(error.problems)

    @contextlib.contextmanager
    def check(self):
        try:
            yield
        except DataError as exc:
            self.add(exc)

    def raise_any(self) -> None:
        if self.errors:
            raise DataError.combine(self.errors)


def is_missing(v: Any) -> bool:
    """True for a blank cell: None, ``pd.NA``, ``pd.NaT`` or a float NaN.

    Examples
    --------
    >>> [bool(is_missing(v)) for v in (None, float("nan"), pd.NaT, 0, "")]
    [True, True, True, False, False]
    """
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, (float, np.floating)) and np.isnan(v))


def cell_text(v: Any) -> str | None:
    """A cell as text: blank -> None; numbers read as floats (``1042.0``) -> ``'1042'``.

    Examples
    --------
    >>> cell_text(1042.0), cell_text("  007 "), cell_text("   "), cell_text(2.5)
    ('1042', '007', None, '2.5')
    """
    if is_missing(v):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (bytes, bytearray)):
        v = v.decode("utf-8", "replace")
    s = str(v).strip()
    return s or None


def _text_column(col: pd.Series) -> pd.Series:
    """``cell_text`` on a whole column, vectorised where the values are already text or integers."""
    if pd.api.types.is_float_dtype(col.dtype) or (col.dtype == object and col.map(type).isin([float, bytes]).any()):
        return col.map(cell_text).astype(object)
    s = col.astype("string[pyarrow]").str.strip()
    s = s.mask(s == "")
    return s.astype(object).where(s.notna(), None)


def validate_slug(slug: str) -> str:
    """Check that an engagement name (its folder name) is a safe slug: ``[a-z0-9][a-z0-9-]*``.

    Examples
    --------
    >>> validate_slug("acme-2026")
    'acme-2026'
    >>> validate_slug("Acme 2026")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxlib.errors.DataError: 'Acme 2026': not a valid engagement name; use lower-case letters, digits and hyphens, ...
    """
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise DataError(f"{slug!r}: not a valid engagement name; use lower-case letters, digits and hyphens, "
                        "starting with a letter or digit (e.g. 'acme-2026')", file=str(slug))
    return slug


# -- engagement.yaml -------------------------------------------------------------------------------

def _placeholders(value: Any, path: str = "") -> list[str]:
    """Dotted paths of every entry still holding the ``FILL_ME`` placeholder written by ``cx init``."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _placeholders(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _placeholders(v, path)]
    return [path] if isinstance(value, str) and PLACEHOLDER in value.upper() else []


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _config_error(file: str, key: str, message: str) -> DataError:
    return DataError(f"{file}: {message}", file=file, column=key)


def _close(name: str, options: Iterable[str]) -> str:
    hint = difflib.get_close_matches(str(name), list(options), n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


def _column_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


DROP_TESTS = ("equals", "in", "blank", "below", "above")
DUPLICATES = ("error", "latest", "first")


def _check_respondents(value: Any, file: str, problems: Problems) -> dict[str, Any]:
    """``respondents``: ``{drop: [rules], duplicates: error|latest|first, date: column}``, normalised."""
    out: dict[str, Any] = {"drop": [], "duplicates": "error", "date": None}
    if not isinstance(value, dict):
        problems.add(_config_error(file, "respondents", f"key 'respondents' must be a mapping with drop, duplicates, "
                                   f"date, found {value!r}"))
        return out
    extra = [str(k) for k in value if k not in out]
    if extra:
        problems.add(_config_error(file, "respondents", f"key 'respondents' has unknown entries {', '.join(extra)}"
                                   f"{_close(extra[0], out)} (allowed: drop, duplicates, date)"))
    drop = value.get("drop") or []
    if isinstance(drop, dict):
        drop = [drop]
    if not isinstance(drop, list):
        problems.add(_config_error(file, "respondents", f"respondents.drop must list rules such as "
                                   f"{{column: Status, equals: Survey Preview}}, found {drop!r}"))
        drop = []
    for i, rule in enumerate(drop, 1):
        where = f"respondents.drop rule {i}"
        if not isinstance(rule, dict) or not _column_name(rule.get("column")):
            problems.add(_config_error(file, "respondents", f"{where} must name a column: {{column: <survey column>, "
                                       f"equals: <value>}}, found {rule!r}"))
            continue
        tests = [k for k in rule if k != "column"]
        unknown = [str(k) for k in tests if k not in DROP_TESTS]
        if unknown or len(tests) != 1:
            problems.add(_config_error(file, "respondents", f"{where} ({rule['column']}) needs exactly one of "
                                       f"{', '.join(DROP_TESTS)}, found {', '.join(map(str, tests)) or 'none'}"
                                       + (_close(unknown[0], DROP_TESTS) if unknown else "")))
            continue
        test, arg = tests[0], rule[tests[0]]
        if test in ("below", "above") and not _number(arg):
            problems.add(_config_error(file, "respondents", f"{where}: {test} must be a number, found {arg!r}"))
            continue
        if test == "in" and (not isinstance(arg, list) or not arg):
            problems.add(_config_error(file, "respondents", f"{where}: in must list values, found {arg!r}"))
            continue
        if test == "blank" and arg is not True:
            problems.add(_config_error(file, "respondents", f"{where}: write blank: true, found {arg!r}"))
            continue
        out["drop"].append({"column": rule["column"].strip(), test: arg})
    dup = value.get("duplicates", "error") or "error"
    if dup not in DUPLICATES:
        problems.add(_config_error(file, "respondents", f"respondents.duplicates must be one of "
                                   f"{', '.join(DUPLICATES)}, found {dup!r}{_close(dup, DUPLICATES)}"))
    else:
        out["duplicates"] = dup
    date = value.get("date")
    if date is not None and not _column_name(date):
        problems.add(_config_error(file, "respondents", f"respondents.date must be a survey column, found {date!r}"))
    else:
        out["date"] = date.strip() if date else None
    if out["duplicates"] == "latest" and not out["date"]:
        problems.add(_config_error(file, "respondents", "respondents.duplicates: latest needs respondents.date (the "
                                   "response date column) to tell which response is the latest"))
    return out


def _check_value(value: Any, file: str, problems: Problems) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """``value``: a column, or a list of columns or ``{column, label, unit}`` mappings."""
    items = [value] if isinstance(value, (str, dict)) else value
    names: list[str] = []
    labels: dict[str, dict[str, Any]] = {}
    if not isinstance(items, list) or not items:
        problems.add(_config_error(file, "value", f"key 'value' must list one or more customers columns, "
                                   f"found {value!r}"))
        return names, labels
    for item in items:
        if isinstance(item, dict):
            extra = [str(k) for k in item if k not in ("column", "label", "unit")]
            if extra or not _column_name(item.get("column")):
                problems.add(_config_error(file, "value", f"a value entry must be a column name or {{column, label, "
                                           f"unit}}, found {item!r}" + (_close(extra[0], ("column", "label", "unit"))
                                                                        if extra else "")))
                continue
            col = item["column"].strip()
            label, unit = item.get("label"), item.get("unit")
            if (label is not None and not isinstance(label, str)) or (unit is not None and not isinstance(unit, str)):
                problems.add(_config_error(file, "value", f"value {col!r}: label and unit must be text"))
                continue
        elif _column_name(item):
            col, label, unit = item.strip(), None, None
        else:
            problems.add(_config_error(file, "value", f"key 'value' must list customers columns, found {item!r}"))
            continue
        names.append(col)
        labels[col] = {"label": (label or "").strip() or col.replace("_", " ").strip().capitalize(),
                       "unit": (unit or "").strip() or None}
    if len(set(names)) != len(names):
        problems.add(_config_error(file, "value", f"key 'value' lists a column twice: {names}"))
    return names, labels


def _date_value(value: Any) -> pd.Timestamp | None:
    """A date written in YAML (parsed by YAML as a date, or text such as ``2026-11-15``), else None."""
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime)):
        return pd.Timestamp(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", value.strip()):
        ts = pd.to_datetime(value.strip(), errors="coerce")
        return None if pd.isna(ts) else pd.Timestamp(ts)
    return None


ATTRITION_KEYS = ("duration", "event", "horizon", "start", "end", "observed_until", "event_values")


def _check_attrition(value: Any, respondents: dict[str, Any], file: str, problems: Problems) -> dict[str, Any] | None:
    """``attrition``: days observed + event, or built from dates (start, end, observed_until); normalised."""
    if not isinstance(value, dict):
        problems.add(_config_error(file, "attrition", f"key 'attrition' must be a mapping (duration and event, or "
                                   f"start, end and observed_until), found {value!r}"))
        return None
    att = {k: v for k, v in value.items() if v is not None}
    source = copy.deepcopy(att)
    extra = [str(k) for k in att if k not in ATTRITION_KEYS]
    if extra:
        problems.add(_config_error(file, "attrition", f"key 'attrition' has unknown entries {', '.join(extra)}"
                                   f"{_close(extra[0], ATTRITION_KEYS)} (allowed: {', '.join(ATTRITION_KEYS)})"))
    for k in ("duration", "event", "start", "end"):
        if k in att and not _column_name(att[k]):
            problems.add(_config_error(file, "attrition", f"attrition.{k} must be a column name, found {att[k]!r}"))
            att.pop(k)
    att.setdefault("horizon", DEFAULTS["attrition.horizon"])
    if not _number(att["horizon"]) or att["horizon"] <= 0:
        problems.add(_config_error(file, "attrition", f"attrition.horizon must be a positive number of days, "
                                   f"found {att['horizon']!r}"))
    ev = att.get("event_values")
    if ev is not None:
        ok = isinstance(ev, dict) and set(ev) == {"left", "stayed"}
        if ok:
            ev = {k: [ev[k]] if not isinstance(ev[k], list) else ev[k] for k in ("left", "stayed")}
            ok = all(v and all(isinstance(x, (str, int, float, bool)) for x in v) for v in ev.values())
        if not ok:
            problems.add(_config_error(file, "attrition", "attrition.event_values must be {left: [values meaning the "
                                       f"customer left], stayed: [values meaning they stayed]}}, found {att['event_values']!r}"))
        else:
            left = {str(x).strip().lower() for x in ev["left"]}
            stayed = {str(x).strip().lower() for x in ev["stayed"]}
            if left & stayed:
                problems.add(_config_error(file, "attrition", f"attrition.event_values: {sorted(left & stayed)} "
                                           "both left and stayed"))
            att["event_values"] = {"left": sorted(left), "stayed": sorted(stayed)}
    if "end" in att:
        att["from_dates"] = True
        if "duration" in att:
            problems.add(_config_error(file, "attrition", "attrition gives both duration and end: use duration and "
                                       "event (days observed), or start, end and observed_until (dates), not both"))
        att.setdefault("start", respondents.get("date"))
        if not att.get("start"):
            problems.add(_config_error(file, "attrition", "attrition.end needs attrition.start (the date follow-up "
                                       "starts, usually the response date) or respondents.date"))
        until = att.get("observed_until")
        stamp = _date_value(until) if until is not None else None
        if until is None:
            problems.add(_config_error(file, "attrition", "attrition.end needs observed_until: the date of the "
                                       "customers extract, up to which customers without an end date are known to "
                                       "have stayed (e.g. observed_until: 2026-11-15)"))
        elif stamp is None and not _column_name(until):
            problems.add(_config_error(file, "attrition", f"attrition.observed_until must be a date (YYYY-MM-DD) or "
                                       f"a customers column, found {until!r}"))
        else:
            att["observed_until"] = stamp if stamp is not None else until.strip()
    else:
        att["from_dates"] = False
        lacking = [k for k in ("duration", "event") if k not in att]
        if lacking:
            problems.add(_config_error(file, "attrition", f"key 'attrition' is missing {', '.join(lacking)} (or give "
                                       "start, end and observed_until to build it from dates)"))
        if "observed_until" in att:
            problems.add(_config_error(file, "attrition", "attrition.observed_until goes with end (dates); with "
                                       "duration the days observed are given"))
    # The entries as written: preparation replaces duration, event and start by the columns it builds.
    att["source"] = source
    return att


WEIGHTING_KEYS = ("rake", "trim")


def _check_weighting(value: Any, file: str, problems: Problems) -> dict[str, Any] | None:
    """``weighting: {rake: [customers columns], trim: 5}``, normalised to ``{rake: [...], trim: float or None}``.

    That the columns are customers columns is checked with the customers file (``validate_customers``).
    """
    if not isinstance(value, dict):
        problems.add(_config_error(file, "weighting", "key 'weighting' must be a mapping such as {rake: [region, "
                                   f"age_band, tenure_band], trim: 5}}, found {value!r}"))
        return None
    extra = [str(k) for k in value if k not in WEIGHTING_KEYS]
    ok = True
    if extra:
        problems.add(_config_error(file, "weighting", f"key 'weighting' has unknown entries {', '.join(extra)}"
                                   f"{_close(extra[0], WEIGHTING_KEYS)} (allowed: {', '.join(WEIGHTING_KEYS)})"))
        ok = False
    rake = value.get("rake")
    if isinstance(rake, str):
        rake = [rake]
    if not isinstance(rake, list) or not rake or not all(_column_name(c) for c in rake):
        problems.add(_config_error(file, "weighting", "weighting.rake must list the customers columns whose "
                                   f"customer-base shares the respondents are weighted to, found {value.get('rake')!r}"))
        ok = False
    else:
        rake = [c.strip() for c in rake]
        if len(set(rake)) != len(rake):
            problems.add(_config_error(file, "weighting", f"weighting.rake lists a column twice: {rake}"))
            ok = False
    trim = value.get("trim")
    if trim is not None and (not _number(trim) or trim <= 1):
        problems.add(_config_error(file, "weighting", "weighting.trim caps each weight at trim × the mean weight, so "
                                   f"it must be a number above 1 (e.g. 5), found {trim!r}"))
        ok = False
    return {"rake": rake, "trim": float(trim) if trim is not None else None} if ok else None


def _as_written(cfg: dict[str, Any]) -> dict[str, Any]:
    """An already normalised configuration (``Engagement.config``) back in the form ``engagement.yaml`` has,
    so that validating it again gives the same result."""
    wt = cfg.get("weighting")
    if isinstance(wt, dict) and "design_weight" in wt:
        # Engagement points 'weight' at the frame's raking-weight column; the written 'weight' (design
        # weights in the survey, or none) is kept in weighting.design_weight.
        wt = dict(wt)
        design = wt.pop("design_weight")
        if design is None:
            cfg.pop("weight", None)
        else:
            cfg["weight"] = design
        cfg["weighting"] = {k: v for k, v in wt.items() if k in WEIGHTING_KEYS and v is not None}
    ids = cfg.pop("id_columns", None)
    if isinstance(ids, dict):
        cfg["id"] = ids if ids.get("survey") != ids.get("customers") else ids.get("survey")
    labels = cfg.pop("value_labels", None)
    if isinstance(labels, dict) and isinstance(cfg.get("value"), list):
        cfg["value"] = [{"column": v, **{k: x for k, x in labels[v].items() if x is not None}}
                        if isinstance(v, str) and isinstance(labels.get(v), dict) else v for v in cfg["value"]]
    att = cfg.get("attrition")
    if isinstance(att, dict) and isinstance(att.get("source"), dict):
        # Entries preparation replaced by the columns it built go back to what was written; entries changed
        # since (a different horizon, a column chosen by hand) are kept.
        source, derived = att["source"], att.get("derived") or {}
        written = {k: v for k, v in att.items() if k not in ("source", "derived", "from_dates")}
        for key, built in derived.items():
            if written.get(key) == built:
                if key in source:
                    written[key] = source[key]
                else:
                    written.pop(key, None)
        cfg["attrition"] = written
    return cfg


def validate_config(raw: Any, file: str = "engagement.yaml") -> dict[str, Any]:
    """Check ``engagement.yaml`` (already parsed with ``yaml.safe_load``); return a normalised copy.

    Checks the required and optional keys (and the entries of nested keys), their types, that files are
    named inside the folder, and that no ``FILL_ME`` placeholder is left; every problem is reported at once.
    Defaults are listed in the module docstring; ``waves`` is filled later, from the survey
    (``fill_waves``).

    Normalised: ``id`` becomes the survey's id column name and ``id_columns`` holds ``{survey, customers}``;
    ``value`` a list of column names and ``value_labels`` ``{column: {label, unit}}``; ``respondents``
    ``{drop, duplicates, date}``; ``attrition`` gains ``from_dates`` (and, from dates, the names of the columns
    :func:`cxlib.preparation.prepare` builds are filled in there).

    Parameters
    ----------
    raw : Any
        The parsed YAML document; never modified.
    file : str
        Name used in messages.

    Returns
    -------
    dict

    Raises
    ------
    DataError
        ``column`` is the offending key; ``problems`` holds every problem found.

    Examples
    --------
    >>> cfg = validate_config({"client": "X", "survey": "s.csv", "customers": "c.csv", "codebook": "cb.csv",
    ...                        "id": {"survey": "CustomerID", "customers": "Customer_ID"},
    ...                        "satisfaction": {"column": "sat", "top_box": 9},
    ...                        "connection": {"threshold": 75}, "value": [{"column": "spend", "unit": "EUR"}]})
    >>> cfg["id"], cfg["id_columns"], cfg["value"], cfg["value_labels"]["spend"]
    ('CustomerID', {'survey': 'CustomerID', 'customers': 'Customer_ID'}, ['spend'], {'label': 'Spend', 'unit': 'EUR'})
    >>> try:
    ...     validate_config({"client": "X", "survey": "s.csv", "customers": "c.csv", "codebook": "cb.csv",
    ...                      "id": "id", "satisfaction": {"column": "sat", "top_box": "high"},
    ...                      "conection": {"threshold": 75}, "value": "spend"})
    ... except DataError as e:
    ...     print(e)
    3 problems:
      1. engagement.yaml: unknown key(s) 'conection' (did you mean 'connection'?); allowed: client, survey, customers, codebook, id, satisfaction, connection, value, contacts, wave, waves, respondents, attrition, advocacy, privacy, covariates, cuts, weight, weighting, max_unmatched, industry
      2. engagement.yaml: missing required key(s) 'connection'
      3. engagement.yaml: satisfaction.top_box must be a number, found 'high'
    """
    if not isinstance(raw, dict):
        found = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise DataError(f"{file}: expected a mapping of keys (client, survey, customers, ...), found {found}",
                        file=file)
    cfg = _as_written(copy.deepcopy(raw))
    problems = Problems()
    todo = _placeholders(cfg)
    if todo:
        problems.add(DataError(f"{file}: {len(todo)} entr{'y' if len(todo) == 1 else 'ies'} still to fill in "
                               f"(replace each {PLACEHOLDER}): {', '.join(dict.fromkeys(todo))}", file=file,
                               column=todo[0], count=len(todo)))
    allowed = REQUIRED_KEYS + OPTIONAL_KEYS
    unknown = [str(k) for k in cfg if k not in allowed]
    if unknown:
        problems.add(_config_error(file, unknown[0], f"unknown key(s) {', '.join(map(repr, unknown))}"
                                   f"{_close(unknown[0], allowed)}; allowed: {', '.join(allowed)}"))
    for key in OPTIONAL_KEYS:  # an optional key set to null is the same as leaving it out
        if key in cfg and cfg[key] is None:
            del cfg[key]
    missing = [k for k in REQUIRED_KEYS if cfg.get(k) is None]
    if missing:
        problems.add(_config_error(file, missing[0], f"missing required key(s) {', '.join(map(repr, missing))}"))
    for key, (required, optional) in NESTED.items():
        if key not in cfg:
            continue
        value = cfg[key]
        if not isinstance(value, dict):
            problems.add(_config_error(file, key, f"key {key!r} must be a mapping with "
                                       f"{', '.join(sorted(required | optional))}, found {value!r}"))
            cfg.pop(key)
            continue
        lacking = sorted(required - {k for k, v in value.items() if v is not None})
        if lacking:
            problems.add(_config_error(file, key, f"key {key!r} is missing {', '.join(lacking)}"))
        extra = sorted(str(k) for k in set(value) - required - optional)
        if extra:
            problems.add(_config_error(file, key, f"key {key!r} has unknown entries {', '.join(extra)}"
                                       f"{_close(extra[0], required | optional)} (allowed: "
                                       f"{', '.join(sorted(required | optional))})"))
        if lacking or extra:
            cfg.pop(key)
    for key in ("client", "survey", "customers", "codebook", "contacts", "wave", "weight"):
        if key in cfg and not _column_name(cfg[key]):
            problems.add(_config_error(file, key, f"key {key!r} must be text, found {cfg[key]!r}"))
    id_value = cfg.get("id")
    if id_value is not None:
        if _column_name(id_value):
            cfg["id_columns"] = {"survey": id_value.strip(), "customers": id_value.strip()}
        elif (isinstance(id_value, dict) and set(id_value) == {"survey", "customers"}
              and all(_column_name(v) for v in id_value.values())):
            cfg["id_columns"] = {k: id_value[k].strip() for k in ("survey", "customers")}
        else:
            problems.add(_config_error(file, "id", f"key 'id' must be a column name, or {{survey: <column>, customers: "
                                       f"<column>}} when the two files name it differently, found {id_value!r}"))
        if "id_columns" in cfg:
            cfg["id"] = cfg["id_columns"]["survey"]
    for key, sub in (("satisfaction", "column"), ("advocacy", "column"), ("privacy", "consent")):
        v = (cfg.get(key) or {}).get(sub)
        if v is not None and not _column_name(v):
            problems.add(_config_error(file, key, f"{key}.{sub} must be a column name, found {v!r}"))
    for key in ("survey", "customers", "codebook", "contacts"):
        name = cfg.get(key)
        # Files live in the engagement folder: no paths, so a config cannot read files elsewhere.
        if isinstance(name, str) and ("/" in name or "\\" in name or name.startswith(".") or ":" in name):
            problems.add(_config_error(file, key, f"key {key!r} must name a file inside the engagement folder, "
                                       f"not {name!r}"))
    if "value" in cfg:
        cfg["value"], cfg["value_labels"] = _check_value(cfg["value"], file, problems)
    covariates = cfg.get("covariates", [])
    if isinstance(covariates, str):
        covariates = [covariates]
    if not isinstance(covariates, list) or not all(_column_name(c) for c in covariates):
        problems.add(_config_error(file, "covariates", "key 'covariates' must be a list of customers column names"))
        covariates = []
    cfg["covariates"] = covariates
    cuts = cfg.get("cuts", [])
    if isinstance(cuts, str):
        cuts = [cuts]
    if not isinstance(cuts, list) or not all(_column_name(c) for c in cuts):
        problems.add(_config_error(file, "cuts", "key 'cuts' must be a list of customers column names (business "
                                   "cuts such as region or channel), e.g. cuts: [region, channel]"))
        cuts = []
    elif len(set(cuts)) != len(cuts):
        problems.add(_config_error(file, "cuts", f"key 'cuts' names a column twice: {cuts!r}"))
        cuts = list(dict.fromkeys(cuts))
    cfg["cuts"] = cuts
    if "industry" in cfg and not (isinstance(cfg["industry"], str) and cfg["industry"].strip()):
        problems.add(_config_error(file, "industry", f"key 'industry' must be text naming the client's industry "
                                   f"(e.g. industry: Retail), found {cfg['industry']!r}"))
    for key, sub in (("satisfaction", "top_box"), ("connection", "threshold")):
        if key in cfg and cfg[key].get(sub) is not None and not _number(cfg[key][sub]) \
                and not _placeholders(cfg[key][sub]):
            problems.add(_config_error(file, key, f"{key}.{sub} must be a number, found {cfg[key][sub]!r}"))
    thr = (cfg.get("connection") or {}).get("threshold")
    if _number(thr) and not 0 <= thr <= 100:
        problems.add(_config_error(file, "connection", f"connection.threshold must be between 0 and 100 (the "
                                   f"connection index scale), found {thr!r}"))
    privacy = dict(cfg.get("privacy") or {})
    privacy.setdefault("min_cell", DEFAULTS["privacy.min_cell"])
    privacy.setdefault("consent", DEFAULTS["privacy.consent"])
    if not isinstance(privacy["min_cell"], int) or isinstance(privacy["min_cell"], bool) or privacy["min_cell"] < 1:
        problems.add(_config_error(file, "privacy", f"privacy.min_cell must be a positive whole number, found "
                                   f"{privacy['min_cell']!r}"))
    pii = privacy.get("pii") or []
    if isinstance(pii, str):
        pii = [pii]
    if not isinstance(pii, list) or not all(_column_name(c) for c in pii):
        problems.add(_config_error(file, "privacy", "privacy.pii must list customers columns holding personal data "
                                   f"(names, e-mails, phone numbers), found {privacy.get('pii')!r}"))
        pii = []
    privacy["pii"] = [c.strip() for c in pii]
    cfg["privacy"] = privacy
    cfg["respondents"] = _check_respondents(cfg.get("respondents", {}), file, problems)
    if "attrition" in cfg:
        att = _check_attrition(cfg["attrition"], cfg["respondents"], file, problems)
        if att is None:
            cfg.pop("attrition")
        else:
            cfg["attrition"] = att
    if "weighting" in cfg:
        wt = _check_weighting(cfg["weighting"], file, problems)
        if wt is None:
            cfg.pop("weighting")
        else:
            cfg["weighting"] = wt
    if "waves" in cfg:
        waves = cfg["waves"]
        if not isinstance(waves, list) or not waves or any(isinstance(w, (dict, list)) or w is None for w in waves):
            problems.add(_config_error(file, "waves", f"key 'waves' must list the waves, earliest first, found "
                                       f"{waves!r}"))
        else:
            cfg["waves"] = [cell_text(w) for w in waves]
            if len(set(cfg["waves"])) != len(cfg["waves"]):
                problems.add(_config_error(file, "waves", f"key 'waves' lists a wave twice: {cfg['waves']}"))
        if "wave" not in cfg:
            problems.add(_config_error(file, "wave", "'waves' is given but 'wave' (the survey column holding them) "
                                       "is not"))
    mu = cfg.get("max_unmatched", DEFAULTS["max_unmatched"])
    if not _number(mu) or not 0 <= mu <= 1:
        problems.add(_config_error(file, "max_unmatched", f"max_unmatched must be a share between 0 and 1, found "
                                   f"{mu!r}"))
    else:
        cfg["max_unmatched"] = float(mu)
    problems.raise_any()
    return cfg


# -- pandera helpers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rule:
    """One pandera check on one column, with the words for its message."""

    check: Any
    problem: Problem
    nullable: bool = True
    missing: Problem = ("value is missing", "values are missing")
    also: str = ""  # said after the rows: what to do


def _report(failure_cases: pd.DataFrame, file: str, explain: dict[str, Problem],
            values: pd.DataFrame | None = None, advice: dict[str, str] | None = None) -> NoReturn:
    """Turn pandera's failure cases into one DataError listing every failing column, with example values.

    ``values`` is the frame as it was before coercion, so that examples show what the file holds.
    """
    fc = failure_cases[failure_cases["column"].notna()]
    problems = Problems()
    for col in dict.fromkeys(fc["column"].astype(str)):
        sub = fc[fc["column"].astype(str) == col]
        problem = explain[col]
        if (sub["check"] == "not_nullable").any():
            sub = sub[sub["check"] == "not_nullable"]
            problem = explain.get(f"{col}\0missing", ("value is missing", "values are missing"))
            examples: Iterable[Any] = ()
        else:
            labels = sub["index"].dropna().astype(int).unique()
            examples = (values.loc[labels, col] if values is not None and col in values.columns
                        else sub["failure_case"])
        problems.add(_problem(file, col, problem, sub["index"].dropna().astype(int).unique(), examples=examples,
                              also=(advice or {}).get(col, "") if len(examples) else ""))
    problems.raise_any()
    raise AssertionError("unreachable: pandera reported failures without a column")  # pragma: no cover


def _to_float(frame: pd.DataFrame, columns: list[str], file: str, decimal: str = ".",
              problems: Problems | None = None) -> pd.DataFrame:
    """Coerce ``columns`` to float64 with pandera; text that is not a number is reported with its rows.

    With ``problems``, the report is added there and the columns are returned with such text as missing, so
    that the checks that follow still run (and every problem is reported at once)."""
    import pandera.pandas as pa

    out = frame.copy()
    for c in columns:
        if out[c].dtype == object or isinstance(out[c].dtype, pd.StringDtype):
            s = out[c].astype("string[pyarrow]").str.strip()  # arrow strings: vectorised, fast
            s = s.mask(s.str.lower().isin(NA_TOKENS))
            # Thousands separators as spreadsheets and CRM exports write them: 1,703.57 (or 1.703,57 with
            # decimal commas). Only the unambiguous grouping pattern is read, so "1,5" is never 15.
            group, point = (".", ",") if decimal == "," else (",", ".")
            grouped = s.str.fullmatch(r"[-+]?\d{1,3}(?:" + re.escape(group) + r"\d{3})+(?:" + re.escape(point)
                                      + r"\d+)?").fillna(False)
            s = s.mask(grouped, s.str.replace(group, "", regex=False))
            if decimal == ",":
                s = s.str.replace(",", ".", regex=False)
            out[c] = s.astype(object).where(s.notna(), None)
    schema = pa.DataFrameSchema({c: pa.Column(float, nullable=True, coerce=True) for c in columns})
    try:
        return schema.validate(out, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        commas = decimal == "." and fc["failure_case"].astype(str).str.fullmatch(r"-?\d+,\d+").any()
        hint = " (decimal commas are read only in semicolon-delimited files)" if commas else ""
        explain: dict[str, Problem] = {c: ("value is not a number" + hint, "values are not numbers" + hint)
                                       for c in columns}
        if problems is None:
            _report(fc, file, explain, values=frame)
        with problems.check():
            _report(fc, file, explain, values=frame)
        return out.assign(**{c: pd.to_numeric(out[c], errors="coerce").astype(float) for c in columns})


def _check(frame: pd.DataFrame, rules: dict[str, _Rule], file: str) -> None:
    """Run ``{column: _Rule}`` lazily with pandera; raise about the first failing column."""
    import pandera.pandas as pa

    if not rules:
        return
    schema = pa.DataFrameSchema({c: pa.Column(checks=[r.check] if r.check is not None else [], nullable=r.nullable)
                                 for c, r in rules.items()})
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        explain: dict[str, Problem] = {c: r.problem for c, r in rules.items()}
        explain.update({f"{c}\0missing": r.missing for c, r in rules.items()})
        _report(exc.failure_cases, file, explain, values=frame, advice={c: r.also for c, r in rules.items()})


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame indexed by data-row position: kept when it already is (unique non-negative integers, as
    after ``cxlib.preparation`` drops rows), else a fresh 0..n-1."""
    idx = frame.index
    if pd.api.types.is_integer_dtype(idx.dtype) and idx.is_unique and (len(idx) == 0 or idx.min() >= 0):
        return frame
    return frame.reset_index(drop=True)


def _normalise_text(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Text columns as ``str`` stripped of surrounding blanks, blank cells as None."""
    out = frame.copy()
    for c in columns:
        out[c] = _text_column(out[c])
    return out


# -- codebook ---------------------------------------------------------------------------------------

def validate_codebook(codebook: pd.DataFrame, file: str = "codebook.csv") -> pd.DataFrame:
    """Check the codebook; return it normalised.

    Checks: the nine columns are present; every row names a column (once), a known role and, for rated
    roles, a numeric scale with ``scale_max > scale_min``; motivator items name their motivator; every
    element has exactly one performance and one importance row, and a stage and a dimension
    (``effectiveness | ease | emotion``) on at least one of them (they must agree when both carry
    them); at least one motivator item exists.

    Returns
    -------
    DataFrame
        The nine codebook columns first (then any extra columns), text stripped with blanks as None,
        scales as float, and each element's stage and dimension on both of its rows.

    Examples
    --------
    >>> cb = pd.DataFrame({"column": ["q1"], "role": ["motivator_item"], "label": ["I feel I belong"]})
    >>> try:
    ...     validate_codebook(cb)
    ... except DataError as e:
    ...     print(e)
    codebook.csv: missing column(s) 'scale_min', 'scale_max', 'motivator', 'element', 'stage', 'dimension' (a codebook has column, role, label, scale_min, scale_max, motivator, element, stage, dimension)
    """
    cb = codebook.reset_index(drop=True).copy()
    cb.columns = [str(c).strip().lower() for c in cb.columns]
    missing = [c for c in CODEBOOK_COLUMNS if c not in cb.columns]
    if missing:
        raise DataError(f"{file}: missing column(s) {', '.join(map(repr, missing))} (a codebook has "
                        f"{', '.join(CODEBOOK_COLUMNS)})", file=file, column=missing[0])
    if cb.empty:
        raise DataError(f"{file}: the codebook has no rows; it needs one row per survey column", file=file)
    for c in CODEBOOK_OPTIONAL:
        if c not in cb.columns:
            cb[c] = None
    known = CODEBOOK_COLUMNS + CODEBOOK_OPTIONAL
    cb = cb[list(known) + [c for c in cb.columns if c not in known]]
    cb = _normalise_text(cb, [c for c in known if not c.startswith("scale_")])
    cb["role"] = cb["role"].map(lambda v: v if v is None else v.lower())
    cb["dimension"] = cb["dimension"].map(lambda v: v if v is None else v.lower())
    problems = Problems()
    pending: dict[str, set[int]] = {}  # cells left as FILL_ME: reported once, not again as blank

    def blank(c: str, mask: pd.Series) -> pd.Index:
        return cb.index[mask.to_numpy() & ~cb.index.isin(pending.get(c, set()))]

    for c in cb.columns:
        todo = cb.index[cb[c].map(lambda v: isinstance(v, str) and PLACEHOLDER in v.upper()).to_numpy()]
        if len(todo):
            problems.add(_problem(file, c, (f"cell still to fill in (replace {PLACEHOLDER})",
                                            f"cells still to fill in (replace each {PLACEHOLDER})"), todo,
                                  examples=cb.loc[todo, "column"] if c != "column" else ()))
            cb.loc[todo, c] = None
            pending[c] = set(todo)
    with problems.check():
        _check(cb, {"column": _Rule(None, "", nullable=False,
                                    missing=("row has no column name", "rows have no column name")),
                    "role": _Rule(None, "", nullable=False,
                                  missing=(f"row has no role (one of {', '.join(ROLES)})",
                                           f"rows have no role (one of {', '.join(ROLES)})"))}, file)
    for c, allowed in (("role", ROLES), ("dimension", DIMENSIONS)):
        bad = cb[cb[c].notna() & ~cb[c].isin(allowed)]
        for value, rows in bad.groupby(c, sort=False).groups.items():
            problems.add(_problem(file, c, (f"row has the unknown {c} {value!r}{_close(value, allowed)} (allowed: "
                                            f"{', '.join(allowed)})",
                                            f"rows have the unknown {c} {value!r}{_close(value, allowed)} (allowed: "
                                            f"{', '.join(allowed)})"), rows))
    dup = cb.index[cb["column"].notna() & cb["column"].duplicated(keep="first")]
    if len(dup):
        problems.add(_problem(file, "column", f"repeated column name(s) {sorted(set(cb.loc[dup, 'column']))}", dup))
    written = cb[["scale_min", "scale_max"]].notna()  # text that is not a number is reported once, above
    cb = _to_float(cb, ["scale_min", "scale_max"], file, problems=problems)
    rated = cb["role"].isin(RATED_ROLES)
    for c in ("scale_min", "scale_max"):
        lacking = blank(c, rated & cb[c].isna() & ~written[c])
        if len(lacking):
            problems.add(_problem(file, c, ("rated question has no scale", "rated questions have no scale"), lacking,
                                  examples=cb.loc[lacking, "column"]))
    inverted = cb.index[cb["scale_max"] <= cb["scale_min"]]
    if len(inverted):
        problems.add(_problem(file, "scale_max", ("row has scale_max not above scale_min",
                                                  "rows have scale_max not above scale_min"), inverted))
    mot = cb["role"] == "motivator_item"
    no_mot = blank("motivator", mot & cb["motivator"].isna())
    if len(no_mot):
        problems.add(_problem(file, "motivator", ("motivator item does not name its motivator",
                                                  "motivator items do not name their motivator"), no_mot,
                              examples=cb.loc[no_mot, "column"]))
    el = cb["role"].isin(["element_performance", "element_importance"])
    no_el = blank("element", el & cb["element"].isna())
    if len(no_el):
        problems.add(_problem(file, "element", ("element row does not name its element",
                                                "element rows do not name their element"), no_el,
                              examples=cb.loc[no_el, "column"]))
    el &= cb["element"].notna()
    for role in ("element_performance", "element_importance"):
        sub = cb.loc[(cb["role"] == role) & cb["element"].notna()]
        dup = sub.index[sub["element"].duplicated(keep="first")]
        if len(dup):
            problems.add(_problem(file, "element", f"{role} rows repeat element(s) "
                                  f"{sorted(set(cb.loc[dup, 'element']))}", dup))
    for role, other in (("element_performance", "element_importance"), ("element_importance", "element_performance")):
        others = cb.loc[cb["role"] == other, "element"].dropna()
        lonely = cb.index[(cb["role"] == role) & cb["element"].notna() & ~cb["element"].isin(others)]
        if len(lonely):
            names = sorted(set(cb.loc[lonely, "element"]))
            have, lack = role.split("_")[1], other.split("_")[1]
            hint = _close(names[0], set(others) - set(cb.loc[cb["role"] == role, "element"].dropna()))
            problems.add(_problem(file, "element", (f"element has a {have} row but no {lack} row: {names}{hint}",
                                                    f"elements have a {have} row but no {lack} row: {names}{hint}"),
                                  lonely))
    for c in ("stage", "dimension"):
        # The pair shares one stage and dimension; either row may carry it. Report every element lacking
        # one at once (in codebook order), since a draft codebook lacks them all.
        valid = (lambda v: v.dropna()) if c == "stage" else (lambda v: v[v.isin(DIMENSIONS)])  # unknown: above
        carried = cb[el].groupby("element", sort=False)[c].agg(lambda v: sorted(set(valid(v))))
        waiting = set(cb.loc[list(pending.get(c, set())), "element"])
        lacking = [e for e, v in carried.items() if not v and e not in waiting]
        if lacking:
            rows = cb.index[el & cb["element"].isin(lacking)]
            problems.add(_problem(file, c, (f"element row has no {c}: {lacking[0]!r}",
                                            f"element rows have no {c} (on neither row of the pair): "
                                            f"{', '.join(map(repr, lacking[:5]))}{', …' if len(lacking) > 5 else ''}"),
                                  rows))
        for e in [e for e, v in carried.items() if len(v) > 1]:
            problems.add(_problem(file, c, f"rows of element {e!r} disagree on its {c} ({', '.join(carried[e])})",
                                  cb.index[el & (cb["element"] == e)]))
        cb.loc[el, c] = cb.loc[el, "element"].map(lambda e: carried[e][0] if carried[e] else None)
    if not mot.any():
        problems.add(DataError(f"{file}: column 'role': no motivator_item rows; the connection index needs them",
                               file=file, column="role"))
    problems.raise_any()
    return cb


# -- survey -----------------------------------------------------------------------------------------

def _ids(ids: pd.Series, file: str, column: str) -> pd.Series:
    out = _text_column(ids)
    blank = out.index[out.isna()]
    if len(blank):
        fail(file, column, ("row has no id", "rows have no id"), blank)
    return out


def _structural(cfg: dict[str, Any]) -> dict[str, str]:
    """Survey columns named by the config that need no codebook row: column -> what names it."""
    out = {cfg["id"]: "the id column, named by 'id' in engagement.yaml"}
    if cfg.get("wave"):
        out[cfg["wave"]] = "the wave column, named by 'wave' in engagement.yaml"
    if cfg.get("weight"):
        out[cfg["weight"]] = "the respondent weight column, named by 'weight' in engagement.yaml"
    return out


def validate_survey(survey: pd.DataFrame, codebook: pd.DataFrame, cfg: dict[str, Any], *, file: str,
                    codebook_file: str = "codebook.csv", decimal: str = ".") -> pd.DataFrame:
    """Check the survey against a validated codebook and config.

    Checks: id, wave and weight columns present; every other survey column has a codebook row and every
    codebook row a survey column; the satisfaction (and a survey advocacy) column has the right role and
    scale; rated and numeric columns hold numbers inside their codebook scale; weights are present,
    positive and finite; ids are present and unique; every respondent has a wave listed in ``waves``.

    Returns
    -------
    DataFrame
        A copy: ids and waves as text, verbatim answers as text (blank -> None), covariates as numbers
        when every value is a number (else text), every other codebook column and the weight as float64.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> survey = eng.survey.astype(object)
    >>> survey.loc[[3, 7], "overall_sat"] = 14  # a 0–10 question
    >>> try:
    ...     validate_survey(survey, eng.codebook, eng.config, file="survey.csv")
    ... except DataError as e:
    ...     print(e)
    survey.csv: column 'overall_sat': 2 values outside the scale 0–10, e.g. '14' (rows 4, 8); if 14 means “not applicable” or “don't know”, put 14 in missing_codes on this column's row of codebook.csv
    """
    import pandera.pandas as pa

    id_col, wave_col, weight_col = cfg["id"], cfg.get("wave"), cfg.get("weight")
    survey = _labelled(survey)
    survey.columns = [str(c) for c in survey.columns]
    if survey.empty:
        raise DataError(f"{file}: the survey has no rows", file=file)
    structural = _structural(cfg)
    problems = Problems()
    for col, what in structural.items():
        if col not in survey.columns:
            problems.add(DataError(f"{file}: column {col!r} is missing ({what}){_close(col, survey.columns)}",
                                   file=file, column=col))
        if col in set(codebook["column"]):
            pos = int(np.flatnonzero(codebook["column"].to_numpy() == col)[0])
            problems.add(_problem(codebook_file, col, f"row describes {what}; it needs no codebook row", [pos]))
    described = set(codebook["column"])
    undocumented = [c for c in survey.columns if c not in described and c not in structural]
    if undocumented:
        n = len(undocumented)
        problems.add(DataError(f"{file}: column {undocumented[0]!r}: {n} survey column{'s are' if n > 1 else ' is'} not "
                               f"in {codebook_file} ({', '.join(map(repr, undocumented[:5]))}{', …' if n > 5 else ''}); "
                               "add a codebook row for each (role ignore for metadata, pii for names, e-mails and "
                               "phone numbers)", file=file, column=undocumented[0], count=n))
    absent = codebook.index[~codebook["column"].isin(survey.columns)]
    for pos in absent:
        name = codebook.loc[pos, "column"]
        problems.add(_problem(codebook_file, name, f"row names a column that is not in {file}"
                              f"{_close(name, [c for c in survey.columns if c not in described])}", [pos]))
    roles = dict(zip(codebook["column"], codebook["role"]))
    scales = {r.column: (r.scale_min, r.scale_max) for r in codebook.itertuples()}
    sat, top_box = cfg["satisfaction"]["column"], cfg["satisfaction"]["top_box"]
    if sat not in survey.columns:
        problems.add(DataError(f"{file}: column {sat!r} (satisfaction.column in engagement.yaml) is missing"
                               f"{_close(sat, survey.columns)}", file=file, column=sat))
    elif sat in roles and roles[sat] != "satisfaction":
        problems.add(DataError(f"{codebook_file}: column {sat!r} is satisfaction.column in engagement.yaml but its "
                               f"role is {roles[sat]!r}; make it 'satisfaction'", file=codebook_file, column=sat))
    elif sat in roles:
        lo, hi = scales[sat]
        if not lo <= top_box <= hi:
            problems.add(DataError(f"engagement.yaml: satisfaction.top_box {top_box:g} is outside the scale of {sat!r} "
                                   f"({lo:g}–{hi:g} in {codebook_file})", file="engagement.yaml",
                                   column="satisfaction"))
    adv = cfg.get("advocacy", {}).get("column")
    if adv in roles and scales[adv] != (0, 10):
        problems.add(DataError(f"{codebook_file}: column {adv!r} is advocacy.column in engagement.yaml, a 0–10 "
                               f"likelihood to recommend, but its scale is {scales[adv][0]:g}–{scales[adv][1]:g}",
                               file=codebook_file, column=adv))
    problems.raise_any()

    out = survey.copy()
    out[id_col] = _ids(out[id_col], file, id_col)
    if wave_col:
        out[wave_col] = _text_column(out[wave_col])
    verbatim = [c for c, r in roles.items() if r == "verbatim"]
    out = _normalise_text(out, verbatim)
    unanalysed = [c for c, r in roles.items() if r in UNANALYSED_ROLES and c in out.columns and c != id_col]
    out = _normalise_text(out, unanalysed)
    covariates = [c for c, r in roles.items() if r == "covariate" and pd.isna(scales[c][0])]
    text_covariates = []
    for c in covariates:
        # A covariate without a scale may be categorical text; keep it as text unless it is all numbers.
        trial = _normalise_text(out[[c]], [c])[c]
        as_num = pd.to_numeric(trial.map(lambda v: v if v is None or decimal == "." else v.replace(",", ".")),
                               errors="coerce")
        if (as_num.isna() & trial.notna()).any():
            text_covariates.append(c)
    out = _normalise_text(out, text_covariates)
    numeric = [c for c in survey.columns if c in roles and c not in verbatim and c not in text_covariates
               and c not in unanalysed]
    numeric += [weight_col] if weight_col else []
    problems = Problems()
    out = _to_float(out, numeric, file, decimal, problems=problems)
    rules: dict[str, _Rule] = {}
    if weight_col:
        rules[weight_col] = _Rule(pa.Check(lambda s: np.isfinite(s) & (s > 0), name="positive_finite"),
                                  ("respondent weight is zero, negative or not finite",
                                   "respondent weights are zero, negative or not finite"), nullable=False,
                                  missing=("respondent weight is missing", "respondent weights are missing"))
    for c in numeric:
        lo, hi = scales.get(c, (np.nan, np.nan))
        if pd.notna(lo) and pd.notna(hi):
            # A few distinct values just beyond the scale are usually an export's code for "not applicable"
            # or "don't know" (Qualtrics writes 8 on a 1–7 scale): say how to declare them.
            outside = out[c][(out[c] < lo) | (out[c] > hi)].dropna().unique()
            hint = ""
            if 0 < len(outside) <= 3:
                codes = ";".join(f"{v:g}" for v in sorted(outside))
                hint = (f"; if {codes.replace(';', ' or ')} means “not applicable” or “don't know”, put {codes} in "
                        f"missing_codes on this column's row of {codebook_file}")
            rules[c] = _Rule(pa.Check.in_range(lo, hi), (f"value outside the scale {lo:g}–{hi:g}",
                                                         f"values outside the scale {lo:g}–{hi:g}"), also=hint)
    with problems.check():
        _check(out, rules, file)
    dup = out.index[out[id_col].duplicated(keep="first")]
    if len(dup):
        problems.add(_problem(file, id_col, ("duplicate respondent id", "duplicate respondent ids"), dup,
                              also=f": {', '.join(map(repr, out.loc[dup, id_col].unique()[:5]))} (to keep each "
                                   "customer's latest response, give respondents: {duplicates: latest, date: <response "
                                   "date column>} in engagement.yaml)"))
    with problems.check():
        _check_waves(out, cfg, file)
    # A rated or numeric question nobody answered is a broken export, not data: every figure built on it
    # would be empty. (A verbatim question nobody answered is fine: there are simply no comments.)
    broken = {p.column for p in problems.errors}
    for c in numeric:
        if c != weight_col and c not in broken and out[c].isna().all():
            problems.add(DataError(f"{file}: column {c!r} has no answers in any of its {len(out):,} rows; fix the "
                                   f"export, or remove the column and its row in {codebook_file}", file=file, column=c))
    problems.raise_any()
    return out


def _check_waves(out: pd.DataFrame, cfg: dict[str, Any], file: str) -> None:
    wave_col = cfg.get("wave")
    if wave_col:
        no_wave = out.index[out[wave_col].isna()]
        if len(no_wave):
            fail(file, wave_col, ("row has no wave", "rows have no wave"), no_wave)
        if "waves" in cfg:
            unknown = out.index[~out[wave_col].isin(cfg["waves"])]
            if len(unknown):
                vals = sorted(set(out.loc[unknown, wave_col]))
                fail(file, wave_col, (f"value {vals} is not among the waves in engagement.yaml "
                                      f"({', '.join(cfg['waves'])})",
                                      f"values {vals} are not among the waves in engagement.yaml "
                                      f"({', '.join(cfg['waves'])})"), unknown)
        listed = cfg.get("waves") or []
        empty = [w for w in listed if not (out[wave_col] == w).any()]
        if empty:
            raise DataError(f"{file}: column {wave_col!r}: wave {empty[0]!r} is listed in engagement.yaml (waves) but no "
                            "respondent belongs to it; add its respondents or remove it from waves",
                            file=file, column=wave_col)


def fill_waves(cfg: dict[str, Any], survey: pd.DataFrame) -> dict[str, Any]:
    """Return ``cfg`` with ``waves`` defaulted to the survey's wave values in order of first appearance.

    Examples
    --------
    >>> cfg = {"wave": "wave"}
    >>> fill_waves(cfg, pd.DataFrame({"wave": ["2025", "2025", "2026"]}))["waves"]
    ['2025', '2026']
    """
    if cfg.get("wave") and "waves" not in cfg:
        cfg = {**cfg, "waves": list(dict.fromkeys(survey[cfg["wave"]].dropna().tolist()))}
    return cfg


# -- customers --------------------------------------------------------------------------------------

def _booleans(col: pd.Series, file: str, name: str) -> pd.Series:
    def to_bool(v: Any) -> Any:
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        t = cell_text(v)
        if t is None:
            return None
        t = t.lower()
        return True if t in TRUE else False if t in FALSE else "bad"

    out = col.map(to_bool)
    bad = col.index[(out == "bad").to_numpy()]
    if len(bad):
        fail(file, name, ("value is not yes/no (true/false, 1/0, yes/no)",
                          "values are not yes/no (true/false, 1/0, yes/no)"), bad)
    missing = col.index[out.isna().to_numpy()]
    if len(missing):
        fail(file, name, ("consent value is missing (say no rather than leave it blank)",
                          "consent values are missing (say no rather than leave them blank)"), missing)
    return out.astype(bool)


def validate_customers(customers: pd.DataFrame, cfg: dict[str, Any], *, file: str, decimal: str = ".",
                       survey_columns: Iterable[str] = ()) -> pd.DataFrame:
    """Check the customers table: ids, value, attrition, advocacy, consent and covariate columns.

    ``survey_columns`` lets an advocacy column live in the survey instead of here.

    Returns
    -------
    DataFrame
        A copy: id and wave as text, value and duration columns as float64, the attrition event as int
        0/1, the consent column as bool; other columns as read.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> customers = eng.customers.astype(object)
    >>> customers.loc[0, "tenure_days"] = -5
    >>> try:
    ...     validate_customers(customers, eng.config, file="customers.csv", survey_columns=eng.survey.columns)
    ... except DataError as e:
    ...     print(e)
    customers.csv: column 'tenure_days': 1 negative duration, e.g. '-5' (row 1)
    """
    import pandera.pandas as pa

    id_col = cfg["id"]
    customers = _labelled(customers)
    customers.columns = [str(c) for c in customers.columns]
    if customers.empty:
        raise DataError(f"{file}: the customers file has no rows", file=file)
    att = cfg.get("attrition")
    consent = cfg["privacy"].get("consent")
    adv = cfg.get("advocacy", {}).get("column")
    needed: list[tuple[str, str]] = [(id_col, "id")] + [(v, "value") for v in cfg["value"]]
    if att:
        needed += [(att["duration"], "attrition.duration"), (att["event"], "attrition.event")]
        if att.get("start"):
            needed.append((att["start"], "attrition.start"))
    if consent:
        needed.append((consent, "privacy.consent"))
    needed += [(c, "covariates") for c in cfg.get("covariates", [])]
    needed += [(c, "cuts") for c in cfg.get("cuts", []) if c not in {n for n, _ in needed}]
    needed += [(c, "privacy.pii") for c in cfg["privacy"].get("pii") or []]
    needed += [(c, "weighting.rake") for c in (cfg.get("weighting") or {}).get("rake") or []
               if c not in {n for n, _ in needed}]
    if adv and adv not in set(survey_columns):
        needed.append((adv, "advocacy.column"))
    problems = Problems()
    for col, what in needed:
        if col not in customers.columns:
            where = "; it is not in the survey either" if what == "advocacy.column" else ""
            problems.add(DataError(f"{file}: column {col!r} is missing (named by {what} in engagement.yaml{where})"
                                   f"{_close(col, customers.columns)}", file=file, column=col))
    problems.raise_any()
    out = customers.copy()
    out[id_col] = _ids(out[id_col], file, id_col)
    wave_col = cfg.get("wave")
    if wave_col and wave_col in out.columns:
        out[wave_col] = _text_column(out[wave_col])
    numeric = list(dict.fromkeys(cfg["value"] + ([att["duration"], att["event"]] if att else [])
                                 + ([adv] if adv in out.columns and adv not in set(survey_columns) else [])))
    out = _to_float(out, numeric, file, decimal, problems=problems)
    rules: dict[str, _Rule] = {}
    if att:
        rules[att["duration"]] = _Rule(pa.Check.ge(0), ("negative duration", "negative durations"), nullable=False,
                                       missing=("duration is missing", "durations are missing"))
        # Built from dates, customers who never responded have no follow-up start, so no duration or event.
        dated = bool(att.get("from_dates"))
        if dated:
            rules[att["duration"]] = _Rule(pa.Check.ge(0), ("negative duration", "negative durations"))
        rules[att["event"]] = _Rule(pa.Check.isin([0.0, 1.0]), ("value is not 0/1 (1 = the customer left; give "
                                                                "attrition.event_values for other codes)",
                                                                "values are not 0/1 (1 = the customer left; give "
                                                                "attrition.event_values for other codes)"),
                                    nullable=dated)
    if adv in numeric:
        rules[adv] = _Rule(pa.Check.in_range(0, 10),
                           ("value outside the scale 0–10", "values outside the scale 0–10"))
    with problems.check():
        _check(out, rules, file)
    problems.raise_any()
    if att and not att.get("from_dates"):
        out[att["event"]] = out[att["event"]].astype(int)
    if consent:
        out[consent] = _booleans(out[consent], file, consent)
    if att and att.get("start"):
        start = att["start"]
        dates = timestamps(out[start])
        bad = out.index[(dates.isna() & out[att["duration"]].notna()).to_numpy()]
        if len(bad):
            fail(file, start, ("date missing or not a date (attrition.start)",
                               "dates missing or not dates (attrition.start)"), bad)
        out[start] = dates
    for col in cfg["value"]:
        if out[col].isna().all():
            raise DataError(f"{file}: column {col!r} (a value column in engagement.yaml) has no values in any of "
                            f"its {len(out):,} rows", file=file, column=col)
    for col in cfg.get("covariates", []):
        if out[col].map(is_missing).all():
            raise DataError(f"{file}: column {col!r} (a covariate in engagement.yaml) has no values", file=file,
                            column=col)
    for col in cfg.get("cuts", []):
        if out[col].map(is_missing).all():
            raise DataError(f"{file}: column {col!r} (a business cut in engagement.yaml) has no values", file=file,
                            column=col)
        if col in (cfg["privacy"].get("pii") or []) or col == id_col:
            raise DataError(f"{file}: column {col!r} is a business cut in engagement.yaml but it identifies "
                            f"customers (the id or a privacy.pii column); cut by a grouping such as region",
                            file=file, column=col)
    dup = out.index[out[id_col].duplicated(keep="first")]
    if len(dup):
        fail(file, id_col, ("duplicate customer id", "duplicate customer ids"), dup,
             also=f": {', '.join(map(repr, out.loc[dup, id_col].unique()[:5]))}")
    return out


# -- contacts ---------------------------------------------------------------------------------------

def timestamps(col: pd.Series) -> pd.Series:
    """A column as dates and times (datetime64, naive UTC); what is not a date becomes NaT.

    Times with an offset are converted to UTC, times without one are taken as they are.

    Examples
    --------
    >>> timestamps(pd.Series(["2026-03-14 10:22:31", "14/03/2026", "soon", None])).tolist()
    [Timestamp('2026-03-14 10:22:31'), Timestamp('2026-03-14 00:00:00'), NaT, NaT]
    """
    if pd.api.types.is_datetime64_any_dtype(col):
        ts = col
    else:
        text = col.map(lambda v: None if is_missing(v) else v if isinstance(v, pd.Timestamp) else str(v).strip())
        # utc=True: times with an offset are converted to UTC, times without one are taken as they are,
        # so files mixing both (or several offsets) still give one comparable clock.
        ts = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return ts.astype("datetime64[ns]")


def validate_contacts(contacts: pd.DataFrame, cfg: dict[str, Any], *, file: str, decimal: str = ".") -> pd.DataFrame:
    """Check contact-point experiences: the id, a parseable ``timestamp``, ``channel``, ``stage`` and a
    ``rating`` from −2 to +2.

    Returns
    -------
    DataFrame
        A copy: id, channel and stage as text, timestamp as datetime64 (time zones converted to UTC),
        rating as float64.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> contacts = eng.contacts.astype(object)
    >>> contacts.loc[1, "rating"] = 7
    >>> try:
    ...     validate_contacts(contacts, eng.config, file="contacts.csv")
    ... except DataError as e:
    ...     print(e)
    contacts.csv: column 'rating': 1 rating outside −2 … +2, e.g. '7' (row 2)
    """
    import pandera.pandas as pa

    id_col = cfg["id"]
    contacts = _labelled(contacts)
    contacts.columns = [str(c) for c in contacts.columns]
    for col in (id_col, *CONTACTS_COLUMNS):
        if col not in contacts.columns:
            raise DataError(f"{file}: column {col!r} is missing (contacts need {id_col}, "
                            f"{', '.join(CONTACTS_COLUMNS)})", file=file, column=col)
    out = contacts.copy()
    out[id_col] = _ids(out[id_col], file, id_col)
    out = _normalise_text(out, ["channel", "stage"])
    ts = timestamps(out["timestamp"])
    bad = out.index[ts.isna()]
    if len(bad):
        fail(file, "timestamp", ("value is not a date/time", "values are not dates/times"), bad)
    out["timestamp"] = ts
    out = _to_float(out, ["rating"], file, decimal)
    _check(out, {"rating": _Rule(pa.Check.in_range(-2, 2),
                                 ("rating outside −2 … +2", "ratings outside −2 … +2"),
                                 nullable=False, missing=("rating is missing", "ratings are missing"))}, file)
    return out


# -- across tables ----------------------------------------------------------------------------------

def validate_links(survey: pd.DataFrame, customers: pd.DataFrame, cfg: dict[str, Any], *, survey_file: str,
                   customers_file: str, contacts: pd.DataFrame | None = None,
                   contacts_file: str = "contacts.csv") -> list[str]:
    """Cross-table checks on validated tables; returns warnings.

    Fails when more than ``max_unmatched`` of the respondents have no customer row (below it: a
    warning), or when a respondent's wave differs from their wave in the customers file. Warns about
    contacts of unknown customers and when nobody gave analytics consent.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> customers = eng.customers.iloc[100:]  # 100 respondents have no customer row
    >>> try:
    ...     validate_links(eng.survey, customers, eng.config, survey_file="survey.csv", customers_file="customers.csv")
    ... except DataError as e:
    ...     print(e)
    survey.csv: column 'customer_id': 100 respondent ids have no row in customers.csv (rows 2, 10, 11, 14, 18, … 95 more); that is 33.3% of the survey, above the 5% allowed by max_unmatched in engagement.yaml (is 'id' the right column?)
    """
    from .diagnostics import leading_zero_hint

    id_col, wave_col = cfg["id"], cfg.get("wave")
    warnings: list[str] = []
    known = set(customers[id_col])
    matched = survey[id_col].isin(known)
    unmatched = survey.index[~matched]
    if len(unmatched):
        share = len(unmatched) / len(survey)
        if share > cfg["max_unmatched"]:
            fail(survey_file, id_col, (f"respondent id has no row in {customers_file}",
                                       f"respondent ids have no row in {customers_file}"), unmatched,
                 also=f"; that is {share:.1%} of the survey, above the {cfg['max_unmatched']:.0%} allowed by "
                      "max_unmatched in engagement.yaml ("
                      + (leading_zero_hint(survey.loc[unmatched, id_col], customers[id_col])
                         or "is 'id' the right column?") + ")")
        warnings.append(f"{survey_file}: {len(unmatched)} respondent(s) ({share:.1%}) have no row in "
                        f"{customers_file} and are left out of the analysis")
    if wave_col and wave_col in customers.columns:
        theirs = survey[id_col].map(dict(zip(customers[id_col], customers[wave_col])))
        differ = survey.index[theirs.notna() & (theirs != survey[wave_col])]
        if len(differ):
            fail(survey_file, wave_col, (f"respondent's wave differs from their wave in {customers_file}",
                                         f"respondents' waves differ from their waves in {customers_file}"), differ)
    if contacts is not None:
        stray = contacts.index[~contacts[id_col].isin(known)]
        if len(stray):
            warnings.append(f"{contacts_file}: {len(stray)} contact(s) have an id with no row in {customers_file} "
                            "and are left out")
    consent = cfg["privacy"].get("consent")
    min_cell = int(cfg["privacy"]["min_cell"])
    usable = matched.copy()
    if consent:
        usable &= survey[id_col].isin(set(customers.loc[customers[consent].astype(bool), id_col]))
    if int(usable.sum()) < min_cell:
        why = f"{len(survey):,} in the survey, {int(matched.sum()):,} with a row in {customers_file}"
        if consent:
            why += f", {int(usable.sum()):,} of them consenting ({consent})"
        raise DataError(f"{survey_file}: only {int(usable.sum()):,} respondents can be analysed ({why}); at least "
                        f"privacy.min_cell = {min_cell} are needed before any figure can be reported",
                        file=survey_file, count=int(usable.sum()))
    return warnings
