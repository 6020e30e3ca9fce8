"""The words a reviewer meets in the reports, each explained in a sentence or two of plain English.

The reports state findings in plain words; the methods sections and the tables keep the names of the
methods behind them (hazard ratio, Holm's adjustment, BCa bootstrap…), and this glossary says what each
means. :func:`terms_in` finds the terms a text uses, :func:`markdown` renders a short glossary of them
(the executive summary's glossary section, which the detail pages link to with :func:`see_glossary`).

Each :class:`Term` carries the regular expressions that find it in a text, so a test can check that every
technical word on a page is one the glossary explains (tests/wording.py).

Examples
--------
>>> terms_in("Fully connected customers leave at about half the rate (hazard ratio 0.50, 95% CI 0.43–0.58).")
['confidence interval', 'fully connected', 'hazard ratio']
>>> print(markdown(["hazard ratio"], anchor=None).splitlines()[-1][:60])
- **Hazard ratio.** How the rate at which customers leave co
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import report
from .errors import ArgumentError

__all__ = ["Term", "TERMS", "terms_in", "markdown", "term", "see_glossary", "GLOSSARY_PAGE", "ANCHOR"]

#: The page that holds the glossary, and the anchor of its section.
GLOSSARY_PAGE = "00_executive_summary.html"
ANCHOR = "glossary"


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes
    ----------
    name : str
        The term as the glossary lists it (lower case unless a proper name): ``"hazard ratio"``.
    definition : str
        One or two plain sentences.
    patterns : tuple of str
        Regular expressions (matched case-insensitively) that find the term, or the words that stand for it,
        in a text.
    title : str
        The heading of the entry (default: ``name`` with a capital).

    Examples
    --------
    >>> t = Term("churn", "Customers leaving.", (r"\\bchurn",))
    >>> t.heading, t.found_in("Churn went down")
    ('Churn', True)
    """

    name: str
    definition: str
    patterns: tuple[str, ...]
    title: str = ""

    @property
    def heading(self) -> str:
        return self.title or self.name[:1].upper() + self.name[1:]

    def found_in(self, text: str) -> bool:
        """Whether ``text`` uses the term.

        Examples
        --------
        >>> term("hazard ratio").found_in("Hazard ratios from a Cox model"), term("hazard ratio").found_in("rates")
        (True, False)
        """
        return any(rx.search(text) for rx in _compiled(self))


def _t(name: str, definition: str, *patterns: str, title: str = "") -> Term:
    return Term(name, definition, tuple(patterns) or (rf"\b{re.escape(name)}s?\b",), title)


#: Every term, in the order a reader meets them (the glossary lists them in this order).
TERMS: tuple[Term, ...] = (
    _t("confidence interval",
       "The range in which the true figure plausibly lies, given that only a sample of customers answered: if the "
       "survey were repeated many times, 95 of 100 such ranges would contain the true figure. A narrow range means "
       "a precise figure.",
       r"confidence intervals?", r"\b95% CI\b", r"\bCI\b", r"\bintervals?\b", title="Confidence interval (95% CI)"),
    _t("n", "The number of customers (survey respondents) a figure rests on.",
       r"(?<![\w\-−])n ?=", r"(?m)(?<![\w\-−'])n\s*$", r"\bn, multiplier\b", r"\bn / n\b", title="n"),
    _t("effective sample size",
       "How precise a weighted sample is: weighting makes some answers count more than others, so, "
       "say, 5,700 weighted respondents may be as informative as 4,300 unweighted ones (Kish's effective n).",
       r"effective (sample size|n)\b", r"\bKish\b"),
    _t("fully connected",
       "Customers whose connection index is at or above the report's threshold (75 out of 100 unless stated "
       "otherwise): they strongly feel what the brand's emotional motivators describe.",
       r"\bfully[ -]connected\b"),
    _t("highly satisfied",
       "Customers who are not fully connected but give the top satisfaction scores (9 or 10 out of 10 unless "
       "stated otherwise): satisfied, without the emotional bond.",
       r"\bhighly satisfied\b"),
    _t("other (segment)", "Customers who are neither fully connected nor highly satisfied.",
       r"\bOther\b(?= \(|:| customers| segment|$)", r"\"other\"|“other”"),
    _t("connection index",
       "Each customer's average agreement with the emotional-motivator statements, rescaled to 0–100. The "
       "connection threshold is the index at which a customer counts as fully connected.",
       r"connection index", r"connection threshold", r"connection line"),
    _t("emotional motivator",
       "A feeling customers want from the brand, such as “feel secure” or “feel a sense of belonging”, measured "
       "by a few agree/disagree questions each.",
       r"\bmotivators?\b"),
    _t("experience element",
       "One concrete part of the experience customers rate, such as “Fast refunds”. Elements are grouped into "
       "journey stages and into dimensions (ease, effectiveness, emotion).",
       r"\belements?\b", r"experience dimensions?"),
    _t("journey stage", "A step of the customer's journey (for example choosing the shop, buying, receiving the "
       "order) under which the experience elements are grouped.", r"journey stages?"),
    _t("stated importance", "How important customers say an element is when asked directly (shown 0–100).",
       r"stated importance"),
    _t("derived importance",
       "How strongly an element's ratings go together with emotional connection, worked out from the answers "
       "rather than asked: the element's share of what all the elements together explain (its relative weight).",
       r"derived importance"),
    _t("key driver",
       "An element customers call important whose ratings also go with connection more than an average "
       "element's. “Driver” is the method's name for the label: it names an association with connection, nothing more.",
       r"\bkey[ -]drivers?\b"),
    _t("hidden driver",
       "An element customers do not call important whose ratings go with connection more than an average "
       "element's: where the experience can surprise.",
       r"\bhidden[ -]drivers?\b"),
    _t("overrated element",
       "An element customers call important whose ratings go with connection less than an average element's: "
       "expected by customers, rarely a source of connection, so performing as well as others is enough.",
       r"\boverrated\b"),
    _t("possible (label)",
       "An element whose estimates fall in a quadrant of the map without enough evidence to carry the label; it "
       "needs a larger sample or the next wave before acting on it.",
       r"\bpossible (hidden|key|overrated|ones?)\b", r"\(possible\)", title="Possible hidden driver, key driver or "
                                                                            "overrated element"),
    _t("opportunity", "Derived importance times the room to improve (100 minus the element's performance score, "
       "divided by 100): high where an element goes strongly with connection and performs poorly.",
       r"\bopportunity\b"),
    _t("R²",
       "The share of the differences between customers (in spend, in connection) that a set of measures accounts "
       "for together, from 0 (none) to 1 (all). R² = 0.11 means they account for 11% of the differences; the rest "
       "goes with things they do not capture.",
       r"R²", r"\bR2\b", r"R-squared", title="R² (share of the differences explained)"),
    _t("share of what is explained",
       "How the R² of a set of measures is divided between them: “26% of what the motivators explain” is about a "
       "quarter of the R², not a quarter of all the differences between customers.",
       r"% of what .{0,60}?explain", r"share of what .{0,30}?explain", r"share of (the )?explained", r"explained (variation|variance|connection|difference)",
       r"of the connection the (experience|elements?) explains?", title="Share of what is explained"),
    _t("relative weights",
       "The method that divides a model's R² fairly between measures that overlap (Johnson's relative weights; "
       "Tonidandel and LeBreton's for a yes/no outcome), so that each gets its share of what they explain "
       "together.",
       r"relative weights?", r"\bJohnson", r"Tonidandel"),
    _t("value multiplier",
       "Fully connected customers' average value (spend, revenue) divided by highly satisfied customers': 1.9× "
       "means they have on average nearly twice the value. The ratio of medians compares the middle customers of "
       "the two segments instead.",
       r"\bmultipliers?\b", r"ratio of (means|medians)"),
    _t("median", "The middle customer's figure: half have more, half less. A few very large customers sway it less "
       "than the average.", r"\bmedians?\b"),
    _t("adjusted for", "A comparison “allowing for region and age band” compares customers of the same region and "
       "age-band mix, so those differences between the segments do not explain the gap.",
       r"\badjust(ed|ing|ment)? for\b", r"\ballowing for\b", r"\bunadjusted\b", r"\badjusted ratio\b"),
    _t("regression",
       "A model that relates a figure (spend, leaving) to several characteristics at once, used here to compare "
       "segments allowing for region and age band (gamma, Poisson and logistic regression are kinds suited to "
       "different figures).",
       r"\bregressions?\b", r"\blog-link\b", r"quasi-likelihood"),
    _t("attrition", "The share of customers who left (stopped being customers) within a stated time after the "
       "survey, such as 365 days.", r"\battrition\b"),
    _t("hazard ratio",
       "How the rate at which customers leave compares between two groups, among the customers still there at "
       "each moment: 0.5 means leaving at half the rate of the comparison group. It compares rates, not the chance "
       "of ever leaving.",
       r"hazard ratios?"),
    _t("days kept",
       "The average number of days customers stayed, counted up to the horizon (for example out of 365): the "
       "restricted mean survival time. It compares how long groups stay without assuming a constant ratio of "
       "their rates of leaving.",
       r"restricted mean", r"\bdays kept\b", r"\bRMST\b", r"days active", title="Days kept (restricted mean)"),
    _t("Kaplan–Meier",
       "The standard way of drawing the share of customers still active day by day, using every customer for "
       "as long as they were followed.", r"Kaplan[–-]Meier"),
    _t("censored", "A customer still active when observation ended: known to have stayed at least that long.",
       r"\bcensor"),
    _t("Cox model",
       "The regression behind the hazard ratios: it compares rates of leaving between groups while allowing for "
       "other characteristics. Efron's method is the usual way of handling customers who left on the same day.",
       r"\bCox\b", r"\bEfron\b"),
    _t("proportional hazards",
       "The assumption behind a single hazard ratio: that one group's rate of leaving stays the same multiple of "
       "the other's throughout follow-up. The report checks it; where it fails, it leads with attrition and days "
       "kept, which do not need it.",
       r"proportional[ -]hazards?", r"cox\.zph"),
    _t("stratified", "Fitted with a separate baseline rate of leaving for each group of a characteristic (each "
       "region, say), so that no constant ratio is assumed for that characteristic.", r"\bstratif"),
    _t("log-rank test", "A test of whether the segments' curves of staying differ by more than chance alone "
       "would give.", r"log-?rank"),
    _t("mediator",
       "Something that lies between two linked things and may be part of how they are linked: the contact "
       "experience may be part of how connection and leaving go together, so allowing for it would hide part of "
       "the difference.", r"\bmediat"),
    _t("half-life", "How fast an experience's weight fades: with a 90-day half-life, a rating 90 days old counts "
       "half as much as one given today.", r"half-li(fe|ves)"),
    _t("Net Promoter Score",
       "The share of promoters minus the share of detractors among those asked how likely they are to recommend "
       "the brand: from −100 to +100.", r"Net Promoter Scores?", r"\bNPS\b"),
    _t("promoter, passive, detractor",
       "Answers to “how likely are you to recommend us?” on a 0–10 scale: promoters give 9 or 10, passives 7 or 8, "
       "detractors 0 to 6.", r"(?<!net )\bpromoters?\b", r"\bpassives?\b", r"\bdetractors?\b"),
    _t("p-value",
       "The chance of a difference at least this large if there were truly none: below 0.05, chance alone is an "
       "unlikely explanation. An adjusted p-value allows for the number of comparisons made.",
       r"\bp-values?\b", r"(?<![\w\-])p ?[<=≤>]", r"\bp \(Holm", r"\bF test\b", r"χ²", r"chi-squared",
       r"degrees of freedom", r"score test", r"one-sided test", r"z-test", r"Welch's t"),
    _t("beyond chance",
       "A difference is beyond what chance alone would give when, allowing for the number of comparisons made, "
       "its p-value is below 0.05; within what chance could give otherwise. An interval that includes zero (or 1, "
       "for a ratio) means no difference is among the plausible values.",
       r"beyond (what )?chance", r"than chance", r"chance alone", r"includes no difference", r"excludes zero",
       r"includes zero"),
    _t("Holm adjustment",
       "Allowing for the number of comparisons: when several measures are tested at once, some differences look "
       "real by chance alone, so Holm's method raises the bar for each test to keep the chance of any false alarm "
       "across all of them at 5%.",
       r"\bHolm\b", r"\bHolm's\b", r"Holm-adjusted", r"multiple comparisons", title="Holm adjustment (allowing for "
                                                                                    "the number of comparisons)"),
    _t("false-discovery rate",
       "Allowing for the number of comparisons when many elements are labelled at once: held to a 10% "
       "false-discovery rate, on average at most one named element in ten would be a false lead. Benjamini–Hochberg "
       "(and Benjamini–Yekutieli) are the standard ways of doing it.",
       r"false[ -]discovery", r"Benjamini", r"\bFDR\b"),
    _t("weighting",
       "Respondents are weighted so that the survey's mix (region, age band, tenure…) matches the customer base's; "
       "raking adjusts the weights one characteristic at a time until every one matches.",
       r"\bweight(s|ed|ing)?\b", r"\brak(ed|ing)\b", r"svy\w+", r"survey-weighted", r"linearised",
       title="Weighting (raking)"),
    _t("design effect", "How much the weighting costs in precision: when the design effect is 1.33, the weighted "
       "sample is as precise as an unweighted one 1.33 times smaller.", r"design effect"),
    _t("bootstrap",
       "Drawing the respondents again at random many times (say 2,000), recomputing the figure each time, and "
       "reading the interval from the spread of the results. BCa (bias-corrected and accelerated) is a refinement "
       "for skewed figures such as spend ratios; percentile intervals read the spread directly.",
       r"bootstrap", r"resampl", r"\bBCa\b", r"bias-corrected"),
    _t("robust variance",
       "A way of computing an interval that stays right when the weights vary or a model's assumptions hold only "
       "roughly (infinitesimal jackknife, sandwich).",
       r"robust", r"jackknife", r"sandwich"),
    _t("interval methods",
       "Standard recipes for a 95% interval of a share (Wilson score, logit), of a difference of two shares "
       "(Newcombe), of a survival curve (log-log, Greenwood), of a reliability figure (Feldt) or of a function of "
       "estimates (delta method); they stay sensible near 0% and 100%.",
       r"interval methods?", r"\bWilson\b", r"Newcombe", r"log-log", r"Greenwood", r"\bFeldt", r"delta[ -]method", r"Klein[–-]Moeschberger",
       r"score intervals?", r"logit interval", r"normal interval", r"analytic variance"),
    _t("Cohen's h", "The size of the difference between two shares on a common scale: about 0.2 is small, 0.5 "
       "medium, 0.8 large.", r"Cohen's h"),
    _t("Cronbach's alpha", "How consistently the questions of one motivator measure the same thing, from 0 to 1; "
       "0.7 or more is usually taken as reliable.", r"Cronbach"),
    _t("factor analysis", "A check that each question goes with the other questions of its own motivator more than "
       "with those of other motivators.", r"factor analysis", r"\bloads? on\b", r"oblimin", r"maximum likelihood"),
    _t("direct standardisation", "Comparing the waves as if both had the same segment mix, so that what remains "
       "is change within the segments.", r"standardis"),
    _t("value at stake",
       "The value that would go with a change in the segment mix if the customers who moved then behaved like "
       "those already in the segment: a hypothetical, not a forecast.", r"value at stake"),
)

_BY_NAME = {t.name: t for t in TERMS}
_CACHE: dict[str, tuple[re.Pattern[str], ...]] = {}


def _compiled(t: Term) -> tuple[re.Pattern[str], ...]:
    if t.name not in _CACHE:
        _CACHE[t.name] = tuple(re.compile(p, re.IGNORECASE) for p in t.patterns)
    return _CACHE[t.name]


def term(name: str) -> Term:
    """The glossary entry named ``name``.

    Examples
    --------
    >>> term("R²").heading
    'R² (share of the differences explained)'
    >>> term("hazzard ratio")
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: glossary.term: no term 'hazzard ratio' in the glossary; did you mean 'hazard ratio'?
    """
    from .checks import close_matches

    if not isinstance(name, str) or name not in _BY_NAME:
        raise ArgumentError(f"glossary.term: no term {name!r} in the glossary{close_matches(name, _BY_NAME)}",
                            function="glossary.term", argument="name")
    return _BY_NAME[name]


def terms_in(text: str) -> list[str]:
    """The glossary terms ``text`` uses, in glossary order (each once).

    Parameters
    ----------
    text : str
        Any text: a page's Markdown, a table's cells joined, a sentence.

    Returns
    -------
    list of str
        Names of :data:`TERMS` entries, as :func:`markdown` accepts them.

    Examples
    --------
    >>> terms_in("Holm-adjusted p-values; Net Promoter Score −8 (95% CI −11 to −6; n=5,732).")
    ['confidence interval', 'n', 'Net Promoter Score', 'p-value', 'Holm adjustment']
    >>> terms_in("Customers like the shop.")
    []
    """
    if not isinstance(text, str):
        raise ArgumentError(f"glossary.terms_in: text must be a string, not {type(text).__name__}",
                            function="glossary.terms_in", argument="text")
    return [t.name for t in TERMS if t.found_in(text)]


def markdown(terms: Iterable[str] | None = None, *, heading: str | None = "Glossary",
             anchor: str | None = ANCHOR) -> report.Markdown:
    """A short glossary as Markdown: one bullet per term, in glossary order.

    Parameters
    ----------
    terms : iterable of str, optional
        The terms to explain (names of :data:`TERMS`, e.g. from :func:`terms_in`); None: every term.
    heading : str or None
        A level-3 heading above the list (None: no heading).
    anchor : str or None
        An HTML anchor before the list, so other pages can link to it (``00_executive_summary.html#glossary``).

    Returns
    -------
    report.Markdown

    Examples
    --------
    >>> print(markdown(["n", "hazard ratio"]))
    <a id="glossary"></a>
    <BLANKLINE>
    ### Glossary
    <BLANKLINE>
    - **n.** The number of customers (survey respondents) a figure rests on.
    - **Hazard ratio.** How the rate at which customers leave compares between two groups, among the customers still there at each moment: 0.5 means leaving at half the rate of the comparison group. It compares rates, not the chance of ever leaving.
    >>> markdown(["hazard"])
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: glossary.markdown: no term 'hazard' in the glossary; did you mean 'hazard ratio'?
    """
    from .checks import close_matches

    if isinstance(terms, str):
        raise ArgumentError("glossary.markdown: terms must be a list of term names, not one string "
                            f"(did you mean [{terms!r}]?)", function="glossary.markdown", argument="terms")
    wanted = list(_BY_NAME) if terms is None else list(terms)
    for name in wanted:
        if name not in _BY_NAME:
            raise ArgumentError(f"glossary.markdown: no term {name!r} in the glossary{close_matches(name, _BY_NAME)}",
                                function="glossary.markdown", argument="terms")
    chosen = set(wanted)
    parts = []
    if anchor:
        if not re.fullmatch(r"[A-Za-z][\w-]*", anchor):
            raise ArgumentError(f"glossary.markdown: anchor {anchor!r} must be letters, digits, '-' or '_'",
                                function="glossary.markdown", argument="anchor")
        parts.append(f'<a id="{anchor}"></a>')
    if heading:
        parts.append(f"### {report.text(heading)}")
    parts.append("\n".join(f"- **{t.heading}.** {t.definition}" for t in TERMS if t.name in chosen))
    return report.Markdown("\n\n".join(parts))


def see_glossary(page: str = GLOSSARY_PAGE) -> report.Markdown:
    """The one line a detail page's methods section ends with: a link to the summary's glossary.

    Examples
    --------
    >>> print(see_glossary())
    - **Words.** The terms used here are explained in the [glossary](00_executive_summary.html#glossary).
    """
    if not isinstance(page, str) or not page or any(c in page for c in "()[] \n"):
        raise ArgumentError(f"glossary.see_glossary: page must be a file name such as {GLOSSARY_PAGE!r}, not {page!r}",
                            function="glossary.see_glossary", argument="page")
    return report.Markdown(f"- **Words.** The terms used here are explained in the [glossary]({page}#{ANCHOR}).")
