"""A person's data on request (152-FZ, GDPR): everything about them, or nothing left of them.

A person is a contact: found by its id, or by one of their phones or e-mails. Export gathers
the contact, its channels, the interactions with them or naming them, and the audit rows that
mention them. Erase removes the contact and its channels, scrubs their name, phones and
e-mails from interaction texts and audit payloads (the one change audit rows ever get), and
leaves suppression hashes so a later import does not bring them back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.audit.changes import change
from crm_tui.domain.clients.records import search_keys_of
from crm_tui.domain.errors import NotFound
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.i18n import N_
from crm_tui.storage.models import (
    audit_entries,
    channels,
    clients,
    contacts,
    interactions,
    suppressions,
)

ERASED = "[erased]"


def digest(kind: str, value: str) -> str:
    """The suppression key of a normalised value (folded name, E.164 phone, e-mail)."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def suppressed(session: Session, kind: str, values: list[str]) -> set[str]:
    """Which of ``values`` (normalised) belong to erased people."""
    if not values:
        return set()
    wanted = {digest(kind, v): v for v in values}
    found = session.scalars(select(suppressions.c.digest).where(suppressions.c.digest.in_(sorted(wanted))))
    return {wanted[d] for d in found}


@dataclass(frozen=True)
class Person:
    contact_ids: list[int]
    names: list[str]
    values: list[str]


def _channel_values(who: str) -> list[str]:
    """The stored forms of the e-mails or phones in ``who``, read as the import reads them."""
    if "@" in who:
        return [e.value for e in normalise_emails(who).value]
    return [p.e164 for p in normalise_phones(who).value]


def find_person(session: Session, viewer: Viewer, who: str) -> Person:
    """``who`` is a contact id, a phone or an e-mail."""
    require(viewer, Capability.PRIVACY)
    text = who.strip()
    ids: set[int] = set()
    if text.isdigit() and len(text) < 10:
        ids.add(int(text))
    else:
        ids.update(
            session.scalars(
                select(channels.c.contact_id).where(
                    channels.c.value.in_(_channel_values(text)), channels.c.contact_id.is_not(None)
                )
            )
        )
    rows = session.execute(
        select(contacts.c.id, contacts.c.full_name).where(contacts.c.id.in_(sorted(ids)))
    ).all()
    if not rows:
        raise NotFound(
            "contact.unknown",
            N_("no contact person {who!r}: give a contact id, a phone or an e-mail"),
            who=who,
        )
    contact_ids = [r.id for r in rows]
    values = sorted(
        set(session.scalars(select(channels.c.value).where(channels.c.contact_id.in_(contact_ids))))
    )
    return Person(contact_ids, sorted({r.full_name for r in rows}), values)


def _mentions(person: Person) -> list[str]:
    return [t for t in [*person.names, *person.values] if t]


def export_person(session: Session, viewer: Viewer, who: str) -> dict[str, Any]:
    person = find_person(session, viewer, who)
    people = [
        dict(r._mapping)
        for r in session.execute(select(contacts).where(contacts.c.id.in_(person.contact_ids)))
    ]
    for p in people:
        p["client"] = session.scalar(select(clients.c.name).where(clients.c.id == p["client_id"]))
        p["channels"] = [
            {"kind": k, "value": v, "raw": raw}
            for k, v, raw in session.execute(
                select(channels.c.kind, channels.c.value, channels.c.raw).where(
                    channels.c.contact_id == p["id"]
                )
            )
        ]
    words = _mentions(person)
    touches = session.execute(
        select(interactions).where(
            or_(
                interactions.c.contact_id.in_(person.contact_ids),
                *[interactions.c.summary.contains(w) for w in words],
            )
        )
    ).all()
    trail = [
        dict(r._mapping)
        for r in session.execute(select(audit_entries).order_by(audit_entries.c.id))
        if any(w in json.dumps(r.changes, ensure_ascii=False) for w in words)
    ]
    return {"people": people, "interactions": [dict(t._mapping) for t in touches], "audit": trail}


def _scrub(value: Any, words: list[str]) -> Any:
    if isinstance(value, str):
        for w in words:
            value = value.replace(w, ERASED)
        return value
    if isinstance(value, list):
        return [_scrub(v, words) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, words) for k, v in value.items()}
    return value


def erase_person(session: Session, viewer: Viewer, now: datetime, who: str) -> dict[str, int]:
    """Remove the person everywhere; returns what was removed or scrubbed. The clients that held
    their contacts or channels change too: their search keys no longer hold the erased phones
    and e-mails, their version moves and their trail says a contact was erased."""
    person = find_person(session, viewer, who)
    words = sorted(_mentions(person), key=len, reverse=True)
    phones = [v for v in person.values if v.startswith("+")]
    emails = [v for v in person.values if "@" in v]
    scrubbed = 0
    for row in session.execute(
        select(interactions.c.id, interactions.c.summary).where(
            or_(
                interactions.c.contact_id.in_(person.contact_ids),
                *[interactions.c.summary.contains(w) for w in words],
            )
        )
    ).all():
        session.execute(
            update(interactions)
            .where(interactions.c.id == row.id)
            .values(summary=_scrub(row.summary, words), contact_id=None)
        )
        scrubbed += 1
    audited = 0
    for row in session.execute(select(audit_entries.c.id, audit_entries.c.changes)).all():
        if any(w in json.dumps(row.changes, ensure_ascii=False) for w in words):
            session.execute(
                update(audit_entries)
                .where(audit_entries.c.id == row.id)
                .values(changes=_scrub(row.changes, words))
            )
            audited += 1
    gone = or_(channels.c.contact_id.in_(person.contact_ids), channels.c.value.in_(person.values))
    holders = set(session.scalars(select(channels.c.client_id).where(gone)))
    holders |= set(session.scalars(select(contacts.c.client_id).where(contacts.c.id.in_(person.contact_ids))))
    removed_channels = session.connection().execute(delete(channels).where(gone)).rowcount
    session.execute(delete(contacts).where(contacts.c.id.in_(person.contact_ids)))
    for client_id, derived in search_keys_of(session, sorted(holders)).items():
        change(
            session,
            clients,
            client_id,
            derived,
            at=now,
            user_id=viewer.user_id,
            action="contact_erased",
            changes={"person": person.contact_ids[0]},
        )
    keys = (
        [("name", fold(n)) for n in person.names]
        + [("phone", p) for p in phones]
        + [("email", e) for e in emails]
    )
    session.execute(
        insert(suppressions),
        [{"kind": k, "digest": digest(k, v), "at": now, "user_id": viewer.user_id} for k, v in keys],
    )
    audit.record(
        session,
        at=now,
        user_id=viewer.user_id,
        entity="person",
        entity_id=person.contact_ids[0],
        action="erase",
        changes={"contacts": len(person.contact_ids), "channels": removed_channels},
    )
    return {
        "contacts": len(person.contact_ids),
        "channels": removed_channels,
        "interactions_scrubbed": scrubbed,
        "audit_rows_scrubbed": audited,
        "suppressed_keys": len(keys),
    }
