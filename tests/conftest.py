"""Databases for tests: a fresh SQLite file, and a fresh PostgreSQL schema when a server is set.

``CRM_TEST_POSTGRES_URL`` selects the server. Without it the PostgreSQL leg is skipped with a
reason, except in CI (``CI`` set), where a missing or unreachable server fails the run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import Workspace, open_workspace, prepare_database
from crm_tui.storage.database import DATABASE_MODE, dispose_engines, parse_database_url
from crm_tui.storage.models import metadata
from crm_tui.storage.schema import HEAD_REVISION
from tests.seed import FROZEN_NOW, MOSCOW, Seeded, seed_team

pytest_plugins = ["tests.smtp_server"]  # the loopback SMTP server's fixture

PG_ENV = "CRM_TEST_POSTGRES_URL"
MIGRATED_TABLES = frozenset(metadata.tables) | {"alembic_version"}


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Parallel workers (``-n auto`` in the options) for folders; one process for a run of named
    files or tests, where starting the workers costs more than it saves, and for
    ``--snapshot-update``: only there does syrupy remove snapshots no test uses."""
    updating = bool(config.getoption("--snapshot-update", default=False))
    only_named = not any(Path(arg.split("::")[0]).is_dir() for arg in config.args)
    if updating or (config.option.numprocesses == "auto" and only_named):
        config.option.numprocesses = 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked ``long`` first, so that no worker starts one when the others are done."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def _postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: CI must run the PostgreSQL leg", pytrace=False)
        pytest.skip(f"{PG_ENV} not set: no PostgreSQL server for this leg")
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Engine]:
    url = _postgres_admin_url()
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.begin() as conn:
            # Installed once in public, so no per-test schema owns it (and drops it with itself);
            # under a lock, as pytest-xdist's workers (and parallel runs) may all come here at once.
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('crm_tui tests: pg_trgm'))"))
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {PG_ENV}={url} is unreachable: {exc}", pytrace=False)
    yield engine
    engine.dispose()


def new_schema(server: Engine) -> str:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with server.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return schema


def drop_schema(server: Engine, schema: str) -> None:
    with server.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def schema_url(server: Engine, schema: str) -> str:
    """The server's URL with connections living in ``schema``."""
    url = server.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def recycle_schema(server: Engine, schema: str) -> bool:
    """Empty ``schema`` for the next test as if it were new and migrated: every table truncated,
    identities restarted, the defaults left for ``prepare_database`` to put back. A schema that a
    test moved off the head revision, or gave tables the migrations do not make, is dropped and
    made anew instead. True if it was recycled, False if it was made anew.

    Migrating a fresh schema took ~0.45 s per PostgreSQL test, a third of the suite's time.
    """
    with server.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        tables = set(
            conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema})
        )
        if not tables:
            return True
        revision = (
            conn.scalar(text(f"SELECT string_agg(version_num, ',') FROM \"{schema}\".alembic_version"))
            if "alembic_version" in tables
            else None
        )
        if revision == HEAD_REVISION and tables <= MIGRATED_TABLES:
            names = ", ".join(f'"{schema}"."{name}"' for name in sorted(tables - {"alembic_version"}))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return True
    drop_schema(server, schema)
    with server.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return False


@pytest.fixture(scope="session")
def postgres_schema(postgres_server: Engine) -> Iterator[str]:
    """One schema per worker, migrated by its first test and emptied after each (``postgres_url``)."""
    schema = new_schema(postgres_server)
    yield schema
    dispose_engines()
    drop_schema(postgres_server, schema)


@pytest.fixture
def postgres_url(postgres_server: Engine, postgres_schema: str) -> Iterator[str]:
    """A URL whose connections live in a schema this test has to itself: at the head revision with
    no rows (or not migrated yet), emptied after the test. A test of what happens to a schema that
    has never been migrated takes ``fresh_postgres_url``."""
    yield schema_url(postgres_server, postgres_schema)
    dispose_engines()
    recycle_schema(postgres_server, postgres_schema)


@pytest.fixture
def fresh_postgres_url(postgres_server: Engine) -> Iterator[str]:
    """A URL whose connections live in a new, empty schema, dropped after the test."""
    schema = new_schema(postgres_server)
    yield schema_url(postgres_server, schema)
    dispose_engines()
    drop_schema(postgres_server, schema)


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> Iterator[str]:
    yield f"sqlite:///{tmp_path}/crm.db"
    dispose_engines()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL (a recycled schema: ``postgres_url``)."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_db_url(request: pytest.FixtureRequest) -> str:
    """``db_url`` for tests of a database never migrated: a new schema on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "fresh_postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="session")
def prepared_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head with its defaults, made once per session (per xdist worker).

    Running Alembic's migrations for every test took a tenth of a second each; a copy of this
    file is the same database (``prepare_database`` then finds it current and ready).
    """
    path = tmp_path_factory.mktemp("prepared") / "crm.db"
    prepare_database(str(path)).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def prepare(database: str, template: Path) -> Engine:
    """``prepare_database(database)``; a SQLite file not there yet starts as a copy of ``template``."""
    url = parse_database_url(database)
    target = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    if target is not None and not target.exists() and target.parent.is_dir():
        shutil.copyfile(template, target)
        target.chmod(DATABASE_MODE)
    return prepare_database(database)


@pytest.fixture
def prepared(prepared_sqlite: Path) -> Callable[[str], Engine]:
    """``prepare_database`` for fixtures, from a copy of the prepared SQLite file where it can."""
    return lambda database: prepare(database, prepared_sqlite)


@pytest.fixture
def engine(db_url: str, prepared: Callable[[str], Engine]) -> Engine:
    return prepared(db_url)


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    return seed_team(engine)


@pytest.fixture
def seeded_db(tmp_path: Path, prepared: Callable[[str], Engine]) -> str:
    """The seeded team in a SQLite file, for tests that run `crm`."""
    path = str(tmp_path / "team.db")
    seed_team(prepared(path))
    dispose_engines()
    return path


@pytest.fixture
def workspace_for(db_url: str, seeded: Seeded) -> Callable[[str], Workspace]:
    """Open the seeded database as one of its users, with the frozen clock and Moscow time."""

    def open_as(login: str) -> Workspace:
        return open_workspace(db_url, login, tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))

    return open_as


@pytest.fixture(autouse=True, scope="session")
def no_personal_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads the settings file or the locale of whoever runs the suite (nor `crm` in a
    subprocess)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
    for name in ("CRM_CONFIG", "CRM_LOCALE", "LC_ALL", "LC_MESSAGES"):
        patch.delenv(name, raising=False)
    patch.setenv("LANG", "C.UTF-8")  # English unless a test asks for Russian
    yield
    patch.undo()
