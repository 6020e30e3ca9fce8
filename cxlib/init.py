"""``cx init``: draft a new engagement folder from a client's raw survey export and CRM extract.

``init_engagement`` copies the raw files in unchanged and drafts ``engagement.yaml`` and ``codebook.csv``
from what the files themselves say, so that a researcher mostly confirms instead of types:

- **survey structure**: Qualtrics ImportIds (``QID12_3``) or column names (``Q2_1 … Q2_20``) form matrix
  blocks; the statement of a matrix item is the text after the last `` - `` of its question text (HTML
  such as ``<strong>`` or ``<br>`` removed); an optional Qualtrics survey file (``.qsf``) adds question
  texts, blocks and answer choices;
- **roles** from the wording: satisfaction, likelihood to recommend, comments, importance and performance
  blocks of the same elements (paired by matching wording, not by position), motivator statements (matched
  to the ten motivators where the wording names one); Qualtrics metadata as ``ignore``, recipient and
  other personal columns as ``pii``;
- **scales** from SPSS value labels, anchor text (``0 = not at all satisfied, 10 = extremely satisfied``),
  the ``.qsf`` choices, else the observed answers snapped to a standard scale; "not applicable" and
  "don't know" codes as ``missing_codes``;
- **the join and the respondents**: the id found by matching values across the two files (names may
  differ); previews, tests, partial and anonymous responses proposed as ``respondents.drop`` rules, repeated
  ids as ``duplicates: latest``;
- **the CRM**: attrition from open/close dates and a Y/N flag (never a months column as days), value
  columns with their units, consent, categorical covariates (never e-mails, names, ids, dates or flags).

Whatever cannot be inferred is written as ``FILL_ME`` with a YAML comment saying what is needed, so
``cx validate`` (``load_engagement``) lists what is left. One of the modules that write files (with
``batch``, ``render`` and ``cli``); it reads with ``cxlib.readers`` and writes the contract of
``cxlib.schema``. It prints nothing.
"""
from __future__ import annotations

import csv
import difflib
import html
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .engagement import CONFIG_FILE
from .motivators import MOTIVATORS
from .readers import Table, read_table
from .schema import CODEBOOK_COLUMNS, PLACEHOLDER, DataError, cell_text, is_missing, validate_slug

__all__ = ["init_engagement"]

#: Standard rating scales, in the order a range is snapped to them (the first that holds it).
STANDARD_SCALES = ((1, 5), (1, 7), (1, 10), (0, 10))
#: Codes exports use for "no answer" whatever the scale (Qualtrics' -99 is "seen but unanswered").
NO_ANSWER_CODES = (-99, 97, 98, 99, 999, 9999)
# Qualtrics metadata: column names and ImportIds (lower case) -> role. IP addresses and recipient fields
# identify a person (pii); the rest describe the response (ignore).
QUALTRICS_IGNORE = {"startdate", "enddate", "status", "progress", "duration (in seconds)", "duration", "finished",
                    "recordeddate", "responseid", "_recordid", "locationlatitude", "locationlongitude",
                    "distributionchannel", "userlanguage"}
QUALTRICS_PII = {"ipaddress", "recipientlastname", "recipientfirstname", "recipientemail", "externalreference",
                 "externaldatareference"}
# The same names as SPSS spells them ("Duration__in_seconds_"), compared without non-letters.
_LETTERS_IGNORE = {re.sub(r"[^a-z]", "", n) for n in QUALTRICS_IGNORE}
_LETTERS_PII = {re.sub(r"[^a-z]", "", n) for n in QUALTRICS_PII}
NA_WORDS = re.compile(r"not applicable|n/?a\b|don.?t know|do not know|no opinion|prefer not|no answer|unanswered|"
                      r"seen but|refused|not sure|can.?t say|weet (ik )?niet|niet van toepassing|nvt|geen mening|"
                      r"weiß nicht|keine angabe|ne sais pas|sans objet", re.I)
# Motivator keywords (normalised text) -> motivator; the longest keyword found in a statement wins.
MOTIVATOR_WORDS: dict[str, str] = {
    "belong": "feel a sense of belonging", "part of a community": "feel a sense of belonging",
    "secure": "feel secure", "security": "feel secure", "safe": "feel secure",
    "freedom": "feel a sense of freedom", "free to": "feel a sense of freedom", "feel free": "feel a sense of freedom",
    "independen": "feel a sense of freedom",
    "thrill": "feel a sense of thrill", "excit": "feel a sense of thrill",
    "well being": "enjoy a sense of well-being", "wellbeing": "enjoy a sense of well-being",
    "peace": "enjoy a sense of well-being", "calm": "enjoy a sense of well-being",
    "environment": "protect the environment", "planet": "protect the environment",
    "sustainab": "protect the environment",
    "confidence in the future": "have confidence in the future", "future": "have confidence in the future",
    "stand out": "stand out from the crowd", "unique": "stand out from the crowd",
    "succeed": "succeed in life", "success": "succeed in life",
    "the person i want to be": "be the person I want to be", "who i want to be": "be the person I want to be",
    "standout": "stand out from the crowd",
}
# Extra words for demo-style column names (mot_person_1, mot_confidence_2), too loose for statements.
NAME_MOTIVATOR_WORDS = {"person": "be the person I want to be", "confidence": "have confidence in the future",
                        "environment": "protect the environment", "wellbeing": "enjoy a sense of well-being"}
IMPORTANCE_STEM = re.compile(r"how important|importance|important to you|matters? (most )?to you")
PERFORMANCE_STEM = re.compile(r"\brate\b|\brating\b|perform|how well|satisfied with each|satisfaction with each|"
                              r"how satisfied|how good|how do we do|score us")
FEELING = re.compile(r"\bfeel|\bi am\b|\bi m\b|\bmakes me\b|\bgives me\b|\bmy life\b|\bi can be\b")
SCALE_WORDS = re.compile(r"agree|satisf|likely|important|poor|excellent|neutral|very good|very bad", re.I)
COMMENT_WORDS = re.compile(r"comment|anything else|tell us|suggest|feedback|explain|why did|why do|in your own words"
                           r"|opmerking|toelichting|waarom")
EMAIL = re.compile(r"^[\w.+'’-]+@[\w-]+(\.[\w-]+)+$")
PHONE = re.compile(r"^\+?[\d\s().\-/]{8,}$")
# Two or three capitalised words, name particles allowed between them (Jan van den Berg, Mary O'Brien).
PERSON = re.compile(r"^[A-ZÀ-Ý][A-Za-zà-ÿ'’-]+(?: (?:(?:van|de|der|den|von|le|la|di|da|du|del|ten|ter) )*"
                    r"[A-ZÀ-Ý][A-Za-zà-ÿ'’-]+){1,2}$")
DATE_TEXT = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?.*)?$")
YES = {"y", "yes", "true", "t", "1", "1.0", "j", "ja"}
NO = {"n", "no", "false", "f", "0", "0.0", "nee"}
CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
CURRENCY_CODES = ("eur", "usd", "gbp", "chf", "sek", "nok", "dkk", "aud", "cad", "jpy", "pln")
# CRM column names are matched word by word (``Annual_Spend``, ``CloseDate``: words spend; close, date), so
# "age" does not match "Usage" nor "end" "Spend".
VALUE_NAMES = re.compile(r"spend|revenue|sales|value|ltv|clv|assets|balance|margin|profit|income|amount|aum|"
                         r"premium|turnover|worth|visits|orders|purchases|transactions|trips")
COVARIATE_NAMES = re.compile(r"region|area|province|state|country|city|age|band|segment|tier|channel|gender|sex|"
                             r"type|product|plan|branch|store|language|industry|cohort|size|category|class|group")
END_DATE = re.compile(r"clos|end|churn|cancel|terminat|left|leav|lapse|exit|stop")
EVENT_FLAG = re.compile(r"clos|churn|left|lapse|attrit|cancel|terminat|lost|defect|event|exit")
ACTIVE_FLAG = re.compile(r"active|current|open|retained")


def _words(name: str) -> list[str]:
    """A column name's words, lower case: ``Close_Date`` and ``CloseDate`` -> ``['close', 'date']``."""
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])", name) if w]


def _named(pattern: re.Pattern[str], name: str) -> bool:
    """True when a word of ``name`` starts with one of ``pattern``'s alternatives."""
    return any(pattern.match(w) for w in _words(name))


# -- text ---------------------------------------------------------------------------------------------

def _plain(text: Any) -> str:
    """Question text as plain text: HTML tags and entities removed, whitespace collapsed.

    Examples
    --------
    >>> _plain("<strong>How satisfied</strong> are you?<br>0&nbsp;= not at all")
    'How satisfied are you? 0 = not at all'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = re.sub(r"<\s*br\s*/?\s*>|</\s*(p|div|li)\s*>", " ", str(text), flags=re.I)
    s = html.unescape(re.sub(r"<[^>]*>", "", s))
    return re.sub(r"\s+", " ", s.replace("\xa0", " ")).strip()


def _norm(text: str) -> str:
    """Text for comparing wordings: lower case, punctuation and repeated spaces removed."""
    s = re.sub(r"[^\w\s]|_", " ", text.lower().replace("’", "'").replace("'", ""))
    return re.sub(r"\s+", " ", s).strip()


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _texts(values: pd.Series) -> pd.Series:
    """Non-blank cells as stripped text; whole floats (SPSS, Parquet) without their ``.0``."""
    present = values[values.notna()]
    if pd.api.types.is_float_dtype(present.dtype):
        whole = (present % 1 == 0) & np.isfinite(present)
        out = present.astype(str)
        out[whole] = present[whole].astype("int64").astype(str)
        return out
    if present.map(type).eq(str).all():  # text files: every cell already a str (vectorised)
        out = present.astype(str).str.strip()
        return out[out != ""]

    out = present.map(cell_text)
    return out[out.notna()].astype(str)


def _numbers(values: pd.Series, decimal: str = ".") -> pd.Series:
    """Numeric reading of non-blank cells (NaN where not a number): thousands separators and currency
    symbols allowed (``€1,703.57``, ``1.703,57`` with a decimal comma)."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return pd.to_numeric(values, errors="coerce").dropna().astype(float)
    text = _texts(values)
    quick = pd.to_numeric(text, errors="coerce")
    if quick.notna().all() and (decimal == "." or not text.str.contains(",", regex=False).any()):
        return quick.astype(float)  # plain numbers: most survey columns
    cleaned = text.str.replace(r"[€$£¥\s]|\b(?:EUR|USD|GBP|CHF)\b", "", regex=True, flags=re.I)
    if decimal == ",":
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        grouped = cleaned.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
        cleaned = cleaned.where(~grouped, cleaned.str.replace(",", "", regex=False))
        cleaned = cleaned.str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _dates(values: pd.Series) -> pd.Series | None:
    """The cells as dates when (nearly) every non-blank cell is one, else None."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dropna()
    text = _texts(values)
    if text.empty or text.str.fullmatch(DATE_TEXT).mean() < 0.95:
        return None
    first = text.str.extract(r"^(\d{1,4})[-/.](\d{1,2})")
    dayfirst = bool((pd.to_numeric(first[0], errors="coerce") > 12).any()
                    and (pd.to_numeric(first[0], errors="coerce") <= 31).all())
    parsed = pd.to_datetime(text, errors="coerce", dayfirst=dayfirst, format="mixed")
    return parsed.dropna() if parsed.notna().mean() >= 0.95 else None


def _yes_no(values: pd.Series) -> list[str] | None:
    """The distinct spellings when every non-blank cell is a yes/no value, else None."""
    text = _texts(values)
    seen = list(dict.fromkeys(text))
    if not seen or len(seen) > 4 or not all(s.lower() in YES | NO for s in seen):
        return None
    return seen


def _looks_personal(name: str, values: pd.Series) -> str | None:
    """What kind of personal data a column holds (``"e-mail"``, ``"phone"``, ``"name"``), or None."""
    lower = name.lower()
    words = _words(name)
    sample = values.head(2000)
    nums = _numbers(sample)
    if len(nums) and nums.notna().all() and float(nums.abs().max()) < 1e7:
        return None  # answers on a scale or counts (perf_phone_support, imp_mobile_app), not contact details
    if re.search(r"e-?mail|phone|mobile|telephone|address|postcode|zip|street|birth|\bdob\b|iban|passport|ssn|bsn",
                 lower):
        return "personal"
    # a person's name (Customer_Name, RecipientFirstName, naam), not a product's or a store's
    if any(re.fullmatch(r"(first|last|full|sur|given|family|middle|user)?names?|naam|achternaam|voornaam", w)
           for w in words) and not set(words) & {"product", "store", "brand", "plan", "branch", "shop", "item",
                                                 "segment", "file", "company", "campaign"}:
        return "name"
    text = _texts(sample).head(500)
    if len(text) < 3:
        return None
    if text.str.fullmatch(EMAIL).mean() > 0.8:
        return "e-mail"
    digits = text.str.count(r"\d")
    if (text.str.fullmatch(PHONE) & (digits >= 8) & text.str.contains(r"^\+|^0|[\s()\-]", regex=True)).mean() > 0.8:
        return "phone"
    if text.str.fullmatch(PERSON).mean() > 0.8 and text.nunique() >= 0.3 * len(text):
        return "name"
    return None


# -- Qualtrics survey file (.qsf) ---------------------------------------------------------------------

@dataclass
class _QsfQuestion:
    tag: str
    qid: str
    text: str
    kind: str  # QuestionType (MC, Matrix, TE, ...)
    selector: str
    statements: dict[str, str] = field(default_factory=dict)  # matrix rows: export suffix -> text
    codes: dict[float, str] = field(default_factory=dict)  # scale points: code -> text
    block: str = ""


def _recoded(options: dict, recode: dict | None) -> dict[float, str]:
    out: dict[float, str] = {}
    for key, opt in (options or {}).items():
        code = (recode or {}).get(str(key), key)
        try:
            out[float(code)] = _plain(opt.get("Display", "") if isinstance(opt, dict) else opt)
        except (TypeError, ValueError):
            continue
    return out


def _read_qsf(path: Path) -> dict[str, _QsfQuestion]:
    """Questions of a Qualtrics survey file by DataExportTag (and by QuestionID)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        elements = doc["SurveyElements"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path.name}: not a Qualtrics survey file (.qsf JSON with SurveyElements): "
                        f"{type(exc).__name__}", file=path.name) from None
    blocks: dict[str, str] = {}
    for el in elements:
        if isinstance(el, dict) and el.get("Element") == "BL":
            payload = el.get("Payload") or {}
            for blk in (payload.values() if isinstance(payload, dict) else payload):
                if isinstance(blk, dict):
                    for be in blk.get("BlockElements") or []:
                        if isinstance(be, dict) and be.get("QuestionID"):
                            blocks[be["QuestionID"]] = _plain(blk.get("Description", ""))
    out: dict[str, _QsfQuestion] = {}
    for el in elements:
        if not isinstance(el, dict) or el.get("Element") != "SQ" or not isinstance(el.get("Payload"), dict):
            continue
        p = el["Payload"]
        qid = str(p.get("QuestionID") or el.get("PrimaryAttribute") or "")
        tag = str(p.get("DataExportTag") or qid)
        kind, selector = str(p.get("QuestionType", "")), str(p.get("Selector", ""))
        q = _QsfQuestion(tag=tag, qid=qid, text=_plain(p.get("QuestionText", "")), kind=kind, selector=selector,
                         block=blocks.get(qid, ""))
        recode = p.get("RecodeValues") or {}
        if kind == "Matrix":
            tags = p.get("ChoiceDataExportTags") or {}
            for key, opt in (p.get("Choices") or {}).items():
                suffix = str(tags.get(str(key)) or key) if isinstance(tags, dict) else str(key)
                q.statements[suffix] = _plain(opt.get("Display", "") if isinstance(opt, dict) else opt)
            q.codes = _recoded(p.get("Answers") or {}, recode)
        elif kind in ("MC", "Slider") or selector == "NPS":
            q.codes = _recoded(p.get("Choices") or {}, recode)
        out[tag] = q
        if qid:
            out.setdefault(qid, q)
    return out


# -- survey columns ----------------------------------------------------------------------------------

@dataclass
class _Column:
    name: str
    label: str  # plain question text
    stem: str
    statement: str | None
    block: str | None  # matrix block key
    numbers: pd.Series
    n_answered: int
    text: pd.Series
    codes: dict[float, str]  # SPSS value labels
    qsf: _QsfQuestion | None = None
    row: dict[str, Any] = field(default_factory=dict)


def _import_ids(path: Path, table: Table) -> dict[str, str]:
    """Column -> Qualtrics ImportId (line 3 of the export), e.g. ``{"Q2_1": "QID2_1"}``."""
    if table.format != "qualtrics":
        return {}
    with open(path, encoding=table.encoding or "utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=table.delimiter or ",")
        try:
            names, _, ids = next(reader), next(reader), next(reader)
        except StopIteration:  # pragma: no cover - read_table already found three lines
            return {}
    out = {}
    for name, cell in zip(names, ids):
        try:
            parsed = json.loads(cell)
        except ValueError:
            continue
        if isinstance(parsed, dict) and parsed.get("ImportId"):
            out[name.strip()] = str(parsed["ImportId"])
    return out


def _block_key(name: str, import_id: str | None) -> tuple[str | None, str | None]:
    """(block, item) of a matrix item from its ImportId (``QID12_3``) or name (``Q2_1``); else (None, None)."""
    if import_id:
        m = re.fullmatch(r"(QID\d+(?:#\d+)?)_(\d+)", import_id)
        if m:
            return m.group(1), m.group(2)
    m = re.fullmatch(r"(.+?)_(\d+)", name)
    return (m.group(1), m.group(2)) if m else (None, None)


def _anchors(text: str) -> tuple[dict[float, str], tuple[float, float] | None]:
    """Scale points named in the question text (``0 = not at all satisfied``) and a stated range
    (``on a scale from 1 to 5``)."""
    found = re.findall(r"(?<![\w.])(-?\d{1,3})\s*=\s*([^,;=()…]+?)(?=\s*(?:[,;()…]|\.\.\.|-?\d{1,3}\s*=|$))", text)
    points = {float(n): w.strip() for n, w in found}
    rng = re.search(r"scale (?:of|from)?\s*(\d{1,2})\s*(?:to|-|–)\s*(\d{1,2})", text, re.I)
    return points, ((float(rng.group(1)), float(rng.group(2))) if rng else None)


def _snap(values: set[float], n: int) -> tuple[tuple[float, float] | None, list[float]]:
    """A standard scale holding the observed integer answers, and the codes above it that look like
    "not applicable" (a code just above the top, 8 on 1–7 or 11 on 0–10, when nobody used the values between
    it and the top of the next larger scale; or 97/98/99/-99)."""
    if not values or not all(float(v).is_integer() for v in values):
        return None, []
    missing = sorted(v for v in values if v in NO_ANSWER_CODES)
    rest = {v for v in values if v not in NO_ANSWER_CODES}
    if not rest:
        return None, missing
    lo, hi = min(rest), max(rest)
    best = next(((a, b) for a, b in STANDARD_SCALES if a <= lo and hi <= b), None)
    for a, b in STANDARD_SCALES:
        if lo >= a and hi == b + 1 and b in rest and n >= 30 and (best is None or best[1] > hi):
            return (float(a), float(b)), sorted(missing + [hi])
    return ((float(best[0]), float(best[1])) if best else None), missing


def _scale(cols: list[_Column], *, nps: bool = False) -> tuple[tuple[float, float] | None, list[float], str]:
    """Scale (lo, hi), "no answer" codes and where the scale came from, for one question or matrix block."""
    observed = set().union(*(set(c.numbers.dropna().unique()) for c in cols)) if cols else set()
    n = sum(c.n_answered for c in cols)
    na_codes: set[float] = set()
    # Evidence in the brief's order: SPSS value labels, anchors in the question text, the .qsf's choices.
    sources: list[tuple[str, dict[float, str]]] = [("value labels", cols[0].codes)] if cols and cols[0].codes else []
    points: dict[float, str] = {}
    stated = None
    for c in cols:
        p, s = _anchors(c.label)
        points.update(p)
        stated = stated or s
    if points:
        sources.append(("anchors in the question", points))
    if cols and cols[0].qsf and cols[0].qsf.codes:
        sources.append(("the survey file's choices", cols[0].qsf.codes))
    scale = None
    source = ""
    for where, codes in sources:
        na_codes |= {k for k, v in codes.items() if NA_WORDS.search(v)}
        real = sorted(k for k, v in codes.items() if not NA_WORDS.search(v))
        if scale is None and len(real) >= 2 and real[0] < real[-1]:
            scale, source = (real[0], real[-1]), where
    if scale is None and stated and stated[0] < stated[1]:
        scale, source = stated, "the range stated in the question"
    if scale is None:
        if nps and observed and observed <= set(map(float, range(0, 11))) | set(map(float, NO_ANSWER_CODES)) \
                and max(observed - set(map(float, NO_ANSWER_CODES)), default=0) >= 8:
            # likelihood to recommend is asked 0-10; overall satisfaction in this method too
            scale, source = (0.0, 10.0), "the answers given, on the 0-10 scale recommendation and satisfaction use"
            na_codes |= {v for v in observed if v in NO_ANSWER_CODES}
        else:
            scale, extra = _snap(observed, n)
            na_codes |= set(extra)
            source = "the answers given, snapped to a standard scale" if scale else ""
    if scale is not None:
        above = sorted(v for v in observed if v > scale[1])
        # A code just above the top (8 on 1-7, 11 on 0-10) or 97/98/99 is "not applicable" in most exports.
        na_codes |= {v for v in above if v == scale[1] + 1 or v in NO_ANSWER_CODES}
        na_codes |= {v for v in observed if v in NO_ANSWER_CODES and v < scale[0]}
    return scale, sorted(na_codes), source


def _motivator(statement: str) -> str | None:
    """The motivator a statement names (keyword or synonym), the longest keyword winning; None if none or a tie."""
    text = f" {_norm(statement)} "
    hits = [(len(k), m) for k, m in MOTIVATOR_WORDS.items() if re.search(rf"\b{re.escape(k)}", text)]
    if not hits:
        return None
    best = max(h[0] for h in hits)
    names = {m for size, m in hits if size == best}
    return names.pop() if len(names) == 1 else None


def _pair_elements(perf: list[_Column], imp: list[_Column]) -> dict[str, str]:
    """Importance column -> performance column, by matching statement wording (exact after normalising
    case, punctuation and spaces; else the closest by difflib's ratio, at least 0.75), never by position."""
    pairs: dict[str, str] = {}
    free_p = {c.name: _norm(c.statement or c.label) for c in perf}
    free_i = {c.name: _norm(c.statement or c.label) for c in imp}
    by_text: dict[str, list[str]] = {}
    for name, text in free_p.items():
        by_text.setdefault(text, []).append(name)
    for iname, text in list(free_i.items()):
        if by_text.get(text):
            pname = by_text[text].pop(0)
            pairs[iname] = pname
            del free_p[pname], free_i[iname]
    scored = sorted(((difflib.SequenceMatcher(None, ti, tp).ratio(), iname, pname)
                     for iname, ti in free_i.items() for pname, tp in free_p.items()), reverse=True)
    for ratio, iname, pname in scored:
        if ratio < 0.75:
            break
        if iname in free_i and pname in free_p:
            pairs[iname] = pname
            del free_p[pname], free_i[iname]
    return pairs


def _empty_row(col: _Column) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in CODEBOOK_COLUMNS}
    row.update(column=col.name, label=col.label or None, missing_codes=None)
    return row


def _set_scale(row: dict[str, Any], scale: tuple[float, float] | None, na: list[float]) -> None:
    row["scale_min"], row["scale_max"] = (_fmt(scale[0]), _fmt(scale[1])) if scale else (PLACEHOLDER, PLACEHOLDER)
    row["missing_codes"] = ";".join(_fmt(v) for v in na) or None


def _classify_block(cols: list[_Column]) -> str | None:
    """``importance``, ``performance`` or ``motivator`` for a matrix block, from its stem and statements."""
    q = cols[0].qsf
    stem = _norm(" ".join(dict.fromkeys([c.stem for c in cols] + ([q.text, q.block] if q else []))))
    statements = [c.statement or "" for c in cols]
    scale_words = " ".join(list(cols[0].codes.values()) + list(q.codes.values() if q else [])
                           + [c.label for c in cols]).lower()
    named = sum(_motivator(s) is not None for s in statements)
    if IMPORTANCE_STEM.search(stem):
        return "importance"
    agree = "agree" in scale_words or "agree" in stem
    feelings = sum(bool(FEELING.search(f" {_norm(s)} ")) for s in statements)
    if (agree and (named or feelings >= len(cols) / 2)) \
            or re.search(r"motivat|emotion|how (do|does) .* make you feel|feel about", stem):
        return "motivator"
    if PERFORMANCE_STEM.search(stem):  # before the keywords: "Secure payment" rated is an element
        return "performance"
    if named >= len(cols) / 2:
        return "motivator"
    return None


def _survey_rows(sv_table: Table, survey: Path, qsf: dict[str, _QsfQuestion],
                 skip: set[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Codebook rows for every survey column not in ``skip``, and notes for the yaml header."""
    sv = sv_table.frame
    ids = _import_ids(survey, sv_table)
    labels = sv_table.question_labels() if sv_table.format == "spss" else dict(sv_table.column_labels)
    cols: list[_Column] = []
    for name in sv.columns:
        if name in skip:
            continue
        imp_id = ids.get(name)
        block, item = _block_key(name, imp_id)
        q = qsf.get(block or "") or qsf.get(name) or (qsf.get(imp_id.split("_")[0]) if imp_id else None)
        label = _plain(labels.get(name) or sv_table.column_labels.get(name) or "")
        if not label and q:
            label = q.text + (f" - {q.statements[item]}" if item and item in q.statements else "")
        stem, statement = label, None
        if q and q.kind == "Matrix" and item in q.statements:
            statement = q.statements[item]
            stem = q.text or (label.rsplit(" - ", 1)[0] if " - " in label else label)
        elif block and " - " in label:
            stem, statement = (s.strip() for s in label.rsplit(" - ", 1))
        text = _texts(sv[name])
        nums = _numbers(sv[name], sv_table.decimal)
        codes = {float(k): str(v) for k, v in (sv_table.value_labels.get(name) or {}).items()
                 if isinstance(k, (int, float))}
        cols.append(_Column(name=name, label=label, stem=stem, statement=statement, block=block,
                            numbers=nums, n_answered=len(text), text=text, codes=codes, qsf=q))
    # Matrix blocks: two or more columns sharing a block key (and not a Qualtrics text entry).
    members: dict[str, list[_Column]] = {}
    for c in cols:
        if c.block:
            members.setdefault(c.block, []).append(c)
    for key in [k for k, v in members.items() if len(v) < 2]:
        for c in members.pop(key):
            c.block, c.statement, c.stem = None, None, c.label
    notes: dict[str, Any] = {"no_motivator": [], "unpaired": [], "unknown": [], "choice_text": [],
                             "scale_from_answers": []}
    kinds: dict[str, str | None] = {}

    for c in cols:
        row = c.row = _empty_row(c)
        lower = c.name.lower()
        letters = re.sub(r"[^a-z]", "", lower)
        imp_id = (ids.get(c.name) or "").lower()
        if letters in _LETTERS_PII or imp_id in QUALTRICS_PII:
            row["role"] = "pii"
        elif letters in _LETTERS_IGNORE or imp_id in QUALTRICS_IGNORE or re.match(r"Q_[A-Z]", c.name) \
                or re.search(r"_(first click|last click|page submit|click count|nps_group)$", lower) \
                or re.search(r"_DO(_|$)", c.name) or lower.startswith("create new field"):
            # Qualtrics metadata: system fields (Q_RecaptchaScore), display order, timing, the NPS group
            # derived from the 0-10 answer
            row["role"] = "ignore"
        elif _looks_personal(c.name, sv[c.name]) and not COMMENT_WORDS.search(c.label.lower()):
            row["role"] = "pii"
    rest = [c for c in cols if not c.row["role"]]

    def numeric(c: _Column) -> bool:
        return c.n_answered > 0 and c.numbers.notna().sum() >= 0.95 * c.n_answered

    # Demo-shaped names first (mot_<motivator>_<n>, perf_<element>, imp_<element>).
    perf: list[_Column] = []
    imp: list[_Column] = []
    blocks_done: set[str] = set()
    for c in rest:
        lower = c.name.lower()
        mot = re.fullmatch(r"(?:mot|emo)_(.+?)_?\d+", lower)
        elem = re.fullmatch(r"(perf|imp)_(.+)", lower)
        if mot and numeric(c):
            c.row["role"] = "motivator_item"
            key = mot.group(1)
            c.row["motivator"] = (_motivator(c.statement or c.label) or _motivator(key.replace("_", " "))
                                  or NAME_MOTIVATOR_WORDS.get(key) or key)
            if c.block:
                blocks_done.add(c.block)
        elif elem and numeric(c):
            c.row["role"] = "element_performance" if elem.group(1) == "perf" else "element_importance"
            text = elem.group(2).replace("_", " ").strip()  # perf_easy_returns -> "Easy returns", as a label reads
            c.row["element"] = text[:1].upper() + text[1:]
            if c.block:
                blocks_done.add(c.block)
    for key, group in members.items():
        if key in blocks_done or not all(numeric(c) or c.n_answered == 0 for c in group) \
                or not any(numeric(c) for c in group):
            continue
        kinds[key] = _classify_block(group)
    # A block left unclassified whose statements pair with a classified element block's is its counterpart.
    for key, kind in list(kinds.items()):
        if kind is None:
            for other, okind in list(kinds.items()):
                if okind in ("performance", "importance") \
                        and len(_pair_elements(members[other], members[key])) >= 0.8 * len(members[key]):
                    kinds[key] = "importance" if okind == "performance" else "performance"
                    break
    for key, kind in kinds.items():
        group = members[key]
        scale, na, source = _scale(group)
        if source.startswith("the answers given"):
            notes["scale_from_answers"] += [c.name for c in group]
        for c in group:
            _set_scale(c.row, scale, na)
            if kind == "motivator":
                c.row["role"] = "motivator_item"
                c.row["motivator"] = _motivator(c.statement or c.label) or PLACEHOLDER
            elif kind == "performance":
                c.row["role"] = "element_performance"
                perf.append(c)
            elif kind == "importance":
                c.row["role"] = "element_importance"
                imp.append(c)
            else:
                c.row["role"] = PLACEHOLDER
    # Name-based element rows keep their names; wording-based ones are paired here.
    pairs = _pair_elements(perf, imp)
    by_name = {c.name: c for c in cols}
    for c in perf:
        c.row["element"] = c.statement or c.label
    for c in imp:
        c.row["element"] = by_name[pairs[c.name]].row["element"] if c.name in pairs else c.statement or c.label
    for c in perf + imp:
        if c.name not in pairs and c.name not in pairs.values():
            notes["unpaired"].append(c.name)
    for c in rest:
        row = c.row
        if row["role"] in ("element_performance", "element_importance"):
            if row["role"] == "element_performance":
                row["stage"], row["dimension"] = PLACEHOLDER, PLACEHOLDER  # the pair shares them
            if row["scale_min"] is None:
                _set_scale(row, *_scale([c])[:2])
            continue
        if row["role"] == "motivator_item":
            if row["scale_min"] is None:
                _set_scale(row, *_scale([c])[:2])
            if row["motivator"] == PLACEHOLDER:
                notes["no_motivator"].append(c.name)
            continue
        if row["role"]:
            notes["unknown"].append(c.name)
            continue
        label = _norm(c.label)
        qtext = _norm(c.qsf.text) if c.qsf else ""
        words = f"{label} {qtext} {c.name.lower()}"
        if not numeric(c):
            distinct = c.text.nunique()
            long_text = c.text.str.len().mean() > 20 if c.n_answered else False
            if COMMENT_WORDS.search(words) or c.name.lower().endswith("_text") or long_text \
                    or (c.qsf is not None and c.qsf.kind == "TE") \
                    or distinct > 0.5 * max(c.n_answered, 1) or c.n_answered == 0:
                row["role"] = "verbatim"
            else:
                row["role"] = PLACEHOLDER
                notes["unknown"].append(c.name)
                if c.text.str.contains(SCALE_WORDS).any():
                    notes["choice_text"].append(c.name)
        elif "recommend" in words or c.name.lower() in ("ltr", "nps", "likely_to_recommend") \
                or (c.qsf and c.qsf.selector == "NPS"):
            row["role"] = "advocacy"
            _set_scale(row, *_scale([c], nps=True)[:2])
        elif "satisf" in words or re.search(r"(^|_)(sat|osat|csat)(_|$)", c.name.lower()):
            row["role"] = "satisfaction"
            scale, na, source = _scale([c], nps=True)
            _set_scale(row, scale, na)
            if source.startswith("the answers given"):
                notes["scale_from_answers"].append(c.name)
        else:
            row["role"] = PLACEHOLDER  # no scale either: a covariate needs none, a rated question says so
            notes["unknown"].append(c.name)
    return [c.row for c in cols], notes


# -- the two files together --------------------------------------------------------------------------

def _id_key(values: pd.Series) -> pd.Series:
    # Leading zeros are compared away: a .sav or a spreadsheet often turned "007" into 7.
    return _texts(values).str.lstrip("0").replace("", "0")


def _find_id(sv: pd.DataFrame, cu: pd.DataFrame, unusable: set[str]) -> tuple[str, str] | None:
    """(survey column, customers column) whose values overlap most, unique in customers (None if no
    survey column has at least half its values in a customers column)."""
    best: tuple[float, int, str, str] | None = None
    cu_keys = {}
    for c in cu.columns:
        keys = _id_key(cu[c])
        if len(keys) and keys.is_unique and keys.nunique() >= 0.5 * len(cu):
            cu_keys[c] = set(keys)
    for tier in (0, 1):
        for s in sv.columns:
            if (s in unusable) != bool(tier):
                continue
            keys = _id_key(sv[s])
            if len(keys) < 1 or keys.nunique() < max(2, 0.5 * len(keys)):
                continue
            for c, ckeys in cu_keys.items():
                share = keys.isin(ckeys).mean()
                same = int(_norm(s).replace(" ", "") == _norm(c).replace(" ", ""))
                score = (share, same, s, c)
                if share >= 0.5 and (best is None or score[:2] > best[:2]):
                    best = score
        if best:
            return best[2], best[3]
    return None


def _rule_hits(frame: pd.DataFrame, rule: dict[str, Any]) -> pd.Series:
    """Rows a ``respondents.drop`` rule matches (the contract's semantics: trimmed, case-insensitive text;
    numbers compared as numbers; ``blank``; ``below``)."""
    text = frame[rule["column"]].map(lambda v: None if is_missing(v) else str(v).strip())
    if rule.get("blank"):
        return text.isna() | (text == "")
    nums = pd.to_numeric(text, errors="coerce")
    if "below" in rule:
        return (nums < rule["below"]).fillna(False)
    wanted = rule["in"] if "in" in rule else [rule["equals"]]
    words = {str(w).strip().lower() for w in wanted if not isinstance(w, (int, float)) or isinstance(w, bool)}
    numbers = {float(w) for w in wanted if isinstance(w, (int, float)) and not isinstance(w, bool)}
    return (text.str.lower().isin(words) | nums.isin(numbers)).fillna(False)


def _drop_counts(frame: pd.DataFrame, rules: list[dict[str, Any]]) -> tuple[list[int], pd.Series]:
    """Rows dropped by each rule (a row counted under the first rule that drops it) and the rows kept."""
    kept = pd.Series(True, index=frame.index)
    counts = []
    for rule in rules:
        hit = _rule_hits(frame, rule).astype(bool) & kept
        counts.append(int(hit.sum()))
        kept &= ~hit
    return counts, kept


def _respondents(sv_table: Table, id_col: str | None, date_col: str | None) -> tuple[dict[str, Any], list[str]]:
    """Proposed ``respondents`` (drop rules, duplicates, date) and one comment per rule."""
    sv = sv_table.frame
    cols = {c.lower(): c for c in sv.columns}
    rules: list[tuple[dict[str, Any], str]] = []
    status = cols.get("status")
    if status:
        codes = sv_table.value_labels.get(status) or {}
        text = _texts(sv[status])
        bad_codes = [k for k, v in codes.items() if re.search(r"preview|test|spam", str(v), re.I)]
        if bad_codes:
            present = sorted({float(k) for k in bad_codes} & set(_numbers(sv[status]).dropna()))
            values: list[Any] = [int(v) if float(v).is_integer() else v for v in present]
            why = ", ".join(f"{_fmt(k)} = {codes[k]}" for k in bad_codes if float(k) in present)
        else:
            values = [v for v in dict.fromkeys(text) if re.search(r"preview|test|spam", v, re.I)]
            if not values and _numbers(sv[status]).notna().all():
                # Qualtrics numeric status codes: 1 preview, 2 test, 8 spam, 9 preview spam, 12 imported spam,
                # 17 offline preview.
                values = sorted(int(v) for v in set(_numbers(sv[status]).dropna()) & {1.0, 2.0, 8.0, 9.0, 12.0, 17.0})
            why = "Qualtrics codes 1 = preview, 2 = test, 8 = spam" if values and isinstance(values[0], int) else ""
        if values:
            rule = {"column": status, "equals": values[0]} if len(values) == 1 else {"column": status, "in": values}
            rules.append((rule, "survey previews, tests or spam" + (f" ({why})" if why else "")))
    finished, progress = cols.get("finished"), cols.get("progress")
    if finished:
        text = _texts(sv[finished])
        falsy = [v for v in dict.fromkeys(text) if v.lower() in NO]
        if falsy:
            value: Any = int(float(falsy[0])) if re.fullmatch(r"0(\.0)?", falsy[0]) else falsy[0]
            rules.append(({"column": finished, "equals": value}, "partial responses (not finished)"))
    if progress and (_numbers(sv[progress]) < 100).any():
        rules.append(({"column": progress, "below": 100}, "partial responses (progress below 100%)"))
    if id_col and _texts(sv[id_col]).shape[0] < len(sv):
        rules.append(({"column": id_col, "blank": True}, "anonymous responses (no id)"))
    # A rule is proposed only when it drops rows the rules before it keep (Progress after Finished often not).
    counts, _ = _drop_counts(sv, [r for r, _ in rules])
    rules = [rw for rw, n in zip(rules, counts) if n]
    out: dict[str, Any] = {"drop": [r for r, _ in rules]}
    counts, kept = _drop_counts(sv, out["drop"])
    comments = [f"{n:,} row{'s' * (n != 1)}: {why}" for n, (_, why) in zip(counts, rules)]
    if id_col:
        repeated = int(_texts(sv.loc[kept, id_col]).duplicated().sum())
        if repeated:
            out["duplicates"] = "latest" if date_col else "first"
            comments.append(f"{repeated:,} kept row{'s repeat' if repeated != 1 else ' repeats'} an id; keep each id's "
                            + ("latest response (by date)" if date_col else "first response"))
    if date_col:
        out["date"] = date_col
    return out, comments


def _survey_date(sv: pd.DataFrame) -> str | None:
    for name in ("RecordedDate", "EndDate", "StartDate"):
        hit = next((c for c in sv.columns if c.lower() == name.lower()), None)
        if hit and _dates(sv[hit]) is not None:
            return hit
    return next((c for c in sv.columns if re.search(r"date|time|when", c.lower()) and _dates(sv[c]) is not None), None)


def _label(name: str) -> str:
    """``Annual_Spend_EUR`` -> ``Annual spend``."""
    words = [w for w in re.split(r"[_\s]+|(?<=[a-z])(?=[A-Z])", name) if w and w.lower() not in CURRENCY_CODES]
    text = " ".join(words).strip().lower()
    return text[:1].upper() + text[1:] if text else name


def _unit(name: str, values: pd.Series) -> str | None:
    text = _texts(values).head(200)
    for sym, code in CURRENCIES.items():
        if text.str.contains(re.escape(sym)).mean() > 0.5:
            return code
    lower = name.lower()
    for code in CURRENCY_CODES:
        if re.search(rf"(^|[_\s(]){code}($|[_\s)])", lower) \
                or text.str.contains(rf"\b{code}\b", case=False).mean() > 0.5:
            return code.upper()
    return None


# -- engagement.yaml ---------------------------------------------------------------------------------

def _yaml_value(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n...\n").strip()


def _customers_plan(cu_table: Table, cu_id: str | None, wave_col: str | None,
                    start: str | None, customers_name: str) -> dict[str, Any]:
    """Value, attrition, consent and covariates proposed from the CRM extract."""
    cu = cu_table.frame
    others = [c for c in cu.columns if c not in (cu_id, wave_col)]
    dates = {c: d for c in others if (d := _dates(cu[c])) is not None}
    flags = {c: v for c in others if c not in dates and (v := _yes_no(cu[c])) is not None}
    personal = {c for c in others if c not in dates and _looks_personal(c, cu[c])}
    nums = {c: _numbers(cu[c], cu_table.decimal) for c in others if c not in dates and c not in flags
            and c not in personal}
    numeric = [c for c, v in nums.items() if len(v) and v.notna().mean() > 0.95]
    plan: dict[str, Any] = {"numeric": numeric, "personal": [c for c in others if c in personal]}
    # Value: money-like names; the headline is the first of spend/revenue/sales.
    value = [c for c in numeric if _named(VALUE_NAMES, c)
             and not any(re.match(r"tenure|months?$|days?$|age$|score|flag|count|id$", w) for w in _words(c))]
    value.sort(key=lambda c: 0 if re.search(r"spend|revenue|sales", c.lower()) else 1)
    units = {c: _unit(c, cu[c]) for c in value}
    if any(units.values()):
        plan["value"] = [{"column": c, "label": _label(c), "unit": units[c]} for c in value]
    else:
        plan["value"] = value
    consent = next((c for c in list(flags) + others if re.search(r"consent|opt_?-?in|permission|gdpr", c.lower())
                    and c not in dates), None)
    plan["consent"] = consent
    # Attrition: a close/end date (and a Y/N flag) or, failing that, days observed and a yes/no event.
    ends = [c for c in dates if _named(END_DATE, c)]
    event = next((c for c in flags if c != consent and _named(EVENT_FLAG, c)), None)
    inverted = None if event else next((c for c in flags if c != consent and _named(ACTIVE_FLAG, c)), None)
    months = [c for c in numeric if any(re.match(r"months?$|mnths?$|mo$|mths?$", w) for w in _words(c))]
    days = [c for c in numeric if c not in months and any(re.match(r"days?$|duration|tenure", w) for w in _words(c))]
    notes: list[str] = []
    ev = event or inverted
    event_keys: dict[str, Any] = {}
    if ev:
        seen = flags[ev]
        yes, no = [v for v in seen if v.lower() in YES], [v for v in seen if v.lower() in NO]
        event_keys["event"] = ev
        if not all(v in ("0", "1") for v in seen):  # 0/1 needs no translation
            event_keys["event_values"] = {"left": no, "stayed": yes} if ev == inverted else {"left": yes, "stayed": no}
    if ends:
        latest = max(d.max() for d in dates.values())
        att: dict[str, Any] = {"start": start or PLACEHOLDER, "end": ends[0],
                               "observed_until": pd.Timestamp(latest).strftime("%Y-%m-%d"), **event_keys}
        notes.append(f"start: the response date{'' if start else ' (FILL_ME: a survey or customers date column)'}; "
                     f"end: {ends[0]} (blank = still a customer)")
        notes.append(f"observed_until: the latest date in {customers_name}; put the date the extract was taken "
                     "if you know it (customers still active are followed up to it)")
        att["horizon"] = 365
        plan["attrition"] = att
    elif days and ev:
        plan["attrition"] = {"duration": days[0], **event_keys, "horizon": 365}
    if months:
        notes.append(f"{', '.join(months)} count{'s' * (len(months) == 1)} months (not days since the response), "
                     "so not used as a duration")
    plan["attrition_notes"] = notes
    used = {consent, event, inverted, *value, *ends}
    cats = []
    for c in others:
        if c in used or c in dates or c in personal or c in flags or c in numeric:
            continue
        text = _texts(cu[c])
        if 2 <= text.nunique() <= 20 and text.str.len().mean() < 30:
            cats.append(c)
    plan["covariates"] = [c for c in cats if _named(COVARIATE_NAMES, c)]
    plan["other_categorical"] = [c for c in cats if c not in plan["covariates"]]
    return plan


def _listing(columns: list[str], limit: int = 8) -> str:
    """``Q2_1, Q2_2, … Q2_20 (20 columns)`` for long lists."""
    if len(columns) <= limit:
        return ", ".join(columns)
    return f"{', '.join(columns[:3])}, … {columns[-1]} ({len(columns)} columns)"


def _draft_config(folder: Path, client: str | None, names: dict[str, str], sv_table: Table, cu_table: Table,
                  rows: list[dict[str, Any]], notes: dict[str, Any], id_pair: tuple[str, str] | None,
                  wave_col: str | None, weight_col: str | None) -> str:
    """engagement.yaml text: guesses marked ``# guessed``, FILL_ME with a comment where a decision is needed."""
    sv = sv_table.frame
    lines = ["# Draft written by `cx init` from the raw files (copied in unchanged). Check every '# guessed' line,",
             "# replace every FILL_ME (engagement.yaml and codebook.csv), then run `cx validate` until it passes.",
             "# The format is described in docs/engagement-format.md."]
    todo, check = [], []
    if notes["no_motivator"]:
        todo.append(f"motivator of {_listing(notes['no_motivator'])}: the wording names none of the ten "
                    f"({'; '.join(MOTIVATORS)})")
    n_el = sum(r["role"] == "element_performance" for r in rows)
    if n_el:
        todo.append(f"stage and dimension (effectiveness, ease or emotion) of the {n_el} elements, on their "
                    "element_performance rows")
    if notes["unknown"]:
        todo.append(f"role of {_listing(notes['unknown'])}: not evident from the wording")
    unscaled = [r["column"] for r in rows if r["scale_min"] == PLACEHOLDER]
    if unscaled:
        todo.append(f"scale_min and scale_max of {_listing(unscaled)}")
    if notes["choice_text"]:
        check.append(f"{_listing(notes['choice_text'])} hold answer texts (e.g. 'Strongly agree'), not codes: "
                     "export the survey again with numeric values (Qualtrics: 'Use numeric values')")
    if notes["unpaired"]:
        check.append(f"element of {_listing(notes['unpaired'])}: no performance/importance counterpart found by "
                     "wording")
    if notes["scale_from_answers"]:
        check.append(f"the scale of {_listing(notes['scale_from_answers'])}: no value labels, anchors or choices say "
                     "it, so it was read from the answers given")
    for title, items in (("codebook.csv still needs (FILL_ME):", todo), ("codebook.csv, please check:", check)):
        if items:
            lines.append(f"# {title}")
            lines += [f"#   - {t}" for t in items]
    lines.append("")

    def put(key: str, value: Any, note: str = "") -> None:
        lines.append(f"{key}: {_yaml_value(value)}" + (f"  # {note}" if note else ""))

    put("client", client or folder.name.replace("-", " ").title())
    put("survey", names["survey"])
    put("customers", names["customers"])
    put("codebook", "codebook.csv")
    if id_pair and id_pair[0] == id_pair[1]:
        put("id", id_pair[0], "guessed: the values match across both files, unique in customers")
    elif id_pair:
        put("id", {"survey": id_pair[0], "customers": id_pair[1]},
            "guessed: the values match across both files, unique in customers")
    else:
        put("id", PLACEHOLDER, "the column joining survey and customers ({survey: <col>, customers: <col>} if "
            "the names differ)")
    date_col = _survey_date(sv)
    if id_pair or date_col or {"status", "finished", "progress"} & {c.lower() for c in sv.columns}:
        resp, comments = _respondents(sv_table, id_pair[0] if id_pair else None, date_col)
        if resp["drop"] or "duplicates" in resp or "date" in resp:
            lines.append("respondents:  # guessed from the data: which survey rows are responses to analyse")
            if resp["drop"]:
                lines.append("  drop:")
                for rule, comment in zip(resp["drop"], comments):
                    lines.append(f"    - {_yaml_value(rule)}  # {comment}")
            if "duplicates" in resp:
                lines.append(f"  duplicates: {resp['duplicates']}  # {comments[-1]}")
            if "date" in resp:
                lines.append(f"  date: {_yaml_value(resp['date'])}  # the response date")
    if wave_col:
        put("wave", wave_col, "guessed")
        put("waves", [str(w) for w in dict.fromkeys(_texts(sv[wave_col]))],
            "in the order first seen; list them earliest first")
    sat = [r for r in rows if r["role"] == "satisfaction"]
    sat_row = next((r for r in sat if "overall" in (r["label"] or "").lower()), sat[0] if sat else None)
    hint = "often 9 on 0–10"
    if sat_row and sat_row["scale_max"] not in (None, PLACEHOLDER):
        top = float(sat_row["scale_max"])
        hint = {10.0: "often 9 on 0–10 or 1–10", 7.0: "often 6 on 1–7", 5.0: "often 5 on 1–5"}.get(top, hint)
    lines.append("satisfaction:")
    put("  column", sat_row["column"] if sat_row else PLACEHOLDER,
        "guessed from the wording" if sat_row else "the overall satisfaction question")
    put("  top_box", PLACEHOLDER, f"lowest score counted as top-box, {hint}")
    put("connection", {"threshold": 75}, "connection index (0-100) at or above which a customer is fully connected")
    cu_id = id_pair[1] if id_pair else None
    plan = _customers_plan(cu_table, cu_id, wave_col, date_col, names["customers"])
    if plan["value"]:
        put("value", plan["value"], "guessed; the headline first")
    else:
        put("value", [PLACEHOLDER], f"value columns in {names['customers']}, the headline first; numeric columns: "
            + ", ".join(plan["numeric"][:8]))
    for note in plan["attrition_notes"]:
        lines.append(f"# attrition: {note}")
    if "attrition" in plan:
        lines.append("attrition:  # guessed")
        for k, v in plan["attrition"].items():
            put(f"  {k}", v)
    else:
        lines.append("# attrition: {start: <response date>, end: <close date column>, observed_until: <extract "
                     "date>, event: <Y/N column>, horizon: 365}  # or {duration: <days observed>, event: <0/1>}")
    adv = next((r["column"] for r in rows if r["role"] == "advocacy"), None)
    if adv:
        put("advocacy", {"column": adv}, "guessed from the wording")
    else:
        lines.append(f"# advocacy: {{column: {PLACEHOLDER}}}   # 0-10 likelihood to recommend")
    consent = plan["consent"]
    privacy = {"min_cell": 30, **({"consent": consent} if consent else {}),
               **({"pii": plan["personal"]} if plan["personal"] else {})}
    put("privacy", privacy, ("consent column guessed" if consent else "add consent: <yes/no column> if customers "
                             "can opt out") + ("; pii: customers columns holding names, e-mails, phones (their values "
                                               "are scrubbed from comments, never analysed)" if plan["personal"] else ""))
    if weight_col:
        put("weight", weight_col, "guessed")
    if plan["covariates"]:
        put("covariates", plan["covariates"], "guessed: categorical customers columns"
            + (f"; also categorical: {', '.join(plan['other_categorical'])}" if plan["other_categorical"] else ""))
    else:
        lines.append(f"# covariates: {_yaml_value(plan['other_categorical'][:4] or [PLACEHOLDER])}   # optional "
                     "categorical customers columns used as model covariates")
    lines.append(f"# contacts: contacts.csv   # optional: {cu_id or 'id'}, timestamp, channel, stage, rating")
    return "\n".join(lines) + "\n"


def _copy_in(source: Path, target: Path) -> None:
    if target.exists():
        if target.resolve() == source.resolve():
            return
        raise DataError(f"{target.name}: already exists in {target.parent}; not overwriting it", file=target.name)
    shutil.copyfile(source, target)


def init_engagement(dest: str | Path, *, survey: str | Path, customers: str | Path, client: str | None = None,
                    qsf: str | Path | None = None) -> Path:
    """Start a new engagement folder from a raw survey export and a CRM extract.

    Copies the files in unchanged (as ``survey.<ext>``, ``customers.<ext>`` and, if given, ``survey.qsf``)
    and drafts ``engagement.yaml`` and ``codebook.csv`` (one row per survey column except id, wave and
    weight; columns ``column, role, label, scale_min, scale_max, motivator, element, stage, dimension,
    missing_codes``). What is inferred, and how:

    - **labels**: the question text (Qualtrics header line 2, SPSS variable labels, else the ``.qsf``) as
      plain text, HTML tags and entities removed, spaces collapsed.
    - **metadata and personal data**: Qualtrics metadata (StartDate, Status, Progress, Duration,
      ResponseId, Location*, system fields, display order, …, by name or ImportId) get role ``ignore``;
      IP address, recipient names and e-mail, ExternalReference, and any text column whose values look
      like e-mails, phone numbers or names, ``pii``.
    - **matrix blocks**: columns sharing an ImportId question (``QID12_3``) or a name prefix (``Q2_1``);
      an item's statement is the text after the last `` - `` (or the ``.qsf`` choice). A block whose stem
      (with the ``.qsf`` question text and block name) says "how important" / "importance" is importance;
      a block of agree statements about feelings or naming motivators holds motivator items; "rate",
      "perform", "how well", "satisfied with each" make a performance block; a block left over whose
      statements pair with a classified one is its counterpart. Performance and importance items are
      paired by their statements (normalised case, punctuation and spaces; else difflib's closest, ratio
      ≥ 0.75), never by position; the pair's ``element`` is the performance statement. Demo-style names
      (``mot_<m>_<n>``, ``perf_<e>``, ``imp_<e>``) are read too.
    - **single questions**: "recommend" → advocacy; "satisf" → satisfaction (both 0–10 when no labels or
      anchors say otherwise and the answers fit); text answers, "comment" / "anything else" / "tell us" →
      verbatim. What the wording does not settle gets role ``FILL_ME``.
    - **motivators**: matched to the ten of ``cxlib.motivators.MOTIVATORS`` by keywords and synonyms
      (belong, secure/safe, freedom, thrill/excit, well-being/peace, environment/planet/sustainab,
      future, stand out/unique, succeed/success, the person I want to be; the longest keyword found
      wins); ``FILL_ME`` where none fits.
    - **scales** (whole numbers): SPSS value labels, else anchors in the question ("0 = not at all
      satisfied"), else the ``.qsf`` answer choices, else the observed integers snapped to 1–5, 1–7,
      1–10 or 0–10; one scale per matrix block. Codes labelled "not applicable" / "don't know", a code
      just above the top (8 on 1–7, 11 on 0–10) and 97/98/99/-99 become ``missing_codes`` (``8;99``).
    - **id**: the survey column and customers column whose values overlap most (unique in customers,
      leading zeros ignored), whatever their names; ``{survey: …, customers: …}`` when the names differ.
      Metadata and personal columns are tried only when nothing else matches.
    - **respondents**: previews, tests and spam (``Status`` text, or its codes from value labels),
      unfinished (``Finished`` false; ``Progress`` below 100) and anonymous (blank id) responses as
      ``drop`` rules, each proposed only when it drops rows and commented with how many;
      ``duplicates: latest`` when kept ids repeat; ``date``: RecordedDate (or another date column).
    - **customers**: attrition from a close/end date column with the latest date in the extract as
      ``observed_until`` and a Y/N flag as event (``event_values``; an "active" flag the other way round),
      or from days observed and a yes/no event; a months column is never used as a duration (a comment
      says so). Value columns from money- and count-like names (spend, revenue, visits…; ``{column,
      label, unit}`` when a currency symbol or code shows the unit), consent from a consent/opt-in
      column, ``privacy.pii`` from columns holding names, e-mails or phone numbers (by name or by value),
      covariates from categorical columns with region/age/segment/channel-like names (never personal
      data, ids, dates, flags or value columns). Column names are read word by word (``Spend_Date`` is
      no end date).
    - **the yaml header** lists what is still ``FILL_ME`` in the codebook (motivators the wording does not
      name, each element's stage and dimension on its performance row, roles not evident) and what to
      check (scales read from the answers alone, elements without a counterpart, answers exported as
      texts instead of codes).

    Whatever is not inferred is ``FILL_ME`` with a comment (``satisfaction.top_box`` always: a judgment);
    ``cx validate`` then lists what is still missing. Nothing is printed.

    Parameters
    ----------
    dest : path-like
        The new engagement folder; its name must be a valid slug. It may exist, but not hold an
        ``engagement.yaml``.
    survey, customers : path-like
        The survey export (Qualtrics CSV, CSV, Parquet, SPSS) and the CRM extract, as delivered.
    client : str, optional
        Display name; default: the folder name in title case.
    qsf : path-like, optional
        The Qualtrics survey file (``.qsf``): question texts, blocks and answer choices refine the draft.

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
    questions = _read_qsf(Path(qsf)) if qsf is not None else {}
    if qsf is not None and not Path(qsf).is_file():  # pragma: no cover - _read_qsf raised already
        raise DataError(f"{Path(qsf).name}: file not found", file=Path(qsf).name)
    sv, cu = sv_table.frame, cu_table.frame
    unusable = {c for c in sv.columns if re.sub(r"[^a-z]", "", c.lower()) in _LETTERS_IGNORE | _LETTERS_PII}
    id_pair = _find_id(sv, cu, unusable)
    id_col = id_pair[0] if id_pair else None
    wave_col = next((c for c in sv.columns if c.lower() in ("wave", "period", "survey_wave")), None)
    weight_col = next((c for c in sv.columns if re.search(r"weight", c.lower())
                       and _numbers(sv[c]).notna().sum() == len(_texts(sv[c])) == len(sv)), None)
    rows, notes = _survey_rows(sv_table, survey, questions, {c for c in (id_col, wave_col, weight_col) if c})
    names = {"survey": "survey" + survey.suffix.lower(), "customers": "customers" + customers.suffix.lower()}
    text = _draft_config(folder, client, names, sv_table, cu_table, rows, notes, id_pair, wave_col, weight_col)
    columns = list(CODEBOOK_COLUMNS) + [c for c in ("missing_codes",) if c not in CODEBOOK_COLUMNS]
    draft = pd.DataFrame(rows).reindex(columns=columns)
    folder.mkdir(parents=True, exist_ok=True)
    _copy_in(survey, folder / names["survey"])
    _copy_in(customers, folder / names["customers"])
    if qsf is not None:
        _copy_in(Path(qsf), folder / "survey.qsf")
    draft.to_csv(folder / "codebook.csv", index=False, lineterminator="\n")
    (folder / CONFIG_FILE).write_text(text, encoding="utf-8")
    return folder
