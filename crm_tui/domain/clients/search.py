"""How `/` finds clients fast on a big base: the same answer as ``search_text LIKE '%q%'``.

On SQLite a viewer who sees few clients (a manager: her own and her region's unassigned leads,
~1,450 of the large demo base's 100,000) has them read by the indexes her access condition
names (``ix_clients_owner_name``, ``ix_clients_free_leads``), their search text matched and
the matches sorted (``FEW_CLIENTS``): walked in name order, her search passed ~70 clients she
cannot see for each she can, 4-8x a head's search.

Otherwise ``matching_ids`` walks the visible clients in name order, filtering their search
text, and stops at the page's last row: a term shared by many clients ("ооо", "с", "иван")
fills the page within a few hundred rows. On SQLite the walk reads one index, which holds the
search text beside the name (migration 0029), never the table. A rare term ("7707083893", a
surname) would walk the whole base that way, so the first walk is bounded (``SCAN_WINDOW``
visible clients); when it does not fill the page, what the window found says how far the walk
would have to go on, and the trigram index (FTS5 ``trigram`` on SQLite, ``pg_trgm`` GIN on
PostgreSQL, both made by migration 0003) answers instead when it finds fewer clients than that
would cost (``HIT_COST``); counting them stops there, so a common term's count is short too.
Terms shorter than three characters, or holding a literal ``%`` or ``_``, cannot use the index
and walk on.

Only ids come out of it: the page's other columns (a client's first phone and e-mail, its
owner) are read for the page's rows alone, not for every client a search looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ColumnElement, and_, func, or_, select, tuple_, union
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from crm_tui.storage.search_index import client_search
from crm_tui.storage.tables.clients import clients

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

SCAN_WINDOW = 1000
"""Visible clients walked in name order before the trigram index is asked (about 1 ms)."""
HIT_COST = 8
"""A client found by the trigram index costs about as much as this many clients walked (its
lookup, its access check, the sort), measured on the large demo base."""
TRIGRAM = 3
FEW_CLIENTS = 4000
"""A viewer who sees at most this many clients (after the page's cursor, with the filters) has
them all read by the indexes her access condition names, each with its row for the search text
(~2 µs a client on the large demo base: under 10 ms, about a head's walk), rather than walked
in name order through everyone's. Counting up to it costs under 1 ms for a head."""


def like_condition(patterns: Sequence[str]) -> ColumnElement[bool]:
    """The meaning of a search: any pattern matches the client's folded search text."""
    return or_(*(clients.c.search_text.like(p, escape="\\") for p in patterns))


def _indexable(patterns: Sequence[str]) -> bool:
    return all("\\" not in p and len(p) - 2 >= TRIGRAM for p in patterns)


def indexed_condition(session: Unit, patterns: Sequence[str]) -> ColumnElement[bool]:
    """``like_condition`` answered through the trigram index where the engine has one.

    SQLite's trigram LIKE ignores an ESCAPE clause's index use, so only patterns without
    escaped wildcards go through it; they need no escape character.
    """
    if session.get_bind().dialect.name != "sqlite" or not _indexable(patterns):
        return like_condition(patterns)
    # One indexed lookup per pattern: FTS5 cannot use its index for LIKEs joined by OR.
    lookups = [select(client_search.c.rowid).where(client_search.c.search_text.like(p)) for p in patterns]
    return clients.c.id.in_(union(*lookups) if len(lookups) > 1 else lookups[0])


def _unindexed(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``+(condition)``: the same truth, which SQLite's planner cannot answer from an index."""
    return UnaryExpression(condition.self_group(), operator=operators.custom_op("+"), type_=Boolean())


def indexed_hits(session: Unit, patterns: Sequence[str], cap: int) -> int:
    """How many clients the trigram index finds for ``patterns`` (any visible or not), counted
    up to ``cap``: the count stops there, so a common term costs no more than a rare one."""
    if session.get_bind().dialect.name != "sqlite":
        found = select(clients.c.id).where(like_condition(patterns)).limit(cap).subquery()
        return session.scalar(select(func.count()).select_from(found)) or 0
    lookups = [select(client_search.c.rowid).where(client_search.c.search_text.like(p)) for p in patterns]
    hits = (union(*lookups) if len(lookups) > 1 else lookups[0]).limit(cap).subquery()
    return session.scalar(select(func.count()).select_from(hits)) or 0


def _few_visible(session: Unit, conditions: Sequence[ColumnElement[bool]]) -> bool:
    """Whether at most ``FEW_CLIENTS`` clients meet ``conditions``: counted up to one more, by
    whichever index finds them (SQLite answers a manager's access condition with two index
    searches, her own clients and her region's unassigned ones), so a head or an admin pays one
    short count."""
    seen = select(clients.c.id).where(*conditions).limit(FEW_CLIENTS + 1).subquery()
    return (session.scalar(select(func.count()).select_from(seen)) or 0) <= FEW_CLIENTS


def _among_few(
    session: Unit, conditions: Sequence[ColumnElement[bool]], *, backwards: bool, limit: int
) -> list[int]:
    """The first ``limit`` clients meeting ``conditions`` in name order, found without the name
    order: materialized, their rows are found by a plan for the conditions alone, and only the
    matches are sorted. Left to see the ``ORDER BY``, SQLite weighs its average statistics, not
    this viewer's count, and may walk the name index anyway (it does for a head's region on
    the analysed demo base, whatever filter makes the clients few)."""
    c = clients.c
    few = select(c.id, c.name_key).where(*conditions).cte("few").prefix_with("MATERIALIZED")
    order = (few.c.name_key.desc(), few.c.id.desc()) if backwards else (few.c.name_key, few.c.id)
    return list(session.scalars(select(few.c.id).order_by(*order).limit(limit)))


def matching_ids(
    session: Unit,
    conditions: Sequence[ColumnElement[bool]],
    patterns: Sequence[str],
    *,
    cursor: Sequence[ColumnElement[bool]] = (),
    backwards: bool,
    limit: int,
) -> list[int]:
    """The first ``limit`` clients meeting ``conditions`` (access, filters) after or before a
    page's ``cursor`` (conditions on the name order) whose search text matches ``patterns``, in
    name order (``backwards``: reversed), as ids."""
    c = clients.c
    key = tuple_(c.name_key, c.id)
    order = (c.name_key.desc(), c.id.desc()) if backwards else (c.name_key, c.id)
    match = like_condition(patterns)

    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite and _few_visible(session, [*conditions, *cursor]):
        return _among_few(session, [*conditions, *cursor, match], backwards=backwards, limit=limit)
    # On SQLite the access and filter conditions are hidden from the planner behind a unary
    # plus (which changes no value): a base never analysed has no statistics, and without them
    # SQLite plans a head's walk (and the window's edge) as an OR of the owner and region
    # indexes, reading and sorting every client he sees (more than ``FEW_CLIENTS``), where the
    # name index answers in order.
    checked = [_unindexed(and_(*conditions))] if sqlite and conditions else list(conditions)
    checked.extend(cursor)  # where the walk starts: on the name index

    def walk(count: int, *where: ColumnElement[bool]) -> list[int]:
        query = select(c.id).where(*checked, match, *where).order_by(*order).limit(count)
        return list(session.scalars(query))

    edge_row = session.execute(
        select(c.name_key, c.id).where(*checked).order_by(*order).offset(SCAN_WINDOW - 1).limit(1)
    ).first()
    if edge_row is None:  # fewer visible clients than the window: the walk is short anyway
        return walk(limit)
    edge = tuple_(edge_row.name_key, edge_row.id)
    found = walk(limit, key >= edge if backwards else key <= edge)
    if len(found) >= limit:
        return found
    needed = limit - len(found)
    cap = needed * SCAN_WINDOW // max(len(found), 1) // HIT_COST  # the walk on, in index hits
    if _indexable(patterns) and indexed_hits(session, patterns, cap) < cap:
        query = select(c.id).where(*conditions, *cursor, indexed_condition(session, patterns))
        return list(session.scalars(query.order_by(*order).limit(limit)))
    return found + walk(limit - len(found), key < edge if backwards else key > edge)
