"""What a logged call writes, whichever way it is logged: its row on a timeline, its words, its
audit entry, a client's one callback task, a request's first answer.

Two paths log calls (``calls``): one event at a time (a webhook, and the fallback of a chunk
another process wrote into) and a file's calls a chunk per transaction (``call_chunks``). Both
write through these functions, so a call logged either way is the same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.domain.base_language import base_text
from crm_tui.domain.interactions.call_events import CallEvent, CallResult
from crm_tui.domain.tasks.create import open_task
from crm_tui.domain.values.formatting import phone
from crm_tui.i18n import NC_
from crm_tui.storage.bulk import among
from crm_tui.storage.models import (
    Direction,
    InteractionKind,
    LeadStatus,
    TaskKind,
    TaskStatus,
    clients,
    leads,
    tasks,
)

CALLBACK_ORIGIN = "callback:"
CALLBACK_TITLE = NC_("task title", "Call back: {client} rang and nobody answered")
CALLBACK_WITHIN = timedelta(minutes=15)
RESULTS = {
    CallResult.ANSWERED: NC_("call result", "answered"),
    CallResult.MISSED: NC_("call result", "missed"),
    CallResult.BUSY: NC_("call result", "busy"),
    CallResult.FAILED: NC_("call result", "failed"),
}


@dataclass
class CallsLogged:
    """What became of the events: ``outcomes`` counts ``client``, ``request`` (a touch of an open
    request), ``new request``, ``dropped`` (a stranger on the drop list: nothing kept), ``again``
    (logged before), ``internal``, ``anonymous`` (no number to match), ``unknown outbound`` (a
    number no client and no request had when we called it), ``started`` (a start event: the end
    logs the call)."""

    outcomes: Counter[str] = field(default_factory=Counter)
    callbacks: int = 0
    leads: list[int] = field(default_factory=list)


def touches_request(event: CallEvent, received_at: datetime) -> bool:
    """Whether a call from or to a request's number is a touch of it. Our call out before the
    request came is not: the request did not exist then (the caller rang back later), and as its
    touch it would set the request's first answer before the request itself, and a file read
    again would log calls the first read left unmatched."""
    if event.direction is not Direction.OUTBOUND:
        return True
    at = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
    return event.started_at >= at


def result_words(session: Session) -> dict[CallResult, str]:
    """The results' words in the base's language, read once for many calls."""
    return {r: base_text(session, "call result", m) for r, m in RESULTS.items()}


def summary(session: Session, event: CallEvent, words: dict[CallResult, str] | None = None) -> str:
    result = words[event.result] if words else base_text(session, "call result", RESULTS[event.result])
    minutes, seconds = divmod(event.talk_s, 60)
    parts = [
        result,
        f"{minutes}:{seconds:02d}" if event.talk_s else "",
        number(event),
        event.recording or "",
    ]
    return " · ".join(p for p in parts if p)[:4000]


def number(event: CallEvent) -> str:
    """The other party's number as the rest of the CRM shows one (``+7 916 123-00-87``), not as
    the PBX spelt it (``79161230087``); a number that is no phone (a hidden caller's word) as sent."""
    return phone(event.other.e164) if event.other.e164 else event.other.raw


def call_row(
    event: CallEvent,
    client_id: int | None,
    lead_id: int | None,
    user_id: int | None,
    text: str,
    now: datetime,
) -> dict[str, object]:
    """The call's row in ``interactions``."""
    return {
        "kind": InteractionKind.CALL.value, "direction": event.direction.value, "channel": "phone",
        "occurred_at": event.started_at, "duration_s": event.talk_s, "summary": text,
        "client_id": client_id, "lead_id": lead_id, "user_id": user_id, "external_id": event.identity,
        "created_at": now,
    }  # fmt: skip


def call_changes(row: dict[str, object]) -> dict[str, object]:
    """What the audit entry of a call's row ``row`` says was created."""
    return {
        "client_id": row["client_id"],
        "lead_id": row["lead_id"],
        "kind": "call",
        "external_id": row["external_id"],
    }


def callback(session: Session, client_id: int, owner_id: int | None, event: CallEvent, now: datetime) -> bool:
    """One open callback task per client: a second missed call finds it and adds none."""
    if owner_id is None or client_id in open_callbacks(session, [client_id]):
        return False
    name = session.scalar(select(clients.c.name).where(clients.c.id == client_id))
    set_callback(session, client_id, owner_id, name, event, now)
    return True


def open_callbacks(session: Session, client_ids: Sequence[int]) -> set[int]:
    """Which of these clients have their callback task open."""
    origins = {f"{CALLBACK_ORIGIN}{c}": c for c in client_ids}
    found = session.scalars(
        select(tasks.c.origin).where(
            among(session, tasks.c.origin, list(origins)), tasks.c.status == TaskStatus.OPEN.value
        )
    )
    return {origins[o] for o in found}


def set_callback(
    session: Session, client_id: int, owner_id: int, name: str | None, event: CallEvent, now: datetime
) -> None:
    """The owner's task to call the client ``name`` back, due a quarter of an hour after the call."""
    open_task(
        session,
        title=base_text(session, "task title", CALLBACK_TITLE).format(client=name or number(event)),
        kind=TaskKind.CALL.value,
        due=max(event.started_at, now) + CALLBACK_WITHIN,
        assignee_id=owner_id,
        client_id=client_id,
        by_user_id=None,
        now=now,
        origin=f"{CALLBACK_ORIGIN}{client_id}",
    )


def answers(event: CallEvent, user_id: int | None) -> bool:
    """A manager's answered call to or from a request is its first response, if none was yet."""
    return event.result is CallResult.ANSWERED and user_id is not None


def answered_by_us(session: Session, lead_id: int, event: CallEvent, user_id: int | None) -> None:
    """``answers``: the request's first response is this call's start, and it is in work."""
    if not answers(event, user_id):
        return
    session.execute(
        update(leads)
        .where(leads.c.id == lead_id, leads.c.first_response_at.is_(None))
        .values(first_response_at=event.started_at, status=LeadStatus.IN_WORK.value)
    )
