"""Completing and snoozing tasks, with optimistic locking on the task's version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Target, Viewer, require
from crm_tui.domain.audit.changes import change, stale
from crm_tui.domain.deals.moves import PLAYBOOK_ORIGIN, load_deal, start_playbook
from crm_tui.domain.errors import InvalidInput, StaleEdit, not_found
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.storage.models import TaskStatus, playbook_steps, tasks, users
from crm_tui.storage.records import Task


def task_target(session: Session, task: Task) -> Target:
    """The task as what an action is on: its assignee's, in the assignee's region; its setter
    sees it too (a task set for a colleague stays on the setter's list)."""
    region = session.scalar(select(users.c.region).where(users.c.id == task.assignee_id))
    name = Message("task", N_("task {id}"), id=task.id)
    return Target(task.assignee_id, region, name, seen_by=task.created_by_id)


def _load_for_change(session: Session, viewer: Viewer, task_id: int, version: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise not_found("task", task_id)
    require(viewer, Capability.COMPLETE_TASKS, task_target(session, task))
    if task.version != version:
        raise _refused(task)
    if task.status != TaskStatus.OPEN:
        if task.status == TaskStatus.DONE:
            raise InvalidInput(
                "task.closed", N_("task «{task}» is already done"), task=task.title, status="done"
            )
        raise InvalidInput(
            "task.closed", N_("task «{task}» is already cancelled"), task=task.title, status=str(task.status)
        )
    return task


def _refused(task: Task) -> StaleEdit:
    return stale("task", task.title)


def complete_task(ws: Workspace, task_id: int, version: int, result: str) -> None:
    """Mark done with what came of it; a task without a result teaches nobody anything."""
    text = result.strip()
    if not text:
        raise InvalidInput(
            "task.result_missing", N_("say what came of the task: the result cannot be empty"), field="result"
        )
    now = ws.now()
    with ws.write() as session:
        task = _load_for_change(session, ws.viewer, task_id, version)
        change(
            session,
            tasks,
            task_id,
            {"status": TaskStatus.DONE, "result": text, "completed_at": now},
            at=now,
            user_id=ws.viewer.user_id,
            seen=version,
            refused=lambda: _refused(task),
            action="complete",
            changes={"status": ["open", "done"], "result": text},
        )
        _next_step(session, ws, task)


def _next_step(session: Session, ws: Workspace, task: Task) -> None:
    """Seed 002: the next task of the stage's playbook as soon as this one is done."""
    if task.deal_id is None or not (task.origin or "").startswith(PLAYBOOK_ORIGIN):
        return
    step = session.execute(
        select(playbook_steps.c.stage_id, playbook_steps.c.position).where(
            playbook_steps.c.id == int((task.origin or "")[len(PLAYBOOK_ORIGIN) :])
        )
    ).first()
    if step is None:
        return
    deal = load_deal(session, task.deal_id)
    if deal.stage_id == step.stage_id and deal.status == "open":
        start_playbook(session, ws, deal, step.stage_id, step.position + 1)


def snooze_task(ws: Workspace, task_id: int, version: int, until: datetime) -> None:
    now = ws.now()
    if until <= now:
        raise InvalidInput("task.snooze_past", N_("snooze to a moment in the future"))
    with ws.write() as session:
        task = _load_for_change(session, ws.viewer, task_id, version)
        change(
            session,
            tasks,
            task_id,
            {"due_at": until},
            at=now,
            user_id=ws.viewer.user_id,
            seen=version,
            refused=lambda: _refused(task),
            action="snooze",
            changes={"due_at": [task.due_at.isoformat(), until.isoformat()]},
        )
