"""Shared fixtures: fixed seeds, figures closed after each test, the --slow switch."""
from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import cxlib  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="run slow cases in their full form (many seeds, large data)")


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis: 25 examples per property in the quick suite, 200 under --slow; derandomised so a run
    is reproducible (the examples are still varied)."""
    from hypothesis import settings

    settings.register_profile("quick", max_examples=25, derandomize=True)
    settings.register_profile("slow", max_examples=200, derandomize=True)
    settings.load_profile("slow" if config.getoption("--slow") else "quick")


@pytest.fixture
def slow(request: pytest.FixtureRequest) -> bool:
    """True under --slow: tests marked slow then use their full size instead of the quick one."""
    return bool(request.config.getoption("--slow"))


@pytest.fixture(autouse=True)
def _fixed_seed_and_closed_figures():
    random.seed(0)
    np.random.seed(0)
    yield
    plt.close("all")


# -- engagements (tests/factories.py) --------------------------------------------------------------

@pytest.fixture
def valid_engagement(tmp_path):
    """A fresh copy of the small hand-made valid engagement folder (60 respondents), named ``valid-engagement``."""
    from factories import write_valid_engagement

    return write_valid_engagement(tmp_path / "valid-engagement")


# -- one batch run shared by the batch and browser tests --------------------------------------------

def _plant_pii_corpus(folder) -> None:
    """Give the survey of ``folder`` the PII corpus of tests/pii_corpus.py, as a client's export would carry it.

    Every non-blank comment of each verbatim column (codebook role ``verbatim``) is replaced, in a shuffled
    order of rows: each PII comment and each ordinary comment three times (so each lands in analysed rows of
    several segments), the rest with ``PII_TEMPLATES`` filled with the row's own pii-column values. The
    ``pii`` columns of ``PII_COLUMNS`` (``respondents()``: the people the comments name, then generated
    ones) go after the id column, with their codebook rows. Raw numbers stay as the synthesiser made them, so
    every estimate of the batch is unchanged.
    """
    import pandas as pd

    import pii_corpus as corpus

    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    codebook = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
    people = corpus.respondents(len(survey))
    at = survey.columns.get_loc("customer_id") + 1
    for offset, (key, column) in enumerate(corpus.PII_COLUMNS.items()):
        survey.insert(at + offset, column, [p[key] for p in people])
    planted = [c for c, _ in corpus.PII_COMMENTS] + corpus.ORDINARY_COMMENTS
    rng = np.random.default_rng(16)
    for column in codebook.loc[codebook["role"] == "verbatim", "column"]:
        rows = rng.permutation(np.flatnonzero(survey[column].str.strip() != ""))
        copies = 3 * planted
        if len(rows) < len(copies) + len(corpus.PII_TEMPLATES):
            raise RuntimeError(f"{folder.name}: {len(rows)} comments in {column!r}, too few for the corpus")
        comments = survey[column].to_numpy(dtype=object)
        comments[rows[:len(copies)]] = copies
        for k, row in enumerate(rows[len(copies):]):
            template = corpus.PII_TEMPLATES[k % len(corpus.PII_TEMPLATES)][1]
            comments[row] = template.format(**people[row]) if people[row]["email"] else copies[k % len(copies)]
        survey[column] = comments
    extra = pd.DataFrame({"column": list(corpus.PII_COLUMNS.values()), "role": "pii",
                          "label": ["Recipient first name", "Recipient last name", "Recipient e-mail",
                                    "Recipient phone", "Recipient address", "External data reference"]})
    survey.to_csv(folder / "survey.csv", index=False, lineterminator="\n")
    pd.concat([codebook, extra], ignore_index=True).fillna("").to_csv(folder / "codebook.csv", index=False,
                                                                       lineterminator="\n")


@contextlib.contextmanager
def _exclusive(lock: Path):
    """Hold an exclusive lock on the file ``lock`` (created if missing) for the block: the xdist workers of a
    session queue on it."""
    import fcntl

    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build) -> tuple[Path, dict]:
    """(folder, what ``build`` returned): ``build(folder)`` run once for the whole session.

    Under pytest-xdist the workers share the session's base temporary folder (the parent of each worker's
    own): the first worker to take the lock builds there and leaves a JSON record, the others wait for the
    lock and reuse the folder (a build costs a minute: one ``cx run``, not one per worker). A build that
    raised leaves no record, so the next worker builds afresh. Without ``fcntl`` (Windows) each worker
    builds its own.
    """
    import importlib.util

    base = tmp_path_factory.getbasetemp()
    if importlib.util.find_spec("fcntl") is None:
        folder = tmp_path_factory.mktemp(name)
        return folder, build(folder)
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, record = shared / name, shared / f"{name}.built.json"
    with _exclusive(shared / f"{name}.lock"):
        if record.exists():
            return folder, json.loads(record.read_text(encoding="utf-8"))
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        built = build(folder)
        record.write_text(json.dumps(built), encoding="utf-8")
        return folder, built


@pytest.fixture(scope="session")
def small_engagements(tmp_path_factory):
    """A small synthetic retailer and a copy of it whose customers file has no rows (read-only: built once
    per session and shared by the xdist workers).

    The retailer's survey carries the PII corpus of tests/pii_corpus.py (``_plant_pii_corpus``): its
    comments are the corpus, and it has the ``pii`` columns whose values the comments name
    (tests/test_privacy_scan.py checks that none of it is published).
    """
    def build(root: Path) -> dict:
        good = root / "small-retailer"
        cxlib.synth.make_engagement("retailer", n_customers=900, seed=3, path=good)
        _plant_pii_corpus(good)
        # Business cuts as a client names them (notebook 06 and the summary's lagging parts of the business).
        config = good / "engagement.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "cuts:\n- region\n- age_band\n", encoding="utf-8")
        broken = root / "broken-one"
        shutil.copytree(good, broken)
        (broken / "customers.csv").write_text("customer_id\n", encoding="utf-8")  # a customers file with no rows
        return {}

    root, _ = _built_once(tmp_path_factory, "small-engagements", build)
    return root / "small-retailer", root / "broken-one"


@pytest.fixture(scope="session")
def batch_run(small_engagements, tmp_path_factory):
    """``cx run`` on a good and a broken engagement: (completed process, reports folder).

    Built once per session and shared by the xdist workers: the reports folder is read-only. A test that
    runs ``cx run`` on it again copies it first (tests/test_batch.py, ``own_reports``).
    """
    good, broken = small_engagements

    def build(out: Path) -> dict:
        proc = subprocess.run([sys.executable, "-m", "cxlib.cli", "run", str(good), str(broken), "--out", str(out),
                               "--seed", "0"], capture_output=True, text=True, timeout=900)
        return {"args": proc.args, "returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}

    out, proc = _built_once(tmp_path_factory, "reports", build)
    return subprocess.CompletedProcess(**proc), out
