"""One import batch, whatever the file brings: the steps the client and the orders import share.

A batch is a row of ``import_batches``, opened before the first write (a dry run opens none) and
closed with its counts and an audit row in one transaction. Rows go to the database in chunks,
one short write transaction each; a dry run writes every chunk and rolls it back, so its counts
are the ones a real run would give. A rejected row is kept with its reason in the batch's error
file. What the rows are and how a chunk is written is each import's own
(``crm_tui.importers.clients.service``, ``crm_tui.importers.orders.service``); taking a batch
back is ``crm_tui.importers.batches``.

A batch tells the truth whatever happens to its process. It names the process that runs it
(``crm_tui.importers.process_identity``): a "running" batch whose process is gone is shown as
interrupted, and an import of the same files by the same person continues it (``resume``)
instead of opening another, so one undo takes back everything the files made. A batch that
stops on an error of any kind ends "failed" with the reason (``fail``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.audit import trail as audit
from crm_tui.domain.imports.batches import BatchOptions, BatchSummary
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.cells import storable_text
from crm_tui.domain.values.file_errors import not_a_file_reason
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.importers.files.error_file import KeptRows, RejectedRow, write_error_file
from crm_tui.importers.process_identity import is_gone, this_process
from crm_tui.storage.models import ImportStatus, import_batches
from crm_tui.storage.private_files import private_folder

logger = logging.getLogger(__name__)

INTERRUPTED_BY_USER = Message("import.interrupted", N_("interrupted (Ctrl+C)"))

Progress = Callable[[int], None]
"""Told the number of rows done so far, after every chunk."""
Summary = TypeVar("Summary", bound=BatchSummary)


class _RolledBack(Exception):
    """Raised at the end of a dry run's chunk, so its write transaction rolls back."""


FAILURE_CHARS = 2000
"""The length of ``import_batches.failure``."""


def stored_path(path: Path | str) -> str:
    """A file's path as the base keeps it: a name with bytes that are not UTF-8 (which Python
    holds as lone surrogates, and no database can store) has them as U+FFFD."""
    return storable_text(str(path)).value


def check_files(files: Iterable[Path]) -> None:
    """Every file is there, and each is given once; refused before anything is read or written.

    The same file twice (the same path however spelled, or the same bytes under another name)
    would count every row twice and repeat each warning: refused in one line naming both."""
    seen: list[tuple[Path, int, Path]] = []
    for path in files:
        if (reason := not_a_file_reason(path)) is not None:
            code = "missing" if not path.exists() else "not_a_file"
            raise ImportFileError(str(path), code, N_("{file}: {reason}"), reason=reason)
        where, size = path.resolve(), path.stat().st_size
        for other_where, other_size, other in seen:
            if other_where == where or (other_size == size and _same_bytes(other, path)):
                raise ImportFileError(
                    str(path), "twice", N_("{file}: the same file as {other}; give each file once"),
                    other=str(other),
                )  # fmt: skip
        seen.append((where, size, path))


def _same_bytes(one: Path, other: Path) -> bool:
    """Whether two files of the same size hold the same bytes (read in blocks, stopping at the
    first difference: two different exports of one size part early)."""
    with one.open("rb") as a, other.open("rb") as b:
        while True:
            block = a.read(1 << 20)
            if block != b.read(1 << 20):
                return False
            if not block:
                return True


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
        self.kept = KeptRows()
        """Rows for the error file: the rejected ones, and rows kept with a reason."""
        self.resumed: list[dict[str, object]] | None = None
        """The files of the interrupted batch this run continues (``resume``), as it left them."""
        self._done = 0

    def open(self, files: list[dict[str, object]], session: Session | None = None) -> int | None:
        """The batch row (none on a dry run), in ``session``'s transaction or one of its own;
        its id is also ``summary.batch``."""
        if self.dry_run:
            return None
        if session is None:
            with self.ws.write() as own:
                return self.open(files, own)
        me = this_process()
        self.summary.batch = session.execute(
            insert(import_batches)
            .values(
                kind=self.kind,
                user_id=self.ws.viewer.user_id,
                started_at=self.now,
                status=ImportStatus.RUNNING.value,
                files=files,
                pid=me.pid,
                host=me.host,
                process_started=me.started,
            )
            .returning(import_batches.c.id)
        ).scalar_one()
        return self.summary.batch

    def resume(self, files: list[dict[str, object]], session: Session) -> int | None:
        """Take over this person's interrupted or failed batch of exactly these ``files`` (the
        same contents, sheets and order: ``sha256`` and ``sheet`` of each entry), if there is one:
        its id, now run by this process; else ``None``. The take-over is one conditional update,
        so two imports started together cannot both continue the same batch."""
        if self.dry_run:
            return None
        wanted = [(f.get("sha256"), f.get("sheet")) for f in files]
        b = import_batches.c
        candidates = session.execute(
            select(b.id, b.status, b.files, b.pid, b.host, b.process_started)
            .where(
                b.kind == self.kind,
                b.user_id == self.ws.viewer.user_id,
                b.status.in_([ImportStatus.RUNNING.value, ImportStatus.FAILED.value]),
            )
            .order_by(b.id.desc())
            .limit(20)
        ).all()
        me = this_process()
        for found in candidates:
            if [(f.get("sha256"), f.get("sheet")) for f in found.files or []] != wanted:
                continue
            if found.status == ImportStatus.RUNNING.value and not is_gone(
                found.pid, found.host, found.process_started
            ):
                continue  # under way in another process
            claimed = session.connection().execute(
                update(import_batches)
                .where(
                    b.id == found.id,
                    b.status == found.status,
                    b.pid.is_(None) if found.pid is None else b.pid == found.pid,
                )
                .values(
                    status=ImportStatus.RUNNING.value,
                    pid=me.pid,
                    host=me.host,
                    process_started=me.started,
                    failure=None,
                )
            )
            if claimed.rowcount == 1:
                self.summary.batch = int(found.id)
                self.resumed = [dict(f) for f in found.files]
                return self.summary.batch
        return None

    def count(self, session: Session, counts: Mapping[str, int], files: list[dict[str, object]]) -> None:
        """Add a chunk's ``counts`` to the batch row and note its progress in ``files``, in the
        chunk's own transaction: a batch killed after it shows what it really did."""
        batch = self.summary.batch
        if batch is None or self.dry_run:
            return
        b = import_batches.c
        values: dict[str, Any] = {name: getattr(b, name) + n for name, n in counts.items() if n}
        session.execute(update(import_batches).where(b.id == batch).values(files=files, **values))

    def fail(self, error: BaseException) -> None:
        """The batch stopped on ``error``: "failed", with the reason in one line. Asked from an
        ``except`` clause, so it never raises itself: a base that cannot be written to leaves
        the batch "running", shown as interrupted once this process is gone."""
        batch = self.summary.batch
        if batch is None or self.dry_run:
            return
        reason = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, KeyboardInterrupt):
            reason = str(INTERRUPTED_BY_USER)
        reason = storable_text(reason).value[:FAILURE_CHARS]
        try:
            with self.ws.write() as session:
                session.execute(
                    update(import_batches)
                    .where(
                        import_batches.c.id == batch,
                        import_batches.c.status == ImportStatus.RUNNING.value,
                    )
                    .values(status=ImportStatus.FAILED.value, failure=reason, finished_at=self.ws.now())
                )
        except Exception:
            logger.warning("import batch %s: could not be marked failed", batch, exc_info=True)

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
            folder = first_file.parent
            if self.errors_dir is not None:
                folder = private_folder(self.errors_dir, ours=True)
            name = f"import-{self.summary.batch}-errors.xlsx"
            self.summary.errors_file = stored_path(write_error_file(folder / name, self.kept))

    def close(
        self,
        files: list[dict[str, object]],
        counts: Mapping[str, int] | None,
        changes: dict[str, object],
    ) -> None:
        """The batch done: its files, ``counts`` and error file on its row and ``changes`` in an
        audit row, in one transaction. ``counts`` fills the batch row's count columns (rows,
        created, enriched, unchanged, rejected, conflicts), which ``crm import list`` shows;
        ``None`` keeps the counts the chunks added (``count``)."""
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
                    failure=None,
                    **(counts or {}),
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
