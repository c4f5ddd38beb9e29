"""A file's calls a chunk per transaction, in bulk, with the outcome of logging them one by one.

A PBX's day is mostly calls from numbers the base knows: its clients', and those of open
requests (a stranger's first call made the request; every later call from the number is a touch
of it). One by one, each such call cost an open-request lookup, an insert and its audit entry,
and an update of the request's first answer: four statements, ~0.7 ms of CPU, 52 s for the
bench's 100,000 calls. Here a chunk's numbers are matched at once (clients, then open requests),
its calls and their audit entries are inserted a statement each at its end, and its requests'
first answers set in one statement; only a stranger's first call goes through the intake
(``leads.intake.take``) in place, in time order, and the numbers of the request it makes are
matched from then on, as the one-by-one path would find it. ``tests/unit/test_call_chunks.py``
holds the two paths to the same rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.interactions.call_events import CallEvent, CallResult
from crm_tui.domain.interactions.call_rows import (
    CallsLogged,
    answered_by_us,
    answers,
    call_changes,
    call_row,
    open_callbacks,
    result_words,
    set_callback,
    summary,
    touches_request,
)
from crm_tui.domain.leads.intake import IntakeRun, Request, read_addresses, take
from crm_tui.domain.leads.records import OPEN_STATUSES
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.bulk import among, insert_rows, next_ids
from crm_tui.storage.models import (
    ChannelKind,
    Direction,
    LeadStatus,
    audit_entries,
    channels,
    clients,
    interactions,
    lead_addresses,
    leads,
    users,
)

CHUNK = 500
"""Events logged in one transaction: a day's calls of a big PBX in a few commits, not thousands."""
IN_LIST = 900
"""Numbers per ``IN (...)``: under SQLite's oldest limit of bound parameters."""


def clients_by_phone(session: Session, phones: list[str]) -> dict[str, tuple[int, int | None, str]]:
    """Each number's client (the first that holds it, as ``who_has`` finds), its owner and name."""
    found: dict[str, tuple[int, int | None, str]] = {}
    for start in range(0, len(phones), IN_LIST):
        part = phones[start : start + IN_LIST]
        rows = session.execute(
            select(channels.c.value, channels.c.client_id, clients.c.owner_id, clients.c.name)
            .join(clients, clients.c.id == channels.c.client_id)
            .where(channels.c.kind == ChannelKind.PHONE.value, channels.c.value.in_(part))
            .order_by(channels.c.client_id)
        )
        for value, client_id, owner_id, name in rows:
            found.setdefault(value, (int(client_id), owner_id, name))
    return found


def open_requests(session: Session, phones: list[str]) -> dict[str, tuple[int, datetime]]:
    """Each number's newest open request and when it came, as ``calls._open_request`` finds one
    number's."""
    a = lead_addresses.c
    newest: dict[str, int] = {}
    for start in range(0, len(phones), IN_LIST):
        part = phones[start : start + IN_LIST]
        rows = session.execute(
            select(a.value, func.max(leads.c.id))
            .select_from(lead_addresses.join(leads, leads.c.id == a.lead_id))
            .where(a.kind == ChannelKind.PHONE.value, a.value.in_(part), leads.c.status.in_(OPEN_STATUSES))
            .group_by(a.value)
        )
        newest.update((str(value), int(lead_id)) for value, lead_id in rows)
    received: dict[int, datetime] = {}
    ids = sorted(set(newest.values()))
    for start in range(0, len(ids), IN_LIST):
        part_ids = ids[start : start + IN_LIST]
        rows = session.execute(select(leads.c.id, leads.c.received_at).where(leads.c.id.in_(part_ids)))
        received.update((int(i), at) for i, at in rows)
    return {value: (lead_id, received[lead_id]) for value, lead_id in newest.items()}


class _Chunk:
    """One chunk's transaction: what it matched, and the rows it writes at its end."""

    def __init__(self, session: Session, ws: Workspace, events: list[CallEvent], logged: CallsLogged) -> None:
        self.session, self.ws, self.logged = session, ws, logged
        self.now = ws.now()
        self.known = set(
            session.scalars(
                select(interactions.c.external_id).where(
                    among(session, interactions.c.external_id, [e.identity for e in events])
                )
            )
        )
        self.managers = {
            str(ext): int(uid)
            for ext, uid in session.execute(
                select(users.c.extension, users.c.id).where(users.c.extension.is_not(None), users.c.active)
            )
        }
        new = [e for e in events if e.identity not in self.known]  # the rest are "again": no lookups
        phones = sorted({e.other.e164 for e in new if e.other.e164})
        self.holders = clients_by_phone(session, phones)
        unknown = [p for p in phones if p not in self.holders]
        self.requests = open_requests(session, unknown)
        self.strangers = [p for p in unknown if p not in self.requests]
        self.words = result_words(session)
        missed = {
            self.holders[e.other.e164][0]
            for e in new
            if e.other.e164 in self.holders
            and e.direction is Direction.INBOUND
            and e.result is not CallResult.ANSWERED
        }
        self.callbacks = open_callbacks(session, sorted(missed)) if missed else set()
        self.rows: list[dict[str, object]] = []
        self.first_answers: dict[int, datetime] = {}
        self.run: IntakeRun | None = None

    def log(self, event: CallEvent) -> str:
        e164 = event.other.e164
        if not event.final:
            return "started"
        if event.direction is Direction.INTERNAL:
            return "internal"
        if event.identity in self.known:
            return "again"
        if e164 is None:
            return "anonymous"
        user_id = self.managers.get(event.extension or "")
        text = summary(self.session, event, self.words)
        if e164 in self.holders:
            client_id, owner, name = self.holders[e164]
            self.rows.append(call_row(event, client_id, None, user_id or owner, text, self.now))
            self.known.add(event.identity)
            missed = event.direction is Direction.INBOUND and event.result is not CallResult.ANSWERED
            if missed and owner is not None and client_id not in self.callbacks:
                set_callback(self.session, client_id, owner, name, event, self.now)
                self.callbacks.add(client_id)
                self.logged.callbacks += 1
            return "client"
        request = self.requests.get(e164)
        if request is not None and touches_request(event, request[1]):
            lead_id = request[0]
            self.rows.append(call_row(event, None, lead_id, user_id, text, self.now))
            self.known.add(event.identity)
            self._answered(lead_id, event, user_id)
            return "request"
        if event.direction is Direction.OUTBOUND:
            return "unknown outbound"
        made = self._stranger(event, user_id, text)
        if made is None:
            return "dropped"
        self.logged.leads.append(made)
        return "new request"

    def _answered(self, lead_id: int, event: CallEvent, user_id: int | None) -> None:
        """The request's first answer, set at the end: the first of the chunk's answers counts,
        as the one-by-one update sets it only while it is empty."""
        if answers(event, user_id):
            self.first_answers.setdefault(lead_id, event.started_at)

    def _stranger(self, event: CallEvent, user_id: int | None, text: str) -> int | None:
        """A caller nobody knows: a request by the one intake, in place (its routing counts the
        requests before it), its touch this call. From here the request's numbers are matched
        to it, as ``calls._open_request`` would find it: while it is open, which a junk request
        is once a manager answered its call (the one-by-one path sets it in work)."""
        if self.run is None:
            require(self.ws.viewer, Capability.ADD_LEADS)
            self.run = IntakeRun(self.session)
            self.run.expect(self.strangers)
            self.run.defer()
        request = Request(
            phone=event.other.raw, channel="call", line=event.line or "", message=text,
            received_at=event.started_at, external_id=event.identity,
        )  # fmt: skip
        intake = take(self.session, self.ws, self.run, request)
        if intake.lead_id is None:  # dropped: nothing kept, so the same call again is taken again
            return None
        self.known.add(event.identity)
        phones = [a for a in read_addresses(request)[0] if a.kind == ChannelKind.PHONE.value]
        if intake.outcome != "junk":
            self._answered(intake.lead_id, event, user_id)
        elif answers(event, user_id):
            # A junk request a manager answered is in work, so open: set at once, as the
            # intake's next request from its number would find it (``Senders`` told too).
            answered_by_us(self.session, intake.lead_id, event, user_id)
            if self.run.senders is not None:
                self.run.senders.opened(intake.lead_id, None, [a.value for a in phones if a.valid])
        else:
            return intake.lead_id
        for address in phones:
            self.requests[address.value] = (intake.lead_id, event.started_at)
        return intake.lead_id

    def write(self) -> None:
        """The chunk's calls and their audit entries, a driver ``executemany`` (``COPY``) each
        (``storage.bulk``), and what its new requests kept for the end (``leads.touches``); the
        requests' first answers in one statement."""
        if self.run is not None and self.run.writes is not None:
            self.run.writes.write(self.session, self.now)
        if self.rows:
            ids = next_ids(self.session, interactions, len(self.rows))
            for touch, row in zip(ids, self.rows, strict=True):
                row["id"] = touch
            insert_rows(self.session, interactions, self.rows)
            insert_rows(
                self.session,
                audit_entries,
                [
                    {"at": self.now, "user_id": None, "entity": "interaction", "entity_id": row["id"],
                     "action": "create", "changes": call_changes(row)}
                    for row in self.rows
                ],
            )  # fmt: skip
        if self.first_answers:
            self.session.connection().execute(
                update(leads)
                .where(leads.c.id == bindparam("lead"), leads.c.first_response_at.is_(None))
                .values(first_response_at=bindparam("answered"), status=LeadStatus.IN_WORK.value),
                [{"lead": lead, "answered": at} for lead, at in self.first_answers.items()],
            )


def log_chunk(ws: Workspace, events: list[CallEvent], logged: CallsLogged) -> None:
    """The chunk's events in one transaction, in order; ``logged`` counts their outcomes."""
    with ws.write() as session:
        chunk = _Chunk(session, ws, events, logged)
        for event in events:
            logged.outcomes[chunk.log(event)] += 1
        chunk.write()
