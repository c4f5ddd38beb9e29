"""Batches that tell the truth after a kill: an import killed with SIGKILL at random points and
finished by importing the same file again is one batch, with the counts of everything the file
made, and one `crm import undo` takes it all back; a killed batch shows as interrupted with what
it really created; the parsing process does not outlive its parent.

Killed batches stayed "running" with 0 rows and 0 created although they had created tens of
thousands of clients, the finishing batch said "already imported 113000", and its undo removed
only the clients it created itself.

``CRM_TEST_KILL_ROWS`` sets the file's size (the issue's run: 200000); the default keeps the
suite quick and still gives several chunks and a parsing process.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from crm_tui.domain.values.cells import cell_text
from crm_tui.domain.workspace import open_workspace
from crm_tui.importers.batches import list_batches
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import client_sources, clients
from tests.importers.files import BIG_HEADER, big_rows
from tests.seed import CLIENTS, seed_team

ROWS = int(os.environ.get("CRM_TEST_KILL_ROWS", "8000"))
KILLS = int(os.environ.get("CRM_TEST_KILLS", "3"))
CLI = (
    "import sys; from crm_tui import config; config.os_login = lambda: 'admin'\n"
    "from crm_tui.cli import main\nmain()\n"
)

pytestmark = pytest.mark.long


def write_csv(path: Path, count: int) -> Path:
    """A client list of ``count`` distinct clients (its own INN, phone and e-mail each)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join(BIG_HEADER) + "\n")
        for row in big_rows(count):
            out.write(";".join(cell_text(v).replace(";", ",") for v in row) + "\n")
    return path


def start(db: str, *args: str, data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir), "CRM_TZ": "Europe/Moscow"}
    env.pop("CRM_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "--db", db, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def run(db: str, *args: str, data_dir: Path) -> str:
    process = start(db, *args, data_dir=data_dir)
    out, err = process.communicate(timeout=max(600, ROWS // 50))
    assert process.returncode == 0, err
    return out


def children_of(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def batches(db: str, data_dir: Path) -> list[dict[str, object]]:
    out = run(db, "import", "list", "--json", data_dir=data_dir)
    return [json.loads(line) for line in out.splitlines()]


def test_an_import_killed_at_random_points_is_one_batch_and_one_undo(
    db_url: str, prepared: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = prepared(db_url)
    seed_team(engine)
    dispose_engines()
    data = write_csv(tmp_path / "клиенты.csv", ROWS)
    home = tmp_path / "data"
    rng = random.Random(os.environ.get("CRM_TEST_KILL_SEED"))
    orphans_checked = 0
    for _ in range(KILLS):
        process = start(db_url, "import", "clients", str(data), "--json", data_dir=home)
        deadline = time.monotonic() + rng.uniform(1.5, 1.5 + ROWS / 2000)
        kids: set[int] = set()
        while time.monotonic() < deadline and process.poll() is None:
            kids.update(children_of(process.pid))
            time.sleep(0.05)
        if process.poll() is not None:
            break  # finished before its kill: nothing more to kill
        process.send_signal(signal.SIGKILL)
        process.communicate()
        for kid in kids:  # the parsing process dies with its parent
            for _ in range(100):
                if not alive(kid):
                    break
                time.sleep(0.05)
            assert not alive(kid), f"parsing process {kid} outlived its killed parent"
            orphans_checked += 1
        listed = [asdict(b) for b in list_batches(open_workspace(db_url, "admin"))]
        dispose_engines()
        assert len(listed) <= 1, listed  # every run after the first continued the first batch
        if listed and listed[0]["status"] != "done":
            with engine.connect() as conn:
                made = conn.scalar(
                    select(func.count())
                    .select_from(client_sources)
                    .where(client_sources.c.batch_id == listed[0]["id"])
                )
            assert listed[0]["status"] == "interrupted"
            assert listed[0]["created"] == made  # its real count, not 0
    finished = json.loads(run(db_url, "import", "clients", str(data), "--json", data_dir=home))
    # One batch made every client; a run killed after its batch was done (while the process was
    # ending) leaves the next run nothing to do but to say so, in a batch of its own.
    listed = batches(db_url, home)
    [batch] = [b for b in listed if b["created"]]
    assert all(b["status"] == "done" for b in listed), listed
    assert finished["batch"] == batch["id"] or finished["created"] == 0
    assert (batch["status"], batch["rows"], batch["created"], batch["rejected"]) == ("done", ROWS, ROWS, 0)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(clients)) == ROWS + len(CLIENTS)
        in_batch = (
            select(func.count()).select_from(client_sources).where(client_sources.c.batch_id == batch["id"])
        )
        assert conn.scalar(in_batch) == ROWS
    run(db_url, "import", "undo", str(batch["id"]), data_dir=home)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(clients)) == len(CLIENTS)
    engine.dispose()
    if os.environ.get("CRM_TEST_KILL_REPORT"):
        print(f"rows={ROWS} kills={KILLS} orphans checked={orphans_checked}", file=sys.stderr)
