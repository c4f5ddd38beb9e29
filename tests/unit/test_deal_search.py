"""Finding deals by title or by their client's name, INN or phone, as far as the viewer may see."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.deals.search import find_deals
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import deals
from crm_tui.storage.schema import MIGRATIONS_DIR
from tests.seed import Seeded, valid_inn

Open = Callable[[str], Workspace]


def found(ws: Workspace, query: str, limit: int = 10) -> list[int]:
    with ws.read() as session:
        return [deal.id for deal in find_deals(session, ws.viewer, query, limit)]


def test_by_title_in_any_case_open_deals_first(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("ivanova")
    # the open deal, then the closed ones, latest changed first (the same day: the newest first)
    romashka = [seeded.deals[k] for k in ("d_await_romashka", "d_won_old", "d_won_romashka")]
    assert found(ws, "ПОСТАВКА: ромашка") == romashka
    with ws.read() as session:
        first = find_deals(session, ws.viewer, "поставка: ромашка")[0]
    assert (first.title, first.client, first.stage, first.status) == (
        "Поставка: Ромашка",
        "Ромашка",
        "Awaiting payment",
        "open",
    )
    assert first.amount == 780_000_00


def test_by_the_clients_inn_and_phone_in_another_spelling(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("ivanova")
    vektor = {seeded.deals[k] for k in ("d_inv_vektor", "d_await_vektor", "d_won_vektor")}
    assert set(found(ws, valid_inn("771234567"))) == vektor
    assert set(found(ws, "8 (916) 000-11-22")) == vektor
    assert set(found(ws, "вектор")) == vektor


def test_only_the_deals_the_viewer_may_see(seeded: Seeded, workspace_for: Open) -> None:
    assert found(workspace_for("petrov"), "поставка") == [seeded.deals["d_prop_metall"]]
    assert found(workspace_for("ivanova"), "липецкий") == []
    assert found(workspace_for("admin"), "липецкий") == [seeded.deals["d_prop_metall"]]
    assert len(found(workspace_for("admin"), "поставка")) == 10  # the limit
    assert len(found(workspace_for("admin"), "поставка", limit=20)) == len(seeded.deals)


def test_a_blank_query_finds_nothing(seeded: Seeded, workspace_for: Open) -> None:
    assert found(workspace_for("admin"), "  ") == []


def test_the_migration_folds_the_titles_of_existing_deals(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0009")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0010")
    with engine.connect() as conn:
        keys = set(conn.scalars(select(deals.c.title_key)))
    assert "поставка: липецкий металл" in keys
    assert found(workspace_for("admin"), "СТРОЙМОНТАЖ") == [seeded.deals["d_prop_stroy"]]
