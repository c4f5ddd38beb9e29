"""The deal screen: its fields, where it has been (stage history), its tasks and touches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static

from crm_tui.domain.access.capabilities import Capability, can
from crm_tui.domain.captions import TASK_STATUS_NAMES
from crm_tui.domain.deals.card import DealCard, load_deal_card
from crm_tui.domain.deals.funnel_setup import active_lost_reasons
from crm_tui.domain.deals.lines import AddedLines, remove_line, vat_in, vat_words
from crm_tui.domain.deals.moves import load_deal, move_deal, neighbour_stage
from crm_tui.domain.deals.pipelines import stages_of
from crm_tui.domain.documents.steps import DealSteps, deal_steps
from crm_tui.domain.tasks.manual import SetTask
from crm_tui.domain.values.formatting import local_time, money, money_figure, money_figures
from crm_tui.domain.values.text import inert, literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import kind_label
from crm_tui.screens.deal_documents import STEP_ACTIONS, DealDocuments, documents_view, steps_view
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.screens.dialogs.deal_forms import DealEditDialog, DealLineDialog
from crm_tui.screens.dialogs.lost import LostAnswer, LostDialog
from crm_tui.screens.dialogs.task_form import TaskDialog
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


class DealScreen(DealDocuments):
    """One deal: fields, stage history with who and why, tasks, interactions; moves by key.

    | Key(s) | Description |
    | :- | :- |
    | ] | Next stage (after the last open one: Won). |
    | [ | Back a stage. |
    | x | Lost: asks for the reason (the head of sales gets a task). |
    | c | Open the client's card. |
    | e | Edit the deal: title, amount, close date, owner (a colleague's save in between is refused). |
    | a | Add a line: product or service, quantity, unit, price, VAT (the amount becomes their sum). |
    | delete | Remove a line (asks which). |
    | T | A task on this deal, for yourself or a colleague. |
    | u | The client's requisites (what a contract and an invoice need). |
    | k | Make the contract (asks which template). |
    | b | Make the invoice (PDF with the payment QR code). |
    | s | Save one of the deal's documents to a file. |
    | p | Payment received (an accountant or an admin). |
    | escape | Back. |
    """

    GATED: ClassVar[Mapping[str, Capability]] = {
        "contract": Capability.MAKE_DOCUMENTS,
        "invoice": Capability.MAKE_DOCUMENTS,
        "paid": Capability.RECORD_PAYMENTS,
    }

    LIVE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("deal.next_stage", "move(1)", N_("Next stage"), key_display="]"),
        bind("deal.prev_stage", "move(-1)", N_("Back a stage"), key_display="["),
        bind("deal.lost", "lost", N_("Mark lost")),
        bind("deal.client", "client", N_("Client")),
        bind("deal.edit", "edit", N_("Edit")),
        bind("deal.add_line", "add_line", N_("Add line")),
        bind("deal.remove_line", "remove_line", N_("Remove line"), key_display="del"),
        bind("deal.new_task", "new_task", N_("Task")),
        bind("deal.requisites", "requisites", N_("Requisites")),
        bind("deal.contract", "contract", N_("Contract")),
        bind("deal.invoice", "invoice", N_("Invoice")),
        bind("deal.save_document", "save_document", N_("Save file")),
        bind("deal.paid", "paid", N_("Paid")),
        bind("deal.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, card: DealCard, reasons: list[str], steps: DealSteps) -> None:
            super().__init__()
            self.card = card
            self.reasons = reasons
            self.steps = steps

    class Moved(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def __init__(self, ws: Workspace, deal_id: int) -> None:
        super().__init__(ws)
        self.deal_id = deal_id
        self.card: DealCard | None = None
        self.steps: DealSteps | None = None
        self.reasons: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="deal-body"):
            yield Static("…", id="deal-head")
            yield Static("", id="deal-steps")
            yield Static("", id="deal-lines")
            yield Static("", id="deal-documents")
            yield Static("", id="deal-history")
            yield Static("", id="deal-tasks")
            yield Static("", id="deal-touches")
        yield KeyFooter(show_command_palette=False, compact=True, lines=2)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = _("Deal")
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="deal-load", exit_on_error=False)
    def load(self) -> None:
        self.note_version()
        with self.ws.read() as session:
            card = load_deal_card(session, self.ws.viewer, self.deal_id)
            reasons = active_lost_reasons(session)
            steps = deal_steps(session, self.ws.viewer, self.deal_id)
        self.post_message(self.Loaded(card, reasons, steps))

    def on_deal_screen_loaded(self, event: Loaded) -> None:
        card = self.card = event.card
        self.reasons = event.reasons
        self.steps = event.steps
        self.title = card.title
        tz, now = self.ws.tz, self.ws.now()
        head = literal(card.title, style="bold")
        head.append(f"  {inert(card.stage)} ", style="reverse")
        facts = [
            card.client,
            money_figure(card.amount),
            _("owner {name}").format(name=card.owner or "—"),
            _("{days} d in stage").format(days=(now - card.stage_entered_at).days),
        ]
        if card.expected_close:
            facts.append(_("close by {day}").format(day=f"{card.expected_close:%d.%m.%Y}"))
        if card.lost_reason:
            facts.append(
                _("lost: {reason}").format(reason=card.lost_reason)
                + (f" ({card.lost_comment})" if card.lost_comment else "")
            )
        self.query_one("#deal-head", Static).update(Group(head, literal(" · ".join(facts), style="dim")))
        self.query_one("#deal-steps", Static).update(steps_view(event.steps, self.step_keys()))
        self.query_one("#deal-lines", Static).update(lines_view(card))
        self.query_one("#deal-documents", Static).update(documents_view(event.steps.documents))
        history = Table(title=_("Stage history"), expand=True, title_justify="left")
        for label in (_("When"), _("From"), _("To"), _("Who"), _("Comment")):
            history.add_column(label)
        for step in card.history:
            history.add_row(
                local_time(step.at, tz),
                literal(step.before or "—"),
                literal(step.after),
                literal(step.user or "—"),
                literal(step.comment),
            )
        self.query_one("#deal-history", Static).update(
            history if card.history else Text(_("No stage changes yet."), style="dim")
        )
        jobs = Table(title=_("Tasks"), expand=True, title_justify="left")
        for label in (_("Due"), _("Task"), _("Who"), _("Status"), _("Result")):
            jobs.add_column(label)
        for task in card.tasks:
            jobs.add_row(
                local_time(task.due_at, tz, "%d.%m %H:%M"),
                literal(task.title),
                literal(task.assignee or "—"),
                TASK_STATUS_NAMES.caption(task.status),
                literal(task.result),
            )
        self.query_one("#deal-tasks", Static).update(
            jobs if card.tasks else Text(_("No tasks."), style="dim")
        )
        touches = Table(title=_("Interactions"), expand=True, title_justify="left")
        for label in (_("When"), _("Kind"), _("Summary")):
            touches.add_column(label)
        for touch in card.touches:
            touches.add_row(
                local_time(touch.at, tz, "%d.%m %H:%M"), kind_label(touch.kind), literal(touch.summary)
            )
        self.query_one("#deal-touches", Static).update(
            touches if card.touches else Text(_("No interactions on this deal."), style="dim")
        )

    def action_move(self, step: int) -> None:
        if self.card is not None:
            self.save_move(step, None)

    def action_lost(self) -> None:
        card = self.card
        if card is None:
            return

        lines: list[str] = []

        def commit(answer: LostAnswer) -> None:
            lines.append(self.move(card, 0, answer))

        def answered(answer: LostAnswer | None) -> None:
            if answer is not None and lines:
                self.post_message(self.Moved(lines[-1]))

        self.app.push_screen(LostDialog(card.title, self.reasons, commit), answered)

    @work(thread=True, exclusive=True, group="deal-move", exit_on_error=False)
    def save_move(self, step: int, lost: LostAnswer | None) -> None:
        card = self.card
        assert card is not None
        self.post_message(self.Moved(self.move(card, step, lost)))

    def move(self, card: DealCard, step: int, lost: LostAnswer | None) -> str:
        """Move the deal a stage (``step``) or to lost (in a worker thread: the screen's, or the
        lost dialog's); what to say."""
        with self.ws.read() as session:
            deal = load_deal(session, card.id)
            if lost is not None:
                target = next((s.id for s in stages_of(session, card.pipeline_id) if s.is_lost), None)
            else:
                target = neighbour_stage(session, deal, step)
        if target is None:
            return _("No stage that way.")
        result = move_deal(
            self.ws, card.id, target, card.version,
            lost_reason=lost.reason if lost else None, comment=lost.comment if lost else None,
        )  # fmt: skip
        return _("Moved to {stage}.").format(stage=result.to_stage)

    def on_deal_screen_moved(self, event: Moved) -> None:
        self.notify(event.line)
        self.load()

    def on_deal_documents_said(self, event: DealDocuments.Said) -> None:
        self.notify(event.line)
        self.load()

    def step_keys(self) -> dict[str, str]:
        """The key each step's action is bound to now (the keymap may have changed it): its first
        key, as the footer shows it (the next ones are the Russian layout's)."""
        keys: dict[str, str] = {}
        for item in self.active_bindings.values():
            if item.binding.action in STEP_ACTIONS.values():
                keys.setdefault(item.binding.action, self.app.get_key_display(item.binding))
        return keys

    def action_edit(self) -> None:
        card = self.card
        if card is None:
            return

        def saved(version: int | None) -> None:
            if version is not None:
                self.notify(_("Deal saved."))
                self.load()

        self.app.push_screen(DealEditDialog(self.ws, card, card.owner_login or ""), saved)

    def action_add_line(self) -> None:
        card = self.card
        if card is None:
            return

        def saved(added: AddedLines | None) -> None:
            if added is not None:
                self.notify(_("Line added: {vat}.").format(vat=vat_words(added.vat_rates[0])))
                self.load()

        self.app.push_screen(DealLineDialog(self.ws, card), saved)

    def action_remove_line(self) -> None:
        card = self.card
        if card is None or not card.lines:
            return
        totals = money_figures([x.total for x in card.lines])
        choices = [
            (f"{x.number}. {x.product} × {x.quantity} {x.unit} · {total}", str(x.number))
            for x, total in zip(card.lines, totals, strict=True)
        ]

        def chosen(number: str | None) -> None:
            if number is not None:
                self.save_removal(card.id, card.version, int(number))

        self.app.push_screen(ChoiceDialog(_("Remove which line?"), choices), chosen)

    @work(thread=True, exclusive=True, group="deal-lines", exit_on_error=False)
    def save_removal(self, deal_id: int, version: int, number: int) -> None:
        remove_line(self.ws, deal_id, version, number)
        self.post_message(self.Moved(_("Line removed.")))

    def action_new_task(self) -> None:
        card = self.card
        if card is None:
            return

        def saved(task: SetTask | None) -> None:
            if task is not None:
                self.notify(
                    _("Task set for {when}.").format(when=local_time(task.due_at, self.ws.tz, "%d.%m %H:%M"))
                )
                self.load()

        self.app.push_screen(TaskDialog(self.ws, deal=(card.id, card.title)), saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "add_line", "remove_line"):
            return can(self.ws.viewer, Capability.EDIT_DEALS)
        if action == "new_task":
            return can(self.ws.viewer, Capability.SET_TASKS)
        return True

    def action_client(self) -> None:
        from crm_tui.screens.card.screen import ClientCardScreen

        if self.card is not None:
            self.post_message(ClientCardScreen.Open(self.card.client_id))

    def action_back(self) -> None:
        self.dismiss()


def lines_view(card: DealCard) -> Table | Text:
    """What the deal sells, line by line, with the VAT each total holds and the sum."""
    if not card.lines:
        return Text(_("No lines: the amount is as typed (a to add what is sold)."), style="dim")
    table = Table(title=_("Lines"), expand=True, title_justify="left")
    for label in ("#", _("Product"), _("Quantity"), _("Price"), _("VAT"), _("Total")):
        table.add_column(label, justify="right" if label not in ("#", _("Product")) else "left")
    for line in card.lines:
        vat = (
            f"{line.vat_rate}% {money(vat_in(line.total, line.vat_rate), with_kopecks=True)}"
            if line.vat_rate
            else "—"
        )
        table.add_row(
            str(line.number),
            literal(line.product),
            literal(f"{line.quantity} {line.unit}"),
            money(line.price, with_kopecks=True),
            vat,
            money(line.total, with_kopecks=True),
        )
    total_vat = sum(vat_in(x.total, x.vat_rate) for x in card.lines)
    table.add_row(
        "", _("Total"), "", "", money(total_vat, with_kopecks=True), money(card.amount, with_kopecks=True)
    )
    return table
