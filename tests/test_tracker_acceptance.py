"""Issue 19's acceptance on the synthetic tracker (``synth.make_engagement("tracker", ...)``), over seeds.

Each seed draws one tracker engagement (N_CUSTOMERS respondents over six waves) and runs the analyses that a
tracker report runs on it; the four planted truths must be recovered at the rates issue 19 sets:

- the step: ``waves.track``'s wave-3 -> wave-4 change of the connected share holds (Holm-adjusted p < 0.05
  over the tracker's whole family) in at least 90% of seeds;
- the flat metric: some change of NPS or of the promoter share (any comparison) holds in at most 10% of seeds;
- the lagging region: ``cuts.compare(eng).lagging()`` names the North for the region cut in at least 90% of
  seeds (skipped until ``cxlib.cuts`` exists), and names a group of no planted lag in at most 10%;
- the shifted elements: ``waves.driver_stability`` of each shift wave's ``drivers.importance`` claims the
  planted shifted elements with precision and recall at least 0.8, pooled over the seeds.

Full form (``--slow``): 20 seeds. Quick form (``make test``): the first two seeds; the same assertions, so a
seed that misses fails it.

Measured (full form, 20 seeds; see docs/notes-synth-tracker.md): MEASURED
"""
from __future__ import annotations

import warnings
from functools import lru_cache

import pytest

import cxlib as cx

#: Respondents per engagement (six waves: about 3,130 analysed per wave after consent and skipped blocks).
N_CUSTOMERS = 20_000
#: Bootstrap resamples of each wave's driver analysis.
N_BOOT = 200
FULL_SEEDS = tuple(range(20))
QUICK_SEEDS = FULL_SEEDS[:2]
ALPHA = 0.05


def _seeds(slow: bool) -> tuple[int, ...]:
    return FULL_SEEDS if slow else QUICK_SEEDS


def _has_cuts() -> bool:
    try:
        from cxlib import cuts  # noqa: F401
    except ImportError:
        return False
    return hasattr(cuts, "compare")


@lru_cache(maxsize=None)
def _outcome(seed: int) -> dict:
    """What the analyses found on seed ``seed``'s tracker (small: the engagement is not kept)."""
    eng, truth = cx.synth.make_engagement("tracker", N_CUSTOMERS, seed=1900 + seed)
    step = truth["step"]
    t = cx.waves.track(eng).table
    row = t[(t["metric"] == step["metric"]) & (t["comparison"] == "wave_over_wave")
            & (t["from_wave"] == step["from_wave"]) & (t["to_wave"] == step["to_wave"])]
    assert len(row) == 1
    flat = t[t["metric"].isin(truth["flat_metrics"])]
    assert len(flat) == 2 * 6  # five consecutive changes and first to last, for NPS and the promoter share
    out = {"step_p": float(row["p_adjusted"].iloc[0]), "flat_min_p": float(flat["p_adjusted"].min())}

    if _has_cuts():
        from cxlib import cuts

        lag = cuts.compare(eng).lagging(alpha=ALPHA)
        cut, group = truth["lagging"]["cut"], truth["lagging"]["group"]
        named = {(str(r.cut), str(r.group)) for r in lag.itertuples()}
        out["lag_named"] = (cut, group) in named
        out["lag_false"] = sorted(named - {(cut, group)})

    f = eng.frame()
    before, after = truth["shift_waves"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a resample's near-singular ratings: the estimates say so themselves
        imps = {w: cx.drivers.importance(f[f[eng.config["wave"]] == w], eng.codebook, n_boot=N_BOOT, seed=seed)
                for w in (before, after)}
    out["shifted"] = set(cx.waves.driver_stability(imps).shifted())
    out["planted"] = set(truth["shifted_elements"])
    return out


def _report(name: str, text: str) -> None:
    print(f"\n[tracker acceptance] {name}: {text}")


@pytest.mark.slow
def test_the_planted_step_is_flagged(slow):
    seeds = _seeds(slow)
    p = [_outcome(s)["step_p"] for s in seeds]
    flagged = sum(x < ALPHA for x in p)
    _report("step", f"flagged in {flagged} of {len(seeds)} seeds (largest Holm-adjusted p {max(p):.2g})")
    assert flagged >= 0.9 * len(seeds)


@pytest.mark.slow
def test_the_flat_metric_is_rarely_flagged(slow):
    seeds = _seeds(slow)
    p = [_outcome(s)["flat_min_p"] for s in seeds]
    flagged = sum(x < ALPHA for x in p)
    _report("flat", f"NPS or promoters flagged in {flagged} of {len(seeds)} seeds (smallest adjusted p {min(p):.2g})")
    assert flagged <= 0.1 * len(seeds)


@pytest.mark.slow
@pytest.mark.skipif(not _has_cuts(), reason="cxlib.cuts (cuts.compare(...).lagging()) has not landed yet")
def test_the_lagging_region_is_named(slow):
    seeds = _seeds(slow)
    found = [_outcome(s) for s in seeds]
    named = sum(o["lag_named"] for o in found)
    false = sum(bool(o["lag_false"]) for o in found)
    _report("lagging", f"North named in {named} of {len(seeds)} seeds; a group without a planted lag named in "
                       f"{false} ({sorted({g for o in found for g in o['lag_false']})})")
    assert named >= 0.9 * len(seeds)
    assert false <= 0.1 * len(seeds)


@pytest.mark.slow
def test_the_shifted_elements_are_detected(slow):
    seeds = _seeds(slow)
    tp = fp = fn = 0
    for s in seeds:
        o = _outcome(s)
        tp += len(o["shifted"] & o["planted"])
        fp += len(o["shifted"] - o["planted"])
        fn += len(o["planted"] - o["shifted"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)
    _report("shifted", f"precision {precision:.2f} ({tp} of {tp + fp} claimed), recall {recall:.2f} "
                       f"({tp} of {tp + fn} planted) over {len(seeds)} seeds")
    assert precision >= 0.8 and recall >= 0.8
