"""The desk as a manager uses it: complete and snooze tasks, open a client, errors as messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from textual.widgets import Input, Static

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.desk import DeskScreen
from crm_tui.screens.dialogs.snooze import SnoozeScreen, snooze_options
from crm_tui.screens.dialogs.task_result import TaskResultScreen
from crm_tui.storage.database import read_session, write_session
from crm_tui.storage.models import tasks
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import notifications, settle, text_of
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

SIZE = (120, 40)


def desk_task_titles(app: CrmApp) -> list[str]:
    desk = app.screen
    assert isinstance(desk, DeskScreen) and desk.desk is not None
    return [t.title for t in desk.desk.tasks]


def task_row(ws: Workspace, task_id: int) -> tuple[str, str | None, datetime, int]:
    with read_session(ws.engine) as session:
        row = session.execute(
            select(tasks.c.status, tasks.c.result, tasks.c.due_at, tasks.c.version).where(
                tasks.c.id == task_id
            )
        ).one()
    return row.status, row.result, row.due_at, row.version


async def test_desk_opens_with_my_tasks_overdue_first(ws: Workspace) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert desk_task_titles(app)[:2] == ["Позвонить по КП", "Напомнить об оплате счёта"]
        table = app.screen.query_one("#tasks", RecordTable)
        assert table.row_count == 4 and app.screen.focused is table


async def test_complete_a_task_with_its_result(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    """Runs on SQLite and, with CRM_TEST_POSTGRES_URL set, on PostgreSQL (``workspace_for``)."""
    ws = workspace_for("ivanova")
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, TaskResultScreen)
        await pilot.press(*"Договорились на среду")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert "Позвонить по КП" not in desk_task_titles(app)
        status, result, _due, _version = task_row(ws, seeded.tasks["overdue_call"])
        assert (status, result) == ("done", "Договорились на среду")


async def test_an_empty_result_is_refused_in_place(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x", "space", "space", "enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, TaskResultScreen)
        error = text_of(modal.query_one("#error-result", Static))
        assert "cannot be empty" in error
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert task_row(ws, team.tasks["overdue_call"])[0] == "open"
        assert "Позвонить по КП" in desk_task_titles(app)


async def test_snooze_to_tomorrow_morning_in_the_users_time_zone(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SnoozeScreen)
        await pilot.press("3")  # tomorrow 9:00
        await settle(pilot)
        status, _result, due, version = task_row(ws, team.tasks["overdue_call"])
        assert (status, version) == ("open", 2)
        assert due == datetime(2026, 11, 21, 6, 0, tzinfo=UTC)  # 9:00 in Moscow
        assert "Позвонить по КП" not in desk_task_titles(app)


def test_snooze_choices_follow_the_local_calendar() -> None:
    options = snooze_options(FROZEN_NOW, MOSCOW)  # Friday 12:30 in Moscow
    local = [o.until.astimezone(MOSCOW).strftime("%a %d.%m %H:%M") for o in options]
    assert local == ["Fri 20.11 13:30", "Fri 20.11 15:30", "Sat 21.11 09:00", "Mon 23.11 09:00"]
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday: next Monday is a week on
    assert snooze_options(monday, MOSCOW)[3].until.astimezone(MOSCOW).day == 30
    sunday = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # on a Sunday tomorrow is next Monday: once
    assert [o.label for o in snooze_options(sunday, MOSCOW)] == ["In 1 hour", "In 3 hours", "Tomorrow 9:00"]


async def test_enter_on_a_task_opens_its_client_and_escape_comes_back(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # the second task: Ромашка
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen)
        assert card.client_id == team.clients["romashka"]
        assert card.card is not None and card.card.name == "Ромашка"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_enter_on_an_inbound_item_opens_its_client(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen)
        assert card.client_id == team.clients["aqua"]


async def test_a_concurrent_edit_is_a_message_not_a_crash(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task_id = team.tasks["overdue_call"]
        with write_session(ws.engine) as session:  # a colleague snoozes it meanwhile
            session.execute(update(tasks).where(tasks.c.id == task_id).values(version=tasks.c.version + 1))
        await pilot.press("x", *"готово", "enter")
        await settle(pilot)
        dialog = app.screen  # refused in the dialog, the result typed kept
        assert isinstance(dialog, TaskResultScreen)
        assert "changed by someone else" in text_of(dialog.query_one("#error-result", Static))
        assert dialog.query_one("#result", Input).value == "готово"
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, DeskScreen)
        assert task_row(ws, team.tasks["overdue_call"])[0] == "open"


async def test_an_unexpected_failure_is_one_line(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_ws: Workspace) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr("crm_tui.domain.desk.load_desk", broken)  # the start's read and the desk's own
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = notifications(app)
        assert messages == ["unexpected error: RuntimeError: disk on fire"]
        assert app.is_running


async def test_refresh_picks_up_a_new_task(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with write_session(ws.engine) as session:
            session.execute(
                update(tasks).where(tasks.c.id == team.tasks["tomorrow_call"]).values(due_at=FROZEN_NOW)
            )
        await pilot.press("r")
        await settle(pilot)
        assert "Перезвонить после праздников" in desk_task_titles(app)


async def test_the_desk_in_russian_says_when_and_how_in_russian(ws: Workspace) -> None:
    """Due times as a manager says them (сегодня, вчера), kinds and channels in Russian."""
    from crm_tui import i18n

    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        app = create_app(ws)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            tasks_table = app.screen.query_one("#tasks", RecordTable)
            rows = [[str(c) for c in tasks_table.get_row_at(n)] for n in range(tasks_table.row_count)]
            inbound = app.screen.query_one("#inbound", RecordTable)
            channels = [str(inbound.get_row_at(n)[1]) for n in range(inbound.row_count)]
    finally:
        i18n.set_locale(before)
    assert [row[0] for row in rows] == ["18.11 09:30", "вчера 16:30", "сегодня 15:30", "сегодня 17:30"]
    assert [row[2] for row in rows] == ["звонок", "звонок", "встреча", "звонок"]
    assert channels == ["телефон", "эл. почта", "Telegram"]


async def test_the_plan_tile_draws_my_own_wins_week_by_week(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    """On SQLite and PostgreSQL (the week is worked out by each database)."""
    from datetime import date, timedelta

    from textual.widgets import Sparkline

    from crm_tui.domain.desk import TREND_WEEKS

    # Иванова's wins (the seed): 650 000 ₽ 5 days, 300 000 ₽ 12 days, 999 000 ₽ 40 days before
    # Friday 20.11.2026; weeks from Monday, the last of eight this one
    def monday(day: date) -> date:
        return day - timedelta(days=day.weekday())

    today = FROZEN_NOW.astimezone(MOSCOW).date()
    weeks = [monday(today) - timedelta(weeks=TREND_WEEKS - 1 - n) for n in range(TREND_WEEKS)]
    expected = [0] * TREND_WEEKS
    for days, rubles in ((5, 650_000), (12, 300_000), (40, 999_000)):
        expected[weeks.index(monday(today - timedelta(days=days)))] += rubles * 100
    app = create_app(workspace_for("ivanova"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeskScreen) and screen.desk is not None
        assert screen.desk.won_by_week == expected
        line = screen.query_one("#kpi-plan .kpi-trend", Sparkline)
        assert line.display and list(line.data or []) == expected


async def test_the_desks_money_keeps_its_kopecks_as_the_reports_do(ws: Workspace, team: Seeded) -> None:
    """The desk showed «950 000 ₽» beside the report's «950 000,38 ₽»: a tile's sum keeps the
    kopecks it has, and the stages' sums show them in every row (and the total) when any has
    them; whole sums stay whole."""
    from crm_tui.storage.models import deals
    from crm_tui.widgets.stage_summary import StageSummaryTable

    with write_session(ws.engine) as session:
        for key, kopecks in (("d_won_romashka", 65_000_038), ("d_await_romashka", 78_000_005)):
            session.execute(update(deals).where(deals.c.id == team.deals[key]).values(amount=kopecks))
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def shown(selector: str) -> str:
            return " ".join(text_of(app.screen.query_one(selector, Static)).split()).replace("\u202f", " ")

        plan, caption = shown("#kpi-plan .kpi-value"), shown("#kpi-won .kpi-caption")
        awaiting, overdue = shown("#kpi-awaiting .kpi-value"), shown("#kpi-overdue .kpi-value")
        stages = [
            " ".join(line.split()).replace("\u202f", " ")
            for line in text_of(app.screen.query_one("#stages", StageSummaryTable)).splitlines()
        ]
    assert plan == "950 000.38 ₽" and "950 000.38 ₽" in caption
    assert awaiting == "1 000 000.05 ₽"
    assert overdue == "2"
    rows = [re.fullmatch(r"(.*?) (\d+) (\d{1,3}(?: \d{3})*\.\d\d)", line) for line in stages]
    sums = {row[1]: row[3] for row in rows if row}
    assert sums["Awaiting payment"] == "1 000 000.05"
    assert sums["New inquiry"] == "165 000.00" and sums["Proposal sent"] == "1 336 500.00"
    assert sums["Total"] == "3 351 500.05"


async def test_the_desks_whole_sums_stay_whole(ws: Workspace) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = text_of(app.screen.query_one("#kpi-plan .kpi-value", Static)).strip()
    assert plan.replace("\u202f", " ") == "950 000 ₽"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_task_and_its_deal_read_whole_at_120_columns(
    ws: Workspace, team: Seeded, language: str
) -> None:
    """A task as the demo sets them, on a deal named as the demo names them: at 120x40 the line
    reads whole, the deal's name included (the tasks table had 21 cells: «Выставить счёт · П…»)."""
    from crm_tui import i18n
    from crm_tui.domain.tasks.manual import TaskDraft, set_task
    from crm_tui.domain.values.folding import fold
    from crm_tui.storage.models import deals
    from tests.snapshots.screen_text import screen_lines

    deal = "Поставка металлопроката, 2 кв."
    with write_session(ws.engine) as session:
        session.execute(
            update(deals)
            .where(deals.c.id == team.deals["d_await_romashka"])
            .values(title=deal, title_key=fold(deal))
        )
    set_task(
        ws,
        TaskDraft(
            "Напомнить об оплате счёта", "сегодня 17:00", "", "call", "", str(team.deals["d_await_romashka"])
        ),
    )
    i18n.set_locale(language)
    try:
        app = create_app(ws)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            lines = screen_lines(app.export_screenshot())
    finally:
        i18n.set_locale("en")
    assert any(f"Напомнить об оплате счёта · {deal}" in line for line in lines), "\n".join(lines)
