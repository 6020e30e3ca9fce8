"""Synthetic engagements with a planted truth, for tests, benchmarks and demos.

``make_engagement(kind, n_customers, seed, path)`` draws a realistic retailer or brokerage engagement, or a
tracker (a retail-like client measured in six quarterly waves), and returns it validated, with ``truth``: the
answers the analyses must recover. Same seed, same bytes.

The generative model (per respondent)
-------------------------------------
- **Experience elements.** Performance latents ``E_j = g G + s S_stage + √(1−g²−s²) U_j`` (a general
  factor, a journey-stage factor and a unique part; g, s = 0.4, 0.25 retailer, 0.3, 0.12 brokerage). The latent *connection* ``C`` is driven by a sparse
  set of elements: planted **key drivers** and **hidden drivers** have large coefficients, every other
  element none. Performance is rated 1–10 (≈10% "not experienced", blank); stated importance 1–5 is drawn
  around an element-specific mean unrelated to its coefficient: high for key drivers and overrated
  elements, low for hidden drivers, spread for the rest (kept clear of the quadrant cut).
- **Motivators.** Ten latents ``m_k = 0.75 C + 0.66 u_k``, three 1–7 Likert items each (loading 0.85);
  3% straight-liners, 3% missing answers, 2% who skip the block (no index, no segment). A per-wave shift
  of ``C`` is calibrated so the fully connected share hits the wave targets. Segments come from
  ``cxlib.segments`` on the observed items and satisfaction (0–10, correlated with ``C``).
- **Value.** ``log(value) = μ + b_segment + Σ_top 0.18·u_k + age + 0.8 ε``: the observed segment and the unique
  parts of the client's three top motivators drive it; ``b_fully connected`` is calibrated so that the
  population mean ratio (fully connected ÷ highly satisfied) equals the planted multiplier. Retailer:
  ``annual_spend`` ×2.0 and Poisson ``visits``; brokerage: ``annual_revenue`` ×1.8 and a 0/1
  ``consolidated_assets`` about 6× likelier among the fully connected (logistic, calibrated).
- **Attrition.** Exponential hazard ``λ_w exp(β_segment + β_region + β_age + β_S S)`` with hazard ratio
  0.55 (fully connected vs highly satisfied) and 1.3 (other vs highly satisfied); ``S`` is the
  recency-weighted mean contact rating (half-life 90 days, ``β_S = −0.35`` per rating point). Contacts
  (1 + Poisson(5) per customer, in the two years before the survey) have ratings that follow the
  customer's experience. Follow-up runs from the survey date to a data cut (pre/post surveys a year
  apart), with some random censoring. ``λ_w`` is calibrated to the waves' 12-month attrition targets.
- **Advocacy.** Likelihood to recommend 0–10 follows ``C`` and satisfaction; a per-wave intercept is
  calibrated to the promoter-share targets.
- **Weights** (retailer). The sample over-represents the youngest age band; ``resp_weight = p/q``
  (population over sample share, mean 1) restores the population, which is where every truth lives.
- **Consent.** About 5% of customers withhold analytics consent, at random.
- **Verbatims.** Short comments whose tone follows the segment; about 3% contain an e-mail address or a
  phone number, about 30% are blank.
- **Response propensity** (``response=``, off by default). The customers file holds the whole customer base
  of ``n_customers`` (ages as in the population, no given weights) and only some of them respond: a
  ``tenure_band`` column follows connection (``0.75 C + 0.66 ε``, cut into four bands of a quarter each) and
  ``log P(respond) = a + b_tenure + b_age + b_region`` (tenure +0 / 0.4 / 0.8 / 1.2, age −0.3 / 0 / +0.3,
  region 0 / +0.2 / −0.2 / +0.1; ``a`` calibrated to the response rate), so respondents over-represent connected
  customers while, within each tenure, age and region, responding is unrelated to connection. The
  engagement rakes to those three columns (``weighting:``); ``truth["response"]`` holds the planted share
  of fully connected customers in the customer base.

Three waves (``waves=3``, the demos)
------------------------------------
The retailer and the brokerage with a third wave a year after the second: ``pre, post, later`` (connected
21% → 26% → 28%: the programme's gain continues a little) and ``2025, 2026, 2027`` (2027 as 2026: the last two
waves are one calibration phase, so their truths are the same floats). The data cut is a year later, so every
wave keeps more than a year of follow-up; engagement.yaml names the cuts region and age band. Each has a
calibration of its own; without ``waves`` the two-wave data are byte for byte what they always were.

The tracker (``kind="tracker"``)
--------------------------------
The retailer's elements, motivators, value, attrition and contacts (no given weights, element loadings 0.3,
0.12), measured in six quarterly waves ``2025Q1`` … ``2026Q2`` with the same number of respondents in each
(survey dates mid-quarter, data cut 2027-06-30), and four plants:

- **A step at wave 4.** The waves form two phases, waves 1–3 and 4–6; the connection shift and the baseline
  hazard are calibrated per phase, not per wave, so every wave of a phase has the same population truth: 20%
  fully connected before, 30% from ``2025Q4`` on (12-month attrition 30% → 27%). The change from wave 3 to
  wave 4 (and first to last) is real; every other consecutive change is exactly zero.
- **A flat metric.** Likelihood to recommend follows each respondent's latent connection but not the waves'
  shift, with one intercept for all waves (calibrated to 26% promoters): its distribution, so NPS and the
  promoter share, is identical in every wave by construction (``truth["waves"]`` holds one value for all).
- **A lagging region.** ``C`` is 0.45 standard deviations lower in the North in every wave (so are its
  connection, satisfaction and NPS; its attrition is higher); the other three regions are alike (the regions'
  own hazard ratios, ``β_region``, are all 1 here, so no other region differs on attrition). A customers
  ``channel`` column (store 50%, online 30%, app 20%, drawn from a generator of its own) has no planted
  difference. engagement.yaml lists ``cuts: [region, channel]``.
- **Drivers that shift.** From wave 4 on, two key drivers (``Fast refunds``, ``Easy online checkout``) lose
  their effect (they become overrated: customers still call them important) and one overrated element
  (``Loyalty offers that fit me``, of a stage without other drivers) gains a key driver's; the drivers' part
  of ``C`` is rescaled in each phase so it explains the same 60%. Stated importance does not change. Only key driver ↔ overrated moves are planted:
  a hidden driver that lost its effect would become *secondary*, a quadrant the classification never tests,
  so its move could never be claimed.

Truths that emerge from the model (shares, multipliers, attrition, advocacy) are population quantities:
expectations over a 400,000-respondent draw of the same generator (fixed seed, cached per kind in memory
and on disk: ``$CXLIB_CACHE_DIR``, else ``$XDG_CACHE_HOME/cxlib`` or ``~/.cache/cxlib``; set it empty to not
use one), so the Monte Carlo error is negligible next to any sample's uncertainty.

``truth`` keys
--------------
``kind, seed, n_customers``; ``segment_shares`` {segment: share}; ``value_multiplier`` (headline column)
and ``value_multipliers`` {column: ratio}; ``top_motivators`` (best first); ``key_drivers``,
``hidden_drivers``, ``overrated`` (element names); ``element_effects`` {element: coefficient};
``stated_importance`` {element: population mean, 0–100}; ``quadrant_rule``; ``hazard_ratio`` (fully
connected vs highly satisfied) and ``hazard_ratios`` {segment: HR vs highly satisfied}; ``recency``
{half_life_days, log_hr_per_point}; ``attrition`` {segment: 12-month attrition}; ``waves`` {metric: {wave:
value}} for ``connected``, ``attrition``, ``advocacy`` (promoter share) and ``nps`` (points);
``consent_share``; with ``response=``, ``response`` {rate, responded, population_connected (the share of
fully connected customers among all ``n_customers`` customers with a segment, had they answered),
respondent_connected, margins}.

A tracker also has ``step`` {metric, from_wave, to_wave, before, after}; ``flat_metric`` (``"nps"``) and
``flat_metrics`` (NPS and the promoter share); ``cuts``; ``channels`` {channel: share}; ``lagging`` {cut,
group}; ``by_region`` {metric: {region: value}} for ``connected`` and ``nps``; ``shifted_elements``;
``shift_waves`` (the last wave before the shift and the first after); ``shifts`` {element: quadrant_before,
quadrant_after, effect_before, effect_after}; ``drivers_by_wave`` {wave: key_drivers, hidden_drivers,
overrated}. Its top-level quadrants and ``element_effects`` are the latest wave's.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import brentq

from . import segments
from .engagement import Engagement, from_frames

__all__ = ["make_engagement", "KINDS"]

MOTIVATOR_SHORT = {
    "stand out from the crowd": "standout",
    "have confidence in the future": "future",
    "enjoy a sense of well-being": "wellbeing",
    "feel a sense of freedom": "freedom",
    "feel a sense of thrill": "thrill",
    "feel a sense of belonging": "belonging",
    "protect the environment": "environment",
    "be the person I want to be": "person",
    "feel secure": "secure",
    "succeed in life": "succeed",
}
ITEM_TEXT = (
    "Thinking about {brand}, how much do you agree: it helps me {m}.",
    "{brand} makes me feel I can {m}.",
    "Being a {brand} customer lets me {m}.",
)
AGE_BANDS = ("18-34", "35-54", "55+")
AGE_POP = np.array([0.30, 0.40, 0.30])
REGIONS = ("North", "South", "East", "West")

RETAILER_STAGES: dict[str, list[tuple[str, str]]] = {
    "discover": [("Inspiring shop window", "emotion"), ("Easy to find on the high street", "ease"),
                 ("Helpful website search", "ease"), ("Clear prices online", "effectiveness"),
                 ("Personal style recommendations", "emotion"), ("Trustworthy product reviews", "effectiveness"),
                 ("Newsletter worth reading", "emotion"), ("Social media inspiration", "emotion"),
                 ("Store opening hours that suit me", "ease"), ("Stock availability shown online", "effectiveness"),
                 ("Loyalty offers that fit me", "emotion"), ("Clear sustainability information", "effectiveness")],
    "like shop": [("Welcoming store atmosphere", "emotion"), ("Staff remember me", "emotion"),
                  ("Tidy, easy-to-browse aisles", "ease"), ("Enough staff on the floor", "effectiveness"),
                  ("Fitting rooms without a queue", "ease"), ("Community events in store", "emotion"),
                  ("Music and lighting", "emotion"), ("Clean toilets and baby change", "effectiveness"),
                  ("Knowledgeable staff advice", "effectiveness"), ("Wide product range", "effectiveness"),
                  ("Quiet shopping hour", "ease"), ("Free parking", "ease")],
    "buy something": [("Fast checkout", "ease"), ("Self-service tills that work", "ease"),
                      ("Price match promise", "effectiveness"), ("Easy online checkout", "ease"),
                      ("Choice of payment methods", "ease"), ("Loyalty points applied automatically", "effectiveness"),
                      ("Gift wrapping", "emotion"), ("Personal thank-you at the till", "emotion"),
                      ("Clear receipt", "effectiveness"), ("Buy now, pay later", "ease"),
                      ("Bundle discounts", "effectiveness"), ("Reserve and collect", "ease")],
    "receive": [("Delivery on the promised day", "effectiveness"), ("Choice of delivery slots", "ease"),
                ("Tracking updates", "effectiveness"), ("Careful packaging", "effectiveness"),
                ("Handwritten note in the parcel", "emotion"), ("Friendly delivery driver", "emotion"),
                ("Click and collect ready on time", "effectiveness"), ("Plastic-free packaging", "emotion"),
                ("Free delivery threshold", "effectiveness"), ("Same-day delivery", "ease"),
                ("Parcel locker option", "ease"), ("Assembly service", "ease")],
    "return/service": [("Free returns", "effectiveness"), ("Easy returns label in the box", "ease"),
                       ("Fast refunds", "effectiveness"), ("Helpful contact centre", "effectiveness"),
                       ("Live chat that solves problems", "ease"), ("Staff empowered to fix things", "emotion"),
                       ("Follow-up after a complaint", "emotion"), ("Repair service", "effectiveness"),
                       ("Warranty without hassle", "ease"), ("Exchange in any store", "ease"),
                       ("Apology that feels sincere", "emotion"), ("Clear returns policy", "effectiveness")],
}

BROKERAGE_STAGES: dict[str, list[tuple[str, str]]] = {
    "open account": [("Quick online application", "ease"), ("Clear fee schedule", "effectiveness"),
                     ("Personal welcome note", "emotion"), ("Identity check without paperwork", "ease"),
                     ("Account open within a day", "effectiveness"), ("Welcome call from an adviser", "emotion"),
                     ("Choice of account types explained", "effectiveness"), ("Mobile app sign-up", "ease"),
                     ("Joint account setup", "ease"), ("Tax wrapper guidance", "effectiveness"),
                     ("Transparent minimum balance", "effectiveness"), ("Referral bonus paid promptly", "emotion"),
                     ("Secure login setup", "effectiveness"), ("Paper forms available", "ease"),
                     ("Beneficiary setup", "ease"), ("Onboarding checklist", "ease"),
                     ("Branch appointment available", "ease"), ("Language options", "ease"),
                     ("Accessibility support", "ease"), ("Welcome pack by post", "emotion")],
    "fund account": [("Help moving funds", "effectiveness"), ("Instant bank transfer", "ease"),
                     ("Transfer from another broker", "effectiveness"), ("Clear transfer timelines", "effectiveness"),
                     ("No transfer fees", "effectiveness"), ("Recurring deposit setup", "ease"),
                     ("Debit card funding", "ease"), ("Cheque deposit", "ease"),
                     ("Transfer status updates", "effectiveness"), ("Cash interest explained", "effectiveness"),
                     ("Currency conversion rates", "effectiveness"), ("Round-up savings", "emotion"),
                     ("Funding limits explained", "effectiveness"), ("Pension transfer help", "effectiveness"),
                     ("Dedicated transfer specialist", "emotion"), ("Confirmation e-mails", "effectiveness"),
                     ("Same-day availability of funds", "effectiveness"), ("Direct debit flexibility", "ease"),
                     ("Multiple bank links", "ease"), ("Deposit reminders", "ease")],
    "invest": [("Easy trade execution", "ease"), ("Low commission", "effectiveness"),
               ("Fractional shares", "ease"), ("Portfolio builder", "ease"),
               ("Ready-made portfolios", "effectiveness"), ("Real-time prices", "effectiveness"),
               ("Order types explained", "effectiveness"), ("Research reports", "effectiveness"),
               ("Risk profile questionnaire", "effectiveness"), ("ESG investment options", "emotion"),
               ("Goal-based investing", "emotion"), ("Price alerts", "ease"),
               ("Watchlists", "ease"), ("Dividend reinvestment", "ease"),
               ("IPO access", "emotion"), ("Trading on the mobile app", "ease"),
               ("Confirmation of trades", "effectiveness"), ("Fund screener", "ease"),
               ("Currency trading", "effectiveness"), ("Margin account option", "effectiveness")],
    "learn": [("Online education videos", "emotion"), ("Beginner guides", "effectiveness"),
              ("Webinars with experts", "emotion"), ("Market commentary", "effectiveness"),
              ("Glossary of terms", "ease"), ("Investment calculators", "ease"),
              ("Podcast", "emotion"), ("Community forum", "emotion"),
              ("Personalised learning path", "emotion"), ("Retirement planning tools", "effectiveness"),
              ("Tax guides", "effectiveness"), ("Newsletter", "emotion"),
              ("Quizzes and challenges", "emotion"), ("Case studies", "effectiveness"),
              ("Live Q&A sessions", "emotion"), ("Events near me", "emotion"),
              ("Paper trading account", "ease"), ("Explainers of my statement", "effectiveness"),
              ("Financial wellbeing check", "emotion"), ("Glossary in the app", "ease")],
    "ongoing service": [("Adviser who knows me", "emotion"), ("Quarterly review call", "emotion"),
                        ("Clear statements", "effectiveness"), ("Fast answers from support", "ease"),
                        ("Secure messaging", "ease"), ("Fraud protection", "effectiveness"),
                        ("Proactive alerts", "effectiveness"), ("Birthday message", "emotion"),
                        ("Fee rebates for loyalty", "emotion"), ("App reliability", "effectiveness"),
                        ("Complaint handled well", "emotion"), ("Tax documents on time", "effectiveness"),
                        ("Family account access", "ease"), ("Estate planning help", "effectiveness"),
                        ("Account consolidation service", "effectiveness"), ("Performance reporting", "effectiveness"),
                        ("Branch access", "ease"), ("Phone support hours", "ease"),
                        ("Two-factor authentication", "effectiveness"), ("Thank-you for tenure", "emotion")],
}


#: How the codebook labels each journey stage. The stage codes above key the random draws and the contact
#: records (which keep the CRM's codes); only the codebook, whose labels the reports show, carries these.
STAGE_LABELS: dict[str, str] = {
    "discover": "Discovering", "like shop": "In the shop", "buy something": "Buying",
    "receive": "Receiving the order", "return/service": "Returns and service",
    "open account": "Opening an account", "fund account": "Funding the account", "invest": "Investing",
    "learn": "Learning", "ongoing service": "Ongoing service",
}


@dataclass(frozen=True)
class Spec:
    """Everything that differs between the two kinds of engagement."""

    kind: str
    client: str
    id_prefix: str
    stages: dict[str, list[tuple[str, str]]]
    key_drivers: tuple[str, ...]
    hidden_drivers: tuple[str, ...]
    overrated: tuple[str, ...]
    top_motivators: tuple[str, ...]
    waves: tuple[str, ...]
    connected: tuple[float, ...]  # per wave: planted fully connected share
    attrition_target: tuple[float, ...]  # per wave: planted 12-month attrition
    advocacy: tuple[float, ...]  # per wave: planted promoter share
    value_columns: tuple[str, str]
    value_multiplier: float
    binary_rate_ratio: float | None
    weighted: bool
    survey_dates: tuple[str, ...]  # per wave
    data_cut: str
    loadings: tuple[float, float] = (0.4, 0.25)  # general and journey-stage factor loadings of elements
    design_seed: int = 11  # seed of the elements' stated-importance means (a fixed, seed-independent design)
    driven: float = 0.6  # share of the latent connection's variance that the elements drive
    # The tracker's plants (the defaults leave the two-wave kinds exactly as they were):
    phases: tuple[int, ...] | None = None  # wave -> calibration phase (waves of a phase share their truth)
    flat_advocacy: bool = False  # likelihood to recommend the same in every wave (not moved by the waves' shift)
    region_effect: tuple[float, ...] | None = None  # shift of the latent connection per region (REGIONS order)
    region_log_hr: tuple[float, ...] | None = None  # the regions' log hazard ratios (default REGION_LOG_HR)
    shifted: tuple[str, ...] = ()  # from wave `shift_from` on: key drivers lose their effect, overrated gain one
    shift_from: int | None = None  # index of the first wave with the shifted effects
    channels: tuple[tuple[str, float], ...] = ()  # a customers `channel` column: (name, share), no planted effect
    cuts: tuple[str, ...] = ()  # engagement.yaml's business cuts


SPECS = {
    "retailer": Spec(
        kind="retailer", client="Demo Retailer", id_prefix="R", stages=RETAILER_STAGES,
        key_drivers=("Knowledgeable staff advice", "Fast refunds", "Delivery on the promised day",
                     "Welcoming store atmosphere", "Easy online checkout"),
        hidden_drivers=("Staff remember me", "Handwritten note in the parcel", "Community events in store",
                        "Personal thank-you at the till"),
        overrated=("Free parking", "Price match promise", "Free delivery threshold", "Choice of payment methods"),
        top_motivators=("feel a sense of belonging", "enjoy a sense of well-being", "feel a sense of freedom"),
        waves=("pre", "post"), connected=(0.21, 0.26), attrition_target=(0.37, 0.33), advocacy=(0.24, 0.30),
        value_columns=("annual_spend", "visits"), value_multiplier=2.0, binary_rate_ratio=None, weighted=True,
        survey_dates=("2024-03-01", "2025-03-01"), data_cut="2026-06-30", design_seed=7,
    ),
    "brokerage": Spec(
        kind="brokerage", client="Demo Brokerage", id_prefix="B", stages=BROKERAGE_STAGES,
        key_drivers=("Low commission", "Easy trade execution", "Fast answers from support", "Clear statements",
                     "Fraud protection", "App reliability"),
        hidden_drivers=("Personal welcome note", "Online education videos", "Adviser who knows me",
                        "Webinars with experts", "Birthday message"),
        overrated=("Help moving funds", "No transfer fees", "Real-time prices", "Research reports",
                   "Cheque deposit"),
        top_motivators=("stand out from the crowd", "have confidence in the future", "feel secure"),
        waves=("2025", "2026"), connected=(0.18, 0.20), attrition_target=(0.22, 0.21), advocacy=(0.30, 0.31),
        value_columns=("annual_revenue", "consolidated_assets"), value_multiplier=1.8, binary_rate_ratio=6.0,
        weighted=False, survey_dates=("2025-02-01", "2026-02-01"), data_cut="2027-04-30",
        loadings=(0.3, 0.12),
    ),
    "tracker": Spec(
        kind="tracker", client="Demo Tracker", id_prefix="T", stages=RETAILER_STAGES,
        key_drivers=("Knowledgeable staff advice", "Fast refunds", "Delivery on the promised day",
                     "Welcoming store atmosphere", "Easy online checkout"),
        hidden_drivers=("Staff remember me", "Handwritten note in the parcel", "Community events in store",
                        "Personal thank-you at the till"),
        overrated=("Free parking", "Price match promise", "Free delivery threshold", "Loyalty offers that fit me"),
        top_motivators=("feel a sense of belonging", "enjoy a sense of well-being", "feel a sense of freedom"),
        waves=("2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2"),
        connected=(0.20, 0.20, 0.20, 0.30, 0.30, 0.30), attrition_target=(0.30, 0.30, 0.30, 0.27, 0.27, 0.27),
        advocacy=(0.26,) * 6, value_columns=("annual_spend", "visits"), value_multiplier=2.0,
        binary_rate_ratio=None, weighted=False,
        survey_dates=("2025-02-15", "2025-05-15", "2025-08-15", "2025-11-15", "2026-02-15", "2026-05-15"),
        data_cut="2027-06-30", loadings=(0.3, 0.12), design_seed=19, phases=(0, 0, 0, 1, 1, 1), flat_advocacy=True,
        region_effect=(-0.45, 0.0, 0.0, 0.0), region_log_hr=(0.0, 0.0, 0.0, 0.0),
        shifted=("Fast refunds", "Easy online checkout", "Loyalty offers that fit me"),
        shift_from=3, channels=(("store", 0.5), ("online", 0.3), ("app", 0.2)), cuts=("region", "channel"),
    ),
}
KINDS = tuple(SPECS)

#: The two-wave kinds with a third wave (``make_engagement(..., waves=3)``, the demos): the retailer's programme
#: gain continues a little, the brokerage stays flat (its last two waves are one calibration phase, so their
#: truths are the same floats). Survey dates a further year on; the data cut a year later too, so every wave
#: keeps at least 16 (retailer) or 14 (brokerage) months of follow-up, as the last wave has in two waves.
#: engagement.yaml names the business cuts region and age band.
THREE_WAVES = {
    "retailer": replace(
        SPECS["retailer"], waves=("pre", "post", "later"), connected=(0.21, 0.26, 0.28),
        attrition_target=(0.37, 0.33, 0.32), advocacy=(0.24, 0.30, 0.31),
        survey_dates=("2024-03-01", "2025-03-01", "2026-03-01"), data_cut="2027-06-30", cuts=("region", "age_band")),
    "brokerage": replace(
        SPECS["brokerage"], waves=("2025", "2026", "2027"), connected=(0.18, 0.20, 0.20),
        attrition_target=(0.22, 0.21, 0.21), advocacy=(0.30, 0.31, 0.31),
        survey_dates=("2025-02-01", "2026-02-01", "2027-02-01"), data_cut="2028-04-30", phases=(0, 1, 1),
        cuts=("region", "age_band")),
}


def _spec(kind: str, waves: int | None = None) -> Spec:
    """``kind``'s spec; ``waves=3``: its three-wave form (:data:`THREE_WAVES`)."""
    return SPECS[kind] if waves is None else THREE_WAVES[kind]


def _variant(spec: Spec) -> int | None:
    """The ``waves`` argument of :func:`_spec` that gives ``spec``'s calibration (None: the kind as it is)."""
    return None if spec.waves == SPECS[spec.kind].waves else len(spec.waves)

HR = {"fully connected": 0.55, "highly satisfied": 1.0, "other": 1.3}
HALF_LIFE = 90.0
BETA_S = -0.35
REGION_LOG_HR = np.array([0.0, 0.1, -0.05, 0.15])
AGE_LOG_HR = np.array([0.2, 0.0, -0.15])
POPULATION = 250_000


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_").replace("__", "_")


def _late(spec: Spec) -> Spec:
    """The spec as it is from wave ``shift_from`` on: each shifted key driver loses its effect (it is overrated:
    customers still call it important) and each shifted overrated element gains a key driver's. Stated
    importance is unchanged (the same groups draw the same means)."""
    gone = [e for e in spec.key_drivers if e in spec.shifted]
    new = [e for e in spec.overrated if e in spec.shifted]
    return replace(spec, key_drivers=tuple(e for e in spec.key_drivers if e not in gone) + tuple(new),
                   overrated=tuple(e for e in spec.overrated if e not in new) + tuple(gone), shifted=(),
                   shift_from=None)


def _elements(spec: Spec) -> pd.DataFrame:
    rows = [{"element": name, "stage": stage, "dimension": dim} for stage, items in spec.stages.items()
            for name, dim in items]
    el = pd.DataFrame(rows)
    drivers = set(spec.key_drivers) | set(spec.hidden_drivers)
    missing = (drivers | set(spec.overrated) | set(spec.shifted)) - set(el["element"])
    if missing:
        raise ValueError(f"synth spec {spec.kind}: planted elements {sorted(missing)} are not in its element list")
    if not set(spec.shifted) <= set(spec.key_drivers) | set(spec.overrated):
        raise ValueError(f"synth spec {spec.kind}: only key drivers and overrated elements can shift")
    # Planted effects: a fixed, seed-independent pattern so the truth does not move with the seed.
    el["beta"] = [0.0 if e not in drivers else (1.0 if e in spec.key_drivers else 0.9) for e in el["element"]]
    design = np.random.default_rng(spec.design_seed)
    stated = []
    for e in el["element"]:
        if e in spec.key_drivers or e in spec.overrated:
            stated.append(design.uniform(4.1, 4.5))
        elif e in spec.hidden_drivers:
            stated.append(design.uniform(2.0, 2.4))
        else:
            # Elsewhere stated importance spreads, but stays clear of the quadrant cut (~2.9 on 1–5): the
            # high ones are overrated too (important to customers, no effect on connection).
            stated.append(design.uniform(3.7, 4.4) if design.random() < 0.1 else design.uniform(1.7, 2.4))
    el["stated_mean"] = stated
    if spec.shifted:
        late = _elements(_late(spec))
        if not np.array_equal(late["stated_mean"].to_numpy(), el["stated_mean"].to_numpy()):
            raise RuntimeError(f"synth {spec.kind}: the shifted elements' stated importance would change")
        el["beta_after"] = late["beta"].to_numpy()  # the effects from wave shift_from on
    return el


@dataclass
class _Draw:
    """Latent and observed quantities of one draw (population or sample)."""

    wave: np.ndarray
    age: np.ndarray
    region: np.ndarray
    weight: np.ndarray
    E: np.ndarray
    C: np.ndarray
    u: np.ndarray
    item_noise: np.ndarray
    sat_noise: np.ndarray
    ltr_noise: np.ndarray
    value_noise: np.ndarray
    straight: np.ndarray
    straight_value: np.ndarray
    skip_block: np.ndarray
    item_missing: np.ndarray


def _latents(spec: Spec, el: pd.DataFrame, n: int, rng: np.random.Generator) -> _Draw:
    p = len(el)
    k = len(spec.waves)
    # Two waves: each respondent's at random; more (a tracker): the same number in every wave, as quotas give.
    wave = (rng.random(n) < 0.5).astype(int) if k == 2 else rng.permutation(n) % k
    if spec.weighted:
        q = np.array([0.45, 0.35, 0.20])
        age = rng.choice(3, size=n, p=q)
        weight = (AGE_POP / q)[age]
    else:
        age = rng.choice(3, size=n, p=AGE_POP)
        weight = np.ones(n)
    region = rng.integers(0, 4, size=n)
    stage_codes = pd.Categorical(el["stage"], categories=list(spec.stages)).codes
    g, st = spec.loadings
    G = rng.standard_normal(n)
    S = rng.standard_normal((n, len(spec.stages)))
    E = g * G[:, None] + st * S[:, stage_codes] + np.sqrt(1 - g**2 - st**2) * rng.standard_normal((n, p))
    beta = el["beta"].to_numpy()
    corr = g**2 + st**2 * (stage_codes[:, None] == stage_codes[None, :]) + (1 - g**2 - st**2) * np.eye(p)
    scale = np.sqrt(beta @ corr @ beta)
    drive = np.sqrt(spec.driven) * (E @ beta) / scale
    if "beta_after" in el:  # the drivers shift: from wave shift_from on, the late effects (the same driven share)
        after = el["beta_after"].to_numpy()
        drive = np.where(wave >= spec.shift_from, np.sqrt(spec.driven) * (E @ after) / np.sqrt(after @ corr @ after),
                         drive)
    C = drive + np.sqrt(1 - spec.driven) * rng.standard_normal(n) + np.array([-0.1, 0.0, 0.1])[age]
    if spec.region_effect is not None:
        C = C + np.asarray(spec.region_effect, dtype=float)[region]
    u = rng.standard_normal((n, 10))
    return _Draw(wave=wave, age=age, region=region, weight=weight, E=E, C=C, u=u,
                 item_noise=rng.standard_normal((n, 30)), sat_noise=rng.standard_normal(n),
                 ltr_noise=rng.standard_normal(n), value_noise=rng.standard_normal((n, 2)),
                 straight=rng.random(n) < 0.03, straight_value=rng.integers(3, 8, size=n),
                 skip_block=rng.random(n) < 0.02, item_missing=rng.random((n, 30)) < 0.03)


def _items(d: _Draw, shift: np.ndarray) -> np.ndarray:
    """Motivator items (n × 30, 1–7, NaN = not answered) given the per-wave shift of connection."""
    C = d.C + shift[d.wave]
    m = 0.75 * C[:, None] + np.sqrt(1 - 0.75**2) * d.u
    latent = 0.85 * np.repeat(m, 3, axis=1) + np.sqrt(1 - 0.85**2) * d.item_noise
    items = np.clip(np.round(4.3 + 1.45 * latent), 1, 7)
    items[d.straight] = d.straight_value[d.straight, None]
    items[d.item_missing] = np.nan
    items[d.skip_block, 6:] = np.nan
    return items


def _satisfaction(d: _Draw, shift: np.ndarray) -> np.ndarray:
    return np.clip(np.round(7.4 + 1.6 * (0.65 * (d.C + shift[d.wave]) + 0.76 * d.sat_noise)), 0, 10)


def _segments(items: np.ndarray, sat: np.ndarray) -> np.ndarray:
    index = segments.connection_index(pd.DataFrame(items), scale=(1, 7)).to_numpy()
    frame = pd.DataFrame({"connection_index": index, "sat": sat})
    return segments.assign(frame, threshold=75, sat_column="sat", top_box=9).to_numpy(dtype=object)


def _ltr(d: _Draw, shift: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    C = d.C + shift[d.wave]
    latent = 0.55 * C + 0.25 * d.sat_noise + 0.8 * d.ltr_noise
    return np.clip(np.round(intercept[d.wave] + 2.0 * latent), 0, 10)


def _log_value_base(spec: Spec, d: _Draw, seg: np.ndarray) -> np.ndarray:
    top = [list(MOTIVATOR_SHORT).index(m) for m in spec.top_motivators]
    return 0.18 * d.u[:, top].sum(axis=1) + np.array([0.1, 0.0, -0.1])[d.age] + 0.15 * (seg == "other") * -1


def _experience(d: _Draw, rng: np.random.Generator, n_contacts: np.ndarray, ages: np.ndarray,
                owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Contact ratings and each customer's recency-weighted experience score."""
    mood = d.E.mean(axis=1) / d.E.mean(axis=1).std()
    ratings = np.clip(np.round(0.3 + 0.9 * mood[owner] + rng.normal(0, 0.9, size=len(owner))), -2, 2)
    w = 0.5 ** (ages / HALF_LIFE)
    num = np.bincount(owner, weights=w * ratings, minlength=len(n_contacts))
    den = np.bincount(owner, weights=w, minlength=len(n_contacts))
    return ratings, num / den


def _contacts(d: _Draw, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = len(d.C)
    n_contacts = 1 + rng.poisson(5, size=n)
    owner = np.repeat(np.arange(n), n_contacts)
    ages = rng.uniform(0, 730, size=len(owner))
    ratings, score = _experience(d, rng, n_contacts, ages, owner)
    return owner, ages, ratings, score


def _log_hazard(d: _Draw, seg: np.ndarray, score: np.ndarray, region_log_hr: np.ndarray = REGION_LOG_HR) -> np.ndarray:
    seg_hr = np.select([seg == "fully connected", seg == "other"], [np.log(HR["fully connected"]), np.log(HR["other"])],
                       default=0.0)
    return seg_hr + region_log_hr[d.region] + AGE_LOG_HR[d.age] + BETA_S * score


def _region_log_hr(spec: Spec) -> np.ndarray:
    return REGION_LOG_HR if spec.region_log_hr is None else np.asarray(spec.region_log_hr, dtype=float)


#: The modules whose code the calibration runs (synth's generator, segments' index and assignment and what
#: they import); their source is part of the calibration cache's key.
_CALIBRATION_SOURCES = ("synth.py", "segments.py", "stats.py", "checks.py", "results.py", "errors.py")


@lru_cache(maxsize=8)
def _population(kind: str, waves: int | None = None) -> dict[str, Any]:
    """The calibrated constants and population truths of ``kind`` (:func:`_calibrate`).

    Calibrating takes several seconds, and every process that synthesises data (each ``cx synth``, each test
    worker) would pay it again: the result is kept on disk (:func:`_calibration_cache`), keyed by a hash of
    everything it depends on, and read back only when the key matches. What is read back equals what
    :func:`_calibrate` returns (the same floats, the same arrays: tests/test_synth.py checks).
    """
    path, key = _calibration_cache(kind, waves)
    if path is not None:
        cached = _read_calibration(path, key)
        if cached is not None:
            return cached
    pop = _calibrate(kind, waves)
    if path is not None:
        _write_calibration(path, key, pop)
    return pop


def _calibration_cache(kind: str, waves: int | None = None) -> tuple[Path | None, str]:
    """(file, key) of ``kind``'s calibration cache; no file when ``CXLIB_CACHE_DIR`` is set empty.

    The folder is ``$CXLIB_CACHE_DIR``, else ``$XDG_CACHE_HOME/cxlib``, else ``~/.cache/cxlib``. The key
    hashes the kind, the population size, the source of the modules the calibration runs and the versions
    of Python, numpy, scipy and pandas (whose random streams and root finder it depends on); a three-wave form
    (``waves=3``) also its number of waves and has a file of its own.
    """
    root = Path(__file__).resolve().parent
    what: dict[str, Any] = {"kind": kind, "population": POPULATION, "python": platform.python_version(),
                            "numpy": np.__version__, "pandas": pd.__version__, "scipy": _scipy_version()}
    if waves is not None:
        what["waves"] = waves
    h = hashlib.sha256(json.dumps(what, sort_keys=True).encode())
    for name in _CALIBRATION_SOURCES:
        h.update(name.encode())
        h.update((root / name).read_bytes())
    key = h.hexdigest()
    folder = os.environ.get("CXLIB_CACHE_DIR")
    if folder is None:
        folder = str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cxlib")
    if not folder:
        return None, key
    name = kind if waves is None else f"{kind}-{waves}waves"
    return Path(folder) / f"synth-calibration-{name}-{key[:20]}.json", key


def _scipy_version() -> str:
    import scipy

    return scipy.__version__


def _encode(value: Any) -> Any:
    """JSON for a calibration: arrays tagged with their dtype; Python floats as JSON numbers, whose shortest
    repr reads back as the same float."""
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, float | int | str):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__} in a calibration")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return np.array(value["__ndarray__"], dtype=np.dtype(value["dtype"]))
        return {k: _decode(v) for k, v in value.items()}
    return value


def _read_calibration(path: Path, key: str) -> dict[str, Any] | None:
    """The cached calibration at ``path`` when it was written under ``key``; None when absent or unreadable."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("key") != key:
            return None
        return _decode(stored["population"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_calibration(path: Path, key: str, pop: dict[str, Any]) -> None:
    """Store a calibration atomically (a complete file or none); a folder that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "population": _encode(pop)}, fh)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _calibrate(kind: str, waves: int | None = None) -> dict[str, Any]:
    """Calibrate the generator on a large population draw and compute the population truths."""
    spec = _spec(kind, waves)
    el = _elements(spec)
    rng = np.random.default_rng(20_260_000 + KINDS.index(kind))
    d = _latents(spec, el, POPULATION, rng)
    pop_w = d.weight  # population weights undo the sample's age distortion

    def wmean(x, mask=None):
        m = np.ones(len(x), bool) if mask is None else mask
        return float(np.average(x[m], weights=pop_w[m]))

    # Waves of one phase share their calibrated constants (and so their truth); without phases each wave is
    # its own. Advocacy in a tracker is flat: one phase of every wave, not moved by the waves' shift.
    k = len(spec.waves)
    phase = np.asarray(spec.phases if spec.phases is not None else range(k))
    groups = [np.flatnonzero(phase == p) for p in range(int(phase.max()) + 1)]
    adv_groups = [np.arange(k)] if spec.flat_advocacy else groups
    shift = np.zeros(k)
    for ws in groups:
        def fc_gap(s, ws=ws):
            trial = shift.copy()
            trial[ws] = s
            seg = _segments(_items(d, trial), _satisfaction(d, trial))
            inw = np.isin(d.wave, ws) & pd.notna(seg)
            return wmean((seg == "fully connected").astype(float), inw) - spec.connected[ws[0]]
        shift[ws] = brentq(fc_gap, -1.5, 1.5, xtol=1e-4)
    items, sat = _items(d, shift), _satisfaction(d, shift)
    seg = _segments(items, sat)
    has = pd.notna(seg)
    shares = {s: wmean((seg == s).astype(float), has) for s in segments.SEGMENTS}

    ltr_shift = np.zeros(k) if spec.flat_advocacy else shift
    intercept = np.zeros(k)
    for ws in adv_groups:
        def promo_gap(a, ws=ws):
            trial = intercept.copy()
            trial[ws] = a
            return wmean((_ltr(d, ltr_shift, trial) >= 9).astype(float), np.isin(d.wave, ws)) - spec.advocacy[ws[0]]
        intercept[ws] = brentq(promo_gap, 0, 12, xtol=1e-4)
    ltr = _ltr(d, ltr_shift, intercept)
    group_of = {w: g for g in groups for w in g}
    adv_group_of = {w: g for g in adv_groups for w in g}
    waves_truth: dict[str, dict[str, float]] = {"connected": {}, "attrition": {}, "advocacy": {}, "nps": {}}
    for w, name in enumerate(spec.waves):
        inw, inw_adv = np.isin(d.wave, group_of[w]), np.isin(d.wave, adv_group_of[w])
        waves_truth["connected"][name] = wmean((seg == "fully connected").astype(float), inw & has)
        waves_truth["advocacy"][name] = wmean((ltr >= 9).astype(float), inw_adv)
        waves_truth["nps"][name] = 100 * (wmean((ltr >= 9).astype(float), inw_adv)
                                          - wmean((ltr <= 6).astype(float), inw_adv))

    # Value: calibrate the fully-connected effect so the population mean ratio hits the planted multiplier.
    base = _log_value_base(spec, d, seg)
    fc, hs = seg == "fully connected", seg == "highly satisfied"

    def ratio_for(b, extra=0.0):
        mu = base + b * fc + extra
        return wmean(np.exp(mu), fc) / wmean(np.exp(mu), hs)

    b_value = brentq(lambda b: ratio_for(b) - spec.value_multiplier, -2, 3, xtol=1e-6)
    multipliers = {spec.value_columns[0]: ratio_for(b_value)}
    if spec.binary_rate_ratio:
        def rate(b, mask):
            eta = -3.1 + b * fc + 0.5 * (base - base.mean())
            return wmean(1 / (1 + np.exp(-eta)), mask)
        b_binary = brentq(lambda b: rate(b, fc) / rate(b, hs) - spec.binary_rate_ratio, 0, 5, xtol=1e-6)
        multipliers[spec.value_columns[1]] = rate(b_binary, fc) / rate(b_binary, hs)
    else:
        b_binary = 0.0
        visit_rate = np.exp(np.log(14) + 0.45 * fc + 0.5 * (base - base.mean()))
        multipliers[spec.value_columns[1]] = wmean(visit_rate, fc) / wmean(visit_rate, hs)

    # Attrition: calibrate the baseline hazard of each wave to its 12-month target.
    _, _, _, score = _contacts(d, rng)
    lh = _log_hazard(d, seg, score, _region_log_hr(spec))
    lam0 = np.zeros(k)
    for ws in groups:
        inw = np.isin(d.wave, ws)
        lam0[ws] = np.exp(brentq(lambda a: wmean(1 - np.exp(-np.exp(a + lh) * 365), inw)
                                 - spec.attrition_target[ws[0]], -15, 0, xtol=1e-8))
    for w, name in enumerate(spec.waves):
        waves_truth["attrition"][name] = wmean(1 - np.exp(-lam0[d.wave] * np.exp(lh) * 365),
                                               np.isin(d.wave, group_of[w]))
    att_by_seg = {s: wmean(1 - np.exp(-lam0[d.wave] * np.exp(lh) * 365), seg == s) for s in segments.SEGMENTS}

    stated = {e: float((np.clip(np.round(m + 0.9 * rng.standard_normal(200_000)), 1, 5).mean() - 1) / 4 * 100)
              for e, m in zip(el["element"], el["stated_mean"])}
    out = {"shift": shift, "intercept": intercept, "b_value": b_value, "b_binary": b_binary, "lam0": lam0,
           "segment_shares": shares, "multipliers": multipliers, "waves": waves_truth, "attrition": att_by_seg,
           "stated": stated}
    if spec.region_effect is not None:  # the regions' population figures (every wave: the lag is the same in each)
        out["by_region"] = {
            "connected": {r: wmean((seg == "fully connected").astype(float), has & (d.region == i))
                          for i, r in enumerate(REGIONS)},
            "nps": {r: 100 * (wmean((ltr >= 9).astype(float), d.region == i)
                              - wmean((ltr <= 6).astype(float), d.region == i)) for i, r in enumerate(REGIONS)}}
    return out


def _verbatims(seg: np.ndarray, rng: np.random.Generator, n: int) -> list[str]:
    warm = ["I love shopping here, it feels like my place.", "The staff always make me feel welcome.",
            "Proud to be a customer, I tell all my friends.", "They really get me.",
            "Always a pleasure, feels like family."]
    fine = ["Good service, no complaints.", "Does the job, prices are fair.", "Quick and easy as usual.",
            "Satisfied overall.", "Fine, nothing special."]
    cold = ["Queues were too long again.", "Hard to reach anyone when something goes wrong.",
            "Prices keep going up.", "The app keeps logging me out.", "Nobody seemed to care."]
    pools = {"fully connected": warm, "highly satisfied": fine, "other": cold}
    out = []
    for s in seg:
        r = rng.random()
        if r < 0.30:
            out.append("")
            continue
        text = str(rng.choice(pools.get(s, fine)))
        if r > 0.985:
            text += f" Email me at {rng.choice(['jo', 'sam', 'alex'])}.{rng.integers(10, 99)}@example.com"
        elif r > 0.97:
            text += f" Call me on 07700 9{rng.integers(10000, 99999)}."
        out.append(text)
    return out


TENURE_BANDS = ("under 2 years", "2-5 years", "5-10 years", "10+ years")
TENURE_LOG_RESPONSE = np.array([0.0, 0.4, 0.8, 1.2])
AGE_LOG_RESPONSE = np.array([-0.3, 0.0, 0.3])
REGION_LOG_RESPONSE = np.array([0.0, 0.2, -0.2, 0.1])


def _respond(d: _Draw, rate: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Tenure bands that follow connection, and who responds (a planted propensity of tenure, age, region).

    Drawn from a generator of their own, so the rest of the engagement is the draw it would be without."""
    rng = np.random.default_rng([seed, 20_260_017])
    score = 0.75 * (d.C - d.C.mean()) / d.C.std() + 0.66 * rng.standard_normal(len(d.C))
    tenure = np.searchsorted(np.quantile(score, [0.25, 0.5, 0.75]), score)
    # Log-linear in the three columns, so the inverse propensity is a product of one factor per column: the
    # model raking fits.
    eta = TENURE_LOG_RESPONSE[tenure] + AGE_LOG_RESPONSE[d.age] + REGION_LOG_RESPONSE[d.region]
    a = brentq(lambda a: float(np.mean(np.minimum(np.exp(a + eta), 1.0))) - rate, -15, 5, xtol=1e-10)
    responded = rng.random(len(d.C)) < np.minimum(np.exp(a + eta), 1.0)
    return tenure, responded


def _draw_sample(spec: Spec, n: int, seed: int,
                 response: float | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    el = _elements(spec)
    pop = _population(spec.kind, _variant(spec))
    rng = np.random.default_rng(seed)
    d = _latents(spec, el, n, rng)
    shift, intercept = pop["shift"], pop["intercept"]
    items, sat = _items(d, shift), _satisfaction(d, shift)
    seg = _segments(items, sat)
    ltr = _ltr(d, np.zeros_like(shift) if spec.flat_advocacy else shift, intercept)
    ids = np.array([f"{spec.id_prefix}{i:06d}" for i in rng.permutation(n) + 1])
    wave = np.array(spec.waves)[d.wave]

    survey: dict[str, Any] = {"customer_id": ids, "wave": wave}
    if spec.weighted:
        survey["resp_weight"] = np.round(d.weight / d.weight.mean(), 4)
    survey["overall_sat"] = sat
    survey["ltr"] = ltr
    cb_rows = [
        {"column": "overall_sat", "role": "satisfaction", "label": f"Overall, how satisfied are you with {spec.client}?",
         "scale_min": 0, "scale_max": 10},
        {"column": "ltr", "role": "advocacy",
         "label": f"How likely are you to recommend {spec.client} to a friend or colleague?", "scale_min": 0,
         "scale_max": 10},
    ]
    for k, (motivator, short) in enumerate(MOTIVATOR_SHORT.items()):
        for j in range(3):
            col = f"mot_{short}_{j + 1}"
            survey[col] = items[:, 3 * k + j]
            cb_rows.append({"column": col, "role": "motivator_item", "motivator": motivator, "scale_min": 1,
                            "scale_max": 7, "label": ITEM_TEXT[j].format(brand=spec.client, m=motivator)})
    perf = np.clip(np.round(6.2 + 1.7 * d.E), 1, 10)
    perf[rng.random(perf.shape) < 0.10] = np.nan
    stated_mean = el["stated_mean"].to_numpy()
    imp = np.clip(np.round(stated_mean + 0.9 * rng.standard_normal((n, len(el)))), 1, 5)
    for j, r in enumerate(el.itertuples()):
        slug = _slug(r.element)
        survey[f"perf_{slug}"] = perf[:, j]
        survey[f"imp_{slug}"] = imp[:, j]
        common = {"element": r.element, "stage": STAGE_LABELS.get(r.stage, r.stage), "dimension": r.dimension}
        cb_rows.append({"column": f"perf_{slug}", "role": "element_performance", "scale_min": 1, "scale_max": 10,
                        "label": f"How would you rate {spec.client} on: {r.element}?", **common})
        cb_rows.append({"column": f"imp_{slug}", "role": "element_importance", "scale_min": 1, "scale_max": 5,
                        "label": f"How important to you is: {r.element}?", **common})
    survey["comment"] = _verbatims(seg, rng, n)
    cb_rows.append({"column": "comment", "role": "verbatim", "label": "Anything else you would like to tell us?"})
    survey_df = pd.DataFrame(survey)
    codebook = pd.DataFrame(cb_rows, columns=["column", "role", "label", "scale_min", "scale_max", "motivator",
                                              "element", "stage", "dimension"])

    # Behaviour
    base = _log_value_base(spec, d, seg)
    fc = seg == "fully connected"
    mu = np.log(600 if spec.kind == "retailer" else 900) + base + pop["b_value"] * fc
    value1 = np.round(np.exp(mu - 0.32 + 0.8 * d.value_noise[:, 0]), 2)
    if spec.binary_rate_ratio:
        eta = -3.1 + pop["b_binary"] * fc + 0.5 * (base - base.mean())
        value2 = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    else:
        value2 = rng.poisson(np.exp(np.log(14) + 0.45 * fc + 0.5 * (base - base.mean())))
    owner, ages, ratings, score = _contacts(d, rng)
    hazard = pop["lam0"][d.wave] * np.exp(_log_hazard(d, seg, score, _region_log_hr(spec)))
    t_churn = rng.exponential(1 / hazard)
    start = pd.to_datetime(np.array(spec.survey_dates)[d.wave])
    admin = (pd.Timestamp(spec.data_cut) - start).days.to_numpy()
    t_censor = rng.exponential(1 / 0.0003, size=n)
    follow = np.minimum(admin, t_censor)
    churned = (t_churn <= follow).astype(int)
    duration = np.floor(np.minimum(t_churn, follow)).astype(int) + 1
    customers = pd.DataFrame({
        "customer_id": ids, "wave": wave, "region": np.array(REGIONS)[d.region], "age_band": np.array(AGE_BANDS)[d.age],
        spec.value_columns[0]: value1, spec.value_columns[1]: value2,
        "tenure_days": duration, "churned": churned, "analytics_consent": rng.random(n) >= 0.05,
    })
    if spec.channels:  # a business cut with no planted difference, from a generator of its own
        names, p = zip(*spec.channels)
        customers.insert(3, "channel", np.array(names)[np.random.default_rng([seed, 20_260_019]).choice(
            len(names), size=n, p=np.array(p) / sum(p))])
    stamp = start[owner] - pd.to_timedelta(np.round(ages * 24 * 60), unit="min")
    channels = np.array(["store", "web", "app", "phone", "chat"])
    stages = np.array(list(spec.stages))
    contacts = pd.DataFrame({"customer_id": ids[owner], "timestamp": stamp.strftime("%Y-%m-%d"),
                             "channel": channels[rng.integers(0, 5, size=len(owner))],
                             "stage": stages[rng.integers(0, len(stages), size=len(owner))],
                             "rating": ratings.astype(int)})
    contacts = contacts.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
    # Rows in id order, as a CRM export would be.
    extra: dict[str, Any] = {}
    if response is not None:
        tenure, responded = _respond(d, response, seed)
        customers.insert(4, "tenure_band", np.array(TENURE_BANDS)[tenure])
        has = pd.notna(seg)
        connected = seg == "fully connected"
        extra = {"rate": float(response), "responded": int(responded.sum()),
                 "population_connected": float(connected[has].mean()),
                 "respondent_connected": float(connected[has & responded].mean()),
                 "margins": ["region", "age_band", "tenure_band"]}
        survey_df = survey_df.loc[responded]
    survey_df = survey_df.sort_values("customer_id", kind="stable").reset_index(drop=True)
    customers = customers.sample(frac=1.0, random_state=np.random.RandomState(seed % 2**32)).reset_index(drop=True)
    tables = {"survey": survey_df, "customers": customers, "codebook": codebook, "contacts": contacts}
    return tables, {**pop, "response": extra}


def _config(spec: Spec, response: float | None = None) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "client": spec.client, "survey": "survey.csv", "customers": "customers.csv", "codebook": "codebook.csv",
        "contacts": "contacts.csv", "id": "customer_id", "wave": "wave", "waves": list(spec.waves),
        "satisfaction": {"column": "overall_sat", "top_box": 9}, "connection": {"threshold": 75},
        "value": list(spec.value_columns),
        "attrition": {"duration": "tenure_days", "event": "churned", "horizon": 365},
        "advocacy": {"column": "ltr"}, "privacy": {"min_cell": 30, "consent": "analytics_consent"},
        "covariates": ["region", "age_band"],
    }
    if spec.cuts:
        cfg["cuts"] = list(spec.cuts)
    if spec.weighted:
        cfg["weight"] = "resp_weight"
    if response is not None:
        cfg["weighting"] = {"rake": ["region", "age_band", "tenure_band"], "trim": 5}
        # A client's file as the demos show it: value columns with their labels and units.
        cfg["value"] = [{"column": c, "label": VALUE_LABELS[c][0], **({"unit": VALUE_LABELS[c][1]}
                                                                       if VALUE_LABELS[c][1] else {})}
                        for c in spec.value_columns]
    return cfg


#: Labels and units of the synthetic value columns (written to engagement.yaml with ``response=``).
VALUE_LABELS = {"annual_spend": ("Annual spend", "EUR"), "visits": ("Visits", "visits"),
                "annual_revenue": ("Annual revenue", "EUR"), "consolidated_assets": ("Consolidated assets", None)}


def _truth(spec: Spec, pop: dict[str, Any], n: int, seed: int) -> dict[str, Any]:
    # With shifted drivers the quadrants and effects are those of the latest wave (the client as it is now);
    # the earlier ones are in drivers_by_wave and shifts.
    now = _late(spec) if spec.shifted else spec
    el = _elements(now)
    truth = {
        "kind": spec.kind, "seed": seed, "n_customers": n,
        "segment_shares": pop["segment_shares"],
        "value_multiplier": pop["multipliers"][spec.value_columns[0]],
        "value_multipliers": pop["multipliers"],
        "top_motivators": list(spec.top_motivators),
        **_quadrant_truth(now, el, pop["stated"]),
        "element_effects": dict(zip(el["element"], el["beta"].astype(float))),
        "stated_importance": pop["stated"],
        "quadrant_rule": "derived high: share of R² above 100/p; stated high: above the mean over elements",
        "hazard_ratio": HR["fully connected"],
        "hazard_ratios": {s: HR[s] for s in segments.SEGMENTS},
        "recency": {"half_life_days": HALF_LIFE, "log_hr_per_point": BETA_S},
        "attrition": pop["attrition"],
        "waves": pop["waves"],
        "consent_share": 0.95,
    }
    if spec.kind == "tracker":
        truth.update(_tracker_truth(spec, pop))
    return truth


def _tracker_truth(spec: Spec, pop: dict[str, Any]) -> dict[str, Any]:
    """What a tracker plants: the step, the flat metric, the lagging region, the drivers that shift."""
    waves = list(spec.waves)
    phase = list(spec.phases) if spec.phases is not None else list(range(len(waves)))
    at = next(i for i in range(1, len(waves)) if phase[i] != phase[i - 1])  # the first wave of the programme
    before, after = waves[at - 1], waves[at]
    out: dict[str, Any] = {
        "step": {"metric": "connected", "from_wave": before, "to_wave": after,
                 "before": pop["waves"]["connected"][before], "after": pop["waves"]["connected"][after]},
        "flat_metric": "nps", "flat_metrics": ["advocacy", "nps"] if spec.flat_advocacy else [],
        "cuts": list(spec.cuts), "channels": {c: float(p) for c, p in spec.channels},
    }
    if spec.region_effect is not None:
        out["lagging"] = {"cut": "region", "group": REGIONS[int(np.argmin(spec.region_effect))]}
        out["by_region"] = pop["by_region"]
    if spec.shifted:
        early, late = _elements(spec), _elements(_late(spec))
        q_early = _quadrant_truth(spec, early, pop["stated"])
        q_late = _quadrant_truth(_late(spec), late, pop["stated"])

        def quadrant(q: dict[str, list[str]], e: str) -> str:
            return next(name for key, name in (("key_drivers", "key driver"), ("hidden_drivers", "hidden driver"),
                                               ("overrated", "overrated"), ("secondary", "secondary")) if e in q[key])

        shift_wave = waves[spec.shift_from]
        effect_before = dict(zip(early["element"], early["beta"].astype(float)))
        effect_after = dict(zip(late["element"], late["beta"].astype(float)))
        out["shifted_elements"] = list(spec.shifted)
        out["shift_waves"] = [waves[spec.shift_from - 1], shift_wave]
        out["shifts"] = {e: {"quadrant_before": quadrant(q_early, e), "quadrant_after": quadrant(q_late, e),
                             "effect_before": effect_before[e], "effect_after": effect_after[e]} for e in spec.shifted}
        out["drivers_by_wave"] = {w: {key: list((q_late if i >= spec.shift_from else q_early)[key])
                                      for key in ("key_drivers", "hidden_drivers", "overrated")}
                                  for i, w in enumerate(waves)}
    return out


def _quadrant_truth(spec: Spec, el: pd.DataFrame, stated: dict[str, float]) -> dict[str, list[str]]:
    """Planted quadrants: drivers are the elements with an effect; stated importance is high above the mean
    of the elements' population means (the analysis's default rule). The named overrated elements are among
    the overrated; other elements customers call important without an effect on connection are too."""
    cut = float(np.mean(list(stated.values())))
    drivers = set(spec.key_drivers) | set(spec.hidden_drivers)
    out: dict[str, list[str]] = {"key_drivers": [], "hidden_drivers": [], "overrated": [], "secondary": []}
    for e in el["element"]:
        high = stated[e] > cut
        key = ("key_drivers" if high else "hidden_drivers") if e in drivers else ("overrated" if high else "secondary")
        out[key].append(e)
    if set(out["hidden_drivers"]) != set(spec.hidden_drivers) or not set(spec.overrated) <= set(out["overrated"]):
        raise RuntimeError(f"synth {spec.kind}: the planted quadrants do not hold at population level")
    out["named_overrated"] = list(spec.overrated)
    out["stated_cut"] = cut
    return out


def _write(folder: Path, tables: dict[str, pd.DataFrame], config: dict[str, Any], truth: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n")
    (folder / "engagement.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (folder / "truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def make_engagement(kind: str = "retailer", n_customers: int = 5000, seed: int = 0,
                    path: str | Path | None = None, *,
                    response: float | None = None, waves: int | None = None) -> tuple[Engagement, dict[str, Any]]:
    """Draw a synthetic engagement with a planted truth.

    Parameters
    ----------
    kind : {"retailer", "brokerage", "tracker"}
        Retailer: ~60 elements over five journey stages, weights, pre/post waves 21%→26% connected,
        37%→33% 12-month attrition, 24%→30% promoters. Brokerage: 100 elements, a 0/1 consolidated-assets
        outcome ~6× likelier among the connected, waves 2025/2026 with small changes. Tracker: the retailer's
        elements in six quarterly waves, a step in the connected share at wave 4 (20% → 30%), a flat NPS, a
        lagging region (North) and three elements that change quadrant at wave 4 (module docstring).
    n_customers : int
        Respondents (each is also a customer row); with ``response``, customers (the whole customer base).
    seed : int
        Seed; the same seed gives the same data, byte for byte.
    path : path-like, optional
        Write the engagement folder (and ``truth.json``) there.
    response : float, optional
        A response rate (between 0 and 1): only some customers respond, with a planted propensity of their
        tenure band, age band and region, so respondents over-represent connected customers (module
        docstring); the engagement rakes to those columns and ``truth["response"]`` holds the customer
        base's share of fully connected customers. Default: every customer responds.
    waves : {2, 3}, optional
        Retailer and brokerage only: ``3`` adds a third wave (the demos' data). The retailer's waves are
        ``pre, post, later`` (21% → 26% → 28% connected, 37% → 33% → 32% attrition, 24% → 30% → 31% promoters:
        the programme's gain continues a little), the brokerage's ``2025, 2026, 2027`` (2027 the same as
        2026: its last two waves share one calibration, so their truths are equal); survey dates a year
        apart and the data cut a year later than with two waves. engagement.yaml then lists ``cuts: [region,
        age_band]``. Default (or ``2``): the kind's two waves, exactly the data it always gave.

    Returns
    -------
    (Engagement, dict)
        The validated engagement and its truth (see the module docstring for the keys).

    Examples
    --------
    >>> eng, truth = make_engagement("retailer", n_customers=500, seed=1)
    >>> eng.client, round(truth["value_multiplier"], 2)
    ('Demo Retailer', 2.0)
    >>> eng, truth = make_engagement("retailer", n_customers=600, seed=1, response=0.4)
    >>> len(eng.customers), len(eng.survey) == truth["response"]["responded"], eng.config["weighting"]["rake"]
    (600, True, ['region', 'age_band', 'tenure_band'])
    >>> truth["response"]["respondent_connected"] > truth["response"]["population_connected"]
    True
    >>> eng, truth = make_engagement("brokerage", n_customers=300, seed=1, waves=3)
    >>> connected = truth["waves"]["connected"]
    >>> eng.config["waves"], eng.config["cuts"], connected["2027"] == connected["2026"]
    (['2025', '2026', '2027'], ['region', 'age_band'], True)
    >>> eng, truth = make_engagement("tracker", n_customers=300, seed=1)
    >>> eng.config["waves"][0], eng.config["waves"][-1], eng.config["cuts"], truth["step"]["to_wave"]
    ('2025Q1', '2026Q2', ['region', 'channel'], '2025Q4')
    >>> len(set(truth["waves"]["nps"].values())), truth["lagging"]["group"], truth["shift_waves"]
    (1, 'North', ['2025Q3', '2025Q4'])
    """
    if kind not in SPECS:
        raise ValueError(f"make_engagement: kind must be one of {KINDS}, not {kind!r}")
    if n_customers < 50:
        raise ValueError("make_engagement: n_customers must be at least 50")
    if waves is not None and (isinstance(waves, bool) or not isinstance(waves, (int, np.integer))
                              or int(waves) not in (len(SPECS[kind].waves),) + ((3,) if kind in THREE_WAVES else ())):
        allowed = "2 or 3" if kind in THREE_WAVES else str(len(SPECS[kind].waves))
        raise ValueError(f"make_engagement: waves of a {kind} must be {allowed}, not {waves!r}")
    spec = SPECS[kind] if waves is None or int(waves) == len(SPECS[kind].waves) else THREE_WAVES[kind]
    if response is not None:
        if isinstance(response, bool) or not isinstance(response, (int, float)) or not 0 < response < 1:
            raise ValueError(f"make_engagement: response must be a response rate between 0 and 1, not {response!r}")
        spec = replace(spec, weighted=False)  # the whole customer base: ages as in the population, no given weights
    tables, pop = _draw_sample(spec, int(n_customers), int(seed), response)
    config = _config(spec, response)
    truth = _truth(spec, pop, int(n_customers), int(seed))
    if response is not None:
        truth["response"] = pop["response"]
    slug = "synthetic-" + kind
    if path is not None:
        folder = Path(path)
        _write(folder, tables, config, truth)
        from .engagement import load_engagement

        return load_engagement(folder), truth
    # In memory: the same validation as a folder, fed from the frames as a CSV round trip would give them.
    as_read = {k: v.astype(object).where(v.notna(), None) if k != "codebook" else v for k, v in tables.items()}
    return from_frames(config, as_read["survey"], as_read["customers"], tables["codebook"], as_read["contacts"],
                       slug=slug), truth
