"""What the inbound screen asks of the mailbox reader (``crm_tui.scheduling.inbound_mail``),
which screens may not import: the app hands them an object with this method (``crm_tui.jobs``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from crm_tui.domain.workspace import Workspace


@dataclass(frozen=True, slots=True)
class MailReading:
    """One mailbox read once: how many mails, what became of them, and why it stopped if it did."""

    name: str
    read: int
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str | None = None


class MailJobs(Protocol):
    def read_mailbox_now(self, ws: Workspace, name: str) -> MailReading:
        """Read the mailbox ``name`` once, now (on or off), as `crm inbound mail` would."""
        ...
