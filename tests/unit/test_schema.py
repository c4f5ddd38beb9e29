"""The schema comes from Alembic and matches the models on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from crm_tui.storage.database import get_engine, read_session, write_session
from crm_tui.storage.errors import SchemaTooNew
from crm_tui.storage.models import metadata, users
from crm_tui.storage.records import User
from crm_tui.storage.schema import HEAD_REVISION, SchemaState, current_revision, ensure_schema, schema_state
from crm_tui.storage.search_index import is_search_index
from tests.seed import Seeded


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, parent: not is_search_index(name),
            },
        )
        assert compare_metadata(context, metadata) == []
    assert schema_state(engine) is SchemaState.CURRENT


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    ensure_schema(engine)
    assert current_revision(engine) == HEAD_REVISION


def test_database_from_a_newer_version_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNew, match="newer than this crm_tui knows"):
        ensure_schema(engine)


def test_timestamps_come_back_aware_utc(engine: Engine) -> None:
    moscow_noon = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    with write_session(engine) as session:
        session.add(User(login="u1", full_name="U", created_at=moscow_noon))
    with read_session(engine) as session:
        stored = session.scalars(select(User).where(users.c.login == "u1")).one().created_at
    assert stored == moscow_noon
    assert stored.tzinfo == UTC
    assert stored.hour == 9


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), write_session(engine) as session:
        session.add(User(login="u2", full_name="U", created_at=datetime(2026, 1, 1)))
        session.flush()


def test_same_url_same_engine(sqlite_url: str) -> None:
    assert get_engine(sqlite_url) is get_engine(sqlite_url)


def test_known_revisions_are_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from crm_tui.storage.schema import KNOWN_REVISIONS, MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_heads() == [HEAD_REVISION]
    assert sorted(s.revision for s in scripts.walk_revisions()) == sorted(KNOWN_REVISIONS)


def test_an_old_database_with_data_is_upgraded_on_open(fresh_db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.schema import MIGRATIONS_DIR

    engine = get_engine(fresh_db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (login, full_name, role, monthly_target, active, created_at) "
                "VALUES ('old', 'Old Timer', 'admin', 0, true, CURRENT_TIMESTAMP)"
            )
        )
    assert schema_state(engine) is SchemaState.OUTDATED
    ws = open_workspace(fresh_db_url, "old")
    assert ws.viewer.full_name == "Old Timer"
    assert current_revision(engine) == HEAD_REVISION


def test_search_finds_a_new_client_after_every_migration(engine: Engine, seeded: Seeded) -> None:
    """A migration that rebuilds ``clients`` on SQLite drops the search index's triggers; a client
    added afterwards would then never be found by `/`."""
    from datetime import UTC, datetime

    from crm_tui.domain.access.capabilities import Viewer
    from crm_tui.domain.clients.listing import ClientFilter, iter_clients
    from crm_tui.domain.clients.records import ClientDraft, create_client
    from crm_tui.storage.database import write_session
    from crm_tui.storage.models import Role

    admin = Viewer(seeded.users["admin"], "admin", "Admin", Role.ADMIN, None)
    with write_session(engine) as session:
        create_client(session, admin, ClientDraft(name="Зенит Плюс"), datetime(2026, 11, 20, tzinfo=UTC))
    with write_session(engine) as session:
        found = [row.name for row in iter_clients(session, admin, ClientFilter(query="зенит"))]
    assert found == ["Зенит Плюс"]
