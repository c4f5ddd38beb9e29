"""App tests run on a seeded SQLite file opened as Иванова, with the frozen clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.workspace import Workspace
from tests.app.support import workspace
from tests.seed import Seeded, seed_team


@pytest.fixture
def sqlite_engine(sqlite_url: str, prepared: Callable[[str], Engine]) -> Engine:
    return prepared(sqlite_url)


@pytest.fixture
def team(sqlite_engine: Engine) -> Seeded:
    return seed_team(sqlite_engine)


@pytest.fixture
def ws(sqlite_url: str, team: Seeded) -> Workspace:
    return workspace(sqlite_url, "ivanova")
