"""The receiver's sources: a site's form, a cloud PBX, a Telegram bot, each with its secret.

A source is named in its address (``/hooks/form/site``) and checked by its secret: a token in
the URL or a header (forms, Sipuni, UIS, Telegram: ours, made here and shown once) or the key
the vendor signs with (Zadarma's API secret, Mango's key and salt: the vendor's, given here).
Every event a source sends is kept by its id (``inbound_events``): a sender's retry is answered
as done without a second row anywhere.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import inbound_events, inbound_sources

DEFAULT_PER_MINUTE = 600
"""Ten events a second: a PBX's busiest hour, far below what floods the base."""
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class SourceKind(StrEnum):
    FORM = "form"
    ZADARMA = "zadarma"
    MANGO = "mango"
    SIPUNI = "sipuni"
    UIS = "uis"
    TELEGRAM = "telegram"


VENDOR_SECRET = {SourceKind.ZADARMA, SourceKind.MANGO}
"""Kinds whose secret is the vendor's (its API secret, its salt), given when the source is added."""

_PATHS = {
    SourceKind.FORM: "/hooks/form/{name}?token={secret}",
    SourceKind.ZADARMA: "/hooks/zadarma/{name}",
    SourceKind.MANGO: "/hooks/mango/{name}",
    SourceKind.SIPUNI: "/hooks/sipuni/{name}/{secret}",
    SourceKind.UIS: "/hooks/uis/{name}/{secret}",
    SourceKind.TELEGRAM: "/hooks/telegram/{name}",
}
TOKEN_PLACE = "<token>"
"""What stands in an address for a secret shown once and never again."""


def address(kind: str, name: str, secret: str = TOKEN_PLACE) -> str:
    """The path to give the vendor (behind the receiver's host): the token in it for the kinds
    checked by a token in the URL, ``<token>`` where the secret is no longer shown."""
    return _PATHS[SourceKind(kind)].format(name=name, secret=secret)


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    name: str
    kind: SourceKind
    secret: str
    api_key: str | None
    per_minute: int
    tz: str | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz or "Europe/Moscow")


@dataclass(frozen=True, slots=True)
class SourceAdded:
    source: Source
    secret_made: bool
    """True when the secret was made here: it is shown this once and never again."""


def _row(row: object) -> Source:
    r = row._mapping  # type: ignore[attr-defined]
    return Source(
        int(r["id"]),
        r["name"],
        SourceKind(r["kind"]),
        r["secret"],
        r["api_key"],
        int(r["per_minute"]),
        r["tz"],
    )


def add_source(
    ws: Workspace,
    name: str,
    kind: str,
    *,
    secret: str | None = None,
    api_key: str | None = None,
    per_minute: int = DEFAULT_PER_MINUTE,
    tz: str | None = None,
) -> SourceAdded:
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    if not _NAME.match(name):
        raise InvalidInput(
            "inbound.source_name",
            N_("source name {name!r}: lower-case Latin letters, digits, - and _ (it is part of the address)"),
            name=name,
            field="name",
        )
    try:
        source_kind = SourceKind(kind)
    except ValueError:
        raise InvalidInput(
            "inbound.source_kind",
            N_("--kind: one of {choices}, not {kind!r}"),
            choices=", ".join(k.value for k in SourceKind),
            kind=kind,
            field="kind",
        ) from None
    if source_kind in VENDOR_SECRET and not (secret or "").strip():
        raise InvalidInput(
            "inbound.vendor_secret",
            N_("a {kind} source checks the vendor's signature: give its API secret (--secret-file)"),
            kind=kind,
            field="secret",
        )
    if source_kind is SourceKind.MANGO and not (api_key or "").strip():
        raise InvalidInput(
            "inbound.api_key", N_("a mango source needs the PBX's vpbx_api_key (--key)"), field="key"
        )
    if per_minute < 1:
        raise InvalidInput(
            "inbound.rate", N_("--per-minute: a whole number above 0, not {n}"), n=per_minute, field="rate"
        )
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(
                "inbound.tz", N_("--tz: {zone!r} is not a time zone"), zone=tz, field="tz"
            ) from None
    made = not (secret or "").strip()
    value = secrets.token_urlsafe(32) if made else (secret or "").strip()
    now = ws.now()
    with ws.write() as session:
        if session.scalar(select(inbound_sources.c.id).where(inbound_sources.c.name == name)) is not None:
            raise InvalidInput(
                "inbound.source_exists", N_("a source {name!r} is already there"), name=name, field="name"
            )
        new_id = session.execute(
            insert(inbound_sources)
            .values(
                name=name, kind=source_kind.value, secret=value, api_key=(api_key or "").strip() or None,
                per_minute=per_minute, tz=tz, created_at=now, user_id=ws.viewer.user_id,
            )
            .returning(inbound_sources.c.id)
        ).scalar_one()  # fmt: skip
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="inbound_source", entity_id=int(new_id),
            action="create", changes={"name": name, "kind": source_kind.value},
        )  # fmt: skip
    source = Source(int(new_id), name, source_kind, value, api_key, per_minute, tz)
    return SourceAdded(source, made)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """A source as listed: never its secret."""

    name: str
    kind: str
    per_minute: int
    events: int
    last_at: datetime | None = None
    """When its last event came (``None``: nothing yet)."""
    last_outcome: str | None = None
    """What the last event came to (``new``, ``client``, ``again``, ...)."""
    refused: int = 0
    """How many requests the receiver refused for it (a wrong token, over the rate, ...)."""
    refused_at: datetime | None = None
    refused_status: int | None = None
    """The last refusal's HTTP status (401, 429, 400, 413)."""
    refused_code: str | None = None
    """The last refusal's code (``inbound.token``, ``rate``, ``telegram.date``, ...)."""

    @property
    def path(self) -> str:
        return address(self.kind, self.name)


def list_sources(ws: Workspace) -> list[SourceLine]:
    """Every source with its count of events and its last one (one grouped read, one lookup of
    the newest per source: a source's events are few next to the timelines)."""
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    from sqlalchemy import func

    e = inbound_events.c
    with ws.read() as session:
        counts = {
            int(sid): (int(n), int(last_id))
            for sid, n, last_id in session.execute(
                select(e.source_id, func.count(), func.max(e.id)).group_by(e.source_id)
            )
        }
        last = {
            int(row.source_id): (row.received_at, row.outcome)
            for row in session.execute(
                select(e.source_id, e.received_at, e.outcome).where(e.id.in_([i for _, i in counts.values()]))
            )
        }
        rows = session.execute(select(inbound_sources).order_by(inbound_sources.c.name)).all()
    return [
        SourceLine(
            r.name,
            r.kind,
            r.per_minute,
            counts.get(r.id, (0, 0))[0],
            *last.get(r.id, (None, None)),
            refused=int(r.refused or 0),
            refused_at=r.refused_at,
            refused_status=r.refused_status,
            refused_code=r.refused_code,
        )
        for r in rows
    ]


def remove_source(ws: Workspace, name: str) -> None:
    """The source and the record of its events go; what they logged stays on the timelines."""
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    now = ws.now()
    with ws.write() as session:
        found = session.scalar(select(inbound_sources.c.id).where(inbound_sources.c.name == name))
        if found is None:
            raise NotFound("inbound.no_source", N_("no source {name!r} (crm inbound source list)"), name=name)
        session.execute(delete(inbound_events).where(inbound_events.c.source_id == found))
        session.execute(delete(inbound_sources).where(inbound_sources.c.id == found))
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="inbound_source", entity_id=int(found),
            action="delete", changes={"name": name},
        )  # fmt: skip


def source_named(session: Session, name: str) -> Source | None:
    row = session.execute(select(inbound_sources).where(inbound_sources.c.name == name)).first()
    return _row(row) if row is not None else None


def seen(session: Session, source: Source, event_id: str) -> str | None:
    """What the event came to the first time, or ``None`` for an event not seen yet."""
    outcome = session.scalar(
        select(inbound_events.c.outcome).where(
            inbound_events.c.source_id == source.id, inbound_events.c.event_id == event_id
        )
    )
    return str(outcome) if outcome is not None else None


def detail_of(session: Session, source: Source, event_id: str) -> str | None:
    """What an event taken before left for a later one (``remember``'s ``detail``)."""
    found = session.scalar(
        select(inbound_events.c.detail).where(
            inbound_events.c.source_id == source.id, inbound_events.c.event_id == event_id
        )
    )
    return str(found) if found is not None else None


def forget_detail(ws: Workspace, source: Source, event_id: str) -> None:
    """A detail used up (a call's start, once its hangup is logged): a number is not kept
    longer than the call needs it."""
    with ws.write() as session:
        session.execute(
            update(inbound_events)
            .where(inbound_events.c.source_id == source.id, inbound_events.c.event_id == event_id)
            .values(detail=None)
        )


def remember(ws: Workspace, source: Source, event_id: str, outcome: str, detail: str | None = None) -> bool:
    """Keep that the event was taken, with what a later event of the same call may need of it
    (``detail``); False when it was already (a retry raced the first)."""
    try:
        with ws.write() as session:
            note_taken(session, source, event_id, outcome, ws.now(), detail)
    except Exception as exc:
        if duplicate(exc):
            return False
        raise
    return True


def note_taken(
    session: Session, source: Source, event_id: str, outcome: str, now: datetime, detail: str | None = None
) -> None:
    """The row that says the event was taken (``remember``'s, or inside the event's own
    transaction); a second one for the same event breaks the unique key."""
    session.execute(
        insert(inbound_events).values(
            source_id=source.id, event_id=event_id[:200], outcome=outcome[:32], received_at=now,
            detail=detail[:100] if detail else None,
        )
    )  # fmt: skip


def duplicate(exc: BaseException) -> bool:
    """The error is a unique key's: the same row written a moment ago by another request.

    ``Workspace.write`` words driver errors as the database being unavailable; the unique
    violation is its cause."""
    return isinstance(exc, IntegrityError) or isinstance(exc.__cause__, IntegrityError)
