"""A touch that came in by itself, on a client's timeline, once: its identity at the source
(``interactions.external_id``) is what "once" means, whichever path it came by."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.audit import trail as audit
from crm_tui.domain.inbound.sources import Source, duplicate, note_taken, remember, seen
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    ChannelKind,
    Direction,
    LeadStatus,
    channels,
    interactions,
    lead_addresses,
    leads,
)

SUMMARY_CAP = 4000


def known(session: Session, external_id: str) -> bool:
    return (
        session.scalar(select(interactions.c.id).where(interactions.c.external_id == external_id[:200]))
        is not None
    )


def client_touch(
    session: Session,
    *,
    client_id: int,
    kind: str,
    direction: Direction,
    channel: str,
    summary: str,
    at: datetime,
    now: datetime,
    external_id: str,
    user_id: int | None = None,
) -> int:
    touch = int(
        session.execute(
            insert(interactions)
            .values(
                kind=kind, direction=direction.value, channel=channel, occurred_at=at,
                summary=summary[:SUMMARY_CAP], client_id=client_id, user_id=user_id,
                external_id=external_id[:200], created_at=now,
            )
            .returning(interactions.c.id)
        ).scalar_one()
    )  # fmt: skip
    audit.record(
        session, at=now, user_id=None, entity="interaction", entity_id=touch, action="create",
        changes={"client_id": client_id, "kind": kind, "external_id": external_id[:200]},
    )  # fmt: skip
    return touch


def open_lead_of(session: Session, kind: ChannelKind, value: str) -> tuple[int, int | None] | None:
    """The newest open request that came from this address: its id and client."""
    row = session.execute(
        select(leads.c.id, leads.c.client_id)
        .join(lead_addresses, lead_addresses.c.lead_id == leads.c.id)
        .where(
            lead_addresses.c.kind == kind.value,
            lead_addresses.c.value == value,
            leads.c.status.in_((LeadStatus.NEW.value, LeadStatus.IN_WORK.value)),
        )
        .order_by(leads.c.id.desc())
        .limit(1)
    ).first()
    return (int(row.id), row.client_id) if row is not None else None


def client_of(session: Session, kind: ChannelKind, value: str) -> int | None:
    found = session.scalar(
        select(channels.c.client_id)
        .where(channels.c.kind == kind.value, channels.c.value == value)
        .order_by(channels.c.client_id)
        .limit(1)
    )
    return int(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class Taken:
    outcome: str
    again: bool
    """The event was taken before: acknowledged, nothing written."""


def take_once(
    ws: Workspace, source: Source, event_id: str, apply: Callable[[], str], detail: str | None = None
) -> Taken:
    """Do what an event asks once: an id seen before answers what it came to; a retry racing
    the first (or one after a crash between the touch and this record) finds the touch by its
    identity and writes nothing more."""
    with ws.read() as session:
        before = seen(session, source, event_id)
    if before is not None:
        return Taken(before, True)
    try:
        outcome = apply()
    except Exception as exc:
        if not duplicate(exc):
            raise
        outcome = "again"
    if not remember(ws, source, event_id, outcome, detail):
        return Taken(outcome, True)
    return Taken(outcome, outcome == "again")


def take_once_within(ws: Workspace, source: Source, event_id: str, apply: Callable[[Session], str]) -> Taken:
    """``take_once`` for an event whose rows are written in one transaction (``apply`` in the
    session given): those rows and the note that the event was taken commit together, one write
    instead of two, and no crash leaves one without the other. A retry racing the first breaks a
    unique key, rolls back and answers what the first came to."""
    with ws.read() as session:
        before = seen(session, source, event_id)
    if before is not None:
        return Taken(before, True)
    try:
        with ws.write() as session:
            outcome = apply(session)
            note_taken(session, source, event_id, outcome, ws.now())
    except Exception as exc:
        if not duplicate(exc):
            raise
        with ws.read() as session:
            before = seen(session, source, event_id)
        if before is None:  # its touch was logged by a path that does not note the event
            remember(ws, source, event_id, "again")
        return Taken(before or "again", True)
    return Taken(outcome, outcome == "again")
