"""Mailboxes read over IMAP onto the timelines (issue 23), against a real dovecot on loopback:
a client's mail on its timeline, our sent mail on the recipient's, a stranger's a request,
robots left out, Cyrillic in every usual encoding, each mail once across folders, reruns and a
connection cut mid-fetch; the password never in the base."""

from __future__ import annotations

import imaplib
import json
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm_tui.domain.inbound import mail as mail_logging
from crm_tui.domain.inbound.mail import LoggedMail
from crm_tui.domain.inbound.mailboxes import add_mailbox
from crm_tui.domain.interactions.mail_events import InboundMail
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.channels.mail import imap as imap_reading
from crm_tui.importers.channels.mail import message as mail_reading
from crm_tui.scheduling import inbound_mail
from crm_tui.storage.models import interactions, leads, mailboxes
from tests.cli_support import crm
from tests.imap_server import ImapServer, running_dovecot
from tests.seed import Seeded

Open = Callable[[str], Workspace]


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with running_dovecot(user="sales@our-firm.ru") as server:
        yield server


def letter(n: int, sender: str, to: str = "sales@our-firm.ru", *, subject: str = "Заявка", text: str = "",
           charset: str = "utf-8", headers: dict[str, str] | None = None) -> bytes:  # fmt: skip
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, f"{subject} {n}"
    message["Message-ID"] = f"<m{n}@example.ru>"
    message["Date"] = "Fri, 04 Dec 2026 10:15:00 +0300"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text or f"Письмо {n}", charset=charset)
    return message.as_bytes()


def test_mail_lands_once_on_the_right_timelines(
    workspace_for: Open, seeded: Seeded, imap: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = workspace_for("admin")
    monkeypatch.setenv("CRM_SALES_PASSWORD", imap.password)
    add_mailbox(admin, "sales", imap.url, password_env="CRM_SALES_PASSWORD", owner="ivanova")
    heard: list[LoggedMail] = []
    monkeypatch.setattr(mail_logging, "INCOMING_MAIL", [lambda ws, logged: heard.append(logged)])
    quoted = "Пришлите, пожалуйста, счёт на 12 котлов.\n\n-- \nИ. Петрова\n\n> Добрый день! Цены во вложении."
    with_file = EmailMessage()
    with_file.set_content(quoted)
    with_file.add_attachment(b"x" * 3000, maintype="application", subtype="pdf", filename="реквизиты.pdf")
    for name, value in (("From", "Ирина <teplodom@mail.ru>"), ("To", "sales@our-firm.ru"),
                        ("Subject", "Счёт на котлы"), ("Message-ID", "<client-1@mail.ru>")):  # fmt: skip
        with_file[name] = value
    imap.deliver(with_file.as_bytes())
    koi8 = MIMEText("Нужна поставка утеплителя в Тамбов", "plain", "koi8-r")
    koi8["From"] = "=?koi8-r?b?7MXXIOvP1M/X?= <kotov@stroidvor.ru>"
    koi8["Subject"] = "=?windows-1251?b?wOLy7uzg8ujn4Pbo/w==?="
    koi8["Message-ID"] = "<stranger-1@stroidvor.ru>"
    imap.deliver(koi8.as_bytes())
    imap.deliver(letter(3, "teplodom@mail.ru", headers={"Auto-Submitted": "auto-replied"}))
    bounce = MIMEMultipart("report", report_type="delivery-status")
    bounce["From"], bounce["Message-ID"] = "MAILER-DAEMON@mail.ru", "<bounce-1@mail.ru>"
    bounce.attach(MIMEText("Delivery failed", "plain", "utf-8"))
    imap.deliver(bounce.as_bytes())
    imap.deliver(letter(5, "news@shop.ru", headers={"Precedence": "bulk", "List-Id": "<news.shop.ru>"}))
    ours = letter(
        6, "sales@our-firm.ru", to="zakaz@stroymontazh.ru", subject="КП по кабелю", charset="cp1251"
    )
    imap.deliver(ours, folder="Sent")
    imap.deliver(ours)  # the same mail in the inbox too (we were in copy): still one mail

    first = inbound_mail.run(admin)
    assert first.failed == {} and first.read == 7
    assert first.outcomes == {"client": 1, "new": 1, "robot": 3, "sent": 1, "again": 1}
    assert inbound_mail.run(admin).read == 0  # the bookmarks: nothing read twice
    with admin.read() as session:
        touches = {
            r.external_id: r
            for r in session.execute(
                select(interactions.c.external_id, interactions.c.client_id, interactions.c.direction,
                       interactions.c.summary, interactions.c.user_id, interactions.c.lead_id)
                .where(interactions.c.external_id.like("mail:%"))
            )
        }  # fmt: skip
        stranger = session.execute(select(leads).where(leads.c.channel == "email")).one()
    assert set(touches) == {"mail:client-1@mail.ru", "mail:stranger-1@stroidvor.ru", "mail:m6@example.ru"}
    client = touches["mail:client-1@mail.ru"]
    assert client.client_id == seeded.clients["teplo"] and client.direction == "inbound"
    assert (
        client.summary == "Счёт на котлы\nПришлите, пожалуйста, счёт на 12 котлов.\n📎 реквизиты.pdf (3 KB)"
    )
    sent = touches["mail:m6@example.ru"]
    assert sent.client_id == seeded.clients["stroymontazh"] and sent.direction == "outbound"
    assert sent.user_id == seeded.users["ivanova"] and sent.summary.startswith("КП по кабелю 6")
    assert stranger.person_name == "Лев Котов" and stranger.message.startswith("Автоматизация\n")
    assert "Нужна поставка утеплителя в Тамбов" in stranger.message
    assert [h.outcome for h in heard] == ["client", "new"]
    with admin.read() as session:
        row = session.execute(select(mailboxes)).one()
    assert imap.password not in json.dumps([str(v) for v in row])


def test_a_connection_cut_mid_fetch_leaves_no_double(
    workspace_for: Open, imap: ImapServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    admin = workspace_for("admin")
    secret = tmp_path / "password"
    secret.write_text(imap.password + "\n", encoding="utf-8")
    add_mailbox(admin, "sales", imap.url, password_file=str(secret))
    for n in range(1, 11):
        imap.deliver(letter(n, f"buyer{n}@example.ru"))
    opened: list[imaplib.IMAP4] = []
    real_connect, real_read = imap_reading.connect, mail_reading.read_mail

    def connect(*args: Any, **kwargs: Any) -> imaplib.IMAP4:
        opened.append(real_connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(imap_reading, "connect", connect)
    count = {"n": 0}

    def cut_after_five(raw: bytes) -> InboundMail:
        count["n"] += 1
        if count["n"] == 5:
            opened[-1].shutdown()  # the connection drops under the reader
        return real_read(raw)

    monkeypatch.setattr(mail_reading, "read_mail", cut_after_five)
    cut = inbound_mail.run(admin, batch=4)
    assert "sales" in cut.failed and 0 < cut.read < 10
    monkeypatch.setattr(mail_reading, "read_mail", real_read)
    rest = inbound_mail.run(admin, batch=4)
    assert rest.failed == {} and rest.outcomes["again"] >= 1
    with admin.read() as session:
        ids = session.scalars(
            select(interactions.c.external_id).where(interactions.c.external_id.like("mail:%"))
        )
        assert sorted(ids) == sorted(f"mail:m{n}@example.ru" for n in range(1, 11))


def test_mailboxes_by_cli_never_print_a_password(seeded_db: str, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret-parol", encoding="utf-8")
    crm("--db", seeded_db, "mailbox", "add", "sales", "--url", "imaps://sales@mail.example.ru",
        "--password-file", str(secret), "--owner", "ivanova", user="admin", check=True)  # fmt: skip
    listed = crm("--db", seeded_db, "mailbox", "list", "--json", user="admin", check=True).stdout
    assert json.loads(listed)[0]["password_from"] == f"file:{secret}" and "s3cret" not in listed
    inline = crm("--db", seeded_db, "mailbox", "add", "x", "--url", "imaps://u:pw@h", "--password-env", "PW",
                 user="admin")  # fmt: skip
    assert inline.returncode == 2 and "no password in the address" in inline.stderr
    crm("--db", seeded_db, "mailbox", "remove", "sales", user="admin", check=True)
