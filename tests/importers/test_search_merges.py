"""On PostgreSQL a bulk chunk leaves its clients' trigrams in the search index's pending list
(``pending_limit``) and ``background_search_merges`` merges them beside the import. A search
must find every client committed whether its trigrams are still pending or merged, and the
import must leave nothing pending behind it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import open_workspace
from crm_tui.importers.clients.service import import_clients
from crm_tui.storage.bulk import insert_tuples, next_ids
from crm_tui.storage.database import write_session
from crm_tui.storage.models import clients
from crm_tui.storage.search_index import TRIGRAM_INDEX, background_search_merges
from tests.importers.files import write_big_xlsx
from tests.seed import FROZEN_NOW, MOSCOW, seed_team

pytestmark = pytest.mark.postgres
MERGE = text(f"SELECT gin_clean_pending_list('{TRIGRAM_INDEX}'::regclass)")


def _found_by_the_index(engine: Engine, pattern: str) -> int:
    """Clients whose search text is ``LIKE pattern``, read through the trigram index alone."""
    with engine.connect() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            conn.scalars(text(f"EXPLAIN SELECT id FROM clients WHERE search_text LIKE '{pattern}'"))
        )
        assert TRIGRAM_INDEX in plan
        return int(
            conn.scalar(text("SELECT count(*) FROM clients WHERE search_text LIKE :p"), {"p": pattern}) or 0
        )


def test_clients_pending_in_the_index_are_found_and_merged_at_the_end(
    postgres_url: str, prepared: Callable[[str], Engine]
) -> None:
    engine = prepared(postgres_url)
    at = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)
    count = 3000
    with write_session(engine, bulk=True) as session:
        assert session.scalar(text("SELECT current_setting('gin_pending_list_limit')")) == "64MB"
        ids = next_ids(session, clients, count)
        insert_tuples(
            session,
            clients,
            (
                "id",
                "kind",
                "name",
                "status",
                "name_key",
                "search_text",
                "created_at",
                "updated_at",
                "version",
            ),
            [
                (
                    i,
                    "company",
                    f"Ожидающий {n}",
                    "lead",
                    f"ожидающий {n}",
                    f"ожидающий {n}x 7916{n:07}",
                    at,
                    at,
                    1,
                )
                for n, i in enumerate(ids)
            ],
        )
    # Not merged yet (the chunk only appended): the pending list is searched too.
    assert _found_by_the_index(engine, "%ожидающий%") == count
    assert _found_by_the_index(engine, "%ожидающий 2999x%") == 1
    assert _found_by_the_index(engine, "%79160001234%") == 1
    with background_search_merges(engine, interval_s=0.05):
        pass
    with engine.connect() as conn:
        assert conn.scalar(MERGE) == 0  # nothing was left to merge
    assert _found_by_the_index(engine, "%ожидающий%") == count
    assert _found_by_the_index(engine, "%79160001234%") == 1


def test_a_search_right_after_an_import_finds_every_client(
    postgres_url: str, prepared: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = prepared(postgres_url)
    seed_team(engine)
    ws = open_workspace(postgres_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    summary = import_clients(
        ws, [write_big_xlsx(tmp_path / "big.xlsx", 2000)], ImportOptions(errors_dir=tmp_path, chunk_rows=300)
    )
    assert summary.created == 2000
    with engine.connect() as conn:
        assert conn.scalar(MERGE) == 0  # the import merged what its chunks left pending
        total = conn.scalar(text("SELECT count(*) FROM clients WHERE search_text LIKE '%example%'"))
    assert total is not None and total >= 2000
    assert _found_by_the_index(engine, "%example%") == total
