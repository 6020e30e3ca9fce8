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

@pytest.fixture(scope="session")
def small_engagements(tmp_path_factory):
    """A small synthetic retailer and a copy of it whose customers file has no rows."""
    root = tmp_path_factory.mktemp("data")
    good = root / "small-retailer"
    cxlib.synth.make_engagement("retailer", n_customers=900, seed=3, path=good)
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


