"""`crm ssh-entry`, the README's ForceCommand: a login gets the app, sftp reaches the upload
folder, anything else is refused in one line: the wrapper on its own here, through a real sshd
on loopback in test_ssh_loopback.py."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from crm_tui.cli.ssh_entry import plan_entry
from tests.cli_support import crm, crm_process, error_line


def test_a_login_gets_the_app_sftp_the_upload_folder_anything_else_nothing(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    env = {"CRM_SFTP_SERVER": "/opt/ssh/sftp-server"}
    assert plan_entry("", env, uploads).kind == "app"
    for asked in ("internal-sftp", "/usr/lib/openssh/sftp-server", "/usr/libexec/sftp-server -l INFO"):
        entry = plan_entry(asked, env, uploads)
        assert (entry.kind, entry.argv) == ("sftp", ("/opt/ssh/sftp-server", "-d", str(uploads)))
    for asked in ("bash", "rm -rf ~", "scp -t /etc", "sftp-serverX"):
        entry = plan_entry(asked, env, uploads)
        assert entry.kind == "refused" and asked in entry.refused


def test_without_an_sftp_server_sftp_is_refused_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("crm_tui.cli.ssh_entry.SFTP_SERVERS", (str(tmp_path / "none"),))
    entry = plan_entry("internal-sftp", {}, tmp_path)
    assert entry.kind == "refused" and "CRM_SFTP_SERVER" in entry.refused


def test_a_shell_command_over_ssh_is_refused_in_one_line(tmp_path: Path) -> None:
    result = crm("ssh-entry", data_dir=tmp_path, extra_env={"SSH_ORIGINAL_COMMAND": "cat /etc/passwd"})
    assert result.returncode == 2
    assert error_line(result) == (
        "crm: error: this account runs the CRM and sftp into the upload folder, nothing else; "
        "refused: cat /etc/passwd"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="sshd and exec are POSIX")
def test_sftp_is_started_in_the_upload_folder_it_makes(tmp_path: Path) -> None:
    """The server sshd would talk to: here a stand-in that reports how it was started."""
    server = tmp_path / "sftp-server"
    server.write_text('#!/bin/sh\necho "args: $*"\necho "cwd: $(pwd)"\n')
    server.chmod(server.stat().st_mode | stat.S_IXUSR)
    uploads = tmp_path / "incoming"
    result = crm_process(
        "ssh-entry",
        data_dir=tmp_path / "data",
        extra_env={
            "SSH_ORIGINAL_COMMAND": "internal-sftp",
            "CRM_SFTP_SERVER": str(server),
            "CRM_UPLOAD_DIR": str(uploads),
        },
    )
    assert result.returncode == 0, result.stderr
    assert f"args: -d {uploads}" in result.stdout
    assert f"cwd: {uploads}" in result.stdout
    assert uploads.is_dir()


def test_the_upload_folder_defaults_to_uploads_in_the_data_folder(tmp_path: Path) -> None:
    from crm_tui.config import upload_dir

    assert upload_dir({}, tmp_path) == tmp_path / "uploads"
    assert upload_dir({"CRM_UPLOAD_DIR": str(tmp_path / "x")}, tmp_path) == tmp_path / "x"
