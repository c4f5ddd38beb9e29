"""The fast path of big imports: parsing in a second process, deferred search indexing, id runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

import crm_tui.importers.clients.parse_process as parse_process
from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.batches import undo_import
from crm_tui.importers.clients.parse_process import parsed_chunks
from crm_tui.importers.clients.rows import open_table
from crm_tui.importers.clients.service import import_clients
from crm_tui.importers.files.mapping import suggest_mapping
from crm_tui.storage.models import clients, import_changes
from tests.importers.files import write_big_xlsx, write_managers_xlsx
from tests.seed import Seeded


@pytest.fixture
def in_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file, however small, is parsed by the second process (all but its first two rows,
    which this process parses from the sheet it read for the header)."""
    monkeypatch.setattr(parse_process, "CHILD_MIN_BYTES", 0)
    monkeypatch.setattr(parse_process, "HEAD_ROWS", 2)


def _fields(row: object) -> tuple[object, ...]:
    names = ("source", "name", "legal_form", "inn", "kpp", "phones", "emails", "city", "contact_name",
             "owner", "next_action", "note", "deal_amount", "warnings", "rejection", "keys")  # fmt: skip
    return tuple(getattr(row, n) for n in names)


def _parse(path: Path) -> list[object]:
    table = open_table(path)
    columns = suggest_mapping(table.header.labels, {})
    return [row for chunk in parsed_chunks(path, table, columns, 3) for row in chunk]


def test_the_second_process_parses_exactly_as_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    here = _parse(path)
    monkeypatch.setattr(parse_process, "CHILD_MIN_BYTES", 0)
    monkeypatch.setattr(parse_process, "HEAD_ROWS", 2)
    there = _parse(path)
    assert [_fields(r) for r in there] == [_fields(r) for r in here]
    assert len(here) == 9  # rows 4-13 less the blank row 6; the totals row is not data
    rejected = [r for r in there if r.rejection]  # type: ignore[attr-defined]
    # Only a rejected row needs its original cells (for the error file); they come across.
    assert rejected and all(r.cells for r in rejected)  # type: ignore[attr-defined]


def test_an_import_through_the_second_process_loads_and_reports_the_same(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path, in_child: None
) -> None:
    ws = workspace_for("admin")
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert (summary.rows, summary.created, summary.enriched, summary.rejected) == (9, 6, 1, 1)
    assert summary.errors_file is not None
    sheet = load_workbook(summary.errors_file).active
    assert sheet is not None
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert any("позвонить позже" in row for row in rows)


def test_a_file_that_vanishes_before_the_second_process_reads_it_is_one_clear_error(
    tmp_path: Path, in_child: None
) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    table = open_table(path)
    columns = suggest_mapping(table.header.labels, {})
    path.unlink()
    with pytest.raises(ImportFileError) as caught:
        list(parsed_chunks(path, table, columns, 100))
    message = str(caught.value)
    assert message.startswith("petrov.xlsx") and "\n" not in message


def test_imported_clients_are_found_by_search_at_once(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    path = write_big_xlsx(tmp_path / "big.xlsx", 300)
    import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, chunk_rows=100))
    with ws.read() as session:
        by_name = client_page(session, ws.viewer, ClientFilter(query="компания 217"), limit=5)
        by_phone = client_page(session, ws.viewer, ClientFilter(query="8 915 000-02-17"), limit=5)
    assert [r.name for r in by_name.rows] == ["Компания 217"]
    assert [r.name for r in by_phone.rows] == ["Компания 217"]


def test_a_big_batch_logs_runs_of_ids_and_undo_still_takes_all_of_it_back(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    with ws.read() as session:
        before = session.scalar(select(func.count()).select_from(clients))
    path = write_big_xlsx(tmp_path / "big.xlsx", 300)
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, chunk_rows=100))
    assert summary.created == 300
    with ws.read() as session:
        logged = session.scalar(
            select(func.count()).where(
                import_changes.c.batch_id == summary.batch, import_changes.c.entity == "client"
            )
        )
    assert logged == 3  # one run per chunk
    assert summary.batch is not None
    report = undo_import(ws, summary.batch)
    assert report.clients_removed == 300 and not report.kept
    with ws.read() as session:
        assert session.scalar(select(func.count()).select_from(clients)) == before


def test_a_file_replaced_under_the_import_is_refused_by_the_second_process(
    tmp_path: Path, in_child: None
) -> None:
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    table = open_table(path)
    columns = suggest_mapping(table.header.labels, {})
    write_big_xlsx(path, 5)  # another header: the mapping chosen for the first is meaningless
    with pytest.raises(ImportFileError, match="changed while it was being imported") as caught:
        list(parsed_chunks(path, table, columns, 100))
    assert str(caught.value).startswith("petrov.xlsx")


def test_a_file_imported_before_is_not_parsed_again_until_its_batch_is_undone(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace_for("admin")
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    first = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert first.batch is not None

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was parsed again")

    with monkeypatch.context() as patched:
        patched.setattr("crm_tui.importers.clients.service.parsed_chunks", no_parsing)
        again = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert (again.created, again.enriched, again.rows, again.already_imported) == (0, 0, 9, 8)
    assert any(f"imported before by batch {first.batch}" in p for p in again.problem_texts())
    undo_import(ws, first.batch)
    third = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert third.created == first.created


def test_chunk_boundaries_do_not_change_the_summary(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """Petrov's workbook names one new client on two rows: split across chunks, the second row
    still makes no "enriched" client of the first one."""
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    whole = import_clients(workspace_for("admin"), [path], ImportOptions(errors_dir=tmp_path, dry_run=True))
    ws = workspace_for("admin")
    split = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, chunk_rows=2))
    counted = (split.created, split.enriched, split.unchanged)
    assert counted == (whole.created, whole.enriched, whole.unchanged)
    assert (split.created, split.enriched) == (6, 1)


def test_a_big_file_is_read_once_by_the_second_process(
    workspace_for: Callable[[str], Workspace],
    seeded: Seeded,
    tmp_path: Path,
    in_child: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The importing process takes the header from the parsing process and never reads the sheet
    itself (calamine holds a whole sheet in memory: a gigabyte at a million rows)."""

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("the importing process read the sheet")

    monkeypatch.setattr("crm_tui.importers.clients.service.open_table", not_here)
    ws = workspace_for("admin")
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert (summary.rows, summary.created, summary.enriched, summary.rejected) == (9, 6, 1, 1)


def test_a_big_file_the_second_process_refuses_is_refused_in_the_same_words(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path, in_child: None
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(";".join(["x"] * 1500) + "\n", encoding="ascii")
    with pytest.raises(ImportFileError) as here:
        open_table(path)
    with pytest.raises(ImportFileError) as there:
        import_clients(workspace_for("admin"), [path], ImportOptions(errors_dir=tmp_path))
    assert (
        str(there.value)
        == str(here.value)
        == "wide.csv: row 1 has 1500 columns, over the limit of 1000: refused"
    )
    assert there.value.reason == here.value.reason == "too_wide"


def test_a_bulk_import_leaves_the_search_trigger_as_it_was(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path, db_url: str
) -> None:
    """The import takes the search index's insert trigger off inside each chunk's transaction
    (SQLite): the base keeps it, and a client made by hand afterwards is found."""
    ws = workspace_for("admin")
    listed = text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    sqlite = db_url.startswith("sqlite")

    def triggers() -> list[tuple[str, str]]:
        with ws.read() as session:
            return [(str(name), str(sql)) for name, sql in session.execute(listed)] if sqlite else []

    before = triggers()
    big = write_big_xlsx(tmp_path / "big.xlsx", 30)
    import_clients(ws, [big], ImportOptions(errors_dir=tmp_path, chunk_rows=10))
    assert triggers() == before
    assert not sqlite or "client_search_insert" in dict(before)
    with ws.write() as session:
        made = create_client(session, ws.viewer, ClientDraft(name="Зюзинский трикотаж"), ws.now())
    with ws.read() as session:
        found = client_page(session, ws.viewer, ClientFilter(query="зюзинск"), limit=5)
    assert [r.id for r in found.rows] == [made]


def test_the_second_process_runs_this_code_whatever_folder_the_import_starts_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder named crm_tui where `crm import` is run (another checkout, a download) is not
    the code that parses: the child's path does not start with the working folder."""
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    here = _parse(path)
    impostor = tmp_path / "elsewhere" / "crm_tui"
    impostor.mkdir(parents=True)
    (impostor / "__init__.py").write_text("raise SystemExit('the wrong crm_tui')\n", encoding="utf-8")
    monkeypatch.chdir(impostor.parent)
    monkeypatch.setattr(parse_process, "CHILD_MIN_BYTES", 0)
    monkeypatch.setattr(parse_process, "HEAD_ROWS", 2)
    there = _parse(path)
    assert [_fields(r) for r in there] == [_fields(r) for r in here]
