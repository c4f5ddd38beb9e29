"""The audit trail: written in the same transaction as the change it describes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import Session

from crm_tui.domain.access import Viewer, visible_clients
from crm_tui.domain.errors import NotFound
from storage.models import AuditEntry, audit_entries, clients, deals, interactions, tasks, users


def record(
    session: Session,
    *,
    at: datetime,
    user_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            user_id=user_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes=changes or {},
        )
    )


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    user: str | None
    entity: str
    entity_id: int
    action: str
    changes: dict[str, Any]


def trail(
    session: Session,
    viewer: Viewer,
    *,
    client_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> list[AuditLine]:
    """Audit rows, newest first. A client's trail has its own rows and those of its deals, tasks
    and interactions. Admins and ops read everything; others read the trail of clients they may
    see and what they did themselves."""
    a = audit_entries.c
    conditions: list[ColumnElement[bool]] = []
    if client_id is not None:
        visible = session.scalar(
            select(clients.c.id).where(clients.c.id == client_id, visible_clients(viewer))
        )
        if visible is None:
            raise NotFound(f"client {client_id} not found")
        conditions.append(
            or_(
                and_(a.entity == "client", a.entity_id == client_id),
                and_(
                    a.entity == "deal",
                    a.entity_id.in_(select(deals.c.id).where(deals.c.client_id == client_id)),
                ),
                and_(
                    a.entity == "task",
                    a.entity_id.in_(select(tasks.c.id).where(tasks.c.client_id == client_id)),
                ),
                and_(
                    a.entity == "interaction",
                    a.entity_id.in_(select(interactions.c.id).where(interactions.c.client_id == client_id)),
                ),
            )
        )
    elif not viewer.sees_everything:
        mine = select(clients.c.id).where(visible_clients(viewer))
        conditions.append(or_(a.user_id == viewer.user_id, and_(a.entity == "client", a.entity_id.in_(mine))))
    if user_id is not None:
        conditions.append(a.user_id == user_id)
    if since is not None:
        conditions.append(a.at >= since)
    rows = session.execute(
        select(a.id, a.at, users.c.login, a.entity, a.entity_id, a.action, a.changes)
        .select_from(audit_entries.outerjoin(users, users.c.id == a.user_id))
        .where(*conditions)
        .order_by(a.id.desc())
        .limit(limit)
    )
    return [
        AuditLine(r.id, r.at, r.login, r.entity, r.entity_id, r.action, dict(r.changes or {})) for r in rows
    ]
