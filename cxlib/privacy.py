"""Privacy: scrubbing free text, small-cell suppression, consent, pseudonymous ids.

:func:`scrub` takes contact details, identifiers and personal names out of customers' comments in English,
Dutch, German and French (e-mail addresses of every shape, phone numbers in national and international
formats, links, long numbers, names after greetings, sign-offs and introductions, and the engagement's own
``pii`` values); its docstring says what is removed and what is deliberately kept. Its patterns are compiled
once, at import, and the index of ``pii`` values once per list of values.

Nothing here writes files. Reports call these before anything derived from a customer is shown.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import html
import re
import unicodedata
from typing import Any, Iterable

import pandas as pd

__all__ = ["scrub", "escape", "safe_verbatim", "suppress", "pseudonymise"]

_UP = "A-ZÀ-ÖØ-Þ"
_LO = "a-zß-öø-ÿ"

# -- e-mail addresses, links, phone numbers, long numbers ---------------------------------------------

# Local part: letters (any alphabet), digits and every character RFC 5322 allows unquoted (apostrophes, plus
# tags, dots, hyphens, ...), starting with a letter or digit; domain: labels with hyphens, any number of
# sub-domains, a top-level domain of letters.
_EMAIL = re.compile(r"(?<![\w.'+\-])[\w][\w.!#$%&'*+/=?^`{|}~\-]*\s?@\s?(?:[\w\-]+\.)+[A-Za-z]{2,}\b")
# Obfuscated: "jo at example dot com", "jane dot doe at gmail dot com", "jo [at] example [dot] com",
# "jo(at)example.nl", "jo @ example . com"; the dot also spelt in Dutch, German and French ("punt", "punkt",
# "point") and the at as the French "arobase" ("paul.martin arobase orange point fr").
_AT_BRACKET = r"\s*(?:\[\s*(?:at|arobase)\s*\]|\(\s*(?:at|arobase)\s*\)|\{\s*(?:at|arobase)\s*\}|<\s*at\s*>)\s*"
_DOT_BRACKET = r"\[\s*(?:dot|punt|punkt|point)\s*\]|\(\s*(?:dot|punt|punkt|point)\s*\)|\{\s*(?:dot|punt|punkt|point)\s*\}"
_DOT_ANY = rf"\s*(?:{_DOT_BRACKET}|\s+(?:dot|punt|punkt|point)\s+|\s*\.\s*)\s*"
# After a spelt " at " only a spelt dot counts, and not "point" ("we met at the point of sale").
_DOT_WORD = rf"\s*(?:{_DOT_BRACKET}|\s+(?:dot|punt|punkt)\s+)\s*"
_EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.'+\-])[\w][\w.'+\-]*(?:\s+(?:dot|punt|punkt|point)\s+[\w][\w'+\-]*)*"
    rf"(?:{_AT_BRACKET}[\w\-]+(?:{_DOT_ANY}[\w\-]+)*{_DOT_ANY}[A-Za-z]{{2,6}}"   # [at] with any kind of dot
    rf"|\s+arobase\s+[\w\-]+(?:{_DOT_ANY}[\w\-]+)*{_DOT_ANY}[A-Za-z]{{2,6}}"   # "arobase" with any dot
    rf"|\s+at\s+[\w\-]+(?:{_DOT_WORD}[\w\-]+)*{_DOT_WORD}[A-Za-z]{{2,6}})\b",    # " at " only with a spelt dot
    re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)\S+|\b[A-Za-z0-9\-]+\.(?:com|net|org|io|co|uk|de|fr|nl|be|eu|info|biz)"
                  r"(?:/\S*)?\b", re.IGNORECASE)
# A phone number: optional international prefix (+31, 0031), optional area code in brackets or a trunk
# "(0)", then 7+ digits with single spaces, dots, dashes (or a slash after a leading 0 area code) between them.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.\-]?)?(?:\(\d{1,5}\)\s?[\s.\-]?)?"
                    r"(?:0\d{1,4}\s?/\s?(?=\d(?:\s?\d){4}))?\d(?:(?:\s?[.\-]\s?|\s)?\d){6,}(?!\d)")
_DIGITS = re.compile(r"\d{5,}")
_HAS_DIGIT = re.compile(r"\d")
_AT_HINT = re.compile(r"(?i)(?:\s|[\[({<])(?:at|arobase)(?:\s|[\])}>])")
_WORDS = re.compile(r"\w+")


# -- personal names in greetings, sign-offs and introductions ------------------------------------------

# Words that are never a name, in English, Dutch, German and French, compared lower-cased: what follows
# "Thanks," or "Hallo" in ordinary comments ("Thanks, Great job", "Dear Team", "Merci, Très bien").
_COMMON = frozenset("""
a all also again always amazing an and any anyway appreciated as at awesome bad be best brilliant but by can
hope may will customer customers dear did do done everybody everyone everything excellent fab fantastic fine folks for
friends from gentlemen good great guys happy hello helpful hi i in is it just kind ladies lot lots lovely
madam mate mates much my no nice not nothing of ok okay on or our perfect please price prices quick really
regards service shop so staff store super superb team thank thanks that the them there they this to too
top very was we well what wonderful yes you your all madam sir sirs again
english british dutch german french american belgian irish scottish welsh european easy fast simple
friendly clean cheap expensive slow never recommended again monday tuesday wednesday thursday friday saturday
sunday makkelijk duur goedkoop vriendelijk einfach schnell freundlich teuer günstig facile rapide gentil
aan al alle allemaal alles bedankt beste bij dag dank dat de die dit doei een en fijn geachte geweldig goed
goede groet groeten groetjes heel heer hoi ik in is je jullie klant klanten leuk maar mevrouw meneer met mooi
niet nog ok op prima snel team top u uit van veel voor vriendelijke wat we zeer zijn
aber alle allen auch bei bis bitte damen danke dank das dem den der die ein eine für ganz grüße gruesse gruß
gut guten hallo herr herren ich im ist kollegen kunde kunden kundenservice leute liebe lieber liebes mit
mitarbeiter nicht noch schön schon sehr servus super tag team toll und vielen viele von wie wir zusammen
à au aux beaucoup bien bon bonne bonjour ça ce cher chère chers client clients cordialement de des du elle
en encore équipe est et excellent génial il je journée la le les madame merci messieurs moi monsieur parfait
pas personnel pour salut service super tous tout très un une vous
""".split())

# A name word: capitalised ("Mark", "McAllister", "Jean-Pierre", "O'Malley"), or in capitals ("MARK"; taken
# only after a formal sign-off or introduction, see _named).
_NAME_WORD = (rf"(?:[{_UP}][{_LO}]+(?:[{_UP}][{_LO}]+)?(?:[-'’][{_UP}{_LO}][{_LO}]+)*|[{_UP}]['’][{_UP}][{_LO}]+"
              rf"|[{_UP}]{{2,}}(?:[-'’][{_UP}]{{2,}})*)")
_INITIAL = rf"[{_UP}]\."
_PARTICLE = r"(?:van|de|der|den|von|vom|zu|du|des|le|la|ter|ten|te|da|di|del|dos|d'|'t)"
_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))
_TITLE = re.compile(r"(?i:Mr|Mrs|Ms|Miss|Dr|Herr|Frau|Dhr|Mevr|Mevrouw|Meneer|Monsieur|Madame|Mme|Mlle)\.?[ ]+(?=\S)")
_NAME = (rf"(?:{_TITLE.pattern})?(?:{_PARTICLE}[ ]+){{0,3}}(?:{_INITIAL}|{_NAME_WORD})"
         rf"(?:[ ]+(?:{_PARTICLE}[ ]+){{0,3}}(?:{_INITIAL}|{_NAME_WORD})){{0,3}}")
_CAPITALS = re.compile(rf"(?<![\w'’])[{_UP}]{{2,}}(?![\w'’])")

# Sign-offs: the name comes after them, then the end of the text, a line or a sentence.
_SIGN_OFFS_STRONG = """
regards|kind regards|best regards|warm regards|warmest regards|kindest regards|many regards|with regards
best wishes|all the best|yours sincerely|yours faithfully|yours truly|sincerely|respectfully|cordially
groeten|groet|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten
met hartelijke groet|hartelijke groet|hartelijke groeten|hartelijke groetjes|mvg|m.v.g.|m.v.g|vr. gr.|vr.gr.|gr.
mit freundlichen grüßen|mit freundlichen gruessen|mit freundlichen grüssen|freundliche grüße|freundliche gruesse
viele grüße|viele gruesse|liebe grüße|liebe gruesse|beste grüße|herzliche grüße|schöne grüße|mfg|grüße
gruß
cordialement|bien cordialement|bien à vous|bien a vous|bien à toi|salutations|sincères salutations
meilleures salutations|amicalement|bisous|bises|bonne journée|à bientôt
rgds|kind rgds|best rgds|cdlt|bàv
"""
_SIGN_OFFS_WEAK = """
thanks|thank you|thanks again|thank you again|many thanks|thanks a lot|cheers|take care|love|best|yours
bedankt|dank je|dank je wel|dank u|dank u wel|alvast bedankt|hartelijk dank|dank|gr|groetjes
danke|danke schön|danke schoen|vielen dank|herzlichen dank|lg|vg|gruss|tschüss
merci|merci beaucoup|merci encore|à plus|a plus|merci d'avance|merci d’avance|au revoir
thx|tx|ty|br|kr|bye|ciao|tot ziens|tot later|doei|bis bald|tschüs
"""
# Greetings and introductions: the name comes after them.
_GREETINGS = """
dear|hi|hello|hey|hiya|good morning|good afternoon|beste|geachte|hoi|hallo|goedemorgen|goedemiddag
liebe|lieber|liebes|sehr geehrte|sehr geehrter|guten tag|moin|servus|bonjour|bonsoir|salut|coucou|cher|chère
"""
_INTRODUCTIONS_STRONG = """
my name is|my name's|the name is|name|signed|mijn naam is|ik heet|mein name ist|ich heiße|ich heisse
je m'appelle|je m’appelle|mon nom est|moi c'est|moi c’est
"""
_INTRODUCTIONS_WEAK = "i'm|i’m|i am|ik ben|je suis"
# "This is Dave from Leeds", "Hier ist Lena aus Köln": only with "from", "here", ... after the name.
_INTRODUCTIONS_THIS = "this is|hier is|hier ist"


def _keywords(words: str) -> list[str]:
    return [" ".join(w.split()) for w in words.replace("\n", "|").split("|") if w.strip()]


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s*" if w.endswith(".") or "." in w else r"\s+")
                    for w in sorted(set(words), key=len, reverse=True))


_KIND: dict[str, str] = {}
_KIND_WORDS: list[str] = []
for _kind, _words in (("strong", _SIGN_OFFS_STRONG), ("weak", _SIGN_OFFS_WEAK), ("greeting", _GREETINGS),
                      ("intro", _INTRODUCTIONS_STRONG), ("intro_weak", _INTRODUCTIONS_WEAK),
                      ("intro_this", _INTRODUCTIONS_THIS)):
    for _w in _keywords(_words):
        _KIND.setdefault(_w.replace(" ", ""), _kind)
        _KIND_WORDS.append(_w)
del _kind, _words, _w
_KEYWORD = _alternation(w for words in (_SIGN_OFFS_STRONG, _SIGN_OFFS_WEAK, _GREETINGS, _INTRODUCTIONS_STRONG,
                                        _INTRODUCTIONS_WEAK, _INTRODUCTIONS_THIS) for w in _keywords(words))
# The keyword (any case) at a word start, a separator, a name. The separator: a comma, colon, dash, spaces or a
# line break; after a sign-off also "from"/"van"/"von"/"de" ("Groetjes van Lisa") or a place and a comma
# ("Grüße aus Köln, Jürgen"); after a formal sign-off also a full stop ("Bien à vous. Paul Martin").
_NAMED = re.compile(rf"(?<![\w'’])(?i:(?P<kw>{_KEYWORD}))(?<=\.|\w)(?!\w)"
                    rf"(?P<sep>\s+(?i:from|uit|aus|de)\s+{_NAME_WORD}(?:[ -]{_NAME_WORD})?\s*,\s*"
                    rf"|\s+(?i:from|van|von|de)\s+|\s*\.[ \t]+|\s*[,:;]?\s*(?:[-–—]\s*)?)(?P<name>{_NAME})")
# What must follow the name: after a sign-off the end of the sentence, line or comment; after a greeting a
# comma, "!", ":" or the end; after "I'm" / "Ik ben" / "Je suis" also "and", "from", "en", "van", "et", ...
_AFTER_SIGN_OFF = re.compile(r"\s*(?:[.!,;()]|\n|$)|\s+[-–—]")
_AFTER_GREETING = re.compile(r"\s*(?:[,!:;\n]|$)|\s*[.]\s|\s+[-–—]")
_AFTER_INTRO_WEAK = re.compile(r"\s*(?:[.,!;:)\n]|$)|\s+(?:and|from|en|van|uit|et|de)\b")
_AFTER_INTRO_THIS = re.compile(r"\s+(?:from|here|speaking|van|uit|aus|von)\b")
# Words that are a sign-off only with a comma, colon, dash or line break after them ("Love, Anna"; not
# "I love Tesco"), and those that without one need the name to end the comment or be followed by a comma.
_STRICT = frozenset({"best", "beste", "love", "yours", "lg", "vg", "gr", "liebe", "lieber", "liebes", "cher",
                     "chère", "hey", "name", "dank", "gruss", "br", "kr", "ty", "tx", "bye"})
_NEEDS_SEPARATOR = frozenset({"love", "best", "yours", "name", "br", "kr", "ty", "tx"})
_AFTER_STRICT = re.compile(r"[ \t]*(?:,|\n|$)")
# "regards mark wilson" at the very end, in lower case, after a sign-off that is never followed by other words.
_STRONG_LOWER = re.compile(rf"(?<![\w'’])(?i:{_alternation(_keywords(_SIGN_OFFS_STRONG))})(?<=\.|\w)(?!\w)"
                           rf"[\s,:\-–—]+(?P<name>[{_LO}][{_LO}'’\-]+(?:\s+[{_LO}][{_LO}'’\-]+){{0,2}})\s*[.!]?\s*$")
# A name on its own at the very end: after a dash, or alone on the last line.
_END_NAME = re.compile(rf"(?:(?:^|\s)[-–—]\s*|\n\s*)(?P<name>{_NAME})\s*[.!]?\s*$")
_TOKEN = re.compile(rf"[{_UP}{_LO}'’\-]+")


def _name_end(name: str) -> int:
    """Length of the leading part of ``name`` made of words that may be names (0: the first is a common word)."""
    end = 0
    for m in _TOKEN.finditer(name):
        word = m.group().lower()
        if word in _PARTICLES:   # "de" in "Jan de Vries", "De" in "mevrouw De Jong": part of a name
            continue
        if word in _COMMON or word in _KIND or word.rstrip("'’-") in _COMMON:
            break
        end = m.end()
        if name[end:end + 1] == ".":
            end += 1
    return end


def _named(m: re.Match) -> str:
    kw = "".join(m.group("kw").lower().split())
    kind = _KIND.get(kw, "weak")
    name, sep = m.group("name"), m.group("sep")
    # A word for a separator ("van", "aus Köln,") only after a sign-off, a full stop only after a formal one;
    # a name in capitals only after a formal sign-off or introduction ("Regards, MARK WILSON"; not
    # "Thanks, GREAT JOB").
    if any(c.isalpha() for c in sep) and kind not in ("strong", "weak") or "." in sep and kind != "strong":
        return m.group()
    if kind not in ("strong", "intro") and _CAPITALS.search(name):
        return m.group()
    title = _TITLE.match(name)
    if title:   # "Guten Tag, Herr Schmidt": the title stays, the name goes
        title, name = name[:title.end()], name[title.end():]
    cut = _name_end(name)
    if cut == 0:
        return m.group()
    rest = m.string[m.start("name") + len(title or "") + cut:]
    bare = not sep.strip(" ")
    if bare and (kw in _NEEDS_SEPARATOR or kw in _STRICT and not _AFTER_STRICT.match(rest)):
        return m.group()
    follow = {"strong": _AFTER_SIGN_OFF, "weak": _AFTER_SIGN_OFF, "greeting": _AFTER_GREETING,
              "intro": None, "intro_weak": _AFTER_INTRO_WEAK, "intro_this": _AFTER_INTRO_THIS}[kind]
    if follow is not None and not follow.match(rest):
        return m.group()
    return m.group("kw") + sep + (title or "") + "[name]" + name[cut:]


def _first_word(keyword: str) -> str:
    return re.match(r"\w+", keyword).group()


_FIRST_WORDS = frozenset(_first_word(w) for w in _KIND_WORDS)
_FIRST_WORDS_STRONG = frozenset(_first_word(w) for w in _keywords(_SIGN_OFFS_STRONG))


def _scrub_names(text: str) -> str:
    # Only where a word could begin a greeting, sign-off or introduction is the long pattern tried.
    pieces, last, lower_end = [], 0, None
    for w in _WORDS.finditer(text):
        if w.start() < last:
            continue
        word = w.group().lower()
        if word not in _FIRST_WORDS:
            continue
        m = _NAMED.match(text, w.start())
        if m:
            replaced = _named(m)
            if replaced != m.group():
                pieces += [text[last:m.start()], replaced]
                last = m.end()
                continue
        if lower_end is None and word in _FIRST_WORDS_STRONG:
            lower_end = _STRONG_LOWER.match(text, w.start())
    if pieces:
        pieces.append(text[last:])
        out = "".join(pieces)
    else:
        out = text
    m = lower_end
    if m and m.start() >= last and not pieces and all(w.lower() not in _COMMON for w in m.group("name").split()):
        out = out[:m.start("name")] + "[name]" + out[m.end("name"):]
    return out


def _scrub_end_name(text: str) -> str:
    m = _END_NAME.search(text)
    if m and not _CAPITALS.search(m.group("name")) and _name_end(m.group("name")) == len(m.group("name").rstrip(".")) + (m.group("name").endswith(".")):
        return text[:m.start("name")] + "[name]" + text[m.end("name"):]
    return text


# -- values from the engagement's pii columns ---------------------------------------------------------

# A letter of a pii value and what a comment may write instead: the letter without its accent ("Elodie" for
# "Élodie"), German umlauts and ß spelt out ("Mueller", "Hauptstrasse"). One way only: a value written without
# accents does not match a word with them ("Grace" is not "Grâce").
_SPELT_OUT = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


def _letter(ch: str) -> str:
    low = ch.lower()
    bare = unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()
    ways = {low, bare, _SPELT_OUT.get(low, "")} - {""}
    if ways == {low}:
        return re.escape(ch)
    return "(?:" + "|".join(re.escape(w) for w in sorted(ways, key=len, reverse=True)) + ")"


def _spellings(word: str) -> set[str]:
    """The lower-cased ways a comment may write ``word`` (see _letter), to look it up."""
    bare = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    spelt = "".join(_SPELT_OUT.get(c, c) for c in word)
    spelt = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode()
    return {w for w in (word, bare, spelt, word.replace("ß", "ss")) if w}


_NAME_VALUE = re.compile(rf"[{_UP}{_LO}][{_UP}{_LO}.'’\-]*(?:\s+[{_UP}{_LO}][{_UP}{_LO}.'’\-]*){{0,4}}")
_PHONE_VALUE = re.compile(r"[+(]?\d[\d\s().\-/]{5,}\d")


class _PiiIndex:
    """The ``pii`` values by their first word (lower-cased), each with its pattern and its placeholder."""

    def __init__(self, values: tuple):
        entries: dict[str, list[tuple[int, re.Pattern, str]]] = {}
        common: set[str] = set()

        def add(value: str, placeholder: str) -> None:
            words = _WORDS.findall(value.lower())
            if not words:
                return
            core = value.strip(" \t\n.,;:!?()[]{}<>\"")
            pattern = r"\s+".join("".join("['’]" if c in "'’" else _letter(c) if not c.isascii() else re.escape(c)
                                           for c in part) for part in core.split())
            start = r"(?<!\w)" if core[:1].isalnum() or core[:1] == "_" else ""
            stop = r"(?!\w)" if core[-1:].isalnum() or core[-1:] == "_" else ""
            entry = (len(core), re.compile(start + pattern + stop, re.IGNORECASE), placeholder)
            for key in _spellings(words[0]):
                entries.setdefault(key, []).append(entry)

        for raw in values:
            if raw is None or (isinstance(raw, float) and pd.isna(raw)):
                continue
            value = " ".join(str(raw).split())
            if len(value) < 2:
                continue
            if "@" in value:
                add(value, "[email]")
            elif _PHONE_VALUE.fullmatch(value) and sum(c.isdigit() for c in value) >= 7:
                add(value, "[phone]")
            elif _NAME_VALUE.fullmatch(value):
                parts = _TOKEN.findall(value)
                if len(parts) > 1:
                    add(value, "[name]")
                for part in parts:
                    part = part.strip("'’-")
                    word = part.lower()
                    if sum(c.isalpha() for c in part) >= 3 and word not in _COMMON and word not in _KIND:
                        add(part, "[name]")
                    elif sum(c.isalpha() for c in part) >= 2:
                        common.add(word)
            else:
                add(value, "[removed]")
        self.entries = {k: sorted(v, key=lambda e: -e[0]) for k, v in entries.items()}
        self.keys = frozenset(self.entries)
        # Name parts that are common words ("Will", "Best", "Van"): not removed alone, but a run of them,
        # capitalised, with another one or a removed name ("Will Best", "Will [name]", "Van Den [name]") is a
        # name; the first and last names of a survey come in separate columns.
        self.common = frozenset(common)
        part = "|".join(re.escape(w) for w in sorted(common, key=len, reverse=True))
        self._run = re.compile(rf"(?<![\w'’\[])(?:(?:{part})(?![\w'’])|\[name\])(?:[ \t]+(?:(?:{part})(?![\w'’])|\[name\]))+",
                               re.IGNORECASE) if common else None

    def sub(self, text: str) -> str:
        entries, pieces, last = self.entries, [], 0
        for m in _WORDS.finditer(text):
            if m.start() < last:
                continue
            candidates = entries.get(m.group().lower())
            if not candidates:
                continue
            for _, pattern, placeholder in candidates:
                hit = pattern.match(text, m.start())
                if hit:
                    pieces += [text[last:m.start()], placeholder]
                    last = hit.end()
                    break
        if pieces:
            pieces.append(text[last:])
            text = "".join(pieces)
        if self._run is not None and not self.common.isdisjoint(_WORDS.findall(text.lower())):
            text = self._run.sub(self._joined, text)
        return text

    @staticmethod
    def _joined(m: re.Match) -> str:
        run = m.group().split()
        common = [w for w in run if w != "[name]"]
        if common and all(w[:1].isupper() for w in common):
            return "[name]"
        return m.group()


@functools.lru_cache(maxsize=16)
def _cached_index(values: tuple) -> _PiiIndex:
    return _PiiIndex(values)


_LAST_INDEX: tuple = (None, None)   # the last tuple of values and its index: the same tuple needs no lookup


def _pii_index(values: Iterable[Any]) -> _PiiIndex:
    global _LAST_INDEX
    last_values, last_index = _LAST_INDEX   # one read, so threads never mix one tuple with another's index
    if values is last_values:
        return last_index
    index = _cached_index(values if isinstance(values, tuple) else tuple(values))
    if isinstance(values, tuple):
        _LAST_INDEX = (values, index)
    return index


def scrub(text: str | None, *, pii_values: Iterable[Any] = ()) -> str:
    """Remove contact details, identifiers and personal names from free text.

    Made for customers' verbatims in English, Dutch, German and French. In this order:

    - e-mail addresses, removed whole whatever their shape (apostrophes ``mary.o'brien@gmail.com``, plus tags
      ``jo+cx@example.co.uk``, sub-domains, hyphens, digits, upper case, non-Latin letters) and obfuscated
      (``jo at example dot com``, ``jane dot doe at gmail dot com``, ``jo [at] example [dot] com``,
      ``jo(at)example.nl``, the dot spelt ``punt``/``punkt``/``point`` and the French ``arobase``:
      ``k.visser(at)zeelandnet(punt)nl``, ``paul.martin arobase orange point fr``) become ``[email]``;
    - links (``https://…``, ``www.…``, ``shop.nl/…``) become ``[link]``;
    - phone numbers in national and international formats (UK, Netherlands, Germany, France, US and any
      other with 7 or more digits: ``06-12345678``, ``+31 6 1234 5678``, ``0031 20 123 4567``,
      ``+49 (0)30 1234567``, ``030/1234567``, ``0171 / 123 45 67``, ``01 23 45 67 89``, ``(555) 123-4567``,
      ``07700 900123``) become ``[phone]``;
    - personal names after greetings ("Dear Mark", "Hallo Anna,", "Bonjour Marie"), sign-offs ("Regards,
      Mark Wilson", "Met vriendelijke groet, Anna", "Mit freundlichen Grüßen, Hans Müller", "Cordialement,
      Marie Dupont", "Thanks, Sarah", "Mvg, Pieter", "LG Jonas", "Thx, Dave", "BR, Dave Smith", "Cdlt, Paul",
      "Groetjes van Lisa", "Grüße aus Köln, Jürgen", "Bien à vous. Paul Martin", "Regards, MARK WILSON") and
      introductions ("My name is Mark Wilson", "Ik ben Jan", "Mein Name ist Hans", "Je m'appelle Marie",
      "this is Dave from Leeds"), and a name at the very end of the comment after a dash or alone on its last
      line, become ``[name]``; the greeting or sign-off itself, and a title before the name, are kept
      ("Regards, [name]", "Guten Tag, Herr [name],", "Groetjes van [name]"). This comes before the pii
      values, so a sign-off's name is still whole ("Liebe Grüße, Sophie Wagner" with "Wagner" a value);
    - every value of ``pii_values`` (the engagement's ``pii`` columns: names, e-mail addresses, phone
      numbers, addresses, ids), wherever it occurs, case-insensitively, whole words only, longest first.
      A value that looks like a person's name (letters only, at most five words) becomes ``[name]``, and so
      does each of its words of three letters or more that is not a common word ("Jan de Vries": "Vries",
      "Jan"; not "de"), so a comment naming only the first or the last name loses it too. E-mail-like values
      become ``[email]``, phone-like values ``[phone]``, anything else (an address, an id) ``[removed]``. A
      value is also found written without its accents or with German umlauts and ß spelt out ("Elodie" for
      "Élodie", "Mueller" for "Müller", "Hauptstrasse 5" for "Hauptstraße 5"), not the other way round
      ("Grace" does not take "Grâce"). A one-word value that is a common word ("Will", "May", "Best") is not
      removed alone, but capitalised next to another such word or a removed name it is ("Will Best",
      "Van Den [name]": first and last names come in separate columns);
    - any other run of five or more digits (account, card or order numbers) becomes ``[number]``.

    Deliberately kept: everything else. A name is recognised by its capital letter (lower case only right
    after a formal sign-off at the very end: "regards mark wilson"), and only where it ends the sentence,
    line or comment, so "Thanks for the help", "Thanks, Great job", "Dear Team", "Merci, Très bien" keep
    their words (a short list of common words in the four languages is never taken for a name). Names in
    the middle of a sentence ("Mark at the till was great") are not found unless they are ``pii_values``.
    A name in capitals is taken only after a formal sign-off or introduction ("Thanks, GREAT JOB" stays). A
    capitalised word after "from" ending a sign-off is taken for a name, so "Kind regards from Leeds" loses
    the place. Small numbers, scores and prices ("10/10", "2 visits", "€ 45") are kept.

    Parameters
    ----------
    text : str or None
        The comment; ``None`` or NaN gives ``""``.
    pii_values : iterable of str, optional
        Values to remove wherever they occur (keyword only). The index built from them is cached, so
        passing the same values for every comment costs little (least as one tuple).

    Returns
    -------
    str
        The scrubbed comment.

    Examples
    --------
    >>> scrub("Call me on +44 20 7946 0958 or mail jo.bloggs@example.com, order 123456")
    'Call me on [phone] or mail [email], order [number]'
    >>> scrub("Write to mary.o'brien@gmail.com or jo [at] example [dot] com")
    'Write to [email] or [email]'
    >>> scrub("no comment Regards, Mark Wilson")
    'no comment Regards, [name]'
    >>> scrub("Contact jane dot doe at gmail dot com. Regards, MARK WILSON")
    'Contact [email]. Regards, [name]'
    >>> scrub("Super geholpen. Met vriendelijke groet, Jan de Vries")
    'Super geholpen. Met vriendelijke groet, [name]'
    >>> scrub("Thanks for the help, Great job!")
    'Thanks for the help, Great job!'
    >>> scrub("Pieter at the Utrecht branch was great", pii_values=["Pieter Jansen", "Keizersgracht 12"])
    '[name] at the Utrecht branch was great'
    >>> scrub("Elodie sent it to Hauptstrasse 5", pii_values=["Élodie Rousseau", "Hauptstraße 5"])
    '[name] sent it to [removed]'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    out = str(text)
    if "@" in out:
        out = _EMAIL.sub("[email]", out)
    if _AT_HINT.search(out):
        out = _EMAIL_OBFUSCATED.sub("[email]", out)
    out = _URL.sub("[link]", out)
    digits = _HAS_DIGIT.search(out) is not None
    if digits:
        out = _PHONE.sub("[phone]", out)
    words = _WORDS.findall(out.lower())
    # Names after greetings and sign-offs first, while the name is whole ("Liebe Grüße\nSophie Wagner"
    # with "Wagner" a pii value), then the pii values wherever they are.
    if not _FIRST_WORDS.isdisjoint(words):
        out = _scrub_names(out)
    if "\n" in out or "-" in out or "–" in out or "—" in out:
        out = _scrub_end_name(out)
    if pii_values:
        index = _pii_index(pii_values)
        words = _WORDS.findall(out.lower())
        if not (index.keys.isdisjoint(words) and index.common.isdisjoint(words)):
            out = index.sub(out)
    return _DIGITS.sub("[number]", out) if digits else out


def escape(text: str) -> str:
    """HTML-escape text so that markup in it is shown, never executed.

    Examples
    --------
    >>> escape("<b>Great</b> & cheap")
    '&lt;b&gt;Great&lt;/b&gt; &amp; cheap'
    """
    return html.escape(text, quote=True)


def safe_verbatim(text: str | None, *, max_chars: int = 400) -> str:
    """A verbatim ready for a report: scrubbed, shortened to ``max_chars``, HTML-escaped.

    Examples
    --------
    >>> safe_verbatim("<script>x</script> mail jo@example.com", max_chars=60)
    '&lt;script&gt;x&lt;/script&gt; mail [email]'
    """
    clean = scrub(text).strip()
    if len(clean) > max_chars:
        clean = clean[: max_chars - 1].rstrip() + "…"
    return escape(clean)


def suppress(table: pd.DataFrame, *, min_cell: int, n_column: str = "n", columns: list[str] | None = None) -> pd.DataFrame:
    """Blank the estimates of rows resting on fewer than ``min_cell`` customers.

    Returns a copy with the estimate ``columns`` (default: every numeric column except ``n_column``) set to
    NaN where ``n < min_cell`` and a boolean ``suppressed`` column. The input is not changed.

    Examples
    --------
    >>> t = pd.DataFrame({"segment": ["a", "b"], "n": [12, 250], "share": [0.1, 0.4]})
    >>> suppress(t, min_cell=30).to_dict("records")
    [{'segment': 'a', 'n': 12, 'share': nan, 'suppressed': True}, {'segment': 'b', 'n': 250, 'share': 0.4, 'suppressed': False}]
    """
    out = table.copy()
    small = out[n_column] < min_cell
    cols = columns or [c for c in out.columns if c != n_column and pd.api.types.is_numeric_dtype(out[c])
                       and out[c].dtype != bool]
    out.loc[small, cols] = float("nan")
    out["suppressed"] = small
    return out


def pseudonymise(ids: pd.Series, *, salt: str) -> pd.Series:
    """Replace customer ids by keyed SHA-256 pseudonyms (HMAC; stable for one key, not reversible without it).

    Examples
    --------
    >>> p = pseudonymise(pd.Series(["C001", "C002", "C001"]), salt="acme-2026")
    >>> p.iloc[0] == p.iloc[2], p.iloc[0].startswith("c_"), len(p.iloc[0])
    (True, True, 18)
    """
    key = salt.encode()
    return ids.astype(str).map(lambda v: "c_" + hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:16])
