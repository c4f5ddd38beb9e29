"""What an action is on (``Target``): whose it is, in which region, and how a refusal names
it; made from a client, a request or a colleague. ``capabilities.covers`` says whether a scope
reaches one.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_tui.i18n import N_, Message, Phrase
from crm_tui.storage.tables.kinds import ClientStatus

IT = Phrase(N_("it"))
"""How a refusal names a target that has no name."""


@dataclass(frozen=True)
class Target:
    """What an action is on: whose it is, in which region, and how a refusal names it.

    ``owner_id`` is the owner of a client or deal, the assignee of a task, the author of an
    import batch, or the person themselves; ``region`` is the client's region, or the region of
    the deal's owner or of the person. ``lead``: an inbound lead (an unowned one belongs to its
    region's managers to take)."""

    owner_id: int | None
    region: str | None = None
    name: str | Message = IT
    lead: bool = False
    common: bool = False
    """A request nobody owns and no region claims: in every region (the common queue)."""
    seen_by: int | None = None
    """Somebody else who sees the target though it is not in their scope (a task's setter)."""
    colleague: bool = False
    """A person (``person``): the one something is given to, never "not found"."""

    @property
    def record(self) -> tuple[str, object] | None:
        """The kind and id of the record the target is (``name``'s code and id: "deal", 98),
        for its "not found"; None for a person or a target without a name."""
        name = self.name
        if isinstance(name, Message) and name.code and "id" in name.params:
            return name.code, name.params["id"]
        return None


def client_target(client_id: int, owner_id: int | None, region: str | None, status: str | None) -> Target:
    """A client row as the target: its owner, its region, whether it is a lead."""
    return Target(
        owner_id,
        region,
        Message("client", N_("client {id}"), id=client_id),
        lead=status == ClientStatus.LEAD.value,
    )


def lead_target(lead_id: int, owner_id: int | None, region: str | None) -> Target:
    """A request as the target: its owner, its region; one nobody owns yet is its region's to
    take, as an unowned lead client is."""
    return Target(
        owner_id,
        region,
        Message("lead", N_("request {id}"), id=lead_id),
        lead=True,
        common=owner_id is None and region is None,
    )


def person(user_id: int, region: str | None, login: str) -> Target:
    """A colleague as the target (the receiver of a handover or of a lost deal)."""
    return Target(user_id, region, login, colleague=True)
