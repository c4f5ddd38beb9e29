"""`crm deal list` and `crm task list` read at most a page: when more match they say so on
standard error, with --json too, and how to narrow the list; an empty list says «nothing found»
rather than printing a frame of headers (a reviewer's finding: they cut at 200 and 500 rows in
silence)."""

from __future__ import annotations

from sqlalchemy import insert, select

from crm_tui.domain.deals.edit import LIST_LIMIT as DEALS
from crm_tui.domain.tasks.listing import LIST_LIMIT as TASKS
from crm_tui.storage.database import dispose_engines, get_engine
from crm_tui.storage.models import deals, tasks
from tests.cli_support import crm

RUSSIAN = {"LANG": "ru_RU.UTF-8"}


def _copies(db: str, table: object, count: int) -> None:
    """``count`` more rows like the table's first (whose they are does not matter here)."""
    engine = get_engine(db)
    with engine.begin() as conn:
        first = dict(conn.execute(select(table).limit(1)).mappings().one())  # type: ignore[call-overload]
        first.pop("id")
        conn.execute(insert(table), [first] * count)  # type: ignore[arg-type]
    dispose_engines()


def test_a_list_that_stops_short_says_so_and_how_to_narrow_it(seeded_db: str) -> None:
    _copies(seeded_db, deals, DEALS)
    _copies(seeded_db, tasks, TASKS)
    for args, limit, hint in (
        (("deal", "list"), DEALS, "--owner, --stage, --client, --open"),
        (("task", "list", "--status", "all"), TASKS, "--mine, --overdue"),
    ):
        for extra in ((), ("--json",)):
            got = crm("--db", seeded_db, *args, *extra, user="admin", check=True)
            assert got.stderr.startswith(f"only the first {limit} are shown: more match; narrow the list"), (
                got.stderr
            )
            assert hint in got.stderr
            if extra:
                assert len(got.stdout.splitlines()) == limit
    few = crm("--db", seeded_db, "deal", "list", "--client", "1", user="admin", check=True)
    assert few.stderr == ""


def test_an_empty_list_says_nothing_was_found_and_statuses_read_in_words(seeded_db: str) -> None:
    for args in (("deal", "list", "--owner", "admin"), ("task", "list", "--assignee", "admin")):
        got = crm("--db", seeded_db, *args, user="admin", extra_env=RUSSIAN, check=True)
        assert got.stdout == "ничего не найдено\n"
    listed = crm("--db", seeded_db, "task", "list", user="admin", extra_env={**RUSSIAN, "COLUMNS": "200"})
    assert " open " not in listed.stdout and "открыта" in listed.stdout


def test_json_writes_moments_in_iso_8601_as_leads_list_does(seeded_db: str) -> None:
    import json

    listed = crm("--db", seeded_db, "task", "list", "--status", "all", "--json", user="admin", check=True)
    due = [json.loads(line)["due_at"] for line in listed.stdout.splitlines()]
    assert due and all("T" in moment and " " not in moment for moment in due), due[:3]
