"""cxlib.contacts: recency-weighted contact experience, follow-up split at contacts (time-varying Cox), and the
half-life comparison, against planted effects and brute-force references."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cxlib import contacts, survival
from cxlib.errors import ArgumentError


def test_recency_score_weights_recent_contacts_more():
    rows = pd.DataFrame({"id": ["a", "a", "b", "b"],
                             "timestamp": ["2025-01-01", "2025-12-01", "2025-01-01", "2025-12-01"],
                             "rating": [2, -2, -2, 2]})
    got = contacts.recency_score(rows, id_column="id", as_of=pd.Timestamp("2025-12-31"), half_life_days=90)
    assert got.loc["a", "experience"] < 0 < got.loc["b", "experience"]  # the recent contact dominates
    w_old, w_new = 0.5 ** (364 / 90), 0.5 ** (30 / 90)
    assert got.loc["a", "experience"] == pytest.approx((2 * w_old - 2 * w_new) / (w_old + w_new))



@pytest.mark.slow
def test_planted_hazard_ratio_covered_and_recency_sign_recovered(slow):
    """Planted HR (fully connected vs highly satisfied) inside the 95% CI in >= 90% of 50 seeds (quick: 5 seeds,
    at least 4); recent experiences weigh more: a recency-weighted experience score (planted half-life 90 days)
    fits better than the plain average of all ratings, and better experience lowers the hazard."""
    import cxlib as cx

    seeds = range(50) if slow else range(5)
    covered, recency = [], []
    for seed in seeds:
        eng, truth = cx.synth.make_engagement("retailer", 4000, seed=2000 + seed)
        f = eng.frame().dropna(subset=["segment"])
        f = f.join(contacts.contact_experience(eng.contact_frame(), f, id_column="customer_id", wave="wave"))
        res = survival.cox(f, duration="tenure_days", event="churned",
                           covariates=["segment", "region", "age_band", "experience"],
                           reference={"segment": "highly satisfied"})
        hr = res.hazard_ratio("segment", "fully connected")
        covered.append(hr.ci_low <= truth["hazard_ratio"] <= hr.ci_high)
        # Recency: the planted half-life fits better than no decay at all (an unweighted mean of ratings).
        h = contacts.compare_half_lives(eng.frame().dropna(subset=["segment"]), eng.contact_frame(),
                                        duration="tenure_days", event="churned", id_column="customer_id",
                                        wave="wave", half_lives=[90, None]).table.set_index("label")
        recency.append(h.loc["90 days", "log_likelihood"] > h.loc["no decay (plain average)", "log_likelihood"]
                       and h.loc["90 days", "hazard_ratio"] < 1)
    print(f"\nhazard ratio covered in {sum(covered)} of {len(covered)} seeds; recency sign right in {sum(recency)}")
    assert np.mean(covered) >= (0.9 if slow else 0.8)
    assert np.mean(recency) >= 0.9



def _simulate_time_varying(n: int, seed: int, *, beta: float = -0.5, half_life: float = 60.0):
    """Customers whose contacts continue after follow-up starts; the hazard on each day follows the
    recency-weighted mean rating of all contacts so far (written as a plain loop, independent of cxlib)."""
    rng = np.random.default_rng(seed)
    origin = pd.Timestamp("2025-01-01")
    rows, customers = [], []
    lam0, follow = 0.002, 540
    for i in range(n):
        days = np.sort(rng.integers(-365, follow, rng.poisson(12)))
        taste = rng.normal(0, 0.8)  # some customers have better experiences throughout
        ratings = np.clip(np.round(taste + rng.normal(0, 1.2, len(days))), -2, 2)
        score, t_event = 0.0, None
        for day in range(1, follow + 1):
            past = days < day  # contacts up to the previous day shape today's hazard
            if past.any():
                w = 0.5 ** ((day - days[past]) / half_life)
                score = float((w * ratings[past]).sum() / w.sum())
            if rng.random() < 1 - np.exp(-lam0 * np.exp(beta * score)):
                t_event = day
                break
        customers.append({"id": f"c{i}", "days": t_event or follow, "left": int(t_event is not None),
                          "group": "a" if i % 2 else "b"})
        rows += [{"id": f"c{i}", "timestamp": origin + pd.Timedelta(days=int(d) - 1), "rating": r}
                 for d, r in zip(days, ratings)]
    return pd.DataFrame(rows), pd.DataFrame(customers), origin


def test_experience_episodes_split_follow_up_at_contacts_and_keep_totals():
    contact_rows, customers, origin = _simulate_time_varying(60, seed=1)
    ep = contacts.experience_episodes(contact_rows, customers, id_column="id", duration="days", event="left",
                                      origin=origin)
    per = ep.groupby("id").agg(time=("stop", lambda s: 0), first=("start", "min"), last=("stop", "max"),
                               events=("left", "sum"), length=("stop", "size"))
    span = ep.assign(len=ep["stop"] - ep["start"]).groupby("id")["len"].sum()
    c = customers.set_index("id")
    assert (per["first"] == 0).all()
    np.testing.assert_array_equal(per["last"], c.loc[per.index, "days"])
    np.testing.assert_array_equal(span, c.loc[span.index, "days"])          # no gaps, no overlaps
    np.testing.assert_array_equal(per["events"], c.loc[per.index, "left"])  # the event only once, at the end
    assert ep["group"].notna().all()


@pytest.mark.slow
def test_time_varying_experience_recovers_the_planted_effect_and_recency(slow):
    """Planted: hazard × exp(−0.5 × current recency-weighted rating), half-life 60 days, contacts continuing
    during follow-up. The time-varying model's 95% CI covers −0.5; the planted half-life fits better than no
    decay, and better than the score frozen at the start of follow-up (a recent bad contact matters more)."""
    n = 3000 if slow else 1200
    contact_rows, customers, origin = _simulate_time_varying(n, seed=7)
    fits = {}
    for half_life in (60, 1e6):
        ep = contacts.experience_episodes(contact_rows, customers, id_column="id", duration="days", event="left",
                                          origin=origin, half_life_days=half_life)
        fits[half_life] = survival.cox_time_varying(ep, start="start", stop="stop", event="left", id_column="id",
                                                    covariates=["experience"])
    frozen = customers.join(contacts.experience_episodes(contact_rows, customers, id_column="id", duration="days",
                                                         event="left", origin=origin, half_life_days=60)
                            .query("start == 0").set_index("id")[["experience"]], on="id")
    baseline_only = survival.cox(frozen, duration="days", event="left", covariates=["experience"])
    e = fits[60].table.set_index("covariate").loc["experience"]
    print(f"\nplanted -0.5: estimate {e['coef']:.3f} (95% CI {np.log(e['ci_low']):.3f} to {np.log(e['ci_high']):.3f}); "
          f"log-lik half-life 60 {fits[60].log_likelihood:.1f}, no decay {fits[1e6].log_likelihood:.1f}, "
          f"frozen at start {baseline_only.log_likelihood:.1f}")
    assert np.log(e["ci_low"]) <= -0.5 <= np.log(e["ci_high"])
    assert fits[60].log_likelihood > fits[1e6].log_likelihood
    assert fits[60].log_likelihood > baseline_only.log_likelihood
    assert fits[60].n == n and fits[60].rows > n


def _tiny():
    rows = pd.DataFrame({"id": ["a", "a", "b", "b"], "timestamp": ["2025-01-01", "2025-12-01", "2025-01-01", "2025-12-01"],
                         "rating": [2, -2, -2, 2]})
    frame = pd.DataFrame({"id": ["a", "b", "c"], "wave": ["w1", "w1", "w1"]})
    return rows, frame


def test_contact_experience_without_decay_is_the_plain_mean():
    rows, frame = _tiny()
    got = contacts.contact_experience(rows, frame, id_column="id", half_life_days=None)
    assert got.loc[0, "experience"] == pytest.approx(0.0) and got.loc[1, "experience"] == pytest.approx(0.0)
    assert got["has_contacts"].tolist() == [True, True, False]


def test_raw_ids_against_pseudonyms_are_refused_with_the_argument_named():
    rows, frame = _tiny()
    with pytest.raises(ArgumentError, match="contact_frame") as err:
        contacts.contact_experience(rows.assign(id="zz"), frame, id_column="id")
    assert err.value.argument == "contacts"
    with pytest.raises(ArgumentError) as err:
        contacts.contact_experience(rows, frame, id_column="customer")
    assert err.value.argument == "id_column"
    with pytest.raises(ArgumentError) as err:
        contacts.contact_experience(rows.rename(columns={"rating": "score"}), frame, id_column="id")
    assert err.value.argument == "contacts"
    with pytest.raises(ArgumentError) as err:
        contacts.recency_score(rows, id_column="id", as_of=pd.Timestamp("2025-12-31"), half_life_days=-5)
    assert err.value.argument == "half_life_days"


def _half_life_data(seed=4, n=1500):
    import cxlib as cx

    eng, truth = cx.synth.make_engagement("retailer", n, seed=seed)
    return eng, truth, eng.frame().dropna(subset=["segment"])


def test_compare_half_lives_refits_the_model_at_each_half_life_and_picks_the_best_fit():
    eng, truth, f = _half_life_data()
    c = eng.contact_frame()
    h = contacts.compare_half_lives(f, c, duration="tenure_days", event="churned", id_column="customer_id",
                                    wave="wave", half_lives=[30, 90, None])
    t = h.table
    assert t.columns.tolist() == ["half_life", "label", "hazard_ratio", "ci_low", "ci_high", "log_likelihood", "n"]
    assert t["label"].tolist() == ["30 days", "90 days", "no decay (plain average)"]
    assert math.isinf(t["half_life"].iloc[-1])
    # each row is the Cox model with the score at that half-life, fitted directly
    for hl, row in zip([30, 90, None], t.itertuples()):
        g = f.join(contacts.contact_experience(c, f, id_column="customer_id", wave="wave", half_life_days=hl))
        m = survival.cox(g, duration="tenure_days", event="churned", covariates=["segment", "experience"])
        assert row.log_likelihood == pytest.approx(m.log_likelihood, rel=1e-12)
        assert row.hazard_ratio == pytest.approx(m.hazard_ratio("experience").estimate, rel=1e-12)
        assert row.n == m.n
    best = t.loc[t["log_likelihood"].idxmax()]
    assert h.best == best["half_life"] and h.best_label == best["label"]
    assert h.best_label in h.headline() and "nan" not in h.headline()
    # order-safety: sorting the table changes nothing
    s = h.table.sort_values("log_likelihood")
    s["log_likelihood"] = 0
    pd.testing.assert_frame_equal(h.table, t)


def test_compare_half_lives_without_contacts_or_events_is_not_estimable():
    eng, _, f = _half_life_data(n=400)
    none = contacts.compare_half_lives(f, None, duration="tenure_days", event="churned", id_column="customer_id")
    assert not none.estimable and none.reason.code == "no_contacts"
    calm = contacts.compare_half_lives(f.assign(churned=0), eng.contact_frame(), duration="tenure_days",
                                       event="churned", id_column="customer_id")
    assert calm.reason.code == "no_events" and "nan" not in calm.headline()
    with pytest.raises(ArgumentError) as err:
        contacts.compare_half_lives(f, eng.contact_frame(), duration="tenure_days", event="churned",
                                    id_column="customer_id", half_lives=[90])
    assert err.value.argument == "half_lives"
