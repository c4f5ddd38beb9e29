"""Deals and tasks by hand on the large demo base. Nothing is asserted; figures against the
budgets of issue 21:

- a new deal saved and shown on the kanban: ``add_deal`` (it enters its stage with its playbook
  task) then the kanban's read of its pipeline, as the screen's reload does (budget 150 ms);
  and in the app, on the kanban: ``n`` to the dialog drawn, and Ctrl+S to the new card drawn
  in its column under the cursor (the dialog's fields typed in between, not timed);
- the week view painted: in the app, from ``W`` to the week on screen (budget 300 ms), and the
  read model alone (``load_week``);
- the head's team week (``team``): from ``g`` on the week to the team's lines on screen (budget
  300 ms), and its read model alone (``load_team_week``, one grouped read);
- ``crm task list --json`` for a manager, a new interpreter each time (budget 0.5 s).

The large base (``bench-data/large.db``, built by ``run.py``) is copied to
``bench-data/deals_tasks.db`` (or ``--copy PATH``) first, so the deals written here do not
touch it. ``--only kanban,week,team,list`` measures a few.

    .venv/bin/python tests/bench/deals_tasks.py [--repeat N] [--copy PATH] [--only ...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import LOGIN, NOW, TZ, bench_dir, ensure_base  # noqa: E402


def _row(name: str, samples: list[float], budget: float, cpu: list[float] | None = None) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    used = f"   CPU {statistics.median(cpu):7.1f} ms" if cpu else ""
    return (
        f"{name:<48} median {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms{used}"
        f"   budget {budget:.0f} ms"
    )


class Stopwatch:
    """Wall and CPU time (the process's, every thread: the workers' reads are the app's work)
    from ``start`` to ``stop``, kept in two lists."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self._started = (0.0, 0.0)

    def start(self) -> None:
        self._started = (time.perf_counter(), time.process_time())

    def stop(self, keep: bool = True) -> None:
        if keep:
            self.wall.append((time.perf_counter() - self._started[0]) * 1000)
            self.cpu.append((time.process_time() - self._started[1]) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--copy", type=Path, help="where the base is copied (default: beside it)")
    parser.add_argument("--only", default="kanban,week,team,list", help="kanban, week, team, list")
    parser.add_argument(
        "--db", help="the large base to copy (default: bench-data/large.db, built if missing)"
    )
    parser.add_argument("--size", default="160x45", help="the terminal's size in the app, WxH")
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

    source, _info = ensure_base(args.db, rebuild=False)
    size = tuple(int(n) for n in args.size.split("x"))
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
        opened, shown = asyncio.run(_new_deal_in_app(url, [str(c) for c in mine], args.repeat, size))
        results.append(_row("kanban: n -> new deal dialog drawn", opened.wall, 150, opened.cpu))
        results.append(
            _row("kanban: ctrl+s -> the new card drawn", shown.wall or [float("nan")], 150, shown.cpu)
        )

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
        painted = asyncio.run(_week_in_app(url, args.repeat, size))
        results.append(_row("week painted in the app (W to the week shown)", painted.wall, 300, painted.cpu))

    if "team" in only:
        from crm_tui.domain.tasks.week import load_team_week

        team = Stopwatch()
        for n in range(args.repeat + 1):
            team.start()
            with ws.read() as session:
                rows = load_team_week(session, ws.viewer, monday, TZ, NOW).rows
            team.stop(keep=n > 0)
        results.append(_row(f"team week read model ({len(rows)} people)", team.wall, 300, team.cpu))
        painted = asyncio.run(_team_in_app(url, args.repeat, size))
        results.append(_row("team week painted (g to the lines shown)", painted.wall, 300, painted.cpu))

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


async def _new_deal_in_app(
    url: str, clients: list[str], repeat: int, size: tuple[int, ...]
) -> tuple[Stopwatch, Stopwatch]:
    """On the kanban (its first column): ``n``, the dialog drawn; the fields filled; Ctrl+S, the
    new deal's card drawn in its column. Waits on the screens' state, polling lightly."""
    from textual.worker import WorkerCancelled

    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.dialogs.deal_forms import NewDealDialog
    from crm_tui.screens.funnel import FunnelScreen

    ws = open_workspace(url, LOGIN, tz=TZ, clock=fixed_clock(NOW))
    first = Stopwatch()
    opened = Stopwatch()
    shown = Stopwatch()
    missed = 0
    app = create_app(ws)
    async with app.run_test(size=size) as pilot:  # type: ignore[arg-type]
        await pilot.pause(1.0)
        await pilot.press("F")
        while not (isinstance(app.screen, FunnelScreen) and app.screen.board is not None):
            await asyncio.sleep(0.01)
        funnel = app.screen
        await pilot.pause(0.5)
        for n in range(repeat + 1):
            watch = opened if n else first
            watch.start()
            app.simulate_key("n")  # as the terminal sends it: Pilot.press waits for the app idle too
            while not (isinstance(app.screen, NewDealDialog) and app.screen.is_mounted):
                await asyncio.sleep(0.002)
            await _drawn(app)
            watch.stop()
            dialog = app.screen
            title = f"Бенч на канбане {n}"
            for field, value in (("client", clients[n % len(clients)]), ("title", title), ("amount", "350к")):
                dialog.query_one(f"#deal-{field}").value = value  # type: ignore[attr-defined]
            with contextlib.suppress(WorkerCancelled):  # a search or a read replaced by a newer one
                await app.workers.wait_for_complete()  # the client field's suggestions are shown
            await pilot.pause()  # (a person picks one before saving)
            board = funnel.board
            shown.start()
            app.simulate_key("ctrl+s")
            while not (app.screen is funnel and funnel.board is not board):
                await asyncio.sleep(0.002)
            view = funnel._columns()[funnel.current]
            await _drawn(app)
            if view.highlighted is None or view.highlighted.title != title:
                missed += 1  # the board came back without the card in sight
                shown.stop(keep=False)
            else:
                shown.stop(keep=n > 0)
            await pilot.pause(0.2)
    if missed:
        print(f"  {missed} of {repeat + 1} new cards not under the cursor after the save", file=sys.stderr)
    print(
        f"  the first opening of the dialog: {first.wall[0]:.0f} ms, CPU {first.cpu[0]:.0f} ms",
        file=sys.stderr,
    )
    return opened, shown


async def _week_in_app(url: str, repeat: int, size: tuple[int, ...]) -> Stopwatch:
    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.week import WeekScreen

    ws = open_workspace(url, LOGIN, tz=TZ, clock=fixed_clock(NOW))
    samples = Stopwatch()
    app = create_app(ws)
    async with app.run_test(size=size) as pilot:  # type: ignore[arg-type]
        await pilot.pause(1.0)
        for n in range(repeat + 1):
            samples.start()
            await pilot.press("W")
            while not (isinstance(app.screen, WeekScreen) and app.screen.week is not None):
                await asyncio.sleep(0.002)
            await _drawn(app)
            samples.stop(keep=n > 0)
            await pilot.press("escape")
            await pilot.pause()
    return samples


async def _team_in_app(url: str, repeat: int, size: tuple[int, ...]) -> Stopwatch:
    """On the week (the head's own): ``g``, the team's lines drawn; Escape back out of the
    week, ``W`` again (not timed)."""
    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.week import WeekScreen

    ws = open_workspace(url, LOGIN, tz=TZ, clock=fixed_clock(NOW))
    samples = Stopwatch()
    app = create_app(ws)
    async with app.run_test(size=size) as pilot:  # type: ignore[arg-type]
        await pilot.pause(1.0)
        for n in range(repeat + 1):
            await pilot.press("W")
            while not (isinstance(app.screen, WeekScreen) and app.screen.week is not None):
                await asyncio.sleep(0.002)
            week = app.screen
            await pilot.pause()
            before = week.team  # the last round's, until the new one is read
            samples.start()
            await pilot.press("g")
            while not (week.team_shown and week.team is not None and week.team is not before):
                await asyncio.sleep(0.002)
            await _drawn(app)
            samples.stop(keep=n > 0)
            await pilot.press("escape")
            await pilot.pause()
    return samples


if __name__ == "__main__":
    main()
