"""An engagement: one client's survey, customers, codebook and contacts, loaded and validated.

``load_engagement(path)`` reads a engagement folder (docs/engagement-format.md); ``from_frames(...)`` validates the same tables held in
memory (``cxlib.synth`` uses it); both run every check in ``cxlib.schema`` and raise ``cxlib.DataError``
on the first problem, naming the file, the column and the first bad rows. Starting a new folder from a
survey export (``cx init``) is ``cxlib.init.init_engagement``: this module writes no file.

What loading returns (``Engagement`` frames): numeric survey columns as float64; id, wave, verbatim and
text covariate columns as text (``str``, missing as None); customers value and duration columns as
float64, the attrition event as int 0/1, the consent column as bool; contacts' timestamp as datetime64.
Config defaults are listed in ``cxlib.schema``. Problems that do not stop loading (a few respondents
without a customer row, ...) are in ``Engagement.warnings``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import segments
from .readers import read_table
from .preparation import Preparation
from .schema import DataError, Problems, SourceName, fill_waves, validate_codebook, validate_config, \
    validate_contacts, validate_customers, validate_links, validate_slug, validate_survey

__all__ = ["Engagement", "Sample", "load_engagement", "from_frames"]

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
        What did not stop loading but looks wrong (a few respondents without a customer row, a scale end
        nobody used, ...), each naming the file, column and rows.
    preparation : Preparation or None
        What the preparation rules of ``engagement.yaml`` did: rows dropped and answers blanked, per rule.
    first_rows : dict
        Per input role, the spreadsheet row number of its first data row; the survey's and customers'
        index labels are data-row positions, so row ``i`` is spreadsheet row ``i + first_rows[role]``.

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
    preparation: Preparation | None = None
    first_rows: dict[str, int] = field(default_factory=dict)

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
        # Only the customers columns engagement.yaml names reach the frame: a CRM extract also holds names,
        # e-mails, phone numbers and the like, which no analysis needs. (The wave lives in the survey;
        # validation checks that customers agree where both have it.)
        cust = cust[[key] + [c for c in self.analysed_customer_columns() if c not in self.survey.columns]]
        overlap: list[str] = []
        # Metadata and personal data (codebook roles ignore, pii) never reach an analysis frame.
        survey = self.survey.drop(columns=[c for c in self._unanalysed_columns() if c in self.survey.columns])
        joined = survey.merge(cust.drop(columns=overlap), on=key, how="inner", validate="one_to_one")
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
        weighting = None
        if cfg.get("weighting"):
            weighting = self._rake(joined)
            joined[weighting.weights.name] = weighting.weights.to_numpy()
        object.__setattr__(self, "_weighting", weighting)
        sample = Sample(survey_rows=len(self.survey), customers=len(cust), no_customer_row=len(self.survey) - n_joined,
                        no_consent=n_no_consent, analysed=len(joined),
                        unsegmented=int(joined["segment"].isna().sum()))
        object.__setattr__(self, "_frame", (joined, sample))  # frozen dataclass: cache without changing fields
        return joined, sample

    def customer_base(self, *, consenting: bool = False) -> pd.DataFrame:
        """The customer base at the survey: one row per customer of the customers file who was still a
        customer when the survey was taken, with the customers columns ``engagement.yaml`` names.

        This is the population the respondents stand for: raking (``weighting:`` in ``engagement.yaml``)
        weights respondents to its margins, and value at stake is scaled to its size.

        Who is in it:

        - With attrition built from dates (``attrition.end``), a customer whose end date is before their
          survey date had left and is not in the base. A respondent's survey date is their response date
          (``respondents.date``, else the follow-up start); a customer who did not respond is dated at the
          **median** response date of their wave (when the customers file names the wave) or of all
          responses: the middle of fieldwork, so a customer who left during fieldwork counts as in the base
          when they left in its second half. Blank end dates are customers still active.
        - With ``attrition.duration``/``event`` only (days observed, as the demos have), or without
          attrition, the file holds no leaving date before the survey: every customer is in the base.

        Parameters
        ----------
        consenting : bool, default False
            Keep only customers who gave analytics consent (``privacy.consent``; everyone when the
            engagement names no consent column): the base respondents are weighted to, since only
            consenting respondents are analysed.

        Returns
        -------
        DataFrame
            A fresh copy, one row per customer in the base, in the customers file's order: the id column
            (pseudonyms, the same as in :meth:`frame`) and :meth:`analysed_customer_columns`.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
        >>> base = eng.customer_base()
        >>> len(base) == len(eng.customers)  # days observed only: everyone in the file is in the base
        True
        >>> len(eng.customer_base(consenting=True)) == int(eng.customers["analytics_consent"].sum())
        True
        >>> list(base.columns) == [eng.id_column] + eng.analysed_customer_columns()
        True
        """
        cached = self.__dict__.get("_base")
        if cached is None:
            cached = self._customer_base()
            object.__setattr__(self, "_base", cached)  # frozen dataclass: cache without changing its fields
        base, active, consented = cached
        keep = active & consented if consenting else active
        return base.loc[keep].reset_index(drop=True)

    def _customer_base(self) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        from .schema import timestamps

        cfg, key, cust = self.config, self.id_column, self.customers
        active = np.ones(len(cust), dtype=bool)
        att = cfg.get("attrition") or {}
        end_col = att.get("end") if att.get("from_dates") else None
        if end_col and end_col in cust.columns:
            end = timestamps(cust[end_col]).to_numpy()
            survey_date = self._survey_dates()
            # A customer is out of the base when their end date is before their survey date.
            active = ~(pd.notna(end) & pd.notna(survey_date) & (end < survey_date))
        consent = cfg["privacy"].get("consent")
        consented = _consented(cust[consent]) if consent else np.ones(len(cust), dtype=bool)
        base = cust[[key] + self.analysed_customer_columns()].reset_index(drop=True)
        base[key] = self.pseudonyms(base[key]).to_numpy()
        return base, active, consented

    def _base_at_wave(self, wave: str) -> pd.DataFrame:
        """The consenting customers still customers at the median response date of ``wave`` (everyone in the
        consenting base without attrition dates)."""
        from .schema import timestamps

        base, _, consented = self.__dict__.get("_base") or self._customer_base()
        cfg, cust = self.config, self.customers
        att = cfg.get("attrition") or {}
        end_col = att.get("end") if att.get("from_dates") else None
        date_col = (cfg.get("respondents") or {}).get("date")
        active = np.ones(len(cust), dtype=bool)
        if end_col and end_col in cust.columns and date_col and date_col in self.survey.columns:
            when = timestamps(self.survey.loc[self.survey[cfg["wave"]] == wave, date_col]).median()
            end = timestamps(cust[end_col]).to_numpy()
            if pd.notna(when):
                active = ~(pd.notna(end) & (end < when.to_datetime64()))
        return base.loc[active & consented].reset_index(drop=True)

    def _survey_dates(self) -> np.ndarray:
        """Each customer's survey date (datetime64, NaT when none can be given): the response date for
        respondents, the median response date of their wave (or of all responses) for the others."""
        from .schema import timestamps

        cfg, key, cust, survey = self.config, self.id_column, self.customers, self.survey
        att = cfg.get("attrition") or {}
        date_col = (cfg.get("respondents") or {}).get("date")
        out = pd.Series(pd.NaT, index=cust.index, dtype="datetime64[ns]")
        if date_col and date_col in survey.columns:
            when = pd.Series(timestamps(survey[date_col]).to_numpy(), index=survey[key].to_numpy())
            out[:] = cust[key].map(when[~when.index.duplicated(keep="last")]).to_numpy(dtype="datetime64[ns]")
        elif att.get("start") in cust.columns:
            out[:] = pd.to_datetime(cust[att["start"]], errors="coerce").to_numpy(dtype="datetime64[ns]")
        responded = out.notna()
        if not responded.any():
            return out.to_numpy()
        wave = cfg.get("wave")
        if wave and wave in cust.columns:
            medians = out[responded].groupby(cust.loc[responded, wave]).median()
            fill = cust[wave].map(medians).to_numpy(dtype="datetime64[ns]")
            out = out.where(responded | pd.isna(fill), pd.Series(fill, index=out.index))
        out = out.fillna(out[responded].median())
        return out.to_numpy()

    @property
    def weighting(self) -> Any:
        """The raking of respondents to the customer base (:class:`cxlib.weighting.Weighting`), or None when
        ``engagement.yaml`` has no ``weighting:``.

        With ``weighting: {rake: [...], trim: ...}`` the respondents of :meth:`frame` (consenting customers)
        are raked to the margins of :meth:`customer_base` ``(consenting=True)``, starting from the ``weight:``
        column when one is given; the weights are the frame's ``cx_weight`` column, and ``config["weight"]``
        names it, so every analysis is weighted by them. ``Weighting.to_dict()`` is ``results.json``'s
        ``weighting`` entry.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
        >>> eng.weighting is None  # the demo retailer has given weights, no raking
        True
        """
        self._analysis_frame()
        return self.__dict__.get("_weighting")

    def _rake(self, joined: pd.DataFrame) -> Any:
        from .weighting import WEIGHT_COLUMN, rake

        cfg = self.config
        wt = cfg["weighting"]
        population, by = self.customer_base(consenting=True), None
        wave = cfg.get("wave")
        waves = [w for w in (cfg.get("waves") or []) if wave in joined.columns and (joined[wave] == w).any()]
        if len(waves) >= 2:
            # Each wave's respondents are raked to the base as it stood at that wave.
            population = pd.concat([self._base_at_wave(w).assign(**{wave: w}) for w in waves], ignore_index=True)
            by = wave
        try:
            return rake(joined, population, columns=wt["rake"], weight=wt.get("design_weight"), trim=wt.get("trim"),
                        by=by, name=WEIGHT_COLUMN)
        except DataError as exc:
            message = str(exc).removeprefix("weighting.rake: ")
            file = self.files.get("customers", "customers file")
            raise DataError(f"{file}: {message} (weighting in {CONFIG_FILE})", file=file, column=exc.column) from None

    def _weighting_text(self) -> str:
        w = self.weighting
        if w is None:
            return "respondent weights from the survey" if self.config.get("weight") else "none"
        return (f"raked to the customer base on {', '.join(w.columns)} (design effect {w.design_effect:.2f}, "
                f"effective n {w.n_effective:,.0f}{'' if w.converged else '; did not converge'})")

    def analysed_customer_columns(self) -> list[str]:
        """The customers columns that reach :meth:`frame`: those ``engagement.yaml`` names (value, attrition,
        advocacy, consent, covariates, cuts, wave, the raking margins), in the file's order. Any other column of the
        extract is never analysed.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
        >>> eng.analysed_customer_columns()
        ['wave', 'region', 'age_band', 'annual_spend', 'visits', 'tenure_days', 'churned', 'analytics_consent']
        """
        cfg = self.config
        att = cfg.get("attrition") or {}
        named = set(cfg["value"]) | set(cfg.get("covariates") or []) | set(cfg.get("cuts") or []) | {cfg.get("wave")} \
            | {att.get("duration"), att.get("event"), att.get("start")} \
            | {(cfg.get("advocacy") or {}).get("column"), cfg["privacy"].get("consent")} \
            | set((cfg.get("weighting") or {}).get("rake") or [])
        return [c for c in self.customers.columns if c in named and c != self.id_column]

    def _unanalysed_columns(self) -> list[str]:
        from .schema import UNANALYSED_ROLES

        return [c for c in self.codebook.loc[self.codebook["role"].isin(UNANALYSED_ROLES), "column"]
                if c != self.config["id"]]

    def pii_values(self) -> tuple[str, ...]:
        """Every value of the survey's ``pii`` columns and of the customers columns listed in ``privacy.pii``
        (names, e-mails, phone numbers), for scrubbing verbatims.

        They never enter :meth:`frame`; :func:`cxlib.privacy.scrub` takes them as ``pii_values`` so a comment
        that names a respondent loses the name.

        Examples
        --------
        >>> import cxlib as cx
        >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
        >>> eng.pii_values()  # the synthetic codebook has no pii column
        ()
        """
        cols = self.codebook.loc[self.codebook["role"] == "pii", "column"]
        values: set[str] = set()
        for c in cols:
            if c in self.survey.columns:
                values |= {str(v).strip() for v in self.survey[c].dropna() if str(v).strip()}
        for c in self.config["privacy"].get("pii") or []:
            values |= {str(v).strip() for v in self.customers[c].dropna() if str(v).strip()}
        return tuple(sorted(values))

    def _repr_html_(self) -> str:
        from .privacy import escape

        s = self.sample
        rows = [("Client", self.client), ("Folder", str(self.path) if self.path else "in memory"),
                ("Survey responses", f"{s.survey_rows:,}"), ("Customers", f"{s.customers:,}"),
                ("Analysed", f"{s.analysed:,} ({s.segmented:,} with a segment)"),
                ("Left out", f"{s.no_customer_row:,} without a customer record, {s.no_consent:,} without consent, "
                             f"{s.unsegmented:,} without a connection index"),
                ("Waves", ", ".join(map(str, self.config.get("waves") or [])) or "one"),
                ("Weighting", self._weighting_text()),
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

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> s = eng.sample
    >>> s
    Sample(survey_rows=300, customers=300, no_customer_row=0, no_consent=10, analysed=290, unsegmented=4)
    >>> s.analysed == len(eng.frame()), s.segmented
    (True, 286)
    >>> sorted(s.to_dict())
    ['analysed', 'customers', 'no_consent', 'no_customer_row', 'segmented', 'survey_rows', 'unsegmented']
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
    first_rows: dict[str, int] | None = None,
    path: Path | None = None,
) -> Engagement:
    """Validate in-memory tables as an engagement: the same checks and coercions as ``load_engagement``.

    Applies the preparation rules of the configuration first (``cxlib.preparation``: respondent filter,
    duplicates, id mapping, missing codes, attrition from dates), then validates every table, and reports
    every problem found at once.

    Parameters
    ----------
    config : dict
        The contents of ``engagement.yaml``; defaults are filled into a copy.
    survey, customers, codebook : DataFrame
        The tables, as read (text) or typed; never modified. Row *k* of a table is its *k*-th row.
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
    first_rows : dict, optional
        Per role, the spreadsheet row number of the first data row (2 for a CSV, 4 for a Qualtrics export);
        default 1, so in-memory row *k* is reported as row *k*.
    path : Path, optional
        The folder the tables came from.

    Returns
    -------
    Engagement

    Raises
    ------
    DataError
        Its ``problems`` list every problem found.

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
    from .diagnostics import diagnose
    from .preparation import prepare

    validate_slug(slug)
    cfg = validate_config(config)
    names = {role: cfg.get(role) or f"{role}.csv" for role in ("survey", "customers", "codebook", "contacts")}
    names.update(files or {})
    rows_at = {role: 1 for role in names} | dict(first_rows or {})
    src = {role: SourceName(name, rows_at[role]) for role, name in names.items()}
    decimals = decimals or {}
    problems = Problems()
    # Data-row positions as labels, kept through every step, so messages name the spreadsheet's rows.
    survey, customers = survey.reset_index(drop=True), customers.reset_index(drop=True)
    cb = None
    with problems.check():
        cb = validate_codebook(codebook, file=src["codebook"])
        if labels:
            cb["label"] = [lab if lab is not None else labels.get(col) for col, lab in zip(cb["column"], cb["label"])]
    preparation = None
    with problems.check():
        empty = pd.DataFrame({"column": [], "missing_codes": []})
        survey, customers, cfg, preparation = prepare(survey, customers, cb if cb is not None else empty, cfg,
                                                      files={"survey": src["survey"], "customers": src["customers"]})
    sv = cu = ct = None
    if preparation is not None:
        if cb is not None:
            with problems.check():
                sv = validate_survey(survey, cb, cfg, file=src["survey"], codebook_file=src["codebook"],
                                     decimal=decimals.get("survey", "."))
                cfg = fill_waves(cfg, sv)
        with problems.check():
            cu = validate_customers(customers, cfg, file=src["customers"], decimal=decimals.get("customers", "."),
                                    survey_columns=sv.columns if sv is not None else survey.columns)
    if contacts is not None:
        with problems.check():
            ct = validate_contacts(contacts.reset_index(drop=True), cfg, file=src["contacts"],
                                   decimal=decimals.get("contacts", "."))
    warnings: list[str] = []
    if sv is not None and cu is not None:
        with problems.check():
            warnings = validate_links(sv, cu, cfg, survey_file=src["survey"], customers_file=src["customers"],
                                      contacts=ct, contacts_file=src["contacts"])
    problems.raise_any()
    if ct is None:
        names.pop("contacts", None)
        rows_at.pop("contacts", None)
    warnings += diagnose(survey=sv, customers=cu, codebook=cb, config=cfg, files=dict(names), first_rows=rows_at)
    if cfg.get("weighting"):
        # Every analysis reads cfg["weight"]: it names the frame's raking-weight column, which starts from the
        # design weights written as 'weight' (kept in weighting.design_weight; schema restores the written form).
        from .weighting import WEIGHT_COLUMN

        cfg = {**cfg, "weighting": {**cfg["weighting"], "design_weight": cfg.get("weight")}, "weight": WEIGHT_COLUMN}
    eng = Engagement(slug=slug, client=str(cfg["client"]).strip(), config=cfg, survey=sv, customers=cu,
                     codebook=cb, contacts=ct, path=path, files=names, warnings=tuple(warnings),
                     preparation=preparation, first_rows=rows_at)
    if cfg.get("weighting"):
        eng._analysis_frame()  # a margin raking cannot meet is a DataError at loading, not at the first analysis
    return eng


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


def load_engagement(path: str | Path) -> Engagement:
    """Load and validate an engagement folder (docs/engagement-format.md).

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
    raw = _read_yaml(folder / CONFIG_FILE)
    try:
        cfg = validate_config(raw)
    except DataError as exc:
        # The codebook does not depend on the configuration: check it too, so that a draft's every
        # FILL_ME (engagement.yaml's and the codebook's) is listed in one round.
        problems = Problems()
        problems.add(exc)
        name = raw.get("codebook") if isinstance(raw, dict) else None
        if isinstance(name, str) and "/" not in name and "\\" not in name and not name.startswith(".") \
                and (folder / name).is_file() and (folder / name).resolve().is_relative_to(folder.resolve()):
            with problems.check():
                table = read_table(folder / name)
                validate_codebook(table.frame, file=SourceName(name, table.first_row))
        problems.raise_any()
    paths = {role: folder / cfg[role] for role in ("survey", "customers", "codebook", "contacts") if cfg.get(role)}
    inside = folder.resolve()
    for role, file in paths.items():
        # validate_config refuses '..' and absolute paths; a symbolic link can still point elsewhere.
        if not file.resolve().is_relative_to(inside):
            raise DataError(f"{cfg[role]}: a link to a file outside the engagement folder {inside} (named by {role} "
                            f"in {CONFIG_FILE}); copy the file into the folder", file=str(cfg[role]))
    problems = Problems()
    tables = {}
    for role, file in paths.items():
        with problems.check():
            tables[role] = read_table(file)
    problems.raise_any()
    return from_frames(
        cfg, tables["survey"].frame, tables["customers"].frame, tables["codebook"].frame,
        tables["contacts"].frame if "contacts" in tables else None,
        slug=slug, labels=tables["survey"].question_labels(), decimals={r: t.decimal for r, t in tables.items()},
        first_rows={r: t.first_row for r, t in tables.items()}, path=folder.resolve(),
    )
