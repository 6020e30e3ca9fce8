"""Benchmark (issue 18): the executive summary's value-at-stake computations — every scenario and action it
prices (`cxlib.simulate`: observed rises, connect-share scenarios from either segment, element scenarios, the
waves' check), with the summary's 500 resamples — in CPU seconds with single-threaded BLAS (as the notebook
kernel runs).

Engagements: `cx synth retailer --seed 1` at 6,000 and 50,000 customers (every customer surveyed, the default:
about 95% of customers are respondents with a segment, the heaviest case), built once and kept under the
temporary directory with the four analyses' figures (`summary.gather`, not timed; recomputed when cxlib's
source changes). Timed: `summary.build(eng, results=figures)` — all of the summary minus the precomputed
figures — from a cold cache (`simulate.clear_cache()`), with the time inside each `simulate` function beside it.

Target (full form): at most 20 s of CPU at 50,000 customers; exit 1 otherwise. Checked in both forms: the
summary's scenarios equal the same `simulate` calls made afresh (kept results change no number), and one
connect-share scenario's every draw equals the resample-by-resample algorithm it replaced (to 1e-9).

Run: make bench (full) or python bench/bench_summary.py --quick (one small engagement, 100 resamples; runs in
tests/test_bench.py and asserts the outputs, not the speed).
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # the notebook kernel's setting; must precede numpy's import

import functools  # noqa: E402
import hashlib  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import cxlib as cx  # noqa: E402
from cxlib import simulate, stats, survival, synth  # noqa: E402
from cxlib.pages import summary  # noqa: E402
from cxlib.segments import SEGMENTS  # noqa: E402

TARGET_SECONDS = 20.0
TIMED = ("observed_rises", "connect_share", "improve_element", "wave_check")


def _source_key() -> str:
    """cxlib's source, hashed: kept figures are recomputed when the analyses may have changed."""
    h = hashlib.sha256()
    for p in sorted(Path(cx.__file__).parent.rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _engagement(root: Path, n_customers: int) -> tuple[object, dict]:
    path = root / f"retailer-{n_customers}-seed1"
    if not (path / "engagement.yaml").is_file():
        synth.make_engagement("retailer", n_customers=n_customers, seed=1, path=path)
    eng = cx.load_engagement(path)
    kept = path / f"figures-{_source_key()}.pkl"
    if kept.is_file():
        figures = pickle.loads(kept.read_bytes())
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            figures = summary.gather(eng)
        kept.write_bytes(pickle.dumps(figures))
    eng.frame()  # loading the data is not value at stake
    eng.customer_base()
    return eng, figures


def _timers() -> tuple[dict[str, list[float]], dict[str, list[tuple[dict, object]]]]:
    """Wrap the summary's simulate calls: CPU seconds per call, and each call's arguments and result."""
    spent: dict[str, list[float]] = {name: [] for name in TIMED}
    calls: dict[str, list[tuple[dict, object]]] = {name: [] for name in TIMED}
    for name in TIMED:
        fn = getattr(simulate, f"_bench_{name}", None) or getattr(simulate, name)
        setattr(simulate, f"_bench_{name}", fn)

        def timed(*args, _fn=fn, _name=name, **kwargs):
            t = time.process_time()
            out = _fn(*args, **kwargs)
            spent[_name].append(time.process_time() - t)
            calls[_name].append(((args, kwargs), out))
            return out

        setattr(simulate, name, functools.wraps(fn)(timed))
    return spent, calls


def _untimed() -> None:
    for name in TIMED:
        setattr(simulate, name, getattr(simulate, f"_bench_{name}"))


def _reference_connect(d: pd.DataFrame, *, share: float, from_segment: str, outcomes: simulate.Outcomes,
                       weight: str | None, n_boot: int, seed: int) -> np.ndarray:
    """connect_share's value and attrition draws as computed before issue 18: one resample at a time."""
    d = d.dropna(subset=["segment"]).reset_index(drop=True)
    seg = pd.Categorical(d["segment"], categories=SEGMENTS).codes
    w = d[weight].to_numpy(float) if weight else np.ones(len(d))
    v = d[outcomes.value].to_numpy(float)
    t, e = d[outcomes.duration].to_numpy(float), d[outcomes.event].to_numpy(float)
    src = SEGMENTS.index(from_segment)
    out = []
    for chunk in stats.bootstrap_indices(len(d), n_boot, np.random.default_rng(seed)):
        for idx in chunk:
            s, ww = seg[idx], w[idx]
            ws = np.bincount(s, weights=ww, minlength=3)
            value = np.bincount(s, weights=ww * v[idx], minlength=3) / np.where(ws > 0, ws, np.nan)
            att = np.array([1 - survival.km_at(t[idx][s == j], e[idx][s == j], outcomes.horizon, weights=ww[s == j])[0]
                            for j in range(3)])
            moved = ww * np.where(s == src, share, 0.0)
            out.append([np.nansum(moved * (value[0] - value[s])) / ww.sum(),
                        np.nansum(moved * (att[0] - att[s])) / ww.sum()])
    return np.array(out)


def _one(root: Path, n_customers: int, n_boot: int) -> tuple[float, dict[str, list[float]], list[str]]:
    """Time the summary's value-at-stake computations on one engagement; check what they gave."""
    eng, figures = _engagement(root, n_customers)
    respondents = int(eng.frame()["segment"].notna().sum())
    simulate.clear_cache()
    spent, calls = _timers()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.process_time()
            page = summary.build(eng, results=figures, n_boot=n_boot)
            total = time.process_time() - t
    finally:
        _untimed()
    problems = []
    inside = sum(map(sum, spent.values()))
    print(f"{n_customers:,} customers ({respondents:,} respondents with a segment), {n_boot:,} resamples: summary "
          f"value at stake {total:.1f} s CPU (target <= {TARGET_SECONDS:.0f} s at 50,000), of which simulate "
          f"{inside:.1f} s:")
    for name in TIMED:
        v = spent[name]
        if v:
            print(f"    {name:16s} {len(v):2d} call(s)  first {v[0]:6.2f} s  mean {np.mean(v):6.2f} s  total {sum(v):6.2f} s")
    # Kept results change no number: every scenario made afresh, with an empty cache, gives the same table.
    simulate.clear_cache()
    for name in ("connect_share", "improve_element"):
        for (args, kwargs), res in calls[name]:
            again = getattr(simulate, name)(*args, **kwargs)
            a, b = res.table.select_dtypes("number").to_numpy(), again.table.select_dtypes("number").to_numpy()
            if not np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True):
                problems.append(f"{name} {res.name!r}: the summary's result differs from a fresh call")
    # The vectorised bootstrap against the resample-by-resample algorithm, on the first connect-share scenario.
    if calls["connect_share"]:
        (args, kwargs), res = calls["connect_share"][0]
        o = kwargs["outcomes"]
        if o.value and o.duration:
            ref = _reference_connect(args[0], share=kwargs["share"], from_segment=kwargs.get("from_segment", SEGMENTS[1]),
                                     outcomes=o, weight=kwargs.get("weight"), n_boot=n_boot, seed=kwargs.get("seed", 0))
            got = np.column_stack([res.draws["value_per_customer"], res.draws["attrition"]])
            diff = float(np.nanmax(np.abs(got - ref) / np.maximum(1.0, np.abs(ref))))
            print(f"    {res.name}: draws against the resample-by-resample algorithm, max relative difference {diff:.1e}")
            if not diff <= 1e-9:
                problems.append(f"connect_share draws differ from the reference by {diff:.1e}")
    if not page.scenarios:
        problems.append(f"{n_customers:,} customers: the summary priced no scenario")
    return total, spent, problems


def main(quick: bool = False) -> None:
    """Run the benchmark; raise AssertionError when an output disagrees with its reference or (full run
    only) the 50,000-customer summary takes more than the target."""
    root = Path(tempfile.gettempdir()) / "cxlib-bench-summary"
    root.mkdir(exist_ok=True)
    failures: list[str] = []
    sizes = (800,) if quick else (6_000, 50_000)
    for n in sizes:
        total, _, problems = _one(root, n, 100 if quick else 500)
        failures += problems
        if not quick and n == 50_000 and total > TARGET_SECONDS:
            failures.append(f"50,000 customers: {total:.1f} s CPU, above {TARGET_SECONDS:.0f} s")
    print("FAIL: " + "; ".join(failures) if failures else "PASS")
    assert not failures, "; ".join(failures)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
