"""Shared fixtures: fixed seeds, figures closed after each test, the --slow switch."""
from __future__ import annotations

import random
import shutil
import subprocess
import sys

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


@pytest.fixture(scope="session")
def small_engagements(tmp_path_factory):
    """A small synthetic retailer and a copy of it whose customers file has no rows.

    The retailer's survey carries the PII corpus of tests/pii_corpus.py (``_plant_pii_corpus``): its
    comments are the corpus, and it has the ``pii`` columns whose values the comments name
    (tests/test_privacy_scan.py checks that none of it is published).
    """
    root = tmp_path_factory.mktemp("data")
    good = root / "small-retailer"
    cxlib.synth.make_engagement("retailer", n_customers=900, seed=3, path=good)
    _plant_pii_corpus(good)
    broken = root / "broken-one"
    shutil.copytree(good, broken)
    (broken / "customers.csv").write_text("customer_id\n", encoding="utf-8")  # a customers file with no rows
    return good, broken


@pytest.fixture(scope="session")
def batch_run(small_engagements, tmp_path_factory):
    """``cx run`` on a good and a broken engagement: (completed process, reports folder)."""
    good, broken = small_engagements
    out = tmp_path_factory.mktemp("reports")
    proc = subprocess.run([sys.executable, "-m", "cxlib.cli", "run", str(good), str(broken), "--out", str(out),
                           "--seed", "0"], capture_output=True, text=True, timeout=900)
    return proc, out


