"""The head's dashboard (K): the figures of the head's region, one manager chosen with m, and
Enter on a figure opening the records behind it, then a client's card."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text
from textual.widgets import OptionList, Static

from crm_tui.app import create_app
from crm_tui.domain.values.formatting import money
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.dashboard import DashboardScreen
from crm_tui.screens.dashboard_drill import DrillScreen
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.widgets.figure_tile import FigureTile
from tests.app.support import opened, settle, text_of, workspace
from tests.seed import Seeded


def bars_text(screen: DashboardScreen) -> str:
    bars = screen.query_one("#dash-bars", OptionList)
    return "\n".join(str(bars.get_option_at_index(n).prompt) for n in range(bars.option_count))


def figure(screen: DashboardScreen, name: str) -> str:
    return text_of(screen.query_one(f"#dash-{name} .figure-value", Static)).strip()


async def test_a_head_sees_the_regions_figures_and_drills_into_them(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        # Иванова's: two overdue tasks, СтройМонтаж and Зорин untouched for 30 days; won 2 of 3
        assert (figure(screen, "overdue"), figure(screen, "silent"), figure(screen, "conversion")) == (
            "2",
            "2",
            "67%",
        )
        bars = bars_text(screen)
        assert "Иванова Светлана" in bars and "Петров" not in bars
        screen.query_one("#dash-overdue", FigureTile).focus()
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        rows = drill.query_one("#drill-rows", OptionList)
        assert rows.option_count == 2
        assert [row.client for row in drill.rows] == ["СтройМонтаж", "Ромашка"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientCardScreen)


async def test_one_manager_chosen_with_m(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        assert figure(screen, "overdue") == "3"  # Петров's call an hour ago too
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        choices = app.screen.query_one(OptionList)
        petrov = next(
            n for n in range(choices.option_count) if "Петров" in str(choices.get_option_at_index(n).prompt)
        )
        choices.highlighted = petrov
        await pilot.press("enter")
        await settle(pilot)
        assert screen.manager_id == team.users["petrov"]
        assert (figure(screen, "overdue"), figure(screen, "silent")) == ("1", "1")
        assert "Иванова" not in bars_text(screen)


async def test_a_manager_sees_only_their_own(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "petrov"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        assert figure(screen, "overdue") == "1"
        assert screen.dashboard is not None and [p.name for p in screen.dashboard.people] == ["Петров Андрей"]
        assert screen.sub_title == "Петров Андрей", "a manager's own figures are not «the team»"


async def test_the_dashboard_shows_what_crm_report_prints(sqlite_url: str, team: Seeded) -> None:
    import json

    from tests.cli_support import crm

    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        assert screen.dashboard is not None
        shown = screen.dashboard
    printed = crm(
        "--db",
        sqlite_url,
        "report",
        "plan",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--json",
        user="smirnov",
    )
    rows = [json.loads(line) for line in printed.stdout.splitlines()]
    assert (sum(r["plan"] for r in rows), sum(r["fact"] for r in rows)) == (shown.plan, shown.fact)
    silent = crm("--db", sqlite_url, "report", "silent", "--json", user="smirnov")
    assert (
        sum(json.loads(line)["silent_clients"] for line in silent.stdout.splitlines()) == shown.silent_clients
    )


async def test_new_requests_and_awaiting_payment_tiles_open_their_records(
    sqlite_url: str, team: Seeded, sqlite_engine: Engine
) -> None:
    from crm_tui.screens.deal import DealScreen
    from crm_tui.screens.lead_card import LeadCardScreen
    from tests.app.test_inbox import requests

    requests(sqlite_url)  # three new requests of Москва this month
    with sqlite_engine.connect() as conn:  # counted here apart from the domain's query
        waiting = conn.execute(
            text(
                "SELECT count(*), sum(d.amount) FROM deals d JOIN stages s ON s.id = d.stage_id "
                "JOIN users u ON u.id = d.owner_id WHERE s.code = 'awaiting_payment' AND d.status = 'open' "
                "AND (u.region = 'Москва' OR u.login = 'smirnov')"
            )
        ).one()
    assert waiting[0] >= 1
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        assert screen.dashboard is not None
        assert figure(screen, "requests") == "3"
        assert (screen.dashboard.awaiting.deals, screen.dashboard.awaiting.amount) == tuple(waiting)
        assert figure(screen, "awaiting") == money(int(waiting[1]))

        screen.query_one("#dash-requests", FigureTile).focus()
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen) and len(drill.rows) == 3
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadCardScreen) and app.screen.lead_id == drill.rows[0].lead_id
        await pilot.press("escape", "escape")
        await settle(pilot)

        screen.query_one("#dash-awaiting", FigureTile).focus()
        await pilot.press("enter")
        await settle(pilot)
        deals = app.screen
        assert isinstance(deals, DrillScreen) and len(deals.rows) == waiting[0]
        assert sum(row.amount or 0 for row in deals.rows) == waiting[1]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)


async def test_a_manager_counts_only_their_own_awaiting_deals(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "petrov"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        assert screen.dashboard is not None
        owners = {row.who for row in await_rows(sqlite_url, "petrov")}
        assert owners <= {"Петров Андрей"}
        assert screen.dashboard.awaiting.deals == len(await_rows(sqlite_url, "petrov"))


def await_rows(url: str, login: str) -> list[Any]:
    from crm_tui.domain.reports.dashboard_sales import drill_awaiting

    ws = workspace(url, login)
    with ws.read() as session:
        return list(drill_awaiting(session, ws.viewer, ws.now(), ws.tz))


async def test_enter_on_a_managers_bar_opens_their_won_deals(sqlite_url: str, team: Seeded) -> None:
    """The bars were text: now the cursor chooses one and Enter lists that manager's deals won
    this month (the fact the bar shows), and Enter there opens the deal."""
    from crm_tui.screens.deal import DealScreen

    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        bars = screen.query_one("#dash-bars", OptionList)
        bars.focus()
        ivanova = next(
            n for n in range(bars.option_count) if "Иванова" in str(bars.get_option_at_index(n).prompt)
        )
        bars.highlighted = ivanova
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen) and drill.manager_id == team.users["ivanova"]
        # her won deals of November: Ромашка 650 000 and Вектор 300 000, the bar's 950 000
        assert sorted(row.client or "" for row in drill.rows) == ["Вектор Плюс", "Ромашка"]
        assert sum(row.amount or 0 for row in drill.rows) == 95_000_000
        assert all(row.deal_id is not None for row in drill.rows)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)


async def test_a_long_name_reads_whole_beside_its_bar_at_80_and_120_columns(
    sqlite_url: str, team: Seeded, sqlite_engine: Engine
) -> None:
    """A manager's bar cut the name at 22 letters, mid-word («Константинопольская Свет»), at
    every width: the names' column is as wide as the longest name while the width allows (the
    bar gives way first), and a name too long even then ends with «…»; the share and the fact
    are never cut."""
    with sqlite_engine.begin() as connection:
        connection.execute(
            text("UPDATE users SET full_name = :name WHERE login = 'ivanova'"),
            {"name": "Константинопольская Светлана Александровна"},
        )
    for size in ((80, 24), (120, 40)):
        app = create_app(workspace(sqlite_url, "smirnov"))
        async with app.run_test(size=size) as pilot:
            screen = await opened(pilot, "K", DashboardScreen)
            room = screen.query_one("#dash-bars", OptionList).scrollable_content_region.width
            lines = bars_text(screen).splitlines()
            mine = next(line for line in lines if line.startswith("Константинопольская"))
            assert "Константинопольская Светлана Александровна " in mine, mine
            assert mine.endswith(f" 63% {money(95_000_000)}") and all(len(line) <= room for line in lines), (
                lines
            )
            assert len({min(line.find(c) for c in "░█" if c in line) for line in lines}) == 1  # one column
    with sqlite_engine.begin() as connection:
        connection.execute(
            text("UPDATE users SET full_name = :name WHERE login = 'ivanova'"),
            {"name": "Константинопольская-Светлогорская Светлана Александровна Иоанновна"},
        )
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        room = screen.query_one("#dash-bars", OptionList).scrollable_content_region.width
        mine = bars_text(screen).splitlines()[0]
        assert "…" in mine and mine.endswith(f" 63% {money(95_000_000)}") and len(mine) <= room, mine
