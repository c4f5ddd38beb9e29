"""The client card on the large demo base, for a client with a long history. Nothing is asserted.

The large demo base (``bench-data/large.db``, built by ``run.py``) is copied to
``bench-data/card.db`` and one client of the head ``bench`` is given 5,000 calls, letters and
notes over three years, 300 tasks (most done), 40 deals with their stage moves and 200 audited
changes, on top of the million interactions the base already has. Measured: ``load_card`` (the
whole read model, timeline first page included), the timeline's pages 2-50 by cursor, and in the
real app the time from the request to open a card to the last frame that changed the screen
(``Frames``): the first card of a session, the long-history client opened after another client,
and five ordinary clients of the same region in between.

    .venv/bin/python tests/bench/card.py
    .venv/bin/python tests/bench/card.py --rebuild
    .venv/bin/python tests/bench/card.py --json samples.json   # every sample too, to pool runs
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

from tests.app.frames import recording  # noqa: E402
from tests.bench.run import LOGIN, NOW, TZ, bench_dir, ensure_base  # noqa: E402

TOUCHES = 5_000
TASKS = 300
DEALS = 40
CHANGES = 200


def build(target: Path) -> int:
    """Copies the base and loads the history onto one client; returns the client's id."""
    from sqlalchemy import func, select

    from crm_tui.storage.bulk import insert_rows
    from crm_tui.storage.database import dispose_engines, get_engine, write_session
    from crm_tui.storage.models import (
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
    return int(client_id)


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


def measure(target: Path, client_id: int, repeat: int) -> dict[str, list[float]]:
    from crm_tui.domain.clients.card import load_card
    from crm_tui.domain.clients.timeline import client_timeline
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace

    ws = open_workspace(str(target), LOGIN, tz=TZ, clock=fixed_clock(NOW))

    def card() -> None:
        with ws.read() as session:
            load_card(session, ws.viewer, client_id)

    reads = samples_of(card, repeat)
    show(f"load_card ({TOUCHES:,} touches, timeline page 1)", reads)
    cursors: list[Any] = []
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
    return {"load_card": reads, "timeline_page": pages}


def measure_screen(target: Path, client_id: int, repeat: int, wait: float = 0.6) -> dict[str, list[float]]:
    """From a list's request to open the card (``ClientCardScreen.Open``, what Enter on the desk
    or the clients list posts) to the last frame that changed the screen's characters
    (``tests.app.frames``), in the real app headless (120x40). Each open is given ``wait`` (600 ms) and
    frames after that are not looked at; the check that the timeline's "page 1" is on screen
    makes sure the last frame is the card's, not the desk's. Every card, the first one too,
    opens on the card screen prepared behind the desk."""
    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.card.screen import ClientCardScreen

    ws = open_workspace(str(target), LOGIN, tz=TZ, clock=fixed_clock(NOW))
    extra: list[int] = []

    async def opened(app: Any, client: int) -> float:
        frames.replay()
        started = time.perf_counter()
        app.screen.post_message(ClientCardScreen.Open(client))
        await asyncio.sleep(wait)
        changes = [frame.at for frame in frames.replay() if frame.changed]
        if not changes or "page 1" not in frames.text():
            raise SystemExit("the card's timeline never reached the screen:\n" + frames.text())
        extra.append(len(changes) - 1)
        return 1000 * (changes[-1] - started)

    async def once() -> tuple[float, list[float], list[float]]:
        app = create_app(ws)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            first = await opened(app, client_id)
            big: list[float] = []
            others: list[float] = []
            for other in neighbours:
                for client, into in ((other, others), (client_id, big)):
                    app.pop_screen()
                    await pilot.pause(0.5)  # a person reads the desk before the next card
                    into.append(await opened(app, client))
            return first, big, others

    neighbours = others_near(ws, client_id)
    with recording(120, 40) as frames:
        runs = [asyncio.run(once()) for _ in range(repeat)]
    show("card settled, first card of the session", [first for first, _big, _others in runs])
    show("card settled, later, the long history after another", [ms for run in runs for ms in run[1]])
    show("card settled, later, an ordinary client", [ms for run in runs for ms in run[2]])
    print(f"frames that changed the screen after the first one, per card: {sorted(extra)}")
    return {
        "first": [first for first, _big, _others in runs],
        "long_history": [ms for run in runs for ms in run[1]],
        "ordinary": [ms for run in runs for ms in run[2]],
        "frames_after_first": [float(n) for n in extra],
    }


def others_near(ws: Any, client_id: int) -> list[int]:
    """Five other clients of the same region that have a history of their own, so every card
    opened on the kept screen changes its content (a card reopened for the same client finds its
    layout ready, which no person working through a list does)."""
    from sqlalchemy import func, select

    from crm_tui.storage.models import clients, interactions

    with ws.read() as session:
        region = session.scalar(select(clients.c.region).where(clients.c.id == client_id))
        candidates = list(
            session.scalars(
                select(clients.c.id)
                .where(clients.c.region == region, clients.c.id != client_id)
                .order_by(clients.c.id)
                .limit(200)
            )
        )
        touches = dict(
            session.execute(
                select(interactions.c.client_id, func.count())
                .where(interactions.c.client_id.in_(candidates))
                .group_by(interactions.c.client_id)
            ).all()
        )
    return [client for client in candidates if touches.get(client, 0) >= 5][:5]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument("--wait", type=float, default=0.6, help="seconds given to each card (600 ms)")
    args = parser.parse_args()
    target = bench_dir() / "card.db"
    marker = bench_dir() / "card.client"
    if args.rebuild or not target.exists() or not marker.exists():
        bench_dir().mkdir(parents=True, exist_ok=True)
        marker.write_text(str(build(target)))
    client_id = int(marker.read_text())
    samples = measure(target, client_id, args.repeat)
    samples |= measure_screen(target, client_id, max(3, args.repeat // 5), args.wait)
    if args.json is not None:
        args.json.write_text(json.dumps(samples))


if __name__ == "__main__":
    main()
