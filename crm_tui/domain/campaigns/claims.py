"""The outbox's rows claimed and settled after SMTP answered.

A worker leases a batch of rows (``batch.lease``: ``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL) and marks each "sending" with the attempt counted, in its own
transaction, before the letter is handed to SMTP (``batch.mark_sending``). What SMTP answers
settles it: sent; a temporary refusal (4xx) back to pending with a backoff; a permanent one
(5xx) failed, the address suppressed and the recipient stopped; a spam rejection (554) back to
pending and the campaign paused; a connection lost while the letter was on the wire
"uncertain", for a person to resend or drop. A row left "sending" by a worker that died
becomes "uncertain" too (``recover``).
At send time the suppression list, the recipient's stop and the campaign's pause are checked;
the sender's limits when the batch is leased.
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
from crm_tui.domain.campaigns.stops import stop_recipients, suppress
from crm_tui.domain.settings import get_setting
from crm_tui.i18n import NC_
from crm_tui.storage.models import (
    CampaignStatus,
    OutboxState,
    campaign_recipients,
    campaign_steps,
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


def used_by(session: Session, sender_ids: list[int], now: datetime) -> dict[int, dict[str, int]]:
    """Letters each sender began in this minute and this day."""
    windows = _windows(now)
    rows = session.execute(
        select(sender_counts.c.sender_id, sender_counts.c.window, sender_counts.c.count).where(
            sender_counts.c.sender_id.in_(sender_ids),
            or_(
                *[
                    (sender_counts.c.window == w) & (sender_counts.c.started_at == at)
                    for w, at in windows.items()
                ]
            ),
        )
    )
    used: dict[int, dict[str, int]] = {}
    for sender_id, window, n in rows:
        used.setdefault(int(sender_id), {})[str(window)] = int(n)
    return used


def count_letters(session: Session, sender_id: int, now: datetime, n: int = 1) -> None:
    """Count ``n`` letters (a negative ``n`` gives them back) against the sender's limits."""
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
        statement = make(sender_counts).values(
            sender_id=sender_id, window=window, started_at=at, count=max(n, 0)
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["sender_id", "window", "started_at"],
                set_={"count": sender_counts.c.count + n},
            )
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
    owner_sender: dict[str, Any] | None = None
    if client.owner_id is not None:
        owner_name = session.scalar(select(users.c.full_name).where(users.c.id == client.owner_id)) or ""
        own = (
            session.execute(select(mail_senders).where(mail_senders.c.user_id == client.owner_id))
            .mappings()
            .first()
        )
        owner_sender = None if own is None else dict(own)
    public = get_setting(session, PUBLIC_URL_KEY, DEFAULT_PUBLIC_URL)
    return merge_fields(
        str(client.name), contact, owner_name, owner_sender or sender, str(public), str(recipient["token"])
    )


def merge_fields(
    client: str, contact: str, owner_name: str, owner_sender: dict[str, Any], public_url: str, token: str
) -> dict[str, str]:
    """The merge fields from what was read: one place for a letter's, a batch's and a preview's."""
    return {
        "client": client,
        "contact": contact,
        "name_patronymic": name_patronymic(contact),
        "owner_name": owner_name or str(owner_sender.get("display_name") or ""),
        "owner_signature": str(owner_sender.get("signature") or ""),
        "owner_phone": str(owner_sender.get("phone") or ""),
        "unsubscribe_url": unsubscribe_url(public_url, token),
    }


def footer_template(session: Session) -> str:
    """The unsubscribe line in the base's language, ``{url}`` still to fill."""
    return base_text(session, "letter", NC_("letter", "To stop these letters: {url}"))


def letter_footer(session: Session, fields: dict[str, str]) -> str:
    return footer_template(session).format(url=fields["unsubscribe_url"])


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
    footer = letter_footer(session, fields)
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
                "claimed_by": None,  # free for any worker again (a lease is a pending row's claim)
                "claimed_at": None,
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
    become "uncertain": the letter may have left, so a person decides. Letters such a worker
    had only leased are given back to any worker: they never reached SMTP. Returns how many
    became uncertain."""
    rows = session.execute(
        select(outbox.c.id, outbox.c.state, outbox.c.claimed_by, outbox.c.claimed_at).where(
            or_(
                outbox.c.state == OutboxState.SENDING.value,
                (outbox.c.state == OutboxState.PENDING.value) & outbox.c.claimed_by.is_not(None),
            )
        )
    ).all()
    gone = [
        r for r in rows if r.claimed_at is None or r.claimed_at < now - LEASE or dead(str(r.claimed_by or ""))
    ]
    doubtful = [int(r.id) for r in gone if r.state == OutboxState.SENDING.value]
    leased = [int(r.id) for r in gone if r.state == OutboxState.PENDING.value]
    if doubtful:
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_(doubtful), outbox.c.state == OutboxState.SENDING.value)
            .values(state=OutboxState.UNCERTAIN.value, last_error="the worker stopped while sending")
        )
    if leased:
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_(leased), outbox.c.state == OutboxState.PENDING.value)
            .values(claimed_by=None, claimed_at=None)
        )
    return len(doubtful)
