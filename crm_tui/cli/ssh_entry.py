"""`crm ssh-entry`: what the README's SSH set-up runs for every login of a CRM user (sshd's
``ForceCommand``). An interactive login gets the app; sftp (a manager's spreadsheet on its way to
the import wizard) is let through to the person's upload folder; any other command is refused.

sshd hands the command the client asked for in ``SSH_ORIGINAL_COMMAND``: empty for a login,
``internal-sftp`` or the path of ``sftp-server`` (as sshd_config's ``Subsystem sftp`` names it)
for sftp. ``internal-sftp`` lives inside sshd and cannot be started from here, so sftp is served
by OpenSSH's ``sftp-server`` program, started in the upload folder (``-d``) with the person's own
file permissions. sshd chroots a whole login, not one of its subsystems: the README's Match block
for a jailed upload account (``ChrootDirectory``, ``ForceCommand internal-sftp``) is the way to
keep a person's sftp inside that folder and nowhere else.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from crm_tui.cli.common import fail, globals_of
from crm_tui.config import upload_dir
from crm_tui.i18n import N_, _

SFTP_SERVERS = (
    "/usr/lib/openssh/sftp-server",  # Debian, Ubuntu
    "/usr/libexec/openssh/sftp-server",  # Fedora, RHEL
    "/usr/lib/ssh/sftp-server",  # Arch
    "/usr/libexec/sftp-server",  # macOS, BSD
)
"""Where OpenSSH's sftp-server is installed; ``CRM_SFTP_SERVER`` names another."""
SFTP_NAMES = frozenset({"internal-sftp", "sftp-server"})
REFUSED = N_("this account runs the CRM and sftp into the upload folder, nothing else; refused: {command}")
NO_SFTP_SERVER = N_("sftp is not installed on this server (no sftp-server; set CRM_SFTP_SERVER)")


@dataclass(frozen=True)
class Entry:
    """What a login asked for: the app (``argv`` empty), sftp (``argv`` to exec), or a refusal."""

    kind: str
    argv: tuple[str, ...] = ()
    refused: str = ""


def plan_entry(original: str, env: Mapping[str, str], uploads: Path) -> Entry:
    """What to do for ``SSH_ORIGINAL_COMMAND`` = ``original``."""
    words = shlex.split(original) if original.strip() else []
    if not words:
        return Entry("app")
    if Path(words[0]).name in SFTP_NAMES:
        server = env.get("CRM_SFTP_SERVER") or next((s for s in SFTP_SERVERS if Path(s).is_file()), "")
        if not server:
            return Entry("refused", refused=_(NO_SFTP_SERVER))
        return Entry("sftp", (server, "-d", str(uploads)))
    return Entry("refused", refused=_(REFUSED).format(command=original.strip()[:200]))


def ssh_entry(
    ctx: typer.Context,
    command: Annotated[
        str | None,
        typer.Option("--command", help="The command asked for (default: SSH_ORIGINAL_COMMAND, set by sshd)."),
    ] = None,
) -> None:
    """sshd's ForceCommand for CRM users: the app for a login, sftp into the upload folder."""
    original = command if command is not None else os.environ.get("SSH_ORIGINAL_COMMAND", "")
    settings = globals_of(ctx).settings()
    uploads = upload_dir(os.environ, settings.data_dir)
    entry = plan_entry(original, os.environ, uploads)
    if entry.kind == "refused":
        fail(entry.refused)
    if entry.kind == "sftp":
        try:
            uploads.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from crm_tui.cli.files import reason

            fail(f"{uploads}: {reason(exc)}")
        os.chdir(uploads)
        os.execv(entry.argv[0], list(entry.argv))
    from crm_tui.cli.main import run_tui

    run_tui(ctx)
