"""The inbox and a request's card as a manager works them: open, take, answer, junk, convert."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from textual.widgets import Input, Static

from crm_tui.app import create_app
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.screens.desk import DeskScreen
from crm_tui.screens.dialogs.lead_forms import AnswerDialog, ConvertDialog, JunkDialog
from crm_tui.screens.inbox import InboxScreen
from crm_tui.screens.lead_card import LeadCardScreen
from crm_tui.storage.database import read_session
from crm_tui.storage.models import leads
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import opened, settle, text_of
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

SIZE = (120, 40)


def requests(url: str) -> dict[str, int]:
    """Three requests of Москва: one overdue in the queue, one for Иванова, one for nobody."""
    admin = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW - timedelta(hours=1)))
    late = receive(
        admin,
        Request(
            name="Опоздавший", phone="+79165551001", message="Где счёт?", region="Москва", channel="call"
        ),
    )
    now = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    fresh = receive(now, Request(company="ООО Берёзка", phone="+79165551002", message="Нужны станки\nсрочно",
                                 channel="web_form", region="Москва"))  # fmt: skip
    mine = receive(now, Request(name="Пётр", email="petr@example.org", message="Прайс", region="Москва"))
    from crm_tui.domain.leads.work import assign_request

    assign_request(now, int(mine.lead_id or 0), "ivanova")
    return {"late": int(late.lead_id or 0), "fresh": int(fresh.lead_id or 0), "mine": int(mine.lead_id or 0)}


def status_of(ws: Workspace, lead_id: int) -> str:
    with read_session(ws.engine) as session:
        return str(session.scalar(select(leads.c.status).where(leads.c.id == lead_id)))


async def test_the_inbox_lists_oldest_deadline_first_with_the_overdue_in_red_and_takes(
    sqlite_url: str, team: Seeded, ws: Workspace
) -> None:
    made = requests(sqlite_url)
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        desk = app.screen
        assert isinstance(desk, DeskScreen) and desk.desk is not None
        assert (desk.desk.requests, desk.desk.late_requests) == (1, 0)
        await pilot.press("I")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        table = screen.query_one("#inbox", RecordTable)
        assert [int(k) for k in screen.items] == [made["late"], made["fresh"], made["mine"]]
        assert "-60 min" in str(table.get_row_at(0)[0]) or "-45 min" in str(table.get_row_at(0)[0])
        assert "2 overdue" not in text_of(screen.query_one("#inbox-info", Static))
        await pilot.press("t")
        await settle(pilot)
        with read_session(ws.engine) as session:
            owner = session.scalar(select(leads.c.owner_id).where(leads.c.id == made["late"]))
        assert owner == team.users["ivanova"]


async def test_answer_and_junk_from_the_inbox(sqlite_url: str, team: Seeded, ws: Workspace) -> None:
    made = requests(sqlite_url)
    app = create_app(ws, start="desk")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        table = app.screen.query_one("#inbox", RecordTable)
        table.move_cursor(row=2)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, AnswerDialog)
        summary = app.screen.query_one("#summary", Input)
        summary.focus()
        await pilot.press(*"Выслали прайс", "enter")
        await settle(pilot)
        assert status_of(ws, made["mine"]) == "in_work"
        assert isinstance(app.screen, InboxScreen)
        app.screen.query_one("#inbox", RecordTable).move_cursor(row=2)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, JunkDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status_of(ws, made["mine"]) == "junk"


async def test_the_card_shows_touches_and_converts(sqlite_url: str, team: Seeded, ws: Workspace) -> None:
    made = requests(sqlite_url)
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LeadCardScreen(ws, made["mine"]))
        await settle(pilot)
        card = app.screen
        assert isinstance(card, LeadCardScreen)
        assert "Прайс" in text_of(card.query_one("#lead-message", Static))
        assert card.query_one("#lead-touches", RecordTable).row_count == 1
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConvertDialog)
        app.screen.query_one("#deal", Input).value = "Прайс для Петра"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status_of(ws, made["mine"]) == "converted"
        assert isinstance(app.screen, LeadCardScreen)


async def test_the_card_shows_a_phone_as_the_client_card_does(sqlite_url: str, team: Seeded) -> None:
    made = requests(sqlite_url)
    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(admin)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LeadCardScreen(admin, made["fresh"]))
        await settle(pilot)
        head = text_of(app.screen.query_one("#lead-head", Static))
        assert "+7 916 555-10-02" in head and "+79165551002" not in head


async def test_a_request_on_the_desk_opens_its_card(sqlite_url: str, team: Seeded, ws: Workspace) -> None:
    requests(sqlite_url)
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        desk = app.screen
        assert isinstance(desk, DeskScreen) and desk.desk is not None
        assert any(i.lead_id for i in desk.desk.inbound)
        inbound = desk.query_one("#inbound", RecordTable)
        inbound.focus()
        row = next(n for n, i in enumerate(desk.desk.inbound) if i.lead_id)
        inbound.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadCardScreen)


async def test_the_lead_analysis_groups_by_source_then_manager(sqlite_url: str, team: Seeded) -> None:
    from crm_tui.screens.lead_report import LeadReportScreen

    requests(sqlite_url)
    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("I", "R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadReportScreen)
        assert "Team: 3 requests" in text_of(screen.query_one("#lead-report-team", Static))
        table = screen.query_one("#lead-report", RecordTable)
        assert table.row_count == 2  # the team and "—" (no source)
        await pilot.press("g")
        await settle(pilot)
        assert screen.by == "manager" and table.row_count == 3  # the team, Иванова, the queue
        await pilot.press("g")
        await settle(pilot)
        assert screen.by == "channel"
        labels = {str(table.get_row_at(n)[0]) for n in range(1, table.row_count)}
        assert "web form" in labels and "web_form" not in labels


async def test_the_inbox_pages_by_deadline_with_n_and_p(sqlite_url: str, team: Seeded, ws: Workspace) -> None:
    from crm_tui.domain.leads.inbox import PAGE

    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    made = [
        int(
            receive(
                replace(admin, clock=fixed_clock(FROZEN_NOW - timedelta(minutes=PAGE + 5 - n))),
                Request(name=f"Клиент {n}", phone=f"+7916555{n:04d}", message="Прайс", region="Москва"),
            ).lead_id
            or 0
        )
        for n in range(PAGE + 5)
    ]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot, "I", InboxScreen)
        # oldest deadline first: the first 50 requests, then the 5 received last
        assert [int(k) for k in screen.items] == made[:PAGE]
        assert "more: n" in text_of(screen.query_one("#inbox-info", Static))
        await pilot.press("n")
        await settle(pilot)
        assert [int(k) for k in screen.items] == made[PAGE:]
        info = text_of(screen.query_one("#inbox-info", Static))
        assert "page 2" in info and "last page" in info
        await pilot.press("p")
        await settle(pilot)
        assert [int(k) for k in screen.items] == made[:PAGE]


def test_those_waiting_for_an_answer_come_first_and_the_pages_neither_skip_nor_repeat(
    sqlite_url: str, team: Seeded
) -> None:
    from crm_tui.domain.leads.inbox import inbox_cursor, inbox_page
    from crm_tui.domain.leads.work import answer_request
    from crm_tui.storage.models import InteractionKind

    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    made = [
        int(
            receive(
                replace(admin, clock=fixed_clock(FROZEN_NOW - timedelta(minutes=20 - n))),
                Request(name=f"Клиент {n}", phone=f"+7916777{n:04d}", message="Прайс", region="Москва"),
            ).lead_id
            or 0
        )
        for n in range(11)
    ]
    answered = [made[0], made[1], made[6]]  # the earliest deadlines among them
    for lead in answered:
        answer_request(admin, lead, InteractionKind.CALL, "Перезвонили")
    waiting = [lead for lead in made if lead not in answered]
    assert [i.id for i in inbox_page(admin).items] == waiting + answered
    for size in (1, 3, 4, 8):
        seen: list[int] = []
        page = inbox_page(admin, limit=size)
        while True:
            seen += [i.id for i in page.items]
            if not page.more:
                break
            cursor = inbox_cursor(page.items[-1])
            assert cursor is not None
            page = inbox_page(admin, after=cursor, limit=size)
        assert seen == waiting + answered, size
