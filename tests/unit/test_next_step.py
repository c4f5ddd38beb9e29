"""The next step's date, as managers type it, and the task a logged call leaves behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.interactions.log import log_interaction
from crm_tui.domain.tasks.next_step import next_step
from crm_tui.domain.values.moments import parse_day, parse_due
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import InteractionKind, audit_entries, tasks
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

NOW = FROZEN_NOW  # Friday 20.11.2026, 12:30 in Moscow


def local(text: str) -> str:
    return parse_due(text, NOW, MOSCOW).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("завтра", "21.11.2026 10:00"),
        ("Tomorrow", "21.11.2026 10:00"),
        ("+3", "23.11.2026 10:00"),
        ("+ 2 дня", "22.11.2026 10:00"),
        ("25.11", "25.11.2026 10:00"),
        ("25.11 15:30", "25.11.2026 15:30"),
        ("25/11/26 9.05", "25.11.2026 09:05"),
        ("05.01", "05.01.2027 10:00"),  # typed in November: next January
        ("16:00", "20.11.2026 16:00"),
        ("2026-12-01T11:00", "01.12.2026 11:00"),
        ("2026-12-01", "01.12.2026 10:00"),
        ("2026-12-01T08:00Z", "01.12.2026 11:00"),  # UTC, shown in Moscow time
        ("сегодня", "20.11.2026 13:00"),  # the morning is gone: the next full hour
        ("+0", "20.11.2026 13:00"),
        ("20.11", "20.11.2026 13:00"),
    ],
)
def test_dates_as_managers_type_them(typed: str, due: str) -> None:
    assert local(typed) == due


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("завтра 10:00", "21.11.2026 10:00"),
        ("завтра, 9.30", "21.11.2026 09:30"),
        ("пт", "27.11.2026 10:00"),  # said on a Friday, «в пятницу» is next week's (reviewer)
        ("пт 9:00", "27.11.2026 09:00"),
        ("пт 15:00", "27.11.2026 15:00"),  # today is «сегодня 15:00» or «15:00»
        ("15:00", "20.11.2026 15:00"),
        ("пн", "23.11.2026 10:00"),
        ("Чт 15:00", "26.11.2026 15:00"),
        ("+2", "22.11.2026 10:00"),
        ("25.12", "25.12.2026 10:00"),
        ("25.12 15:00", "25.12.2026 15:00"),
    ],
)
def test_hand_set_tasks_read_the_words_people_use(typed: str, due: str) -> None:
    assert local(typed) == due


def test_a_close_date_is_a_day_in_any_spelling() -> None:
    assert f"{parse_day('25.12', NOW, MOSCOW):%d.%m.%Y}" == "25.12.2026"
    assert f"{parse_day('+30', NOW, MOSCOW):%d.%m.%Y}" == "20.12.2026"
    assert f"{parse_day('2027-01-15', NOW, MOSCOW):%d.%m.%Y}" == "15.01.2027"
    assert f"{parse_day('5 декабря 2026', NOW, MOSCOW):%d.%m.%Y}" == "05.12.2026"
    with pytest.raises(InvalidInput, match="is not a date"):
        parse_day("когда-нибудь", NOW, MOSCOW)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("вчера", "'вчера' is in the past"),
        ("31.02", "is not a date"),
        ("25.11 25:00", "is not a time of day"),
        ("19.11.2026", "is in the past"),
        ("09:00", "is in the past"),
        ("29.02", "is not a date"),  # not in 2026
    ],
)
def test_what_cannot_be_a_next_step_date_says_why(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_due(typed, NOW, MOSCOW)


def test_29_february_typed_after_it_passed_asks_for_the_year() -> None:
    in_march_2028 = datetime(2028, 3, 5, 9, 0, tzinfo=MOSCOW)
    with pytest.raises(InvalidInput, match="give the year, 29 February is not every year"):
        parse_due("29.02", in_march_2028, MOSCOW)
    assert parse_due("29.02.2032", in_march_2028, MOSCOW) == datetime(2032, 2, 29, 10, 0, tzinfo=MOSCOW)


def test_an_empty_step_is_no_step_but_a_date_alone_is_a_mistake() -> None:
    assert next_step("  ", "", NOW, MOSCOW) is None
    with pytest.raises(InvalidInput, match="say what the next step is"):
        next_step("", "завтра", NOW, MOSCOW)
    step = next_step("Перезвонить  с КП", "   ", NOW, MOSCOW)
    assert step is not None and step.title == "Перезвонить с КП"
    assert step.due == datetime(2026, 11, 21, 10, 0, tzinfo=MOSCOW)  # tomorrow morning by default


def test_a_logged_call_leaves_its_next_step_on_the_managers_desk(
    seeded: Seeded, workspace_for: Callable[[str], Workspace]
) -> None:
    ws = workspace_for("ivanova")
    then = next_step("Отправить КП", "+2", NOW, MOSCOW)
    log_interaction(ws, seeded.clients["teplo"], InteractionKind.CALL, "Просят КП на котлы", then=then)
    with ws.read() as session:
        row = session.execute(
            select(tasks.c.id, tasks.c.assignee_id, tasks.c.client_id, tasks.c.due_at, tasks.c.status).where(
                tasks.c.title == "Отправить КП"
            )
        ).one()
        logged = session.scalar(
            select(audit_entries.c.action).where(
                audit_entries.c.entity == "task", audit_entries.c.entity_id == row.id
            )
        )
    assert (row.assignee_id, row.client_id, row.status) == (
        seeded.users["ivanova"],
        seeded.clients["teplo"],
        "open",
    )
    assert row.due_at == datetime(2026, 11, 22, 10, 0, tzinfo=MOSCOW)
    assert logged == "create"
