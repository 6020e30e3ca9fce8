"""cxlib.advocacy: NPS interval vs the analytic formula and a bootstrap; the result objects; checks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib import advocacy
from cxlib.errors import ArgumentError
from cxlib.results import Estimate


def test_nps_interval_matches_the_formula_and_a_bootstrap():
    rng = np.random.default_rng(0)
    scores = rng.choice(np.arange(11), size=1500, p=np.r_[np.full(7, 0.04), 0.1, 0.14, 0.2, 0.28])
    got = advocacy.nps(scores)
    assert isinstance(got.estimate, Estimate)
    # The formula, plainly: NPS = P - D; Var = (P + D - (P - D)^2) / n; 95% normal interval.
    P, D, n = np.mean(scores >= 9), np.mean(scores <= 6), len(scores)
    se = np.sqrt((P + D - (P - D) ** 2) / n)
    e = got.estimate
    assert e.estimate == pytest.approx(100 * (P - D)) and e.n == n and e.n_effective is None
    assert (e.ci_low, e.ci_high) == pytest.approx((100 * (P - D - 1.959963985 * se), 100 * (P - D + 1.959963985 * se)))
    idx = rng.integers(0, n, size=(10_000, n))
    boot = 100 * ((scores[idx] >= 9).mean(1) - (scores[idx] <= 6).mean(1))
    lo, hi = np.quantile(boot, [0.025, 0.975])
    assert e.ci_low == pytest.approx(lo, abs=0.5) and e.ci_high == pytest.approx(hi, abs=0.5)


def test_nps_table_holds_the_three_shares_with_wilson_intervals():
    from statsmodels.stats.proportion import proportion_confint

    scores = np.r_[np.full(40, 10), np.full(35, 8), np.full(25, 3)]
    t = advocacy.nps(scores).table.set_index("category")
    assert t["share"].to_dict() == pytest.approx({"promoters": 0.40, "passives": 0.35, "detractors": 0.25})
    assert t["count"].tolist() == [40, 35, 25] and (t["n"] == 100).all()
    lo, hi = proportion_confint(40, 100, method="wilson")
    assert (t.loc["promoters", "ci_low"], t.loc["promoters", "ci_high"]) == pytest.approx((lo, hi), abs=1e-12)


def test_nps_is_bounded_and_weighted():
    assert advocacy.nps([10, 10, 10]).ci_high <= 100
    w = advocacy.nps([10, 0], weights=[3, 1])
    assert w.estimate.estimate == pytest.approx(50.0) and w.estimate.n_effective == pytest.approx(1.6)
    assert "n_effective" in w.table.columns and w.to_dict()["n_effective"] == pytest.approx(1.6)


def test_nps_without_answers_is_not_estimable_with_a_reason():
    r = advocacy.nps([np.nan, np.nan])
    assert not r.estimate.estimable and r.estimate.reason.code == "no_data" and r.n == 0
    assert "not estimable" in r.headline() and "nan" not in r.headline().lower()
    assert r.to_dict()["estimate"] is None


@pytest.mark.parametrize("scores,shown", [([3, 11, 12], "11, 12"), ([-1, 5], "-1"), ([5, np.inf], "inf")])
def test_scores_outside_0_to_10_are_refused_with_examples(scores, shown):
    with pytest.raises(ArgumentError, match=shown) as err:
        advocacy.nps(scores)
    assert err.value.argument == "scores"


def test_nps_by_segment_names_its_column_after_by_and_matches_nps_per_group():
    rng = np.random.default_rng(1)
    f = pd.DataFrame({"region": rng.choice(["North", "South"], 400), "ltr": rng.integers(0, 11, 400),
                      "w": rng.uniform(0.5, 2, 400)})
    got = advocacy.nps_by_segment(f, column="ltr", by="region", weight="w")
    t = got.table
    assert t.columns.tolist() == ["region", "n", "n_effective", "nps", "ci_low", "ci_high", "promoters",
                                  "passives", "detractors"]
    for region in ("North", "South"):
        sub = f[f.region == region]
        one = advocacy.nps(sub.ltr, weights=sub.w)
        row = t.set_index("region").loc[region]
        assert row["nps"] == pytest.approx(one.score, rel=1e-12) and row["n"] == one.n
        assert got.get(region).estimate == one.estimate
    assert got.n == 400 and set(got.to_dict()) == {"North", "South"}


def test_nps_by_segment_leaves_out_rows_without_a_group_and_keeps_empty_segments():
    f = pd.DataFrame({"segment": ["fully connected"] * 4 + [None] * 3 + ["other"] * 4,
                      "ltr": [10, 9, 9, 6, 0, 0, 0, 8, 3, 10, 5]})
    got = advocacy.nps_by_segment(f, column="ltr")
    assert got.table[["segment", "n"]].values.tolist() == [["fully connected", 4], ["highly satisfied", 0], ["other", 4]]
    assert got.excluded["highly satisfied"].code == "no_data"


def test_nps_by_segment_refuses_an_out_of_range_column_naming_it():
    f = pd.DataFrame({"segment": ["other"] * 3, "ltr": [5, 99, 8]})
    with pytest.raises(ArgumentError, match="'ltr'.*99") as err:
        advocacy.nps_by_segment(f, column="ltr")
    assert err.value.argument == "column"


def test_compare_waves_is_reachable_from_advocacy_and_moved_names_say_where():
    from cxlib import waves

    assert advocacy.compare_waves is waves.compare_waves
    assert "compare_waves" in dir(advocacy)
    for name, where in [("verbatims", "cxlib.verbatims.verbatims"), ("mix_impact", "cxlib.waves.mix_impact")]:
        with pytest.raises(AttributeError, match=where):
            getattr(advocacy, name)


def test_nps_tables_are_order_safe(tmp_path):
    rng = np.random.default_rng(2)
    f = pd.DataFrame({"segment": rng.choice(["fully connected", "highly satisfied", "other"], 300),
                      "ltr": rng.integers(0, 11, 300)})
    got = advocacy.nps_by_segment(f, column="ltr")
    first = got.table
    shuffled = first.sort_values("nps")
    shuffled.loc[:, "nps"] = 0
    _ = first[first["n"] > 0].head(1)
    _ = pd.concat([first, first]).merge(first, on="segment")
    first.to_parquet(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(got.table, pd.read_parquet(tmp_path / "t.parquet"))
    assert got.get("other").score == got.table.set_index("segment").loc["other", "nps"]
    one = advocacy.nps(f.ltr)
    t = one.table.sort_values("share")
    t.loc[:, "share"] = 0
    assert one.promoters == pytest.approx((f.ltr >= 9).mean())
