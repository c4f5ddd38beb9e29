"""The import wizard as a person uses it: a messy manager's file in, mapped, previewed, imported
and undone, on the seeded SQLite workspace as Иванова."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func, select
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.imports.batches import ImportOptions, ImportSummary
from crm_tui.domain.workspace import Workspace, prepare_database
from crm_tui.importers.clients.file_memory import remembered_mapping
from crm_tui.jobs import ImporterJobs
from crm_tui.screens.desk import DeskScreen
from crm_tui.screens.dialogs.import_dialogs import FieldPickerScreen, UndoConfirmScreen
from crm_tui.screens.first_run import FirstRunScreen
from crm_tui.screens.import_wizard import ImportWizardScreen, path_from_input
from crm_tui.storage.models import client_sources, clients, import_batches
from crm_tui.widgets.mapping_table import MappingTable, field_choices
from crm_tui.widgets.preview_table import PreviewTable
from tests.app.support import notifications, settle, text_of, workspace
from tests.importers.files import write_managers_xlsx, write_png
from tests.seed import Seeded

SIZE = (120, 40)
SITE = 13  # the «Сайт» column: nothing matches it well, so it is skipped until someone maps it


def count_clients(ws: Workspace) -> int:
    with ws.read() as session:
        return session.scalar(select(func.count()).select_from(clients)) or 0


def wizard_of(app: CrmApp) -> ImportWizardScreen:
    screen = app.screen
    assert isinstance(screen, ImportWizardScreen), screen
    return screen


def cells(table: MappingTable | PreviewTable, key: str) -> list[str]:
    return [cell.plain for cell in table.get_row(key)]


async def open_file(pilot: Pilot[None], path: Path) -> ImportWizardScreen:
    """From the desk: `i`, the path, Enter; on a workbook of several sheets, Enter on the first."""
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    wizard = wizard_of(pilot.app)  # type: ignore[arg-type]
    assert wizard.step == "file" and isinstance(wizard.focused, Input)
    wizard.query_one("#file-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    if wizard.step == "sheet":
        await pilot.press("enter")
        await settle(pilot)
    return wizard


async def map_column(pilot: Pilot[None], row: int, field: str) -> None:
    """Move to column ``row`` of the mapping, press `e` and pick ``field``."""
    wizard = wizard_of(pilot.app)  # type: ignore[arg-type]
    wizard.query_one("#mapping", MappingTable).move_cursor(row=row)
    await pilot.press("e")
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, FieldPickerScreen)
    options = picker.query_one("#fields", OptionList)
    options.highlighted = options.get_option_index(field)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_messy_file_gets_a_suggested_mapping_with_samples(ws: Workspace, tmp_path: Path) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        wizard = wizard_of(app)
        wizard.query_one("#file-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert wizard.step == "sheet"  # two sheets: the person picks
        sheets = wizard.query_one("#sheets", OptionList)
        assert [str(sheets.get_option_at_index(i).prompt) for i in range(sheets.option_count)] == [
            "Клиенты",
            "Справочник",
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert wizard.step == "mapping" and wizard.data is not None
        assert (wizard.data.header_row, wizard.data.total_rows) == (3, 9)
        table = wizard.query_one("#mapping", MappingTable)
        assert cells(table, "1")[1:4] == ["Наименование", "name", "100%"]
        assert cells(table, "2")[4].startswith("7707083893 · 7736050003")  # sample values
        assert cells(table, str(SITE))[1:3] == ["Сайт", "— skipped"]
        note = text_of(wizard.query_one("#mapping-note", Static))
        assert "Header in row 3; 9 rows of data; 12 of 14 columns imported." in note
        assert wizard.sub_title == "petrov.xlsx · Клиенты"


async def test_change_a_field_preview_import_and_undo(ws: Workspace, team: Seeded, tmp_path: Path) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    before = count_clients(ws)
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, path)
        await map_column(pilot, SITE, "note")
        table = wizard.query_one("#mapping", MappingTable)
        assert cells(table, str(SITE))[2:4] == ["note", "your choice"]
        assert wizard.columns is not None and wizard.columns.columns[SITE].field == "note"

        await pilot.press("n")
        await settle(pilot)
        assert wizard.step == "preview"
        preview = wizard.query_one("#preview", PreviewTable)
        assert preview.row_count == 9
        assert cells(preview, "7")[-1] == "! 1 warn."  # 'bad@' is no e-mail
        assert cells(preview, "12")[-1] == "✗ rejected"  # a comment and nothing else
        assert cells(preview, "5")[1:4] == ["Лютик", "ООО", "7736050003"]
        problems = text_of(wizard.query_one("#problems", Static))
        assert "row 7: email (E-mail): 'bad@' is not an e-mail address" in problems
        assert "row 12: rejected: no name and no contact data" in problems
        dry = text_of(wizard.query_one("#dry-run", Static))
        assert wizard.dry is not None and "Dry run, all 9 rows: would create" in dry
        assert count_clients(ws) == before  # the dry run wrote nothing

        await pilot.press("r")
        await settle(pilot)
        assert wizard.step == "summary"
        summary = wizard.summary
        assert summary is not None and summary.batch is not None
        assert (summary.rows, summary.rejected) == (9, 1)
        assert (summary.created, summary.enriched) == (wizard.dry.created, wizard.dry.enriched)
        assert count_clients(ws) == before + summary.created
        with ws.read() as session:
            batch = session.execute(select(import_batches).where(import_batches.c.id == summary.batch)).one()
            touched = session.scalar(
                select(func.count(func.distinct(client_sources.c.client_id))).where(
                    client_sources.c.batch_id == summary.batch
                )
            )
            remembered = remembered_mapping(session, wizard.data.labels if wizard.data else ())
        assert (batch.created, batch.enriched, batch.rejected) == (summary.created, summary.enriched, 1)
        assert touched == summary.created + summary.enriched
        assert remembered["Сайт"] == "note"  # the person's choice is remembered for the next file
        assert summary.errors_file == str(tmp_path / "imports" / f"import-{summary.batch}-errors.xlsx")
        assert Path(summary.errors_file).is_file()
        report = text_of(wizard.query_one("#report", Static))
        assert f"Import batch {summary.batch}: petrov.xlsx, sheet «Клиенты»" in report
        shown = dict(re.findall(r"^(Created|Enriched|Rejected) +(\d+) ", report, re.MULTILINE))
        assert shown == {"Created": str(summary.created), "Enriched": str(summary.enriched), "Rejected": "1"}
        assert "import-1-errors.xlsx" in report

        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UndoConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert wizard.undo_report is not None
        assert wizard.undo_report.clients_removed == summary.created
        assert count_clients(ws) == before
        assert "undone" in text_of(wizard.query_one("#report", Static))
        assert not app.screen.check_action("undo", ())  # once is enough

        await pilot.press("escape")  # close: back on the desk, which reloads
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_a_broken_file_is_one_line_and_the_step_stays(ws: Workspace, tmp_path: Path) -> None:
    png = write_png(tmp_path / "clients.xlsx")
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, png)
        assert wizard.step == "file"
        status = text_of(wizard.query_one("#wizard-status", Static)).strip()
        assert status == "clients.xlsx: not a spreadsheet (a PNG image); expected .xlsx, .xls, .ods or .csv"
        wizard.query_one("#file-path", Input).value = str(tmp_path / "missing.xlsx")
        await pilot.press("enter")
        await settle(pilot)
        assert wizard.step == "file"
        assert text_of(wizard.query_one("#wizard-status", Static)).startswith("missing.xlsx: ")
        assert app.is_running


async def test_a_text_file_with_no_client_column_is_refused_in_one_line(
    ws: Workspace, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "Позвонить Иванову завтра\nКупить бумагу\nВстреча в 15:00 с ООО Ромашка\n", encoding="utf-8"
    )
    before = count_clients(ws)
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, notes)
        status = text_of(wizard.query_one("#wizard-status", Static)).strip()
        assert status == (
            "notes.txt, sheet 'notes': no column holds a client's name, INN, phone, e-mail or "
            "contact person, so there is nothing to import"
        )
        assert not wizard.check_action("preview", ())
        await pilot.press("n")
        await settle(pilot)
        assert wizard.step == "mapping"
        await map_column(pilot, 0, "name")  # the person says what the column is: then it may go on
        assert text_of(wizard.query_one("#wizard-status", Static)).strip() == ""
        assert wizard.check_action("preview", ())
    with ws.read() as session:
        assert session.scalar(select(func.count()).select_from(import_batches)) == 0
    assert count_clients(ws) == before


async def test_escape_goes_back_a_step_and_leaves_from_the_first(ws: Workspace, tmp_path: Path) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, path)
        await pilot.press("n")
        await settle(pilot)
        steps = [wizard.step]
        for _ in range(3):
            await pilot.press("escape")
            await settle(pilot)
            steps.append(wizard.step)
        assert steps == ["preview", "mapping", "sheet", "file"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_a_remembered_mapping_is_applied_first(ws: Workspace, tmp_path: Path) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, path)
        await map_column(pilot, SITE, "note")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        wizard = await open_file(pilot, path)
        table = wizard.query_one("#mapping", MappingTable)
        assert cells(table, str(SITE))[2:4] == ["note", "remembered"]
        assert cells(table, "1")[2:4] == ["name", "remembered"]


async def test_a_one_value_field_moves_to_the_column_chosen(ws: Workspace, tmp_path: Path) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, path)
        await map_column(pilot, 7, "name")  # «Контактное лицо» as the client's name
        assert wizard.columns is not None
        assert [c.header for c in wizard.columns.for_field("name")] == ["Контактное лицо"]
        table = wizard.query_one("#mapping", MappingTable)
        assert cells(table, "1")[2:4] == ["— skipped", "your choice"]


async def test_the_wizard_is_in_the_footer_once_and_holds_while_busy(ws: Workspace, tmp_path: Path) -> None:
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        desk_keys = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "import_clients" in desk_keys
        wizard = await open_file(pilot, write_managers_xlsx(tmp_path / "petrov.xlsx"))
        wizard_keys = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "import_clients" not in wizard_keys
        assert {"change_field", "preview", "back"} <= wizard_keys
        wizard.busy = True  # an import under way: the desk and the list must wait
        assert app.check_action("desk", ()) is None and app.check_action("clients", ()) is None
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is wizard
        wizard.busy = False
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


class LockedImport(ImporterJobs):
    """The app's own jobs, except that a real import finds the database locked."""

    def import_clients(
        self,
        ws: Workspace,
        files: Sequence[Path],
        options: ImportOptions,
        progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        if options.dry_run:
            return super().import_clients(ws, files, options)
        raise RuntimeError("database is locked")


async def test_a_failed_import_is_one_line_and_frees_the_wizard(ws: Workspace, tmp_path: Path) -> None:
    app = create_app(ws, data_dir=tmp_path, jobs=LockedImport())
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, write_managers_xlsx(tmp_path / "petrov.xlsx"))
        for key in ("n", "r"):
            await pilot.press(key)
            await settle(pilot)
        assert notifications(app) == ["unexpected error: RuntimeError: database is locked"]
        assert (wizard.step, wizard.busy, wizard.summary) == ("preview", False, None)
        assert app.check_action("desk", ())


async def test_the_first_run_page_offers_the_wizard_and_the_desk_follows(
    sqlite_url: str, tmp_path: Path
) -> None:
    prepare_database(sqlite_url)
    ws = workspace(sqlite_url, "root")
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert "press i (the import wizard)" in text_of(app.screen.query_one("#first-run-guide", Static))
        await open_file(pilot, write_managers_xlsx(tmp_path / "petrov.xlsx"))
        for key in ("n", "r", "escape"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, DeskScreen)  # clients arrived: the desk instead of the welcome


def test_a_typed_path_loses_its_quotes_and_expands_home() -> None:
    assert (
        path_from_input(' "~/Загрузки/клиенты петрова.xlsx" ')
        == Path.home() / "Загрузки/клиенты петрова.xlsx"
    )
    assert path_from_input("data/a.csv") == Path("data/a.csv")


async def test_the_picker_offers_the_portrait_and_the_import_fills_it(ws: Workspace, tmp_path: Path) -> None:
    """A column of the managers' file goes to a portrait field, chosen in the wizard (issue 21)."""
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    app = create_app(ws, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_file(pilot, path)
        await map_column(pilot, SITE, "portrait.market_segment")
        assert wizard.columns is not None
        assert [c.header for c in wizard.columns.for_field("portrait.market_segment")] == ["Сайт"]
        table = wizard.query_one("#mapping", MappingTable)
        assert cells(table, str(SITE))[2:4] == ["portrait: Market segment", "your choice"]
        picker_fields = [field for field, _ in field_choices(wizard.columns.portrait)]
        assert picker_fields[-5:] == [
            "portrait.headcount",
            "portrait.annual_turnover",
            "portrait.conflict_level",
            "portrait.market_segment",
            "ignore",
        ]


async def test_a_file_sent_to_the_upload_folder_is_opened_from_the_wizard_without_a_path(
    ws: Workspace, tmp_path: Path, monkeypatch: object
) -> None:
    """Over the README's SSH set-up a manager has no shell: the file comes by sftp into the
    upload folder and is chosen in the wizard's tree (Tab, down to it, Enter)."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    write_managers_xlsx(uploads / "petrov.xlsx")
    (uploads / "notes.pdf").write_bytes(b"%PDF")  # not a spreadsheet: not offered
    (uploads / ".petrov.xlsx.part").write_bytes(b"")  # an upload in progress: not offered
    monkeypatch.setenv("CRM_UPLOAD_DIR", str(uploads))
    app = create_app(ws, data_dir=tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        wizard = wizard_of(app)
        listed = wizard.query_one("#uploads", OptionList)
        await pilot.press("tab")
        await settle(pilot)
        assert wizard.focused is listed
        assert [str(listed.get_option_at_index(i).prompt).split()[0] for i in range(listed.option_count)] == [
            "petrov.xlsx"
        ]
        await pilot.press("enter")
        await settle(pilot)
        if wizard.step == "sheet":
            await pilot.press("enter")
            await settle(pilot)
        assert wizard.step == "mapping"
        assert wizard.query_one("#file-path", Input).value == str(uploads / "petrov.xlsx")
