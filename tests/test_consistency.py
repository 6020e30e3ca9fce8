"""Acceptance (#15): the published pages agree with each other and with results.json, and read as words.

- Every headline figure of ``results.json`` that a page states with its interval is stated with the same
  value and the same n on every page that states it (the summary, the detail pages, the index).
- No page's text shows a codebook column name, a configuration key, a module name, code, ``nan``/``inf``/
  ``None``, or a number in scientific notation.

Runs on the small synthetic batch of the session (``batch_run``) and on the demo reports when ``make demo``
has published them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cxlib import report

ROOT = Path(__file__).resolve().parents[1]
SCIENTIFIC = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+(?![\w.])")
NOT_A_NUMBER = re.compile(r"(?<![\w.])(?:nan|NaN|-?inf|-?Inf|Infinity|None)(?![\w.])")
CODE = ("cxlib", "import ", "eng.", "frame[", ".attrs", "Traceback", "def ", "segment[", "drivers.importance")


def _page_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def _pages(report_dir: Path) -> dict[str, str]:
    return {p.name: _page_text(p) for p in sorted(report_dir.glob("[0-9][0-9]_*.html"))}


def _figures(results: dict) -> list[tuple[str, dict, str]]:
    """(key, estimate dict, number format) of every headline estimate with an interval."""
    out: list[tuple[str, dict, str]] = []

    def add(key: str, e: object, fmt: str) -> None:
        if isinstance(e, dict) and e.get("estimate") is not None and e.get("ci_low") is not None:
            out.append((key, e, fmt))

    for seg, e in (results.get("segment_shares") or {}).items():
        add(f"segment_shares.{seg}", e, "percent")
    add("value_multiplier", results.get("value_multiplier"), "{:.2f}")
    for seg, e in (results.get("attrition") or {}).items():
        add(f"attrition.{seg}", e, "percent")
    add("hazard_ratio", results.get("hazard_ratio"), "{:.2f}")
    for seg, e in (results.get("nps") or {}).items():
        add(f"nps.{seg}", e, "{:+.0f}")
    return out


def _formatted(value: float, fmt: str) -> str:
    return report.percent(value) if fmt == "percent" else report.number(value, fmt)


def _interval(e: dict, fmt: str) -> str:
    if fmt == "percent":
        return report.interval(e["ci_low"], e["ci_high"], fmt="{:.0%}") if min(abs(e["ci_low"]), abs(e["ci_high"])) >= 0.01 \
            else f"{report.percent(e['ci_low'])}–{report.percent(e['ci_high'])}"
    return report.interval(e["ci_low"], e["ci_high"], fmt=fmt)


def _disagreements(report_dir: Path) -> list[str]:
    results = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    pages = _pages(report_dir)
    problems = []
    for key, e, fmt in _figures(results):
        ci = _interval(e, fmt)
        for name, text in pages.items():
            for m in re.finditer(re.escape(f"95% CI {ci}"), text):
                before = text[max(0, m.start() - 160):m.start()]
                after = text[m.end():m.end() + 25]
                group = key.split(".", 1)[1] if "." in key else None
                if group and group.lower() not in before.lower():
                    continue  # the same figures for something else (a journey stage's 33% (30%–36%), say)
                if _formatted(e["estimate"], fmt) not in before:
                    problems.append(f"{name}: {key} interval {ci} next to a different estimate: …{before}")
                n_stated = re.match(r"; n\s*=\s*([\d,]+)", after)
                if n_stated and int(n_stated.group(1).replace(",", "")) != int(e["n"]):
                    problems.append(f"{name}: {key} stated with n={n_stated.group(1)}, results.json n={e['n']:,}")
    return problems


def _forbidden_words(report_dir: Path, data_dir: Path) -> list[str]:
    codebook = pd.read_csv(data_dir / "codebook.csv", dtype=str)
    config = yaml.safe_load((data_dir / "engagement.yaml").read_text(encoding="utf-8"))
    # Names a reader would never write: column names and keys with an underscore or a digit.
    names = {c for c in codebook["column"] if "_" in c or any(ch.isdigit() for ch in c)}
    names |= {"resp_weight", "analytics_consent", "tenure_days", "annual_spend", "min_cell", "top_box",
              "n_boot", "connection_index", "half_life_days"}
    names |= {v for v in (config.get("weight"), (config.get("privacy") or {}).get("consent")) if isinstance(v, str)}
    problems = []
    for name, text in _pages(report_dir).items():
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        problems += [f"{name}: shows the column or key {w!r}" for w in sorted(names & words)]
        problems += [f"{name}: shows {s!r}" for s in SCIENTIFIC.findall(text)[:3]]
        problems += [f"{name}: shows {s!r}" for s in NOT_A_NUMBER.findall(text)[:3]]
        problems += [f"{name}: shows code {c!r}" for c in CODE if c in text]
    return problems


def test_small_batch_pages_agree_with_results_json(batch_run, small_engagements):
    _, out = batch_run
    assert not _disagreements(out / "small-retailer")


def test_small_batch_pages_read_as_words(batch_run, small_engagements):
    good, _ = small_engagements
    _, out = batch_run
    assert not _forbidden_words(out / "small-retailer", good)


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_demo_pages_agree_and_read_as_words(slug):
    report_dir = ROOT / "reports" / slug
    if not (report_dir / "results.json").exists():
        pytest.skip("run `make demo` first to publish the demo reports")
    problems = _disagreements(report_dir) + _forbidden_words(report_dir, ROOT / "data" / slug)
    assert not problems, problems[:20]
