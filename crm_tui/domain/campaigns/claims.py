"""The outbox's rows claimed, one at a time, and settled after SMTP answered.

A worker claims a row in a write transaction (``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL): the row becomes "sending" with the worker's name and the attempt is
counted before the letter is handed to SMTP. What SMTP answers settles it: sent; a temporary
refusal (4xx) back to pending with a backoff; a permanent one (5xx) failed, the address
suppressed and the recipient stopped; a spam rejection (554) back to pending and the campaign
paused; a connection lost while the letter was on the wire "uncertain", for a person to resend
or drop. A row left "sending" by a worker that died becomes "uncertain" too (``recover``).
At claim time the suppression list, the recipient's stop and the sender's limits are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.base_language import base_text
from crm_tui.domain.campaigns.letters import (
    DEFAULT_PUBLIC_URL,
    PUBLIC_URL_KEY,
    build_letter,
    name_patronymic,
    to_message,
    unsubscribe_url,
)
from crm_tui.domain.campaigns.setup import pause_campaign
from crm_tui.domain.campaigns.stops import stop_recipients, suppress, suppressed_addresses
from crm_tui.domain.settings import get_setting
from crm_tui.i18n import NC_
from crm_tui.storage.models import (
    CampaignStatus,
    OutboxState,
    campaign_recipients,
    campaign_steps,
    campaigns,
    clients,
    contacts,
    mail_senders,
    outbox,
    sender_counts,
    users,
)

MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(minutes=5)
LONGEST_BACKOFF = timedelta(hours=6)
LEASE = timedelta(minutes=30)
"""A row "sending" this long belongs to a worker that is gone, wherever it ran."""
CANDIDATES = 10


@dataclass(frozen=True)
class Claimed:
    outbox_id: int
    sender_id: int
    mail_from: str
    to: str
    data: bytes
    campaign_id: int | None
    sender: dict[str, Any]
    """The sender's row: its SMTP server and login."""


class Result:
    SENT = "sent"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    SPAM = "spam"
    UNCERTAIN = "uncertain"
    NOT_TRIED = "not_tried"
    """The server could not be reached or refused the login: nothing of the letter left."""


@dataclass(frozen=True)
class Outcome:
    outbox_id: int
    result: str
    error: str | None = None


def backoff(attempts: int) -> timedelta:
    factor: int = 2 ** max(attempts - 1, 0)
    return min(FIRST_BACKOFF * factor, LONGEST_BACKOFF)


def _windows(now: datetime) -> dict[str, datetime]:
    minute = now.replace(second=0, microsecond=0)
    return {"minute": minute, "day": minute.replace(hour=0, minute=0)}


def _used(session: Session, sender_id: int, now: datetime) -> dict[str, int]:
    windows = _windows(now)
    rows = session.execute(
        select(sender_counts.c.window, sender_counts.c.count).where(
            sender_counts.c.sender_id == sender_id,
            or_(
                *[
                    (sender_counts.c.window == w) & (sender_counts.c.started_at == at)
                    for w, at in windows.items()
                ]
            ),
        )
    )
    return {str(w): int(n) for w, n in rows}


def _count(session: Session, sender_id: int, now: datetime) -> None:
    # The dialect's own upsert, imported for the base in use: PostgreSQL's dialect costs a
    # quarter of a second to import, which the tick and SQLite never need.
    make: Callable[..., Any]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        make = pg_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        make = sqlite_insert
    for window, at in _windows(now).items():
        statement = make(sender_counts).values(sender_id=sender_id, window=window, started_at=at, count=1)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["sender_id", "window", "started_at"],
                set_={"count": sender_counts.c.count + 1},
            )
        )


def _limited(sender: dict[str, Any], used: dict[str, int]) -> bool:
    minute, day = sender["per_minute"], sender["per_day"]
    return (minute is not None and used.get("minute", 0) >= minute) or (
        day is not None and used.get("day", 0) >= day
    )


def claim(
    session: Session, now: datetime, worker: str, skip_senders: frozenset[int] = frozenset()
) -> Claimed | None:
    """Claim the next letter due, or ``None``; rows found suppressed or stopped are dropped."""
    query = (
        select(outbox.c.id, outbox.c.sender_id, outbox.c.address, outbox.c.recipient_id, outbox.c.attempts)
        .outerjoin(campaigns, campaigns.c.id == outbox.c.campaign_id)
        .where(
            outbox.c.state == OutboxState.PENDING.value,
            outbox.c.next_try <= now,
            or_(outbox.c.campaign_id.is_(None), campaigns.c.status == CampaignStatus.ACTIVE.value),
        )
        .order_by(outbox.c.next_try, outbox.c.id)
        .limit(CANDIDATES)
    )
    if skip_senders:
        query = query.where(outbox.c.sender_id.not_in(sorted(skip_senders)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=outbox)
    candidates = session.execute(query).all()
    if not candidates:
        return None
    stopped = suppressed_addresses(session, {str(c.address) for c in candidates})
    limits: dict[int, bool] = {}
    for row in candidates:
        if row.address in stopped:
            _drop(session, int(row.id), "suppressed")
            if row.recipient_id is not None:
                stop_recipients(session, [int(row.recipient_id)], "suppressed", now)
            continue
        sender_id = int(row.sender_id)
        if sender_id not in limits:
            sender = dict(
                session.execute(select(mail_senders).where(mail_senders.c.id == sender_id)).mappings().one()
            )
            limits[sender_id] = _limited(sender, _used(session, sender_id, now))
        if limits[sender_id]:
            continue
        taken = (
            session.connection()
            .execute(
                update(outbox)
                .where(outbox.c.id == row.id, outbox.c.state == OutboxState.PENDING.value)
                .values(
                    state=OutboxState.SENDING.value,
                    claimed_by=worker[:100],
                    claimed_at=now,
                    attempts=outbox.c.attempts + 1,
                )
            )
            .rowcount
        )
        if taken != 1:
            continue
        _count(session, sender_id, now)
        return _letter(session, int(row.id), now)
    return None


def _drop(session: Session, outbox_id: int, why: str) -> None:
    session.execute(
        update(outbox).where(outbox.c.id == outbox_id).values(state=OutboxState.DROPPED.value, last_error=why)
    )


def letter_fields(session: Session, recipient: dict[str, Any], sender: dict[str, Any]) -> dict[str, str]:
    """The merge fields of ``recipient``'s letters."""
    client = session.execute(
        select(clients.c.name, clients.c.owner_id).where(clients.c.id == recipient["client_id"])
    ).one()
    contact = ""
    if recipient["contact_id"] is not None:
        contact = (
            session.scalar(select(contacts.c.full_name).where(contacts.c.id == recipient["contact_id"])) or ""
        )
    owner_name = ""
    owner_sender: dict[str, Any] = sender
    if client.owner_id is not None:
        owner_name = session.scalar(select(users.c.full_name).where(users.c.id == client.owner_id)) or ""
        own = (
            session.execute(select(mail_senders).where(mail_senders.c.user_id == client.owner_id))
            .mappings()
            .first()
        )
        if own is not None:
            owner_sender = dict(own)
    public = get_setting(session, PUBLIC_URL_KEY, DEFAULT_PUBLIC_URL)
    return {
        "client": str(client.name),
        "contact": contact,
        "name_patronymic": name_patronymic(contact),
        "owner_name": owner_name or str(owner_sender.get("display_name") or ""),
        "owner_signature": str(owner_sender.get("signature") or ""),
        "owner_phone": str(owner_sender.get("phone") or ""),
        "unsubscribe_url": unsubscribe_url(str(public), str(recipient["token"])),
    }


def render_row(
    session: Session, outbox_id: int, now: datetime, *, to: str | None = None
) -> tuple[Any, dict[str, Any]]:
    """The EmailMessage of an outbox row (to ``to`` instead, for a test send) and its sender."""
    row = dict(session.execute(select(outbox).where(outbox.c.id == outbox_id)).mappings().one())
    sender = dict(
        session.execute(select(mail_senders).where(mail_senders.c.id == row["sender_id"])).mappings().one()
    )
    if row["step_id"] is None:  # not a campaign's letter: a deal's documents (issue 25), a digest
        from crm_tui.domain.campaigns.deal_mail import document_message

        return document_message(session, row, sender, now), sender
    recipient = dict(
        session.execute(select(campaign_recipients).where(campaign_recipients.c.id == row["recipient_id"]))
        .mappings()
        .one()
    )
    step = dict(
        session.execute(select(campaign_steps).where(campaign_steps.c.id == row["step_id"])).mappings().one()
    )
    fields = letter_fields(session, recipient, sender)
    footer = base_text(session, "letter", NC_("letter", "To stop these letters: {url}")).format(
        url=fields["unsubscribe_url"]
    )
    letter = build_letter(
        step,
        fields,
        sender=str(sender["address"]),
        sender_name=str(sender["display_name"] or fields["owner_name"]),
        to=to or str(row["address"]),
        message_id=str(row["message_id"]),
        footer=footer,
    )
    return to_message(letter, now), sender


def _letter(session: Session, outbox_id: int, now: datetime) -> Claimed:
    message, sender = render_row(session, outbox_id, now)
    row = session.execute(
        select(outbox.c.address, outbox.c.campaign_id).where(outbox.c.id == outbox_id)
    ).one()
    return Claimed(
        outbox_id,
        int(sender["id"]),
        str(sender["address"]),
        str(row.address),
        message.as_bytes(),
        row.campaign_id,
        sender,
    )


def settle(session: Session, outcome: Outcome, now: datetime) -> None:
    """Record what SMTP answered for a row this worker holds in "sending"."""
    row = session.execute(
        select(
            outbox.c.state, outbox.c.attempts, outbox.c.address, outbox.c.recipient_id, outbox.c.campaign_id
        ).where(outbox.c.id == outcome.outbox_id)
    ).one()
    if row.state != OutboxState.SENDING.value:
        return  # a person settled it meanwhile (or recovery did): theirs stands
    error = (outcome.error or "")[:500] or None
    values: dict[str, Any]
    if outcome.result == Result.SENT:
        values = {"state": OutboxState.SENT.value, "sent_at": now, "last_error": None}
        if row.campaign_id is None:
            from crm_tui.domain.campaigns.deal_mail import log_sent

            full = session.execute(select(outbox).where(outbox.c.id == outcome.outbox_id)).mappings().one()
            if full["payload"] and full["payload"].get("deal_id") is not None:
                log_sent(session, dict(full), now)
    elif outcome.result in (Result.TEMPORARY, Result.NOT_TRIED, Result.SPAM):
        attempts = int(row.attempts) - (1 if outcome.result == Result.NOT_TRIED else 0)
        if outcome.result == Result.TEMPORARY and attempts >= MAX_ATTEMPTS:
            values = {"state": OutboxState.FAILED.value, "last_error": error}
        else:
            values = {
                "state": OutboxState.PENDING.value,
                "attempts": attempts,
                "next_try": now + backoff(max(attempts, 1)),
                "last_error": error,
            }
        if outcome.result == Result.SPAM and row.campaign_id is not None:
            pause_campaign(session, int(row.campaign_id), CampaignStatus.PAUSED, f"554: {error or ''}"[:500])
            values["next_try"] = now
    elif outcome.result == Result.PERMANENT:
        values = {"state": OutboxState.FAILED.value, "last_error": error, "bounced": True}
        suppress(session, str(row.address), "bounced", now)
        if row.recipient_id is not None:
            stop_recipients(session, [int(row.recipient_id)], "bounced", now)
    else:
        values = {"state": OutboxState.UNCERTAIN.value, "last_error": error}
    session.execute(update(outbox).where(outbox.c.id == outcome.outbox_id).values(**values))


def recover(session: Session, now: datetime, dead: Callable[[str], bool]) -> int:
    """Rows left "sending" by a worker that is gone (``dead(claimed_by)``, or past ``LEASE``)
    become "uncertain": the letter may have left, so a person decides."""
    rows = session.execute(
        select(outbox.c.id, outbox.c.claimed_by, outbox.c.claimed_at).where(
            outbox.c.state == OutboxState.SENDING.value
        )
    ).all()
    gone = [
        int(r.id)
        for r in rows
        if r.claimed_at is None or r.claimed_at < now - LEASE or dead(str(r.claimed_by or ""))
    ]
    if gone:
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_(gone), outbox.c.state == OutboxState.SENDING.value)
            .values(state=OutboxState.UNCERTAIN.value, last_error="the worker stopped while sending")
        )
    return len(gone)
