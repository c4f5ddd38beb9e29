"""The weekly digest's content: the recipient's week counted by hand (calls, plan and fact), who
may send it to whom, and its way out through the outbox, once a week however often cron runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.errors import InvalidInput
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


def test_a_manager_sends_only_their_own_figures(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_touches(engine, seeded)
    ws = workspace_for("ivanova")
    with ws.read() as session:
        with pytest.raises(InvalidInput):
            weekly_digest(session, ws.viewer, "petrov", FROZEN_NOW, MOSCOW)
        with pytest.raises(InvalidInput):
            weekly_digest(session, ws.viewer, "boss@", FROZEN_NOW, MOSCOW)
        mailed = weekly_digest(session, ws.viewer, "Шеф <Boss@Example.org>", FROZEN_NOW, MOSCOW)
    assert mailed.to == "boss@example.org"
    assert mailed.figures["calls"] == 5


def test_the_digest_is_mailed_through_the_outbox_once_a_week(
    engine: Engine, seeded: Seeded, workspace_for: Open, smtp_server: Mailbox
) -> None:
    add_touches(engine, seeded)
    admin = workspace_for("admin")
    for address, name, login in (
        ("sales@ourfirm.ru", "Отдел продаж", None),  # the team's
        ("ivanova@ourfirm.ru", "Светлана Иванова", "ivanova"),
    ):
        local = SenderDraft(address, name, login, smtp_host="127.0.0.1", smtp_port=smtp_server.port)
        set_sender(admin, replace(local, smtp_security="none"))
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
    with admin.write() as session:
        assert not hand_to_outbox(session, admin.viewer, made, FROZEN_NOW).queued, "sent: not again"


def test_no_address_to_send_from_is_one_line(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    admin = workspace_for("admin")
    with admin.write() as session:
        made = weekly_digest(session, admin.viewer, "ivanova", FROZEN_NOW, MOSCOW)
        with pytest.raises(InvalidInput, match="crm outbox sender"):
            hand_to_outbox(session, admin.viewer, made, FROZEN_NOW)
