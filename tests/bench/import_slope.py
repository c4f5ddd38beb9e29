"""Where a big import's rows cost more late than early: the same chunks into a small and a big base.

Writes the same ``--chunks`` chunks of ``--chunk-rows`` new clients (rows numbered from
``--first`` in the shape of the bench file, so that no base has them) with the loader's
``write_chunk``, one bulk transaction each as the import writes them, into a fresh copy of each
base in turn, and prints the CPU of each part per chunk: every table's insert, the search
index's ``INSERT ... SELECT``, the commit, and the rest (matching, building rows). The bases are
made once with tests/bench/import_clients.py (``--db``); the rows' file is built once in /tmp.

Run it with the code to measure first on the path, old and new alternately:

    PYTHONPATH=/work/main .venv/bin/python tests/bench/import_slope.py BASE_100K BASE_1M

``--shuffled`` names the clients in random order (a real list; the bench file's are in order).
For trying variants on the copies without changing the code: ``SLOPE_FTS=automerge=16`` stores
FTS5 settings first, ``SLOPE_DROP=ix_a,ix_b`` drops indexes first, ``SLOPE_PRAGMA=cache_size=-400000``
runs pragmas on each chunk's connection. After the chunks it times a few trigram lookups, and
the merge of the search index the import does at its end (``search_index.merge_step``) if the
code measured has it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

# Not ROOT on the path: the code measured is whichever tree PYTHONPATH names.
from crm_tui.domain.imports.rows import ParsedRow

PARTS: dict[str, float] = defaultdict(float)


@contextmanager
def part(name: str) -> Iterator[None]:
    started = time.thread_time()
    try:
        yield
    finally:
        PARTS[name] += time.thread_time() - started


def timed(owner: Any, attribute: str, name: Callable[..., str]) -> None:
    """Count the thread CPU of ``owner.attribute`` under the part ``name(*args)`` names."""
    original = getattr(owner, attribute, None)
    if original is None:
        return

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with part(name(*args, **kwargs)):
            return original(*args, **kwargs)

    setattr(owner, attribute, wrapper)


def instrument(*, commits: bool = False) -> None:
    """Time the parts of ``write_chunk``; with ``commits``, also the import's chunk transactions
    (the whole of each, less the parts inside, is "chunk, rest": matching, rows, the commit)."""
    from crm_tui.importers.clients import chunk_writes, loader, service
    from crm_tui.storage import search_index

    if commits:
        timed(service, "_load", lambda *_: "chunk, all")
        timed(service, "write_chunk", lambda *_: "write_chunk")
        timed(loader, "load_existing", lambda *_: "matching's lookups")
        timed(service, "_merge_search_segments", lambda *_: "merging the search index after")

    timed(chunk_writes, "insert_tuples", lambda _s, table, *_: table.name)
    timed(chunk_writes, "insert_rows", lambda _s, table, *_: table.name)
    timed(search_index.DeferredSearchIndex, "index", lambda *_: "search index")
    # What a newer tree adds to the chunk's search index work, timed if it is there.
    timed(search_index.DeferredSearchIndex, "merge", lambda *_: "search merge")


def rows_file(first: int, count: int, *, shuffled: bool = False) -> Path:
    """The bench file's generator's rows ``first .. first + count``, as an .xlsx (built once).
    The bench file's names follow its row numbers, so each chunk's clients land next to each
    other in the name-ordered indexes; ``shuffled`` names them in random order, as a real
    list is, so that each lands in a random place."""
    from openpyxl import Workbook

    from tests.importers import files

    path = Path(f"/tmp/import-slope-rows-{first}-{count}{'-shuffled' if shuffled else ''}.xlsx")
    if path.exists():
        return path
    rng = random.Random(first)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Клиенты")
    sheet.append([files.TITLE])
    sheet.append(files.BIG_HEADER)
    numbers = list(range(first, first + count))
    if shuffled:
        rng.shuffle(numbers)
    for n, i in enumerate(range(first, first + count)):
        name = f"Компания {numbers[n] * 7919 % 10_000_000}" if shuffled else f"Компания {i}"
        inn = files.inn10(f"78{i % 10_000_000:07d}")
        sheet.append([
            rng.choice(files._FORMS).format(name), int(inn) if i % 3 else inn, "770701001",
            89250000000 + i, f"info{i}@slope{i % 100}.ru", rng.choice(files._CITIES), f"Иванов Иван {i}",
            "менеджер по закупкам", "Петров", datetime(2026, 1 + i % 12, 1 + i % 28),
            rng.randint(1, 10_000_000) / 2, "клиент из выставки" if i % 7 == 0 else None,
        ])  # fmt: skip
    book.save(path)
    return path


def written_mb() -> float:
    """What this process has passed to ``write`` so far (the WAL's frames, the checkpoints')."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1]) / 1e6
    return 0.0


SEARCHES = ("%иван%", "%компания 12%", "%info5@%", "%7701%", "%сквa%")


def search_ms(ws: Any) -> dict[str, float]:
    """The trigram index's lookups a search keystroke makes (``indexed_hits`` up to 1,000, and
    the first 50 ids), best of five, in ms: what the segments left by the chunks cost a search."""
    from sqlalchemy import select

    from crm_tui.domain.clients.search import indexed_hits
    from crm_tui.storage.search_index import client_search

    found = {}
    with ws.read() as session:
        for term in SEARCHES:
            best = float("inf")
            for _ in range(5):
                started = time.perf_counter()
                indexed_hits(session, [term], 1000)
                session.execute(
                    select(client_search.c.rowid).where(client_search.c.search_text.like(term)).limit(50)
                ).all()
                best = min(best, time.perf_counter() - started)
            found[term] = round(best * 1000, 1)
    return found


def merge_after(ws: Any) -> float:
    """CPU of merging the search index's segments after the chunks, as the import does (0 for
    code that merges as it goes)."""
    from crm_tui.storage import search_index

    step = getattr(search_index, "merge_step", None)
    started = time.process_time()
    while step is not None:
        with ws.write() as session:
            if not step(session.connection()):
                break
    return time.process_time() - started


def write_into(base: Path, chunks: list[list[ParsedRow]]) -> list[dict[str, float]]:
    """Every chunk into a fresh copy of ``base``; the CPU of each part of each chunk."""
    from sqlalchemy import func, select

    from crm_tui.domain.deals.pipelines import ensure_default_pipeline, stages_of
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.importers.clients.chunk_writes import LoadContext
    from crm_tui.importers.clients.loader import write_chunk
    from crm_tui.importers.clients.owners import OwnerResolver
    from crm_tui.storage.checkpoints import background_checkpoints
    from crm_tui.storage.database import dispose_engines
    from crm_tui.storage.models import import_batches

    copy = Path(f"/tmp/import-slope-work-{os.getpid()}.db")
    for suffix in ("-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, copy)
    ws = open_workspace(str(copy), "bench")
    with ws.write() as session:
        owners = OwnerResolver.load(session, ws.viewer.user_id)
        pipeline_id = ensure_default_pipeline(session)
        stage_id = stages_of(session, pipeline_id)[0].id
        batch_id = session.scalar(select(func.max(import_batches.c.id)))
    ctx = LoadContext(
        batch_id=batch_id, user_id=ws.viewer.user_id, now=datetime.now(ws.tz), tz=ws.tz,
        file_name="slope.xlsx", file_sha256="slope", pipeline_id=pipeline_id,
        first_stage_id=stage_id, owners=owners,
    )  # fmt: skip
    settings = os.environ.get("SLOPE_FTS", "")
    for setting in filter(None, settings.split(",")):
        name, value = setting.split("=")
        with ws.write() as session:
            session.connection().exec_driver_sql(
                f"INSERT INTO client_search(client_search, rank) VALUES ('{name}', {int(value)})"
            )
    for index in filter(None, os.environ.get("SLOPE_DROP", "").split(",")):
        with ws.write() as session:
            session.connection().exec_driver_sql(f"DROP INDEX {index}")
    figures = []
    with background_checkpoints(ws.engine):
        for rows in chunks:
            PARTS.clear()
            process, written = time.process_time(), written_mb()
            started = time.thread_time()
            with ws.write(bulk=True) as session:
                for pragma in filter(None, os.environ.get("SLOPE_PRAGMA", "").split(",")):
                    session.connection().exec_driver_sql(f"PRAGMA {pragma}")
                result = write_chunk(session, ctx, list(rows))
                inside = time.thread_time()
            ended = time.thread_time()
            assert result.created == len(rows), result
            figures.append({
                **PARTS, "commit": ended - inside, "all": ended - started,
                "process": time.process_time() - process, "MB written": written_mb() - written,
            })  # fmt: skip
        searched = search_ms(ws)
        merged = merge_after(ws)
        figures.append({"merge after": merged})
        print(f"  searches (ms, best of 5) before the merge after: {searched}; after: {search_ms(ws)}")
    dispose_engines()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return figures


def main() -> None:
    import crm_tui
    from crm_tui.cli.collector import collector_paused
    from crm_tui.importers.clients.rows import parse_rows

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bases", nargs="+", type=Path)
    parser.add_argument("--first", type=int, default=2_000_000)
    parser.add_argument("--chunks", type=int, default=6)
    parser.add_argument("--chunk-rows", type=int, default=5000)
    parser.add_argument("--shuffled", action="store_true", help="names in random order (see rows_file)")
    parser.add_argument("--skip", type=int, default=1, help="chunks written first and not counted")
    args = parser.parse_args()
    print(f"code: {Path(crm_tui.__file__).parent.resolve()}; {os.getloadavg()[0]:.2f} load")
    rows = list(parse_rows(rows_file(args.first, args.chunks * args.chunk_rows, shuffled=args.shuffled)))
    chunks = [rows[i : i + args.chunk_rows] for i in range(0, len(rows), args.chunk_rows)]
    instrument()
    for base in args.bases:
        started = time.strftime("%H:%M:%S")
        load = os.getloadavg()[0]
        with collector_paused():
            figures = write_into(base, chunks)[args.skip :]
        merge = figures.pop()["merge after"]
        total: dict[str, float] = defaultdict(float)
        for chunk in figures:
            for name, value in chunk.items():
                total[name] += value
        named = sum(v for k, v in total.items() if k not in ("all", "commit", "process", "MB written"))
        total["rest"] = total["all"] - total["commit"] - named
        total["merge after"] = merge
        total["process + merge after"] = total["process"] + merge
        first = ("process + merge after", "merge after", "process", "all", "commit", "search index", "rest")
        order = [*first, *sorted((k for k in total if k not in first), key=lambda k: -total[k])]
        print(
            f"{base.name} ({started}, load {load:.2f}-{os.getloadavg()[0]:.2f}), "
            f"{len(figures)} x {args.chunk_rows} rows, CPU s: "
            + ", ".join(f"{k} {total[k]:.3f}" for k in order),
            flush=True,
        )


if __name__ == "__main__":
    main()
