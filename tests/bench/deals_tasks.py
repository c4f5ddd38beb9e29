"""Deals and tasks by hand on the large demo base. Nothing is asserted; figures against the
budgets of issue 21:

- a new deal saved and shown on the kanban: ``add_deal`` (it enters its stage with its playbook
  task) then the kanban's read of its pipeline, as the screen's reload does (budget 150 ms);
- the week view painted: in the app, from ``W`` to the week on screen (budget 300 ms), and the
  read model alone (``load_week``);
- ``crm task list --json`` for a manager, a new interpreter each time (budget 0.5 s).

The large base (``bench-data/large.db``, built by ``run.py``) is copied to
``bench-data/deals_tasks.db`` first, so the deals written here do not touch it.

    .venv/bin/python tests/bench/deals_tasks.py [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import LOGIN, NOW, TZ, bench_dir, ensure_base  # noqa: E402


def _row(name: str, samples: list[float], budget: float) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name:<48} median {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   budget {budget:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    from sqlalchemy import select

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.deals.kanban import KanbanFilter, kanban
    from crm_tui.domain.deals.new_deal import DealDraft, add_deal
    from crm_tui.domain.tasks.week import load_week, monday_of
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.models import Role, clients, users
    from tests.cli_support import crm_process

    source, _info = ensure_base(None, rebuild=False)
    target = bench_dir() / "deals_tasks.db"
    for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):  # a last run's journal
        stale.unlink(missing_ok=True)  # would be read into the fresh copy: "malformed"
    shutil.copyfile(
        Path(source.removeprefix("sqlite:///")) if source.startswith("sqlite") else source, target
    )
    url = str(target)
    ws = open_workspace(url, LOGIN, tz=TZ, clock=fixed_clock(NOW))
    with ws.read() as session:
        mine = session.scalars(
            select(clients.c.id)
            .where(clients.c.owner_id == ws.viewer.user_id)
            .order_by(clients.c.id)
            .limit(200)
        ).all()
        manager = session.scalar(
            select(users.c.login).where(
                users.c.role == Role.MANAGER.value, users.c.region == ws.viewer.region
            )
        )
    results = []

    saved: list[float] = []
    for n in range(args.repeat + 1):
        start = time.perf_counter()
        deal = add_deal(ws, DealDraft(str(mine[n % len(mine)]), f"Бенч {n}", "350к", close="+30"))
        with ws.read() as session:
            board = kanban(session, ws.viewer, KanbanFilter(deal.pipeline_id), ws.now())
        elapsed = (time.perf_counter() - start) * 1000
        assert any(deal.id in {c.id for c in col.cards} or col.stage_id == deal.stage_id for col in board)
        if n:
            saved.append(elapsed)
    results.append(_row("new deal saved + kanban read", saved, 150))

    week: list[float] = []
    monday = monday_of(NOW, TZ)
    for n in range(args.repeat + 1):
        start = time.perf_counter()
        with ws.read() as session:
            load_week(session, ws.viewer, monday, TZ, NOW)
        if n:
            week.append((time.perf_counter() - start) * 1000)
    results.append(_row("week read model (load_week)", week, 300))

    results.append(
        _row(
            "week painted in the app (W to the week shown)", asyncio.run(_week_in_app(url, args.repeat)), 300
        )
    )

    listed: list[float] = []
    for n in range(max(5, args.repeat // 3) + 1):
        start = time.perf_counter()
        out = crm_process("--db", url, "task", "list", "--mine", "--json", user=manager or LOGIN)
        if n:
            listed.append((time.perf_counter() - start) * 1000)
        assert out.returncode == 0, out.stderr
    results.append(_row(f"crm task list --mine --json ({manager}), process", listed, 500))
    print("\n".join(results))


async def _week_in_app(url: str, repeat: int) -> list[float]:
    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.week import WeekScreen

    ws = open_workspace(url, LOGIN, tz=TZ, clock=fixed_clock(NOW))
    samples: list[float] = []
    app = create_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        for n in range(repeat + 1):
            start = time.perf_counter()
            await pilot.press("W")
            while not (isinstance(app.screen, WeekScreen) and app.screen.week is not None):
                await asyncio.sleep(0.002)
            await pilot.pause()
            if n:
                samples.append((time.perf_counter() - start) * 1000)
            await pilot.press("escape")
            await pilot.pause()
    return samples


if __name__ == "__main__":
    main()
