"""A corpus of malformed engagements: each case breaks one thing in the small valid engagement.

Each ``Case`` has a ``name``, ``build(root) -> Path`` (writes the broken engagement folder under
``root`` and returns it), and the ``file`` and ``column`` that the ``DataError`` message must contain
(``column`` may be a key of engagement.yaml, or a phrase when no column is involved). Used by
tests/test_schema.py (``load_engagement`` raises) and tests/test_cli.py (``cx validate`` exits 2 without
a traceback).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from factories import write_valid_engagement

__all__ = ["Case", "CASES"]

Edit = Callable[[pd.DataFrame], pd.DataFrame]


def _csv(folder: Path, name: str, edit: Edit) -> None:
    """Rewrite ``folder/name`` through ``edit``, keeping every cell as the text it was."""
    path = folder / name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False, lineterminator="\n")


def _yaml(folder: Path, edit: Callable[[dict], dict]) -> None:
    path = folder / "engagement.yaml"
    path.write_text(yaml.safe_dump(edit(yaml.safe_load(path.read_text())), sort_keys=False))


def _set(col: str, value: str, rows: slice = slice(0, 3)) -> Edit:
    """Set ``col`` to ``value`` in the given rows (default: the first three data rows)."""
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[f.index[rows], col] = value
        return f
    return edit


def _cb(column: str, field: str, value: str) -> Edit:
    """Set one field of the codebook row describing ``column``."""
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[f["column"] == column, field] = value
        return f
    return edit


def _drop_rows(edit_column: str, value: str) -> Edit:
    return lambda f: f[f[edit_column] != value]


def _drop(col: str) -> Edit:
    return lambda f: f.drop(columns=col)


def _key(key: str, value: object) -> Callable[[Path], None]:
    return lambda d: _yaml(d, lambda c: {**c, key: value})


def _survey(edit: Edit) -> Callable[[Path], None]:
    return lambda d: _csv(d, "survey.csv", edit)


def _customers(edit: Edit) -> Callable[[Path], None]:
    return lambda d: _csv(d, "customers.csv", edit)


def _codebook(edit: Edit) -> Callable[[Path], None]:
    return lambda d: _csv(d, "codebook.csv", edit)


def _contacts(edit: Edit) -> Callable[[Path], None]:
    return lambda d: _csv(d, "contacts.csv", edit)


def _write(name: str, content: bytes, key: str | None = None) -> Callable[[Path], None]:
    """Replace a file's bytes; with ``key``, point engagement.yaml's ``key`` at it."""
    def breaks(d: Path) -> None:
        (d / name).write_bytes(content)
        if key:
            _yaml(d, lambda c: {**c, key: name})
    return breaks


def _element_without_importance(d: Path) -> None:
    _csv(d, "codebook.csv", _drop_rows("column", "imp_easy_returns"))
    _csv(d, "survey.csv", _drop("imp_easy_returns"))


def _weight_column_gone(d: Path) -> None:
    _csv(d, "survey.csv", _drop("resp_weight"))


def _unmatched(d: Path) -> None:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        k = len(f) // 4
        f.loc[f.index[:k], "customer_id"] = [f"X{i:04d}" for i in range(k)]
        return f
    _csv(d, "survey.csv", edit)


def _swap_waves(f: pd.DataFrame) -> pd.DataFrame:
    f["wave"] = f["wave"].map({"pre": "post", "post": "pre"})
    return f


def _codebook_row_for_id(f: pd.DataFrame) -> pd.DataFrame:
    row = {c: "" for c in f.columns}
    row.update(column="customer_id", role="covariate", label="Customer number")
    return pd.concat([f, pd.DataFrame([row])], ignore_index=True)


def _aliases(d: Path) -> None:
    path = d / "engagement.yaml"
    path.write_text(path.read_text() + "threshold_again: &t 75\nconnection_copy: *t\n")


def _survey_links_outside(d: Path) -> None:
    outside = d.parent / f".{d.name}-survey.csv"
    (d / "survey.csv").replace(outside)
    (d / "survey.csv").symlink_to(outside)


def _all_in_one_wave(d: Path) -> None:
    _csv(d, "survey.csv", lambda f: f.assign(wave="pre"))
    _csv(d, "customers.csv", lambda f: f.assign(wave="pre"))


def _five_respondents(f: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([f[f["wave"] == "pre"].iloc[:3], f[f["wave"] == "post"].iloc[:2]])


@dataclass(frozen=True)
class Case:
    """One malformed engagement and what its error message must name."""

    name: str
    breaks: Callable[[Path], None]
    file: str
    column: str
    slug: str = "bad-engagement"

    def build(self, root: Path) -> Path:
        """Write the valid engagement as ``root/<slug>``, break it, and return the folder."""
        folder = write_valid_engagement(Path(root) / self.slug)
        self.breaks(folder)
        return folder


CASES: list[Case] = [
    # engagement.yaml
    Case("missing required key", lambda d: _yaml(d, lambda c: {k: v for k, v in c.items() if k != "client"}),
         "engagement.yaml", "client"),
    Case("unknown key", _key("colour", "blue"), "engagement.yaml", "colour"),
    Case("unknown nested key", _key("attrition", {"duration": "tenure_days", "event": "churned", "horizon_days": 90}),
         "engagement.yaml", "attrition"),
    Case("nested key missing an entry", _key("satisfaction", {"column": "overall_sat"}), "engagement.yaml",
         "satisfaction"),
    Case("YAML tag trying code execution", _write("engagement.yaml",
                                                  b"client: !!python/object/apply:os.system ['echo pwned']\n"),
         "engagement.yaml", "tag"),
    Case("not YAML at all", _write("engagement.yaml", b"client: [unclosed\n  survey"), "engagement.yaml", "YAML"),
    Case("YAML key repeated", lambda d: (d / "engagement.yaml").write_text(
        (d / "engagement.yaml").read_text() + "client: Someone Else\n"), "engagement.yaml", "appears twice"),
    Case("FILL_ME placeholder left", _key("satisfaction", {"column": "overall_sat", "top_box": "FILL_ME"}),
         "engagement.yaml", "satisfaction.top_box"),
    Case("YAML anchors and aliases", _aliases, "engagement.yaml", "anchors and aliases"),
    Case("file path escaping the folder", _key("survey", "../../etc/passwd"), "engagement.yaml", "survey"),
    Case("threshold not a number", _key("connection", {"threshold": "high"}), "engagement.yaml", "connection"),
    Case("top box outside the satisfaction scale", _key("satisfaction", {"column": "overall_sat", "top_box": 11}),
         "engagement.yaml", "top_box"),
    Case("waves given without a wave column", lambda d: _yaml(d, lambda c: {k: v for k, v in c.items()
                                                                            if k != "wave"}),
         "engagement.yaml", "wave"),
    Case("max_unmatched not a share", _key("max_unmatched", 5), "engagement.yaml", "max_unmatched"),
    Case("min_cell not a whole number", _key("privacy", {"min_cell": 2.5}), "engagement.yaml", "privacy"),
    Case("unsafe folder name", lambda d: None, "Bad Slug", "engagement name", slug="Bad Slug"),
    # files
    Case("survey a symbolic link to outside the folder", _survey_links_outside, "survey.csv",
         "outside the engagement folder"),
    Case("survey file missing", lambda d: (d / "survey.csv").unlink(), "survey.csv", "not found"),
    Case("customers file empty", _write("customers.csv", b""), "customers.csv", "empty"),
    Case("contacts header only", _write("contacts.csv", b"customer_id,timestamp,channel,stage,rating\n"),
         "contacts.csv", "no data rows"),
    Case("binary file named .csv", _write("customers.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
         "customers.csv", "not a text file"),
    Case("unreadable parquet", _write("survey.parquet", b"PAR1 this is not really parquet", key="survey"),
         "survey.parquet", "Parquet"),
    Case("unreadable SPSS file", _write("survey.sav", b"$FL2 not really SPSS", key="survey"), "survey.sav", "SPSS"),
    Case("unsupported file type", _write("survey.xlsx", b"PK\x03\x04", key="survey"), "survey.xlsx", "unsupported"),
    # codebook
    Case("survey column not in codebook", _survey(lambda f: f.assign(extra_q="1")), "survey.csv", "extra_q"),
    Case("codebook row missing from survey", _survey(_drop("mot_secure_3")), "codebook.csv", "mot_secure_3"),
    Case("codebook lacks a column", _codebook(_drop("dimension")), "codebook.csv", "dimension"),
    Case("unknown role", _codebook(_cb("mot_secure_1", "role", "driver")), "codebook.csv", "role"),
    Case("blank role", _codebook(_cb("household_size", "role", "")), "codebook.csv", "role"),
    Case("motivator item without motivator", _codebook(_cb("mot_secure_2", "motivator", "")), "codebook.csv",
         "motivator"),
    Case("element without importance row", _element_without_importance, "codebook.csv", "element"),
    Case("element without stage", lambda d: _csv(d, "codebook.csv", lambda f: _cb("imp_free_parking", "stage", "")(
        _cb("perf_free_parking", "stage", "")(f))), "codebook.csv", "stage"),
    Case("dimension not allowed", _codebook(_cb("perf_friendly_staff", "dimension", "speed")), "codebook.csv",
         "dimension"),
    Case("scale max below min", _codebook(_cb("ltr", "scale_max", "-1")), "codebook.csv", "scale_max"),
    Case("rated question without scale", _codebook(_cb("mot_belonging_2", "scale_min", "")), "codebook.csv",
         "scale_min"),
    Case("scale not a number", _codebook(_cb("perf_easy_returns", "scale_max", "ten")), "codebook.csv", "scale_max"),
    Case("codebook row for the id column", _codebook(_codebook_row_for_id), "codebook.csv", "customer_id"),
    Case("satisfaction column has another role", _codebook(_cb("overall_sat", "role", "covariate")), "codebook.csv",
         "overall_sat"),
    # survey values
    Case("value outside scale", _survey(_set("mot_belonging_1", "9")), "survey.csv", "mot_belonging_1"),
    Case("non-numeric rating", _survey(_set("overall_sat", "ten")), "survey.csv", "overall_sat"),
    Case("decimal comma in a comma-delimited file", _survey(_set("perf_free_parking", "7,5")), "survey.csv",
         "perf_free_parking"),
    Case("duplicate respondent ids", _survey(lambda f: pd.concat([f, f.iloc[:2]], ignore_index=True)), "survey.csv",
         "customer_id"),
    Case("blank respondent id", _survey(_set("customer_id", "", slice(5, 6))), "survey.csv", "customer_id"),
    Case("zero weight", _survey(_set("resp_weight", "0")), "survey.csv", "resp_weight"),
    Case("negative weight", _survey(_set("resp_weight", "-1.5")), "survey.csv", "resp_weight"),
    Case("missing weight", _survey(_set("resp_weight", "")), "survey.csv", "resp_weight"),
    Case("infinite weight", _survey(_set("resp_weight", "inf")), "survey.csv", "resp_weight"),
    Case("weight column absent", _weight_column_gone, "survey.csv", "resp_weight"),
    Case("listed wave without respondents", _all_in_one_wave, "survey.csv", "wave 'post'"),
    Case("rated column with no answers", _survey(lambda f: f.assign(perf_free_parking="")), "survey.csv",
         "perf_free_parking"),
    Case("fewer respondents than min_cell", _survey(_five_respondents), "survey.csv", "only 5 respondents"),
    Case("wave not listed", _survey(_set("wave", "mid")), "survey.csv", "wave"),
    Case("satisfaction column absent", _key("satisfaction", {"column": "sat_x", "top_box": 9}), "survey.csv",
         "sat_x"),
    # customers and links
    Case("duplicate customer ids", _customers(lambda f: pd.concat([f, f.iloc[:2]], ignore_index=True)),
         "customers.csv", "customer_id"),
    Case("survey ids without customer row", _unmatched, "survey.csv", "customer_id"),
    Case("wave differs between files", _customers(_swap_waves), "survey.csv", "wave"),
    Case("negative duration", _customers(_set("tenure_days", "-5")), "customers.csv", "tenure_days"),
    Case("event not 0/1", _customers(_set("churned", "2")), "customers.csv", "churned"),
    Case("attrition event column absent", _customers(_drop("churned")), "customers.csv", "churned"),
    Case("consent not yes/no", _customers(_set("analytics_consent", "maybe")), "customers.csv", "analytics_consent"),
    Case("consent column absent", _customers(_drop("analytics_consent")), "customers.csv", "analytics_consent"),
    Case("value column absent", _customers(_drop("annual_spend")), "customers.csv", "annual_spend"),
    Case("value column with no values", _customers(lambda f: f.assign(visits="")), "customers.csv", "visits"),
    Case("value column not numeric", _customers(_set("visits", "many")), "customers.csv", "visits"),
    Case("covariate column absent", _customers(_drop("region")), "customers.csv", "region"),
    Case("advocacy column absent", _key("advocacy", {"column": "nps_score"}), "customers.csv", "nps_score"),
    # contacts
    Case("contact rating out of range", _contacts(_set("rating", "5")), "contacts.csv", "rating"),
    Case("contact timestamp not a date", _contacts(_set("timestamp", "yesterday")), "contacts.csv", "timestamp"),
    Case("contacts lack the channel column", _contacts(_drop("channel")), "contacts.csv", "channel"),
]
