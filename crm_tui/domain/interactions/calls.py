"""Calls from the telephony, on the timelines: each logged once, to the right manager and client.

A call event (``call_events.CallEvent``, whatever its source) is attributed to the manager whose
extension took or made it, and to the client or request whose number is the other party's. It
becomes a call on that timeline (direction, start, talk time, result, the recording), counted in
the calls report like a call logged by hand. A missed call from a client gives its owner one
callback task, however many times the client rang before someone called back; a caller nobody
knows becomes a request (``leads.intake``), routed and clocked like any other. The event's
identity is kept with the call, so a file read twice or a webhook sent again logs nothing new.

Here is the one-by-one path (``log_call``: an event in its own transaction) and the entry for
many (``log_calls``), which logs them a chunk per transaction in bulk (``call_chunks``) and
falls back to one by one for a chunk another process wrote into meanwhile. Both write the same
rows (``call_rows``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.clients.overlap import who_has
from crm_tui.domain.inbound.sources import duplicate
from crm_tui.domain.interactions.call_chunks import CHUNK, log_chunk
from crm_tui.domain.interactions.call_events import CallEvent, CallResult
from crm_tui.domain.interactions.call_rows import (
    CALLBACK_ORIGIN,
    CALLBACK_TITLE,
    CALLBACK_WITHIN,
    CallsLogged,
    answered_by_us,
    answers,
    call_changes,
    call_row,
    callback,
    summary,
    touches_request,
)
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    ChannelKind,
    Direction,
    LeadStatus,
    clients,
    interactions,
    lead_addresses,
    leads,
    users,
)

__all__ = ["CALLBACK_ORIGIN", "CALLBACK_TITLE", "CALLBACK_WITHIN", "CallsLogged", "log_call", "log_calls"]


def _manager(session: Session, event: CallEvent) -> int | None:
    if not event.extension:
        return None
    found = session.scalar(select(users.c.id).where(users.c.extension == event.extension, users.c.active))
    return int(found) if found is not None else None


def _known(session: Session, event: CallEvent) -> bool:
    return (
        session.scalar(select(interactions.c.id).where(interactions.c.external_id == event.identity))
        is not None
    )


def _open_request(session: Session, e164: str) -> tuple[int, datetime] | None:
    """The newest open request with this number and when it came (``call_chunks.open_requests``
    for a chunk)."""
    found = session.execute(
        select(leads.c.id, leads.c.received_at)
        .join(lead_addresses, lead_addresses.c.lead_id == leads.c.id)
        .where(
            # kind first: the (kind, value) index finds the number; value alone read every address
            lead_addresses.c.kind == ChannelKind.PHONE.value,
            lead_addresses.c.value == e164,
            leads.c.status.in_((LeadStatus.NEW.value, LeadStatus.IN_WORK.value)),
        )
        .order_by(leads.c.id.desc())
        .limit(1)
    ).first()
    return (int(found.id), found.received_at) if found is not None else None


def _insert_call(
    session: Session,
    event: CallEvent,
    *,
    client_id: int | None,
    lead_id: int | None,
    user_id: int | None,
    now: datetime,
) -> None:
    row = call_row(event, client_id, lead_id, user_id, summary(session, event), now)
    touch = int(session.execute(insert(interactions).returning(interactions.c.id), row).scalar_one())
    audit.record(
        session, at=now, user_id=None, entity="interaction", entity_id=touch, action="create",
        changes=call_changes(row),
    )  # fmt: skip


def log_call(ws: Workspace, event: CallEvent) -> tuple[str, bool, int | None]:
    """Log one event; returns its outcome, whether a callback task was set, and a new request's id."""
    if not event.final:
        return "started", False, None
    if event.direction is Direction.INTERNAL:
        return "internal", False, None
    now = ws.now()
    with ws.write() as session:
        if _known(session, event):
            return "again", False, None
        user_id = _manager(session, event)
        e164 = event.other.e164
        holders = who_has(session, ws.viewer, phones=[e164]) if e164 else []
        if holders:
            client_id = holders[0].client_id
            owner = session.scalar(select(clients.c.owner_id).where(clients.c.id == client_id))
            _insert_call(session, event, client_id=client_id, lead_id=None, user_id=user_id or owner, now=now)
            missed = event.direction is Direction.INBOUND and event.result is not CallResult.ANSWERED
            called = missed and callback(session, client_id, owner, event, now)
            return "client", called, None
        request = _open_request(session, e164) if e164 else None
        if request is not None and touches_request(event, request[1]):
            lead_id = request[0]
            _insert_call(session, event, client_id=None, lead_id=lead_id, user_id=user_id, now=now)
            answered_by_us(session, lead_id, event, user_id)
            return "request", False, None
    if e164 is None:
        return "anonymous", False, None
    if event.direction is Direction.OUTBOUND:
        return "unknown outbound", False, None
    return _new_request(ws, event, user_id)


def _new_request(ws: Workspace, event: CallEvent, user_id: int | None) -> tuple[str, bool, int | None]:
    """A caller nobody knows: a request by the one intake, its touch this call."""
    with ws.read() as session:
        message = summary(session, event)
    intake = receive(
        ws,
        Request(phone=event.other.raw, channel="call", line=event.line or "", message=message,
                received_at=event.started_at, external_id=event.identity),
    )  # fmt: skip
    if intake.lead_id is not None and answers(event, user_id):
        with ws.write() as session:
            answered_by_us(session, intake.lead_id, event, user_id)
    return ("new request" if intake.lead_id is not None else "dropped"), False, intake.lead_id


def log_calls(ws: Workspace, events: Iterable[CallEvent], *, chunk: int = CHUNK) -> CallsLogged:
    """Every event of a file or a webhook burst, ``chunk`` to a transaction in bulk
    (``call_chunks``). A chunk another process wrote into meanwhile is logged again event by
    event (``log_call``), which finds what the other process logged."""
    require(ws.viewer, Capability.RECEIVE_INBOUND)
    logged = CallsLogged()
    pending = list(events)
    for start in range(0, len(pending), chunk):
        part = pending[start : start + chunk]
        try:
            done = CallsLogged()
            log_chunk(ws, part, done)
        except Exception as exc:
            if not duplicate(exc):
                raise
            for event in part:
                _one(ws, event, logged)
        else:
            logged.outcomes.update(done.outcomes)
            logged.callbacks += done.callbacks
            logged.leads += done.leads
    return logged


def _one(ws: Workspace, event: CallEvent, logged: CallsLogged) -> None:
    try:
        outcome, called, lead_id = log_call(ws, event)
    except Exception as exc:  # the same event logged by another process a moment ago
        if not duplicate(exc):
            raise
        outcome, called, lead_id = "again", False, None
    logged.outcomes[outcome] += 1
    logged.callbacks += called
    if lead_id is not None:
        logged.leads.append(lead_id)
