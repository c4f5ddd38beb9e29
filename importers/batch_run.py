"""One import batch, whatever the file brings: the steps the client and the orders import share.

A batch is a row of ``import_batches``, opened before the first write (a dry run opens none) and
closed with its counts and an audit row in one transaction. Rows go to the database in chunks,
one short write transaction each; a dry run writes every chunk and rolls it back, so its counts
are the ones a real run would give. A rejected row is kept with its reason in the batch's error
file. What the rows are and how a chunk is written is each import's own
(``crm_tui.importers.clients.service``, ``crm_tui.importers.orders.service``); taking a batch
back is ``crm_tui.importers.batches``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import insert, update
from sqlmodel import Session

from crm_tui.domain.audit import trail as audit
from crm_tui.domain.imports.batches import BatchOptions, BatchSummary
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.importers.files.error_file import RejectedRow, write_error_file
from crm_tui.storage.models import ImportStatus, import_batches

Progress = Callable[[int], None]
"""Told the number of rows done so far, after every chunk."""
Summary = TypeVar("Summary", bound=BatchSummary)


class _RolledBack(Exception):
    """Raised at the end of a dry run's chunk, so its write transaction rolls back."""


def check_files(files: Iterable[Path]) -> None:
    """Every file is there; refused before anything is read or written."""
    for path in files:
        if not path.is_file():
            raise ImportFileError(str(path), "missing", N_("{file}: no such file"))


class BatchRun(Generic[Summary]):
    """A batch under way: its row, its chunks, its rejected rows and its counts in ``summary``."""

    def __init__(
        self,
        ws: Workspace,
        kind: str,
        options: BatchOptions,
        summary: Summary,
        progress: Progress | None = None,
    ) -> None:
        self.ws = ws
        self.kind = kind
        self.dry_run = options.dry_run
        self.errors_dir = options.errors_dir
        self.summary = summary
        self.progress = progress
        self.now = ws.now()
        self.kept: list[RejectedRow] = []
        """Rows for the error file: the rejected ones, and rows kept with a reason."""
        self._done = 0

    def open(self, files: list[dict[str, object]], session: Session | None = None) -> int | None:
        """The batch row (none on a dry run), in ``session``'s transaction or one of its own;
        its id is also ``summary.batch``."""
        if self.dry_run:
            return None
        if session is None:
            with self.ws.write() as own:
                return self.open(files, own)
        self.summary.batch = session.execute(
            insert(import_batches)
            .values(
                kind=self.kind,
                user_id=self.ws.viewer.user_id,
                started_at=self.now,
                status=ImportStatus.RUNNING.value,
                files=files,
            )
            .returning(import_batches.c.id)
        ).scalar_one()
        return self.summary.batch

    @contextmanager
    def chunk(self, *, bulk: bool = False) -> Iterator[tuple[Session, int]]:
        """One chunk's write transaction and the batch id its rows carry.

        A dry run's chunk is written under a throw-away batch row, which keeps the change log's
        foreign keys satisfied, and rolled back with it: no trace is left. ``bulk`` asks for a
        bulk write (``crm_tui.storage.database.write_session``) on a real run.
        """
        try:
            with self.ws.write(bulk=bulk and not self.dry_run) as session:
                if self.dry_run:
                    scratch = session.execute(
                        insert(import_batches)
                        .values(kind="dry-run", user_id=self.ws.viewer.user_id, started_at=self.now, files=[])
                        .returning(import_batches.c.id)
                    ).scalar_one()
                    yield session, scratch
                    raise _RolledBack
                assert self.summary.batch is not None, "open the batch before writing to it"
                yield session, self.summary.batch
        except _RolledBack:
            pass

    def advance(self, rows: int) -> None:
        """``rows`` more rows are done: the progress callback hears the total so far."""
        self._done += rows
        if self.progress is not None:
            self.progress(self._done)

    def reject(self, row: RejectedRow, problem: Message) -> None:
        """A row that cannot be imported: counted, ``problem`` noted, the row kept for the error
        file."""
        self.kept.append(row)
        self.summary.rejected += 1
        self.summary.note(problem)

    def keep(self, row: RejectedRow) -> None:
        """A row imported, yet kept in the error file too (a document no client matched)."""
        self.kept.append(row)

    def write_errors(self, first_file: Path) -> None:
        """The kept rows' workbook, named for the batch, in ``errors_dir`` or else beside the
        (first) imported file; a dry run writes none."""
        if self.kept and not self.dry_run:
            folder = self.errors_dir or first_file.parent
            name = f"import-{self.summary.batch}-errors.xlsx"
            self.summary.errors_file = str(write_error_file(folder / name, self.kept))

    def close(
        self, files: list[dict[str, object]], counts: Mapping[str, int], changes: dict[str, object]
    ) -> None:
        """The batch done: its files, ``counts`` and error file on its row and ``changes`` in an
        audit row, in one transaction. ``counts`` fills the batch row's count columns (rows,
        created, enriched, unchanged, rejected, conflicts), which ``crm import list`` shows."""
        batch = self.summary.batch
        if batch is None:
            return
        now = self.ws.now()
        with self.ws.write() as session:
            session.execute(
                update(import_batches)
                .where(import_batches.c.id == batch)
                .values(
                    status=ImportStatus.DONE.value,
                    files=files,
                    finished_at=now,
                    errors_file=self.summary.errors_file,
                    **counts,
                )
            )
            audit.record(
                session,
                at=now,
                user_id=self.ws.viewer.user_id,
                entity="import_batch",
                entity_id=batch,
                action=self.kind,
                changes=changes,
            )
