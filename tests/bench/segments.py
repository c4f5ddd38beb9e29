"""Segments on a big base: the recompute over 100,000 clients and 1,000,000 documents, and
what the segments screen reads for its first paint. Nothing is asserted.

The large demo base (``bench-data/large.db``, built by ``run.py``; 200,000 deals of which the
open proposal / invoice / awaiting-payment ones make clients warm) is copied to
``bench-data/segments.db`` and given 1,000,000 sales documents: 70% of the clients bought,
each a few to a few dozen times over two years, as orders, invoices (10% of them unpaid),
sales and payments.

    .venv/bin/python tests/bench/segments.py            # builds what is missing, then measures
    .venv/bin/python tests/bench/segments.py --rebuild  # new documents
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import NOW, TZ, bench_dir, ensure_base  # noqa: E402

T = TypeVar("T")

DOCUMENTS = 1_000_000
KINDS = ("order", "invoice", "sale", "payment")


def build(target: Path, documents: int, seed: int = 7) -> None:
    from sqlalchemy import func, select

    from crm_tui.storage.bulk import insert_rows
    from crm_tui.storage.database import dispose_engines, get_engine, write_session
    from crm_tui.storage.models import clients, sales_documents

    source, _info = ensure_base(None, rebuild=False)
    shutil.copyfile(source, target)
    engine = get_engine(str(target))
    rng = random.Random(seed)
    with write_session(engine) as session:
        ids = list(session.scalars(select(clients.c.id)))
        assert session.scalar(select(func.count()).select_from(sales_documents)) == 0
    buyers = rng.sample(ids, int(len(ids) * 0.7))
    today = NOW.date()
    made = 0
    number = 0
    rows: list[dict[str, object]] = []
    started = time.perf_counter()
    while made < documents:
        client_id = rng.choice(buyers)
        every = rng.choice((7, 14, 30, 30, 60, 90))
        day = today - timedelta(days=rng.randrange(0, 730))
        for _ in range(rng.randint(1, 12)):
            for kind in KINDS:
                number += 1
                rows.append(
                    {
                        "kind": kind,
                        "number": f"ТД00-{number:07d}",
                        "doc_year": day.year,
                        "doc_date": day,
                        "client_id": client_id,
                        "client_name": "bench",
                        "inn": None,
                        "amount": rng.randrange(1_000_00, 500_000_00),
                        "paid": (rng.random() > 0.1) if kind == "invoice" else None,
                        "batch_id": None,
                        "file": "bench.xlsx",
                        "row": number,
                        "updated_at": NOW,
                    }
                )
                made += 1
            day += timedelta(days=every)
            if day > today:
                break
        if len(rows) >= 50_000 or made >= documents:
            with write_session(engine) as session:
                insert_rows(session, sales_documents, rows)
            rows = []
    dispose_engines()
    print(f"built {made:,} documents in {time.perf_counter() - started:.1f} s", flush=True)


def measure(target: Path, repeat: int) -> None:
    from sqlalchemy import select, update

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.segments.lists import SegmentSort, segment_overview, segment_page
    from crm_tui.domain.segments.recompute import recompute_segments
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.models import Role, Segment, sales_documents, users

    probe = open_workspace(str(target), "bench", tz=TZ, clock=fixed_clock(NOW))
    with probe.read() as session:
        admin = session.scalar(select(users.c.login).where(users.c.role == Role.ADMIN.value).limit(1))
    assert admin is not None
    ws = open_workspace(str(target), admin, tz=TZ, clock=fixed_clock(NOW))

    def timed(label: str, run: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = run()
        print(f"{label:<52} {1000 * (time.perf_counter() - started):9.0f} ms", flush=True)
        return result

    first = timed("recompute, first run (every client assigned)", lambda: recompute_segments(ws))
    print("   ", first.as_json()["counts"], "interval", first.interval.days, first.interval.source)
    timed("recompute again (nothing changed)", lambda: recompute_segments(ws))
    with ws.write() as session:
        session.execute(
            update(sales_documents)
            .where(sales_documents.c.kind == "invoice", sales_documents.c.paid.is_(False))
            .values(paid=True)
        )
    moved = timed("recompute after every unpaid invoice got paid", lambda: recompute_segments(ws))
    print("   ", moved.moves)
    for viewer_ws, who in ((ws, "admin"), (probe, "bench (head, Москва)")):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            with viewer_ws.read() as session:
                segment_overview(session, viewer_ws.viewer)
                segment_page(session, viewer_ws.viewer, Segment.LOYAL, SegmentSort.LAST_PURCHASE)
            samples.append(1000 * (time.perf_counter() - started))
        print(
            f"segments screen data, {who:<22} median {statistics.median(samples):6.0f} ms, "
            f"max {max(samples):6.0f} ms",
            flush=True,
        )


def measure_screen(target: Path, repeat: int) -> None:
    """First paint of the segments screen in the real app (headless), as the head of Москва:
    from the key's action to the tiles and the first page on screen. The action is run
    directly: Pilot's ``press`` waits for the app to go idle first, which no keyboard does."""
    import asyncio

    from textual.widgets import DataTable

    from crm_tui.app import create_app
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.segments import SegmentsScreen

    ws = open_workspace(str(target), "bench", tz=TZ, clock=fixed_clock(NOW))

    async def once() -> float:
        app = create_app(ws)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            started = time.perf_counter()
            app.action_segments()
            while True:
                screen = app.screen
                if (
                    isinstance(screen, SegmentsScreen)
                    and screen.loaded is not None
                    and screen.query_one("#segment-clients", DataTable).row_count
                ):
                    break
                await asyncio.sleep(0.002)
            return 1000 * (time.perf_counter() - started)

    samples = [asyncio.run(once()) for _ in range(repeat)]
    print(
        f"segments screen first paint (app, head)             median {statistics.median(samples):6.0f} ms, "
        f"max {max(samples):6.0f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    target = bench_dir() / "segments.db"
    if args.rebuild or not target.exists():
        bench_dir().mkdir(parents=True, exist_ok=True)
        build(target, args.documents)
    measure(target, args.repeat)
    measure_screen(target, max(3, args.repeat // 3))


if __name__ == "__main__":
    main()
