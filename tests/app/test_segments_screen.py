"""The segments screen: counts and lists per segment, bulk actions, who may recompute."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from textual.widgets import DataTable, Static

from crm_tui.app import create_app
from crm_tui.domain.segments.recompute import recompute_segments
from crm_tui.screens.dialogs.handover import HandoverConfirm
from crm_tui.screens.dialogs.segments import AssignDialog, CallsDialog
from crm_tui.screens.segments import SegmentsScreen
from crm_tui.storage.models import DocumentKind, clients, tasks
from tests.app.support import notifications, settle, text_of, workspace
from tests.seed import Seeded
from tests.unit.test_segments import add_doc


def sales_history(engine: Engine, team: Seeded, url: str) -> None:
    """Теплодом and Зорин bought lately, АгроЛипецк long ago; the rest are warm by their deals."""
    add_doc(engine, team.clients["teplo"], DocumentKind.PAYMENT, days_ago=40, rubles=90_000)
    add_doc(engine, team.clients["teplo"], DocumentKind.PAYMENT, days_ago=8, rubles=120_000)
    add_doc(engine, team.clients["zorin"], DocumentKind.SALE, days_ago=3, rubles=15_000)
    add_doc(engine, team.clients["agro"], DocumentKind.SALE, days_ago=300, rubles=480_000)
    recompute_segments(workspace(url, "admin"))


async def open_segments(pilot: object) -> SegmentsScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("S")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, SegmentsScreen)
    return screen


def table_names(screen: SegmentsScreen) -> list[str]:
    table = screen.query_one("#segment-clients", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_a_head_walks_the_segments_and_plans_calls(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    sales_history(sqlite_engine, team, sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_segments(pilot)
        warm = ["АО Вектор Плюс", "ООО Аква-Сервис", "ООО Ромашка", "ООО СтройМонтаж"]
        assert sorted(table_names(screen)) == warm  # none bought: newest records first
        info = text_of(screen.query_one("#segment-info", Static))
        assert "interval 32 days (auto)" in info
        await pilot.press("2")
        await settle(pilot)
        assert table_names(screen) == [
            "ИП Зорин Алексей Викторович",
            "ООО Теплодом",
        ]  # a head sees the region
        await pilot.press("s")
        await settle(pilot)
        assert table_names(screen) == ["ООО Теплодом", "ИП Зорин Алексей Викторович"]  # by value
        await pilot.press("space", "space", "c")
        await settle(pilot)
        assert isinstance(app.screen, CallsDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert "2 calls planned" in notifications(app)
        with app.ws.read() as session:
            planned = session.scalars(
                select(tasks.c.client_id).where(
                    tasks.c.title == "Call", tasks.c.created_by_id == team.users["smirnov"]
                )
            ).all()
        assert sorted(planned) == sorted([team.clients["teplo"], team.clients["zorin"]])
        await pilot.press("3")
        await settle(pilot)
        assert table_names(screen) == []  # nobody in Москва is lost
        await pilot.press("2", "space")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog)
        await pilot.press("down", "enter")  # Иванова, Смирнов: the head takes Теплодом himself
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, HandoverConfirm)  # one Enter hands nobody over: it asks first
        asked = text_of(confirm.query_one("#handover-what", Static))
        assert asked.startswith("1 client, 1 open deal and 2 open tasks go to Смирнов Олег.")
        await pilot.press("y")
        await settle(pilot)

        def owner() -> int | None:
            with app.ws.read() as session:
                return session.scalar(select(clients.c.owner_id).where(clients.c.id == team.clients["teplo"]))

        assert owner() == team.users["smirnov"]
        shown = notifications(app)[-1]
        assert shown.startswith("Handed over to Смирнов Олег: 1 client") and shown.endswith("u undoes it.")
        assert screen.check_action("undo_handover", ())
        await pilot.press("u")  # changed their mind: no shell needed
        await settle(pilot)
        assert owner() == team.users["ivanova"]
        assert notifications(app)[-1].startswith("Handover 1 undone: 1 client")
        assert not screen.check_action("undo_handover", ())


async def test_a_handover_asked_about_and_refused_moves_nothing(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    sales_history(sqlite_engine, team, sqlite_url)
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_segments(pilot)
        await pilot.press("space", "a")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog), notifications(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HandoverConfirm), notifications(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and not screen.check_action("undo_handover", ())
        with app.ws.read() as session:
            mine = session.scalar(select(func.count()).where(clients.c.owner_id == team.users["smirnov"]))
        assert mine == 0


async def test_a_manager_sees_own_clients_and_cannot_recompute_or_give_away(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    sales_history(sqlite_engine, team, sqlite_url)
    app = create_app(workspace(sqlite_url, "petrov"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_segments(pilot)
        assert table_names(screen) == ["ПАО Липецкий металл"]
        await pilot.press("3")
        await settle(pilot)
        assert table_names(screen) == ["ООО АгроЛипецк"]
        enabled = {b.action for _, b, on, _ in screen.active_bindings.values() if on}
        assert "recompute" not in enabled and "assign" not in enabled
        await pilot.press("space")
        await settle(pilot)
        enabled = {b.action for _, b, on, _ in screen.active_bindings.values() if on}
        assert "calls" in enabled and "assign" not in enabled
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        with app.ws.read() as session:
            assert (
                session.scalar(select(clients.c.segment).where(clients.c.id == team.clients["agro"]))
                == "lost"
            )


async def test_without_sales_data_a_manager_sets_the_segment_on_the_card(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from crm_tui.screens.card.screen import ClientCardScreen
    from crm_tui.screens.dialogs.segments import SegmentPicker

    app = create_app(workspace(sqlite_url, "ivanova"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(app.ws, team.clients["teplo"]))
        await settle(pilot)
        card = app.screen
        assert "no segment" in text_of(card.query_one("#card-facts", Static))
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, SegmentPicker)
        await pilot.press("down", "enter")  # Loyal
        await settle(pilot)
        assert "Loyal (set by hand)" in text_of(card.query_one("#card-facts", Static))
        segment_panel = text_of(card.query_one("#segment", Static))
        assert "no segment → Loyal  (Иванова Светлана)" in segment_panel
        with app.ws.read() as session:
            row = session.execute(
                select(clients.c.segment, clients.c.segment_manual).where(
                    clients.c.id == team.clients["teplo"]
                )
            ).one()
        assert tuple(row) == ("loyal", True)


async def test_the_clients_list_filters_by_segment(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from textual.widgets import Select

    from crm_tui.widgets.client_table import ClientTable

    sales_history(sqlite_engine, team, sqlite_url)
    app = create_app(workspace(sqlite_url, "ivanova"), start="clients")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#clients", ClientTable)
        assert table.row_count == 6
        await pilot.press("g")
        await settle(pilot)
        app.screen.query_one("#segment", Select).value = "loyal"
        await settle(pilot)
        assert sorted(str(table.get_row_at(i)[0]) for i in range(table.row_count)) == [
            "Зорин Алексей Викторович",
            "Теплодом",
        ]


async def test_the_sales_history_from_the_import_wizard(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded, tmp_path: object
) -> None:
    from pathlib import Path

    from textual.widgets import Input

    from crm_tui.screens.orders_import import OrdersImportScreen
    from tests.importers.order_files import write_invoices_xlsx
    from tests.seed import FROZEN_NOW

    assert isinstance(tmp_path, Path)
    path = write_invoices_xlsx(tmp_path / "Счета.xlsx", FROZEN_NOW.date())
    app = create_app(workspace(sqlite_url, "smirnov"), data_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#file-path", Input).value = str(path)
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrdersImportScreen)
        await pilot.press("enter")
        await settle(pilot)
        report = text_of(screen.query_one("#orders-report", Static))
        assert "8 rows, 6 documents: would create 6" in report
        assert "No client matched (kept): 1 · rejected rows: 2" in report
        assert "deals the documents would move: 1" in report  # Теплодом's new deal, by its amount
        await pilot.press("r")
        await settle(pilot)
        report = text_of(screen.query_one("#orders-report", Static))
        assert "created 6" in report and "Segments now: Warm" in report
        assert "deals the documents moved: 1" in report
        assert f"deal {team.deals['d_new_teplo']} «" in report and "invoice ТД00-000101 of" in report
        await pilot.press("u")
        await settle(pilot)
        assert any("6 documents removed" in n for n in notifications(app))


async def test_a_head_hands_a_client_over_from_its_card(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from crm_tui.screens.card.screen import ClientCardScreen

    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(app.ws, team.clients["teplo"]))
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog)
        await pilot.press("down", "enter")  # Иванова, Смирнов
        await settle(pilot)
        assert isinstance(app.screen, HandoverConfirm)
        await pilot.press("y")
        await settle(pilot)
        assert notifications(app)[-1] == (
            "Handed over to Смирнов Олег: 1 client, 1 open deal and 1 open task. U undoes it."
        )
        with app.ws.read() as session:
            owner = session.scalar(select(clients.c.owner_id).where(clients.c.id == team.clients["teplo"]))
        assert owner == team.users["smirnov"]
        card = app.screen
        assert "owner Смирнов Олег" in text_of(card.query_one("#card-facts", Static))
        await pilot.press("U")
        await settle(pilot)
        assert notifications(app)[-1].startswith("Handover 1 undone: 1 client, 1 open deal and 1 open task")
        assert "owner Иванова Светлана" in text_of(card.query_one("#card-facts", Static))


async def test_the_missing_walk_fills_the_portrait_from_the_card(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from textual.widgets import Input

    from crm_tui.screens.card.screen import ClientCardScreen
    from crm_tui.screens.dialogs.portrait import PortraitDialog

    app = create_app(workspace(sqlite_url, "petrov"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ClientCardScreen(app.ws, team.clients["agro"]))
        await settle(pilot)
        card = app.screen
        assert "portrait 60%" in text_of(card.query_one("#card-facts", Static))
        assert "missing: Headcount, Market segment (w)" in text_of(card.query_one("#portrait", Static))
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PortraitDialog)
        assert app.focused is dialog.query_one("#portrait-headcount", Input)
        await pilot.press("1", "2", "0", "enter", "enter", "enter")  # headcount, then past turnover, conflict
        await pilot.press(*"wholesale", "enter")  # the last field saves
        await settle(pilot)
        assert "Portrait saved." in notifications(app)
        assert "portrait 100%" in text_of(card.query_one("#card-facts", Static))
        assert "Headcount: 120" in text_of(card.query_one("#portrait", Static))
        changes = text_of(card.query_one("#changes", Static))
        assert "petrov: client portrait (headcount: — → 120; market_segment: — → wholesale)" in changes
        await pilot.press("w")
        await settle(pilot)
        assert "Nothing is missing." in notifications(app)
