"""A closed task says what became of it in words: done or cancelled, by whom, with the result or
the reason (issue 21's review: a cancelled task read as a done one in `task list --set-by-me
--status all` and on the week view, both showing only the text)."""

from __future__ import annotations

import json
from collections.abc import Callable

from crm_tui.domain.tasks.lifecycle import complete_task
from crm_tui.domain.tasks.listing import TaskQuery, list_tasks
from crm_tui.domain.tasks.manual import TaskDraft, cancel_task, set_task
from crm_tui.domain.workspace import Workspace
from tests.cli_support import crm
from tests.seed import FROZEN_NOW, Seeded

Open = Callable[[str], Workspace]


def test_done_and_cancelled_read_apart_with_who_closed_them(seeded: Seeded, workspace_for: Open) -> None:
    head, manager = workspace_for("smirnov"), workspace_for("ivanova")
    done = set_task(head, TaskDraft("Отправить КП", "завтра 10:00", "ivanova"))
    dropped = set_task(head, TaskDraft("Позвонить", "завтра 11:00", "ivanova"))
    still = set_task(head, TaskDraft("Встреча", "завтра 12:00", "ivanova"))
    complete_task(manager, done.id, 1, "Отправила")
    cancel_task(manager, dropped.id, 1, "клиент отменил")
    with head.read() as session:
        rows = {
            r.id: r
            for r in list_tasks(session, head.viewer, TaskQuery(set_by_me=True, status=None), FROZEN_NOW)
        }
    assert rows[done.id].outcome == "done (Иванова Светлана): Отправила"
    assert rows[dropped.id].outcome == "cancelled (Иванова Светлана): клиент отменил"
    assert (rows[still.id].outcome, rows[still.id].closed_by) == ("open", None)


def test_task_list_shows_the_status_in_words(seeded_db: str) -> None:
    db = ("--db", seeded_db)
    made = crm(*db, "task", "add", "Позвонить", "--due", "завтра 10:00", "--to", "ivanova", "--json",
               user="smirnov")  # fmt: skip
    task = json.loads(made.stdout)["id"]
    crm(*db, "task", "cancel", str(task), "--reason", "клиент отменил", user="ivanova", check=True)
    listed = crm(*db, "task", "list", "--set-by-me", "--status", "all", "--json", user="smirnov")
    [row] = [json.loads(line) for line in listed.stdout.splitlines() if json.loads(line)["id"] == task]
    assert (row["status"], row["closed_by"], row["closed_by_name"], row["result"]) == (
        "cancelled",
        "ivanova",
        "Иванова Светлана",
        "клиент отменил",
    )
    shown = crm(
        *db, "task", "list", "--set-by-me", "--status", "all", user="smirnov", extra_env={"CRM_LOCALE": "ru"}
    )
    assert "отменена" in shown.stdout, shown.stdout
