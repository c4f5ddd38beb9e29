"""Bulk inserts and lookups on both databases: what goes in through ``insert_rows`` (a ``COPY``
on PostgreSQL, an ``executemany`` on SQLite) comes back exactly as it would through the ORM,
awkward text included, and ``among`` finds every one of thousands of keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from crm_tui.storage.bulk import _binary_types, among, insert_rows, insert_tuples, next_ids
from crm_tui.storage.database import write_session
from crm_tui.storage.models import audit_entries, clients, interactions, settings_table
from tests.seed import Seeded

# Text that COPY's text format must escape: its NULL marker, its delimiter, its row end, its
# escape character, and a Windows line end pasted from a manager's note.
AWKWARD = ["\\N", "a\tb", "line 1\nline 2", "C:\\Клиенты\\2026", "«Ромашка»\r\n", "", "null"]


def test_rows_come_back_as_they_went_in(engine: Engine, seeded: Seeded) -> None:
    at = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    client_id = seeded.clients["romashka"]
    admin = seeded.users["admin"]
    with write_session(engine) as session:
        ids = next_ids(session, interactions, len(AWKWARD))
        insert_rows(
            session,
            interactions,
            [
                {
                    "id": row_id,
                    "kind": "note",
                    "direction": "internal",
                    "occurred_at": at + timedelta(minutes=n),
                    "summary": text,
                    "client_id": client_id,
                    "user_id": admin,
                    "created_at": at,
                    "channel": None,
                    "duration_s": None if n % 2 else 60,
                    "deal_id": None,
                    "contact_id": None,
                }
                for n, (row_id, text) in enumerate(zip(ids, AWKWARD, strict=True))
            ],
        )
        insert_rows(
            session,
            audit_entries,
            [
                {
                    "at": at,
                    "user_id": admin,
                    "entity": "client",
                    "entity_id": client_id,
                    "action": "import_enrich",
                    "changes": {"filled": {"city": text}, "batch": 7, "ok": True, "none": None},
                }
                for text in AWKWARD
            ],
        )
    with engine.connect() as conn:
        stored = conn.execute(
            select(interactions.c.summary, interactions.c.occurred_at, interactions.c.duration_s)
            .where(interactions.c.id.in_(ids))
            .order_by(interactions.c.id)
        ).all()
        changes = conn.scalars(
            select(audit_entries.c.changes)
            .where(audit_entries.c.action == "import_enrich")
            .order_by(audit_entries.c.id)
        ).all()
    assert [row.summary for row in stored] == AWKWARD
    assert [row.occurred_at.astimezone(UTC) for row in stored] == [
        (at + timedelta(minutes=n)).astimezone(UTC) for n in range(len(AWKWARD))
    ]
    assert [row.duration_s for row in stored] == [None if n % 2 else 60 for n in range(len(AWKWARD))]
    assert changes == [{"filled": {"city": t}, "batch": 7, "ok": True, "none": None} for t in AWKWARD]


def test_rows_as_tuples_come_back_as_rows_as_dicts_do(engine: Engine, seeded: Seeded) -> None:
    """``insert_tuples`` (the import's rows) stores what ``insert_rows`` stores: the columns named
    in another order than the table's, one instant shared by every row (processed once), one
    that differs per row, a column of nothing but ``None``, one JSON document in every row."""
    at = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    client_id = seeded.clients["romashka"]
    admin = seeded.users["admin"]
    document = {"filled": {"city": "Тверь"}, "batch": 3}
    keys = ("summary", "id", "occurred_at", "created_at", "client_id", "user_id", "kind", "direction")
    with write_session(engine) as session:
        ids = next_ids(session, interactions, len(AWKWARD))
        insert_tuples(
            session,
            interactions,
            (*keys, "channel", "duration_s", "deal_id", "contact_id"),
            [
                (
                    text,
                    row_id,
                    at + timedelta(minutes=n),
                    at,
                    client_id,
                    admin,
                    "note",
                    "internal",
                    None,
                    60,
                    None,
                    None,
                )
                for n, (row_id, text) in enumerate(zip(ids, AWKWARD, strict=True))
            ],
        )
        insert_tuples(
            session,
            audit_entries,
            ("at", "user_id", "entity", "entity_id", "action", "changes"),
            [(at, admin, "client", client_id, "tuples", document)] * 3,
        )
    with engine.connect() as conn:
        stored = conn.execute(
            select(
                interactions.c.summary,
                interactions.c.occurred_at,
                interactions.c.created_at,
                interactions.c.channel,
            )
            .where(interactions.c.id.in_(ids))
            .order_by(interactions.c.id)
        ).all()
        changes = conn.scalars(
            select(audit_entries.c.changes).where(audit_entries.c.action == "tuples")
        ).all()
    assert [row.summary for row in stored] == AWKWARD
    assert [row.occurred_at.astimezone(UTC) for row in stored] == [
        (at + timedelta(minutes=n)).astimezone(UTC) for n in range(len(AWKWARD))
    ]
    assert {row.created_at.astimezone(UTC) for row in stored} == {at.astimezone(UTC)}
    assert {row.channel for row in stored} == {None}
    assert changes == [document] * 3


def test_among_finds_every_one_of_thousands_of_keys(engine: Engine, seeded: Seeded) -> None:
    with engine.connect() as conn:
        inns = {inn for inn in conn.scalars(select(clients.c.inn)) if inn}
    wanted = sorted(inns) + [f"{n:010}" for n in range(5000)]  # mostly keys nobody has
    with write_session(engine) as session:
        found = set(session.scalars(select(clients.c.inn).where(among(session, clients.c.inn, wanted))))
        none = session.scalars(select(clients.c.id).where(among(session, clients.c.inn, ["0"]))).all()
    assert found == inns and len(inns) > 3
    assert none == []


def test_yes_no_answers_stay_yes_no_beside_numbers(engine: Engine, seeded: Seeded) -> None:
    """1 == True to a dict: the values the bulk insert has already processed must not
    stand in for another type's."""
    values = [1, True, 0, False, 1.5, 2, "1"]
    at = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
    with write_session(engine) as session:
        insert_rows(
            session,
            settings_table,
            [
                {"key": f"bulk-{n}", "value": v, "updated_at": at, "user_id": None}
                for n, v in enumerate(values)
            ],
        )
    with engine.connect() as conn:
        stored = conn.execute(
            select(settings_table.c.key, settings_table.c.value).where(settings_table.c.key.like("bulk-%"))
        ).all()
    back = [value for _key, value in sorted(stored, key=lambda row: int(row.key.split("-")[1]))]
    assert [(type(v), v) for v in back] == [(type(v), v) for v in values]


def test_among_never_matches_a_longer_key_cut_to_the_column(engine: Engine, seeded: Seeded) -> None:
    full = "к" * 64  # settings.key holds 64 characters
    with write_session(engine) as session:
        insert_rows(
            session,
            settings_table,
            [{"key": full, "value": 1, "updated_at": datetime(2026, 12, 5, tzinfo=UTC), "user_id": None}],
        )
    with write_session(engine) as session:
        hits = session.scalars(
            select(settings_table.c.key).where(among(session, settings_table.c.key, [full + "лишнее", full]))
        ).all()
        longer = session.scalars(
            select(settings_table.c.key).where(among(session, settings_table.c.key, [full + "лишнее"]))
        ).all()
    assert hits == [full]
    assert longer == []


def test_every_binary_type_comes_back_as_it_went_in(engine: Engine, seeded: Seeded) -> None:
    """PostgreSQL's bulk rows go in binary where every column's type allows (``_binary_types``):
    yes/no, whole numbers past 32 bits, dates, instants in another zone to the microsecond, and
    text, come back as they went in; a table with a JSON column goes as text."""
    moscow = ZoneInfo("Europe/Moscow")
    at = datetime(2026, 12, 5, 23, 59, 59, 999_999, tzinfo=moscow)
    owner = seeded.users["admin"]
    rows = [
        (
            f"Бинарный {n} {awkward}",
            f"бинарный {n}",
            n % 2 == 0,
            date(1999 + n, 1 + n, 28) if n % 3 else None,
            2**40 + n if n % 2 else -(2**31),
            at + timedelta(days=n, microseconds=n),
            owner if n % 2 else None,
        )
        for n, awkward in enumerate(AWKWARD)
    ]
    keys = ("name", "name_key", "segment_manual", "last_purchase_on", "sales_total", "created_at", "owner_id")
    with write_session(engine) as session:
        ids = next_ids(session, clients, len(rows))
        insert_tuples(
            session,
            clients,
            ("id", *keys, "updated_at", "kind", "status", "search_text", "version"),
            [(i, *row, at, "company", "lead", row[1], 1) for i, row in zip(ids, rows, strict=True)],
        )
        if engine.dialect.name == "postgresql":
            conn = session.connection()
            assert _binary_types(conn, clients, ["id", *keys]) is not None
            assert _binary_types(conn, audit_entries, ["at", "changes"]) is None
    with engine.connect() as conn:
        stored = conn.execute(
            select(*(clients.c[key] for key in keys)).where(clients.c.id.in_(ids)).order_by(clients.c.id)
        ).all()
    assert [tuple(row) for row in stored] == rows
