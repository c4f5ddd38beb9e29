"""What one chunk of an import made: the counts, and the rows a person should look at."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.i18n import Message


@dataclass
class ChunkResult:
    created: int = 0
    enriched: int = 0
    unchanged: int = 0
    conflicts: list[Message] = field(default_factory=list)
    flagged: list[tuple[ParsedRow, Message]] = field(default_factory=list)
    """Rows a conflict names, with it: the error file keeps them for a person to look at."""
    held: int = 0
    """Rows not imported because their INN is another company's (``another_company_by_name``)."""
    merged: int = 0
    """Rows that are a client an earlier row of the same file made or enriched: their data went
    into that client, which is counted once (so rows = created + enriched + unchanged + merged
    + rejected + held + already imported)."""

    def conflict(self, row: ParsedRow, problem: Message) -> None:
        self.conflicts.append(problem)
        self.flagged.append((row, problem))
