"""The week as a manager and as a head of sales, in English and Russian, at 80x24 and 120x40:
one's days; the team's week by person (a Moscow team of eight, frozen at Friday 20.11.2026 12:30
MSK); one manager's days opened from it. The footer holds every key of the screen at 80 columns.

Update with ``pytest tests/snapshots/test_week_screens.py --snapshot-update`` and read the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from crm_tui import i18n
from crm_tui.app import create_app
from crm_tui.domain.access.users import add_user
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Role, TaskKind, TaskStatus
from crm_tui.storage.records import Task
from tests.app.support import workspace
from tests.russian_base import name_in_russian
from tests.seed import FROZEN_NOW, Seeded
from tests.snapshots.deals_tasks_cases import deals_and_tasks
from tests.snapshots.test_screens import keys_then_settle

SnapCompare = Callable[..., bool]

MANAGERS = ["Белова Ирина", "Громов Павел", "Дёмина Ольга", "Коваленко Константин Игоревич", "Лебедев Артём"]
"""Moscow's other managers: with Иванова and their head Смирнов, a team to read at a glance."""


def a_team(engine: Engine, team: Seeded) -> None:
    """A week of work for each: some days heavy, some overdue, one without anything."""
    with write_session(engine) as session:
        for n, name in enumerate(MANAGERS):
            person = add_user(
                session, login=f"msk{n}", full_name=name, role=Role.MANAGER, region="Москва",
                now=FROZEN_NOW, by_user_id=None,
            )  # fmt: skip
            for day in range(-4, 3):  # Monday 16.11 to Sunday 22.11
                for k in range((n + day) % 4 if n != 3 else 0):
                    session.add(
                        Task(
                            title=f"Звонок {k}", kind=TaskKind.CALL, assignee_id=person.id,
                            due_at=FROZEN_NOW + timedelta(days=day, hours=k - 1),
                            status=TaskStatus.DONE if (day + k) % 3 == 0 else TaskStatus.OPEN,
                            created_at=FROZEN_NOW - timedelta(days=7),
                        )
                    )  # fmt: skip


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.current_locale()
    i18n.set_locale(request.param)
    yield request.param
    i18n.set_locale(before)


CASES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # id: (who, start screen, keys)
    "manager_week": ("ivanova", "desk", ("W",)),
    "head_own_week": ("smirnov", "desk", ("W",)),
    "head_team_week": ("smirnov", "desk", ("W", "g")),
    "head_team_next_week": ("smirnov", "desk", ("W", "g", "right")),
    "head_opens_a_managers_days": ("smirnov", "desk", ("W", "g", "down", "enter")),
    "deal_as_manager": ("ivanova", "desk", ("F", "enter")),
    "deal_as_head": ("smirnov", "desk", ("F", "enter")),
}


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
@pytest.mark.parametrize("case", list(CASES))
def test_week_and_deal(
    snap_compare: SnapCompare,
    sqlite_url: str,
    prepared: Callable[[str], Engine],
    team: Seeded,
    language: str,
    case: str,
    size: tuple[int, int],
) -> None:
    engine = prepared(sqlite_url)
    if language == "ru":
        name_in_russian(engine)
    deals_and_tasks(sqlite_url, team)
    a_team(engine, team)
    who, start, keys = CASES[case]
    app = create_app(workspace(sqlite_url, who), start=start)
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle(*keys))
