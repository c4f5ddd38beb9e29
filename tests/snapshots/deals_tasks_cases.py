"""The deals-and-tasks screens and dialogs the snapshot files show (English and Russian): what
is on the base before, and the keys that bring each one up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from crm_tui.domain.deals.lines import LineDraft, add_line
from crm_tui.domain.tasks.manual import TaskDraft, set_task
from tests.app.support import settle, workspace
from tests.seed import Seeded
from tests.snapshots.test_screens import keys_then_settle


def deals_and_tasks(url: str, team: Seeded) -> None:
    """Lines on Тепло's new deal (the kanban's first card) and a week of tasks for Иванова, some
    set by her head: a meeting, a call, one done with its result."""
    ivanova, head = workspace(url, "ivanova"), workspace(url, "smirnov")
    deal = team.deals["d_new_teplo"]
    version = add_line(ivanova, deal, 1, LineDraft("Котёл газовый", "2", "шт", "48 500", "20"))
    add_line(ivanova, deal, version, LineDraft("Монтаж", "6", "ч", "1 500", "без НДС"))
    set_task(head, TaskDraft("Встреча: условия поставки", "пн 11:00", "ivanova", "meeting", "Ромашка"))
    set_task(head, TaskDraft("Согласовать скидку", "сегодня 16:00", "ivanova", "call", "Вектор"))
    set_task(ivanova, TaskDraft("Отправить КП", "ср 10:00", "", "email", "Аква"))


def typed_then_save(*keys: str, fields: dict[str, str]) -> Callable[[Pilot[None]], object]:
    """Open a dialog with ``keys``, type ``fields`` (input id: text), save with ctrl+s."""

    opening = keys_then_settle(*keys)

    async def run(pilot: Pilot[None]) -> None:
        started = opening(pilot)
        assert isinstance(started, Awaitable)
        await started
        for field, text in fields.items():
            pilot.app.screen.query_one(f"#{field}").focus()
            await pilot.press(*text)
        await pilot.press("ctrl+s")
        await settle(pilot)

    return run


async def task_on_a_deal_on_the_desk(pilot: Pilot[None]) -> None:
    """Иванова sets herself a task on Аква-Сервис's deal in qualification; the desk, read again,
    names the deal on the task's line."""
    from crm_tui.app import CrmApp
    from crm_tui.domain.deals.edit import DealQuery, list_deals

    app = pilot.app
    assert isinstance(app, CrmApp)
    await settle(pilot)
    with app.ws.read() as session:
        rows = list_deals(session, app.ws.viewer, DealQuery(open_only=True))
    deal = next(row for row in rows if row.client == "Аква-Сервис" and row.amount == 31_000_000)
    set_task(app.ws, TaskDraft("Выставить счёт", "сегодня 17:00", "", "call", "", str(deal.id)))
    await pilot.press("r")
    await settle(pilot)


CASES: dict[str, tuple[str, Callable[[Pilot[None]], object]]] = {
    # id: (start screen, what to do)
    "new_deal_on_the_card": ("clients", keys_then_settle("j", "j", "j", "enter", "N")),
    "new_deal_refused_keeps_what_was_typed": (
        "clients",
        typed_then_save("j", "j", "j", "enter", "N", fields={"deal-title": "Насосы", "deal-amount": "много"}),
    ),
    "new_deal_on_the_kanban": ("desk", keys_then_settle("F", "l", "n")),
    "deal_with_lines": ("desk", keys_then_settle("F", "enter")),
    "deal_edit": ("desk", keys_then_settle("F", "enter", "e")),
    "deal_line": ("desk", keys_then_settle("F", "enter", "a")),
    "task_on_the_card": ("clients", keys_then_settle("j", "j", "j", "enter", "T")),
    "week": ("desk", keys_then_settle("W")),
    "new_deal_client_suggested": ("desk", keys_then_settle("N", "о", "м", "down")),
    "new_deal_stage_by_letter": ("clients", keys_then_settle("j", "j", "j", "enter", "N", "tab", "tab", "I")),
    "new_deal_stage_list": ("clients", keys_then_settle("j", "j", "j", "enter", "N", "tab", "tab", "space")),
    "task_deal_list_on_the_desk": (
        "desk",
        keys_then_settle("T", "З", "tab", "tab", "tab", "tab", "А", "к", "в", "а", "enter", "space"),
    ),
    "task_on_a_deal_on_the_desk": ("desk", task_on_a_deal_on_the_desk),
    "task_reassign_on_the_desk": ("desk", keys_then_settle("A")),
    "task_cancel_on_the_week": ("desk", keys_then_settle("W", "down", "X")),
    "task_move_on_the_card": ("clients", keys_then_settle("j", "j", "j", "enter", "M")),
}
