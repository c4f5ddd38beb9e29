"""The week for a head of sales (issue 21's review): the team's week by person from the week view
(`g`), a person's days opened from it and escape back; a manager has no team key. And the
footer of the deal and the week: every key of the screen shown at 80 columns, in Russian too."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from crm_tui.app import create_app
from crm_tui.screens.deal import DealScreen
from crm_tui.screens.week import WeekScreen
from crm_tui.widgets.key_footer import KeyFooter
from tests.app.support import in_language, settle, workspace
from tests.seed import Seeded


async def test_a_head_reads_the_team_week_and_opens_a_managers_days(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        week = app.screen
        assert isinstance(week, WeekScreen) and week.week is not None
        assert week.week.user_id == team.users["smirnov"]
        await pilot.press("g")
        await settle(pilot)
        assert week.team is not None and week.team_shown
        grid = week.query_one("#week-team", OptionList)
        assert grid.display and grid.has_focus and not week.query_one("#week-days").display
        assert [r.person.full_name for r in week.team.rows] == ["Смирнов Олег", "Иванова Светлана"]
        assert "Team" not in week.query_one(KeyFooter).shown  # it is on screen
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not week.team_shown and week.week.user_id == team.users["ivanova"]
        assert "Позвонить по КП" in [t.title for t in week.rows.values()]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is week and week.team_shown  # back to the team, not out of the week
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, WeekScreen)


async def test_a_manager_has_no_team_week(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "ivanova"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        week = app.screen
        assert isinstance(week, WeekScreen)
        assert "Team" not in week.query_one(KeyFooter).shown
        await pilot.press("g")
        await settle(pilot)
        assert not week.team_shown and week.team is None


def _own_keys_cut(app: object) -> list[str]:
    """The screen's own keys that the footer at its width leaves out."""
    footer = app.screen.query_one(KeyFooter)  # type: ignore[attr-defined]
    drawn = str(footer.render())
    assert all(len(line.rstrip()) <= 80 for line in drawn.splitlines())
    return [
        f"{key} {description}"
        for key, description, _enabled, own in footer._shown
        if own and f"{key} {description}" not in drawn
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_every_key_of_the_deal_and_the_week_is_in_the_footer_at_80_columns(
    sqlite_url: str, team: Seeded, language: str
) -> None:
    with in_language(language):
        for login in ("admin", "smirnov"):  # the admin also has "payment received"
            ws = workspace(sqlite_url, login)
            app = create_app(ws)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await app.push_screen(DealScreen(ws, team.deals["d_await_romashka"]))
                await settle(pilot)
                assert _own_keys_cut(app) == [], login
                await pilot.press("escape")
                await settle(pilot)
                await pilot.press("W")
                await settle(pilot)
                assert isinstance(app.screen, WeekScreen)
                assert _own_keys_cut(app) == [], login


async def test_home_brings_the_week_back_to_this_week(sqlite_url: str, team: Seeded) -> None:
    """The README's `Home`: the task list under the cursor took it first (to its first row)."""
    app = create_app(workspace(sqlite_url, "ivanova"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        week = app.screen
        assert isinstance(week, WeekScreen) and week.week is not None
        this_monday = week.week.monday
        await pilot.press("right", "right")
        await settle(pilot)
        assert week.week.monday > this_monday
        await pilot.press("home")
        await settle(pilot)
        assert week.week.monday == this_monday


async def test_the_weeks_whose_key_agrees_with_its_week_in_russian(sqlite_url: str, team: Seeded) -> None:
    """The week's "Whose" asks «Чья неделя»: its key reads «Чья» (feminine), while the
    dashboard's and the requests' keys keep their own form of the same English word."""
    with in_language("ru"):
        app = create_app(workspace(sqlite_url, "smirnov"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("W")
            await settle(pilot)
            assert isinstance(app.screen, WeekScreen)
            drawn = str(app.screen.query_one(KeyFooter).render())
            assert "m Чья " in drawn + " " and "Чей" not in drawn
            await pilot.press("g")
            await settle(pilot)
            drawn = str(app.screen.query_one(KeyFooter).render())
            assert "m Чья " in drawn + " " and "Чей" not in drawn
