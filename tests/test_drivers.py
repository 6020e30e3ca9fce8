"""cxlib.drivers: relative weights vs a plain eigen-decomposition and the rwa package's published
mtcars example; exact Shapley vs pingouin's linear_regression(relimp=True)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

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
    got = drivers.relative_weights(MTCARS[["cyl", "disp", "hp", "gear"]], MTCARS["mpg"]).set_index("predictor")
    published = {"hp": (0.2321744, 29.79691), "cyl": (0.2284797, 29.32274), "disp": (0.2221469, 28.50999),
                 "gear": (0.0963886, 12.37037)}
    for name, (raw, rescaled) in published.items():
        assert got.loc[name, "raw"] == pytest.approx(raw, abs=1e-7)
        assert got.loc[name, "rescaled"] == pytest.approx(rescaled, abs=1e-5)
    assert got["raw"].sum() == pytest.approx(0.7791896, abs=1e-7)
    got5 = drivers.relative_weights(MTCARS[["cyl", "disp", "hp", "gear", "wt"]], MTCARS["mpg"]).set_index("predictor")
    assert got5.loc["wt", "raw"] == pytest.approx(0.23642417, abs=1e-8)
    assert got5.loc["gear", "rescaled"] == pytest.approx(8.630361, abs=1e-6)


@pytest.mark.parametrize("p", [2, 5, 12, 40])
def test_relative_weights_sum_to_r2_and_match_eigen_decomposition(p):
    rng = np.random.default_rng(p)
    X = rng.normal(size=(800, p)) + rng.normal(size=(800, 1))  # correlated predictors
    y = X @ rng.normal(size=p) + rng.normal(size=800) * 3
    got = drivers.relative_weights(pd.DataFrame(X), pd.Series(y))
    np.testing.assert_allclose(got["raw"], _rw_by_hand(X, y), rtol=1e-9, atol=1e-12)
    fit_r2 = 1 - np.var(y - np.column_stack([np.ones(800), X]) @ np.linalg.lstsq(
        np.column_stack([np.ones(800), X]), y, rcond=None)[0]) / np.var(y)
    assert got["raw"].sum() == pytest.approx(fit_r2, abs=1e-10)
    assert got["rescaled"].sum() == pytest.approx(100.0, abs=1e-9)


def test_relative_weights_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.normal(size=(400, 4)), columns=list("abcd"))
    y = X["a"] * 2 + X["b"] + rng.normal(size=400)
    a = drivers.relative_weights(X, y, n_boot=300, seed=3)
    b = drivers.relative_weights(X, y, n_boot=300, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["ci_low"] <= a["rescaled"]) & (a["rescaled"] <= a["ci_high"])).all()


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
    np.testing.assert_allclose(got["raw"], ref["relimp"].to_numpy()[1:], atol=1e-8)
    np.testing.assert_allclose(got["rescaled"], ref["relimp_perc"].to_numpy()[1:], atol=1e-8)


@pytest.mark.parametrize("p", range(3, 13))
def test_shapley_equals_pingouin_relimp_on_random_data(p):
    rng = np.random.default_rng(100 + p)
    X = pd.DataFrame(rng.normal(size=(300, p)) + rng.normal(size=(300, 1)), columns=[f"x{i}" for i in range(p)])
    y = X @ rng.normal(size=p) + rng.normal(size=300) * 2
    ref = pg.linear_regression(X, y, relimp=True)
    got = drivers.shapley(X, y)
    np.testing.assert_allclose(got["raw"], ref["relimp"].to_numpy()[1:], atol=1e-8)
    assert got["raw"].sum() == pytest.approx(got.attrs["r2"], abs=1e-12)


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


def _precision_recall(imp: pd.DataFrame, truth: dict) -> dict[str, tuple[float, float]]:
    out = {}
    for quadrant, key in (("hidden driver", "hidden_drivers"), ("overrated", "overrated")):
        got, want = set(imp.loc[imp.quadrant == quadrant, "element"]), set(truth[key])
        out[quadrant] = (len(got & want) / max(len(got), 1), len(got & want) / len(want))
    return out


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_planted_hidden_drivers_and_overrated_recovered_on_demos(slug):
    eng = cx.load_engagement(DATA / slug)
    truth = json.loads((DATA / slug / "truth.json").read_text())
    imp = drivers.importance(eng.frame(), eng.codebook, weight=eng.config.get("weight"), n_boot=0)
    for quadrant, (precision, recall) in _precision_recall(imp, truth).items():
        assert precision >= 0.8 and recall >= 0.8, (slug, quadrant, precision, recall)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["retailer", "brokerage"])
def test_planted_quadrants_recovered_on_average_over_seeds(kind, slow):
    seeds = range(20) if slow else range(3)
    scores = []
    for seed in seeds:
        eng, truth = cx.synth.make_engagement(kind, 5000, seed=500 + seed)
        imp = drivers.importance(eng.frame(), eng.codebook, weight=eng.config.get("weight"), n_boot=0)
        scores.append([v for pr in _precision_recall(imp, truth).values() for v in pr])
    mean = np.mean(scores, axis=0)
    print(f"\n{kind}: mean precision/recall over {len(scores)} seeds: hidden {mean[0]:.2f}/{mean[1]:.2f}, "
          f"overrated {mean[2]:.2f}/{mean[3]:.2f}")
    assert (mean >= 0.8).all()


def test_importance_columns_rule_and_rollups():
    eng, _ = cx.synth.make_engagement("retailer", 1500, seed=3)
    imp = drivers.importance(eng.frame(), eng.codebook, weight="resp_weight", n_boot=100, seed=1)
    assert list(imp.columns[:9]) == ["element", "stage", "dimension", "stated", "derived", "ci_low", "ci_high",
                                     "performance", "quadrant"]
    assert imp["derived"].sum() == pytest.approx(100)
    assert set(imp["quadrant"]) <= set(drivers.QUADRANTS)
    high = imp["derived"] > imp.attrs["derived_cut"]
    assert (imp.loc[high & (imp.stated > imp.attrs["stated_cut"]), "quadrant"] == "key driver").all()
    stages = drivers.rollup(imp, by="stage")
    assert stages["derived"].sum() == pytest.approx(100) and stages["n_elements"].sum() == len(imp)
    assert ((stages.ci_low <= stages.derived) & (stages.derived <= stages.ci_high)).all()
    stab = drivers.rank_stability(imp, top=10)
    assert stab["in_top"].between(0, 1).all() and (stab.rank_ci_low <= stab.rank_ci_high).all()
    custom = drivers.importance(eng.frame(), eng.codebook, n_boot=0, rule=drivers.QuadrantRule(derived=5.0, stated=90))
    assert set(custom["quadrant"]) <= {"hidden driver", "secondary"}


def test_logistic_relative_weights_follow_tonidandel_and_lebreton_written_plainly():
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(3000, 4)) + rng.normal(size=(3000, 1)) * 0.5, columns=list("abcd"))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(X["a"] * 1.2 + X["b"] * 0.5 - 0.3)))).astype(float)
    got = drivers.relative_weights(X, y)
    assert got.attrs["method"] == "logistic"
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
    np.testing.assert_allclose(got["raw"], (lam**2).T @ beta**2, rtol=1e-6)  # Λ is symmetric


def test_an_element_nobody_varies_on_is_left_out_and_named():
    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", 600, seed=5)
    f, cb = eng.frame(), eng.codebook
    perf = cb[cb.role == "element_performance"].iloc[0]
    got = drivers.importance(f.assign(**{perf["column"]: 5.0}), cb, n_boot=20)
    assert perf["element"] not in set(got["element"])
    assert got.attrs["excluded"][perf["element"]] == "every customer rated its performance 5"
    assert len(got) == (cb.role == "element_performance").sum() - 1


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
    assert "Copy" not in set(res["element"]) and perf["element"] in set(res["element"])
    assert res.attrs["excluded"] == {"Copy": f"same answers as {perf['element']!r} from every customer "
                                             "(a duplicated question?)"}


def test_logistic_weights_refuse_a_perfectly_separated_outcome():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    y = (X["a"] > 0).astype(float)        # a predicts the outcome exactly
    with pytest.raises(ValueError, match="separate the 0/1 outcome perfectly"):
        drivers.relative_weights(X, y)


def test_r2_p_value_equals_the_statsmodels_overall_f_test():
    """Reference: statsmodels OLS ``f_pvalue`` (unweighted, so the effective n is n)."""
    import statsmodels.api as sm

    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(120, 4)), columns=list("abcd"))
    for slope in (0.0, 0.3):
        y = slope * X["a"] + rng.normal(size=120)
        rw = drivers.relative_weights(X, y)
        ref = sm.OLS(y, sm.add_constant(X)).fit()
        assert rw.attrs["r2"] == pytest.approx(ref.rsquared, rel=1e-10)
        assert rw.attrs["r2_p_value"] == pytest.approx(ref.f_pvalue, rel=1e-8)
