"""The export key (e) of every report screen: the figures shown, in a workbook in the data
folder's exports/ named after the report and the day, headers in the interface's language,
numbers as numbers, and a notification naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from textual.pilot import Pilot

from crm_tui.app import create_app
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import open_workspace
from crm_tui.screens.dashboard import DashboardScreen
from crm_tui.screens.dashboard_drill import DrillScreen
from crm_tui.screens.funnel import FunnelScreen
from crm_tui.screens.lead_report import LeadReportScreen
from crm_tui.widgets.figure_tile import FigureTile
from tests.app.support import in_language, notifications, opened, settle, workspace
from tests.app.test_inbox import requests
from tests.seed import FROZEN_NOW, MOSCOW, Seeded


def sheets_of(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


async def exported(pilot: Pilot[None], folder: Path) -> Path:
    """Press e, wait for the writer; the one new file, named in the notification."""
    before = set((folder / "exports").glob("*.xlsx"))
    await pilot.press("e")
    await settle(pilot)
    made = set((folder / "exports").glob("*.xlsx")) - before
    assert len(made) == 1, made
    path = made.pop()
    assert any(str(path) in said for said in notifications(pilot.app))
    return path


async def test_the_dashboard_and_its_records_export(sqlite_url: str, team: Seeded, tmp_path: Path) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"), data_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        assert screen.dashboard is not None
        d = screen.dashboard
        path = await exported(pilot, tmp_path)
        assert path.name.startswith("dashboard-2026-") and path.suffix == ".xlsx"
        book = sheets_of(path)
        figures = {row[0]: row[1:] for row in book["Dashboard"][1:]}
        assert book["Dashboard"][0] == ("Figure", "Number", "Amount", "Share")
        assert figures["Overdue tasks"][0] == d.overdue_tasks == 2
        assert figures["Clients without a touch for 30 days"][0] == 2
        assert figures["Plan"][1] == d.plan / 100 and isinstance(figures["Plan"][1], float | int)
        assert figures["Deals won"][2] == d.conversion
        assert figures["Awaiting payment"][:2] == (d.awaiting.deals, d.awaiting.amount / 100)
        assert figures["New requests this month"][0] == d.new_requests
        managers = book["Plan - fact by manager"]
        assert any(row[0] == "Иванова Светлана" for row in managers[1:])
        assert len(book["Calls per day"]) == 1 + len(d.calls_by_day)
        # the same day again: a new file beside the first, never over it
        second = await exported(pilot, tmp_path)
        assert second.name == path.stem + "-2.xlsx"

        screen.query_one("#dash-overdue", FigureTile).focus()
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        listed = sheets_of(await exported(pilot, tmp_path))
        (rows,) = listed.values()
        assert rows[0] == ("When", "Client", "Whose", "What", "Amount")
        assert [row[1] for row in rows[1:]] == ["СтройМонтаж", "Ромашка"]
        assert all(row[0] is not None and row[0].year == 2026 for row in rows[1:])  # dates, not text


async def test_the_lead_analysis_exports_in_russian(sqlite_url: str, team: Seeded, tmp_path: Path) -> None:

    requests(sqlite_url)
    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head, data_dir=tmp_path)
    with in_language("ru"):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("I", "R")
            await settle(pilot)
            assert isinstance(app.screen, LeadReportScreen)
            path = await exported(pilot, tmp_path)
            assert path.name == f"leads-source-{FROZEN_NOW.astimezone(MOSCOW).date().isoformat()}.xlsx"
            (rows,) = sheets_of(path).values()
    assert rows[0][:3] == ("Группа", "Обращения", "Новые")
    assert rows[1][0] == "команда" and rows[1][1] == 3


async def test_the_funnels_report_view_exports(sqlite_url: str, team: Seeded, tmp_path: Path) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"), data_dir=tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await opened(pilot, "F", FunnelScreen)
        await pilot.press("e")  # on the board: no export
        await settle(pilot)
        assert not (tmp_path / "exports").exists()
        await pilot.press("v")
        await settle(pilot)
        book = sheets_of(await exported(pilot, tmp_path))
    stages, reasons, forecast = book.values()
    assert stages[0] == ("Stage", "Now", "Amount", "Reached", "To next", "Median days")
    assert shown_report_totals(screen) == sum(row[1] for row in stages[1:])
    assert reasons[0] == ("Reason", "Deals", "Amount")
    assert forecast[0][:2] == ("Close month", "Manager")
    assert all(isinstance(row[4], float | int) for row in forecast[1:])


def shown_report_totals(screen: FunnelScreen) -> int:
    assert screen.shown_report is not None
    return sum(s.deals for s in screen.shown_report[0].stages)


async def test_shift_e_exports_the_same_figures_as_a_csv(
    sqlite_url: str, team: Seeded, tmp_path: Path
) -> None:
    """E beside e: the dashboard's parts in one CSV a Russian Excel opens (BOM, semicolons,
    decimal commas), each part under its title; the records behind a figure likewise."""
    import csv

    app = create_app(workspace(sqlite_url, "smirnov"), data_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, "K", DashboardScreen)
        assert screen.dashboard is not None
        d = screen.dashboard
        await pilot.press("E")
        await settle(pilot)
        [path] = (tmp_path / "exports").glob("*.csv")
        assert path.name.startswith("dashboard-2026-")
        assert any(str(path) in said for said in notifications(app))
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        with path.open(encoding="utf-8-sig", newline="") as f:
            lines = list(csv.reader(f, delimiter=";"))
        assert lines[0] == ["Dashboard"] and lines[1] == ["Figure", "Number", "Amount", "Share"]
        figures = {line[0]: line[1:] for line in lines[2:] if line}
        assert figures["Overdue tasks"][0] == str(d.overdue_tasks)
        assert figures["Plan"][1] == f"{d.plan / 100:.2f}".replace(".", ",")
        assert ["Plan / fact by manager"] in lines and ["Calls per day"] in lines
