"""The outbox worker's batches: a few dozen due letters leased and made at once, then each one
marked "sending" in its own short transaction just before SMTP gets it.

Why two steps: marking a whole batch "sending" would turn every letter of it "uncertain" when
the worker dies, where one letter at most may honestly be in doubt. So a batch is only leased
(``claimed_by``/``claimed_at`` on rows still "pending"): another worker skips them (SQLite's
``BEGIN IMMEDIATE`` / PostgreSQL's ``FOR UPDATE SKIP LOCKED`` make the lease atomic), a dead
worker's lease is released by ``claims.recover`` and its letters are sent by the next worker,
never in doubt. What a letter needs (its step, recipient, client, contact, owner, sender, the
unsubscribe base and footer) is read once per batch in one query per table, the suppression list
once per batch; the sender's limits are counted for the batch at once (letters leased but not
sent give their count back). The per-letter transaction settles the previous letter and marks
the next "sending" in one ``UPDATE`` that re-checks, at send time, that the row is still pending
and leased to us, its address not suppressed and its campaign not paused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, exists, or_, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.campaigns.claims import (
    LEASE,
    Claimed,
    count_letters,
    footer_template,
    merge_fields,
    render_row,
    used_by,
)
from crm_tui.domain.campaigns.letters import DEFAULT_PUBLIC_URL, PUBLIC_URL_KEY, build_letter, letter_bytes
from crm_tui.domain.campaigns.stops import ERASED, MAIL_STOP, stop_recipients, suppressed_addresses
from crm_tui.domain.errors import DomainError
from crm_tui.domain.privacy import digest
from crm_tui.domain.settings import get_setting
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
    suppressions,
    users,
)

BATCH = 50
"""Letters leased at once: big enough that reading once per batch pays, small enough that a
second worker finds work and a crash releases little."""

PENDING = OutboxState.PENDING.value


@dataclass
class Batch:
    letters: list[Claimed] = field(default_factory=list)
    dropped: int = 0
    """Rows found suppressed and dropped (their recipients stopped)."""
    at: datetime | None = None
    """When the letters were counted against their senders' limits."""


def lease(
    session: Session,
    now: datetime,
    worker: str,
    size: int = BATCH,
    skip_senders: frozenset[int] = frozenset(),
) -> Batch:
    """Lease up to ``size`` due letters to ``worker`` and make them."""
    active = or_(outbox.c.campaign_id.is_(None), campaigns.c.status == CampaignStatus.ACTIVE.value)
    query = (
        select(outbox.c.id, outbox.c.sender_id, outbox.c.address, outbox.c.recipient_id)
        .outerjoin(campaigns, campaigns.c.id == outbox.c.campaign_id)
        .where(
            outbox.c.state == PENDING,
            outbox.c.next_try <= now,
            active,
            or_(outbox.c.claimed_by.is_(None), outbox.c.claimed_at < now - LEASE),
        )
        .order_by(outbox.c.next_try, outbox.c.id)
        .limit(size)
    )
    if skip_senders:
        query = query.where(outbox.c.sender_id.not_in(sorted(skip_senders)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=outbox)
    candidates = session.execute(query).all()
    batch = Batch(at=now)
    if not candidates:
        return batch
    stopped = suppressed_addresses(session, {str(c.address) for c in candidates})
    gone = [c for c in candidates if c.address in stopped]
    if gone:
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_([int(c.id) for c in gone]), outbox.c.state == PENDING)
            .values(state=OutboxState.DROPPED.value, last_error="suppressed")
        )
        stop_recipients(
            session, [int(c.recipient_id) for c in gone if c.recipient_id is not None], "suppressed", now
        )
        batch.dropped = len(gone)
    senders = {
        int(s["id"]): dict(s)
        for s in session.execute(
            select(mail_senders).where(mail_senders.c.id.in_({int(c.sender_id) for c in candidates}))
        ).mappings()
    }
    used = used_by(session, sorted(senders), now)
    left = {sender_id: _allowance(sender, used.get(sender_id, {})) for sender_id, sender in senders.items()}
    chosen: list[int] = []
    for row in candidates:
        sender_id = int(row.sender_id)
        if row.address in stopped or left[sender_id] <= 0:
            continue
        left[sender_id] -= 1
        chosen.append(int(row.id))
    if not chosen:
        return batch
    session.execute(
        update(outbox)
        .where(outbox.c.id.in_(chosen), outbox.c.state == PENDING)
        .values(claimed_by=worker[:100], claimed_at=now)
    )
    batch.letters = make_letters(session, chosen, senders, now)
    for sender_id, n in Counter(letter.sender_id for letter in batch.letters).items():
        count_letters(session, sender_id, now, n)
    return batch


def _allowance(sender: dict[str, Any], used: dict[str, int]) -> int:
    """How many more letters the sender may begin now (its limits per minute and per day)."""
    left = [
        int(limit) - used.get(window, 0)
        for window, limit in (("minute", sender["per_minute"]), ("day", sender["per_day"]))
        if limit is not None
    ]
    return min(left) if left else BATCH


def make_letters(
    session: Session, ids: list[int], senders: dict[int, dict[str, Any]], now: datetime
) -> list[Claimed]:
    """The letters of outbox rows ``ids`` (in that order), reading each table once."""
    rows = {
        int(r["id"]): dict(r) for r in session.execute(select(outbox).where(outbox.c.id.in_(ids))).mappings()
    }
    mailing = [r for r in rows.values() if r["step_id"] is not None]
    recipients = _by_id(session, campaign_recipients, {r["recipient_id"] for r in mailing})
    steps = _by_id(session, campaign_steps, {r["step_id"] for r in mailing})
    firms = _by_id(
        session, clients, {p["client_id"] for p in recipients.values()}, clients.c.name, clients.c.owner_id
    )
    people = _by_id(
        session, contacts, {p["contact_id"] for p in recipients.values()} - {None}, contacts.c.full_name
    )
    owner_ids = {f["owner_id"] for f in firms.values()} - {None}
    owners = _by_id(session, users, owner_ids, users.c.full_name)
    own_senders = {
        int(s["user_id"]): dict(s)
        for s in session.execute(select(mail_senders).where(mail_senders.c.user_id.in_(owner_ids))).mappings()
    }
    made = _Read(
        recipients,
        steps,
        firms,
        people,
        owners,
        own_senders,
        str(get_setting(session, PUBLIC_URL_KEY, DEFAULT_PUBLIC_URL)) if mailing else "",
        footer_template(session) if mailing else "",
    )
    letters: list[Claimed] = []
    for outbox_id in ids:
        row = rows[outbox_id]
        sender = senders[int(row["sender_id"])]
        try:
            data, sender = _letter_data(session, row, sender, now, made)
        except DomainError as exc:  # this letter cannot be made: it fails, the others go
            session.execute(
                update(outbox)
                .where(outbox.c.id == outbox_id, outbox.c.state == PENDING)
                .values(state=OutboxState.FAILED.value, last_error=str(exc)[:500], claimed_by=None)
            )
            continue
        letters.append(
            Claimed(
                outbox_id,
                int(sender["id"]),
                str(sender["address"]),
                str(row["address"]),
                data,
                row["campaign_id"],
                sender,
            )
        )
    return letters


@dataclass(frozen=True)
class _Read:
    """What a batch's letters are made of, each table read once."""

    recipients: dict[Any, dict[str, Any]]
    steps: dict[Any, dict[str, Any]]
    firms: dict[Any, dict[str, Any]]
    people: dict[Any, dict[str, Any]]
    owners: dict[Any, dict[str, Any]]
    own_senders: dict[int, dict[str, Any]]
    public: str
    footer: str


def _letter_data(
    session: Session, row: dict[str, Any], sender: dict[str, Any], now: datetime, read: _Read
) -> tuple[bytes, dict[str, Any]]:
    """A row's letter as bytes, and who sends it; ``DomainError`` if it cannot be made."""
    if row["step_id"] is None:  # a deal's documents, a digest: made as one letter
        message, sender = render_row(session, int(row["id"]), now)
        return message.as_bytes(), sender
    recipient = read.recipients[row["recipient_id"]]
    firm = read.firms[recipient["client_id"]]
    owner = firm["owner_id"]
    fields = merge_fields(
        str(firm["name"]),
        str((read.people.get(recipient["contact_id"]) or {}).get("full_name") or ""),
        str((read.owners.get(owner) or {}).get("full_name") or ""),
        read.own_senders.get(owner) or sender,
        read.public,
        str(recipient["token"]),
    )
    letter = build_letter(
        read.steps[row["step_id"]],
        fields,
        sender=str(sender["address"]),
        sender_name=str(sender["display_name"] or fields["owner_name"]),
        to=str(row["address"]),
        message_id=str(row["message_id"]),
        footer=read.footer.format(url=fields["unsubscribe_url"]),
    )
    return letter_bytes(letter, now), sender


def _by_id(session: Session, table: Any, ids: set[Any], *columns: Any) -> dict[Any, dict[str, Any]]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    query = select(table.c.id, *columns) if columns else select(table)
    return {r["id"]: dict(r) for r in session.execute(query.where(table.c.id.in_(wanted))).mappings()}


@cache
def _marking() -> Update:
    """``mark_sending``'s statement, built once (building it was a tenth of a letter's CPU); its
    values are bound at each execution."""
    campaign_active = exists().where(
        campaigns.c.id == outbox.c.campaign_id, campaigns.c.status == CampaignStatus.ACTIVE.value
    )
    return (
        update(outbox)
        .where(
            outbox.c.id == bindparam("row_id"),
            outbox.c.state == PENDING,
            outbox.c.claimed_by == bindparam("worker"),
            ~exists().where(suppressions.c.digest.in_(bindparam("keys", expanding=True))),
            or_(outbox.c.campaign_id.is_(None), campaign_active),
        )
        .values(
            state=OutboxState.SENDING.value,
            claimed_at=bindparam("marked_at", type_=outbox.c.claimed_at.type),
            attempts=outbox.c.attempts + 1,
        )
    )


@cache
def _settling() -> Update:
    """``settle_sent``'s statement, built once."""
    return (
        update(outbox)
        .where(outbox.c.id == bindparam("row_id"), outbox.c.state == OutboxState.SENDING.value)
        .values(
            state=OutboxState.SENT.value,
            sent_at=bindparam("settled_at", type_=outbox.c.sent_at.type),
            last_error=None,
        )
    )


def mark_sending(session: Session, letter: Claimed, worker: str, now: datetime) -> bool:
    """Mark a leased letter "sending" (and count the attempt) if it may still go, in one
    statement: still pending and ours, its address not suppressed, its campaign not paused. A
    letter found suppressed is dropped and its recipient stopped; ``False`` then, or when the
    row was stopped, paused or settled by a person meanwhile."""
    keys = [digest(MAIL_STOP, letter.to), digest(ERASED, letter.to)]
    params = {"row_id": letter.outbox_id, "worker": worker[:100], "keys": keys, "marked_at": now}
    marked = session.connection().execute(_marking(), params).rowcount
    if marked == 1:
        return True
    if suppressed_addresses(session, [letter.to]):
        recipient = session.scalar(
            select(outbox.c.recipient_id).where(outbox.c.id == letter.outbox_id, outbox.c.state == PENDING)
        )
        session.execute(
            update(outbox)
            .where(outbox.c.id == letter.outbox_id, outbox.c.state == PENDING)
            .values(state=OutboxState.DROPPED.value, last_error="suppressed")
        )
        if recipient is not None:
            stop_recipients(session, [int(recipient)], "suppressed", now)
    return False


def settle_sent(session: Session, outbox_id: int, now: datetime) -> None:
    """A campaign's letter SMTP accepted (the common case, one statement)."""
    session.connection().execute(_settling(), {"row_id": outbox_id, "settled_at": now})


def release(session: Session, letters: list[Claimed], worker: str, counted_at: datetime | None) -> None:
    """Give back leased letters this run did not send: pending for any worker, their count
    against the senders' limits returned."""
    if not letters:
        return
    session.execute(
        update(outbox)
        .where(
            outbox.c.id.in_([letter.outbox_id for letter in letters]),
            outbox.c.state == PENDING,
            outbox.c.claimed_by == worker[:100],
        )
        .values(claimed_by=None, claimed_at=None)
    )
    if counted_at is not None:
        for sender_id, n in Counter(letter.sender_id for letter in letters).items():
            count_letters(session, sender_id, counted_at, -n)
