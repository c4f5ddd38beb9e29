"""The records behind the dashboard's figures are the figures' own, on both databases: Enter on
the calls tile lists the calls the tile divides (its 14 calendar days, not 14 x 24 hours back),
and Enter on a manager's bar lists the deals won this month that make the bar's fact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from crm_tui.domain.reports.dashboard import drill_calls, load_dashboard
from crm_tui.domain.reports.dashboard_sales import drill_won
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Direction
from crm_tui.storage.records import Interaction
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]


def add_calls(engine: Engine, seeded: Seeded) -> None:
    """Friday 20 November 12:30 in Moscow: the tile's days are 7 to 20 November there. A call at
    18:00 in Moscow on the 6th is within 14 x 24 hours but a day before the tile's first."""
    with write_session(engine) as session:
        for at in (
            datetime(2026, 11, 6, 15, 0, tzinfo=UTC),  # 18:00 on the 6th in Moscow: outside
            datetime(2026, 11, 6, 21, 30, tzinfo=UTC),  # 00:30 on the 7th in Moscow: inside
        ):
            session.add(
                Interaction(kind="call", direction=Direction.INBOUND, occurred_at=at, duration_s=30,
                            client_id=seeded.clients["aqua"], user_id=seeded.users["ivanova"], created_at=at)
            )  # fmt: skip


def test_the_calls_tile_and_its_records_count_the_same_days(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    add_calls(engine, seeded)
    for login in ("ivanova", "smirnov", "admin"):
        ws = workspace_for(login)
        with ws.read() as session:
            board = load_dashboard(session, ws.viewer, FROZEN_NOW, MOSCOW)
            rows = drill_calls(session, ws.viewer, FROZEN_NOW, MOSCOW)
        assert len(rows) == sum(n for _day, n in board.calls_by_day), login
        moments = {row.at.astimezone(UTC) for row in rows if row.at is not None}
        assert datetime(2026, 11, 6, 21, 30, tzinfo=UTC) in moments
        assert datetime(2026, 11, 6, 15, 0, tzinfo=UTC) not in moments


def test_a_managers_bar_opens_the_deals_of_its_fact(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ws = workspace_for("admin")
    with ws.read() as session:
        board = load_dashboard(session, ws.viewer, FROZEN_NOW, MOSCOW)
        for bar in board.bars:
            assert bar.manager_id is not None, bar.name
            won = drill_won(session, ws.viewer, FROZEN_NOW, MOSCOW, bar.manager_id)
            assert sum(row.amount or 0 for row in won) == bar.fact, bar.name
            assert {row.who for row in won} <= {bar.name}
        team = drill_won(session, ws.viewer, FROZEN_NOW, MOSCOW)
    assert sum(row.amount or 0 for row in team) == board.fact
    mine = workspace_for("petrov")
    with mine.read() as session:
        assert {row.who for row in drill_won(session, mine.viewer, FROZEN_NOW, MOSCOW)} <= {"Петров Андрей"}
