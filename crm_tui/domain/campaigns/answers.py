"""What comes back: a reply, a bounce, a complaint, an unsubscribe. Each ends the recipient's remaining steps.

The mail channel (``crm_tui.importers.channels.mail``) reads a mail and logs it on the timeline;
it hands each mail to ``note_reply`` (a person answered: matched by In-Reply-To / References to
one of our Message-IDs, else by the sender's address among active recipients) or, for a delivery
report, to ``note_bounce``. The unsubscribe link of every letter leads to ``unsubscribe`` through
the inbound receiver (``crm_tui.web.unsubscribe``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.domain.base_language import base_text
from crm_tui.domain.campaigns.complaints import Complained, is_feedback_report, note_complaint
from crm_tui.domain.campaigns.stops import stop_address, stop_recipients, suppress
from crm_tui.domain.tasks.create import open_task
from crm_tui.i18n import NC_
from crm_tui.storage.models import (
    RecipientState,
    TaskKind,
    campaign_recipients,
    campaigns,
    clients,
    outbox,
)

REPLY_TASK_WITHIN = timedelta(hours=4)


class IncomingMail(Protocol):
    """What of a mail a reply is matched by (``importers.channels.mail.message.InboundMail``)."""

    @property
    def sender(self) -> str | None: ...

    @property
    def in_reply_to(self) -> str | None: ...


@dataclass
class Answered:
    recipients: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"recipients": self.recipients, "tasks": self.tasks}


def _ids(text: str | None) -> list[str]:
    return [part.strip().strip("<>") for part in (text or "").split() if part.strip().strip("<>")]


def note_reply(session: Session, mail: IncomingMail, now: datetime) -> Answered:
    """A person answered one of our letters: their remaining steps stop, and the client's owner
    gets a task to answer (on the desk). A mail that answers nothing of ours changes nothing."""
    refs = _ids(mail.in_reply_to) + [
        r for ref in getattr(mail, "references", ()) or () for r in _ids(str(ref))
    ]
    found: set[int] = set()
    if refs:
        found |= {
            int(r)
            for r in session.scalars(
                select(outbox.c.recipient_id).where(
                    outbox.c.message_id.in_(refs), outbox.c.recipient_id.is_not(None)
                )
            )
        }
    if not found and mail.sender:
        found |= {
            int(r)
            for r in session.scalars(
                select(campaign_recipients.c.id).where(
                    campaign_recipients.c.address == mail.sender.lower(),
                    campaign_recipients.c.state == RecipientState.ACTIVE.value,
                )
            )
        }
    result = Answered()
    if not found:
        return result
    rows = session.execute(
        select(
            campaign_recipients.c.id,
            campaign_recipients.c.client_id,
            campaign_recipients.c.replied_at,
            campaigns.c.name,
            clients.c.owner_id,
            clients.c.name.label("client"),
        )
        .join(campaigns, campaigns.c.id == campaign_recipients.c.campaign_id)
        .join(clients, clients.c.id == campaign_recipients.c.client_id)
        .where(campaign_recipients.c.id.in_(sorted(found)))
    ).all()
    stop_recipients(session, found, "replied", now)
    title = base_text(session, "task", NC_("task", "Answer the reply to the mailing «{campaign}»: {client}"))
    for row in rows:
        if row.replied_at is not None:
            continue  # a second reply of the same person: one task is enough
        session.execute(
            update(campaign_recipients).where(campaign_recipients.c.id == row.id).values(replied_at=now)
        )
        result.recipients.append(int(row.id))
        result.tasks.append(
            open_task(
                session,
                title=title.format(campaign=row.name, client=row.client),
                kind=TaskKind.EMAIL.value,
                due=now + REPLY_TASK_WITHIN,
                assignee_id=row.owner_id,
                client_id=row.client_id,
                by_user_id=None,
                now=now,
                origin="campaign_reply",
            )
        )
    return result


@dataclass
class Bounced:
    permanent: list[str] = field(default_factory=list)
    temporary: list[str] = field(default_factory=list)
    stopped: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"permanent": self.permanent, "temporary": self.temporary, "stopped": self.stopped}


def _original_ids(message: EmailMessage) -> list[str]:
    """The Message-IDs of the letter a delivery report returns (its attached copy or headers)."""
    found: list[str] = []
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, EmailMessage) and inner.get("Message-ID"):
                found += _ids(str(inner["Message-ID"]))
            elif isinstance(payload, str):
                headers = BytesParser(policy=policy.default).parsebytes(
                    payload.encode("utf-8", "replace"), headersonly=True
                )
                found += _ids(str(headers.get("Message-ID", "")))
    return found


def read_bounce(raw: bytes) -> tuple[set[str], set[str], list[str]]:
    """(permanent, temporary) failed addresses of a delivery report, and the returned letter's
    Message-IDs. flufl.bounce reads the standard report (RFC 3464) and the dozens of formats
    mail servers used before it."""
    from flufl.bounce import all_failures

    message = BytesParser(policy=policy.compat32).parsebytes(raw)
    temporary, permanent = all_failures(message)
    text = {
        a.decode("utf-8", "replace").lower() if isinstance(a, bytes) else str(a).lower() for a in permanent
    }
    soft = {
        a.decode("utf-8", "replace").lower() if isinstance(a, bytes) else str(a).lower() for a in temporary
    }
    modern = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(modern, EmailMessage)
    return text, soft - text, _original_ids(modern)


def note_bounce(session: Session, raw: bytes, now: datetime) -> Bounced:
    """A delivery report: a hard failure puts the address on the suppression list, stops its
    recipients and marks the letters it returned as bounced; a soft one is only reported."""
    permanent, temporary, originals = read_bounce(raw)
    result = Bounced(sorted(permanent), sorted(temporary))
    for address in sorted(permanent):
        suppress(session, address, "bounced", now)
        result.stopped += stop_address(session, address, "bounced", now)
        session.execute(
            update(outbox)
            .where(
                outbox.c.address == address,
                outbox.c.state == "sent",
                outbox.c.message_id.in_(originals or [""]),
            )
            .values(bounced=True)
        )
        if not originals:
            session.execute(
                update(outbox)
                .where(outbox.c.address == address, outbox.c.state == "sent")
                .values(bounced=True)
            )
    return result


@dataclass(frozen=True)
class Unsubscribed:
    address: str
    first_time: bool
    """False when the address was unsubscribed already (a second click, a mail client's POST)."""


def unsubscribe(session: Session, token: str, now: datetime) -> Unsubscribed | None:
    """The unsubscribe link of a letter was followed (RFC 8058 one-click POST, or the page's
    button): the address goes on the suppression list and every campaign stops writing to it.
    Idempotent; ``None`` for a token of no letter of ours."""
    if not token or len(token) > 64:
        return None
    address = session.scalar(
        select(campaign_recipients.c.address).where(campaign_recipients.c.token == token)
    )
    if address is None:
        return None
    first = suppress(session, str(address), "unsubscribed", now)
    stop_address(session, str(address), "unsubscribed", now)
    return Unsubscribed(str(address), first)


def is_delivery_report(raw: bytes) -> bool:
    head = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    return head.get_content_type() == "multipart/report" or str(head.get("From", "")).lower().startswith(
        ("mailer-daemon@", "postmaster@")
    )


def note_mail(
    session: Session, mail: IncomingMail, raw: bytes, now: datetime
) -> Answered | Bounced | Complained | None:
    """The mail channel's one call for each mail it logs: a feedback report is a complaint
    (``complaints``); another delivery report is a bounce; a mail a robot sent otherwise (an
    out-of-office, a list) is nothing; a person's mail may be a reply."""
    if is_feedback_report(raw):
        return note_complaint(session, raw, now)
    if is_delivery_report(raw):
        return note_bounce(session, raw, now)
    if getattr(mail, "robot", None) is not None:
        return None
    return note_reply(session, mail, now)
