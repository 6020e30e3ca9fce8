"""cxlib.results: the result base keeps its table private, Draws are read by name, no attrs anywhere."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib.results import REASONS, Draws, Estimate, Reason, Result, frozen_table


@dataclass(frozen=True, eq=False)
class _Shares(Result):
    label: str = ""


def test_the_table_is_a_fresh_copy_every_time():
    r = _Shares(pd.DataFrame({"g": ["a", "b"], "share": [0.4, 0.6], "n": [40, 60]}), label="x")
    t = r.table
    t.loc[0, "share"] = 99.0
    t.sort_values("share", inplace=True)
    assert r.table["share"].tolist() == [0.4, 0.6] and r.n == 60
    assert r.table is not r.table


def test_frozen_table_drops_side_information_and_refuses_repeated_columns():
    d = pd.DataFrame({"a": pd.Categorical(["x", "y"]), "b": [1.0, 2.0]}, index=[5, 3])
    d.attrs["bootstrap"] = np.ones((2, 2))
    f = frozen_table(d)
    assert f.attrs == {} and f.index.tolist() == [0, 1] and isinstance(f["a"].dtype, pd.CategoricalDtype)
    with pytest.raises(ValueError, match="repeated"):
        frozen_table(pd.DataFrame([[1, 2]], columns=["a", "a"]))


def test_draws_are_read_by_name_and_read_only():
    d = Draws(np.arange(6.0).reshape(3, 2), ["a", "b"])
    assert d["b"].tolist() == [1.0, 3.0, 5.0] and d.columns(["b", "a"])[0].tolist() == [1.0, 0.0]
    with pytest.raises(ValueError):
        d["a"][0] = 5.0
    with pytest.raises(KeyError, match="did you mean 'a'"):
        d["A "]


def test_estimates_and_reasons():
    missing = Estimate.missing(Reason.of("no_events"), n=50)
    assert not missing.estimable and missing.to_dict() == {
        "estimate": None, "ci_low": None, "ci_high": None, "n": 50, "note": REASONS["no_events"], "reason": "no_events"}
    with pytest.raises(ValueError, match="unknown reason code"):
        Reason.of("no_such_code")


def test_every_reason_code_used_in_the_package_exists():
    used = set()
    for path in (Path(__file__).resolve().parents[1] / "cxlib").rglob("*.py"):
        used |= set(re.findall(r"Reason\.of\(\s*[\"']([a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert used and used <= set(REASONS), used - set(REASONS)


def test_no_dataframe_attrs_in_the_package():
    """Acceptance (#15): side information never rides on DataFrame.attrs (BeautifulSoup's tag.attrs is not pandas)."""
    hits = []
    for path in (Path(__file__).resolve().parents[1] / "cxlib").rglob("*.py"):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # Doctest lines may show that attrs are dropped; code may not use them.
            if re.search(r"\.attrs\b", line) and "tag.attrs" not in line and not line.strip().startswith((">>>", "...")):
                hits.append(f"{path.name}:{i}: {line.strip()}")
    assert not hits, hits
