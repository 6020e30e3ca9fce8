"""Connection index and the three customer segments (docs/engagement-format.md).

The connection index of a respondent is the mean of their answered motivator items, each rescaled to
0–100 by its codebook scale; respondents who answered fewer than half the items get no index and no
segment. Segments: ``fully connected`` at or above the threshold; otherwise ``highly satisfied`` at
or above the satisfaction top box; otherwise ``other``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import checks
from .errors import ArgumentError
from .results import Estimate, Reason, Result
from .stats import proportions

__all__ = ["group_order", "SEGMENTS", "connection_index", "assign", "segment_dtype", "shares", "Shares"]

#: Segment names in their fixed, ordered form.
SEGMENTS: tuple[str, ...] = ("fully connected", "highly satisfied", "other")

segment_dtype = pd.CategoricalDtype(list(SEGMENTS), ordered=True)

Scale = tuple[float, float]


def connection_index(
    items: pd.DataFrame,
    *,
    scale: Scale | Mapping[str, Scale] = (1, 7),
    min_answered: float = 0.5,
) -> pd.Series:
    """Connection index (0–100) of each respondent from their motivator items.

    Parameters
    ----------
    items : DataFrame
        One column per motivator item, one row per respondent; missing answers are NaN.
    scale : (min, max) or mapping of column -> (min, max)
        The items' answer scale, one for all items or one per item (from the codebook).
    min_answered : float
        Respondents who answered fewer than this share of the items get NaN.

    Returns
    -------
    Series
        Named ``connection_index``, indexed like ``items``; NaN where too few items were answered.

    Notes
    -----
    Each item is rescaled ``(x - min) / (max - min) * 100``; the index is the mean over answered items.
    Missing answers are skipped, not imputed; a respondent with fewer than ``min_answered`` of the
    items answered has no index (and therefore no segment).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [7, 1, None], "b": [7, 4, None]})
    >>> connection_index(items, scale=(1, 7)).round(1).tolist()
    [100.0, 25.0, nan]

    Checked row by row against the definition in docs/engagement-format.md (tests/test_segments.py).
    """
    fn = "segments.connection_index"
    items = checks.frame(items, fn, "items")
    if items.shape[1] == 0:
        raise ArgumentError(f"{fn}: no motivator items were given (items has no columns)", function=fn,
                            argument="items")
    text = [c for c in items.columns if not (pd.api.types.is_numeric_dtype(items[c]) or pd.api.types.is_bool_dtype(items[c]))]
    if text:
        example = items[text[0]].dropna().astype(str).head(1).tolist()
        raise ArgumentError(f"{fn}: item {text[0]!r} must hold numbers; it holds text"
                            + (f" such as {example[0]!r}" if example else ""), function=fn, argument="items")
    values = items.to_numpy(dtype=float)
    if not (isinstance(min_answered, (int, float, np.floating)) and 0 <= float(min_answered) <= 1):
        raise ArgumentError(f"{fn}: min_answered must be a share between 0 and 1, not {min_answered!r}",
                            function=fn, argument="min_answered")
    try:
        if isinstance(scale, Mapping):
            missing = [c for c in items.columns if c not in scale]
            if missing:
                raise ArgumentError(f"{fn}: no scale for item column(s) {', '.join(map(repr, missing[:5]))}"
                                    f"{checks.close_matches(missing[0], scale)}", function=fn, argument="scale")
            lo = np.array([float(scale[c][0]) for c in items.columns])
            hi = np.array([float(scale[c][1]) for c in items.columns])
        else:
            lo = np.full(items.shape[1], float(scale[0]))
            hi = np.full(items.shape[1], float(scale[1]))
    except (TypeError, ValueError, IndexError, KeyError) as err:
        if isinstance(err, ArgumentError):
            raise
        raise ArgumentError(f"{fn}: scale must be (min, max) or {{column: (min, max)}}, not {scale!r}",
                            function=fn, argument="scale") from None
    if np.any(~(hi > lo)):
        raise ArgumentError(f"{fn}: every scale needs max > min", function=fn, argument="scale")
    rescaled = (values - lo) / (hi - lo) * 100.0
    answered = np.isfinite(rescaled)
    n_answered = answered.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(answered, rescaled, 0.0).sum(axis=1) / n_answered
    index[n_answered < min_answered * items.shape[1]] = np.nan
    return pd.Series(index, index=items.index, name="connection_index")


def assign(
    data: pd.DataFrame,
    *,
    threshold: float,
    sat_column: str,
    top_box: float,
    index_column: str = "connection_index",
) -> pd.Series:
    """Segment of each respondent: fully connected, highly satisfied or other.

    Parameters
    ----------
    data : DataFrame
        Holds the connection index column and the satisfaction column.
    threshold : float
        Connection index (0–100) at or above which a respondent is fully connected.
    sat_column : str
        Overall satisfaction column, on its own codebook scale.
    top_box : float
        Satisfaction at or above which a respondent who is not fully connected is highly satisfied.
    index_column : str
        Name of the connection index column.

    Returns
    -------
    Series
        Ordered categorical named ``segment`` with categories ``SEGMENTS``. Missing where the index is
        missing, or where the respondent is not fully connected and satisfaction is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"connection_index": [80, 50, 50, None], "sat": [5, 9, 6, 10]})
    >>> assign(f, threshold=75, sat_column="sat", top_box=9).tolist()
    ['fully connected', 'highly satisfied', 'other', nan]
    """
    fn = "segments.assign"
    data = checks.frame(data, fn)
    checks.numeric(data, fn, index_column=index_column, sat_column=sat_column)
    threshold = checks.positive(threshold, fn, "threshold", allow_zero=True)
    if threshold > 100:
        raise ArgumentError(f"{fn}: threshold is a connection index (0–100), not {threshold:g}", function=fn,
                            argument="threshold")
    top_box = checks.positive(top_box, fn, "top_box", allow_zero=True)
    index = pd.to_numeric(data[index_column], errors="raise")
    sat = pd.to_numeric(data[sat_column], errors="raise")
    out = pd.Series(pd.NA, index=data.index, dtype=object)
    connected = index >= threshold
    out[connected] = SEGMENTS[0]
    rest = index.notna() & ~connected
    out[rest & (sat >= top_box)] = SEGMENTS[1]
    out[rest & (sat < top_box)] = SEGMENTS[2]
    return out.astype(segment_dtype).rename("segment")


@dataclass(frozen=True, eq=False)
class Shares(Result):
    """Share of customers in each group (segment) with its interval: :func:`shares`' result.

    Attributes
    ----------
    table : DataFrame
        ``<by>, n, n_effective, share, ci_low, ci_high``, one row per group (the first column is named after
        ``by``; ``segment`` by default, in ``SEGMENTS`` order). ``n`` is the unweighted count of the group,
        ``n_effective`` the Kish effective size of everyone with a group (the denominator).
    by, weight : str
        The grouping column and the weight column (None unweighted).
    ci : float
        Confidence level.
    n_unsegmented : int
        Rows without a group (respondents without a segment), left out of every share.
    reason : Reason or None
        Set when nobody has a group, so no share can be estimated.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": pd.Categorical(["fully connected", "other", "other", None], categories=SEGMENTS)})
    >>> s = shares(f)
    >>> s.table.columns.tolist(), s.by, s.labels
    (['segment', 'n', 'n_effective', 'share', 'ci_low', 'ci_high'], 'segment', ['fully connected', 'highly satisfied', 'other'])
    >>> s.n, s.n_unsegmented, round(s.share("other").estimate, 3), s.reason is None
    (3, 1, 0.667, True)
    >>> s.headline().startswith("**33%** of customers are fully connected")
    True
    """

    by: str = "segment"
    weight: str | None = None
    ci: float = 0.95
    n_unsegmented: int = 0
    reason: Reason | None = None

    @property
    def n(self) -> int:
        """Customers with a group: the base of every share."""
        return int(self._table["n"].sum())

    @property
    def labels(self) -> list[Any]:
        return self._table[self.by].tolist()

    def share(self, label: Any) -> Estimate:
        """The share of one group as an :class:`~cxlib.results.Estimate` (``n`` is the base, all with a group)."""
        t = self._table
        hit = t[t[self.by].astype(str) == str(label)]
        if hit.empty:
            raise ArgumentError(f"Shares.share: {label!r} is not one of the groups "
                                f"({', '.join(map(repr, self.labels))}){checks.close_matches(label, self.labels)}",
                                function="Shares.share", argument="label")
        if self.reason is not None:
            return Estimate.missing(self.reason, n=self.n)
        r = hit.iloc[0]
        return Estimate(float(r["share"]), float(r["ci_low"]), float(r["ci_high"]), n=self.n,
                        n_effective=float(r["n_effective"]) if self.weight else None,
                        method=("weighted share; survey-weighted logit interval" if self.weight
                                else "Wilson score interval"))

    def headline(self) -> str:
        from . import report

        if self.reason is not None:
            return report.Markdown(f"Shares by {report.pretty(self.by).lower()} are not estimable: {self.reason}.")
        if self.by == "segment" and SEGMENTS[0] in self.labels:
            e = self.share(SEGMENTS[0])
            return report.Markdown(
                f"**{report.percent(e.estimate)}** of customers are fully connected "
                f"(95% CI {report.percent(e.ci_low)}–{report.percent(e.ci_high)}; n={self.n:,}).")
        parts = [f"{report.text(r[self.by])} {report.percent(r['share'])}" for _, r in self._table.iterrows()]
        return report.Markdown(f"Customers by {report.pretty(self.by).lower()}: {report.listing(parts, limit=8)} "
                               f"(n={self.n:,}).")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.segment_shares(self, ax=ax, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The ``results.json`` shape: ``{group: {"estimate", "ci_low", "ci_high", "n", "n_effective", "count"}}``:
        ``n`` is the base the share rests on (everyone with a group, as :meth:`share` and every page state it),
        ``count`` the group's own respondents (what small-cell suppression looks at)."""
        from . import report

        return {str(r[self.by]): report.estimate_dict(r["share"], r["ci_low"], r["ci_high"], self.n,
                                                      n_effective=r["n_effective"], count=int(r["n"]))
                for _, r in self._table.iterrows()}


def group_order(col: pd.Series, by: str) -> list[Any]:
    """The groups of ``col`` in report order: a categorical's categories; the three segments in their
    order when ``by`` is the segment column; otherwise the values present, sorted as text.

    Examples
    --------
    >>> group_order(pd.Series(["other", "fully connected"]), "segment")
    ['fully connected', 'highly satisfied', 'other']
    >>> group_order(pd.Series(["South", "North", None]), "region")
    ['North', 'South']
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        return list(col.cat.categories)
    present = col.dropna().unique().tolist()
    if by == "segment" and set(present) <= set(SEGMENTS):
        return list(SEGMENTS)
    return sorted(present, key=str)


def shares(
    data: pd.DataFrame,
    *,
    by: str = "segment",
    weight: str | None = None,
    ci: float = 0.95,
) -> Shares:
    """Share of respondents in each segment (or any group), with n and a 95% interval.

    Parameters
    ----------
    data : DataFrame
        The analysis frame (``Engagement.frame()``).
    by : str
        Grouping column (default the segment); the table's first column is named after it.
    weight : str, optional
        Respondent-weight column; shares are then weighted and the interval uses Kish's effective n.
    ci : float
        Confidence level.

    Returns
    -------
    Shares
        ``.table``: ``<by>, n, n_effective, share, ci_low, ci_high`` in ``SEGMENTS`` order for the segment
        (else the categorical's order or sorted labels). Respondents without a segment are left out; their
        count is ``.n_unsegmented``; ``.n`` is the base (respondents with a segment).

    Notes
    -----
    ``share = Σ_group w / Σ w`` over rows with a group. Unweighted: the Wilson score interval
    (:func:`cxlib.stats.wilson_interval`); weighted: the survey-weighted logit interval of
    :func:`cxlib.stats.weighted_share_interval` (R ``svyciprop(method = "logit")``, tests/test_r_reference.py),
    with Kish's effective n ``(Σw)²/Σw²`` reported as ``n_effective``. Unweighted, it equals
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")`` (tests/test_segments.py).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": pd.Categorical(["fully connected", "other", "other", None],
    ...                                              categories=SEGMENTS)})
    >>> s = shares(f)
    >>> s.table[["segment", "n", "share"]].values.tolist()[0]
    ['fully connected', 1, 0.3333333333333333]
    >>> s.n, s.n_unsegmented
    (3, 1)
    """
    fn = "segments.shares"
    data = checks.frame(data, fn)
    checks.columns(data, fn, by=by)
    checks.numeric(data, fn, weight=weight)
    ci = checks.level(ci, fn)
    labels = data[by]
    weights = None
    if weight is not None:
        weights = pd.to_numeric(data[weight], errors="coerce")
        if (weights < 0).any():
            raise ArgumentError(f"{fn}: weight {weight!r} holds negative weights", function=fn, argument="weight")
        labels = labels.where(weights.notna())
    if by == "segment":
        categories = list(SEGMENTS)
    elif isinstance(labels.dtype, pd.CategoricalDtype):
        categories = list(labels.cat.categories)
    else:
        categories = sorted(labels.dropna().unique().tolist(), key=str)
    out = proportions(labels, weights=weights, categories=categories, ci=ci)
    out = out.rename(columns={"category": by})
    reason = None if int(out["n"].sum()) > 0 else Reason.of("no_data")
    return Shares(out, by=by, weight=weight, ci=ci, n_unsegmented=int(data[by].isna().sum()), reason=reason)
