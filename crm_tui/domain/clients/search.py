"""How `/` finds clients fast on a big base: the same answer as ``search_text LIKE '%q%'``.

A term shared by many clients ("ооо", "москва") is found by walking the name index for a
bounded window and filtering it: the first page fills long before the window ends. A rare term
("7707083893", a surname) would walk the whole table that way, so when the window does not
fill a page the search goes through the trigram index instead (FTS5 ``trigram`` on SQLite,
``pg_trgm`` GIN on PostgreSQL, both made by migration 0003). Terms shorter than three
characters, or holding a literal ``%`` or ``_``, cannot use the index and scan.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select, union
from sqlalchemy.orm import Session

from crm_tui.storage.models import clients
from crm_tui.storage.search_index import client_search

SCAN_WINDOW = 1000
TRIGRAM = 3


def like_condition(patterns: Sequence[str]) -> ColumnElement[bool]:
    """The meaning of a search: any pattern matches the client's folded search text."""
    return or_(*(clients.c.search_text.like(p, escape="\\") for p in patterns))


def _indexable(patterns: Sequence[str]) -> bool:
    return all("\\" not in p and len(p) - 2 >= TRIGRAM for p in patterns)


def indexed_condition(session: Session, patterns: Sequence[str]) -> ColumnElement[bool]:
    """``like_condition`` answered through the trigram index where the engine has one.

    SQLite's trigram LIKE ignores an ESCAPE clause's index use, so only patterns without
    escaped wildcards go through it; they need no escape character.
    """
    if session.get_bind().dialect.name != "sqlite" or not _indexable(patterns):
        return like_condition(patterns)
    # One indexed lookup per pattern: FTS5 cannot use its index for LIKEs joined by OR.
    lookups = [select(client_search.c.rowid).where(client_search.c.search_text.like(p)) for p in patterns]
    return clients.c.id.in_(union(*lookups) if len(lookups) > 1 else lookups[0])
