"""A request's touches, and the rows a transaction's requests add beside themselves, written
at once or kept for the transaction's end and written in bulk.

A request's intake writes its row and its addresses, then its touch, the touch's audit entry,
the request's audit entry, its answer task and the task's audit entry: five statements more,
each a round of SQLAlchemy's work. A file of calls takes its strangers a chunk per transaction,
and nothing in the chunk reads those five back (the chunk knows the calls it logged by their
identity, and the intake finds requests by their numbers); so the chunk collects them here
(``intake.IntakeRun.defer``) and writes them with its own calls: the same rows, a statement per table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from crm_tui.domain.audit import trail as audit
from crm_tui.domain.tasks.create import NewTask, open_tasks
from crm_tui.storage.bulk import insert_rows, next_ids
from crm_tui.storage.models import Direction, audit_entries, interactions


def touch_row(
    *,
    lead_id: int,
    client_id: int | None,
    kind: str,
    direction: Direction,
    summary: str,
    channel: str | None,
    user_id: int | None,
    at: datetime,
    now: datetime,
    external_id: str | None = None,
) -> dict[str, Any]:
    """A request's touch as a row of ``interactions`` (``add_touch`` writes one)."""
    return {
        "kind": kind,
        "direction": direction.value,
        "channel": channel,
        "occurred_at": at,
        "summary": summary[:4000],
        "client_id": client_id,
        "lead_id": lead_id,
        "user_id": user_id,
        "external_id": external_id,
        "created_at": now,
    }


def touch_audit(row: dict[str, Any], touch: int) -> dict[str, Any]:
    """The audit entry of the touch ``row`` stored as ``touch``."""
    return {
        "at": row["created_at"], "user_id": row["user_id"], "entity": "interaction", "entity_id": touch,
        "action": "create",
        "changes": {"lead_id": row["lead_id"], "client_id": row["client_id"], "kind": row["kind"]},
    }  # fmt: skip


def add_touch(
    session: Session,
    *,
    lead_id: int,
    client_id: int | None,
    kind: str,
    direction: Direction,
    summary: str,
    channel: str | None,
    user_id: int | None,
    at: datetime,
    now: datetime,
    external_id: str | None = None,
) -> int:
    row = touch_row(
        lead_id=lead_id, client_id=client_id, kind=kind, direction=direction, summary=summary,
        channel=channel, user_id=user_id, at=at, now=now, external_id=external_id,
    )  # fmt: skip
    touch = int(session.execute(insert(interactions).returning(interactions.c.id), row).scalar_one())
    audit.record(session, **touch_audit(row, touch))
    return touch


class IntakeWrites:
    """Touches, audit entries and answer tasks of a transaction's requests, kept for its end."""

    def __init__(self) -> None:
        self.touches: list[dict[str, Any]] = []
        self.audits: list[dict[str, Any]] = []
        self.tasks: list[NewTask] = []

    def write(self, session: Session, now: datetime) -> None:
        """Everything kept, a statement per table (the tasks' audit entries by ``open_tasks``)."""
        audits = self.audits
        if self.touches:
            ids = next_ids(session, interactions, len(self.touches))
            for touch, row in zip(ids, self.touches, strict=True):
                row["id"] = touch
            insert_rows(session, interactions, self.touches)
            audits = [touch_audit(row, row["id"]) for row in self.touches] + audits
        if audits:
            insert_rows(session, audit_entries, audits)
        open_tasks(session, self.tasks, by_user_id=None, now=now)
        self.touches, self.audits, self.tasks = [], [], []
