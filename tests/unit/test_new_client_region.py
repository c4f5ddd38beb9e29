"""A client typed in by hand lands in its owner's region, as an imported one does, so the
owner's head sees it (a reviewer's finding: `clients add` stored no region and the head was
told «не найден»); migration 0031 puts the region-less clients already stored there too."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, text

from crm_tui.storage.database import dispose_engines, get_engine
from crm_tui.storage.models import clients
from tests.cli_support import crm


def test_a_hand_added_client_is_in_its_owner_s_region_and_the_head_sees_it(seeded_db: str) -> None:
    added = crm("--db", seeded_db, "clients", "add", "Сгородом", "--city", "Москва", "--json", user="ivanova")
    assert added.returncode == 0, added.stderr
    client = json.loads(added.stdout)["client"]
    seen = crm("--db", seeded_db, "clients", "list", "--search", "Сгородом", "--json", user="smirnov")
    assert [json.loads(line)["id"] for line in seen.stdout.splitlines()] == [client]
    own = crm(
        "--db", seeded_db, "clients", "add", "Своё Липецк", "--region", "Липецк", "--json", user="ivanova"
    )
    with get_engine(seeded_db).connect() as conn:
        regions = dict(conn.execute(select(clients.c.id, clients.c.region)).all())
    assert regions[client] == "Москва"
    assert regions[json.loads(own.stdout)["client"]] == "Липецк", "a region typed in is kept"


def test_migration_0031_gives_a_region_less_client_its_owner_s_region(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from crm_tui.storage.schema import MIGRATIONS_DIR

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = get_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0027")
        for login, region in (("m", "Москва"), ("a", None)):
            conn.execute(
                text(
                    "INSERT INTO users (login, full_name, role, region, monthly_target, active, created_at) "
                    "VALUES (:login, :login, 'manager', :region, 0, true, CURRENT_TIMESTAMP)"
                ),
                {"login": login, "region": region},
            )
        for name, owner, region in (("hand", "m", None), ("typed", "m", "Липецк"), ("admins", "a", None)):
            conn.execute(
                text(
                    "INSERT INTO clients (kind, name, region, owner_id, status, name_key, search_text, "
                    "created_at, updated_at, version) SELECT 'company', :name, :region, id, 'lead', :name, "
                    ":name, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1 FROM users WHERE login = :owner"
                ),
                {"name": name, "owner": owner, "region": region},
            )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.connect() as conn:
        regions = dict(conn.execute(select(clients.c.name, clients.c.region)).all())
    dispose_engines()
    assert regions == {"hand": "Москва", "typed": "Липецк", "admins": None}
