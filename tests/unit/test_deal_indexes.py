"""The deals' covering indexes keep a new deal at the end of its group (migration 0032).

Three indexes ended in ``amount`` after columns every imported open deal shares, so each new
deal went to a random place among all open deals: a chunk of an import touched nearly every
page of three B-trees, and a row cost more the bigger the base (issue 29, tests/bench/README.md).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from crm_tui.storage.database import dispose_engines, get_engine
from crm_tui.storage.models import deals

COVERING = ("ix_deals_board", "ix_deals_closed_figures", "ix_deals_owner_status_stage")


def test_no_deal_index_puts_new_deals_in_amount_order() -> None:
    for index in deals.indexes:
        names = [column.name for column in index.columns]
        if "amount" in names:
            assert names[-2:] == ["id", "amount"], index.name
    assert {i.name for i in deals.indexes} >= set(COVERING)


def test_migration_0032_keeps_an_analysed_base_s_statistics(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from crm_tui.storage.schema import MIGRATIONS_DIR

    path = tmp_path / "old.db"
    engine = get_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0031")
    dispose_engines()
    # A few deals (their parents do not matter here: no foreign keys in a plain connection), so
    # that ANALYZE has something to write down.
    with sqlite3.connect(path) as raw:
        raw.executemany(
            "INSERT INTO deals (client_id, pipeline_id, stage_id, title, amount, status, "
            "stage_entered_at, created_at, updated_at, version) "
            "VALUES (1, 1, 1, 'd', ?, 'open', '2026-12-07', '2026-12-07', '2026-12-07', 1)",
            [(n,) for n in range(20)],
        )
        raw.execute("ANALYZE")
    engine = get_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.connect() as conn:
        analysed = set(conn.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'deals'")).scalars())
        board = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ix_deals_board'")).scalar_one()
    dispose_engines()
    assert analysed >= set(COVERING)
    assert board.endswith("owner_id, id, amount)")
