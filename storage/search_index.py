"""The client search index, which lives outside the tables' metadata.

Created by migration 0003 with engine-specific DDL (an FTS5 trigram table on SQLite, a
``pg_trgm`` GIN index on PostgreSQL), so schema comparison must look past it; so must it past
the name walk's index on SQLite (migration 0029: the clients in name order with their search
text, which ``crm_tui.domain.clients.search`` filters without reading the table).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, text
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

NAME_WALK_INDEX = "ix_clients_search_names"
TRIGRAM_INDEX = "ix_clients_search_trgm"
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
    stop = threading.Event()

    def merge() -> None:
        conn.exec_driver_sql(f"SELECT gin_clean_pending_list('{TRIGRAM_INDEX}'::regclass)")

    def run() -> None:
        while not stop.wait(interval_s):
            try:
                merge()
            except SQLAlchemyError:
                # An optimisation: the next chunk past the limit, or the merge at the end, does it.
                logger.warning("the search index's pending list could not be merged", exc_info=True)
                return

    thread = threading.Thread(target=run, name="search-index-merges", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        try:
            merge()
        except SQLAlchemyError:
            logger.warning("the search index's pending list could not be merged", exc_info=True)
        conn.close()
