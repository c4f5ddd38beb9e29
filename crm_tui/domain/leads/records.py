"""A request as the actions on it read it, and the pieces every action shares: its target for
the capability table, its answer task, its touches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from crm_tui.domain.access.capabilities import Target, lead_target
from crm_tui.domain.audit.changes import versioned
from crm_tui.domain.base_language import base_text
from crm_tui.domain.captions import LEAD_STATUS_NAMES
from crm_tui.domain.errors import DomainError, not_found
from crm_tui.i18n import N_, NC_
from crm_tui.storage.tables.activity import InteractionKind, TaskStatus, tasks
from crm_tui.storage.tables.leads import LeadChannel, LeadStatus, leads

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

ANSWER_ORIGIN = "lead:"
"""The origin of a request's "Answer the request" task: ``lead:<id>``."""
ESCALATION_ORIGIN = "lead-late:"
"""The origin of the head's task about a request not answered in time."""
OPEN_STATUSES = (LeadStatus.NEW.value, LeadStatus.IN_WORK.value)

TOUCH_KIND = {
    LeadChannel.CALL.value: InteractionKind.CALL,
    LeadChannel.EMAIL.value: InteractionKind.EMAIL,
    LeadChannel.WEB_FORM.value: InteractionKind.MESSAGE,
    LeadChannel.MESSENGER.value: InteractionKind.MESSAGE,
    LeadChannel.WALK_IN.value: InteractionKind.MEETING,
    LeadChannel.MANUAL.value: InteractionKind.NOTE,
    LeadChannel.IMPORT.value: InteractionKind.NOTE,
}
"""The touch a request of each channel is on the timeline."""


class LeadClosed(DomainError):
    default_code = "lead.closed"


@dataclass(frozen=True)
class LeadHead:
    id: int
    status: str
    owner_id: int | None
    region: str | None
    client_id: int | None
    person_name: str | None
    company_name: str | None
    first_response_at: datetime | None
    version: int

    @property
    def target(self) -> Target:
        return lead_target(self.id, self.owner_id, self.region)

    @property
    def who(self) -> str:
        return self.company_name or self.person_name or f"#{self.id}"

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


def load_head(session: Unit, lead_id: int) -> LeadHead:
    ld = leads.c
    row = session.execute(
        select(
            ld.id, ld.status, ld.owner_id, ld.region, ld.client_id, ld.person_name, ld.company_name,
            ld.first_response_at, ld.version,
        ).where(ld.id == lead_id)
    ).first()  # fmt: skip
    if row is None:
        raise not_found("lead", lead_id)
    return LeadHead(*row)


def require_open(lead: LeadHead) -> None:
    if not lead.open:
        raise LeadClosed(
            "lead.closed",
            N_("request {id} is closed already ({status})"),
            id=lead.id,
            status=LEAD_STATUS_NAMES.worded(lead.status),
        )


TASK_RESULTS = {
    "answer": NC_("task result", "The request was answered"),
    "convert": NC_("task result", "The request became a client"),
    "link": NC_("task result", "The request was linked to a client"),
    "junk": NC_("task result", "The request is junk: {reason}"),
}
"""What closed a request's tasks, written in the base's language."""


def close_lead_tasks(
    session: Unit, lead_id: int, now: datetime, why: str, *, done: bool, reason: str = ""
) -> None:
    """The request's answer task (and the head's escalation) done or cancelled, saying ``why``
    (a key of ``TASK_RESULTS``) in the base's language."""
    result = base_text(session, "task result", TASK_RESULTS[why]).format(reason=reason)
    t = tasks.c
    status = TaskStatus.DONE.value if done else TaskStatus.CANCELLED.value
    session.connection().execute(
        update(tasks)
        .where(
            t.status == TaskStatus.OPEN.value,
            t.origin.in_([f"{ANSWER_ORIGIN}{lead_id}", f"{ESCALATION_ORIGIN}{lead_id}"]),
        )
        .values(versioned(tasks, {"status": status, "completed_at": now, "result": result}, now))
    )


def reassign_answer_task(session: Unit, lead_id: int, user_id: int, now: datetime) -> None:
    t = tasks.c
    session.connection().execute(
        update(tasks)
        .where(t.status == TaskStatus.OPEN.value, t.origin == f"{ANSWER_ORIGIN}{lead_id}")
        .values(versioned(tasks, {"assignee_id": user_id}, now))
    )
