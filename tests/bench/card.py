"""The client card on the large demo base, for a client with a long history. Nothing is asserted.

The large demo base (``bench-data/large.db``, built by ``run.py``) is copied to
``bench-data/card.db`` and one client of the head ``bench`` is given 5,000 calls, letters and
notes over three years, 300 tasks (most done), 40 deals with their stage moves and 200 audited
changes, on top of the million interactions the base already has. Measured: ``load_card`` (the
whole read model, timeline first page included), the timeline's pages 2-50 by cursor, and the
card's first paint in the real app from the action to the timeline on screen.

    .venv/bin/python tests/bench/card.py
    .venv/bin/python tests/bench/card.py --rebuild
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import LOGIN, NOW, TZ, bench_dir, ensure_base  # noqa: E402

TOUCHES = 5_000
TASKS = 300
DEALS = 40
CHANGES = 200


def build(target: Path) -> int:
    """Copies the base and loads the history onto one client; returns the client's id."""
    from sqlalchemy import func, select

    from storage.bulk import insert_rows
    from storage.database import dispose_engines, get_engine, write_session
    from storage.models import (
        audit_entries,
        clients,
        deal_stage_changes,
        deals,
        interactions,
        stages,
        tasks,
        users,
    )

    source, _info = ensure_base(None, rebuild=False)
    shutil.copyfile(source, target)
    engine = get_engine(str(target))
    rng = random.Random(5)
    with write_session(engine) as session:
        me, region = session.execute(select(users.c.id, users.c.region).where(users.c.login == LOGIN)).one()
        client_id = session.scalar(
            select(clients.c.id).where(clients.c.region == region).order_by(clients.c.id).limit(1)
        )
        assert client_id is not None
        first = session.execute(
            select(stages.c.pipeline_id, stages.c.id).order_by(stages.c.pipeline_id, stages.c.position)
        ).all()
        pipeline = first[0][0]
        path = [sid for pid, sid in first if pid == pipeline]
        start = NOW - timedelta(days=3 * 365)
        span = (NOW - start).total_seconds()

        def moment() -> Any:
            return start + timedelta(seconds=rng.random() * span)

        insert_rows(
            session,
            interactions,
            [
                {
                    "kind": rng.choice(("call", "email", "message", "meeting", "note")),
                    "direction": rng.choice(("inbound", "outbound")),
                    "occurred_at": (at := moment()),
                    "summary": f"Касание {n}: обсудили поставку и оплату",
                    "client_id": client_id,
                    "user_id": me,
                    "created_at": at,
                }
                for n in range(TOUCHES)
            ],
        )
        task_rows = []
        for n in range(TASKS):
            at = moment()
            done = n >= 20
            task_rows.append(
                {
                    "title": f"Задача {n}",
                    "kind": "call",
                    "due_at": at + timedelta(days=2),
                    "assignee_id": me,
                    "client_id": client_id,
                    "status": "done" if done else "open",
                    "result": "Сделано" if done else None,
                    "completed_at": at + timedelta(days=1) if done else None,
                    "created_at": at,
                }
            )
        insert_rows(session, tasks, task_rows)
        next_deal = (session.scalar(select(func.max(deals.c.id))) or 0) + 1
        deal_rows, moves = [], []
        for n in range(DEALS):
            at = moment()
            deal_rows.append(
                {
                    "id": next_deal + n,
                    "client_id": client_id,
                    "owner_id": me,
                    "pipeline_id": pipeline,
                    "stage_id": path[2],
                    "title": f"Сделка {n}",
                    "amount": 100_000_00,
                    "status": "open",
                    "stage_entered_at": at,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            for step in range(3):
                moves.append(
                    {
                        "deal_id": next_deal + n,
                        "at": at + timedelta(days=step),
                        "from_stage_id": path[step - 1] if step else None,
                        "to_stage_id": path[step],
                    }
                )
        insert_rows(session, deals, deal_rows)
        insert_rows(session, deal_stage_changes, moves)
        insert_rows(
            session,
            audit_entries,
            [
                {
                    "at": moment(),
                    "user_id": me,
                    "entity": "client",
                    "entity_id": client_id,
                    "action": "edit",
                    "changes": {"city": ["Москва", "Химки"]},
                }
                for _ in range(CHANGES)
            ],
        )
    dispose_engines()
    return client_id


def samples_of(run: Any, repeat: int) -> list[float]:
    run()
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        found.append(1000 * (time.perf_counter() - started))
    return found


def show(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(f"{label:<52} median {statistics.median(samples):6.1f} ms, p95 {p95:6.1f} ms", flush=True)


def measure(target: Path, client_id: int, repeat: int) -> None:
    from crm_tui.domain.client_card import load_card
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.timeline import client_timeline
    from crm_tui.domain.workspace import open_workspace

    ws = open_workspace(str(target), LOGIN, tz=TZ, clock=fixed_clock(NOW))

    def card() -> None:
        with ws.read() as session:
            load_card(session, ws.viewer, client_id)

    show(f"load_card ({TOUCHES:,} touches, timeline page 1)", samples_of(card, repeat))
    cursors = []
    with ws.read() as session:
        page = client_timeline(session, ws.viewer, client_id)
        while page.next is not None and len(cursors) < 50:
            cursors.append(page.next)
            page = client_timeline(session, ws.viewer, client_id, page.next)
    pages: list[float] = []
    for cursor in cursors:
        started = time.perf_counter()
        with ws.read() as session:
            client_timeline(session, ws.viewer, client_id, cursor)
        pages.append(1000 * (time.perf_counter() - started))
    show(f"timeline pages 2-{len(cursors) + 1} by cursor", pages)


def measure_screen(target: Path, client_id: int, repeat: int) -> None:
    """From a list's request to open the card (``ClientCardScreen.Open``, what Enter on the desk
    or the clients list posts) to the card on screen with its timeline, in the real app
    headless. The first card of a session builds the card screen; later ones reuse it."""
    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from screens.client_card import ClientCardScreen

    ws = open_workspace(str(target), LOGIN, tz=TZ, clock=fixed_clock(NOW))
    painted: list[asyncio.Event] = []
    show_timeline = ClientCardScreen._show_timeline

    def shown(card: ClientCardScreen, page: Any, fresh: bool = False) -> None:
        """Waits on an event set once the timeline is on screen (after the refresh that paints
        it), not by polling: a polling loop competes with the worker thread for the GIL."""
        show_timeline(card, page, fresh)
        if painted:
            card.call_after_refresh(painted.pop().set)

    ClientCardScreen._show_timeline = shown  # type: ignore[method-assign]

    async def opened(app: Any) -> float:
        event = asyncio.Event()
        painted.append(event)
        started = time.perf_counter()
        app.screen.post_message(ClientCardScreen.Open(client_id))
        await event.wait()
        return 1000 * (time.perf_counter() - started)

    async def once() -> tuple[float, list[float]]:
        app = create_app(ws)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            first = await opened(app)
            again = []
            for _ in range(5):
                app.pop_screen()
                await pilot.pause(0.5)  # a person reads the desk before the next card
                again.append(await opened(app))
            return first, again

    runs = [asyncio.run(once()) for _ in range(repeat)]
    show("card first paint, first card of the session", [first for first, _again in runs])
    show("card first paint, any later card", [ms for _first, again in runs for ms in again])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    target = bench_dir() / "card.db"
    marker = bench_dir() / "card.client"
    if args.rebuild or not target.exists() or not marker.exists():
        bench_dir().mkdir(parents=True, exist_ok=True)
        marker.write_text(str(build(target)))
    client_id = int(marker.read_text())
    measure(target, client_id, args.repeat)
    measure_screen(target, client_id, max(3, args.repeat // 5))


if __name__ == "__main__":
    main()
