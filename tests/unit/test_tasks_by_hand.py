"""Tasks set by hand for oneself or a colleague, changed and listed; free leads taken first come
first served."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.clients.take import TakenAlready, take_lead
from crm_tui.domain.desk import load_desk
from crm_tui.domain.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from crm_tui.domain.tasks.lifecycle import complete_task
from crm_tui.domain.tasks.listing import TaskQuery, list_tasks
from crm_tui.domain.tasks.manual import TaskDraft, cancel_task, reassign_task, reschedule_task, set_task
from crm_tui.domain.tasks.week import load_week, monday_of
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import ClientStatus, Role, audit_entries, clients, tasks, users
from tests.cli_support import CliResult, crm
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(MOSCOW):%a %d.%m %H:%M}"


def test_a_head_sets_a_task_for_a_manager_who_sees_it_on_the_desk_and_the_setter_sees_the_result(
    seeded: Seeded, workspace_for: Open
) -> None:
    head, manager = workspace_for("smirnov"), workspace_for("ivanova")
    made = set_task(
        head,
        TaskDraft(
            "Подготовить КП", "сегодня 17:00", "ivanova", "звонок", "Ромашка",
            str(seeded.deals["d_await_romashka"]), "со скидкой 5%",
        ),
    )  # fmt: skip
    assert (made.kind, made.client_id, _local(made.due_at)) == (
        "call",
        seeded.clients["romashka"],
        "Fri 20.11 17:00",
    )
    assert made.id in [t.id for t in load_desk(manager).tasks]  # due today: on the desk at once
    with manager.read() as session:
        [mine] = [
            t
            for t in list_tasks(session, manager.viewer, TaskQuery(mine=True), FROZEN_NOW)
            if t.id == made.id
        ]
    assert (mine.set_by, mine.note, mine.deal_id) == (
        "Смирнов Олег",
        "со скидкой 5%",
        seeded.deals["d_await_romashka"],
    )
    complete_task(manager, made.id, mine.version, "Отправила КП")
    with head.read() as session:
        [seen] = list_tasks(session, head.viewer, TaskQuery(set_by_me=True, status="done"), FROZEN_NOW)
    assert (seen.id, seen.result, seen.assignee) == (made.id, "Отправила КП", "Иванова Светлана")


def test_who_may_set_whom_a_task(seeded: Seeded, workspace_for: Open) -> None:
    manager = workspace_for("ivanova")
    assert set_task(manager, TaskDraft("Себе", "+2")).assignee_id == seeded.users["ivanova"]
    assert set_task(manager, TaskDraft("РОПу", "пн", "smirnov")).assignee_id == seeded.users["smirnov"]
    with pytest.raises(AccessDenied, match="works outside your region"):
        set_task(manager, TaskDraft("В Липецк", "пн", "petrov"))
    assert (
        set_task(workspace_for("admin"), TaskDraft("В Липецк", "пн", "petrov")).assignee_id
        == seeded.users["petrov"]
    )
    with pytest.raises(NotFound):  # another's client is not there for a manager
        set_task(manager, TaskDraft("Т", "пн", client=str(seeded.clients["metall"])))


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (TaskDraft("  ", "завтра"), "title"),
        (TaskDraft("Т", ""), "due"),
        (TaskDraft("Т", "вчера"), "due"),
        (TaskDraft("Т", "19.11.2026"), "due"),
        (TaskDraft("Т", "завтра", kind="пикник"), "kind"),
        (TaskDraft("Т", "завтра", "nobody"), "assignee"),
        (TaskDraft("Т", "завтра", deal="abc"), "deal"),
    ],
)
def test_bad_task_input_names_the_field(
    seeded: Seeded, workspace_for: Open, draft: TaskDraft, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        set_task(workspace_for("ivanova"), draft)
    assert refused.value.field == field


def test_reassign_reschedule_cancel_with_a_reason(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    head, manager = workspace_for("smirnov"), workspace_for("ivanova")
    made = set_task(head, TaskDraft("Встреча", "пн 11:00", "ivanova", "встреча"))
    version = reschedule_task(manager, made.id, 1, "вт 15:00")
    with pytest.raises(StaleEdit):
        reschedule_task(head, made.id, 1, "ср")
    version = reassign_task(head, made.id, version, "smirnov")
    with pytest.raises(NotFound):  # no longer hers, and she did not set it: out of her sight
        cancel_task(manager, made.id, version, "не нужно")
    with pytest.raises(InvalidInput, match="say why") as refused:
        cancel_task(head, made.id, version, "  ")
    assert refused.value.field == "reason"
    cancel_task(head, made.id, version, "клиент отменил")
    with write_session(engine) as session:
        row = session.execute(
            select(tasks.c.status, tasks.c.result, tasks.c.due_at).where(tasks.c.id == made.id)
        ).one()
        actions = session.scalars(
            select(audit_entries.c.action)
            .where(audit_entries.c.entity == "task", audit_entries.c.entity_id == made.id)
            .order_by(audit_entries.c.id)
        ).all()
    assert (row.status, row.result, _local(row.due_at)) == ("cancelled", "клиент отменил", "Tue 24.11 15:00")
    assert list(actions) == ["create", "reschedule", "reassign", "cancel"]


def test_task_lists_filter_and_stay_in_scope(seeded: Seeded, workspace_for: Open) -> None:
    petrov = workspace_for("petrov")
    with petrov.read() as session:
        seen = list_tasks(session, petrov.viewer, TaskQuery(status=None), FROZEN_NOW)
        overdue = list_tasks(session, petrov.viewer, TaskQuery(overdue=True), FROZEN_NOW)
    assert {t.assignee for t in seen} == {"Петров Андрей"}
    assert [t.title for t in overdue] == ["Звонок по тендеру"]
    head = workspace_for("smirnov")
    week = TaskQuery(due_from=FROZEN_NOW, due_to=FROZEN_NOW + timedelta(days=2))
    with head.read() as session:
        titles = [t.title for t in list_tasks(session, head.viewer, week, FROZEN_NOW)]
    assert titles == [
        "Встреча: презентация оборудования",
        "Уточнить объём поставки",
        "Перезвонить после праздников",
    ]


def test_tasks_through_crm(seeded_db: str) -> None:
    db = ("--db", seeded_db)
    add = (
        "task",
        "add",
        "Позвонить",
        "--due",
        "завтра 10:00",
        "--to",
        "ivanova",
        "--client",
        "Ромашка",
        "--json",
    )
    made = crm(*db, *add, user="smirnov")
    assert made.returncode == 0, made.stderr
    task = json.loads(made.stdout)["id"]
    listed = crm(*db, "task", "list", "--mine", "--json", user="ivanova")
    assert task in [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    assert crm(*db, "task", "move", str(task), "--due", "пн", user="ivanova").returncode == 0
    done = crm(*db, "task", "done", str(task), "--result", "Договорились", "--json", user="ivanova")
    assert json.loads(done.stdout) == {
        "task": task,
        "status": "done",
        "closed_by": "ivanova",
        "closed_by_name": "Иванова Светлана",
    }
    mine = crm(*db, "task", "list", "--set-by-me", "--status", "done", "--json", user="smirnov")
    assert [json.loads(line)["result"] for line in mine.stdout.splitlines()] == ["Договорились"]
    bad = crm(*db, "task", "add", "Т", "--due", "когда-нибудь", user="ivanova")
    assert bad.returncode == 2 and bad.stderr.startswith("crm: error: --due: when is 'когда-нибудь'?")


def _free_lead(engine: Engine, seeded: Seeded, name: str) -> int:
    admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
    with write_session(engine) as session:
        client_id = create_client(
            session, admin, ClientDraft(name=name, region="Москва", status=ClientStatus.LEAD), FROZEN_NOW
        )
        session.execute(update(clients).where(clients.c.id == client_id).values(owner_id=None))
    return client_id


def test_two_takers_at_once_exactly_one_wins_and_the_other_is_told_who(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    takers = {"ivanova": workspace_for("ivanova"), "smirnov": workspace_for("smirnov")}
    for round_ in range(5):
        lead = _free_lead(engine, seeded, f"Ничей {round_}")
        start = threading.Barrier(len(takers))
        outcomes: dict[str, object] = {}

        def take(
            login: str,
            client_id: int = lead,
            barrier: threading.Barrier = start,
            outcomes: dict[str, object] = outcomes,
        ) -> None:
            barrier.wait()
            try:
                outcomes[login] = take_lead(takers[login], client_id)
            except TakenAlready as exc:
                outcomes[login] = exc

        threads = [threading.Thread(target=take, args=(login,)) for login in takers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        lost = [login for login, outcome in outcomes.items() if isinstance(outcome, TakenAlready)]
        assert len(outcomes) == 2 and len(lost) == 1, outcomes
        winner = next(login for login in takers if login not in lost)
        names = {"ivanova": "Иванова Светлана", "smirnov": "Смирнов Олег"}
        assert str(outcomes[lost[0]]) == f"«Ничей {round_}» was taken first by {names[winner]}"
        with write_session(engine) as session:
            owner = session.scalar(select(clients.c.owner_id).where(clients.c.id == lead))
            takes = session.scalars(
                select(audit_entries.c.user_id).where(
                    audit_entries.c.entity == "client",
                    audit_entries.c.entity_id == lead,
                    audit_entries.c.action == "take",
                )
            ).all()
        assert owner == seeded.users[winner] and list(takes) == [seeded.users[winner]]


def test_a_lead_of_another_region_is_not_there_to_take(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    lead = _free_lead(engine, seeded, "Свободный")
    with pytest.raises(NotFound, match=f"client {lead} not found"):  # Петров works in Липецк
        take_lead(workspace_for("petrov"), lead)
    assert take_lead(workspace_for("ivanova"), lead).already_yours is False
    assert take_lead(workspace_for("ivanova"), lead).already_yours is True


def test_taking_through_crm(seeded_db: str) -> None:
    from crm_tui.domain.workspace import prepare_database

    engine = prepare_database(seeded_db)
    with engine.connect() as conn:
        ids = {login: uid for uid, login in conn.execute(select(users.c.id, users.c.login))}
    lead = _free_lead(engine, Seeded(users=ids), "Свободный")
    taken = crm("--db", seeded_db, "clients", "take", str(lead), "--json", user="ivanova")
    assert taken.returncode == 0 and json.loads(taken.stdout)["client_id"] == lead
    again = crm("--db", seeded_db, "clients", "take", str(lead), user="smirnov")
    assert again.returncode == 2
    assert again.stderr.strip() == "crm: error: «Свободный» was taken first by Иванова Светлана"


def test_the_week_by_day_with_what_one_set_for_others(seeded: Seeded, workspace_for: Open) -> None:
    head, manager = workspace_for("smirnov"), workspace_for("ivanova")
    made = set_task(head, TaskDraft("Встреча: условия", "пн 11:00", "ivanova", "встреча", "Ромашка"))
    monday = monday_of(FROZEN_NOW + timedelta(days=3), MOSCOW)
    with manager.read() as session:
        hers = load_week(session, manager.viewer, monday, MOSCOW, FROZEN_NOW)
    with head.read() as session:
        his = load_week(session, head.viewer, monday, MOSCOW, FROZEN_NOW)
        as_head = load_week(session, head.viewer, monday, MOSCOW, FROZEN_NOW, seeded.users["ivanova"])
    first = hers.days[0]
    assert (first.day.isoformat(), [t.title for t in first.tasks]) == ("2026-11-23", ["Встреча: условия"])
    assert [t.id for t in his.days[0].tasks] == [made.id]  # what he set, on his own week
    assert [t.id for t in as_head.days[0].tasks] == [made.id]
    assert [p.full_name for p in hers.people] == ["Иванова Светлана"]
    assert his.people[0].full_name == "Смирнов Олег" and "Иванова Светлана" in [
        p.full_name for p in his.people
    ]
    with manager.read() as session:  # a manager does not look into a colleague's week
        assert (
            load_week(session, manager.viewer, monday, MOSCOW, FROZEN_NOW, seeded.users["smirnov"])
            .days[0]
            .tasks
            == []
        )


def test_a_colleague_is_named_by_login_surname_or_full_name(seeded_db: str) -> None:
    """A new manager need not know logins (a reviewer's finding: `--to Леонова` was refused)."""
    json_ = json

    def add(to: str, user: str = "smirnov") -> CliResult:
        return crm("--db", seeded_db, "task", "add", "Позвонить", "--due", "завтра 10:00", "--to", to,
                   "--json", user=user)  # fmt: skip

    for name in ("ivanova", "Иванова", "иванова светлана"):
        made = add(name)
        assert made.returncode == 0, made.stderr
        shown = crm(
            "--db", seeded_db, "task", "list", "--assignee", "ivanova", "--json", user="smirnov"
        ).stdout
        assert json_.loads(made.stdout)["id"] in [json_.loads(line)["id"] for line in shown.splitlines()]
    crm("--db", seeded_db, "user", "add", "ivanova.m", "--name", "Иванова Мария", "--role", "manager",
        "--region", "Москва", user="admin", check=True)  # fmt: skip
    several = add("Иванова")
    assert several.returncode == 2
    assert "«Иванова Светлана» (ivanova), «Иванова Мария» (ivanova.m)" in several.stderr or (
        "«Иванова Мария» (ivanova.m), «Иванова Светлана» (ivanova)" in several.stderr
    ), several.stderr
    assert "no active user 'Никто'" in add("Никто").stderr
