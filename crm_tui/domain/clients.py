"""The clients list: keyset pages filtered and searched in SQL.

Pages are ordered by ``(name_key, id)`` and continue from a cursor, so page 2,000 costs the same
as page 1 and nothing ever loads a whole table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, or_, select, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session

from crm_tui.domain.access import Viewer, visible_clients
from crm_tui.domain.folding import search_patterns
from storage.models import ChannelKind, Client, ContactChannel, User

PAGE_SIZE = 50
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class ClientFilter:
    query: str = ""
    owner_id: int | None = None
    status: str | None = None


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


def _first_channel(kind: ChannelKind) -> ColumnElement[str]:
    channel = aliased(ContactChannel)
    return (
        select(channel.value)
        .where(channel.client_id == Client.id, channel.kind == kind)
        .order_by(channel.id)
        .limit(1)
        .scalar_subquery()
    )


def _conditions(viewer: Viewer, flt: ClientFilter) -> list[ColumnElement[bool]]:
    conditions = [visible_clients(viewer)]
    patterns = search_patterns(flt.query)
    if patterns:
        conditions.append(or_(*(Client.search_text.like(p, escape="\\") for p in patterns)))  # type: ignore[attr-defined]
    if flt.owner_id is not None:
        conditions.append(Client.owner_id == flt.owner_id)  # type: ignore[arg-type]
    if flt.status:
        conditions.append(Client.status == flt.status)  # type: ignore[arg-type]
    return conditions


def _page_query(viewer: Viewer, flt: ClientFilter) -> Select[tuple[object, ...]]:
    return (
        select(
            Client.id,
            Client.name,
            Client.legal_form,
            Client.inn,
            Client.city,
            Client.region,
            Client.status,
            User.full_name,
            _first_channel(ChannelKind.PHONE),
            _first_channel(ChannelKind.EMAIL),
            Client.name_key,
        )
        .outerjoin(User, User.id == Client.owner_id)  # type: ignore[arg-type]
        .where(and_(*_conditions(viewer, flt)))
    )


def client_page(
    session: Session,
    viewer: Viewer,
    flt: ClientFilter,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> ClientPage:
    """One page: the first, the one after ``after``, or the one before ``before``."""
    key = tuple_(Client.name_key, Client.id)
    query = _page_query(viewer, flt)
    backwards = before is not None
    if after is not None:
        query = query.where(key > tuple_(after.name_key, after.id))
    if before is not None:
        query = query.where(key < tuple_(before.name_key, before.id))
    if backwards:
        query = query.order_by(Client.name_key.desc(), Client.id.desc())  # type: ignore[attr-defined, union-attr]
    else:
        query = query.order_by(Client.name_key, Client.id)
    rows = [ClientRow(*row) for row in session.execute(query.limit(limit + 1))]  # type: ignore[arg-type]
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
    phones: list[str]
    emails: list[str]


def iter_clients(
    session: Session, viewer: Viewer, flt: ClientFilter, batch: int = EXPORT_BATCH
) -> Iterator[ClientExport]:
    """Every visible client with all phones and e-mails, streamed in keyset batches by id."""
    last_id = 0
    while True:
        query = (
            select(
                Client.id,
                Client.name,
                Client.legal_form,
                Client.inn,
                Client.kpp,
                Client.city,
                Client.region,
                Client.status,
                User.login,
            )
            .outerjoin(User, User.id == Client.owner_id)  # type: ignore[arg-type]
            .where(and_(*_conditions(viewer, flt)), Client.id > last_id)  # type: ignore[arg-type, operator]
            .order_by(Client.id)
            .limit(batch)
        )
        rows = session.execute(query).all()
        if not rows:
            return
        ids = [r[0] for r in rows]
        phones: dict[int, list[str]] = {}
        emails: dict[int, list[str]] = {}
        channels = session.execute(
            select(ContactChannel.client_id, ContactChannel.kind, ContactChannel.value)
            .where(ContactChannel.client_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(ContactChannel.id)
        )
        for client_id, kind, value in channels:
            if kind == ChannelKind.PHONE:
                phones.setdefault(client_id, []).append(value)
            elif kind == ChannelKind.EMAIL:
                emails.setdefault(client_id, []).append(value)
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
                phones=phones.get(r[0], []),
                emails=emails.get(r[0], []),
            )
        last_id = ids[-1]
