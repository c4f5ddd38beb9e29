"""The PostgreSQL schema a worker reuses is, for each test, what a new migrated one would be.

Tests share one migrated schema per worker (``postgres_url``) to save its migration per test;
nothing written by one test may be seen by the next, and ids must start again where a new
database starts them, or tests would pass or fail by the order they ran in.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from crm_tui.domain.workspace import prepare_database
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.schema import HEAD_REVISION, current_revision
from tests.conftest import drop_schema, new_schema, recycle_schema, schema_url
from tests.seed import seed_team

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema(postgres_server: Engine) -> Iterator[str]:
    name = new_schema(postgres_server)
    yield name
    dispose_engines()
    drop_schema(postgres_server, name)


def rows(server: Engine, schema: str) -> dict[str, int]:
    with server.connect() as conn:
        tables = conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema})
        return {t: int(conn.scalar(text(f'SELECT count(*) FROM "{schema}"."{t}"')) or 0) for t in tables}


def test_a_recycled_schema_keeps_nothing_but_its_revision(postgres_server: Engine, schema: str) -> None:
    url = schema_url(postgres_server, schema)
    first = seed_team(prepare_database(url))
    dispose_engines()
    written = rows(postgres_server, schema)
    assert written["clients"] > 0 and written["audit_entries"] > 0

    assert recycle_schema(postgres_server, schema) is True

    left = {table: n for table, n in rows(postgres_server, schema).items() if n}
    assert left == {"alembic_version": 1}
    again = seed_team(prepare_database(url))
    assert again.clients == first.clients  # the same ids: identities started again
    assert again.users == first.users
    assert current_revision(prepare_database(url)) == HEAD_REVISION


def test_a_schema_moved_off_the_head_revision_is_made_anew(postgres_server: Engine, schema: str) -> None:
    url = schema_url(postgres_server, schema)
    seed_team(prepare_database(url))
    dispose_engines()
    with postgres_server.begin() as conn:
        conn.execute(text(f"UPDATE \"{schema}\".alembic_version SET version_num = '0009'"))
        conn.execute(text(f'CREATE TABLE "{schema}".left_behind (id int)'))

    assert recycle_schema(postgres_server, schema) is False

    assert rows(postgres_server, schema) == {}


def test_a_table_the_migrations_do_not_make_is_not_kept(postgres_server: Engine, schema: str) -> None:
    prepare_database(schema_url(postgres_server, schema))
    dispose_engines()
    with postgres_server.begin() as conn:
        conn.execute(text(f'CREATE TABLE "{schema}".left_behind (id int)'))

    assert recycle_schema(postgres_server, schema) is False
    assert rows(postgres_server, schema) == {}
