"""A client out of one's scope is «not found», exactly as a missing one, in every command that
names a client (issue 21's review: `crm task list --client N` and `crm deal list --client N`
answered «nothing found» and exit 0 for Петров's client, `crm deal add N` «client N not found»
and exit 2: asked both ways, the answers told that the client exists)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from crm_tui.storage.models import clients
from tests.cli_support import crm

MISSING = 999_999


def _metall(db: str) -> int:
    """Петров's client, in Липецк: Иванова (Москва) does not see it."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            found = conn.scalar(select(clients.c.id).where(clients.c.name == "Липецкий металл"))
            assert found is not None
            return int(found)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "command",
    [
        ("task", "list", "--client", "{id}"),
        ("task", "add", "Позвонить", "--due", "завтра 10:00", "--client", "{id}"),
        ("deal", "list", "--client", "{id}"),
        ("deal", "add", "{id}", "--title", "Т"),
        ("clients", "take", "{id}"),
    ],
)
def test_a_client_out_of_scope_is_not_found_as_a_missing_one(
    seeded_db: str, command: tuple[str, ...]
) -> None:
    metall = _metall(seeded_db)
    answers = []
    for client in (metall, MISSING):
        done = crm("--db", seeded_db, *(part.format(id=client) for part in command), user="ivanova")
        answers.append((done.returncode, done.stdout, done.stderr.replace(str(client), "N")))
    assert answers[0] == answers[1] == (2, "", "crm: error: client N not found\n")


def test_a_client_in_scope_lists_its_deals_and_tasks(seeded_db: str) -> None:
    for noun in ("task", "deal"):
        listed = crm("--db", seeded_db, noun, "list", "--client", str(_metall(seeded_db)), user="petrov")
        assert listed.returncode == 0 and listed.stdout and listed.stderr == ""
