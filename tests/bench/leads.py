"""Requests (issue 22) on the large demo base plus 100,000 requests over a year. Nothing is
asserted; figures against the issue's budgets:

- the inbox's first page (open requests, oldest deadline first) and the pages after it (by
  the keyset the screen's `n` uses) for the head who opens the demo, a manager of the region
  and an admin (budget 150 ms);
- a request received: matched, routed by a rule, its answer task set (``receive``, 50 ms);
- a conversion: client, contact and a deal in the first stage (``convert_request``, 200 ms);
- `crm report leads` for a year, by source, as the domain computes it (1 s);
- the tick's escalation question when nothing is late (``any_late``).

The large base (``bench-data/large.db``, built by ``run.py``) is copied to
``bench-data/leads.db`` and the 100,000 requests (with an address and a touch each) written
there in bulk, a year back from the benchmark's "now".

    .venv/bin/python tests/bench/leads.py [--repeat N] [--db FILE --login HEAD]
    .venv/bin/python tests/bench/leads.py --db FILE --filled --login HEAD  # a base filled before, in place
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import LOGIN, NOW, TZ, bench_dir, ensure_base  # noqa: E402

LEADS = 100_000
BATCH = 5_000
STATUSES = ("new", "in_work", "converted", "junk")
WEIGHTS = (3.0, 30.0, 12.0, 8.0)
CHANNELS = ("call", "email", "web_form", "messenger", "walk_in", "manual")


def _row(name: str, samples: list[float], budget: float) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name:<52} median {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   budget {budget:.0f} ms"
    )


def _fill(url: str) -> None:
    """100,000 requests over the year before ``NOW``, owned by the sellers, in bulk."""
    from sqlalchemy import insert, select

    from crm_tui.storage.database import get_engine, write_session
    from crm_tui.storage.models import Role, interactions, lead_addresses, leads, users

    engine = get_engine(url)
    rng = random.Random(22)
    with write_session(engine) as session:
        sellers = [
            (row.id, row.region)
            for row in session.execute(
                select(users.c.id, users.c.region).where(
                    users.c.role.in_([Role.MANAGER.value, Role.HEAD.value])
                )
            )
        ]
        first = int(session.scalar(select(leads.c.id).order_by(leads.c.id.desc()).limit(1)) or 0) + 1
    for start in range(0, LEADS, BATCH):
        rows, addresses, touches = [], [], []
        for n in range(start, min(start + BATCH, LEADS)):
            lead_id = first + n
            owner, region = rng.choice(sellers)
            received = NOW - timedelta(minutes=rng.randint(1, 365 * 24 * 60))
            status = rng.choices(STATUSES, WEIGHTS)[0]
            due = received + timedelta(minutes=15)
            answered = received + timedelta(minutes=rng.randint(1, 60)) if status != "new" else None
            rows.append(
                {
                    "id": lead_id,
                    "status": status,
                    "repeat": rng.random() < 0.15,
                    "channel": rng.choice(CHANNELS),
                    "person_name": f"Бенч {n}",
                    "message": "Пришлите прайс",
                    "region": region,
                    "owner_id": owner,
                    "assigned_at": received,
                    "routed_by": "bench",
                    "flags": [],
                    "received_at": received,
                    "answer_due_at": due,
                    "first_response_at": answered,
                    "escalated_at": None if answered else due,
                    "closed_at": answered if status in ("converted", "junk") else None,
                    "created_at": received,
                    "updated_at": received,
                    "version": 1,
                }
            )
            phone = f"+7999{n:07d}"
            addresses.append(
                {"lead_id": lead_id, "kind": "phone", "value": phone, "raw": phone, "valid": True}
            )
            touches.append(
                {
                    "kind": "call",
                    "direction": "inbound",
                    "channel": "call",
                    "occurred_at": received,
                    "summary": "Пришлите прайс",
                    "lead_id": lead_id,
                    "created_at": received,
                }
            )
        with write_session(engine) as session:
            session.execute(insert(leads), rows)
            session.execute(insert(lead_addresses), addresses)
            session.execute(insert(interactions), touches)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", help="measure a copy of this SQLite file instead of the large base")
    parser.add_argument("--login", default=LOGIN, help="the head who opens that base")
    parser.add_argument(
        "--filled", action="store_true", help="--db already holds the requests: measure it as it is, in place"
    )
    args = parser.parse_args()
    from dataclasses import replace

    from sqlalchemy import select

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.leads.conversion import Conversion, convert_request
    from crm_tui.domain.leads.deadlines import any_late
    from crm_tui.domain.leads.inbox import View, inbox_cursor, inbox_page
    from crm_tui.domain.leads.intake import Request, receive
    from crm_tui.domain.leads.routing import add_route
    from crm_tui.domain.reports.leads import lead_report
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.models import Role, users

    if args.filled and args.db:
        url = args.db
    else:
        source = args.db or ensure_base(None, rebuild=False)[0]
        target = bench_dir() / "leads.db"
        shutil.copyfile(
            Path(source.removeprefix("sqlite:///")) if source.startswith("sqlite") else source, target
        )
        url = str(target)
        started = time.perf_counter()
        _fill(url)
        print(f"{LEADS} requests written in {time.perf_counter() - started:.1f} s")
    head = open_workspace(url, args.login, tz=TZ, clock=fixed_clock(NOW))
    with head.read() as session:
        manager = session.scalar(
            select(users.c.login).where(
                users.c.role == Role.MANAGER.value, users.c.region == head.viewer.region
            )
        )
        admin = session.scalar(select(users.c.login).where(users.c.role == Role.ADMIN.value))
    results = []
    for login in (args.login, manager, admin):
        ws = open_workspace(url, str(login), tz=TZ, clock=fixed_clock(NOW))
        samples = []
        for n in range(args.repeat + 1):
            start = time.perf_counter()
            inbox_page(ws, View.ALL)
            if n:
                samples.append((time.perf_counter() - start) * 1000)
        results.append(_row(f"inbox first page ({ws.viewer.role.value} {login})", samples, 150))
        following = []
        page = inbox_page(ws, View.ALL)
        for _ in range(args.repeat):
            cursor = inbox_cursor(page.items[-1])
            assert cursor is not None
            start = time.perf_counter()
            page = inbox_page(ws, View.ALL, after=cursor)
            following.append((time.perf_counter() - start) * 1000)
            if not page.more:
                page = inbox_page(ws, View.ALL)
        results.append(_row(f"inbox next page ({ws.viewer.role.value} {login})", following, 150))

    boss = open_workspace(url, str(admin), tz=TZ, clock=fixed_clock(NOW))
    add_route(boss, [str(manager)], channel="web_form")
    routed: list[float] = []
    made: list[int] = []
    for n in range(args.repeat + 1):
        start = time.perf_counter()
        got = receive(
            boss, Request(name=f"Новый {n}", phone=f"+7998{n:07d}", message="Прайс", channel="web_form")
        )
        if n:
            routed.append((time.perf_counter() - start) * 1000)
        made.append(int(got.lead_id or 0))
    results.append(_row("request received, routed, its task set", routed, 50))

    converted: list[float] = []
    later = replace(boss, clock=fixed_clock(NOW + timedelta(minutes=5)))
    for n, lead_id in enumerate(made):
        start = time.perf_counter()
        convert_request(later, lead_id, Conversion(deal_title=f"Сделка {n}", amount="100к"), anyway=True)
        if n:
            converted.append((time.perf_counter() - start) * 1000)
    results.append(_row("conversion (client, contact, deal)", converted, 200))

    report: list[float] = []
    for n in range(max(3, args.repeat // 3) + 1):
        start = time.perf_counter()
        with boss.read() as session:
            lead_report(session, boss.viewer, (NOW - timedelta(days=365)).date(), NOW.date(), by="source",
                        now=NOW, tz=TZ)  # fmt: skip
        if n:
            report.append((time.perf_counter() - start) * 1000)
    results.append(_row("leads report, a year, by source (admin)", report, 1000))

    quiet: list[float] = []
    for n in range(args.repeat + 1):
        start = time.perf_counter()
        with boss.read() as session:
            any_late(session, NOW)
        if n:
            quiet.append((time.perf_counter() - start) * 1000)
    results.append(_row("tick: is any request late? (none)", quiet, 50))
    print("\n".join(results))


if __name__ == "__main__":
    main()
