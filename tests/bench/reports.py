"""The KPI reports and the head's dashboard on the large demo base (100 managers, 200,000 deals
with their stage history, 1,000,000 interactions): every report for a year, by manager, as an
admin (every row), as the base's head (a region) and as one of the region's managers, and the
dashboard's data. Nothing is
asserted; the issue's budget is 1 s a report, 1 s the dashboard's data.

    .venv/bin/python tests/bench/reports.py               # builds bench-data/large.db first if need be
    .venv/bin/python tests/bench/reports.py --db URL      # a base built with `crm demo --size large`
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import LOGIN, NOW, TZ, ensure_base  # noqa: E402

BUDGET_MS = 1000.0


def measure(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median and 95th percentile of the wall time, and the median CPU time of this process
    (on SQLite the database's work too; on PostgreSQL only the client's), in ms."""
    run()
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return (
        statistics.median(times),
        times[min(len(times) - 1, int(len(times) * 0.95))],
        statistics.median(cpu),
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--login", default=LOGIN, help="the head who opens the base (`crm demo` names it after you)"
    )
    parser.add_argument(
        "--manager", help="a manager who opens the base too (default: the head's region's first manager)"
    )
    parser.add_argument("--only", help="comma-separated report names (and 'dashboard') to measure")
    parser.add_argument(
        "--every-slice",
        action="store_true",
        help="every report by each slice it has a meaning for, on top of its default and the slices above",
    )
    parser.add_argument("--viewers", help="comma-separated: admin, head, manager (default: all three)")
    args = parser.parse_args()

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.reports.dashboard import load_dashboard_side_by_side
    from crm_tui.domain.reports.kpi import DEFAULT_SLICES, KpiName, KpiQuery, run_kpi
    from crm_tui.domain.reports.period import Period
    from crm_tui.domain.reports.table import Slice, UnknownSlice
    from crm_tui.domain.workspace import Workspace, open_workspace

    database, _info = ensure_base(args.db, rebuild=False)
    year = Period(date(2025, 11, 21), date(2026, 11, 20))
    # the slices that were over a second (issue 26): by day, by manager and week, stages by manager
    sliced: list[tuple[KpiName, tuple[Slice, ...] | None]] = [
        (KpiName.CALLS, (Slice.DAY,)),
        (KpiName.CALLS, (Slice.MANAGER, Slice.WEEK)),
        (KpiName.STAGES, (Slice.MANAGER,)),
    ]
    if args.every_slice:
        sliced = [(name, (s,)) for name in KpiName for s in Slice] + sliced
    missed = 0
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'measurement':<44} {'rows':>6} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7}")
    only = set(args.only.split(",")) if args.only else None
    manager = args.manager or _first_manager(database, args.login)
    viewers = {"admin": "admin", "head": args.login, "manager": manager}
    chosen = args.viewers.split(",") if args.viewers else list(viewers)
    for login in [viewers[v] for v in chosen if viewers[v]]:
        ws = open_workspace(database, login, tz=TZ, clock=fixed_clock(NOW))
        asked = [(name, None) for name in KpiName] + sliced
        for name, by in asked:
            if only is not None and name.value not in only:
                continue
            if by is not None and DEFAULT_SLICES.get(name, (Slice.MANAGER,)) == by and (name, None) in asked:
                continue  # the default, measured already
            rows = 0
            label = name.value + ("".join(f" --by {s.value}" for s in by) if by is not None else "")

            def report(name: KpiName = name, by: tuple[Slice, ...] | None = by, ws: Workspace = ws) -> None:
                nonlocal rows
                with ws.read() as session:
                    rows = len(run_kpi(session, ws.viewer, KpiQuery(name, year, by), NOW, TZ).rows)

            try:
                median, p95, cpu = measure(report, args.repeat)
            except UnknownSlice:
                continue
            missed += median > BUDGET_MS
            mark = " *" if median > BUDGET_MS else ""
            print(
                f"{label + ' (' + login + ')':<44} {rows:>6} {median:>10.0f} {p95:>8.0f} {cpu:>7.0f}{mark}",
                flush=True,
            )

        if only is not None and "dashboard" not in only:
            continue

        def dashboard(ws: Workspace = ws) -> None:
            load_dashboard_side_by_side(ws.read, ws.viewer, NOW, TZ)

        median, p95, cpu = measure(dashboard, args.repeat)
        missed += median > BUDGET_MS
        print(
            f"{'dashboard data (' + login + ')':<44} {'':>6} {median:>10.0f} {p95:>8.0f} {cpu:>7.0f}",
            flush=True,
        )
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 1 if missed else 0


def _first_manager(database: str, head: str) -> str | None:
    """The first manager (by id) of ``head``'s region: the third viewer, whose reports read one
    person's figures."""
    from sqlalchemy import select

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.models import users

    ws = open_workspace(database, "admin", tz=TZ, clock=fixed_clock(NOW))
    with ws.read() as session:
        region = session.scalar(select(users.c.region).where(users.c.login == head))
        found = session.scalar(
            select(users.c.login)
            .where(users.c.role == "manager", users.c.region == region)
            .order_by(users.c.id)
        )
    return None if found is None else str(found)


if __name__ == "__main__":
    raise SystemExit(main())
