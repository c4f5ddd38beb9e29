"""Bulk inserts that cost what the driver costs, for loads of hundreds of thousands of rows.

``session.execute(insert(table), rows)`` spends most of its time in SQLAlchemy rather than in
the database: every row's parameters are rebuilt and passed through the column types' bind
processors one by one (about 10 us a row on this machine, more than SQLite needs to store the
row). Here the statement is compiled once, the processors are looked up once per column, a
value already processed in that column (same type, equal) reuses its processed form
(``created_at`` is the same instant for a whole import), and the driver gets plain tuples: one
``executemany`` on SQLite, one ``COPY`` on PostgreSQL.
Use it inside a write transaction, for tables without ORM events, with rows that all have the
same keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import repeat
from operator import add, is_, itemgetter
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Select,
    Table,
    Text,
    any_,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from crm_tui.storage.copies_behind import CopiesBehind, active

_Processor = Callable[[Any], Any]
MEMO_SIZE = 4096
_NOTHING = object()
"""Processed values remembered per column: the instants and dates of an import repeat."""


def insert_rows(
    session: Session | Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    behind: CopiesBehind | None = None,
) -> None:
    """Insert ``rows`` (dicts keyed by column name) in one driver ``executemany`` (one ``COPY``
    on PostgreSQL, sent by ``behind``'s thread if given)."""
    if not rows:
        return
    keys = list(rows[0])
    _insert(session, table, keys, rows, {key: key for key in keys}, behind)


def insert_tuples(
    session: Session | Connection,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[Sequence[Any]],
    behind: CopiesBehind | None = None,
) -> None:
    """``insert_rows`` for rows given as tuples of the ``keys`` columns' values, in that order:
    a loader that writes a hundred thousand rows to each of several tables builds a tuple per
    row for less than the dict, and the values are taken out of it the same way."""
    if not rows:
        return
    _insert(session, table, list(keys), rows, {key: place for place, key in enumerate(keys)}, behind)


def _insert(
    session: Session | Connection,
    table: Table,
    keys: list[str],
    rows: Sequence[Any],
    places: Mapping[str, Any],
    behind: CopiesBehind | None = None,
) -> None:
    """``rows`` (each a mapping or a sequence; ``places`` says where each key's value is in a
    row) in one ``executemany``; on PostgreSQL a ``COPY``, which ``behind`` sends if given."""
    conn = session.connection() if isinstance(session, Session) else session
    dialect = conn.dialect
    # Compiled for the columns it fills: the rows' and those with a plain default.
    compiled = insert(table).values({k: bindparam(k) for k in keys}).compile(dialect=dialect)
    order = list(compiled.positiontup or ()) if compiled.positional else list(compiled.params)
    processors = {key: _processor(table, key, dialect) for key in order}
    given = set(keys)
    # Values no bind processor touches go to the driver as the rows hold them, taken out of each
    # dict in one step; the few processed ones (instants, dates, JSON) column by column, joined
    # on after. The columns are named in that order, not the table's: taking every value out
    # column by column and zipping the columns back into rows cost more than the inserts of a
    # narrow table (a 16-column client row: 6.7 against 2.1 us).
    plain = [key for key in order if key in given and processors[key] is None]
    treated = [key for key in order if key not in plain]
    columns = []
    for key in treated:
        process = processors[key]
        raw = (
            list(map(itemgetter(places[key]), rows))
            if key in given
            else [_scalar_default(table, key)] * len(rows)
        )
        columns.append(_convert(raw, process) if process is not None else raw)
    values = _row_tuples(rows, [places[key] for key in plain], columns)
    for column in table.c:
        # An SQL default (``func.now()``) is written into the compiled statement, not bound:
        # the statement below names the columns itself and would leave it out.
        if column.key not in given and getattr(column.default, "is_clause_element", False):
            raise ValueError(f"{table.name}.{column.key}: no value given and an SQL default")
    names = [table.c[key].name for key in (*plain, *treated)]
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    if dialect.name == "postgresql":
        job = partial(_copy, dbapi, dialect, table, names, values, _binary_types(conn, table, names))
        if behind is not None:
            behind.submit(job)
            return
        if (open_behind := active(conn)) is not None:
            open_behind.wait()  # a COPY sent here must not overtake those handed over before it
        job()
        return
    cursor = dbapi.cursor()
    try:
        if dialect.name == "sqlite":
            prepare = dialect.identifier_preparer
            listed = ", ".join(prepare.quote(name) for name in names)
            marks = ", ".join("?" * len(names))
            statement = f"INSERT INTO {prepare.format_table(table)} ({listed}) VALUES ({marks})"
            cursor.executemany(statement, values)
            return
        named = [*plain, *treated]
        cursor.executemany(str(compiled), [dict(zip(named, row, strict=True)) for row in values])
    finally:
        cursor.close()


def _row_tuples(
    rows: Sequence[Any], plain: Sequence[Any], columns: Sequence[list[Any]]
) -> list[tuple[Any, ...]]:
    """Each row's values at ``plain`` (keys or places), then its value of each of ``columns``,
    as one tuple."""
    if not plain:
        return list(zip(*columns, strict=True))
    if len(plain) == 1:
        first: Iterable[tuple[Any, ...]] = zip(map(itemgetter(plain[0]), rows))
    else:
        first = map(itemgetter(*plain), rows)
    if not columns:
        return list(first)
    return list(map(add, first, zip(*columns, strict=True)))


def _copy(
    dbapi: Any,
    dialect: Any,
    table: Table,
    names: list[str],
    rows: Iterable[tuple[Any, ...]],
    binary: list[int] | None,
) -> None:
    """PostgreSQL's ``COPY ... FROM STDIN``: the rows stream to the server in one command
    instead of a pipelined ``INSERT`` each (a 100,000-row import went from 27.6 s to about
    20 s). Values are the bind processors' output, which psycopg adapts as for a query.

    In binary where ``binary`` gives every column's type: psycopg packs an integer or an
    instant as its bytes instead of writing it out as text, and the server takes them as they
    are instead of parsing that text (a 100,000-row import: the importing process's COPYs
    about 1.8 -> 0.6 s of CPU, the server's a few per cent less)."""
    prepare = dialect.identifier_preparer
    listed = ", ".join(prepare.quote(name) for name in names)
    how = " (FORMAT BINARY)" if binary is not None else ""
    with (
        dbapi.cursor() as cursor,
        cursor.copy(f"COPY {prepare.format_table(table)} ({listed}) FROM STDIN{how}") as copy,
    ):
        if binary is not None:
            copy.set_types(binary)
        write = copy.write_row
        for row in rows:
            write(row)


BINARY_SAFE = frozenset({16, 20, 21, 23, 25, 1043, 1082, 1184})
"""The types (by oid: bool, int8, int2, int4, text, varchar, date, timestamptz) a binary
``COPY`` writes from the values the bulk rows hold (a ``bool``, an ``int``, a ``str``, a
``date``, an aware ``datetime``) as the server would have read them from text. A table with a
column of any other type (JSON, numeric) goes as text."""
_COLUMN_TYPES = "crm_copy_column_types"


def _binary_types(conn: Connection, table: Table, names: list[str]) -> list[int] | None:
    """The type of each of ``names`` in the base (not the model's: the binary format must be
    the column's very type), or ``None`` if any is not ``BINARY_SAFE``. Looked up once per
    table and connection."""
    known: dict[str, dict[str, int]] = conn.info.setdefault(_COLUMN_TYPES, {})
    columns = known.get(table.name)
    if columns is None:
        found = conn.exec_driver_sql(
            "SELECT attname, atttypid::int FROM pg_attribute "
            "WHERE attrelid = %(table)s::regclass AND attnum > 0 AND NOT attisdropped",
            {"table": conn.dialect.identifier_preparer.format_table(table)},
        )
        columns = known[table.name] = {name: oid for name, oid in found}
    types = [columns.get(name, 0) for name in names]
    return types if all(oid in BINARY_SAFE for oid in types) else None


def _scalar_default(table: Table, key: str) -> Any:
    default = table.c[key].default
    if default is None or not getattr(default, "is_scalar", False):
        raise ValueError(f"{table.name}.{key}: no value given and no plain default")
    return getattr(default, "arg", None)


def _processor(table: Table, key: str, dialect: Any) -> _Processor | None:
    column_type = table.c[key].type
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _convert(values: list[Any], process: _Processor) -> list[Any]:
    first = values[0] if values else None
    if all(map(is_, values, repeat(first))):
        # One object in every row (an import's one instant, a column of None): processed once.
        return [None if first is None else process(first)] * len(values)
    out: list[Any] = []
    # Keyed by type too: 1 == True == 1.0 in a dict, and a JSON column must not store a yes/no
    # answer as the number processed before it.
    seen: dict[tuple[type, Any], Any] = {}
    # The very object of the row before (an import's one instant in every row's created_at)
    # is not looked up again.
    last: Any = _NOTHING
    last_done: Any = None
    for value in values:
        if value is None:
            out.append(None)
            continue
        if value is last:
            out.append(last_done)
            continue
        key = (value.__class__, value)
        try:
            done = seen[key]
        except KeyError:
            done = process(value)
            if len(seen) < MEMO_SIZE:
                seen[key] = done
        except TypeError:  # unhashable (a JSON document): nothing to reuse
            done = process(value)
        out.append(done)
        last, last_done = value, done
    return out


def next_ids(session: Session | Connection, table: Table, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``table``, known before the insert.

    ``INSERT ... RETURNING`` with many rows makes SQLAlchemy insert them one statement each on
    SQLite. Allocating ids up front keeps a single ``executemany``: on SQLite the caller's
    ``BEGIN IMMEDIATE`` transaction is the only writer, so ``MAX(id)`` cannot move under it;
    on PostgreSQL the ids come from the table's own sequence.
    """
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name == "sqlite":
        top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table.name}")).scalar_one()
        return list(range(int(top) + 1, int(top) + 1 + count))
    # The sequence is looked up once (the materialised CTE), not once per id: ``nextval`` of a
    # name resolves it for every row it is called for, 12 times the cost of the allocation.
    sequence = f"pg_get_serial_sequence('{table.name}', 'id')::regclass"
    found = conn.execute(
        text(
            f"WITH s AS MATERIALIZED (SELECT {sequence} AS seq) "
            "SELECT nextval(s.seq) FROM s, generate_series(1, :n)"
        ),
        {"n": count},
    )
    return [int(i) for i in found.scalars()]


def next_ids_of(session: Session | Connection, wanted: Sequence[tuple[Table, int]]) -> list[list[int]]:
    """``next_ids`` of several tables, for a chunk that knows how many rows of each it writes
    before it writes any: on PostgreSQL in one statement (one wait for the server, not one a
    table); on SQLite table by table, as ``next_ids`` would give them one before each insert
    (``MAX(id)`` of one table does not move with another's rows)."""
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name != "postgresql":
        return [next_ids(conn, table, count) if count else [] for table, count in wanted]
    asked = [(place, table, count) for place, (table, count) in enumerate(wanted) if count]
    found: list[list[int]] = [[] for _ in wanted]
    if not asked:
        return found
    sequences = ", ".join(
        f"s{place} AS MATERIALIZED (SELECT pg_get_serial_sequence('{table.name}', 'id')::regclass AS seq)"
        for place, table, _ in asked
    )
    series = " UNION ALL ".join(
        f"(SELECT {place}, nextval(s{place}.seq) FROM s{place}, generate_series(1, {int(count)}))"
        for place, _, count in asked
    )
    for place, value in conn.exec_driver_sql(f"WITH {sequences} {series}"):
        found[place].append(int(value))
    return found


def fetch_rows(session: Session | Connection, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """All rows of ``statement`` as the driver returns them (plain tuples, no type processing).

    For scans over a whole table of plain columns (ids, strings) where SQLAlchemy's row objects
    cost as much as the query. Parameters are rendered inline, so use it only for statements
    built from trusted values (ids, codes), never from user text.
    """
    conn = session.connection() if isinstance(session, Session) else session
    sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def among(session: Session | Connection, column: Column[Any], values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN values`` for thousands of strings.

    SQLAlchemy expands a plain ``in_`` into a bound parameter per value, compiled and bound one
    by one (a third of the lookup itself for a 5,000-row chunk). On SQLite the values travel as
    one JSON array read by ``json_each``, and the index on ``column`` is still used; on
    PostgreSQL as one array parameter, ``column = ANY(:values)``.
    """
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name == "postgresql":
        # text[], not the column's varchar(n)[]: a cast to varchar(n) cuts a longer key down
        # without a word, and the cut key could match.
        return column == any_(bindparam(None, list(values), type_=ARRAY(Text())))
    if conn.dialect.name != "sqlite":
        return column.in_(values)
    listed = func.json_each(json.dumps(list(values), ensure_ascii=False)).table_valued("value")
    return column.in_(select(listed.c.value))


def among_ids(session: Session | Connection, column: Column[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids`` for thousands of ids, as ``among`` does it for strings (one JSON array
    on SQLite, one ``bigint[]`` parameter on PostgreSQL)."""
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(BigInteger())))
    if conn.dialect.name != "sqlite":
        return column.in_(ids)
    listed = func.json_each(json.dumps(list(ids))).table_valued("value")
    return column.in_(select(listed.c.value))
