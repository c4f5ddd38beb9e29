"""A request still unanswered at its deadline gives the head one escalation task.

Run by every `crm schedule tick`: the question is one range read on ``ix_leads_unanswered``
(no answer, not escalated, due before now), so a tick with nothing late costs next to nothing.
Each request is marked by a conditional update first, so two ticks at once escalate it once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, select, update

from crm_tui.domain.leads.records import ESCALATION_ORIGIN, OPEN_STATUSES
from crm_tui.i18n import NC_
from crm_tui.storage.tables.activity import TaskKind
from crm_tui.storage.tables.leads import leads
from crm_tui.storage.tables.team import users

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crm_tui.storage.units import Unit

LATE_TITLE = NC_("task title", "Request not answered in time: {who}")
BATCH = 500


def _late(now: datetime) -> ColumnElement[bool]:
    ld = leads.c
    return and_(
        ld.first_response_at.is_(None),
        ld.escalated_at.is_(None),
        ld.answer_due_at <= now,
        ld.status.in_(OPEN_STATUSES),
    )


def any_late(session: Unit, now: datetime) -> bool:
    """Whether a request waits for escalation: the tick asks this before it takes a write lock."""
    return session.scalar(select(leads.c.id).where(_late(now)).limit(1)) is not None


def escalate_late_requests(session: Session, now: datetime) -> int:
    """One task for the region's head (else an admin) per request past its deadline unanswered."""
    # Imported here: every tick asks ``any_late``, and only one with a late request needs these.
    from crm_tui.domain.audit.trail import record
    from crm_tui.domain.base_language import base_text
    from crm_tui.domain.deals.moves import head_for
    from crm_tui.domain.tasks.create import open_task

    ld = leads.c
    rows = session.execute(
        select(ld.id, ld.region, ld.owner_id, ld.person_name, ld.company_name, ld.client_id, users.c.region)
        .select_from(leads.outerjoin(users, users.c.id == ld.owner_id))
        .where(_late(now))
        .order_by(ld.answer_due_at)
        .limit(BATCH)
    ).all()
    done = 0
    for lead_id, region, owner_id, person, company, client_id, owner_region in rows:
        marked = session.connection().execute(
            update(leads).where(ld.id == lead_id, ld.escalated_at.is_(None)).values(escalated_at=now)
        )
        if marked.rowcount != 1:
            continue
        head = head_for(session, region or owner_region)
        open_task(
            session,
            title=base_text(session, "task title", LATE_TITLE).format(who=company or person or f"#{lead_id}"),
            kind=TaskKind.TODO.value,
            due=now,
            assignee_id=head,
            client_id=client_id,
            by_user_id=None,
            now=now,
            origin=f"{ESCALATION_ORIGIN}{lead_id}",
            note=None,
        )
        record(
            session, at=now, user_id=None, entity="lead", entity_id=lead_id, action="escalate",
            changes={"head_id": head, "owner_id": owner_id},
        )  # fmt: skip
        done += 1
    return done
