"""The receiver under load (issue 23), a real `crm inbound serve` process on loopback and a
fresh SQLite base (or ``--db``). Nothing is asserted; figures against the issue's budgets:

- ``load``: 50 form requests a second for 60 s, 5% of them sent again (a sender's retry) a
  moment later: every event answered 200 must be stored exactly once; p50/p99 latency (budget
  p99 < 100 ms);
- ``kill``: the same load, the receiver killed with ``kill -9`` halfway and started again; the
  sender retries whatever was not answered 200 (as a PBX does): nothing answered 200 may be
  missing, nothing stored twice.

    .venv/bin/python tests/bench/inbound_receiver.py [--rate 50] [--seconds 60] [--retry 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CRM = str(ROOT / ".venv" / "bin" / "crm")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


WORKERS: list[str] = []


def start(url: str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [CRM, "--db", url, "inbound", "serve", "--port", str(port), *WORKERS],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "CRM_TZ": "Europe/Moscow"},
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the receiver did not start")


async def send(http: object, base: str, token: str, event: str, tally: Tally, *, until_ok: bool) -> None:
    import aiohttp

    assert isinstance(http, aiohttp.ClientSession)
    body = {"event_id": event, "name": "Нагрузка", "phone": f"+7916{int(event[1:]) % 10_000_000:07d}",
            "message": "Заявка с сайта"}  # fmt: skip
    while True:
        began = time.perf_counter()
        try:
            async with http.post(f"{base}/hooks/form/site?token={token}", json=body) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, OSError):
            status = 0
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status == 200:
            tally.latencies.append((time.perf_counter() - began) * 1000)
            tally.answered.add(event)
            return
        tally.errors += 1
        if not until_ok:
            return
        await asyncio.sleep(0.5)


@dataclass
class Plan:
    rate: int
    seconds: int
    retry: float
    kill_at: float | None = None
    restart: Callable[[], None] | None = None
    until_ok: bool = False


async def load(base: str, token: str, plan: Plan, tally: Tally) -> None:
    import aiohttp

    rate, seconds, retry, kill_at, restart, until_ok = (
        plan.rate,
        plan.seconds,
        plan.retry,
        plan.kill_at,
        plan.restart,
        plan.until_ok,
    )
    rng = random.Random(1)
    tasks: list[asyncio.Task[None]] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:
        began = time.monotonic()
        for n in range(rate * seconds):
            due = began + n / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if kill_at is not None and restart is not None and time.monotonic() - began >= kill_at:
                # Killed while the sender goes on: what fails meanwhile is sent again until 200.
                tasks.append(asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(None, restart)))
                kill_at = None
            event = f"e{n}"
            tasks.append(asyncio.create_task(send(http, base, token, event, tally, until_ok=until_ok)))
            if rng.random() < retry:

                async def again(event: str = event) -> None:
                    await asyncio.sleep(rng.uniform(0.05, 1.0))
                    await send(http, base, token, event, tally, until_ok=until_ok)

                tasks.append(asyncio.create_task(again()))
        await asyncio.gather(*tasks)


def stored(url: str) -> list[str]:
    """The events the load's touches were logged for (a double would be there twice)."""
    from sqlalchemy import create_engine, select

    from crm_tui.storage.models import interactions

    engine = create_engine(url)
    with engine.connect() as conn:
        ids = list(
            conn.scalars(
                select(interactions.c.external_id).where(interactions.c.external_id.like("form:site:%"))
            )
        )
    engine.dispose()
    return [i.removeprefix("form:site:") for i in ids if i]


def report(name: str, tally: Tally, url: str) -> None:
    ids = stored(url)
    ordered = sorted(tally.latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
    p50 = statistics.median(ordered) if ordered else float("nan")
    print(
        f"{name}: answered 200 {len(tally.answered):,} events ({sum(tally.statuses.values()):,} requests, "
        f"statuses {dict(sorted(tally.statuses.items()))}); stored {len(ids):,} rows for {len(set(ids)):,} "
        f"events (doubles {len(ids) - len(set(ids))}, "
        f"answered but missing {len(tally.answered - set(ids))}); "
        f"latency of the 200s p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--retry", type=float, default=0.05)
    parser.add_argument("--only", choices=("load", "kill"), default=None)
    parser.add_argument("--workers", type=int, default=None, help="The receiver's threads (its default).")
    args = parser.parse_args()
    if args.workers:
        WORKERS.extend(["--workers", str(args.workers)])

    for phase in ("load", "kill"):
        if not args.only or phase == args.only:
            run_phase(phase, args.rate, args.seconds, args.retry)


def run_phase(phase: str, rate: int, seconds: int, retry: float) -> None:
    from crm_tui.config import os_login
    from crm_tui.domain.inbound.sources import add_source
    from crm_tui.domain.workspace import open_workspace

    url = f"sqlite:///{tempfile.mkdtemp(prefix='crm-receiver-')}/inbound.db"
    ws = open_workspace(url, os_login())
    token = add_source(ws, "site", "form", per_minute=1_000_000).source.secret
    ws.engine.dispose()
    port = _free_port()
    server = [start(url, port)]
    tally = Tally()

    def restart() -> None:
        server[0].send_signal(signal.SIGKILL)
        server[0].wait()
        server[0] = start(url, port)

    killing = phase == "kill"
    plan = Plan(rate, seconds, retry, seconds / 2 if killing else None, restart if killing else None, killing)
    ready = _cpu(server[0].pid)
    try:
        asyncio.run(load(f"http://127.0.0.1:{port}", token, plan, tally))
        if not killing:  # what the receiver spent on the load, its start-up left out
            spent = _cpu(server[0].pid) - ready
            print(f"{phase}: the receiver's CPU {spent * 1000 / max(1, sum(tally.statuses.values())):.1f} ms "
                  f"a request ({spent:.1f} s)")  # fmt: skip
    finally:
        server[0].send_signal(signal.SIGTERM)
        server[0].wait(timeout=30)
    report(phase, tally, url)


def _cpu(pid: int) -> float:
    """A process's CPU seconds so far (user and system), from /proc; 0 where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
