"""The funnel on the large demo base: kanban first paint, a card move, the funnel and forecast
reports over 200,000 deals. Nothing is asserted.

The large demo base (``bench-data/large.db``, built by ``run.py``) is copied to
``bench-data/funnel.db`` and every deal is given a stage history: one row per stage it passed
on its way to the stage it is in (about 500,000 rows), so the report's reach and medians have
real work to do.

    .venv/bin/python tests/bench/funnel.py
    .venv/bin/python tests/bench/funnel.py --rebuild
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import LOGIN, NOW, TZ, bench_dir, ensure_base  # noqa: E402


def build(target: Path) -> None:
    from sqlalchemy import select

    from crm_tui.storage.bulk import insert_rows
    from crm_tui.storage.database import dispose_engines, get_engine, write_session
    from crm_tui.storage.models import deal_stage_changes, deals, stages

    source, _info = ensure_base(None, rebuild=False)
    shutil.copyfile(source, target)
    engine = get_engine(str(target))
    started = time.perf_counter()
    with write_session(engine) as session:
        order = {
            pid: [sid for sid, _pos in rows]
            for pid, rows in _by_pipeline(
                session.execute(select(stages.c.pipeline_id, stages.c.id, stages.c.position))
            )
        }
        lost = {sid for (sid,) in session.execute(select(stages.c.id).where(stages.c.is_lost.is_(True)))}
        rows: list[dict[str, Any]] = []
        query = select(
            deals.c.id, deals.c.pipeline_id, deals.c.stage_id, deals.c.created_at, deals.c.owner_id
        )
        for deal_id, pid, stage_id, created, owner in session.execute(query):
            path = order[pid]
            upto = path.index(stage_id) if stage_id not in lost else 2
            at = created
            for previous, stage in zip([None, *path[:upto]], path[: upto + 1], strict=False):
                rows.append(
                    {"deal_id": deal_id, "at": at, "user_id": owner, "from_stage_id": previous,
                     "to_stage_id": stage, "stay_tenths": None if previous is None else 30, "comment": None}
                )  # fmt: skip
                at += timedelta(days=3)
            if stage_id in lost:
                rows.append(
                    {"deal_id": deal_id, "at": at, "user_id": owner, "from_stage_id": path[upto],
                     "to_stage_id": stage_id, "stay_tenths": 30, "comment": None}
                )  # fmt: skip
        insert_rows(session, deal_stage_changes, rows)
    dispose_engines()
    print(f"stage history: {len(rows):,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def _by_pipeline(rows: Any) -> list[tuple[int, list[tuple[int, int]]]]:
    grouped: dict[int, list[tuple[int, int]]] = {}
    for pid, sid, position in rows:
        grouped.setdefault(pid, []).append((sid, position))
    return [(pid, sorted(v, key=lambda x: x[1])) for pid, v in grouped.items()]


def timed(label: str, run: Callable[[], object], repeat: int) -> None:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(1000 * (time.perf_counter() - started))
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"{label:<52} median {statistics.median(samples):7.1f} ms   p99 {p99:7.1f} ms", flush=True)


def measure(target: Path, repeat: int) -> None:
    from sqlalchemy import select

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.deals.kanban import KanbanFilter, kanban
    from crm_tui.domain.deals.moves import load_deal, move_deal, neighbour_stage
    from crm_tui.domain.deals.pipelines import default_pipeline_id
    from crm_tui.domain.reports.funnel import ReportScope, forecast_report, funnel_report
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.models import DealStatus, Role, deals, users

    head = open_workspace(str(target), LOGIN, tz=TZ, clock=fixed_clock(NOW))
    with head.read() as session:
        admin_login = session.scalar(select(users.c.login).where(users.c.role == Role.ADMIN.value).limit(1))
        manager_login = session.scalar(
            select(users.c.login).where(users.c.role == Role.MANAGER.value).limit(1)
        )
        pid = default_pipeline_id(session)
    assert admin_login and manager_login and pid
    admin = open_workspace(str(target), admin_login, tz=TZ, clock=fixed_clock(NOW))
    manager = open_workspace(str(target), manager_login, tz=TZ, clock=fixed_clock(NOW))

    for ws, who in ((admin, "admin"), (head, "head of Москва"), (manager, "a manager")):

        def board(ws: Any = ws) -> None:
            with ws.read() as session:
                kanban(session, ws.viewer, KanbanFilter(pid), NOW)

        timed(f"kanban data, {who}", board, repeat)
    scope = ReportScope(pid)

    def funnel() -> None:
        with admin.read() as session:
            funnel_report(session, admin.viewer, scope, NOW, TZ)

    def forecast() -> None:
        with admin.read() as session:
            forecast_report(session, admin.viewer)

    timed("funnel report, admin, 200,000 deals", funnel, max(3, repeat // 3))
    timed("forecast report, admin", forecast, max(3, repeat // 3))

    with manager.read() as session:
        movable = list(
            session.scalars(
                select(deals.c.id).where(
                    deals.c.owner_id == manager.viewer.user_id, deals.c.status == DealStatus.OPEN.value
                )
            )
        )
    samples = []
    for deal_id in movable[: max(repeat, 20)]:
        with manager.read() as session:
            row = load_deal(session, deal_id)
            target_stage = neighbour_stage(session, row, 1) or neighbour_stage(session, row, -1)
        if target_stage is None:
            continue
        started = time.perf_counter()
        move_deal(manager, deal_id, target_stage, row.version)
        samples.append(1000 * (time.perf_counter() - started))
    samples.sort()
    print(
        f"{'card move persisted (move_deal), a manager':<52} median {statistics.median(samples):7.1f} ms   "
        f"p99 {samples[-1]:7.1f} ms ({len(samples)} moves)",
        flush=True,
    )
    measure_screen(head, max(3, repeat // 3))


def measure_screen(ws: Any, repeat: int) -> None:
    """First paint of the kanban in the real app (headless): from the key's action to the
    first refresh after every column got its cards (``call_after_refresh``), which is the
    frame a person sees."""
    from crm_tui.app import create_app
    from crm_tui.screens.funnel import FunnelScreen

    async def once() -> float:
        app = create_app(ws)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            started = time.perf_counter()
            app.action_funnel()
            while True:
                screen = app.screen
                if isinstance(screen, FunnelScreen) and screen.board is not None and screen.views:
                    break
                await asyncio.sleep(0.001)
            painted: list[float] = []
            screen.call_after_refresh(lambda: painted.append(time.perf_counter()))
            while not painted:
                await asyncio.sleep(0.001)
            return 1000 * (painted[0] - started)

    samples = [asyncio.run(once()) for _ in range(repeat)]
    print(
        f"{'kanban first paint (app, head of Москва)':<52} median {statistics.median(samples):7.1f} ms   "
        f"max {max(samples):7.1f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    target = bench_dir() / "funnel.db"
    if args.rebuild or not target.exists():
        bench_dir().mkdir(parents=True, exist_ok=True)
        build(target)
    measure(target, args.repeat)


if __name__ == "__main__":
    main()
