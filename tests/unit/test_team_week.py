"""The team's week by manager (issue 21's review: a head saw one person at a time): each person's
tasks and overdue ones day by day, within the viewer's scope, read in one statement."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.users import add_user
from crm_tui.domain.tasks.manual import TaskDraft, cancel_task, set_task
from crm_tui.domain.tasks.week import DayLoad, TeamWeek, load_team_week, monday_of
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Role, users
from tests.cli_support import crm
from tests.query_plans import statements_of
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]
MONDAY = monday_of(FROZEN_NOW, MOSCOW)


def _team(ws: Workspace, viewer: Viewer | None = None) -> TeamWeek:
    with ws.read() as session:
        return load_team_week(session, viewer or ws.viewer, MONDAY, MOSCOW, FROZEN_NOW)


def _by_name(week: TeamWeek) -> dict[str, list[tuple[int, int]]]:
    return {r.person.full_name: [(d.tasks, d.overdue) for d in r.days] for r in week.rows}


def test_a_head_sees_the_regions_people_day_by_day_with_what_is_overdue(
    seeded: Seeded, workspace_for: Open
) -> None:
    head = workspace_for("smirnov")
    extra = set_task(head, TaskDraft("Отменённая встреча", "сегодня 18:00", "ivanova", "meeting", "Ромашка"))
    cancel_task(head, extra.id, 1, "клиент перенёс")
    week = _team(head)
    assert [r.person.full_name for r in week.rows] == ["Смирнов Олег", "Иванова Светлана"]
    assert _by_name(week)["Иванова Светлана"] == [
        (0, 0),  # Mon
        (1, 0),  # Tue: the first call, done
        (1, 1),  # Wed: the call on the proposal, overdue
        (1, 1),  # Thu: the payment reminder, overdue
        (2, 0),  # Fri (today): the meeting and the call, later today; the cancelled one is no work
        (1, 0),  # Sat
        (0, 0),  # Sun
    ]
    assert week.rows[1].total == DayLoad(6, 2)
    assert week.totals[4] == DayLoad(2, 0)
    assert week.days[4].isoformat() == "2026-11-20"


def test_an_admin_sees_everyone_a_manager_only_themself_a_head_without_a_region_only_themself(
    seeded: Seeded, workspace_for: Open, engine: Engine
) -> None:
    everyone = _by_name(_team(workspace_for("admin")))
    assert set(everyone) >= {"Иванова Светлана", "Петров Андрей", "Смирнов Олег"}
    assert everyone["Петров Андрей"][4] == (1, 1)  # the tender call, an hour ago
    mine = _team(workspace_for("ivanova"))
    assert [r.person.full_name for r in mine.rows] == ["Иванова Светлана"]
    lipetsk = _team(workspace_for("petrov"))
    assert [r.person.full_name for r in lipetsk.rows] == ["Петров Андрей"]
    with write_session(engine) as session:  # a head not given a region yet: default deny
        session.execute(update(users).where(users.c.id == seeded.users["smirnov"]).values(region=None))
    nowhere = Viewer(seeded.users["smirnov"], "smirnov", "Смирнов Олег", Role.HEAD, None)
    alone = _team(workspace_for("smirnov"), nowhere)
    assert [r.person.full_name for r in alone.rows] == ["Смирнов Олег"]
    assert alone.rows[0].total == DayLoad(0, 0)


def test_the_whole_team_is_one_read_however_many_people(
    seeded: Seeded, workspace_for: Open, engine: Engine
) -> None:
    head = workspace_for("smirnov")
    with statements_of(engine) as small:
        _team(head)
    with write_session(engine) as session:
        for n in range(12):
            add_user(
                session, login=f"m{n}", full_name=f"Менеджер {n:02}", role=Role.MANAGER,
                region="Москва", now=FROZEN_NOW, by_user_id=None,
            )  # fmt: skip
    for n in range(12):
        set_task(head, TaskDraft("Звонок", "сегодня 15:00", f"m{n}", "call"))
    with statements_of(engine) as big:
        week = _team(head)
    assert len(week.rows) == 14 and all(r.days[4].tasks >= 1 for r in week.rows[2:])
    assert len(big) == len(small) == 2  # the people, then their days


def test_crm_task_week_json_is_the_team_week(seeded_db: str) -> None:
    shown = crm("--db", seeded_db, "task", "week", "20.11", "--json", user="smirnov")
    assert shown.returncode == 0, shown.stderr
    week = json.loads(shown.stdout)
    assert week["monday"] == "2026-11-16" and len(week["days"]) == 7
    [ivanova] = [p for p in week["people"] if p["login"] == "ivanova"]
    assert ivanova["name"] == "Иванова Светлана"
    assert ivanova["days"][2] == {"day": "2026-11-18", "tasks": 1, "overdue": 1}
    assert ivanova["tasks"] == 6 and ivanova["overdue"] >= 2  # the CLI's clock is the real one
    assert "petrov" not in [p["login"] for p in week["people"]]
    alone = json.loads(crm("--db", seeded_db, "task", "week", "--json", user="petrov").stdout)
    assert [p["login"] for p in alone["people"]] == ["petrov"]
    bad = crm("--db", seeded_db, "task", "week", "когда-нибудь", user="smirnov")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
