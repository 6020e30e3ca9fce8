"""The customers' own words: quotes worth reading, the terms and phrases used most, and the themes they raise.

Every function returns a frozen result object (:mod:`cxlib.results`). Text is scrubbed of personal data
(:func:`cxlib.privacy.scrub`: e-mail addresses, phone numbers, links, long numbers and names, replaced by
placeholders such as ``[email]``) before anything is chosen or counted, so personal data never becomes a quote,
a term or a theme. The tables hold the scrubbed text as the customer wrote it otherwise; everything that
displays it escapes it (``_repr_html_``, :meth:`Verbatims.markdown`, the report pages), so markup in a comment
is shown, never interpreted. Groups with fewer comments than ``min_cell`` are suppressed (a quote from a small
group can identify someone).

**Words.** A comment is split into clauses at punctuation and at placeholders, and into lower-cased words
(letters of any alphabet, inner apostrophes; French elisions such as ``l'``, ``d'``, ``qu'`` dropped). A word
is a *stop word* when it is on the list of English, Dutch, German or French function words
(:data:`STOP_WORDS`), a *filler* when it is a light verb, an intensifier or a contact word (:data:`FILLERS`:
"like", "make", "get", "really", "just", "email", ...), and otherwise a *content word*. Content words that only
evaluate ("good", "fine", "prima", "gut", "bien": :data:`GENERIC`) carry no subject.

**Quotes** (:func:`quotable`) are chosen among comments with at least ``min_words`` words besides placeholders,
at least one content word that is not generic, placeholders at most a fifth of the words and a quarter of
the characters, and that are not a stock phrase ("no comment", "n/a", "geen opmerkingen", "keine Angaben",
"rien à signaler").

**Terms** are content words and two-word phrases of content words adjacent in one clause (never across a
stop word, a comma or a placeholder), so "Does the job, prices are fair" gives "job", "prices", "fair" and no
phrase. **Themes** (:func:`themes`) group comments by non-negative matrix factorisation of their TF-IDF
content-word profile (scikit-learn), named by their top terms.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from . import checks
from .errors import ArgumentError
from .privacy import scrub
from .results import Reason, Result
from .segments import group_order

__all__ = ["Verbatims", "WordFrequency", "Themes", "verbatims", "word_frequency", "themes", "quotable", "language",
           "words", "STOP_WORDS", "FILLERS", "GENERIC", "STOCK_PHRASES", "MIN_WORDS", "MAX_PLACEHOLDER_WORDS",
           "MAX_PLACEHOLDER_CHARS"]

#: Function words of each language (articles, pronouns, prepositions, conjunctions, auxiliaries, greetings and
#: sign-offs), written out here so that nothing is downloaded. A term is never one of them, in any language.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""
a about above across after again against all almost along although am among an and another any anybody are
aren't around as at be because been before being below beside besides between both but by can can't cannot
could couldn't did didn't do does doesn't doing don't done dont down during each either else etc few for from
further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself
his how how's however i i'd i'll i'm i've id im ive if in inside into is isn't it it'd it'll it's its itself
let's may me might mine more most must mustn't my myself neither no nor not of off on once one only onto or
other others ought our ours ourselves out over own per same shall shan't she she'd she'll she's should
shouldn't since so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those though through throughout thus till to too toward towards under
unless until up upon us via was wasn't we we'd we'll we're we've were weren't what what's whatever when
when's whenever where where's whereas wherever whether which while who who's whoever whom whose why why's
very will with within without won't would wouldn't yet you you'd you'll you're you've your yours yourself
yourselves oh hi hello hey dear regards cheers kind thx
""".split()),
    "nl": frozenset("""
aan af al alle alles als altijd andere anders ben bent bij daar daarom dan dat de deze die dit doch doen door
dus een eens elk elke en er erg ge geen geweest haar had hadden heb hebben heeft hem hen het hier hij hoe hun
iemand iets ik in is ja je jij jou jouw jullie kan kon konden kunnen maar me meer men met mij mijn moet moeten
mogen na naar niet nog nou nu of om omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw van
veel voor waar want waren was wat we wel welke werd wezen wie wij wil willen worden wordt zal ze zelf zich zij
zijn zo zoals zonder zou zouden zullen 't 'n m'n z'n d'r zo'n hoor beste groet groeten groetjes mvg gr doei
hoi hallo dag
""".split()),
    "de": frozenset("""
ab aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim bin bis bist da damit
dann das dass daß dein deine dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch dort
du durch ein eine einem einen einer eines er es etwas euch euer für gegen gewesen hab habe haben hat hatte
hatten hier ich ihm ihn ihnen ihr ihre ihrem ihren im in ins ist ja jede jedem jeden jeder jedes jemand kann
kein keine keinem keinen können könnte man mehr mein meine meinem meinen mich mir mit muss müssen nach nicht
noch nun nur ob oder ohne schon sehr sein seine seinem seinen seit sich sie sind so soll sollte sondern über
um und uns unser unsere unter viel viele vom von vor war wäre waren warum was weil welche welcher wenn wer
werde werden wie wieder will wir wird wo wurde würde zu zum zur zwar ganz ganze ganzen grüße gruß grüsse gruesse lg mfg hallo
liebe lieber liebes guten tag herr frau
""".split()),
    "fr": frozenset("""
à a ai as au aussi aux avec avez avoir avons car ce ceci cela celle celui ces cet cette ceux chez comme dans de
des donc du elle elles en encore es est et étaient était été êtes être eu eux ici il ils je la là le les leur
leurs lui ma mais me même mes moi mon ne ni nos notre nous on ont ou où par parce pas peu plus pour quand que
quel quelle quels qui sa sans se sera serait ses si son sont sommes sur suis ta te tes toi ton très tu un une
vos votre vous y tous tout toute toutes autre autres chaque quelques moins c l d j m n s t qu cordialement bonjour bonsoir salut madame monsieur
""".split()),
}
_STOP = frozenset().union(*STOP_WORDS.values())

#: Words that say little on their own in a table of terms: light verbs, intensifiers, hedges and the words of a
#: contact request ("email me at ..."), in the four languages. Neither a term nor a content word of a quote.
FILLERS: frozenset[str] = frozenset("""
like likes liked make makes made making get gets got getting gotten really just even still quite rather pretty
always usually often sometimes ever never again already actually basically maybe perhaps probably anyway also
thing things stuff lot lots bit way go goes going went gone come comes came coming say says said tell know
knew think thought want wants wanted see seem seems seemed seeming feel feels felt keep keeps kept take takes
took put let lets much many well yes ok okay every everything anything something someone anyone everyone
somebody anybody everybody thank thanks please sure though
email e-mail mail emailed call called calling phone ring text number link address write
mr mrs ms miss sir madam mevrouw meneer mevr dhr mme mlle name naam nom
echt gewoon heel zeer even steeds vaak nooit maken maakt gemaakt krijgen krijg kreeg gaan gaat ging komen komt
kwam zeggen zegt vinden vind vindt denk weet zien lijkt voel voelt wel eigenlijk misschien graag bedankt dank
mailen bellen bel
wirklich einfach immer mal halt eben eigentlich vielleicht machen macht gemacht bekommen bekomme gehen geht
ging kommen kommt kam sagen sagt finden finde findet denke weiß sehen scheint fühle fühlt bitte danke dank
vielen anrufen
vraiment juste toujours souvent jamais faire fait fais aller va vais venir vient dire dit trouver trouve pense
sais voir semble sens peut-être merci beaucoup svp appeler écrire
""".split())

#: Content words that only evaluate ("good", "fine", "prima", "gut", "bien"): a comment made of them and
#: nothing else ("Good service, no complaints" has one other word) is a stock phrase, not a quote.
GENERIC: frozenset[str] = frozenset("""
good great fine nice excellent bad poor terrible awful best better worse worst satisfied happy unhappy overall
nothing special complaints complaint comment comments none na n/a all fab fantastic amazing lovely perfect super
top brilliant wonderful cool alright average normal ok okay
goed goede prima fijn leuk slecht tevreden ontevreden niks niets opmerkingen opmerking geweldig mooi top
gut gute guter schlecht zufrieden unzufrieden nichts toll prima bemerkungen anmerkungen angaben klasse schön
bien bon bonne bons mauvais satisfait satisfaite rien parfait génial nul commentaire commentaires signaler ras
""".split())

#: Whole comments (lower-cased, letters and spaces only) that are stock answers, never quoted.
STOCK_PHRASES: frozenset[str] = frozenset({
    "n a", "na", "none", "no", "nothing", "no comment", "no comments", "nothing to add", "nothing else",
    "not applicable", "all good", "all fine", "good", "fine", "ok", "okay", "nope", "no thanks",
    "geen", "geen opmerkingen", "geen commentaar", "niets", "nvt", "n v t", "niks", "alles goed", "prima",
    "keine", "keine angaben", "keine anmerkungen", "nichts", "alles gut", "passt", "kein kommentaar",
    "rien", "rien à signaler", "ras", "aucun", "aucun commentaire", "pas de commentaire", "sans commentaire",
    "tout va bien", "très bien", "bien",
})

#: The quote rule: at least this many words besides placeholders, ...
MIN_WORDS = 4
#: ... at least this many content words that are not generic ("prices" in "Prices keep going up"), ...
MIN_SUBSTANCE = 1
#: ... placeholders at most this share of the words (placeholders counted as words) ...
MAX_PLACEHOLDER_WORDS = 0.2
#: ... and at most this share of the characters (spaces not counted).
MAX_PLACEHOLDER_CHARS = 0.25

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# What privacy.scrub leaves in place of personal data ([name], [email], ...): a gap between words, never a term.
_PLACEHOLDER = re.compile(r"\[(?:name|email|phone|link|number|removed|address)\]", re.IGNORECASE)
# Clause boundaries: a phrase never spans them.
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"“”„«»…–—/|•\n\r\t]+|\s-\s")
_ELISION = re.compile(r"^(?:l|d|j|qu|c|n|s|m|t)'(?=[^\W\d_]{2,})")
# Greetings and sign-offs, in the four languages: courtesy, not substance ("Met vriendelijke groet", "Liebe Grüße
# an das ganze Team"), so their words do not make a comment quotable.
_SIGN_OFF = re.compile(
    r"\b(?:(?:kind|best|warm|many)\s+(?:regards|wishes|thanks)|yours\s+(?:sincerely|faithfully|truly)|dear\s+team|"
    r"(?:met\s+)?(?:vriendelijke|hartelijke)\s+groet(?:en)?|groet(?:en|jes)?\s+(?:aan|van|uit)\s+(?:het\s+)?\w+|"
    r"mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|(?:liebe|viele|beste|freundliche|herzliche)\s+gr(?:ü|ue)(?:ß|ss)e"
    r"(?:\s+(?:an|aus)\s+(?:das\s+)?(?:ganze\s+)?\w+)?|bien\s+(?:à|a)\s+vous|bien\s+cordialement|"
    r"bonne\s+(?:journ[ée]e|soir[ée]e)|(?:à|a)\s+bient[ôo]t|tot\s+ziens|bis\s+bald|see\s+you\s+soon)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _norm(word: str) -> str:
    w = unicodedata.normalize("NFC", word.lower().replace("’", "'"))
    return _ELISION.sub("", w)


def _clauses(comment: str) -> list[list[str]]:
    """The comment's words, lower-cased, in clauses that neither punctuation nor a placeholder interrupts."""
    out = []
    for piece in _PLACEHOLDER.split(comment):
        for clause in _CLAUSE.split(piece):
            ws = [_norm(m.group(0)) for m in _WORD.finditer(clause)]
            if ws:
                out.append(ws)
    return out


def _content(word: str) -> bool:
    return len(word) >= 2 and word not in _STOP and word not in FILLERS


def words(comment: str, *, phrases: bool = True, generic: bool = False) -> list[str]:
    """The terms of one comment, in order: content words and (with ``phrases``) two-word phrases of content
    words adjacent in one clause.

    Parameters
    ----------
    comment : str
        Scrubbed text (placeholders such as ``[email]`` are gaps, never words).
    phrases : bool
        Add the two-word phrases.
    generic : bool
        Keep evaluative words ("good", "prima") as single terms (they always may open a phrase: "good service").

    Returns
    -------
    list of str

    Examples
    --------
    >>> words("Does the job, prices are fair.")
    ['job', 'prices', 'fair']
    >>> words("Really friendly staff, they just get me. Email me at [email]")
    ['friendly', 'staff', 'friendly staff']
    >>> words("Great delivery times")
    ['delivery', 'times', 'great delivery', 'delivery times']
    """
    singles, pairs = [], []
    for clause in _clauses(str(comment)):
        keep = [_content(w) for w in clause]
        singles += [w for w, k in zip(clause, keep) if k and (generic or w not in GENERIC)]
        if phrases:
            pairs += [f"{a} {b}" for a, b, ka, kb in zip(clause, clause[1:], keep, keep[1:]) if ka and kb]
    return singles + pairs


def language(comment: str) -> str:
    """The comment's language by stop-word overlap: ``"en"``, ``"nl"``, ``"de"``, ``"fr"``, or ``""`` when none
    of their stop words occurs (ties go to the first in that order).

    Examples
    --------
    >>> [language(t) for t in ("The queues were long", "De rij was te lang", "Die Schlange war zu lang",
    ...                        "La queue était trop longue", "Schnell!")]
    ['en', 'nl', 'de', 'fr', '']
    """
    ws = [w for clause in _clauses(str(comment)) for w in clause]
    best, score = "", 0
    for lang, stops in STOP_WORDS.items():
        s = sum(w in stops for w in ws)
        if s > score:
            best, score = lang, s
    return best


def _profile(comment: str) -> dict[str, Any]:
    """Counts behind the quote rule for one scrubbed comment."""
    placeholders = _PLACEHOLDER.findall(comment)
    ws = [w for clause in _clauses(comment) for w in clause]
    content = [w for clause in _clauses(_SIGN_OFF.sub(" , ", comment)) for w in clause if _content(w)]
    substance = {w for w in content if w not in GENERIC}
    chars = len(re.sub(r"\s", "", comment))
    return {"words": len(ws), "placeholders": len(placeholders),
            "placeholder_words": len(placeholders) / max(len(ws) + len(placeholders), 1),
            "placeholder_chars": sum(len(p) for p in placeholders) / max(chars, 1),
            "substance": substance, "stock": " ".join(re.findall(r"[^\W\d_]+", comment.lower())) in STOCK_PHRASES}


def quotable(comment: str, *, min_words: int = MIN_WORDS, min_substance: int = MIN_SUBSTANCE) -> bool:
    """Whether a scrubbed comment has the substance to be quoted.

    It needs at least ``min_words`` words besides placeholders, at least ``min_substance`` content words that
    are not generic, placeholders at most :data:`MAX_PLACEHOLDER_WORDS` of its words and
    :data:`MAX_PLACEHOLDER_CHARS` of its characters, and must not be a stock phrase (:data:`STOCK_PHRASES`).
    With ``min_words=0`` and ``min_substance=0`` only the placeholder limits apply.

    Examples
    --------
    >>> quotable("They really get me. Email me at [email]"), quotable("Fine, nothing special."), quotable("no comment")
    (False, False, False)
    >>> quotable("Queues were too long again."), quotable("Mail [email] or ring [phone] about [name]")
    (True, False)
    >>> quotable("Met vriendelijke groet, mevrouw [name]"), quotable("Liebe Grüße an das ganze Team")  # courtesy only
    (False, False)
    """
    p = _profile(str(comment))
    if p["placeholder_words"] > MAX_PLACEHOLDER_WORDS or p["placeholder_chars"] > MAX_PLACEHOLDER_CHARS:
        return False
    if min_words == 0 and min_substance == 0:
        return True
    return p["words"] >= min_words and len(p["substance"]) >= min_substance and not p["stock"]


def _fold(word: str) -> str:
    """A crude plural fold for matching a comment to the codebook's labels ("prices" ~ "price")."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _label_words(labels: Iterable[Any]) -> dict[str, set[str]]:
    out = {}
    for label in labels:
        if isinstance(label, str) and label.strip():
            ws = {_fold(w) for w in words(label, phrases=False, generic=True)}
            if ws:
                out[label] = ws
    return out


def _core(comment: str) -> str:
    """The comment without its sentences that hold a placeholder ("Queues were long. Email me at [email]"
    becomes "queues were long"), lower-cased: comments with the same core are the same quote."""
    kept = [s for s in _SENTENCE.split(comment) if s and not _PLACEHOLDER.search(s)]
    core = " ".join(re.findall(r"\w+", " ".join(kept).lower()))
    return core or " ".join(comment.lower().split())


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


class _Grouped(Result):
    """What the three results share: n, the reason when nothing is shown, the size of a group."""

    @property
    def n(self) -> int:
        t = self._table.drop_duplicates(self.by)
        return int(t["n"].sum()) if len(t) else 0

    def _shown(self) -> set:
        return set(self._table[self.by])

    @property
    def reason(self) -> Reason | None:
        """Set when nothing can be shown: every group was left out (the largest group's reason)."""
        if self._shown() or not self.excluded:
            return None
        return list(self.excluded.values())[-1] if len(self.excluded) == 1 else max(
            self.excluded.items(), key=lambda kv: self._size(kv[0]))[1]

    def _size(self, group: Any) -> int:
        t = self._table[self._table[self.by] == group]
        return int(t["n_comments"].iloc[0]) if len(t) else 0


def _rule_text(min_words: int, min_chars: int) -> str:
    """The quote rule in words, for the page and the reasons."""
    if min_words == 0:
        return (f"every comment of at least {min_chars:,} characters whose removed personal details are at most a "
                f"fifth of its words" if min_chars else "every comment whose removed personal details are at most a "
                "fifth of its words")
    return (f"at least {min_words} words besides removed personal details, at least {MIN_SUBSTANCE} of them a word "
            "of substance (not a function word, a filler such as “really” or “get”, or plain praise such as “good”), "
            f"removed personal details at most a fifth of the words and a quarter of the characters, and not a stock "
            "answer such as “no comment” or “n/a”")


@dataclass(frozen=True, eq=False)
class Verbatims(_Grouped):
    """A few customers' own words per group, chosen for substance.

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
    rule : str
        The rule quotes were chosen by, in words (the page states it).
    eligible : dict
        ``{group: comments that meet the rule}`` for the groups not suppressed.

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
    >>> v.eligible
    {'a': 40}
    """

    by: str = "segment"
    min_cell: int = 30
    excluded: dict = field(default_factory=dict)
    rule: str = ""
    eligible: dict = field(default_factory=dict)

    def _shown(self) -> set:
        return set(self._table.loc[self._table["quote"] != "", self.by])

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
              min_cell: int = 30, min_chars: int = 15, max_chars: int = 300, min_words: int | None = None,
              labels: Iterable[str] = (), pii_values: Any = ()) -> Verbatims:
    """A few customers' own words per group, chosen reproducibly for their substance and scrubbed of personal data.

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
    min_words : int, optional
        Words (besides placeholders) a quote needs; with at least one, the whole rule of :func:`quotable`
        applies. Default :data:`MIN_WORDS`, or 0 when ``min_chars=0`` (every comment within the placeholder
        limits, as a privacy audit of the quotes asks for).
    labels : iterable of str
        The codebook's element, stage and motivator labels: a comment sharing a word with one is preferred.
    pii_values : iterable of str
        The engagement's personal data (``Engagement.pii_values()``): removed from every comment wherever it
        occurs (see :func:`cxlib.privacy.scrub`).

    Returns
    -------
    Verbatims
        ``.table``: ``<by>, quote, n_comments, n, suppressed``; quotes scrubbed and distinct within a group.
        Display them with :meth:`Verbatims.markdown` (escaped).

    Notes
    -----
    Comments with the same words once the sentences holding a placeholder are set aside ("Queues were too long
    again." and "Queues were too long again. Email me at [email]") are one candidate, quoted in the version with
    the fewest placeholders. Candidates are drawn without replacement (Efraimidis–Spirakis keys from a generator
    seeded with ``seed``) with weight √(comments saying it) × (the square of its words of substance, at most 8,
    plus 2 when one is a word of a codebook label) × (1 − placeholder share of the words): common, substantial comments come
    first, and a seed gives other, equally eligible ones.

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["a"] * 40, "comment": ["Mail me at jo@example.com about the broken app"] * 40})
    >>> verbatims(f, text="comment", per_group=1).table["quote"].tolist()
    ['Mail me at [email] about the broken app']
    >>> g = pd.DataFrame({"segment": ["a"] * 40, "comment": ["They really get me. Email me at jo@example.com"] * 40})
    >>> verbatims(g, text="comment").excluded["a"].code
    'no_quotable'
    """
    fn = "verbatims.verbatims"
    d, groups, respondents, min_cell = _prepare(data, text, by, fn, min_cell, pii_values)
    per_group = checks.count(per_group, fn, "per_group", minimum=1)
    seed = checks.count(seed, fn, "seed", minimum=0, allow_zero=True)
    min_chars = checks.count(min_chars, fn, "min_chars", minimum=0, allow_zero=True)
    max_chars = checks.count(max_chars, fn, "max_chars", minimum=20)
    min_words = (MIN_WORDS if min_chars else 0) if min_words is None else checks.count(
        min_words, fn, "min_words", minimum=0, allow_zero=True)
    if isinstance(labels, str):
        raise ArgumentError(f"{fn}: labels is one string; pass a list of labels", function=fn, argument="labels")
    label_words = set().union(*_label_words(labels).values()) if labels is not None else set()
    min_substance = MIN_SUBSTANCE if min_words else 0
    rule = _rule_text(min_words, min_chars)
    rng = np.random.default_rng(seed)
    rows, excluded, eligible = [], {}, {}
    key = d[by].astype(object)
    for g in groups:
        sub = d[(key == g).to_numpy()]
        n_resp = int(respondents.get(g, 0))
        base = {by: g, "n_comments": len(sub), "n": n_resp}
        if len(sub) < min_cell:
            excluded[g] = Reason.of("below_min_cell", min_cell=min_cell, n=len(sub))
            rows.append({**base, "quote": "", "suppressed": True})
            continue
        # One candidate per core ("the same sentence twice says nothing more"), quoted with fewest placeholders.
        cands: dict[str, list] = {}
        n_ok = 0
        for comment in sub[text]:
            if len(comment) < min_chars or not quotable(comment, min_words=min_words, min_substance=min_substance):
                continue
            n_ok += 1
            core = _core(comment)
            p = _profile(comment)
            c = cands.get(core)
            if c is None:
                cands[core] = [comment, p, 1]
            else:
                c[2] += 1
                if p["placeholders"] < c[1]["placeholders"]:
                    c[0], c[1] = comment, p
        eligible[g] = n_ok
        if not cands:
            excluded[g] = Reason.of("no_quotable", rule=rule)
            rows.append({**base, "quote": "", "suppressed": False})
            continue
        pool = list(cands.values())
        weight = np.array([np.sqrt(count) * (min(len(p["substance"]), 8) ** 2 + 2.0 * bool(
            {_fold(w) for w in p["substance"]} & label_words) + (0 if min_words else 1)) * (1 - p["placeholder_words"])
            for _, p, count in pool])
        weight = np.maximum(weight, 1e-9)
        order = np.argsort(-(np.log(rng.random(len(pool))) / weight), kind="stable")
        for i in order[:per_group]:
            quote = pool[i][0]
            if len(quote) > max_chars:
                quote = quote[:max_chars].rsplit(" ", 1)[0].rstrip(",.;: ") + "…"
            rows.append({**base, "quote": quote, "suppressed": False})
    table = pd.DataFrame(rows, columns=[by, "quote", "n_comments", "n", "suppressed"])
    return Verbatims(table, by=by, min_cell=min_cell, excluded=excluded, rule=rule, eligible=eligible)


@dataclass(frozen=True, eq=False)
class WordFrequency(_Grouped):
    """The content words and two-word phrases used most, per group.

    Attributes
    ----------
    table : DataFrame
        ``<by>, term, comments`` (comments using the term, each counted once), ``share`` (of the group's
        comments), ``n_comments``, ``n`` (the group's respondents); by group, then most used first.
    by : str
    min_cell : int
    excluded : dict
        ``{group: Reason}`` for groups left out (fewer comments than ``min_cell``).
    languages : dict
        ``{group: {language: comments}}`` by :func:`language` (``""``: none recognised), groups not left out.

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
    >>> w.languages
    {'a': {'en': 2, '': 1}}
    """

    by: str = "segment"
    min_cell: int = 30
    excluded: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)

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
                   phrases: bool = True, min_comments: int = 2, pii_values: Any = ()) -> WordFrequency:
    """The content words and two-word phrases customers use most, per group.

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
        Count two-word phrases (two content words adjacent in one clause) as well as single words.
    min_comments : int
        A term used in fewer comments of its group is not listed (a word only one customer wrote says little
        and can point at them).
    pii_values : iterable of str
        The engagement's personal data, scrubbed from the comments before counting.

    Returns
    -------
    WordFrequency
        ``.table``: ``<by>, term, comments, share, n_comments, n``; sorted by group, then most used first
        (ties alphabetically).

    Notes
    -----
    Terms are those of :func:`words`: no stop word of English, Dutch, German or French (:data:`STOP_WORDS`), no
    filler (:data:`FILLERS`), no plain praise on its own (:data:`GENERIC`, which may open a phrase: "good
    service"), no placeholder, and no phrase across a comma, a stop word or a placeholder. A single word is left
    out when a listed phrase holding it is used in at least 90% of the comments that use the word (the phrase
    says more).

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["a"] * 3, "comment": ["Queues too long", "long queues again", "fine"]})
    >>> word_frequency(f, text="comment", min_cell=1, top=2).table[["term", "comments"]].values.tolist()
    [['long', 2], ['queues', 2]]
    >>> g = pd.DataFrame({"segment": ["a"] * 4, "comment": ["Does the job, prices are fair"] * 2
    ...                   + ["I just like the friendly staff"] * 2})
    >>> word_frequency(g, text="comment", min_cell=1).table["term"].tolist()
    ['fair', 'friendly staff', 'job', 'prices']
    """
    fn = "verbatims.word_frequency"
    d, groups, respondents, min_cell = _prepare(data, text, by, fn, min_cell, pii_values)
    top = checks.count(top, fn, "top", minimum=1)
    min_comments = checks.count(min_comments, fn, "min_comments", minimum=1)
    rows, excluded, languages = [], {}, {}
    key = d[by].astype(object)
    for g in groups:
        sub = d[(key == g).to_numpy()]
        if len(sub) < min_cell:
            excluded[g] = Reason.of("below_min_cell", min_cell=min_cell, n=len(sub))
            continue
        counts: dict[str, int] = {}
        langs: dict[str, int] = {}
        for comment in sub[text]:
            for t in set(words(comment, phrases=phrases)):
                counts[t] = counts.get(t, 0) + 1
            lang = language(comment)
            langs[lang] = langs.get(lang, 0) + 1
        languages[g] = dict(sorted(langs.items(), key=lambda kv: (-kv[1], kv[0])))
        counts = {t: c for t, c in counts.items() if c >= min_comments}
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        listed = {t for t, _ in ranked[:top * 2] if " " in t}
        # A word whose comments nearly all use one listed phrase holding it adds nothing beside the phrase.
        ranked = [(t, c) for t, c in ranked if " " in t or not any(
            t in p.split() and counts[p] >= 0.9 * c for p in listed)]
        rows += [{by: g, "term": t, "comments": c, "share": c / len(sub), "n_comments": len(sub),
                  "n": int(respondents.get(g, 0))} for t, c in ranked[:top]]
    table = pd.DataFrame(rows, columns=[by, "term", "comments", "share", "n_comments", "n"])
    return WordFrequency(table, by=by, min_cell=min_cell, excluded=excluded, languages=languages)


#: The label of comments that none of the themes describes (no content word, or none the themes use).
NO_THEME = "no theme"


@dataclass(frozen=True, eq=False)
class Themes(_Grouped):
    """Comments grouped into a few themes, with how many of each group's comments raise each.

    Attributes
    ----------
    table : DataFrame
        ``theme`` (1 = the theme of most comments; 0 = :data:`NO_THEME`), ``label`` (its top terms, the name
        shown), ``terms`` (its top terms, comma-separated), ``related`` (a codebook label sharing a word with
        half its words or more among the theme's top terms, or ""), ``<by>``, ``comments`` (the group's comments in the theme), ``share`` (of the
        group's comments), ``n_comments`` (the group's comments), ``n`` (its respondents), ``quote`` (a comment
        of the group in the theme that meets the quote rule of :func:`quotable`, scrubbed: of those with the fewest
        placeholders, the one loading most on the theme; "" when none does).
        One row per theme and group, groups in their order, themes by number.
    by : str
    min_cell : int
    excluded : dict
        ``{group: Reason}`` for groups left out (fewer comments than ``min_cell``); their comments are not used.
    seed : int
    method : str
        How the themes were found, in words.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"segment": ["a"] * 60, "comment": ["Delivery was late and the parcel damaged"] * 20
    ...                   + ["Staff in the shop were friendly and helpful"] * 20 + ["Prices went up, too expensive"] * 20})
    >>> t = themes(f, text="comment", n_themes=3)
    >>> t.table.columns.tolist()
    ['theme', 'label', 'terms', 'related', 'segment', 'comments', 'share', 'n_comments', 'n', 'quote']
    >>> t.table.loc[t.table.theme > 0, "comments"].tolist()
    [20, 20, 20]
    """

    by: str = "segment"
    min_cell: int = 30
    excluded: dict = field(default_factory=dict)
    seed: int = 0
    method: str = ""

    def top(self, group: Any) -> pd.Series | None:
        """The row of the theme ``group``'s comments raise most (None when the group is not shown)."""
        t = self._table[(self._table[self.by] == group) & (self._table["theme"] > 0)]
        if t.empty:
            return None
        return t.sort_values(["comments", "theme"], ascending=[False, True], kind="stable").iloc[0].copy()

    def headline(self) -> str:
        from . import report

        parts = []
        for g in pd.unique(self._table[self.by]):
            r = self.top(g)
            if r is not None and r["comments"] > 0:
                parts.append(f"{report.text(str(g)[:1].upper() + str(g)[1:])} customers raise “{report.text(r['label'])}” "
                             f"most ({report.percent(r['share'])} of their {int(r['n_comments']):,} comments)")
        return report.Markdown("; ".join(parts) + "." if parts else "")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        from . import plots

        return plots.themes(self, ax=ax, **kwargs)


def _theme_terms(weights: np.ndarray, vocab: np.ndarray, k: int = 4) -> list[str]:
    """The theme's top terms, a word left out once a chosen phrase holds it (and a phrase once both words are in)."""
    chosen: list[str] = []
    for j in np.argsort(-weights, kind="stable"):
        if weights[j] < 0.3 * weights.max() or weights[j] <= 0 or len(chosen) >= k:  # weak terms do not name it
            break
        t = str(vocab[j])
        held = {w for c in chosen for w in c.split()}
        if " " not in t and t in held:
            continue
        if " " in t:  # the phrase replaces its words already chosen
            chosen = [c for c in chosen if c not in t.split()]
        chosen.append(t)
    return chosen


def themes(data: pd.DataFrame, *, text: str, by: str = "segment", n_themes: int = 12, seed: int = 0,
           min_cell: int = 30, labels: Iterable[str] = (), pii_values: Any = ()) -> Themes:
    """Group the comments into a few themes, each named by its top terms, with counts per group.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with ``text`` and ``by`` (rows without a group are left out).
    text, by : str
        Free-text and grouping columns.
    n_themes : int
        Themes to find (fewer when the comments have fewer distinct terms).
    seed : int
        Seed of the factorisation's start and of ties among quotes: same seed, same themes.
    min_cell : int
        Groups with fewer comments are left out, and their comments not used.
    labels : iterable of str
        The codebook's element, stage and motivator labels: a theme names one when at least half the label's words
        are among its top terms (``related``).
    pii_values : iterable of str
        The engagement's personal data, scrubbed first.

    Returns
    -------
    Themes
        ``.table``: ``theme, label, terms, related, <by>, comments, share, n_comments, n, quote``.

    Notes
    -----
    Each comment becomes its terms (:func:`words`, with plain praise kept: "fine", "good service" are a theme
    too); terms in fewer than two comments are dropped; TF-IDF with sublinear term frequency and unit-length
    rows; non-negative matrix factorisation (scikit-learn ``NMF``, ``init="nndsvda"``, ``random_state=seed``)
    into ``n_themes`` themes. A theme is named by its top terms by weight (those of at least 0.3 times its top
    weight, at most four). A comment belongs to the theme of its largest loading among the themes whose naming
    terms it uses (a word of a named phrase counts); one that uses none belongs to none (theme 0, shown as
    :data:`NO_THEME`), so each count is of comments that say what the theme's name says. A theme no comment
    belongs to is dropped.

    Examples
    --------
    >>> f = pd.DataFrame({"segment": ["a"] * 40, "comment": ["The app keeps crashing"] * 20 + ["Queues are too long"] * 20})
    >>> themes(f, text="comment", n_themes=2).headline()
    'A customers raise “app, crashing” most (50% of their 40 comments).'
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    fn = "verbatims.themes"
    d, groups, respondents, min_cell = _prepare(data, text, by, fn, min_cell, pii_values)
    n_themes = checks.count(n_themes, fn, "n_themes", minimum=1)
    seed = checks.count(seed, fn, "seed", minimum=0, allow_zero=True)
    if isinstance(labels, str):
        raise ArgumentError(f"{fn}: labels is one string; pass a list of labels", function=fn, argument="labels")
    label_words = _label_words(labels or ())
    key = d[by].astype(object)
    excluded, shown = {}, []
    for g in groups:
        size = int((key == g).sum())
        if size < min_cell:
            excluded[g] = Reason.of("below_min_cell", min_cell=min_cell, n=size)
        else:
            shown.append(g)
    d = d[key.isin(shown).to_numpy()].reset_index(drop=True)
    key = d[by].astype(object)
    method = (f"non-negative matrix factorisation of the comments' TF-IDF term profiles into up to {n_themes} "
              f"themes (scikit-learn, seed {seed})")
    columns = ["theme", "label", "terms", "related", by, "comments", "share", "n_comments", "n", "quote"]
    if d.empty:
        return Themes(pd.DataFrame(columns=columns), by=by, min_cell=min_cell, excluded=excluded, seed=seed,
                      method=method)
    docs = [words(c, generic=True) for c in d[text]]
    assign = np.zeros(len(d), dtype=int)
    loading = np.zeros(len(d))
    theme_rows: list[tuple[str, str, str]] = []
    try:
        vec = TfidfVectorizer(analyzer=lambda doc: doc, min_df=2, sublinear_tf=True)
        x = vec.fit_transform(docs)
    except ValueError:  # no term in two comments
        x = None
    if x is not None and x.shape[1] >= 1:
        vocab = vec.get_feature_names_out()
        k = max(1, min(n_themes, x.shape[1], int((x.getnnz(axis=1) > 0).sum())))
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
        with warnings.catch_warnings():  # an exact fit makes the reported loss sqrt(-0.0); iterations are capped
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)
            w = model.fit_transform(x)
        h = model.components_
        named = [_theme_terms(h[j], vocab) for j in range(k)]
        # A comment belongs to a theme only if it uses one of the terms the theme is named by (or a word of one
        # of its phrases): the count under a name is the comments that say it. Among those, the largest loading.
        marks = [set(t) | {x_ for p in t for x_ in p.split()} for t in named]
        uses = np.array([[bool(marks[j] & set(doc)) for j in range(k)] for doc in docs]).reshape(len(docs), k)
        wm = np.where(uses, w, 0.0)
        best = wm.argmax(axis=1)
        top = wm.max(axis=1)
        has = top > 1e-12
        sizes = np.bincount(best[has], minlength=k)
        rank = [j for j in np.argsort(-sizes, kind="stable") if sizes[j] > 0]  # theme 1 holds most comments
        number = {int(j): i + 1 for i, j in enumerate(rank)}
        assign = np.where(has, [number.get(int(b), 0) for b in best], 0)
        loading = np.where(has, top / np.maximum(w.sum(axis=1), 1e-12), 0.0)
        for j in rank:
            # Named in the order a typical comment says them ("queues, long" from "Queues were too long").
            members = np.flatnonzero(has & (best == j))
            typical = docs[members[np.argmax(top[members])]] if len(members) else []
            pos = {t: i for i, t in reversed(list(enumerate(typical)))}
            terms = sorted(named[j], key=lambda t: (pos.get(t.split()[0], len(pos) + named[j].index(t)),
                                                    named[j].index(t)))
            folded = {_fold(x_) for t in terms for x_ in t.split()}
            # Related: a label at least half of whose words name the theme ("Clear prices online" needs two).
            close = [(len(ws & folded), lab) for lab, ws in label_words.items() if 2 * len(ws & folded) >= len(ws)]
            related = max(close, key=lambda c: c[0])[1] if close else ""
            theme_rows.append((", ".join(terms[:3]), ", ".join(terms), related))
    rng = np.random.default_rng(seed)
    tiebreak = rng.random(len(d))
    ok = np.array([len(c) >= 15 and quotable(c) for c in d[text]])
    marks_n = np.array([len(_PLACEHOLDER.findall(c)) for c in d[text]])
    rows = []
    for g in shown:
        in_g = (key == g).to_numpy()
        n_comments = int(in_g.sum())
        for t, (label, terms, related) in [(i + 1, r) for i, r in enumerate(theme_rows)] + [(0, (NO_THEME, "", ""))]:
            members = in_g & (assign == t)
            quote = ""
            cand = np.flatnonzero(members & ok)
            if t and len(cand):
                # Fewest placeholders, then the most typical of the theme, then the seed's order.
                quote = d[text].iloc[cand[np.lexsort((tiebreak[cand], -loading[cand], marks_n[cand]))[0]]]
            rows.append({"theme": t, "label": label, "terms": terms, "related": related, by: g,
                         "comments": int(members.sum()), "share": members.sum() / n_comments,
                         "n_comments": n_comments, "n": int(respondents.get(g, 0)), "quote": quote})
    table = pd.DataFrame(rows, columns=columns)
    return Themes(table, by=by, min_cell=min_cell, excluded=excluded, seed=seed, method=method)
