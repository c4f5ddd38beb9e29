"""Keys a person may not use are not in their footer, and pressed anyway they say which right is
missing (the one capability table's refusal), never nothing: the walk-through pressed `,` on the
funnel as a head of sales and nothing happened."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy.engine import Engine

from crm_tui import screens
from crm_tui.app import create_app
from crm_tui.domain.access.capabilities import TABLE
from crm_tui.screens.base import APP_GATED, CrmScreen
from crm_tui.screens.clients import ClientsScreen
from crm_tui.screens.funnel import FunnelScreen
from crm_tui.screens.segments import SegmentsScreen
from tests.app.support import notifications, settle, workspace
from tests.seed import Seeded


def footer_actions(screen: CrmScreen) -> set[str]:
    return {item.binding.action for item in screen.active_bindings.values() if item.binding.show}


async def test_a_head_pressing_comma_on_the_funnel_is_told_who_configures_it(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen)
        assert "settings" not in footer_actions(funnel)
        await pilot.press("comma")
        await settle(pilot)
        assert app.screen is funnel
        assert "pipelines are configured by an admin" in notifications(app)


async def test_an_admin_sees_and_uses_the_same_key(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from crm_tui.screens.funnel_settings import FunnelSettingsScreen

    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, FunnelScreen) and "settings" in footer_actions(app.screen)
        await pilot.press("comma")
        await settle(pilot)
        assert isinstance(app.screen, FunnelSettingsScreen)


async def test_a_manager_is_told_why_on_the_clients_segments_and_duplicates_keys(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    app = create_app(workspace(sqlite_url, "ivanova"), start="clients")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clients = app.screen
        assert isinstance(clients, ClientsScreen) and "fields" not in footer_actions(clients)
        assert "app.duplicates" not in footer_actions(clients) and "duplicates" not in footer_actions(clients)
        await pilot.press("comma")
        await settle(pilot)
        assert app.screen is clients
        assert "the portrait's fields are set by an admin" in notifications(app)
        await pilot.press("D")
        await settle(pilot)
        assert app.screen is clients
        assert "duplicate review is for heads of sales, admins and ops" in notifications(app)
        await pilot.press("S")
        await settle(pilot)
        segments = app.screen
        assert isinstance(segments, SegmentsScreen)
        assert {"recompute", "import_orders", "assign"}.isdisjoint(footer_actions(segments))
        await pilot.press("r")
        await settle(pilot)
        assert "segments are recomputed by a head of sales, an admin or ops" in notifications(app)


def test_every_gated_key_is_a_bound_action_decided_by_the_table() -> None:
    """A gated action names a capability of the one table and an action the screen binds."""
    for module in pkgutil.walk_packages(screens.__path__, "crm_tui.screens."):
        importlib.import_module(module.name)
    gated: list[type[CrmScreen]] = []
    pending: list[type[CrmScreen]] = [CrmScreen]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.GATED:
            gated.append(cls)
    assert {cls.__name__ for cls in gated} >= {"ClientsScreen", "FunnelScreen", "SegmentsScreen"}
    for cls in gated:
        for action, capability in cls.GATED.items():
            assert capability in TABLE
            assert callable(getattr(cls, f"action_{action}"))
    assert all(capability in TABLE for capability in APP_GATED.values())
