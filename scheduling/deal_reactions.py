"""Auto-reactions (seed 003): a deal stuck in its stage or without activity gets one reminder
task for its owner, and is listed for the head of sales (``crm report stuck``).

Set-based and idempotent: a reminder carries ``stuck:<deal>`` or ``idle:<deal>`` as its origin,
and a deal that already has one since it entered its stage (stuck) or within the idle window
(idle) is passed over, so a tick run twice creates nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ColumnElement, String, and_, cast, exists, func, insert, literal, select
from sqlalchemy.orm import Session

from crm_tui.domain.base_language import base_text
from crm_tui.domain.deals.stuck import stuck_condition
from crm_tui.domain.settings import get_setting
from crm_tui.i18n import NC_
from crm_tui.storage.models import DealStatus, TaskKind, TaskStatus, audit_entries, deals, interactions, tasks

IDLE_DAYS_KEY = "deals.idle_days"
DEFAULT_IDLE_DAYS = 14
STUCK = "stuck:"
IDLE = "idle:"
STUCK_TITLE = NC_("task title", "Stuck deal: {deal}")
IDLE_TITLE = NC_("task title", "No activity on the deal: {deal}")


def _origin(prefix: str) -> ColumnElement[str]:
    return literal(prefix) + cast(deals.c.id, String)


def _idle(now: datetime, days: int) -> ColumnElement[bool]:
    d, i, t = deals.c, interactions.c, tasks.c
    cutoff = now - timedelta(days=days)
    return and_(
        d.status == DealStatus.OPEN.value,
        d.stage_entered_at < cutoff,
        d.updated_at < cutoff,
        ~exists().where(i.deal_id == d.id, i.occurred_at >= cutoff),
        ~exists().where(t.deal_id == d.id, t.status == TaskStatus.DONE.value, t.completed_at >= cutoff),
        ~exists().where(t.deal_id == d.id, t.status == TaskStatus.OPEN.value),
    )


def _remind(
    session: Session,
    now: datetime,
    condition: ColumnElement[bool],
    prefix: str,
    since: ColumnElement[datetime],
    title: str,
) -> int:
    """Reminders titled ``title`` (a msgid with ``{deal}``, in the base's language)."""
    d, t = deals.c, tasks.c
    head, _deal, tail = base_text(session, "task title", title).partition("{deal}")
    wanted = and_(
        condition,
        d.owner_id.is_not(None),
        ~exists().where(t.deal_id == d.id, t.origin == _origin(prefix), t.created_at >= since),
    )
    before = session.scalar(select(func.coalesce(func.max(t.id), 0))) or 0
    session.connection().execute(
        insert(tasks).from_select(
            [
                "title",
                "kind",
                "due_at",
                "assignee_id",
                "client_id",
                "deal_id",
                "status",
                "origin",
                "created_at",
                "version",
            ],
            select(
                literal(head) + d.title + literal(tail),
                literal(TaskKind.CALL.value),
                literal(now, t.due_at.type),
                d.owner_id,
                d.client_id,
                d.id,
                literal(TaskStatus.OPEN.value),
                _origin(prefix),
                literal(now, t.created_at.type),
                literal(1),
            ).where(wanted),
        )
    )
    made = select(t.id).where(t.id > before, t.origin.like(f"{prefix}%")).subquery()
    session.connection().execute(
        insert(audit_entries).from_select(
            ["at", "user_id", "entity", "entity_id", "action", "changes"],
            select(
                literal(now, audit_entries.c.at.type),
                literal(None, audit_entries.c.user_id.type),
                literal("task"),
                made.c.id,
                literal("create"),
                literal({"origin": prefix.rstrip(":")}, JSON),
            ),
        )
    )
    return int(session.scalar(select(func.count()).select_from(made)) or 0)


def react_to_deals(session: Session, now: datetime) -> dict[str, int]:
    """Reminders for stuck and idle deals; how many of each were created."""
    days = int(get_setting(session, IDLE_DAYS_KEY, DEFAULT_IDLE_DAYS))
    stuck = _remind(session, now, stuck_condition(session, now), STUCK, deals.c.stage_entered_at, STUCK_TITLE)
    window = literal(now - timedelta(days=days), deals.c.stage_entered_at.type)
    idle = _remind(session, now, _idle(now, days), IDLE, window, IDLE_TITLE)
    return {"stuck": stuck, "idle": idle}
