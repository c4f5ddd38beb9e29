"""Moving deals: history, versions, lost reasons, the head's refusal task, playbook chains."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.deals.funnel_setup import add_working_days
from crm_tui.domain.deals.moves import LOST_ORIGIN, PLAYBOOK_ORIGIN
from crm_tui.domain.deals.moves import move_deal as move
from crm_tui.domain.deals.refusals import hand_over_lost, return_to_work
from crm_tui.domain.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from crm_tui.domain.tasks.lifecycle import complete_task
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import TaskStatus, deal_stage_changes, deals, stages, tasks
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]


def stage_ids(engine: Engine) -> dict[str, int]:
    with write_session(engine) as session:
        return {code: sid for sid, code in session.execute(select(stages.c.id, stages.c.code))}


def deal_state(engine: Engine, deal_id: int) -> tuple[int, str, int, int | None]:
    d = deals.c
    with write_session(engine) as session:
        row = session.execute(
            select(d.stage_id, d.status, d.version, d.owner_id).where(d.id == deal_id)
        ).one()
    return row.stage_id, row.status, row.version, row.owner_id


def open_tasks(engine: Engine, deal_id: int) -> list[tuple[str, int | None, str | None]]:
    t = tasks.c
    with write_session(engine) as session:
        rows = session.execute(
            select(t.title, t.assignee_id, t.origin)
            .where(t.deal_id == deal_id, t.status == TaskStatus.OPEN.value)
            .order_by(t.id)
        )
        return [tuple(r) for r in rows]


def test_a_move_is_recorded_and_starts_the_stages_playbook(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ids = stage_ids(engine)
    deal = seeded.deals["d_prop_stroy"]
    result = move(workspace_for("ivanova"), deal, ids["invoice"], 1)
    assert (result.from_stage, result.to_stage, result.version) == ("Proposal sent", "Invoice issued", 2)
    assert deal_state(engine, deal)[:3] == (ids["invoice"], "open", 2)
    with write_session(engine) as session:
        history = session.execute(
            select(
                deal_stage_changes.c.from_stage_id,
                deal_stage_changes.c.to_stage_id,
                deal_stage_changes.c.user_id,
            )
        ).all()
    assert [tuple(h) for h in history] == [(ids["proposal"], ids["invoice"], seeded.users["ivanova"])]
    [(title, assignee, origin)] = open_tasks(engine, deal)
    assert title == "Check the invoice reached the payer" and assignee == seeded.users["ivanova"]
    assert origin is not None and origin.startswith(PLAYBOOK_ORIGIN)
    move(workspace_for("ivanova"), deal, ids["awaiting_payment"], 2)
    assert [t[0] for t in open_tasks(engine, deal)] == ["Remind about the payment"]  # the old step was closed


def test_a_stale_move_and_a_strangers_move_are_refused(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ids = stage_ids(engine)
    deal = seeded.deals["d_prop_stroy"]
    move(workspace_for("ivanova"), deal, ids["invoice"], 1)
    with pytest.raises(StaleEdit, match="changed by someone else"):
        move(workspace_for("smirnov"), deal, ids["awaiting_payment"], 1)
    with pytest.raises(NotFound, match=f"deal {deal} not found"):  # not his, nor seen
        move(workspace_for("petrov"), deal, ids["awaiting_payment"], 2)
    move(workspace_for("smirnov"), deal, ids["awaiting_payment"], 2)  # the head of the region may


def test_lost_needs_a_reason_and_goes_to_the_head(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ids = stage_ids(engine)
    deal = seeded.deals["d_prop_stroy"]
    ivanova = workspace_for("ivanova")
    with pytest.raises(InvalidInput, match="a lost deal needs a reason: Price too high, Chose a competitor"):
        move(ivanova, deal, ids["lost"], 1)
    with pytest.raises(InvalidInput, match="'Дорого' is not one of"):
        move(ivanova, deal, ids["lost"], 1, lost_reason="Дорого")
    result = move(
        ivanova, deal, ids["lost"], 1, lost_reason="Chose a competitor", comment="ушли к «Стройресурсу»"
    )
    assert deal_state(engine, deal)[1] == "lost"
    [(title, assignee, origin)] = open_tasks(engine, deal)
    assert assignee == seeded.users["smirnov"] and origin == f"{LOST_ORIGIN}{deal}"
    assert title.startswith("Analyse the refusal") and result.tasks
    # a Lipetsk deal: no head there, so an admin gets it
    move(workspace_for("petrov"), seeded.deals["d_prop_metall"], ids["lost"], 1, lost_reason="No budget")
    assert open_tasks(engine, seeded.deals["d_prop_metall"])[-1][1] == seeded.users["admin"]


def _lost_task(engine: Engine, deal: int) -> int:
    with write_session(engine) as session:
        return int(session.scalar(select(tasks.c.id).where(tasks.c.origin == f"{LOST_ORIGIN}{deal}")) or 0)


def test_the_head_returns_a_lost_deal_to_work(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    ids = stage_ids(engine)
    deal = seeded.deals["d_prop_stroy"]
    move(workspace_for("ivanova"), deal, ids["lost"], 1, lost_reason="Price too high")
    with pytest.raises(AccessDenied):
        return_to_work(workspace_for("ivanova"), _lost_task(engine, deal), "try again")
    return_to_work(workspace_for("smirnov"), _lost_task(engine, deal), "Предложите рассрочку")
    stage, status, _version, owner = deal_state(engine, deal)
    assert (stage, status, owner) == (ids["proposal"], "open", seeded.users["ivanova"])
    titles = [t[0] for t in open_tasks(engine, deal)]
    assert "Back to work: Предложите рассрочку" in titles and "Call about the proposal" in titles
    with pytest.raises(InvalidInput, match="decided already"):
        return_to_work(workspace_for("smirnov"), _lost_task(engine, deal), "again")


def test_the_head_hands_a_lost_deal_to_another_manager(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ids = stage_ids(engine)
    deal = seeded.deals["d_inv_vektor"]
    move(workspace_for("ivanova"), deal, ids["lost"], 1, lost_reason="No response")
    with pytest.raises(AccessDenied, match="outside your region"):
        hand_over_lost(workspace_for("smirnov"), _lost_task(engine, deal), "petrov", "Липецк")
    hand_over_lost(workspace_for("smirnov"), _lost_task(engine, deal), "smirnov", "Возьму сам")
    stage, status, _version, owner = deal_state(engine, deal)
    assert (stage, status, owner) == (ids["invoice"], "open", seeded.users["smirnov"])
    assert ("Deal handed to you: Возьму сам", seeded.users["smirnov"], None) in open_tasks(engine, deal)


def test_completing_a_playbook_task_creates_the_next_step(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ids = stage_ids(engine)
    deal = seeded.deals["d_qual_aqua"]
    ivanova = workspace_for("ivanova")
    move(ivanova, deal, ids["proposal"], 1)
    with write_session(engine) as session:
        first = session.scalar(select(tasks.c.id).where(tasks.c.deal_id == deal, tasks.c.status == "open"))
    complete_task(ivanova, int(first or 0), 1, "Клиент читает КП")
    assert [t[0] for t in open_tasks(engine, deal)] == ["Follow up: objections to the proposal"]
    with write_session(engine) as session:
        second = session.scalar(select(tasks.c.id).where(tasks.c.deal_id == deal, tasks.c.status == "open"))
    complete_task(ivanova, int(second or 0), 1, "Возражений нет")
    assert open_tasks(engine, deal) == []  # the playbook of the stage is done


def test_working_days_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 20, 12, 0, tzinfo=MOSCOW)
    assert add_working_days(friday, 2, MOSCOW).date().isoformat() == "2026-11-24"  # Tuesday
    assert add_working_days(friday, 0, MOSCOW) == friday
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=MOSCOW)
    assert add_working_days(saturday, 1, MOSCOW).date().isoformat() == "2026-11-24"
    assert FROZEN_NOW.weekday() == 4
