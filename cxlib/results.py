"""The result types every analysis returns: one single-estimate type, reasons, and the result base.

Every analysis in cxlib returns a **frozen result object** (lifelines' fitted objects and statsmodels'
results are the model):

- ``.table``: a tidy DataFrame with fixed, documented columns, always ``n`` (and ``n_effective`` when
  weighted). Each access returns a fresh copy, so sorting, filtering or editing it can never change the
  result or anything computed from it later.
- named attributes for everything else: bootstrap draws keyed by name (:class:`Draws`), fitted models,
  the rule applied, what was left out and why (``excluded``: ``{name: Reason}``).
- ``.plot(ax=None, **kwargs)`` returning the Axes, ``_repr_html_``, ``.to_dict()`` (JSON-ready, for
  ``results.json``) and ``.headline()`` (the reviewer's sentence(s) as Markdown, from :mod:`cxlib.report`).

Follow-on steps (rank stability, roll-ups, pairwise differences, priorities) take the result object and
align by name, never by row position.

What cannot be estimated is a result with a :class:`Reason` (a code from :data:`REASONS` and a sentence),
never NaN text, a crash or a parsed error message.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["REASONS", "Reason", "Estimate", "Draws", "Result", "frozen_table"]

#: Reason codes for what cannot be estimated, with the sentence a reviewer reads (``str.format`` fields
#: are filled from :meth:`Reason.of`'s keyword arguments). Tests check every code used exists here.
REASONS: dict[str, str] = {
    "no_data": "there are no answers to estimate it from",
    "too_few": "too few customers to estimate it (n={n:,}; at least {need:,} needed)",
    "below_min_cell": "fewer than {min_cell:,} customers (n={n:,}), so it is not reported",
    "no_events": "no customer left during follow-up, so there is no leaving to compare",
    "all_events": "every customer left during follow-up, so there is no staying to compare",
    "horizon_past_follow_up": "no customer was followed for {horizon:,.0f} days (the longest follow-up is {longest:,.0f} days)",
    "zero_denominator": "the comparison group's {what} is zero",
    "constant": "everyone gave the same answer",
    "too_few_varying": "only {k:,} of them vary between customers, and at least two are needed to compare them",
    "duplicate": "its answers repeat those of {other}",
    "separation": "the predictors separate the outcome perfectly, so the model is not identified",
    "not_significant": "the model explains no more than chance would (p = {p})",
    "single_wave": "the engagement has a single wave",
    "no_contacts": "the engagement has no contact-point data",
    "no_start_dates": "follow-up start dates are not given",
    "no_later_contacts": "no contact was recorded after follow-up started",
    "segment_empty": "no customer is {segment}",
    "not_configured": "the engagement does not define {what}",
    "single_group": "only one group has customers, so there is nothing to compare",
    "no_bootstrap": "it was computed without resampling, so it has no interval",
    "too_few_elements": "fewer than two experience elements have ratings that vary ({left:,} left), so their importance cannot be compared",
    "collinear": "the ratings of {names} are perfectly collinear, so their shares of the explained variation cannot be told apart",
    "not_converged": "{detail}",
    "no_quotable": "no comment meets the rule for quotes ({rule})",
    "too_few_engagements": "there are {k:,} engagements to compare and at least {need:,} are needed to place clients among each other",
}


@dataclass(frozen=True)
class Reason:
    """Why something could not be estimated (or was left out): a code from :data:`REASONS` and its sentence.

    Examples
    --------
    >>> r = Reason.of("too_few", n=12, need=30)
    >>> r.code, r.sentence
    ('too_few', 'too few customers to estimate it (n=12; at least 30 needed)')
    >>> str(r)
    'too few customers to estimate it (n=12; at least 30 needed)'
    """

    code: str
    sentence: str

    @classmethod
    def of(cls, code: str, **details: Any) -> Reason:
        """The reason ``code`` with its sentence filled in from ``details``."""
        if code not in REASONS:
            raise ValueError(f"Reason.of: unknown reason code {code!r}; known: {', '.join(sorted(REASONS))}")
        return cls(code, REASONS[code].format(**details))

    def __str__(self) -> str:
        return self.sentence

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "sentence": self.sentence}


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Estimate:
    """One estimate with its confidence interval and sample size: the only single-estimate type in cxlib.

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        Point estimate and interval bounds; NaN when not estimable (``reason`` says why).
    n : int
        Customers (respondents) the estimate rests on.
    n_effective : float or None
        Kish effective sample size with weights (None without weights).
    method : str
        How it and its interval were computed, in words.
    note : str
        Empty, or a sentence qualifying it (why it is missing or fragile).
    reason : Reason or None
        Set when the estimate could not be made.

    Examples
    --------
    >>> e = Estimate(2.0, 1.7, 2.4, n=500, method="BCa bootstrap")
    >>> e.estimate, e.ci_low, e.ci_high, e.n, e.estimable
    (2.0, 1.7, 2.4, 500, True)
    >>> Estimate.missing(Reason.of("no_events"), n=80).estimable
    False
    """

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    n_effective: float | None = None
    method: str = ""
    note: str = ""
    reason: Reason | None = None

    @classmethod
    def missing(cls, reason: Reason, *, n: int = 0, n_effective: float | None = None, method: str = "") -> Estimate:
        """An estimate that could not be made, with its reason."""
        return cls(np.nan, np.nan, np.nan, int(n), n_effective, method, note=reason.sentence, reason=reason)

    @property
    def estimable(self) -> bool:
        """True when the point estimate exists."""
        return self.reason is None and _finite(self.estimate)

    @property
    def has_interval(self) -> bool:
        return _finite(self.ci_low) and _finite(self.ci_high)

    @property
    def summary(self) -> pd.DataFrame:
        """One-row DataFrame of the fields."""
        return pd.DataFrame([self.to_dict(json=False)])

    def _repr_html_(self) -> str:
        return self.summary.to_html(index=False, na_rep="–")

    def to_dict(self, *, json: bool = True) -> dict[str, Any]:
        """results.json shape (docs/outputs.md) ``{"estimate", "ci_low", "ci_high", "n", ...}``; NaN becomes None with ``json``.

        ``n_effective`` appears only when weighted; ``reason`` (its code) and ``note`` only when set.
        """
        out: dict[str, Any] = {"estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high,
                               "n": int(self.n)}
        if self.n_effective is not None:
            out["n_effective"] = self.n_effective
        if self.method:
            out["method"] = self.method
        if self.note:
            out["note"] = self.note
        if self.reason is not None:
            out["reason"] = self.reason.code
        if json:
            out = {k: (float(v) if _finite(v) else None) if isinstance(v, (float, np.floating)) else v
                   for k, v in out.items()}
        return out


class Draws:
    """Bootstrap draws keyed by name: resamples × names, read-only.

    Follow-on steps select columns by name (``draws["Staff remember me"]``), so the order of any table
    never matters.

    Examples
    --------
    >>> d = Draws(np.array([[1.0, 2.0], [3.0, 4.0]]), ["a", "b"])
    >>> d["b"].tolist(), d.names, len(d)
    ([2.0, 4.0], ('a', 'b'), 2)
    >>> d.frame()["a"].tolist()
    [1.0, 3.0]
    """

    __slots__ = ("_values", "_names", "_pos")

    def __init__(self, values: np.ndarray, names: Sequence[str]):
        values = np.array(values, dtype=float, copy=True)
        if values.ndim != 2 or values.shape[1] != len(names):
            raise ValueError(f"Draws: {values.shape} draws do not match {len(names)} names")
        values.setflags(write=False)
        self._values = values
        self._names = tuple(str(n) for n in names)
        if len(set(self._names)) != len(self._names):
            raise ValueError("Draws: names must be unique")
        self._pos = {n: i for i, n in enumerate(self._names)}

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def __len__(self) -> int:
        return self._values.shape[0]

    def __contains__(self, name: object) -> bool:
        return name in self._pos

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._pos:
            from .checks import close_matches

            raise KeyError(f"no bootstrap draws for {name!r}{close_matches(name, self._names)}")
        return self._values[:, self._pos[name]]

    def columns(self, names: Iterable[str]) -> np.ndarray:
        """Draws of ``names`` (resamples × len(names)), in the order given."""
        return np.column_stack([self[n] for n in names]) if names else np.empty((len(self), 0))

    def frame(self) -> pd.DataFrame:
        """The draws as a DataFrame (a copy), one column per name."""
        return pd.DataFrame(self._values.copy(), columns=list(self._names))

    def __repr__(self) -> str:
        return f"Draws({len(self)} resamples × {len(self._names)} names)"


def frozen_table(table: pd.DataFrame) -> pd.DataFrame:
    """A private copy of ``table`` with a fresh RangeIndex and no ``attrs`` (stored inside a result).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"share": [0.4, 0.6]}, index=[3, 7])
    >>> frozen = frozen_table(t)
    >>> frozen.index.tolist(), frozen["share"].tolist()
    ([0, 1], [0.4, 0.6])
    >>> t.loc[3, "share"] = 0.0  # a private copy: changing the input leaves it as it was
    >>> frozen["share"].tolist()
    [0.4, 0.6]
    >>> frozen_table(pd.DataFrame([[1, 2]], columns=["a", "a"]))
    Traceback (most recent call last):
    ...
    ValueError: frozen_table: repeated column names ['a']
    """
    # Built column by column: a new frame carries none of the input's side information (pandas ``attrs``).
    source = table.reset_index(drop=True)
    if source.columns.duplicated().any():
        raise ValueError(f"frozen_table: repeated column names {sorted(set(source.columns[source.columns.duplicated()]))}")
    return pd.DataFrame({name: column.copy(deep=True) for name, column in source.items()}, index=source.index,
                        columns=source.columns)


@dataclass(frozen=True, eq=False)
class Result:
    """Base of every analysis result (subclass it as a frozen dataclass).

    Subclasses are ``@dataclass(frozen=True, eq=False)`` (a DataFrame field cannot be compared with
    ``==``); the table is the first, positional argument, then the subclass's own fields. They override
    :meth:`headline`, :meth:`plot` and, where needed, :meth:`to_dict`. ``.table`` always returns a copy.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True, eq=False)
    ... class Shares(Result):
    ...     pass
    >>> r = Shares(pd.DataFrame({"group": ["a", "b"], "share": [0.4, 0.6], "n": [40, 60]}))
    >>> t = r.table.sort_values("share", ascending=False); t.loc[:, "share"] = 0
    >>> r.table["share"].tolist()  # the result is unchanged
    [0.4, 0.6]
    """

    _table: pd.DataFrame = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_table", frozen_table(self._table))

    @property
    def table(self) -> pd.DataFrame:
        """The result's tidy table (a fresh copy on every access)."""
        return self._table.copy(deep=True)

    @property
    def summary(self) -> pd.DataFrame:
        return self.table

    @property
    def n(self) -> int:
        """Customers behind the result (the table's largest ``n`` unless a subclass says otherwise)."""
        return int(self._table["n"].max()) if "n" in self._table and len(self._table) else 0

    def headline(self) -> str:  # overridden by subclasses with their sentence
        return ""

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no chart")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the table as records (NaN → None) plus the scalar attributes."""
        from .report import to_jsonable

        out: dict[str, Any] = {"table": to_jsonable(self._table.to_dict(orient="records"))}
        for f in fields(self):
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, (str, int, float, bool, type(None))):
                out[f.name] = to_jsonable(value)
            elif isinstance(value, (Reason, Estimate)):
                out[f.name] = value.to_dict()
            elif isinstance(value, Mapping) and all(isinstance(v, Reason) for v in value.values()):
                out[f.name] = {str(k): v.to_dict() for k, v in value.items()}
        return out

    def _repr_html_(self) -> str:
        from .privacy import escape

        head = self.headline()
        title = f"<p><b>{escape(type(self).__name__)}</b></p>"
        body = self._table.to_html(index=False, na_rep="–", float_format=lambda v: f"{v:,.4g}", escape=True)
        return title + (f"<p>{escape(head)}</p>" if head else "") + body
