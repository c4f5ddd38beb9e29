"""The weekly digest's content: the recipient's week counted by hand (calls, plan and fact), who
may send it to whom, and its way out through the outbox, once a week however often cron runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from crm_tui.domain.campaigns.outbox_files import XLSX_TYPE
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.errors import AccessDenied, InvalidInput
from crm_tui.domain.reports.digest import hand_to_outbox, weekly_digest
from crm_tui.domain.values.formatting import money
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.outbox_send import send_outbox
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.smtp_server import Mailbox
from tests.unit.test_kpi_reports import add_touches

Open = Callable[[str], Workspace]


def test_a_digest_for_a_manager_carries_their_week(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    add_touches(engine, seeded)
    admin = workspace_for("admin")
    with admin.read() as session:
        digest = weekly_digest(session, admin.viewer, "ivanova", FROZEN_NOW, MOSCOW)
    # 14-20 November in Moscow: the seed's inbound call to Аква-Сервис (no duration) and
    # outbound to Ромашка; here two inbound on the 19th (120 s; none) and one outbound (0 s).
    # The call of 1 November is outside the week.
    assert digest.to == "ivanova"
    assert "14.11.2026" in digest.subject and "20.11.2026" in digest.subject
    assert "Иванова Светлана" in digest.subject
    figures = digest.figures
    assert (figures["calls"], figures["answered"], figures["missed"]) == (5, 1, 2)
    # her target, and Ромашка 650 000 and Вектор 300 000 won this month
    assert (figures["plan"], figures["fact"]) == (150_000_000, 95_000_000)
    assert "Calls in 7 days: 5 (1 answered, 2 missed)" in digest.text
    assert money(95_000_000) in digest.text and money(150_000_000) in digest.text


def add_senders(ws: Workspace, port: int = 25) -> None:
    for address, name, login in (
        ("sales@ourfirm.ru", "Отдел продаж", None),  # the team's
        ("ivanova@ourfirm.ru", "Светлана Иванова", "ivanova"),
        ("petrov@ourfirm.ru", "Андрей Петров", "petrov"),
    ):
        local = SenderDraft(address, name, login, smtp_host="127.0.0.1", smtp_port=port)
        set_sender(ws, replace(local, smtp_security="none"))


@pytest.mark.parametrize(
    ("login", "to", "allowed"),
    [
        ("ivanova", "ivanova", True),
        ("ivanova", "Иванова <Ivanova@OurFirm.ru>", True),  # her own sending address
        ("ivanova", "petrov", False),
        ("ivanova", "petrov@ourfirm.ru", False),
        ("ivanova", "evil@example.com", False),  # an outside address: was queued
        ("smirnov", "smirnov", True),
        ("smirnov", "ivanova", True),  # his region's
        ("smirnov", "ivanova@ourfirm.ru", True),
        ("smirnov", "petrov", False),  # Липецк
        ("smirnov", "evil@example.com", False),
        ("admin", "petrov", True),
        ("admin", "evil@example.com", True),
    ],
)
def test_who_may_mail_the_digest_to_whom(
    engine: Engine, seeded: Seeded, workspace_for: Open, login: str, to: str, allowed: bool
) -> None:
    """A manager: their own login or address; a head: their region's people and their own; an
    admin: anyone, an outside address too. Refused in the capability table's one line."""
    add_senders(workspace_for("admin"))
    ws = workspace_for(login)
    with ws.read() as session:
        if not allowed:
            with pytest.raises(AccessDenied, match="the digest may not go to"):
                weekly_digest(session, ws.viewer, to, FROZEN_NOW, MOSCOW)
            return
        digest = weekly_digest(session, ws.viewer, to, FROZEN_NOW, MOSCOW)
    assert digest.to in (to, to.rsplit("<", maxsplit=1)[-1].rstrip(">").lower())


def test_a_person_gets_their_own_figures_an_outside_address_the_senders(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    add_touches(engine, seeded)
    add_senders(workspace_for("admin"))
    ws = workspace_for("smirnov")
    with ws.read() as session:
        hers = weekly_digest(session, ws.viewer, "ivanova@ourfirm.ru", FROZEN_NOW, MOSCOW)
        with pytest.raises(InvalidInput):
            weekly_digest(session, ws.viewer, "boss@", FROZEN_NOW, MOSCOW)
    assert hers.to == "ivanova@ourfirm.ru" and "Иванова Светлана" in hers.subject
    assert hers.figures["calls"] == 5
    admin = workspace_for("admin")
    with admin.read() as session:
        outside = weekly_digest(session, admin.viewer, "Шеф <Boss@Example.org>", FROZEN_NOW, MOSCOW)
    assert outside.to == "boss@example.org" and admin.viewer.full_name in outside.subject


def test_the_digest_is_mailed_through_the_outbox_once_a_week(
    engine: Engine, seeded: Seeded, workspace_for: Open, smtp_server: Mailbox
) -> None:
    add_touches(engine, seeded)
    admin = workspace_for("admin")
    add_senders(admin, smtp_server.port)
    with admin.write() as session:
        made = weekly_digest(session, admin.viewer, "ivanova", FROZEN_NOW, MOSCOW)
        first = hand_to_outbox(session, admin.viewer, made, FROZEN_NOW)
        again = hand_to_outbox(session, admin.viewer, made, FROZEN_NOW)  # cron ran twice
    assert first.queued and first.address == "ivanova@ourfirm.ru"
    assert not again.queued and again.outbox_id == first.outbox_id
    send_outbox(admin)
    [letter] = smtp_server.letters
    assert letter.to == ["ivanova@ourfirm.ru"] and letter.mail_from == "sales@ourfirm.ru"
    assert letter.message["Subject"] == made.subject
    body = letter.message.get_body(("plain",))
    assert body is not None and "Calls in 7 days: 5 (1 answered, 2 missed)" in body.get_content()
    # the week's KPI as a workbook, attached to the letter sent (not only its text)
    [attached] = list(letter.message.iter_attachments())
    assert attached.get_filename() == "kpi-2026-11-14-2026-11-20.xlsx"
    assert attached.get_content_type() == XLSX_TYPE
    book = load_workbook(BytesIO(attached.get_content()))
    figures = {row[0]: row[1:] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert figures["Plan"][1] == 1_500_000 and figures["Fact"][1] == 950_000  # roubles, numbers
    calls = list(book["Calls and mails"].iter_rows(values_only=True))
    assert calls[0][:4] == ("Login", "Manager", "Inbound calls", "Outbound calls")
    ivanova = next(row for row in calls if row[0] == "ivanova")
    assert [ivanova[2], ivanova[3]] == [3, 2] and made.figures["calls"] == 5
    with admin.write() as session:
        assert not hand_to_outbox(session, admin.viewer, made, FROZEN_NOW).queued, "sent: not again"


def test_no_address_to_send_from_is_one_line(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    admin = workspace_for("admin")
    with admin.write() as session:
        made = weekly_digest(session, admin.viewer, "ivanova", FROZEN_NOW, MOSCOW)
        with pytest.raises(InvalidInput, match="crm outbox sender"):
            hand_to_outbox(session, admin.viewer, made, FROZEN_NOW)
