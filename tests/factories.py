"""A small, hand-made, valid engagement for tests (no dependency on ``cxlib.synth``).

``valid_tables()`` draws the four tables as strings, exactly as a CSV reader gives them (``None`` for a
blank cell), plus the ``engagement.yaml`` config. ``write_valid_engagement(folder)`` writes them as a
engagement folder (docs/engagement-format.md). The engagement exercises every §3 feature: two waves, respondent weights, analytics
consent, contacts, covariates (in customers and a survey ``covariate`` row), two motivators with three
items each, three elements with performance and importance rows on different scales, satisfaction and
likelihood to recommend on 0–10, a verbatim column with commas, quotes and accents, value columns and
attrition columns. Ids carry leading zeros and some answers are missing, so readers and coercion are
tested on the awkward cases.

``write_survey(frame, path, fmt)`` writes the survey table in another format (semicolon CSV with decimal
commas, Latin-1, tab, Parquet, SPSS, Qualtrics export) for the format-equivalence tests.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

__all__ = ["SLUG", "MOTIVATORS", "ELEMENTS", "STRING_COLUMNS", "valid_config", "valid_tables",
           "write_valid_engagement", "write_survey", "survey_as_typed", "FORMATS", "FrameEngagement"]

SLUG = "valid-engagement"
MOTIVATORS = {"belonging": "feel a sense of belonging", "secure": "feel secure"}
# element -> (stage, dimension)
ELEMENTS = {
    "free_parking": ("visit a store", "ease"),
    "friendly_staff": ("visit a store", "emotion"),
    "easy_returns": ("after purchase", "effectiveness"),
}
# Survey columns that stay text in every format; everything else in the survey is numeric.
STRING_COLUMNS = ("customer_id", "wave", "comment")
COMMENTS = ["Très bien, merci.", 'Staff said "see you soon"; nice.', "Parking was hard to find", "",
            "Returns took ages, but refund came.", "Señora at the till was lovely", "", "Fine"]


class FrameEngagement:
    """The slice of an Engagement that ``waves.compare_waves`` and its callers use: a slug, a config and an
    analysis frame (returned as a copy, as ``Engagement.frame()`` does)."""

    def __init__(self, frame: pd.DataFrame, config: dict[str, Any], slug: str = "fake"):
        self._frame, self.config, self.slug = frame, config, slug

    def frame(self) -> pd.DataFrame:
        return self._frame.copy()


def valid_config() -> dict[str, Any]:
    """The engagement.yaml of the valid fixture (every key of docs/engagement-format.md)."""
    return {
        "client": "Valid Test Client",
        "survey": "survey.csv",
        "customers": "customers.csv",
        "codebook": "codebook.csv",
        "contacts": "contacts.csv",
        "id": "customer_id",
        "wave": "wave",
        "waves": ["pre", "post"],
        "satisfaction": {"column": "overall_sat", "top_box": 9},
        "connection": {"threshold": 75},
        "value": ["annual_spend", "visits"],
        "attrition": {"duration": "tenure_days", "event": "churned", "horizon": 365},
        "advocacy": {"column": "ltr"},
        "privacy": {"min_cell": 30, "consent": "analytics_consent"},
        "covariates": ["region", "age_band"],
        "weight": "resp_weight",
    }


def _codebook() -> pd.DataFrame:
    rows = [
        ("overall_sat", "satisfaction", "Overall, how satisfied are you with us?", 0, 10, "", "", "", ""),
        ("ltr", "advocacy", "How likely are you to recommend us to a friend or colleague?", 0, 10, "", "", "", ""),
    ]
    for key, name in MOTIVATORS.items():
        for i in (1, 2, 3):
            rows.append((f"mot_{key}_{i}", "motivator_item", f"Shopping here helps me {name} ({i})", 1, 7, name,
                         "", "", ""))
    for element, (stage, dimension) in ELEMENTS.items():
        text = element.replace("_", " ")
        rows.append((f"perf_{element}", "element_performance", f"How well do we do on {text}?", 1, 10, "", element,
                     stage, dimension))
        rows.append((f"imp_{element}", "element_importance", f"How important is {text} to you?", 1, 5, "", element,
                     stage, dimension))
    rows.append(("household_size", "covariate", "How many people live in your household?", "", "", "", "", "", ""))
    rows.append(("comment", "verbatim", "Anything else you would like to tell us?", "", "", "", "", "", ""))
    cb = pd.DataFrame(rows, columns=["column", "role", "label", "scale_min", "scale_max", "motivator", "element",
                                     "stage", "dimension"])
    return cb.astype(str).replace("", None)


def valid_tables(n: int = 60, seed: int = 0, n_extra_customers: int = 15) -> tuple[dict[str, Any],
                                                                                    dict[str, pd.DataFrame]]:
    """The valid fixture: ``(config, {"survey", "customers", "codebook", "contacts"})``.

    Every cell is a ``str`` or ``None`` (blank), as ``pd.read_csv(dtype=str)`` would give it, so the
    tables can be fed to ``cxlib.from_frames`` or written as CSV unchanged. Customers include
    ``n_extra_customers`` people who did not answer the survey.

    Examples
    --------
    >>> config, tables = valid_tables(n=60)
    >>> len(tables["survey"]), tables["survey"]["customer_id"].iloc[0]
    (60, '000101')
    """
    rng = np.random.default_rng(seed)
    ids = [f"{101 + i:06d}" for i in range(n + n_extra_customers)]
    waves = np.where(np.arange(n + n_extra_customers) < (n + n_extra_customers) // 2, "pre", "post")
    latent = rng.normal(0, 1, n)

    def likert(lo: int, hi: int, shift: np.ndarray, missing: float = 0.0) -> list[str | None]:
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        x = np.clip(np.rint(mid + half * 0.45 * (shift + rng.normal(0, 1, n))), lo, hi).astype(int)
        out: list[str | None] = [str(v) for v in x]
        for i in np.flatnonzero(rng.random(n) < missing):
            out[i] = None
        return out

    survey: dict[str, list[str | None]] = {
        "customer_id": ids[:n],
        "wave": list(waves[:n]),
        "resp_weight": [f"{w:.3f}" for w in rng.uniform(0.4, 2.2, n)],
        "overall_sat": likert(0, 10, latent),
        "ltr": likert(0, 10, latent, missing=0.05),
    }
    for key in MOTIVATORS:
        for i in (1, 2, 3):
            survey[f"mot_{key}_{i}"] = likert(1, 7, latent, missing=0.05)
    for element in ELEMENTS:
        survey[f"perf_{element}"] = likert(1, 10, latent, missing=0.05)
        survey[f"imp_{element}"] = likert(1, 5, np.zeros(n))
    survey["household_size"] = [str(v) for v in rng.integers(1, 6, n)]
    survey["comment"] = [COMMENTS[i % len(COMMENTS)] or None for i in range(n)]
    survey_df = pd.DataFrame(survey)

    m = n + n_extra_customers
    customers = pd.DataFrame({
        "customer_id": ids,
        "wave": list(waves),
        "region": list(rng.choice(["North", "South", "East", "West"], m)),
        "age_band": list(rng.choice(["18-34", "35-54", "55+"], m)),
        "annual_spend": [f"{v:.2f}" for v in rng.gamma(4, 80, m)],
        "visits": [str(v) for v in rng.poisson(8, m)],
        "tenure_days": [str(v) for v in rng.integers(5, 900, m)],
        "churned": [str(v) for v in (rng.random(m) < 0.35).astype(int)],
        "analytics_consent": ["False" if i % 10 == 3 else "True" for i in range(m)],
    })

    contact_rows = []
    start = pd.Timestamp("2025-01-06")
    for i, cid in enumerate(ids[:n]):
        for k in range(1 + i % 3):
            contact_rows.append({
                "customer_id": cid,
                "timestamp": (start + pd.Timedelta(days=int(rng.integers(0, 300)), hours=int(k * 5))).isoformat(),
                "channel": ["store", "web", "phone"][(i + k) % 3],
                "stage": list(ELEMENTS.values())[(i + k) % 3][0],
                "rating": str(int(rng.integers(-2, 3))),
            })
    contacts = pd.DataFrame(contact_rows)
    tables = {"survey": survey_df, "customers": customers, "codebook": _codebook(), "contacts": contacts}
    return valid_config(), {k: v.astype(object).where(v.notna(), None) for k, v in tables.items()}


def write_valid_engagement(folder: str | Path, *, n: int = 60, seed: int = 0) -> Path:
    """Write the valid fixture as an engagement folder (created; must not exist yet). Returns the folder.

    Examples
    --------
    >>> import tempfile, cxlib as cx
    >>> folder = write_valid_engagement(Path(tempfile.mkdtemp()) / "small-one")
    >>> cx.load_engagement(folder).client
    'Valid Test Client'
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=False)
    config, tables = valid_tables(n=n, seed=seed)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    (folder / "engagement.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                                            encoding="utf-8")
    return folder


def survey_as_typed(survey: pd.DataFrame) -> pd.DataFrame:
    """The survey with numeric columns as numbers (float with NaN), text columns as text: what a
    Parquet or SPSS file made by a statistics package holds."""
    out = survey.copy()
    for c in out.columns:
        if c not in STRING_COLUMNS:
            out[c] = pd.to_numeric(out[c]).astype(float)
    return out


def _qualtrics(survey: pd.DataFrame, labels: dict[str, str]) -> str:
    # Qualtrics' legacy+new export: names, question text, ImportId JSON; each cell CSV-quoted.
    def line(cells: list[str]) -> str:
        return ",".join('"' + c.replace('"', '""') + '"' for c in cells)

    header = line(list(survey.columns)) + "\n"
    header += line([labels.get(c, c) for c in survey.columns]) + "\n"
    header += line([json.dumps({"ImportId": f"QID{i}" if c not in STRING_COLUMNS[:1] else "_recordId"})
                    for i, c in enumerate(survey.columns)]) + "\n"
    return header + survey.to_csv(index=False, header=False, lineterminator="\n")


def write_survey(survey: pd.DataFrame, path: str | Path, fmt: str, labels: dict[str, str] | None = None) -> Path:
    """Write the string survey table in format ``fmt`` (see ``FORMATS``); returns the path.

    ``labels`` (column -> question text) go into the Qualtrics header row 2 and SPSS column labels.
    """
    path = Path(path)
    labels = labels or {}
    numeric = [c for c in survey.columns if c not in STRING_COLUMNS]
    if fmt == "csv":
        survey.to_csv(path, index=False, lineterminator="\n")
    elif fmt == "csv-utf8-bom-semicolon":
        # European Excel: BOM, semicolons, decimal commas in numbers (text keeps its full stops).
        frame = survey.copy()
        for c in numeric:
            frame[c] = frame[c].str.replace(".", ",", regex=False)
        path.write_bytes(frame.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig"))
    elif fmt == "csv-latin1":
        path.write_bytes(survey.to_csv(index=False, lineterminator="\n").encode("latin-1"))
    elif fmt == "tsv":
        survey.to_csv(path, index=False, sep="\t", lineterminator="\n")
    elif fmt == "parquet":
        survey_as_typed(survey).to_parquet(path, index=False)
    elif fmt == "spss":
        import pyreadstat

        typed = survey_as_typed(survey)
        typed[list(STRING_COLUMNS)] = typed[list(STRING_COLUMNS)].fillna("")
        pyreadstat.write_sav(typed, str(path), column_labels={c: labels[c] for c in survey.columns if c in labels},
                             variable_value_labels={"overall_sat": {0.0: "Not at all satisfied",
                                                                    10.0: "Completely satisfied"}})
    elif fmt == "qualtrics":
        path.write_bytes(_qualtrics(survey, labels).encode("utf-8-sig"))
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path


# format -> file name used for the survey in an engagement folder
FORMATS = {
    "csv": "survey.csv",
    "csv-utf8-bom-semicolon": "survey.csv",
    "csv-latin1": "survey.csv",
    "tsv": "survey.txt",
    "parquet": "survey.parquet",
    "spss": "survey.sav",
    "qualtrics": "survey.csv",
}
