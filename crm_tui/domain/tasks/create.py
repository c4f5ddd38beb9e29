"""Opening a task: the one place a task row is written with its audit row.

A deal's move, a refusal's task for the head, a planned call and a call's next step all open
tasks; each wrote its own insert and audit row before, with a different set of fields in the
audit (one left out the due time, another the client).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert

from crm_tui.domain.audit import trail as audit
from crm_tui.storage.tables.activity import TaskStatus, tasks
from crm_tui.storage.tables.team import audit_entries

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

TITLE_LENGTH = 300


def open_task(
    session: Unit,
    *,
    title: str,
    kind: str,
    due: datetime,
    assignee_id: int | None,
    client_id: int | None,
    by_user_id: int | None,
    now: datetime,
    deal_id: int | None = None,
    origin: str | None = None,
    note: str | None = None,
) -> int:
    """Write an open task and its audit row; returns its id."""
    title = title[:TITLE_LENGTH]
    task_id = int(
        session.connection()
        .execute(
            insert(tasks).returning(tasks.c.id),
            {
                "title": title,
                "kind": kind,
                "due_at": due,
                "assignee_id": assignee_id,
                "client_id": client_id,
                "deal_id": deal_id,
                "status": TaskStatus.OPEN.value,
                "origin": origin,
                "note": note,
                "created_by_id": by_user_id,
                "created_at": now,
                "version": 1,
            },
        )
        .scalar_one()
    )
    changes: dict[str, object] = {
        "title": title,
        "client_id": client_id,
        "assignee_id": assignee_id,
        "due_at": due.isoformat(),
    }
    if deal_id is not None:
        changes["deal_id"] = deal_id
    if origin is not None:
        changes["origin"] = origin
    if note is not None:
        changes["note"] = note
    audit.record(
        session,
        at=now,
        user_id=by_user_id,
        entity="task",
        entity_id=task_id,
        action="create",
        changes=changes,
    )
    return task_id


@dataclass(frozen=True)
class NewTask:
    """One task of ``open_tasks``: the fields ``open_task`` takes."""

    title: str
    kind: str
    due: datetime
    assignee_id: int | None
    client_id: int | None
    deal_id: int | None = None
    origin: str | None = None


def open_tasks(session: Unit, new: list[NewTask], *, by_user_id: int | None, now: datetime) -> list[int]:
    """``open_task`` for many tasks at once (a statement that wins thousands of deals): the same
    rows and audit rows, two bulk inserts. Returns the ids in the order given."""
    if not new:
        return []
    rows = [
        {"title": t.title[:TITLE_LENGTH], "kind": t.kind, "due_at": t.due, "assignee_id": t.assignee_id,
         "client_id": t.client_id, "deal_id": t.deal_id, "status": TaskStatus.OPEN.value, "origin": t.origin,
         "note": None, "created_by_id": by_user_id, "created_at": now, "version": 1}
        for t in new
    ]  # fmt: skip
    ids = [
        int(i)
        for i in session.connection().scalars(
            insert(tasks).returning(tasks.c.id, sort_by_parameter_order=True), rows
        )
    ]
    audits = []
    for task_id, row, task in zip(ids, rows, new, strict=True):
        changes: dict[str, object] = {
            "title": row["title"], "client_id": row["client_id"], "assignee_id": row["assignee_id"],
            "due_at": task.due.isoformat(),
        }  # fmt: skip
        if row["deal_id"] is not None:
            changes["deal_id"] = row["deal_id"]
        if row["origin"] is not None:
            changes["origin"] = row["origin"]
        audits.append(
            {"at": now, "user_id": by_user_id, "entity": "task", "entity_id": task_id, "action": "create",
             "changes": changes}
        )  # fmt: skip
    session.connection().execute(insert(audit_entries), audits)
    return ids
