"""``CopiesBehind``: on PostgreSQL a chunk's ``COPY``s are sent from a worker thread while the
chunk builds its next rows. They must run in the order given, be in the base for the chunk's
next statement, and a failure (theirs or the chunk's own) must leave neither rows nor a
connection still busy. On SQLite every insert runs at once; the same tests hold there."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, Table, func, select

from crm_tui.storage.bulk import insert_tuples, next_ids
from crm_tui.storage.copies_behind import copies_behind
from crm_tui.storage.database import write_session
from crm_tui.storage.models import channels, contacts
from tests.seed import Seeded

AT = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
PEOPLE = 3000


def _people(client_id: int, ids: list[int]) -> list[tuple[object, ...]]:
    return [(i, client_id, f"Сотрудник {i}", "менеджер", AT) for i in ids]


def _count(engine: Engine, table: Table, client_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(select(func.count()).select_from(table).where(table.c.client_id == client_id)) or 0
        )


@pytest.mark.parametrize("handed_over", [True, False], ids=["channels-behind", "channels-sent-here"])
def test_copies_run_in_order_and_the_next_statement_sees_them(
    engine: Engine, seeded: Seeded, handed_over: bool
) -> None:
    """Channels pointing to contacts handed over just before them (the foreign keys checked as
    each row goes in: a channel sent first would be refused), whether the channels are handed
    over too or sent by the caller itself; then a read of the chunk's own."""
    client_id = seeded.clients["romashka"]
    before = _count(engine, contacts, client_id)
    with write_session(engine) as session, copies_behind(session) as behind:
        people = next_ids(session, contacts, PEOPLE)
        phones = next_ids(session, channels, PEOPLE)
        insert_tuples(
            session, contacts, ("id", "client_id", "full_name", "position", "created_at"),
            _people(client_id, people), behind,
        )  # fmt: skip
        insert_tuples(
            session, channels, ("id", "contact_id", "client_id", "kind", "value", "raw"),
            [(p, c, client_id, "phone", f"+7999{p:07}", str(p)) for p, c in zip(phones, people, strict=True)],
            behind if handed_over else None,
        )  # fmt: skip
        seen = session.scalar(
            select(func.count()).select_from(channels).where(channels.c.id.in_(phones[-5:]))
        )
        assert seen == 5
    assert _count(engine, contacts, client_id) == before + PEOPLE


def test_a_failed_copy_fails_the_chunk_and_leaves_nothing(engine: Engine, seeded: Seeded) -> None:
    client_id = seeded.clients["romashka"]
    before = _count(engine, contacts, client_id)
    keys = ("id", "client_id", "full_name", "position", "created_at")
    with (
        pytest.raises(Exception, match=r"(?i)unique|duplicate|pk_contacts|primary"),
        write_session(engine) as session,
        copies_behind(session) as behind,
    ):
        ids = next_ids(session, contacts, PEOPLE)
        insert_tuples(session, contacts, keys, _people(client_id, ids), behind)
        insert_tuples(session, contacts, keys, _people(client_id, ids[:1]), behind)
        insert_tuples(session, contacts, keys, _people(client_id, [ids[-1] + 1]), behind)
    assert _count(engine, contacts, client_id) == before
    with write_session(engine) as session:  # the connection went back to the pool usable
        assert session.scalar(select(func.count()).select_from(contacts)) is not None


def test_the_chunk_failing_while_a_copy_runs_leaves_nothing(engine: Engine, seeded: Seeded) -> None:
    """The chunk's own error wins; the ``COPY`` under way ends before the rollback, and what
    was not started never runs (it would have written outside the rolled-back transaction)."""
    client_id = seeded.clients["romashka"]
    before = _count(engine, contacts, client_id)
    keys = ("id", "client_id", "full_name", "position", "created_at")
    with (
        pytest.raises(RuntimeError, match="the chunk's own"),
        write_session(engine) as session,
        copies_behind(session) as behind,
    ):
        ids = next_ids(session, contacts, 4 * PEOPLE)
        for part in range(4):
            rows = _people(client_id, ids[part * PEOPLE : (part + 1) * PEOPLE])
            insert_tuples(session, contacts, keys, rows, behind)
        raise RuntimeError("the chunk's own")
    assert _count(engine, contacts, client_id) == before
