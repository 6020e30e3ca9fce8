"""An engagement: one client's survey, customers, codebook and contacts, loaded and validated.

``load_engagement(path)`` reads a DESIGN §3 folder; ``from_frames(...)`` validates the same tables held in
memory (``cxlib.synth`` uses it); both run every check in ``cxlib.schema`` and raise ``cxlib.DataError``
on the first problem, naming the file, the column and the first bad rows. ``init_engagement(...)`` starts
a new folder from a survey export and a customers file, with a draft ``engagement.yaml`` and
``codebook.csv`` for the researcher to complete (``cx init``).

What loading returns (``Engagement`` frames): numeric survey columns as float64; id, wave, verbatim and
text covariate columns as text (``str``, missing as None); customers value and duration columns as
float64, the attrition event as int 0/1, the consent column as bool; contacts' timestamp as datetime64.
Config defaults are listed in ``cxlib.schema``. Problems that do not stop loading (a few respondents
without a customer row, ...) are in ``Engagement.warnings``.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import segments
from .readers import Table, read_table
from .schema import CODEBOOK_COLUMNS, PLACEHOLDER, DataError, fill_waves, validate_codebook, validate_config, \
    validate_contacts, validate_customers, validate_links, validate_slug, validate_survey

__all__ = ["Engagement", "Sample", "load_engagement", "from_frames", "init_engagement"]

CONFIG_FILE = "engagement.yaml"


@dataclass(frozen=True, eq=False)
class Engagement:
    """A validated engagement. Frames are the validated inputs; never mutate them in place.

    Attributes
    ----------
    slug : str
        Folder name, also the report folder's name.
    client : str
        Display name of the client.
    config : dict
        ``engagement.yaml`` with defaults filled in (see ``cxlib.schema``).
    survey, customers, codebook : DataFrame
        The validated input tables (numeric survey columns as float).
    contacts : DataFrame or None
        Contact-point experiences, when the engagement has them.
    path : Path or None
        The folder the engagement was read from (None when built in memory).
    files : dict
        For each input role (``survey``, ``customers``, ...), the file it was read from.
    warnings : tuple of str
        Problems that did not stop loading (e.g. a few respondents without a customer row).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> eng.client, len(eng.survey), eng.id_column
    ('Demo Retailer', 300, 'customer_id')
    >>> frame = eng.frame()  # survey joined to customers, consent applied, + connection_index and segment
    >>> sorted(frame["segment"].dropna().unique())
    ['fully connected', 'highly satisfied', 'other']
    """

    slug: str
    client: str
    config: dict[str, Any]
    survey: pd.DataFrame
    customers: pd.DataFrame
    codebook: pd.DataFrame
    contacts: pd.DataFrame | None = None
    path: Path | None = None
    files: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (f"Engagement({self.slug!r}, client={self.client!r}, respondents={len(self.survey)}, "
                f"customers={len(self.customers)})")

    # -- codebook helpers -------------------------------------------------------------------
    def columns(self, role: str) -> list[str]:
        """Survey columns whose codebook role is ``role``, in codebook order."""
        return self.codebook.loc[self.codebook["role"] == role, "column"].tolist()

    def scales(self, role: str | None = None) -> dict[str, tuple[float, float]]:
        """Codebook scale (min, max) of each survey column with a scale, optionally of one role."""
        cb = self.codebook if role is None else self.codebook[self.codebook["role"] == role]
        cb = cb.dropna(subset=["scale_min", "scale_max"])
        return {r.column: (float(r.scale_min), float(r.scale_max)) for r in cb.itertuples()}

    @property
    def id_column(self) -> str:
        return self.config["id"]

    # -- pseudonyms ---------------------------------------------------------------------------
    def pseudonyms(self, ids: pd.Series) -> pd.Series:
        """The pseudonyms the analysis views use for these customer ids (keyed SHA-256, not reversible).

        The key is derived from the engagement's own customer ids, so pseudonyms are the same on every run
        (reports reproduce byte for byte) yet cannot be recomputed by a reader who lacks the customer file.
        Use it to find a customer in ``frame()`` when checking a case by hand.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
        >>> first = eng.customers[eng.id_column].iloc[:1]
        >>> eng.pseudonyms(first).iloc[0] in set(eng.frame()[eng.id_column]) or "did not consent"
        True
        """
        from .privacy import pseudonymise

        return pseudonymise(ids, salt=self._pseudonym_key)

    @property
    def _pseudonym_key(self) -> str:
        cached = self.__dict__.get("_key")
        if cached is None:
            import hashlib

            ids = "\n".join(sorted(map(str, self.customers[self.id_column])))
            cached = hashlib.sha256(f"cxlib pseudonyms v1\n{ids}".encode()).hexdigest()
            object.__setattr__(self, "_key", cached)  # frozen dataclass: cache without changing its fields
        return cached

    def contact_frame(self) -> pd.DataFrame | None:
        """Contacts ready for analysis: those of customers who consented, ids replaced by the same pseudonyms
        as in :meth:`frame`. None when the engagement has no contacts file.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
        >>> c = eng.contact_frame()
        >>> set(c[eng.id_column]) <= set(eng.pseudonyms(eng.customers[eng.id_column]))
        True
        """
        if self.contacts is None:
            return None
        key = self.id_column
        consent = self.config.get("privacy", {}).get("consent")
        contacts = self.contacts
        if consent:
            agreed = self.customers.loc[_consented(self.customers[consent]), key]
            contacts = contacts[contacts[key].isin(set(agreed))]
        return contacts.assign(**{key: self.pseudonyms(contacts[key]).to_numpy()}).reset_index(drop=True)

    # -- the analysis frame -----------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """Survey joined to customers on the id, consent applied, with ``connection_index`` and ``segment``.

        Respondents without a customer row are dropped (validation has reported how many). Customers
        who withheld analytics consent are counted but not analysed: they are removed here (:attr:`sample`
        counts them). Customer ids are replaced by pseudonyms (:meth:`pseudonyms`), so no analysis output
        can carry a real id; :meth:`contact_frame` uses the same ones. Each call returns a fresh copy.
        """
        return self._analysis_frame()[0].copy()

    @property
    def sample(self) -> Sample:
        """Who is analysed and who is not, and why: the one stated base of every report.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
        >>> s = eng.sample
        >>> s.survey_rows == s.analysed + s.no_customer_row + s.no_consent
        True
        """
        return self._analysis_frame()[1]

    def _analysis_frame(self) -> tuple[pd.DataFrame, Sample]:
        cached = self.__dict__.get("_frame")
        if cached is not None:
            return cached
        cfg = self.config
        key = cfg["id"]
        cust = self.customers
        # The wave lives in the survey; validation checks that customers agree where both have it.
        overlap = [c for c in cust.columns if c in self.survey.columns and c != key]
        joined = self.survey.merge(cust.drop(columns=overlap), on=key, how="inner", validate="one_to_one")
        n_joined = len(joined)
        n_no_consent = 0
        consent = cfg.get("privacy", {}).get("consent")
        if consent:
            keep = _consented(joined[consent])
            n_no_consent = int((~keep).sum())
            joined = joined.loc[keep]
        items = joined[self.columns("motivator_item")]
        joined = joined.assign(
            connection_index=segments.connection_index(items, scale=self.scales("motivator_item"))
        )
        sat = cfg["satisfaction"]
        joined["segment"] = segments.assign(
            joined, threshold=cfg["connection"]["threshold"], sat_column=sat["column"], top_box=sat["top_box"]
        )
        joined[key] = self.pseudonyms(joined[key]).to_numpy()
        joined = joined.reset_index(drop=True)
        sample = Sample(survey_rows=len(self.survey), customers=len(cust), no_customer_row=len(self.survey) - n_joined,
                        no_consent=n_no_consent, analysed=len(joined),
                        unsegmented=int(joined["segment"].isna().sum()))
        object.__setattr__(self, "_frame", (joined, sample))  # frozen dataclass: cache without changing fields
        return joined, sample

    def _repr_html_(self) -> str:
        from .privacy import escape

        s = self.sample
        rows = [("Client", self.client), ("Folder", str(self.path) if self.path else "in memory"),
                ("Survey responses", f"{s.survey_rows:,}"), ("Customers", f"{s.customers:,}"),
                ("Analysed", f"{s.analysed:,} ({s.segmented:,} with a segment)"),
                ("Left out", f"{s.no_customer_row:,} without a customer record, {s.no_consent:,} without consent, "
                             f"{s.unsegmented:,} without a connection index"),
                ("Waves", ", ".join(map(str, self.config.get("waves") or [])) or "one"),
                ("Warnings", f"{len(self.warnings)}")]
        body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td style='text-align:left'>{escape(v)}</td></tr>"
                       for k, v in rows)
        return f"<table><caption>Engagement {escape(self.slug)}</caption>{body}</table>"


@dataclass(frozen=True)
class Sample:
    """Counts of who is analysed and who is left out, and why (an engagement's one stated base).

    Attributes
    ----------
    survey_rows : int
        Survey responses read.
    customers : int
        Rows of the customers file.
    no_customer_row : int
        Responses with no customer record (not analysed).
    no_consent : int
        Joined customers who withheld analytics consent (counted, never analysed).
    analysed : int
        Respondents in ``Engagement.frame()``.
    unsegmented : int
        Of those, respondents who answered fewer than half the motivator items (no segment).
    """

    survey_rows: int
    customers: int
    no_customer_row: int
    no_consent: int
    analysed: int
    unsegmented: int

    @property
    def segmented(self) -> int:
        """Respondents with a segment: the base of every segment figure."""
        return self.analysed - self.unsegmented

    def to_dict(self) -> dict[str, int]:
        return {"survey_rows": self.survey_rows, "customers": self.customers, "no_customer_row": self.no_customer_row,
                "no_consent": self.no_consent, "analysed": self.analysed, "unsegmented": self.unsegmented,
                "segmented": self.segmented}


def from_frames(
    config: dict[str, Any],
    survey: pd.DataFrame,
    customers: pd.DataFrame,
    codebook: pd.DataFrame,
    contacts: pd.DataFrame | None = None,
    *,
    slug: str,
    files: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    decimals: dict[str, str] | None = None,
    path: Path | None = None,
) -> Engagement:
    """Validate in-memory tables as an engagement: the same checks and coercions as ``load_engagement``.

    Parameters
    ----------
    config : dict
        The contents of ``engagement.yaml``; defaults are filled into a copy.
    survey, customers, codebook : DataFrame
        The tables, as read (text) or typed; never modified. Row *k* in messages is the *k*-th row.
    contacts : DataFrame, optional
        Contact-point experiences.
    slug : str
        Engagement name: ``[a-z0-9][a-z0-9-]*``.
    files : dict, optional
        File name per role (``survey``, ``customers``, ``codebook``, ``contacts``) for messages; default:
        the names in ``config``.
    labels : dict, optional
        Question text per survey column (Qualtrics header, SPSS labels); fills blank codebook labels.
    decimals : dict, optional
        Decimal mark per role for text tables (``","`` for semicolon-delimited CSV).
    path : Path, optional
        The folder the tables came from.

    Returns
    -------
    Engagement

    Raises
    ------
    DataError

    Examples
    --------
    >>> import yaml, pandas as pd
    >>> config = yaml.safe_load(open("data/demo-retailer/engagement.yaml"))        # doctest: +SKIP
    >>> tables = {n: pd.read_csv(f"data/demo-retailer/{n}.csv", dtype=str)
    ...           for n in ("survey", "customers", "codebook", "contacts")}        # doctest: +SKIP
    >>> eng = from_frames(config, tables["survey"], tables["customers"], tables["codebook"],
    ...                   tables["contacts"], slug="demo-retailer")                # doctest: +SKIP
    >>> eng.survey["overall_sat"].dtype, eng.config["waves"]                       # doctest: +SKIP
    (dtype('float64'), ['pre', 'post'])
    """
    validate_slug(slug)
    cfg = validate_config(config)
    names = {role: cfg.get(role) or f"{role}.csv" for role in ("survey", "customers", "codebook", "contacts")}
    names.update(files or {})
    decimals = decimals or {}
    cb = validate_codebook(codebook, file=names["codebook"])
    if labels:
        cb["label"] = [lab if lab is not None else labels.get(col) for col, lab in zip(cb["column"], cb["label"])]
    sv = validate_survey(survey, cb, cfg, file=names["survey"], codebook_file=names["codebook"],
                         decimal=decimals.get("survey", "."))
    cfg = fill_waves(cfg, sv)
    cu = validate_customers(customers, cfg, file=names["customers"], decimal=decimals.get("customers", "."),
                            survey_columns=sv.columns)
    ct = None
    if contacts is not None:
        ct = validate_contacts(contacts, cfg, file=names["contacts"], decimal=decimals.get("contacts", "."))
    warnings = validate_links(sv, cu, cfg, survey_file=names["survey"], customers_file=names["customers"],
                              contacts=ct, contacts_file=names["contacts"])
    if ct is None:
        names.pop("contacts", None)
    return Engagement(slug=slug, client=str(cfg["client"]).strip(), config=cfg, survey=sv, customers=cu,
                      codebook=cb, contacts=ct, path=path, files=names, warnings=tuple(warnings))


def _consented(consent: pd.Series) -> np.ndarray:
    """True where the customer gave analytics consent; a blank answer is no consent."""
    return consent.astype("boolean").fillna(False).to_numpy(dtype=bool)


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses repeated keys (YAML would silently keep the last one)."""


def _mapping_without_repeats(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} appears twice",
                                                    key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats)


def _read_yaml(path: Path) -> Any:
    """Parse ``engagement.yaml`` safely (no Python tags); every problem becomes a DataError."""
    if not path.is_file():
        raise DataError(f"{CONFIG_FILE}: not found in {path.parent}", file=CONFIG_FILE)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{CONFIG_FILE}: not UTF-8 text", file=CONFIG_FILE) from None
    try:
        # Anchors and aliases (&a / *a) are refused before anything is built: a few lines of them can expand
        # to billions of entries ("billion laughs"), and a configuration never needs them.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise DataError(f"{CONFIG_FILE}: line {event.start_mark.line + 1}: YAML anchors and aliases (&name, "
                                "*name) are not allowed; write each value out in full", file=CONFIG_FILE)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        tag = re.search(r"tag '([^']+)'", problem)
        if isinstance(exc, yaml.constructor.ConstructorError) and tag:
            problem = (f"the tag {tag.group(1)!r} is not allowed; engagement.yaml holds plain values only "
                       "(text, numbers, lists, mappings)")
        raise DataError(f"{CONFIG_FILE}: not valid YAML: {line}{problem}", file=CONFIG_FILE) from None


def _labels(table: Table) -> dict[str, str]:
    """Question text per column; for SPSS columns with value labels but no variable label, the codes."""
    labels = dict(table.column_labels)
    for col, codes in table.value_labels.items():
        if col not in labels and codes:
            labels[col] = "; ".join(f"{k:g}={v}" if isinstance(k, (int, float)) else f"{k}={v}"
                                    for k, v in codes.items())
    return labels


def load_engagement(path: str | Path) -> Engagement:
    """Load and validate an engagement folder (DESIGN §3).

    Parameters
    ----------
    path : path-like
        The folder holding ``engagement.yaml`` and the files it names. Its name is the slug.

    Returns
    -------
    Engagement

    Raises
    ------
    DataError
        Anything wrong with the folder or its files; the message names the file, the column and the first
        bad rows with a count.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng = cx.load_engagement("data/demo-retailer")  # doctest: +SKIP
    >>> eng.client  # doctest: +SKIP
    'Demo Retailer'
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(f"{folder}: not an engagement folder (no such directory)", file=str(folder))
    slug = validate_slug(folder.resolve().name)
    cfg = validate_config(_read_yaml(folder / CONFIG_FILE))
    paths = {role: folder / cfg[role] for role in ("survey", "customers", "codebook", "contacts") if cfg.get(role)}
    inside = folder.resolve()
    for role, file in paths.items():
        # validate_config refuses '..' and absolute paths; a symbolic link can still point elsewhere.
        if not file.resolve().is_relative_to(inside):
            raise DataError(f"{cfg[role]}: a link to a file outside the engagement folder {inside} (named by {role} "
                            f"in {CONFIG_FILE}); copy the file into the folder", file=str(cfg[role]))
    tables = {role: read_table(file) for role, file in paths.items()}
    return from_frames(
        cfg, tables["survey"].frame, tables["customers"].frame, tables["codebook"].frame,
        tables["contacts"].frame if "contacts" in tables else None,
        slug=slug, labels=_labels(tables["survey"]), decimals={r: t.decimal for r, t in tables.items()},
        path=folder.resolve(),
    )


# -- cx init ----------------------------------------------------------------------------------------

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
             "# `cx validate` until it passes. The format is described in DESIGN §3 and README.", ""]

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
    labels = _labels(sv_table) if sv_table.format == "spss" else dict(sv_table.column_labels)
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
