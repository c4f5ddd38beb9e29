"""A request comes in, whatever its channel: one function reads it, matches it and routes it.

Seeds 003 and 004: a request from a number or address the base knows is a *repeat request* of
that client (on its timeline, to its owner), not a new company; one from the sender of an open
request is a touch of that request; only an unknown sender makes a new lead. Spam numbers and
addresses on the exclusion list are dropped or kept as junk. Phones and e-mails are read by the
one normaliser (``values.phones``, ``values.emails``); what cannot be read is kept as typed and
the request flagged, never refused, as long as there is some way to answer it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, can, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.base_language import BASE_LANGUAGE_KEY, language_of_setting
from crm_tui.domain.clients.overlap import who_has
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.leads.hours import HOURS_KEY, RESPONSE_KEY, add_working_minutes, hours_of, minutes_of
from crm_tui.domain.leads.records import ANSWER_ORIGIN, OPEN_STATUSES, TOUCH_KIND
from crm_tui.domain.leads.routing import Routed, Router
from crm_tui.domain.leads.senders import Senders
from crm_tui.domain.leads.setup import excluded, find_source
from crm_tui.domain.leads.touches import IntakeWrites, add_touch, touch_row
from crm_tui.domain.settings import get_settings
from crm_tui.domain.tasks.create import NewTask, open_task
from crm_tui.domain.values.cells import storable_text
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.formatting import phone
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.domain.values.text import normalise_text
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_, in_language
from crm_tui.storage.models import (
    ChannelKind,
    Direction,
    LeadChannel,
    LeadStatus,
    TaskKind,
    clients,
    lead_addresses,
    lead_sources,
    leads,
)

ANSWER_TITLE = NC_("task title", "Answer the request: {who}")
MESSAGE_LENGTH = 4000


@dataclass(frozen=True)
class Request:
    """A request as it arrives: every field text, read here."""

    name: str = ""
    company: str = ""
    phone: str = ""
    email: str = ""
    messenger: str = ""
    message: str = ""
    product: str = ""
    channel: str = LeadChannel.MANUAL.value
    source: str = ""
    line: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    region: str = ""
    received_at: datetime | None = None
    external_id: str = ""
    """The request's identity at its source (a PBX's call id): kept on its touch, so that the
    same call arriving again is known."""
    by_hand: bool = False
    """Typed in by the person acting (`crm leads add`), not received from a channel: with no
    region of its own it is in theirs, and it is theirs when they may own clients (the caller
    at their desk is their client) unless the sender is already somebody's client."""


@dataclass(frozen=True)
class Intake:
    """What became of a request: ``outcome`` is ``new``, ``repeat``, ``touch`` (of an open
    request), ``junk`` (excluded) or ``dropped`` (excluded, nothing kept)."""

    outcome: str
    lead_id: int | None
    client_id: int | None = None
    owner_id: int | None = None
    task_id: int | None = None
    answer_due_at: datetime | None = None
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Address:
    kind: str
    value: str
    raw: str
    valid: bool


def _text(value: str, length: int, *, multiline: bool = False) -> str | None:
    clean = normalise_text(storable_text(value).value, multiline=multiline).value
    return clean[:length] if clean else None


def read_addresses(request: Request) -> tuple[list[_Address], list[str]]:
    """The request's phones, e-mails and messenger handle, and its flags: a part that cannot be
    read is kept as typed (``valid`` false) and flagged."""
    found: list[_Address] = []
    flags: list[str] = []
    if request.phone.strip():
        phones = normalise_phones(storable_text(request.phone).value)
        found += [_Address(ChannelKind.PHONE.value, p.e164, p.raw[:500], True) for p in phones.value]
        if not phones.ok:
            flags.append("phone_unreadable")
            raw = " ".join(request.phone.split())[:320]
            found.append(_Address(ChannelKind.PHONE.value, raw, raw, False))
    if request.email.strip():
        emails = normalise_emails(storable_text(request.email).value)
        found += [_Address(ChannelKind.EMAIL.value, e.value, e.raw[:500], True) for e in emails.value]
        if not emails.ok:
            flags.append("email_unreadable")
            raw = " ".join(request.email.split())[:320]
            found.append(_Address(ChannelKind.EMAIL.value, raw, raw, False))
    handle = _text(request.messenger, 320)
    if handle:
        found.append(_Address(ChannelKind.MESSENGER.value, handle, handle, True))
    return found, flags


def _channel(text: str) -> str:
    value = text.strip().lower() or LeadChannel.MANUAL.value
    if value not in {c.value for c in LeadChannel}:
        raise InvalidInput(
            "lead.channel",
            N_("channel: one of {choices}, not {text!r}"),
            choices=", ".join(c.value for c in LeadChannel),
            text=text,
            field="channel",
        )
    return value


def _source(session: Session, request: Request) -> tuple[int | None, int | None]:
    """The source's id and response minutes: named by hand (must be on the list), or found by
    the line or ``utm_source`` (an unknown one is kept on the request as it came)."""
    if request.source.strip():
        source_id = find_source(session, name=request.source)
        if source_id is None:
            raise InvalidInput(
                "lead.source_unknown",
                N_("source: no source {name!r} (crm leads sources list)"),
                name=request.source,
                field="source",
            )
    else:
        source_id = find_source(session, line=request.line, utm_source=request.utm_source)
    if source_id is None:
        return None, None
    return source_id, session.scalar(
        select(lead_sources.c.response_minutes).where(lead_sources.c.id == source_id)
    )


def _open_lead(session: Session, phones: list[str], emails: list[str]) -> tuple[int, int | None] | None:
    """The oldest open request from one of these numbers or addresses: its id and client."""
    a, ld = lead_addresses.c, leads.c
    conditions = []
    if phones:
        conditions.append((a.kind == ChannelKind.PHONE.value) & a.value.in_(phones))
    if emails:
        conditions.append((a.kind == ChannelKind.EMAIL.value) & a.value.in_(emails))
    if not conditions:
        return None
    row = session.execute(
        select(ld.id, ld.client_id)
        .select_from(lead_addresses.join(leads, ld.id == a.lead_id))
        .where(or_(*conditions), a.valid.is_(True), ld.status.in_(OPEN_STATUSES))
        .order_by(ld.id)
        .limit(1)
    ).first()
    return (int(row.id), row.client_id) if row else None


class IntakeRun:
    """What the intake reads once for the requests of one transaction: the team's hours, the
    lead sources and their answer times, the routing rules and pools (``routing.Router``), the
    answer task's title in the base's language. One request makes one; a file of calls makes
    one per chunk, so a stranger's call costs its own rows, not the settings' reads."""

    def __init__(self, session: Session) -> None:
        self.session = session
        stored = get_settings(session, [HOURS_KEY, RESPONSE_KEY, BASE_LANGUAGE_KEY])  # one read, not three
        self.hours = hours_of(stored.get(HOURS_KEY))
        self.router = Router(session, self.hours)
        self._sources: dict[tuple[str, str, str], tuple[int | None, int | None]] = {}
        self._team_minutes = minutes_of(stored.get(RESPONSE_KEY))
        self._title = in_language(
            language_of_setting(stored.get(BASE_LANGUAGE_KEY)), ANSWER_TITLE, context="task title"
        )
        self.senders: Senders | None = None
        self.writes: IntakeWrites | None = None

    def expect(self, phones: Collection[str]) -> None:
        """The numbers this transaction's requests will come from: their exclusions, open
        requests and clients looked up at once (``senders.Senders``), not per request."""
        self.senders = Senders(self.session, phones)

    def defer(self) -> IntakeWrites:
        """Keep the requests' touches, audit entries and answer tasks for the transaction's
        end (``touches.IntakeWrites``), which the caller writes; ``Intake.task_id`` is then None."""
        self.writes = IntakeWrites()
        return self.writes

    def touch(self, session: Session, **fields: Any) -> None:
        """``add_touch``, or kept for the end."""
        if self.writes is None:
            add_touch(session, **fields)
        else:
            self.writes.touches.append(touch_row(**fields))

    def source(self, request: Request) -> tuple[int | None, int | None]:
        key = (request.source.strip(), request.line, request.utm_source)
        if key not in self._sources:
            self._sources[key] = _source(self.session, request)
        return self._sources[key]

    def minutes(self, per_source: int | None) -> int:
        """The source's own answer time, else the team's (``hours.response_minutes``)."""
        return per_source if per_source is not None and per_source > 0 else self._team_minutes

    def title(self) -> str:
        return self._title


@dataclass(frozen=True)
class _Read:
    channel: str
    addresses: list[_Address]
    flags: list[str]
    phones: list[str]
    emails: list[str]
    message: str


def _read(request: Request) -> _Read:
    """The request read before any transaction: a request with no way to answer it is refused
    in one line."""
    channel = _channel(request.channel)
    addresses, flags = read_addresses(request)
    if not addresses:
        raise InvalidInput(
            "lead.unreachable",
            N_("a request needs a phone, an e-mail or a messenger handle to answer it"),
            field="phone",
        )
    phones = [a.value for a in addresses if a.valid and a.kind == ChannelKind.PHONE.value]
    emails = [a.value for a in addresses if a.valid and a.kind == ChannelKind.EMAIL.value]
    message = _text(request.message, MESSAGE_LENGTH, multiline=True) or ""
    return _Read(channel, addresses, flags, phones, emails, message)


def receive(ws: Workspace, request: Request) -> Intake:
    """Read, match, route and store a request, with its touch and its answer task, in one
    transaction; a request with no way to answer it is refused in one line."""
    require(ws.viewer, Capability.ADD_LEADS)
    read = _read(request)
    with ws.write() as session:
        return take(session, ws, IntakeRun(session), request, read)


def take(
    session: Session, ws: Workspace, run: IntakeRun, request: Request, read: _Read | None = None
) -> Intake:
    """``receive`` inside a transaction the caller holds (a chunk of calls: ``run`` made once for
    it). The caller has checked ``ADD_LEADS``. A request read earlier in the same transaction
    is seen: the same stranger twice in a chunk is one request and its touch."""
    read = read or _read(request)
    channel, addresses, flags = read.channel, read.addresses, list(read.flags)
    phones, emails, message = read.phones, read.emails, read.message
    now = ws.now()
    received = request.received_at or now
    source_id, minutes = run.source(request)
    senders = run.senders
    known = senders if senders is not None and senders.covers(phones, emails) else None
    exclusion = known.excluded(phones) if known else excluded(session, phones, emails)
    if exclusion == "drop":
        return Intake("dropped", None)
    status = LeadStatus.NEW.value
    repeat = False
    client_id: int | None = None
    region = _text(request.region, 100)
    if request.by_hand:
        region = region or ws.viewer.region
    hours = run.hours
    routed = Routed(None, None, "")
    if exclusion == "junk":
        status = LeadStatus.JUNK.value
        flags.append("excluded")
    else:
        # An open request from the same sender (a repeat request of a client too) takes the
        # message as a touch: a client calling twice in an hour is one request, not two.
        existing = known.open_lead(phones) if known else _open_lead(session, phones, emails)
        if existing is not None:
            lead_id, lead_client = existing
            run.touch(
                session, lead_id=lead_id, client_id=lead_client, kind=TOUCH_KIND[channel].value,
                direction=Direction.INBOUND, summary=message, channel=channel, user_id=None,
                at=received, now=now, external_id=request.external_id or None,
            )  # fmt: skip
            return Intake("touch", lead_id, lead_client, flags=flags)
        if known:
            holder = known.client(phones)
        else:
            holders = who_has(session, ws.viewer, phones=phones, emails=emails)
            holder = holders[0].client_id if holders else None
        if holder is not None:
            client = session.execute(
                select(clients.c.id, clients.c.owner_id, clients.c.region).where(clients.c.id == holder)
            ).one()
            client_id, repeat = int(client.id), True
            region = client.region or region
            if client.owner_id is not None:
                routed = Routed(client.owner_id, client.owner_id, "client")
        if routed.how == "" and request.by_hand and can(ws.viewer, Capability.OWN_CLIENTS):
            routed = Routed(ws.viewer.user_id, ws.viewer.user_id, "hand")
        if routed.how == "":
            routed = run.router.route(
                channel=channel, source_id=source_id, line=request.line.strip() or None, region=region,
                now=received,
            )  # fmt: skip
    if region is None and routed.owner_id is not None:
        region = run.router.region_of(routed.owner_id)
    due = None
    if status != LeadStatus.JUNK.value:
        due = add_working_minutes(hours.of(routed.answerer), received, run.minutes(minutes))
    values = {
        "status": status,
        "repeat": repeat,
        "channel": channel,
        "source_id": source_id,
        "line": _text(request.line, 100),
        "utm_source": _text(request.utm_source, 200),
        "utm_medium": _text(request.utm_medium, 200),
        "utm_campaign": _text(request.utm_campaign, 200),
        "person_name": _text(request.name, 200),
        "company_name": _text(request.company, 300),
        "message": message,
        "product": _text(request.product, 300),
        "region": region,
        "owner_id": routed.owner_id,
        "assigned_at": received if routed.owner_id is not None else None,
        "routed_by": routed.how or None,
        "junk_reason": "spam" if status == LeadStatus.JUNK.value else None,
        "flags": flags,
        "received_at": received,
        "answer_due_at": due,
        "client_id": client_id,
        "closed_at": now if status == LeadStatus.JUNK.value else None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    lead_id = int(session.execute(insert(leads).returning(leads.c.id), values).scalar_one())
    run.router.assigned(routed.owner_id, received)
    if senders is not None and status != LeadStatus.JUNK.value:
        senders.opened(lead_id, client_id, phones)
    session.execute(
        insert(lead_addresses),
        [
            {"lead_id": lead_id, "kind": a.kind, "value": a.value, "raw": a.raw, "valid": a.valid}
            for a in addresses
        ],
    )
    run.touch(
        session, lead_id=lead_id, client_id=client_id, kind=TOUCH_KIND[channel].value,
        direction=Direction.INBOUND, summary=message, channel=channel, user_id=None, at=received, now=now,
        external_id=request.external_id or None,
    )  # fmt: skip
    made: dict[str, Any] = {
        "at": now, "user_id": ws.viewer.user_id, "entity": "lead", "entity_id": lead_id, "action": "create",
        "changes": {"status": status, "repeat": repeat, "channel": channel, "owner_id": routed.owner_id,
                    "client_id": client_id, "routed_by": routed.how or None, "flags": flags},
    }  # fmt: skip
    if run.writes is None:
        audit.record(session, **made)
    else:
        run.writes.audits.append(made)
    task_id = None
    if due is not None:
        shown = [phone(p) for p in phones] + emails + [addresses[0].raw]
        who = values["company_name"] or values["person_name"] or shown[0]
        task = NewTask(
            title=run.title().format(who=who),
            kind=(TaskKind.EMAIL if channel == LeadChannel.EMAIL.value else TaskKind.CALL).value,
            due=due,
            assignee_id=routed.answerer,
            client_id=client_id,
            origin=f"{ANSWER_ORIGIN}{lead_id}",
        )
        if run.writes is None:
            task_id = open_task(
                session, title=task.title, kind=task.kind, due=task.due, assignee_id=task.assignee_id,
                client_id=task.client_id, by_user_id=None, now=now, origin=task.origin,
            )  # fmt: skip
        else:
            run.writes.tasks.append(task)
    outcome = "junk" if status == LeadStatus.JUNK.value else "repeat" if repeat else "new"
    return Intake(outcome, lead_id, client_id, routed.owner_id, task_id, due, flags)
