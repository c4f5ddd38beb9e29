"""Changing a client, deal or task: its version moves in the statement that changes it, and the
audit row is written in the same transaction.

Two kinds of change come here. A person's edit of a copy they read carries the version they
saw: the update is a compare-and-set (``WHERE id = ? AND version = ?``), and when no row matches
somebody saved in between, so the edit is refused (``StaleEdit``) and never written over theirs.
A change that is not an edit of a read copy (a contact added, a segment set by hand, what the
client owns) carries no version: the version simply moves, so every edit still open on the old
values is refused.

Set-based writers (a handover of thousands of clients, an import's enrichment, the tasks a
stage move closes) keep their one statement per chunk and take the values from ``versioned``,
so what a change moves is decided here for them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, update

from crm_tui.domain.audit.trail import record
from crm_tui.domain.errors import DomainError, StaleEdit, not_found
from crm_tui.i18n import N_

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

ENTITIES: dict[str, str] = {
    "clients": "client",
    "deals": "deal",
    "tasks": "task",
    "leads": "lead",
    "campaigns": "campaign",
}
"""The versioned tables (by name: importing the campaigns' and the requests' tables here would
load them into every command that changes a client, issue 29) and the name their audit rows
carry; tests/unit/test_light_commands.py checks each is a table with a version."""


def versioned(table: Table, values: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    """``values`` plus what every change of a record moves: ``version + 1``, evaluated by the
    database so two writers never land on one number, and ``updated_at`` where the table has it."""
    moved = dict(values)
    moved["version"] = table.c.version + 1
    if "updated_at" in table.c:
        moved["updated_at"] = at
    return moved


_STALE_BY_ID = {
    "client": N_("client {id} was changed by someone else meanwhile: reload and retry"),
    "deal": N_("deal {id} was changed by someone else meanwhile: reload and retry"),
    "task": N_("task {id} was changed by someone else meanwhile: reload and retry"),
    "lead": N_("request {id} was changed by someone else meanwhile: reload and retry"),
    "campaign": N_("campaign {id} was changed by someone else meanwhile: reload and retry"),
}
_STALE_BY_TITLE = {
    "client": N_("client «{title}» was changed by someone else meanwhile: reload and retry"),
    "deal": N_("deal «{title}» was changed by someone else meanwhile: reload and retry"),
    "task": N_("task «{title}» was changed by someone else meanwhile: reload and retry"),
    "lead": N_("request «{title}» was changed by someone else meanwhile: reload and retry"),
    "campaign": N_("campaign «{title}» was changed by someone else meanwhile: reload and retry"),
}


def stale(entity: str, name: str | int) -> StaleEdit:
    """The refusal of an edit made on an old copy, the same wherever it is found out; ``name``
    is the record's id or its title. Coded ``<entity>.stale``."""
    if isinstance(name, int):
        return StaleEdit(f"{entity}.stale", _STALE_BY_ID[entity], id=name)
    return StaleEdit(f"{entity}.stale", _STALE_BY_TITLE[entity], title=name)


def change(
    session: Unit,
    table: Table,
    record_id: int,
    values: Mapping[str, Any] | None = None,
    *,
    at: datetime,
    user_id: int | None,
    seen: int | None = None,
    refused: Callable[[], DomainError] | None = None,
    action: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> int:
    """Write ``values`` to the record and move its version; audit it as ``action`` (with
    ``changes``) when given. Returns the new version.

    ``seen`` is the version the person read: the write is refused with ``refused()`` (by default
    ``stale``) when the record is at another one. Without ``seen`` the record must exist."""
    entity = ENTITIES[table.name]
    where = [table.c.id == record_id]
    if seen is not None:
        where.append(table.c.version == seen)
    moved = versioned(table, values or {}, at)
    new = session.execute(update(table).where(*where).values(moved).returning(table.c.version)).scalar()
    if new is None:
        if seen is None:
            raise not_found(entity, record_id)
        raise refused() if refused is not None else stale(entity, record_id)
    if action is not None:
        record(
            session,
            at=at,
            user_id=user_id,
            entity=entity,
            entity_id=record_id,
            action=action,
            changes=dict(changes or {}),
        )
    return int(new)
