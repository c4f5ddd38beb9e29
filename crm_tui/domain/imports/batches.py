"""An import batch as its caller sees it: the options it runs with, what it did, what undo took back.

A screen builds the options and shows the summary; the CLI prints it; the importers
(``crm_tui.importers``) fill it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crm_tui.domain.segments.recompute import RecomputeResult
    from crm_tui.storage.models import DocumentKind

CHUNK_ROWS = 5000
PROBLEMS_SHOWN = 20
SHOWN = 20


@dataclass(frozen=True)
class ImportOptions:
    sheet: str | int | None = None
    explicit: Mapping[str, str] = field(default_factory=dict)
    owner_login: str | None = None
    dry_run: bool = False
    errors_dir: Path | None = None
    """Where the rejected rows' workbook goes; by default next to the (first) imported file,
    never the process's working folder, which under cron is anything."""
    chunk_rows: int = CHUNK_ROWS


@dataclass
class ImportSummary:
    batch: int | None
    rows: int = 0
    created: int = 0
    enriched: int = 0
    unchanged: int = 0
    already_imported: int = 0
    rejected: int = 0
    conflicts: int = 0
    warnings: int = 0
    errors_file: str | None = None
    problems: list[str] = field(default_factory=list)
    unmatched_owners: list[str] = field(default_factory=list)
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)

    def note(self, problem: str) -> None:
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(problem)


@dataclass(frozen=True)
class OrdersOptions:
    sheet: str | int | None = None
    explicit: Mapping[str, str] = field(default_factory=dict)
    default_kind: DocumentKind | None = None
    dry_run: bool = False
    errors_dir: Path | None = None
    """Where the rejected rows' workbook goes; by default next to the (first) imported file,
    never the process's working folder, which under cron is anything."""


@dataclass
class OrdersSummary:
    batch: int | None
    file: str = ""
    sheet: str = ""
    rows: int = 0
    documents: int = 0
    lines_joined: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    unmatched: int = 0
    matched_later: int = 0
    """Documents of earlier imports that found their client in this run."""
    errors_file: str | None = None
    problems: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    segments: RecomputeResult | None = None

    def note(self, line: str) -> None:
        if len(self.problems) < SHOWN:
            self.problems.append(line)

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "segments"}
        data["segments"] = self.segments.as_json() if self.segments else None
        return data


@dataclass
class UndoReport:
    batch: int
    clients_removed: int = 0
    fields_cleared: int = 0
    records_removed: int = 0
    documents_removed: int = 0
    documents_restored: int = 0
    kept: list[str] = field(default_factory=list)
