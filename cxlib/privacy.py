"""Privacy: scrubbing free text, small-cell suppression, consent, pseudonymous ids.

Nothing here writes files. Reports call these before anything derived from a customer is shown.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import re

import pandas as pd

__all__ = ["scrub", "escape", "safe_verbatim", "suppress", "pseudonymise"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)\S+|\b[A-Za-z0-9\-]+\.(?:com|net|org|io|co|uk|de|fr|info|biz)(?:/\S*)?\b",
                  re.IGNORECASE)
# A phone number: optional +country, then 7+ digits with spaces, dots, dashes or brackets between them.
_PHONE = re.compile(r"(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,5}\)[\s.\-]?)?\d(?:[\s.\-]?\d){6,}")
_DIGITS = re.compile(r"\d{5,}")


def scrub(text: str | None) -> str:
    """Remove contact details and identifiers from free text.

    E-mail addresses become ``[email]``, URLs ``[link]``, phone numbers ``[phone]`` and any other run of
    five or more digits (account, card or order numbers) ``[number]``.

    Examples
    --------
    >>> scrub("Call me on +44 20 7946 0958 or mail jo.bloggs@example.com, order 123456")
    'Call me on [phone] or mail [email], order [number]'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    out = _EMAIL.sub("[email]", str(text))
    out = _URL.sub("[link]", out)
    out = _PHONE.sub("[phone]", out)
    return _DIGITS.sub("[number]", out)


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
