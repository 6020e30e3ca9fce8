"""cxlib.drivers: relative weights vs a plain eigen-decomposition and the rwa package's published
mtcars example; exact Shapley vs pingouin's linear_regression(relimp=True)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import planted_drivers
import pytest
from rlang import run_r

from cxlib import drivers

MTCARS = pd.read_csv(Path(__file__).parent / "data" / "mtcars_subset.csv")


def _rw_by_hand(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson (2000), step by step: eigen-decompose Rxx, Λ = V√D Vᵀ, β = Λ⁻¹ rxy, ε_j = Σ_k Λ_jk² β_k²."""
    R = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    rxx, rxy = R[:-1, :-1], R[:-1, -1]
    evals, evecs = np.linalg.eig(rxx)
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.solve(lam, rxy)
    return np.array([sum(lam[j, k] ** 2 * beta[k] ** 2 for k in range(len(beta))) for j in range(len(beta))])


def test_relative_weights_match_rwa_published_mtcars_example():
    """rwa (R) vignette 'Introduction to rwa': mpg ~ cyl + disp + hp + gear, and + wt."""
    got = drivers.relative_weights(MTCARS[["cyl", "disp", "hp", "gear"]], MTCARS["mpg"]).table.set_index("predictor")
    published = {"hp": (0.2321744, 29.79691), "cyl": (0.2284797, 29.32274), "disp": (0.2221469, 28.50999),
                 "gear": (0.0963886, 12.37037)}
    for name, (raw, rescaled) in published.items():
        assert got.loc[name, "raw"] == pytest.approx(raw, abs=1e-7)
        assert got.loc[name, "rescaled"] == pytest.approx(rescaled, abs=1e-5)
    assert got["raw"].sum() == pytest.approx(0.7791896, abs=1e-7)
    got5 = drivers.relative_weights(MTCARS[["cyl", "disp", "hp", "gear", "wt"]], MTCARS["mpg"]).table.set_index("predictor")
    assert got5.loc["wt", "raw"] == pytest.approx(0.23642417, abs=1e-8)
    assert got5.loc["gear", "rescaled"] == pytest.approx(8.630361, abs=1e-6)


@pytest.mark.parametrize("p", [2, 5, 12, 40])
def test_relative_weights_sum_to_r2_and_match_eigen_decomposition(p):
    rng = np.random.default_rng(p)
    X = rng.normal(size=(800, p)) + rng.normal(size=(800, 1))  # correlated predictors
    y = X @ rng.normal(size=p) + rng.normal(size=800) * 3
    rw = drivers.relative_weights(pd.DataFrame(X), pd.Series(y))
    got = rw.table
    np.testing.assert_allclose(got["raw"], _rw_by_hand(X, y), rtol=1e-9, atol=1e-12)
    fit_r2 = 1 - np.var(y - np.column_stack([np.ones(800), X]) @ np.linalg.lstsq(
        np.column_stack([np.ones(800), X]), y, rcond=None)[0]) / np.var(y)
    assert got["raw"].sum() == pytest.approx(fit_r2, abs=1e-10)
    assert got["rescaled"].sum() == pytest.approx(100.0, abs=1e-9)
    assert rw.r2 == pytest.approx(fit_r2, abs=1e-10) and (got["n"] == 800).all() and rw.n_effective is None


def test_relative_weights_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.normal(size=(400, 4)), columns=list("abcd"))
    y = X["a"] * 2 + X["b"] + rng.normal(size=400)
    a = drivers.relative_weights(X, y, n_boot=300, seed=3)
    b = drivers.relative_weights(X, y, n_boot=300, seed=3)
    pd.testing.assert_frame_equal(a.table, b.table)
    np.testing.assert_array_equal(a.draws.frame(), b.draws.frame())
    t = a.table
    assert ((t["ci_low"] <= t["rescaled"]) & (t["rescaled"] <= t["ci_high"])).all()
    assert a.draws.names == tuple("abcd") and len(a.draws) == 300


def test_relative_weights_explain_constant_and_collinear_columns():
    rng = np.random.default_rng(8)
    X = pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100), "k": 3.0})
    with pytest.raises(ValueError, match=r"\['k'\] are constant"):
        drivers.relative_weights(X, X["a"])
    X = X.drop(columns="k").assign(c=lambda d: d["a"] + d["b"])
    with pytest.raises(ValueError, match="perfectly collinear"):
        drivers.relative_weights(X, X["a"] + rng.normal(size=100))


@pytest.mark.parametrize("dataset,y,xs", [
    ("penguins", "body_mass_g", ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]),
    ("tips", "tip", ["total_bill", "size"]),
    ("mediation", "Y", ["X", "M", "Mbin"]),
])
def test_shapley_equals_pingouin_relimp_on_its_bundled_data(dataset, y, xs):
    data = pg.read_dataset(dataset).dropna(subset=[y, *xs])
    ref = pg.linear_regression(data[xs], data[y], relimp=True)
    got = drivers.shapley(data[xs], data[y])
    np.testing.assert_allclose(got.table["raw"], ref["relimp"].to_numpy()[1:], atol=1e-8)
    np.testing.assert_allclose(got.table["rescaled"], ref["relimp_perc"].to_numpy()[1:], atol=1e-8)


@pytest.mark.parametrize("p", range(3, 13))
def test_shapley_equals_pingouin_relimp_on_random_data(p):
    rng = np.random.default_rng(100 + p)
    X = pd.DataFrame(rng.normal(size=(300, p)) + rng.normal(size=(300, 1)), columns=[f"x{i}" for i in range(p)])
    y = X @ rng.normal(size=p) + rng.normal(size=300) * 2
    ref = pg.linear_regression(X, y, relimp=True)
    got = drivers.shapley(X, y)
    np.testing.assert_allclose(got.table["raw"], ref["relimp"].to_numpy()[1:], atol=1e-8)
    assert got.table["raw"].sum() == pytest.approx(got.r2, abs=1e-12)


def test_shapley_refuses_beyond_exact_size_and_points_to_relative_weights():
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(50, drivers.MAX_SHAPLEY_PREDICTORS + 1)))
    with pytest.raises(ValueError, match="relative_weights"):
        drivers.shapley(X, X[0])


def test_subset_r2_matches_least_squares_for_every_subset():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(200, 5)) + rng.normal(size=(200, 1))
    y = X @ rng.normal(size=5) + rng.normal(size=200)
    r2 = drivers.subset_r2(np.corrcoef(np.column_stack([X, y]), rowvar=False))
    for mask in range(32):
        cols = [j for j in range(5) if mask >> j & 1]
        A = np.column_stack([np.ones(200), X[:, cols]])
        resid = y - A @ np.linalg.lstsq(A, y, rcond=None)[0]
        assert r2[mask] == pytest.approx(1 - resid.var() / y.var(), abs=1e-10)


# -- importance on synthetic data with a planted truth -------------------------------------------------

import json  # noqa: E402

import cxlib as cx  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"


def _precision_recall(imp: drivers.Importance, truth: dict) -> dict[str, tuple[float, float, float]]:
    """Precision and recall of the *supported* hidden drivers and overrated elements (issue 17: the lists the
    reports name), and the recall of supported + possible ones (every planted element is still shown)."""
    out = {}
    for quadrant, key in (("hidden driver", "hidden_drivers"), ("overrated", "overrated")):
        got, want = set(imp.elements(quadrant, "supported")), set(truth[key])
        shown = set(imp.elements(quadrant))
        out[quadrant] = (len(got & want) / max(len(got), 1), len(got & want) / len(want), len(shown & want) / len(want))
    return out


def _holds(scores: dict[str, tuple[float, float, float]]) -> bool:
    """Issue 17: named elements are right (precision ≥ 0.8) and planted hidden drivers are named (recall ≥ 0.8);
    planted overrated elements are at least shown (recall of supported + possible ≥ 0.8; the evidence that an
    element is linked to connection *less* than an average element is weaker at these sample sizes, so at
    least half are named)."""
    (hp, hr, _), (op, orr, os_) = scores["hidden driver"], scores["overrated"]
    return hp >= 0.8 and hr >= 0.8 and op >= 0.8 and os_ >= 0.8 and orr >= 0.5


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_planted_hidden_drivers_and_overrated_recovered_on_demos(slug):
    eng = cx.load_engagement(DATA / slug)
    truth = json.loads((DATA / slug / "truth.json").read_text())
    imp = drivers.importance(eng.frame(), eng.codebook, weight=eng.config.get("weight"), n_boot=100)
    scores = _precision_recall(imp, truth)
    assert _holds(scores), (slug, scores)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["retailer", "brokerage"])
def test_planted_quadrants_recovered_on_average_over_seeds(kind, slow):
    seeds = range(20) if slow else range(3)
    scores = []
    for seed in seeds:
        eng, truth = cx.synth.make_engagement(kind, 5000, seed=500 + seed)
        imp = drivers.importance(eng.frame(), eng.codebook, weight=eng.config.get("weight"),
                                 n_boot=200 if slow else 50, seed=seed)
        scores.append([v for pr in _precision_recall(imp, truth).values() for v in pr])
    mean = np.mean(scores, axis=0)
    print(f"\n{kind}: mean over {len(scores)} seeds, supported precision/recall (recall shown): hidden "
          f"{mean[0]:.2f}/{mean[1]:.2f} ({mean[2]:.2f}), overrated {mean[3]:.2f}/{mean[4]:.2f} ({mean[5]:.2f})")
    assert _holds({"hidden driver": tuple(mean[:3]), "overrated": tuple(mean[3:])})


def test_importance_columns_rule_and_rollups():
    eng, _ = cx.synth.make_engagement("retailer", 1500, seed=3)
    result = drivers.importance(eng.frame(), eng.codebook, weight="resp_weight", n_boot=100, seed=1)
    imp = result.table
    assert list(imp.columns) == list(drivers.IMPORTANCE_COLUMNS) + ["n_effective"]
    assert imp["derived"].sum() == pytest.approx(100)
    assert set(imp["quadrant"]) <= set(drivers.QUADRANTS) and set(imp["evidence"]) <= set(drivers.EVIDENCE)
    high = imp["derived"] > result.derived_cut
    assert (imp.loc[high & (imp.stated > result.stated_cut), "quadrant"] == "key driver").all()
    assert (imp["n"] == result.n).all() and (imp["n_effective"] == result.n_effective).all()
    assert result.n_effective < result.n and result.weighted and result.method == "linear"
    stages = drivers.rollup(result, by="stage").table
    assert stages["derived"].sum() == pytest.approx(100) and stages["n_elements"].sum() == len(imp)
    assert ((stages.ci_low <= stages.derived) & (stages.derived <= stages.ci_high)).all()
    stab = drivers.rank_stability(result, top=10).table
    assert stab["in_top"].between(0, 1).all() and (stab.rank_ci_low <= stab.rank_ci_high).all()
    custom = drivers.importance(eng.frame(), eng.codebook, n_boot=0, rule=drivers.QuadrantRule(derived=5.0, stated=90))
    assert set(custom.table["quadrant"]) <= {"hidden driver", "secondary"}
    assert custom.draws is None and "n_effective" not in custom.table and custom.n_effective is None


def test_logistic_relative_weights_follow_tonidandel_and_lebreton_written_plainly():
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(3000, 4)) + rng.normal(size=(3000, 1)) * 0.5, columns=list("abcd"))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(X["a"] * 1.2 + X["b"] * 0.5 - 0.3)))).astype(float)
    got = drivers.relative_weights(X, y)
    assert got.method == "logistic" and got.r2_p_value is None
    # The steps of Tonidandel & LeBreton (2010), as in the rwa R package's rwa_logit.
    Xs = (X - X.mean()) / X.std(ddof=0)
    u, _, vt = np.linalg.svd(Xs.to_numpy(), full_matrices=False)
    Z = u @ vt
    Z = (Z - Z.mean(0)) / Z.std(0)
    lam = np.linalg.lstsq(Z, Xs.to_numpy(), rcond=None)[0]
    fit = sm.Logit(y.to_numpy(), sm.add_constant(Z)).fit(disp=0)
    p = fit.predict(sm.add_constant(Z))
    r2 = np.corrcoef(p, y)[0, 1] ** 2
    beta = fit.params[1:] * np.sqrt(r2) / np.std(np.log(p / (1 - p)))
    np.testing.assert_allclose(got.table["raw"], (lam**2).T @ beta**2, rtol=1e-6)  # Λ is symmetric


def test_an_element_nobody_varies_on_is_left_out_and_named():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 600, seed=5)
    f, cb = eng.frame(), eng.codebook
    perf = cb[cb.role == "element_performance"].iloc[0]
    got = drivers.importance(f.assign(**{perf["column"]: 5.0}), cb, n_boot=20)
    assert perf["element"] not in set(got.table["element"])
    assert got.excluded[perf["element"]].code == "constant"
    assert got.excluded[perf["element"]].sentence == "every customer rated its performance 5"
    assert len(got.table) == (cb.role == "element_performance").sum() - 1


# -- awkward predictors (#10) -------------------------------------------------------------------------

def test_uninformative_matches_a_brute_force_pairwise_comparison():
    """Checked against the obvious definition: compare every pair of columns cell by cell."""
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.integers(1, 4, size=(30, 6)).astype(float), columns=list("abcdef"))
    X["c"] = X["a"]                      # duplicate of an earlier column
    X["e"] = 2.0                         # constant
    X.loc[3, "f"] = np.nan
    X["g"] = X["f"]                      # duplicate including its blank
    X["h"] = X["f"].fillna(9.0)          # differs only where f is blank: informative
    X["i"] = np.nan                      # nobody answered
    brute = {}
    for j, col in enumerate(X.columns):
        v = X[col]
        if v.isna().all():
            brute[col] = "empty"
        elif v.dropna().nunique() == 1:
            brute[col] = "constant"
        else:
            for earlier in X.columns[:j]:
                if earlier not in brute and X[earlier].equals(v):
                    brute[col] = f"dup {earlier}"
                    break
    found = drivers.uninformative(X)
    assert set(found) == set(brute) == {"c", "e", "g", "i"}
    assert "'a'" in found["c"] and "'f'" in found["g"] and "2" in found["e"] and "nobody" in found["i"]


def test_importance_leaves_out_a_duplicated_element_and_names_it():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 600, seed=2)
    frame, cb = eng.frame(), eng.codebook.copy()
    perf = cb[cb["role"] == "element_performance"].iloc[0]
    imp = cb[(cb["role"] == "element_importance") & (cb["element"] == perf["element"])].iloc[0]
    copies = pd.DataFrame([{**perf.to_dict(), "column": "perf_copy", "element": "Copy"},
                           {**imp.to_dict(), "column": "imp_copy", "element": "Copy"}])
    frame = frame.assign(perf_copy=frame[perf["column"]], imp_copy=frame[imp["column"]])
    res = drivers.importance(frame, pd.concat([cb, copies], ignore_index=True), "connection_index",
                             weight="resp_weight", n_boot=0)
    assert "Copy" not in set(res.table["element"]) and perf["element"] in set(res.table["element"])
    assert list(res.excluded) == ["Copy"] and res.excluded["Copy"].code == "duplicate"
    assert perf["element"] in res.excluded["Copy"].sentence


def test_logistic_weights_refuse_a_perfectly_separated_outcome():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    y = (X["a"] > 0).astype(float)        # a predicts the outcome exactly
    got = drivers.relative_weights(X, y)
    assert not got.estimable and got.reason.code == "separation" and got.method == "logistic"
    assert got.table["rescaled"].isna().all() and "not estimable" in got.headline()


def test_r2_p_value_equals_the_statsmodels_overall_f_test():
    """Reference: statsmodels OLS ``f_pvalue`` (unweighted, so the effective n is n)."""
    import statsmodels.api as sm

    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(120, 4)), columns=list("abcd"))
    for slope in (0.0, 0.3):
        y = slope * X["a"] + rng.normal(size=120)
        rw = drivers.relative_weights(X, y)
        ref = sm.OLS(y, sm.add_constant(X)).fit()
        assert rw.r2 == pytest.approx(ref.rsquared, rel=1e-10)
        assert rw.r2_p_value == pytest.approx(ref.f_pvalue, rel=1e-8)


# -- result objects (#15): follow-on steps align by name; tables are copies --------------------------

import functools  # noqa: E402

from cxlib.errors import ArgumentError  # noqa: E402


def _winner_data(seed: int = 11):
    """A clear winner: 'a' carries ~93% of R²."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(600, 5)), columns=list("abcde"))
    y = 4 * X["a"] + 0.5 * X["b"] + 0.4 * X["c"] + 0.3 * X["d"] + 0.2 * X["e"] + rng.normal(size=600)
    return X, y


def test_issue_15_rank_stability_after_a_sort_keeps_the_clear_winner_first():
    """Issue #15: ``rank_stability(rw.sort_values("rescaled"))`` gave the winner (93% of R²) the rank
    interval 4–5 and in_top 0, because draws were matched to rows by position. Now the result object is
    passed, a table is refused, and sorting the table changes nothing."""
    X, y = _winner_data()
    rw = drivers.relative_weights(X, y, n_boot=200, seed=0)
    assert rw.table.set_index("predictor").loc["a", "rescaled"] > 90
    before = drivers.rank_stability(rw, top=1).table
    sorted_table = rw.table.sort_values("rescaled")  # ascending: the winner is the last row
    with pytest.raises(ArgumentError, match="pass the result object") as err:
        drivers.rank_stability(sorted_table)
    assert err.value.argument == "result"
    after = drivers.rank_stability(rw, top=1).table
    pd.testing.assert_frame_equal(before, after)
    win = after.set_index("predictor").loc["a"]
    assert (win["rank"], win["rank_ci_low"], win["rank_ci_high"], win["in_top"]) == (1, 1, 1, 1.0)


def test_issue_15_rollup_after_a_sort_gives_the_group_its_own_interval():
    """Issue #15: ``rollup`` after a sort reported a 92.8 weight with CI 4.6–10.4 (the draws of other
    elements). Now each group's interval is that of its own elements' summed draws, however the table is
    ordered, and it brackets the estimate."""
    eng, _ = cx.synth.make_engagement("retailer", 800, seed=4)
    imp = drivers.importance(eng.frame(), eng.codebook, n_boot=100, seed=0)
    t = imp.table.sort_values("derived", ascending=False)
    with pytest.raises(ArgumentError, match="pass the result object"):
        drivers.rollup(t)
    stages = drivers.rollup(imp, by="stage").table
    for r in stages.itertuples():
        members = imp.table.loc[imp.table["stage"] == r.stage, "element"].tolist()
        brute = np.quantile(np.column_stack([imp.draws[m] for m in members]).sum(axis=1), [0.025, 0.975])
        assert (r.ci_low, r.ci_high) == pytest.approx(tuple(brute), abs=1e-9)
        assert r.ci_low <= r.derived <= r.ci_high


@functools.lru_cache(maxsize=1)
def _all_results():
    """Computed once (results are immutable: their tables are copies)."""
    eng, _ = cx.synth.make_engagement("retailer", 700, seed=6)
    f, cb = eng.frame(), eng.codebook
    imp = drivers.importance(f, cb, weight="resp_weight", n_boot=50, seed=1)
    X, y = _winner_data()
    rw = drivers.relative_weights(X, y, weights=np.linspace(0.5, 2, len(y)), n_boot=50)
    spend = drivers.importance(f, cb, "annual_spend", n_boot=0)
    return imp, rw, {
        "importance": imp, "relative_weights": rw, "shapley": drivers.shapley(X, y),
        "rank_stability": drivers.rank_stability(imp), "rank_stability_rw": drivers.rank_stability(rw, top=2),
        "pairwise": drivers.pairwise_differences(imp, names=list(imp.key_drivers()[:3])),
        "rollup_stage": drivers.rollup(imp), "rollup_dimension": drivers.rollup(imp, by="dimension"),
        "priorities": drivers.priorities(imp), "outcome_ranks": drivers.outcome_ranks({"c": imp, "s": spend}),
    }


def _follow_ons(imp, rw):
    return [drivers.rank_stability(imp).table, drivers.rank_stability(rw, top=2).table,
            drivers.pairwise_differences(imp, names=list(imp.names[:4])).table,
            drivers.rollup(imp).table, drivers.rollup(imp, by="dimension").table, drivers.priorities(imp).table]


def test_every_result_table_survives_sort_filter_head_concat_merge_and_parquet(tmp_path):
    """Issue #15: ``nlargest``, ``merge``, ``pd.concat`` and ``to_parquet`` of importance results raised
    'truth value of an array is ambiguous' (arrays in ``attrs``). Every table now has no attrs and is a
    fresh copy; editing it changes neither the result nor the follow-on steps."""
    imp, rw, results = _all_results()
    reference = _follow_ons(imp, rw)
    for name, res in results.items():
        t = res.table
        assert t.attrs == {}, name
        key = t.columns[0]
        t.sort_values(t.columns[1], ascending=False).head(3)
        numeric = t.select_dtypes("number").columns
        if len(numeric):
            t.nlargest(2, numeric[0])
        pd.concat([t, res.table], ignore_index=True)
        t.merge(res.table, on=list(t.columns[:2]) if name == "pairwise" else key, how="left")
        t.iloc[::-1].to_parquet(tmp_path / f"{name}.parquet")
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        assert len(back) == len(t)
        t.loc[:, t.columns[1]] = 0  # vandalise the copy
        t.drop(t.index, inplace=True)
        pd.testing.assert_frame_equal(res.table, results[name].table)
        assert len(res.table) > 0, name
    for got, want in zip(_follow_ons(imp, rw), reference):
        pd.testing.assert_frame_equal(got, want)


def test_rank_stability_matches_a_brute_force_loop_over_resamples():
    imp, _, _ = _all_results()
    stab = drivers.rank_stability(imp, top=5, ci=0.9).table.set_index("element")
    names = list(imp.names)
    boot = imp.draws.frame()[names].to_numpy()
    ranks = np.empty_like(boot, dtype=int)
    for r in range(len(boot)):  # rank 1 = the largest share in that resample
        for j in range(len(names)):
            ranks[r, j] = 1 + int((boot[r] > boot[r, j]).sum())
    for j, e in enumerate(names):
        assert stab.loc[e, "in_top"] == pytest.approx((ranks[:, j] <= 5).mean())
        assert stab.loc[e, "rank_ci_low"] == np.quantile(ranks[:, j], 0.05, method="lower")
        assert stab.loc[e, "rank_ci_high"] == np.quantile(ranks[:, j], 0.95, method="higher")
    assert sorted(stab["rank"]) == list(range(1, len(names) + 1))


def test_pairwise_differences_and_priorities_match_brute_force():
    imp, _, _ = _all_results()
    names = list(imp.names[:4])
    d = drivers.pairwise_differences(imp, names=names).table
    t = imp.table.set_index("element")
    assert len(d) == 6
    for r in d.itertuples():
        diff = imp.draws[r.a] - imp.draws[r.b]
        lo, hi = np.quantile(diff, [0.025, 0.975])
        assert r.difference == pytest.approx(t.loc[r.a, "derived"] - t.loc[r.b, "derived"])
        assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi)) and r.clear == (lo > 0 or hi < 0)
    pri = drivers.priorities(imp, top=5).table
    brute = sorted(((row.derived * (100 - row.performance) / 100, e) for e, row in t.iterrows()
                    if not row.lowers_outcome), reverse=True)[:5]
    assert pri["element"].tolist() == [e for _, e in brute]
    assert pri["opportunity"].tolist() == pytest.approx([o for o, _ in brute])


def test_outcome_ranks_match_a_count_of_larger_shares_and_name_outcomes_not_estimable():
    eng, _ = cx.synth.make_engagement("retailer", 700, seed=6)
    f, cb = eng.frame(), eng.codebook
    a = drivers.importance(f, cb, n_boot=0)
    b = drivers.importance(f, cb, "annual_spend", n_boot=0)
    tiny = drivers.importance(f.head(20), cb, n_boot=0)  # 20 respondents for 60 elements
    r = drivers.outcome_ranks({"Connection": a, "Spend": b, "Tiny": tiny})
    assert r.outcomes == ("Connection", "Spend", "Tiny") and r.excluded["Tiny"].code == "too_few"
    wide = r.wide()
    assert wide.columns.tolist() == ["element", "Connection", "Spend"] and len(wide) == len(a.names)
    for imp, label in ((a, "Connection"), (b, "Spend")):
        t = imp.table.set_index("element")["derived"]
        brute = {e: 1 + int((t > v).sum()) for e, v in t.items()}
        assert dict(zip(wide["element"], wide[label].astype(int))) == brute
    assert wide["Connection"].tolist()[:3] == [1, 2, 3]


def test_what_cannot_be_estimated_is_a_result_with_a_reason():
    eng, _ = cx.synth.make_engagement("retailer", 400, seed=1)
    f, cb = eng.frame(), eng.codebook
    tiny = drivers.importance(f.head(20), cb, n_boot=0)
    assert not tiny.estimable and tiny.reason.code == "too_few" and tiny.table["derived"].isna().all()
    assert tiny.hidden_drivers() == () and "not estimable" in tiny.headline()
    for follow in (drivers.rank_stability(tiny), drivers.rollup(tiny), drivers.priorities(tiny),
                   drivers.pairwise_differences(tiny, names=list(tiny.names[:2]))):
        assert follow.reason.code == "too_few" and follow.table.empty and "not estimable" in follow.headline()
    perf = cb[cb.role == "element_performance"]["column"].tolist()
    flat = f.assign(**{c: 3.0 for c in perf[1:]})  # one element left varying
    one = drivers.importance(flat, cb, n_boot=0)
    assert one.reason.code == "too_few_elements" and len(one.excluded) == len(perf) - 1
    assert all(r.code == "constant" for r in one.excluded.values())
    no_boot = drivers.importance(f, cb, n_boot=0)
    assert drivers.rank_stability(no_boot).reason.code == "no_bootstrap"
    assert drivers.rank_stability(no_boot).table["rank"].tolist() == list(range(1, len(no_boot.names) + 1))
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(50, 2)), columns=["a", "b"])
    assert drivers.relative_weights(X, np.ones(50)).reason.code == "constant"
    assert drivers.shapley(X, np.ones(50)).reason.code == "constant"


def test_argument_errors_name_the_argument_with_close_matches():
    eng, _ = cx.synth.make_engagement("retailer", 300, seed=1)
    f, cb = eng.frame(), eng.codebook
    cases = [
        (lambda: drivers.importance(f, cb, "conection_index"), "outcome", "did you mean 'connection_index'"),
        (lambda: drivers.importance(f, cb, "segment"), "outcome", "holds labels"),
        (lambda: drivers.importance(f, cb, weight="resp_wieght"), "weight", "did you mean 'resp_weight'"),
        (lambda: drivers.importance(f, cb, n_boot=1), "n_boot", "0 (no intervals) or at least 2"),
        (lambda: drivers.importance(f, cb, missing="pairwse"), "missing", "did you mean 'pairwise'"),
        (lambda: drivers.importance(f, cb[cb.role != "element_importance"]), "codebook", "no 'element_importance'"),
        (lambda: drivers.importance(f.drop(columns=[cb[cb.role == "element_performance"]["column"].iloc[0]]), cb),
         "codebook", "is not a column of the frame"),
        (lambda: drivers.importance(f["connection_index"], cb), "frame", "must be a DataFrame"),
        (lambda: drivers.relative_weights(f["connection_index"], f["connection_index"]), "X", "DataFrame of predictors"),
        (lambda: drivers.relative_weights(f[["ltr"]], f["ltr"].head(5)), "y", "must align"),
        (lambda: drivers.relative_weights(f[["ltr", "overall_sat"]], f["connection_index"], method="logistic"),
         "method", "0/1 outcome"),
        (lambda: drivers.QuadrantRule(stated="average"), "stated", "'mean', 'median'"),
    ]
    imp = drivers.importance(f, cb, n_boot=20)
    cases += [
        (lambda: drivers.rank_stability(imp, top=0), "top", "at least 1"),
        (lambda: drivers.priorities(imp.table), "result", "pass the result object"),
        (lambda: drivers.pairwise_differences(imp, names=["Staff remember mee", imp.names[0]]), "names",
         "did you mean 'Staff remember me'"),
        (lambda: drivers.pairwise_differences(imp, names=[imp.names[0]]), "names", "at least two"),
        (lambda: drivers.rollup(imp, by="stages"), "by", "did you mean 'stage'"),
        (lambda: drivers.rollup(drivers.relative_weights(f[["ltr", "overall_sat"]], f["connection_index"])),
         "result", "drivers.importance"),
    ]
    for call, argument, words in cases:
        with pytest.raises(ArgumentError) as err:
            call()
        assert err.value.argument == argument and words in str(err.value), str(err.value)


def test_quadrant_lists_and_lowering_match_the_table_and_a_planted_reversal():
    eng, truth = cx.synth.make_engagement("retailer", 1500, seed=8)
    f, cb = eng.frame(), eng.codebook
    imp = drivers.importance(f, cb, n_boot=0)
    t = imp.table
    for quadrant, key in (("hidden driver", "derived"), ("key driver", "derived"), ("overrated", "stated")):
        brute = t[t["quadrant"] == quadrant].sort_values(key, ascending=False)["element"].tolist()
        assert list(imp.elements(quadrant)) == brute
    # Without resampling no label is supported: every claimed quadrant's elements are possible ones.
    assert imp.hidden_drivers() == imp.key_drivers() == imp.overrated() == ()
    assert imp.possible("hidden driver") == imp.elements("hidden driver") and imp.elements("hidden driver")
    assert set(t.loc[t["quadrant"] != "secondary", "evidence"]) == {"possible"} and t["q_value"].isna().all()
    assert "no label can be supported" in imp.rule_text()
    assert imp.lowering() == ()
    # Reverse one key driver's performance scale: better reported performance now goes with lower connection.
    element = imp.elements("key driver")[0]
    row = cb[(cb["role"] == "element_performance") & (cb["element"] == element)].iloc[0]
    flipped = f.assign(**{row["column"]: row["scale_min"] + row["scale_max"] - f[row["column"]]})
    rev = drivers.importance(flipped, cb, n_boot=0)
    assert rev.lowering() == (element,)
    assert rev.table.set_index("element").loc[element, "sign"] == -1
    assert element not in drivers.priorities(rev, top=60).table["element"].tolist()
    with pytest.raises(ArgumentError):
        imp.elements("hidden drivers")


# -- classification with its uncertainty (issue 17) ---------------------------------------------------



def test_adjust_p_equals_r_p_adjust_bh_by_and_holm():
    """Reference: R's ``p.adjust(method = "BH")``, ``"BY"`` and ``"holm"``."""
    rng = np.random.default_rng(17)
    p = np.concatenate([rng.uniform(0, 0.01, 8), rng.uniform(0, 1, 72), [1.0, 0.5, 0.5]])
    ref = run_r('result <- data.frame(bh = p.adjust(d$p, "BH"), by = p.adjust(d$p, "BY"), '
                'holm = p.adjust(d$p, "holm"))', packages=(), d=pd.DataFrame({"p": p}))
    np.testing.assert_allclose(drivers.adjust_p(p), ref["bh"].astype(float), rtol=1e-12)
    np.testing.assert_allclose(drivers.adjust_p(p, method="by"), ref["by"].astype(float), rtol=1e-12)
    np.testing.assert_allclose(drivers.adjust_p(p, method="holm"), ref["holm"].astype(float), rtol=1e-12)
    with pytest.raises(ArgumentError, match="holm"):
        drivers.adjust_p(p, method="holms")
    with pytest.raises(ArgumentError, match="between 0 and 1"):
        drivers.adjust_p([0.2, 1.5])


@functools.lru_cache(maxsize=1)
def _planted_importance():
    frame, cb, truth = planted_drivers.planted(n=900, seed=3, p=40, n_key=3, n_hidden=3, n_overrated=3)
    w = pd.Series(np.random.default_rng(0).uniform(0.5, 2.0, len(frame)), index=frame.index)
    frame = frame.assign(w=w)
    frame.loc[frame.index[:7], "connection_index"] = np.nan  # rows without an outcome are left out
    return frame, cb, truth, drivers.importance(frame, cb, weight="w", n_boot=60, seed=5)


def test_stated_draws_and_p_values_match_a_brute_force_loop_over_the_same_resamples():
    """Stated importance is resampled with the derived importance: each resample's weighted means over the
    respondents it drew (rebuilt here with the engine's own resampler and seed), and every p- and q-value
    from the formulas of QuadrantRule's Notes."""
    from scipy.stats import norm

    from cxlib.stats import bootstrap_indices

    frame, cb, _, imp = _planted_importance()
    t = imp.table
    kept = frame[frame["connection_index"].notna()].reset_index(drop=True)
    cols = cb[cb.role == "element_importance"].set_index("element")["column"]
    S = np.column_stack([(kept[cols[e]] - 1) / 4 * 100 for e in imp.names])
    w = kept["w"].to_numpy()
    idx = np.vstack(list(bootstrap_indices(len(kept), 60, np.random.default_rng(5))))
    for r in (0, 17, 59):
        rows = idx[r]
        brute = [np.average(S[rows, j][~np.isnan(S[rows, j])], weights=w[rows][~np.isnan(S[rows, j])])
                 for j in range(S.shape[1])]
        np.testing.assert_allclose(imp.stated_draws.frame()[list(imp.names)].to_numpy()[r], brute, rtol=1e-10)
    D = imp.draws.frame()[list(imp.names)].to_numpy()
    SD = imp.stated_draws.frame()[list(imp.names)].to_numpy()
    above_d = t["derived"] > imp.derived_cut
    above_s = t["stated"] > imp.stated_cut
    sign_d = np.where(above_d, 1, -1)
    sign_s = np.where(above_s, 1, -1)
    p_d = norm.sf(sign_d * (t["derived"] - imp.derived_cut) / D.std(axis=0, ddof=1))
    p_s = norm.sf(sign_s * (t["stated"] - imp.stated_cut) / (SD - SD.mean(axis=1, keepdims=True)).std(axis=0, ddof=1))
    np.testing.assert_allclose(t["p_derived"], p_d, rtol=1e-9)
    np.testing.assert_allclose(t["p_stated"], p_s, rtol=1e-9)
    claimed = t["quadrant"] != "secondary"
    family = np.where(claimed, np.maximum(p_d, p_s), 1.0)  # every element of the map; secondary: p = 1
    ref = run_r('result <- data.frame(q = p.adjust(d$p, "BH"))', packages=(), d=pd.DataFrame({"p": family}))
    np.testing.assert_allclose(t.loc[claimed, "q_value"], ref["q"].astype(float)[claimed.to_numpy()], rtol=1e-10)
    assert t.loc[~claimed, "q_value"].isna().all() and (t.loc[~claimed, "evidence"] == "not tested").all()
    want = np.where(t["q_value"] <= 0.10, "supported", "possible")
    assert (t.loc[claimed, "evidence"].to_numpy() == want[claimed.to_numpy()]).all()
    for quadrant in ("hidden driver", "key driver", "overrated"):
        assert set(imp.elements(quadrant, "supported")) | set(imp.possible(quadrant)) == set(imp.elements(quadrant))
        assert not set(imp.elements(quadrant, "supported")) & set(imp.possible(quadrant))


def test_to_dict_and_rule_text_state_the_rule_its_level_and_both_lists():
    *_, imp = _planted_importance()
    d = imp.to_dict()
    assert d["fdr"] == 0.10 and d["fdr_method"] == "bh"
    assert d["hidden_drivers"] == list(imp.hidden_drivers()) and d["key_drivers"] == list(imp.key_drivers())
    assert d["possible"] == {q: list(imp.possible(q)) for q in ("key driver", "hidden driver", "overrated")}
    assert "10% false-discovery rate (Benjamini–Hochberg)" in d["rule"] and "possible" in d["rule"]
    assert "10% false-discovery rate" in imp.headline() and "more possible" in imp.headline()
    strict = drivers.QuadrantRule(fdr=0.01, fdr_method="by")
    assert "1% false-discovery rate (Benjamini–Yekutieli)" in strict.principle()
    frame, cb, _, _ = _planted_importance()
    tight = drivers.importance(frame, cb, weight="w", n_boot=60, seed=5, rule=strict)
    assert set(tight.hidden_drivers()) <= set(imp.hidden_drivers())  # a stricter level names no more
    with pytest.raises(ArgumentError, match="strictly between 0 and 1"):
        drivers.QuadrantRule(fdr=10)


def test_with_a_halo_null_elements_population_share_stays_below_the_fair_share_cut():
    """Issue 17, the null hypothesis: with a halo in every rating (performance and the outcome), a null
    element gets a positive population relative weight, but it stays below the fair share 100/p (here
    ≈ 0.8% against 1.25%), so a one-sided test against the cut is a test whose null holds for every planted
    null element. A near-copy of a driver (two questions about one thing) does not: it shares its twin's
    credit, far above the cut (a limitation of any share-of-R² rule, docs/decisions.md)."""
    _, _, truth = planted_drivers.planted(n=10)
    pop = planted_drivers.population_importance(n=50_000)
    fair = 100 / len(pop)
    nulls = pop[truth["nulls"]]
    assert nulls.max() < 0.9 * fair < pop[truth["hidden_drivers"]].min()
    assert nulls.mean() > 0.4 * fair  # the halo gives them a real, positive share
    twins = planted_drivers.population_importance(n=50_000, twins=2)
    assert (twins[truth["nulls"][:2]] > 2 * fair).all()


@pytest.mark.slow
def test_named_hidden_drivers_keep_the_false_discovery_proportion_under_the_level(slow):
    """Acceptance (issue 17): over 20 samples of a client with 80 elements, a halo linking every rating, four
    planted hidden drivers, five key drivers and 71 null elements, the supported hidden drivers have a mean
    false-discovery proportion of at most 10% and recall of the planted hidden drivers at least 0.8 (the
    point-estimate quadrant, measured alongside, names many null elements). Quick form: 3 samples, fewer
    resamples."""
    seeds, n_boot = (range(20), 200) if slow else (range(3), 60)
    fdp, recall, fdp_point = [], [], []
    for seed in seeds:
        frame, cb, truth = planted_drivers.planted(n=1500, seed=700 + seed)
        imp = drivers.importance(frame, cb, n_boot=n_boot, seed=seed)
        want = set(truth["hidden_drivers"])
        got, point = set(imp.hidden_drivers()), set(imp.elements("hidden driver"))
        fdp.append(len(got - want) / max(len(got), 1))
        recall.append(len(got & want) / len(want))
        fdp_point.append(len(point - want) / max(len(point), 1))
    print(f"\nover {len(fdp)} samples: supported hidden drivers FDP {np.mean(fdp):.3f}, recall {np.mean(recall):.3f}; "
          f"point-estimate quadrant FDP {np.mean(fdp_point):.3f}")
    assert np.mean(fdp) <= 0.10 and np.mean(recall) >= 0.8
    assert np.mean(fdp_point) > 0.2  # the old rule fails on the same samples: the test can fail
