"""The outbox's promise under crashes and concurrency, with real processes, a real SMTP server
and both databases: a worker killed with SIGKILL at random points never makes a recipient get a
step twice and never loses a letter (each is sent, still pending, or uncertain for a person);
two workers at once never send the same row."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import outbox
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, mail_setup

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 150  # two steps each, both due for the workers' real clock: 300 letters


def _worker(db_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.unit.outbox_worker", db_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _rows(ws: Workspace) -> dict[str, str]:
    with ws.read() as session:
        return {str(m): str(s) for m, s in session.execute(select(outbox.c.message_id, outbox.c.state)).all()}


def _check(ws: Workspace, box: Mailbox, *, settled: bool = True) -> dict[str, str]:
    """``settled``: no worker died since the last one ran to its end (else the killed worker's
    row is still "sending" until the next worker's start turns it "uncertain")."""
    rows = _rows(ws)
    received = Counter(box.message_ids())
    twice = [m for m, n in received.items() if n > 1]
    assert twice == [], f"{len(twice)} letters reached the server twice"
    assert set(received) <= set(rows), "the server got a letter the outbox does not have"
    for message_id, state in rows.items():
        allowed = ("sent", "pending", "uncertain") + (() if settled else ("sending",))
        assert state in allowed, (message_id, state)
        if state == "sent":
            assert message_id in received, "a row marked sent never reached the server"
        if state == "pending":
            assert message_id not in received, "a row still pending reached the server"
    return rows


@pytest.mark.long
def test_kill_9_at_random_points_sends_no_step_twice_and_loses_none(
    db_url: str, workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, CLIENTS)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    dispose_engines()
    smtp_server.delay = 0.01  # 300 letters take seconds: the kills land among them, not after
    rng = random.Random(24)
    kills = 0
    for _ in range(40):
        worker = _worker(db_url)
        time.sleep(rng.uniform(0.5, 1.6))  # a worker starts in ~0.7 s, then sends up to ~100 a second
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            kills += 1
        worker.wait(timeout=60)
        worker.communicate()
        rows = _check(ws, smtp_server, settled=False)
        if "pending" not in rows.values():
            break
    finished = _worker(db_url)
    assert finished.wait(timeout=300) == 0, finished.communicate()[1][-2000:]
    rows = _check(ws, smtp_server)
    states = Counter(rows.values())
    assert kills >= 3
    assert states["pending"] == 0 and states["sending"] == 0
    assert states["sent"] + states["uncertain"] == 2 * CLIENTS
    assert states["uncertain"] <= kills  # at most the one letter on the wire per kill


@pytest.mark.long
def test_two_workers_at_once_never_send_the_same_row(
    db_url: str, workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, CLIENTS)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    dispose_engines()
    workers = [_worker(db_url) for _ in range(2)]
    outcomes = [(w.wait(timeout=300), *w.communicate()) for w in workers]
    assert [code for code, _, _ in outcomes] == [0, 0], [err[-2000:] for _, _, err in outcomes]
    sent = [json.loads(out)["sent"] for _, out, _ in outcomes]
    assert sum(sent) == 2 * CLIENTS
    assert all(n > 0 for n in sent), sent  # both took part
    rows = _check(ws, smtp_server)
    assert Counter(rows.values()) == {"sent": 2 * CLIENTS}
