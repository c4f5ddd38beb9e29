"""Every form dialog keeps what was typed when a save is refused (issue 19): several fields typed
in one burst of keys, one of them bad, Ctrl+S; the dialog stays open, every value as typed, the
reason right under the bad field, which is marked and has the focus. The burst (sent before any
key is handled, as a terminal over SSH delivers it) also shows every key landing in its field."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update
from textual.widgets import Input, OptionList, Select, Static

from crm_tui.app import CrmApp, create_app
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.deal import DealScreen
from crm_tui.screens.dialogs.contact import ContactDialog
from crm_tui.screens.dialogs.contact_move import ContactMoveDialog
from crm_tui.screens.dialogs.deal_forms import DealEditDialog, DealLineDialog, NewDealDialog
from crm_tui.screens.dialogs.form import FormDialog
from crm_tui.screens.dialogs.installed import InstalledDialog
from crm_tui.screens.dialogs.log_interaction import LogInteractionScreen
from crm_tui.screens.dialogs.lost import LostDialog
from crm_tui.screens.dialogs.new_client import NewClientScreen
from crm_tui.screens.dialogs.portrait import PortraitDialog
from crm_tui.screens.dialogs.requisites import RequisitesDialog
from crm_tui.screens.dialogs.snooze import SnoozeScreen
from crm_tui.screens.dialogs.task_form import TaskDialog
from crm_tui.screens.dialogs.task_result import TaskResultScreen
from crm_tui.screens.fields_settings import FieldDialog, FieldsSettingsScreen
from crm_tui.storage.database import write_session
from crm_tui.storage.models import deals, lost_reasons, tasks
from tests.app.support import notifications, settle, text_of, workspace
from tests.app.typing import burst
from tests.seed import Seeded

SIZE = (120, 40)


async def on_card(app: CrmApp, pilot: object, client_id: int, key: str) -> None:
    await app.push_screen(ClientCardScreen(app.ws, client_id))
    await settle(pilot)  # type: ignore[arg-type]
    await burst(pilot, key)  # type: ignore[arg-type]


def refused_on(dialog: FormDialog[Any], key: str, widget_id: str, reason: str) -> None:
    """The save was refused on field ``key``: its reason is under it, it is marked and focused."""
    assert dialog.is_current, "the dialog closed"
    assert reason in text_of(dialog.query_one(f"#error-{key}", Static))
    assert dialog.query_one(f"#error-{key}").display
    assert dialog.query_one(f"#{widget_id}").has_class("refused")
    assert dialog.focused is dialog.query_one(f"#{widget_id}")


def on_top(app: CrmApp, screen: object) -> bool:
    return app.screen_stack[-1] is screen


def values(dialog: FormDialog[Any], *ids: str) -> list[str]:
    return [dialog.query_one(f"#{i}", Input).value for i in ids]


async def test_log_call(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "l")
        dialog = app.screen
        assert isinstance(dialog, LogInteractionScreen)
        await burst(pilot, "Ждут КП", "tab", "полчаса", "tab", "Отправить КП", "tab", "завтра", "ctrl+s")
        refused_on(dialog, "duration", "duration", "Duration is minutes")
        assert values(dialog, "summary", "duration", "next-title", "next-when") == [
            "Ждут КП",
            "полчаса",
            "Отправить КП",
            "завтра",
        ]


async def test_requisites(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "u")
        dialog = app.screen
        assert isinstance(dialog, RequisitesDialog)
        keys = ["tab"] * 5 + [
            "ctrl+u",
            "ул. Ленина, 1",
            "tab",
            "ctrl+u",
            "123",
            "tab",
            "tab",
            "ctrl+u",
            "Химки",
        ]
        await burst(pilot, *keys, "ctrl+s")
        refused_on(dialog, "bik", "req-bik", "bik: 123 is not a BIK")
        assert values(dialog, "req-legal_address", "req-bik", "req-city") == ["ул. Ленина, 1", "123", "Химки"]


async def test_contact(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "a")
        dialog = app.screen
        assert isinstance(dialog, ContactDialog)
        await burst(pilot, "Петров Пётр", "tab", "Директор", "tab", "12-34", "tab", "p@x.ru", "ctrl+s")
        refused_on(dialog, "phone", "contact-phone", "phone: '12-34'")
        assert values(dialog, "contact-name", "contact-position", "contact-phone", "contact-email") == [
            "Петров Пётр",
            "Директор",
            "12-34",
            "p@x.ru",
        ]


async def test_new_client(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws, start="clients")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, NewClientScreen)
        await burst(pilot, "ООО Лютик", "tab", "1234567890", "tab", "8 495 000-00-01", "tab", "a@b.ru")
        await burst(pilot, "tab", "Тула", "ctrl+s")
        refused_on(dialog, "inn", "new-inn", "1234567890")
        assert values(dialog, "new-name", "new-inn", "new-phone", "new-email", "new-city") == [
            "ООО Лютик",
            "1234567890",
            "8 495 000-00-01",
            "a@b.ru",
            "Тула",
        ]


async def test_portrait(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "e")
        dialog = app.screen
        assert isinstance(dialog, PortraitDialog)
        ids = [
            "portrait-headcount",
            "portrait-annual_turnover",
            "portrait-conflict_level",
            "portrait-market_segment",
        ]
        typed = ["120", "1 000 000", "огромный", "retail"]
        keys: list[str] = []
        for text in typed:
            keys += ["ctrl+u", text, "tab"]
        await burst(pilot, *keys[:-1], "ctrl+s")
        refused_on(dialog, "conflict_level", "portrait-conflict_level", "'огромный' is not one of")
        assert values(dialog, *ids) == typed


async def test_installed_base(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["teplo"], "b")
        dialog = app.screen
        assert isinstance(dialog, InstalledDialog)
        keys = [
            "Котёл",
            "tab",
            "Buderus",
            "tab",
            "tab",
            "ctrl+u",
            "пять",
            "tab",
            "2019",
            "tab",
            "в котельной",
        ]
        await burst(pilot, *keys, "ctrl+s")
        refused_on(dialog, "quantity", "inst-quantity", "Quantity is a whole number")
        assert values(
            dialog, "inst-product", "inst-vendor", "inst-quantity", "inst-acquired", "inst-note"
        ) == [
            "Котёл",
            "Buderus",
            "пять",
            "2019",
            "в котельной",
        ]


async def test_contact_moved(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "m")
        dialog = app.screen
        assert isinstance(dialog, ContactMoveDialog)
        await burst(pilot, "Вектор", "tab", "Финансовый директор", "ctrl+s")
        refused_on(dialog, "to_client", "move-to", "neither a client id nor an INN")
        assert values(dialog, "move-to", "move-position") == ["Вектор", "Финансовый директор"]


async def test_lost_reason_retired_meanwhile(ws: Workspace, team: Seeded) -> None:
    """The reason picked was retired by the head while the dialog was open: the domain refuses
    it, the reason list is marked, the comment stays."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(DealScreen(app.ws, team.deals["d_await_romashka"]))
        await settle(pilot)
        await burst(pilot, "x")
        dialog = app.screen
        assert isinstance(dialog, LostDialog)
        with write_session(ws.engine) as session:
            session.execute(update(lost_reasons).values(active=False))
        await burst(pilot, "down", "tab", "ушли к конкуренту", "ctrl+s")
        refused_on(dialog, "reason", "reasons", "is not one of")
        assert values(dialog, "lost-comment") == ["ушли к конкуренту"]
        assert dialog.query_one("#reasons", OptionList).highlighted == 1
        assert deals_status(ws, team.deals["d_await_romashka"]) == "open"


def deals_status(ws: Workspace, deal_id: int) -> str:
    with ws.read() as session:
        return str(session.scalar(select(deals.c.status).where(deals.c.id == deal_id)))


async def test_lost_dialog_saves_with_ctrl_s_and_shows_it(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(DealScreen(app.ws, team.deals["d_await_romashka"]))
        await settle(pilot)
        await burst(pilot, "x")
        dialog = app.screen
        assert isinstance(dialog, LostDialog)
        shown = {key for key, active in dialog.active_bindings.items() if active.binding.show}
        assert {"ctrl+s", "escape"} <= shown
        await burst(pilot, "tab", "ушли к конкуренту", "ctrl+s")
        assert not isinstance(app.screen, LostDialog)
        assert deals_status(ws, team.deals["d_await_romashka"]) == "lost"


async def test_task_result_refused_when_a_colleague_changed_the_task(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with write_session(ws.engine) as session:
            task_id = team.tasks["overdue_call"]
            session.execute(update(tasks).where(tasks.c.id == task_id).values(version=tasks.c.version + 1))
        await burst(pilot, "x")
        dialog = app.screen
        assert isinstance(dialog, TaskResultScreen)
        await burst(pilot, "Договорились", "ctrl+s")
        assert dialog.is_current  # a one-field form: the refusal is said under its field
        assert "changed by someone else" in text_of(dialog.query_one("#error-result", Static))
        assert values(dialog, "result") == ["Договорились"]


async def test_snooze_refused_when_a_colleague_changed_the_task(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with write_session(ws.engine) as session:
            task_id = team.tasks["overdue_call"]
            session.execute(update(tasks).where(tasks.c.id == task_id).values(version=tasks.c.version + 1))
        await burst(pilot, "s")
        dialog = app.screen
        assert isinstance(dialog, SnoozeScreen)
        await burst(pilot, "down", "down", "ctrl+s")
        assert dialog.is_current
        assert "changed by someone else" in text_of(dialog.query_one("#error-until", Static))
        assert dialog.query_one("#choices", OptionList).highlighted == 2


async def test_new_portrait_field(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(FieldsSettingsScreen(app.ws))
        await settle(pilot)
        await burst(pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, FieldDialog)
        await burst(pilot, "Парк техники", "tab", "tab", "tab", "a, b", "ctrl+s")
        refused_on(dialog, "key", "field-key", "Give the field a key")
        assert values(dialog, "field-label", "field-key", "field-choices") == ["Парк техники", "", "a, b"]


@pytest.mark.parametrize("typed", ["abc", "Отправить КП завтра"])
async def test_enter_moves_on_in_a_burst_and_saves_on_the_last_field(
    ws: Workspace, team: Seeded, typed: str
) -> None:
    """Enter typed ahead moves to the next field before the next keys come, like Tab."""
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "a")
        dialog = app.screen
        assert isinstance(dialog, ContactDialog)
        await burst(pilot, typed, "enter", "Директор", "enter", "12-34", "enter", "enter", "enter")
        refused_on(dialog, "phone", "contact-phone", "phone")
        assert values(dialog, "contact-name", "contact-position", "contact-phone") == [
            typed,
            "Директор",
            "12-34",
        ]


async def on_deal(app: CrmApp, pilot: object, deal_id: int, key: str) -> None:
    await app.push_screen(DealScreen(app.ws, deal_id))
    await settle(pilot)  # type: ignore[arg-type]
    await burst(pilot, key)  # type: ignore[arg-type]


async def test_new_deal_on_the_card(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "N")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        await burst(pilot, "Насосы", "tab", "много", "tab", "tab", "+30", "tab", "tab", "срочно", "ctrl+s")
        refused_on(dialog, "amount", "deal-amount", "amount: ")
        assert values(dialog, "deal-title", "deal-amount", "deal-close", "deal-owner", "deal-comment") == [
            "Насосы",
            "много",
            "+30",
            "ivanova",
            "срочно",
        ]


async def test_new_deal_on_the_card_starts_in_the_default_pipelines_first_stage(
    ws: Workspace, team: Seeded
) -> None:
    """Opened from a card the stage is the default pipeline's first open stage, chosen in its
    picker (it was a blank text field that a person had to guess a stage's name into)."""
    from crm_tui.domain.deals.pipelines import default_pipeline_id, open_stages
    from crm_tui.widgets.picker import Picker

    with ws.read() as session:
        pid = default_pipeline_id(session)
        first = next(p for p in open_stages(session) if p.id == pid).stages[0]
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "N")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        assert dialog.query_one("#deal-pipeline", Picker).value == pid
        assert dialog.query_one("#deal-stage", Picker).value == first.id


async def test_new_deal_on_the_kanban_asks_for_the_client(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "F")
        await burst(pilot, "n")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        await burst(pilot, "Нет такого", "tab", "Насосы", "tab", "350к", "ctrl+s")
        refused_on(dialog, "client", "deal-client", "client: ")
        assert values(dialog, "deal-client", "deal-title", "deal-amount") == ["Нет такого", "Насосы", "350к"]


async def test_deal_edit(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_deal(app, pilot, team.deals["d_await_romashka"], "e")
        dialog = app.screen
        assert isinstance(dialog, DealEditDialog)
        keys = ["ctrl+u", "Насосы", "tab", "ctrl+u", "1,2 млн", "tab", "ctrl+u", "31.02", "ctrl+s"]
        await burst(pilot, *keys)
        refused_on(dialog, "close", "deal-close", "close date: ")
        assert values(dialog, "deal-title", "deal-amount", "deal-close") == ["Насосы", "1,2 млн", "31.02"]


async def test_deal_line(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_deal(app, pilot, team.deals["d_await_romashka"], "a")
        dialog = app.screen
        assert isinstance(dialog, DealLineDialog)
        await burst(pilot, "Котёл", "tab", "ctrl+u", "два", "tab", "tab", "48 500", "ctrl+s")
        refused_on(dialog, "quantity", "line-quantity", "quantity: ")
        ids = ("line-product", "line-quantity", "line-unit", "line-price", "line-vat")
        assert values(dialog, *ids) == ["Котёл", "два", "шт", "48 500", ""]  # no rate: the company's
        await burst(pilot, "ctrl+u", "2", "ctrl+s")
        await settle(pilot)
        assert "Line added: not subject to VAT." in notifications(app)  # the team's company: no VAT


async def test_task_on_the_card(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "T")
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        keys = ["Позвонить", "tab", "ctrl+u", "когда-нибудь", "tab", "tab", "tab", "tab", "про КП"]
        await burst(pilot, *keys, "ctrl+s")
        refused_on(dialog, "due", "task-due", "due: ")
        assert values(dialog, "task-title", "task-due", "task-assignee", "task-note") == [
            "Позвонить",
            "когда-нибудь",
            "ivanova",
            "про КП",
        ]


async def test_new_deal_saves_and_the_card_shows_it(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await on_card(app, pilot, team.clients["romashka"], "N")
        assert isinstance(app.screen, NewDealDialog)
        await burst(pilot, "Насосы", "enter", "350к", "ctrl+s")
        assert isinstance(app.screen, ClientCardScreen)
        with ws.read() as session:
            saved = session.execute(select(deals.c.amount).where(deals.c.title == "Насосы")).all()
        assert [row.amount for row in saved] == [35_000_000]


async def test_a_deal_made_on_the_kanban_leads_its_long_column(ws: Workspace, team: Seeded) -> None:
    """A column lists the oldest in the stage first, a page at a time: a new deal would be at
    its end, out of sight. The one just made leads its column, under the cursor."""
    from crm_tui.domain.deals.new_deal import DealDraft, add_deal
    from crm_tui.screens.funnel import FunnelScreen

    for n in range(25):  # more than a column's page, all older in the stage than the new one
        add_deal(ws, DealDraft(str(team.clients["romashka"]), f"Ранняя {n}", "1000"))
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "F")
        await settle(pilot)
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen)
        await burst(pilot, "n")
        assert isinstance(app.screen, NewDealDialog)
        await burst(pilot, "Ромашка", "tab", "Насосы", "tab", "350к", "ctrl+s")
        await settle(pilot)
        assert app.screen is funnel
        view = funnel._columns()[funnel.current]
        assert view.highlighted is not None and view.highlighted.title == "Насосы"
        assert funnel.focused is view.query_one(OptionList)
        await burst(pilot, "m")  # the column's next page does not repeat it
        await settle(pilot)
        assert [card.title for card in view.cards].count("Насосы") == 1


async def test_the_card_put_in_after_a_save_is_the_board_read_again(ws: Workspace, team: Seeded) -> None:
    """After a save the kanban puts the new card into its column from the save's own read, not
    from a read of the whole board: its column's count and sum, its cards and the funnel line
    are what a read of the board says, and the board read again changes nothing on screen."""
    from crm_tui.domain.deals.kanban import kanban
    from crm_tui.screens.funnel import FunnelScreen

    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "F")
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen) and funnel.board is not None and funnel.flt is not None
        await burst(pilot, "n", "Ромашка", "tab", "Насосы", "tab", "350к", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FunnelScreen) and funnel.board is not None and funnel.flt is not None
        shown = funnel.board
        info = text_of(funnel.query_one("#funnel-info", Static))
        with ws.read() as session:
            read = kanban(session, ws.viewer, funnel.flt, ws.now(), first=funnel.made)
        assert shown.columns == read
        funnel.load()
        await settle(pilot)
        assert funnel.board is not shown and funnel.board is not None and funnel.board.columns == read
        assert text_of(funnel.query_one("#funnel-info", Static)) == info


async def test_the_kanbans_new_deal_dialog_opens_again_as_new(ws: Workspace, team: Seeded) -> None:
    """The kanban keeps its new-deal dialog (opened again it is not built again): after a
    refusal and Escape, and after a save, it opens empty but for the column's stage and oneself
    as the owner, nothing refused, the focus on the client."""
    from crm_tui.screens.funnel import FunnelScreen

    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "F")
        await settle(pilot)
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen) and funnel.board is not None
        await burst(pilot, "n")
        dialog = app.screen
        assert isinstance(dialog, NewDealDialog)
        await burst(pilot, "Нет такого", "tab", "Насосы", "tab", "350к", "ctrl+s")
        refused_on(dialog, "client", "deal-client", "client: ")
        await burst(pilot, "escape")
        await settle(pilot)
        if on_top(app, dialog):  # the first Escape closed the client's list
            await burst(pilot, "escape")
            await settle(pilot)
        assert on_top(app, funnel)
        stages = [c.stage_id for c in funnel.board.columns]
        for column, typed in ((1, "Ромашка"), (2, "Ромашка")):
            await burst(pilot, "right")
            await burst(pilot, "n")
            assert on_top(app, dialog)
            await burst(pilot, typed)
            fields = ("deal-client", "deal-title", "deal-amount", "deal-owner", "deal-close")
            assert values(dialog, *fields) == [typed, "", "", ws.viewer.login, ""]
            assert dialog.query_one("#deal-stage", Select).value == stages[column]
            assert not dialog.query(".refused")
            assert not any(line.display for line in dialog.query(".field-error"))
            assert dialog.focused is dialog.query_one("#deal-client")
            await burst(pilot, "tab", f"Насосы {column}", "tab", "350к", "ctrl+s")
            await settle(pilot)
            assert on_top(app, funnel)
            view = funnel._columns()[funnel.current]
            assert view.highlighted is not None and view.highlighted.title == f"Насосы {column}"


async def test_a_board_read_before_a_save_does_not_take_the_new_card_away(
    ws: Workspace, team: Seeded
) -> None:
    """The saved deal's card is put into its column at once; a read of the board begun before
    the save (the screen's live check, under load) arrived after it and drew the board without
    the card, the cursor on another deal, until the next read a second later."""
    from crm_tui.screens.funnel import FunnelScreen

    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "F")
        await settle(pilot)
        funnel = app.screen
        assert isinstance(funnel, FunnelScreen) and funnel.board is not None
        stale = funnel.read_board()
        assert stale is not None
        await burst(pilot, "n")
        await burst(pilot, "Ромашка", "tab", "Насосы", "tab", "350к", "ctrl+s")
        await settle(pilot)
        assert on_top(app, funnel)
        assert funnel._columns()[funnel.current].highlighted.title == "Насосы"  # type: ignore[union-attr]
        funnel.post_message(FunnelScreen.Loaded(stale))
        await settle(pilot)
        await settle(pilot)
        view = funnel._columns()[funnel.current]
        assert view.highlighted is not None and view.highlighted.title == "Насосы"
