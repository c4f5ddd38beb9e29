"""Many people saving one client at once: every save lands or is refused as stale, none is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_tui.domain.clients.edit import StaleClient, edit_client
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import clients
from tests.seed import Seeded

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 8
ROUNDS = 200


@pytest.mark.long
def test_eight_processes_of_read_modify_write_lose_nothing(
    db_url: str, workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("admin")
    client_id = seeded.clients["romashka"]
    with ws.write() as session:
        version = session.scalar(select(clients.c.version).where(clients.c.id == client_id))
        assert version is not None
        edit_client(session, ws.viewer, ws.now(), client_id, version, {"region": "0"})
    dispose_engines()  # the children open their own connections; this process holds none
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.unit.concurrency_worker",
                db_url,
                "admin",
                str(client_id),
                str(ROUNDS),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outcomes = [(w.wait(timeout=600), *w.communicate()) for w in workers]
    assert [code for code, _, _ in outcomes] == [0] * PROCESSES, [err[-500:] for _, _, err in outcomes]
    stale = sum(json.loads(out)["stale"] for _, out, _ in outcomes)
    with ws.read() as session:
        region, final = session.execute(
            select(clients.c.region, clients.c.version).where(clients.c.id == client_id)
        ).one()
    assert region == str(PROCESSES * ROUNDS)
    assert final == version + 1 + PROCESSES * ROUNDS
    print(f"{PROCESSES * ROUNDS} saves, {stale} refused as stale and retried")


def test_a_stale_edit_is_refused_with_the_fresh_values(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ivanova, smirnov = workspace_for("ivanova"), workspace_for("smirnov")
    client_id = seeded.clients["romashka"]
    with ivanova.read() as session:
        seen = session.scalar(select(clients.c.version).where(clients.c.id == client_id))
    assert seen is not None
    with smirnov.write() as session:
        edit_client(session, smirnov.viewer, smirnov.now(), client_id, seen, {"city": "Химки"})
    with ivanova.write() as session, pytest.raises(StaleClient) as refused:
        edit_client(session, ivanova.viewer, ivanova.now(), client_id, seen, {"city": "Москва"})
    assert refused.value.fresh["city"] == "Химки"
    assert "city 'Химки'" in str(refused.value) and "was not saved" in str(refused.value)
    with ivanova.read() as session:
        assert session.scalar(select(clients.c.city).where(clients.c.id == client_id)) == "Химки"
