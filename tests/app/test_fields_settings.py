"""Portrait settings on screen: an admin adds, requires and retires fields; managers cannot."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from crm_tui.app import create_app
from crm_tui.domain.portrait.fields import portrait_fields
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.fields_settings import FieldDialog, FieldsSettingsScreen
from tests.app.support import notifications, opened, settle, text_of, workspace
from tests.seed import Seeded

SIZE = (120, 40)


def fields_of(ws: Workspace) -> dict[str, bool]:
    with ws.read() as session:
        return {f.key: f.required for f in portrait_fields(session)}


async def test_an_admin_adds_requires_and_retires_a_field(sqlite_url: str, team: Seeded) -> None:
    admin = workspace(sqlite_url, "admin")
    app = create_app(admin, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot, "comma", FieldsSettingsScreen)
        assert screen.query_one("#fields", DataTable).row_count == 4  # the shipped defaults
        assert "a phone" in text_of(screen.query_one("#fields-contacts", Static))
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, FieldDialog)
        dialog.query_one("#field-label", Input).value = "Парк техники"
        dialog.query_one("#field-key", Input).value = "fleet_size"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and fields_of(admin)["fleet_size"] is False
        table = screen.query_one("#fields", DataTable)
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("r")
        await settle(pilot)
        assert fields_of(admin)["fleet_size"] is True
        await pilot.press("x")
        await settle(pilot)
        assert "fleet_size" not in fields_of(admin)
        assert "fleet_size retired" in notifications(app)[-1]


async def test_a_manager_has_no_fields_key(ws: Workspace) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert not isinstance(app.screen, FieldsSettingsScreen)
