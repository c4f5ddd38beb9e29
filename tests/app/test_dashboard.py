"""The head's dashboard (K): the figures of the head's region, one manager chosen with m, and
Enter on a figure opening the records behind it, then a client's card."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from crm_tui.app import create_app
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.dashboard import DashboardScreen
from crm_tui.screens.dashboard_drill import DrillScreen
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.widgets.figure_tile import FigureTile
from tests.app.support import settle, text_of, workspace
from tests.seed import Seeded


def figure(screen: DashboardScreen, name: str) -> str:
    return text_of(screen.query_one(f"#dash-{name} .figure-value", Static)).strip()


async def test_a_head_sees_the_regions_figures_and_drills_into_them(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        # Иванова's: two overdue tasks, СтройМонтаж and Зорин untouched for 30 days; won 2 of 3
        assert (figure(screen, "overdue"), figure(screen, "silent"), figure(screen, "conversion")) == (
            "2",
            "2",
            "67%",
        )
        bars = text_of(screen.query_one("#dash-bars", Static))
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
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
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
        assert "Иванова" not in text_of(screen.query_one("#dash-bars", Static))


async def test_a_manager_sees_only_their_own(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "petrov"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert figure(screen, "overdue") == "1"
        assert screen.dashboard is not None and [p.name for p in screen.dashboard.people] == ["Петров Андрей"]


async def test_the_dashboard_shows_what_crm_report_prints(sqlite_url: str, team: Seeded) -> None:
    import json

    from tests.cli_support import crm

    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.dashboard is not None
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
