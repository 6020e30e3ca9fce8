"""A driver-analysis sample with a planted truth and a halo linking every rating (issue 17).

``planted(n=1500, seed=0, ...)`` returns ``(frame, codebook, truth)`` ready for
``cxlib.drivers.importance(frame, codebook)``: ``p`` experience elements (default 80) over five journey
stages, each with a performance rating (1–10, ≈10% blank, "not experienced") and a stated importance
(1–5), and the outcome ``connection_index`` (0–100). Written for the classification tests, in the spirit of
tests/raw_exports.py and ``cxlib.synth`` (which keeps stated importance clear of the cut and has no halo
in the outcome).

The generative model (per respondent)
-------------------------------------
- **Experience.** ``P_j = g G + s S_stage + √(1−g²−s²) U_j`` (general and journey-stage factors).
- **Connection.** ``C = √R² · Σ β_j P_j / sd + √(1−R²) ε``: only the planted key and hidden drivers have a
  coefficient (``β`` drawn in ``beta_range``); every other element has none (the planted nulls).
- **The halo** ``H`` (a respondent's general positivity) enters **every rating**: performance
  ``X_j = √(1−h²) P_j + h H`` (rated ``round(6.2 + 1.7 X_j)``), and the outcome
  ``connection_index = 55 + 18 (√(1−h_y²) C + h_y H)``. So every element, null or not, is correlated with
  the outcome, and a null element has a positive *population* relative weight.
- **Stated importance** ``round(μ_j + t_i + 0.9 e)`` clipped to 1–5, with a respondent offset ``t_i``
  (some call everything important) correlated ``stated_halo_corr`` with ``H``; ``μ_j``: key drivers and
  overrated elements 4.1–4.5, hidden drivers 2.0–2.4, the other nulls spread over 1.7–4.4 (so some sit
  near the stated cut and are rightly "possible").

``truth``: ``key_drivers, hidden_drivers, overrated, nulls`` (element names; ``overrated`` = nulls whose
population stated importance is above the mean over elements), ``beta`` {element: coefficient},
``stated`` {element: population mean stated importance 0–100} and ``stated_cut``. Deterministic in ``seed``.
``population_importance(...)`` returns the population relative weights (percent of R²) of the same
generator from a large draw.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

STAGES = ("discover", "shop", "buy", "receive", "service")
DIMENSIONS = ("effectiveness", "ease", "emotion")


def _design(p: int, n_key: int, n_hidden: int, n_overrated: int, beta_range: tuple[float, float]) -> pd.DataFrame:
    """The elements: name, stage, dimension, role, β and mean stated importance (1–5). Fixed (seed 17) so
    the truth does not move with the sample's seed."""
    design = np.random.default_rng(17)
    el = pd.DataFrame({"element": [f"Element {j + 1:02d}" for j in range(p)],
                       "stage": [STAGES[j % len(STAGES)] for j in range(p)],
                       "dimension": [DIMENSIONS[(j // len(STAGES)) % 3] for j in range(p)]})
    order = design.permutation(p)
    role = np.full(p, "null", dtype=object)
    role[order[:n_key]] = "key"
    role[order[n_key:n_key + n_hidden]] = "hidden"
    role[order[n_key + n_hidden:n_key + n_hidden + n_overrated]] = "overrated"
    el["role"] = role
    el["beta"] = np.where(np.isin(role, ["key", "hidden"]), design.uniform(*beta_range, size=p), 0.0)
    el["stated_mean"] = np.select([np.isin(role, ["key", "overrated"]), role == "hidden"],
                                  [design.uniform(4.1, 4.5, size=p), design.uniform(2.0, 2.4, size=p)],
                                  default=design.uniform(1.7, 4.4, size=p))
    return el


def _draw(el: pd.DataFrame, n: int, rng: np.random.Generator, *, halo: float, outcome_halo: float, r2: float,
          g: float, s: float, stated_halo_corr: float, missing: float, twins: float = 0,
          twin_corr: float = 0.7) -> tuple[pd.DataFrame, np.ndarray]:
    p = len(el)
    stage = pd.Categorical(el["stage"], categories=STAGES).codes
    G = rng.standard_normal(n)
    S = rng.standard_normal((n, len(STAGES)))
    P = g * G[:, None] + s * S[:, stage] + np.sqrt(1 - g**2 - s**2) * rng.standard_normal((n, p))
    beta = el["beta"].to_numpy()
    corr = g**2 + s**2 * (stage[:, None] == stage[None, :]) + (1 - g**2 - s**2) * np.eye(p)
    # Twins: the first ``twins`` nulls are near-copies of the hidden drivers (two questions about one thing).
    hidden = np.flatnonzero(el["role"].to_numpy() == "hidden")
    nulls = np.flatnonzero(el["role"].to_numpy() == "null")
    for k in range(int(twins)):
        a, b = hidden[k % len(hidden)], nulls[k]
        P[:, b] = twin_corr * P[:, a] + np.sqrt(1 - twin_corr**2) * P[:, b]
        corr[b, :] = corr[:, b] = twin_corr * corr[a, :] + np.sqrt(1 - twin_corr**2) * corr[b, :]
        corr[b, b] = 1.0
    C = np.sqrt(r2) * (P @ beta) / np.sqrt(beta @ corr @ beta) + np.sqrt(1 - r2) * rng.standard_normal(n)
    H = rng.standard_normal(n)
    X = np.sqrt(1 - halo**2) * P + halo * H[:, None]
    perf = np.clip(np.round(6.2 + 1.7 * X), 1, 10)
    perf[rng.random(perf.shape) < missing] = np.nan
    t = 0.5 * (stated_halo_corr * H + np.sqrt(1 - stated_halo_corr**2) * rng.standard_normal(n))
    imp = np.clip(np.round(el["stated_mean"].to_numpy() + t[:, None] + 0.9 * rng.standard_normal((n, p))), 1, 5)
    y = 55 + 18 * (np.sqrt(1 - outcome_halo**2) * C + outcome_halo * H)
    data = {"customer_id": [f"P{i:06d}" for i in range(n)], "connection_index": np.clip(y, 0, 100)}
    for j in range(p):
        data[f"perf_{j + 1:02d}"] = perf[:, j]
        data[f"imp_{j + 1:02d}"] = imp[:, j]
    return pd.DataFrame(data), imp


def _codebook(el: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for j, r in enumerate(el.itertuples()):
        common = {"element": r.element, "stage": r.stage, "dimension": r.dimension}
        rows.append({"column": f"perf_{j + 1:02d}", "role": "element_performance", "scale_min": 1, "scale_max": 10,
                     "label": f"Performance: {r.element}", **common})
        rows.append({"column": f"imp_{j + 1:02d}", "role": "element_importance", "scale_min": 1, "scale_max": 5,
                     "label": f"Importance: {r.element}", **common})
    return pd.DataFrame(rows, columns=["column", "role", "label", "scale_min", "scale_max", "motivator", "element",
                                       "stage", "dimension"])


DEFAULTS = dict(halo=0.5, outcome_halo=0.4, r2=0.6, g=0.4, s=0.25, stated_halo_corr=0.5, missing=0.10)


def planted(n: int = 1500, seed: int = 0, *, p: int = 80, n_key: int = 5, n_hidden: int = 4, n_overrated: int = 5,
            beta_range: tuple[float, float] = (0.7, 1.0), **model: float) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """A sample of ``n`` respondents (see the module docstring); ``model`` overrides :data:`DEFAULTS`."""
    el = _design(p, n_key, n_hidden, n_overrated, beta_range)
    frame, _ = _draw(el, n, np.random.default_rng(seed), **{**DEFAULTS, **model})
    stated = _population_stated(el, **{**DEFAULTS, **model})
    cut = float(np.mean(list(stated.values())))
    nulls = el.loc[el["beta"] == 0, "element"].tolist()
    truth = {"key_drivers": [e for e, b in zip(el["element"], el["beta"]) if b > 0 and stated[e] > cut],
             "hidden_drivers": [e for e, b in zip(el["element"], el["beta"]) if b > 0 and stated[e] <= cut],
             "overrated": [e for e in nulls if stated[e] > cut], "nulls": nulls,
             "beta": dict(zip(el["element"], el["beta"].astype(float))), "stated": stated, "stated_cut": cut}
    assert set(truth["hidden_drivers"]) == set(el.loc[el["role"] == "hidden", "element"])
    return frame, _codebook(el), truth


def _population_stated(el: pd.DataFrame, **model: float) -> dict[str, float]:
    """Population mean stated importance (0–100) of each element: a 200,000-respondent draw."""
    rng = np.random.default_rng(99)
    m = 200_000
    H = rng.standard_normal(m)
    c = model["stated_halo_corr"]
    t = 0.5 * (c * H + np.sqrt(1 - c**2) * rng.standard_normal(m))
    out = {}
    for e, mu in zip(el["element"], el["stated_mean"]):
        v = np.clip(np.round(mu + t + 0.9 * rng.standard_normal(m)), 1, 5)
        out[e] = float((v.mean() - 1) / 4 * 100)
    return out


def population_importance(n: int = 200_000, *, p: int = 80, n_key: int = 5, n_hidden: int = 4, n_overrated: int = 5,
                          beta_range: tuple[float, float] = (0.7, 1.0), **model: float) -> pd.Series:
    """Population relative weights (percent of R², mean-imputed blanks as the analysis does) from one large
    draw of the generator: ``{element: share}``."""
    from cxlib import drivers

    el = _design(p, n_key, n_hidden, n_overrated, beta_range)
    frame, _ = _draw(el, n, np.random.default_rng(12345), **{**DEFAULTS, **model})
    X = frame[[f"perf_{j + 1:02d}" for j in range(p)]]
    X = X.fillna(X.mean())
    X.columns = list(el["element"])
    rw = drivers.relative_weights(X, frame["connection_index"])
    return rw.table.set_index("predictor")["rescaled"]
