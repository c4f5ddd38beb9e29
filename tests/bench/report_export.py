"""A report's workbook of 100,000 rows (issue 26: under 10 s in under 200 MB), written by the one
writer (``crm_tui.domain.exports``) in a fresh process: rows shaped like the KPI reports' (a
manager's name, a region, a day, counts, money in kopecks, a share, a talk time), a formula-like
name among them. Nothing is asserted.

    .venv/bin/python tests/bench/report_export.py [--rows N] [--csv]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def rows(n: int) -> Iterator[list[object]]:
    start = date(2026, 1, 1)
    for i in range(n):
        name = '=HYPERLINK("x")' if i == 7 else f"Менеджер {i % 100:03d} Иванов-Петров"
        yield [name, f"Регион {i % 8}", start + timedelta(days=i % 365), i % 97, (i * 1234567) % 10**9,
               round((i % 100) / 100, 4), timedelta(seconds=i % 7200)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--csv", action="store_true", help="the CSV beside the workbook")
    args = parser.parse_args()
    from crm_tui.domain.exports import (
        DATE_FORMAT,
        DURATION_FORMAT,
        MONEY_FORMAT,
        SHARE_FORMAT,
        write_csv,
        write_workbook,
    )

    header = ["Менеджер", "Регион", "День", "Звонков", "Сумма", "Доля", "Время разговоров"]
    formats = [None, None, DATE_FORMAT, None, MONEY_FORMAT, SHARE_FORMAT, DURATION_FORMAT]
    with tempfile.TemporaryDirectory() as folder:
        started, cpu = time.perf_counter(), time.process_time()
        target = Path(folder) / "report.xlsx"
        write_workbook(target, "Отчёт", header, rows(args.rows), formats)
        wall, spent = time.perf_counter() - started, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"xlsx, {args.rows:,} rows: {wall:.1f} s wall, {spent:.1f} s CPU, peak RSS {peak:.0f} MB, "
              f"{target.stat().st_size / 2**20:.1f} MB (budget 10 s, 200 MB)")  # fmt: skip
        if args.csv:
            started = time.perf_counter()
            write_csv(Path(folder) / "report.csv", header, rows(args.rows), formats)
            print(f"csv: {time.perf_counter() - started:.1f} s wall")


if __name__ == "__main__":
    main()
