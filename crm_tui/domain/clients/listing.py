"""The clients list: keyset pages filtered and searched in SQL.

Pages are ordered by ``(name_key, id)`` and continue from a cursor, so page 2,000 costs the same
as page 1 and nothing ever loads a whole table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, ScalarSelect, select, tuple_

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.clients.search import indexed_condition, matching_ids
from crm_tui.domain.clients.search_keys import search_patterns
from crm_tui.domain.values.folding import fold
from crm_tui.storage.tables.clients import channels, clients
from crm_tui.storage.tables.imports import client_sources
from crm_tui.storage.tables.kinds import ChannelKind
from crm_tui.storage.tables.portrait import installed_base
from crm_tui.storage.tables.team import users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

PAGE_SIZE = 50
NO_SEGMENT = "none"
OWNS = ("competitor", "ours")
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class ClientFilter:
    query: str = ""
    owner_id: int | None = None
    status: str | None = None
    segment: str | None = None
    """A segment name, or ``NO_SEGMENT`` for clients without one."""
    owns: str | None = None
    """``competitor`` or ``ours``: clients whose installed base holds such a product."""
    product: str = ""
    """Only installed items whose product or vendor contains this (any case)."""


@dataclass(frozen=True)
class Cursor:
    name_key: str
    id: int


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    legal_form: str | None
    inn: str | None
    city: str | None
    region: str | None
    status: str
    owner: str | None
    phone: str | None
    email: str | None
    name_key: str

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.name_key, self.id)


@dataclass(frozen=True)
class ClientPage:
    rows: list[ClientRow]
    has_prev: bool
    has_next: bool


def _first_channel(kind: ChannelKind) -> ScalarSelect[Any]:
    ch = channels.alias("first_channel")
    return (
        select(ch.c.value)
        .where(ch.c.client_id == clients.c.id, ch.c.kind == kind.value)
        .order_by(ch.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _conditions(viewer: Viewer, flt: ClientFilter) -> list[ColumnElement[bool]]:
    """Who may see it and the filters; the search term is added by the caller (see client_search)."""
    return [visible_clients(viewer), *filter_conditions(flt)]


def filter_conditions(flt: ClientFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions alone (no search term, no visibility): the clients list's and a
    campaign audience's (a saved clients filter) are one rule."""
    conditions: list[ColumnElement[bool]] = []
    if flt.owner_id is not None:
        conditions.append(clients.c.owner_id == flt.owner_id)
    if flt.status:
        conditions.append(clients.c.status == flt.status)
    if flt.segment == NO_SEGMENT:
        conditions.append(clients.c.segment.is_(None))
    elif flt.segment:
        conditions.append(clients.c.segment == flt.segment)
    if flt.owns or flt.product.strip():
        conditions.append(_owns(flt))
    return conditions


def _owns(flt: ClientFilter) -> ColumnElement[bool]:
    b = installed_base.c
    found = select(b.id).where(b.client_id == clients.c.id)
    if flt.owns in OWNS:
        found = found.where(b.ours.is_(flt.owns == "ours"))
    if flt.product.strip():
        found = found.where(b.search_key.contains(fold(flt.product), autoescape=True))
    return found.exists()


def client_page(
    session: Unit,
    viewer: Viewer,
    flt: ClientFilter,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> ClientPage:
    """One page: the first, the one after ``after``, or the one before ``before``."""
    c = clients.c
    key = tuple_(c.name_key, c.id)
    conditions = _conditions(viewer, flt)
    cursor: list[ColumnElement[bool]] = []
    if after is not None:
        cursor.append(key > tuple_(after.name_key, after.id))
    if before is not None:
        cursor.append(key < tuple_(before.name_key, before.id))
    backwards = before is not None
    order = (c.name_key.desc(), c.id.desc()) if backwards else (c.name_key, c.id)
    # The page's columns, read for its rows alone (a search finds their ids first).
    columns = select(
        c.id,
        c.name,
        c.legal_form,
        c.inn,
        c.city,
        c.region,
        c.status,
        users.c.full_name,
        _first_channel(ChannelKind.PHONE),
        _first_channel(ChannelKind.EMAIL),
        c.name_key,
    ).select_from(clients.outerjoin(users, users.c.id == c.owner_id))

    patterns = search_patterns(flt.query)
    if not patterns:
        query = columns.where(*conditions, *cursor).order_by(*order).limit(limit + 1)
        rows = [ClientRow(*row) for row in session.execute(query)]
    else:
        ids = matching_ids(session, conditions, patterns, cursor=cursor, backwards=backwards, limit=limit + 1)
        # Looked up by id and put in the order the ids came in: ordered in SQL, SQLite may walk
        # the name index to them instead (20 ms for a page of rare names on the large base).
        place = {client_id: n for n, client_id in enumerate(ids)}
        found = [ClientRow(*row) for row in session.execute(columns.where(c.id.in_(ids)))]
        rows = sorted(found, key=lambda row: place[row.id])
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
        return ClientPage(rows=rows, has_prev=more, has_next=True)
    return ClientPage(rows=rows, has_prev=after is not None, has_next=more)


@dataclass(frozen=True)
class ClientExport:
    id: int
    name: str
    legal_form: str | None
    inn: str | None
    kpp: str | None
    city: str | None
    region: str | None
    status: str
    owner: str | None
    segment: str | None
    segment_manual: bool
    phones: list[str]
    emails: list[str]
    sources: list[dict[str, object]]


def iter_clients(
    session: Unit, viewer: Viewer, flt: ClientFilter, batch: int = EXPORT_BATCH
) -> Iterator[ClientExport]:
    """Every visible client with all phones and e-mails, streamed in keyset batches by id."""
    conditions = _conditions(viewer, flt)
    patterns = search_patterns(flt.query)
    if patterns:
        conditions.append(indexed_condition(session, patterns))
    last_id = 0
    while True:
        c = clients.c
        query = (
            select(
                c.id,
                c.name,
                c.legal_form,
                c.inn,
                c.kpp,
                c.city,
                c.region,
                c.status,
                users.c.login,
                c.segment,
                c.segment_manual,
            )
            .select_from(clients.outerjoin(users, users.c.id == c.owner_id))
            .where(*conditions, c.id > last_id)
            .order_by(c.id)
            .limit(batch)
        )
        rows = session.execute(query).all()
        if not rows:
            return
        ids = [r[0] for r in rows]
        phones: dict[int, list[str]] = {}
        emails: dict[int, list[str]] = {}
        found = session.execute(
            select(channels.c.client_id, channels.c.kind, channels.c.value)
            .where(channels.c.client_id.in_(ids))
            .order_by(channels.c.id)
        )
        for client_id, kind, value in found:
            if kind == ChannelKind.PHONE:
                phones.setdefault(client_id, []).append(value)
            elif kind == ChannelKind.EMAIL:
                emails.setdefault(client_id, []).append(value)
        sources: dict[int, list[dict[str, object]]] = {}
        s = client_sources.c
        for client_id, file, sheet, row_number in session.execute(
            select(s.client_id, s.file, s.sheet, s.row).where(s.client_id.in_(ids)).order_by(s.id)
        ):
            sources.setdefault(client_id, []).append({"file": file, "sheet": sheet, "row": row_number})
        for r in rows:
            yield ClientExport(
                id=r[0],
                name=r[1],
                legal_form=r[2],
                inn=r[3],
                kpp=r[4],
                city=r[5],
                region=r[6],
                status=r[7],
                owner=r[8],
                segment=r[9],
                segment_manual=bool(r[10]),
                phones=phones.get(r[0], []),
                emails=emails.get(r[0], []),
                sources=sources.get(r[0], []),
            )
        last_id = ids[-1]


def has_any_clients(session: Unit) -> bool:
    """Whether the database holds any client at all (the app shows its first-run page if not)."""
    return session.scalar(select(clients.c.id).limit(1)) is not None
