"""The campaign editor's dialogs: its settings (name, kind, sender, audience) and the real
recipient a step is previewed for. Each is a ``FormDialog``: a refusal keeps what was typed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from crm_tui.domain.campaigns.audience_list import AudienceList, CampaignJobs, with_list
from crm_tui.domain.campaigns.audience_words import OWNS_NAMES
from crm_tui.domain.campaigns.editing import check_settings_in
from crm_tui.domain.campaigns.setup import CampaignDraft
from crm_tui.domain.captions import CAMPAIGN_KIND_NAMES, CLIENT_STATUS_NAMES, SEGMENT_NAMES
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, MessageError, _
from crm_tui.screens.dialogs.client_suggestions import ClientPickingForm, Picked
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput, FieldSelect

OWN_MANAGER = "-"
"""The sender choice "each client's own manager"."""


@dataclass(frozen=True)
class Settings:
    draft: CampaignDraft
    """The editor's draft with the new settings (its steps as they were)."""
    read: AudienceList | None = None
    """The list just read from a file, with its unmatched rows."""


def _text(typed: Typed, key: str) -> str:
    return str(typed.get(key) or "").strip()


class CampaignSettingsDialog(FormDialog[Settings | None]):
    """A campaign's name, kind, sender and audience; dismissed with the draft they make (saved
    with the campaign by the editor's Ctrl+S), or None.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | ctrl+s | Take the settings. |
    | escape | Cancel. |
    """

    SAVE_LABEL = N_("Take")

    def __init__(
        self, ws: Workspace, draft: CampaignDraft, senders: list[tuple[str, str]], jobs: CampaignJobs | None
    ) -> None:
        super().__init__()
        self.ws = ws
        self.draft = draft
        self.senders = senders
        self.jobs = jobs

    def form_title(self) -> str:
        return _("Campaign settings")

    def compose_form(self) -> ComposeResult:
        d, a = self.draft, self.draft.audience
        yield from self.field("name", _("Name"), FieldInput(value=d.name, id="settings-name"))
        kinds = [(CAMPAIGN_KIND_NAMES.caption(key), key) for key in CAMPAIGN_KIND_NAMES]
        yield from self.field(
            "kind", _("Kind"), FieldSelect(kinds, value=d.kind, allow_blank=False, id="settings-kind")
        )
        senders = [(_("each client's own manager"), OWN_MANAGER)] + [
            (f"{name} <{address}>" if name else address, address) for address, name in self.senders
        ]
        if d.sender and d.sender not in {s for _, s in senders}:
            senders.append((d.sender, d.sender))
        yield from self.field(
            "sender",
            _("Sender"),
            FieldSelect(senders, value=d.sender or OWN_MANAGER, allow_blank=False, id="settings-sender"),
        )
        yield Static(_("Audience: every condition given must hold"), classes="dialog-subject", markup=False)
        segments = [(SEGMENT_NAMES.caption(s), s) for s in SEGMENT_NAMES]
        yield from self.field(
            "segment",
            _("Segment"),
            FieldSelect(segments, value=a.get("segment") or FieldSelect.NULL, id="settings-segment"),
        )
        statuses = [(CLIENT_STATUS_NAMES.caption(s), s) for s in CLIENT_STATUS_NAMES]
        yield from self.field(
            "status",
            _("Status"),
            FieldSelect(statuses, value=a.get("status") or FieldSelect.NULL, id="settings-status"),
        )
        yield from self.field(
            "owner", _("Owner (login)"), FieldInput(value=a.get("owner") or "", id="settings-owner")
        )
        yield from self.field(
            "region", _("Region"), FieldInput(value=a.get("region") or "", id="settings-region")
        )
        yield from self.field(
            "search",
            _("Clients filter (the clients list's search)"),
            FieldInput(value=a.get("search") or "", id="settings-search"),
        )
        owns = [(_(label), key) for key, label in OWNS_NAMES.items()]
        yield from self.field(
            "owns",
            _("Installed base"),
            FieldSelect(owns, value=a.get("owns") or FieldSelect.NULL, id="settings-owns"),
        )
        yield from self.field(
            "product",
            _("Installed product or vendor"),
            FieldInput(value=a.get("product") or "", id="settings-product"),
        )
        listed = a.get("list") or ""
        if listed:
            count = len(a.get("clients") or [])
            now = _("List now: {file}, clients: {count}").format(file=listed, count=count)
            yield Static(literal(now), markup=False)
        yield from self.field(
            "list", _("A list of clients (xlsx file: INN, e-mail, name)"), FieldInput(id="settings-list")
        )

    def save(self, typed: Typed) -> Settings:
        audience: dict[str, Any] = {
            key: value
            for key in ("segment", "status", "owner", "region", "search", "owns", "product")
            if (value := _text(typed, key))
        }
        old = self.draft.audience
        if old.get("clients") is not None:
            audience |= {"clients": old["clients"], "list": old.get("list", "")}
        sender = None if typed.get("sender") in (None, OWN_MANAGER) else str(typed["sender"])
        draft = replace(
            self.draft,
            name=_text(typed, "name"),
            kind=str(typed.get("kind")),
            sender=sender,
            audience=audience,
        )
        read = None
        path = _text(typed, "list")
        if path:
            if self.jobs is None:
                raise InvalidInput("campaign.no_list_reader", N_("lists cannot be read here"), field="list")
            try:
                read = self.jobs.read_audience_list(self.ws, Path(path).expanduser())
            except MessageError as exc:
                raise InvalidInput(
                    "campaign.bad_list_file", N_("{reason}"), reason=str(exc), field="list"
                ) from None
            draft = with_list(draft, read)
        check_settings_in(self.ws, draft)
        return Settings(draft, read)


class RecipientDialog(ClientPickingForm[Picked | None]):
    """The real recipient a step is previewed for and tested with: a client found by its name,
    INN or phone.

    | Key(s) | Description |
    | :- | :- |
    | up, down | Choose among the clients the name finds. |
    | enter | Take the client chosen. |
    | escape | Cancel. |
    """

    SAVE_LABEL = N_("Take")
    ENTER_SAVES = True

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def form_title(self) -> str:
        return _("Preview for")

    def compose_form(self) -> ComposeResult:
        yield from self.compose_client_field(_("Client (name, INN, phone)"), "preview-client")

    def action_next_or_save(self) -> None:
        self.take_suggestion()
        self.action_save()

    def save(self, typed: Typed) -> Picked:
        picked = self.picked
        if picked is None or str(typed.get("client", "")) != picked.label:
            raise InvalidInput("campaign.pick_client", N_("choose a client from the list"), field="client")
        return picked
