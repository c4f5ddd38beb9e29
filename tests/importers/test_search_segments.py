"""The search index through a bulk import: a segment per chunk, merged once at the end.

FTS5 merges its segments as they are written, so its cost per row grew with the logarithm of
the rows a big import had written (tests/bench/README.md, the seventh pass). A chunk now
writes its segment without merging (``DeferredSearchIndex.index``) and the import merges them
at the end (``merge_step``); searches must find every client all the same, and the base's own
FTS5 settings must be what they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import TextClause, text

import crm_tui.importers.clients.service as service
from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.clients.service import import_clients
from crm_tui.storage.search_index import merge_step
from tests.importers.files import write_big_xlsx
from tests.seed import Seeded

SEGMENTS = text("SELECT count(DISTINCT id >> 37) FROM client_search_data WHERE id > 10")
"""FTS5's segments: a data page's id is its segment's id shifted by 37 bits (ids 1 and 10 are
the averages and the structure)."""
SETTING = text("SELECT v FROM client_search_config WHERE k = 'automerge'")


def _read(ws: Workspace, query: TextClause) -> Any:
    with ws.read() as session:
        return session.execute(query).scalar_one_or_none()


def test_every_imported_client_is_found_and_the_index_is_merged_after(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path, db_url: str
) -> None:
    ws = workspace_for("admin")
    path = write_big_xlsx(tmp_path / "big.xlsx", 120)
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, chunk_rows=10))
    assert summary.created == 120
    with ws.read() as session:
        for number in (0, 7, 59, 60, 99, 119):
            found = client_page(session, ws.viewer, ClientFilter(query=f"компания {number}"), limit=200)
            assert f"Компания {number}" in [r.name for r in found.rows]
        if db_url.startswith("sqlite"):
            # FTS5 checks its index against the clients' own search texts, row by row.
            session.execute(
                text("INSERT INTO client_search(client_search, rank) VALUES ('integrity-check', 1)")
            )
            # Twelve chunks, twelve segments, merged by the import: no level is left with the
            # four segments that merging as it goes would have been about to merge.
            assert (session.execute(SEGMENTS).scalar_one() or 0) <= 3
    with ws.write() as session:
        assert not merge_step(session.connection())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # PostgreSQL's trigram index has no segments
def test_a_chunk_merges_no_segments_and_the_setting_is_left_as_it_was(
    workspace_for: Callable[[str], Workspace],
    seeded: Seeded,
    tmp_path: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before, FTS5 merged segments in the chunks' own commits, once 64 pages were written
    since its last merge (a 1,000-row chunk writes about 50)."""
    ws = workspace_for("admin")
    monkeypatch.setattr(service, "_merge_search_segments", lambda ws: None, raising=False)
    before = _read(ws, SEGMENTS)
    assert _read(ws, SETTING) is None  # FTS5's default, four
    path = write_big_xlsx(tmp_path / "a.xlsx", 6000)
    import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, chunk_rows=1000))
    assert _read(ws, SEGMENTS) == int(before or 0) + 6
    assert str(_read(ws, SETTING)) == "4"  # the default, now written out
    with ws.write() as session:
        session.execute(text("INSERT INTO client_search(client_search, rank) VALUES ('automerge', 8)"))
    monkeypatch.undo()
    import_clients(
        ws, [write_big_xlsx(tmp_path / "b.xlsx", 30)], ImportOptions(errors_dir=tmp_path, chunk_rows=10)
    )
    assert str(_read(ws, SETTING)) == "8"
