"""Client rows with their contacts and channels, and the search keys the app derives from them.

``name_key`` and ``search_text`` come from ``clients.search_keys.derived_keys`` with every phone and
e-mail of the client and of its contacts, exactly as ``create_client`` would store them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crm_tui.demo.forge import Company, Forge, Person
from crm_tui.demo.phrases import Phrases
from crm_tui.demo.plan import Book
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.storage.models import ChannelKind, ClientKind

Row = dict[str, Any]
PHONE, EMAIL, MESSENGER = ChannelKind.PHONE.value, ChannelKind.EMAIL.value, ChannelKind.MESSENGER.value
PERSON = ClientKind.PERSON.value
CONTACTS_PER_COMPANY = ((1, 45), (2, 80), (3, 100))  # cumulative percentages


@dataclass
class ClientBatch:
    clients: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    channels: list[Row] = field(default_factory=list)


@dataclass
class _Channels:
    client_id: int
    rows: list[Row]

    def add(self, contact_id: int | None, kind: str, value: str, raw: str, ext: str | None = None) -> None:
        self.rows.append(
            {
                "client_id": self.client_id,
                "contact_id": contact_id,
                "kind": kind,
                "value": value,
                "raw": raw,
                "extension": ext,
            }
        )


def _people_of(forge: Forge, company: Company) -> list[tuple[Person, str | None]]:
    if company.kind == PERSON:
        return []
    if company.owner is not None:  # an ИП: the entrepreneur is the contact
        return [(company.owner, None)]
    roll = forge.rng.random() * 100
    count = next(n for n, upto in CONTACTS_PER_COMPANY if roll < upto)
    positions: list[str] = []
    while len(positions) < count:  # one chief accountant per company
        title = forge.position()
        if title not in positions:
            positions.append(title)
    return [(forge.person(), title) for title in positions]


def client_batches(
    forge: Forge, book: Book, contact_base: int, now: datetime, size: int, phrases: Phrases
) -> Iterator[ClientBatch]:
    """Rows for every client of ``book`` in order; records each client's contact ids, and its
    name and INN (for the sales history), in ``book``."""
    rng = forge.rng
    next_contact = contact_base
    total = len(book.owner)
    for start in range(0, total, size):
        batch = ClientBatch()
        for index in range(start, min(total, start + size)):
            client_id = book.client_id(index)
            city = book.city[index]
            created = book.created[index]
            company = forge.company(city)
            chans: list[Row] = []

            channel = _Channels(client_id, chans)
            if company.domain is not None:
                office = forge.landline(city)
                channel.add(None, PHONE, office.e164, office.raw, office.extension)
                mail = forge.company_email(company.domain)
                channel.add(None, EMAIL, mail, mail.upper() if rng.random() < 0.05 else mail)
            else:
                mobile = forge.mobile()
                channel.add(None, PHONE, mobile.e164, mobile.raw)
            first_contact = next_contact + 1
            for person, position in _people_of(forge, company):
                next_contact += 1
                batch.contacts.append(
                    {
                        "id": next_contact,
                        "client_id": client_id,
                        "full_name": person.full_name,
                        "position": phrases[position] if position else None,
                        "created_at": created,
                    }
                )
                if company.domain is None or rng.random() < 0.75:
                    mobile = forge.mobile()
                    channel.add(next_contact, PHONE, mobile.e164, mobile.raw)
                if company.domain is not None and rng.random() < 0.65:
                    mail = forge.work_email(person, company.domain)
                    channel.add(next_contact, EMAIL, mail, mail)
                elif rng.random() < 0.5:
                    mail = forge.personal_email(person)
                    channel.add(next_contact, EMAIL, mail, mail)
                if rng.random() < 0.08:
                    handle = forge.messenger(person)
                    channel.add(next_contact, MESSENGER, handle, handle)
            if company.kind == PERSON and company.owner is not None and rng.random() < 0.5:
                mail = forge.personal_email(company.owner)
                channel.add(None, EMAIL, mail, mail)
            book.contacts.append(range(first_contact, next_contact + 1))
            book.names.append((company.name, company.inn))
            book.kinds.append(company.kind)
            phones = [c["value"] for c in chans if c["kind"] == PHONE]
            emails = [c["value"] for c in chans if c["kind"] == EMAIL]
            name_key, search = derived_keys(
                company.name, company.legal_form, company.inn, city.name, phones, emails
            )
            touched = created + (now - created) * (rng.random() * 0.5) + timedelta(minutes=5)
            batch.clients.append(
                {
                    "id": client_id,
                    "kind": company.kind,
                    "name": company.name,
                    "legal_form": company.legal_form,
                    "inn": company.inn,
                    "kpp": company.kpp,
                    "ogrn": company.ogrn,
                    "city": city.name,
                    "region": book.region[index].name,
                    "owner_id": book.owner[index],
                    "status": book.status[index].value,
                    "name_key": name_key,
                    "search_text": search,
                    "created_at": created,
                    "updated_at": min(now, touched),
                    "version": 1,
                }
            )
            batch.channels.extend(chans)
        yield batch
