"""Calls from the telephony, on the timelines: each logged once, to the right manager and client.

A call event (``call_events.CallEvent``, whatever its source) is attributed to the manager whose
extension took or made it, and to the client or request whose number is the other party's. It
becomes a call on that timeline (direction, start, talk time, result, the recording), counted in
the calls report like a call logged by hand. A missed call from a client gives its owner one
callback task, however many times the client rang before someone called back; a caller nobody
knows becomes a request (``leads.intake``), routed and clocked like any other. The event's
identity is kept with the call, so a file read twice or a webhook sent again logs nothing new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.base_language import base_text
from crm_tui.domain.clients.overlap import who_has
from crm_tui.domain.inbound.sources import duplicate
from crm_tui.domain.interactions.call_events import CallEvent, CallResult
from crm_tui.domain.leads.intake import IntakeRun, Request, receive, take
from crm_tui.domain.tasks.create import open_task
from crm_tui.domain.values.formatting import phone
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import NC_
from crm_tui.storage.models import (
    ChannelKind,
    Direction,
    InteractionKind,
    LeadStatus,
    TaskKind,
    TaskStatus,
    audit_entries,
    channels,
    clients,
    interactions,
    lead_addresses,
    leads,
    tasks,
    users,
)

CALLBACK_ORIGIN = "callback:"
CALLBACK_TITLE = NC_("task title", "Call back: {client} rang and nobody answered")
CALLBACK_WITHIN = timedelta(minutes=15)
_RESULTS = {
    CallResult.ANSWERED: NC_("call result", "answered"),
    CallResult.MISSED: NC_("call result", "missed"),
    CallResult.BUSY: NC_("call result", "busy"),
    CallResult.FAILED: NC_("call result", "failed"),
}


@dataclass
class CallsLogged:
    """What became of the events: ``outcomes`` counts ``client``, ``request`` (a touch of an open
    request), ``new request``, ``again`` (logged before), ``internal``, ``anonymous`` (no
    number to match), ``unknown outbound`` (a number no client has, called out), ``started``
    (a start event: the end logs the call)."""

    outcomes: Counter[str] = field(default_factory=Counter)
    callbacks: int = 0
    leads: list[int] = field(default_factory=list)


def _summary(session: Session, event: CallEvent, words: dict[CallResult, str] | None = None) -> str:
    result = words[event.result] if words else base_text(session, "call result", _RESULTS[event.result])
    minutes, seconds = divmod(event.talk_s, 60)
    parts = [
        result,
        f"{minutes}:{seconds:02d}" if event.talk_s else "",
        _number(event),
        event.recording or "",
    ]
    return " · ".join(p for p in parts if p)[:4000]


def _number(event: CallEvent) -> str:
    """The other party's number as the rest of the CRM shows one (``+7 916 123-00-87``), not as
    the PBX spelt it (``79161230087``); a number that is no phone (a hidden caller's word) as sent."""
    return phone(event.other.e164) if event.other.e164 else event.other.raw


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


def _open_request(session: Session, e164: str) -> int | None:
    found = session.scalar(
        select(leads.c.id)
        .join(lead_addresses, lead_addresses.c.lead_id == leads.c.id)
        .where(
            # kind first: the (kind, value) index finds the number; value alone read every address
            lead_addresses.c.kind == ChannelKind.PHONE.value,
            lead_addresses.c.value == e164,
            leads.c.status.in_((LeadStatus.NEW.value, LeadStatus.IN_WORK.value)),
        )
        .order_by(leads.c.id.desc())
        .limit(1)
    )
    return int(found) if found is not None else None


def _insert_call(
    session: Session,
    event: CallEvent,
    *,
    client_id: int | None,
    lead_id: int | None,
    user_id: int | None,
    now: datetime,
    summary: str | None = None,
) -> int:
    touch = int(
        session.execute(
            insert(interactions).returning(interactions.c.id),
            _call_row(event, client_id, user_id, summary or _summary(session, event), now)
            | {"lead_id": lead_id},
        ).scalar_one()
    )
    audit.record(
        session, at=now, user_id=None, entity="interaction", entity_id=touch, action="create",
        changes={"client_id": client_id, "lead_id": lead_id, "kind": "call", "external_id": event.identity},
    )  # fmt: skip
    return touch


def _callback(
    session: Session, client_id: int, owner_id: int | None, event: CallEvent, now: datetime
) -> bool:
    """One open callback task per client: a second missed call finds it and adds none."""
    origin = f"{CALLBACK_ORIGIN}{client_id}"
    open_already = session.scalar(
        select(tasks.c.id).where(tasks.c.origin == origin, tasks.c.status == TaskStatus.OPEN.value)
    )
    if open_already is not None or owner_id is None:
        return False
    name = session.scalar(select(clients.c.name).where(clients.c.id == client_id)) or _number(event)
    open_task(
        session,
        title=base_text(session, "task title", CALLBACK_TITLE).format(client=name),
        kind=TaskKind.CALL.value,
        due=max(event.started_at, now) + CALLBACK_WITHIN,
        assignee_id=owner_id,
        client_id=client_id,
        by_user_id=None,
        now=now,
        origin=origin,
    )
    return True


def _answered_by_us(session: Session, lead_id: int, event: CallEvent, user_id: int | None) -> None:
    """A manager's answered call to or from a request is its first response, if none was yet."""
    if event.result is not CallResult.ANSWERED or user_id is None:
        return
    session.execute(
        update(leads)
        .where(leads.c.id == lead_id, leads.c.first_response_at.is_(None))
        .values(first_response_at=event.started_at, status=LeadStatus.IN_WORK.value)
    )


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
            called = missed and _callback(session, client_id, owner, event, now)
            return "client", called, None
        lead_id = _open_request(session, e164) if e164 else None
        if lead_id is not None:
            _insert_call(session, event, client_id=None, lead_id=lead_id, user_id=user_id, now=now)
            _answered_by_us(session, lead_id, event, user_id)
            return "request", False, None
    if e164 is None:
        return "anonymous", False, None
    if event.direction is Direction.OUTBOUND:
        return "unknown outbound", False, None
    return _new_request(ws, event, user_id)


def _new_request(ws: Workspace, event: CallEvent, user_id: int | None) -> tuple[str, bool, int | None]:
    """A caller nobody knows: a request by the one intake, its touch this call."""
    with ws.read() as session:
        message = _summary(session, event)
    intake = receive(
        ws,
        Request(phone=event.other.raw, channel="call", line=event.line or "", message=message,
                received_at=event.started_at, external_id=event.identity),
    )  # fmt: skip
    if intake.lead_id is not None and event.result is CallResult.ANSWERED and user_id is not None:
        with ws.write() as session:
            _answered_by_us(session, intake.lead_id, event, user_id)
    return "new request", False, intake.lead_id


CHUNK = 500
"""Events logged in one transaction: a day's calls of a big PBX in a few commits, not thousands."""


def _clients_by_phone(session: Session, phones: list[str]) -> dict[str, tuple[int, int | None]]:
    """Each number's client (the first that holds it, as ``who_has`` finds) and its owner."""
    found: dict[str, tuple[int, int | None]] = {}
    for start in range(0, len(phones), 900):
        part = phones[start : start + 900]
        rows = session.execute(
            select(channels.c.value, channels.c.client_id, clients.c.owner_id)
            .join(clients, clients.c.id == channels.c.client_id)
            .where(channels.c.kind == ChannelKind.PHONE.value, channels.c.value.in_(part))
            .order_by(channels.c.client_id)
        )
        for value, client_id, owner_id in rows:
            found.setdefault(value, (int(client_id), owner_id))
    return found


def _log_chunk(ws: Workspace, chunk: list[CallEvent], logged: CallsLogged) -> list[CallEvent]:
    """One transaction for the chunk's calls: of clients, of open requests, and of strangers
    through the intake (its settings, sources and routing read once for the chunk: ``IntakeRun``),
    in order, so a stranger calling twice in the chunk is one request and its touch."""
    strangers: list[CallEvent] = []
    run: IntakeRun | None = None
    now = ws.now()
    with ws.write() as session:
        identities = [e.identity for e in chunk]
        known = set(
            session.scalars(
                select(interactions.c.external_id).where(interactions.c.external_id.in_(identities))
            )
        )
        managers = {
            str(ext): int(uid)
            for ext, uid in session.execute(
                select(users.c.extension, users.c.id).where(users.c.extension.is_not(None), users.c.active)
            )
        }
        phones = sorted({e.other.e164 for e in chunk if e.other.e164})
        holders = _clients_by_phone(session, phones)
        words = {r: base_text(session, "call result", m) for r, m in _RESULTS.items()}
        rows: list[dict[str, object]] = []
        for event in chunk:
            if not event.final:
                outcome = "started"
            elif event.direction is Direction.INTERNAL:
                outcome = "internal"
            elif event.identity in known:
                outcome = "again"
            elif event.other.e164 is None:
                outcome = "anonymous"
            elif event.other.e164 in holders:
                client_id, owner = holders[event.other.e164]
                user_id = managers.get(event.extension or "") or owner
                rows.append(_call_row(event, client_id, user_id, _summary(session, event, words), now))
                missed = event.direction is Direction.INBOUND and event.result is not CallResult.ANSWERED
                logged.callbacks += missed and _callback(session, client_id, owner, event, now)
                outcome = "client"
            else:
                lead_id = _open_request(session, event.other.e164)
                if lead_id is None:
                    if event.direction is Direction.OUTBOUND:
                        outcome = "unknown outbound"
                    else:
                        if run is None:
                            require(ws.viewer, Capability.ADD_LEADS)
                            run = IntakeRun(session)
                        made = _stranger(session, ws, run, event, managers, _summary(session, event, words))
                        if made is not None:
                            logged.leads.append(made)
                        outcome = "new request"
                else:
                    user_id = managers.get(event.extension or "")
                    _insert_call(
                        session, event, client_id=None, lead_id=lead_id, user_id=user_id, now=now,
                        summary=_summary(session, event, words),
                    )  # fmt: skip
                    _answered_by_us(session, lead_id, event, user_id)
                    outcome = "request"
            known.add(event.identity)
            logged.outcomes[outcome] += 1
        _insert_calls(session, rows, now)
    return strangers


def _stranger(
    session: Session, ws: Workspace, run: IntakeRun, event: CallEvent, managers: dict[str, int], summary: str
) -> int | None:
    """A caller nobody knows, in the chunk's transaction: a request by the one intake, its touch
    this call; a manager's answered call is its first answer."""
    intake = take(
        session, ws, run,
        Request(phone=event.other.raw, channel="call", line=event.line or "", message=summary,
                received_at=event.started_at, external_id=event.identity),
    )  # fmt: skip
    user_id = managers.get(event.extension or "")
    if intake.lead_id is not None and event.result is CallResult.ANSWERED and user_id is not None:
        _answered_by_us(session, intake.lead_id, event, user_id)
    return intake.lead_id


def _call_row(
    event: CallEvent, client_id: int | None, user_id: int | None, summary: str, now: datetime
) -> dict[str, object]:
    return {
        "kind": InteractionKind.CALL.value, "direction": event.direction.value, "channel": "phone",
        "occurred_at": event.started_at, "duration_s": event.talk_s, "summary": summary,
        "client_id": client_id, "lead_id": None, "user_id": user_id, "external_id": event.identity,
        "created_at": now,
    }  # fmt: skip


def _insert_calls(session: Session, rows: list[dict[str, object]], now: datetime) -> None:
    """A chunk's clients' calls in one statement, and their audit entries in another."""
    if not rows:
        return
    session.execute(insert(interactions), rows)
    ids = dict(
        session.execute(
            select(interactions.c.external_id, interactions.c.id).where(
                interactions.c.external_id.in_([r["external_id"] for r in rows])
            )
        ).all()
    )
    session.execute(
        insert(audit_entries),
        [
            {"at": now, "user_id": None, "entity": "interaction", "entity_id": ids[r["external_id"]],
             "action": "create", "changes": {"client_id": r["client_id"], "lead_id": None, "kind": "call",
                                             "external_id": r["external_id"]}}
            for r in rows
        ],
    )  # fmt: skip


def log_calls(ws: Workspace, events: Iterable[CallEvent]) -> CallsLogged:
    """Every event of a file or a webhook burst: clients' calls in chunks of ``CHUNK`` per
    transaction, a stranger's call through the intake on its own. A chunk another process wrote
    into meanwhile is logged again event by event."""
    require(ws.viewer, Capability.RECEIVE_INBOUND)
    logged = CallsLogged()
    pending = list(events)
    for start in range(0, len(pending), CHUNK):
        chunk = pending[start : start + CHUNK]
        try:
            part = CallsLogged()
            strangers = _log_chunk(ws, chunk, part)
        except Exception as exc:
            if not duplicate(exc):
                raise
            strangers = chunk
        else:
            logged.outcomes.update(part.outcomes)
            logged.callbacks += part.callbacks
            logged.leads += part.leads
        for event in strangers:
            _one(ws, event, logged)
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
