"""The client search index, which lives outside the SQLModel metadata.

Created by migration 0003 with engine-specific DDL (an FTS5 trigram table on SQLite, a
``pg_trgm`` GIN index on PostgreSQL), so schema comparison must look past it.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, text

SEARCH_INDEX_NAMES = ("client_search", "ix_clients_search_trgm")

client_search = Table(
    "client_search",
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("search_text", String),
)


def is_search_index(name: str | None) -> bool:
    """Whether ``name`` is the FTS table, one of its shadow tables, or the trigram index."""
    return name is not None and name.startswith(SEARCH_INDEX_NAMES)


class DeferredSearchIndex:
    """Index new clients in one statement at the end of a bulk write instead of row by row.

    Used inside one write transaction: ``pause`` makes the FTS insert trigger skip (migration
    0005), ``index`` adds the given id range to the index in one ``INSERT ... SELECT`` and
    ``resume`` re-arms the trigger, all before the transaction commits. PostgreSQL's trigram
    index needs none of this, so there every call is a no-op.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._active = conn.dialect.name == "sqlite"

    def pause(self) -> None:
        if self._active:
            self._conn.execute(text("INSERT INTO client_search_deferred (flag) VALUES (1)"))

    def index(self, first_id: int, last_id: int) -> None:
        if self._active:
            self._conn.execute(
                text(
                    "INSERT INTO client_search(rowid, search_text) "
                    "SELECT id, search_text FROM clients WHERE id BETWEEN :first AND :last"
                ),
                {"first": first_id, "last": last_id},
            )

    def resume(self) -> None:
        if self._active:
            self._conn.execute(text("DELETE FROM client_search_deferred"))
