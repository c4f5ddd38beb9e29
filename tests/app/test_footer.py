"""The footer shows the keys of the screen on top, and only those the person may use."""

from __future__ import annotations

import pytest

from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.widgets.key_footer import KeyFooter
from tests.app.support import in_language, opened, settle, workspace
from tests.seed import Seeded


def shown(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    return screen.query_one(KeyFooter).shown  # type: ignore[no-any-return]


async def test_the_footer_follows_the_screen_on_top(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Done" in shown(app) and "Log call" not in shown(app)
        await app.push_screen(ClientCardScreen(ws, team.clients["romashka"]))
        await settle(pilot)
        await pilot.press("tab", "shift+tab")
        await settle(pilot)
        keys = shown(app)
        assert keys[:3] == ["Log call", "Note", "Segment"]
        assert {"Requisites", "Owns", "Older", "Newer"} <= set(keys)
        assert "Hand over" not in keys  # a manager does not hand clients over
        rendered = str(app.screen.query_one(KeyFooter).render())
        assert rendered.startswith("l Log call o Note g Segment")
        await pilot.press("escape")
        await settle(pilot)
        assert "Requisites" not in shown(app) and "Done" in shown(app)


async def test_only_an_admin_sees_the_fields_key(sqlite_url: str, team: Seeded) -> None:
    for login, sees in (("admin", True), ("ivanova", False)):
        app = create_app(workspace(sqlite_url, login), start="clients")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert ("Fields" in shown(app)) is sees, login


async def test_a_key_that_does_not_fit_is_left_out_whole(ws: Workspace) -> None:
    with in_language("ru"):
        app = create_app(ws)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            footer = app.screen.query_one(KeyFooter)
            rendered = str(footer.render())
            whole = [f"{key} {description}" for key, description, _on, _own in footer._shown]
    assert len(rendered.rstrip()) <= 80
    shown_parts = rendered.rstrip()
    kept = [part for part in whole if part in shown_parts]
    assert kept and len(kept) < len(whole)  # the Russian desk has more keys than 80 columns hold
    assert shown_parts == " ".join(kept)  # every key on show is whole: none cut in its word


@pytest.mark.parametrize(("screen_key", "whose"), [("K", "Чьи"), ("I", "Чьи")])
async def test_whose_agrees_with_what_the_screen_shows_in_russian(
    sqlite_url: str, team: Seeded, screen_key: str, whose: str
) -> None:
    """The dashboard's "Whose" asks «Чьи показатели», the requests' shows «мои / мой регион /
    все» обращения: both keys read «Чьи», not the «Чей» of the one English word."""
    with in_language("ru"):
        app = create_app(workspace(sqlite_url, "smirnov"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press(screen_key)
            await settle(pilot)
            drawn = str(app.screen.query_one(KeyFooter).render())
    assert f"m {whose} " in drawn and "Чей" not in drawn


async def test_the_dashboards_export_names_whose_figures_in_russian(sqlite_url: str, team: Seeded) -> None:
    """The exported dashboard's first row says whose figures they are, as its key does."""
    from crm_tui.domain.reports.sheets import dashboard_sheets
    from crm_tui.screens.dashboard import DashboardScreen

    with in_language("ru"):
        app = create_app(workspace(sqlite_url, "smirnov"))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await opened(pilot, "K", DashboardScreen)
            assert screen.dashboard is not None
            rows = list(dashboard_sheets(screen.dashboard, "команда")[0].rows)
    assert rows[0][:2] == ["Чьи", "команда"]
