"""cxlib.advocacy: NPS interval vs the analytic formula and a bootstrap; wave comparisons vs statsmodels."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from cxlib import advocacy


def test_nps_interval_matches_the_formula_and_a_bootstrap():
    rng = np.random.default_rng(0)
    scores = rng.choice(np.arange(11), size=1500, p=np.r_[np.full(7, 0.04), 0.1, 0.14, 0.2, 0.28])
    got = advocacy.nps(scores)
    # The formula, plainly: NPS = P - D; Var = (P + D - (P - D)^2) / n; 95% normal interval.
    P, D, n = np.mean(scores >= 9), np.mean(scores <= 6), len(scores)
    se = np.sqrt((P + D - (P - D) ** 2) / n)
    assert got.nps == pytest.approx(100 * (P - D))
    assert (got.ci_low, got.ci_high) == pytest.approx((100 * (P - D - 1.959963985 * se), 100 * (P - D + 1.959963985 * se)))
    idx = rng.integers(0, n, size=(10_000, n))
    boot = 100 * ((scores[idx] >= 9).mean(1) - (scores[idx] <= 6).mean(1))
    lo, hi = np.quantile(boot, [0.025, 0.975])
    assert got.ci_low == pytest.approx(lo, abs=0.5) and got.ci_high == pytest.approx(hi, abs=0.5)


def test_nps_is_bounded_and_weighted():
    assert advocacy.nps([10, 10, 10]).ci_high <= 100
    w = advocacy.nps([10, 0], weights=[3, 1])
    assert w.nps == pytest.approx(50.0) and w.n_effective == pytest.approx(1.6)


class _Eng:
    """The slice of an Engagement compare_waves uses."""

    slug = "fake"

    def __init__(self, frame, config):
        self._frame, self.config = frame, config

    def frame(self):
        return self._frame


def _waves_frame(rng, n=3000):
    wave = np.repeat(["pre", "post"], n)
    fc = np.r_[rng.random(n) < 0.21, rng.random(n) < 0.26]
    seg = pd.Categorical(np.where(fc, "fully connected", "other"), categories=advocacy.SEGMENTS, ordered=True)
    ltr = np.r_[rng.choice(11, n), rng.choice(11, n)]
    churn_p = np.r_[np.full(n, 0.37), np.full(n, 0.33)]
    churned = (rng.random(2 * n) < churn_p).astype(int)
    return pd.DataFrame({"wave": wave, "segment": seg, "ltr": ltr, "churned": churned,
                         "tenure_days": np.where(churned == 1, rng.integers(1, 365, 2 * n), 400),
                         "spend": rng.gamma(2, 100, 2 * n)})


CONFIG = {"wave": "wave", "waves": ["pre", "post"], "advocacy": {"column": "ltr"}, "value": ["spend"],
          "attrition": {"duration": "tenure_days", "event": "churned", "horizon": 365}}


def test_compare_waves_proportions_match_statsmodels():
    f = _waves_frame(np.random.default_rng(1))
    got = advocacy.compare_waves(_Eng(f, CONFIG)).set_index("metric")
    pre, post = f[f.wave == "pre"], f[f.wave == "post"]
    for metric, x1, x2 in [("connected", pre.segment == "fully connected", post.segment == "fully connected"),
                           ("advocacy", pre.ltr >= 9, post.ltr >= 9)]:
        lo, hi = confint_proportions_2indep(x2.sum(), len(x2), x1.sum(), len(x1), method="newcomb", compare="diff")
        _, p = proportions_ztest([x2.sum(), x1.sum()], [len(x2), len(x1)])
        row = got.loc[metric]
        assert row["change"] == pytest.approx(x2.mean() - x1.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), abs=1e-10)
        assert row["p_value"] == pytest.approx(p, rel=1e-8)
        h = 2 * np.arcsin(np.sqrt(x2.mean())) - 2 * np.arcsin(np.sqrt(x1.mean()))
        assert row["cohens_h"] == pytest.approx(h)
    # No censoring before the horizon: KM attrition is the plain share churned.
    assert got.loc["attrition", "before"] == pytest.approx(pre.churned.mean())
    assert list(got.index) == list(advocacy.METRICS)
    assert (got["p_adjusted"] >= got["p_value"] - 1e-15).all()


def test_compare_waves_names_a_missing_wave():
    f = _waves_frame(np.random.default_rng(2))
    with pytest.raises(ValueError, match="'later' has no respondents"):
        advocacy.compare_waves(_Eng(f, CONFIG), waves=["pre", "later"])


def test_standardised_change_equals_a_hand_computed_direct_standardisation():
    f = _waves_frame(np.random.default_rng(3))
    got = advocacy.compare_waves(_Eng(f, CONFIG), metrics=["advocacy", "value"], standardise=True).set_index("metric")
    seg = f.dropna(subset=["segment"])
    mix = seg["segment"].value_counts(normalize=True)
    pre, post = seg[seg.wave == "pre"], seg[seg.wave == "post"]
    for metric, fn in [("advocacy", lambda d: (d.ltr >= 9).mean()), ("value", lambda d: d.spend.mean())]:
        expected = sum(mix[s] * (fn(post[post.segment == s]) - fn(pre[pre.segment == s])) for s in mix.index if mix[s] > 0)
        assert got.loc[metric, "change"] == pytest.approx(expected, rel=1e-10)
    # Its variance: Σ π² (p(1-p)/n) over segments and waves, written out.
    var = sum(mix[s] ** 2 * sum(p * (1 - p) / len(d) for d in (pre[pre.segment == s], post[post.segment == s])
                                for p in [(d.ltr >= 9).mean()]) for s in mix.index if mix[s] > 0)
    half = (got.loc["advocacy", "ci_high"] - got.loc["advocacy", "ci_low"]) / 2
    assert half == pytest.approx(1.959963985 * np.sqrt(var), rel=1e-8)


def test_standardisation_removes_a_pure_mix_shift():
    """Advocacy differs by segment but not by wave: raw change is the mix shift, standardised change ~0."""
    rng = np.random.default_rng(4)
    n = 20_000
    wave = np.repeat(["pre", "post"], n)
    fc = np.r_[rng.random(n) < 0.2, rng.random(n) < 0.4]
    seg = pd.Categorical(np.where(fc, "fully connected", "other"), categories=advocacy.SEGMENTS, ordered=True)
    ltr = np.where(fc, np.where(rng.random(2 * n) < 0.6, 10, 7), np.where(rng.random(2 * n) < 0.2, 10, 7))
    f = pd.DataFrame({"wave": wave, "segment": seg, "ltr": ltr})
    raw = advocacy.compare_waves(_Eng(f, CONFIG), metrics=["advocacy"]).iloc[0]
    std = advocacy.compare_waves(_Eng(f, CONFIG), metrics=["advocacy"], standardise=True).iloc[0]
    assert raw["change"] == pytest.approx(0.2 * (0.6 - 0.2), abs=0.02)
    assert std["ci_low"] <= 0 <= std["ci_high"] and abs(std["change"]) < 0.01


def test_fast_km_attrition_equals_lifelines():
    from lifelines import KaplanMeierFitter
    from lifelines.datasets import load_rossi

    r = load_rossi()
    w = np.random.default_rng(5).uniform(0.5, 2, len(r))
    for weights in (None, w):
        kmf = KaplanMeierFitter().fit(r.week, r.arrest, weights=weights)
        expected = 1 - float(kmf.survival_function_at_times(30).iloc[0])
        got = advocacy._km_attrition_fast(r.week.to_numpy(float), r.arrest.to_numpy(float),
                                          np.ones(len(r)) if weights is None else w, 30)
        assert got == pytest.approx(expected, rel=1e-12)


def test_mix_impact_equals_the_formula_by_hand():
    rng = np.random.default_rng(6)
    n = 600
    f = pd.DataFrame({"wave": np.repeat(["pre", "post"], n),
                      "segment": pd.Categorical(np.r_[rng.choice(advocacy.SEGMENTS, n, p=[.2, .3, .5]),
                                                      rng.choice(advocacy.SEGMENTS, n, p=[.3, .3, .4])],
                                                categories=advocacy.SEGMENTS),
                      "spend": rng.gamma(2, 100, 2 * n), "days": 400.0,
                      "left": (rng.random(2 * n) < 0.3).astype(int)})
    f.loc[f.left == 1, "days"] = rng.integers(1, 365, int(f.left.sum()))
    got = advocacy.mix_impact(f, wave="wave", waves=["pre", "post"], value="spend", duration="days", event="left",
                              horizon=365, customers=10_000, n_boot=300, seed=1).set_index("quantity")
    pre, post = f[f.wave == "pre"], f[f.wave == "post"]
    shift = post.segment.value_counts(normalize=True) - pre.segment.value_counts(normalize=True)
    value = pre.groupby("segment", observed=True).spend.mean()
    retention = 1 - pre.groupby("segment", observed=True).left.mean()  # nobody censored before 365 days
    assert got.loc["value_per_customer", "estimate"] == pytest.approx((shift * value).sum(), rel=1e-10)
    assert got.loc["value_total", "estimate"] == pytest.approx(10_000 * (shift * value).sum(), rel=1e-10)
    assert got.loc["active_customers", "estimate"] == pytest.approx(10_000 * (shift * retention).sum(), rel=1e-10)
    for q in got.index:
        assert got.loc[q, "ci_low"] <= got.loc[q, "estimate"] <= got.loc[q, "ci_high"]


def test_planted_shifts_on_the_demo_retailer_are_inside_the_intervals():
    """The demo retailer (synth, seed in the Makefile) was planted with 21→26% connected, 37→33% attrition,
    24→30% promoters (population values; DESIGN's example programme)."""
    import cxlib as cx

    got = advocacy.compare_waves(cx.load_engagement("data/demo-retailer")).set_index("metric")
    for metric, planted in {"connected": 0.26 - 0.21, "attrition": 0.33 - 0.37, "advocacy": 0.30 - 0.24}.items():
        row = got.loc[metric]
        print(f"{metric}: planted {planted:+.3f}, estimate {row['change']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]")
        assert row["ci_low"] <= planted <= row["ci_high"], metric


@pytest.mark.slow
def test_wave_change_intervals_cover_the_planted_shifts(slow):
    """Across synthetic retailers (population truth from synth), the 95% intervals of the three planted
    changes cover the truth in about 95% of samples (slow: 40 seeds, >= 85% each; quick: 6 seeds, >= 4)."""
    import warnings

    import cxlib as cx

    seeds = range(40) if slow else range(6)
    hits = {"connected": 0, "attrition": 0, "advocacy": 0}
    for seed in seeds:
        eng, truth = cx.synth.make_engagement("retailer", 3000, seed=500 + seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = advocacy.compare_waves(eng, metrics=list(hits)).set_index("metric")
        for m in hits:
            t = truth["waves"][m]["post"] - truth["waves"][m]["pre"]
            hits[m] += got.loc[m, "ci_low"] <= t <= got.loc[m, "ci_high"]
    print(f"\ncoverage over {len(seeds)} seeds: " + ", ".join(f"{m} {h}/{len(seeds)}" for m, h in hits.items()))
    for m, h in hits.items():
        assert h >= (0.85 * len(seeds) if slow else 4), m


def test_verbatims_are_reproducible_scrubbed_and_suppressed_in_small_groups():
    rng = np.random.default_rng(7)
    texts = [f"Comment number {i} about queues and staff" for i in range(60)]
    texts[3] = "<script>alert(1)</script> call 07700 900123 or jo@example.com"
    f = pd.DataFrame({"segment": pd.Categorical(["fully connected"] * 50 + ["other"] * 10, categories=advocacy.SEGMENTS),
                      "comment": texts})
    a = advocacy.verbatims(f, text="comment", per_group=50, seed=1, min_cell=30)
    b = advocacy.verbatims(f, text="comment", per_group=50, seed=1, min_cell=30)
    pd.testing.assert_frame_equal(a, b)
    quotes = " ".join(a["quote"])
    assert "jo@example.com" not in quotes and "07700" not in quotes and "[email]" in quotes
    small = a[a.group == "other"]
    assert small["suppressed"].all() and (small["quote"] == "").all()
    assert a[a.group == "highly satisfied"]["suppressed"].all()
    c = advocacy.verbatims(f, text="comment", per_group=3, seed=2, min_cell=30)
    assert len(c[c.group == "fully connected"]) == 3


def test_word_frequency_counts_each_comment_once_and_never_contact_details():
    f = pd.DataFrame({"segment": ["a"] * 4, "comment": ["Long queues, long long queues", "queues again",
                                                          "mail me jo@example.com", "Prices keep going up"]})
    got = advocacy.word_frequency(f, text="comment", min_cell=1, top=50).set_index("term")
    assert got.loc["queues", "comments"] == 2 and got.loc["long", "comments"] == 1
    assert got.loc["long queues", "comments"] == 1
    assert not any("example" in t or "jo" == t for t in got.index)
    assert got.loc["queues", "share"] == pytest.approx(0.5)


HOSTILE = ("<script>alert(1)</script> <img src=x onerror=alert(1)> Great shop! Write to jo.bloggs@example.com "
           "or ring +44 20 7946 0958")


def test_hostile_verbatim_is_escaped_and_scrubbed_in_the_rendered_report(tmp_path):
    """Acceptance (#7): markup and contact details in a survey comment never reach the HTML report as such."""
    from pathlib import Path

    import papermill as pm
    from bs4 import BeautifulSoup

    import cxlib as cx
    from cxlib import batch, render

    folder = tmp_path / "hostile"
    cx.synth.make_engagement("retailer", n_customers=600, seed=9, path=folder)
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    survey["comment"] = HOSTILE  # every comment, so whichever are quoted, it is this one
    survey.to_csv(folder / "survey.csv", index=False)
    nb = batch.NOTEBOOKS_DIR / "04_advocacy_programme.ipynb"
    executed = tmp_path / "04.ipynb"
    pm.execute_notebook(str(nb), str(executed), parameters={"engagement": str(folder), "n_boot": 50},
                        kernel_name=batch._kernel_name(), progress_bar=False, cwd=str(nb.parent))
    html_path = tmp_path / "04.html"
    render.write_notebook_html(executed, html_path, provenance="test")
    page = html_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert not [s for s in soup.find_all("script") if "alert" in (s.string or "")]
    assert not soup.find_all("img", src="x") and not soup.find_all(attrs={"onerror": True})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    for leak in ("jo.bloggs@example.com", "example.com", "7946", "0958"):
        assert leak not in page, leak
    assert "[email]" in page and "[phone]" in page
