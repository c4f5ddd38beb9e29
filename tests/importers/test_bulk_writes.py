"""Chunks written as bulk loads: SQLite's per-row foreign key lookups are off while a chunk is
written, so the import itself must leave no row pointing nowhere, must refuse to commit when
something it points to was removed under it, and must hand ordinary writes their checks back."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

import crm_tui.importers.clients.parse_process as parse_process
from crm_tui.domain.deals.pipelines import ensure_default_pipeline
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.batches import undo_import
from crm_tui.importers.clients.chunk_writes import LoadContext
from crm_tui.importers.clients.loader import write_chunk
from crm_tui.importers.clients.owners import OwnerResolver
from crm_tui.importers.clients.parse_process import ParsingProcess
from crm_tui.importers.clients.rows import RowParser, open_table
from crm_tui.importers.clients.service import import_clients
from crm_tui.importers.files.mapping import suggest_mapping
from crm_tui.storage.errors import DatabaseUnavailable
from crm_tui.storage.models import clients, contacts, import_batches, stages
from tests.importers.files import (
    write_big_xlsx,
    write_cp1251_csv,
    write_managers_xlsx,
    write_utf8_bom_csv,
)
from tests.seed import Seeded


def dangling(ws: Workspace) -> list[tuple[object, ...]]:
    with ws.read() as session:
        return [tuple(r) for r in session.execute(text("PRAGMA foreign_key_check"))]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_imports_enrichment_and_undo_leave_no_row_pointing_nowhere(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    files = [
        write_managers_xlsx(tmp_path / "petrov.xlsx"),
        write_cp1251_csv(tmp_path / "1c.csv"),
        write_utf8_bom_csv(tmp_path / "web.csv"),
    ]
    first = import_clients(ws, files[:1], ImportOptions(errors_dir=tmp_path, chunk_rows=3))
    second = import_clients(ws, files[1:], ImportOptions(errors_dir=tmp_path, chunk_rows=3))
    assert second.enriched > 0 and first.created > 0
    assert dangling(ws) == []
    assert first.batch is not None
    undo_import(ws, first.batch)
    assert dangling(ws) == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_after_an_import_an_ordinary_write_is_checked_again(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    import_clients(ws, [write_managers_xlsx(tmp_path / "petrov.xlsx")], ImportOptions(errors_dir=tmp_path))
    with ws.write() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 1000
    with pytest.raises(DatabaseUnavailable, match="FOREIGN KEY constraint failed"), ws.write() as session:
        session.execute(insert(contacts).values(client_id=987654, full_name="Никто", created_at=ws.now()))


def test_a_chunk_pointing_to_a_removed_stage_is_refused_with_nothing_written(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """An admin removed the stage new deals go to after the import looked it up. On PostgreSQL
    too: its bulk chunk goes without the server's per-row lookups where the role allows it."""
    ws = workspace_for("admin")
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    table = open_table(path)
    columns = suggest_mapping(table.header.labels, {})
    rows = [
        r
        for r in RowParser(table.file, table.sheet, table.header.labels, columns).parse_iter(table.rows)
        if r.ok
    ]
    assert any(r.next_action for r in rows)  # some rows make deals
    with ws.read() as session:
        before = session.scalar(select(func.count()).select_from(clients))
        owners = OwnerResolver.load(session, ws.viewer.user_id)
        pipeline_id = ensure_default_pipeline(session)
        missing_stage = (session.scalar(select(func.max(stages.c.id))) or 0) + 1
    with ws.write() as session:
        batch = session.execute(
            insert(import_batches)
            .values(kind="clients", user_id=ws.viewer.user_id, started_at=ws.now(), files=[])
            .returning(import_batches.c.id)
        ).scalar_one()
    ctx = LoadContext(batch, ws.viewer.user_id, ws.now(), ws.tz, "petrov.xlsx", "0" * 64, pipeline_id,
                      missing_stage, owners)  # fmt: skip
    with pytest.raises(ImportFileError) as caught, ws.write(bulk=True) as session:
        write_chunk(session, ctx, rows)
    assert caught.value.reason == "base_changed"
    assert str(caught.value).startswith("petrov.xlsx: ") and f"stage {missing_stage}" in str(caught.value)
    with ws.read() as session:
        assert session.scalar(select(func.count()).select_from(clients)) == before


def test_a_child_started_ahead_parses_as_this_process_does_and_ends_when_not_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_process, "CHILD_MIN_BYTES", 0)
    monkeypatch.setattr(parse_process, "HEAD_ROWS", 7)  # this process parses 7, the child 43
    path = write_big_xlsx(tmp_path / "big.xlsx", 50)
    child = ParsingProcess.start(path, None)
    assert child is not None
    table = open_table(path)
    columns = suggest_mapping(table.header.labels, {})
    there = [r for chunk in child.chunks(table, columns, 20) for r in chunk]
    here = list(
        RowParser(table.file, table.sheet, table.header.labels, columns).parse_iter(open_table(path).rows)
    )
    assert [(r.source.row, r.name, r.phones, r.keys) for r in there] == [
        (r.source.row, r.name, r.phones, r.keys) for r in here
    ]
    # An import that fails on another file before this one's turn ends the child it started.
    started = ParsingProcess.start(path, None)
    assert started is not None
    with started as idle:
        pid = idle.pid
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie would still answer; the parent waited for it, so it is gone.
    return True


class _Crash:
    """Unpickled by the child in place of its job: it dies the way a crash does, a traceback's
    last line on stderr and a non-zero exit."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        dies = "import sys; sys.stderr.write('Traceback ...\\nMemoryError: out of memory\\n'); sys.exit(1)"
        return exec, (dies,)


def test_a_parsing_process_that_dies_says_why_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_process, "CHILD_MIN_BYTES", 0)
    monkeypatch.setattr(parse_process, "_Job", lambda *args, **kwargs: _Crash())
    path = write_big_xlsx(tmp_path / "big.xlsx", 50)
    table = open_table(path)
    columns = suggest_mapping(table.header.labels, {})
    child = ParsingProcess.start(path, None)
    assert child is not None
    with pytest.raises(ImportFileError) as caught:
        for _chunk in child.chunks(table, columns, 20):
            pass
    assert str(caught.value) == (
        "big.xlsx: the parsing process stopped (exit code 1): MemoryError: out of memory"
    )
    assert not _alive(child.pid)
