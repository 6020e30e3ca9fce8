"""Headline figures: notebooks record them, the batch gathers them into ``results.json``.

A notebook calls ``record("segment_shares", {...})``; that displays the value under a private MIME type
(as scrapbook's ``glue`` does), so the notebook writes no file and the rendered HTML shows nothing.
``collect(notebook)`` reads the executed notebook's outputs back. Estimates are recorded in the
results.json shape (docs/outputs.md) ``{"estimate", "ci_low", "ci_high", "n"}`` via ``estimate_dict``.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["MIME_TYPE", "Markdown", "text", "label", "p_value", "listing", "number", "suppressed", "record", "collect", "to_jsonable", "estimate_dict", "share_table", "sample_notes", "methods_common",
           "pretty", "percent", "interval", "ci_text", "estimate_table"]

MIME_TYPE = "application/vnd.cxlib.results+json"


class Markdown(str):
    """A reviewer's text as Markdown: a ``str`` that a notebook displays as formatted text.

    Report functions return it, so a notebook cell that ends in ``page.headline()`` shows the sentence,
    and the same value can be tested, joined and written into a deck as a plain string.

    Examples
    --------
    >>> m = Markdown("**22%** of customers are fully connected.")
    >>> m._repr_markdown_() == m, isinstance(m, str)
    (True, True)
    """

    def _repr_markdown_(self) -> str:
        return str(self)


def text(name: Any) -> str:
    """A name from the data (client, element, motivator, stage, cut) as literal Markdown text.

    HTML is escaped and every Markdown control character is backslash-escaped, so
    ``<img src=x> **bold**`` reads exactly so, never as markup.

    Examples
    --------
    >>> print(text("<b>Staff</b> & *me*"))
    &lt;b&gt;Staff&lt;/b&gt; &amp; \\*me\\*
    >>> text("Choosing the shop")
    'Choosing the shop'
    """
    import html

    out = html.escape(str(name), quote=False)
    escaped = []
    for ch in out:
        escaped.append("\\" + ch if ch in "\\`*_{}[]<>#|~$" else ch)
    return "".join(escaped)


def label(name: Any) -> str:
    """A name from the codebook (stage, element, motivator, segment) as a reader sees it: as written, with only
    a first lower-case letter raised when the whole name is in lower case (a code such as ``discover`` starting
    a table cell). A name that is already a label is never re-cased (``.capitalize()`` would turn ``NPS
    follow-up`` into ``Nps follow-up``). Plain text, not escaped: pass it through :func:`text` for Markdown.

    Examples
    --------
    >>> label("Choosing the shop"), label("discover"), label("NPS follow-up"), label("iPhone app"), label(None)
    ('Choosing the shop', 'Discover', 'NPS follow-up', 'iPhone app', '')
    """
    if name is None or (isinstance(name, float) and name != name):
        return ""
    s = str(name).strip()
    return s[:1].upper() + s[1:] if s == s.lower() else s


_label = label  # for functions whose ``label`` argument hides it


def p_value(p: Any) -> str:
    """A p-value for reading: ``p = 0.032``, ``p < 0.001``; missing reads ``p not available``.

    Examples
    --------
    >>> p_value(7.8e-88), p_value(0.0321), p_value(0.5), p_value(None)
    ('p < 0.001', 'p = 0.032', 'p = 0.50', 'p not available')
    """
    if p is None or not math.isfinite(float(p)):
        return "p not available"
    p = float(p)
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.2g}" if p < 0.01 else f"p = {p:.2f}" if p >= 0.1 else f"p = {p:.3f}".rstrip("0")


def listing(items: Any, *, limit: int = 3, conjunction: str = "and", quote: bool = False) -> str:
    """Names joined for a sentence; a list cut at ``limit`` says how many more.

    Examples
    --------
    >>> listing(["a", "b"]), listing(["a", "b", "c", "d", "e"], limit=3)
    ('a and b', 'a, b, c and 2 more')
    >>> listing([])
    'none'
    """
    items = [str(i) for i in items]
    if quote:
        items = [f"“{i}”" for i in items]
    if not items:
        return "none"
    shown, rest = items[:limit], len(items) - limit
    if rest > 0:
        return ", ".join(shown) + f" {conjunction} {rest:,} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {conjunction} " + shown[-1]


def number(value: Any, fmt: str = "{:,.0f}", *, missing: str = "–") -> str:
    """A number for reading with a true minus sign; missing, NaN or inf reads ``missing`` (never ``nan``).

    Examples
    --------
    >>> number(-1234.5), number(float("nan")), number(None), number(0.256, "{:.0%}")
    ('−1,234', '–', '–', '26%')
    >>> number(-0.3), number(-0.3, "{:+.0f}"), number(0.2, "{:+.0f}"), number(-0.04, "{:.1f}")
    ('0', '0', '0', '0.0')
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return missing
    if not math.isfinite(v):
        return missing
    out = fmt.format(v)
    if out[:1] in "+-" and not any(c in "123456789" for c in out):
        out = out[1:]  # a figure shown as zero reads "0", never "−0" or "+0"
    return out.replace("-", "−")


def to_jsonable(value: Any) -> Any:
    """Turn numpy/pandas scalars and containers into plain JSON values; NaN and inf become None.

    A figure that could not be estimated is recorded as ``None`` (JSON ``null``), never as NaN.

    Examples
    --------
    >>> to_jsonable({"a": np.float64(0.25), "b": np.nan, "c": np.arange(3)})
    {'a': 0.25, 'b': None, 'c': [0, 1, 2]}
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "item"):  # pandas NA-like scalars
        try:
            return to_jsonable(value.item())
        except (ValueError, TypeError):
            pass
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    raise TypeError(f"record: cannot store a value of type {type(value).__name__} in results.json")


def estimate_dict(estimate: float, ci_low: float, ci_high: float, n: int, **extra: Any) -> dict[str, Any]:
    """The results.json shape (docs/outputs.md) of one estimate: ``{"estimate", "ci_low", "ci_high", "n", ...extra}``.

    Examples
    --------
    >>> estimate_dict(np.float64(2.1), 1.8, 2.4, 812, value="annual_spend")
    {'estimate': 2.1, 'ci_low': 1.8, 'ci_high': 2.4, 'n': 812, 'value': 'annual_spend'}
    """
    return to_jsonable({"estimate": estimate, "ci_low": ci_low, "ci_high": ci_high, "n": n, **extra})


def suppressed(n: int, min_cell: int) -> dict[str, Any]:
    """The ``results.json`` entry for a figure withheld by small-cell suppression (same keys as an estimate).

    Examples
    --------
    >>> suppressed(17, 30)
    {'estimate': None, 'ci_low': None, 'ci_high': None, 'n': 17, 'note': 'suppressed: fewer than 30 customers'}
    """
    return {"estimate": None, "ci_low": None, "ci_high": None, "n": int(n),
            "note": f"suppressed: fewer than {int(min_cell)} customers"}


def record(key: str, value: Any) -> None:
    """Record a headline figure from inside a notebook, for ``results.json``.

    Parameters
    ----------
    key : str
        A ``results.json`` key (docs/outputs.md), e.g. ``"segment_shares"``.
    value : JSON-like
        Numbers, strings, lists and dicts (numpy scalars are converted; NaN becomes null).

    Examples
    --------
    >>> record("value_multiplier", {"estimate": 2.1, "ci_low": 1.8, "ci_high": 2.4, "n": 812})  # shows nothing: a private MIME type
    {'application/vnd.cxlib.results+json': {'key': 'value_multiplier', 'value': {'estimate': 2.1, 'ci_low': 1.8, 'ci_high': 2.4, 'n': 812}}}
    """
    from IPython.display import display

    display({MIME_TYPE: {"key": key, "value": to_jsonable(value)}}, raw=True)


def collect(notebook: Any) -> dict[str, Any]:
    """Headline figures recorded in an executed notebook (an ``nbformat`` node), later keys winning.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "outputs": [{"data": {MIME_TYPE: {"key": "nps", "value": 12.5}}}]}]}
    >>> collect(nb)
    {'nps': 12.5}
    """
    found: dict[str, Any] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if MIME_TYPE in data:
                payload = data[MIME_TYPE]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                found[payload["key"]] = payload["value"]
    return found


def _pct(v: float) -> str:
    return "–" if v is None or not math.isfinite(float(v)) else percent(float(v))


def share_table(shares: Any, *, label: str = "Group") -> Any:
    """Reviewer-ready table of shares: ``label, Share, 95% CI, n`` as formatted text.

    Formatting happens only here, at presentation; the statistics stay unrounded.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlib.segments import shares
    >>> f = pd.DataFrame({"segment": pd.Categorical(["fully connected"] * 30 + ["other"] * 70)})
    >>> share_table(shares(f), label="Segment").columns.tolist()
    ['Segment', 'Share', '95% CI', 'n']
    """
    import pandas as pd

    shares = shares.table if hasattr(shares, "table") else shares  # a segments.Shares result or its table
    key = shares.columns[0]
    return pd.DataFrame({
        label: [_label(v) for v in shares[key]],
        "Share": [_pct(v) for v in shares["share"]],
        "95% CI": [f"{_pct(lo)} – {_pct(hi)}" for lo, hi in zip(shares["ci_low"], shares["ci_high"])],
        "n": [f"{int(n):,}" for n in shares["n"]],
    }).style.hide(axis="index").format(escape="html")


def sample_notes(eng: Any, frame: Any, shares: Any) -> str:
    """Plain-language notes on this sample: joins, consent, unplaced respondents, effective sample size and
    the interval method for shares (Markdown). Complements :func:`methods_common`, which every report shows.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> cfg = {"connection": {"threshold": 75}, "satisfaction": {"column": "overall_sat", "top_box": 9},
    ...        "privacy": {"min_cell": 30, "consent": None}, "weight": None}
    >>> eng = SimpleNamespace(client="Acme", config=cfg, survey=pd.DataFrame(index=range(500)), customers=pd.DataFrame(index=range(800)))
    >>> from cxlib.segments import shares
    >>> f = pd.DataFrame({"segment": pd.Categorical(["fully connected"] * 30 + ["other"] * 70)})
    >>> print(sample_notes(eng, f, shares(f)).splitlines()[0])
    - **Sample.** 500 survey responses; 100 could be joined to a customer record and had analytics consent.
    """
    from .stats import kish_effective_n

    cfg = eng.config
    sample = getattr(eng, "sample", None)
    n_survey = sample.survey_rows if sample is not None else len(eng.survey)
    n_no_consent = sample.no_consent if sample is not None else 0
    lines = [
        f"- **Sample.** {n_survey:,} survey responses; "
        f"{len(frame):,} could be joined to a customer record and had analytics consent.",
    ]
    if n_no_consent:
        lines.append(f"- **Consent.** {n_no_consent:,} customers withheld consent to analytics: they are "
                     "counted here but left out of every analysis.")
    n_unseg = int(getattr(shares, "n_unsegmented", 0))
    if n_unseg:
        lines.append(f"- **Unplaced.** {n_unseg:,} respondents answered fewer than half of the emotional-motivator "
                     "questions, so they have no connection index and no segment.")
    # The segment definition and the weighting rule are in every report's common appendix (methods_common);
    # here only what is particular to this sample.
    if cfg.get("weight"):
        n_eff = kish_effective_n(frame[cfg["weight"]])
        lines.append(f"- **Effective sample size.** With the weights, the {len(frame):,} respondents count as "
                     f"{n_eff:,.0f} (Kish).")
    lines.append("- **Intervals.** 95% Wilson score intervals for shares" +
                 (", computed on the effective sample size." if cfg.get("weight") else "."))
    return "\n".join(lines)


def pretty(name: str) -> str:
    """A column name as words: ``annual_spend`` -> ``Annual spend``.

    Examples
    --------
    >>> pretty("annual_spend")
    'Annual spend'
    """
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def percent(share: float) -> str:
    """A share as a whole percent, or to one decimal below 1% so a small non-zero share (or interval bound)
    does not read as 0%.

    Examples
    --------
    >>> percent(0.2349), percent(0.0042), percent(0.0)
    ('23%', '0.4%', '0%')
    """
    return f"{share:.1%}" if 0 < abs(share) < 0.01 else f"{share:.0%}"


def interval(low: float, high: float, *, fmt: str = "{:.2f}") -> str:
    """An interval for reading: ``1.90–2.31``; with a sign on either bound ``−59 to 144`` or ``+22 to +40``
    (a dash next to a sign would read as a minus), always with a true minus sign.

    Examples
    --------
    >>> interval(1.9, 2.31)
    '1.90–2.31'
    >>> interval(-59.4, 143.6, fmt="{:,.0f}")
    '−59 to 144'
    >>> interval(22.1, 40.2, fmt="{:+.0f}")
    '+22 to +40'
    """
    lo, hi = (fmt.format(v).replace("-", "−") for v in (low, high))
    signed = lo[:1] in "+−" or hi[:1] in "+−"
    return f"{lo} to {hi}" if signed else f"{lo}–{hi}"


def ci_text(estimate: float, ci_low: float, ci_high: float, *, fmt: str = "{:.2f}", n: int | None = None) -> str:
    """``2.10 (95% CI 1.90–2.31; n=1,234)``, or ``not estimable`` when the estimate is missing.

    Examples
    --------
    >>> ci_text(2.104, 1.9, 2.31, n=1234)
    '2.10 (95% CI 1.90–2.31; n=1,234)'
    >>> ci_text(float("nan"), 0, 1)
    'not estimable'
    """
    def ok(v: Any) -> bool:
        return v is not None and math.isfinite(float(v))

    if not ok(estimate):
        return "not estimable"
    inner = f"95% CI {interval(ci_low, ci_high, fmt=fmt)}" if ok(ci_low) and ok(ci_high) else "no interval"
    if n is not None:
        inner += f"; n={int(n):,}"
    return f"{fmt.format(estimate).replace('-', '−')} ({inner})"


def estimate_table(data: Any, *, columns: dict[str, str], fmt: str = "{:.2f}", min_cell: int = 0,
                   n_column: str = "n") -> Any:
    """Reviewer-ready table: estimate columns formatted with their interval, small cells suppressed.

    Parameters
    ----------
    data : DataFrame
        Holds ``estimate``-like columns plus ``ci_low``, ``ci_high`` and ``n``.
    columns : dict
        ``{source column: header}`` for the label columns to show first, then ``"__estimate__": header``
        names the estimate column (the key after ``__estimate__:``), e.g.
        ``{"segment": "Segment", "__estimate__:mean": "Mean annual spend"}``.
    fmt : str
        Format of the numbers.
    min_cell : int
        Rows with ``n`` below this show "suppressed (n < min_cell)" instead of numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"segment": ["fully_connected", "other"], "mean": [812.0, 402.5], "ci_low": [770.1, 390.0],
    ...                   "ci_high": [850.9, 415.2], "n": [25, 400]})
    >>> table = estimate_table(t, columns={"segment": "Segment", "__estimate__:mean": "Mean spend"}, fmt="{:,.0f}", min_cell=30)
    >>> table.data.values.tolist()  # a pandas Styler, ready to display
    [['Fully connected', 'suppressed (n < 30)', '25'], ['Other', '402 (95% CI 390–415)', '400']]
    """
    import pandas as pd

    out = {}
    est_col = None
    for src, header in columns.items():
        if src.startswith("__estimate__:"):
            est_col = (src.split(":", 1)[1], header)
        else:
            out[header] = [pretty(v) if isinstance(v, str) else v for v in data[src]]
    if est_col:
        col, header = est_col
        cells = []
        for _, row in data.iterrows():
            if row[n_column] < min_cell:
                cells.append(f"suppressed (n < {min_cell})")
            else:
                cells.append(ci_text(row[col], row["ci_low"], row["ci_high"], fmt=fmt))
        out[header] = cells
    out["n"] = [f"{int(v):,}" for v in data[n_column]]
    return pd.DataFrame(out).style.hide(axis="index").format(escape="html")


def _preparation_lines(eng: Any) -> list[str]:
    """The methods appendix's account of the rules in engagement.yaml: responses left out and answers read as
    no answer, each with its count (nothing when no rule changed anything)."""
    prep = getattr(eng, "preparation", None)
    if prep is None:
        return []
    dropped = [s for s in prep.steps if s.action == "dropped" and s.rows]
    blanked = [s for s in prep.steps if s.action == "blanked" and s.rows]
    lines = []
    if dropped:
        parts = "; ".join(f"{s.rows:,} because {text(s.rule.replace('_', ' '))}" for s in dropped)
        lines.append(f"- **Responses left out.** Of the {prep.survey_rows:,} rows of the survey file, "
                     f"{prep.dropped:,} are not responses to analyse and were left out, by the rules set for this "
                     f"engagement: {parts}.")
    if blanked:
        n = sum(s.rows for s in blanked)
        lines.append(f"- **No-answer codes.** {n:,} answers coded as “not applicable” or “don't know” in the export "
                     f"were read as no answer, in {len(blanked)} question{'s' * (len(blanked) != 1)}.")
    return lines


def methods_common(eng: Any) -> str:
    """The part of every report's methods appendix that is the same in all of them (Markdown): the data,
    the segment definition, how intervals are read, and the suppression rule.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> cfg = {"connection": {"threshold": 75}, "satisfaction": {"column": "overall_sat", "top_box": 9},
    ...        "privacy": {"min_cell": 30, "consent": None}, "weight": None}
    >>> eng = SimpleNamespace(client="Acme", config=cfg, survey=pd.DataFrame(index=range(500)), customers=pd.DataFrame(index=range(800)))
    >>> print(methods_common(eng).splitlines()[1])
    - **Segments.** *Fully connected*: connection index (the mean of the emotional-motivator items, rescaled to 0–100) of at least 75. *Highly satisfied*: not fully connected, overall satisfaction of 9 or more. *Other*: everyone else.
    """
    cfg = eng.config
    weight = cfg.get("weight")
    consent = cfg["privacy"].get("consent")
    sample = getattr(eng, "sample", None)
    lines = [
        f"- **Data.** {text(eng.client)}: {len(eng.survey):,} survey responses joined by customer id to the customer "
        f"records ({len(eng.customers):,} customers)"
        + (f"; {sample.analysed:,} respondents analysed, {sample.segmented:,} of them with a segment" if sample else "")
        + ("; customers who did not consent to analysis are counted but never analysed" if consent else "")
        + ".",
    ] + _preparation_lines(eng) + [
        f"- **Segments.** *Fully connected*: connection index (the mean of the emotional-motivator items, rescaled to "
        f"0–100) of at least {cfg['connection']['threshold']:g}. *Highly satisfied*: not fully connected, overall "
        f"satisfaction of {cfg['satisfaction']['top_box']:g} or more. *Other*: everyone else.",
        "- **Weights.** " + (("Estimates are weighted by raking weights that match the respondents to the customer "
                              "base on " + listing([pretty(c).lower() for c in cfg["weighting"]["rake"]], limit=6)
                              + (", starting from the respondent weights supplied with the survey"
                                 if cfg["weighting"].get("design_weight") else "")
                              + " (see the weighting lines below); intervals take the weights as given (Kish's "
                              "effective sample size, or resampling with the weights), so only the shares compared "
                              "unweighted against weighted below also allow for the raking itself.")
                             if cfg.get("weighting") else
                             "Estimates are weighted by the respondent weights supplied with the survey; intervals "
                             "allow for the weights' variability (Kish's effective sample size, or resampling with "
                             "the weights)." if weight else
                             "No respondent weights: every respondent counts once."),
        "- **Confidence intervals.** 95% throughout: the range that would contain the true value in 95 of 100 repeats "
        "of the survey. n is the number of customers behind each figure.",
        f"- **Suppression.** Groups with fewer than {cfg['privacy']['min_cell']} customers are not shown; no customer id, "
        "name, e-mail or phone number appears, and comments are scrubbed of contact details.",
    ]
    return "\n".join(lines)
