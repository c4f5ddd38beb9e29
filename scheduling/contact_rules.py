"""Clients without interaction (seed 003): a task for the owner of every client whose segment's
contact interval passed without a call, a meeting, a message or a finished task.

Set-based: one ``INSERT ... SELECT`` per segment, ranked per manager by purchase value so the
most valuable forgotten clients come first. A client that already has an open task is not
given another, which is also what makes a second run the same day create nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ColumnElement, and_, exists, func, insert, literal, select
from sqlalchemy.orm import Session

from crm_tui.domain.segments.work import work_rules
from crm_tui.storage.models import TaskKind, TaskStatus, audit_entries, clients, interactions, tasks, users

ORIGIN_PREFIX = "segment:"


def _forgotten(segment: str, cutoff: datetime) -> ColumnElement[bool]:
    c, i, t = clients.c, interactions.c, tasks.c
    return and_(
        c.segment == segment,
        c.created_at < cutoff,
        ~exists().where(i.client_id == c.id, i.occurred_at >= cutoff),
        ~exists().where(t.client_id == c.id, t.status == TaskStatus.OPEN.value),
        ~exists().where(t.client_id == c.id, t.status == TaskStatus.DONE.value, t.completed_at >= cutoff),
    )


def create_contact_tasks(session: Session, now: datetime) -> dict[str, int]:
    """New tasks per segment."""
    made: dict[str, int] = {}
    c = clients.c
    for rule in work_rules(session):
        if rule.contact_every_days <= 0:
            made[rule.segment.value] = 0
            continue
        cutoff = now - timedelta(days=rule.contact_every_days)
        origin = ORIGIN_PREFIX + rule.segment.value
        ranked = (
            select(
                c.id.label("client_id"),
                c.owner_id,
                func.row_number()
                .over(partition_by=c.owner_id, order_by=(c.sales_total.desc(), c.id))
                .label("rank"),
            )
            .select_from(clients.join(users, users.c.id == c.owner_id))
            .where(users.c.active.is_(True), _forgotten(rule.segment.value, cutoff))
            .subquery()
        )
        title = rule.task_title.replace("{days}", str(rule.contact_every_days))
        before = session.scalar(select(func.coalesce(func.max(tasks.c.id), 0))) or 0
        session.connection().execute(
            insert(tasks).from_select(
                [
                    "title",
                    "kind",
                    "due_at",
                    "assignee_id",
                    "client_id",
                    "status",
                    "origin",
                    "created_at",
                    "version",
                ],
                select(
                    literal(title),
                    literal(TaskKind.CALL.value),
                    literal(now, tasks.c.due_at.type),
                    ranked.c.owner_id,
                    ranked.c.client_id,
                    literal(TaskStatus.OPEN.value),
                    literal(origin),
                    literal(now, tasks.c.created_at.type),
                    literal(1),
                ).where(ranked.c.rank <= rule.max_tasks_per_run),
            )
        )
        new = select(tasks.c.id).where(tasks.c.id > before, tasks.c.origin == origin)
        session.connection().execute(
            insert(audit_entries).from_select(
                ["at", "user_id", "entity", "entity_id", "action", "changes"],
                select(
                    literal(now, audit_entries.c.at.type),
                    literal(None, audit_entries.c.user_id.type),
                    literal("task"),
                    new.subquery().c.id,
                    literal("create"),
                    literal({"origin": origin, "title": title}, JSON),
                ),
            )
        )
        made[rule.segment.value] = (
            session.scalar(select(func.count()).where(tasks.c.id > before, tasks.c.origin == origin)) or 0
        )
    return made
