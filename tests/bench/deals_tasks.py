"""Deals and tasks by hand on the large demo base. Nothing is asserted; figures against the
budgets of issue 21:

- a new deal saved and shown on the kanban: ``add_deal`` (it enters its stage with its playbook
  task) then the kanban's read of its pipeline, as the screen's reload does (budget 150 ms);
  and in the app, on the kanban: ``n`` to the dialog drawn, and Ctrl+S to the new card drawn
  in its column under the cursor (the dialog's fields typed in between, not timed);
- the week view painted: in the app, from ``W`` to the week on screen (budget 300 ms), and the
  read model alone (``load_week``);
- ``crm task list --json`` for a manager, a new interpreter each time (budget 0.5 s).

The large base (``bench-data/large.db``, built by ``run.py``) is copied to
``bench-data/deals_tasks.db`` (or ``--copy PATH``) first, so the deals written here do not
touch it. ``--only kanban,week,list`` measures a few.

    .venv/bin/python tests/bench/deals_tasks.py [--repeat N] [--copy PATH] [--only ...]
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
    parser.add_argument("--copy", type=Path, help="where the base is copied (default: beside it)")
    parser.add_argument("--only", default="kanban,week,list", help="kanban, week, list")
    args = parser.parse_args()
    only = set(args.only.split(","))
    from sqlalchemy import select

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.deals.kanban import KanbanFilter, kanban
    from crm_tui.domain.deals.new_deal import DealDraft, add_deal
    from crm_tui.domain.tasks.week import load_week, monday_of
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.models import Role, clients, users
    from tests.cli_support import crm_process

    source, _info = ensure_base(None, rebuild=False)
    target = args.copy or bench_dir() / "deals_tasks.db"
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
    for n in range(args.repeat + 1 if "kanban" in only else 0):
        start = time.perf_counter()
        deal = add_deal(ws, DealDraft(str(mine[n % len(mine)]), f"Бенч {n}", "350к", close="+30"))
        with ws.read() as session:
            board = kanban(session, ws.viewer, KanbanFilter(deal.pipeline_id), ws.now())
        elapsed = (time.perf_counter() - start) * 1000
        assert any(deal.id in {c.id for c in col.cards} or col.stage_id == deal.stage_id for col in board)
        if n:
            saved.append(elapsed)
    if "kanban" in only:
        results.append(_row("new deal saved + kanban read", saved, 150))
        opened, shown = asyncio.run(_new_deal_in_app(url, [str(c) for c in mine], args.repeat))
        results.append(_row("kanban: n -> new deal dialog drawn", opened, 150))
        results.append(_row("kanban: ctrl+s -> the new card drawn", shown, 150))

    week: list[float] = []
    monday = monday_of(NOW, TZ)
    for n in range(args.repeat + 1 if "week" in only else 0):
        start = time.perf_counter()
        with ws.read() as session:
            load_week(session, ws.viewer, monday, TZ, NOW)
        if n:
            week.append((time.perf_counter() - start) * 1000)
    if "week" in only:
        results.append(_row("week read model (load_week)", week, 300))
        results.append(
            _row(
                "week painted in the app (W to the week shown)",
                asyncio.run(_week_in_app(url, args.repeat)),
                300,
            )
        )

    listed: list[float] = []
    for n in range(max(5, args.repeat // 3) + 1 if "list" in only else 0):
        start = time.perf_counter()
        out = crm_process("--db", url, "task", "list", "--mine", "--json", user=manager or LOGIN)
        if n:
            listed.append((time.perf_counter() - start) * 1000)
        assert out.returncode == 0, out.stderr
    if "list" in only:
        results.append(_row(f"crm task list --mine --json ({manager}), process", listed, 500))
    print("\n".join(results))


async def _drawn(app: object) -> None:
    """Until the frame after what is on screen now has been drawn."""
    drawn = asyncio.Event()
    app.call_after_refresh(drawn.set)  # type: ignore[attr-defined]
    await drawn.wait()


async def _new_deal_in_app(url: str, clients: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """On the kanban (its first column): ``n``, the dialog drawn; the fields filled; Ctrl+S, the
    new deal's card drawn in its column. Waits on the screens' state, polling lightly."""
    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.dialogs.deal_forms import NewDealDialog
    from crm_tui.screens.funnel import FunnelScreen

    ws = open_workspace(url, LOGIN, tz=TZ, clock=fixed_clock(NOW))
    opened: list[float] = []
    shown: list[float] = []
    missed = 0
    app = create_app(ws)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(1.0)
        await pilot.press("F")
        while not (isinstance(app.screen, FunnelScreen) and app.screen.board is not None):
            await asyncio.sleep(0.01)
        funnel = app.screen
        await pilot.pause(0.5)
        for n in range(repeat + 1):
            start = time.perf_counter()
            await pilot.press("n")
            while not (isinstance(app.screen, NewDealDialog) and app.screen.is_mounted):
                await asyncio.sleep(0.002)
            await _drawn(app)
            if n:
                opened.append((time.perf_counter() - start) * 1000)
            dialog = app.screen
            title = f"Бенч на канбане {n}"
            for field, value in (("client", clients[n % len(clients)]), ("title", title), ("amount", "350к")):
                dialog.query_one(f"#deal-{field}").value = value  # type: ignore[attr-defined]
            await pilot.pause()
            board = funnel.board
            start = time.perf_counter()
            await pilot.press("ctrl+s")
            while not (app.screen is funnel and funnel.board is not board):
                await asyncio.sleep(0.002)
            view = funnel._columns()[funnel.current]
            await _drawn(app)
            if view.highlighted is None or view.highlighted.title != title:
                missed += 1  # the board came back without the card in sight
            elif n:
                shown.append((time.perf_counter() - start) * 1000)
            await pilot.pause(0.2)
    if missed:
        print(f"  {missed} of {repeat + 1} new cards not under the cursor after the save", file=sys.stderr)
    return opened, shown or [float("nan")]


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
