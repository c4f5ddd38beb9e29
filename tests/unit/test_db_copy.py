"""Moving a team's SQLite file to PostgreSQL with `crm db copy`, verified by counts."""

from __future__ import annotations

import json

from sqlalchemy import select

from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.clients.new_client import NewClient, add_client
from crm_tui.domain.workspace import open_workspace
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import clients
from tests.cli_support import crm, error_line


def test_a_sqlite_base_moves_to_postgresql_whole(seeded_db: str, postgres_url: str) -> None:
    result = crm("--db", seeded_db, "db", "copy", "--to", postgres_url, "--json", user="admin", check=True)
    tables = json.loads(result.stdout)["tables"]
    assert tables["clients"] >= 5 and tables["deals"] > 0 and tables["users"] == 4
    moved = open_workspace(postgres_url, "ivanova")
    with moved.read() as session:
        found = client_page(session, moved.viewer, ClientFilter(query="ромашк"))
        assert [r.name for r in found.rows] == ["Ромашка"]
        top = session.scalar(select(clients.c.id).order_by(clients.c.id.desc()).limit(1))
    # The sequences were moved past the copied ids: a new client gets a fresh one.
    added = add_client(moved, NewClient(name="ИП Сидоров", phone="+7 916 555 44 33"))
    assert added.client_id is not None and top is not None and added.client_id > top
    dispose_engines()


def test_a_copy_into_a_base_that_has_data_is_refused(seeded_db: str, tmp_path: object) -> None:
    again = crm("--db", seeded_db, "db", "copy", "--to", seeded_db, user="admin")
    assert again.returncode == 2 and "this very database" in error_line(again)
    other = f"{tmp_path}/other.db"
    crm("--db", seeded_db, "db", "copy", "--to", other, user="admin", check=True)
    twice = crm("--db", seeded_db, "db", "copy", "--to", other, user="admin")
    assert twice.returncode == 2 and "not empty" in error_line(twice)
    manager = crm("--db", seeded_db, "db", "copy", "--to", f"{tmp_path}/third.db", user="petrov")
    assert manager.returncode == 2 and "only an admin" in error_line(manager)
