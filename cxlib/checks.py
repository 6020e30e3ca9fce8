"""Argument checks shared by every public function: columns, labels, choices, counts, horizons.

Each check raises :class:`cxlib.errors.ArgumentError` naming the function, the argument and what is wrong,
with close matches (``difflib``) for a misspelt name, so a researcher never meets a raw ``KeyError`` or a
numpy message. Checks return the cleaned value, so a function reads::

    data = checks.frame(data, "survival.km")
    checks.columns(data, "survival.km", duration=duration, event=event, weight=weight, by=by)
    n_boot = checks.count(n_boot, "drivers.importance", "n_boot", minimum=0, allow_zero=True)
"""
from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import ArgumentError

__all__ = ["close_matches", "frame", "columns", "column_list", "numeric", "binary", "choice", "labels", "count",
           "level", "positive", "horizon", "min_rows", "series"]


def close_matches(name: Any, options: Iterable[Any], *, n: int = 3) -> str:
    """``"; did you mean 'a' or 'b'?"`` for the options closest to ``name`` (case-insensitive), else "".

    Examples
    --------
    >>> close_matches("annual_spnd", ["annual_spend", "visits", "ltr"])
    "; did you mean 'annual_spend'?"
    >>> close_matches("zzz", ["annual_spend"])
    ''
    """
    options = [str(o) for o in options]
    lower = {o.lower(): o for o in options}
    hits = difflib.get_close_matches(str(name).lower(), list(lower), n=n, cutoff=0.6)
    if not hits:
        return ""
    names = [repr(lower[h]) for h in hits]
    return "; did you mean " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]) + "?"


def _fail(function: str, argument: str, message: str) -> ArgumentError:
    return ArgumentError(f"{function}: {message}", function=function, argument=argument)


def frame(data: Any, function: str, argument: str = "data") -> pd.DataFrame:
    """``data`` itself if it is a DataFrame; otherwise an error that says what to pass.

    Examples
    --------
    >>> frame(pd.Series([1, 2]), "survival.km")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: survival.km: data must be a DataFrame (one row per customer), not a Series; pass the frame and name its columns, e.g. eng.frame()
    """
    if isinstance(data, pd.DataFrame):
        return data
    raise _fail(function, argument, f"{argument} must be a DataFrame (one row per customer), not a "
                                    f"{type(data).__name__}; pass the frame and name its columns, e.g. eng.frame()")


def columns(data: pd.DataFrame, function: str, **named: str | None) -> None:
    """Check that every named column argument (``duration="tenure_days"``, ...) is a column of ``data``.

    ``None`` values are skipped (optional arguments not given).

    Examples
    --------
    >>> f = pd.DataFrame({"annual_spend": [1.0], "segment": ["other"]})
    >>> columns(f, "motivators.value_by_segment", value="annual_spnd")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: motivators.value_by_segment: value 'annual_spnd' is not a column of the frame; did you mean 'annual_spend'?
    """
    for argument, name in named.items():
        if name is None:
            continue
        if not isinstance(name, str):
            raise _fail(function, argument, f"{argument} must be a column name (a string), not "
                                            f"{type(name).__name__} {_short(name)}")
        if name not in data.columns:
            raise _fail(function, argument, f"{argument} {name!r} is not a column of the frame"
                                            f"{close_matches(name, data.columns)}")


def column_list(data: pd.DataFrame, function: str, argument: str, names: Any) -> list[str]:
    """A list of column names (a single string is accepted as one name), each checked.

    Examples
    --------
    >>> column_list(pd.DataFrame({"a": [1], "b": [2]}), "f", "covariates", "a")
    ['a']
    """
    if names is None:
        return []
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, Iterable):
        raise _fail(function, argument, f"{argument} must be a list of column names, not {type(names).__name__}")
    names = list(names)
    for i, name in enumerate(names):
        columns(data, function, **{f"{argument}[{i}]": name})
    return names


def numeric(data: pd.DataFrame, function: str, **named: str | None) -> None:
    """Check that the named columns hold numbers.

    Examples
    --------
    >>> numeric(pd.DataFrame({"ltr": ["high"]}), "advocacy.nps_by_segment", column="ltr")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: advocacy.nps_by_segment: column 'ltr' must hold numbers; it holds text such as 'high'
    """
    columns(data, function, **named)
    for argument, name in named.items():
        if name is None:
            continue
        col = data[name]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            example = col.dropna().astype(str).head(1).tolist()
            raise _fail(function, argument, f"{argument} {name!r} must hold numbers; it holds text"
                                            + (f" such as {example[0]!r}" if example else ""))


def binary(data: pd.DataFrame, function: str, **named: str | None) -> None:
    """Check that the named columns hold 0/1 (missing allowed).

    Examples
    --------
    >>> binary(pd.DataFrame({"churned": [0, 1, 2]}), "survival.km", event="churned")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: survival.km: event 'churned' must be 0/1 (1 = left); it also holds 2
    """
    numeric(data, function, **named)
    for argument, name in named.items():
        if name is None:
            continue
        values = pd.unique(data[name].dropna().astype(float))
        bad = [v for v in values if v not in (0.0, 1.0)]
        if bad:
            shown = ", ".join(f"{v:g}" for v in sorted(bad)[:3])
            raise _fail(function, argument, f"{argument} {name!r} must be 0/1 (1 = left); it also holds {shown}")


def series(values: Any, function: str, argument: str) -> pd.Series:
    """Array-like ``values`` as a float Series (for array-level functions); a DataFrame is refused.

    Examples
    --------
    >>> series([1, 2], "advocacy.nps", "scores").tolist()
    [1.0, 2.0]
    """
    if isinstance(values, pd.DataFrame):
        raise _fail(function, argument, f"{argument} must be one column of values, not a DataFrame; pass "
                                        f"frame['column'] (or use the frame-level function)")
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise _fail(function, argument, f"{argument} must be a one-dimensional array or Series of numbers")
    s = pd.Series(values)
    try:
        return pd.to_numeric(s, errors="raise").astype(float)
    except (ValueError, TypeError):
        example = s.dropna().astype(str).head(1).tolist()
        raise _fail(function, argument, f"{argument} must hold numbers" +
                    (f"; it holds text such as {example[0]!r}" if example else "")) from None


def choice(value: Any, options: Sequence[Any], function: str, argument: str) -> Any:
    """``value`` if it is one of ``options``; otherwise an error listing them (closest first).

    Examples
    --------
    >>> choice("pairwse", ["listwise", "mean", "pairwise"], "drivers.importance", "missing")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: drivers.importance: missing must be one of 'listwise', 'mean', 'pairwise', not 'pairwse'; did you mean 'pairwise'?
    """
    if value in options:
        return value
    listed = ", ".join(repr(o) for o in options)
    raise _fail(function, argument, f"{argument} must be one of {listed}, not {_short(value)}"
                                    f"{close_matches(value, options) if isinstance(value, str) else ''}")


def labels(data: pd.DataFrame, column: str, wanted: Iterable[Any], function: str, argument: str) -> list[Any]:
    """Check that every label in ``wanted`` occurs in ``data[column]`` (e.g. a reference level, a wave).

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["fully connected", "other"]})
    >>> labels(f, "segment", ["fully conected"], "survival.cox", "reference")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: survival.cox: reference 'fully conected' is not a value of column 'segment' (values: 'fully connected', 'other'); did you mean 'fully connected'?
    """
    col = data[column]
    present = list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype) else sorted(
        col.dropna().unique().tolist(), key=str)
    out = []
    for label in wanted:
        if label not in present and str(label) not in {str(p) for p in present}:
            shown = ", ".join(repr(p) for p in present[:8]) + (", …" if len(present) > 8 else "")
            raise _fail(function, argument, f"{argument} {label!r} is not a value of column {column!r} "
                                            f"(values: {shown}){close_matches(label, present)}")
        out.append(label)
    return out


def count(value: Any, function: str, argument: str, *, minimum: int = 1, allow_zero: bool = False) -> int:
    """A whole number at least ``minimum`` (or exactly 0 when ``allow_zero``).

    Examples
    --------
    >>> count(1, "drivers.importance", "n_boot", minimum=2, allow_zero=True)
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: drivers.importance: n_boot must be 0 (no intervals) or at least 2, not 1
    """
    ok_type = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if ok_type and (value >= minimum or (allow_zero and value == 0)):
        return int(value)
    need = f"0 (no intervals) or at least {minimum}" if allow_zero else f"a whole number of at least {minimum}"
    raise _fail(function, argument, f"{argument} must be {need}, not {_short(value)}")


def level(ci: Any, function: str, argument: str = "ci") -> float:
    """A confidence level strictly between 0 and 1.

    Examples
    --------
    >>> level(95, "survival.km")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: survival.km: ci must be a confidence level between 0 and 1 (e.g. 0.95), not 95
    """
    if isinstance(ci, (int, float, np.floating)) and not isinstance(ci, bool) and 0 < float(ci) < 1:
        return float(ci)
    raise _fail(function, argument, f"{argument} must be a confidence level between 0 and 1 (e.g. 0.95), not {_short(ci)}")


def positive(value: Any, function: str, argument: str, *, allow_zero: bool = False) -> float:
    """A finite number above 0 (or at least 0 with ``allow_zero``).

    Examples
    --------
    >>> positive(-30, "survival.attrition", "horizon")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: survival.attrition: horizon must be a number above 0, not -30
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and math.isfinite(value)
    if ok and (value > 0 or (allow_zero and value == 0)):
        return float(value)
    raise _fail(function, argument, f"{argument} must be a number {'of at least 0' if allow_zero else 'above 0'}, "
                                    f"not {_short(value)}")


def horizon(value: Any, durations: pd.Series, function: str, argument: str = "horizon") -> float:
    """A horizon above 0 that some customer was followed to; past the longest follow-up is an error.

    Functions that can return a not-estimable result instead (e.g. attrition of one group) should check
    with :func:`positive` and decide per group.

    Examples
    --------
    >>> horizon(5000, pd.Series([10.0, 852.0]), "survival.rmst")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: survival.rmst: horizon 5,000 days is past the longest follow-up (852 days); nothing can be said beyond it without extrapolating. Choose a horizon of at most 852.
    """
    h = positive(value, function, argument)
    longest = float(pd.to_numeric(durations, errors="coerce").max()) if len(durations) else float("nan")
    if not math.isfinite(longest) or h > longest:
        raise _fail(function, argument, f"{argument} {h:,.0f} days is past the longest follow-up "
                                        f"({longest:,.0f} days); nothing can be said beyond it without "
                                        f"extrapolating. Choose a horizon of at most {longest:,.0f}.")
    return h


def min_rows(data: pd.DataFrame, need: int, function: str, what: str = "rows") -> None:
    """At least ``need`` rows (used where fewer cannot give any estimate at all).

    Examples
    --------
    >>> min_rows(pd.DataFrame({"a": range(3)}), 10, "drivers.importance", "respondents")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: drivers.importance: 3 respondents are too few; at least 10 are needed
    """
    if len(data) < need:
        raise _fail(function, "data", f"{len(data):,} {what} are too few; at least {need:,} are needed")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"
