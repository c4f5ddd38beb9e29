"""Which existing client an import row belongs to.

A row enriches a client that already has its valid INN, one of its phones or one of its
e-mails, instead of creating a second record. Two valid, different INNs are two legal entities
whatever else they share, and the same INN with a different KPP is a branch: neither is
matched here (duplicate review decides those, issue "Duplicates").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from crm_tui.domain.requisites import is_valid_inn
from importers.rows import ParsedRow
from storage.models import ChannelKind, channels, clients


@dataclass(frozen=True)
class Identity:
    """The matching keys of a client or a row."""

    inn: str | None
    kpp: str | None
    phones: frozenset[str]
    emails: frozenset[str]

    @classmethod
    def of_row(cls, row: ParsedRow) -> Identity:
        valid = row.keys.inn_valid if row.keys is not None else bool(row.inn) and is_valid_inn(row.inn or "")
        inn = row.inn if valid else None
        return cls(
            inn=inn,
            kpp=row.kpp,
            phones=frozenset(p.e164 for p in row.phones),
            emails=frozenset(e.value for e in row.emails),
        )

    def compatible(self, other: Identity) -> bool:
        """False when the two are certainly different legal entities or branches."""
        if self.inn and other.inn:
            if self.inn != other.inn:
                return False
            if self.kpp and other.kpp and self.kpp != other.kpp:
                return False
        return True

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
        """The first compatible client by INN, then phone, then e-mail."""
        candidates: list[int] = []
        if identity.inn:
            candidates.extend(self.by_inn.get(identity.inn, ()))
        for p in sorted(identity.phones):
            candidates.extend(self.by_phone.get(p, ()))
        for e in sorted(identity.emails):
            candidates.extend(self.by_email.get(e, ()))
        for client_id in candidates:
            if identity.compatible(self.identities[client_id]):
                return client_id
        return None


def _put(index: dict[str, list[int]], key: str, client_id: int) -> None:
    ids = index.setdefault(key, [])
    if client_id not in ids:
        ids.append(client_id)


def _merge(a: Identity, b: Identity) -> Identity:
    return Identity(
        inn=a.inn or b.inn, kpp=a.kpp or b.kpp, phones=a.phones | b.phones, emails=a.emails | b.emails
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
        ids.update(session.scalars(select(clients.c.id).where(clients.c.inn.in_(sorted(inns)))))
    conditions = []
    if phones:
        conditions.append(
            and_(channels.c.kind == ChannelKind.PHONE.value, channels.c.value.in_(sorted(phones)))
        )
    if emails:
        conditions.append(
            and_(channels.c.kind == ChannelKind.EMAIL.value, channels.c.value.in_(sorted(emails)))
        )
    if conditions:
        ids.update(session.scalars(select(channels.c.client_id).where(or_(*conditions))))
    ids -= set(index.identities)
    if not ids:
        return
    requisites = {
        client_id: (inn if inn and is_valid_inn(inn) else None, kpp)
        for client_id, inn, kpp in session.execute(
            select(clients.c.id, clients.c.inn, clients.c.kpp).where(clients.c.id.in_(sorted(ids)))
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
        inn, kpp = requisites[client_id]
        index.add(
            client_id,
            Identity(inn, kpp, frozenset(their_phones[client_id]), frozenset(their_emails[client_id])),
        )
