"""The client import end to end on a big manager's file: parse, match, load.

Builds (once, cached beside the large demo base) a 12-column .xlsx with ``--rows`` rows in the
shape of tests/importers/files.py's generator, imports it into a fresh SQLite base and reports
wall time, rows per second and peak memory. Nothing is asserted. The import runs as `crm import
clients` runs it, with the cyclic garbage collector paused (``crm_tui.cli.collector``); with
``--in-app`` as the import wizard runs it, with the collector left alone. ``--openpyxl`` then
times openpyxl's bare read of the same file (read-only mode, values only: the yardstick of
issue 29) in a process of its own. Wall time and the CPU time of both processes are printed:
on a shared machine the CPU time is the steadier of the two.

    .venv/bin/python tests/bench/import_clients.py [--rows 100000] [--db PATH] [--in-app]
        [--openpyxl] [--once] [--marks 100000] [--errors-dir DIR] [--source FILE]

``--marks N`` prints, every N rows, the wall time and the CPU time of each process over the
last N rows: whether a row costs more late in a big import than early, and in which process.

``--parts`` (with ``--marks``) also prints, every mark, the importing thread's CPU in each part
of the chunks (tests/bench/import_slope.py's ``instrument``: each table's insert, the search
index, ``write_chunk``, the whole chunk transaction) and, at the end, the search index's merge.

``--profile DIR`` runs the importing process under cProfile, timed by the CPU time of its
thread (``DIR/importing.prof``; the thread that receives the chunks is not in it), and then
the parsing process's whole work (the child's own ``_parse``: read, parse, send every chunk to
a sink) in this process under cProfile (``DIR/parsing.prof``), and prints the top of each. The
child of the import itself runs unprofiled; its figures are then the import's usual ones.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pickle
import pstats
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OPENPYXL_READ = """
import sys
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
for _ in book.worksheets[0].iter_rows(values_only=True):
    pass
"""


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def openpyxl_read(source: Path) -> tuple[float, float]:
    """Wall and CPU seconds of openpyxl reading every row of ``source`` in a fresh process."""
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", OPENPYXL_READ, str(source)], check=True)
    return time.perf_counter() - started, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu


def process_cpu(pid: int) -> float:
    """CPU seconds of a running process of ours (``/proc``); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds of this process's running children (the parsing process)."""
    total = 0.0
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            total += sum(process_cpu(int(pid)) for pid in (task / "children").read_text().split())
    return total


class Marks:
    """The progress callback of ``--marks``: a line every ``every`` rows."""

    def __init__(self, every: int, parts: dict[str, float] | None = None) -> None:
        self.every = every
        self.parts = parts
        self.next = every
        self.last = (time.perf_counter(), time.process_time(), children_cpu(), 0)

    def __call__(self, done: int) -> None:
        if done < self.next:
            return
        while self.next <= done:
            self.next += self.every
        now = (time.perf_counter(), time.process_time(), children_cpu(), done)
        wall, own, child, rows = (a - b for a, b in zip(now, self.last, strict=True))
        scale = 100_000 / rows
        print(
            f"  {done:>9,} rows: last {rows:,} in {wall:.1f} s, CPU importing {own:.1f} s, "
            f"parsing {child:.1f} s (per 100,000: {wall * scale:.1f} s, {own * scale:.1f} + "
            f"{child * scale:.1f} s)",
            flush=True,
        )
        self.last = now
        if self.parts is not None:
            total = sum(self.parts.values())
            print(
                f"    parts, thread CPU: {total:.2f} s: "
                + ", ".join(f"{k} {v:.2f}" for k, v in sorted(self.parts.items(), key=lambda kv: -kv[1])),
                flush=True,
            )
            self.parts.clear()


class ServerCpu:
    """CPU seconds of the PostgreSQL backends serving this base (they started with this run):
    on PostgreSQL the server's work is on the same two cores, outside both our processes. A
    thread looks at them every quarter second, so a backend that ended during the import (the
    search index's merges, ``background_search_merges``) is counted too, with what it had used
    when last seen."""

    def __init__(self, ws: object, every_s: float = 0.25) -> None:
        engine = ws.engine  # type: ignore[attr-defined]
        self._conn = engine.connect() if engine.dialect.name == "postgresql" else None
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(every_s,), daemon=True)
        if self._conn is not None:
            self._own = self._conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            self._conn.commit()
            self._thread.start()

    def _look(self) -> None:
        assert self._conn is not None
        pids = self._conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).scalars()
        self._conn.commit()
        for pid in pids:
            if pid != self._own:
                self._seen[pid] = max(self._seen.get(pid, 0.0), process_cpu(pid))

    def _watch(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            self._look()

    def total(self) -> float | None:
        """The seconds, looked at once more now; ``None`` on SQLite."""
        if self._conn is None:
            return None
        self._stop.set()
        self._thread.join()
        self._look()
        self._conn.close()
        return sum(self._seen.values())


def print_profile(profile: cProfile.Profile, path: Path, title: str) -> None:
    """``profile`` saved to ``path``, and its top functions by own and by cumulative time."""
    profile.dump_stats(path)
    for order in ("tottime", "cumulative"):
        print(f"--- {title}: by {order} ({path})")
        pstats.Stats(str(path)).sort_stats(order).print_stats(30)


class _Sink(io.RawIOBase):
    """Where the profiled parsing sends its chunks: counted, not kept."""

    def __init__(self) -> None:
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.bytes += len(data)
        return len(data)


def profile_parsing(source: Path, folder: Path) -> None:
    """The child's whole work on ``source`` (``parse_process._parse``, fed its two requests as
    the importing process sends them) under cProfile, in this process, the collector paused as
    the child pauses it."""
    from crm_tui.cli.collector import collector_paused
    from crm_tui.importers.clients import parse_process
    from crm_tui.importers.clients.rows import open_table
    from crm_tui.importers.files.mapping import suggest_mapping

    table = open_table(source)
    columns = suggest_mapping(table.header.labels)
    requests = pickle.dumps(parse_process._Open(str(source), None)) + pickle.dumps(
        parse_process._Job(table.sheet, table.header.labels, columns, 5000)
    )
    sink = _Sink()
    profile = cProfile.Profile(time.thread_time)
    started, cpu = time.perf_counter(), time.process_time()
    with collector_paused():
        profile.enable()
        parse_process._parse(io.BytesIO(requests), sink)  # type: ignore[arg-type]
        profile.disable()
    print(
        f"parsing process's work under cProfile: {time.perf_counter() - started:.1f} s wall, "
        f"CPU {time.process_time() - cpu:.1f} s, {sink.bytes:,} bytes sent"
    )
    print_profile(profile, folder / "parsing.prof", "the parsing process")


def main() -> None:
    from contextlib import AbstractContextManager, nullcontext

    from crm_tui.cli.collector import collector_paused
    from crm_tui.domain.imports.batches import ImportOptions
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.importers.clients.service import import_clients
    from crm_tui.storage.database import dispose_engines
    from tests.importers.files import write_big_xlsx

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--db", help="import into this database instead of a fresh SQLite file")
    parser.add_argument("--in-app", action="store_true", help="leave the garbage collector alone")
    parser.add_argument("--openpyxl", action="store_true", help="time openpyxl's bare read after the import")
    parser.add_argument("--once", action="store_true", help="leave out the re-import")
    parser.add_argument("--source", type=Path, help="import this file instead of the generated one")
    parser.add_argument("--marks", type=int, help="print the time of every N rows")
    parser.add_argument(
        "--parts", action="store_true", help="with --marks: each table's insert, the search index, commits"
    )
    parser.add_argument("--errors-dir", type=Path, help="where the errors file goes (default: --dir)")
    parser.add_argument(
        "--profile", type=Path, help="cProfile both processes' work, the files into this folder"
    )
    args = parser.parse_args()

    def job() -> AbstractContextManager[None]:
        return nullcontext() if args.in_app else collector_paused()

    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.source or args.dir / f"clients-{args.rows}.xlsx"
    if not source.exists():
        started = time.perf_counter()
        write_big_xlsx(source, args.rows)
        print(f"built {source.name} in {time.perf_counter() - started:.1f} s")
    errors_dir = args.errors_dir or args.dir
    database = args.db or str(args.dir / "import-bench.db")
    if args.db is None:
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    ws = open_workspace(database, "bench")
    parts = None
    if args.parts:
        from tests.bench import import_slope

        import_slope.instrument(commits=True)
        parts = import_slope.PARTS
    watching = ServerCpu(ws)
    own, children = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    # CPU time of the thread profiled, not wall time: on a shared machine the wall time of a
    # function is mostly the other processes'.
    profile = cProfile.Profile(time.thread_time) if args.profile else None
    started = time.perf_counter()
    with job():
        if profile is not None:
            profile.enable()
        summary = import_clients(
            ws,
            [source],
            ImportOptions(errors_dir=errors_dir),
            Marks(args.marks, parts) if args.marks else None,
        )
        if profile is not None:
            profile.disable()
    elapsed = time.perf_counter() - started
    own = cpu_seconds(resource.RUSAGE_SELF) - own
    children = cpu_seconds(resource.RUSAGE_CHILDREN) - children
    cpu = own + children
    server = watching.total()
    if parts:
        print("  after the last mark, thread CPU: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parser_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # After the import: the children's peak is the largest child's, and openpyxl's would hide
    # the parsing process's.
    yardstick = openpyxl_read(source) if args.openpyxl else None
    print(
        f"{summary.rows} rows in {elapsed:.1f} s ({summary.rows / elapsed:,.0f} rows/s, "
        f"CPU {cpu:.1f} s: importing {own:.1f} s, parsing {children:.1f} s), "
        f"peak RSS {peak_mb:.0f} MB (parsing process {parser_mb:.0f} MB): "
        f"created {summary.created}, enriched {summary.enriched}, rejected {summary.rejected}"
    )
    if server is not None:
        print(f"PostgreSQL's backends for this base: CPU {server:.1f} s")
    if yardstick is not None:
        wall, cpu_read = yardstick
        print(
            f"openpyxl's bare read: {wall:.1f} s (CPU {cpu_read:.1f} s); the import takes "
            f"{elapsed / wall:.2f}x its wall time, {cpu / cpu_read:.2f}x its CPU time"
        )
    if args.profile is not None:
        assert profile is not None
        args.profile.mkdir(parents=True, exist_ok=True)
        print_profile(profile, args.profile / "importing.prof", "the importing process")
        profile_parsing(source, args.profile)
    if args.once:
        dispose_engines()
        return
    started = time.perf_counter()
    with job():
        again = import_clients(ws, [source], ImportOptions(errors_dir=errors_dir))
    print(f"re-import of the same file: {time.perf_counter() - started:.1f} s, created {again.created}")
    dispose_engines()


if __name__ == "__main__":
    main()
