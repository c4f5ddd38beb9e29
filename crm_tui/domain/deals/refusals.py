"""The head of sales' answer to a lost deal (seed 003): back to work, or to another manager.

Both start from the task ``move_deal`` gave the head, close it with the decision as its result,
reopen the deal in the stage it was lost from, and give its (new) owner a task with the head's
comment, so the decision reaches the person who has to act on it.
"""

from __future__ import annotations

from sqlalchemy import select

from crm_tui.domain.access.capabilities import Capability, can, person, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.audit.changes import change
from crm_tui.domain.base_language import base_text
from crm_tui.domain.deals.funnel_setup import add_working_days
from crm_tui.domain.deals.moves import (
    LOST_ORIGIN,
    MoveResult,
    add_task,
    change_stage,
    deal_target,
    load_deal,
)
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_
from crm_tui.storage.models import TaskKind, TaskStatus, deal_stage_changes, tasks, users

HANDED_OVER = NC_("task result", "handed over")
BACK_TO_WORK = NC_("task result", "back to work")
"""The head's decision on a refusal, written into the task's result in the base's language."""


def _decide(ws: Workspace, task_id: int, comment: str, new_owner_login: str | None) -> MoveResult:
    text = " ".join(comment.split())
    if not text:
        raise InvalidInput(
            "refusal.comment_missing", N_("say why: the manager reads this comment with the task")
        )
    require(ws.viewer, Capability.ANSWER_LOST_DEALS)
    now = ws.now()
    with ws.write() as session:
        t = tasks.c
        task = session.execute(
            select(t.id, t.origin, t.status, t.version, t.assignee_id).where(t.id == task_id)
        ).first()
        deal = None
        if task is not None and (task.origin or "").startswith(LOST_ORIGIN):
            deal = load_deal(session, int(task.origin[len(LOST_ORIGIN) :]))
        if deal is None or not can(ws.viewer, Capability.ANSWER_LOST_DEALS, deal_target(deal)):
            # another region's refusal is not there for this head: neither decided nor its deal named
            raise NotFound("refusal.not_found", N_("task {id} is not a refusal to analyse"), id=task_id)
        if task is None or task.status != TaskStatus.OPEN.value:
            raise InvalidInput("refusal.decided", N_("task {id} was decided already"), id=task_id)
        if deal.status != "lost":
            raise InvalidInput("refusal.not_lost", N_("deal «{deal}» is not lost any more"), deal=deal.title)
        h = deal_stage_changes.c
        back_to = session.scalar(
            select(h.from_stage_id).where(h.deal_id == deal.id).order_by(h.at.desc(), h.id.desc()).limit(1)
        )
        if back_to is None:
            raise InvalidInput(
                "refusal.no_stage", N_("deal «{deal}» has no stage to go back to"), deal=deal.title
            )
        owner_id = deal.owner_id
        if new_owner_login is not None:
            found = session.execute(
                select(users.c.id, users.c.region, users.c.active).where(users.c.login == new_owner_login)
            ).first()
            if found is None or not found.active:
                raise NotFound("user.not_found", N_("no active user {login!r}"), login=new_owner_login)
            require(ws.viewer, Capability.ANSWER_LOST_DEALS, person(found.id, found.region, new_owner_login))
            owner_id = found.id
        decision = "handed over" if new_owner_login else "back to work"
        said = HANDED_OVER if new_owner_login else BACK_TO_WORK
        closed = f"{base_text(session, 'task result', said)}: {text}"
        change(
            session,
            tasks,
            task_id,
            {"status": TaskStatus.DONE.value, "result": closed, "completed_at": now},
            at=now,
            user_id=ws.viewer.user_id,
            seen=task.version,
            action="complete",
            changes={"status": ["open", "done"], "result": closed},
        )
        result = change_stage(session, ws, deal, int(back_to), comment=text, owner_id=owner_id)
        moved = load_deal(session, deal.id)
        title = f"Back to work: {text}" if new_owner_login is None else f"Deal handed to you: {text}"
        result.tasks.append(
            add_task(
                session,
                title=title,
                kind=TaskKind.CALL.value,
                due=add_working_days(now, 1, ws.tz),
                assignee_id=owner_id,
                deal=moved,
                origin=None,
                now=now,
                by_user_id=ws.viewer.user_id,
            )
        )
        audit.record(
            session,
            at=now,
            user_id=ws.viewer.user_id,
            entity="deal",
            entity_id=deal.id,
            action="refusal_" + decision.replace(" ", "_"),
            changes={"comment": text, "owner_id": [deal.owner_id, owner_id]},
        )
    return result


def return_to_work(ws: Workspace, task_id: int, comment: str) -> MoveResult:
    return _decide(ws, task_id, comment, None)


def hand_over_lost(ws: Workspace, task_id: int, new_owner_login: str, comment: str) -> MoveResult:
    return _decide(ws, task_id, comment, new_owner_login)
