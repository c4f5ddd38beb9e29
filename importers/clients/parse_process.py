"""Parsing a big sheet in a second process while this one writes the database.

Normalising a row (phones, e-mails, INN checksums, legal forms, dates, amounts) costs about as
much CPU as storing it, and both are pure Python under one GIL, so a 100,000-row file would
take the sum of the two. A child process parses and sends chunks of ``ParsedRow`` through a
bounded queue (so a slow database never lets parsed rows pile up in memory) and the importer
loads each chunk as it arrives: the two overlap on two cores.

The child is a fresh interpreter, not a fork: the importer may run in a Textual worker thread,
and forking a process that has threads is unsafe. It reads the file (a sheet cannot be handed
over), finds the header and sends it here (``ParsingProcess.table``); this process chooses the
mapping and the child parses with it. The file is read once, by the child: calamine holds a
whole sheet in memory (about a gigabyte for a million rows) and reading it takes a second per
100,000 rows, which this process used to spend too, reading the same sheet for its header.
Small files are parsed in this process: starting an interpreter costs more than they take.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue as queue_module
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

import crm_tui
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.imports.mapping import ColumnMap
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.parent_watch import PARENT_ENV
from crm_tui.importers.clients.row_wire import WireChunk, from_wire, to_wire
from crm_tui.importers.clients.rows import RowParser, Table, open_table
from crm_tui.importers.files.file_kind import FileKind
from crm_tui.importers.files.header import HeaderRow, SkippedRows

CHILD_MIN_BYTES = 1_000_000
"""Files smaller than this (about 7,000 rows of .xlsx) are parsed in this process."""

QUEUE_CHUNKS = 4
HEAD_ROWS = 3000
"""Rows this process parses itself when it has read the sheet too (``parsed_chunks`` with a
table opened here): loading them keeps the loader busy while the child reads the file, and the
child skips them."""
FIRST_CHUNK_ROWS = 1000
"""The child's first chunk, smaller than the rest, so that loading starts sooner."""
LAST_WORDS_BYTES = 4096
_CHILD = (
    "from crm_tui.importers.clients.parent_watch import end_with_parent; end_with_parent()\n"
    "from crm_tui.importers.clients.parse_process import main; main()"
)
"""How much of the end of the child's stderr is read for the reason it stopped."""


@dataclass(frozen=True)
class _Failure:
    """What went wrong in the child, in a form that pickles (exceptions with custom
    constructors do not always survive the trip)."""

    file: str
    reason: str
    message: Message


@dataclass(frozen=True)
class _Opened:
    """The child's answer to ``_Open``: the sheet it read and its header."""

    file: str
    sheet: str
    kind: FileKind
    first_column: int
    header: HeaderRow


@dataclass(frozen=True)
class _Open:
    path: str
    sheet: str | int | None


@dataclass(frozen=True)
class _Job:
    sheet: str
    labels: tuple[str, ...]
    columns: ColumnMap
    chunk_rows: int
    skip_rows: int = 0


class ParsingProcess:
    """A child reading one file, started before this process has chosen the mapping.

    Use it as a context manager: leaving the block ends the child whatever happened, so an
    import that fails on another file never leaves a process behind.
    """

    def __init__(self, path: Path, sheet: str | int | None) -> None:
        # A plain interpreter running this module, not multiprocessing: its "spawn" re-imports
        # the caller's __main__, which breaks scripts without a main guard, and "fork" is unsafe
        # in a process that has threads (the app imports from a worker thread).
        package_root = str(Path(crm_tui.__file__).resolve().parents[1])
        self._path = str(path)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close(), with the child
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH")))),
            PARENT_ENV: str(os.getpid()),
        }
        self._child = subprocess.Popen(
            # Not ``-m``: run as __main__, this module's classes would pickle under a name the
            # parent cannot import.
            # parent_watch first: the child dies with this process, even while still importing.
            # -P: the working folder is not put first on the child's path; a folder named
            # crm_tui there (another checkout) would otherwise be the code that parses.
            [sys.executable, "-P", "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # A file, not a pipe nobody reads: a child with much to say would fill the pipe and
            # stop. Its last line is the reason given when it dies.
            stderr=self._stderr,
            env=env,
        )
        self._used = False
        self._opened: _Opened | _Failure | None = None
        self._send(_Open(str(path), sheet))

    @classmethod
    def start(cls, path: Path, sheet: str | int | None) -> ParsingProcess | None:
        """A child for a file big enough to be worth one; ``None`` for the rest (and for a path
        that cannot be read, whose error the caller's own read reports)."""
        try:
            big = worth_a_child(path)
        except OSError:
            return None
        return cls(path, sheet) if big else None

    @property
    def pid(self) -> int:
        return self._child.pid

    def __enter__(self) -> ParsingProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, item: object) -> None:
        stdin = self._child.stdin
        assert stdin is not None
        try:
            stdin.write(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
            stdin.flush()
        except BrokenPipeError:
            pass  # the child is gone; its exit code or last message says why

    def table(self) -> Table:
        """The sheet as the child read it: its header, and no rows here (the child parses them).
        Raises ``ImportFileError`` for a file the child refused, as ``open_table`` would."""
        opened = self._answer()
        if isinstance(opened, _Failure):
            raise ImportFileError(opened.file, opened.reason, opened.message)
        return Table(
            opened.file,
            opened.sheet,
            opened.kind,
            opened.first_column,
            opened.header,
            iter(()),
            SkippedRows(),
        )

    def _answer(self) -> _Opened | _Failure:
        """The child's answer to the file it was given, read once."""
        if self._opened is None:
            stdout = self._child.stdout
            assert stdout is not None
            try:
                self._opened = pickle.load(stdout)
            except Exception:  # EOFError and the like: the child died before it could answer
                code = self._child.wait()
                said = self.last_words()
                self._opened = _Failure(
                    self._path,
                    "unreadable",
                    _stopped(self._path, code, said),
                )
        assert self._opened is not None
        return self._opened

    def chunks(self, table: Table, columns: ColumnMap, chunk_rows: int) -> Iterator[list[ParsedRow]]:
        """The parsed rows of ``table`` (this process's view of the same file, or the child's
        from ``table``) in chunks."""
        if self._used:
            raise RuntimeError("a parsing process parses its file once")
        self._used = True
        child = self._child
        assert child.stdin is not None and child.stdout is not None
        opened = self._answer()
        if isinstance(opened, _Failure):
            self.close()
            raise ImportFileError(opened.file, opened.reason, opened.message)
        head = list(islice(table.rows, HEAD_ROWS))
        # The child parses the rest: let this process's copy of the sheet go (a gigabyte for a
        # million rows) instead of holding it to the end of the import.
        close = getattr(table.rows, "close", None)
        if close is not None:
            close()
        self._send(_Job(table.sheet, table.header.labels, columns, chunk_rows, skip_rows=len(head)))
        with contextlib.suppress(BrokenPipeError):
            child.stdin.close()
        # A pipe holds 64 KB: without a reader draining it, the child would wait for every
        # chunk to be loaded before parsing the next one, and nothing would overlap.
        queue: queue_module.Queue[Any] = queue_module.Queue(maxsize=QUEUE_CHUNKS)
        stop = threading.Event()
        reader = threading.Thread(target=_drain, args=(child.stdout, queue, stop, table.file), daemon=True)
        reader.start()
        try:
            if head:
                parser = RowParser(table.file, table.sheet, table.header.labels, columns, table.first_column)
                yield from _chunked(parser.parse_iter(head), chunk_rows, keep_cells=True)
            while True:
                item = queue.get()
                if item is None:
                    break
                if isinstance(item, _Failure):
                    raise ImportFileError(item.file, item.reason, item.message)
                yield from_wire(item) if isinstance(item, WireChunk) else item
            code = child.wait()
            if code != 0:
                raise ImportFileError(table.file, "unreadable", _stopped(table.file, code, self.last_words()))
        finally:
            stop.set()
            self.close()
            reader.join(timeout=5)

    def last_words(self) -> str:
        """The last line the child wrote to its stderr (an exception's, when it crashed)."""
        stderr = self._stderr
        if stderr.closed:
            return ""
        stderr.seek(max(stderr.seek(0, os.SEEK_END) - LAST_WORDS_BYTES, 0))
        lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1].strip() if lines else ""

    def close(self) -> None:
        child = self._child
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None and not stream.closed:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()
        self._stderr.close()


def worth_a_child(path: Path) -> bool:
    """Whether ``path`` is big enough for a parsing process; ``OSError`` if it cannot be read."""
    return path.stat().st_size >= CHILD_MIN_BYTES


def parsed_chunks(
    path: Path, table: Table, columns: ColumnMap, chunk_rows: int, child: ParsingProcess | None = None
) -> Iterator[list[ParsedRow]]:
    """The parsed rows of ``table`` in chunks of ``chunk_rows``, in sheet order.

    ``child`` is a process started for this file before ``table`` was opened; without one, a
    big file gets a process now. Accepted rows from a child come without their original cells
    (only rejected rows need them, for the error file), which halves what crosses over.
    """
    if child is None:
        try:
            big = worth_a_child(path)
        except OSError as exc:
            raise ImportFileError(
                table.file,
                "unreadable",
                N_("{file}: cannot be read: {reason}"),
                reason=file_reason(exc),
            ) from None
        if big:
            child = ParsingProcess(path, table.sheet)
    if child is None:
        parser = RowParser(table.file, table.sheet, table.header.labels, columns, table.first_column)
        yield from _chunked(parser.parse_iter(table.rows), chunk_rows, keep_cells=True)
        return
    with child:
        yield from child.chunks(table, columns, chunk_rows)


def _drain(stream: IO[bytes], chunks: queue_module.Queue[Any], stop: threading.Event, file: str) -> None:
    """Whatever happens here ends with one last item, or the caller would wait forever."""
    item: Any = None
    try:
        while not stop.is_set():
            item = pickle.load(stream)
            if item is None or isinstance(item, _Failure):
                break
            _put(chunks, item, stop)
    except EOFError:
        item = None  # the child died: the caller sees its exit code
    except Exception as exc:
        item = _Failure(
            file,
            "unreadable",
            _failed(file, N_("{file}: the parsing process sent what cannot be read: {reason}"), exc),
        )
    _put(chunks, item, stop)


def _put(chunks: queue_module.Queue[Any], item: Any, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            chunks.put(item, timeout=0.2)
            return
        except queue_module.Full:
            continue


def _chunked(
    rows: Iterator[ParsedRow], size: int, *, keep_cells: bool, first: int | None = None
) -> Iterator[list[ParsedRow]]:
    """Rows in lists of ``size`` (the first of ``first``, if given). Without ``keep_cells``, a
    row goes without its original cells unless the error file will show it (rejected, or with
    warnings)."""
    chunk: list[ParsedRow] = []
    limit = size if first is None else min(first, size)
    for row in rows:
        if not keep_cells and row.rejection is None and not row.warnings:
            row.cells = {}
        chunk.append(row)
        if len(chunk) >= limit:
            yield chunk
            chunk = []
            limit = size
    if chunk:
        yield chunk


def _parse(source: IO[bytes], out: IO[bytes]) -> None:
    def send(item: Any) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    opened: _Open = pickle.load(source)
    try:
        table = open_table(opened.path, opened.sheet, soon=True)
    except ImportFileError as exc:
        send(_Failure(exc.file, exc.reason, exc.message))
        return
    except Exception as exc:
        send(
            _Failure(
                opened.path, "unreadable", _failed(opened.path, N_("{file}: cannot be read: {reason}"), exc)
            )
        )
        return
    send(_Opened(table.file, table.sheet, table.kind, table.first_column, table.header))
    try:
        job: _Job = pickle.load(source)
    except EOFError:
        return  # the import ended before it needed this file's rows
    try:
        if table.header.labels != job.labels or table.sheet != job.sheet:
            raise ImportFileError(
                table.file, "unreadable", N_("{file}: the file changed while it was being imported")
            )
        parser = RowParser(
            table.file, table.sheet, job.labels, job.columns, table.first_column, keep_cells=False
        )
        chunks = _chunked(
            parser.parse_iter(islice(table.rows, job.skip_rows, None)),
            job.chunk_rows,
            keep_cells=False,
            first=None if job.skip_rows else FIRST_CHUNK_ROWS,
        )
        for chunk in chunks:
            send(to_wire(chunk))
        send(None)
    except ImportFileError as exc:
        send(_Failure(exc.file, exc.reason, exc.message))
    except Exception as exc:  # the parent must hear of it, or it would wait for rows forever
        send(
            _Failure(
                opened.path, "unreadable", _failed(opened.path, N_("{file}: cannot be parsed: {reason}"), exc)
            )
        )


def _stopped(file: str, code: int, said: str) -> Message:
    """The parsing process ended with ``code`` before it was done; ``said`` is its last line."""
    if said:
        return Message(
            "file.unreadable",
            N_("{file}: the parsing process stopped (exit code {code}): {said}"),
            file=file,
            code=code,
            said=" ".join(said.split()),
        )
    return Message(
        "file.unreadable", N_("{file}: the parsing process stopped (exit code {code})"), file=file, code=code
    )


def _failed(file: str, msgid: str, exc: BaseException) -> Message:
    """What went wrong in or with the child, naming the file and Python's words for it."""
    return Message("file.unreadable", msgid, file=file, reason=repr(exc))


def main() -> None:
    """The child: the file on stdin, then the job; pickled chunks on stdout."""
    gc.disable()  # parsed rows are acyclic; collections would only rescan them
    _parse(sys.stdin.buffer, sys.stdout.buffer)
