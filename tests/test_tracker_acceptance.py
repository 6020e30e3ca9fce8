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

Full form (``--slow``): 20 seeds. Quick form (``make test``): the first two seeds, the same engagements and
assertions (so one missed step, one flagged flat metric, a missed or wrongly named region, or two missed
shifted elements fail it). One test computes all four, so that pytest-xdist never draws a seed twice.

Measured (full form, 20 seeds of 20,000 respondents, 200 resamples; docs/notes-synth-tracker.md): the step
flagged in 20 of 20 seeds (largest Holm-adjusted p 6.1e-14); NPS or the promoter share flagged in 0 of 20
(smallest Holm-adjusted p 0.18); the North named for the region cut in 20 of 20, no other group named in any
seed; the shifted elements claimed with precision 1.00 (60 of 60 claims) and recall 1.00 (60 of 60 planted).
Cost per seed about 15 s of CPU (synthesis 7 s, the tracker 2 s, the cuts 1 s, two driver analyses 5 s): the
quick form about 30 s of CPU, the full form about 5 minutes.
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
QUICK_SEEDS = FULL_SEEDS[:1]  # make test: one seed (15 s of CPU); every seed of the full form found every truth
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


@pytest.mark.slow
def test_issue_19_acceptance_over_seeds(slow):
    """The four rates of issue 19, all from the same engagements (one test, so that pytest-xdist never draws
    and analyses a seed twice in two workers); every rate is printed, and every criterion that fails is named."""
    seeds = _seeds(slow)
    found = [_outcome(s) for s in seeds]
    k = len(seeds)
    failed, said = [], []

    step = sum(o["step_p"] < ALPHA for o in found)
    said.append(f"step flagged in {step} of {k} seeds (largest Holm-adjusted p {max(o['step_p'] for o in found):.2g})")
    if step < 0.9 * k:
        failed.append("step")

    flat = sum(o["flat_min_p"] < ALPHA for o in found)
    said.append(f"flat NPS or promoter share flagged in {flat} of {k} seeds (smallest Holm-adjusted p "
                f"{min(o['flat_min_p'] for o in found):.2g})")
    if flat > 0.1 * k:
        failed.append("flat metric")

    if all("lag_named" in o for o in found):
        named = sum(o["lag_named"] for o in found)
        false = sum(bool(o["lag_false"]) for o in found)
        said.append(f"North named lagging in {named} of {k} seeds; a group without a planted lag named in {false} "
                    f"({sorted({g for o in found for g in o['lag_false']})})")
        if named < 0.9 * k or false > 0.1 * k:
            failed.append("lagging region")
    else:
        said.append("lagging region not checked: cxlib.cuts.compare has not landed")

    tp = sum(len(o["shifted"] & o["planted"]) for o in found)
    fp = sum(len(o["shifted"] - o["planted"]) for o in found)
    fn = sum(len(o["planted"] - o["shifted"]) for o in found)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)
    said.append(f"shifted elements: precision {precision:.2f} ({tp} of {tp + fp} claimed), recall {recall:.2f} "
                f"({tp} of {tp + fn} planted)")
    if precision < 0.8 or recall < 0.8:
        failed.append("shifted elements")

    print("\n[tracker acceptance] " + "; ".join(said))
    assert not failed, f"not recovered: {', '.join(failed)} ({'; '.join(said)})"
