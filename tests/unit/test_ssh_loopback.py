"""The README's SSH set-up with a real sshd on loopback: `crm ssh-entry` as the ForceCommand lets
sftp put a spreadsheet into the upload folder and refuses a shell command. Needs OpenSSH's sshd
(Debian: openssh-server, which .ci/run installs); skipped with a reason elsewhere, and a failure
in CI (``CI`` set), where it must run."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd",) if Path(p).exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    """sshd on a free loopback port for the current user, with a ForceCommand of crm ssh-entry;
    yields the port, the client's key and the upload folder."""
    if SSHD is None or shutil.which("ssh") is None or shutil.which("sftp") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the loopback sshd test: install openssh-server (.ci/run does)")
        pytest.skip("no sshd here (Debian: apt-get install openssh-server)")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder
    for name in ("host", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / name)], check=True
        )
    (tmp_path / "authorized_keys").write_text((tmp_path / "client.pub").read_text())
    uploads, data = tmp_path / "uploads", tmp_path / "data"
    crm = Path(sys.executable).parent / "crm"
    port = _free_port()
    config = tmp_path / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp_path / 'host'}\n"
        f"PidFile {tmp_path / 'sshd.pid'}\nAuthorizedKeysFile {tmp_path / 'authorized_keys'}\n"
        "UsePAM no\nStrictModes no\nPasswordAuthentication no\nPermitRootLogin prohibit-password\n"
        "Subsystem sftp internal-sftp\n"
        f"Match User {getpass.getuser()}\n"
        f"    ForceCommand {crm} ssh-entry\n"
        f"    SetEnv CRM_UPLOAD_DIR={uploads} CRM_DATA_DIR={data}\n"
        "    AllowTcpForwarding no\n    X11Forwarding no\n"
    )
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True)
    for _ in range(50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    try:
        yield port, tmp_path / "client", uploads
    finally:
        server.terminate()
        server.wait(timeout=10)


def _ssh_options(port: int, key: Path) -> list[str]:
    return [
        "-i", str(key), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
    ]  # fmt: skip


def test_sftp_puts_a_spreadsheet_into_the_upload_folder(sshd: tuple[int, Path, Path], tmp_path: Path) -> None:
    port, key, uploads = sshd
    sheet = tmp_path / "petrov.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really a workbook")
    batch = tmp_path / "batch"
    batch.write_text(f"put {sheet}\n")
    done = subprocess.run(
        [
            "sftp",
            "-P",
            str(port),
            *_ssh_options(port, key),
            "-b",
            str(batch),
            f"{getpass.getuser()}@127.0.0.1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (uploads / "petrov.xlsx").read_bytes() == sheet.read_bytes()


def test_a_shell_command_over_ssh_is_refused(sshd: tuple[int, Path, Path]) -> None:
    port, key, _uploads = sshd
    done = subprocess.run(
        [
            "ssh",
            "-p",
            str(port),
            *_ssh_options(port, key),
            f"{getpass.getuser()}@127.0.0.1",
            "cat /etc/passwd",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "refused: cat /etc/passwd" in done.stderr and "root:" not in done.stdout
