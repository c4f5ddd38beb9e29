"""The duplicate work the review screen starts, as the screen sees it: a port the app fills.

The scan is ``crm_tui.importers.dedup``, which screens may not import (shared/DESIGN.md); the
app hands the review one object with these methods (``crm_tui.jobs``), a test may hand it a
fake. Each may be slow and is called from a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from crm_tui.domain.clients.merges import MergeResult
    from crm_tui.domain.duplicates.pairs import ClientSide, Pair
    from crm_tui.domain.workspace import Workspace


class DuplicateJobs(Protocol):
    """Find pairs of clients that look like one company, show one side, merge a pair."""

    def scan(self, ws: Workspace) -> list[Pair]:
        """Every pair among the clients the user may see, best first, whatever its score (the
        review hides those below the team's threshold, ``duplicates.threshold``)."""
        ...

    def side(self, ws: Workspace, client_id: int) -> ClientSide:
        """One client of a pair as the review compares it."""
        ...

    def merge(
        self, ws: Workspace, survivor: int, others: Sequence[int], take: Mapping[str, int] | None = None
    ) -> MergeResult:
        """Merge ``others`` into ``survivor``; ``take`` names, per field, whose value to keep."""
        ...
