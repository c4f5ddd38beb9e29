"""The client search index, which lives outside the tables' metadata.

Created by migration 0003 with engine-specific DDL (an FTS5 trigram table on SQLite, a
``pg_trgm`` GIN index on PostgreSQL), so schema comparison must look past it; so must it past
the name walk's index on SQLite (migration 0029: the clients in name order with their search
text, which ``crm_tui.domain.clients.search`` filters without reading the table).
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, text

NAME_WALK_INDEX = "ix_clients_search_names"
SEARCH_INDEX_NAMES = ("client_search", "ix_clients_search_trgm", NAME_WALK_INDEX)

client_search = Table(
    "client_search",
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("search_text", String),
)


def is_search_index(name: str | None) -> bool:
    """Whether ``name`` is the FTS table, one of its shadow tables, the trigram index or the
    name walk's index."""
    return name is not None and name.startswith(SEARCH_INDEX_NAMES)


class DeferredSearchIndex:
    """Index new clients in one statement at the end of a bulk write instead of row by row.

    Used inside one write transaction: ``pause`` takes the FTS insert trigger off, ``index`` adds
    the given id range to the index in one ``INSERT ... SELECT`` and ``resume`` puts the trigger
    back as it was, all before the transaction commits: no other connection ever sees the base
    without it, and a crash rolls the whole chunk back, trigger included. Dropped rather than
    skipped: a trigger that only tests whether it should run (``client_search_deferred``,
    migration 0005) still costs every inserted row about as much as the row's seven B-trees
    (50,000 clients into a base of 50,000: 3.5-5.3 s with it, 1.6-3.4 s without, tests/bench/
    README.md). PostgreSQL's trigram index needs none of this, so there every call is a no-op.
    """

    TRIGGER = "client_search_insert"

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._active = conn.dialect.name == "sqlite"
        self._trigger: str | None = None

    def pause(self) -> None:
        if not self._active:
            return
        self._trigger = self._conn.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": self.TRIGGER},
        ).scalar_one_or_none()
        if self._trigger is not None:
            self._conn.execute(text(f"DROP TRIGGER {self.TRIGGER}"))

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
        if self._active and self._trigger is not None:
            self._conn.exec_driver_sql(self._trigger)
            self._trigger = None
