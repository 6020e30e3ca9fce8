"""Causal phrasings that a cross-sectional survey cannot support (issue 17).

The reports say how things *go together* ("goes with", "is linked to", "is associated with"); they never
say that one thing drives, moves or causes another, that connection "is worth" an amount, or that a change
between two cross-sections "is real". The method's own nouns stay: "hidden driver", "key driver",
"drivers" as a noun, "value at stake". Scenarios are hypothetical and say so ("if … and if they then
behaved like …").

``causal_phrases(text)`` returns every match, so a test can print what it found.
"""
from __future__ import annotations

import re

#: (pattern, why) — matched case-insensitively on the page's visible text.
CAUSAL = (
    (r"\bdrives?\b(?! ?-?through)", "verb 'drive': say 'is linked to' / 'goes with'"),
    (r"\bdriv(?:ing|en)\b", "'driving'/'driven': say 'linked to'"),
    (r"\bmoves?\b(?= (?:emotional |the )?(?:connection|spend|value|attrition|advocacy|the needle|customers))",
     "'moves connection/spend': say 'goes with'"),
    (r"\bcaus(?:e|es|ed|ing)\b", "'cause': a survey shows association"),
    (r"\b(?:leads?|led) to\b", "'leads to': say 'goes with'"),
    (r"\bresults? in\b", "'results in': say 'goes with'"),
    (r"\bboosts?\b", "'boost': say 'goes with higher'"),
    (r"\b(?:is|are) worth\b", "'is worth': say 'spend X× as much on average'"),
    (r"\bworth money\b", "'worth money'"),
    (r"\b(?:is|are) real\b", "'are real': two cross-sections cannot prove a change is caused"),
    (r"\bas likely to leave\b", "a hazard ratio is a rate: 'leave at about half the rate'"),
    (r"\bthanks to\b", "'thanks to': causal"),
    (r"\bbecause of (?:the|their|its) (?:programme|connection|experience)", "'because of': causal"),
    (r"\bimpact of\b", "'impact of': say 'difference linked to'"),
    (r"\beffect of\b", "'effect of': say 'difference linked to'"),
)

_COMPILED = tuple((re.compile(p, re.IGNORECASE), why) for p, why in CAUSAL)
#: The method's nouns, removed before matching ("key driver" is a name, not a claim).
_NOUNS = re.compile(r"\b(?:hidden|key|possible|supported)[ -]drivers?\b|\bdrivers\b|\bdriver analysis\b|"
                    r"\bdriver\b", re.IGNORECASE)


def causal_phrases(text: str) -> list[tuple[str, str, str]]:
    """Every causal phrasing in ``text``: ``(match, why, context)``."""
    clean = _NOUNS.sub("NOUN", text)
    found = []
    for rx, why in _COMPILED:
        for m in rx.finditer(clean):
            lo, hi = max(0, m.start() - 60), min(len(clean), m.end() + 60)
            found.append((m.group(0), why, clean[lo:hi].replace("\n", " ")))
    return found


# -- jargon (issue 18) ------------------------------------------------------------------------------------
#
# The reports speak to a client executive. Some words never appear ("significant" reads as "important" to a
# lay reader and as a bare p < 0.05 to a statistician; "0.54× as likely" misreads a ratio of rates as a ratio
# of chances). The names of methods may appear in methods sections and tables, and only when the glossary
# (cxlib.glossary) explains them; a headline states the finding in plain words and names no method.

#: (pattern, kind, why). kind "never": nowhere in a page's text. kind "method": only where the glossary
#: explains it, and never in a headline.
JARGON = (
    (r"\b(?:in)?significan(?:t|tly|ce)\b", "never",
     "'significant': say 'beyond what chance alone would give, allowing for the N comparisons'"),
    (r"\bstatistically\b", "never", "'statistically': say what the test shows in plain words"),
    (r"\bas likely\b", "never", "'as likely': a hazard ratio is a rate ('leave at about half the rate')"),
    (r"[0-9.]+ ?× as likely|\btimes as likely\b", "never", "'0.54× as likely': say '54% of the rate'"),
    (r"\bat par\b", "never", "'at par': say 'as well as an average element'"),
    (r"\bp-values?\b|(?<![\w\-])p ?[<=≤>] ?[01]?\.\d", "method", "a p-value: say 'beyond what chance alone would give'"),
    (r"\bBCa\b|bias-corrected and accelerated", "method", "the bootstrap's name: the methods say it"),
    (r"\bHolm\b", "method", "Holm: say 'allowing for the N comparisons'"),
    (r"\bBenjamini\b|false[ -]discovery", "method", "the false-discovery rate: say 'at most one named element in 10 "
                                                     "would be a false lead'"),
    (r"Kaplan[–-]Meier", "method", "Kaplan–Meier: say 'the share still active'"),
    (r"\bEfron\b", "method", "Efron's ties: methods only"),
    (r"\bhazard ratios?\b", "method", "a hazard ratio: say 'leave at about half the rate of …'"),
    (r"\bCox\b", "method", "the Cox model: methods only"),
    (r"\blog-?rank\b", "method", "the log-rank test: say 'the curves differ by more than chance'"),
    (r"proportional[ -]hazards?", "method", "the proportional-hazards check: say 'the ratio changes over time'"),
    (r"restricted mean", "method", "restricted mean survival time: say 'days kept'"),
    (r"χ²|chi-squared|\bF test\b|degrees of freedom", "method", "a test statistic: methods and tables only"),
    (r"relative weights|\bJohnson's\b", "method", "relative weights: say 'share of what … explain'"),
    (r"\bCronbach\b", "method", "Cronbach's alpha: say 'the questions measure the same thing'"),
    (r"\bbootstrap\b|\bresampl", "method", "the bootstrap: methods only"),
    (r"\bdesign effect\b|\bKish\b", "method", "the design effect: methods only"),
    (r"\bmediator\b", "method", "a mediator: say 'part of the way they are linked'"),
    (r"Cohen's h|Newcombe|\bWilson\b|Greenwood|\bFeldt|delta[ -]method|jackknife|sandwich|Klein[–-]Moeschberger",
     "method", "an interval's or effect size's recipe: methods and tables only"),
    (r"oblimin|factor analysis|Tonidandel|quasi-likelihood|log-link|\bsvy\w+|linearised", "method",
     "an estimator's name: methods only"),
    (r"\bcensored\b|\bstratif\w+|standardisation", "method", "a survival or survey term: methods only"),
)

_JARGON = tuple((re.compile(p, re.IGNORECASE), kind, why) for p, kind, why in JARGON)


def _glossary_explains(word: str) -> bool:
    from cxlib import glossary

    return bool(glossary.terms_in(word))


def jargon(text: str, *, headline: bool = False, explains=_glossary_explains) -> list[tuple[str, str, str]]:
    """Every jargon word in ``text`` a reader would be left with: ``(match, why, context)``.

    A "never" word is always reported; a method's name is reported in a headline, and elsewhere when
    ``explains(match)`` (by default: the glossary knows the word) is false.
    """
    found = []
    for rx, kind, why in _JARGON:
        for m in rx.finditer(text):
            if kind == "method" and not headline and explains(m.group(0)):
                continue
            lo, hi = max(0, m.start() - 60), min(len(text), m.end() + 60)
            found.append((m.group(0), why, text[lo:hi].replace("\n", " ")))
    return found


#: A share of explained variance given as a figure: "26% of what the motivators explain", "33% (95% CI 30%–36%)
#: of the connection the experience explains", "Journey stages, by share of the explained connection: …". (A
#: rule's wording, "more than an equal share of the explained variation", states no share and is spared.)
_SHARE = re.compile(r"% of what\b[^.;]{0,80}?\bexplain|% (?:\([^)]*\) )?of the (?:explained|connection the|variation the)"
                    r"|\bby (?:their )?share of (?:what|the explained)", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z*(“])|\n+")


def shares_without_r2(text: str) -> list[str]:
    """Every sentence of ``text`` giving a share of explained variance without the R² it is a share of."""
    return [s.strip() for s in _SENTENCE.split(text) if _SHARE.search(s) and "R²" not in s and "R2" not in s]
