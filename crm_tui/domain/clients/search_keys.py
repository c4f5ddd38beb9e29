"""What `/` finds a client by: the keys stored with every client, and the patterns of a query.

``derived_keys`` gives the two keys every writer of clients (the card, the import, a merge,
the demo) stores beside the row; ``search_patterns`` turns what a person typed into ``LIKE``
patterns over the same keys. Both sides read phones through ``values.phones``, so any spelling
of a number finds it. Plain Python without the database, so the import's parsing process can
compute the keys without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.phones import phone_query_digits


@lru_cache(maxsize=4096)
def _fold_repeated(text: str) -> str:
    """``fold`` of a value an import repeats on thousands of rows (a city, a legal form)."""
    return fold(text)


def _fold_part(text: str) -> str:
    # Digits fold to themselves (an INN, a phone's digits): no need to call ``fold``.
    return text if text.isdigit() else fold(text)


def search_text(
    name: str,
    legal_form: str | None,
    inn: str | None,
    city: str | None,
    phones: Iterable[str],
    emails: Iterable[str],
) -> str:
    """Everything `/` matches a client on, in one folded string; phones as E.164 without '+'."""
    return _search_text(fold(name), legal_form, inn, city, phones, emails)


def _search_text(
    name_key: str,
    legal_form: str | None,
    inn: str | None,
    city: str | None,
    phones: Iterable[str],
    emails: Iterable[str],
) -> str:
    """``fold`` of the parts joined by spaces, folded part by part: ``fold`` maps character by
    character, then collapses and strips whitespace, so folding each part and joining the
    non-empty ones with one space gives the same text, and the name is folded once for both
    keys (an import derives them for every row)."""
    parts = [
        _fold_repeated(legal_form) if legal_form else "",
        name_key,
        _fold_part(inn) if inn else "",
        _fold_repeated(city) if city else "",
    ]
    parts.extend(_fold_part(p.lstrip("+")) for p in phones)
    parts.extend(_fold_part(e) for e in emails)
    return " ".join(p for p in parts if p)


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
    name_key = fold(name)
    return name_key, _search_text(name_key, legal_form, inn, city, phones, emails)


def city_key(city: str) -> str:
    """A city folded as the search text folds it; cities repeat, so it is remembered."""
    return _fold_repeated(city)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_patterns(query: str) -> tuple[str, ...]:
    """``LIKE`` patterns (escape character backslash) for what a person typed; any may match.

    The folded text, and for a query that reads as a phone, whole or begun, the digits it is
    stored under (``phone_query_digits``): "8 (915) 123" finds +7915123..., "9001042757" and
    "8 900 104 27 57 доб. 12" find +79001042757.
    """
    text = query.strip()
    if not text:
        return ()
    patterns = [_like(fold(text))]
    patterns.extend(_like(digits) for digits in phone_query_digits(text))
    return tuple(dict.fromkeys(patterns))
