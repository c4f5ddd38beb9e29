"""What an admin keeps for the inbox: the advertising sources requests come through and the
exclusion list of spam numbers and addresses. Both are read by the intake on every request.

A source is found by its name (any case), its phone line or form, or its ``utm_source``, so a
request entered by hand, a call on a tracked number and a web form's UTM tags all land on the
one source the analysis counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.domain.values.text import normalise_text
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_
from crm_tui.storage.models import ChannelKind, lead_exclusions, lead_sources

JUNK_REASONS = {
    "spam": NC_("junk reason", "spam"),
    "wrong_number": NC_("junk reason", "wrong number"),
    "duplicate": NC_("junk reason", "a duplicate request"),
    "not_our_product": NC_("junk reason", "not what we sell"),
    "no_contact": NC_("junk reason", "never reached"),
    "test": NC_("junk reason", "a test request"),
    "other": NC_("junk reason", "other"),
}
"""The reasons a request may be junk for: codes stored, words shown."""

EXCLUSION_ACTIONS = ("junk", "drop")

NO_SOURCE = "—"
"""A request's source when it has none the list knows: as every missing value reads."""


def source_label(name: str | None) -> str:
    """How a request's source reads, on every screen, report and export: the name of the source
    the intake found for it (by its name, line or ``utm_source``), or ``NO_SOURCE``. An
    ``utm_source`` no source names is not a source: it is kept on the request as it came (the
    card's UTM tags), never shown as one, so one analysis row is not split by every spelling
    an advertiser's link had."""
    return name.strip() if name and name.strip() else NO_SOURCE


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    line: str | None
    utm_source: str | None
    response_minutes: int | None
    active: bool


@dataclass(frozen=True)
class ExclusionRow:
    id: int
    kind: str
    value: str
    action: str
    note: str | None


def list_sources(session: Session) -> list[SourceRow]:
    s = lead_sources.c
    rows = session.execute(
        select(s.id, s.name, s.line, s.utm_source, s.response_minutes, s.active).order_by(s.name, s.id)
    )
    return [SourceRow(*row) for row in rows]


def find_source(session: Session, *, name: str = "", line: str = "", utm_source: str = "") -> int | None:
    """The source a request names by hand (name in any case, or id), by its line or by
    ``utm_source``; None if none. The list is an admin's few dozen rows, compared here (SQLite's
    ``lower`` folds ASCII only)."""
    s = lead_sources.c
    wanted_name, wanted_utm = fold(name.strip()), fold(utm_source.strip())
    wanted_line = _line(line) if line.strip() else None
    for source_id, source_name, source_line, source_utm in session.execute(
        select(s.id, s.name, s.line, s.utm_source).order_by(s.id)
    ):
        if wanted_name and (fold(source_name) == wanted_name or str(source_id) == name.strip()):
            return int(source_id)
        if wanted_line is not None and source_line == wanted_line:
            return int(source_id)
        if wanted_utm and source_utm and fold(source_utm) == wanted_utm:
            return int(source_id)
    return None


def _line(text: str) -> str:
    """A phone line as E.164 when it is a number (so "8 495 ..." and "+7495..." are one line);
    a form's name as typed."""
    phones = normalise_phones(text)
    return phones.value[0].e164 if phones.ok and phones.value else " ".join(text.split())[:100]


def add_source(
    ws: Workspace, name: str, *, line: str = "", utm_source: str = "", minutes: int | None = None
) -> int:
    require(ws.viewer, Capability.CONFIGURE_LEADS)
    clean = normalise_text(name).value
    if not clean:
        raise InvalidInput("lead_source.name_missing", N_("name: a source needs a name"), field="name")
    if minutes is not None and not 1 <= minutes <= 10_000:
        raise InvalidInput("lead_source.minutes", N_("minutes: from 1 to 10000"), field="minutes")
    now = ws.now()
    with ws.write() as session:
        if find_source(session, name=clean) is not None and not clean.isdigit():
            raise InvalidInput("lead_source.exists", N_("there is a source {name!r} already"), name=clean)
        values = {
            "name": clean[:200],
            "line": _line(line) if line.strip() else None,
            "utm_source": utm_source.strip()[:200] or None,
            "response_minutes": minutes,
            "active": True,
            "created_at": now,
        }
        source_id = int(
            session.execute(insert(lead_sources).values(values).returning(lead_sources.c.id)).scalar_one()
        )
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="lead_source", entity_id=source_id,
            action="create", changes={k: v for k, v in values.items() if k != "created_at"},
        )  # fmt: skip
    return source_id


def retire_source(ws: Workspace, source_id: int) -> None:
    """A source no longer offered for new requests; the old ones keep it."""
    require(ws.viewer, Capability.CONFIGURE_LEADS)
    now = ws.now()
    with ws.write() as session:
        done = session.connection().execute(
            update(lead_sources).where(lead_sources.c.id == source_id).values(active=False)
        )
        if done.rowcount == 0:
            raise not_found("lead_source", source_id)
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="lead_source", entity_id=source_id,
            action="retire", changes={"active": [True, False]},
        )  # fmt: skip


def exclusion_value(text: str) -> tuple[str, str]:
    """``(kind, normalised value)`` of a number or an address for the exclusion list."""
    if "@" in text:
        emails = normalise_emails(text)
        if emails.ok and len(emails.value) == 1:
            return ChannelKind.EMAIL.value, emails.value[0].value
    else:
        phones = normalise_phones(text)
        if phones.ok and len(phones.value) == 1:
            return ChannelKind.PHONE.value, phones.value[0].e164
    raise InvalidInput(
        "lead_exclusion.value", N_("{text!r} is neither a phone number nor an e-mail address"), text=text
    )


def list_exclusions(session: Session) -> list[ExclusionRow]:
    e = lead_exclusions.c
    return [ExclusionRow(*row) for row in session.execute(
        select(e.id, e.kind, e.value, e.action, e.note).order_by(e.kind, e.value)
    )]  # fmt: skip


def add_exclusion(ws: Workspace, text: str, *, action: str = "junk", note: str = "") -> int:
    require(ws.viewer, Capability.CONFIGURE_LEADS)
    if action not in EXCLUSION_ACTIONS:
        raise InvalidInput("lead_exclusion.action", N_("action: junk or drop, not {text!r}"), text=action)
    kind, value = exclusion_value(text)
    now = ws.now()
    with ws.write() as session:
        e = lead_exclusions.c
        if session.scalar(select(e.id).where(e.kind == kind, e.value == value)) is not None:
            raise InvalidInput(
                "lead_exclusion.exists", N_("{value} is on the exclusion list already"), value=value
            )
        values = {
            "kind": kind,
            "value": value,
            "action": action,
            "note": normalise_text(note).value,
            "created_at": now,
            "user_id": ws.viewer.user_id,
        }
        found = int(session.execute(insert(lead_exclusions).values(values).returning(e.id)).scalar_one())
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="lead_exclusion", entity_id=found,
            action="create", changes={"kind": kind, "value": value, "action": action},
        )  # fmt: skip
    return found


def remove_exclusion(ws: Workspace, text: str) -> None:
    require(ws.viewer, Capability.CONFIGURE_LEADS)
    kind, value = exclusion_value(text)
    now = ws.now()
    with ws.write() as session:
        e = lead_exclusions.c
        found = session.scalar(select(e.id).where(e.kind == kind, e.value == value))
        if found is None:
            raise InvalidInput(
                "lead_exclusion.missing", N_("{value} is not on the exclusion list"), value=value
            )
        session.execute(delete(lead_exclusions).where(e.id == found))
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="lead_exclusion", entity_id=int(found),
            action="delete", changes={"kind": kind, "value": value},
        )  # fmt: skip


def excluded(session: Session, phones: list[str], emails: list[str]) -> str | None:
    """The action of the exclusion a request's numbers or addresses hit (``drop`` wins), or None."""
    e = lead_exclusions.c
    conditions = []
    if phones:
        conditions.append((e.kind == ChannelKind.PHONE.value) & e.value.in_(phones))
    if emails:
        conditions.append((e.kind == ChannelKind.EMAIL.value) & e.value.in_(emails))
    if not conditions:
        return None
    actions = set(session.scalars(select(e.action).where(or_(*conditions))))
    return "drop" if "drop" in actions else ("junk" if actions else None)
