"""Moving a deal through its pipeline: one function for the kanban, the deal screen and the CLI.

A move is refused when somebody changed the deal since it was read (its version), when the
person may not touch the deal, or when a deal is lost without a reason. It records who moved it
from where to where (time in stage comes from these rows), audits it, closes the tasks of the
old stage's playbook and opens the first step of the new one (seed 002). A lost deal goes to
the head of sales of its manager's region as a task to analyse it (seed 003).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Target, Viewer, require, roles_with
from crm_tui.domain.audit.changes import change, stale, versioned
from crm_tui.domain.base_language import base_text
from crm_tui.domain.deals.funnel_setup import active_lost_reasons, add_working_days, playbook
from crm_tui.domain.errors import InvalidInput, StaleEdit, not_found
from crm_tui.domain.tasks.create import open_task
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_, Message
from crm_tui.storage.models import (
    DealStatus,
    TaskKind,
    TaskStatus,
    deal_stage_changes,
    deals,
    stages,
    tasks,
    users,
)

PLAYBOOK_ORIGIN = "playbook:"
REFUSAL_TITLE = NC_("task title", "Analyse the refusal: {deal} ({reason})")
"""The head of sales' task when a deal is lost, in the base's language."""
LOST_ORIGIN = "lost:"


@dataclass(frozen=True)
class DealRow:
    id: int
    title: str
    client_id: int
    owner_id: int | None
    owner_region: str | None
    pipeline_id: int
    stage_id: int
    version: int
    status: str
    stage_entered_at: datetime


@dataclass
class MoveResult:
    deal_id: int
    from_stage: str | None
    to_stage: str
    version: int
    tasks: list[int] = field(default_factory=list)


def load_deal(session: Session, deal_id: int) -> DealRow:
    d = deals.c
    row = session.execute(
        select(
            d.id,
            d.title,
            d.client_id,
            d.owner_id,
            users.c.region,
            d.pipeline_id,
            d.stage_id,
            d.version,
            d.status,
            d.stage_entered_at,
        )
        .select_from(deals.outerjoin(users, users.c.id == d.owner_id))
        .where(d.id == deal_id)
    ).first()
    if row is None:
        raise not_found("deal", deal_id)
    return DealRow(*cast("tuple[Any, ...]", row))


def seen_deal(session: Session, viewer: Viewer, deal_id: int) -> DealRow:
    """``load_deal`` for ``viewer``: a deal they do not see is "not found", as a missing one is
    (asked before anything about the deal is said, such as that it has no next stage)."""
    deal = load_deal(session, deal_id)
    require(viewer, Capability.SEE_DEALS, deal_target(deal))
    return deal


def deal_target(deal: DealRow) -> Target:
    """The deal as what an action is on: its owner's, in its owner's region."""
    return Target(deal.owner_id, deal.owner_region, Message("deal", N_("deal {id}"), id=deal.id))


def _stage(session: Session, stage_id: int) -> tuple[str, int, bool, bool, int]:
    s = stages.c
    row = session.execute(
        select(s.name, s.pipeline_id, s.is_won, s.is_lost, s.position).where(s.id == stage_id)
    ).first()
    if row is None:
        raise not_found("stage", stage_id)
    return row.name, row.pipeline_id, row.is_won, row.is_lost, row.position


def add_task(
    session: Session,
    *,
    title: str,
    kind: str,
    due: datetime,
    assignee_id: int | None,
    deal: DealRow,
    origin: str | None,
    now: datetime,
    by_user_id: int | None,
) -> int:
    """A task on ``deal`` (its client's too)."""
    return open_task(
        session,
        title=title,
        kind=kind,
        due=due,
        assignee_id=assignee_id,
        client_id=deal.client_id,
        deal_id=deal.id,
        origin=origin,
        by_user_id=by_user_id,
        now=now,
    )


def head_for(session: Session, region: str | None) -> int | None:
    """Who answers a lost deal of ``region``: the first by id of those who answer lost deals in
    their region (the head of sales), or else of those who answer them everywhere (an admin)."""
    u = users.c
    regional = [role.value for role in roles_with(Capability.ANSWER_LOST_DEALS, Scope.REGION)]
    everywhere = [role.value for role in roles_with(Capability.ANSWER_LOST_DEALS, Scope.ALL)]
    if region is not None:
        head = session.scalar(
            select(u.id).where(u.role.in_(regional), u.region == region, u.active.is_(True)).order_by(u.id)
        )
        if head is not None:
            return int(head)
    admin = session.scalar(select(u.id).where(u.role.in_(everywhere), u.active.is_(True)).order_by(u.id))
    return int(admin) if admin is not None else None


def start_playbook(
    session: Session, ws: Workspace, deal: DealRow, stage_id: int, position: int = 0
) -> int | None:
    """The task of the stage's playbook step at ``position``, for the deal's owner."""
    steps = [s for s in playbook(session, stage_id) if s.position >= position]
    if not steps:
        return None
    step = steps[0]
    now = ws.now()
    return add_task(
        session,
        title=step.title,
        kind=step.kind,
        due=step.due(now, ws.tz),
        assignee_id=deal.owner_id,
        deal=deal,
        origin=f"{PLAYBOOK_ORIGIN}{step.id}",
        now=now,
        by_user_id=None,
    )


def _close_playbook_tasks(session: Session, deal_id: int, now: datetime) -> None:
    """One statement for the deal's open playbook tasks. Their versions move; they get no audit
    row each: the deal's ``stage`` row is why they closed, and their result says so."""
    t = tasks.c
    closed = {"status": TaskStatus.CANCELLED.value, "completed_at": now, "result": "stage changed"}
    session.connection().execute(
        update(tasks)
        .where(t.deal_id == deal_id, t.status == TaskStatus.OPEN.value, t.origin.like(f"{PLAYBOOK_ORIGIN}%"))
        .values(versioned(tasks, closed, now))
    )


def _refused(deal: DealRow) -> StaleEdit:
    return stale("deal", deal.title)


def change_stage(
    session: Session,
    ws: Workspace,
    deal: DealRow,
    to_stage_id: int,
    *,
    lost_reason: str | None = None,
    comment: str | None = None,
    owner_id: int | None = None,
    entering: bool = False,
) -> MoveResult:
    """The move itself, inside the caller's transaction (the version is already checked).

    ``entering``: a new deal, just written in ``to_stage_id``, enters its first stage here like
    any move (history from no stage, audit, the stage's playbook), so a deal's life starts the
    way every later step goes."""
    now = ws.now()
    from_name: str | None
    from_name, pipeline_id, _won, from_lost, from_position = _stage(session, deal.stage_id)
    if entering:
        from_name, from_lost, from_position = None, False, 0
    to_name, to_pipeline, is_won, is_lost, to_position = _stage(session, to_stage_id)
    if to_pipeline != pipeline_id:
        raise InvalidInput(
            "deal.stage_elsewhere", N_("stage {stage!r} belongs to another pipeline"), stage=to_name
        )
    status = DealStatus.WON if is_won else DealStatus.LOST if is_lost else DealStatus.OPEN
    values: dict[str, object] = {
        "stage_id": to_stage_id,
        "status": status.value,
        "stage_entered_at": now,
        "closed_at": now if status is not DealStatus.OPEN else None,
        "lost_reason": lost_reason if is_lost else None,
        "lost_comment": comment if is_lost else None,
    }
    if owner_id is not None:
        values["owner_id"] = owner_id
    reached = max(from_position if not from_lost else 0, to_position if not is_lost else 0)
    furthest = deals.c.furthest_position
    values["furthest_position"] = case((furthest < reached, reached), else_=furthest)
    version = change(
        session,
        deals,
        deal.id,
        values,
        at=now,
        user_id=ws.viewer.user_id,
        seen=deal.version,
        refused=lambda: _refused(deal),
        action="stage",
        changes={"stage": [from_name, to_name], "lost_reason": lost_reason, "comment": comment},
    )
    session.connection().execute(
        insert(deal_stage_changes).values(
            deal_id=deal.id,
            at=now,
            user_id=ws.viewer.user_id,
            owner_id=owner_id or deal.owner_id,
            from_stage_id=None if entering else deal.stage_id,
            to_stage_id=to_stage_id,
            stay_tenths=None
            if entering
            else max(0, int((now - deal.stage_entered_at).total_seconds() * 10 // 86400)),
            comment=comment,
        )
    )
    _close_playbook_tasks(session, deal.id, now)
    moved = DealRow(
        deal.id, deal.title, deal.client_id, owner_id or deal.owner_id, deal.owner_region, pipeline_id,
        to_stage_id, version, status.value, now,
    )  # fmt: skip
    result = MoveResult(deal.id, from_name, to_name, version)
    if status is DealStatus.OPEN:
        first = start_playbook(session, ws, moved, to_stage_id)
        if first is not None:
            result.tasks.append(first)
    if is_lost:
        head = head_for(session, deal.owner_region)
        result.tasks.append(
            add_task(
                session,
                title=base_text(session, "task title", REFUSAL_TITLE).format(
                    deal=deal.title, reason=lost_reason
                ),
                kind=TaskKind.TODO.value,
                due=add_working_days(now, 1, ws.tz),
                assignee_id=head,
                deal=moved,
                origin=f"{LOST_ORIGIN}{deal.id}",
                now=now,
                by_user_id=ws.viewer.user_id,
            )
        )
    return result


def move_deal(
    ws: Workspace,
    deal_id: int,
    to_stage_id: int,
    version: int,
    *,
    lost_reason: str | None = None,
    comment: str | None = None,
) -> MoveResult:
    text = " ".join((comment or "").split()) or None
    with ws.write() as session:
        deal = load_deal(session, deal_id)
        require(ws.viewer, Capability.MOVE_DEALS, deal_target(deal))
        if deal.version != version:
            raise _refused(deal)
        if to_stage_id == deal.stage_id:
            raise InvalidInput(
                "deal.same_stage", N_("deal «{deal}» is in that stage already"), deal=deal.title
            )
        _name, _pipeline, _won, is_lost, _position = _stage(session, to_stage_id)
        if is_lost:
            reasons = active_lost_reasons(session)
            if lost_reason not in reasons:
                listed = ", ".join(reasons)
                if lost_reason:
                    raise InvalidInput(
                        "deal.lost_reason_unknown",
                        N_("{reason!r} is not one of {reasons}"),
                        reason=lost_reason,
                        reasons=listed,
                        field="reason",
                    )
                raise InvalidInput(
                    "deal.lost_reason_missing",
                    N_("a lost deal needs a reason: {reasons}"),
                    reasons=listed,
                    field="reason",
                )
        return change_stage(session, ws, deal, to_stage_id, lost_reason=lost_reason, comment=text)


def neighbour_stage(session: Session, deal: DealRow, step: int) -> int | None:
    """The next (``+1``) or previous (``-1``) open stage of the deal's pipeline, if any."""
    s = stages.c
    _name, _pipeline, _won, _lost, position = _stage(session, deal.stage_id)
    order = s.position if step > 0 else s.position.desc()
    compare = s.position > position if step > 0 else s.position < position
    found = session.scalar(
        select(s.id)
        .where(s.pipeline_id == deal.pipeline_id, compare, s.is_lost.is_(False))
        .order_by(order)
        .limit(1)
    )
    return int(found) if found is not None else None
