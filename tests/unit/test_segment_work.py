"""Work rules per segment: tasks for clients nobody contacted, and `crm schedule tick`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.clients.handovers import hand_over
from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.segments.actions import plan_calls
from crm_tui.domain.segments.work import set_work_rule
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.tick import run_tick
from crm_tui.storage.database import write_session
from crm_tui.storage.models import (
    Segment,
    TaskStatus,
    audit_entries,
    clients,
    interactions,
    sales_documents,
    tasks,
)
from tests.seed import FROZEN_NOW, Seeded


def contact_tasks(engine: Engine) -> dict[int, tuple[int | None, str]]:
    t = tasks.c
    with write_session(engine) as session:
        rows = session.execute(select(t.client_id, t.assignee_id, t.origin).where(t.origin.is_not(None)))
        return {r.client_id: (r.assignee_id, r.origin) for r in rows}


def put_in_segment(engine: Engine, client_ids: list[int], segment: Segment) -> None:
    with write_session(engine) as session:
        session.execute(
            update(clients)
            .where(clients.c.id.in_(client_ids))
            .values(segment=segment.value, segment_manual=True)
        )


@pytest.fixture
def head(workspace_for: Callable[[str], Workspace]) -> Workspace:
    return workspace_for("smirnov")


def test_clients_nobody_contacted_get_one_task_for_their_owner(
    engine: Engine, seeded: Seeded, head: Workspace
) -> None:
    # seeded: teplo has an open task; zorin and agro have none and were never called
    put_in_segment(engine, [seeded.clients[k] for k in ("teplo", "zorin", "agro")], Segment.LOST)
    set_work_rule(head, Segment.LOST, every_days=30)
    report = run_tick(head)
    assert report.contact_tasks["lost"] == 2
    assert contact_tasks(engine) == {
        seeded.clients["agro"]: (seeded.users["petrov"], "segment:lost"),
        seeded.clients["zorin"]: (seeded.users["ivanova"], "segment:lost"),
    }
    with write_session(engine) as session:
        logged = session.scalar(
            select(func.count()).where(audit_entries.c.entity == "task", audit_entries.c.action == "create")
        )
    assert logged == 2
    again = run_tick(head)  # the tasks are data: the segments look again, the daily jobs wait
    assert again.skipped == ["contact_tasks", "deal_reminders"]
    assert run_tick(head).skipped == ["segments", "contact_tasks", "deal_reminders"]
    assert run_tick(head, force=True).contact_tasks == {"warm": 0, "loyal": 0, "lost": 0}


def test_a_recent_interaction_or_a_finished_task_counts_as_contact(
    engine: Engine, seeded: Seeded, head: Workspace
) -> None:
    put_in_segment(engine, [seeded.clients["agro"]], Segment.LOST)
    set_work_rule(head, Segment.LOST, every_days=30)
    with write_session(engine) as session:
        session.execute(
            interactions.insert().values(
                kind="call", direction="outbound", occurred_at=FROZEN_NOW - timedelta(days=29),
                summary="Звонок", client_id=seeded.clients["agro"], created_at=FROZEN_NOW,
            )
        )  # fmt: skip
    assert run_tick(head).contact_tasks["lost"] == 0
    set_work_rule(head, Segment.LOST, every_days=20)
    assert run_tick(head).contact_tasks["lost"] == 1


def test_at_most_so_many_tasks_per_manager_per_run_most_valuable_first(
    engine: Engine, seeded: Seeded, head: Workspace
) -> None:
    ids = [seeded.clients[k] for k in ("stroymontazh", "zorin")]  # Ivanova's, never called
    with write_session(engine) as session:
        session.execute(update(tasks).where(tasks.c.client_id.in_(ids)).values(status=TaskStatus.DONE.value))
        session.execute(
            sales_documents.insert().values(
                kind="sale", number="1", doc_year=2026, doc_date=FROZEN_NOW.date() - timedelta(days=2),
                client_id=ids[1], client_name="Зорин", amount=5_000_000, file="t.xlsx", row=2,
                updated_at=FROZEN_NOW,
            )
        )  # fmt: skip
    put_in_segment(engine, ids, Segment.LOYAL)
    set_work_rule(head, Segment.LOYAL, every_days=1, max_per_run=1)
    assert run_tick(head).contact_tasks["loyal"] == 1
    assert list(contact_tasks(engine)) == [ids[1]]  # the bigger buyer first
    assert run_tick(head, force=True).contact_tasks["loyal"] == 1  # the other one on the next run
    assert set(contact_tasks(engine)) == set(ids)


def test_a_rule_at_zero_is_off_and_managers_cannot_change_rules(
    engine: Engine, seeded: Seeded, head: Workspace, workspace_for: Callable[[str], Workspace]
) -> None:
    put_in_segment(engine, [seeded.clients["agro"]], Segment.LOST)
    set_work_rule(head, Segment.LOST, every_days=0)
    assert run_tick(head).contact_tasks["lost"] == 0
    with pytest.raises(AccessDenied):
        set_work_rule(workspace_for("ivanova"), Segment.LOST, every_days=10)


def test_bulk_assign_and_plan_calls(engine: Engine, seeded: Seeded, head: Workspace) -> None:
    ids = [seeded.clients["teplo"], seeded.clients["zorin"]]
    result = hand_over(head, "smirnov", client_ids=ids)
    assert result.clients == 2
    with write_session(engine) as session:
        owners = set(session.scalars(select(clients.c.owner_id).where(clients.c.id.in_(ids))))
    assert owners == {seeded.users["smirnov"]}
    with pytest.raises(AccessDenied, match="outside your region"):
        hand_over(head, "petrov", client_ids=ids)
    planned = plan_calls(head, ids, "Позвонить: акция декабря", FROZEN_NOW + timedelta(days=1))
    assert planned.changed == 2
    with write_session(engine) as session:
        titles = session.scalars(
            select(tasks.c.title).where(tasks.c.client_id.in_(ids), tasks.c.origin.is_(None))
        )
        assert list(titles).count("Позвонить: акция декабря") == 2


def test_the_audit_of_a_planned_call_says_whose_it_is_and_when_it_is_due(
    engine: Engine, seeded: Seeded, head: Workspace
) -> None:
    client_id = seeded.clients["teplo"]
    due = FROZEN_NOW + timedelta(days=2)
    plan_calls(head, [client_id], "Позвонить по акции", due)
    with write_session(engine) as session:
        task_id, assignee = session.execute(
            select(tasks.c.id, tasks.c.assignee_id).where(tasks.c.title == "Позвонить по акции")
        ).one()
        changes = session.scalar(
            select(audit_entries.c.changes).where(
                audit_entries.c.entity == "task", audit_entries.c.entity_id == task_id
            )
        )
    assert changes == {
        "title": "Позвонить по акции",
        "client_id": client_id,
        "assignee_id": assignee,
        "due_at": due.isoformat(),
    }
