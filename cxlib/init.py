"""``cx init``: start a new engagement folder from a survey export and a customers file.

``init_engagement`` copies both files in unchanged and drafts ``engagement.yaml`` and ``codebook.csv`` from what
the names and the data make evident, marking every guess, so that ``cx validate`` (``load_engagement``) then
says what the researcher still has to complete. One of the modules that write files (with ``batch``,
``render`` and ``cli``); it reads with ``cxlib.readers`` and the contract in ``cxlib.schema``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .engagement import CONFIG_FILE
from .readers import read_table
from .schema import CODEBOOK_COLUMNS, PLACEHOLDER, DataError, validate_slug

__all__ = ["init_engagement"]

STANDARD_SCALES = ((1.0, 5.0), (1.0, 7.0), (1.0, 10.0), (0.0, 10.0))
QUALTRICS_METADATA = {"startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
                      "recordeddate", "responseid", "recipientlastname", "recipientfirstname", "recipientemail",
                      "externalreference", "externaldatareference", "locationlatitude", "locationlongitude",
                      "distributionchannel", "userlanguage"}


def _numbers(values: pd.Series) -> pd.Series:
    text = values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    return pd.to_numeric(text.map(lambda v: v.replace(",", ".") if isinstance(v, str) else v), errors="coerce")


def _guess_codebook_row(name: str, values: pd.Series, label: str | None, codes: dict | None) -> dict[str, Any]:
    """A draft codebook row: role, scale, motivator and element where the name or the data make them evident."""
    lower = name.lower()
    row: dict[str, Any] = {c: None for c in CODEBOOK_COLUMNS}
    row.update(column=name, label=label)
    answered = values.dropna()
    answered = answered[answered.astype(str).str.strip() != ""]
    if lower in QUALTRICS_METADATA:
        row["label"] = "Qualtrics metadata: remove this column from the survey file, or give it a role"
        return row
    num = _numbers(answered)
    if len(answered) == 0:
        return row
    if num.notna().sum() < 0.95 * len(answered):
        row["role"] = "verbatim"
        return row
    lo, hi = float(num.min()), float(num.max())
    if codes and all(isinstance(k, (int, float)) for k in codes):
        lo, hi = min(lo, min(codes)), max(hi, max(codes))  # value labels name the scale's ends
    if bool((num.dropna() % 1 == 0).all()):
        row["scale_min"], row["scale_max"] = next(((a, b) for a, b in STANDARD_SCALES if a <= lo and hi <= b),
                                                  (None, None))
    mot = re.fullmatch(r"(?:mot|emo)_(.+?)_?\d+", lower)
    elem = re.fullmatch(r"(perf|imp)_(.+)", lower)
    if mot:
        row.update(role="motivator_item", motivator=mot.group(1))
    elif elem:
        row.update(role="element_performance" if elem.group(1) == "perf" else "element_importance",
                   element=elem.group(2))
    elif lower in ("ltr", "nps", "likely_to_recommend") or "recommend" in lower:
        row.update(role="advocacy", scale_min=0.0, scale_max=10.0)
    elif re.search(r"(^|_)(sat|osat|satisfaction)(_|$)", lower) or lower.startswith("overall_sat"):
        row["role"] = "satisfaction"
    return row


def _first(columns: list[str], pattern: str, frame: pd.DataFrame | None = None, numeric: bool = False) -> str | None:
    for c in columns:
        if re.search(pattern, c.lower()) and (not numeric or frame is None or _numbers(frame[c]).notna().any()):
            return c
    return None


def _yaml_value(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n...\n").strip()


def _draft_config(folder: Path, client: str | None, survey_name: str, customers_name: str, sv: pd.DataFrame,
                  cu: pd.DataFrame, rows: list[dict[str, Any]], id_col: str | None, wave_col: str | None,
                  weight_col: str | None) -> str:
    """engagement.yaml text: guessed keys marked ``# guessed``, the rest FILL_ME or commented out."""
    lines = ["# Draft written by `cx init`. Check every '# guessed' line, replace every FILL_ME, complete",
             "# codebook.csv (role, scale_min/scale_max, motivator, element, stage, dimension), then run",
             "# `cx validate` until it passes. The format is described in docs/engagement-format.md and the README.", ""]

    def put(key: str, value: Any, note: str = "") -> None:
        lines.append(f"{key}: {_yaml_value(value)}" + (f"  # {note}" if note else ""))

    put("client", client or folder.name.replace("-", " ").title())
    put("survey", survey_name)
    put("customers", customers_name)
    put("codebook", "codebook.csv")
    put("id", id_col or PLACEHOLDER, "guessed: in both files, unique in both" if id_col else
        "the column joining survey and customers")
    if wave_col:
        put("wave", wave_col, "guessed")
        put("waves", [str(w) for w in dict.fromkeys(sv[wave_col].dropna().astype(str))],
            "in the order first seen; list them earliest first")
    sat = next((r["column"] for r in rows if r["role"] == "satisfaction"), None)
    put("satisfaction", {"column": sat or PLACEHOLDER, "top_box": PLACEHOLDER},
        "top_box: the lowest score that counts as top-box satisfaction" + (" (column guessed)" if sat else ""))
    put("connection", {"threshold": 75}, "connection index (0-100) at or above which a customer is fully connected")
    others = [c for c in cu.columns if c not in (id_col, wave_col)]
    numeric = [c for c in others if _numbers(cu[c]).notna().mean() > 0.95]
    value = _first(numeric, r"spend|revenue|sales|value|ltv|clv|assets|balance|margin")
    put("value", [value] if value else [PLACEHOLDER],
        ("guessed; " if value else "") + f"value columns in {customers_name}, the headline first: "
        + ", ".join(numeric[:8]))
    duration = _first(numeric, r"tenure|duration|days|months")
    event = _first(numeric, r"churn|left|lapsed|attrit|closed|event")
    if duration and event:
        put("attrition", {"duration": duration, "event": event, "horizon": 365}, "guessed")
    else:
        lines.append(f"# attrition: {{duration: {duration or PLACEHOLDER}, event: {event or PLACEHOLDER}, "
                     "horizon: 365}")
    adv = next((r["column"] for r in rows if r["role"] == "advocacy"), None)
    if adv:
        put("advocacy", {"column": adv}, "guessed")
    else:
        lines.append(f"# advocacy: {{column: {PLACEHOLDER}}}   # 0-10 likelihood to recommend")
    consent = _first(others, r"consent|opt_?in|permission")
    put("privacy", {"min_cell": 30, **({"consent": consent} if consent else {})},
        "consent column guessed" if consent else "add consent: <yes/no column> if customers can opt out")
    if weight_col:
        put("weight", weight_col, "guessed")
    text_cols = [c for c in others if c not in numeric and c != consent]
    lines.append(f"# covariates: {_yaml_value(text_cols[:4] or [PLACEHOLDER])}   # optional customers columns "
                 "used as model covariates")
    lines.append(f"# contacts: contacts.csv   # optional: {cu.columns[0] if id_col is None else id_col}, "
                 "timestamp, channel, stage, rating")
    return "\n".join(lines) + "\n"


def _copy_in(source: Path, target: Path) -> None:
    if target.exists():
        if target.resolve() == source.resolve():
            return
        raise DataError(f"{target.name}: already exists in {target.parent}; not overwriting it", file=target.name)
    shutil.copyfile(source, target)


def init_engagement(dest: str | Path, *, survey: str | Path, customers: str | Path, client: str | None = None) -> Path:
    """Start a new engagement folder from a survey export and a customers file.

    Copies both files in unchanged (as ``survey.<ext>`` and ``customers.<ext>``), then drafts
    ``engagement.yaml`` (the id column guessed as a column in both files, unique in both; wave, weight,
    value, attrition, advocacy and consent columns guessed from their names, each marked ``# guessed``;
    ``FILL_ME`` where a researcher must decide) and ``codebook.csv`` listing every survey column except
    id, wave and weight, with the question text as label (Qualtrics header line 2 or SPSS labels) and
    the role and scale where evident: integer answers within 1–5, 1–7, 1–10 or 0–10 get that scale;
    text answers are ``verbatim``; ``mot_<motivator>_<n>`` are motivator items, ``perf_<element>`` /
    ``imp_<element>`` element rows, ``ltr``/``nps``/``*recommend*`` advocacy (0–10), ``*sat*``
    satisfaction. Everything else is left blank, so that ``load_engagement`` (``cx validate``) says
    what is still missing.

    Parameters
    ----------
    dest : path-like
        The new engagement folder; its name must be a valid slug. It may exist, but not hold an
        ``engagement.yaml``.
    survey, customers : path-like
        The survey export (CSV, Qualtrics CSV, Parquet, SPSS) and the customers file.
    client : str, optional
        Display name; default: the folder name in title case.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    DataError
        The folder already holds an engagement, or an input file cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> eng.survey.to_csv(tmp / "export.csv", index=False); eng.customers.to_csv(tmp / "crm.csv", index=False)
    >>> folder = init_engagement(tmp / "acme", survey=tmp / "export.csv", customers=tmp / "crm.csv")
    >>> sorted(p.name for p in folder.iterdir())
    ['codebook.csv', 'customers.csv', 'engagement.yaml', 'survey.csv']
    """
    folder = Path(dest)
    validate_slug(folder.name)
    if (folder / CONFIG_FILE).exists():
        raise DataError(f"{folder}: already holds an {CONFIG_FILE}; not overwriting it", file=CONFIG_FILE)
    survey, customers = Path(survey), Path(customers)
    sv_table, cu_table = read_table(survey), read_table(customers)
    sv, cu = sv_table.frame, cu_table.frame
    common = [c for c in sv.columns if c in cu.columns]
    unique = [c for c in common if sv[c].notna().all() and cu[c].notna().all() and sv[c].is_unique
              and cu[c].is_unique]
    id_col = next((c for c in unique if re.search(r"(^|_)id$|^id|id$", c.lower())), unique[0] if unique else None)
    wave_col = next((c for c in sv.columns if c.lower() in ("wave", "period", "survey_wave")), None)
    weight_col = next((c for c in sv.columns if re.search(r"weight", c.lower()) and _numbers(sv[c]).notna().all()),
                      None)
    labels = sv_table.question_labels() if sv_table.format == "spss" else dict(sv_table.column_labels)
    rows = [_guess_codebook_row(c, sv[c], labels.get(c) or sv_table.column_labels.get(c),
                                sv_table.value_labels.get(c))
            for c in sv.columns if c not in (id_col, wave_col, weight_col)]
    survey_name = "survey" + survey.suffix.lower()
    customers_name = "customers" + customers.suffix.lower()
    folder.mkdir(parents=True, exist_ok=True)
    _copy_in(survey, folder / survey_name)
    _copy_in(customers, folder / customers_name)
    draft = pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS))
    draft.to_csv(folder / "codebook.csv", index=False, lineterminator="\n")
    text = _draft_config(folder, client, survey_name, customers_name, sv, cu, rows, id_col, wave_col, weight_col)
    (folder / CONFIG_FILE).write_text(text, encoding="utf-8")
    return folder
