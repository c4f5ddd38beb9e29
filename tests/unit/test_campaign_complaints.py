"""Complaints (issue 24): a feedback-loop report (ARF, RFC 5965) arriving in a mailbox finds the
letter complained about, suppresses its address for "complaint" and stops its remaining letters.

The reports are shaped as Mail.ru's and Yandex's feedback loops send them (written from RFC 5965
and the services' postmaster pages, not recorded: no real report was at hand), around the real
letters our worker sent to a real SMTP server, and are read by the mailbox job from a real
dovecot, the path bounces take."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from string import Template

import pytest
from sqlalchemy import func, select

from crm_tui.domain.campaigns.complaints import is_feedback_report, read_report
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.inbound.mailboxes import add_mailbox
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling import inbound_mail
from crm_tui.scheduling.outbox_send import send_outbox
from crm_tui.storage.models import campaign_recipients, outbox, suppressions
from tests.imap_server import ImapServer, running_dovecot
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, mail_setup

FIXTURES = Path(__file__).parent / "complaint_fixtures"


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with running_dovecot(user="fbl@ourfirm.ru") as server:
        yield server


def _fixture(name: str, **values: str) -> bytes:
    return Template((FIXTURES / name).read_text("utf-8")).substitute(values).encode("utf-8")


def _headers(letter: bytes, *, redact: bool = True) -> str:
    """The letter's headers as a service returns them, the recipient redacted."""
    head = letter.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return re.sub(r"(?m)^To: .*$", "To: redacted@yandex.ru", head) + "\r\n" if redact else head


def _state(ws: Workspace, address: str) -> tuple[str, str | None, int]:
    with ws.read() as session:
        row = session.execute(
            select(campaign_recipients.c.state, campaign_recipients.c.stop_reason).where(
                campaign_recipients.c.address == address
            )
        ).one()
        pending = session.scalar(
            select(func.count()).where(outbox.c.address == address, outbox.c.state == "pending")
        )
    return str(row.state), row.stop_reason, int(pending or 0)


def test_feedback_reports_in_the_mailbox_suppress_and_stop_the_complainers(
    workspace_for: Callable[[str], Workspace],
    smtp_server: Mailbox,
    imap: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 6)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    assert send_outbox(ws).sent == 6
    sent = {r.to[0]: r.data for r in smtp_server.letters}
    # Mail.ru: the whole letter attached
    imap.deliver(_fixture("mailru_abuse.eml", original=sent["client0@example.ru"].decode("utf-8")))
    # Yandex: the headers only, the recipient redacted
    imap.deliver(_fixture("yandex_abuse.eml", headers=_headers(sent["client1@example.ru"])))
    # a relay rewrote the Message-ID: the unsubscribe link's token still names the recipient
    rewritten = re.sub(
        rb"Message-ID: <[^>]+>", b"Message-ID: <relay-42@relay.example.net>", sent["client2@example.ru"]
    )
    imap.deliver(_fixture("mailru_abuse.eml", original=rewritten.decode("utf-8")).replace(b"77031", b"77032"))
    # no letter attached, only a recipient named: anyone could send that, it stops nobody
    imap.deliver(_fixture("named_only.eml", serial="1", type="abuse", rcpt="client3@example.ru"))
    # a complaint taken back, and a complaint about a letter that is not ours
    imap.deliver(_fixture("named_only.eml", serial="2", type="not-spam", rcpt="client4@example.ru"))
    imap.deliver(_fixture("named_only.eml", serial="3", type="abuse", rcpt="stranger@example.ru"))
    monkeypatch.setenv("CRM_FBL_PASSWORD", imap.password)
    add_mailbox(ws, "fbl", imap.url, password_env="CRM_FBL_PASSWORD", owner="ivanova")

    run = inbound_mail.run(ws)

    assert run.failed == {} and run.read == 6
    assert run.outcomes == {"robot": 6}  # a report is no one's request, on no timeline
    for n in range(3):
        assert _state(ws, f"client{n}@example.ru") == ("stopped", "complaint", 0), n
    assert _state(ws, "client3@example.ru") == ("active", None, 1), "a bare named recipient"
    assert _state(ws, "client4@example.ru") == ("active", None, 1)
    assert _state(ws, "client5@example.ru") == ("active", None, 1)
    with ws.read() as session:
        kinds = session.scalars(select(suppressions.c.kind)).all()
    assert sorted(kinds) == ["complaint"] * 3
    with ws.write() as session:  # the next day's letters are not written to them
        session.execute(outbox.update().values(next_try=ws.now()))
    assert send_outbox(ws).sent == 3


def test_a_report_is_read_whatever_its_shape() -> None:
    letter = (
        b"From: a@ourfirm.ru\r\nTo: x@mail.ru\r\nMessage-ID: <m1@ourfirm.ru>\r\n"
        b"List-Unsubscribe: <https://crm.ourfirm.ru/unsubscribe/AbCdEf0123456789_-xyz>\r\n\r\nbody\r\n"
    )
    raw = _fixture("mailru_abuse.eml", original=letter.decode())
    assert is_feedback_report(raw)
    report = read_report(raw)
    assert (report.feedback_type, report.reporter) == ("abuse", "Mail.Ru FBL/1.0")
    assert report.message_ids == ["m1@ourfirm.ru"]
    assert report.tokens == ["AbCdEf0123456789_-xyz"]
    assert report.to == ["x@mail.ru"]
    named = read_report(_fixture("named_only.eml", serial="9", type="not-spam", rcpt="Y@Example.RU"))
    assert (named.feedback_type, named.named, named.message_ids) == ("not-spam", ["y@example.ru"], [])
    assert not is_feedback_report(raw.replace(b"report-type=feedback-report", b"report-type=delivery-status"))
