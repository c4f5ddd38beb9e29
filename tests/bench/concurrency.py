"""A sales floor on one base: 30 manager processes reading and saving at once.

Each process works as one of the demo's managers for ``--seconds``, pausing about ``--think``
seconds between actions as people do: four in five actions read a page of their clients, one
in five saves one of them (read, change, save with the version seen,
again on a refused stale save). Reported: saves, stale refusals, errors, and the latency of a
save (from asking for the write lock to commit) at p50 and p99. Nothing is asserted.

    .venv/bin/python tests/bench/concurrency.py                                  # SQLite file
    .venv/bin/python tests/bench/concurrency.py --postgres postgresql+psycopg://root@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def worker(url: str, login: str, seconds: float, seed: int, think: float) -> None:
    from sqlalchemy import select

    from crm_tui.domain.clients.edit import edit_client
    from crm_tui.domain.clients.listing import ClientFilter, client_page
    from crm_tui.domain.errors import StaleEdit
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.models import clients

    rng = random.Random(seed)
    ws = open_workspace(url, login)
    with ws.read() as session:
        mine = list(session.scalars(select(clients.c.id).where(clients.c.owner_id == ws.viewer.user_id)))
    latencies: list[float] = []
    stale = errors = reads = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(0, 2 * think))
        try:
            if rng.random() < 0.8 or not mine:
                with ws.read() as session:
                    client_page(session, ws.viewer, ClientFilter())
                reads += 1
                continue
            client_id = rng.choice(mine)
            while True:
                with ws.read() as session:
                    version, city = session.execute(
                        select(clients.c.version, clients.c.city).where(clients.c.id == client_id)
                    ).one()
                started = time.perf_counter()
                try:
                    with ws.write() as session:
                        edit_client(session, ws.viewer, ws.now(), client_id, version, {"city": city})
                    latencies.append(time.perf_counter() - started)
                    break
                except StaleEdit:
                    stale += 1
        except Exception as exc:  # counted, not hidden: the figure this bench exists for
            errors += 1
            print(repr(exc), file=sys.stderr)
    print(json.dumps({"latencies": latencies, "stale": stale, "errors": errors, "reads": reads}))


def prepare(url: str | None) -> tuple[str, list[str]]:
    from sqlalchemy import create_engine, select, text

    from crm_tui.demo.builder import build_demo
    from crm_tui.storage.database import dispose_engines, get_engine
    from crm_tui.storage.models import Role, users

    if url is None:
        path = ROOT / "bench-data" / "concurrency.db"
        path.parent.mkdir(exist_ok=True)
        database = str(path)
        build_demo(database, size="small", seed=1, login="bench", replace_file=True)
    else:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS crm_bench_concurrency"))
            conn.execute(text("CREATE DATABASE crm_bench_concurrency"))
        admin.dispose()
        from sqlalchemy.engine import make_url

        database = make_url(url).set(database="crm_bench_concurrency").render_as_string(hide_password=False)
        build_demo(database, size="small", seed=1, login="bench", replace_file=False)
    with get_engine(database).connect() as conn:
        logins = list(conn.scalars(select(users.c.login).where(users.c.role == Role.MANAGER.value)))
    dispose_engines()
    return database, logins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--postgres", help="a PostgreSQL server URL (a database crm_bench_concurrency is made)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.5,
        help="mean pause between a person's actions, seconds (0: flat out)",
    )
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, login, seconds, seed, think = args.worker
        worker(url, login, float(seconds), int(seed), float(think))
        return
    database, logins = prepare(args.postgres)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                database,
                logins[n % len(logins)],
                str(args.seconds),
                str(n),
                str(args.think),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(args.processes)
    ]
    results, failed = [], 0
    for p in procs:
        out, err = p.communicate(timeout=args.seconds + 120)
        if p.returncode != 0:
            failed += 1
            print(err[-400:], file=sys.stderr)
            continue
        results.append(json.loads(out.splitlines()[-1]))
    latencies = sorted(x for r in results for x in r["latencies"])
    errors = sum(r["errors"] for r in results) + failed
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    median = statistics.median(latencies) if latencies else float("nan")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    reads, stale = sum(r["reads"] for r in results), sum(r["stale"] for r in results)
    print(
        f"{engine}, {args.processes} processes x {args.seconds:.0f} s, think {args.think} s: "
        f"{len(latencies):,} saves, "
        f"{reads:,} page reads, {stale:,} stale refusals retried, {errors} errors; "
        f"save latency p50 {median * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
