"""The suppression list and a recipient's stop.

The suppression list is ``suppressions``, the table privacy erasures already write: an address
that unsubscribed, bounced hard or complained is a row of kind "unsubscribed", "bounced" or
"complaint" holding the digest of ``MAIL_STOP`` and the address (the address itself is not
kept: the list's point is to remember not to write, not whom). An erased person's e-mail is
the privacy digest of "email"; both are checked when a letter is claimed, not only at
enrolment. A stopped recipient's letters not yet sent are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.privacy import digest
from crm_tui.storage.models import OutboxState, RecipientState, campaign_recipients, outbox, suppressions

MAIL_STOP = "mailstop"
ERASED = "email"
STOP_KINDS = ("unsubscribed", "bounced", "complaint")


def suppressed_addresses(session: Session, addresses: Iterable[str]) -> set[str]:
    """Which of ``addresses`` (normalised) may not be written to: stopped or erased."""
    wanted: dict[str, str] = {}
    for address in addresses:
        wanted[digest(MAIL_STOP, address)] = address
        wanted[digest(ERASED, address)] = address
    if not wanted:
        return set()
    found: set[str] = set()
    keys = sorted(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found |= {
            wanted[d]
            for d in session.scalars(select(suppressions.c.digest).where(suppressions.c.digest.in_(chunk)))
        }
    return found


def suppress(session: Session, address: str, kind: str, now: datetime, user_id: int | None = None) -> bool:
    """Put ``address`` on the list for ``kind``; False when it was there for that kind already."""
    key = digest(MAIL_STOP, address)
    there = session.scalar(
        select(suppressions.c.id).where(suppressions.c.digest == key, suppressions.c.kind == kind)
    )
    if there is not None:
        return False
    session.execute(insert(suppressions).values(kind=kind, digest=key, at=now, user_id=user_id))
    return True


def stop_recipients(session: Session, recipient_ids: Iterable[int], reason: str, now: datetime) -> int:
    """End the remaining steps of these recipients: active ones become stopped with ``reason``,
    their pending letters dropped. Returns how many were active."""
    ids = sorted(set(recipient_ids))
    if not ids:
        return 0
    stopped = (
        session.connection()
        .execute(
            update(campaign_recipients)
            .where(
                campaign_recipients.c.id.in_(ids), campaign_recipients.c.state == RecipientState.ACTIVE.value
            )
            .values(state=RecipientState.STOPPED.value, stop_reason=reason, stopped_at=now)
        )
        .rowcount
    )
    session.execute(
        update(outbox)
        .where(outbox.c.recipient_id.in_(ids), outbox.c.state == OutboxState.PENDING.value)
        .values(state=OutboxState.DROPPED.value, last_error=f"stopped: {reason}")
    )
    return int(stopped)


def stop_address(session: Session, address: str, reason: str, now: datetime) -> int:
    """Stop every active recipient with ``address``, in every campaign."""
    ids = session.scalars(
        select(campaign_recipients.c.id).where(
            campaign_recipients.c.address == address,
            campaign_recipients.c.state == RecipientState.ACTIVE.value,
        )
    ).all()
    return stop_recipients(session, ids, reason, now)
