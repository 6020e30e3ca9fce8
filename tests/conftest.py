"""Shared fixtures: fixed seeds, figures closed after each test, the --slow switch."""
from __future__ import annotations

import random

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="run slow cases in their full form (many seeds, large data)")


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
