"""Acceptance (#10, privacy): no customer id, e-mail address or phone number from the inputs appears in any
generated output (ipynb, html, json) of a batch run or of the demo reports."""
from __future__ import annotations

import re

import pandas as pd
import pytest

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"\b07700\s?9\d{5}\b|\+44\s?20\s?7946\s?0958")


def test_no_planted_identifier_reaches_any_report_file(batch_run, small_engagements):
    good, _ = small_engagements
    _, out = batch_run
    ids = set(pd.read_csv(good / "customers.csv", dtype=str)["customer_id"])
    survey_text = (good / "survey.csv").read_text(encoding="utf-8")
    planted_emails = set(EMAIL.findall(survey_text))
    planted_phones = set(PHONE.findall(survey_text))
    assert ids and planted_emails and planted_phones  # the input really carries them
    files = [p for p in (out / "small-retailer").rglob("*") if p.suffix in (".ipynb", ".html", ".json")]
    files.append(out / "index.html")
    assert len(files) >= 10
    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    leaks = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        leaks += [f"{path.name}: id {m}" for m in set(id_pattern.findall(text))]
        leaks += [f"{path.name}: e-mail {e}" for e in planted_emails if e in text]
        leaks += [f"{path.name}: phone {p}" for p in planted_phones if p in text]
    assert not leaks, leaks[:10]


def _scan(report_dir, data_dir):
    ids = set(pd.read_csv(data_dir / "customers.csv", dtype=str)["customer_id"])
    survey_text = (data_dir / "survey.csv").read_text(encoding="utf-8")
    emails, phones = set(EMAIL.findall(survey_text)), set(PHONE.findall(survey_text))
    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    leaks = []
    for path in [p for p in report_dir.rglob("*") if p.suffix in (".ipynb", ".html", ".json")]:
        text = path.read_text(encoding="utf-8")
        leaks += [f"{path.name}: id {m}" for m in set(id_pattern.findall(text))]
        leaks += [f"{path.name}: {x}" for x in emails | phones if x in text]
    return leaks, len(ids), len(emails) + len(phones)



@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_no_planted_identifier_in_the_demo_reports(slug):
    """Acceptance (#10) on the demo engagements as published by `make demo` (run first in the README)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if not (root / "reports" / slug / "results.json").exists():
        pytest.skip("run `make demo` first to publish the demo reports")
    leaks, n_ids, n_contacts = _scan(root / "reports" / slug, root / "data" / slug)
    print(f"\n{slug}: scanned for {n_ids:,} customer ids and {n_contacts} planted e-mails/phones: {len(leaks)} found")
    assert n_ids > 1000 and n_contacts > 10
    assert not leaks, leaks[:10]
