"""An audience read from a list (an xlsx file of clients): who was found, and which rows were
not, with their row numbers and why. Nothing is guessed: a row that names no client surely
stays out and is reported, and the campaign's own rules (consent, the stop list) still apply
to everyone found."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from crm_tui.domain.campaigns.letters import Letter
from crm_tui.domain.campaigns.setup import CampaignDraft
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import Message


@dataclass(frozen=True)
class UnmatchedRow:
    row: int
    reason: Message

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "code": self.reason.code, "reason": str(self.reason)}


@dataclass(frozen=True)
class AudienceList:
    file: str
    clients: tuple[int, ...]
    """The clients found, in the file's order, each once."""
    unmatched: tuple[UnmatchedRow, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "matched": len(self.clients),
            "clients": list(self.clients),
            "unmatched": [u.as_json() for u in self.unmatched],
        }


def with_list(draft: CampaignDraft, found: AudienceList) -> CampaignDraft:
    """The draft whose audience is the list's clients (other conditions of it still hold)."""
    return replace(draft, audience={**draft.audience, "clients": list(found.clients), "list": found.file})


class CampaignJobs(Protocol):
    """What the campaign editor is handed: a list read from a file (the importers do it) and a
    test letter sent now (the sending job does it)."""

    def read_audience_list(self, ws: Workspace, path: Path) -> AudienceList: ...

    def send_test_letter(self, ws: Workspace, letter: Letter, to: str | None = None) -> str: ...
