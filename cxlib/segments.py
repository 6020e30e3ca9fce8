"""Connection index and the three customer segments (DESIGN §3).

The connection index of a respondent is the mean of their answered motivator items, each rescaled to
0–100 by its codebook scale; respondents who answered fewer than half the items get no index and no
segment. Segments: ``fully connected`` at or above the threshold; otherwise ``highly satisfied`` at
or above the satisfaction top box; otherwise ``other``.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .stats import proportions

__all__ = ["SEGMENTS", "connection_index", "assign", "segment_dtype", "shares"]

#: Segment names in their fixed, ordered form.
SEGMENTS: tuple[str, ...] = ("fully connected", "highly satisfied", "other")

segment_dtype = pd.CategoricalDtype(list(SEGMENTS), ordered=True)

Scale = tuple[float, float]


def connection_index(
    items: pd.DataFrame,
    scale: Scale | Mapping[str, Scale] = (1, 7),
    *,
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
    """
    if items.shape[1] == 0:
        raise ValueError("connection_index: no motivator items were given")
    values = items.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    if isinstance(scale, Mapping):
        missing = [c for c in items.columns if c not in scale]
        if missing:
            raise ValueError(f"connection_index: no scale for item columns {missing}")
        lo = np.array([float(scale[c][0]) for c in items.columns])
        hi = np.array([float(scale[c][1]) for c in items.columns])
    else:
        lo = np.full(items.shape[1], float(scale[0]))
        hi = np.full(items.shape[1], float(scale[1]))
    if np.any(hi <= lo):
        raise ValueError("connection_index: every scale needs max > min")
    rescaled = (values - lo) / (hi - lo) * 100.0
    answered = np.isfinite(rescaled)
    n_answered = answered.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(answered, rescaled, 0.0).sum(axis=1) / n_answered
    index[n_answered < min_answered * items.shape[1]] = np.nan
    return pd.Series(index, index=items.index, name="connection_index")


def assign(
    frame: pd.DataFrame,
    threshold: float,
    sat_column: str,
    top_box: float,
    *,
    index_column: str = "connection_index",
) -> pd.Series:
    """Segment of each respondent: fully connected, highly satisfied or other.

    Parameters
    ----------
    frame : DataFrame
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
    for col in (index_column, sat_column):
        if col not in frame.columns:
            raise KeyError(f"assign: column {col!r} is not in the frame")
    index = pd.to_numeric(frame[index_column], errors="raise")
    sat = pd.to_numeric(frame[sat_column], errors="raise")
    out = pd.Series(pd.NA, index=frame.index, dtype=object)
    connected = index >= threshold
    out[connected] = SEGMENTS[0]
    rest = index.notna() & ~connected
    out[rest & (sat >= top_box)] = SEGMENTS[1]
    out[rest & (sat < top_box)] = SEGMENTS[2]
    return out.astype(segment_dtype).rename("segment")


def shares(
    frame: pd.DataFrame,
    *,
    segment: str = "segment",
    weight: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Share of respondents in each segment, with n and a Wilson interval.

    Parameters
    ----------
    frame : DataFrame
        The analysis frame (``Engagement.frame()``).
    segment : str
        Segment column.
    weight : str, optional
        Respondent-weight column; shares are then weighted and the interval uses Kish's effective n.
    ci : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns ``segment, n, n_effective, share, ci_low, ci_high`` in ``SEGMENTS`` order. Respondents
        without a segment (too few motivator items answered) are left out; their count is in
        ``result.attrs["n_unsegmented"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": pd.Categorical(["fully connected", "other", "other", None],
    ...                                              categories=SEGMENTS)})
    >>> shares(f)[["segment", "n", "share"]].values.tolist()[0]
    ['fully connected', 1, 0.3333333333333333]
    """
    labels = frame[segment]
    out = proportions(labels, weights=None if weight is None else frame[weight], categories=list(SEGMENTS), ci=ci)
    out = out.rename(columns={"category": "segment"})
    out.attrs["n_unsegmented"] = int(labels.isna().sum())
    return out
