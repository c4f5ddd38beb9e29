"""How fast ``parse_rows`` reads a 100,000-row, 12-column .xlsx (not a test: run it by hand).

    .venv/bin/python -m tests.importers.bench_parse [rows] [--keep DIR]

The file is generated with openpyxl's write-only mode (slow: about 30 s for 100,000 rows), so
``--keep`` reuses it between runs. The whole import must fit 100,000 rows in 10 s including
loading into the database; parsing should take well under half of that.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from crm_tui.importers.clients.rows import parse_rows
from crm_tui.importers.files.header import SkippedRows
from crm_tui.importers.files.reading import read_sheet
from tests.importers.files import write_big_xlsx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="directory to keep the generated file in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp())
    path = folder / f"clients_{args.rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_big_xlsx(path, args.rows)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    read = sum(1 for _ in read_sheet(path).rows)
    read_seconds = time.perf_counter() - started

    skipped = SkippedRows()
    started, cpu = time.perf_counter(), time.process_time()
    rows = rejected = warned = 0
    for row in parse_rows(path, skipped=skipped):
        rows += 1
        rejected += not row.ok
        warned += bool(row.warnings)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"read only: {read} rows in {read_seconds:.2f} s")
    print(
        f"parse_rows: {rows} rows ({rejected} rejected, {warned} with warnings) in {seconds:.2f} s "
        f"wall / {cpu:.2f} s CPU = {rows / seconds:,.0f} rows/s; peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
