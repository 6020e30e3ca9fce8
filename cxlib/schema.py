"""Validation of engagement inputs (DESIGN §3). Every problem raises ``DataError`` naming the file, the
column and the first bad rows with a count.

Rows are numbered as a person counts data rows in the file: the first row after the header (after the
three header rows of a Qualtrics export) is row 1.

Defaults filled into ``engagement.yaml`` when a key is absent:

- ``waves``: the wave values in the order they first appear in the survey (when ``wave`` is given);
- ``privacy.min_cell``: 30; ``privacy.consent``: none (everyone analysed);
- ``attrition.horizon``: 365 days;
- ``covariates``: ``[]``; ``max_unmatched``: 0.05 — the share of survey respondents allowed to have no
  customer row; below it they are dropped with a warning, above it loading fails.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DataError", "ROLES", "DIMENSIONS", "SLUG", "validate_slug", "validate_config", "validate_codebook",
           "validate_survey", "validate_customers", "validate_contacts", "validate_links"]

ROLES = ("satisfaction", "motivator_item", "element_performance", "element_importance", "advocacy", "verbatim",
         "covariate")
DIMENSIONS = ("effectiveness", "ease", "emotion")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
CODEBOOK_COLUMNS = ("column", "role", "label", "scale_min", "scale_max", "motivator", "element", "stage", "dimension")

REQUIRED_KEYS = ("client", "survey", "customers", "codebook", "id", "satisfaction", "connection", "value")
OPTIONAL_KEYS = ("contacts", "wave", "waves", "attrition", "advocacy", "privacy", "covariates", "weight",
                 "max_unmatched")
NESTED = {
    "satisfaction": ({"column", "top_box"}, set()),
    "connection": ({"threshold"}, set()),
    "attrition": ({"duration", "event"}, {"horizon"}),
    "advocacy": ({"column"}, set()),
    "privacy": (set(), {"min_cell", "consent"}),
}
TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}


class DataError(ValueError):
    """Bad input data. The message names the file, the column and the first bad rows.

    Attributes
    ----------
    file, column : str or None
        Where the problem is.
    rows : list of int
        The first bad rows (1-based data rows), at most five.
    count : int
        How many values or rows are bad.
    """

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 rows: Iterable[int] = (), count: int = 0):
        super().__init__(message)
        self.file, self.column, self.rows, self.count = file, column, list(rows), count


def _fail(file: str, column: str | None, problem: str, bad_index: Iterable[int] = (), *, offset: int = 1) -> None:
    """Raise a DataError: ``file: column 'c': <count> <problem> (rows r1, r2, r3)``."""
    idx = sorted({int(i) for i in bad_index})
    where = f"column {column!r}: " if column else ""
    rows = [i + offset for i in idx[:5]]
    tail = ""
    if idx:
        more = f", … {len(idx) - 5} more" if len(idx) > 5 else ""
        tail = f" ({'row' if len(idx) == 1 else 'rows'} {', '.join(map(str, rows))}{more})"
    count = f"{len(idx)} " if idx else ""
    raise DataError(f"{file}: {where}{count}{problem}{tail}", file=file, column=column, rows=rows, count=len(idx))


def validate_slug(slug: str) -> str:
    """The engagement's folder name must be a safe slug: lower-case letters, digits and hyphens."""
    if not SLUG.fullmatch(slug or ""):
        raise DataError(f"{slug!r}: not a valid engagement name; use lower-case letters, digits and hyphens, "
                        "starting with a letter or digit (e.g. 'acme-2026')", file=slug)
    return slug


# -- engagement.yaml -------------------------------------------------------------------------------

def validate_config(raw: Any, file: str = "engagement.yaml") -> dict[str, Any]:
    """Check ``engagement.yaml`` (already parsed) and return it with defaults filled in."""
    if not isinstance(raw, dict):
        raise DataError(f"{file}: expected a mapping of keys (client, survey, ...), found {type(raw).__name__}",
                        file=file)
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise DataError(f"{file}: missing required key(s) {', '.join(missing)}", file=file, column=missing[0])
    unknown = [k for k in raw if k not in REQUIRED_KEYS + OPTIONAL_KEYS]
    if unknown:
        raise DataError(f"{file}: unknown key(s) {', '.join(map(str, unknown))} (allowed: "
                        f"{', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})", file=file, column=str(unknown[0]))
    cfg = dict(raw)
    for key, (required, optional) in NESTED.items():
        if key not in cfg:
            continue
        value = cfg[key]
        if not isinstance(value, dict):
            raise DataError(f"{file}: key {key!r} must be a mapping with {', '.join(sorted(required | optional))}",
                            file=file, column=key)
        lacking = sorted(required - set(value))
        if lacking:
            raise DataError(f"{file}: key {key!r} is missing {', '.join(lacking)}", file=file, column=key)
        extra = sorted(set(value) - required - optional)
        if extra:
            raise DataError(f"{file}: key {key!r} has unknown entries {', '.join(map(str, extra))}", file=file,
                            column=key)
    for key in ("client", "survey", "customers", "codebook", "id", "contacts", "wave", "weight"):
        if key in cfg and cfg[key] is not None and not isinstance(cfg[key], str):
            raise DataError(f"{file}: key {key!r} must be text, found {cfg[key]!r}", file=file, column=key)
    for key in ("survey", "customers", "codebook", "contacts"):
        name = cfg.get(key)
        if name and (("/" in name) or ("\\" in name) or name.startswith(".")):
            raise DataError(f"{file}: key {key!r} must name a file inside the engagement folder, not {name!r}",
                            file=file, column=key)
    value = cfg["value"]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DataError(f"{file}: key 'value' must list one or more customers columns", file=file, column="value")
    cfg["value"] = value
    covariates = cfg.get("covariates") or []
    if not isinstance(covariates, list) or not all(isinstance(c, str) for c in covariates):
        raise DataError(f"{file}: key 'covariates' must be a list of column names", file=file, column="covariates")
    cfg["covariates"] = covariates
    for key, sub in (("satisfaction", "top_box"), ("connection", "threshold")):
        if not isinstance(cfg[key][sub], (int, float)) or isinstance(cfg[key][sub], bool):
            raise DataError(f"{file}: {key}.{sub} must be a number, found {cfg[key][sub]!r}", file=file, column=key)
    if not 0 <= cfg["connection"]["threshold"] <= 100:
        raise DataError(f"{file}: connection.threshold must be between 0 and 100", file=file, column="connection")
    privacy = dict(cfg.get("privacy") or {})
    privacy.setdefault("min_cell", 30)
    privacy.setdefault("consent", None)
    if not isinstance(privacy["min_cell"], int) or privacy["min_cell"] < 1:
        raise DataError(f"{file}: privacy.min_cell must be a positive whole number", file=file, column="privacy")
    cfg["privacy"] = privacy
    if "attrition" in cfg:
        att = dict(cfg["attrition"])
        att.setdefault("horizon", 365)
        if not isinstance(att["horizon"], (int, float)) or att["horizon"] <= 0:
            raise DataError(f"{file}: attrition.horizon must be a positive number of days", file=file,
                            column="attrition")
        cfg["attrition"] = att
    if "waves" in cfg:
        waves = cfg["waves"]
        if not isinstance(waves, list) or not waves:
            raise DataError(f"{file}: key 'waves' must list the waves, earliest first", file=file, column="waves")
        cfg["waves"] = [str(w) for w in waves]
        if "wave" not in cfg:
            raise DataError(f"{file}: 'waves' is given but 'wave' (the column holding them) is not", file=file,
                            column="wave")
    mu = cfg.get("max_unmatched", 0.05)
    if not isinstance(mu, (int, float)) or not 0 <= mu <= 1:
        raise DataError(f"{file}: max_unmatched must be a share between 0 and 1", file=file, column="max_unmatched")
    cfg["max_unmatched"] = float(mu)
    return cfg


# -- codebook ---------------------------------------------------------------------------------------

def validate_codebook(codebook: pd.DataFrame, file: str = "codebook.csv") -> pd.DataFrame:
    """Check the codebook's columns, roles, scales, motivators and element pairs; return it normalised."""
    cb = codebook.copy()
    cb.columns = [str(c).strip() for c in cb.columns]
    missing = [c for c in CODEBOOK_COLUMNS if c not in cb.columns]
    if missing:
        raise DataError(f"{file}: missing column(s) {', '.join(missing)} (a codebook has "
                        f"{', '.join(CODEBOOK_COLUMNS)})", file=file, column=missing[0])
    cb = cb[list(CODEBOOK_COLUMNS)].copy()
    for c in ("column", "role", "label", "motivator", "element", "stage", "dimension"):
        cb[c] = cb[c].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
                          else str(v).strip())
    idx = cb.index.to_numpy()
    blank = idx[cb["column"].isna().to_numpy()]
    if len(blank):
        _fail(file, "column", "rows have no column name", blank)
    dup = idx[cb["column"].duplicated(keep="first").to_numpy()]
    if len(dup):
        _fail(file, "column", f"duplicated column name(s) {sorted(set(cb.loc[dup, 'column']))}", dup)
    no_role = idx[cb["role"].isna().to_numpy()]
    if len(no_role):
        _fail(file, "role", f"rows have no role (one of {', '.join(ROLES)})", no_role)
    bad_role = idx[~cb["role"].isin(ROLES).to_numpy()]
    if len(bad_role):
        _fail(file, "role", f"unknown role(s) {sorted(set(cb.loc[bad_role, 'role']))} (allowed: {', '.join(ROLES)})",
              bad_role)
    for c in ("scale_min", "scale_max"):
        num = pd.to_numeric(cb[c], errors="coerce")
        bad = idx[(num.isna() & cb[c].notna() & (cb[c].astype(str).str.strip() != "")).to_numpy()]
        if len(bad):
            _fail(file, c, "values are not numbers", bad)
        cb[c] = num.astype(float)
    scaled = cb["role"].isin(["satisfaction", "motivator_item", "element_performance", "element_importance", "advocacy"])
    no_scale = idx[(scaled & (cb["scale_min"].isna() | cb["scale_max"].isna())).to_numpy()]
    if len(no_scale):
        _fail(file, "scale_min", "rows of a rated question have no scale_min/scale_max", no_scale)
    inverted = idx[(cb["scale_max"] <= cb["scale_min"]).to_numpy()]
    if len(inverted):
        _fail(file, "scale_max", "rows have scale_max not above scale_min", inverted)
    mot = cb["role"] == "motivator_item"
    no_mot = idx[(mot & cb["motivator"].isna()).to_numpy()]
    if len(no_mot):
        _fail(file, "motivator", "motivator items do not name their motivator", no_mot)
    el = cb["role"].isin(["element_performance", "element_importance"])
    no_el = idx[(el & cb["element"].isna()).to_numpy()]
    if len(no_el):
        _fail(file, "element", "element rows do not name their element", no_el)
    perf = cb["role"] == "element_performance"
    for c in ("stage", "dimension"):
        lacking = idx[(perf & cb[c].isna()).to_numpy()]
        if len(lacking):
            _fail(file, c, f"element rows have no {c}", lacking)
    bad_dim = idx[(el & cb["dimension"].notna() & ~cb["dimension"].isin(DIMENSIONS)).to_numpy()]
    if len(bad_dim):
        _fail(file, "dimension", f"values are not one of {', '.join(DIMENSIONS)}", bad_dim)
    for role, other in (("element_performance", "element_importance"), ("element_importance", "element_performance")):
        have = set(cb.loc[cb["role"] == role, "element"])
        partner = set(cb.loc[cb["role"] == other, "element"])
        lonely = cb.index[(cb["role"] == role) & cb["element"].isin(have - partner)].to_numpy()
        if len(lonely):
            names = sorted(set(cb.loc[lonely, "element"]))
            _fail(file, "element", f"element(s) {names} have a {role} row but no {other} row", lonely)
    for role in ("element_performance", "element_importance"):
        sub = cb[cb["role"] == role]
        dup = sub.index[sub["element"].duplicated(keep="first")].to_numpy()
        if len(dup):
            _fail(file, "element", f"element(s) {sorted(set(cb.loc[dup, 'element']))} have more than one {role} row", dup)
    if not mot.any():
        raise DataError(f"{file}: column 'role': no motivator_item rows; the connection index needs them",
                        file=file, column="role")
    return cb.reset_index(drop=True)


# -- survey and customers -----------------------------------------------------------------------------

def _to_float(frame: pd.DataFrame, columns: list[str], file: str, decimal: str = ".") -> pd.DataFrame:
    """Coerce columns to float with pandera; non-numeric text is reported with its rows."""
    import pandera.pandas as pa

    out = frame.copy()
    for c in columns:
        if out[c].dtype == object:
            s = out[c].astype("string").str.strip()
            if decimal == ",":
                s = s.str.replace(",", ".", regex=False)
            out[c] = s.replace("", pd.NA)
    schema = pa.DataFrameSchema({c: pa.Column(float, nullable=True, coerce=True) for c in columns})
    try:
        return schema.validate(out, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        first = fc.iloc[0]
        col = str(first["column"])
        rows = fc.loc[fc["column"] == first["column"], "index"].dropna().astype(int).unique()
        _fail(file, col, "values are not numbers", rows)
    raise AssertionError("unreachable")


def _check_with_pandera(frame: pd.DataFrame, checks: dict[str, tuple[Any, str, bool]], file: str) -> None:
    """Run value checks ``{column: (pandera Check, what it means, nullable)}`` lazily; report the first."""
    import pandera.pandas as pa

    schema = pa.DataFrameSchema({c: pa.Column(checks=[chk], nullable=nullable) for c, (chk, _, nullable) in checks.items()})
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        first = fc.iloc[0]
        col = str(first["column"])
        sub = fc[fc["column"] == first["column"]]
        rows = sub["index"].dropna().astype(int).unique()
        problem = checks[col][1] if sub["check"].iloc[0] != "not_nullable" else "values are missing"
        if sub["check"].iloc[0] == "not_nullable":
            rows = frame.index[frame[col].isna()].to_numpy()
        _fail(file, col, problem, rows)


def validate_survey(survey: pd.DataFrame, codebook: pd.DataFrame, cfg: dict[str, Any], *, file: str,
                    codebook_file: str = "codebook.csv", decimal: str = ".") -> pd.DataFrame:
    """Check the survey against the codebook and the config; return it with numeric columns as float."""
    import pandera.pandas as pa

    id_col, wave_col, weight_col = cfg["id"], cfg.get("wave"), cfg.get("weight")
    if survey.empty:
        raise DataError(f"{file}: the survey has no rows", file=file)
    for col, what in ((id_col, "the id column (engagement.yaml 'id')"), (wave_col, "the wave column"),
                      (weight_col, "the weight column")):
        if col and col not in survey.columns:
            raise DataError(f"{file}: column {col!r} ({what}) is missing", file=file, column=col)
    structural = {c for c in (id_col, wave_col, weight_col) if c}
    described = set(codebook["column"])
    undocumented = [c for c in survey.columns if c not in described and c not in structural]
    if undocumented:
        raise DataError(f"{file}: column {undocumented[0]!r}: {len(undocumented)} survey column(s) are not in "
                        f"{codebook_file} ({', '.join(map(repr, undocumented[:5]))}{', …' if len(undocumented) > 5 else ''})",
                        file=file, column=undocumented[0], count=len(undocumented))
    absent = [c for c in codebook["column"] if c not in survey.columns]
    if absent:
        raise DataError(f"{codebook_file}: column {absent[0]!r}: {len(absent)} codebook row(s) name columns that are "
                        f"not in {file} ({', '.join(map(repr, absent[:5]))})", file=codebook_file, column=absent[0],
                        count=len(absent))
    sat = cfg["satisfaction"]["column"]
    if sat not in survey.columns:
        raise DataError(f"{file}: column {sat!r} (satisfaction in engagement.yaml) is missing", file=file, column=sat)
    out = survey.copy()
    out[id_col] = _ids(out[id_col], file, id_col)
    if wave_col:
        out[wave_col] = out[wave_col].map(lambda v: None if pd.isna(v) else str(v).strip()).astype(object)
    for col in codebook.loc[codebook["role"] == "verbatim", "column"]:
        # Free text: blank answers are missing, whatever the file format made of them.
        out[col] = out[col].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                or str(v).strip() == "" else str(v)).astype(object)
    numeric = codebook.loc[codebook["role"] != "verbatim", "column"].tolist() + ([weight_col] if weight_col else [])
    out = _to_float(out, numeric, file, decimal)
    checks: dict[str, tuple[Any, str, bool]] = {}
    for r in codebook.itertuples():
        if r.role != "verbatim" and pd.notna(r.scale_min) and pd.notna(r.scale_max):
            checks[r.column] = (pa.Check.in_range(r.scale_min, r.scale_max),
                                f"values outside the scale {r.scale_min:g}–{r.scale_max:g}", True)
    if weight_col:
        w = out[weight_col]
        bad = out.index[(w.isna() | ~np.isfinite(w.fillna(0)) | (w <= 0)).to_numpy()]
        if len(bad):
            _fail(file, weight_col, "respondent weights are missing, zero, negative or not finite", bad)
    _check_with_pandera(out, checks, file)
    dup = out.index[out[id_col].duplicated(keep="first").to_numpy()]
    if len(dup):
        _fail(file, id_col, "duplicate respondent ids", dup)
    if wave_col:
        missing_wave = out.index[out[wave_col].isna().to_numpy()]
        if len(missing_wave):
            _fail(file, wave_col, "rows have no wave", missing_wave)
        if "waves" in cfg:
            unknown = out.index[~out[wave_col].isin(cfg["waves"]).to_numpy()]
            if len(unknown):
                vals = sorted(set(out.loc[unknown, wave_col]))
                _fail(file, wave_col, f"values {vals} are not among the waves listed in engagement.yaml "
                                      f"({', '.join(cfg['waves'])})", unknown)
    return out


def _ids(ids: pd.Series, file: str, column: str) -> pd.Series:
    def norm(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    out = ids.map(norm).astype(object)
    blank = ids.index[out.isna() | (out == "")]
    if len(blank):
        _fail(file, column, "rows have no id", blank)
    return out


def _booleans(col: pd.Series, file: str, name: str) -> pd.Series:
    def to_bool(v: Any) -> Any:
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        s = str(v).strip().lower()
        if s.endswith(".0"):
            s = s[:-2]
        return True if s in TRUE else False if s in FALSE else "bad"

    out = col.map(to_bool)
    bad = col.index[(out == "bad").to_numpy()]
    if len(bad):
        _fail(file, name, "values are not yes/no (true/false, 1/0, yes/no)", bad)
    missing = col.index[out.isna().to_numpy()]
    if len(missing):
        _fail(file, name, "consent values are missing", missing)
    return out.astype(bool)


def validate_customers(customers: pd.DataFrame, cfg: dict[str, Any], *, file: str, decimal: str = ".") -> pd.DataFrame:
    """Check the customers table: ids, value, attrition, consent and covariate columns."""
    import pandera.pandas as pa

    id_col = cfg["id"]
    if customers.empty:
        raise DataError(f"{file}: the customers file has no rows", file=file)
    needed: list[tuple[str, str]] = [(id_col, "id")] + [(v, "value") for v in cfg["value"]]
    att = cfg.get("attrition")
    if att:
        needed += [(att["duration"], "attrition.duration"), (att["event"], "attrition.event")]
    consent = cfg["privacy"].get("consent")
    if consent:
        needed.append((consent, "privacy.consent"))
    needed += [(c, "covariates") for c in cfg.get("covariates", [])]
    for col, what in needed:
        if col not in customers.columns:
            raise DataError(f"{file}: column {col!r} (named by {what} in engagement.yaml) is missing", file=file,
                            column=col)
    out = customers.copy()
    out[id_col] = _ids(out[id_col], file, id_col)
    wave_col = cfg.get("wave")
    if wave_col and wave_col in out.columns:
        out[wave_col] = out[wave_col].map(lambda v: None if pd.isna(v) else str(v).strip()).astype(object)
    numeric = list(cfg["value"]) + ([att["duration"], att["event"]] if att else [])
    out = _to_float(out, numeric, file, decimal)
    checks: dict[str, tuple[Any, str, bool]] = {}
    if att:
        checks[att["duration"]] = (pa.Check.ge(0), "negative durations", False)
        checks[att["event"]] = (pa.Check.isin([0.0, 1.0]), "values are not 0/1 (1 = the customer left)", False)
    if checks:
        _check_with_pandera(out, checks, file)
    if att:
        out[att["event"]] = out[att["event"]].astype(int)
    if consent:
        out[consent] = _booleans(out[consent], file, consent)
    dup = out.index[out[id_col].duplicated(keep="first").to_numpy()]
    if len(dup):
        _fail(file, id_col, "duplicate customer ids", dup)
    return out


def validate_contacts(contacts: pd.DataFrame, cfg: dict[str, Any], *, file: str, decimal: str = ".") -> pd.DataFrame:
    """Check contact-point experiences: id, timestamp, channel, stage and rating (−2 … +2)."""
    import pandera.pandas as pa

    id_col = cfg["id"]
    for col in (id_col, "timestamp", "channel", "stage", "rating"):
        if col not in contacts.columns:
            raise DataError(f"{file}: column {col!r} is missing (contacts need {id_col}, timestamp, channel, "
                            "stage, rating)", file=file, column=col)
    out = contacts.copy()
    out[id_col] = _ids(out[id_col], file, id_col)
    ts = pd.to_datetime(out["timestamp"], errors="coerce", format="mixed")
    bad = out.index[ts.isna().to_numpy()]
    if len(bad):
        _fail(file, "timestamp", "values are not dates/times", bad)
    out["timestamp"] = ts
    out = _to_float(out, ["rating"], file, decimal)
    _check_with_pandera(out, {"rating": (pa.Check.in_range(-2, 2), "ratings outside −2 … +2", False)}, file)
    return out


def validate_links(survey: pd.DataFrame, customers: pd.DataFrame, cfg: dict[str, Any], *, survey_file: str,
                   customers_file: str) -> list[str]:
    """Cross-table checks: respondents without a customer row, waves that disagree. Returns warnings."""
    id_col, wave_col = cfg["id"], cfg.get("wave")
    warnings: list[str] = []
    known = set(customers[id_col])
    unmatched = survey.index[~survey[id_col].isin(known).to_numpy()]
    if len(unmatched):
        share = len(unmatched) / len(survey)
        if share > cfg["max_unmatched"]:
            _fail(survey_file, id_col, f"respondent ids have no row in {customers_file} ({share:.1%} of the survey; "
                                       f"at most {cfg['max_unmatched']:.0%} allowed, engagement.yaml max_unmatched)",
                  unmatched)
        warnings.append(f"{survey_file}: {len(unmatched)} respondent(s) ({share:.1%}) have no row in {customers_file} "
                        "and are left out")
    if wave_col and wave_col in customers.columns:
        merged = survey[[id_col, wave_col]].merge(customers[[id_col, wave_col]], on=id_col, suffixes=("", "_c"))
        differ = merged.index[(merged[wave_col] != merged[f"{wave_col}_c"]).to_numpy()]
        if len(differ):
            rows = survey.index[survey[id_col].isin(merged.loc[differ, id_col]).to_numpy()]
            _fail(survey_file, wave_col, f"respondents whose wave differs from their wave in {customers_file}", rows)
    consent = cfg["privacy"].get("consent")
    for col in cfg.get("covariates", []):
        if customers[col].isna().all():
            _fail(customers_file, col, "covariate has no values", [])
    if consent and not customers[consent].any():
        warnings.append(f"{customers_file}: no customer gave analytics consent; nothing can be analysed")
    return warnings
