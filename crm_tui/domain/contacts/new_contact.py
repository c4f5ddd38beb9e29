"""A contact person typed on the card or given to `crm contacts add`, read the way an import
reads a cell: several phones or e-mails in one field, 8 (495) ..., mailto: and the rest."""

from __future__ import annotations

from dataclasses import dataclass

from crm_tui.domain.clients.records import ChannelDraft, ContactDraft, add_contact, edit_contact
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.domain.values.text import normalise_person_name, normalise_text
from crm_tui.domain.values.typed import read_typed
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import ChannelKind


@dataclass(frozen=True)
class NewContact:
    full_name: str
    position: str = ""
    phone: str = ""
    email: str = ""
    messenger: str = ""


def contact_draft(new: NewContact) -> ContactDraft:
    """The contact to store; a field that cannot be read raises ``InvalidInput`` naming it."""
    name = normalise_person_name(new.full_name).value
    if not name:
        raise InvalidInput("contact.name_missing", N_("name: a contact person needs a name"), field="name")
    phones = read_typed("phone", normalise_phones, new.phone, N_("a phone number"), label=N_("phone"))
    emails = read_typed("email", normalise_emails, new.email, N_("an e-mail address"), label=N_("email"))
    found = [ChannelDraft(ChannelKind.PHONE, p.e164, p.raw[:500], p.extension) for p in phones]
    found += [ChannelDraft(ChannelKind.EMAIL, e.value, e.raw[:500]) for e in emails]
    for part in new.messenger.split(";"):
        handle = " ".join(part.split())
        if handle:
            found.append(ChannelDraft(ChannelKind.MESSENGER, handle[:320], handle[:500]))
    position = normalise_text(new.position).value
    return ContactDraft(name[:200], position[:200] if position else None, found)


def save_contact(ws: Workspace, client_id: int, new: NewContact) -> int:
    draft = contact_draft(new)
    with ws.write() as session:
        return add_contact(session, ws.viewer, client_id, draft, ws.now())


def update_contact(ws: Workspace, contact_id: int, new: NewContact) -> None:
    draft = contact_draft(new)
    with ws.write() as session:
        edit_contact(session, ws.viewer, contact_id, draft, ws.now())


def typed_back(full_name: str, position: str | None, found: list[tuple[str, str]]) -> NewContact:
    """A stored contact as the dialog shows it for editing: channels of a kind joined by "; "."""

    def of(kind: ChannelKind) -> str:
        return "; ".join(raw for k, raw in found if k == kind.value)

    return NewContact(
        full_name, position or "", of(ChannelKind.PHONE), of(ChannelKind.EMAIL), of(ChannelKind.MESSENGER)
    )
