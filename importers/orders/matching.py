"""Which client a document belongs to: by INN, then by name.

A name alone is trusted only when it points at exactly one client and that client's INN does
not contradict the document's: "Ромашка" in two cities, or a namesake with another INN, stay
unmatched and are reported rather than credited to the wrong company.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.i18n import N_, Message
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

    def match(self, inn: str | None, name_key: str, shown_name: str) -> tuple[int | None, Message | None]:
        """``(client id, None)`` or ``(None, why not)``."""
        if inn and inn in self.by_inn:
            return self.by_inn[inn][0].id, None  # branches share an INN: the first is the head office
        named = self.by_name.get(name_key, []) if name_key else []
        fitting = [c for c in named if c.inn is None or inn is None or c.inn == inn]
        if len(fitting) == 1:
            return fitting[0].id, None
        if len(fitting) > 1:
            return None, Message(
                "order.client_ambiguous",
                N_("{count} clients are named {name!r}: add the INN to the file"),
                count=len(fitting),
                name=shown_name,
            )
        if named:
            return None, Message(
                "order.client_other_inn",
                N_("client {client} is named {name!r} but has another INN"),
                client=named[0].id,
                name=shown_name,
            )
        if inn:
            return None, Message(
                "order.client_unknown",
                N_("no client with INN {inn} or named {name!r}"),
                inn=inn,
                name=shown_name,
            )
        return None, Message("order.client_unknown", N_("no client named {name!r}"), name=shown_name)
