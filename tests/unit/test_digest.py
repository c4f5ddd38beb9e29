"""The weekly digest's content: the recipient's week counted by hand (calls, plan and fact), who
may send it to whom, and the one function that will hand it to the outbox (not built yet)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.reports.digest import OutboxMissing, hand_to_outbox, weekly_digest
from crm_tui.domain.values.formatting import money
from crm_tui.domain.workspace import Workspace
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.unit.test_kpi_reports import add_touches

Open = Callable[[str], Workspace]


def test_a_digest_for_a_manager_carries_their_week(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    add_touches(engine, seeded)
    admin = workspace_for("admin")
    with admin.read() as session:
        digest = weekly_digest(session, admin.viewer, "ivanova", FROZEN_NOW, MOSCOW)
        with pytest.raises(OutboxMissing):
            hand_to_outbox(session, digest)
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
