"""A proposed pair of duplicates, and one client of it as the review puts it side by side."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    """Two clients that look like one company: ``score`` out of 100, ``sure`` when the rules
    would merge them without asking, and the reasons in words."""

    left: int
    right: int
    score: int
    sure: bool
    reasons: tuple[str, ...]
    family: tuple[int, ...] = ()
    """For branches of one company (one INN, several KPPs): every client of the INN. The family
    is proposed once, as its oldest record against the oldest of another KPP."""

    def as_json(self) -> dict[str, object]:
        return {
            "left": self.left,
            "right": self.right,
            "score": self.score,
            "sure": self.sure,
            "reasons": list(self.reasons),
            "family": list(self.family),
        }


SIDE_FIELDS = ("name", "legal_form", "inn", "kpp", "ogrn", "city", "region", "owner", "status")
"""The fields of a client compared side by side, in the order they are shown."""


@dataclass(frozen=True)
class ClientSide:
    """One client of a pair, as the review screen shows it."""

    id: int
    fields: dict[str, str]
    phones: list[str]
    emails: list[str]
    contacts: int
    deals: int
    sources: list[str]
