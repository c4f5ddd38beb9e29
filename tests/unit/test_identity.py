"""Who runs `crm` is the operating system's answer for the process's real user id.

``USER`` and ``LOGNAME`` are the caller's to set: ``LOGNAME=root crm clients list`` used to act
as the admin for anybody with a shell. Only an admin's ``--user`` acts as somebody else.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crm_tui.config import load_settings
from tests.cli_support import crm, error_line

PROBE = "crm-probe"
"""A system account the test runs `crm` as (made if missing, when the test runs as root)."""


def test_the_login_is_the_real_user_ids_not_the_environments(tmp_path: Path) -> None:
    env = {"USER": "admin", "LOGNAME": "admin", "CRM_DATA_DIR": str(tmp_path)}
    assert load_settings(env=env).login == pwd.getpwuid(os.getuid()).pw_name


def _probe_uid() -> int:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        reason = "running `crm` under another user id needs root and setpriv (util-linux)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test: {reason}", pytrace=False)
        pytest.skip(reason)
    try:
        return pwd.getpwnam(PROBE).pw_uid
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PROBE], check=True
        )
        return pwd.getpwnam(PROBE).pw_uid


def as_probe(*args: str) -> subprocess.CompletedProcess[str]:
    """`crm *args` in a process whose real user id is the probe's, claiming root and admin in
    its environment. Only the real id changes: the effective one stays root so the interpreter,
    which lives under /root here, can still be read."""
    uid = _probe_uid()
    env = {**os.environ, "USER": "admin", "LOGNAME": "root", "CRM_TZ": "Europe/Moscow"}
    code = "from crm_tui.cli import main; main()"
    return subprocess.run(
        ["setpriv", f"--ruid={uid}", sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_shell_user_cannot_borrow_the_admins_name(seeded_db: str) -> None:
    stranger = as_probe("--db", seeded_db, "clients", "list", "--json")
    assert stranger.returncode != 0
    assert PROBE in stranger.stderr.strip().splitlines()[-1]

    add = ("user", "add", PROBE, "--name", "Проба", "--role", "manager")
    crm("--db", seeded_db, *add, user="admin", check=True)
    listed = as_probe("--db", seeded_db, "clients", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() in ("[]", "")  # a new manager owns nobody; the admin would see all
    promoted = as_probe("--db", seeded_db, "user", "add", "evil", "--name", "Evil", "--role", "admin")
    assert promoted.returncode != 0
    assert "evil" not in crm("--db", seeded_db, "user", "list", user="admin", check=True).stdout


def test_only_an_admin_acts_as_somebody_else(seeded_db: str) -> None:
    refused = crm("--db", seeded_db, "--user", "admin", "clients", "list", user="ivanova")
    assert refused.returncode != 0
    assert "admin" in error_line(refused)
