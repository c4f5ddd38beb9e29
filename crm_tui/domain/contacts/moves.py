"""A contact who moves to another company (seed 001): one person, one history.

The contact row follows the person to the new client; the old job is kept in ``contact_jobs``
and both clients' timelines say what happened. What the person carries along is what a sales
team would expect: the mobile phone and a private mailbox go with them, the office line and the
address at the old company's domain stay with the old company as its general channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit.changes import change
from crm_tui.domain.clients.records import search_keys
from crm_tui.domain.errors import InvalidInput, NotFound, not_found
from crm_tui.domain.values.requisites import normalise_inn
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.tables.clients import channels, clients, contact_jobs, contacts
from crm_tui.storage.tables.kinds import ChannelKind

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

PUBLIC_MAIL = frozenset(
    {
        "mail.ru", "bk.ru", "inbox.ru", "list.ru", "internet.ru", "yandex.ru", "ya.ru", "yandex.com",
        "rambler.ru", "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "icloud.com",
        "me.com", "yahoo.com", "proton.me", "protonmail.com",
    }
)  # fmt: skip


@dataclass(frozen=True)
class MoveResult:
    contact_id: int
    from_client: int
    to_client: int
    carried: list[str]
    """The channels that went with the person (normalised values)."""
    left: list[str]
    """The channels that stayed with the old company."""


@dataclass(frozen=True)
class Job:
    client_id: int
    client_name: str
    position: str | None
    until: datetime | None
    """When the person left; None for the current job."""


def goes_with_person(kind: str, value: str) -> bool:
    """A mobile (+79...), a messenger handle or a private mailbox belongs to the person."""
    if kind == ChannelKind.PHONE.value:
        return value.startswith("+79")
    if kind == ChannelKind.EMAIL.value:
        return value.rsplit("@", 1)[-1].lower() in PUBLIC_MAIL
    return True


def _client_name(session: Unit, viewer: Viewer, client_id: int) -> str:
    name = session.scalar(select(clients.c.name).where(clients.c.id == client_id, visible_clients(viewer)))
    if name is None:
        raise not_found("client", client_id)
    return str(name)


def _seen_contact(session: Unit, viewer: Viewer, contact_id: int, client_id: int) -> None:
    """A person at a client ``viewer`` does not see is "not found" as a missing one is: the
    refusal names the contact asked for, never the client behind it."""
    try:
        _client_name(session, viewer, client_id)
    except NotFound:
        raise not_found("contact", contact_id) from None


def find_client(session: Unit, viewer: Viewer, ref: str) -> int:
    """A client named by id or by INN ("7707083893", "ИНН 7707 083 893": read as the import
    reads it), as a person types it in the move dialog."""
    text = ref.strip()
    inn = None if text.isdigit() and len(text) < 10 else normalise_inn(text).value
    if inn is not None:
        found = list(
            session.scalars(
                select(clients.c.id).where(clients.c.inn == inn, visible_clients(viewer)).limit(2)
            )
        )
        if len(found) == 1:
            return int(found[0])
        if len(found) > 1:
            raise InvalidInput(
                "contact.company_ambiguous",
                N_("new company: INN {inn} belongs to several clients; give the client id"),
                inn=inn,
                field="to_client",
            )
        raise NotFound(
            "contact.company_unknown", N_("new company: no client with INN {inn}"), inn=inn, field="to_client"
        )
    if not text.isdigit():
        raise InvalidInput(
            "contact.company_unreadable",
            N_("new company: {ref!r} is neither a client id nor an INN"),
            ref=ref,
            field="to_client",
        )
    client_id = int(text)
    _client_name(session, viewer, client_id)
    return client_id


def move_contact(
    ws: Workspace, contact_id: int, to_client: str | int, position: str | None = None
) -> MoveResult:
    now = ws.now()
    with ws.write() as session:
        person = session.execute(select(contacts).where(contacts.c.id == contact_id)).first()
        if person is None:
            raise not_found("contact", contact_id)
        _seen_contact(session, ws.viewer, contact_id, person.client_id)
        target = to_client if isinstance(to_client, int) else find_client(session, ws.viewer, to_client)
        new_name = _client_name(session, ws.viewer, target)
        if target == person.client_id:
            raise InvalidInput(
                "contact.same_company",
                N_("{person} already works at «{client}»"),
                person=person.full_name,
                client=new_name,
                field="to_client",
            )
        new_position = " ".join((position or "").split()) or None
        session.execute(
            insert(contact_jobs).values(
                contact_id=contact_id,
                client_id=person.client_id,
                position=person.position,
                left_at=now,
                user_id=ws.viewer.user_id,
            )
        )
        session.execute(
            update(contacts)
            .where(contacts.c.id == contact_id)
            .values(client_id=target, position=new_position)
        )
        carried: list[str] = []
        left: list[str] = []
        for channel_id, kind, value in session.execute(
            select(channels.c.id, channels.c.kind, channels.c.value).where(
                channels.c.contact_id == contact_id
            )
        ):
            if goes_with_person(kind, value):
                session.execute(update(channels).where(channels.c.id == channel_id).values(client_id=target))
                carried.append(value)
            else:
                session.execute(update(channels).where(channels.c.id == channel_id).values(contact_id=None))
                left.append(value)
        for client_id, action, other in (
            (person.client_id, "contact_left", target),
            (target, "contact_joined", person.client_id),
        ):
            change(
                session,
                clients,
                client_id,
                search_keys(session, client_id),
                at=now,
                user_id=ws.viewer.user_id,
                action=action,
                changes={
                    "contact": person.full_name,
                    "company_id": other,
                    "position": new_position if action == "contact_joined" else person.position,
                },
            )
        return MoveResult(contact_id, person.client_id, target, carried, left)


def former_contacts(
    session: Unit, viewer: Viewer, client_id: int
) -> list[tuple[str, str | None, str, datetime]]:
    """People who worked at the client and moved on: name, position then, where now (named
    only if the viewer may see that client), when they left."""
    j = contact_jobs.c
    rows = session.execute(
        select(contacts.c.full_name, j.position, contacts.c.client_id, j.left_at)
        .select_from(contact_jobs.join(contacts, contacts.c.id == j.contact_id))
        .where(j.client_id == client_id)
        .order_by(j.left_at.desc())
        .limit(20)
    ).all()
    names = visible_names(session, viewer, {r.client_id for r in rows})
    return [(r.full_name, r.position, names.get(r.client_id, HIDDEN), r.left_at) for r in rows]


HIDDEN = "another client"
"""How a client the viewer may not see is named where a contact went or came from."""


def visible_names(session: Unit, viewer: Viewer, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = session.execute(
        select(clients.c.id, clients.c.name).where(clients.c.id.in_(ids), visible_clients(viewer))
    )
    return {row.id: row.name for row in found}


def contact_history(session: Unit, viewer: Viewer, contact_id: int) -> list[Job]:
    """The person's jobs, current first; only at clients the viewer may see."""
    person = session.execute(
        select(contacts.c.client_id, contacts.c.position, clients.c.name)
        .join(clients, clients.c.id == contacts.c.client_id)
        .where(contacts.c.id == contact_id)
    ).first()
    if person is None:
        raise not_found("contact", contact_id)
    _seen_contact(session, viewer, contact_id, person.client_id)
    j = contact_jobs.c
    past = session.execute(
        select(j.client_id, clients.c.name, j.position, j.left_at)
        .join(clients, clients.c.id == j.client_id)
        .where(j.contact_id == contact_id, visible_clients(viewer))
        .order_by(j.left_at.desc())
    )
    return [Job(person.client_id, person.name, person.position, None)] + [Job(*row) for row in past]
