"""Campaigns (issue 24): enrolling 10,000 recipients, sending into a local SMTP server, and a
tick with nothing due. Nothing is asserted; the budgets are 5 s, 100 letters a second, 200 ms.

A fresh SQLite base (or ``--db URL``) with the test team and 10,000 lost clients with e-mails;
the lost drip (days 8, 15, 20: 30,000 letters) is enrolled and timed; then a one-letter campaign
of 1,000 recipients is sent through aiosmtpd on loopback (no rate limit) and timed; then
``crm schedule tick``'s work and the outbox job's ``has_work`` on a day with nothing due.

    .venv/bin/python tests/bench/campaigns.py [--db URL] [--clients 10000] [--letters 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from crm_tui.domain.campaigns.enrol import enrol  # noqa: E402
from crm_tui.domain.campaigns.examples import lost_drip  # noqa: E402
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft, add_campaign  # noqa: E402
from crm_tui.domain.clock import fixed_clock  # noqa: E402
from crm_tui.domain.workspace import open_workspace, prepare_database  # noqa: E402
from crm_tui.scheduling import outbox_job  # noqa: E402
from crm_tui.scheduling.outbox_send import send_outbox  # noqa: E402
from crm_tui.scheduling.tick import run_tick  # noqa: E402
from tests.seed import FROZEN_NOW, MOSCOW, seed_team  # noqa: E402
from tests.smtp_server import Mailbox, _free_port, _Handler  # noqa: E402
from tests.unit.campaign_base import add_clients, at, mail_setup  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--letters", type=int, default=1_000)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    seed_team(prepare_database(url))
    ws = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    box = Mailbox(_free_port())
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        started = time.perf_counter()
        add_clients(ws, args.clients)
        print(f"setup: {args.clients} clients in {time.perf_counter() - started:.1f} s")
        mail_setup(ws, box.port, name="Один день")  # the sender, and a campaign we do not use
        with ws.read() as session:
            add_campaign(ws, lost_drip(session, "Потерянные"))
        started = time.perf_counter()
        result = enrol(ws, "Потерянные")
        took = time.perf_counter() - started
        print(f"enrol: {result.enrolled} recipients, {result.letters} letters in {took:.2f} s (budget 5 s)")
        first = sorted(r for r in range(1, args.letters + 1))
        add_campaign(
            ws,
            CampaignDraft(
                "Сейчас", audience={"segment": "lost"}, steps=(StepDraft(0, "Тема {{ client }}", "Текст"),)
            ),
        )
        enrol(ws, "Сейчас", client_ids=first)
        started, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
        report = send_outbox(ws)
        took, cpu, own = time.perf_counter() - started, time.process_time() - cpu, time.thread_time() - own
        print(
            f"send: {report.sent} letters in {took:.2f} s = {report.sent / took:.0f} letters/s "
            f"(budget 100/s; server got {len(box.letters)}); CPU {cpu / report.sent * 1000:.1f} ms a letter "
            f"(the worker and the SMTP server: one process), the worker's thread "
            f"{own / report.sent * 1000:.1f} ms"
        )
        quiet = at(ws, FROZEN_NOW + timedelta(days=1))
        run_tick(quiet)  # the day's first tick runs the daily jobs; the next ones are the quiet ones
        ticks, probes = [], []
        for _ in range(7):
            started = time.perf_counter()
            run_tick(quiet)
            ticks.append(time.perf_counter() - started)
            with quiet.read() as session:
                started = time.perf_counter()
                assert not outbox_job.has_work(session, quiet.now())
                probes.append(time.perf_counter() - started)
        print(
            f"tick with nothing due: median {statistics.median(ticks) * 1000:.0f} ms "
            f"(budget 200 ms); the outbox's has_work {statistics.median(probes) * 1000:.2f} ms"
        )
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
