"""The funnel kanban: columns from SQL, cards moved with keys, lost with a reason, the report."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from textual.widgets import Input, OptionList, Static

from crm_tui.app import create_app
from crm_tui.domain.deals.kanban import KanbanCard
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.deal import DealScreen
from crm_tui.screens.dialogs.lost import LostDialog
from crm_tui.screens.funnel import FunnelScreen
from crm_tui.storage.models import deals, stages
from crm_tui.widgets.kanban_column import KanbanColumnView
from tests.app.support import notifications, settle, text_of, workspace
from tests.app.typing import burst
from tests.seed import Seeded


async def open_funnel(pilot: object) -> FunnelScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("F")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FunnelScreen)
    return screen


def column_titles(screen: FunnelScreen) -> dict[str, list[str]]:
    assert screen.board is not None
    return {c.name: [card.title for card in c.cards] for c in screen.board.columns}


def stage_of(engine: Engine, deal_id: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.scalar(
                select(stages.c.code)
                .select_from(deals.join(stages, stages.c.id == deals.c.stage_id))
                .where(deals.c.id == deal_id)
            )
        )


async def test_a_manager_moves_cards_with_keys_and_loses_one_with_a_reason(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    app = create_app(workspace(sqlite_url, "ivanova"))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_funnel(pilot)
        titles = column_titles(screen)
        assert titles["Proposal sent"] == ["Поставка: СтройМонтаж", "Поставка: Аква-Сервис"]  # oldest first
        assert "Поставка: Липецкий металл" not in titles["Proposal sent"]  # Petrov's
        assert "8 open deals" in text_of(screen.query_one("#funnel-info", Static))
        await pilot.press("right", "right")  # to Proposal sent; its first card is СтройМонтаж
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert stage_of(sqlite_engine, team.deals["d_prop_stroy"]) == "invoice"
        assert "Moved to Invoice issued." in notifications(app)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, LostDialog)
        await pilot.press("down", "enter")  # Chose a competitor
        app.screen.query_one("#lost-comment", Input).value = "ушли к конкуренту"
        await pilot.press("enter")
        await settle(pilot)
        assert stage_of(sqlite_engine, team.deals["d_prop_aqua"]) == "lost"
        with sqlite_engine.connect() as conn:
            reason = conn.scalar(select(deals.c.lost_reason).where(deals.c.id == team.deals["d_prop_aqua"]))
        assert reason == "Chose a competitor"


async def test_the_report_view_and_the_deal_screen(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_funnel(pilot)
        await pilot.press("v")
        await settle(pilot)
        report = text_of(screen.query_one("#funnel-report", Static))
        assert "Funnel: Sales" in report and "Lost reasons" in report and "Forecast" in report
        await pilot.press("escape")
        await settle(pilot)
        view = next(iter(screen.views.values()))
        assert isinstance(view, KanbanColumnView)
        view.query_one(OptionList).focus()
        await pilot.press("enter")
        await settle(pilot)
        deal_screen = app.screen
        assert isinstance(deal_screen, DealScreen)
        assert "New inquiry" in text_of(deal_screen.query_one("#deal-head", Static))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "Qualification" in text_of(deal_screen.query_one("#deal-history", Static))


async def test_an_admin_sets_a_stuck_limit_in_the_funnel_settings(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from crm_tui.screens.funnel_settings import FunnelSettingsScreen, ValueDialog

    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(160, 45)) as pilot:
        await open_funnel(pilot)
        await pilot.press("comma")
        await settle(pilot)
        settings = app.screen
        assert isinstance(settings, FunnelSettingsScreen)
        await pilot.press("down", "down", "s")  # Proposal sent
        await settle(pilot)
        assert isinstance(app.screen, ValueDialog)
        app.screen.query_one(Input).value = "4"
        await pilot.press("enter")
        await settle(pilot)
        with sqlite_engine.connect() as conn:
            limit = conn.scalar(select(stages.c.stuck_after_days).where(stages.c.code == "proposal"))
        assert limit == 4
        await pilot.press("escape")
        await settle(pilot)
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen)
        assert "stuck on screen: 2" in text_of(funnel.query_one("#funnel-info", Static))


async def test_managers_have_no_funnel_settings(sqlite_url: str, sqlite_engine: Engine, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "ivanova"))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_funnel(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert app.screen is screen


async def test_region_pipeline_and_period_filters(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from crm_tui.screens.dialogs.choice import ChoiceDialog

    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_funnel(pilot)
        assert "9 open deals" in text_of(screen.query_one("#funnel-info", Static))
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # Липецк, the first region alphabetically
        await settle(pilot)
        info = text_of(screen.query_one("#funnel-info", Static))
        assert "1 open deals" in info and "region Липецк" in info
        await pilot.press("g")  # again: all regions
        await settle(pilot)
        await pilot.press("t", "down", "down", "enter")  # created in the last 30 days: all seeded deals
        await settle(pilot)
        assert "created from 21.10.2026" in text_of(screen.query_one("#funnel-info", Static))
        await pilot.press("t", "down", "enter")  # created this month: the seeded deals are 30 days old
        await settle(pilot)
        assert "0 open deals" in text_of(screen.query_one("#funnel-info", Static))
        await pilot.press("p", "enter")
        await settle(pilot)
        assert "9 open deals" in text_of(screen.query_one("#funnel-info", Static))


async def test_column_heads_say_deals_and_rubles_whole_at_80x24(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    """The walk-through read `96 · 102 302`: no unit, and the sum cut. Count and money, whole."""
    from crm_tui import i18n

    app = create_app(workspace(sqlite_url, "smirnov"))
    i18n.set_locale("ru")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_funnel(pilot)
            heads = {
                view.column.name: text_of(view.query_one(".kanban-head", Static))
                for view in screen.query(KanbanColumnView)
                if view.column is not None
            }
    finally:
        i18n.set_locale("en")
    proposal = " ".join(heads["Proposal sent"].split())
    assert "2 сделки" in proposal and "1 336 500 ₽" in proposal.replace("\u202f", " ")
    assert all("…" not in head for head in heads.values())


async def test_the_kanbans_money_keeps_its_kopecks_as_the_reports_do(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    """A column's head keeps the kopecks its sum has; a column's cards show them on every card
    when any card has them (their digits line up); a column of whole sums stays whole."""
    with sqlite_engine.begin() as conn:
        conn.execute(deals.update().where(deals.c.id == team.deals["d_prop_aqua"]).values(amount=8_650_050))
    app = create_app(workspace(sqlite_url, "smirnov"))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_funnel(pilot)
        heads, cards = {}, {}
        for view in screen.query(KanbanColumnView):
            if view.column is None:
                continue
            heads[view.column.name] = " ".join(text_of(view.query_one(".kanban-head", Static)).split())
            options = view.query_one(".kanban-cards", OptionList)
            cards[view.column.name] = [
                str(options.get_option_at_index(n).prompt).splitlines()[1].split("  ")[0]
                for n in range(len(view.cards))
            ]
    heads = {name: head.replace("\u202f", " ") for name, head in heads.items()}
    cards = {name: [c.replace("\u202f", " ") for c in texts] for name, texts in cards.items()}
    assert "2 deals 1 336 500.50 ₽" in heads["Proposal sent"].replace(" ·", "")
    assert sorted(cards["Proposal sent"]) == ["1 250 000.00 ₽", "86 500.50 ₽"]
    assert "2 deals 165 000 ₽" in heads["New inquiry"].replace(" ·", "")
    assert sorted(cards["New inquiry"]) == ["120 000 ₽", "45 000 ₽"]


async def test_a_new_deals_card_goes_in_once_its_dialog_has_gone(ws: Workspace, team: Seeded) -> None:
    """The kanban's new deal: the dialog closes first and the card is put into its column after,
    in the same step. The board changed under the open dialog was laid out and drawn again
    dimmed behind it, then drawn once more as it went (most of a save's time on the large
    base). The column's head says the new count, drawn without laying the screen out again."""
    app = create_app(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        funnel = await open_funnel(pilot)
        assert funnel.board is not None
        before = funnel.board.columns[0].count
        put = funnel.put_card
        stacks: list[list[str]] = []

        def watched(stage_id: int, card: KanbanCard) -> bool:
            stacks.append([type(screen).__name__ for screen in app.screen_stack])
            return put(stage_id, card)

        funnel.put_card = watched  # type: ignore[method-assign]
        await burst(pilot, "n", "Ромашка", "tab", "Насосы", "tab", "350к", "ctrl+s")
        await settle(pilot)
        assert app.screen is funnel
        assert stacks and stacks[0][-1] == "FunnelScreen"
        view = funnel._columns()[0]
        assert view.highlighted is not None and view.highlighted.title == "Насосы"
        assert f"{before + 1} deals" in text_of(view.query_one(".kanban-head", Static))
