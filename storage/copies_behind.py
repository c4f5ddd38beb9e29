"""PostgreSQL's bulk rows sent from a thread of their own while the caller builds the next ones.

A ``COPY`` streams, but its end waits for the server to have stored every row (a client row
with its trigram index and seven B-trees is slower to store than to build), and the importing
process did nothing meanwhile: a 100,000-row import spent about as long waiting for the server
as working itself. ``CopiesBehind`` hands each ``COPY`` to one worker thread, which sends them in
the order given on the chunk's own connection and transaction, and the caller goes on with the
next table's rows. The server's work and the caller's Python overlap; the order of the
statements, and so the transaction, stay as they were.

The caller's own statements wait for every ``COPY`` handed over before them (an event on the
connection), so a read or a commit never overtakes a write. On SQLite, whose inserts are done by
the importing process itself, each insert runs at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

ACTIVE = "crm_copies_behind"
"""Where a connection's ``CopiesBehind`` is found while it is open: a ``COPY`` sent without it
(``crm_tui.storage.bulk``, which uses the driver's cursor and so no event) waits for its
``COPY``s first."""


def active(conn: Connection) -> CopiesBehind | None:
    """The ``CopiesBehind`` open on ``conn``, if any."""
    found = conn.info.get(ACTIVE)
    return found if isinstance(found, CopiesBehind) else None


class CopiesBehind:
    """``submit`` runs a job (one table's ``COPY``) on the worker, in order; ``wait`` returns
    once every job submitted is done, raising the first one's failure."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._pool: ThreadPoolExecutor | None = None
        if conn.dialect.name == "postgresql":
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="copies-behind")
            conn.info[ACTIVE] = self
            event.listen(conn, "before_cursor_execute", self._before_statement)
            event.listen(conn, "commit", self._before_statement)
            event.listen(conn, "rollback", self._before_rollback)
        self._pending: list[Future[None]] = []

    def submit(self, job: Callable[[], None]) -> None:
        if self._pool is None:
            job()
            return
        self._pending.append(self._pool.submit(job))

    def wait(self) -> None:
        pending, self._pending = self._pending, []
        try:
            for future in pending:
                future.result()
        except BaseException:
            _stop(pending)
            raise

    def close(self) -> None:
        """Nothing more runs: jobs not started are dropped, the one under way is waited for
        (the transaction is rolled back by the caller, on a connection free again)."""
        if self._pool is None:
            return
        _stop(self._pending)
        self._pending = []
        self._conn.info.pop(ACTIVE, None)
        event.remove(self._conn, "before_cursor_execute", self._before_statement)
        event.remove(self._conn, "commit", self._before_statement)
        event.remove(self._conn, "rollback", self._before_rollback)
        self._pool.shutdown(wait=True)
        self._pool = None

    def _before_statement(self, *_: Any) -> None:
        # Only the caller's statements come here: the worker's COPYs use the driver's cursor.
        self.wait()

    def _before_rollback(self, *_: Any) -> None:
        # The transaction is being abandoned: what has not started never will.
        _stop(self._pending)
        self._pending = []


def _stop(pending: list[Future[None]]) -> None:
    for future in pending:
        future.cancel()
    wait_all(pending)


@contextmanager
def copies_behind(session: Session) -> Iterator[CopiesBehind]:
    """A ``CopiesBehind`` on ``session``'s connection for the block; every job is done (or
    the first failure raised) when the block ends without an error, and none is left running
    when it ends with one."""
    behind = CopiesBehind(session.connection())
    try:
        yield behind
        behind.wait()
    finally:
        behind.close()
