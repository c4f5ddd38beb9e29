"""Bulk inserts and lookups on both databases: what goes in through ``insert_rows`` (a ``COPY``
on PostgreSQL, an ``executemany`` on SQLite) comes back exactly as it would through the ORM,
awkward text included, and ``among`` finds every one of thousands of keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from storage.bulk import among, insert_rows, next_ids
from storage.database import write_session
from storage.models import audit_entries, clients, interactions
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


def test_among_finds_every_one_of_thousands_of_keys(engine: Engine, seeded: Seeded) -> None:
    with engine.connect() as conn:
        inns = {inn for inn in conn.scalars(select(clients.c.inn)) if inn}
    wanted = sorted(inns) + [f"{n:010}" for n in range(5000)]  # mostly keys nobody has
    with write_session(engine) as session:
        found = set(session.scalars(select(clients.c.inn).where(among(session, clients.c.inn, wanted))))
        none = session.scalars(select(clients.c.id).where(among(session, clients.c.inn, ["0"]))).all()
    assert found == inns and len(inns) > 3
    assert none == []
