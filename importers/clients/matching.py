"""Which existing client an import row belongs to.

A row enriches a client that shares a key with it (valid INN, phone, e-mail) when the
duplicate rules (``crm_tui.importers.dedup.rules.judge``) are sure they are one company, instead of
creating a second record. Two valid, different INNs are two legal entities whatever else they
share; the same INN with a different KPP is a branch; a phone shared with a different name is
a switchboard: none of these is matched here, and the duplicate scan proposes the doubtful ones
to a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.requisites import is_valid_inn
from crm_tui.importers.clients.row_keys import keys_of
from crm_tui.importers.dedup.names import company_name
from crm_tui.importers.dedup.rules import INN_SURE_NAME, Record, judge, name_similarity
from crm_tui.storage.bulk import among
from crm_tui.storage.models import ChannelKind, channels, clients


class Identity(NamedTuple):
    """The matching keys of a client or a row; ``name`` is ``company_name`` of its name.

    A named tuple, not a frozen dataclass: an import makes one for every row, and a frozen
    dataclass sets each of its six fields through ``object.__setattr__``."""

    inn: str | None
    kpp: str | None
    phones: frozenset[str]
    emails: frozenset[str]
    name: str = ""
    city: str | None = None

    @classmethod
    def of_row(cls, row: ParsedRow) -> Identity:
        keys = keys_of(row)
        return cls(
            row.inn if keys.inn_valid else None,
            row.kpp,
            frozenset([p.e164 for p in row.phones]),
            frozenset([e.value for e in row.emails]),
            keys.company,
            keys.city_key,
        )

    def record(self, client_id: int) -> Record:
        return Record(client_id, self.name, self.inn, self.kpp, self.city, self.phones, self.emails)

    def same_client(self, other: Identity) -> bool:
        """Whether a row is this client by the duplicate rules: only a sure verdict enriches
        (a shared switchboard phone with another name does not)."""
        if not self.shares_key_with(other):
            return False
        verdict = judge(self.record(0), other.record(1))
        return verdict is not None and verdict.sure

    def another_company_by_name(self, client: Identity) -> bool:
        """A row that shares only the INN of ``client`` but names plainly another company (a
        mistyped INN, a manager's wrong paste): the rules call one INN one company, yet
        enriching it would write one company's phones and people into another's card, so the
        import holds the row for a person instead."""
        if not (self.inn and self.inn == client.inn and self.name and client.name):
            return False
        if self.phones & client.phones or self.emails & client.emails:
            return False  # another key agrees: a renamed company, not another one
        return name_similarity(self.name, client.name) < INN_SURE_NAME

    def shares_key_with(self, other: Identity) -> bool:
        return bool(
            (self.inn and self.inn == other.inn) or self.phones & other.phones or self.emails & other.emails
        )


@dataclass
class KeyIndex:
    """Keys to client ids (existing ids, or negative placeholders for rows not yet inserted)."""

    by_inn: dict[str, list[int]] = field(default_factory=dict)
    by_phone: dict[str, list[int]] = field(default_factory=dict)
    by_email: dict[str, list[int]] = field(default_factory=dict)
    identities: dict[int, Identity] = field(default_factory=dict)

    def add(self, client_id: int, identity: Identity) -> None:
        old = self.identities.get(client_id)
        merged = identity if old is None else _merge(old, identity)
        self.identities[client_id] = merged
        if merged.inn:
            _put(self.by_inn, merged.inn, client_id)
        for p in merged.phones:
            _put(self.by_phone, p, client_id)
        for e in merged.emails:
            _put(self.by_email, e, client_id)

    def find(self, identity: Identity) -> int | None:
        """The first client the row surely is, by INN, then phone, then e-mail."""
        candidates: list[int] = []
        if identity.inn:
            candidates.extend(self.by_inn.get(identity.inn, ()))
        # Sorted so that the first sure match does not depend on set order; one key needs none.
        for p in sorted(identity.phones) if len(identity.phones) > 1 else identity.phones:
            candidates.extend(self.by_phone.get(p, ()))
        for e in sorted(identity.emails) if len(identity.emails) > 1 else identity.emails:
            candidates.extend(self.by_email.get(e, ()))
        for client_id in candidates:
            if identity.same_client(self.identities[client_id]):
                return client_id
        return None


def shared_keys(identities: list[Identity], index: KeyIndex) -> tuple[set[str], set[str], set[str]]:
    """The INNs, phones and e-mails that more than one of ``identities`` has, or a client in
    ``index`` has: a row with none of them can be no other row's client nor any existing one's,
    so it is a new client without a look in the index (most rows of a file: the lookups and the
    index of every row cost a tenth of the importing process)."""
    inns = [i.inn for i in identities if i.inn]
    phones = [p for i in identities for p in i.phones]
    emails = [e for i in identities for e in i.emails]
    return (
        _repeated(inns, index.by_inn),
        _repeated(phones, index.by_phone),
        _repeated(emails, index.by_email),
    )


def _repeated(keys: list[str], known: dict[str, list[int]]) -> set[str]:
    if len(set(keys)) == len(keys):
        return {k for k in keys if k in known} if known else set()
    return {k for k, n in Counter(keys).items() if n > 1} | {k for k in keys if k in known}


def _put(index: dict[str, list[int]], key: str, client_id: int) -> None:
    ids = index.get(key)
    if ids is None:
        index[key] = [client_id]  # the usual key, seen first: no empty list made to be thrown away
    elif client_id not in ids:
        ids.append(client_id)


def _merge(a: Identity, b: Identity) -> Identity:
    return Identity(
        inn=a.inn or b.inn,
        kpp=a.kpp or b.kpp,
        phones=a.phones | b.phones,
        emails=a.emails | b.emails,
        name=a.name or b.name,
        city=a.city or b.city,
    )


def load_existing(session: Session, identities: Iterable[Identity], index: KeyIndex) -> None:
    """Add to ``index`` every existing client that shares a key with ``identities``."""
    inns: set[str] = set()
    phones: set[str] = set()
    emails: set[str] = set()
    for identity in identities:
        if identity.inn:
            inns.add(identity.inn)
        phones |= identity.phones
        emails |= identity.emails
    ids: set[int] = set()
    if inns:
        ids.update(session.scalars(select(clients.c.id).where(among(session, clients.c.inn, sorted(inns)))))
    conditions = []
    if phones:
        conditions.append(
            and_(channels.c.kind == ChannelKind.PHONE.value, among(session, channels.c.value, sorted(phones)))
        )
    if emails:
        conditions.append(
            and_(channels.c.kind == ChannelKind.EMAIL.value, among(session, channels.c.value, sorted(emails)))
        )
    if conditions:
        ids.update(session.scalars(select(channels.c.client_id).where(or_(*conditions))))
    ids -= set(index.identities)
    if not ids:
        return
    requisites = {
        client_id: (
            inn if inn and is_valid_inn(inn) else None,
            kpp,
            company_name(name),
            fold(city) if city else None,
        )
        for client_id, inn, kpp, name, city in session.execute(
            select(clients.c.id, clients.c.inn, clients.c.kpp, clients.c.name, clients.c.city).where(
                clients.c.id.in_(sorted(ids))
            )
        )
    }
    their_phones: dict[int, set[str]] = {i: set() for i in requisites}
    their_emails: dict[int, set[str]] = {i: set() for i in requisites}
    for client_id, kind, value in session.execute(
        select(channels.c.client_id, channels.c.kind, channels.c.value).where(
            channels.c.client_id.in_(sorted(ids))
        )
    ):
        (their_phones if kind == ChannelKind.PHONE.value else their_emails)[client_id].add(value)
    for client_id in sorted(requisites):
        inn, kpp, name, city = requisites[client_id]
        index.add(
            client_id,
            Identity(
                inn, kpp, frozenset(their_phones[client_id]), frozenset(their_emails[client_id]), name, city
            ),
        )
