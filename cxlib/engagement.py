"""An engagement: one client's survey, customers, codebook and contacts, loaded and validated.

``load_engagement(path)`` reads a DESIGN §3 folder; ``from_frames(...)`` builds the same object from
in-memory frames (used by ``cxlib.synth``). Both validate everything and raise ``cxlib.DataError``.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import segments
from .readers import read_table
from .schema import CODEBOOK_COLUMNS, DataError, validate_codebook, validate_config, validate_contacts, \
    validate_customers, validate_links, validate_slug, validate_survey

__all__ = ["Engagement", "load_engagement", "from_frames", "init_engagement"]


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

    # -- the analysis frame -----------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """Survey joined to customers on the id, consent applied, with ``connection_index`` and ``segment``.

        Respondents without a customer row are dropped (validation has reported how many). Customers
        who withheld analytics consent are counted but not analysed: they are removed here, and the
        count is kept in ``frame.attrs["n_no_consent"]``. ``frame.attrs["n_survey"]`` is the number of
        survey rows before the join.
        """
        cfg = self.config
        key = cfg["id"]
        cust = self.customers
        # The wave lives in the survey; validation checks that customers agree where both have it.
        overlap = [c for c in cust.columns if c in self.survey.columns and c != key]
        joined = self.survey.merge(cust.drop(columns=overlap), on=key, how="inner", validate="one_to_one")
        n_no_consent = 0
        consent = cfg.get("privacy", {}).get("consent")
        if consent:
            keep = joined[consent].astype("boolean").fillna(False).to_numpy(dtype=bool)
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
        joined = joined.reset_index(drop=True)
        joined.attrs = {"n_survey": len(self.survey), "n_no_consent": n_no_consent}
        return joined


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
    """Validate in-memory tables as an engagement (the same checks as ``load_engagement``).

    Parameters
    ----------
    config : dict
        The contents of ``engagement.yaml``.
    survey, customers, codebook : DataFrame
        The tables; never modified.
    contacts : DataFrame, optional
        Contact-point experiences.
    slug : str
        Engagement name (a safe slug).
    files : dict, optional
        File name per role, used in error messages (default: the names in ``config``).
    labels : dict, optional
        Question text per survey column (from a Qualtrics header or SPSS labels), used where the codebook
        has no label.
    decimals : dict, optional
        Decimal mark per role for text files (``","`` for semicolon-delimited CSV).
    path : Path, optional
        The folder read from.

    Returns
    -------
    Engagement

    Raises
    ------
    DataError
    """
    validate_slug(slug)
    cfg = validate_config(config)
    names = {role: cfg.get(role) or role for role in ("survey", "customers", "codebook", "contacts")}
    names.update(files or {})
    decimals = decimals or {}
    cb = validate_codebook(codebook, file=names["codebook"])
    if labels:
        cb["label"] = [lab if lab else labels.get(col) for col, lab in zip(cb["column"], cb["label"])]
    sv = validate_survey(survey, cb, cfg, file=names["survey"], codebook_file=names["codebook"],
                         decimal=decimals.get("survey", "."))
    cu = validate_customers(customers, cfg, file=names["customers"], decimal=decimals.get("customers", "."))
    if "advocacy" in cfg:
        col = cfg["advocacy"]["column"]
        if col not in sv.columns and col not in cu.columns:
            raise DataError(f"{names['survey']}: column {col!r} (advocacy in engagement.yaml) is in neither the "
                            "survey nor the customers file", file=names["survey"], column=col)
    if cfg.get("wave") and "waves" not in cfg:
        cfg["waves"] = list(dict.fromkeys(sv[cfg["wave"]].tolist()))
    warnings = validate_links(sv, cu, cfg, survey_file=names["survey"], customers_file=names["customers"])
    ct = None
    if contacts is not None:
        ct = validate_contacts(contacts, cfg, file=names["contacts"], decimal=decimals.get("contacts", "."))
    return Engagement(slug=slug, client=str(cfg["client"]), config=cfg, survey=sv, customers=cu, codebook=cb,
                      contacts=ct, path=path, files=names, warnings=tuple(warnings))


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise DataError(f"engagement.yaml: not found in {path.parent}", file="engagement.yaml")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise DataError(f"engagement.yaml: not valid YAML{line}: {getattr(exc, 'problem', None) or exc}",
                        file="engagement.yaml")
    except UnicodeDecodeError:
        raise DataError("engagement.yaml: not UTF-8 text", file="engagement.yaml")


def load_engagement(path: str | Path) -> Engagement:
    """Load and validate an engagement folder (DESIGN §3).

    Parameters
    ----------
    path : path-like
        The folder holding ``engagement.yaml`` and the files it names.

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
    cfg = validate_config(_read_yaml(folder / "engagement.yaml"))
    tables = {}
    for role in ("survey", "customers", "codebook", "contacts"):
        name = cfg.get(role)
        if name:
            tables[role] = read_table(folder / name)
    return from_frames(
        cfg, tables["survey"].frame, tables["customers"].frame, tables["codebook"].frame,
        tables["contacts"].frame if "contacts" in tables else None,
        slug=slug, labels={**tables["survey"].column_labels,
                           **{c: "; ".join(f"{k:g}={v}" for k, v in vl.items())
                              for c, vl in tables["survey"].value_labels.items()
                              if c not in tables["survey"].column_labels}},
        decimals={r: t.decimal for r, t in tables.items()}, path=folder.resolve(),
    )


def _guess_role(name: str, values: pd.Series) -> tuple[str | None, float | None, float | None]:
    """A draft role and scale for a survey column, where the evidence is clear."""
    lower = name.lower()
    num = pd.to_numeric(values, errors="coerce")
    answered = values.dropna()
    numeric = len(answered) > 0 and num.notna().sum() >= 0.95 * len(answered)
    if not numeric:
        return ("verbatim" if len(answered) else None), None, None
    lo, hi = float(num.min()), float(num.max())
    integers = bool((num.dropna() % 1 == 0).all())
    scale = (None, None)
    if integers and hi - lo <= 10:
        for a, b in ((1, 5), (1, 7), (1, 10), (0, 10)):
            if a <= lo and hi <= b:
                scale = (float(a), float(b))
                break
    if lower.startswith(("mot_", "emo_")):
        role = "motivator_item"
    elif lower.startswith(("perf_", "p_")):
        role = "element_performance"
    elif lower.startswith(("imp_", "i_")):
        role = "element_importance"
    elif lower in ("ltr", "nps", "recommend", "likely_to_recommend") or "recommend" in lower:
        role, scale = "advocacy", (0.0, 10.0)
    elif "sat" in lower:
        role = "satisfaction"
    else:
        role = None
    return role, scale[0], scale[1]


def init_engagement(dest: str | Path, *, survey: str | Path, customers: str | Path, client: str | None = None) -> Path:
    """Start a new engagement folder from a survey export and a customers file.

    Copies both files in (the originals are never edited), then drafts ``engagement.yaml`` and a
    ``codebook.csv`` listing every survey column with its question text (Qualtrics header or SPSS label)
    and a role and scale where they are evident. ``FILL_ME`` marks what the researcher must complete;
    ``cx validate`` then says what is still missing.

    Returns
    -------
    Path
        The new folder.
    """
    folder = Path(dest)
    validate_slug(folder.name)
    if (folder / "engagement.yaml").exists():
        raise DataError(f"{folder}: already holds an engagement.yaml; not overwriting it", file="engagement.yaml")
    sv_table, cu_table = read_table(survey), read_table(customers)
    folder.mkdir(parents=True, exist_ok=True)
    survey_name = "survey" + Path(survey).suffix.lower()
    customers_name = "customers" + Path(customers).suffix.lower()
    shutil.copyfile(survey, folder / survey_name)
    shutil.copyfile(customers, folder / customers_name)
    sv, cu = sv_table.frame, cu_table.frame
    common = [c for c in sv.columns if c in cu.columns and cu[c].notna().all() and cu[c].is_unique]
    id_col = next((c for c in common if "id" in c.lower()), common[0] if common else "FILL_ME")
    wave_col = next((c for c in sv.columns if c.lower() == "wave"), None)
    rows = []
    for col in sv.columns:
        if col in (id_col, wave_col):
            continue
        role, lo, hi = _guess_role(col, sv[col])
        label = sv_table.column_labels.get(col, "")
        rows.append({"column": col, "role": role or "", "label": label, "scale_min": lo, "scale_max": hi,
                     "motivator": "", "element": "", "stage": "", "dimension": ""})
    pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS)).to_csv(folder / "codebook.csv", index=False)
    sat = next((r["column"] for r in rows if r["role"] == "satisfaction"), "FILL_ME")
    ltr = next((r["column"] for r in rows if r["role"] == "advocacy"), None)
    config: dict[str, Any] = {
        "client": client or folder.name.replace("-", " ").title(),
        "survey": survey_name, "customers": customers_name, "codebook": "codebook.csv", "id": id_col,
        **({"wave": wave_col} if wave_col else {}),
        "satisfaction": {"column": sat, "top_box": "FILL_ME"},
        "connection": {"threshold": 75},
        "value": ["FILL_ME"],
        **({"advocacy": {"column": ltr}} if ltr else {}),
        "privacy": {"min_cell": 30},
    }
    header = ("# Draft written by `cx init`. Replace every FILL_ME, complete codebook.csv (role, scales, motivator,\n"
              "# element, stage, dimension), then run `cx validate` until it passes. Format: docs/engagement-format.md\n")
    (folder / "engagement.yaml").write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                                            encoding="utf-8")
    return folder
