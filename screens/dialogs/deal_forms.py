"""The deal's dialogs: a new deal (from the client card, the kanban, the palette), its edit, and
a line of what it sells. Each is a ``FormDialog``: it saves through the domain in its worker, and
a refusal keeps everything typed, said under the field the domain names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Select, Static

from crm_tui.domain.deals.card import DealCard
from crm_tui.domain.deals.edit import edit_deal
from crm_tui.domain.deals.lines import AddedLines, LineDraft, add_lines
from crm_tui.domain.deals.new_deal import AddedDeal, DealDraft, add_deal
from crm_tui.domain.deals.pipelines import PipelineStages, open_stages
from crm_tui.domain.errors import DomainError
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.dialogs.client_suggestions import ClientPickingForm
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput
from crm_tui.widgets.picker import Picker

Rows = list[tuple[str, str, str]]
"""A plain form's fields, top to bottom: (key the domain names it by, label msgid, initial text)."""


def compose_rows(
    dialog: FormDialog[Any], prefix: str, rows: Rows, subject: str = "", hints: dict[str, str] | None = None
) -> ComposeResult:
    """``subject`` (what the form is about, text from outside) in bold, then a ``FieldInput``
    for each row, with the id ``{prefix}-{key}``; ``hints`` are the placeholders of fields whose
    emptiness means something (a stage left empty is the pipeline's first)."""
    if subject:
        yield Static(literal(subject), classes="dialog-subject", markup=False)
    hints = hints or {}
    for key, label, value in rows:
        field = FieldInput(value=value, placeholder=hints.get(key, ""), id=f"{prefix}-{key}")
        yield from dialog.field(key, _(label), field)


NEW_DEAL_FIELDS = (
    ("client", N_("Client (name, INN, phone)")),
    ("title", N_("Title")),
    ("amount", N_("Amount (350к, 1,2 млн)")),
    ("close", N_("Close by (25.12, +30)")),
    ("owner", N_("Owner (login, surname or full name)")),
    ("comment", N_("Comment")),
)
"""The new deal's typed fields; the pipeline and the stage are pickers, after the amount."""
UNREAD = "…"
"""A picker's one option until the pipelines are read (a moment after the dialog opens)."""


class NewDealDialog(ClientPickingForm[AddedDeal | None]):
    """A new deal; dismissed with it once saved (it has entered its stage), or None. Opened
    without a client (the palette, the kanban), its client field suggests clients as it is typed.
    The pipeline and the stage are picked among the base's pipelines and the chosen one's open
    stages (a letter chooses the first whose name starts with it); with one pipeline its picker
    is shown, not asked. The keys typed before the pipelines are read wait for them, in order.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | up, down | In the client field: choose among the clients it finds. |
    | a letter | In the pipeline or stage: the next one whose name starts with it. |
    | space, up, down | In the pipeline or stage: open its list. |
    | enter | Next field (in the client field: take the client chosen; on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    class Read(Message):
        """The pipelines and their open stages, read once the dialog is mounted."""

        def __init__(self, pipelines: list[PipelineStages], error: str) -> None:
            super().__init__()
            self.pipelines = pipelines
            self.error = error

    def __init__(
        self,
        ws: Workspace,
        *,
        client: tuple[int, str] | None = None,
        stage_id: int | None = None,
        pipeline_id: int | None = None,
        then: Callable[[AddedDeal], None] | None = None,
        shown: Callable[[AddedDeal], None] | None = None,
    ) -> None:
        """``client`` (id, name) when opened on a client's card: the field is not asked;
        ``pipeline_id`` and ``stage_id`` the kanban's column (None: the default pipeline, its
        first open stage). ``then`` runs in the save's worker once the deal is saved (the kanban
        reads the new deal's card there), ``shown`` on the app's thread right after the dialog
        has closed, in the same step (the kanban puts the card into its column): the screen
        under the dialog is drawn once, with the card on it, as the dialog goes."""
        super().__init__()
        self.ws = ws
        self.client = client
        self.then = then
        self.shown = shown
        self.pipelines: list[PipelineStages] | None = None
        """The pipelines offered, the default first; None until read."""
        self.wanted = (pipeline_id, stage_id)
        self._stages_of: int | None = None
        initial = self.opening_values()
        self.rows: Rows = [
            (key, label, initial.get(key, ""))
            for key, label in NEW_DEAL_FIELDS
            if not (key == "client" and client is not None)
        ]

    def opening_values(self) -> dict[str, str]:
        """What the typed fields hold when the dialog opens: oneself as the owner."""
        return {"owner": self.ws.viewer.login}

    def renew(self, stage_id: int | None, pipeline_id: int | None) -> None:
        """Ready to be opened again (the kanban keeps its dialog): empty, as when first made,
        on the column ``stage_id`` of the pipeline ``pipeline_id``."""
        self.wanted = (pipeline_id, stage_id)
        self.refill(self.opening_values())
        self.choose(pipeline_id, stage_id)

    def form_title(self) -> str:
        return _("New deal")

    def compose_form(self) -> ComposeResult:
        rows = self.rows
        if self.client is not None:
            subject = _("for {client}").format(client=self.client[1])
            yield from compose_rows(self, "deal", rows[:2], subject)
        else:
            yield from self.compose_client_field(_(rows[0][1]), "deal-client")
            yield from compose_rows(self, "deal", rows[1:3])
        yield from self.field("pipeline", _("Pipeline"), Picker([(UNREAD, None)], id="deal-pipeline"))
        yield from self.field("stage", _("Stage"), Picker([(UNREAD, None)], id="deal-stage"))
        yield from compose_rows(self, "deal", rows[-3:])

    def on_mount(self) -> None:
        if self.pipelines is None:
            self._read_pipelines()

    def ready_for_keys(self) -> bool:
        return self.pipelines is not None

    @work(thread=True, exclusive=True, group="deal-pipelines", exit_on_error=False)
    def _read_pipelines(self) -> None:
        try:
            with self.ws.read() as session:
                found = open_stages(session)
        except DomainError as exc:  # the base is locked or gone: the save will say so too
            self.post_message(self.Read([], str(exc)))
            return
        self.post_message(self.Read(found, ""))

    def on_new_deal_dialog_read(self, event: Read) -> None:
        self.pipelines = event.pipelines
        picker = self._picker("pipeline")
        if event.pipelines:
            picker.set_options([(p.name, p.id) for p in event.pipelines])
        picker.disabled = len(event.pipelines) < 2  # one pipeline: shown, nothing to choose
        self.choose(*self.wanted)
        if event.error:
            self.refuse(event.error)
        self.opened()

    def _picker(self, key: str) -> Picker:
        return self.query_one(f"#deal-{key}", Picker)

    def choose(self, pipeline_id: int | None, stage_id: int | None) -> None:
        """The pipeline ``pipeline_id`` (else the default) and its stage ``stage_id`` (else its
        first open one) in the pickers; nothing before the pipelines are read."""
        if not self.pipelines:
            return
        pipeline = next((p for p in self.pipelines if p.id == pipeline_id), self.pipelines[0])
        self._picker("pipeline").value = pipeline.id
        self._show_stages(pipeline, stage_id)

    def _show_stages(self, pipeline: PipelineStages, stage_id: int | None) -> None:
        self._stages_of = pipeline.id
        picker = self._picker("stage")
        picker.set_options([(s.name, s.id) for s in pipeline.stages] or [(UNREAD, None)])
        if any(s.id == stage_id for s in pipeline.stages):
            picker.value = stage_id

    @on(Select.Changed, "#deal-pipeline")
    def _pipeline_changed(self) -> None:
        """Another pipeline picked: its stages, the first chosen. (Read from the picker, not
        the message: the pickers set in ``choose`` post theirs after it.)"""
        chosen = self._picker("pipeline").value
        if self.pipelines is None or chosen == self._stages_of:
            return
        pipeline = next((p for p in self.pipelines if p.id == chosen), None)
        if pipeline is not None:
            self._show_stages(pipeline, None)

    def save(self, typed: Typed) -> AddedDeal:
        client = str(self.client[0]) if self.client else self.client_typed(typed)
        pipeline, stage = typed.get("pipeline"), typed.get("stage")
        draft = DealDraft(
            client, typed["title"], typed["amount"], "" if pipeline is None else str(pipeline),
            "" if stage is None else str(stage), typed["close"], typed["owner"], typed["comment"],
        )  # fmt: skip
        deal = add_deal(self.ws, draft)
        if self.then is not None:
            self.then(deal)
        return deal

    def on_form_dialog_saved(self, event: FormDialog.Saved) -> None:
        """With ``shown``: the dialog closes first, then ``shown`` changes the screen under it,
        in one go (no frame in between), in place of ``FormDialog``'s handler. Changed while
        the dialog was still on top, the screen under it was laid out and drawn again dimmed
        behind the dialog (the whole of it, for every region that changed), then once more
        as the dialog went: two thirds of a save's time on the kanban."""
        if self.shown is not None and isinstance(event.result, AddedDeal):
            event.prevent_default()
            self.saving = False
            self.dismiss(event.result)
            self.shown(event.result)


class DealEditDialog(FormDialog[int | None]):
    """The deal's title, amount, close date and owner; dismissed with its new version, or None.
    A colleague's save in between is refused, never overwritten.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace, card: DealCard, owner_login: str) -> None:
        super().__init__()
        self.ws = ws
        self.card = card
        close = f"{card.expected_close:%d.%m.%Y}" if card.expected_close else ""
        self.rows: Rows = [
            ("title", N_("Title"), card.title),
            ("close", N_("Close by (25.12, +30)"), close),
            ("owner", N_("Owner (login, surname or full name)"), owner_login),
        ]
        if not card.lines:  # with lines, the amount is their sum
            amount = f"{card.amount // 100}" + (f",{card.amount % 100:02d}" if card.amount % 100 else "")
            self.rows.insert(1, ("amount", N_("Amount (350к, 1,2 млн)"), amount))
        self.initial = {key: value for key, _label, value in self.rows}

    def form_title(self) -> str:
        return _("Edit deal")

    def compose_form(self) -> ComposeResult:
        yield from compose_rows(self, "deal", self.rows, self.card.title)

    def save(self, typed: Typed) -> int:
        changed = {key: value for key, value in typed.items() if value != self.initial[key]}
        if not changed:
            return self.card.version
        return edit_deal(self.ws, self.card.id, self.card.version, changed)


LINE_FIELDS: Rows = [
    ("product", N_("Product or service"), ""),
    ("quantity", N_("Quantity"), "1"),
    ("unit", N_("Unit"), "шт"),
    ("price", N_("Price with VAT"), ""),
    ("vat", N_("VAT, % (20, 10, без НДС; empty: the company's mode)"), ""),
]


class DealLineDialog(FormDialog[AddedLines | None]):
    """A line of what the deal sells; dismissed with the deal's new version and the line's VAT
    rate (the company's when none is typed), or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | enter | Next field (on the last one: save). |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    def __init__(self, ws: Workspace, card: DealCard) -> None:
        super().__init__()
        self.ws = ws
        self.card = card

    def form_title(self) -> str:
        return _("New line")

    def compose_form(self) -> ComposeResult:
        yield from compose_rows(self, "line", LINE_FIELDS, self.card.title)

    def save(self, typed: Typed) -> AddedLines:
        draft = LineDraft(typed["product"], typed["quantity"], typed["unit"], typed["price"], typed["vat"])
        return add_lines(self.ws, self.card.id, self.card.version, [draft])
