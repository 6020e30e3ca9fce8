"""cxlib.synth: reproducible bytes, and the planted truth recovered by the analyses on synthetic data."""
from __future__ import annotations

import filecmp
import subprocess
import sys

import numpy as np
import pytest

import cxlib as cx
from cxlib import segments


def test_same_seed_same_bytes_via_the_cli_and_the_api(tmp_path):
    subprocess.run([sys.executable, "-m", "cxlib.cli", "synth", "retailer", str(tmp_path / "a"), "--customers",
                    "300", "--seed", "4"], check=True, capture_output=True, timeout=300)
    cx.synth.make_engagement("retailer", 300, seed=4, path=tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["codebook.csv", "contacts.csv", "customers.csv", "engagement.yaml", "survey.csv", "truth.json"]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", files, shallow=False)
    assert mismatch == [] and errors == []


def test_different_seed_different_data():
    a, _ = cx.synth.make_engagement("retailer", 200, seed=1)
    b, _ = cx.synth.make_engagement("retailer", 200, seed=2)
    assert not a.survey["overall_sat"].equals(b.survey["overall_sat"])


def test_segment_shares_of_20000_customers_within_2_points_of_truth():
    eng, truth = cx.synth.make_engagement("retailer", 20_000, seed=3)
    shares = segments.shares(eng.frame(), weight=eng.config["weight"]).table.set_index("segment")
    for seg, planted in truth["segment_shares"].items():
        assert abs(shares.loc[seg, "share"] - planted) < 0.02, (seg, shares.loc[seg, "share"], planted)


@pytest.mark.parametrize("kind", ["retailer", "brokerage"])
def test_shapes_roles_and_planted_sets(kind):
    eng, truth = cx.synth.make_engagement(kind, 300, seed=0)
    n_elements = (eng.codebook["role"] == "element_performance").sum()
    assert n_elements == (60 if kind == "retailer" else 100)
    assert (eng.codebook["role"] == "motivator_item").sum() == 30
    assert set(truth["hidden_drivers"]) and set(truth["named_overrated"]) <= set(truth["overrated"])
    assert set(truth["top_motivators"]) <= set(eng.codebook["motivator"])
    assert truth["hazard_ratio"] == pytest.approx(0.55)
    if kind == "brokerage":
        assert {"Personal welcome note", "Online education videos"} <= set(truth["hidden_drivers"])
        assert "Help moving funds" in truth["overrated"]
        assert truth["value_multipliers"]["consolidated_assets"] == pytest.approx(6.0, rel=1e-3)
    else:
        waves = truth["waves"]
        assert waves["connected"] == pytest.approx({"pre": 0.21, "post": 0.26}, abs=1e-3)
        assert waves["attrition"] == pytest.approx({"pre": 0.37, "post": 0.33}, abs=1e-3)
        assert waves["advocacy"] == pytest.approx({"pre": 0.24, "post": 0.30}, abs=1e-3)


def test_privacy_features_are_present():
    eng, _ = cx.synth.make_engagement("retailer", 3000, seed=6)
    consent = eng.customers["analytics_consent"].mean()
    assert 0.93 < consent < 0.97
    comments = eng.survey["comment"].dropna()
    assert comments.str.contains("@").any() and comments.str.contains(r"\d{6}").any()


def test_planted_hazard_ratio_and_recency_effect_are_recovered():
    from cxlib import contacts, survival

    eng, truth = cx.synth.make_engagement("retailer", 8000, seed=7)
    f = eng.frame()
    as_of = f.set_index("customer_id")["wave"].map({"pre": "2024-03-01", "post": "2025-03-01"}).pipe(
        lambda s: s.astype("datetime64[ns]"))
    score = contacts.recency_score(eng.contact_frame(), id_column="customer_id", as_of=as_of, half_life_days=90)
    f = f.join(score["experience"], on="customer_id")
    model = survival.cox(f, duration="tenure_days", event="churned",
                         covariates=["segment", "region", "age_band", "experience"],
                         reference={"segment": "highly satisfied"})
    hr = model.hazard_ratio("segment", "fully connected")
    assert hr.ci_low < truth["hazard_ratio"] < hr.ci_high
    assert model.table.set_index("covariate").loc["experience", "coef"] < 0


def _same(a, b) -> bool:
    """Equal values of equal types, arrays of equal dtype and bytes: what the generator reads is the same."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def test_the_calibration_read_from_the_disk_cache_equals_a_fresh_one(tmp_path, monkeypatch, slow):
    """The on-disk calibration (what every later process reads) is the fresh one exactly; a damaged or
    stale file is not read (so the calibration is made again); another population size is another key.
    Quick form: the retailer on a 20,000-respondent population (the round trip does not depend on the size);
    --slow: both kinds as shipped."""
    from cxlib import synth

    monkeypatch.setenv("CXLIB_CACHE_DIR", str(tmp_path))
    if not slow:
        monkeypatch.setattr(synth, "POPULATION", 20_000)
    synth._population.cache_clear()
    try:
        for kind in synth.KINDS if slow else ("retailer",):
            path, key = synth._calibration_cache(kind)
            assert path.parent == tmp_path and not path.exists()
            fresh = synth._population(kind)  # nothing cached yet: calibrated here, then written
            assert path.is_file() and key in path.read_text(encoding="utf-8")
            synth._population.cache_clear()
            cached = synth._population(kind)  # read back from disk
            assert cached is not fresh and _same(cached, fresh)
            assert synth._read_calibration(path, "another key") is None  # a stale file is calibrated again
            path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
            assert synth._read_calibration(path, key) is None  # so is a damaged one
        key = synth._calibration_cache("retailer")[1]
        monkeypatch.setattr(synth, "POPULATION", synth.POPULATION + 1)
        assert synth._calibration_cache("retailer")[1] != key
        monkeypatch.setenv("CXLIB_CACHE_DIR", "")
        assert synth._calibration_cache("retailer")[0] is None
    finally:
        synth._population.cache_clear()  # the next test calibrates the shipped population, not this one
