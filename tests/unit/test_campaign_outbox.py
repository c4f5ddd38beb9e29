"""The outbox against a real SMTP server on loopback: what is sent, once, and what is not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.stops import suppress
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.outbox_send import send_outbox
from crm_tui.storage.models import campaign_recipients, campaigns, outbox
from tests.seed import FROZEN_NOW
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, at, mail_setup


def _states(ws: Workspace) -> dict[str, int]:
    with ws.read() as session:
        rows = session.execute(select(outbox.c.state)).scalars().all()
    found: dict[str, int] = {}
    for state in rows:
        found[state] = found.get(state, 0) + 1
    return found


def test_enrolling_twice_adds_nobody_twice(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 5)
    mail_setup(ws, smtp_server.port)
    first = enrol(ws, "Drip")
    again = enrol(ws, "Drip")
    assert (first.enrolled, first.letters) == (5, 10)
    assert (again.enrolled, again.letters) == (0, 0)
    with ws.read() as session:
        ids = session.execute(select(outbox.c.message_id)).scalars().all()
    assert len(set(ids)) == 10


def test_due_letters_reach_the_server_once_with_their_message_id_and_unsubscribe_headers(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 3)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    report = send_outbox(ws)
    assert report.sent == 3  # the day-8 letters are not due yet
    assert send_outbox(ws).sent == 0
    with ws.read() as session:
        sent_ids = set(session.execute(select(outbox.c.message_id).where(outbox.c.state == "sent")).scalars())
    assert set(smtp_server.message_ids()) == sent_ids
    letter = smtp_server.letters[0].message
    assert letter["List-Unsubscribe"].startswith("<http://localhost:8080/unsubscribe/")
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Анна Сергеевна" in str(letter["Subject"])
    body = str(letter.get_content())
    assert "Здравствуйте, Анна Сергеевна!" in body and "С уважением, Светлана" in body
    assert "/unsubscribe/" in body
    later = at(ws, FROZEN_NOW + timedelta(days=8, minutes=1))
    assert send_outbox(later).sent == 3
    assert len(smtp_server.letters) == 6


def test_a_hard_refusal_fails_suppresses_and_stops_a_soft_one_retries(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 1, prefix="bounce")
    add_clients(ws, 1, prefix="later")
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    report = send_outbox(ws)
    assert (report.sent, report.failed, report.retry) == (0, 1, 1)
    with ws.read() as session:
        states = sorted((r.address, r.state) for r in session.execute(select(outbox)).all())
        stopped = session.execute(
            select(campaign_recipients.c.address, campaign_recipients.c.stop_reason)
        ).all()
    assert ("bounce0@example.ru", "failed") in states and ("bounce0@example.ru", "dropped") in states
    assert ("later0@example.ru", "pending") in states
    assert ("bounce0@example.ru", "bounced") in stopped
    # the soft one waits for its backoff, then goes when the server takes it
    assert send_outbox(ws).retry == 0
    assert send_outbox(at(ws, FROZEN_NOW + timedelta(minutes=6))).retry == 1


def test_a_spam_rejection_pauses_the_campaign(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 1, prefix="spam")
    add_clients(ws, 2, prefix="fine")
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    with ws.write() as session:  # the spam one first
        session.execute(update(outbox).where(outbox.c.address.like("fine%")).values(next_try=FROZEN_NOW))
        session.execute(
            update(outbox)
            .where(outbox.c.address.like("spam%"))
            .values(next_try=FROZEN_NOW - timedelta(hours=1))
        )
    report = send_outbox(ws)
    assert report.paused == 1 and report.sent == 0
    with ws.read() as session:
        status, reason = session.execute(select(campaigns.c.status, campaigns.c.paused_reason)).one()
    assert status == "paused" and reason.startswith("554")
    assert _states(ws).get("pending") == 6


def test_an_address_suppressed_after_enrolment_is_not_written_to(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 2)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    with ws.write() as session:
        suppress(session, "client1@example.ru", "unsubscribed", ws.now())
    assert send_outbox(ws).sent == 1
    assert [r.to for r in smtp_server.letters] == [["client0@example.ru"]]
    assert _states(ws)["dropped"] == 2


def test_a_sender_limit_per_minute_holds(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 5)
    mail_setup(ws, smtp_server.port, per_minute=2)
    enrol(ws, "Drip")
    assert send_outbox(ws).sent == 2
    assert send_outbox(at(ws, FROZEN_NOW + timedelta(seconds=30))).sent == 0
    assert send_outbox(at(ws, FROZEN_NOW + timedelta(minutes=1))).sent == 2


@pytest.mark.parametrize("security", ["none"])
def test_an_unreachable_server_sends_nothing_and_loses_nothing(
    workspace_for: Callable[[str], Workspace], security: str
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 2)
    mail_setup(ws, 9)  # nothing listens on port 9
    enrol(ws, "Drip")
    report = send_outbox(ws)
    assert report.sent == 0 and report.unreachable
    assert _states(ws) == {"pending": 4}
