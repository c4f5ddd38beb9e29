"""Taking a client import batch back, without taking back anybody's work done since.

A client the batch created goes only if nobody touched it afterwards (no edit, no deal, task,
note or later import of its own); a field the batch filled is emptied only if it still holds
the imported value. What cannot be reverted is kept and listed, never silently destroyed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.audit.changes import versioned
from crm_tui.domain.clients.records import search_keys_of
from crm_tui.domain.field_labels import field_label
from crm_tui.domain.imports.batches import UndoReport
from crm_tui.domain.imports.mapping import portrait_key
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.storage.models import (
    audit_entries,
    channels,
    client_sources,
    clients,
    contacts,
    deals,
    field_defs,
    field_values,
    import_changes,
    interactions,
    tasks,
)

_TABLES = {
    "client": clients,
    "contact": contacts,
    "channel": channels,
    "deal": deals,
    "task": tasks,
    "interaction": interactions,
}


def _made(batch_id: int, entity: str) -> Select[tuple[int]]:
    """Ids of the records of ``entity`` the batch created.

    Created records are logged as runs of ids (``entity_id`` to ``last_entity_id``): a chunk's
    ids are allocated together, so a 100,000-row import logs a few hundred runs, not 300,000
    rows. The runs drive the query (primary-key range scans), never the whole table.
    """
    c = import_changes.c
    table = _TABLES[entity]
    return select(table.c.id).join(
        import_changes,
        and_(
            c.batch_id == batch_id,
            c.entity == entity,
            c.action == "create",
            table.c.id.between(c.entity_id, func.coalesce(c.last_entity_id, c.entity_id)),
        ),
    )


def _blocked_clients(session: Session, batch_id: int) -> dict[int, tuple[str, str]]:
    """Clients the batch created that have a life of their own since, with the reason (the
    code and msgid of the line that says the client was kept)."""
    created = _made(batch_id, "client")
    blocked: dict[int, tuple[str, str]] = {}
    checks: list[tuple[tuple[str, str], Select[int]]] = [
        (
            ("undo.client_edited", N_("client {id}: edited since, kept")),
            select(clients.c.id).where(clients.c.id.in_(created), clients.c.version > 1),
        ),
        (
            ("undo.client_deals", N_("client {id}: has other deals, kept")),
            select(deals.c.client_id).where(
                deals.c.client_id.in_(created),
                or_(deals.c.id.not_in(_made(batch_id, "deal")), deals.c.version > 1),
            ),
        ),
        (
            ("undo.client_tasks", N_("client {id}: has other tasks, kept")),
            select(tasks.c.client_id).where(
                tasks.c.client_id.in_(created),
                or_(tasks.c.id.not_in(_made(batch_id, "task")), tasks.c.version > 1),
            ),
        ),
        (
            ("undo.client_interactions", N_("client {id}: has other interactions, kept")),
            select(interactions.c.client_id).where(
                interactions.c.client_id.in_(created),
                interactions.c.id.not_in(_made(batch_id, "interaction")),
            ),
        ),
        (
            ("undo.client_imported_again", N_("client {id}: was imported again by a later batch, kept")),
            select(client_sources.c.client_id).where(
                client_sources.c.client_id.in_(created), client_sources.c.batch_id != batch_id
            ),
        ),
    ]
    for reason, query in checks:
        for client_id in session.scalars(query):
            if client_id is not None:
                blocked.setdefault(int(client_id), reason)
    return blocked


def undo_clients(session: Session, ws: Workspace, batch_id: int, report: UndoReport) -> dict[str, int]:
    """Take back what a client batch created and filled, into ``report``; the audit row's
    changes are returned (``crm_tui.importers.batches.undo_import`` marks the batch undone)."""
    blocked = _blocked_clients(session, batch_id)
    for client_id, reason in sorted(blocked.items()):
        report.kept.append(Message(*reason, id=client_id))
    created = _made(batch_id, "client")
    removable = select(clients.c.id).where(clients.c.id.in_(created), clients.c.id.not_in(list(blocked)))
    kept_task_ids = set(
        session.scalars(
            select(tasks.c.id).where(tasks.c.id.in_(_made(batch_id, "task")), tasks.c.version > 1)
        )
    )
    kept_deal_ids = set(
        session.scalars(
            select(deals.c.id).where(deals.c.id.in_(_made(batch_id, "deal")), deals.c.version > 1)
        )
    )
    for task_id in sorted(kept_task_ids):
        report.kept.append(Message("undo.task_kept", N_("task {id}: worked on since, kept"), id=task_id))
    for deal_id in sorted(kept_deal_ids):
        report.kept.append(Message("undo.deal_kept", N_("deal {id}: changed since, kept"), id=deal_id))
    kept_clients = set(blocked)
    losing = _losing(session, batch_id)
    for table, entity, kept in (
        (tasks, "task", kept_task_ids),
        (interactions, "interaction", set()),
    ):
        ids = _made(batch_id, entity)
        result = session.connection().execute(
            delete(table).where(
                table.c.id.in_(ids),
                table.c.id.not_in(list(kept)),
                or_(table.c.client_id.is_(None), table.c.client_id.not_in(list(kept_clients))),
            )
        )
        report.records_removed += result.rowcount
    result = session.connection().execute(
        delete(deals).where(
            deals.c.id.in_(_made(batch_id, "deal")),
            deals.c.id.not_in(list(kept_deal_ids)),
            deals.c.client_id.not_in(list(kept_clients)),
            deals.c.id.not_in(select(tasks.c.deal_id).where(tasks.c.deal_id.is_not(None))),
        )
    )
    report.records_removed += result.rowcount
    for table, entity in ((channels, "channel"), (contacts, "contact")):
        result = session.connection().execute(
            delete(table).where(
                table.c.id.in_(_made(batch_id, entity)), table.c.client_id.not_in(list(kept_clients))
            )
        )
        report.records_removed += result.rowcount
    cleared = _clear_fills(session, batch_id, report)
    report.fields_cleared = sum(len(fields) for fields in cleared.values())
    session.execute(
        delete(client_sources).where(
            client_sources.c.batch_id == batch_id, client_sources.c.client_id.not_in(list(kept_clients))
        )
    )
    result = session.connection().execute(delete(clients).where(clients.c.id.in_(removable)))
    report.clients_removed = result.rowcount
    _follow(session, ws, batch_id, losing, cleared)
    return {"clients_removed": report.clients_removed, "kept": len(report.kept)}


_FIELDS = {"legal_form", "inn", "kpp", "ogrn", "city", "region"}


def _clear_fills(session: Session, batch_id: int, report: UndoReport) -> dict[int, dict[str, Any]]:
    """Empty each field the batch filled that still holds the imported value; per client, the
    fields emptied and the values they held."""
    c = import_changes.c
    cleared: dict[int, dict[str, Any]] = {}
    fills = session.execute(
        select(c.entity_id, c.field, c.after).where(
            c.batch_id == batch_id, c.action == "fill", c.entity == "client"
        )
    ).all()
    for client_id, name, after in fills:
        key = portrait_key(name)
        if key is not None:
            if _clear_portrait(session, client_id, key, after):
                cleared.setdefault(client_id, {})[name] = json.loads(after)
            else:
                report.kept.append(
                    Message(
                        "undo.field_kept",
                        N_("client {id}: {field} changed since the import, kept"),
                        id=client_id,
                        field=name,
                    )
                )
            continue
        if name not in _FIELDS:
            continue
        column = clients.c[name]
        result = session.connection().execute(
            update(clients).where(clients.c.id == client_id, column == after).values({name: None})
        )
        if result.rowcount:
            cleared.setdefault(client_id, {})[name] = after
        else:
            report.kept.append(
                Message(
                    "undo.field_kept",
                    N_("client {id}: {field} changed since the import, kept"),
                    id=client_id,
                    field=field_label(name),
                )
            )
    return cleared


def _clear_portrait(session: Session, client_id: int, key: str, after: str) -> bool:
    """Remove the portrait value the batch filled if the client still has it; False if it was
    changed (or the field removed) since."""
    v, f = field_values.c, field_defs.c
    found = session.execute(
        select(v.id, v.value)
        .join(field_defs, f.id == v.field_id)
        .where(v.client_id == client_id, f.key == key)
    ).first()
    if found is None or found.value != json.loads(after):
        return False
    session.connection().execute(delete(field_values).where(v.id == found.id))
    return True


def _losing(session: Session, batch_id: int) -> dict[int, list[str]]:
    """Clients the batch did not create that lose contacts or channels it brought: what goes."""
    created = _made(batch_id, "client")
    losing: dict[int, list[str]] = {}
    for table, entity, what in (
        (contacts, "contact", contacts.c.full_name),
        (channels, "channel", channels.c.value),
    ):
        for client_id, text in session.execute(
            select(table.c.client_id, what).where(
                table.c.id.in_(_made(batch_id, entity)), table.c.client_id.not_in(created)
            )
        ):
            losing.setdefault(client_id, []).append(text)
    return losing


def _follow(
    session: Session,
    ws: Workspace,
    batch_id: int,
    losing: dict[int, list[str]],
    cleared: dict[int, dict[str, Any]],
) -> None:
    """What the undo took from clients that stay is a change of each: its search keys follow
    (the phone and the city it lost no longer find it), its version moves once, and it gets an
    audit row. Set-based, like the enrichment it takes back: ``audit.changes.versioned`` for the
    values, one ``executemany`` for the clients and one for the audit rows."""
    now = ws.now()
    keys = search_keys_of(session, sorted(set(losing) | set(cleared)))
    if not keys:
        return
    derived: dict[str, Any] = {"name_key": bindparam("keys_name"), "search_text": bindparam("keys_text")}
    session.connection().execute(
        update(clients).where(clients.c.id == bindparam("cid")).values(versioned(clients, derived, now)),
        [{"cid": i, "keys_name": k["name_key"], "keys_text": k["search_text"]} for i, k in keys.items()],
    )
    session.execute(
        insert(audit_entries),
        [
            {
                "at": now,
                "user_id": ws.viewer.user_id,
                "entity": "client",
                "entity_id": client_id,
                "action": "import_undo",
                "changes": {
                    "batch": batch_id,
                    "cleared": cleared.get(client_id, {}),
                    "removed": losing.get(client_id, []),
                },
            }
            for client_id in sorted(keys)
        ],
    )
