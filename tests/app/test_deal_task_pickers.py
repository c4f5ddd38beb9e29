"""The new deal's pipeline and stage, and the new task's deal, are picked, not typed (issue 21's
review): the lists come from the base (the pipelines, the chosen one's open stages, the client's
open deals), a letter chooses in them, a refused save keeps every pick, and the keys typed right
after the key that opens the dialog land in it (the card's ``N``, the desk's ``T``)."""

from __future__ import annotations

from sqlalchemy import select

from crm_tui.app import create_app
from crm_tui.domain.deals.pipeline_admin import add_pipeline
from crm_tui.domain.deals.pipelines import open_stages
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.desk import DeskScreen
from crm_tui.screens.dialogs.deal_forms import NewDealDialog
from crm_tui.screens.dialogs.task_form import TaskDialog
from crm_tui.storage.models import deals, tasks
from crm_tui.widgets.picker import Picker
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import settle, workspace
from tests.app.test_form_dialogs import on_card, refused_on, values
from tests.app.typing import burst
from tests.seed import Seeded

SIZE = (120, 40)


def picked(dialog: object, widget_id: str) -> object:
    assert isinstance(dialog, NewDealDialog | TaskDialog)
    return dialog.query_one(f"#{widget_id}", Picker).value


async def test_the_kanbans_column_is_the_stage_picked(ws: Workspace, team: Seeded) -> None:
    """From the kanban the selected column's pipeline and stage are chosen; the stages offered
    are the open ones; on Won the first open stage; with one pipeline it is shown, not asked."""
    from crm_tui.screens.funnel import FunnelScreen

    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "F")
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen) and funnel.board is not None and funnel.flt is not None
        columns = funnel.board.columns
        open_ids = [c.stage_id for c in columns if not (c.is_won or c.is_lost)]
        await burst(pilot, "right", "right")
        await burst(pilot, "n")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        assert picked(dialog, "deal-pipeline") == funnel.flt.pipeline_id
        assert dialog.query_one("#deal-pipeline", Picker).disabled
        assert picked(dialog, "deal-stage") == columns[2].stage_id
        assert [value for _name, value in dialog.query_one("#deal-stage", Picker).names] == open_ids
        await burst(pilot, "escape")
        won = next(i for i, c in enumerate(columns) if c.is_won)
        await burst(pilot, *["right"] * (won - 2))
        await burst(pilot, "n")
        assert app.screen is dialog
        assert picked(dialog, "deal-stage") == open_ids[0]


async def test_a_letter_picks_the_stage_and_a_refusal_keeps_every_field(ws: Workspace, team: Seeded) -> None:
    """A letter on the stage chooses the first stage whose name starts with it (a letter that
    is an app key, ``q``, does not quit); a refused save keeps the pick and the typing."""
    with ws.read() as session:
        stages = open_stages(session)[0].stages
    third = stages[2]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "N")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        await burst(pilot, "Насосы", "tab", "много", "tab", "q", third.name[:2], "tab", "+30", "ctrl+s")
        refused_on(dialog, "amount", "deal-amount", "amount: ")
        assert values(dialog, "deal-title", "deal-amount", "deal-close") == ["Насосы", "много", "+30"]
        assert picked(dialog, "deal-stage") == third.id
        await burst(pilot, "ctrl+u", "350к", "ctrl+s")
        assert isinstance(app.screen, ClientCardScreen)
    with ws.read() as session:
        saved = session.execute(select(deals.c.stage_id).where(deals.c.title == "Насосы")).all()
    assert [row.stage_id for row in saved] == [third.id]


async def test_another_pipeline_offers_its_own_stages(ws: Workspace, sqlite_url: str, team: Seeded) -> None:
    """With two pipelines the pipeline is picked (a letter: its name), and the stage picker then
    holds that pipeline's open stages; the deal is saved there."""
    service = add_pipeline(workspace(sqlite_url, "admin"), "Монтаж")
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "N")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        assert not dialog.query_one("#deal-pipeline", Picker).disabled
        await burst(pilot, "Котлы", "tab", "350к", "tab", "М")
        await settle(pilot)
        assert picked(dialog, "deal-pipeline") == service
        stage = dialog.query_one("#deal-stage", Picker)
        assert [name for name, _value in stage.names] == ["New"]
        await burst(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientCardScreen)
    with ws.read() as session:
        saved = session.execute(select(deals.c.pipeline_id).where(deals.c.title == "Котлы")).all()
    assert [row.pipeline_id for row in saved] == [service]


async def test_the_cards_new_deal_typed_at_once(ws: Workspace, team: Seeded) -> None:
    """``N`` and the title at paste speed, and key by key: every letter in the title."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ClientCardScreen(app.ws, team.clients["romashka"]))
        await settle(pilot)
        await burst(pilot, "N", "Заказ")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        assert values(dialog, "deal-title") == ["Заказ"]
        await burst(pilot, "escape")
        await settle(pilot)
        await pilot.press("N", "З", "а", "к", "а", "з")
        assert isinstance(app.screen, NewDealDialog)
        assert values(app.screen, "deal-title") == ["Заказ"]


async def test_the_desks_new_task_typed_at_once(ws: Workspace, team: Seeded) -> None:
    """``T`` on the desk and the task's title in one burst: every key lands in the dialog (they
    went to the tasks list, the key ran only after them)."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        await burst(pilot, "T", "Позвонить", "tab", "ctrl+u", "пт 11:00")
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        assert values(dialog, "task-title", "task-due") == ["Позвонить", "пт 11:00"]


async def test_the_desks_task_on_a_deal_of_its_client(ws: Workspace, team: Seeded) -> None:
    """On the desk's ``T`` the deal picker holds the open deals of the client taken; a letter
    picks one; the task is on it, and its line on the desk names it."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "T")
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        deal_picker = dialog.query_one("#task-deal", Picker)
        assert deal_picker.names == []
        await burst(pilot, "Отправить счёт", "tab", "ctrl+u", "сегодня 18:00", "tab", "tab", "tab")
        await burst(pilot, "Аква")
        await settle(pilot)
        await burst(pilot, "enter")
        await settle(pilot)
        titles = sorted(name for name, _value in deal_picker.names)
        assert len(titles) == 2 and all(title.startswith("Поставка") for title in titles)
        await burst(pilot, "П")
        chosen = deal_picker.value
        assert chosen in (team.deals["d_qual_aqua"], team.deals["d_prop_aqua"])
        await burst(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        with ws.read() as session:
            deal_id = session.scalar(select(tasks.c.deal_id).where(tasks.c.title == "Отправить счёт"))
        assert deal_id == chosen
        await settle(pilot)
        table = app.screen.query_one("#tasks", RecordTable)
        lines = [" ".join(str(cell) for cell in table.get_row_at(n)) for n in range(table.row_count)]
        line = next(line for line in lines if "Отправить счёт" in line)
        assert "· Поставка" in line


async def test_the_cards_task_offers_its_clients_deals(ws: Workspace, team: Seeded) -> None:
    """On the card the client is known: its open deals are offered at once (not the won
    ones); left empty, the task is on no deal."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "T")
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        deal_picker = dialog.query_one("#task-deal", Picker)
        assert [value for _name, value in deal_picker.names] == [team.deals["d_await_romashka"]]
        assert deal_picker.value is Picker.NULL
        await burst(pilot, "Позвонить", "ctrl+s")
        await settle(pilot)
    with ws.read() as session:
        row = session.execute(
            select(tasks.c.client_id, tasks.c.deal_id).where(tasks.c.title == "Позвонить")
        ).one()
    assert (row.client_id, row.deal_id) == (team.clients["romashka"], None)


async def test_the_desks_new_deal_typed_at_once(ws: Workspace, team: Seeded) -> None:
    """``N`` on the desk, the client and the title in one burst: every key in the dialog."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        await burst(pilot, "N", "Ромашка", "tab", "Заказ")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        assert values(dialog, "deal-client", "deal-title") == ["Ромашка", "Заказ"]
