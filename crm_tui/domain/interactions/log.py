"""Logging calls, notes and other touches with a client."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.tasks.create import open_task
from crm_tui.domain.tasks.next_step import NextStep
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.tables.activity import Direction, InteractionKind, interactions
from crm_tui.storage.tables.clients import clients

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

_DURATION = re.compile(r"^\s*(\d{1,3})(?:\s*[:.]\s*([0-5]?\d))?\s*$")
_SUMMARY_MISSING = {
    InteractionKind.CALL: N_("a call needs a summary: what was said or agreed"),
    InteractionKind.EMAIL: N_("an e-mail needs a summary: what was said or agreed"),
    InteractionKind.MESSAGE: N_("a message needs a summary: what was said or agreed"),
    InteractionKind.MEETING: N_("a meeting needs a summary: what was said or agreed"),
    InteractionKind.NOTE: N_("a note needs a summary: what was said or agreed"),
}
"""The refusal of a touch logged without a word of what happened, by its kind."""


def parse_duration(text: str) -> int | None:
    """'5' -> 300 s, '4:30' -> 270 s, '' -> None; anything else raises ValueError."""
    if not text.strip():
        return None
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(text)
    minutes, seconds = int(match.group(1)), int(match.group(2) or 0)
    return minutes * 60 + seconds


def log_interaction(
    ws: Workspace,
    client_id: int,
    kind: InteractionKind,
    summary: str,
    *,
    direction: Direction = Direction.OUTBOUND,
    duration_s: int | None = None,
    deal_id: int | None = None,
    then: NextStep | None = None,
) -> int:
    """Saves the touch and, when ``then`` is given, the next step as a task of the person who
    logged it, in one transaction: a call is never saved with its promised follow-up lost."""
    text = summary.strip()
    if not text:
        raise InvalidInput("interaction.summary_missing", _SUMMARY_MISSING[kind], kind=kind.value)
    if duration_s is not None and duration_s < 0:
        raise InvalidInput("interaction.duration_negative", N_("a call cannot last a negative time"))
    now = ws.now()
    with ws.write_core() as session:
        exists = session.scalar(
            select(clients.c.id).where(clients.c.id == client_id, visible_clients(ws.viewer))
        )
        if exists is None:
            raise not_found("client", client_id)
        # A Core insert: the touch a telephony hook logs on every call maps no ORM class.
        touch_id = int(
            session.connection()
            .execute(
                insert(interactions).returning(interactions.c.id),
                {
                    "kind": kind.value,
                    "direction": direction.value,
                    "channel": "phone" if kind is InteractionKind.CALL else None,
                    "occurred_at": now,
                    "duration_s": duration_s,
                    "summary": text,
                    "client_id": client_id,
                    "deal_id": deal_id,
                    "user_id": ws.viewer.user_id,
                    "created_at": now,
                },
            )
            .scalar_one()
        )
        audit.record(
            session,
            at=now,
            user_id=ws.viewer.user_id,
            entity="interaction",
            entity_id=touch_id,
            action="create",
            changes={"client_id": client_id, "kind": kind.value},
        )
        if then is not None:
            _add_next_step(session, ws, client_id, deal_id, then, now)
        return touch_id


def _add_next_step(
    session: Unit, ws: Workspace, client_id: int, deal_id: int | None, then: NextStep, now: datetime
) -> None:
    open_task(
        session,
        title=then.title,
        kind=then.kind.value,
        due=then.due,
        assignee_id=ws.viewer.user_id,
        client_id=client_id,
        deal_id=deal_id,
        by_user_id=ws.viewer.user_id,
        now=now,
    )
