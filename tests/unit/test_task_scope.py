"""Who may change a task: a head only their region's (issue 21's review: a Липецк head moved,
cancelled and completed Москва's tasks), and a task out of reach is "not found" whatever its
state (a closed one's refusal named its title to anybody)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.errors import NotFound
from crm_tui.domain.tasks.lifecycle import complete_task, snooze_task
from crm_tui.domain.tasks.manual import TaskDraft, cancel_task, reassign_task, reschedule_task, set_task
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import Role
from tests.seed import FROZEN_NOW, Seeded, add_person

Open = Callable[[str], Workspace]


@pytest.fixture
def other_head(engine: Engine, seeded: Seeded) -> str:
    """A head of sales in Липецк (the seeded team's head is Москва's)."""
    return add_person(engine, "arkhipov", "Архипов Михаил", Role.HEAD, "Липецк")


def test_a_head_of_another_region_finds_no_task_of_moscow(
    seeded: Seeded, workspace_for: Open, other_head: str
) -> None:
    moscow = set_task(workspace_for("smirnov"), TaskDraft("Позвонить", "завтра 10:00", "ivanova"))
    stranger = workspace_for(other_head)
    message = f"task {moscow.id} not found"
    with pytest.raises(NotFound, match=message):
        reschedule_task(stranger, moscow.id, 1, "+1")
    with pytest.raises(NotFound, match=message):
        reassign_task(stranger, moscow.id, 1, other_head)
    with pytest.raises(NotFound, match=message):
        cancel_task(stranger, moscow.id, 1, "не нужно")
    with pytest.raises(NotFound, match=message):
        complete_task(stranger, moscow.id, 1, "сделано")
    with pytest.raises(NotFound, match=message):
        snooze_task(stranger, moscow.id, 1, FROZEN_NOW.replace(year=2027))
    lipetsk = set_task(workspace_for("admin"), TaskDraft("Позвонить", "завтра 10:00", "petrov"))
    assert reschedule_task(stranger, lipetsk.id, 1, "+1") == 2  # his own region's: his to move


def test_a_closed_task_out_of_reach_is_not_found_and_its_title_is_not_told(
    seeded: Seeded, workspace_for: Open, other_head: str
) -> None:
    manager = workspace_for("ivanova")
    made = set_task(manager, TaskDraft("Секретная встреча", "завтра 10:00"))
    complete_task(manager, made.id, 1, "Встретились")
    stranger = workspace_for(other_head)
    for act in (
        lambda: reschedule_task(stranger, made.id, 2, "+1"),
        lambda: cancel_task(stranger, made.id, 2, "не нужно"),
        lambda: complete_task(stranger, made.id, 2, "сделано"),
        lambda: reschedule_task(stranger, made.id, 1, "+1"),  # a stale version tells nothing either
    ):
        with pytest.raises(NotFound) as refused:
            act()
        assert "Секретная" not in str(refused.value)
