"""Completing and snoozing tasks, the client card, logging a call: with locking and audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.errors import InvalidInput, NotFound, StaleEdit
from crm_tui.domain.interactions.log import log_interaction
from crm_tui.domain.tasks.lifecycle import complete_task, snooze_task
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import InteractionKind, audit_entries, tasks
from tests.seed import FROZEN_NOW, Seeded


def task_row(ws: Workspace, task_id: int) -> tuple[str, str | None, int]:
    with ws.read() as session:
        row = session.execute(
            select(tasks.c.status, tasks.c.result, tasks.c.version).where(tasks.c.id == task_id)
        ).one()
    return row.status, row.result, row.version


def audit_actions(ws: Workspace, entity: str, entity_id: int) -> list[str]:
    with ws.read() as session:
        return list(
            session.scalars(
                select(audit_entries.c.action)
                .where(audit_entries.c.entity == entity, audit_entries.c.entity_id == entity_id)
                .order_by(audit_entries.c.id)
            )
        )


def test_complete_records_result_and_audit(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> None:
    ws = workspace_for("ivanova")
    task_id = seeded.tasks["overdue_call"]
    complete_task(ws, task_id, version=1, result="Клиент согласен, ждёт договор")
    assert task_row(ws, task_id) == ("done", "Клиент согласен, ждёт договор", 2)
    assert audit_actions(ws, "task", task_id) == ["complete"]


def test_complete_needs_a_result(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> None:
    ws = workspace_for("ivanova")
    with pytest.raises(InvalidInput, match="result"):
        complete_task(ws, seeded.tasks["overdue_call"], version=1, result="   ")
    assert task_row(ws, seeded.tasks["overdue_call"])[0] == "open"


def test_a_stale_version_is_refused_not_overwritten(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("ivanova")
    task_id = seeded.tasks["today_call"]
    snooze_task(ws, task_id, version=1, until=FROZEN_NOW + timedelta(days=1))
    with pytest.raises(StaleEdit, match="changed by someone else"):
        complete_task(ws, task_id, version=1, result="Позвонила")
    assert task_row(ws, task_id) == ("open", None, 2)


def test_someone_elses_task_is_refused(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> None:
    """A colleague's task a manager cannot see answers as a missing one would."""
    with pytest.raises(NotFound):
        complete_task(workspace_for("ivanova"), seeded.tasks["petrov_call"], version=1, result="x")


def test_a_done_task_cannot_be_completed_again(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    with pytest.raises(InvalidInput, match="already done"):
        complete_task(workspace_for("ivanova"), seeded.tasks["done_call"], version=1, result="x")


def test_snooze_moves_the_task_off_today(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> None:
    from crm_tui.domain.desk import load_desk

    ws = workspace_for("ivanova")
    snooze_task(ws, seeded.tasks["overdue_call"], version=1, until=FROZEN_NOW + timedelta(days=3))
    assert "Позвонить по КП" not in [t.title for t in load_desk(ws).tasks]
    with pytest.raises(InvalidInput, match="future"):
        snooze_task(ws, seeded.tasks["today_call"], version=1, until=FROZEN_NOW - timedelta(minutes=1))


def test_card_holds_requisites_contacts_deals_interactions_tasks(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("ivanova")
    with ws.read() as session:
        card = load_card(session, ws.viewer, seeded.clients["romashka"])
    assert card.display_name == "ООО «Ромашка»"
    assert (card.inn, card.city, card.owner) == ("7707083893", "Москва", "Иванова Светлана")
    assert [c.value for c in card.channels] == ["+74951112233"]
    assert card.contacts[0].full_name == "Ёлкина Мария Петровна"
    assert card.contacts[0].channels[0].value == "info@romashka.ru"
    assert card.deals[0].status == "open" and card.deals[0].stage == "Awaiting payment"
    assert {d.status for d in card.deals} == {"open", "won"}
    assert [e.text for e in card.timeline.entries if e.source == "touch"] == ["Обсудили график оплаты"]
    assert [t.title for t in card.tasks] == ["Напомнить об оплате счёта"]


def test_card_of_a_client_one_may_not_see_is_not_found(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("ivanova")
    with ws.read() as session, pytest.raises(NotFound):
        load_card(session, ws.viewer, seeded.clients["metall"])


def test_logging_a_call_puts_it_on_top_of_the_card(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("ivanova")
    client_id = seeded.clients["romashka"]
    new_id = log_interaction(ws, client_id, InteractionKind.CALL, "Договорились о встрече", duration_s=180)
    with ws.read() as session:
        card = load_card(session, ws.viewer, client_id)
    latest = card.timeline.entries[0]
    assert (latest.kind, latest.text, latest.user) == ("call", "Договорились о встрече", "Иванова Светлана")
    assert audit_actions(ws, "interaction", new_id) == ["create"]


def test_logging_needs_a_summary_and_a_visible_client(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("ivanova")
    with pytest.raises(InvalidInput, match="summary"):
        log_interaction(ws, seeded.clients["romashka"], InteractionKind.NOTE, "  ")
    with pytest.raises(NotFound):
        log_interaction(ws, seeded.clients["metall"], InteractionKind.NOTE, "Чужой клиент")
