"""The client import end to end on a big manager's file: parse, match, load.

Builds (once, cached beside the large demo base) a 12-column .xlsx with ``--rows`` rows in the
shape of tests/importers/files.py's generator, imports it into a fresh SQLite base and reports
wall time, rows per second and peak memory. Nothing is asserted.

    .venv/bin/python tests/bench/import_clients.py [--rows 100000] [--db PATH]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from crm_tui.domain.imports.batches import ImportOptions
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.importers.clients.service import import_clients
    from crm_tui.storage.database import dispose_engines
    from tests.importers.files import write_big_xlsx

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--db", help="import into this database instead of a fresh SQLite file")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.dir / f"clients-{args.rows}.xlsx"
    if not source.exists():
        started = time.perf_counter()
        write_big_xlsx(source, args.rows)
        print(f"built {source.name} in {time.perf_counter() - started:.1f} s")
    database = args.db or str(args.dir / "import-bench.db")
    if args.db is None:
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    ws = open_workspace(database, "bench")
    started = time.perf_counter()
    summary = import_clients(ws, [source], ImportOptions(errors_dir=args.dir))
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parser_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{summary.rows} rows in {elapsed:.1f} s ({summary.rows / elapsed:,.0f} rows/s), "
        f"peak RSS {peak_mb:.0f} MB (parsing process {parser_mb:.0f} MB): "
        f"created {summary.created}, enriched {summary.enriched}, rejected {summary.rejected}"
    )
    started = time.perf_counter()
    again = import_clients(ws, [source], ImportOptions(errors_dir=args.dir))
    print(f"re-import of the same file: {time.perf_counter() - started:.1f} s, created {again.created}")
    dispose_engines()


if __name__ == "__main__":
    main()
