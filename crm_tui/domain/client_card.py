"""The client card read model: one client with what a manager needs on one screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlmodel import Session

from crm_tui.domain.access import Viewer, visible_clients
from crm_tui.domain.errors import NotFound
from storage.models import (
    Client,
    Contact,
    ContactChannel,
    Deal,
    Interaction,
    Stage,
    Task,
    TaskStatus,
    User,
)

LATEST_INTERACTIONS = 20


@dataclass(frozen=True)
class ChannelInfo:
    kind: str
    value: str
    raw: str


@dataclass(frozen=True)
class ContactInfo:
    id: int
    full_name: str
    position: str | None
    channels: list[ChannelInfo]


@dataclass(frozen=True)
class DealLine:
    id: int
    title: str
    stage: str
    amount: int
    status: str
    expected_close: date | None


@dataclass(frozen=True)
class InteractionLine:
    id: int
    kind: str
    direction: str
    occurred_at: datetime
    summary: str
    user: str | None


@dataclass(frozen=True)
class TaskLine:
    id: int
    title: str
    due_at: datetime
    assignee: str | None
    status: str
    version: int


@dataclass(frozen=True)
class ClientCard:
    id: int
    name: str
    kind: str
    legal_form: str | None
    inn: str | None
    kpp: str | None
    ogrn: str | None
    city: str | None
    region: str | None
    status: str
    owner: str | None
    version: int
    channels: list[ChannelInfo]
    contacts: list[ContactInfo]
    deals: list[DealLine]
    interactions: list[InteractionLine]
    tasks: list[TaskLine]

    @property
    def display_name(self) -> str:
        return f"{self.legal_form} «{self.name}»" if self.legal_form else self.name


def load_card(session: Session, viewer: Viewer, client_id: int) -> ClientCard:
    """The card, or ``NotFound`` both for a missing client and one the viewer may not see."""
    row = session.execute(
        select(Client, User.full_name)
        .outerjoin(User, User.id == Client.owner_id)  # type: ignore[arg-type]
        .where(and_(Client.id == client_id, visible_clients(viewer)))
    ).first()
    if row is None:
        raise NotFound(f"client {client_id} not found")
    client: Client = row[0]
    owner: str | None = row[1]

    channels_by_contact: dict[int | None, list[ChannelInfo]] = {}
    for ch in session.scalars(
        select(ContactChannel).where(ContactChannel.client_id == client_id).order_by(ContactChannel.id)  # type: ignore[arg-type]
    ):
        channels_by_contact.setdefault(ch.contact_id, []).append(ChannelInfo(ch.kind, ch.value, ch.raw))
    contacts = [
        ContactInfo(c.id or 0, c.full_name, c.position, channels_by_contact.get(c.id, []))
        for c in session.scalars(
            select(Contact).where(Contact.client_id == client_id).order_by(Contact.id)  # type: ignore[arg-type]
        )
    ]
    deals = [
        DealLine(d_id, title, stage, amount, status, close)
        for d_id, title, stage, amount, status, close in session.execute(
            select(Deal.id, Deal.title, Stage.name, Deal.amount, Deal.status, Deal.expected_close)
            .join(Stage, Stage.id == Deal.stage_id)  # type: ignore[arg-type]
            .where(Deal.client_id == client_id)
            .order_by(Deal.status != "open", Deal.created_at.desc())  # type: ignore[attr-defined]
            .limit(50)
        )
    ]
    interactions = [
        InteractionLine(i_id, kind, direction, at, summary, user)
        for i_id, kind, direction, at, summary, user in session.execute(
            select(
                Interaction.id,
                Interaction.kind,
                Interaction.direction,
                Interaction.occurred_at,
                Interaction.summary,
                User.full_name,
            )
            .outerjoin(User, User.id == Interaction.user_id)  # type: ignore[arg-type]
            .where(Interaction.client_id == client_id)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())  # type: ignore[attr-defined, union-attr]
            .limit(LATEST_INTERACTIONS)
        )
    ]
    tasks = [
        TaskLine(t_id, title, due, assignee, status, version)
        for t_id, title, due, assignee, status, version in session.execute(
            select(Task.id, Task.title, Task.due_at, User.full_name, Task.status, Task.version)
            .outerjoin(User, User.id == Task.assignee_id)  # type: ignore[arg-type]
            .where(Task.client_id == client_id, Task.status == TaskStatus.OPEN)
            .order_by(Task.due_at)
            .limit(50)
        )
    ]
    assert client.id is not None
    return ClientCard(
        id=client.id,
        name=client.name,
        kind=client.kind,
        legal_form=client.legal_form,
        inn=client.inn,
        kpp=client.kpp,
        ogrn=client.ogrn,
        city=client.city,
        region=client.region,
        status=client.status,
        owner=owner,
        version=client.version,
        channels=channels_by_contact.get(None, []),
        contacts=contacts,
        deals=deals,
        interactions=interactions,
        tasks=tasks,
    )
