"""Parsing a big sheet in a second process while this one writes the database.

Normalising a row (phones, e-mails, INN checksums, legal forms, dates, amounts) costs about as
much CPU as storing it, and both are pure Python under one GIL, so a 100,000-row file would
take the sum of the two. A child process parses and sends chunks of ``ParsedRow`` through a
bounded queue (so a slow database never lets parsed rows pile up in memory) and the importer
loads each chunk as it arrives: the two overlap on two cores.

The child is started with ``spawn``: the importer may run in a Textual worker thread, and
forking a process that has threads is unsafe. It reads the file itself (a sheet cannot be
handed over), finds the same header and parses with the mapping chosen here. Small files are
parsed in this process: starting an interpreter costs more than they take.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue as queue_module
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import importers
from importers.mapping import ColumnMap
from importers.parsed import ParsedRow
from importers.reading import ImportFileError
from importers.rows import RowParser, Table, open_table

CHILD_MIN_BYTES = 1_000_000
"""Files smaller than this (about 7,000 rows of .xlsx) are parsed in this process."""

QUEUE_CHUNKS = 4


@dataclass(frozen=True)
class _Failure:
    """What went wrong in the child, in a form that pickles (exceptions with custom
    constructors do not always survive the trip)."""

    file: str
    reason: str
    detail: str


@dataclass(frozen=True)
class _Job:
    path: str
    sheet: str
    labels: tuple[str, ...]
    columns: ColumnMap
    chunk_rows: int


def parsed_chunks(path: Path, table: Table, columns: ColumnMap, chunk_rows: int) -> Iterator[list[ParsedRow]]:
    """The parsed rows of ``table`` in chunks of ``chunk_rows``, in sheet order.

    Accepted rows come without their original cells (only rejected rows need them, for the
    error file), which halves what crosses between the processes.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(table.file, "unreadable", f"cannot be read: {exc.strerror or exc}") from None
    if size < CHILD_MIN_BYTES:
        parser = RowParser(table.file, table.sheet, table.header.labels, columns, table.first_column)
        yield from _chunked(parser.parse_iter(table.rows), chunk_rows, keep_cells=True)
        return
    yield from _from_child(_Job(str(path), table.sheet, table.header.labels, columns, chunk_rows), table.file)


def _from_child(job: _Job, file: str) -> Iterator[list[ParsedRow]]:
    # A plain interpreter running this module, not multiprocessing: its "spawn" re-imports the
    # caller's __main__, which breaks scripts without a main guard, and "fork" is unsafe in a
    # process that has threads (the app imports from a worker thread).
    package_root = str(Path(importers.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH")))),
    }
    child = subprocess.Popen(
        # Not ``-m``: run as __main__, this module's classes would pickle under a name the
        # parent cannot import.
        [sys.executable, "-c", "from importers.parse_process import main; main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None
    pickle.dump(job, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    child.stdin.close()
    # A pipe holds 64 KB: without a reader draining it, the child would wait for every chunk
    # to be loaded before parsing the next one, and nothing would overlap.
    chunks: queue_module.Queue[Any] = queue_module.Queue(maxsize=QUEUE_CHUNKS)
    stop = threading.Event()
    reader = threading.Thread(target=_drain, args=(child.stdout, chunks, stop, file), daemon=True)
    reader.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                break
            if isinstance(item, _Failure):
                raise ImportFileError(item.file, item.reason, item.detail)
            yield item
        code = child.wait()
        if code != 0:
            raise ImportFileError(file, "unreadable", f"the parsing process stopped (exit code {code})")
    finally:
        stop.set()
        if child.poll() is None:
            child.kill()
        child.wait()
        reader.join(timeout=5)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()


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
        item = _Failure(file, "unreadable", f"the parsing process sent what cannot be read: {exc!r}")
    _put(chunks, item, stop)


def _put(chunks: queue_module.Queue[Any], item: Any, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            chunks.put(item, timeout=0.2)
            return
        except queue_module.Full:
            continue


def _chunked(rows: Iterator[ParsedRow], size: int, *, keep_cells: bool) -> Iterator[list[ParsedRow]]:
    chunk: list[ParsedRow] = []
    for row in rows:
        if not keep_cells and row.rejection is None:
            row.cells = {}
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse(job: _Job, out: IO[bytes]) -> None:
    def send(item: Any) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        table = open_table(job.path, job.sheet)
        if table.header.labels != job.labels:
            raise ImportFileError(table.file, "unreadable", "the file changed while it was being imported")
        parser = RowParser(table.file, table.sheet, job.labels, job.columns, table.first_column)
        for chunk in _chunked(parser.parse_iter(table.rows), job.chunk_rows, keep_cells=False):
            send(chunk)
        send(None)
    except ImportFileError as exc:
        send(_Failure(exc.file, exc.reason, str(exc).removeprefix(f"{exc.file}: ")))
    except Exception as exc:  # the parent must hear of it, or it would wait for rows forever
        send(_Failure(job.path, "unreadable", f"cannot be parsed: {exc!r}"))


def main() -> None:
    """The child: a job on stdin, pickled chunks on stdout."""
    gc.disable()  # parsed rows are acyclic; collections would only rescan them
    _parse(pickle.load(sys.stdin.buffer), sys.stdout.buffer)
