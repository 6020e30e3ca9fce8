"""Contact-point experience and attrition: recency-weighted experience scores, follow-up split at contacts,
and the choice of half-life.

Each customer's contact ratings (−2 … +2) are averaged with recency weights ``0.5 ** (age / half_life)``: a
contact ``half_life`` days old counts half as much as one today. :func:`contact_experience` gives the score
at the start of follow-up (for :func:`cxlib.survival.cox`), from contacts up to each customer's follow-up start
only, :func:`experience_episodes` the score as it stood on each day of follow-up (for
:func:`cxlib.survival.cox_time_varying`), from contacts before that day only, and
:func:`compare_half_lives` fits the attrition model at several half-lives and says which describes leaving
best. Contacts are pseudonymised like the frame: pass ``eng.contact_frame()``, not ``eng.contacts``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import checks, survival
from .errors import ArgumentError
from .results import Reason, Result

__all__ = ["recency_score", "contact_experience", "experience_episodes", "compare_half_lives", "HalfLives"]

#: The half-lives compared by default; ``None`` is no decay (every past contact counts the same).
HALF_LIVES = (30, 90, 180, 365, None)
NO_DECAY = "no decay (plain average)"


def _check_contacts(contacts: Any, id_column: str, function: str) -> None:
    contacts = checks.frame(contacts, function, "contacts")
    checks.columns(contacts, function, id_column=id_column)
    missing = [c for c in ("timestamp", "rating") if c not in contacts.columns]
    if missing:
        raise ArgumentError(f"{function}: contacts must have the columns 'timestamp' and 'rating' (−2 … +2); "
                            f"missing {missing}{checks.close_matches(missing[0], contacts.columns)}",
                            function=function, argument="contacts")
    checks.numeric(contacts, function, rating="rating")


def _half_life(value: Any, function: str) -> float:
    if value is None or (isinstance(value, float) and math.isinf(value) and value > 0):
        return math.inf
    return checks.positive(value, function, "half_life_days")


def recency_score(contacts: pd.DataFrame, *, id_column: str, as_of: pd.Series | pd.Timestamp,
                  half_life_days: float = 90.0, window_days: float | None = None) -> pd.DataFrame:
    """Each customer's recency-weighted contact experience: recent contacts count more.

    Parameters
    ----------
    contacts : DataFrame
        One row per contact: ``id_column``, ``timestamp``, ``rating`` (−2 … +2).
    id_column : str
        Customer id column.
    as_of : Timestamp or Series
        Reference date (one for all, or a Series indexed by customer id); contacts after it are ignored.
    half_life_days : float
        A contact ``half_life_days`` old weighs half as much as one today: ``w = 0.5 ** (age / half_life)``.
    window_days : float, optional
        Only contacts at most this old count.

    Returns
    -------
    DataFrame
        Indexed by customer id: ``experience`` (weighted mean rating, −2 … +2), ``n_contacts``,
        ``weight_sum`` (the total recency weight, a measure of how much recent contact there was).

    Examples
    --------
    >>> contacts = pd.DataFrame({"id": ["a", "a", "b"], "timestamp": ["2025-01-01", "2025-03-31", "2025-03-01"],
    ...                          "rating": [2, -2, 1]})
    >>> s = recency_score(contacts, id_column="id", as_of=pd.Timestamp("2025-04-01"), half_life_days=90)
    >>> s.round(3).to_dict("index")
    {'a': {'experience': -0.66, 'n_contacts': 2, 'weight_sum': 1.492}, 'b': {'experience': 1.0, 'n_contacts': 1, 'weight_sum': 0.788}}
    """
    _check_contacts(contacts, id_column, "contacts.recency_score")
    half_life_days = _half_life(half_life_days, "contacts.recency_score")
    if window_days is not None:
        window_days = checks.positive(window_days, "contacts.recency_score", "window_days")
    if not isinstance(as_of, (pd.Timestamp, pd.Series)):
        raise ArgumentError("contacts.recency_score: as_of must be a Timestamp or a Series of dates indexed by "
                            f"customer id, not {type(as_of).__name__}", function="contacts.recency_score",
                            argument="as_of")
    c = contacts[[id_column, "timestamp", "rating"]].dropna()
    if not isinstance(as_of, pd.Timestamp):
        _contacts_match(c, pd.Series(as_of.index), id_column, "recency_score")
    ts = pd.to_datetime(c["timestamp"])
    ref = as_of if isinstance(as_of, pd.Timestamp) else c[id_column].map(as_of)
    age = (pd.to_datetime(ref) - ts).dt.total_seconds().to_numpy() / 86400 if not isinstance(as_of, pd.Timestamp) \
        else (as_of - ts).dt.total_seconds().to_numpy() / 86400
    keep = age >= 0
    if window_days is not None:
        keep &= age <= window_days
    w = 0.5 ** (age[keep] / half_life_days)
    g = pd.DataFrame({"id": c[id_column].to_numpy()[keep], "w": w, "wr": w * c["rating"].to_numpy(dtype=float)[keep]})
    agg = g.groupby("id").agg(weight_sum=("w", "sum"), wr=("wr", "sum"), n_contacts=("w", "size"))
    agg["experience"] = agg["wr"] / agg["weight_sum"]
    agg.index.name = id_column
    return agg[["experience", "n_contacts", "weight_sum"]]


def _contacts_match(contacts: pd.DataFrame, ids: pd.Series, id_column: str, where: str) -> None:
    """Contacts whose ids match none of the frame's are almost always raw ids against pseudonyms: say so
    instead of scoring every customer as having no contacts."""
    if len(contacts) and len(ids) and not contacts[id_column].isin(set(ids)).any():
        raise ArgumentError(f"{where}: none of the {len(contacts):,} contacts has an id in the frame's {id_column!r}; "
                            "eng.frame() carries pseudonymised ids, so pass eng.contact_frame() rather than eng.contacts",
                            function=where, argument="contacts")


def contact_experience(contacts: pd.DataFrame, frame: pd.DataFrame, *, id_column: str,
                       origin: pd.Series | pd.Timestamp | None = None, wave: str | None = None,
                       half_life_days: float = 90.0, recent_days: float = 90.0) -> pd.DataFrame:
    """Per-customer contact experience at the start of follow-up, for the attrition models (a baseline
    covariate: it uses no contact after a customer's follow-up starts).

    Parameters
    ----------
    contacts : DataFrame
        One row per contact: ``id_column``, ``timestamp``, ``rating`` (−2 … +2); ``eng.contact_frame()``.
    frame : DataFrame
        One row per customer with ``id_column`` (and ``wave`` when given).
    id_column : str
        Customer id column.
    origin : Timestamp or Series, optional
        The date each customer's follow-up starts (the response date, ``attrition.start``): one for all, or
        a Series of dates indexed by customer id, as in :func:`experience_episodes`. Each customer's score
        is taken as of that date: contacts after it are left out (they belong in
        :func:`experience_episodes`), and a customer without a date gets no score (the average, with
        ``has_contacts`` False).
    wave : str, optional
        Used only without ``origin``: the reference date of every customer of a wave is the latest contact
        recorded in that wave.
    half_life_days : float
        Recency half-life (``None``: no decay, a plain average).
    recent_days : float
        The window of ``recent_rating``.

    Returns
    -------
    DataFrame
        Indexed like ``frame``: ``experience`` (recency-weighted mean rating, ``half_life_days``),
        ``recent_rating`` (mean rating of contacts in the last ``recent_days``) and ``older_rating`` (mean
        of earlier contacts); customers without contacts get the average (0 weight of evidence), and
        ``has_contacts`` says which.

    Notes
    -----
    A contact counts when its timestamp is at or before the customer's reference date ``a``, with weight
    ``0.5 ** ((a − t) / half_life)``; this is the score :func:`experience_episodes` gives the first episode.
    Without ``origin`` no follow-up start is known, and the reference date of a wave is its latest
    contact: right when the contact log ends at the survey (as :func:`cxlib.synth.make_engagement`
    writes it), but a look-ahead when the log runs past the survey (ratings given after follow-up starts,
    possibly by customers about to leave, would enter a baseline covariate). Pass ``origin`` whenever the
    dates are known; tests/test_contacts.py checks that contacts after it change nothing.

    Examples
    --------
    >>> contacts = pd.DataFrame({"id": ["a", "a", "b"], "timestamp": ["2025-01-01", "2025-03-31", "2025-03-01"],
    ...                          "rating": [2, -2, 1]})
    >>> frame = pd.DataFrame({"id": ["a", "b", "c"]})
    >>> contact_experience(contacts, frame, id_column="id").round(3).to_dict("list")
    {'experience': [-0.66, 1.0, 0.17], 'recent_rating': [0.0, 1.0, 0.5], 'older_rating': [nan, nan, nan], 'has_contacts': [True, True, False]}

    With each customer's follow-up start, the contact of 31 March (after a's start) is left out:

    >>> start = pd.Series(pd.to_datetime(["2025-03-01", "2025-03-01", "2025-03-01"]), index=["a", "b", "c"])
    >>> contact_experience(contacts, frame, id_column="id", origin=start)["experience"].round(3).tolist()
    [2.0, 1.0, 1.5]
    """
    function = "contacts.contact_experience"
    _check_contacts(contacts, id_column, function)
    frame = checks.frame(frame, function, "frame")
    checks.columns(frame, function, id_column=id_column, wave=wave)
    half_life_days = _half_life(half_life_days, function)
    recent_days = checks.positive(recent_days, function, "recent_days")
    _contacts_match(contacts, frame[id_column], id_column, "contacts.contact_experience")
    origin = _origin(origin, function)
    return _scores(_ages(contacts, frame, id_column=id_column, wave=wave, origin=origin), half_life_days, recent_days)


def _origin(value: Any, function: str) -> pd.Series | pd.Timestamp | None:
    if value is None or isinstance(value, pd.Timestamp):
        return value
    if not isinstance(value, pd.Series):
        raise ArgumentError(f"{function}: origin must be a Timestamp or a Series of dates indexed by customer id, "
                            f"not {type(value).__name__}", function=function, argument="origin")
    if value.index.has_duplicates:
        dup = value.index[value.index.duplicated()][:3].tolist()
        raise ArgumentError(f"{function}: origin gives more than one date for customer(s) {dup}: one follow-up "
                            "start per customer", function=function, argument="origin")
    return pd.to_datetime(value, errors="coerce")


def _days(stamps: Any) -> np.ndarray:
    """Dates as float days since the epoch; missing dates as NaN."""
    t = pd.to_datetime(pd.Series(stamps), errors="coerce")
    out = t.to_numpy("datetime64[s]").astype("int64") / 86400.0
    out[t.isna().to_numpy()] = np.nan
    return out


def _ages(contacts: pd.DataFrame, frame: pd.DataFrame, *, id_column: str, wave: str | None,
          origin: pd.Series | pd.Timestamp | None = None) -> dict[str, Any]:
    """What does not depend on the half-life: each contact's customer (row of ``frame``), age and rating.
    The age is taken at the customer's follow-up start (``origin``) when known; a contact after it has a
    negative age and counts nowhere (:func:`_scores`)."""
    ids = pd.Index(frame[id_column])
    code = ids.get_indexer(contacts[id_column])  # -1: a contact of someone not in the frame
    ts = _days(contacts["timestamp"])
    rating = contacts["rating"].to_numpy(float)
    keep = (code >= 0) & np.isfinite(ts) & np.isfinite(rating)
    code, ts, rating = code[keep], ts[keep], rating[keep]
    n = len(ids)
    if origin is not None:
        if isinstance(origin, pd.Timestamp):
            as_of = np.full(n, _days([origin])[0])
        else:
            as_of = _days(frame[id_column].map(origin))
    elif wave:
        # Reference date of a wave: its latest contact (contacts precede the survey that starts follow-up).
        wave_code, wave_levels = pd.factorize(frame[wave])
        cw = wave_code[code]
        ok = cw >= 0
        ref_by_wave = np.full(len(wave_levels), -np.inf)
        np.maximum.at(ref_by_wave, cw[ok], ts[ok])
        as_of = np.where(wave_code >= 0, ref_by_wave[np.maximum(wave_code, 0)], np.nan)
    else:
        as_of = np.full(n, ts.max() if len(ts) else np.nan)
    return {"code": code, "age": as_of[code] - ts, "rating": rating, "n": n, "index": frame.index}


def _scores(a: dict[str, Any], half_life_days: float, recent_days: float) -> pd.DataFrame:
    code, age, rating, n = a["code"], a["age"], a["rating"], a["n"]
    valid = np.nan_to_num(age, nan=-1.0) >= 0  # after the reference date, or no date: not counted
    w = np.where(valid, 0.5 ** (np.where(valid, age, 0) / half_life_days), 0.0)
    wsum = np.bincount(code, weights=w, minlength=n)
    experience = np.bincount(code, weights=w * rating, minlength=n) / np.where(wsum > 0, wsum, np.nan)
    recent = valid & (age <= recent_days)
    older = valid & (age > recent_days)

    def mean_of(mask):
        cnt = np.bincount(code[mask], minlength=n)
        return np.bincount(code[mask], weights=rating[mask], minlength=n) / np.where(cnt > 0, cnt, np.nan)

    out = pd.DataFrame({"experience": experience, "recent_rating": mean_of(recent), "older_rating": mean_of(older)},
                       index=a["index"])
    out["has_contacts"] = out["experience"].notna()
    return out.fillna({c: out[c].mean() for c in ("experience", "recent_rating", "older_rating")})


def experience_episodes(contacts: pd.DataFrame, frame: pd.DataFrame, *, id_column: str, duration: str, event: str,
                        origin: pd.Series | pd.Timestamp, half_life_days: float = 90.0) -> pd.DataFrame:
    """Split each customer's follow-up at their contacts: counting-process rows with the experience score as it
    stood in each episode, for :func:`cxlib.survival.cox_time_varying`.

    Parameters
    ----------
    contacts : DataFrame
        One row per contact: ``id_column``, ``timestamp``, ``rating`` (−2 … +2), before and after follow-up starts.
    frame : DataFrame
        One row per customer with ``id_column``, ``duration`` (days from ``origin``) and ``event``; every other
        column is copied onto the customer's episodes.
    origin : Timestamp or Series
        The date follow-up starts (one for all, or a Series indexed by customer id).
    half_life_days : float
        Recency half-life of the experience score, as in :func:`recency_score`.

    Returns
    -------
    DataFrame
        ``frame``'s columns plus ``start``, ``stop`` (days since origin; at risk on ``(start, stop]``),
        ``event`` (1 only on a churner's last episode), ``experience`` (the recency-weighted mean rating of all
        contacts up to ``start``; customers with none yet get the mean of everyone's score at origin) and
        ``has_contacts``.

    Notes
    -----
    Recency weights ``0.5 ** (age / half_life)`` decay at the same rate for every past contact, so their
    weighted mean is constant between contacts: the score changes only when a new contact arrives, and
    splitting follow-up at contact days represents it exactly. A contact on day ``k`` changes the score from
    the episode ``(k, …]`` on: it cannot explain a churn on the same day. No episode looks ahead: the score
    of ``(start, stop]`` uses only contacts up to day ``start``, the first episode's is
    :func:`contact_experience` at ``origin``, and contacts from the last day of follow-up on are never read
    (checked episode by episode against :func:`recency_score` in tests/test_contacts.py).

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlib import contacts as cxc
    >>> contacts = pd.DataFrame({"id": ["a", "a", "b"], "timestamp": ["2025-01-01", "2025-03-02", "2025-01-01"],
    ...                          "rating": [2, -2, 1]})
    >>> frame = pd.DataFrame({"id": ["a", "b"], "days": [100, 30], "left": [1, 0]})
    >>> ep = cxc.experience_episodes(contacts, frame, id_column="id", duration="days", event="left",
    ...                              origin=pd.Timestamp("2025-01-31"))
    >>> ep[["id", "start", "stop", "left", "experience"]].round(2).to_string(index=False)
    'id  start  stop  left  experience\\n a    0.0  30.0     0        2.00\\n a   30.0 100.0     1       -0.45\\n b    0.0  30.0     0        1.00'
    """
    function = "contacts.experience_episodes"
    _check_contacts(contacts, id_column, function)
    frame = checks.frame(frame, function, "frame")
    checks.columns(frame, function, id_column=id_column)
    checks.numeric(frame, function, duration=duration)
    checks.binary(frame, function, event=event)
    half_life_days = _half_life(half_life_days, function)
    if not isinstance(origin, (pd.Timestamp, pd.Series)):
        raise ArgumentError(f"{function}: origin must be a Timestamp or a Series of dates indexed by customer id, "
                            f"not {type(origin).__name__}", function=function, argument="origin")
    ids = frame[id_column]
    _contacts_match(contacts, ids, id_column, function)
    if isinstance(origin, pd.Timestamp):
        origin_of = pd.Series(origin, index=pd.Index(ids.unique()))
    else:
        origin_of = pd.to_datetime(origin)
    c = contacts[[id_column, "timestamp", "rating"]].dropna().copy()
    c = c[c[id_column].isin(set(ids))]
    day = (pd.to_datetime(c["timestamp"]) - c[id_column].map(origin_of)).dt.total_seconds().to_numpy() / 86400
    c["day"] = np.ceil(day)  # a contact during day k counts from day k (integer follow-up days)
    c = c.dropna(subset=["day"]).sort_values([id_column, "day"], kind="stable")
    # Weights relative to the origin: 2^(day / h); the running weighted mean is the score after each contact.
    wgt = np.exp2(c["day"].to_numpy() / half_life_days)
    c["wr"] = wgt * c["rating"].to_numpy(float)
    c["w"] = wgt
    g = c.groupby(id_column, sort=False)
    c["score"] = g["wr"].cumsum() / g["w"].cumsum()
    dur = c[id_column].map(frame.set_index(id_column)[duration])
    at_origin = c[c["day"] <= 0].groupby(id_column)["score"].last()
    later = c[(c["day"] > 0) & (c["day"] < dur)]
    later = later.groupby([id_column, "day"], sort=False)["score"].last().reset_index()  # same-day contacts: one split
    fill = float(at_origin.mean()) if len(at_origin) else 0.0

    base = frame.reset_index(drop=True)
    first = pd.DataFrame({id_column: base[id_column], "start": 0.0,
                          "experience": base[id_column].map(at_origin).to_numpy()})
    splits = pd.DataFrame({id_column: later[id_column], "start": later["day"].to_numpy(float),
                           "experience": later["score"].to_numpy()})
    ep = pd.concat([first, splits], ignore_index=True).sort_values([id_column, "start"], kind="stable")
    ep["has_contacts"] = ep["experience"].notna()
    ep["experience"] = ep.groupby(id_column, sort=False)["experience"].ffill().fillna(fill)
    ep["has_contacts"] = ep.groupby(id_column, sort=False)["has_contacts"].cummax()
    nxt = ep.groupby(id_column, sort=False)["start"].shift(-1)
    ep["stop"] = nxt.fillna(ep[id_column].map(base.set_index(id_column)[duration])).to_numpy(float)
    last = nxt.isna().to_numpy()
    out = ep.merge(base.drop(columns=[event]), on=id_column, how="left", sort=False)
    out[event] = np.where(last, out[id_column].map(base.set_index(id_column)[event]).to_numpy(), 0).astype(int)
    out = out[out["stop"] > out["start"]]
    cols = list(base.columns) + ["start", "stop", "experience", "has_contacts"]
    cols = [c for c in dict.fromkeys(cols) if c != duration]
    return out[cols].reset_index(drop=True)


def _half_life_label(h: float) -> str:
    return NO_DECAY if math.isinf(h) else f"{h:,.0f} days"


@dataclass(frozen=True, eq=False)
class HalfLives(Result):
    """The attrition model fitted with the experience score at several half-lives.

    Attributes
    ----------
    table : DataFrame
        ``half_life, label, hazard_ratio, ci_low, ci_high, log_likelihood, n`` (+ ``n_effective`` when
        weighted): ``half_life`` in days (``inf`` for no decay), ``label`` in words, the hazard ratio per
        rating point of the experience score with its interval, and the model's log-likelihood.
    best : float
        The half-life with the highest log-likelihood (``inf``: no decay fits best).
    best_label : str
        ``best`` in words.
    covariates : tuple of str
        The model's covariates besides the experience score.
    reason : Reason or None
        Set (and the table empty) when no model could be fitted.
    estimable, decays : bool
        Whether a model was fitted; whether a finite half-life fits best (recent experiences weigh more).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"customer_id": ["a", "b"], "tenure_days": [100, 30], "churned": [1, 0],
    ...                   "segment": ["other", "other"]})
    >>> h = compare_half_lives(f, None, duration="tenure_days", event="churned", id_column="customer_id")
    >>> h.estimable, h.decays, h.reason.code  # no contact-point data: nothing to fit
    (False, False, 'no_contacts')
    >>> h.table.columns.tolist()
    ['half_life', 'label', 'hazard_ratio', 'ci_low', 'ci_high', 'log_likelihood', 'n']
    >>> h.headline().startswith("How fast experiences fade cannot be estimated")
    True
    """

    best: float = float("nan")
    best_label: str = ""
    covariates: tuple = ()
    reason: Reason | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None

    @property
    def decays(self) -> bool:
        """True when a finite half-life fits best (recent experiences weigh more than old ones)."""
        return self.estimable and not math.isinf(self.best)

    def headline(self) -> str:
        from .report import Markdown

        if not self.estimable:
            return Markdown(f"How fast experiences fade cannot be estimated: {self.reason.sentence}.")
        tail = ("; recent experiences weigh more than old ones." if self.decays
                else "; here old experiences weigh as much as recent ones.")
        return Markdown(f"The best-fitting half-life is **{self.best_label}**{tail}")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Hazard ratio per rating point at each half-life (:func:`cxlib.plots.estimates`)."""
        from . import plots

        if not self.estimable:
            raise ArgumentError("HalfLives.plot: no model could be fitted, so there is nothing to draw",
                                function="HalfLives.plot", argument="data")
        t = self._table.rename(columns={"hazard_ratio": "estimate"})
        kwargs.setdefault("title", f"Hazard ratio per rating point, by half-life (n={self.n:,})")
        kwargs.setdefault("xlabel", "Hazard ratio per rating point (95% CI)")
        return plots.estimates(t, label="label", reference=1.0, ax=ax, **kwargs)


def compare_half_lives(data: pd.DataFrame, contacts: pd.DataFrame | None, *, duration: str, event: str,
                       id_column: str, covariates: list[str] | tuple[str, ...] = ("segment",),
                       half_lives: Any = HALF_LIVES, origin: pd.Series | pd.Timestamp | None = None,
                       wave: str | None = None, weight: str | None = None,
                       reference: dict[str, Any] | None = None, ci: float = 0.95) -> HalfLives:
    """Fit the attrition model with the experience score at each half-life and pick the best fit.

    Parameters
    ----------
    data : DataFrame
        One row per customer (``eng.frame()``, usually the respondents with a segment).
    contacts : DataFrame or None
        ``eng.contact_frame()``; None gives a not-estimable result (reason ``no_contacts``).
    duration, event, id_column : str
        Column names.
    covariates : list of str
        Covariates besides ``experience`` (default: ``segment``).
    half_lives : sequence
        Half-lives in days; ``None`` is no decay (a plain average of every past rating).
    origin, wave
        Each customer's follow-up start, or the wave used without it: as in :func:`contact_experience` (the
        score uses no contact after follow-up starts).
    weight, reference, ci
        As in :func:`cxlib.survival.cox`.

    Returns
    -------
    HalfLives
        ``.table``: ``half_life, label, hazard_ratio, ci_low, ci_high, log_likelihood, n``; ``.best``.

    Notes
    -----
    The models differ only in the experience score, so they have the same number of parameters and rows,
    and the highest partial log-likelihood is the best fit (equivalently the lowest AIC). Checked in
    tests/test_contacts.py against the planted half-life of :func:`cxlib.synth.make_engagement`.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 800, seed=3)
    >>> f = eng.frame().dropna(subset=["segment"])
    >>> h = compare_half_lives(f, eng.contact_frame(), duration="tenure_days", event="churned",
    ...                        id_column="customer_id", wave="wave")
    >>> h.table["label"].tolist()
    ['30 days', '90 days', '180 days', '365 days', 'no decay (plain average)']
    >>> h.best_label in h.table["label"].tolist()
    True
    """
    function = "contacts.compare_half_lives"
    data = checks.frame(data, function)
    covariates = checks.column_list(data, function, "covariates", covariates)
    checks.columns(data, function, id_column=id_column, wave=wave)
    if isinstance(half_lives, (str, bytes)) or not hasattr(half_lives, "__iter__"):
        raise ArgumentError(f"{function}: half_lives must be a list of days (None for no decay)", function=function,
                            argument="half_lives")
    hls = [_half_life(h, function) for h in half_lives]
    if len(hls) < 2 or len(set(hls)) != len(hls):
        raise ArgumentError(f"{function}: half_lives must hold at least two different half-lives", function=function,
                            argument="half_lives")
    empty = pd.DataFrame(columns=["half_life", "label", "hazard_ratio", "ci_low", "ci_high", "log_likelihood", "n"])
    if contacts is None:
        return HalfLives(empty, covariates=tuple(covariates), reason=Reason.of("no_contacts"))
    _check_contacts(contacts, id_column, function)
    base = data.drop(columns=[c for c in ("experience", "recent_rating", "older_rating", "has_contacts")
                              if c in data.columns])
    _contacts_match(contacts, base[id_column], id_column, function)
    origin = _origin(origin, function)
    # once: only the weights change with the half-life
    ages = _ages(contacts, base, id_column=id_column, wave=wave, origin=origin)
    rows = []
    for h in hls:
        g = base.join(_scores(ages, h, 90.0))
        m = survival.cox(g, duration=duration, event=event, covariates=covariates + ["experience"], weight=weight,
                         reference=reference, ci=ci)
        if not m.estimable:
            return HalfLives(empty, covariates=tuple(covariates), reason=m.reason)
        e = m.hazard_ratio("experience")
        row = {"half_life": h, "label": _half_life_label(h), "hazard_ratio": e.estimate, "ci_low": e.ci_low,
               "ci_high": e.ci_high, "log_likelihood": m.log_likelihood, "n": m.n}
        if weight:
            from .stats import kish_effective_n

            row["n_effective"] = kish_effective_n(g.dropna(subset=[duration, event, weight, *covariates])[weight])
        rows.append(row)
    table = pd.DataFrame(rows)
    best = float(table.loc[table["log_likelihood"].idxmax(), "half_life"])
    return HalfLives(table, best=best, best_label=_half_life_label(best), covariates=tuple(covariates))
