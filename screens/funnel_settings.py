"""Funnel settings (admins): the stages of each pipeline with probability, stuck limit and
playbook; changed in place with the same functions as `crm pipeline`."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from crm_tui.domain.deals.funnel_setup import active_lost_reasons
from crm_tui.domain.deals.pipeline_admin import PipelineView, list_pipelines, set_stage
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.in_order import FieldInput
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Col, RecordTable


class ValueDialog(FormDialog[str | None]):
    """One value typed in: dismissed with the text once ``commit`` saved it, or None.

    | Key(s) | Description |
    | :- | :- |
    | enter, ctrl+s | Save. |
    | escape | Cancel. |
    """

    ENTER_SAVES = True

    def __init__(self, title: str, value: str, commit: Callable[[str], object] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.commit = commit

    def form_title(self) -> Text:
        return literal(self.title_text)

    def compose_form(self) -> ComposeResult:
        yield from self.field("value", "", FieldInput(value=self.value, id="value"), note=False)

    def save(self, typed: Typed) -> str:
        text = str(typed["value"])
        if self.commit is not None:
            self.commit(text)
        return text


class FunnelSettingsScreen(CrmScreen):
    """Stages of every pipeline: win probability, stuck limit, playbook steps; lost reasons.

    | Key(s) | Description |
    | :- | :- |
    | up, down | Choose a stage. |
    | p | Set its win probability. |
    | s | Set its stuck limit in days (0: never stuck). |
    | n | Rename it. |
    | escape | Back. |
    """

    TITLE = N_("Funnel settings")
    AUTO_FOCUS = "#funnel-stages"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("funnel_settings.probability", "edit('probability')", N_("Probability")),
        bind("funnel_settings.stuck", "edit('stuck')", N_("Stuck after")),
        bind("funnel_settings.rename", "edit('name')", N_("Rename")),
        bind("funnel_settings.back", "back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, pipelines: list[PipelineView], reasons: list[str]) -> None:
            super().__init__()
            self.pipelines = pipelines
            self.reasons = reasons

    class Saved(Message):
        pass

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.rows: dict[str, tuple[int, str, int, int | None]] = {}
        self.playbooks: dict[str, str] = {}
        """Each stage's playbook in full, for the line under the table (its column is cut)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield RecordTable(
            [
                Col(_("Pipeline"), 10, optional=1),
                Col(_("Stage"), 18),
                Col(_("Probability"), 11, right=True),
                Col(_("Stuck after"), 11, right=True),
                Col(_("Playbook")),
            ],
            id="funnel-stages",
            openable=False,
        )
        yield Static("", id="funnel-playbook", markup=False)
        yield Static("", id="funnel-reasons", markup=False)
        yield KeyFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    @work(thread=True, exclusive=True, group="funnel-settings", exit_on_error=False)
    def load(self) -> None:
        with self.ws.read() as session:
            found = list_pipelines(session)
            reasons = active_lost_reasons(session)
        self.post_message(self.Loaded(found, reasons))

    def on_funnel_settings_screen_loaded(self, event: Loaded) -> None:
        table = self.query_one("#funnel-stages", RecordTable)
        self.rows = {}
        self.playbooks = {}
        records: list[tuple[str, list[Text]]] = []
        for pipeline in event.pipelines:
            for stage in pipeline.stages:
                stuck = pipeline.stuck_days.get(stage.id)
                steps = pipeline.playbooks.get(stage.id, [])
                key = str(stage.id)
                self.rows[key] = (stage.id, stage.name, stage.probability, stuck)
                playbook = " → ".join(
                    _("{step} (+{days} wd)").format(step=s.title, days=s.working_days) for s in steps
                )
                self.playbooks[key] = f"{stage.name}: {playbook or '—'}"
                cells = [
                    literal(pipeline.name),
                    literal(stage.name),
                    Text(f"{stage.probability}%"),
                    Text(_("{days} d").format(days=stuck) if stuck else "—"),
                    literal(playbook or "—"),
                ]
                for cell in cells:
                    cell.no_wrap, cell.overflow = True, "ellipsis"
                records.append((key, cells))
        table.set_records(records)
        self._show_playbook()
        self.query_one("#funnel-reasons", Static).update(
            literal(_("Lost reasons: ") + ", ".join(event.reasons))
        )

    @on(DataTable.RowHighlighted, "#funnel-stages")
    def _show_playbook(self) -> None:
        """The highlighted stage's playbook in full, wrapped under the table: at 80 columns its
        column holds the first step's first words."""
        key = self.query_one("#funnel-stages", RecordTable).selected_key
        line = self.playbooks.get(key or "", "")
        self.query_one("#funnel-playbook", Static).update(
            literal(_("Playbook of {line}").format(line=line), multiline=True) if line else ""
        )

    def action_edit(self, what: str) -> None:
        key = self.query_one("#funnel-stages", RecordTable).selected_key
        if key is None or key not in self.rows:
            return
        stage_id, name, probability, stuck = self.rows[key]
        titles = {
            "probability": (_("Win probability of {stage}, %"), str(probability)),
            "stuck": (_("{stage}: stuck after how many days (0: never)"), str(stuck or 0)),
            "name": (_("New name of {stage}"), name),
        }
        title, value = titles[what]

        def typed(text: str | None) -> None:
            if text is not None:
                self.post_message(self.Saved())

        def commit(text: str) -> None:
            self.save(stage_id, what, text.strip())

        self.app.push_screen(ValueDialog(title.format(stage=name), value, commit), typed)

    def save(self, stage_id: int, what: str, text: str) -> None:
        """Save one stage setting (in the dialog's worker thread, the dialog still open)."""
        if what in ("probability", "stuck") and not text.isdigit():
            raise InvalidInput(_("{text!r} is not a whole number").format(text=text))
        if what == "probability":
            set_stage(self.ws, stage_id, probability=int(text))
        elif what == "stuck":
            set_stage(self.ws, stage_id, stuck_days=int(text))
        else:
            set_stage(self.ws, stage_id, name=text)

    def on_funnel_settings_screen_saved(self, event: Saved) -> None:
        self.notify(_("Saved."))
        self.load()

    def action_back(self) -> None:
        self.dismiss()
