"""What `/` finds a client by: the keys stored with every client, and the patterns of a query.

``derived_keys`` gives the two keys every writer of clients (the card, the import, a merge,
the demo) stores beside the row; ``search_patterns`` turns what a person typed into ``LIKE``
patterns over the same keys. Both sides read phones through ``values.phones``, so any spelling
of a number finds it. Plain Python without the database, so the import's parsing process can
compute the keys without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.phones import phone_query_digits


def search_text(
    name: str,
    legal_form: str | None,
    inn: str | None,
    city: str | None,
    phones: Iterable[str],
    emails: Iterable[str],
) -> str:
    """Everything `/` matches a client on, in one folded string; phones as E.164 without '+'."""
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
