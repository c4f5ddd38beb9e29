"""Completeness: the share of the required portrait fields and contact information a client
has (seed 000). One definition, as SQL conditions on ``clients``: the card asks it of one client,
the managers' KPI of thousands at once, and both count the same things.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.portrait.defaults import CONTACT_REQUIREMENTS
from crm_tui.domain.portrait.fields import portrait_fields, required_contacts
from crm_tui.i18n import _
from crm_tui.storage.models import ChannelKind, channels, clients, contacts, field_values, users

GOOD_SHARE_TENTHS = 8
"""A client is well described at 80% or more (the managers' KPI, seed 000)."""


@dataclass(frozen=True)
class Requirement:
    key: str
    """``field:<key>`` for a portrait field, ``contact:<what>`` for contact information."""
    label: str
    condition: ColumnElement[bool]


def requirements(session: Session) -> list[Requirement]:
    """Each requirement as an EXISTS of a column its index holds, so that asked of thousands of
    clients at once (the desk's tile) it reads indexes only (migration 0029)."""
    c = clients.c
    found = [
        Requirement(
            f"field:{f.key}",
            f.label,
            select(field_values.c.client_id)
            .where(field_values.c.client_id == c.id, field_values.c.field_id == f.id)
            .exists(),
        )
        for f in portrait_fields(session)
        if f.required
    ]
    for item in required_contacts(session):
        condition: ColumnElement[bool]
        if item in ("phone", "email"):
            kind = ChannelKind.PHONE if item == "phone" else ChannelKind.EMAIL
            condition = (
                select(channels.c.id)
                .where(channels.c.client_id == c.id, channels.c.kind == kind.value)
                .exists()
            )
        elif item == "contact":
            condition = select(contacts.c.id).where(contacts.c.client_id == c.id).exists()
        else:
            condition = (
                select(contacts.c.id)
                .where(
                    contacts.c.client_id == c.id, contacts.c.position.is_not(None), contacts.c.position != ""
                )
                .exists()
            )
        found.append(Requirement(f"contact:{item}", _(CONTACT_REQUIREMENTS[item]), condition))
    return found


@dataclass
class Completeness:
    filled: int
    total: int
    missing: list[Requirement] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.filled * 100 // self.total

    @property
    def good(self) -> bool:
        return self.filled * 10 >= self.total * GOOD_SHARE_TENTHS


def completeness(session: Session, client_id: int) -> Completeness:
    found = requirements(session)
    if not found:
        return Completeness(0, 0)
    row = session.execute(
        select(*(case((r.condition, 1), else_=0) for r in found)).where(clients.c.id == client_id)
    ).one()
    missing = [r for r, ok in zip(found, row, strict=True) if not ok]
    return Completeness(len(found) - len(missing), len(found), missing)


def _score(found: list[Requirement]) -> ColumnElement[int]:
    if not found:
        return literal(0)
    total: ColumnElement[int] = case((found[0].condition, 1), else_=0)
    for r in found[1:]:
        total = total + case((r.condition, 1), else_=0)
    return total


@dataclass(frozen=True)
class ManagerCompleteness:
    login: str | None
    name: str | None
    clients: int
    good: int

    @property
    def share(self) -> float:
        return self.good / self.clients if self.clients else 0.0


def completeness_report(
    session: Session, viewer: Viewer, owner_id: int | None = None
) -> list[ManagerCompleteness]:
    """Per manager: clients, and how many are described at 80% or more."""
    found = requirements(session)
    total = len(found)
    score = _score(found)
    good = case((score * 10 >= total * GOOD_SHARE_TENTHS, 1), else_=0)
    query = (
        select(users.c.login, users.c.full_name, func.count(), func.coalesce(func.sum(good), 0))
        .select_from(clients.outerjoin(users, users.c.id == clients.c.owner_id))
        .where(visible_clients(viewer))
        .group_by(users.c.login, users.c.full_name)
        .order_by(users.c.full_name)
    )
    if owner_id is not None:
        query = query.where(clients.c.owner_id == owner_id)
    return [ManagerCompleteness(login, name, int(n), int(g)) for login, name, n, g in session.execute(query)]


def owner_completeness(session: Session, owner_id: int) -> tuple[int, int]:
    """``(clients, described at 80% or more)`` of one owner: the KPI tile on the owner's desk."""
    found = requirements(session)
    good = case((_score(found) * 10 >= len(found) * GOOD_SHARE_TENTHS, 1), else_=0)
    n, g = session.execute(
        select(func.count(), func.coalesce(func.sum(good), 0)).where(clients.c.owner_id == owner_id)
    ).one()
    return int(n), int(g)
