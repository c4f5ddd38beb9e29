"""A task given to a colleague, moved or cancelled on screen (issue 21): from the desk (A, M, X),
the week view and the client card, within the scope the capability table gives, a refusal said
under the field with what was typed kept."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from textual.widgets import Input, OptionList, Static

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.desk import DeskScreen
from crm_tui.screens.dialogs.task_change import CancelTaskDialog, ReassignDialog, RescheduleDialog
from crm_tui.screens.week import WeekScreen
from crm_tui.storage.database import read_session
from crm_tui.storage.models import tasks
from tests.app.support import notifications, settle, text_of
from tests.app.typing import burst
from tests.seed import Seeded

SIZE = (120, 40)


def task_state(ws: Workspace, task_id: int) -> tuple[str, int, datetime, str | None, int]:
    t = tasks.c
    with read_session(ws.engine) as session:
        row = session.execute(
            select(t.status, t.assignee_id, t.due_at, t.result, t.version).where(t.id == task_id)
        ).one()
    return row.status, row.assignee_id, row.due_at.replace(tzinfo=UTC), row.result, row.version


def desk_titles(app: CrmApp) -> list[str]:
    desk = app.screen
    assert isinstance(desk, DeskScreen) and desk.desk is not None
    return [t.title for t in desk.desk.tasks]


async def test_reassign_from_the_desk_to_a_colleague_of_the_region(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        assert isinstance(app.screen, ReassignDialog)
        await pilot.press(*"smirnov", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        status, assignee, _due, _result, version = task_state(ws, team.tasks["overdue_call"])
        assert (status, assignee, version) == ("open", team.users["smirnov"], 2)
        assert "Позвонить по КП" not in desk_titles(app)
        assert any("smirnov" in line for line in notifications(app))


async def test_reassign_outside_the_scope_is_refused_under_the_field(ws: Workspace, team: Seeded) -> None:
    """A manager gives tasks within the region's team: Петров works in Липецк."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A", *"petrov", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReassignDialog)
        assert "outside your region" in text_of(dialog.query_one("#error-assignee", Static))
        assert dialog.query_one("#task-assignee", Input).value == "petrov"
        assert task_state(ws, team.tasks["overdue_call"])[1] == team.users["ivanova"]


async def test_move_a_task_from_the_desk_in_peoples_words(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("M")
        assert isinstance(app.screen, RescheduleDialog)
        await burst(pilot, "пн 11:00", "enter")  # typed at once: lands in the field, in order
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        _status, _who, due, _result, _version = task_state(ws, team.tasks["overdue_call"])
        assert due == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 11:00 in Moscow
        assert "Позвонить по КП" not in desk_titles(app)


async def test_cancel_needs_a_reason_and_keeps_it_for_the_setter(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("X", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelTaskDialog)
        assert "why" in text_of(dialog.query_one("#error-reason", Static))
        await burst(pilot, "Клиент закрылся", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        status, _who, _due, result, _version = task_state(ws, team.tasks["overdue_call"])
        assert (status, result) == ("cancelled", "Клиент закрылся")


async def test_cancel_from_the_week_view(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        week = app.screen
        assert isinstance(week, WeekScreen)
        days = week.query_one("#week-days", OptionList)
        days.highlighted = days.get_option_index(str(team.tasks["today_call"]))
        await settle(pilot)
        await pilot.press("X")
        assert isinstance(app.screen, CancelTaskDialog)
        await burst(pilot, "Уже обсудили", "ctrl+s")
        await settle(pilot)
        assert app.screen is week
        assert task_state(ws, team.tasks["today_call"])[0] == "cancelled"
        assert week.rows[str(team.tasks["today_call"])].status == "cancelled"


async def test_a_closed_task_on_the_week_cannot_be_changed(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        week = app.screen
        assert isinstance(week, WeekScreen)
        days = week.query_one("#week-days", OptionList)
        days.highlighted = days.get_option_index(str(team.tasks["done_call"]))
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert app.screen is week


async def test_reassign_and_move_on_the_card(ws: Workspace, team: Seeded) -> None:
    """Ромашка's open task: the head takes it over, then it moves to Monday."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ClientCardScreen(app.ws, team.clients["romashka"]))
        await settle(pilot)
        card = app.screen
        await pilot.press("M")
        assert isinstance(app.screen, RescheduleDialog)
        await burst(pilot, "+3", "enter")
        await settle(pilot)
        assert app.screen is card
        status, _who, due, _result, version = task_state(ws, team.tasks["overdue_invoice"])
        assert (status, version) == ("open", 2)
        assert due.date() == datetime(2026, 11, 23, tzinfo=UTC).date()
        await pilot.press("A")
        assert isinstance(app.screen, ReassignDialog)
        await burst(pilot, "smirnov", "enter")
        await settle(pilot)
        assert app.screen is card
        assert task_state(ws, team.tasks["overdue_invoice"])[1] == team.users["smirnov"]


async def test_the_week_opened_again_is_this_week_as_it_is_now(ws: Workspace, team: Seeded) -> None:
    """The week screen is kept between openings: opened again it shows this week, one's own,
    with what changed while it was closed, not the week or the person last looked at."""
    from crm_tui.domain.tasks.manual import TaskDraft, set_task

    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        week = app.screen
        assert isinstance(week, WeekScreen) and week.week is not None
        this_monday = week.monday
        await pilot.press("right")
        await settle(pilot)
        assert week.week.monday != this_monday
        await pilot.press("escape")
        await settle(pilot)
        set_task(ws, TaskDraft("Позвонить снова", "завтра 11:00"))
        await pilot.press("W")
        await settle(pilot)
        assert app.screen is week
        assert isinstance(week, WeekScreen) and week.week is not None
        assert week.monday == this_monday and week.week.monday == this_monday
        assert "Позвонить снова" in [row.title for row in week.rows.values()]
        days = week.query_one("#week-days", OptionList)
        shown = [str(days.get_option_at_index(i).prompt) for i in range(days.option_count)]
        assert any("Позвонить снова" in line for line in shown)
