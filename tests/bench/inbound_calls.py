"""100,000 call records (issue 23): Asterisk's Master.csv read and logged on a fresh seeded
SQLite base (or ``--db``). Nothing is asserted; the issue's budget is 10 s.

Callers come from a pool: the seed's clients' numbers (their calls go on their timelines), and
2,000 strangers (a stranger's first call is a request, the next ones its touches). A tenth are
missed, a tenth outgoing.

    .venv/bin/python tests/bench/inbound_calls.py [--calls N] [--db URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CLIENT_NUMBERS = ("84951112233", "84957654321", "89031234567")


def master_csv(calls: int, seed: int = 1, strangers_n: int = 2000) -> bytes:
    rng = random.Random(seed)
    strangers = [f"8916{rng.randint(1_000_000, 9_999_999)}" for _ in range(strangers_n)] or list(
        CLIENT_NUMBERS
    )
    start = datetime(2026, 1, 1, 9, 0)
    lines = []
    for n in range(calls):
        moment = (start + timedelta(seconds=n * 300)).strftime("%Y-%m-%d %H:%M:%S")
        other = rng.choice(CLIENT_NUMBERS) if rng.random() < 0.3 else rng.choice(strangers)
        missed = rng.random() < 0.1
        disposition, billsec = ("NO ANSWER", 0) if missed else ("ANSWERED", rng.randint(10, 600))
        if rng.random() < 0.1:
            src, dst, channel, dstchannel = "101", other, "SIP/101-0001", "SIP/trunk-0002"
        else:
            src, dst, channel, dstchannel = other, "101", "SIP/trunk-0001", "SIP/101-0002"
        lines.append(
            f'"","{src}","{dst}","from-trunk","""{src}"" <{src}>","{channel}","{dstchannel}","Dial",'
            f'"SIP/101,30","{moment}","{moment}","{moment}",{billsec + 5},{billsec},"{disposition}",'
            f'"DOCUMENTATION","{1733000000 + n}.{n}",""'
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--strangers", type=int, default=2000, help="Numbers no client has (0: none).")
    args = parser.parse_args()

    from crm_tui.domain.access.extensions import set_extension
    from crm_tui.domain.interactions.calls import log_calls
    from crm_tui.domain.workspace import open_workspace, prepare_database
    from crm_tui.importers.channels.calls.asterisk import read_master_csv
    from tests.seed import seed_team

    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='crm-calls-')}/calls.db"
    seed_team(prepare_database(url))
    ws = open_workspace(url, "admin", tz=ZoneInfo("Europe/Moscow"))
    set_extension(ws, "ivanova", "101")
    data = master_csv(args.calls, strangers_n=args.strangers)
    began, cpu = time.perf_counter(), time.process_time()
    read = read_master_csv(data, ZoneInfo("Europe/Moscow"), now=ws.now())
    parsed = time.perf_counter()
    logged = log_calls(ws, read.calls)
    done = time.perf_counter()
    print(f"{len(read.calls):,} calls: read {parsed - began:.1f} s, logged {done - parsed:.1f} s, "
          f"total {done - began:.1f} s wall, {time.process_time() - cpu:.1f} s CPU (budget 10 s); "
          f"{dict(logged.outcomes)}")  # fmt: skip
    again = time.perf_counter()
    twice = log_calls(ws, read.calls)
    print(f"the same file again: {time.perf_counter() - again:.1f} s; {dict(twice.outcomes)}")


if __name__ == "__main__":
    main()
