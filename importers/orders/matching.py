"""Which client a document belongs to: by INN, then by name.

A name alone is trusted only when it points at exactly one client and that client's INN does
not contradict the document's: "Ромашка" in two cities, or a namesake with another INN, stay
unmatched and are reported rather than credited to the wrong company.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from crm_tui.storage.models import clients

_IN_CHUNK = 900


@dataclass(frozen=True)
class Candidate:
    id: int
    inn: str | None


@dataclass
class ClientIndex:
    by_inn: dict[str, list[Candidate]] = field(default_factory=dict)
    by_name: dict[str, list[Candidate]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, inns: Iterable[str], name_keys: Iterable[str]) -> ClientIndex:
        index = cls()
        c = clients.c
        for column, keys, target in (
            (c.inn, sorted(set(inns)), index.by_inn),
            (c.name_key, sorted(set(name_keys)), index.by_name),
        ):
            for start in range(0, len(keys), _IN_CHUNK):
                chunk = keys[start : start + _IN_CHUNK]
                for client_id, inn, key in session.execute(
                    select(c.id, c.inn, column).where(column.in_(chunk)).order_by(c.id)
                ):
                    target.setdefault(key, []).append(Candidate(client_id, inn))
        return index

    def match(self, inn: str | None, name_key: str, shown_name: str) -> tuple[int | None, str | None]:
        """``(client id, None)`` or ``(None, why not)``."""
        if inn and inn in self.by_inn:
            return self.by_inn[inn][0].id, None  # branches share an INN: the first is the head office
        named = self.by_name.get(name_key, []) if name_key else []
        fitting = [c for c in named if c.inn is None or inn is None or c.inn == inn]
        if len(fitting) == 1:
            return fitting[0].id, None
        if len(fitting) > 1:
            return None, f"{len(fitting)} clients are named {shown_name!r}: add the INN to the file"
        if named:
            return None, f"client {named[0].id} is named {shown_name!r} but has another INN"
        if inn:
            return None, f"no client with INN {inn} or named {shown_name!r}"
        return None, f"no client named {shown_name!r}"
