"""Mail from an IMAP server (issue 23): N mails in a real dovecot on loopback, read into a fresh
seeded SQLite base by the mailbox job. Nothing is asserted; the issue's budget is 10,000 mails
under 2 minutes.

Senders: the seed's clients' addresses (a third), and 500 strangers (a stranger's first mail is
a request, the next ones its touches); a tenth of the mails are auto-replies.

    .venv/bin/python tests/bench/inbound_mail.py [--mails N]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CLIENTS = ("info@romashka.ru", "sales@vektor-plus.ru", "zakaz@stroymontazh.ru", "teplodom@mail.ru")


def letter(n: int, rng: random.Random) -> bytes:
    message = EmailMessage()
    sender = rng.choice(CLIENTS) if rng.random() < 0.33 else f"buyer{rng.randint(1, 500)}@example.ru"
    message["From"], message["To"] = sender, "sales@our-firm.ru"
    message["Subject"] = f"Заявка № {n}"
    message["Message-ID"] = f"<bench-{n}@example.ru>"
    message["Date"] = "Fri, 04 Dec 2026 10:15:00 +0300"
    if rng.random() < 0.1:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(f"Добрый день! Нужно {n} штук.\n\n> старая переписка", charset="koi8-r")
    return message.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=10_000)
    args = parser.parse_args()

    from crm_tui.domain.inbound.mailboxes import add_mailbox
    from crm_tui.domain.workspace import open_workspace, prepare_database
    from crm_tui.scheduling.inbound_mail import run
    from tests.imap_server import running_dovecot
    from tests.seed import seed_team

    rng = random.Random(1)
    with running_dovecot(user="sales@our-firm.ru") as imap:
        client = imap.client()
        began = time.perf_counter()
        for n in range(args.mails):
            client.append("INBOX", None, None, letter(n, rng))
        client.logout()
        print(f"{args.mails:,} mails delivered in {time.perf_counter() - began:.1f} s")
        url = f"sqlite:///{tempfile.mkdtemp(prefix='crm-mail-')}/mail.db"
        seed_team(prepare_database(url))
        ws = open_workspace(url, "admin", tz=ZoneInfo("Europe/Moscow"))
        os.environ["CRM_BENCH_MAIL_PASSWORD"] = imap.password
        add_mailbox(ws, "sales", imap.url, password_env="CRM_BENCH_MAIL_PASSWORD")
        began = time.perf_counter()
        first = run(ws)
        took = time.perf_counter() - began
        print(
            f"read {first.read:,} mails in {took:.1f} s (budget 120 s): {dict(first.outcomes)} {first.failed}"
        )
        began = time.perf_counter()
        again = run(ws)
        print(f"the next run: {again.read} mails read in {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main()
