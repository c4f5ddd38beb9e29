"""Snapshots run on the seeded team in a SQLite file, as Иванова, frozen at FROZEN_NOW in Moscow."""

from __future__ import annotations

import pytest

from crm_tui.domain.workspace import Workspace, prepare_database
from tests.app.support import workspace
from tests.seed import Seeded, seed_team


@pytest.fixture
def team(sqlite_url: str) -> Seeded:
    return seed_team(prepare_database(sqlite_url))


@pytest.fixture
def ws(sqlite_url: str, team: Seeded) -> Workspace:
    return workspace(sqlite_url, "ivanova")
