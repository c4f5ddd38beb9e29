"""Creating clients one at a time, keeping their derived search keys right.

Bulk loaders (import, demo) write rows directly but must produce the same ``name_key`` and
``search_text``; they call ``search_keys.derived_keys``, as this module does, so the rule stays there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import require_seen_client, visible_clients
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.audit.changes import change
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.i18n import N_
from crm_tui.storage.tables.activity import interactions
from crm_tui.storage.tables.clients import channels, clients, contacts
from crm_tui.storage.tables.kinds import ChannelKind, ClientKind, ClientStatus
from crm_tui.storage.tables.team import users

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crm_tui.storage.units import Unit


@dataclass(frozen=True)
class ChannelDraft:
    kind: ChannelKind
    value: str
    raw: str = ""
    extension: str | None = None


@dataclass(frozen=True)
class ContactDraft:
    full_name: str
    position: str | None = None
    channels: Sequence[ChannelDraft] = ()


@dataclass(frozen=True)
class ClientDraft:
    name: str
    kind: ClientKind = ClientKind.COMPANY
    legal_form: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    city: str | None = None
    region: str | None = None
    owner_id: int | None = None
    status: ClientStatus = ClientStatus.LEAD
    channels: Sequence[ChannelDraft] = ()
    contacts: Sequence[ContactDraft] = field(default_factory=tuple)


def region_of_new_client(given: str | None, owner_region: str | None) -> str | None:
    """A new client without a region of its own is in its owner's: heads see and hand over
    clients by region, so a region-less client of a regional manager is lost to their head.
    One rule for whatever adds clients (the import, a dialog, `crm clients add`, a converted
    request)."""
    return given or owner_region


def create_client(session: Session, viewer: Viewer, draft: ClientDraft, now: datetime) -> int:
    from crm_tui.storage.records import (  # mapped only by the commands that add
        Client,
        Contact,
        ContactChannel,
    )

    name = draft.name.strip()
    if not name:
        raise InvalidInput("client.name_missing", N_("a client needs a name"), field="name")
    all_channels = list(draft.channels) + [ch for c in draft.contacts for ch in c.channels]
    phones = [c.value for c in all_channels if c.kind is ChannelKind.PHONE]
    emails = [c.value for c in all_channels if c.kind is ChannelKind.EMAIL]
    name_key, text = derived_keys(name, draft.legal_form, draft.inn, draft.city, phones, emails)
    owner_id = draft.owner_id if draft.owner_id is not None else viewer.user_id
    owner_region = (
        None
        if draft.region
        else session.execute(select(users.c.region).where(users.c.id == owner_id)).scalar_one_or_none()
    )
    client = Client(
        kind=draft.kind,
        name=name,
        legal_form=draft.legal_form,
        inn=draft.inn,
        kpp=draft.kpp,
        ogrn=draft.ogrn,
        city=draft.city,
        region=region_of_new_client(draft.region, owner_region),
        owner_id=owner_id,
        status=draft.status,
        name_key=name_key,
        search_text=text,
        created_at=now,
        updated_at=now,
    )
    session.add(client)
    session.flush()
    assert client.id is not None
    for ch in draft.channels:
        session.add(
            ContactChannel(
                client_id=client.id,
                kind=ch.kind,
                value=ch.value,
                raw=ch.raw or ch.value,
                extension=ch.extension,
            )
        )
    for c in draft.contacts:
        contact = Contact(client_id=client.id, full_name=c.full_name, position=c.position, created_at=now)
        session.add(contact)
        session.flush()
        for ch in c.channels:
            session.add(
                ContactChannel(
                    client_id=client.id,
                    contact_id=contact.id,
                    kind=ch.kind,
                    value=ch.value,
                    raw=ch.raw or ch.value,
                    extension=ch.extension,
                )
            )
    audit.record(
        session,
        at=now,
        user_id=viewer.user_id,
        entity="client",
        entity_id=client.id,
        action="create",
        changes={"name": name, "inn": draft.inn, "owner_id": client.owner_id},
    )
    session.flush()
    return client.id


def search_keys(session: Unit, client_id: int) -> dict[str, str]:
    """The client's ``name_key`` and ``search_text`` from its channels as they are now (a contact
    added or gone), written with the change, so `/` finds the client by the new phone and not by
    the old one."""
    return search_keys_of(session, [client_id])[client_id]


def search_keys_of(session: Unit, client_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """``search_keys`` of many clients in two queries per 900 ids; an id not in the base is
    left out."""
    found: dict[int, dict[str, str]] = {}
    c = clients.c
    for start in range(0, len(client_ids), 900):
        chunk = list(client_ids[start : start + 900])
        phones: dict[int, list[str]] = {i: [] for i in chunk}
        emails: dict[int, list[str]] = {i: [] for i in chunk}
        for owner, kind, value in session.execute(
            select(channels.c.client_id, channels.c.kind, channels.c.value).where(
                channels.c.client_id.in_(chunk)
            )
        ):
            if kind == ChannelKind.PHONE.value:
                phones[owner].append(value)
            elif kind == ChannelKind.EMAIL.value:
                emails[owner].append(value)
        for row in session.execute(select(c.id, c.name, c.legal_form, c.inn, c.city).where(c.id.in_(chunk))):
            name_key, text = derived_keys(
                row.name, row.legal_form, row.inn, row.city, sorted(phones[row.id]), sorted(emails[row.id])
            )
            found[row.id] = {"name_key": name_key[:300], "search_text": text[:2000]}
    return found


def add_contact(session: Session, viewer: Viewer, client_id: int, person: ContactDraft, now: datetime) -> int:
    """A contact person with their channels, on a client the viewer may see; audited."""
    from crm_tui.storage.records import Contact  # mapped only by the commands that add

    require_seen_client(session, viewer, client_id)
    name = " ".join(person.full_name.split())
    if not name:
        raise InvalidInput("contact.name_missing", N_("name: a contact person needs a name"), field="name")
    contact = Contact(
        client_id=client_id,
        full_name=name[:200],
        position=(person.position or "")[:200] or None,
        created_at=now,
    )
    session.add(contact)
    session.flush()
    assert contact.id is not None
    _put_channels(session, client_id, contact.id, person.channels)
    change(
        session,
        clients,
        client_id,
        search_keys(session, client_id),
        at=now,
        user_id=viewer.user_id,
        action="contact_added",
        changes={
            "contact": name,
            "position": person.position,
            "channels": [c.value for c in person.channels],
        },
    )
    return contact.id


def _put_channels(session: Session, client_id: int, contact_id: int, drafts: Sequence[ChannelDraft]) -> None:
    """The person's channels written (the caller changes the client, its search keys following)."""
    from crm_tui.storage.records import ContactChannel  # mapped only by the commands that add

    for ch in drafts:
        session.add(
            ContactChannel(
                client_id=client_id,
                contact_id=contact_id,
                kind=ch.kind,
                value=ch.value,
                raw=ch.raw or ch.value,
                extension=ch.extension,
            )
        )
    session.flush()


def _visible_contact(session: Session, viewer: Viewer, contact_id: int) -> tuple[int, str, str | None]:
    row = session.execute(
        select(contacts.c.client_id, contacts.c.full_name, contacts.c.position)
        .join(clients, clients.c.id == contacts.c.client_id)
        .where(contacts.c.id == contact_id, visible_clients(viewer))
    ).first()
    if row is None:
        raise not_found("contact", contact_id)
    return int(row.client_id), str(row.full_name), row.position


def edit_contact(
    session: Session, viewer: Viewer, contact_id: int, person: ContactDraft, now: datetime
) -> None:
    """Name, position and the whole set of the person's channels as now typed; audited with
    what was there before."""
    client_id, old_name, old_position = _visible_contact(session, viewer, contact_id)
    name = " ".join(person.full_name.split())
    if not name:
        raise InvalidInput("contact.name_missing", N_("name: a contact person needs a name"), field="name")
    before = list(session.scalars(select(channels.c.value).where(channels.c.contact_id == contact_id)))
    session.execute(
        update(contacts)
        .where(contacts.c.id == contact_id)
        .values(full_name=name, position=person.position or None)
    )
    session.execute(delete(channels).where(channels.c.contact_id == contact_id))
    _put_channels(session, client_id, contact_id, person.channels)
    after = [c.value for c in person.channels]
    changes: dict[str, object] = {"contact": name}
    if old_name != name:
        changes["name"] = [old_name, name]
    if (old_position or None) != (person.position or None):
        changes["position"] = [old_position, person.position]
    if sorted(before) != sorted(after):
        changes["channels"] = [before, after]
    change(
        session,
        clients,
        client_id,
        search_keys(session, client_id),
        at=now,
        user_id=viewer.user_id,
        action="contact_edited",
        changes=changes,
    )


def remove_contact(session: Session, viewer: Viewer, contact_id: int, now: datetime) -> None:
    """The person is gone (left, nobody knows where): removed with their channels; the audit
    row keeps who they were and how to reach them."""
    client_id, name, position = _visible_contact(session, viewer, contact_id)
    gone = list(session.scalars(select(channels.c.value).where(channels.c.contact_id == contact_id)))
    session.execute(delete(channels).where(channels.c.contact_id == contact_id))
    session.execute(
        update(interactions).where(interactions.c.contact_id == contact_id).values(contact_id=None)
    )
    session.execute(delete(contacts).where(contacts.c.id == contact_id))
    change(
        session,
        clients,
        client_id,
        search_keys(session, client_id),
        at=now,
        user_id=viewer.user_id,
        action="contact_removed",
        changes={"contact": name, "position": position, "channels": gone},
    )
