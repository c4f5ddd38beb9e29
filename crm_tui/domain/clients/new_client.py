"""A client typed in by a person (the "New client" dialog, `crm clients add`).

What a person types is outside data like a managers' file: the same normalisers read it (the
legal form off the name, phones to E.164, e-mails lower-cased, the INN's checksum). Before it is
saved, the owners of its keys are looked up; if somebody already has the client the person is
told whose it is and nothing is saved unless they insist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, person, require
from crm_tui.domain.clients.overlap import Holder, who_has
from crm_tui.domain.clients.records import ChannelDraft, ClientDraft, create_client
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.legal_forms import split_legal_form
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.domain.values.requisites import normalise_inn_kpp
from crm_tui.domain.values.text import normalise_text
from crm_tui.domain.values.typed import read_typed
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import ChannelKind, ClientStatus, users


@dataclass(frozen=True)
class NewClient:
    name: str
    inn: str = ""
    phone: str = ""
    email: str = ""
    city: str = ""
    region: str = ""
    owner_id: int | None = None


@dataclass
class Added:
    """``client_id`` is None when nothing was saved because ``holders`` already have the client."""

    client_id: int | None
    holders: list[Holder] = field(default_factory=list)


def draft_of(new: NewClient, default_owner: int) -> ClientDraft:
    """The client to store; a field that cannot be read raises ``InvalidInput`` naming it."""
    split = split_legal_form(new.name.strip())
    if not split.value.name:
        raise InvalidInput("client.name_missing", N_("name: a client needs a name"), field="name")
    inn, kpp = read_typed("inn", normalise_inn_kpp, new.inn, N_("an INN"), label=N_("inn"))
    phones = read_typed("phone", normalise_phones, new.phone, N_("a phone number"), label=N_("phone"))
    emails = read_typed("email", normalise_emails, new.email, N_("an e-mail address"), label=N_("e-mail"))
    channels = [ChannelDraft(ChannelKind.PHONE, p.e164, p.raw[:500], p.extension) for p in phones]
    channels += [ChannelDraft(ChannelKind.EMAIL, e.value, e.raw[:500]) for e in emails]
    return ClientDraft(
        name=split.value.name,
        legal_form=split.value.form,
        inn=inn,
        kpp=kpp,
        city=normalise_text(new.city).value,
        region=normalise_text(new.region).value,
        owner_id=new.owner_id if new.owner_id is not None else default_owner,
        status=ClientStatus.LEAD,
        channels=channels,
    )


def add_client(ws: Workspace, new: NewClient, *, anyway: bool = False) -> Added:
    """Save ``new`` unless its INN, phone or e-mail already belongs to a client (then say whose),
    or ``anyway`` (a branch, a second legal entity of a holding: the person knows)."""
    draft = draft_of(new, ws.viewer.user_id)
    with ws.write() as session:
        if new.owner_id is not None:
            may_give(session, ws.viewer, new.owner_id)
        holders = who_has(
            session,
            ws.viewer,
            inn=draft.inn,
            phones=[c.value for c in draft.channels if c.kind is ChannelKind.PHONE],
            emails=[c.value for c in draft.channels if c.kind is ChannelKind.EMAIL],
        )
        if holders and not anyway:
            return Added(None, holders)
        return Added(create_client(session, ws.viewer, draft, ws.now()), holders)


def may_give(session: Session, viewer: Viewer, owner_id: int) -> None:
    """Refuse a new client named as ``owner_id``'s unless ``viewer`` may give clients to them
    (the table's ``give_clients``: a manager keeps what they add, a head gives within the
    region): a client given to a stranger vanished from its creator's list."""
    row = session.execute(select(users.c.region, users.c.login).where(users.c.id == owner_id)).first()
    if row is None:
        raise InvalidInput("client.owner_unknown", N_("owner: no user {id}"), id=owner_id, field="owner")
    require(viewer, Capability.GIVE_CLIENTS, person(owner_id, row.region, row.login))
