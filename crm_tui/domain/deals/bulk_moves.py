"""Many deals moved forward at once: a statement that settles thousands of invoices, an import of
the trade system's documents.

``change_stage`` costs about a dozen statements a deal (the stage read twice, the version's
compare-and-set, the audit row, the history row, the playbook's tasks closed and opened, each
with its audit row); 2,000 wins took 25 s. Here the same rows are written for a whole batch in
one transaction: the stages and their playbooks read once, the deals' compare-and-set as one
executemany, the audit, history and task rows inserted in bulk. ``tests/documents/
test_bulk_settle.py`` compares the rows with one-by-one moves. A lost stage (its reason, the head
of sales' task) is not moved here: a person loses a deal, one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, case, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.audit.changes import stale, versioned
from crm_tui.domain.deals.funnel_setup import Step
from crm_tui.domain.deals.moves import PLAYBOOK_ORIGIN, DealRow, MoveResult
from crm_tui.domain.tasks.create import NewTask, open_tasks
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    DealStatus,
    TaskStatus,
    audit_entries,
    deal_stage_changes,
    deals,
    playbook_steps,
    stages,
    tasks,
    users,
)

_IN_CHUNK = 500


@dataclass(frozen=True)
class Move:
    deal: DealRow
    to_stage_id: int
    comment: str | None = None


@dataclass(frozen=True)
class _Stage:
    name: str
    pipeline_id: int
    is_won: bool
    is_lost: bool
    position: int


def _stages(session: Session, ids: set[int]) -> dict[int, _Stage]:
    s = stages.c
    rows = session.execute(
        select(s.id, s.name, s.pipeline_id, s.is_won, s.is_lost, s.position).where(s.id.in_(sorted(ids)))
    )
    return {row.id: _Stage(row.name, row.pipeline_id, row.is_won, row.is_lost, row.position) for row in rows}


def _first_steps(session: Session, stage_ids: set[int]) -> dict[int, Step]:
    """Each stage's first playbook step (what ``start_playbook`` opens on entering it)."""
    p = playbook_steps.c
    first: dict[int, Step] = {}
    rows = session.execute(
        select(p.id, p.stage_id, p.position, p.title, p.kind, p.due_working_days, p.due_hours)
        .where(p.stage_id.in_(sorted(stage_ids)), p.position >= 0)
        .order_by(p.stage_id, p.position)
    )
    for row in rows:
        first.setdefault(row.stage_id, Step(*row))
    return first


def load_deals(session: Session, ids: list[int]) -> dict[int, DealRow]:
    """``load_deal`` for many deals: one query a chunk."""
    d = deals.c
    found: dict[int, DealRow] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        query = (
            select(d.id, d.title, d.client_id, d.owner_id, users.c.region, d.pipeline_id, d.stage_id,
                   d.version, d.status, d.stage_entered_at)
            .select_from(deals.outerjoin(users, users.c.id == d.owner_id))
            .where(d.id.in_(ids[start : start + _IN_CHUNK]))
        )  # fmt: skip
        found.update((row[0], DealRow(*cast("tuple[Any, ...]", row))) for row in session.execute(query))
    return found


def move_deals(session: Session, ws: Workspace, moves: Sequence[Move]) -> list[MoveResult]:
    """Move every deal of ``moves`` to its stage, inside the caller's transaction, writing what
    ``change_stage`` writes for each (deal version checked against the row the caller read).
    Raises ``StaleEdit`` when any deal changed since it was read: the caller's transaction then
    rolls back whole, as one refused move does."""
    if not moves:
        return []
    now = ws.now()
    user = ws.viewer.user_id
    known = _stages(session, {m.deal.stage_id for m in moves} | {m.to_stage_id for m in moves})
    targets = {m.to_stage_id for m in moves if not known[m.to_stage_id].is_won}
    steps = _first_steps(session, targets)
    d = deals.c
    deal_rows: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    results: list[MoveResult] = []
    for move in moves:
        deal, source, target = move.deal, known[move.deal.stage_id], known[move.to_stage_id]
        if target.is_lost or target.pipeline_id != source.pipeline_id:
            raise ValueError(f"deal {deal.id}: a bulk move goes forward within its pipeline")
        status = DealStatus.WON if target.is_won else DealStatus.OPEN
        reached = max(source.position if not source.is_lost else 0, target.position)
        deal_rows.append(
            {"b_id": deal.id, "b_seen": deal.version, "b_stage": move.to_stage_id, "b_status": status.value,
             "b_closed": now if status is DealStatus.WON else None, "b_reached": reached}
        )  # fmt: skip
        audits.append(
            {"at": now, "user_id": user, "entity": "deal", "entity_id": deal.id, "action": "stage",
             "changes": {"stage": [source.name, target.name], "lost_reason": None, "comment": move.comment}}
        )  # fmt: skip
        history.append(
            {"deal_id": deal.id, "at": now, "user_id": user, "owner_id": deal.owner_id,
             "from_stage_id": deal.stage_id, "to_stage_id": move.to_stage_id, "comment": move.comment,
             "stay_tenths": max(0, int((now - deal.stage_entered_at).total_seconds() * 10 // 86400))}
        )  # fmt: skip
        results.append(MoveResult(deal.id, source.name, target.name, deal.version + 1))
    furthest = d.furthest_position
    values = versioned(
        deals,
        {"stage_id": bindparam("b_stage"), "status": bindparam("b_status"), "stage_entered_at": now,
         "closed_at": bindparam("b_closed"), "lost_reason": None, "lost_comment": None,
         "furthest_position": case((furthest < bindparam("b_reached"), bindparam("b_reached")),
                                   else_=furthest)},
        now,
    )  # fmt: skip
    statement = (
        update(deals).where(d.id == bindparam("b_id"), d.version == bindparam("b_seen")).values(values)
    )
    done = session.connection().execute(statement, deal_rows).rowcount
    if done != len(deal_rows):
        changed = _first_changed(session, moves)
        raise stale("deal", changed.title)
    session.connection().execute(insert(audit_entries), audits)
    session.connection().execute(insert(deal_stage_changes), history)
    _close_playbook_tasks(session, [m.deal.id for m in moves], now)
    _open_first_steps(session, ws, moves, steps, results)
    return results


def _first_changed(session: Session, moves: Sequence[Move]) -> DealRow:
    """The first deal whose version is no longer the one read (for the refusal's words)."""
    seen = {m.deal.id: m.deal for m in moves}
    for start in range(0, len(moves), _IN_CHUNK):
        ids = [m.deal.id for m in moves[start : start + _IN_CHUNK]]
        for deal_id, version in session.execute(
            select(deals.c.id, deals.c.version).where(deals.c.id.in_(ids))
        ):
            if version != seen[deal_id].version + 1:
                return seen[deal_id]
    return moves[0].deal


def _close_playbook_tasks(session: Session, deal_ids: list[int], now: datetime) -> None:
    t = tasks.c
    closed = {"status": TaskStatus.CANCELLED.value, "completed_at": now, "result": "stage changed"}
    for start in range(0, len(deal_ids), _IN_CHUNK):
        session.connection().execute(
            update(tasks)
            .where(
                t.deal_id.in_(deal_ids[start : start + _IN_CHUNK]),
                t.status == TaskStatus.OPEN.value,
                t.origin.like(f"{PLAYBOOK_ORIGIN}%"),
            )
            .values(versioned(tasks, closed, now))
        )


def _open_first_steps(
    session: Session, ws: Workspace, moves: Sequence[Move], steps: dict[int, Step], results: list[MoveResult]
) -> None:
    """The first playbook step of each open stage entered, for the deal's owner (what
    ``start_playbook`` opens)."""
    now = ws.now()
    wanted = [
        (m, r, steps[m.to_stage_id]) for m, r in zip(moves, results, strict=True) if m.to_stage_id in steps
    ]
    new = [
        NewTask(step.title, step.kind, step.due(now, ws.tz), move.deal.owner_id, move.deal.client_id,
                move.deal.id, f"{PLAYBOOK_ORIGIN}{step.id}")
        for move, _result, step in wanted
    ]  # fmt: skip
    for task_id, (_move, result, _step) in zip(
        open_tasks(session, new, by_user_id=None, now=now), wanted, strict=True
    ):
        result.tasks.append(task_id)
