"""Whose client a row is: the "Ответственный" column matched to a CRM user.

Managers write themselves as "Петров", "Петров А.", "Петров Андрей" or by login; a surname is
taken only when one user has it, so two Ивановы never swap clients by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.values.folding import fold
from crm_tui.storage.models import users


@dataclass
class OwnerResolver:
    default_id: int
    exact: dict[str, int] = field(default_factory=dict)
    surnames: dict[str, int | None] = field(default_factory=dict)
    regions: dict[int, str | None] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    unmatched: set[str] = field(default_factory=set)
    outside: set[int] = field(default_factory=set)
    """The users the importer may not give clients to (the table's ``give_clients``): a row
    naming one of them stays the importer's, with a warning (``refused``)."""
    _resolved: dict[str, int] = field(default_factory=dict)
    """A file names the same few managers a hundred thousand times."""
    _refused: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, default_id: int) -> OwnerResolver:
        resolver = cls(default_id=default_id)
        for user_id, login, full_name, region, active in session.execute(
            select(users.c.id, users.c.login, users.c.full_name, users.c.region, users.c.active)
        ):
            resolver.regions[user_id] = region
            resolver.names[user_id] = full_name
            if not active:
                continue
            resolver.exact[fold(login)] = user_id
            resolver.exact[fold(full_name)] = user_id
            surname = fold(full_name).split(" ")[0] if full_name.strip() else ""
            if surname:
                resolver.surnames[surname] = None if surname in resolver.surnames else user_id
        return resolver

    def resolve(self, text: str | None) -> int:
        if not text:
            return self.default_id
        found = self._resolved.get(text)
        if found is None:
            found = self._match(text)
            found = self._resolved[text] = self.default_id if found in self.outside else found
        return found

    def refused(self, text: str | None) -> str | None:
        """The name of the user ``text`` names when the importer may not give them clients
        (the row's client is the importer's instead), else None."""
        if not text or not self.outside:
            return None
        if text not in self._refused:
            found = self._match(text)
            self._refused[text] = self.names.get(found) if found in self.outside else None
        return self._refused[text]

    def handed_out(self) -> set[int]:
        """Every user id ``resolve`` has returned so far."""
        return {self.default_id, *self._resolved.values()}

    def _match(self, text: str) -> int:
        if not text.strip():
            return self.default_id
        key = fold(text)
        if key in self.exact:
            return self.exact[key]
        surname = key.replace(".", " ").split(" ")[0]
        found = self.surnames.get(surname)
        if found is not None:
            return found
        self.unmatched.add(text.strip())
        return self.default_id
