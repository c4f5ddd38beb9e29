"""What comes back from a campaign: an unsubscribe over real HTTP, replies and delivery reports
read from a real IMAP server; each ends the recipient's remaining letters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from aiohttp import ClientSession, web
from sqlalchemy import func, select

from crm_tui.domain.campaigns.answers import Bounced, note_mail, note_reply, read_bounce
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.channels.mail.imap import Fetched, MailboxAddress, connect, fetch_new
from crm_tui.importers.channels.mail.message import read_mail
from crm_tui.scheduling.outbox_send import send_outbox
from crm_tui.storage.models import campaign_recipients, outbox, suppressions, tasks
from crm_tui.web.unsubscribe import ENGINE, routes
from tests.imap_server import ImapServer, running_dovecot
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, mail_setup


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with running_dovecot(user="drip") as server:
        yield server


def _sent_base(ws: Workspace, box: Mailbox, count: int = 3, prefix: str = "client") -> None:
    add_clients(ws, count, prefix=prefix)
    mail_setup(ws, box.port)
    enrol(ws, "Drip")
    send_outbox(ws)


def _recipient(ws: Workspace, address: str) -> tuple[str, str | None]:
    with ws.read() as session:
        row = session.execute(
            select(campaign_recipients.c.state, campaign_recipients.c.stop_reason).where(
                campaign_recipients.c.address == address
            )
        ).one()
    return str(row.state), row.stop_reason


def _pending_for(ws: Workspace, address: str) -> int:
    with ws.read() as session:
        return int(
            session.scalar(
                select(func.count()).where(outbox.c.address == address, outbox.c.state == "pending")
            )
            or 0
        )


def test_the_unsubscribe_link_over_http_confirms_then_stops_every_letter(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    _sent_base(ws, smtp_server)
    link = str(smtp_server.letters[0].message["List-Unsubscribe"]).strip("<>")
    address = smtp_server.letters[0].to[0]
    path = link.split("localhost:8080", 1)[1]

    after_page: list[tuple[str, str | None]] = []

    async def run() -> list[tuple[int, str]]:
        app = web.Application()
        app[ENGINE] = ws.engine
        app.add_routes(routes())
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}"
        answers: list[tuple[int, str]] = []
        try:
            async with ClientSession() as http:
                async with http.get(base + path) as page:
                    answers.append((page.status, await page.text()))
                after_page.append(await asyncio.to_thread(_recipient, ws, address))
                for _ in range(2):  # RFC 8058 one-click, twice: a mail client may retry
                    async with http.post(
                        base + path,
                        data="List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                    ) as done:
                        answers.append((done.status, await done.text()))
                async with http.post(base + "/unsubscribe/not-a-token") as unknown:
                    answers.append((unknown.status, await unknown.text()))
        finally:
            await runner.cleanup()
        return answers

    confirm, first, second, unknown = asyncio.run(run())
    assert confirm[0] == 200 and '<form method="post">' in confirm[1]
    assert after_page == [("active", None)], "the page alone unsubscribes nobody"
    assert first[0] == 200 and address in first[1]
    assert second[0] == 200
    assert unknown[0] == 404
    assert _recipient(ws, address) == ("stopped", "unsubscribed")
    assert _pending_for(ws, address) == 0
    with ws.read() as session:
        assert session.scalar(select(func.count()).where(suppressions.c.kind == "unsubscribed")) == 1


def _reply(to_letter: EmailMessage, sender: str, *, threaded: bool = True) -> bytes:
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(to_letter["From"])
    reply["Subject"] = "Re: " + str(to_letter["Subject"])
    reply["Message-ID"] = f"<reply-{sender}>"
    if threaded:
        reply["In-Reply-To"] = str(to_letter["Message-ID"])
        reply["References"] = str(to_letter["Message-ID"])
    reply.set_content("Добрый день! Да, интересно, позвоните.\n\n> цитата")
    return reply.as_bytes()


def _bounce(original: EmailMessage, address: str) -> bytes:
    """A delivery report as Postfix writes it (RFC 3464)."""
    return (
        "From: MAILER-DAEMON@mx.example.ru (Mail Delivery System)\r\n"
        f"To: {original['From']}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn-{address}>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"\r\n'
        "\r\n"
        "--B0UND\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system. Your message could not be delivered.\r\n\r\n"
        "--B0UND\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.ru\r\n\r\n"
        f"Final-Recipient: rfc822; {address}\r\nOriginal-Recipient: rfc822; {address}\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 No such user\r\n\r\n"
        "--B0UND\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original['Message-ID']}\r\nTo: {address}\r\nSubject: x\r\n\r\n"
        "--B0UND--\r\n"
    ).encode()


def _read_all(imap: ImapServer) -> list[bytes]:
    client = connect(MailboxAddress.parse(imap.url), imap.password)
    try:
        return [item.raw for item in fetch_new(client, "INBOX", None) if isinstance(item, Fetched)]
    finally:
        client.logout()


def test_replies_and_bounces_read_from_imap_stop_their_recipients(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox, imap: ImapServer
) -> None:
    ws = workspace_for("admin")
    _sent_base(ws, smtp_server)
    letters = {r.to[0]: r.message for r in smtp_server.letters}
    imap.deliver(
        _reply(letters["client0@example.ru"], "boss@other-domain.ru")
    )  # answered from another address
    imap.deliver(_reply(letters["client1@example.ru"], "client1@example.ru", threaded=False))
    imap.deliver(_bounce(letters["client2@example.ru"], "client2@example.ru"))
    handled: list[str] = []
    for raw in _read_all(imap):
        mail = read_mail(raw)
        with ws.write() as session:
            outcome = note_mail(session, mail, raw, ws.now())
            handled.append("bounce" if isinstance(outcome, Bounced) else "reply")
    assert handled == ["reply", "reply", "bounce"]
    assert _recipient(ws, "client0@example.ru") == ("stopped", "replied")
    assert _recipient(ws, "client1@example.ru") == ("stopped", "replied")
    assert _recipient(ws, "client2@example.ru") == ("stopped", "bounced")
    assert all(_pending_for(ws, f"client{n}@example.ru") == 0 for n in range(3))
    with ws.read() as session:
        titles = (
            session.execute(select(tasks.c.title).where(tasks.c.origin == "campaign_reply")).scalars().all()
        )
        bounced = session.scalar(select(func.count()).where(outbox.c.bounced.is_(True)))
    assert len(titles) == 2 and all("Drip" in t for t in titles)
    assert bounced == 1
    # the same reply read again (a second run of the mailbox) opens no second task
    with ws.write() as session:
        again = note_reply(
            session, read_mail(_reply(letters["client0@example.ru"], "boss@other-domain.ru")), ws.now()
        )
    assert again.tasks == []


def test_a_report_of_a_temporary_failure_stops_nobody() -> None:
    original = EmailMessage()
    original["From"], original["Message-ID"] = "a@ourfirm.ru", "<x@ourfirm.ru>"
    raw = (
        _bounce(original, "full@example.ru")
        .replace(b"Status: 5.1.1", b"Status: 4.2.2")
        .replace(b"Action: failed", b"Action: delayed")
    )
    permanent, _temporary, originals = read_bounce(raw)
    assert permanent == set()
    assert originals == ["x@ourfirm.ru"]
