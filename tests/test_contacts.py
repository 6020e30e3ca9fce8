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


# -- no look-ahead (issue 17): a baseline covariate uses only contacts up to each customer's follow-up start ----
def engagement_with_later_contacts(n: int = 1200, seed: int = 31):
    """A synthetic retailer whose follow-up start (the survey date of the customer's wave) is given, with and
    without a contact log that runs past the survey: customers about to leave rate badly (−2) in the weeks
    before leaving (and once more after leaving), the others rate well (+1, +2) during follow-up. Returns
    ``(without, with_later)`` engagements: the same customers, the second with the later contacts added."""
    import dataclasses

    import cxlib as cx

    eng, _ = cx.synth.make_engagement("retailer", n, seed=seed)
    spec = cx.synth.SPECS["retailer"]
    survey_date = dict(zip(spec.waves, pd.to_datetime(list(spec.survey_dates))))
    customers = eng.customers.assign(fu_start=eng.customers["wave"].map(survey_date))
    rng = np.random.default_rng(seed)
    rows = []
    for cid, start, days, left in customers[["customer_id", "fu_start", "tenure_days", "churned"]].itertuples(index=False):
        if left:
            before_leaving = rng.integers(max(1, days - 40), max(2, days), size=3)
            rows += [(cid, start + pd.Timedelta(days=int(d)), -2) for d in before_leaving]
            rows.append((cid, start + pd.Timedelta(days=int(days) + 5), -2))  # an exit call after leaving
        else:
            rows += [(cid, start + pd.Timedelta(days=int(d)), int(rng.choice([1, 2])))
                     for d in rng.integers(1, max(2, days), size=2)]
    later = pd.DataFrame(rows, columns=["customer_id", "timestamp", "rating"]).assign(channel="phone", stage="buy")
    later["timestamp"] = later["timestamp"].dt.strftime("%Y-%m-%d")
    contacts_all = pd.concat([eng.contacts, later[eng.contacts.columns]], ignore_index=True)
    config = {**eng.config, "attrition": {**eng.config["attrition"], "start": "fu_start"}}
    without = dataclasses.replace(eng, customers=customers, config=config)
    return without, dataclasses.replace(without, contacts=contacts_all)


def _baseline_fit(eng, **when):
    f = eng.frame().dropna(subset=["segment"])
    f = f.join(contacts.contact_experience(eng.contact_frame(), f, id_column="customer_id", **when))
    m = survival.cox(f, duration="tenure_days", event="churned", covariates=["segment", "region", "age_band", "experience"],
                     reference={"segment": "highly satisfied"})
    return m.hazard_ratio("segment", "fully connected").estimate, m.hazard_ratio("experience").estimate


def test_later_contacts_do_not_change_the_baseline_hazard_ratios():
    """Contacts after follow-up starts, with ratings that depend on the later churn, leave the baseline hazard
    ratios of the segment and of the experience score exactly as they were without them. The old rule (the
    reference date is the wave's latest contact) is shown to move them, so this test can fail."""
    without, with_later = engagement_with_later_contacts()
    origin = without.frame().set_index("customer_id")["fu_start"]
    assert (pd.to_datetime(with_later.contacts["timestamp"]) > pd.to_datetime(without.contacts["timestamp"]).max()).sum() > 1000
    seg0, exp0 = _baseline_fit(without, origin=origin)
    seg1, exp1 = _baseline_fit(with_later, origin=origin)
    assert seg1 == pytest.approx(seg0, rel=1e-10) and exp1 == pytest.approx(exp0, rel=1e-10)
    # the same scores for the half-life comparison
    h0, h1 = (contacts.compare_half_lives(e.frame().dropna(subset=["segment"]), e.contact_frame(), origin=origin,
                                          duration="tenure_days", event="churned", id_column="customer_id",
                                          half_lives=[90, None]).table for e in (without, with_later))
    pd.testing.assert_frame_equal(h0, h1, rtol=1e-10)
    # The old rule: as of the latest contact in the wave, which now lies after the survey.
    old_seg0, old_exp0 = _baseline_fit(without, wave="wave")
    old_seg1, old_exp1 = _baseline_fit(with_later, wave="wave")
    assert old_exp0 == pytest.approx(exp0, rel=0.05)  # the log ends at the survey: the two rules agree
    assert abs(math.log(old_exp1) - math.log(old_exp0)) > 0.2, (old_exp0, old_exp1)  # look-ahead: it moves
    assert abs(math.log(old_seg1) - math.log(old_seg0)) > 0.01, (old_seg0, old_seg1)


def test_experience_episodes_never_look_ahead():
    """Every episode's score equals recency_score as of the episode's start (contacts at or before it only), the
    first episode's equals contact_experience at the follow-up start, and contacts from the last day of
    follow-up on (on the day of leaving, after leaving or after censoring) change no episode."""
    contact_rows, customers, origin = _simulate_time_varying(40, seed=3)
    ep = contacts.experience_episodes(contact_rows, customers, id_column="id", duration="days", event="left",
                                      origin=origin, half_life_days=60)
    keyed = ep.assign(key=ep["id"] + "|" + ep["start"].astype(int).astype(str))
    as_of = pd.Series(origin + pd.to_timedelta(keyed["start"], unit="D").to_numpy(), index=keyed["key"].to_numpy())
    # every contact copied to each of its customer's episodes, keyed like them
    per_episode = contact_rows.merge(keyed[["id", "key"]], on="id")
    ref = contacts.recency_score(per_episode.drop(columns="id"), id_column="key", as_of=as_of, half_life_days=60)
    has = keyed["key"].isin(ref.index) & keyed["has_contacts"]
    assert has.sum() > 100
    np.testing.assert_allclose(keyed.loc[has, "experience"], ref.loc[keyed.loc[has, "key"], "experience"], rtol=1e-9)
    first = keyed[keyed["start"] == 0].set_index("id")
    base = contacts.contact_experience(contact_rows, customers, id_column="id", origin=origin, half_life_days=60)
    base.index = customers["id"]
    np.testing.assert_allclose(first["experience"], base.loc[first.index, "experience"], rtol=1e-9)
    # contacts on the last day of follow-up and after it: nothing changes
    c = customers.set_index("id")
    late = pd.DataFrame({"id": np.repeat(c.index, 2),
                         "timestamp": np.ravel([[origin + pd.Timedelta(days=int(d)), origin + pd.Timedelta(days=int(d) + 30)]
                                                for d in c["days"]]),
                         "rating": -2})
    ep2 = contacts.experience_episodes(pd.concat([contact_rows, late], ignore_index=True), customers, id_column="id",
                                       duration="days", event="left", origin=origin, half_life_days=60)
    pd.testing.assert_frame_equal(ep, ep2)
