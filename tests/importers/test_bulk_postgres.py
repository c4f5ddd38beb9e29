"""The client import on PostgreSQL writes its chunks without the server's per-row foreign key
lookups (``session_replication_role``, where the role may), as SQLite's bulk chunks do: the
same file must give the same rows on both, a chunk pointing at something removed must be
refused (``test_bulk_writes``; here a portrait field), and ordinary writes afterwards are
checked as always."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

import crm_tui.importers.clients.parse_process as parse_process
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.deals.pipelines import ensure_default_pipeline
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.importers.batches import undo_import
from crm_tui.importers.clients.chunk_writes import LoadContext
from crm_tui.importers.clients.loader import write_chunk
from crm_tui.importers.clients.owners import OwnerResolver
from crm_tui.importers.clients.rows import RowParser, open_table
from crm_tui.importers.clients.service import import_clients
from crm_tui.importers.files.mapping import suggest_mapping
from crm_tui.storage.database import _bulk_transaction, write_session
from crm_tui.storage.errors import DatabaseUnavailable
from crm_tui.storage.models import contacts, field_defs, import_batches, stages
from tests.importers.files import write_big_xlsx, write_cp1251_csv, write_managers_xlsx, write_utf8_bom_csv
from tests.seed import FROZEN_NOW, MOSCOW, seed_team

# Everything an import writes, by names rather than ids (the two bases number rows apart).
SNAPSHOT = {
    "clients": "SELECT c.kind, c.name, c.legal_form, c.inn, c.kpp, c.ogrn, c.city, c.region, "
    "u.login, c.status, c.name_key, c.search_text, c.version FROM clients c "
    "LEFT JOIN users u ON u.id = c.owner_id",
    "channels": "SELECT c.name, ch.kind, ch.value, ch.raw, ch.extension, p.full_name "
    "FROM contact_channels ch JOIN clients c ON c.id = ch.client_id "
    "LEFT JOIN contacts p ON p.id = ch.contact_id",
    "contacts": "SELECT c.name, p.full_name, p.position FROM contacts p JOIN clients c ON c.id = p.client_id",
    "deals": "SELECT c.name, d.title, d.title_key, d.amount, d.status, u.login, s.name "
    "FROM deals d JOIN clients c ON c.id = d.client_id JOIN users u ON u.id = d.owner_id "
    "JOIN stages s ON s.id = d.stage_id",
    "tasks": "SELECT c.name, t.title, t.kind, t.status, u.login, d.title FROM tasks t "
    "JOIN clients c ON c.id = t.client_id JOIN users u ON u.id = t.assignee_id "
    "LEFT JOIN deals d ON d.id = t.deal_id",
    "notes": "SELECT c.name, i.kind, i.summary FROM interactions i JOIN clients c ON c.id = i.client_id "
    "WHERE i.kind = 'note'",
    "sources": "SELECT c.name, s.file, s.sheet, s.row FROM client_sources s "
    "JOIN clients c ON c.id = s.client_id",
    "changes": "SELECT entity, action, field, before, after FROM import_changes WHERE action <> 'create'",
}


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(text(query))), key=repr)
            for name, query in SNAPSHOT.items()
        }


def _import_everything(ws: Workspace, tmp_path: Path) -> tuple[int, dict[str, tuple[int, int, int]]]:
    """A big file (parsed by the child process), then files that enrich what it made."""
    big = import_clients(
        ws, [write_big_xlsx(tmp_path / "big.xlsx", 300)], ImportOptions(errors_dir=tmp_path, chunk_rows=70)
    )
    first = import_clients(
        ws, [write_managers_xlsx(tmp_path / "petrov.xlsx")], ImportOptions(errors_dir=tmp_path, chunk_rows=3)
    )
    second = import_clients(
        ws,
        [write_cp1251_csv(tmp_path / "1c.csv"), write_utf8_bom_csv(tmp_path / "web.csv")],
        ImportOptions(errors_dir=tmp_path, chunk_rows=3),
    )
    assert big.created == 300 and first.created > 0 and second.enriched > 0
    assert first.batch is not None
    counts = {
        "created": (big.created, first.created, second.created),
        "enriched": (big.enriched, first.enriched, second.enriched),
        "rejected": (big.rejected, first.rejected, second.rejected),
        "conflicts": (big.conflicts, first.conflicts, second.conflicts),
    }
    return first.batch, counts


@pytest.mark.postgres
def test_a_file_imports_into_postgresql_as_into_sqlite_and_undoes_alike(
    sqlite_url: str,
    postgres_url: str,
    prepared: Callable[[str], Engine],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parse_process, "CHILD_MIN_BYTES", 0)
    seen = {}
    for name, url in (("sqlite", sqlite_url), ("postgres", postgres_url)):
        engine = prepared(url)
        seed_team(engine)
        ws = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
        folder = tmp_path / name
        folder.mkdir()
        batch, counts = _import_everything(ws, folder)
        imported = snapshot(engine)
        undo_import(ws, batch)
        seen[name] = (counts, imported, snapshot(engine))
    assert seen["postgres"][0] == seen["sqlite"][0]
    for table in SNAPSHOT:
        assert seen["postgres"][1][table] == seen["sqlite"][1][table], table
        assert seen["postgres"][2][table] == seen["sqlite"][2][table], table
    assert len(seen["postgres"][1]["clients"]) > 300


def _chunk_rows(path: Path) -> list[ParsedRow]:
    table = open_table(path)
    columns = suggest_mapping(table.header.labels, {})
    return [
        r
        for r in RowParser(table.file, table.sheet, table.header.labels, columns).parse_iter(table.rows)
        if r.ok
    ]


def _context(ws: Workspace, portrait_ids: dict[str, int]) -> LoadContext:
    with ws.read() as session:
        owners = OwnerResolver.load(session, ws.viewer.user_id)
        pipeline_id = ensure_default_pipeline(session)
        first_stage = session.scalar(select(func.min(stages.c.id)).where(stages.c.pipeline_id == pipeline_id))
    with ws.write() as session:
        batch = session.execute(
            insert(import_batches)
            .values(kind="clients", user_id=ws.viewer.user_id, started_at=ws.now(), files=[])
            .returning(import_batches.c.id)
        ).scalar_one()
    return LoadContext(
        batch, ws.viewer.user_id, ws.now(), ws.tz, "petrov.xlsx", "0" * 64, pipeline_id,
        int(first_stage or 0), owners, portrait_ids,
    )  # fmt: skip


def test_a_chunk_filling_a_removed_portrait_field_is_refused(
    workspace_for: Callable[[str], Workspace], tmp_path: Path
) -> None:
    """A portrait field removed while the file was imported: the chunk's values for it would
    have pointed nowhere (SQLite's bulk chunk wrote them without a word)."""
    ws = workspace_for("admin")
    rows = _chunk_rows(write_managers_xlsx(tmp_path / "petrov.xlsx"))
    with ws.read() as session:
        gone = (session.scalar(select(func.max(field_defs.c.id))) or 0) + 1
    ctx = _context(ws, {"gone": gone})
    for row in rows:
        row.portrait = (("gone", "x"),)
    with pytest.raises(ImportFileError) as caught, ws.write(bulk=True) as session:
        write_chunk(session, ctx, rows)
    assert caught.value.reason == "base_changed"
    assert "a portrait field the rows fill" in str(caught.value)


def test_after_a_bulk_chunk_an_ordinary_write_is_checked_again(
    workspace_for: Callable[[str], Workspace], tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    import_clients(ws, [write_managers_xlsx(tmp_path / "petrov.xlsx")], ImportOptions(errors_dir=tmp_path))
    with pytest.raises(DatabaseUnavailable), ws.write() as session:
        session.execute(insert(contacts).values(client_id=987654, full_name="Никто", created_at=ws.now()))


@pytest.mark.postgres
def test_a_role_that_may_not_skip_the_lookups_writes_with_them(postgres_url: str) -> None:
    """Not a superuser, not granted ``SET`` on ``session_replication_role``: the chunk writes as
    any transaction does, the server checking every row (and the import still works)."""
    engine = create_engine(postgres_url, poolclass=NullPool)
    role = f"crm_plain_{uuid.uuid4().hex[:12]}"
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} NOSUPERUSER")
        conn.commit()
        try:
            with conn.begin():
                conn.exec_driver_sql(f"SET LOCAL ROLE {role}")
                _bulk_transaction(conn)
                assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"
                assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
            conn.info.clear()  # what the check found is remembered per connection
            with conn.begin():
                _bulk_transaction(conn)
                assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "replica"
            assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"DROP ROLE {role}")
            conn.commit()
    engine.dispose()


@pytest.mark.postgres
def test_a_bulk_chunk_commits_without_waiting_for_the_disk_and_others_still_wait(
    postgres_url: str, prepared: Callable[[str], Engine]
) -> None:
    """The chunk's transaction alone: ``synchronous_commit`` off and no row triggers, set in it
    and gone with it; an ordinary write (the batch's closing one) waits for the disk as always."""
    engine = prepared(postgres_url)
    shown = text("SELECT current_setting('synchronous_commit'), current_setting('session_replication_role')")
    with write_session(engine, bulk=True) as session:
        assert tuple(session.execute(shown).one()) == ("off", "replica")
        session.execute(insert(import_batches).values(kind="clients", started_at=FROZEN_NOW, files=[]))
    with write_session(engine) as session:
        assert tuple(session.execute(shown).one()) == ("on", "origin")
        assert session.scalar(select(func.count()).select_from(import_batches)) == 1
