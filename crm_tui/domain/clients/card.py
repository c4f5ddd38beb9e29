"""The client card read model: one client with what a manager needs on one screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit.trail import AuditLine, client_history
from crm_tui.domain.clients.installed_base import InstalledLine, installed_of
from crm_tui.domain.clients.timeline import TimelinePage, client_timeline
from crm_tui.domain.contacts.moves import former_contacts
from crm_tui.domain.errors import not_found
from crm_tui.domain.portrait.completeness import completeness
from crm_tui.domain.portrait.fields import client_values, portrait_fields
from crm_tui.domain.values.requisites import is_valid_inn
from crm_tui.storage.models import (
    DealStatus,
    TaskStatus,
    channels,
    client_sources,
    clients,
    contacts,
    deals,
    segment_changes,
    stages,
    tasks,
    users,
)

CARD_DEALS = 50
CARD_TASKS = 50
CARD_SEGMENT_CHANGES = 5
CARD_SOURCES = 10


@dataclass(frozen=True)
class ChannelInfo:
    kind: str
    value: str
    raw: str
    extension: str | None = None


@dataclass(frozen=True)
class ContactInfo:
    id: int
    full_name: str
    position: str | None
    channels: list[ChannelInfo]


@dataclass(frozen=True)
class FormerContact:
    full_name: str
    position: str | None
    now_at: str
    left_at: datetime


@dataclass(frozen=True)
class SourceLine:
    file: str
    sheet: str
    row: int
    batch_id: int | None
    at: datetime


@dataclass(frozen=True)
class DealLine:
    id: int
    title: str
    stage: str
    amount: int
    status: str
    expected_close: date | None


@dataclass(frozen=True)
class TaskLine:
    id: int
    title: str
    due_at: datetime
    assignee: str | None
    status: str
    version: int


@dataclass(frozen=True)
class SegmentLine:
    at: datetime
    before: str | None
    after: str | None
    manual: bool
    user: str | None


@dataclass(frozen=True)
class PortraitLine:
    key: str
    label: str
    kind: str
    choices: list[str]
    required: bool
    value: Any


@dataclass(frozen=True)
class ClientCard:
    id: int
    name: str
    kind: str
    legal_form: str | None
    inn: str | None
    kpp: str | None
    ogrn: str | None
    legal_address: str | None
    bik: str | None
    account: str | None
    city: str | None
    region: str | None
    status: str
    owner: str | None
    version: int
    channels: list[ChannelInfo]
    contacts: list[ContactInfo]
    deals: list[DealLine]
    timeline: TimelinePage
    """The first page of the timeline; older pages are read as the manager pages down."""
    tasks: list[TaskLine]
    segment: str | None = None
    segment_manual: bool = False
    last_purchase_on: date | None = None
    sales_total: int = 0
    segment_history: list[SegmentLine] = field(default_factory=list)
    portrait: list[PortraitLine] = field(default_factory=list)
    completeness_percent: int = 100
    missing: list[str] = field(default_factory=list)
    """Labels of what is missing, in order; ``missing_keys`` the same as ``field:``/``contact:`` keys."""
    missing_keys: list[str] = field(default_factory=list)
    installed: list[InstalledLine] = field(default_factory=list)
    former_contacts: list[FormerContact] = field(default_factory=list)
    sources: list[SourceLine] = field(default_factory=list)
    """Where the record came from: file, sheet and row of each import that made or fed it."""
    """People who worked here and moved to another client, newest first."""
    changes: list[AuditLine] = field(default_factory=list)
    """The latest audit rows of the client, its deals and tasks: who changed what."""
    same_inn: int = 0
    """Other clients the viewer sees with this valid INN: the company's branches (their own
    KPPs) or copies of this record; the duplicate review shows them as one family."""

    @property
    def display_name(self) -> str:
        return f"{self.legal_form} «{self.name}»" if self.legal_form else self.name


def _same_inn(session: Session, viewer: Viewer, client_id: int, inn: str | None) -> int:
    if not inn or not is_valid_inn(inn):
        return 0
    c = clients.c
    query = select(func.count()).where(c.inn == inn, c.id != client_id, visible_clients(viewer))
    return session.scalar(query) or 0


def load_card(session: Session, viewer: Viewer, client_id: int) -> ClientCard:
    """The card, or ``NotFound`` both for a missing client and one the viewer may not see."""
    c = clients.c
    row = session.execute(
        select(
            c.id,
            c.name,
            c.kind,
            c.legal_form,
            c.inn,
            c.kpp,
            c.ogrn,
            c.legal_address,
            c.bik,
            c.account,
            c.city,
            c.region,
            c.status,
            users.c.full_name,
            c.version,
            c.segment,
            c.segment_manual,
            c.last_purchase_on,
            c.sales_total,
        )
        .select_from(clients.outerjoin(users, users.c.id == c.owner_id))
        .where(c.id == client_id, visible_clients(viewer))
    ).first()
    if row is None:
        raise not_found("client", client_id)

    by_contact: dict[int | None, list[ChannelInfo]] = {}
    for contact_id, kind, value, raw, extension in session.execute(
        select(channels.c.contact_id, channels.c.kind, channels.c.value, channels.c.raw, channels.c.extension)
        .where(channels.c.client_id == client_id)
        .order_by(channels.c.id)
    ):
        by_contact.setdefault(contact_id, []).append(ChannelInfo(kind, value, raw, extension))
    people = [
        ContactInfo(p_id, name, position, by_contact.get(p_id, []))
        for p_id, name, position in session.execute(
            select(contacts.c.id, contacts.c.full_name, contacts.c.position)
            .where(contacts.c.client_id == client_id)
            .order_by(contacts.c.id)
        )
    ]
    deal_lines = [
        DealLine(*line)
        for line in session.execute(
            select(
                deals.c.id,
                deals.c.title,
                stages.c.name,
                deals.c.amount,
                deals.c.status,
                deals.c.expected_close,
            )
            .select_from(deals.join(stages, stages.c.id == deals.c.stage_id))
            .where(deals.c.client_id == client_id)
            .order_by(deals.c.status != DealStatus.OPEN.value, deals.c.created_at.desc())
            .limit(CARD_DEALS)
        )
    ]
    t = tasks.c
    open_tasks = [
        TaskLine(*line)
        for line in session.execute(
            select(t.id, t.title, t.due_at, users.c.full_name, t.status, t.version)
            .select_from(tasks.outerjoin(users, users.c.id == t.assignee_id))
            .where(t.client_id == client_id, t.status == TaskStatus.OPEN.value)
            .order_by(t.due_at)
            .limit(CARD_TASKS)
        )
    ]
    sc = segment_changes.c
    history = [
        SegmentLine(*line)
        for line in session.execute(
            select(sc.at, sc.from_segment, sc.to_segment, sc.manual, users.c.full_name)
            .select_from(segment_changes.outerjoin(users, users.c.id == sc.user_id))
            .where(sc.client_id == client_id)
            .order_by(sc.at.desc(), sc.id.desc())
            .limit(CARD_SEGMENT_CHANGES)
        )
    ]
    values = client_values(session, client_id)
    portrait = [
        PortraitLine(f.key, f.label, f.kind, f.choices, f.required, values.get(f.id))
        for f in portrait_fields(session)
    ]
    described = completeness(session, client_id)
    s = client_sources.c
    return ClientCard(
        id=row.id,
        name=row.name,
        kind=row.kind,
        legal_form=row.legal_form,
        inn=row.inn,
        kpp=row.kpp,
        ogrn=row.ogrn,
        legal_address=row.legal_address,
        bik=row.bik,
        account=row.account,
        city=row.city,
        region=row.region,
        status=row.status,
        owner=row.full_name,
        version=row.version,
        channels=by_contact.get(None, []),
        contacts=people,
        deals=deal_lines,
        timeline=client_timeline(session, viewer, client_id),
        tasks=open_tasks,
        segment=row.segment,
        segment_manual=bool(row.segment_manual),
        last_purchase_on=row.last_purchase_on,
        sales_total=row.sales_total,
        segment_history=history,
        portrait=portrait,
        completeness_percent=described.percent,
        missing=[m.label for m in described.missing],
        missing_keys=[m.key for m in described.missing],
        installed=installed_of(session, client_id),
        sources=[
            SourceLine(*line)
            for line in session.execute(
                select(s.file, s.sheet, s.row, s.batch_id, s.created_at)
                .where(s.client_id == client_id)
                .order_by(s.created_at.desc(), s.id.desc())
                .limit(CARD_SOURCES)
            )
        ],
        former_contacts=[FormerContact(*row) for row in former_contacts(session, viewer, client_id)],
        changes=client_history(session, client_id),
        same_inn=_same_inn(session, viewer, client_id, row.inn),
    )
