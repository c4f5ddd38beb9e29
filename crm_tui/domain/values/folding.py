"""Text keys for ordering and searching that behave the same for Cyrillic everywhere.

SQLite's ``LIKE`` and ``lower()`` fold ASCII only, so "ромашка" would not find "РОМАШКА".
Instead the folded text is stored beside the original and the query is folded the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "«»\"'„“”‘’`")
_PHONE_QUERY = re.compile(r"^[+\d\s()\-.]{5,}$")


def fold(text: str) -> str:
    """Case-folded, ё as е, quotes dropped, whitespace collapsed: «Ромашка» sorts and matches as ромашка."""
    return _SPACES.sub(" ", text.casefold().replace("ё", "е").translate(_QUOTES)).strip()


def phone_digits(text: str) -> str:
    """Digits of a phone as stored in E.164 without '+', a leading trunk 8 read as +7."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits


def search_text(
    name: str,
    legal_form: str | None,
    inn: str | None,
    city: str | None,
    phones: Iterable[str],
    emails: Iterable[str],
) -> str:
    """Everything `/` matches a client on, in one folded string."""
    parts = [legal_form or "", name, inn or "", city or ""]
    parts.extend(p.lstrip("+") for p in phones)
    parts.extend(emails)
    return fold(" ".join(p for p in parts if p))


def derived_keys(
    name: str,
    legal_form: str | None,
    inn: str | None,
    city: str | None,
    phones: Sequence[str],
    emails: Sequence[str],
) -> tuple[str, str]:
    """``(name_key, search_text)`` of a client. Every writer of clients (the card, the import,
    the demo) stores these two beside the row, so all of them must call this."""
    return fold(name), search_text(name, legal_form, inn, city, phones, emails)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_patterns(query: str) -> tuple[str, ...]:
    """``LIKE`` patterns (escape character backslash) for what a person typed; any may match.

    A query that looks like a phone number is also matched by its digits, so "8 (915) 123"
    finds +7915123...; a bare number starting with 8 may be a phone or an INN, so both readings
    are tried.
    """
    text = query.strip()
    if not text:
        return ()
    patterns = [_like(fold(text))]
    if _PHONE_QUERY.match(text):
        digits = re.sub(r"\D", "", text)
        if digits and digits != fold(text):
            patterns.append(_like(digits))
        if digits.startswith("8") and len(digits) >= 4:
            patterns.append(_like("7" + digits[1:]))
    return tuple(dict.fromkeys(patterns))
