"""The "My sales" desk shows a manager exactly her day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crm_tui.domain.clock import fixed_clock, local_day_bounds, local_month_bounds
from crm_tui.domain.desk import load_desk
from crm_tui.domain.workspace import Workspace, open_workspace
from tests.query_plans import sqlite_plans
from tests.seed import FROZEN_NOW, MOSCOW


def test_tasks_today_and_overdue_only_mine_and_open(workspace_for: Callable[[str], Workspace]) -> None:
    desk = load_desk(workspace_for("ivanova"))
    assert [(t.title, t.overdue) for t in desk.tasks] == [
        ("Позвонить по КП", True),
        ("Напомнить об оплате счёта", True),
        ("Встреча: презентация оборудования", False),
        ("Уточнить объём поставки", False),
    ]
    assert desk.tasks[0].client == "СтройМонтаж"


def test_open_deals_by_stage_with_sums_in_kopecks(workspace_for: Callable[[str], Workspace]) -> None:
    desk = load_desk(workspace_for("ivanova"))
    assert [(s.stage, s.count, s.amount) for s in desk.stages] == [
        ("New inquiry", 2, 16_500_000),
        ("Qualification", 1, 31_000_000),
        ("Proposal sent", 2, 133_650_000),
        ("Invoice issued", 1, 54_000_000),
        ("Awaiting payment", 2, 100_000_000),
    ]


def test_recent_inbound_is_mine_newest_first(workspace_for: Callable[[str], Workspace]) -> None:
    desk = load_desk(workspace_for("ivanova"))
    assert [(i.client, i.kind) for i in desk.inbound] == [
        ("Аква-Сервис", "call"),
        ("Теплодом", "email"),
        ("Вектор Плюс", "message"),
    ]


def test_kpi_plan_fact_won_awaiting_overdue(workspace_for: Callable[[str], Workspace]) -> None:
    kpi = load_desk(workspace_for("ivanova")).kpi
    assert kpi.plan == 150_000_000
    assert kpi.fact == 95_000_000  # 650 000 + 300 000 won this month; the one 40 days ago is not
    assert kpi.won_count == 2
    assert (kpi.awaiting_payment, kpi.awaiting_payment_count) == (100_000_000, 2)
    assert kpi.overdue_tasks == 2
    assert kpi.plan_share is not None and round(kpi.plan_share, 3) == 0.633


def test_today_is_the_users_day_not_utc(db_url: str, seeded: object) -> None:
    """At 23:30 UTC it is already tomorrow in Moscow: tomorrow's task joins the desk."""
    late = FROZEN_NOW.replace(hour=23, minute=30)
    ws = open_workspace(db_url, "ivanova", tz=MOSCOW, clock=fixed_clock(late))
    titles = [t.title for t in load_desk(ws).tasks]
    assert "Перезвонить после праздников" in titles
    ws_utc = open_workspace(db_url, "ivanova", tz=ZoneInfo("UTC"), clock=fixed_clock(late))
    assert "Перезвонить после праздников" not in [t.title for t in load_desk(ws_utc).tasks]


def test_day_and_month_bounds_follow_the_zone() -> None:
    moment = datetime(2026, 11, 30, 22, 0, tzinfo=ZoneInfo("UTC"))  # 1 December, 01:00 in Moscow
    start, end = local_day_bounds(moment, MOSCOW)
    assert (start.isoformat(), end - start) == ("2026-11-30T21:00:00+00:00", timedelta(days=1))
    m_start, m_end = local_month_bounds(moment, MOSCOW)
    assert (m_start.isoformat(), m_end.isoformat()) == (
        "2026-11-30T21:00:00+00:00",
        "2026-12-31T21:00:00+00:00",
    )


def test_a_head_sees_his_own_desk_not_the_regions(workspace_for: Callable[[str], Workspace]) -> None:
    desk = load_desk(workspace_for("smirnov"))
    assert desk.tasks == [] and desk.stages == [] and desk.inbound == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite's query plans
def test_the_slow_tiles_are_index_searches(workspace_for: Callable[[str], Workspace]) -> None:
    """The desk's first read comes from a cold cache: its tiles read indexes, not table rows
    (a client's phone or e-mail, a contact's position, an open deal's amount; migration 0029)."""
    ws = workspace_for("ivanova")
    plans = sqlite_plans(ws.engine, lambda: load_desk(ws))
    portrait = next(plan for statement, plan in plans if "field_values" in statement)
    assert "COVERING INDEX ix_contact_channels_client_kind" in portrait
    assert "COVERING INDEX ix_contacts_client_position" in portrait
    stages = next(plan for statement, plan in plans if "GROUP BY stages.id" in statement)
    assert "COVERING INDEX ix_deals_owner_status_stage" in stages
