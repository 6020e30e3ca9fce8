"""The customers' own words: a few quotes per group and the words and phrases used most.

Both functions return frozen result objects (:mod:`cxlib.results`). Text is scrubbed of contact details
(:func:`cxlib.privacy.scrub`: e-mail addresses, phone numbers, links and long numbers) before anything is
chosen or counted, so contact details never become a quote or a term. The tables hold the scrubbed text as the
customer wrote it otherwise; everything that displays it escapes it (``_repr_html_``, :meth:`Verbatims.markdown`,
the report pages), so markup in a comment is shown, never interpreted. Groups with fewer comments than
``min_cell`` are suppressed (a quote from a small group can identify someone).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import checks
from .errors import ArgumentError
from .privacy import scrub
from .results import Reason, Result
from .segments import group_order

__all__ = ["Verbatims", "WordFrequency", "verbatims", "word_frequency"]

_STOPWORDS = frozenset("""a about after again all also always am an and any are as at be been before being but by can
could did do does doing don't done for from get gets got had has have having he her here him his how i i'm if in into
is it it's its just me more most my no nor not of off on once only or other our out over own really same she should so
some such than that the their them then there these they this those through to too under until up us very was we were
what when where which while who why will with would you your yours email phone link number
regards thanks cheers
aan al als ben bij dan dat de die dit door een en er geen had heb hebben heel het hij hoe ik in is je jullie kan
maar me meer met mij mijn na naar niet nog nu of om ook op over te tot u uit van veel voor was wat we wel werd
wij worden ze zij zijn zo groeten groetjes mvg
aber als am an auch auf aus bei bin bis da das dass dem den der des die doch du ein eine einem einen einer es für
hat haben ich ihr im in ist ja kein keine man mein meine mich mir mit nach nicht noch nur oder schon sehr sie sind
so um und uns von vor war was wenn wie wir wird wurde zu zum zur grüße gruß grüsse
à au aux avec ce ces cette dans de des du elle en est et été être il ils je la le les leur ma mais me mes mon ne
nous on ou où par pas pour qu que qui sa se ses son sont sur ta te tes très tu un une vous y cordialement merci
""".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
# What privacy.scrub leaves in place of personal data ([name], [email], ...): a gap between words, never a term.
_PLACEHOLDER = re.compile(r"\[(?:name|email|phone|link|number|removed|address)\]", re.IGNORECASE)


def _terms(comment: str, phrases: bool) -> set[str]:
    """The distinct non-stopwords of a comment, and (with ``phrases``) pairs of them adjacent within a stretch
    of text that no scrubbed placeholder interrupts."""
    terms: set[str] = set()
    for piece in _PLACEHOLDER.split(comment):
        words = [w for w in (m.group(0).lower() for m in _WORD.finditer(piece)) if w not in _STOPWORDS]
        terms.update(words)
        if phrases:
            terms.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    return terms


def _prepare(data: Any, text: str, by: str, function: str, min_cell: Any,
             pii_values: Any = ()) -> tuple[pd.DataFrame, list, pd.Series, int]:
    data = checks.frame(data, function)
    checks.columns(data, function, text=text, by=by)
    min_cell = checks.count(min_cell, function, "min_cell", minimum=1)
    col = data[text]
    if pd.api.types.is_numeric_dtype(col) and not col.isna().all():
        raise ArgumentError(f"{function}: text {text!r} holds numbers, not comments; name the free-text "
                                   "column", function=function, argument="text")
    d = data.loc[data[by].notna(), [by, text]].copy()
    pii = tuple(pii_values)
    d[text] = d[text].map(lambda t: scrub(t, pii_values=pii)).str.strip()
    respondents = d[by].astype(object).value_counts()
    d = d[d[text].str.len() > 0]
    return d, group_order(data[by], by), respondents, min_cell


@dataclass(frozen=True, eq=False)
class Verbatims(Result):
    """A few customers' own words per group.

    Attributes
    ----------
    table : DataFrame
        ``<by>, quote, n_comments, n, suppressed``: one row per quote (scrubbed, not escaped); a suppressed or
        quote-less group has one row with an empty quote. ``n_comments`` is the group's comments, ``n`` its
        respondents.
    by : str
    min_cell : int
    excluded : dict
        ``{group: Reason}`` for groups suppressed (``below_min_cell``) or without a quotable comment.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": ["a"] * 40 + ["b"] * 5,
    ...                   "comment": ["The staff always remember my name"] * 40 + ["Slow tills today"] * 5})
    >>> v = verbatims(f, text="comment", per_group=1)
    >>> v.table.columns.tolist(), v.by, v.min_cell, v.n
    (['segment', 'quote', 'n_comments', 'n', 'suppressed'], 'segment', 30, 45)
    >>> v.table[["segment", "quote", "suppressed"]].values.tolist()
    [['a', 'The staff always remember my name', False], ['b', '', True]]
    >>> {group: why.code for group, why in v.excluded.items()}, v.reason is None  # b has 5 comments, under min_cell
    ({'b': 'below_min_cell'}, True)
    """

    by: str = "segment"
    min_cell: int = 30
    excluded: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        t = self._table.drop_duplicates(self.by)
        return int(t["n"].sum()) if len(t) else 0

    @property
    def reason(self) -> Reason | None:
        """Set when nothing can be shown: every group was left out (the largest group's reason)."""
        shown = set(self._table.loc[self._table["quote" if "quote" in self._table else "term"] != "", self.by])
        if shown or not self.excluded:
            return None
        return list(self.excluded.values())[-1] if len(self.excluded) == 1 else max(
            self.excluded.items(), key=lambda kv: self._size(kv[0]))[1]

    def _size(self, group: Any) -> int:
        t = self._table[self._table[self.by] == group]
        return int(t["n_comments"].iloc[0]) if len(t) else 0

    def markdown(self, *, label: Any = None) -> str:
        """The quotes as Markdown blockquotes under a heading per group, every word escaped
        (:func:`cxlib.report.text`). ``label`` maps a group to its heading (default: the group, capitalised)."""
        from . import report

        label = label or (lambda g: str(g)[:1].upper() + str(g)[1:])
        parts = []
        for g, sub in self._table.groupby(self.by, sort=False, observed=True):
            n_comments = int(sub["n_comments"].iloc[0])
            parts.append(f"#### {report.text(label(g))} ({n_comments:,} comments)")
            if g in self.excluded:
                parts.append(f"No comment shown: {self.excluded[g]}.")
                continue
            parts += [f"> “{report.text(q)}”" for q in sub["quote"]]
        return report.Markdown("\n\n".join(parts))

    def headline(self) -> str:
        from . import report

        shown = self._table[~self._table["suppressed"] & (self._table["quote"] != "")]
        return report.Markdown(f"{len(shown):,} quotes from {shown[self.by].nunique():,} groups; "
                               f"{len(self.excluded):,} groups with too few comments to quote.")


def verbatims(data: pd.DataFrame, *, text: str, by: str = "segment", per_group: int = 3, seed: int = 0,
              min_cell: int = 30, min_chars: int = 15, max_chars: int = 300, pii_values: Any = ()) -> Verbatims:
    """A few customers' own words per group, chosen reproducibly and scrubbed of contact details.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with the free-text column ``text`` and the grouping column ``by`` (rows
        without a group are left out).
    text : str
        Free-text column.
    by : str
        Grouping column (the table's first column is named after it).
    per_group : int
        Quotes per group.
    seed : int
        Same seed, same quotes.
    min_cell : int
        Groups with fewer comments than this show none (a quote from a small group can identify someone).
    min_chars, max_chars : int
        Comments shorter than ``min_chars`` (after scrubbing) are not quoted; longer than ``max_chars`` are cut
        at a word boundary with an ellipsis.
    pii_values : iterable of str
        The engagement's personal data (``Engagement.pii_values()``): removed from every comment wherever it
        occurs (see :func:`cxlib.privacy.scrub`).

    Returns
    -------
    Verbatims
        ``.table``: ``<by>, quote, n_comments, n, suppressed``; quotes scrubbed (e-mail addresses, phone
        numbers, URLs and long digit runs replaced by ``[email]``, ``[phone]``, ``[link]``, ``[number]``) and
        distinct within a group. Display them with :meth:`Verbatims.markdown` (escaped).

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["a"] * 40, "comment": ["Mail me at jo@example.com about the app"] * 40})
    >>> verbatims(f, text="comment", per_group=1).table["quote"].tolist()
    ['Mail me at [email] about the app']
    """
    fn = "verbatims.verbatims"
    d, groups, respondents, min_cell = _prepare(data, text, by, fn, min_cell, pii_values)
    per_group = checks.count(per_group, fn, "per_group", minimum=1)
    seed = checks.count(seed, fn, "seed", minimum=0, allow_zero=True)
    min_chars = checks.count(min_chars, fn, "min_chars", minimum=0, allow_zero=True)
    max_chars = checks.count(max_chars, fn, "max_chars", minimum=20)
    rng = np.random.default_rng(seed)
    rows, excluded = [], {}
    key = d[by].astype(object)
    for g in groups:
        sub = d[(key == g).to_numpy()]
        n_resp = int(respondents.get(g, 0))
        base = {by: g, "n_comments": len(sub), "n": n_resp}
        if len(sub) < min_cell:
            excluded[g] = Reason.of("below_min_cell", min_cell=min_cell, n=len(sub))
            rows.append({**base, "quote": "", "suppressed": True})
            continue
        # Distinct comments only: the same sentence twice says nothing more.
        pool = pd.unique(sub[sub[text].str.len() >= min_chars][text].to_numpy())
        if not len(pool):
            excluded[g] = Reason.of("no_quotable", min_chars=min_chars)
            rows.append({**base, "quote": "", "suppressed": False})
            continue
        take = rng.choice(len(pool), size=min(per_group, len(pool)), replace=False)
        for i in sorted(take):
            quote = pool[i]
            if len(quote) > max_chars:
                quote = quote[:max_chars].rsplit(" ", 1)[0].rstrip(",.;: ") + "…"
            rows.append({**base, "quote": quote, "suppressed": False})
    table = pd.DataFrame(rows, columns=[by, "quote", "n_comments", "n", "suppressed"])
    return Verbatims(table, by=by, min_cell=min_cell, excluded=excluded)


@dataclass(frozen=True, eq=False)
class WordFrequency(Result):
    """The words and two-word phrases used most, per group.

    Attributes
    ----------
    table : DataFrame
        ``<by>, term, comments`` (comments using the term, each counted once), ``share`` (of the group's
        comments), ``n_comments``, ``n`` (the group's respondents); by group, then most used first.
    by : str
    min_cell : int
    excluded : dict
        ``{group: Reason}`` for groups left out (fewer comments than ``min_cell``).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": ["a"] * 3, "comment": ["Queues too long", "long queues again", "fine"]})
    >>> w = word_frequency(f, text="comment", min_cell=1, top=2)
    >>> w.table.columns.tolist(), w.by, w.n
    (['segment', 'term', 'comments', 'share', 'n_comments', 'n'], 'segment', 3)
    >>> w.table[["term", "comments"]].values.tolist()
    [['long', 2], ['queues', 2]]
    >>> word_frequency(f, text="comment").reason.code  # 3 comments, fewer than min_cell=30
    'below_min_cell'
    >>> w.headline()
    'Most used: a: “long” in 67% of 3 comments.'
    """

    by: str = "segment"
    min_cell: int = 30
    excluded: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        t = self._table.drop_duplicates(self.by)
        return int(t["n"].sum()) if len(t) else 0

    @property
    def reason(self) -> Reason | None:
        """Set when nothing can be shown: every group was left out (the largest group's reason)."""
        shown = set(self._table.loc[self._table["quote" if "quote" in self._table else "term"] != "", self.by])
        if shown or not self.excluded:
            return None
        return list(self.excluded.values())[-1] if len(self.excluded) == 1 else max(
            self.excluded.items(), key=lambda kv: self._size(kv[0]))[1]

    def _size(self, group: Any) -> int:
        t = self._table[self._table[self.by] == group]
        return int(t["n_comments"].iloc[0]) if len(t) else 0

    def headline(self) -> str:
        from . import report

        parts = []
        for g, sub in self._table.groupby(self.by, sort=False, observed=True):
            top = sub.iloc[0]
            parts.append(f"{report.text(g)}: “{report.text(top['term'])}” in {report.percent(top['share'])} of "
                         f"{int(top['n_comments']):,} comments")
        return report.Markdown("Most used: " + "; ".join(parts) + "." if parts else "")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.word_frequency(self, ax=ax, **kwargs)


def word_frequency(data: pd.DataFrame, *, text: str, by: str = "segment", top: int = 10, min_cell: int = 30,
                   phrases: bool = True, pii_values: Any = ()) -> WordFrequency:
    """The words and two-word phrases customers use most, per group.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with ``text`` and ``by`` (rows without a group are left out).
    text, by : str
        Free-text and grouping columns.
    top : int
        Terms per group.
    min_cell : int
        Groups with fewer comments are left out (in ``excluded``).
    phrases : bool
        Count two-word phrases (of non-stopwords, adjacent in the comment) as well as single words.
    pii_values : iterable of str
        The engagement's personal data, scrubbed from the comments before counting.

    Returns
    -------
    WordFrequency
        ``.table``: ``<by>, term, comments, share, n_comments, n``; sorted by group, then most used first
        (ties alphabetically).

    Notes
    -----
    Comments are scrubbed first, so contact details never become terms; words are lower-cased letters
    (any alphabet) with inner apostrophes; common English function words are left out.

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["a"] * 3, "comment": ["Queues too long", "long queues again", "fine"]})
    >>> word_frequency(f, text="comment", min_cell=1, top=2).table[["term", "comments"]].values.tolist()
    [['long', 2], ['queues', 2]]
    """
    fn = "verbatims.word_frequency"
    d, groups, respondents, min_cell = _prepare(data, text, by, fn, min_cell, pii_values)
    top = checks.count(top, fn, "top", minimum=1)
    rows, excluded = [], {}
    key = d[by].astype(object)
    for g in groups:
        sub = d[(key == g).to_numpy()]
        if len(sub) < min_cell:
            excluded[g] = Reason.of("below_min_cell", min_cell=min_cell, n=len(sub))
            continue
        counts: dict[str, int] = {}
        for comment in sub[text]:
            for t in _terms(comment, phrases):
                counts[t] = counts.get(t, 0) + 1
        best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows += [{by: g, "term": t, "comments": c, "share": c / len(sub), "n_comments": len(sub),
                  "n": int(respondents.get(g, 0))} for t, c in best]
    table = pd.DataFrame(rows, columns=[by, "term", "comments", "share", "n_comments", "n"])
    return WordFrequency(table, by=by, min_cell=min_cell, excluded=excluded)
