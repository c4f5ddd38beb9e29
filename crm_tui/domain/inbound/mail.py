"""A mail read from a mailbox, on the timelines: once, by its Message-ID, whatever folder or run.

From a known address: a touch of that client (or of the open request it came from). Sent from
our mailbox: an outbound touch of the recipient's client. From an address nobody knows: a
request through the intake. A robot's mail (an auto-reply, a bounce, a mailing) is not a
request and is not logged. A logged incoming mail is then offered to ``INCOMING_MAIL`` (the
campaigns stop a recipient's steps on a reply there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.clients.overlap import who_has
from crm_tui.domain.inbound.mailboxes import Mailbox
from crm_tui.domain.inbound.touches import SUMMARY_CAP, client_touch, known, open_lead_of
from crm_tui.domain.interactions.mail_events import InboundMail
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.leads.touches import add_touch
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import ChannelKind, Direction, InteractionKind, LeadChannel


@dataclass(frozen=True, slots=True)
class LoggedMail:
    """An incoming mail as logged, for whoever else wants to know of it."""

    mail: InboundMail
    mailbox: str
    outcome: str
    client_id: int | None
    lead_id: int | None


IncomingMailHook = Callable[[Workspace, LoggedMail], None]
INCOMING_MAIL: list[IncomingMailHook] = []
"""Called with every incoming mail logged from a person (not an auto-reply, not our own)."""


def identity(mail: InboundMail) -> str:
    return f"mail:{mail.message_id}"[:200]


def summary(mail: InboundMail) -> str:
    """The subject, the text and the attachments' names and sizes, within a touch's length."""
    files = "\n".join(f"📎 {a.name} ({_size(a.size)})" for a in mail.attachments)
    head = mail.subject or "—"
    room = SUMMARY_CAP - len(head) - len(files) - 4
    text = mail.text if len(mail.text) <= room else mail.text[: max(0, room - 1)] + "…"
    return "\n".join(p for p in (head, text, files) if p)[:SUMMARY_CAP]


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} KB"


def _client(session: Session, ws: Workspace, address: str) -> int | None:
    holders = who_has(session, ws.viewer, emails=[address])
    return holders[0].client_id if holders else None


def log_mail(ws: Workspace, mailbox: Mailbox, mail: InboundMail, *, sent: bool) -> str:
    """``client``, ``request`` (a touch of an open one), ``sent`` (outbound, on a client or a
    request), the intake's outcome for a stranger, ``robot``, ``unknown`` (sent to nobody we
    know, no sender), or ``again``."""
    require(ws.viewer, Capability.RECEIVE_INBOUND)
    key = identity(mail)
    at = mail.sent_at or ws.now()
    now = ws.now()
    own = mailbox.address.lower()
    outgoing = sent or (mail.sender is not None and mail.sender == own)
    with ws.write() as session:
        if known(session, key):
            return "again"
        if outgoing:
            return _sent(session, ws, mailbox, mail, key)
        if mail.robot is not None:
            return "robot"
        if mail.sender is None:
            return "unknown"
        lead = open_lead_of(session, ChannelKind.EMAIL, mail.sender)
        if lead is not None:
            add_touch(
                session, lead_id=lead[0], client_id=lead[1], kind=InteractionKind.EMAIL.value,
                direction=Direction.INBOUND, summary=summary(mail), channel=LeadChannel.EMAIL.value,
                user_id=None, at=at, now=now, external_id=key,
            )  # fmt: skip
            logged = LoggedMail(mail, mailbox.name, "request", lead[1], lead[0])
        else:
            client_id = _client(session, ws, mail.sender)
            if client_id is not None:
                client_touch(
                    session, client_id=client_id, kind=InteractionKind.EMAIL.value,
                    direction=Direction.INBOUND, channel=LeadChannel.EMAIL.value, summary=summary(mail),
                    at=at, now=now, external_id=key,
                )  # fmt: skip
                logged = LoggedMail(mail, mailbox.name, "client", client_id, None)
            else:
                logged = None
    if logged is None:
        intake = receive(
            ws,
            Request(
                name=mail.sender_name, email=mail.sender, message=summary(mail),
                channel=LeadChannel.EMAIL.value, line=mailbox.name, received_at=at, external_id=key,
            ),
        )  # fmt: skip
        logged = LoggedMail(mail, mailbox.name, intake.outcome, intake.client_id, intake.lead_id)
    for hook in INCOMING_MAIL:
        hook(ws, logged)
    return logged.outcome


def _sent(session: Session, ws: Workspace, mailbox: Mailbox, mail: InboundMail, key: str) -> str:
    """Our mail to a client (the first recipient the base knows) or to a request's sender."""
    at = mail.sent_at or ws.now()
    for address in mail.recipients:
        client_id = _client(session, ws, address)
        if client_id is not None:
            client_touch(
                session, client_id=client_id, kind=InteractionKind.EMAIL.value, direction=Direction.OUTBOUND,
                channel=LeadChannel.EMAIL.value, summary=summary(mail), at=at, now=ws.now(), external_id=key,
                user_id=mailbox.owner_id,
            )  # fmt: skip
            return "sent"
        lead = open_lead_of(session, ChannelKind.EMAIL, address)
        if lead is not None:
            add_touch(
                session, lead_id=lead[0], client_id=lead[1], kind=InteractionKind.EMAIL.value,
                direction=Direction.OUTBOUND, summary=summary(mail), channel=LeadChannel.EMAIL.value,
                user_id=mailbox.owner_id, at=at, now=ws.now(), external_id=key,
            )  # fmt: skip
            return "sent"
    return "unknown"
