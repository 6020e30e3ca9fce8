"""A corpus of awkward engagements: valid-looking data that a naive analysis would crash on or misreport.

Each ``Awkward`` case edits a copy of a small synthetic retailer (``cxlib.synth``, 900 customers, seed 3)
and states its expected outcome, one of:

- ``refused``: ``cx run`` publishes nothing for it, and the error names ``file`` and ``column`` (the data
  cannot support any report, e.g. three respondents);
- ``report``: the reports are published, and each notebook page named in ``says`` contains the given phrases,
  which state plainly what could not be estimated and why. No page may show a traceback, NaN or inf.

tests/test_corpus.py runs the whole corpus through one ``cx run`` and prints the outcome table; the
malformed-file corpus (tests/bad_engagements.py) is checked at the loader and the CLI.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

__all__ = ["Awkward", "AWKWARD"]


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, folder: Path, name: str) -> None:
    frame.to_csv(folder / name, index=False, lineterminator="\n")


def _edit(name: str, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    return lambda d: _write(edit(_read(d, name)), d, name)


def _config(edit: Callable[[dict], dict]) -> Callable[[Path], None]:
    def breaks(d: Path) -> None:
        path = d / "engagement.yaml"
        path.write_text(yaml.safe_dump(edit(yaml.safe_load(path.read_text(encoding="utf-8"))), sort_keys=False,
                                       allow_unicode=True), encoding="utf-8")
    return breaks


def _all(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def breaks(d: Path) -> None:
        for step in steps:
            step(d)
    return breaks


def _columns(frame: pd.DataFrame, prefix: str) -> list[str]:
    return [c for c in frame.columns if c.startswith(prefix)]


def _set_column(column: str, value: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f[column] = value
        return f
    return edit


def _first_element(prefix: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f[_columns(f, prefix)[0]] = "5"
        return f
    return edit


def _three_respondents(f: pd.DataFrame) -> pd.DataFrame:
    """Two respondents in the first wave and one in the second (the customers file is unchanged)."""
    return pd.concat([f[f["wave"] == "pre"].iloc[:2], f[f["wave"] == "post"].iloc[:1]])


def _few_connected(share: float) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Motivator answers drawn low (1–4 on 1–7: connection index at most 50, below the threshold of 75) except
    for ``share`` of respondents, who answer 6–7; the fully connected segment is then empty or tiny."""
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        rng = np.random.default_rng(7)
        high = np.arange(len(f)) < int(round(share * len(f)))
        for c in _columns(f, "mot_"):
            f[c] = np.where(high, rng.integers(6, 8, len(f)), rng.integers(1, 5, len(f))).astype(str)
        return f
    return edit


def _duplicate_element(d: Path) -> None:
    """A second element whose performance and importance answers copy the first one's exactly."""
    survey, codebook = _read(d, "survey.csv"), _read(d, "codebook.csv")
    perf = _columns(survey, "perf_")[0]
    imp = "imp_" + perf[len("perf_"):]
    survey["perf_copy_of_first"], survey["imp_copy_of_first"] = survey[perf], survey[imp]
    rows = codebook[codebook["column"].isin([perf, imp])].copy()
    rows["column"] = rows["column"].str.replace(perf[len("perf_"):], "copy_of_first", regex=False)
    rows["element"] = "Copy of the first element"
    _write(survey, d, "survey.csv")
    _write(pd.concat([codebook, rows], ignore_index=True), d, "codebook.csv")


def _start_without_contacts(d: Path) -> None:
    """Follow-up start dates given (``attrition.start``) but no contacts file: the time-varying contact model
    has nothing to work on, and the report must say that contacts are what is missing."""
    customers = _read(d, "customers.csv")
    customers["survey_date"] = np.where(customers["wave"] == "pre", "2024-03-01", "2025-03-01")
    _write(customers, d, "customers.csv")
    (d / "contacts.csv").unlink(missing_ok=True)
    _config(lambda c: {**{k: v for k, v in c.items() if k != "contacts"},
                       "attrition": {**c["attrition"], "start": "survey_date"}})(d)


def _hostile_names(d: Path) -> None:
    """Markup in the client's and a hidden driver's names: shown as text, never interpreted."""
    _config(lambda c: {**c, "client": "Acme <b>bold</b> & *stars*"})(d)
    codebook = _read(d, "codebook.csv")
    codebook.loc[codebook["element"] == "Staff remember me", "element"] = (
        "<img src=x> welcome <b>text</b> & <script>alert(1)</script>")
    _write(codebook, d, "codebook.csv")


def _non_ascii(d: Path) -> None:
    _config(lambda c: {**c, "client": "Café Zürich · 北京店 ☕"})(d)
    codebook = _read(d, "codebook.csv")
    named = codebook["element"] != ""
    codebook.loc[named, "element"] = codebook.loc[named, "element"] + " «店面»"
    codebook.loc[codebook["role"] == "motivator_item", "motivator"] = codebook.loc[
        codebook["role"] == "motivator_item", "motivator"].str.replace("e", "é", regex=False)
    _write(codebook, d, "codebook.csv")
    customers = _read(d, "customers.csv")
    customers["region"] = customers["region"].map({"North": "Nørd", "South": "Süd"}).fillna(customers["region"])
    _write(customers, d, "customers.csv")


def _huge_text(d: Path) -> None:
    survey = _read(d, "survey.csv")
    survey.loc[survey.index[:3], "comment"] = "The parking is a maze. " * 20_000  # ~460 KB each
    survey.loc[survey.index[3:300], "comment"] = "The parking is a maze. " * 400  # ~9 KB each
    _write(survey, d, "survey.csv")


def _no_consent(share_consenting: float) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        keep = np.arange(len(f)) < int(round(share_consenting * len(f)))
        f["analytics_consent"] = np.where(keep, "True", "False")
        return f
    return edit


def _empty_wave(d: Path) -> None:
    for name in ("survey.csv", "customers.csv"):
        _edit(name, _set_column("wave", "pre"))(d)


def _single_wave(d: Path) -> None:
    _config(lambda c: {k: v for k, v in c.items() if k not in ("wave", "waves")})(d)
    for name in ("survey.csv", "customers.csv"):
        _edit(name, lambda f: f.drop(columns="wave"))(d)


def _anchors(d: Path) -> None:
    path = d / "engagement.yaml"
    text = path.read_text(encoding="utf-8")
    bomb = "".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    path.write_text(text + "l0: &l0 lol\n" + bomb, encoding="utf-8")


def _symlink_out(d: Path) -> None:
    outside = d.parent / ".outside" / f"{d.name}.csv"
    outside.parent.mkdir(exist_ok=True)
    (d / "survey.csv").rename(outside)
    os.symlink(outside, d / "survey.csv")


def _utf16(d: Path) -> None:
    """Excel's "Unicode text": UTF-16 with a byte-order mark (read as such)."""
    path = d / "customers.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _latin1(d: Path) -> None:
    """A survey saved as Windows-1252 with accented verbatims (read as such)."""
    survey = _read(d, "survey.csv")
    survey.loc[survey["comment"] != "", "comment"] = "Très bien, la vendeuse était charmante"  # every quote
    (d / "survey.csv").write_bytes(survey.to_csv(index=False, lineterminator="\n").encode("cp1252"))


def _utf16_no_bom(d: Path) -> None:
    path = d / "customers.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))


@dataclass(frozen=True)
class Awkward:
    """One awkward engagement and its expected outcome (see the module docstring)."""

    slug: str
    name: str
    breaks: Callable[[Path], None]
    outcome: str  # "report" or "refused"
    says: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # notebook stem prefix -> phrases
    file: str = ""
    column: str = ""

    def build(self, base: Path, root: Path) -> Path:
        import shutil

        folder = Path(root) / self.slug
        shutil.copytree(base, folder)
        (folder / "truth.json").unlink(missing_ok=True)
        self.breaks(folder)
        return folder


AWKWARD: list[Awkward] = [
    # reports that say what could not be estimated
    Awkward("no-churn", "no churn events", _edit("customers.csv", _set_column("churned", "0")), "report",
            {"03": ("No customer left",)}),
    Awkward("all-churned", "every customer churned", _edit("customers.csv", _set_column("churned", "1")), "report",
            {"03": ("Within 365 days",)}),
    Awkward("constant-element", "an element everyone rated the same", _edit("survey.csv", _first_element("perf_")),
            "report", {"02": ("Not estimable", "every customer rated its performance 5")}),
    Awkward("duplicated-element", "an element duplicated under another name", _duplicate_element, "report",
            {"02": ("Copy of the first element", "same answers as")}),
    Awkward("constant-motivator", "a motivator everyone scored the same",
            _edit("survey.csv", lambda f: f.assign(**{c: "4" for c in _columns(f, "mot_secure_")})), "report",
            {"01": ("Not ranked", "every customer scored 50")}),
    Awkward("empty-segment", "no fully connected customer", _edit("survey.csv", _few_connected(0.0)), "report",
            {"01": ("not reported: fewer than 30 fully connected customers (n=0)",),
             "03": ("Attrition is not compared between segments",)}),
    Awkward("tiny-segment", "fully connected segment below min_cell", _edit("survey.csv", _few_connected(0.02)),
            "report", {"01": ("fewer than 30",), "03": ("Attrition is not compared between segments",
                                                            "fully connected customers are too few to report")}),
    Awkward("single-wave", "a single wave", _single_wave, "report", {"04": ("single wave, so there is no before/after comparison",)}),
    Awkward("mostly-no-consent", "three in four customers withheld consent",
            _edit("customers.csv", _no_consent(0.25)), "report", {"01": ("did not consent",)}),
    Awkward("non-ascii", "non-ASCII client, element, motivator and region names", _non_ascii, "report",
            {"00": ("Café Zürich · 北京店 ☕",), "02": ("«店面»",)}),
    Awkward("utf16-customers", "customers file in UTF-16 with a byte-order mark", _utf16, "report", {"01": ()}),
    Awkward("cp1252-survey", "survey saved as Windows-1252 with accented verbatims", _latin1, "report",
            {"04": ("Très bien",)}),
    Awkward("huge-text", "verbatims of 9 to 460 KB", _huge_text, "report", {"04": ("The parking is a maze. The parking is a maze",)}),
    Awkward("horizon-past-follow-up", "an attrition horizon longer than anyone was followed",
            _config(lambda c: {**c, "attrition": {**c["attrition"], "horizon": 5000}}), "report",
            {"03": ("no customer was followed for 5,000 days",)}),
    Awkward("start-without-contacts", "follow-up start dates without a contacts file", _start_without_contacts,
            "report", {"03": ("no contact-point data",)}),
    Awkward("hostile-names", "markup in the client's and a hidden driver's names", _hostile_names, "report",
            {"00": ("Acme <b>bold</b> & *stars*",), "02": ("<img src=x> welcome <b>text</b> & <script>alert(1)</script>",)}),
    # refused: the data cannot support a report
    Awkward("three-respondents", "3 respondents", _edit("survey.csv", _three_respondents), "refused", file="survey.csv",
            column="respondents"),
    Awkward("empty-wave", "0 respondents in a listed wave", _empty_wave, "refused",
            file="survey.csv", column="wave"),
    Awkward("blank-column", "a rated column with no answers",
            _edit("survey.csv", lambda f: _set_column(_columns(f, "perf_")[1], "")(f)), "refused",
            file="survey.csv", column="perf_easy_to_find_on_the_high_street"),
    Awkward("blank-value", "a value column with no values", _edit("customers.csv", _set_column("annual_spend", "")),
            "refused", file="customers.csv", column="annual_spend"),
    Awkward("yaml-anchors", "YAML anchors expanding to a billion entries", _anchors, "refused",
            file="engagement.yaml", column="anchors and aliases"),
    Awkward("symlink-out", "survey file a symlink to outside the folder", _symlink_out, "refused",
            file="survey.csv", column="outside the engagement folder"),
    Awkward("utf16-no-bom", "customers file in UTF-16 without a byte-order mark", _utf16_no_bom, "refused",
            file="customers.csv", column="not a text file"),
]
