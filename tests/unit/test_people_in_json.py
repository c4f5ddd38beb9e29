"""Every deal and task ``--json`` names a person the same way (issue 21's review: `deal show` gave
the owner's full name, `deal list` the login, `task list` full names): the login under
``owner``/``assignee``/``set_by``/``closed_by``/``user`` (what a script passes back to
``--owner`` and ``--to``), the full name under the same key with ``_name``."""

from __future__ import annotations

import json
from typing import Any

from tests.cli_support import crm

IVANOVA = {"login": "ivanova", "name": "Иванова Светлана"}
SMIRNOV = {"login": "smirnov", "name": "Смирнов Олег"}


def _run(db: str, *args: str, user: str) -> Any:
    """The one JSON object a command printed."""
    [row] = _rows(db, *args, user=user)
    return row


def _rows(db: str, *args: str, user: str) -> list[Any]:
    """The JSON objects a command printed, one a line."""
    done = crm("--db", db, *args, "--json", user=user)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _is(row: dict[str, Any], key: str, who: dict[str, str] | None) -> None:
    if who is None:
        assert (row[key], row[f"{key}_name"]) == (None, None), row
    else:
        assert (row[key], row[f"{key}_name"]) == (who["login"], who["name"]), row


def test_deals_name_their_owner_by_login_with_the_full_name_beside(seeded_db: str) -> None:
    added = _run(
        seeded_db, "deal", "add", "Ромашка", "--title", "Насосы", "--owner", "ivanova", user="smirnov"
    )
    _is(added, "owner", IVANOVA)
    deal = str(added["id"])
    _run(seeded_db, "deal", "lines", deal, "--add", "Насос;1;шт;100;20", user="ivanova")
    shown = _run(seeded_db, "deal", "show", deal, user="ivanova")
    _is(shown, "owner", IVANOVA)
    _is(shown["history"][0], "user", SMIRNOV)  # who opened it
    _is(shown["tasks"][0], "assignee", IVANOVA)  # the stage's playbook task
    listed = _rows(seeded_db, "deal", "list", "--open", "--owner", "ivanova", user="smirnov")
    assert added["id"] in [row["id"] for row in listed]
    for row in listed:
        _is(row, "owner", IVANOVA)


def test_tasks_name_assignee_setter_and_closer_by_login_with_the_full_name_beside(seeded_db: str) -> None:
    made = _run(
        seeded_db, "task", "add", "Позвонить", "--due", "завтра 10:00", "--to", "Иванова", user="smirnov"
    )
    _is(made, "assignee", IVANOVA)
    _is(made, "set_by", SMIRNOV)
    task = str(made["id"])
    moved = _run(seeded_db, "task", "move", task, "--due", "+2", user="ivanova")
    _is(moved, "assignee", IVANOVA)
    listed = [
        r for r in _rows(seeded_db, "task", "list", "--set-by-me", user="smirnov") if r["id"] == made["id"]
    ]
    _is(listed[0], "assignee", IVANOVA)
    _is(listed[0], "set_by", SMIRNOV)
    _is(listed[0], "closed_by", None)
    done = _run(seeded_db, "task", "done", task, "--result", "Договорились", user="ivanova")
    _is(done, "closed_by", IVANOVA)
    after = [
        r
        for r in _rows(seeded_db, "task", "list", "--set-by-me", "--status", "all", user="smirnov")
        if r["id"] == made["id"]
    ]
    _is(after[0], "closed_by", IVANOVA)
    other = _run(seeded_db, "task", "add", "Встреча", "--due", "завтра 12:00", user="ivanova")
    _is(_run(seeded_db, "task", "cancel", str(other["id"]), "--reason", "перенесли", user="ivanova"),
        "closed_by", IVANOVA)  # fmt: skip


def test_a_lead_taken_names_its_new_owner_by_login(seeded_db: str) -> None:
    from sqlalchemy import select

    from crm_tui.domain.workspace import prepare_database
    from crm_tui.storage.models import users
    from tests.seed import Seeded
    from tests.unit.test_tasks_by_hand import _free_lead

    engine = prepare_database(seeded_db)
    with engine.connect() as conn:
        ids = {login: uid for uid, login in conn.execute(select(users.c.id, users.c.login))}
    lead = _free_lead(engine, Seeded(users=ids), "Свободный")
    _is(_run(seeded_db, "clients", "take", str(lead), user="ivanova"), "owner", IVANOVA)
