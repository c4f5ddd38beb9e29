"""A real IMAP server for the mail tests: Debian's dovecot on a loopback port, with a throwaway
configuration, one mailbox user and an inbox and a Sent folder. Skipped with a reason where
dovecot is not installed; a failure in CI (``CI`` set), which installs it (.ci/run)."""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
mail_location = maildir:{root}/home/%u/Maildir
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    port: int
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"imap://{self.user}@127.0.0.1:{self.port}"

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.append(folder, None, None, raw)
        finally:
            client.logout()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_dovecot(user: str = "sales", password: str = "s3cret-parol") -> Iterator[ImapServer]:
    if DOVECOT is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the IMAP tests: install dovecot-imapd (.ci/run does)")
        pytest.skip("no IMAP server here (Debian: apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="crm-imap-"))
    root.chmod(0o755)
    # Mail belongs to an ordinary user: dovecot refuses uid 0, as the tests may run as root.
    owner = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    internal = "dovecot" if os.geteuid() == 0 else owner.pw_name
    login_user = "dovenull" if os.geteuid() == 0 else owner.pw_name
    for folder in ("run", "state", "home"):
        (root / folder).mkdir()
    if os.geteuid() == 0:
        os.chown(root / "home", owner.pw_uid, owner.pw_gid)
    port = _free_port()
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root, port=port, uid=owner.pw_uid, gid=owner.pw_gid, login_user=login_user,
            internal_user=internal, internal_group=internal if os.geteuid() == 0 else owner.pw_name,
        ),
        encoding="utf-8",
    )  # fmt: skip
    subprocess.run(  # dovecot forks: its pipes would stay open
        [DOVECOT, "-c", str(config)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield ImapServer(port, user, password)
    finally:
        subprocess.run(
            [DOVECOT, "-c", str(config), "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
        shutil.rmtree(root, ignore_errors=True)
