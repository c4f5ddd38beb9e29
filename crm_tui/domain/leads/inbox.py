"""The inbox and the lead's card as read models: what the screen, `crm leads list|show` show.

The inbox is the open requests (new, in work), oldest deadline first, a page at a time along
``ix_leads_status_due`` (keyset on the deadline and id); the list of every request for the CLI
streams newest first. Both filter by ``visibility.visible_leads``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.access.visibility import visible_leads
from crm_tui.domain.errors import not_found
from crm_tui.domain.leads.records import OPEN_STATUSES, load_head
from crm_tui.domain.leads.setup import source_label
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    ChannelKind,
    LeadStatus,
    clients,
    interactions,
    lead_addresses,
    lead_sources,
    leads,
    users,
)

if TYPE_CHECKING:  # who else holds a request's numbers is asked by its card, not by the desk
    from crm_tui.domain.clients.overlap import Holder

PAGE = 50


class View(StrEnum):
    MINE = "mine"
    REGION = "region"
    ALL = "all"


@dataclass(frozen=True)
class LeadItem:
    id: int
    status: str
    repeat: bool
    channel: str
    source: str | None
    name: str | None
    company: str | None
    message: str
    owner_id: int | None
    owner: str | None
    region: str | None
    received_at: datetime
    answer_due_at: datetime | None
    first_response_at: datetime | None
    client_id: int | None
    client: str | None
    flags: list[str]
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    messengers: list[str] = field(default_factory=list)
    """Handles such as ``telegram:5120093311`` (the chat a bot's message came from)."""
    touches: int = 0

    def overdue(self, now: datetime) -> bool:
        return self.first_response_at is None and self.answer_due_at is not None and self.answer_due_at < now

    @property
    def source_label(self) -> str:
        """The source as a person reads it (``setup.source_label``: its name or "—")."""
        return source_label(self.source)

    @property
    def first_line(self) -> str:
        return self.message.split("\n", 1)[0]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "repeat": self.repeat,
            "channel": self.channel,
            "source": self.source,
            "name": self.name,
            "company": self.company,
            "phones": self.phones,
            "emails": self.emails,
            "messengers": self.messengers,
            "owner": self.owner,
            "region": self.region,
            "received_at": self.received_at.isoformat(),
            "answer_due_at": self.answer_due_at.isoformat() if self.answer_due_at else None,
            "first_response_at": self.first_response_at.isoformat() if self.first_response_at else None,
            "client": self.client_id,
            "touches": self.touches,
            "flags": self.flags,
            "message": self.message,
        }


def _select() -> Select[Any]:
    ld = leads.c
    return select(
        ld.id, ld.status, ld.repeat, ld.channel, lead_sources.c.name, ld.person_name, ld.company_name,
        ld.message, ld.owner_id, users.c.full_name, ld.region, ld.received_at, ld.answer_due_at,
        ld.first_response_at, ld.client_id, clients.c.name, ld.flags,
    ).select_from(
        leads.outerjoin(lead_sources, lead_sources.c.id == ld.source_id)
        .outerjoin(users, users.c.id == ld.owner_id)
        .outerjoin(clients, clients.c.id == ld.client_id)
    )  # fmt: skip


def _item(row: Row[Any]) -> LeadItem:
    (lead_id, status, repeat, channel, source, name, company, message, owner_id, owner, region,
     received, due, answered, client_id, client, flags) = tuple(row)  # fmt: skip
    return LeadItem(
        lead_id, status, bool(repeat), channel, source, name, company, message, owner_id, owner, region,
        received, due, answered, client_id, client, list(flags or []),
    )  # fmt: skip


def _items(session: Session, rows: list[Row[Any]], *, details: bool) -> list[LeadItem]:
    items = [_item(row) for row in rows]
    if not details or not items:
        return items
    ids = [i.id for i in items]
    found: dict[tuple[int, str], list[str]] = {}
    a = lead_addresses.c
    for lead_id, kind, value in session.execute(
        select(a.lead_id, a.kind, a.value).where(a.lead_id.in_(ids)).order_by(a.id)
    ):
        found.setdefault((lead_id, kind), []).append(value)
    touches: dict[Any, int] = dict(
        session.execute(
            select(interactions.c.lead_id, func.count(interactions.c.id))
            .where(interactions.c.lead_id.in_(ids))
            .group_by(interactions.c.lead_id)
        ).all()
    )
    return [
        replace(
            i,
            phones=found.get((i.id, ChannelKind.PHONE.value), []),
            emails=found.get((i.id, ChannelKind.EMAIL.value), []),
            messengers=found.get((i.id, ChannelKind.MESSENGER.value), []),
            touches=int(touches.get(i.id, 0)),
        )
        for i in items
    ]


def _view(ws: Workspace, view: View) -> ColumnElement[bool]:
    ld = leads.c
    if view is View.MINE:
        return ld.owner_id == ws.viewer.user_id
    if view is View.REGION and ws.viewer.region is not None:
        return ld.region == ws.viewer.region
    return true()


@dataclass(frozen=True)
class InboxPage:
    items: list[LeadItem]
    overdue: int
    more: bool


InboxCursor = tuple[bool, datetime, int]
"""Where a page of the inbox ends: whether the request was answered (in work), its deadline,
its id."""

_WAITING = LeadStatus.NEW.value
"""The open status of a request still waiting for its first answer: answering it (by hand or by
a call) sets ``first_response_at`` and moves it to ``in_work`` in one update."""


def inbox_cursor(item: LeadItem) -> InboxCursor | None:
    """The cursor after ``item`` for ``inbox_page(after=...)``; None without a deadline."""
    if item.answer_due_at is None:
        return None
    return (item.status != _WAITING, item.answer_due_at, item.id)


def inbox_page(
    ws: Workspace, view: View = View.ALL, *, after: InboxCursor | None = None, limit: int = PAGE
) -> InboxPage:
    """Open requests the viewer may see in ``view``: those still waiting for their first answer
    first, oldest deadline first, then the answered ones (in work) by deadline; ``limit`` a page."""
    require(ws.viewer, Capability.SEE_LEADS)
    ld = leads.c
    # One walk along ix_leads_status_due per open status (the waiting ones are the new, the
    # answered the in work), merged here: an IN over both would make the database sort every
    # open request to find the first page.
    queries = []
    for status in OPEN_STATUSES:
        answered = status != _WAITING
        if after is not None and after[0] and not answered:
            continue  # the page starts among the answered: every waiting one came before
        query = _select().where(ld.status == status, visible_leads(ws.viewer), _view(ws, view))
        if after is not None and after[0] == answered:
            due, last = after[1], after[2]
            query = query.where(or_(ld.answer_due_at > due, and_(ld.answer_due_at == due, ld.id > last)))
        queries.append(query.order_by(ld.answer_due_at, ld.id).limit(limit + 1))
    now = ws.now()
    with ws.read() as session:
        rows = [row for query in queries for row in session.execute(query)]
        rows.sort(
            key=lambda row: (
                row.status != _WAITING,
                row.answer_due_at is None,
                row.answer_due_at or now,
                row.id,
            )
        )
        rows = rows[: limit + 1]
        overdue = session.scalar(
            select(func.count(ld.id)).where(
                ld.status.in_(OPEN_STATUSES), ld.first_response_at.is_(None), ld.answer_due_at < now,
                visible_leads(ws.viewer), _view(ws, view),
            )
        )  # fmt: skip
        items = _items(session, rows[:limit], details=False)
    return InboxPage(items, int(overdue or 0), len(rows) > limit)


def list_requests(
    ws: Workspace, *, status: str = "", owner: str = "", overdue: bool = False, batch: int = 500
) -> Iterator[LeadItem]:
    """Every request the viewer may see, newest first, streamed in batches."""
    require(ws.viewer, Capability.SEE_LEADS)
    ld = leads.c
    now = ws.now()
    conditions: list[ColumnElement[bool]] = [visible_leads(ws.viewer)]
    if status:
        conditions.append(ld.status == status)
    if owner:
        conditions.append(ld.owner_id.in_(select(users.c.id).where(users.c.login == owner)))
    if overdue:
        conditions += [ld.status.in_(OPEN_STATUSES), ld.first_response_at.is_(None), ld.answer_due_at < now]
    last: int | None = None
    while True:
        query = _select().where(*conditions)
        if last is not None:
            query = query.where(ld.id < last)
        with ws.read() as session:
            rows = list(session.execute(query.order_by(ld.id.desc()).limit(batch)))
            items = _items(session, rows, details=True)
        yield from items
        if len(rows) < batch:
            return
        last = items[-1].id


@dataclass(frozen=True)
class Touch:
    id: int
    kind: str
    direction: str
    occurred_at: datetime
    summary: str
    user: str | None


@dataclass(frozen=True)
class LeadCard:
    item: LeadItem
    touches: list[Touch]
    matches: list[Holder]
    version: int
    junk_reason: str | None
    deal_id: int | None
    utm: dict[str, str | None]


def lead_card(ws: Workspace, lead_id: int) -> LeadCard:
    """The request, its touches oldest first and who in the base has its numbers or addresses."""
    ld = leads.c
    with ws.read() as session:
        head = load_head(session, lead_id)
        require(ws.viewer, Capability.SEE_LEADS, head.target)
        rows = list(session.execute(_select().where(ld.id == lead_id)))
        if not rows:  # pragma: no cover - load_head found it
            raise not_found("lead", lead_id)
        item = _items(session, rows, details=True)[0]
        i = interactions.c
        touches = [
            Touch(*row)
            for row in session.execute(
                select(i.id, i.kind, i.direction, i.occurred_at, i.summary, users.c.full_name)
                .select_from(interactions.outerjoin(users, users.c.id == i.user_id))
                .where(i.lead_id == lead_id)
                .order_by(i.occurred_at, i.id)
            )
        ]
        from crm_tui.domain.clients.overlap import who_has

        matches = who_has(session, ws.viewer, phones=item.phones, emails=item.emails)
        extra = session.execute(
            select(ld.junk_reason, ld.deal_id, ld.utm_source, ld.utm_medium, ld.utm_campaign).where(
                ld.id == lead_id
            )
        ).one()
    return LeadCard(
        item, touches, matches, head.version, extra.junk_reason, extra.deal_id,
        {"source": extra.utm_source, "medium": extra.utm_medium, "campaign": extra.utm_campaign},
    )  # fmt: skip


def inbox_counts(session: Session, user_id: int, now: datetime) -> tuple[int, int]:
    """The desk's tile: the user's open requests and how many of them are overdue."""
    ld = leads.c
    mine = (ld.owner_id == user_id, ld.status.in_(OPEN_STATUSES))
    total = session.scalar(select(func.count(ld.id)).where(*mine)) or 0
    late = session.scalar(
        select(func.count(ld.id)).where(*mine, ld.first_response_at.is_(None), ld.answer_due_at < now)
    )
    return int(total), int(late or 0)
