"""Tasks set by a person: for oneself or a colleague, on a client and/or a deal, due when people
say (``завтра 10:00``, ``пт``, ``+2``, ``25.12``: ``values.moments``); reassigned, rescheduled,
cancelled with a reason; listed. The task is written by ``create.open_task`` as every task is.

Who may set a task for whom is the capability table's ``set_tasks`` (a manager: the region's
team; a head: the region; an admin: anyone). A task is changed (reassigned, moved, cancelled) by
whoever may complete it (``complete_tasks``: its assignee, its region's head, an admin) or by
whoever set it: the setter of a task keeps a say over it. The setter sees its result in ``crm task list
--set-by-me`` and on the week view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, can, person, require
from crm_tui.domain.access.users import find_colleague, viewer_of
from crm_tui.domain.access.visibility import visible_clients, visible_deals
from crm_tui.domain.audit.changes import change, stale
from crm_tui.domain.captions import ACTIVITY_KIND_NAMES
from crm_tui.domain.deals.new_deal import find_client, on_field, refuse
from crm_tui.domain.errors import AccessDenied, InvalidInput, holds_id, not_found, with_field
from crm_tui.domain.tasks.create import TITLE_LENGTH, open_task
from crm_tui.domain.tasks.lifecycle import task_target
from crm_tui.domain.values.moments import parse_due
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import TaskKind, TaskStatus, clients, deals, tasks, users
from crm_tui.storage.records import Task

NOTE_LENGTH = 2000
KIND_WORDS = {
    "звонок": TaskKind.CALL,
    "позвонить": TaskKind.CALL,
    "встреча": TaskKind.MEETING,
    "письмо": TaskKind.EMAIL,
    "e-mail": TaskKind.EMAIL,
    "задача": TaskKind.TODO,
    "дело": TaskKind.TODO,
}
"""Kinds as people say them, beside the codes and their captions in the language in force."""


@dataclass(frozen=True)
class TaskDraft:
    """A task as typed: every field text, read here."""

    title: str
    due: str
    assignee: str = ""
    """A login; empty: oneself."""
    kind: str = TaskKind.TODO.value
    client: str = ""
    """A client as ``deals.new_deal.find_client`` reads it; empty: none (or the deal's)."""
    deal: str = ""
    """A deal id; empty: none."""
    note: str = ""


@dataclass(frozen=True)
class SetTask:
    id: int
    title: str
    kind: str
    due_at: datetime
    assignee_id: int
    client_id: int | None
    deal_id: int | None
    assignee_login: str = ""
    assignee_name: str = ""
    set_by_login: str = ""
    set_by_name: str = ""


def read_kind(text: str) -> str:
    key = text.strip().lower()
    if not key:
        return TaskKind.TODO.value
    for kind in TaskKind:
        if key in (kind.value, ACTIVITY_KIND_NAMES.caption(kind.value).lower()):
            return kind.value
    if key in KIND_WORDS:
        return KIND_WORDS[key].value
    kinds = ", ".join(k.value for k in TaskKind)
    raise refuse(
        "kind", "task.kind_unknown", N_("{text!r} is not a kind of task: {kinds}"), text=text, kinds=kinds
    )


def _assignee(session: Session, viewer: Viewer, login: str) -> int:
    """The colleague ``login`` (oneself when empty), if ``viewer`` may set them tasks."""
    if not login.strip():
        require(viewer, Capability.SET_TASKS, person(viewer.user_id, viewer.region, viewer.login))
        return viewer.user_id
    try:
        row = find_colleague(session, login, "assignee")
    except InvalidInput as exc:
        raise on_field(exc, "assignee") from None
    try:
        require(viewer, Capability.SET_TASKS, person(row.id, row.region, row.login))
    except AccessDenied as exc:
        raise with_field(exc, "assignee") from None
    return row.id


def _check_assignee_sees(
    session: Session, assignee: int, client_id: int | None, deal_id: int | None, field: str = ""
) -> None:
    """Refuse a task whose client or deal its assignee may not see: they could not open what
    the task is about (a manager's colleague sees only their own clients). The refusal is about
    ``field`` when given (the assignee typed in a reassignment), else the client or the deal."""
    if client_id is None and deal_id is None:
        return
    seer = viewer_of(session, assignee)
    if seer is None:  # pragma: no cover - the assignee was just read
        return
    if (
        deal_id is not None
        and session.scalar(select(deals.c.id).where(deals.c.id == deal_id, visible_deals(seer))) is None
    ):
        raise refuse(
            field or "deal", "task.deal_unseen",
            N_("{login} does not see deal {id}: set the task for the deal's owner"),
            login=seer.login, id=deal_id,
        )  # fmt: skip
    if (
        client_id is not None
        and session.scalar(select(clients.c.id).where(clients.c.id == client_id, visible_clients(seer)))
        is None
    ):
        raise refuse(
            field or "client", "task.client_unseen",
            N_("{login} does not see client {id}: set the task for the client's owner"),
            login=seer.login, id=client_id,
        )  # fmt: skip


def _due(ws: Workspace, text: str) -> datetime:
    if not text.strip():
        raise refuse("due", "task.due_missing", N_("say when it is due: завтра 10:00, пт, +2, 25.12"))
    try:
        return parse_due(text, ws.now(), ws.tz)
    except InvalidInput as exc:
        raise on_field(exc, "due") from None


def set_task(ws: Workspace, draft: TaskDraft) -> SetTask:
    """Set the task; its assignee sees it on the desk (today's) and the week view at once."""
    title = " ".join(draft.title.split())
    if not title:
        raise refuse("title", "task.title_missing", N_("say what is to be done"))
    kind = read_kind(draft.kind)
    due = _due(ws, draft.due)
    note = draft.note.strip()[:NOTE_LENGTH] or None
    now = ws.now()
    with ws.write() as session:
        assignee = _assignee(session, ws.viewer, draft.assignee)
        deal_id: int | None = None
        client_id: int | None = None
        if draft.deal.strip():
            if not draft.deal.strip().isdigit():
                raise refuse("deal", "task.deal_invalid", N_("{text!r} is not a deal id"), text=draft.deal)
            deal_id = int(draft.deal.strip())
            found = (
                session.scalar(
                    select(deals.c.client_id).where(deals.c.id == deal_id, visible_deals(ws.viewer))
                )
                if holds_id(deal_id)  # a larger one names no deal (SQLite cannot be asked about it)
                else None
            )
            if found is None:
                raise on_field(not_found("deal", deal_id), "deal")
            client_id = int(found)
        if draft.client.strip():
            client = find_client(session, ws.viewer, draft.client)
            if client_id is not None and client.id != client_id:
                raise refuse("client", "task.client_not_deals", N_("the deal is another client's"))
            client_id = client.id
        _check_assignee_sees(session, assignee, client_id, deal_id)
        task_id = open_task(
            session, title=title[:TITLE_LENGTH], kind=kind, due=due, assignee_id=assignee,
            client_id=client_id, deal_id=deal_id, by_user_id=ws.viewer.user_id, now=now, note=note,
        )  # fmt: skip
        login, name = session.execute(
            select(users.c.login, users.c.full_name).where(users.c.id == assignee)
        ).one()
    viewer = ws.viewer
    return SetTask(
        task_id, title[:TITLE_LENGTH], kind, due, assignee, client_id, deal_id, login, name, viewer.login,
        viewer.full_name,
    )  # fmt: skip


def _open_for_change(session: Session, viewer: Viewer, task_id: int, version: int) -> Task:
    """The open task, if ``viewer`` may change it: whoever may complete it, or its setter."""
    task = session.get(Task, task_id)
    if task is None:
        raise not_found("task", task_id)
    if task.created_by_id != viewer.user_id:
        require(viewer, Capability.COMPLETE_TASKS, task_target(session, task))
    if task.version != version:
        raise stale("task", task.title)
    if task.status != TaskStatus.OPEN:
        raise InvalidInput(
            "task.closed", N_("task «{task}» is closed already"), task=task.title, status=task.status
        )
    return task


def reassign_task(ws: Workspace, task_id: int, version: int, login: str) -> int:
    """Give the task to a colleague (within the table's ``set_tasks``); returns its version."""
    with ws.write() as session:
        task = _open_for_change(session, ws.viewer, task_id, version)
        if not login.strip():
            raise refuse("assignee", "task.assignee_missing", N_("say whom to give the task"))
        assignee = _assignee(session, ws.viewer, login)
        _check_assignee_sees(session, assignee, task.client_id, task.deal_id, "assignee")
        return change(
            session, tasks, task_id, {"assignee_id": assignee}, at=ws.now(), user_id=ws.viewer.user_id,
            seen=version, refused=lambda: stale("task", task.title), action="reassign",
            changes={"assignee_id": [task.assignee_id, assignee]},
        )  # fmt: skip


def reschedule_task(ws: Workspace, task_id: int, version: int, when: str) -> int:
    """Move the task to another moment (people's words); returns its version."""
    due = _due(ws, when)
    with ws.write() as session:
        task = _open_for_change(session, ws.viewer, task_id, version)
        return change(
            session, tasks, task_id, {"due_at": due}, at=ws.now(), user_id=ws.viewer.user_id,
            seen=version, refused=lambda: stale("task", task.title), action="reschedule",
            changes={"due_at": [task.due_at.isoformat(), due.isoformat()]},
        )  # fmt: skip


def cancel_task(ws: Workspace, task_id: int, version: int, reason: str) -> int:
    """Cancel the task, saying why (kept as its result, for whoever set it)."""
    text = " ".join(reason.split())
    if not text:
        raise refuse("reason", "task.reason_missing", N_("say why the task is cancelled"))
    now = ws.now()
    with ws.write() as session:
        task = _open_for_change(session, ws.viewer, task_id, version)
        return change(
            session, tasks, task_id,
            {"status": TaskStatus.CANCELLED.value, "result": text[:NOTE_LENGTH], "completed_at": now},
            at=now, user_id=ws.viewer.user_id, seen=version, refused=lambda: stale("task", task.title),
            action="cancel", changes={"status": ["open", "cancelled"], "reason": text},
        )  # fmt: skip


def may_set_tasks_for_others(viewer: Viewer) -> bool:
    """Whether a screen offers an assignee field (anyone who may set a task for somebody)."""
    return can(viewer, Capability.SET_TASKS)
