"""Acceptance (#10): every awkward engagement gives its expected outcome through a real ``cx run``.

The awkward corpus (tests/awkward_engagements.py) runs as one batch next to nothing else: cases the data
cannot support are refused with a message naming file and column, and nothing is published for them; the
rest publish reports that say in words what could not be estimated. No page shows a traceback, NaN or inf,
and no planted customer id, e-mail address or phone number reaches any output. The outcome table is printed
(``pytest -s``). The malformed-file corpus (tests/bad_engagements.py) is checked in test_schema and test_cli.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from awkward_engagements import AWKWARD
from test_privacy_scan import EMAIL, PHONE

SMALL_N = re.compile(r"\bn\s*=\s*(\d{1,2})\b")
NOT_A_NUMBER = re.compile(r"(?<![\w.])(?:nan|NaN|-?inf|-?Inf|Infinity|None)(?![\w.])")


def _page_text(path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup.get_text(" ")


@pytest.fixture(scope="session")
def corpus_run(small_engagements, tmp_path_factory, request):
    """Build every awkward case from the small synthetic retailer and ``cx run`` them.

    Full form (``--slow``): one ``cx run`` of every case with every notebook. Quick form: the cases grouped by
    the notebooks their expectations name, one ``cx run --notebooks`` per group into the same reports folder
    (the refused cases with the first group), so each case runs only the pages it is about. The returned
    process is the last run's, with the worst exit code of all of them.
    """
    good, _ = small_engagements
    root = tmp_path_factory.mktemp("corpus")
    folders = {case.slug: case.build(good, root / "data") for case in AWKWARD}
    out = root / "reports"
    if request.config.getoption("--slow"):
        groups = {None: list(folders.values())}
    else:
        groups: dict[str | None, list] = {}
        for case in AWKWARD:
            chosen = ",".join(sorted(case.says)) if case.outcome == "report" else "03"
            groups.setdefault(chosen or "01", []).append(folders[case.slug])
    procs = []
    for notebooks, paths in groups.items():
        procs.append(subprocess.run([sys.executable, "-m", "cxlib.cli", "run", *map(str, paths), "--out", str(out),
                                     "--seed", "0", *(["--notebooks", notebooks] if notebooks else [])],
                                    capture_output=True, text=True, timeout=1500))
    worst = max(procs, key=lambda p: (p.returncode not in (0, 2), p.returncode))
    stdout = "".join(p.stdout for p in procs)
    stderr = "".join(p.stderr for p in procs)
    return subprocess.CompletedProcess(worst.args, worst.returncode, stdout, stderr), out, root / "data"


def _check(case, out) -> tuple[bool, str]:
    """(as expected?, what happened in a few words)."""
    published = out / case.slug / "results.json"
    log = out / ".logs" / f"{case.slug}.log"
    if case.outcome == "refused":
        if published.exists():
            return False, "published a report"
        message = log.read_text(encoding="utf-8").splitlines()[0] if log.exists() else "(no log)"
        named = case.file in message and case.column in message and "Traceback" not in message
        return named, message
    if not published.exists():
        return False, log.read_text(encoding="utf-8").splitlines()[0] if log.exists() else "(nothing published)"
    problems, said = [], []
    for page in sorted((out / case.slug).glob("*.html")):
        text = _page_text(page)
        shown = NOT_A_NUMBER.findall(text)
        if shown or "Traceback" in text:
            problems.append(f"{page.name} shows {shown[:3] or 'a traceback'}")
        # Small-cell suppression: an n below min_cell (30 here) may appear only to explain what was withheld.
        for m in SMALL_N.finditer(text):
            context = text[max(0, m.start() - 120):m.start()]
            if int(m.group(1)) < 30 and not any(w in context for w in ("too few", "suppressed", "fewer than")):
                problems.append(f"{page.name} states a figure on n={m.group(1)}")
        if re.search(r"<img[^>]*src=\"?x[\" >]|<script>alert", page.read_text(encoding="utf-8")):
            problems.append(f"{page.name} renders a name from the data as markup")
        if page.stat().st_size > 2_000_000:  # huge free text is shortened, not pasted whole
            problems.append(f"{page.name} is {page.stat().st_size / 1e6:.1f} MB")
    for prefix, phrases in case.says.items():
        pages = list((out / case.slug).glob(f"{prefix}_*.html"))
        text = _page_text(pages[0]) if pages else ""
        missing = [p for p in phrases if p not in text]
        if not pages or missing:
            problems.append(f"{prefix} lacks {missing or 'its page'}")
        said += [f"{prefix}: “{p}”" for p in phrases]
    return not problems, "; ".join(problems) or ("report; " + ", ".join(said) if said else "report")


def test_every_awkward_case_gets_its_expected_outcome(corpus_run):
    proc, out, _ = corpus_run
    rows = [(case.name, case.outcome, *_check(case, out)) for case in AWKWARD]
    width = max(len(r[0]) for r in rows)
    print("\n" + "\n".join(f"{'ok ' if ok else 'BAD'} {name:<{width}}  {outcome:<8}  {what[:160]}"
                           for name, outcome, ok, what in rows))
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 2, [r for r in rows if not r[2]]  # every failure is bad input; the rest were published
    assert len(AWKWARD) >= 19 and len({c.slug for c in AWKWARD}) == len(AWKWARD)
    bad = [r for r in rows if not r[2]]
    assert not bad, bad
    # A notebook that succeeded leaves no kernel output behind (only a failed one keeps it, for diagnosis).
    assert not [p.name for p in out.glob(".logs/*.kernel.txt")]


def test_refused_cases_are_listed_as_bad_input_in_the_index(corpus_run):
    _, out, _ = corpus_run
    index = (out / "index.html").read_text(encoding="utf-8")
    for case in AWKWARD:
        if case.outcome == "refused":
            assert case.slug in index


def test_no_planted_identifier_in_any_corpus_output(corpus_run):
    """The report scan (#10) over every file the corpus run wrote, against each case's own inputs."""
    _, out, data = corpus_run
    leaks, scanned = [], 0
    for case in AWKWARD:
        folder = data / case.slug
        if case.outcome != "report":
            continue
        ids = set(pd.read_csv(folder / "customers.csv", dtype=str, encoding_errors="replace",
                              encoding="utf-16" if "utf16" in case.slug else "utf-8")["customer_id"])
        survey = (folder / "survey.csv").read_bytes().decode("utf-8", errors="replace")
        planted = set(EMAIL.findall(survey)) | set(PHONE.findall(survey))
        assert ids and planted, case.slug
        id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
        for path in (out / case.slug).rglob("*"):
            if path.suffix not in (".ipynb", ".html", ".json"):
                continue
            text = path.read_text(encoding="utf-8")
            scanned += 1
            leaks += [f"{case.slug}/{path.name}: id {m}" for m in set(id_pattern.findall(text))]
            leaks += [f"{case.slug}/{path.name}: {x}" for x in planted if x in text]
    print(f"\ncorpus: {scanned} report files scanned, {len(leaks)} planted identifiers found")
    assert scanned >= 50
    assert not leaks, leaks[:10]


def test_results_json_holds_no_nan_or_inf(corpus_run):
    """results.json is strict JSON: a figure that could not be estimated is null with a note, never NaN."""
    _, out, _ = corpus_run
    for path in out.glob("*/results.json"):
        json.loads(path.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(f"{path}: {c}"))
