"""Whether the outbox has anything to do: what `crm schedule tick` asks every few minutes.

Apart from the claims (``campaigns.claims``), which load the campaigns' rules, the letters and
the senders: a tick with nothing due loads only this.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_tui.storage.tables.campaigns import OutboxState, outbox

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit


def has_due(session: Unit, now: datetime) -> bool:
    """Whether a letter is due, or one was left "sending" (cheap: two index probes)."""
    due = session.scalar(
        select(outbox.c.id)
        .where(outbox.c.state == OutboxState.PENDING.value, outbox.c.next_try <= now)
        .limit(1)
    )
    sending = session.scalar(select(outbox.c.id).where(outbox.c.state == OutboxState.SENDING.value).limit(1))
    return due is not None or sending is not None
