"""Acceptance (#10): every awkward engagement gives its expected outcome.

Full form (``--slow``): the awkward corpus (tests/awkward_engagements.py) runs as one real ``cx run`` batch.
Quick form: each case's pages are built in this process by the code its notebooks call. Cases the data
cannot support are refused with a message naming file and column, and nothing is published for them; the
rest publish reports that say in words what could not be estimated. No page shows a traceback, NaN or inf,
and no planted customer id, e-mail address or phone number reaches any output. The outcome table is printed
(``pytest -s``). The malformed-file corpus (tests/bad_engagements.py) is checked in test_schema and test_cli.
"""
from __future__ import annotations

import contextlib
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

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


def corpus_groups(slow: bool) -> dict[str, list]:
    """The awkward cases by the notebooks their expectations name (quick form), or all in one run (``--slow``).

    Quick form: each group builds only the pages its cases are about (the refused cases, which never reach a
    page, go with notebook 03's group). Each group is a separate session fixture, so ``pytest -n`` spreads
    the groups over its workers.
    """
    if slow:
        return {"all": list(AWKWARD)}
    groups: dict[str, list] = {}
    for case in AWKWARD:
        chosen = ",".join(sorted(case.says)) if case.outcome == "report" else "03"
        groups.setdefault(chosen or "01", []).append(case)
    return groups


def pytest_generate_tests(metafunc):
    if "corpus_group" in metafunc.fixturenames:
        names = sorted(corpus_groups(metafunc.config.getoption("--slow")))
        metafunc.parametrize("corpus_group", names, ids=[f"notebooks-{n}" for n in names], scope="session")


@pytest.fixture(scope="session")
def corpus_run(corpus_group, small_engagements, tmp_path_factory, request):
    """Build one group of awkward cases from the small synthetic retailer and publish them:
    (completed process, reports folder, data folder, the group's cases).

    Full form (``--slow``): one real ``cx run`` of every case with every notebook. Quick form: each case's
    pages built in this process with the package code its notebooks call (:func:`_publish_in_process`), so
    the expectations are checked on the same words without starting a kernel per notebook.
    """
    good, _ = small_engagements
    slow = request.config.getoption("--slow")
    cases = corpus_groups(slow)[corpus_group]
    root = tmp_path_factory.mktemp("corpus")
    folders = [case.build(good, root / "data") for case in cases]
    out = root / "reports"
    if slow:
        proc = subprocess.run([sys.executable, "-m", "cxlib.cli", "run", *map(str, folders), "--out", str(out),
                               "--seed", "0"], capture_output=True, text=True, timeout=1500)
    else:
        proc = _publish_in_process(cases, folders, out, corpus_group.split(","))
    return proc, out, root / "data", cases


QUICK_RESAMPLES = 100
PAGES = {"00": "summary", "01": "value", "02": "drivers", "03": "attrition", "04": "programme", "05": "tracker"}
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _notebook(prefix: str) -> tuple[dict, list[str]]:
    """A notebook's default parameters and the page methods its cells show, in order (read from the notebook
    itself, so the quick form shows what the notebook shows)."""
    import ast

    import nbformat

    path = next(NOTEBOOKS.glob(f"{prefix}_*.ipynb"))
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    params = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cells[0]).body
              if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
    shown = [m for c in cells[1:] for m in re.findall(r"^page\.(\w+)\(\)\s*$", c, flags=re.MULTILINE)]
    return params, shown


def _html(obj) -> str:
    import mistune

    if isinstance(obj, str):  # cxlib.report.Markdown
        return mistune.html(getattr(obj, "_repr_markdown_", lambda: str(obj))())
    if hasattr(obj, "_repr_html_"):
        return obj._repr_html_() or ""
    return ""  # a figure: pictures hold no text to check


@contextlib.contextmanager
def _quick_builds(modules):
    """Patch each page module's ``build`` (for the block) to take :data:`QUICK_RESAMPLES` resamples unless told
    otherwise, and to build a page once per engagement and arguments: the executive summary's
    ``summary.gather`` and the notebooks' pages then share one build of each analysis page. Yields the cache,
    to be cleared between engagements."""
    import functools

    built: dict = {}
    with pytest.MonkeyPatch.context() as mp:
        for module in modules:
            original = module.build

            @functools.wraps(original)
            def build(eng, _original=original, _name=module.__name__, **kwargs):
                if "n_boot" in inspect.signature(_original).parameters:
                    kwargs.setdefault("n_boot", QUICK_RESAMPLES)
                bound = inspect.signature(_original).bind(eng, **kwargs)
                bound.apply_defaults()  # a default given or left out is the same build
                key = (id(eng), _name, repr(sorted(list(bound.arguments.items())[1:])))  # [0]: the engagement
                if key not in built:
                    built[key] = (eng, _original(eng, **kwargs))  # the engagement kept alive: its id stays its own
                return built[key][1]

            mp.setattr(module, "build", build)
        yield built


def _publish_in_process(cases, folders, out: Path, prefixes: list[str]) -> subprocess.CompletedProcess:
    """What ``cx run --notebooks <prefixes>`` publishes for these cases, built in this process: each page's
    shown outputs as ``<prefix>_page.html`` and the recorded results as ``results.json``; a refused case's
    message in ``.logs/<slug>.log``. Exit code as ``cx run``'s: 2 when any case was refused.

    Each analysis page is built once per case, with :data:`QUICK_RESAMPLES` resamples (the expectations are
    words and reasons, not interval widths: fewer resamples say the same), and shared by the summary's
    figures (``summary.gather``, which ``cx run`` gets from the analyses' notebooks) and the page's own."""
    import matplotlib.pyplot as plt

    import cxlib as cx

    code = 0
    (out / ".logs").mkdir(parents=True, exist_ok=True)
    analyses = [getattr(cx.pages, PAGES[p]) for p in sorted(PAGES) if p != "00"]
    with _quick_builds(analyses) as built:
        for case, folder in zip(cases, folders):
            built.clear()
            code = max(code, _publish_case(case, folder, out, prefixes))
            plt.close("all")
    return subprocess.CompletedProcess(["in-process"], code, "", "")


def _publish_case(case, folder: Path, out: Path, prefixes: list[str]) -> int:
    """One case of :func:`_publish_in_process`; returns 2 when it was refused, else 0."""
    import matplotlib.pyplot as plt

    import cxlib as cx
    from cxlib import report
    from cxlib.errors import DataError

    try:
        eng = cx.load_engagement(folder)
    except DataError as exc:
        (out / ".logs" / f"{case.slug}.log").write_text(f"{exc}\n", encoding="utf-8")
        return 2
    (out / case.slug).mkdir(parents=True, exist_ok=True)
    results: dict = {"client": eng.client}
    for prefix in prefixes:
        params, shown = _notebook(prefix)
        module = getattr(cx.pages, PAGES[prefix])
        accepted = inspect.signature(module.build).parameters  # the page's own (functools.wraps)
        kwargs = {k: v for k, v in params.items() if k in accepted and k != "results"}
        # The expectations are words and reasons, not interval widths: fewer resamples say the same.
        kwargs.update({k: QUICK_RESAMPLES for k in ("n_boot",) if k in kwargs})
        if "results" in accepted:
            kwargs["results"] = cx.pages.summary.gather(eng, seed=kwargs.get("seed", 0))
        page = module.build(eng, **kwargs)
        html = "".join(_html(getattr(page, name)()) for name in shown if name != "record")
        plt.close("all")
        (out / case.slug / f"{prefix}_page.html").write_text(f"<html><body>{html}</body></html>",
                                                             encoding="utf-8")
        if hasattr(page, "results"):
            results.update(report.to_jsonable(page.results()))
    (out / case.slug / "results.json").write_text(json.dumps(results, allow_nan=True, default=str),
                                                  encoding="utf-8")
    return 0


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


def _expected_outcomes(corpus_run):
    proc, out, _, cases = corpus_run
    rows = [(case.name, case.outcome, *_check(case, out)) for case in cases]
    width = max(len(r[0]) for r in rows)
    print("\n" + "\n".join(f"{'ok ' if ok else 'BAD'} {name:<{width}}  {outcome:<8}  {what[:160]}"
                           for name, outcome, ok, what in rows))
    assert "Traceback" not in proc.stdout + proc.stderr
    # Every failure is bad input (exit 2); the rest were published (exit 0 when nothing was refused).
    refused = any(case.outcome == "refused" for case in cases)
    assert proc.returncode == (2 if refused else 0), [r for r in rows if not r[2]]
    assert len(AWKWARD) >= 19 and len({c.slug for c in AWKWARD}) == len(AWKWARD)
    bad = [r for r in rows if not r[2]]
    assert not bad, bad
    # A notebook that succeeded leaves no kernel output behind (only a failed one keeps it, for diagnosis).
    assert not [p.name for p in out.glob(".logs/*.kernel.txt")]


def _refused_cases_listed_in_the_index(corpus_run):
    _, out, _, cases = corpus_run
    index = (out / "index.html").read_text(encoding="utf-8")
    for case in cases:
        if case.outcome == "refused":
            assert case.slug in index


def _no_planted_identifier_in_any_output(corpus_run):
    """The report scan (#10) over every file the corpus run wrote, against each case's own inputs."""
    _, out, data, cases = corpus_run
    leaks, scanned = [], 0
    for case in cases:
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
    reported = sum(case.outcome == "report" for case in cases)
    assert scanned >= 2 * reported  # at least a notebook and its page per published case
    assert not leaks, leaks[:10]


def _results_json_holds_no_nan_or_inf(corpus_run):
    """results.json is strict JSON: a figure that could not be estimated is null with a note, never NaN."""
    _, out, _, _ = corpus_run
    for path in out.glob("*/results.json"):
        json.loads(path.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(f"{path}: {c}"))


def test_every_awkward_case_gets_its_expected_outcome(corpus_run, slow):
    """One test per group of cases (so that ``pytest -n`` never builds a group twice), checking in turn:
    each case's outcome and words; no planted customer id, e-mail or phone number in any output;
    results.json is strict JSON; and (full form, where ``cx run`` writes it) the refused cases are listed as
    bad input in the index (test_batch checks that for a refused engagement in every run)."""
    _expected_outcomes(corpus_run)
    _no_planted_identifier_in_any_output(corpus_run)
    _results_json_holds_no_nan_or_inf(corpus_run)
    if slow:
        _refused_cases_listed_in_the_index(corpus_run)
