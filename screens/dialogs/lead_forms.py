"""The dialogs of the inbox and the lead's card: log an answer, assign, convert, link, junk.

Each saves through the domain (``domain.leads``) in its worker and is dismissed with a line for
the screen to show, or None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from crm_tui.domain.deals.new_deal import find_client
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.interactions import InteractionKind
from crm_tui.domain.leads.conversion import Conversion, convert_request, link_request
from crm_tui.domain.leads.setup import JUNK_REASONS
from crm_tui.domain.leads.work import ANSWER_KINDS, answer_request, assign_request, junk_request
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _, pgettext
from crm_tui.screens.base import kind_label
from crm_tui.screens.dialogs.form import FormDialog, Typed
from crm_tui.widgets.in_order import FieldInput, FieldOptionList, FieldSelect


class _LeadDialog(FormDialog[str | None]):
    def __init__(self, ws: Workspace, lead_id: int, who: str) -> None:
        super().__init__()
        self.ws = ws
        self.lead_id = lead_id
        self.who = who

    def subject(self) -> Static:
        return Static(literal(f"#{self.lead_id} {self.who}"), classes="dialog-subject", markup=False)


class AnswerDialog(_LeadDialog):
    """Log the answer: what kind of touch and what was said. The first one stops the clock.

    | Key(s) | Description |
    | :- | :- |
    | enter | Save. |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    ENTER_SAVES = True
    SAVE_LABEL = N_("Log")

    def form_title(self) -> str:
        return _("Answer the request")

    def compose_form(self) -> ComposeResult:
        yield self.subject()
        kinds = [(kind_label(k.value), k.value) for k in ANSWER_KINDS]
        yield from self.field(
            "kind",
            _("Kind"),
            FieldSelect(kinds, value=InteractionKind.CALL.value, allow_blank=False, id="kind"),
        )
        yield from self.field(
            "summary", _("Summary"), FieldInput(placeholder=_("What was said or agreed"), id="summary")
        )

    def save(self, typed: Typed) -> str:
        kind = typed["kind"]
        answer_request(
            self.ws, self.lead_id, InteractionKind(kind if kind != Select.BLANK else "call"), typed["summary"]
        )
        return _("Answer logged: {who}").format(who=self.who)


class AssignDialog(_LeadDialog):
    """Give the request to a manager: their login.

    | Key(s) | Description |
    | :- | :- |
    | enter | Save. |
    | escape | Cancel. |
    """

    ENTER_SAVES = True
    SAVE_LABEL = N_("Assign")

    def form_title(self) -> str:
        return _("Assign the request")

    def compose_form(self) -> ComposeResult:
        yield self.subject()
        yield from self.field("owner", _("To (login)"), FieldInput(placeholder="ivanova", id="owner"))

    def save(self, typed: Typed) -> str:
        login = str(typed["owner"]).strip()
        assign_request(self.ws, self.lead_id, login)
        return _("Given to {login}: {who}").format(login=login, who=self.who)


class ConvertDialog(_LeadDialog):
    """Make a client of the request (and a deal, if titled). The base is asked first: a client
    that has its numbers, addresses or INN is named; saving again makes the new client anyway.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Next, previous field. |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    SAVE_LABEL = N_("Convert")

    def __init__(self, ws: Workspace, lead_id: int, who: str) -> None:
        super().__init__(ws, lead_id, who)
        self.warned: Conversion | None = None

    def form_title(self) -> str:
        return _("Convert to a client")

    def compose_form(self) -> ComposeResult:
        yield self.subject()
        yield from self.field("name", _("Client"), FieldInput(value=self.who, id="name"))
        yield from self.field("inn", _("INN"), FieldInput(id="inn"))
        yield from self.field("deal", _("Deal (empty: none)"), FieldInput(id="deal"))
        yield from self.field("amount", _("Amount"), FieldInput(id="amount"))

    def save(self, typed: Typed) -> str:
        how = Conversion(typed["name"], typed["inn"], typed["deal"], typed["amount"])
        made = convert_request(self.ws, self.lead_id, how, anyway=how == self.warned)
        if made.client_id is None:
            self.warned = how
            raise InvalidInput(
                "lead.already_client",
                N_("{holder}: link instead (e), or save again to make a new client"),
                holder=made.holders[0].describe(),
                field="name",
            )
        return _("Converted: client {client}").format(client=made.client_id)


class LinkDialog(_LeadDialog):
    """Link the request to a client of the base: its id, name, INN or phone.

    | Key(s) | Description |
    | :- | :- |
    | enter | Save. |
    | escape | Cancel. |
    """

    ENTER_SAVES = True
    SAVE_LABEL = N_("Link")

    def __init__(self, ws: Workspace, lead_id: int, who: str, suggested: str = "") -> None:
        super().__init__(ws, lead_id, who)
        self.suggested = suggested

    def form_title(self) -> str:
        return _("Link to a client")

    def compose_form(self) -> ComposeResult:
        yield self.subject()
        yield from self.field(
            "client",
            _("Client"),
            FieldInput(value=self.suggested, placeholder=_("id, name, INN or phone"), id="client"),
        )

    def save(self, typed: Typed) -> str:
        with self.ws.read() as session:
            try:
                client = find_client(session, self.ws.viewer, str(typed["client"]))
            except InvalidInput as exc:
                raise exc.naming("client") from None
        link_request(self.ws, self.lead_id, client.id)
        return _("Linked to «{client}»").format(client=client.name)


class JunkDialog(_LeadDialog):
    """Close the request as junk: a reason from the list and a comment.

    | Key(s) | Description |
    | :- | :- |
    | up, down | Choose the reason. |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    SAVE_LABEL = N_("Junk")

    def form_title(self) -> str:
        return _("Junk the request")

    def compose_form(self) -> ComposeResult:
        yield self.subject()
        reasons = FieldOptionList(
            *(Option(pgettext("junk reason", words), id=code) for code, words in JUNK_REASONS.items()),
            id="reasons",
            markup=False,
        )
        yield from self.field("reason", _("Reason"), reasons)
        yield from self.field("comment", _("Comment"), FieldInput(id="junk-comment"))

    def on_mount(self) -> None:
        self.query_one("#reasons", OptionList).highlighted = 0
        super().on_mount()

    def save(self, typed: Typed) -> str:
        index = typed["reason"]
        codes = list(JUNK_REASONS)
        if index is None:
            raise InvalidInput("lead.junk_reason_missing", N_("Pick the reason."), field="reason")
        junk_request(self.ws, self.lead_id, codes[index], typed["comment"])
        return _("Junk: {who}").format(who=self.who)
