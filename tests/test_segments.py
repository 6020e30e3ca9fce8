"""cxlib.segments: connection index and segment assignment (checked by brute force) and shares."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cxlib import segments


def _index_by_hand(items: pd.DataFrame, scales: dict) -> list[float]:
    """Row by row, as the docs/engagement-format.md sentence reads."""
    out = []
    for _, row in items.iterrows():
        vals = [(row[c] - scales[c][0]) / (scales[c][1] - scales[c][0]) * 100 for c in items if pd.notna(row[c])]
        out.append(np.mean(vals) if len(vals) >= len(items.columns) / 2 else np.nan)
    return out


def test_connection_index_matches_hand_computation_with_mixed_scales():
    rng = np.random.default_rng(1)
    items = pd.DataFrame({"a": rng.integers(1, 8, 200), "b": rng.integers(1, 6, 200), "c": rng.integers(0, 11, 200)},
                         dtype=float)
    items = items.mask(rng.random(items.shape) < 0.3)
    scales = {"a": (1, 7), "b": (1, 5), "c": (0, 10)}
    got = segments.connection_index(items, scale=scales)
    np.testing.assert_allclose(got.to_numpy(), _index_by_hand(items, scales), equal_nan=True)


def test_connection_index_needs_half_the_items():
    items = pd.DataFrame({"a": [7.0, 7.0], "b": [np.nan, 1.0], "c": [np.nan, np.nan], "d": [np.nan, np.nan]})
    got = segments.connection_index(items, scale=(1, 7))
    assert np.isnan(got.iloc[0])          # 1 of 4 answered
    assert got.iloc[1] == pytest.approx(50.0)  # 2 of 4 answered: (100 + 0) / 2


def test_assign_boundaries_are_inclusive():
    f = pd.DataFrame({"connection_index": [75, 74.99, 74.99, 74.99, np.nan], "sat": [0, 9, 8.99, np.nan, 10]})
    got = segments.assign(f, threshold=75, sat_column="sat", top_box=9)
    assert got.tolist()[:3] == ["fully connected", "highly satisfied", "other"]
    assert got.isna().tolist()[3:] == [True, True]
    assert list(got.cat.categories) == list(segments.SEGMENTS) and got.cat.ordered


def test_shares_match_statsmodels_wilson_unweighted():
    rng = np.random.default_rng(2)
    lab = pd.Series(pd.Categorical(rng.choice(segments.SEGMENTS, 500, p=[0.2, 0.3, 0.5]),
                                   categories=segments.SEGMENTS))
    res = segments.shares(pd.DataFrame({"segment": lab}))
    got = res.table
    assert res.n == 500 and res.n_unsegmented == 0
    for row in got.itertuples():
        count = int((lab == row.segment).sum())
        lo, hi = proportion_confint(count, 500, method="wilson")
        assert row.n == count and row.share == pytest.approx(count / 500)
        assert (row.ci_low, row.ci_high) == pytest.approx((lo, hi), abs=1e-12)


def test_weighted_shares_use_weighted_proportion_and_kish_n():
    lab = pd.Series(pd.Categorical(["fully connected"] * 2 + ["other"] * 2, categories=segments.SEGMENTS))
    w = pd.Series([3.0, 1.0, 1.0, 1.0])
    got = segments.shares(pd.DataFrame({"segment": lab, "w": w}), weight="w").table.set_index("segment")
    assert got.loc["fully connected", "share"] == pytest.approx(4 / 6)
    assert got.loc["fully connected", "n_effective"] == pytest.approx(36 / 12)


def test_shares_by_any_column_names_the_output_after_it_and_counts_the_unplaced():
    f = pd.DataFrame({"region": ["north", "south", "north", None], "segment": ["other"] * 4})
    res = segments.shares(f, by="region")
    assert res.table.columns.tolist() == ["region", "n", "n_effective", "share", "ci_low", "ci_high"]
    assert res.table["region"].tolist() == ["north", "south"] and res.n == 3 and res.n_unsegmented == 1
    assert res.share("north").estimate == pytest.approx(2 / 3) and res.share("north").n == 3
    assert res.to_dict()["south"]["count"] == 1 and res.to_dict()["south"]["n"] == 3  # n: the base of the share
    assert "north" in res.headline() and "nan" not in res.headline()


def test_shares_headline_and_results_shape():
    lab = pd.Categorical(["fully connected"] * 30 + ["other"] * 70, categories=segments.SEGMENTS)
    res = segments.shares(pd.DataFrame({"segment": lab}))
    assert res.headline() == "**30%** of customers are fully connected (95% CI 22%–40%; n=100)."
    d = res.to_dict()
    assert set(d) == set(segments.SEGMENTS)
    assert set(d["fully connected"]) == {"estimate", "ci_low", "ci_high", "n", "n_effective", "count"}


def test_nobody_with_a_segment_is_not_estimable():
    f = pd.DataFrame({"segment": pd.Categorical([None, None], categories=segments.SEGMENTS)})
    res = segments.shares(f)
    assert res.reason.code == "no_data" and not res.share("other").estimable
    assert "not estimable" in res.headline()


@pytest.mark.parametrize("call, argument", [
    (lambda: segments.shares(pd.DataFrame({"segment": ["other"]}), by="segmnt"), "by"),
    (lambda: segments.shares(pd.DataFrame({"segment": ["other"]}), weight="w"), "weight"),
    (lambda: segments.shares(pd.Series(["other"])), "data"),
    (lambda: segments.shares(pd.DataFrame({"segment": ["other"]}), ci=95), "ci"),
    (lambda: segments.connection_index(pd.DataFrame(index=range(3))), "items"),
    (lambda: segments.connection_index(pd.DataFrame({"a": ["x"]})), "items"),
    (lambda: segments.connection_index(pd.DataFrame({"a": [1.0]}), scale={"b": (1, 7)}), "scale"),
    (lambda: segments.connection_index(pd.DataFrame({"a": [1.0]}), scale=(7, 1)), "scale"),
    (lambda: segments.assign(pd.DataFrame({"connection_index": [80.0], "sat": [9]}), threshold=75,
                             sat_column="satisfaction", top_box=9), "sat_column"),
    (lambda: segments.assign(pd.DataFrame({"connection_index": [80.0], "sat": [9]}), threshold=750,
                             sat_column="sat", top_box=9), "threshold"),
])
def test_misuse_names_the_argument(call, argument):
    from cxlib.errors import ArgumentError

    with pytest.raises(ArgumentError) as err:
        call()
    assert err.value.argument == argument
