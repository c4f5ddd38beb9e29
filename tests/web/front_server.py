"""A real `crm serve` on a loopback port over a seeded SQLite base whose people have passwords:
what the HTTP and browser tests talk to."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crm_tui.domain.access.passwords import set_password
from crm_tui.domain.workspace import open_workspace, prepare_database
from crm_tui.storage.database import dispose_engines
from tests.seed import FROZEN_NOW, seed_team

PASSWORD = "Весна-2026-пароль"


@dataclass(frozen=True)
class Front:
    url: str
    data_dir: Path
    database: str
    log: Path
    process: subprocess.Popen[bytes] | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def team_base(folder: Path) -> str:
    """The seeded team, everyone with ``PASSWORD``."""
    database = str(folder / "team.db")
    seed_team(prepare_database(database))
    ws = open_workspace(database, "admin")
    with ws.write() as session:
        for login in ("admin", "smirnov", "ivanova", "petrov"):
            set_password(session, ws.viewer, login, PASSWORD, FROZEN_NOW)
    dispose_engines()
    return database


@contextmanager
def running_front(folder: Path, *options: str, database: str | None = None) -> Iterator[Front]:
    database = database or team_base(folder)
    port = free_port()
    data_dir = folder / "data"
    log = folder / "serve.log"
    env = {**os.environ, "CRM_DATA_DIR": str(data_dir), "CRM_TZ": "Europe/Moscow"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "crm_tui", "--db", database, "serve", "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"crm serve did not start: {log.read_text(errors='replace')}"
                    ) from None
                time.sleep(0.1)
        yield Front(f"http://127.0.0.1:{port}", data_dir, database, log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
