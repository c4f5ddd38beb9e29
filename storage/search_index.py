"""The client search index, which lives outside the tables' metadata.

Created by migration 0003 with engine-specific DDL (an FTS5 trigram table on SQLite, a
``pg_trgm`` GIN index on PostgreSQL), so schema comparison must look past it; so must it past
the name walk's index on SQLite (migration 0029: the clients in name order with their search
text, which ``crm_tui.domain.clients.search`` filters without reading the table).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, text
from sqlalchemy.exc import SQLAlchemyError

from crm_tui.storage.beside import every

logger = logging.getLogger(__name__)

NAME_WALK_INDEX = "ix_clients_search_names"
DEFAULT_AUTOMERGE = 4
"""FTS5's ``automerge`` when the base sets none."""
TRIGRAM_INDEX = "ix_clients_search_trgm"
SEARCH_INDEX_NAMES = ("client_search", TRIGRAM_INDEX, NAME_WALK_INDEX)

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
        """Index the clients ``first_id .. last_id`` as one new segment, merging none.

        FTS5 merges its segments four at a time as they are written (``automerge``), so each
        row is written again once per level, and the levels grow with the logarithm of the
        rows: in a million-row import a chunk's search index cost 1.8 times what it did in the
        first 100,000 (tests/bench/README.md, the seventh pass). Here ``automerge`` is off while
        the chunk's segment is written out (a savepoint makes FTS5 flush what it holds), then
        set back (a base that had none gets FTS5's default written out: its shadow tables are
        FTS5's to write), all inside the chunk's transaction: no other connection sees the setting, and
        the import merges its segments once at its end (``merge_step``). ``crisismerge`` (16
        segments on a level) is left alone, so searches during a long import read at most
        about 15 segments a level.
        """
        if not self._active:
            return
        conn = self._conn
        automerge = conn.exec_driver_sql(
            "SELECT v FROM client_search_config WHERE k = 'automerge'"
        ).scalar_one_or_none()
        conn.exec_driver_sql("INSERT INTO client_search(client_search, rank) VALUES ('automerge', 0)")
        conn.execute(
            text(
                "INSERT INTO client_search(rowid, search_text) "
                "SELECT id, search_text FROM clients WHERE id BETWEEN :first AND :last"
            ),
            {"first": first_id, "last": last_id},
        )
        conn.exec_driver_sql("SAVEPOINT client_search_flush")
        conn.exec_driver_sql("RELEASE client_search_flush")
        conn.execute(
            text("INSERT INTO client_search(client_search, rank) VALUES ('automerge', :value)"),
            {"value": DEFAULT_AUTOMERGE if automerge is None else int(automerge)},
        )

    def resume(self) -> None:
        if self._active and self._trigger is not None:
            self._conn.exec_driver_sql(self._trigger)
            self._trigger = None


MERGE_PAGES = 2000
"""Pages of the search index one step of ``merge_step`` rewrites (about 8 MB: a short write)."""


def merge_step(conn: Connection, pages: int = MERGE_PAGES) -> bool:
    """One step of merging the search index's segments (FTS5's ``merge`` command: a level with
    four or more segments, ``usermerge``, becomes one); whether there was any to merge.

    A bulk import (``DeferredSearchIndex.index``) writes a segment per chunk and merges none;
    the import then calls this in short transactions of its own until it says no, which merges
    each level of its segments once instead of every four chunks, and leaves searches fewer
    segments to read than merging as it went did (tests/bench/README.md, the seventh pass).
    FTS5 counts a step that merged anything as two or more changes. PostgreSQL: nothing to do.
    """
    if conn.dialect.name != "sqlite":
        return False
    before = conn.exec_driver_sql("SELECT total_changes()").scalar_one()
    conn.exec_driver_sql(f"INSERT INTO client_search(client_search, rank) VALUES ('merge', {int(pages)})")
    return int(conn.exec_driver_sql("SELECT total_changes()").scalar_one()) - int(before) >= 2


PENDING_LIMIT_KB = 64 * 1024
"""How far a bulk chunk's trigrams may pile up in the GIN index's pending list on PostgreSQL
before the chunk merges them itself (``pending_limit``): far more than a chunk adds (about 6.5 MB
a 5,000 rows), so that ``background_search_merges`` does the merging."""
MERGE_INTERVAL_S = 0.5
_MAY_MERGE = "crm_may_merge_search_index"


def may_merge(conn: Connection) -> bool:
    """Whether this role may merge the trigram index's pending list (its owner's right, or a
    superuser's); asked once per connection. ``False`` where there is no such index."""
    allowed = conn.info.get(_MAY_MERGE)
    if allowed is None:
        allowed = (
            conn.exec_driver_sql(
                "SELECT coalesce((SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c "
                f"WHERE c.oid = to_regclass('{TRIGRAM_INDEX}')), false)"
            ).scalar()
            is True
        )
        conn.info[_MAY_MERGE] = allowed
    return bool(allowed)


def pending_limit(conn: Connection) -> str | None:
    """The setting that makes a bulk chunk's trigrams a cheap append to the GIN index's pending
    list (``SET LOCAL``: for the chunk's transaction only), where ``background_search_merges``
    can merge them; ``None`` where it cannot (the chunk merges at the usual 4 MB). Without the
    merges running, the list is merged by the chunk that takes it past 64 MB, or by the next
    ordinary insert (past the usual 4 MB), and a search meanwhile reads it (slower, never
    less complete)."""
    return f"SET LOCAL gin_pending_list_limit = {PENDING_LIMIT_KB}" if may_merge(conn) else None


@contextmanager
def background_search_merges(engine: Engine, interval_s: float = MERGE_INTERVAL_S) -> Iterator[None]:
    """PostgreSQL's counterpart of ``background_checkpoints``: while a bulk load runs, a thread
    on a connection of its own merges the trigram index's pending list into the index every
    ``interval_s`` (``gin_clean_pending_list``), on a backend of its own; once more at the end,
    so the load leaves none behind.

    A new client's trigrams (about 60) cost the server more than the client's row and seven
    B-trees together. Inserted one by one they would cost ten times more; PostgreSQL gathers
    them in the pending list and merges the list into the index in bulk once it passes 4 MB,
    in the inserting statement. During a bulk load the chunk only appends (``pending_limit``)
    and the merge runs here, beside the chunk: the import's own backend does about a third
    less for its clients, the work moved, not saved. A search meanwhile reads the pending list
    too, so it finds every client committed (a few ms slower while the list holds a chunk or
    two)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        allowed = may_merge(conn)
    except SQLAlchemyError:
        allowed = False
    if not allowed:
        conn.close()
        yield
        return

    def merge() -> None:
        conn.exec_driver_sql(f"SELECT gin_clean_pending_list('{TRIGRAM_INDEX}'::regclass)")

    def failed(exc: Exception) -> None:
        # An optimisation: the next chunk past the limit, or the merge at the end, does it.
        logger.warning("the search index's pending list could not be merged", exc_info=exc)

    try:
        with every(interval_s, merge, (SQLAlchemyError,), failed, name="search-index-merges", at_end=True):
            yield
    finally:
        conn.close()
