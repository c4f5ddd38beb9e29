"""`crm user password` and `crm serve`'s refusals, as people type them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_tui.domain.access.passwords import verify_password
from crm_tui.storage.database import dispose_engines, get_engine
from crm_tui.storage.models import audit_entries, user_passwords, users
from tests.cli_support import crm, error_line
from tests.web.front_server import running_front

CODE = (
    "import sys; from crm_tui import config; config.os_login = lambda: {user!r}\n"
    "from crm_tui.cli import main\nmain()\n"
)


def crm_with_input(user: str, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``crm *args`` in a new interpreter whose OS login is ``user``, ``stdin`` on its input."""
    env = {**os.environ, "CRM_TZ": "Europe/Moscow"}
    return subprocess.run(
        [sys.executable, "-c", CODE.format(user=user), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def stored_hash(db: str, login: str) -> str | None:
    dispose_engines()
    with get_engine(db).connect() as conn:
        return conn.scalar(
            select(user_passwords.c.password_hash)
            .join(users, users.c.id == user_passwords.c.user_id)
            .where(users.c.login == login)
        )


def test_an_admin_sets_a_password_from_stdin_and_only_its_hash_is_kept(seeded_db: str) -> None:
    done = crm_with_input(
        "admin",
        "Пароль-для-браузера\n",
        "--db",
        seeded_db,
        "user",
        "password",
        "ivanova",
        "--stdin",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"login": "ivanova", "password_set": True}
    stored = stored_hash(seeded_db, "ivanova")
    assert stored is not None and "Пароль" not in stored
    assert verify_password("Пароль-для-браузера", stored)
    with get_engine(seeded_db).connect() as conn:
        changes = conn.scalars(
            select(audit_entries.c.changes).where(audit_entries.c.action == "password_set")
        ).all()
    assert changes == [{"by": "admin"}]


def test_a_manager_sets_her_own_but_not_a_colleagues(seeded_db: str) -> None:
    own = crm_with_input(
        "ivanova", "мой-пароль-1\n", "--db", seeded_db, "user", "password", "ivanova", "--stdin"
    )
    assert own.returncode == 0, own.stderr
    assert "ivanova: password set" in own.stdout
    other = crm_with_input(
        "ivanova", "чужой-пароль\n", "--db", seeded_db, "user", "password", "petrov", "--stdin"
    )
    assert other.returncode == 2
    assert stored_hash(seeded_db, "petrov") is None


def test_a_short_password_is_refused_in_one_line(seeded_db: str) -> None:
    done = crm_with_input("admin", "short\n", "--db", seeded_db, "user", "password", "petrov", "--stdin")
    assert done.returncode == 2
    assert done.stderr.strip() == "crm: error: the password is too short: at least 8 characters"


def test_without_a_terminal_or_stdin_the_password_is_not_read(seeded_db: str) -> None:
    result = crm("--db", seeded_db, "user", "password", "petrov", user="admin")
    assert result.returncode == 2
    assert error_line(result) == "crm: error: no terminal to read the password from: use --stdin"


def test_serve_refuses_a_public_url_that_is_not_http(seeded_db: str) -> None:
    result = crm("--db", seeded_db, "serve", "--public-url", "crm.example.com", user="admin")
    assert result.returncode == 2
    assert "--public-url must be an http:// or https:// address" in error_line(result)


def test_web_app_without_a_session_refuses(seeded_db: str, tmp_path: Path) -> None:
    result = crm("--db", seeded_db, "web-app", user="admin")
    assert result.returncode == 2
    assert "started by crm serve" in error_line(result)


def _children(pid: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return {int(line) for line in found.stdout.split()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_with_its_app_processes_on_sigterm_and_ctrl_c(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """SIGTERM left the server and its spare `web-app` running (still there after 100 s); SIGINT
    ended it with a traceback «Event loop is closed»."""
    with running_front(tmp_path) as front:
        assert front.process is not None
        for _ in range(300):  # the spare app process is started as the server starts
            if children := _children(front.process.pid):
                break
            time.sleep(0.1)
        assert children, "no spare app process was started"
        front.process.send_signal(stop)
        front.process.wait(timeout=30)  # a guard, not a budget: it used to never end
        log = front.log.read_text(errors="replace")
    assert not any(_alive(pid) for pid in children)
    assert "Traceback" not in log and "Event loop is closed" not in log
