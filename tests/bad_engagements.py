"""A corpus of malformed engagements: each case breaks one thing in a small valid engagement.

Each case names the file and a column (or phrase) that the DataError message must contain. Used by
tests/test_schema.py (DataError from load_engagement) and tests/test_cli.py (`cx validate` exits 2).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from factories import write_valid_engagement


def _csv(folder: Path, name: str, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    path = folder / name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


def _yaml(folder: Path, edit: Callable[[dict], dict]) -> None:
    path = folder / "engagement.yaml"
    path.write_text(yaml.safe_dump(edit(yaml.safe_load(path.read_text())), sort_keys=False))


def _set(col: str, value: str, rows: slice = slice(0, 3)) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[f.index[rows], col] = value
        return f
    return edit


def _codebook_set(column: str, field: str, value: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[f["column"] == column, field] = value
        return f
    return edit


def _drop_imp_row(folder: Path) -> None:
    _csv(folder, "codebook.csv", lambda f: f[f["column"] != "imp_free_parking"])
    _csv(folder, "survey.csv", lambda f: f.drop(columns="imp_free_parking"))


def _unmatched(folder: Path) -> None:
    def edit(f):
        f.loc[f.index[: len(f) // 4], "customer_id"] = [f"X{i}" for i in range(len(f) // 4)]
        return f
    _csv(folder, "survey.csv", edit)


def _wave_mismatch(folder: Path) -> None:
    def edit(f):
        f["wave"] = f["wave"].map({"pre": "post", "post": "pre"})
        return f
    _csv(folder, "customers.csv", edit)


def _garbage_parquet(folder: Path) -> None:
    (folder / "survey.parquet").write_bytes(b"PAR1 this is not really parquet")
    _yaml(folder, lambda c: {**c, "survey": "survey.parquet"})


@dataclass(frozen=True)
class Case:
    name: str
    breaks: Callable[[Path], None]
    file: str
    column: str
    slug: str = "bad-engagement"

    def build(self, root: Path) -> Path:
        valid = write_valid_engagement(Path(root) / "valid-engagement")
        folder = valid.rename(Path(root) / self.slug)
        self.breaks(folder)
        return folder


CASES: list[Case] = [
    Case("missing required key", lambda d: _yaml(d, lambda c: {k: v for k, v in c.items() if k != "client"}),
         "engagement.yaml", "client"),
    Case("unknown key", lambda d: _yaml(d, lambda c: {**c, "colour": "blue"}), "engagement.yaml", "colour"),
    Case("YAML tag trying code execution", lambda d: (d / "engagement.yaml").write_text(
        "client: !!python/object/apply:os.system ['echo pwned']\n"), "engagement.yaml", "YAML"),
    Case("not YAML at all", lambda d: (d / "engagement.yaml").write_text("client: [unclosed\n  survey"),
         "engagement.yaml", "YAML"),
    Case("survey file missing", lambda d: (d / "survey.csv").unlink(), "survey.csv", "not found"),
    Case("customers file empty", lambda d: (d / "customers.csv").write_text(""), "customers.csv", "empty"),
    Case("unreadable parquet", _garbage_parquet, "survey.parquet", "Parquet"),
    Case("survey column not in codebook", lambda d: _csv(d, "survey.csv", lambda f: f.assign(extra_q="1")),
         "survey.csv", "extra_q"),
    Case("codebook row missing from survey", lambda d: _csv(d, "survey.csv", lambda f: f.drop(columns="mot_thrill_2")),
         "codebook.csv", "mot_thrill_2"),
    Case("unknown role", lambda d: _csv(d, "codebook.csv", _codebook_set("mot_thrill_1", "role", "driver")),
         "codebook.csv", "role"),
    Case("element without importance row", _drop_imp_row, "codebook.csv", "element"),
    Case("motivator item without motivator", lambda d: _csv(d, "codebook.csv", _codebook_set("mot_secure_1", "motivator", "")),
         "codebook.csv", "motivator"),
    Case("dimension not allowed", lambda d: _csv(d, "codebook.csv", _codebook_set("perf_free_parking", "dimension", "speed")),
         "codebook.csv", "dimension"),
    Case("scale max below min", lambda d: _csv(d, "codebook.csv", _codebook_set("ltr", "scale_max", "-1")),
         "codebook.csv", "scale_max"),
    Case("value outside scale", lambda d: _csv(d, "survey.csv", _set("mot_belonging_1", "9")), "survey.csv",
         "mot_belonging_1"),
    Case("non-numeric rating", lambda d: _csv(d, "survey.csv", _set("overall_sat", "ten")), "survey.csv", "overall_sat"),
    Case("duplicate respondent ids", lambda d: _csv(d, "survey.csv", lambda f: pd.concat([f, f.iloc[:2]])),
         "survey.csv", "customer_id"),
    Case("duplicate customer ids", lambda d: _csv(d, "customers.csv", lambda f: pd.concat([f, f.iloc[:2]])),
         "customers.csv", "customer_id"),
    Case("survey ids without customer row", _unmatched, "survey.csv", "customer_id"),
    Case("wave not listed", lambda d: _csv(d, "survey.csv", _set("wave", "mid")), "survey.csv", "wave"),
    Case("wave differs between files", _wave_mismatch, "survey.csv", "wave"),
    Case("negative duration", lambda d: _csv(d, "customers.csv", _set("tenure_days", "-5")), "customers.csv",
         "tenure_days"),
    Case("event not 0/1", lambda d: _csv(d, "customers.csv", _set("churned", "2")), "customers.csv", "churned"),
    Case("zero weight", lambda d: _csv(d, "survey.csv", _set("resp_weight", "0")), "survey.csv", "resp_weight"),
    Case("missing weight", lambda d: _csv(d, "survey.csv", _set("resp_weight", "")), "survey.csv", "resp_weight"),
    Case("infinite weight", lambda d: _csv(d, "survey.csv", _set("resp_weight", "inf")), "survey.csv", "resp_weight"),
    Case("consent not yes/no", lambda d: _csv(d, "customers.csv", _set("analytics_consent", "maybe")),
         "customers.csv", "analytics_consent"),
    Case("value column missing", lambda d: _csv(d, "customers.csv", lambda f: f.drop(columns="annual_spend")),
         "customers.csv", "annual_spend"),
    Case("contact rating out of range", lambda d: _csv(d, "contacts.csv", _set("rating", "5")), "contacts.csv", "rating"),
    Case("contact timestamp not a date", lambda d: _csv(d, "contacts.csv", _set("timestamp", "yesterday")),
         "contacts.csv", "timestamp"),
    Case("file path escaping the folder", lambda d: _yaml(d, lambda c: {**c, "survey": "../../etc/passwd"}),
         "engagement.yaml", "survey"),
    Case("threshold not a number", lambda d: _yaml(d, lambda c: {**c, "connection": {"threshold": "high"}}),
         "engagement.yaml", "connection"),
    Case("satisfaction column missing", lambda d: _yaml(d, lambda c: {**c, "satisfaction": {"column": "sat_x", "top_box": 9}}),
         "survey.csv", "sat_x"),
    Case("unsafe folder name", lambda d: None, "Bad Slug", "engagement name", slug="Bad Slug"),
]
