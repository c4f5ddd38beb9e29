"""The audit trail: written in the same transaction as the change it describes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, insert, or_, select

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, scope_for
from crm_tui.domain.access.visibility import clients_within
from crm_tui.domain.audit.words import ACTION_NAMES, ENTITY_NAMES, FIELD_NAMES, VALUE_NAMES
from crm_tui.domain.errors import not_found
from crm_tui.i18n import _
from crm_tui.storage.tables.activity import interactions, tasks
from crm_tui.storage.tables.clients import clients
from crm_tui.storage.tables.deals import deals
from crm_tui.storage.tables.team import audit_entries, users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit


def record(
    session: Unit,
    *,
    at: datetime,
    user_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, Any] | None = None,
) -> None:
    # The values as parameters of one cached statement, not literals built into a new one each
    # time: an audit row is written beside nearly every change, hundreds a second in an import.
    session.execute(
        insert(audit_entries),
        {
            "at": at,
            "user_id": user_id,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "changes": changes or {},
        },
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
    session: Unit,
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
            select(clients.c.id).where(
                clients.c.id == client_id, clients_within(viewer, Capability.READ_AUDIT)
            )
        )
        if visible is None:
            raise not_found("client", client_id)
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
    elif scope_for(viewer, Capability.READ_AUDIT) is not Scope.ALL:
        mine = select(clients.c.id).where(clients_within(viewer, Capability.READ_AUDIT))
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


def client_history(session: Unit, client_id: int, limit: int = 10) -> list[AuditLine]:
    """The latest audit rows of one client and of its deals and tasks, for the card. Each
    entity is looked up by ``ix_audit_entity`` (newest first) rather than one OR over the whole
    trail, so a client with few changes costs a few index reads on a base with millions."""
    a = audit_entries.c
    deal_ids = list(session.scalars(select(deals.c.id).where(deals.c.client_id == client_id)))
    task_ids = list(session.scalars(select(tasks.c.id).where(tasks.c.client_id == client_id).limit(500)))
    found: list[AuditLine] = []
    for entity, ids in (("client", [client_id]), ("deal", deal_ids), ("task", task_ids)):
        if not ids:
            continue
        rows = session.execute(
            select(a.id, a.at, users.c.login, a.entity, a.entity_id, a.action, a.changes)
            .select_from(audit_entries.outerjoin(users, users.c.id == a.user_id))
            .where(a.entity == entity, a.entity_id.in_(ids))
            .order_by(a.id.desc())
            .limit(limit)
        )
        found += [
            AuditLine(r.id, r.at, r.login, r.entity, r.entity_id, r.action, dict(r.changes or {}))
            for r in rows
        ]
    latest = sorted(found, key=lambda line: line.id, reverse=True)[:limit]
    return with_people(session, latest)


_PERSON_KEYS = ("owner_id", "assignee_id")


def with_people(session: Unit, lines: list[AuditLine]) -> list[AuditLine]:
    """Readers know colleagues by name, not by user id: ``owner_id: 3`` becomes
    ``owner: Иванова Светлана`` (a deleted user keeps its number)."""
    ids: set[int] = set()
    for line in lines:
        for key in _PERSON_KEYS:
            value = line.changes.get(key)
            ids.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int))
    if not ids:
        return lines
    rows = session.execute(select(users.c.id, users.c.full_name).where(users.c.id.in_(ids)))
    names: dict[int, str] = {row.id: row.full_name for row in rows}

    def name(value: object) -> object:
        if isinstance(value, list):
            return [name(v) for v in value]
        return names.get(value, value) if isinstance(value, int) else value

    for line in lines:
        for key in _PERSON_KEYS:
            if key in line.changes:
                line.changes[key.removesuffix("_id")] = name(line.changes.pop(key))
    return lines


def change_details(line: AuditLine, tz: tzinfo | None = None) -> str:
    """What changed, old -> new where the row has both: "owner: A → B; status: lead → customer",
    the fields named in the language in force; with ``tz`` a stored moment reads as a local date
    and time there ("10.12.2026 13:00", not "2026-12-10T10:00:00+00:00")."""
    parts = []
    for key, value in line.changes.items():
        if value is None or key in ("handover",):
            continue
        name = FIELD_NAMES.caption(key)
        if (
            isinstance(value, list)
            and len(value) == 2
            and not any(isinstance(v, str) and v.startswith("+") for v in value)
        ):
            parts.append(f"{name}: {_shown(value[0], key, tz)} → {_shown(value[1], key, tz)}")
        else:
            parts.append(f"{name}: {_shown(value, key, tz)}")
    return "; ".join(parts)


def _shown(value: Any, key: str = "", tz: tzinfo | None = None) -> str:
    """A stored value as a person reads it: a list as its items, a mapping as key: value, a code
    (a role, a task's kind, why a sign-in was refused) in words, a moment in ``tz``."""
    if value is None or value in ([], {}):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v, key, tz) for v in value)
    if isinstance(value, str) and key in VALUE_NAMES:
        return VALUE_NAMES[key](value)
    if isinstance(value, dict):
        return ", ".join(
            f"{FIELD_NAMES.caption(str(k))}: {_shown(v, str(k), tz)}"
            for k, v in value.items()
            if v is not None
        )
    if isinstance(value, str) and tz is not None and "T" in value:
        moment = _moment(value)
        if moment is not None:
            return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")
    return str(value)


def _moment(text: str) -> datetime | None:
    """``text`` as a stored moment (ISO 8601 with its offset), or None."""
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def describe_changes(line: AuditLine, width: int = 80, tz: tzinfo | None = None) -> str:
    """One line for a person: what was changed, how, and the details (moments in ``tz``)."""
    details = change_details(line, tz)
    heading = _("{entity} {action}").format(
        entity=ENTITY_NAMES.caption(line.entity), action=ACTION_NAMES.caption(line.action).replace("_", " ")
    )
    text = heading + (f" ({details})" if details else "")
    return text if len(text) <= width else text[: width - 1] + "…"
