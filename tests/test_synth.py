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


# -- the tracker (issue 19) ---------------------------------------------------------------------------------

def test_tracker_same_seed_same_bytes_via_the_cli_and_the_api(tmp_path):
    subprocess.run([sys.executable, "-m", "cxlib.cli", "synth", "tracker", str(tmp_path / "a"), "--customers",
                    "300", "--seed", "4"], check=True, capture_output=True, timeout=300)
    cx.synth.make_engagement("tracker", 300, seed=4, path=tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["codebook.csv", "contacts.csv", "customers.csv", "engagement.yaml", "survey.csv", "truth.json"]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", files, shallow=False)
    assert mismatch == [] and errors == []
    c, _ = cx.synth.make_engagement("tracker", 300, seed=5)
    a = cx.load_engagement(tmp_path / "a")
    assert not a.survey["ltr"].equals(c.survey["ltr"])  # another seed, other data


def test_the_cli_offers_every_kind():
    from cxlib import cli, synth

    kind = next(p for p in cli.synth.params if p.name == "kind")
    assert tuple(kind.type.choices) == synth.KINDS


def test_tracker_waves_cuts_and_truth_keys():
    eng, truth = cx.synth.make_engagement("tracker", 1200, seed=0)
    waves = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert eng.config["waves"] == waves and eng.config["wave"] == "wave"
    assert eng.config["cuts"] == ["region", "channel"] and "weight" not in eng.config
    counts = eng.survey["wave"].value_counts()
    assert sorted(counts.index) == waves and set(counts) == {200}  # the same quota in every wave
    assert set(eng.customers["region"]) == {"North", "South", "East", "West"}
    assert set(eng.customers["channel"]) == {"store", "online", "app"}
    for key in ("waves", "step", "flat_metric", "lagging", "shifted_elements", "shift_waves", "shifts",
                "drivers_by_wave", "by_region", "cuts", "channels"):
        assert key in truth, key
    assert truth["step"] == {"metric": "connected", "from_wave": "2025Q3", "to_wave": "2025Q4",
                             "before": truth["waves"]["connected"]["2025Q3"],
                             "after": truth["waves"]["connected"]["2025Q4"]}
    assert truth["flat_metric"] == "nps" and truth["lagging"] == {"cut": "region", "group": "North"}
    assert truth["shift_waves"] == ["2025Q3", "2025Q4"]
    assert len(truth["shifted_elements"]) == 3
    assert set(truth["drivers_by_wave"]) == set(waves)


def test_tracker_planted_truths_at_population_level():
    """The step is 20% -> 30% and flat on either side (identical floats within a phase); NPS and the promoter
    share have one value for all six waves; the North lags on connection and NPS; each shifted element moves
    between key driver and overrated, the others keep their quadrant."""
    _, truth = cx.synth.make_engagement("tracker", 300, seed=0)
    w = truth["waves"]
    waves = list(w["connected"])
    before, after = waves[:3], waves[3:]
    for metric in ("connected", "attrition"):
        assert len({w[metric][x] for x in before}) == 1 and len({w[metric][x] for x in after}) == 1
    assert w["connected"]["2025Q1"] == pytest.approx(0.20, abs=1e-3)
    assert w["connected"]["2026Q2"] == pytest.approx(0.30, abs=1e-3)
    assert w["attrition"]["2025Q1"] == pytest.approx(0.30, abs=1e-3)
    assert w["attrition"]["2026Q2"] == pytest.approx(0.27, abs=1e-3)
    assert len(set(w["nps"].values())) == 1 and len(set(w["advocacy"].values())) == 1
    assert w["advocacy"]["2025Q1"] == pytest.approx(0.26, abs=1e-3)
    region = truth["by_region"]
    for metric, gap in (("connected", 0.08), ("nps", 10)):
        north = region[metric].pop("North")
        assert max(region[metric].values()) - min(region[metric].values()) < gap / 4  # the others alike
        assert north < min(region[metric].values()) - gap, (metric, north, region[metric])
    w3, w4 = (truth["drivers_by_wave"][x] for x in truth["shift_waves"])
    moved = {e for q in ("key_drivers", "hidden_drivers", "overrated") for e in set(w3[q]) ^ set(w4[q])}
    assert moved == set(truth["shifted_elements"])
    for e, s in truth["shifts"].items():
        assert {s["quadrant_before"], s["quadrant_after"]} == {"key driver", "overrated"}
        assert {s["effect_before"], s["effect_after"]} == {0.0, 1.0}
        assert truth["element_effects"][e] == s["effect_after"]  # the top level is the latest wave
    assert set(w4["key_drivers"]) == set(truth["key_drivers"])


def test_tracker_sample_shows_the_step_the_flat_nps_and_the_lag():
    """In a sample, against the truth: the connected share per wave within 4 points, NPS per wave within its
    interval's reach, the North's connected share below every other region's."""
    eng, truth = cx.synth.make_engagement("tracker", 6000, seed=2)
    f = eng.frame().dropna(subset=["segment"])
    share = f.groupby("wave")["segment"].apply(lambda s: (s == "fully connected").mean())
    for wave, planted in truth["waves"]["connected"].items():
        assert abs(share[wave] - planted) < 0.04, (wave, share[wave], planted)
    region = f.groupby("region")["segment"].apply(lambda s: (s == "fully connected").mean())
    assert region.idxmin() == "North" and region.drop("North").min() - region["North"] > 0.05


# -- the demos' third wave (issue 19's last acceptance item) -------------------------------------------------

#: sha256 over the files (name and bytes, in name order) of a 300-customer engagement, seed 4, as synth wrote
#: them before the ``waves`` option existed (commit e715847): without ``waves`` (or with ``waves=2``) not a
#: byte may change.
TWO_WAVE_BYTES = {
    ("retailer", None): "9bf08fb4f01b8236bc370ae53ff9e18930860f09805e73cc817a77c2ef4b59c1",
    ("brokerage", None): "02c8480240f5facfafe77c1edc080fb71108f7dc8bce8380c53c6770d32ecf0e",
    ("retailer", 0.4): "1a18e0f94ed973015359eaf5b08e20919f36a8a4edab9711c4e76ee83301fd77",
    ("brokerage", 0.4): "d5df69e2450651096a2258968b208bae17221b183b4cb57029e1cb41137d54a8",
}


def _digest(folder) -> str:
    import hashlib

    h = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("kind,response", list(TWO_WAVE_BYTES))
def test_two_waves_are_byte_for_byte_what_they_were(tmp_path, kind, response):
    cx.synth.make_engagement(kind, 300, seed=4, path=tmp_path / "a", response=response)
    cx.synth.make_engagement(kind, 300, seed=4, path=tmp_path / "b", response=response, waves=2)
    assert _digest(tmp_path / "a") == TWO_WAVE_BYTES[kind, response]
    assert _digest(tmp_path / "b") == TWO_WAVE_BYTES[kind, response]


def test_three_waves_same_bytes_via_the_cli_and_the_api(tmp_path):
    subprocess.run([sys.executable, "-m", "cxlib.cli", "synth", "brokerage", str(tmp_path / "a"), "--customers",
                    "300", "--seed", "4", "--response", "0.4", "--waves", "3"], check=True, capture_output=True,
                   timeout=300)
    cx.synth.make_engagement("brokerage", 300, seed=4, path=tmp_path / "b", response=0.4, waves=3)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    bad = subprocess.run([sys.executable, "-m", "cxlib.cli", "synth", "tracker", str(tmp_path / "c"), "--waves",
                          "3"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "waves of a tracker must be 6" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("waves", [1, 4, 3.0, True, "3"])
def test_waves_other_than_two_or_three_are_refused(waves):
    with pytest.raises(ValueError, match="make_engagement: waves of a retailer must be 2 or 3"):
        cx.synth.make_engagement("retailer", 100, seed=0, waves=waves)


@pytest.mark.parametrize("kind", ["retailer", "brokerage"])
def test_three_waves_config_truth_and_follow_up(kind):
    """Three waves and the cuts in engagement.yaml; the planted per-wave targets at population level (the
    retailer's gain continues a little, the brokerage's last two waves are the same floats); every wave,
    the last too, followed up for more than a year (so 12-month attrition is estimable in each)."""
    eng, truth = cx.synth.make_engagement(kind, 1500, seed=0, response=0.5, waves=3)
    waves = ["pre", "post", "later"] if kind == "retailer" else ["2025", "2026", "2027"]
    assert eng.config["waves"] == waves and eng.config["cuts"] == ["region", "age_band"]
    assert eng.config["weighting"]["rake"] == ["region", "age_band", "tenure_band"]
    assert sorted(eng.survey["wave"].unique()) == sorted(waves)
    assert "step" not in truth and "lagging" not in truth  # not a tracker's plants
    w = truth["waves"]
    assert list(w["connected"]) == waves
    planted = {"retailer": ((0.21, 0.26, 0.28), (0.37, 0.33, 0.32), (0.24, 0.30, 0.31)),
               "brokerage": ((0.18, 0.20, 0.20), (0.22, 0.21, 0.21), (0.30, 0.31, 0.31))}[kind]
    for metric, targets in zip(("connected", "attrition", "advocacy"), planted):
        assert [w[metric][x] for x in waves] == pytest.approx(targets, abs=1e-3), metric
    if kind == "brokerage":
        assert all(w[m]["2026"] == w[m]["2027"] for m in w)  # one calibration phase: exactly flat
    else:
        assert w["connected"]["pre"] < w["connected"]["post"] < w["connected"]["later"]
    follow = eng.customers.groupby("wave")["tenure_days"].max()
    assert follow.min() > 400 and follow.idxmin() == waves[-1]  # the latest wave has the least follow-up


def test_the_demo_retailer_shows_its_tracker_and_cuts():
    """The committed demo (make data): raked per-wave connected shares within 3 points (about 2 standard
    errors) of the planted population truth (the respondents' own share is far above it, so this can
    fail); the tracker holds the programme's gain from pre to later; the cuts name the planted age gradient
    (the youngest band lags)."""
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "data" / "demo-retailer"
    eng = cx.load_engagement(folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    assert eng.config["waves"] == ["pre", "post", "later"] and eng.config["cuts"] == ["region", "age_band"]
    track = cx.waves.track(eng)
    t = track.table
    conn = t[(t["metric"] == "connected") & (t["comparison"] == "wave_over_wave")]
    got = dict(zip(conn["from_wave"], conn["before"])) | dict(zip(conn["to_wave"], conn["after"]))
    for wave, planted in truth["waves"]["connected"].items():
        assert abs(got[wave] - planted) < 0.03, (wave, got[wave], planted)
    assert truth["response"]["respondent_connected"] - truth["response"]["population_connected"] > 0.08
    held = track.holds()
    assert ((held["metric"] == "connected") & (held["from_wave"] == "pre") & (held["to_wave"] == "later")).any()
    lag = cx.cuts.compare(eng).lagging()
    assert ((lag["cut"] == "age_band") & (lag["group"] == "18-34")).any()
