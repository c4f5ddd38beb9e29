"""Working a request: taking it from the region's queue, assigning it, answering it, junking it.

The take is one conditional statement (``UPDATE ... WHERE owner_id IS NULL``), as a client lead's
is (``clients.take``): when two managers take the same request at once exactly one of them gets
it, the other is told who was first. The first call, mail or note logged on a request stops its
clock: ``first_response_at`` is set once, the answer task (and the head's escalation) done.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, can, can_own_clients, lead_target, person, require
from crm_tui.domain.audit.changes import change, versioned
from crm_tui.domain.audit.trail import record
from crm_tui.domain.base_language import base_text
from crm_tui.domain.errors import DomainError, InvalidInput
from crm_tui.domain.leads.records import (
    OPEN_STATUSES,
    close_lead_tasks,
    load_head,
    reassign_answer_task,
    require_open,
)
from crm_tui.domain.leads.setup import JUNK_REASONS
from crm_tui.domain.leads.touches import add_touch
from crm_tui.domain.values.cells import storable_text
from crm_tui.domain.values.text import normalise_text
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import Direction, InteractionKind, LeadStatus, leads, users


class LeadTakenAlready(DomainError):
    default_code = "lead.taken"


@dataclass(frozen=True)
class LeadChanged:
    lead_id: int
    version: int
    already: bool = False


ANSWER_KINDS = (InteractionKind.CALL, InteractionKind.EMAIL, InteractionKind.MESSAGE, InteractionKind.NOTE)


def take_request(ws: Workspace, lead_id: int) -> LeadChanged:
    """Make the viewer the owner of an unowned request of their region."""
    ld = leads.c
    now = ws.now()
    with ws.write() as session:
        lead = load_head(session, lead_id)
        # Taken a moment ago by a colleague: judged as the free request it was, so the second
        # taker hears who was first rather than "not found".
        taken = lead.owner_id not in (None, ws.viewer.user_id)
        target = lead_target(lead.id, None if taken else lead.owner_id, lead.region)
        require(ws.viewer, Capability.TAKE_LEADS, target)
        require_open(lead)
        if lead.owner_id == ws.viewer.user_id:
            return LeadChanged(lead_id, lead.version, already=True)
        version = session.execute(
            update(leads)
            .where(ld.id == lead_id, ld.owner_id.is_(None), ld.status.in_(OPEN_STATUSES))
            .values(
                versioned(
                    leads,
                    {
                        "owner_id": ws.viewer.user_id,
                        "assigned_at": now,
                        "routed_by": "take",
                        "region": lead.region or ws.viewer.region,
                    },
                    now,
                )
            )
            .returning(ld.version)
        ).scalar()
        if version is None:
            holder = session.scalar(
                select(users.c.full_name)
                .select_from(leads.join(users, users.c.id == ld.owner_id))
                .where(ld.id == lead_id)
            )
            raise LeadTakenAlready(
                "lead.taken", N_("request {id} was taken first by {holder}"), id=lead_id, holder=holder or "—"
            )
        reassign_answer_task(session, lead_id, ws.viewer.user_id, now)
        record(
            session, at=now, user_id=ws.viewer.user_id, entity="lead", entity_id=lead_id, action="take",
            changes={"owner_id": [None, ws.viewer.user_id]},
        )  # fmt: skip
    return LeadChanged(lead_id, int(version))


def assign_request(ws: Workspace, lead_id: int, login: str) -> LeadChanged:
    """Give the request to ``login`` (a head within the region, an admin anyone); the answer
    task goes with it."""
    now = ws.now()
    with ws.write() as session:
        lead = load_head(session, lead_id)
        require(ws.viewer, Capability.ASSIGN_LEADS, lead.target)
        require_open(lead)
        u = users.c
        row = session.execute(
            select(u.id, u.region, u.role, u.active).where(u.login == login.strip())
        ).first()
        if row is None or not row.active or not can_own_clients(row.role):
            raise InvalidInput(
                "lead.assignee", N_("to: {login!r} is not an active manager"), login=login, field="owner"
            )
        require(ws.viewer, Capability.ASSIGN_LEADS, person(row.id, row.region, login.strip()))
        version = change(
            session, leads, lead_id,
            {"owner_id": row.id, "assigned_at": now, "routed_by": "assign",
             "region": lead.region or row.region},
            at=now, user_id=ws.viewer.user_id, action="assign",
            changes={"owner_id": [lead.owner_id, row.id]},
        )  # fmt: skip
        reassign_answer_task(session, lead_id, int(row.id), now)
    return LeadChanged(lead_id, version)


def answer_request(ws: Workspace, lead_id: int, kind: InteractionKind, summary: str) -> LeadChanged:
    """Log a call, mail, message or note on the request; the first one stops its clock."""
    text = normalise_text(storable_text(summary).value, multiline=True).value
    if not text:
        raise InvalidInput(
            "lead.answer_missing", N_("summary: say what was answered or agreed"), field="summary"
        )
    if kind not in ANSWER_KINDS:
        raise InvalidInput(
            "lead.answer_kind", N_("kind: a call, an e-mail, a message or a note"), field="kind"
        )
    now = ws.now()
    with ws.write() as session:
        lead = load_head(session, lead_id)
        require(ws.viewer, Capability.WORK_LEADS, lead.target)
        add_touch(
            session, lead_id=lead_id, client_id=lead.client_id, kind=kind.value, direction=Direction.OUTBOUND,
            summary=text, channel=None, user_id=ws.viewer.user_id, at=now, now=now,
        )  # fmt: skip
        values: dict[str, object] = {}
        if lead.first_response_at is None:
            values["first_response_at"] = now
            close_lead_tasks(session, lead_id, now, "answer", done=True)
        if lead.status == LeadStatus.NEW.value:
            values["status"] = LeadStatus.IN_WORK.value
        if lead.owner_id is None and can(ws.viewer, Capability.OWN_CLIENTS):
            values["owner_id"], values["assigned_at"], values["routed_by"] = ws.viewer.user_id, now, "answer"
            if lead.region is None:
                values["region"] = ws.viewer.region
        version = lead.version
        if values:
            version = change(
                session, leads, lead_id, values, at=now, user_id=ws.viewer.user_id, action="answer",
                changes={k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()},
            )  # fmt: skip
    return LeadChanged(lead_id, version)


def _junk_words(session: Session, code: str) -> str:
    return base_text(session, "junk reason", JUNK_REASONS[code])


def junk_request(ws: Workspace, lead_id: int, reason: str, comment: str = "") -> LeadChanged:
    """Close the request as junk, for one of ``JUNK_REASONS``; its open tasks are cancelled."""
    code = reason.strip().lower()
    if code not in JUNK_REASONS:
        raise InvalidInput(
            "lead.junk_reason",
            N_("reason: one of {choices}, not {text!r}"),
            choices=", ".join(JUNK_REASONS),
            text=reason,
            field="reason",
        )
    note = normalise_text(storable_text(comment).value).value
    now = ws.now()
    with ws.write() as session:
        lead = load_head(session, lead_id)
        require(ws.viewer, Capability.WORK_LEADS, lead.target)
        require_open(lead)
        version = change(
            session, leads, lead_id,
            {"status": LeadStatus.JUNK.value, "junk_reason": code, "junk_comment": note, "closed_at": now},
            at=now, user_id=ws.viewer.user_id, action="junk",
            changes={"status": [lead.status, LeadStatus.JUNK.value], "reason": code, "comment": note},
        )  # fmt: skip
        close_lead_tasks(session, lead_id, now, "junk", done=False, reason=_junk_words(session, code))
    return LeadChanged(lead_id, version)
