"""`crm task`: set a task for oneself or a colleague, list, finish, move, cancel; the twins of the
task dialog, the desk and the week view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from crm_tui.cli.common import (
    UNKNOWN_USER,
    capped,
    fail,
    json_fields,
    open_ws,
    options_named,
    person_json,
    print_json,
    print_rows,
    say,
    user_id_of,
)
from crm_tui.cli.ids import record_id
from crm_tui.i18n import _

if TYPE_CHECKING:
    from crm_tui.domain.tasks.listing import TaskRow
    from crm_tui.domain.workspace import Workspace

app = typer.Typer(
    help="Tasks: set them for yourself or a colleague, list, finish, move, cancel.", no_args_is_help=True
)
JSON_HELP = "Print the result as JSON."
OPTIONS = {
    "assignee": "--to", "due": "--due", "kind": "--kind", "client": "--client", "deal": "--deal",
    "note": "--note", "reason": "--reason", "result": "--result",
}  # fmt: skip
"""The option each field of a task is typed in: what a refusal names."""


def _option(field: str, _params: dict[str, object]) -> str | None:
    return OPTIONS.get(field)


VERSION_HELP = "Refuse if the task changed since this version."


def _version(ws: Workspace, task_id: int, version: int | None) -> int:
    if version is not None:
        return version
    from crm_tui.domain.errors import not_found
    from crm_tui.storage.tables.activity import tasks

    with ws.read() as session:
        found = session.scalar(tasks.select().with_only_columns(tasks.c.version).where(tasks.c.id == task_id))
    if found is None:
        raise not_found("task", task_id)
    return int(found)


def _row_json(row: TaskRow) -> dict[str, Any]:

    fields = json_fields(row)
    for key in ("assignee", "set_by", "closed_by"):
        fields |= person_json(key, fields.pop(f"{key}_login"), fields.pop(key))
    return fields


def _assignee_json(ws: Workspace, task_id: int) -> dict[str, str | None]:
    """Whose the task is now, as every task's ``--json`` names a person."""
    from crm_tui.storage.tables.activity import tasks
    from crm_tui.storage.tables.team import users

    with ws.read() as session:
        login, name = session.execute(
            tasks.join(users, users.c.id == tasks.c.assignee_id)
            .select()
            .with_only_columns(users.c.login, users.c.full_name)
            .where(tasks.c.id == task_id)
        ).one()
    return person_json("assignee", login, name)


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is to be done.")],
    due: Annotated[str, typer.Option("--due", help="When: завтра 10:00, пт, +2, 25.12, 25.12 15:00.")],
    to: Annotated[
        str | None, typer.Option("--to", help="The assignee: login, surname or full name (default: you).")
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help="call, meeting, email or todo.")] = "todo",
    client: Annotated[str, typer.Option("--client", help="The client: id, name, INN or phone.")] = "",
    deal: Annotated[str, typer.Option("--deal", help="The deal id.")] = "",
    note: Annotated[str, typer.Option("--note", help="A note for the assignee.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Set a task for yourself or a colleague of your scope."""

    from crm_tui.domain.tasks.manual import TaskDraft, set_task

    if to is not None and not to.strip():  # an empty --to is a slip, not "myself"
        fail(_("--to is empty: name the assignee, or leave --to out to set the task for yourself"))
    ws = open_ws(ctx)
    with options_named(_option):
        made = set_task(ws, TaskDraft(title, due, to or "", kind, client, deal, note))
    if as_json:
        fields = json_fields(made)
        for key in ("assignee", "set_by"):
            fields |= person_json(key, fields.pop(f"{key}_login"), fields.pop(f"{key}_name"))
        print_json(fields)
        return
    say(
        _("task {task} set, due {due}").format(
            task=made.id, due=f"{made.due_at.astimezone(ws.tz):%d.%m.%Y %H:%M}"
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    mine: Annotated[bool, typer.Option("--mine", help="Only tasks assigned to you.")] = False,
    set_by_me: Annotated[
        bool, typer.Option("--set-by-me", help="Only tasks you set (with --status done: what came of them).")
    ] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks past their due time.")] = False,
    due_from: Annotated[str, typer.Option("--from", help="Due from this day: today, пн, 01.12.")] = "",
    due_to: Annotated[str, typer.Option("--to", help="Due up to this day, inclusive.")] = "",
    assignee: Annotated[str | None, typer.Option("--assignee", help="Only tasks of this login.")] = None,
    client: Annotated[
        int | None,
        typer.Option("--client", help="Only tasks on this client id.", callback=record_id("client")),
    ] = None,
    status: Annotated[str, typer.Option("--status", help="open, done, cancelled or all.")] = "open",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per task per line.")] = False,
) -> None:
    """The tasks you may see (yours, those you set, your people's), soonest due first: at most 500
    (when more match, standard error says so; narrow with --mine, --from, --to, --assignee...)."""
    from datetime import datetime, time, timedelta

    from crm_tui.domain.tasks.listing import LIST_LIMIT, TaskQuery, list_tasks
    from crm_tui.domain.values.moments import parse_day
    from crm_tui.storage.tables.activity import TaskStatus

    ws = open_ws(ctx)
    statuses = {s.value for s in TaskStatus}
    if status != "all" and status not in statuses:
        fail(_("unknown status {status!r}: use open, done, cancelled or all").format(status=status))
    now = ws.now()
    # A filter looks back: «пн» is this week's Monday, «01.12» the last one (not the next year's).
    first = parse_day(due_from, now, ws.tz, back=True) if due_from else None
    last = parse_day(due_to, now, ws.tz, back=True, not_before=first) if due_to else None
    if first is not None and last is not None and first > last:
        fail(
            _("--from {first} is after --to {last}").format(
                first=f"{first:%d.%m.%Y}", last=f"{last:%d.%m.%Y}"
            )
        )
    start = datetime.combine(first, time(), tzinfo=ws.tz) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=ws.tz) if last else None
    query = TaskQuery(
        mine=mine, set_by_me=set_by_me, overdue=overdue, due_from=start, due_to=end,
        assignee_id=user_id_of(ws, assignee, "--assignee", UNKNOWN_USER), client_id=client,
        status=None if status == "all" else status,
    )  # fmt: skip
    with ws.read_core() as session:
        rows = list_tasks(session, ws.viewer, query, now, LIST_LIMIT + 1)
    rows = capped(rows, LIST_LIMIT, "--mine, --overdue, --from, --to, --assignee, --client, --status")
    if as_json:
        for row in rows:
            print_json(_row_json(row))
        return
    print_rows(
        _("id"), _("Due"), _("Task"), _("Who"), _("Client"), _("Status"),
        rows=[
            (r.id, f"{r.due_at.astimezone(ws.tz):%d.%m %H:%M}" + (" !" if r.overdue(now) else ""), r.title,
             r.assignee or "—", r.client or "—",
             r.outcome)
            for r in rows
        ],
    )  # fmt: skip


@app.command("done")
def done(
    ctx: typer.Context,
    task: Annotated[int, typer.Argument(help="Task id.", callback=record_id("task"))],
    result: Annotated[str, typer.Option("--result", help="What came of it (required).")],
    version: Annotated[int | None, typer.Option("--version", help=VERSION_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Mark a task done with its result (the one who set it sees it)."""
    from crm_tui.domain.tasks.lifecycle import complete_task

    ws = open_ws(ctx)
    with options_named(_option):
        complete_task(ws, task, _version(ws, task, version), result)
    if as_json:
        print_json(
            {"task": task, "status": "done"} | person_json("closed_by", ws.viewer.login, ws.viewer.full_name)
        )
        return
    say(_("task {task} done").format(task=task))


@app.command("move")
def move(
    ctx: typer.Context,
    task: Annotated[int, typer.Argument(help="Task id.", callback=record_id("task"))],
    due: Annotated[str, typer.Option("--due", help="The new due time: завтра 10:00, пт, +2, 25.12.")] = "",
    to: Annotated[
        str, typer.Option("--to", help="Give it to this colleague: login, surname or full name.")
    ] = "",
    version: Annotated[int | None, typer.Option("--version", help=VERSION_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Reschedule a task (--due) or give it to a colleague (--to), or both."""
    from crm_tui.domain.tasks.manual import reassign_task, reschedule_task

    if not due and not to:
        fail(_("say --due or --to"))
    ws = open_ws(ctx)
    new_version = _version(ws, task, version)
    with options_named(_option):
        if due:
            new_version = reschedule_task(ws, task, new_version, due)
        if to:
            new_version = reassign_task(ws, task, new_version, to)
    if as_json:
        print_json({"task": task, "version": new_version} | _assignee_json(ws, task))
        return
    say(_("task {task} saved (version {version})").format(task=task, version=new_version))


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    task: Annotated[int, typer.Argument(help="Task id.", callback=record_id("task"))],
    reason: Annotated[str, typer.Option("--reason", help="Why (required; the one who set it sees it).")],
    version: Annotated[int | None, typer.Option("--version", help=VERSION_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Cancel a task, saying why."""
    from crm_tui.domain.tasks.manual import cancel_task

    ws = open_ws(ctx)
    with options_named(_option):
        new_version = cancel_task(ws, task, _version(ws, task, version), reason)
    if as_json:
        closer = person_json("closed_by", ws.viewer.login, ws.viewer.full_name)
        print_json({"task": task, "status": "cancelled", "version": new_version} | closer)
        return
    say(_("task {task} cancelled").format(task=task))


@app.command("week")
def week(
    ctx: typer.Context,
    day: Annotated[
        str, typer.Argument(help="A day of the week to show: today, пн, 16.11 (default: today).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """The week by person, as a head's week view shows it: the tasks due each day (open or done)
    and how many of them are overdue (``5 2!``), for the people whose tasks you see (a manager:
    yourself)."""
    from datetime import timedelta

    from crm_tui.domain.errors import InvalidInput
    from crm_tui.domain.tasks.week import load_team_week
    from crm_tui.domain.values.moments import parse_day

    ws = open_ws(ctx)
    now = ws.now()
    try:
        picked = parse_day(day or "today", now, ws.tz, back=True)
    except InvalidInput:
        fail(_("DAY {day} is not a day: try today, пн or 16.11").format(day=day))
    monday = picked - timedelta(days=picked.weekday())
    with ws.read() as session:
        team = load_team_week(session, ws.viewer, monday, ws.tz, now)
    if as_json:
        print_json(
            {
                "monday": team.monday,
                "days": team.days,
                "people": [
                    {
                        "id": row.person.id,
                        "login": row.person.login,
                        "name": row.person.full_name,
                        "tasks": row.total.tasks,
                        "overdue": row.total.overdue,
                        "days": [
                            {"day": d, "tasks": load.tasks, "overdue": load.overdue}
                            for d, load in zip(team.days, row.days, strict=True)
                        ],
                    }
                    for row in team.rows
                ],
            }
        )
        return
    from crm_tui.domain.values.formatting import weekday

    def cell(tasks: int, overdue: int) -> str:
        return f"{tasks} {overdue}!" if overdue else str(tasks) if tasks else "·"

    print_rows(
        _("Who"), *(f"{weekday(d)} {d:%d.%m}" for d in team.days), _("Week"),
        rows=[
            (row.person.full_name, *(cell(d.tasks, d.overdue) for d in row.days),
             cell(row.total.tasks, row.total.overdue))
            for row in team.rows
        ],
    )  # fmt: skip
