"""Databases for tests: a fresh SQLite file, and a fresh PostgreSQL schema when a server is set.

``CRM_TEST_POSTGRES_URL`` selects the server. Without it the PostgreSQL leg is skipped with a
reason, except in CI (``CI`` set), where a missing or unreachable server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import Workspace, open_workspace, prepare_database
from crm_tui.storage.database import dispose_engines
from tests.seed import FROZEN_NOW, MOSCOW, Seeded, seed_team

PG_ENV = "CRM_TEST_POSTGRES_URL"


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
            # Installed once in public, so no per-test schema owns it (and drops it with itself).
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {PG_ENV}={url} is unreachable: {exc}", pytrace=False)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_server: Engine) -> Iterator[str]:
    """A URL whose connections live in a schema of their own, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with postgres_server.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_server.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    dispose_engines()
    with postgres_server.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> Iterator[str]:
    yield f"sqlite:///{tmp_path}/crm.db"
    dispose_engines()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(db_url: str) -> Engine:
    return prepare_database(db_url)


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    return seed_team(engine)


@pytest.fixture
def seeded_db(tmp_path: Path) -> str:
    """The seeded team in a SQLite file, for tests that run `crm` in a subprocess."""
    path = str(tmp_path / "team.db")
    seed_team(prepare_database(path))
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
    """No test reads the settings file of whoever runs the suite (nor `crm` in a subprocess)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
    for name in ("CRM_CONFIG", "CRM_LOCALE"):
        patch.delenv(name, raising=False)
    yield
    patch.undo()
