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
