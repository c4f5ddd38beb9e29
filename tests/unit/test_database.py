"""SQLite is set up for a team: WAL, foreign keys, busy timeout, writers that queue."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from crm_tui.domain.workspace import prepare_database
from crm_tui.storage.database import parse_database_url, read_core, read_session, write_core, write_session
from crm_tui.storage.errors import BadDatabaseURL, DatabaseUnavailable
from crm_tui.storage.records import Contact


def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = prepare_database(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000


def test_foreign_keys_are_enforced(sqlite_url: str) -> None:
    from datetime import UTC, datetime

    engine = prepare_database(sqlite_url)
    with pytest.raises(IntegrityError), write_session(engine) as session:
        session.add(Contact(client_id=424242, full_name="Никто", created_at=datetime.now(UTC)))


@pytest.mark.parametrize("scope", [write_session, write_core], ids=["orm", "core"])
def test_write_session_takes_the_write_lock_at_begin(sqlite_url: str, scope: Any) -> None:
    """BEGIN IMMEDIATE: a second writer is blocked at once, not at its first UPDATE; the same
    without the ORM (``write_core``, the commands that start fast)."""
    engine = prepare_database(sqlite_url)
    path = engine.url.database
    assert path is not None
    with scope(engine) as session:
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


@pytest.mark.parametrize("scope", [read_session, read_core], ids=["orm", "core"])
def test_read_session_does_not_block_writers(sqlite_url: str, scope: Any) -> None:
    engine = prepare_database(sqlite_url)
    path = engine.url.database
    assert path is not None
    with scope(engine) as session:
        session.execute(text("SELECT count(*) FROM clients"))
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()


def test_a_core_write_is_committed_when_it_ends_and_rolled_back_when_it_fails(sqlite_url: str) -> None:
    engine = prepare_database(sqlite_url)
    insert = text("INSERT INTO pipelines (name, position, is_default) VALUES (:n, 0, 0)")
    with write_core(engine) as unit:
        unit.execute(insert, {"n": "kept"})
    with pytest.raises(RuntimeError), write_core(engine) as unit:
        unit.execute(insert, {"n": "dropped"})
        raise RuntimeError
    with read_core(engine) as unit:
        unit.execute(insert, {"n": "read only"})  # a read's transaction is rolled back
    with read_core(engine) as unit:
        names = set(unit.scalars(text("SELECT name FROM pipelines")))
    assert "kept" in names and not {"dropped", "read only"} & names


def test_concurrent_writers_queue_instead_of_failing(sqlite_url: str) -> None:
    engine = prepare_database(sqlite_url)
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                with write_session(engine) as session:
                    value = session.execute(text("SELECT count(*) FROM pipelines")).scalar_one()
                    time.sleep(0.001)
                    session.execute(
                        text("INSERT INTO pipelines (name, position, is_default) VALUES (:n, 0, 0)"),
                        {"n": f"p{threading.get_ident()}-{value}-{time.perf_counter_ns()}"},
                    )
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read_session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM pipelines")).scalar_one() == 1 + 80


def test_a_path_becomes_an_absolute_sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = parse_database_url("team.db")
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(tmp_path / "team.db")


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert parse_database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_database_url("postgres://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "://nothing", "  "])
def test_bad_urls_are_refused_in_one_line(bad: str) -> None:
    with pytest.raises(BadDatabaseURL) as info:
        parse_database_url(bad)
    assert "\n" not in str(info.value)


def test_a_database_where_no_folder_can_be_made_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    with pytest.raises(DatabaseUnavailable, match="cannot create the folder") as info:
        prepare_database(str(blocker / "crm.db"))
    assert "\n" not in str(info.value)


def test_a_read_only_database_fails_its_first_write_in_one_line(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from crm_tui.domain.access.users import add_user
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.database import dispose_engines
    from crm_tui.storage.models import Role

    path = tmp_path / "crm.db"
    open_workspace(str(path), "root")
    dispose_engines()
    ws = open_workspace(f"sqlite:///file:{path}?mode=ro&uri=true", "root")
    with pytest.raises(DatabaseUnavailable, match="readonly") as info, ws.write() as session:
        add_user(
            session,
            login="x",
            full_name="X",
            role=Role.MANAGER,
            region=None,
            now=datetime.now(UTC),
            by_user_id=None,
        )
    assert "\n" not in str(info.value)


def test_a_new_database_and_its_wal_are_not_readable_by_other_users(tmp_path: Path) -> None:
    import stat

    from crm_tui.storage.database import get_engine as engine_for

    path = tmp_path / "team" / "crm.db"
    old = os.umask(0o022)
    try:
        prepare_database(str(path))
    finally:
        os.umask(old)
    for name in ("crm.db", "crm.db-wal", "crm.db-shm"):
        mode = stat.S_IMODE((path.parent / name).stat().st_mode)
        assert mode == 0o660, (name, oct(mode))
    engine_for(str(path)).dispose()
