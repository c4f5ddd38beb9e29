"""An import batch as its caller sees it: the options it runs with, what it did, what undo took back.

Every import (clients, the sales history) runs as one batch (``crm_tui.importers.batch_run``)
and shares the options and counts below; each adds its own. A screen builds the options and
shows the summary; the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crm_tui.i18n import Message, _

if TYPE_CHECKING:
    from crm_tui.domain.documents.funnel import FunnelResult
    from crm_tui.domain.segments.recompute import RecomputeResult
    from crm_tui.storage.tables.sales import DocumentKind

CHUNK_ROWS = 5000
"""Client rows written in one transaction."""
PROBLEMS_SHOWN = 20
"""Problems a summary keeps in words; the rest are only counted (and kept in the error file)."""


def more_problems(count: int, errors_file: str | None) -> str:
    """The line after the problems a summary shows: how many more there are, and where."""
    if errors_file:
        return _("… and {count} more, all in the errors file").format(count=count)
    return _("… and {count} more").format(count=count)


@dataclass(frozen=True)
class BatchOptions:
    """What every import is told: which sheet, the person's column choices, whether to write."""

    sheet: str | int | None = None
    explicit: Mapping[str, str] = field(default_factory=dict)
    dry_run: bool = False
    errors_dir: Path | None = None
    """Where the rejected rows' workbook goes; by default next to the (first) imported file,
    never the process's working folder, which under cron is anything."""


@dataclass
class BatchSummary:
    """What every import reports: its batch (``None`` on a dry run), rows and records counted,
    the first problems (messages, worded when shown; ``problem_codes`` for scripts) and the
    error file that keeps the rejected rows."""

    batch: int | None
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors_file: str | None = None
    problems: list[Message] = field(default_factory=list)
    problems_total: int = 0
    """Every problem noted, the ones past ``PROBLEMS_SHOWN`` too (they are in the error file)."""

    def note(self, problem: Message) -> None:
        self.problems_total += 1
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(problem)

    @property
    def problems_left_out(self) -> int:
        """Problems counted but not kept in words: "… and 12 more, in the errors file"."""
        return self.problems_total - len(self.problems)

    def problem_texts(self) -> list[str]:
        """The problems in words, in the language in force (``--json``'s ``problems``)."""
        return [str(problem) for problem in self.problems]

    def problem_codes(self) -> list[dict[str, object]]:
        """The problems as a script reads them, in the same order: each one's code and the
        values it names (``--json``'s ``problem_codes``)."""
        return [problem.as_json() for problem in self.problems]


@dataclass(frozen=True)
class ImportOptions(BatchOptions):
    """A client import: also the owner of rows without a known one, and the chunk size."""

    owner_login: str | None = None
    chunk_rows: int = CHUNK_ROWS


@dataclass
class ImportSummary(BatchSummary):
    """A client import: clients created, enriched or left as they were, and what got in the way."""

    enriched: int = 0
    already_imported: int = 0
    merged: int = 0
    """Rows that were a client an earlier row of the same file made or enriched (counted once)."""
    conflicts: int = 0
    warnings: int = 0
    unmatched_owners: list[str] = field(default_factory=list)
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class OrdersOptions(BatchOptions):
    """The sales history: also the kind of document for a file without a kind column."""

    default_kind: DocumentKind | None = None


@dataclass
class OrdersSummary(BatchSummary):
    """The sales history: documents created or updated, the ones no client matched (kept), and
    the segments recomputed from them."""

    file: str = ""
    sheet: str = ""
    documents: int = 0
    lines_joined: int = 0
    updated: int = 0
    unmatched: int = 0
    matched_later: int = 0
    """Documents of earlier imports that found their client in this run."""
    columns: dict[str, str] = field(default_factory=dict)
    segments: RecomputeResult | None = None
    funnel: FunnelResult | None = None
    """The open deals the documents moved and the clients they made customers."""

    def as_json(self) -> dict[str, Any]:
        """``crm import orders --json``: every count, in the order scripts have always seen."""
        return {
            "batch": self.batch,
            "file": self.file,
            "sheet": self.sheet,
            "rows": self.rows,
            "documents": self.documents,
            "lines_joined": self.lines_joined,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "unmatched": self.unmatched,
            "matched_later": self.matched_later,
            "errors_file": self.errors_file,
            "problems": self.problem_texts(),
            "problem_codes": self.problem_codes(),
            "problems_total": self.problems_total,
            "columns": self.columns,
            "segments": self.segments.as_json() if self.segments else None,
            "funnel": self.funnel.as_json()
            if self.funnel
            else {"moved": [], "customers": [], "ambiguous": []},
        }


@dataclass
class UndoReport:
    """What taking a batch back removed or restored, and what it kept (someone's work since)."""

    batch: int
    clients_removed: int = 0
    fields_cleared: int = 0
    records_removed: int = 0
    documents_removed: int = 0
    documents_restored: int = 0
    kept: list[Message] = field(default_factory=list)
