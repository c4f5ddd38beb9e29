"""The outbox worker's batches (issue 24's 100 letters a second): a letter costs a few statements,
not twenty, and leasing a batch weakens nothing: an address suppressed while its batch waits is
not written to, a campaign paused mid-batch keeps its letters pending for the next run, a dead
worker's leased letters are sent by the next one (not left in doubt), and letters leased but not
sent give back their count against the sender's limit."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.campaigns.batch import lease, mark_sending, release
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.letters import Letter, letter_bytes, to_message
from crm_tui.domain.campaigns.rows import list_outbox, resend
from crm_tui.domain.campaigns.setup import set_paused
from crm_tui.domain.campaigns.stops import suppress
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.outbox_send import send_outbox, worker_name
from crm_tui.storage.models import campaign_recipients, outbox
from tests.seed import FROZEN_NOW
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, at, mail_setup


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _states(ws: Workspace) -> dict[str, int]:
    with ws.read() as session:
        found: dict[str, int] = {}
        for state in session.scalars(select(outbox.c.state)):
            found[state] = found.get(state, 0) + 1
        return found


def test_a_letter_costs_a_few_statements_not_twenty(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 120)  # more than two batches
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    with _statements() as seen:
        report = send_outbox(ws)
    assert report.sent == 120 == len(smtp_server.letters)
    assert len(seen) / report.sent < 4.5, len(seen)  # was 21: every table read again per letter


def test_an_address_suppressed_while_its_batch_waits_is_not_written_to(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 3)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    worker = worker_name()
    with ws.write() as session:
        batch = lease(session, ws.now(), worker)
    assert len(batch.letters) == 3
    with ws.write() as session:  # the person unsubscribes after the batch was made
        suppress(session, "client1@example.ru", "unsubscribed", ws.now())
    with ws.write() as session:
        going = [mark_sending(session, letter, worker, ws.now()) for letter in batch.letters]
    assert going == [True, False, True]
    with ws.read() as session:
        state = session.scalar(
            select(outbox.c.state).where(outbox.c.address == "client1@example.ru").limit(1)
        )
        stop = session.scalar(
            select(campaign_recipients.c.stop_reason).where(
                campaign_recipients.c.address == "client1@example.ru"
            )
        )
    assert (state, stop) == ("dropped", "suppressed")


def test_a_campaign_paused_mid_batch_keeps_the_rest_pending_and_free(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 1, prefix="spam")
    add_clients(ws, 4, prefix="fine")
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    with ws.write() as session:  # the spam one first, the others in the same batch
        session.execute(update(outbox).where(outbox.c.address.like("fine%")).values(next_try=FROZEN_NOW))
        session.execute(
            update(outbox)
            .where(outbox.c.address.like("spam%"))
            .values(next_try=FROZEN_NOW - timedelta(hours=1))
        )
    assert send_outbox(ws).paused == 1
    assert len(smtp_server.letters) == 0
    with ws.read() as session:
        leased = session.scalar(
            select(outbox.c.id).where(outbox.c.claimed_by.is_not(None), outbox.c.state == "pending")
        )
    assert leased is None  # given back: resumed, they go at once, not after a lease runs out
    set_paused(ws, "Drip", False)
    with ws.write() as session:
        session.execute(update(outbox).where(outbox.c.address.like("spam%")).values(state="dropped"))
    assert send_outbox(ws).sent == 8  # both steps of the four: the test made them all due


def test_a_dead_workers_leased_letters_go_with_the_next_worker_not_in_doubt(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 4)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    dead = f"{socket.gethostname()}:{_dead_pid()}"
    with ws.write() as session:
        batch = lease(session, ws.now(), dead)
    with ws.write() as session:  # it had handed the first letter to SMTP when it died
        assert mark_sending(session, batch.letters[0], dead, ws.now())
    report = send_outbox(ws)
    assert (report.recovered, report.sent) == (1, 3)
    assert _states(ws) == {"uncertain": 1, "sent": 3, "pending": 4}  # the day-8 letters wait


def test_an_uncertain_letter_resent_by_a_person_goes_at_once(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 1)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    with ws.write() as session:  # a worker on another machine lost its connection a minute ago
        session.execute(
            update(outbox)
            .where(outbox.c.next_try <= ws.now())
            .values(state="uncertain", claimed_by="elsewhere:1", claimed_at=ws.now() - timedelta(minutes=1))
        )
    uncertain = next(r for r in list_outbox(ws) if r.state == "uncertain")
    resend(ws, uncertain.id)
    assert send_outbox(ws).sent == 1


def test_leased_but_unsent_letters_give_back_their_count(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 3)
    mail_setup(ws, smtp_server.port, per_minute=3)
    enrol(ws, "Drip")
    worker = worker_name()
    with ws.write() as session:
        batch = lease(session, ws.now(), worker)
        assert len(batch.letters) == 3
        assert lease(session, ws.now(), "other:1").letters == []  # the minute's three are taken
    with ws.write() as session:
        release(session, batch.letters, worker, batch.at)
    assert send_outbox(at(ws, FROZEN_NOW + timedelta(seconds=10))).sent == 3


def _dead_pid() -> int:
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


@pytest.mark.parametrize(
    ("name", "subject", "to", "html"),
    [
        ("Светлана Иванова", "Мы о вас помним, Анна Сергеевна", "client0@example.ru", None),
        ("", "Plain ASCII subject", "a.b+tag@example.ru", "<p>Привет</p>"),
        ('O\'Brien, "Jr."', "Очень " * 40, "x@пример.рф", None),
        ("Ёлкина Мария", "Тема\tс табуляцией", "CAPS@Example.RU", "<b>html</b>"),
    ],
)
def test_the_fast_letter_is_byte_for_byte_the_standard_one(
    name: str, subject: str, to: str, html: str | None
) -> None:
    letter = Letter(
        "ivanova@ourfirm.ru",
        name,
        to,
        subject,
        "Здравствуйте!\n" + "длинная строка " * 20 + "\n",
        html,
        "20261207.abc.1@ourfirm.ru",
        "https://crm.example.ru/unsubscribe/" + "f" * 43,
    )
    moment = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert _unbounded(letter_bytes(letter, moment)) == _unbounded(to_message(letter, moment).as_bytes())


@pytest.mark.parametrize(
    "text",
    [
        "Здравствуйте, Мария Петровна!\n\nТекст письма.\n-- \nС уважением, Светлана\n",
        "Plain ASCII only\r\nwith CRLF\rand CR",
        "",
        "no newline at the end",
        "Привет\x0bмир\u2028строка\n\n\n",
        "ровно " + "я" * 97,  # 200 bytes: the longest line that goes as it is
        "ровно " + "я" * 98,  # 202 bytes: encoded by the email package
        "From the start\n.dot\n",
    ],
)
def test_a_text_only_letter_made_by_hand_is_byte_for_byte_the_standard_one(text: str) -> None:
    """The worker writes a text-only letter's part itself (the email package's content manager
    was a third of its CPU per letter): every byte as the email package would write it."""
    letter = Letter(
        "ivanova@ourfirm.ru", "Светлана Иванова", "client0@example.ru", "Тема", text, None,
        "20261207.abc.1@ourfirm.ru", "https://crm.example.ru/unsubscribe/" + "f_-" * 14 + "A",
    )  # fmt: skip
    moment = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert letter_bytes(letter, moment) == to_message(letter, moment).as_bytes()


def _unbounded(data: bytes) -> bytes:
    """The letter with its MIME boundary (random each time) made one."""
    for boundary in set(re.findall(rb'boundary="([^"]+)"', data)):
        data = data.replace(boundary, b"BOUNDARY")
    return data


def test_a_letter_that_cannot_be_made_fails_alone_and_the_others_go(
    workspace_for: Callable[[str], Workspace], smtp_server: Mailbox
) -> None:
    """A step that cannot make a letter (in a base from before templates were tried at saving,
    or broken by hand) fails its letters; it stopped the whole outbox and every tick before."""
    from crm_tui.storage.models import campaign_steps

    ws = workspace_for("admin")
    add_clients(ws, 3)
    mail_setup(ws, smtp_server.port)
    enrol(ws, "Drip")
    with ws.write() as session:
        first = session.scalar(select(campaign_steps.c.id).order_by(campaign_steps.c.day_offset).limit(1))
        session.execute(
            update(campaign_steps).where(campaign_steps.c.id == first).values(body_text="{{ client.name }}")
        )
    report = send_outbox(ws)
    states = _states(ws)
    assert states.get("failed") == 3, states
    with ws.read() as session:
        errors = set(session.scalars(select(outbox.c.last_error).where(outbox.c.state == "failed")))
    assert len(errors) == 1 and "cannot be made" in errors.pop()
    assert report.sent == len(smtp_server.letters)
