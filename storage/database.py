"""Engines and session scopes.

One engine per URL for the life of the process. On SQLite every write transaction starts with
``BEGIN IMMEDIATE`` so that two writers queue on the busy timeout instead of failing half-way
with "database is locked" on lock upgrade; reads use a plain deferred ``BEGIN``. The pysqlite
driver's own transaction handling is switched off so that SQLAlchemy's ``begin`` event is the
only place a transaction starts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, create_engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from crm_tui.i18n import N_
from crm_tui.storage.errors import BadDatabaseURL, DatabaseMissing, DatabaseUnavailable
from crm_tui.storage.search_index import pending_limit
from crm_tui.storage.units import CoreUnit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "crm_write"
_BULK_OPTION = "crm_bulk"
_REPLICA_ALLOWED = "crm_replica_allowed"
WAL_AUTOCHECKPOINT_PAGES = 1000
BULK_AUTOCHECKPOINT_PAGES = 10_000
"""A bulk writer copies the log into the database itself only past 40 MB (background
checkpoints do most of it, see crm_tui.storage.checkpoints); the bound keeps the log from growing
with the import."""

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def parse_database_url(value: str) -> URL:
    """Accept a filesystem path or a SQLAlchemy URL, as ``--db`` and ``CRM_DATABASE_URL`` do.

    ``postgresql://`` and ``postgres://`` are taken to mean psycopg 3, the driver we ship.
    """
    text = value.strip()
    if not text:
        raise BadDatabaseURL(
            "database.url_empty", N_("empty database URL: give a file path or a URL like sqlite:///crm.db")
        )
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        return URL.create("sqlite", database=str(path))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise BadDatabaseURL(
            "database.url_malformed",
            N_("malformed database URL {url!r}: {reason}"),
            url=text,
            reason=str(exc),
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise BadDatabaseURL(
            "database.url_unsupported",
            N_(
                "unsupported database {driver!r} in {url!r}: use a SQLite file path or postgresql+psycopg://..."
            ),
            driver=url.drivername,
            url=url.render_as_string(),
        )
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
        raise BadDatabaseURL(
            "database.driver_unsupported",
            N_("unsupported PostgreSQL driver {driver!r}: use postgresql+psycopg://..."),
            driver=url.get_driver_name(),
        )
    return url


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL (None for a server, or SQLite in memory)."""
    name = url.database
    if url.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def require_existing(database: str) -> None:
    """Refuse a SQLite file that is not there (``DatabaseMissing``, naming the path), before any
    folder or file is made for it: what opens a base people work in (every headless command,
    the app on a path it was given) uses one that exists; only `crm db upgrade`, `crm demo` and
    the app's first start on the default file create one. A server's database exists or the
    connection says why not, so URLs of servers pass."""
    path = sqlite_file(parse_database_url(database))
    if path is not None and not path.is_file():
        raise DatabaseMissing(
            "database.missing",
            N_(
                "no database at {path}: check the path (--db, CRM_DATABASE_URL), "
                "or create it with `crm db upgrade`"
            ),
            path=str(path),
        )


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA cache_size = -65536")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    # The foreign key pragma is a no-op inside a transaction, so a bulk write's pragmas are set
    # here, before BEGIN, and set back by the next ordinary transaction on the connection.
    bulk = options.get(_BULK_OPTION, False)
    if conn.info.get("bulk", False) != bulk:
        conn.exec_driver_sql(f"PRAGMA foreign_keys = {'OFF' if bulk else 'ON'}")
        pages = BULK_AUTOCHECKPOINT_PAGES if bulk else WAL_AUTOCHECKPOINT_PAGES
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {pages}")
        conn.info["bulk"] = bulk
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITE_OPTION, False) else "BEGIN")


def _ensure_sqlite_directory(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            "database.folder_uncreatable",
            N_("cannot create the folder {folder} for database {database}: {reason}"),
            folder=str(folder),
            database=database,
            reason=exc.strerror,
        ) from None
    create_private(Path(database))


DATABASE_MODE = 0o660
"""A new database file: the owner and the service group read and write it, nobody else.
SQLite gives its -wal and -shm files the database file's mode."""


def create_private(path: Path) -> None:
    """Create the database file empty with ``DATABASE_MODE`` before SQLite would create it with
    the process's umask (often world-readable: a client base is personal data)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DATABASE_MODE)
    except FileExistsError:
        return
    except OSError:
        return  # SQLite will report what is wrong with the path, in its words
    try:
        os.fchmod(fd, DATABASE_MODE)  # the umask may have taken bits off
    finally:
        os.close(fd)


def get_engine(url: str | URL) -> Engine:
    """The process-wide engine for ``url``, created on first use."""
    parsed = parse_database_url(url) if isinstance(url, str) else url
    key = parsed.render_as_string(hide_password=False)
    with _lock:
        engine = _engines.get(key)
        if engine is not None:
            return engine
        if parsed.get_backend_name() == "sqlite":
            _ensure_sqlite_directory(parsed)
            engine = create_engine(parsed, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
        else:
            engine = create_engine(
                parsed,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 5},
            )
        _engines[key] = engine
        return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def describe(engine: Engine) -> str:
    return describe_url(engine.url)


def describe_url(url: URL) -> str:
    """A database as it may be shown to a person: SQLite as its file, others without the password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def unavailable(engine: Engine, exc: BaseException) -> DatabaseUnavailable:
    """Turn a driver error into one line naming the database."""
    orig = getattr(exc, "orig", None) or exc
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return DatabaseUnavailable(
        "database.unavailable",
        N_("cannot use database {database}: {reason}"),
        database=describe(engine),
        reason=reason,
    )


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read-only unit of work; rolled back at the end."""
    from sqlalchemy.orm import Session  # the commands that start fast read through read_core

    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def read_core(engine: Engine) -> Iterator[CoreUnit]:
    """``read_session`` without the ORM (``crm_tui.storage.units``): a short read-only
    transaction on a Core connection, rolled back at the end."""
    with engine.connect() as connection, connection.begin() as transaction:
        try:
            yield CoreUnit(connection)
        finally:
            transaction.rollback()


def _may_skip_row_triggers(conn: Connection) -> bool:
    """Whether a bulk chunk's rows may fire no triggers, the foreign keys' per-row lookups
    included (``session_replication_role = replica``, as ``pg_restore`` loads): PostgreSQL's
    counterpart of SQLite's bulk pragmas. Each row's lookup cost the server more than storing
    the row: a 100,000-row import spent about twice the importing process's CPU in the server.
    Only a superuser, or a role granted ``SET`` on it (PostgreSQL 15), may; for anyone else the
    triggers run as always. The caller checks (and locks, ``FOR KEY SHARE``, as the lookups
    would) what its rows point to and did not create, as on SQLite. Asked once per connection."""
    allowed = conn.info.get(_REPLICA_ALLOWED)
    if allowed is None:
        allowed = conn.exec_driver_sql("SELECT current_setting('is_superuser') = 'on'").scalar() is True
        # Before PostgreSQL 15 the function does not exist: the query would not even parse.
        if not allowed and (conn.dialect.server_version_info or (0,)) >= (15,):
            allowed = (
                conn.exec_driver_sql(
                    "SELECT has_parameter_privilege('session_replication_role', 'SET')"
                ).scalar()
                is True
            )
        conn.info[_REPLICA_ALLOWED] = allowed
    return bool(allowed)


def _bulk_transaction(conn: Connection) -> None:
    """A bulk chunk's transaction on PostgreSQL, set up in one statement: no row triggers where
    the role may (``_may_skip_row_triggers``), and a commit that does not wait for its log to reach
    the disk (``synchronous_commit = off``: about 8 ms a chunk). Safe for a chunk: a crash of the
    server can lose only the last few commits, each a whole chunk with the batch's progress in
    it, so the batch is continued from what is left; and the batch's closing commit, an
    ordinary one, flushes the log of every chunk before it. And its trigrams wait in the search
    index's pending list for ``background_search_merges`` (``pending_limit``)."""
    settings = ["SET LOCAL synchronous_commit = off"]
    if _may_skip_row_triggers(conn):
        settings.append("SET LOCAL session_replication_role = replica")
    if (pending := pending_limit(conn)) is not None:
        settings.append(pending)
    conn.exec_driver_sql("; ".join(settings))


def _writer(engine: Engine, bulk: bool) -> Engine:
    options: dict[str, bool] = {_WRITE_OPTION: True}
    if bulk:
        options[_BULK_OPTION] = True
    return engine.execution_options(**options)


@contextmanager
def _busy_said(engine: Engine) -> Iterator[None]:
    """A write that waited out the busy timeout ends in one line naming the base."""
    try:
        yield
    except OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseUnavailable(
                "database.busy",
                N_("database {database} is busy: another process held it for over {seconds} s, try again"),
                database=describe(engine),
                seconds=BUSY_TIMEOUT_MS // 1000,
            ) from exc
        raise


@contextmanager
def write_session(engine: Engine, *, bulk: bool = False) -> Iterator[Session]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed when the block ends.

    ``bulk=True`` is for loads that insert rows referencing each other by ids they allocated
    themselves, inside ``crm_tui.storage.checkpoints.background_checkpoints``. On SQLite the parent
    lookup per reference is skipped (a tenth of a 100,000-row import), so the caller must check
    the references it did not create; and the commit leaves copying the log into the database
    to the background checkpoints up to ``BULK_AUTOCHECKPOINT_PAGES``. On PostgreSQL the rows
    fire no triggers where the role may ask for that (``_may_skip_row_triggers``), the foreign keys'
    lookups included: the caller checks its references there too; and the commit does not wait
    for the disk (``_bulk_transaction``).
    """
    from sqlalchemy.orm import Session  # the commands that start fast write through write_core

    with _busy_said(engine), Session(_writer(engine, bulk), expire_on_commit=False) as session:
        try:
            if bulk and engine.dialect.name == "postgresql":
                _bulk_transaction(session.connection())
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def write_core(engine: Engine) -> Iterator[CoreUnit]:
    """``write_session`` without the ORM (``crm_tui.storage.units``): one write transaction on
    a Core connection, committed when the block ends."""
    with _busy_said(engine), _writer(engine, False).connect() as connection, connection.begin():
        yield CoreUnit(connection)
