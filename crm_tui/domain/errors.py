"""Domain failures: one line for the person, worded when shown, with a stable code for scripts.

Every error here is a ``crm_tui.i18n.MessageError``: raised with its code, its English msgid and
the values it names (``InvalidInput("deal.same_stage", N_("deal «{deal}» is in that stage
already"), deal=title)``), and turned into words in the language in force by ``str(error)``, wherever the line
is shown (the app's notification, the CLI's ``crm: error:`` line).
"""

from __future__ import annotations

from crm_tui.i18n import N_, Message, MessageError


class DomainError(MessageError):
    default_code = "domain_error"


class UnknownUser(DomainError):
    default_code = "unknown_user"


class NotFound(DomainError):
    default_code = "not_found"


class AccessDenied(DomainError):
    default_code = "access_denied"


class InvalidInput(DomainError):
    """Input refused; ``field`` is the key of the field it names (``"inn"``, ``"phone"``), which
    a dialog moves the cursor to, or ``""``."""

    default_code = "invalid_input"

    @property
    def field(self) -> str:
        return str(self.params.get("field", ""))

    def naming(self, field: str) -> InvalidInput:
        """The same refusal naming ``field``: raised again by a caller that knows which field
        the value came from (a date parser does not; the next step's "when" does)."""
        message = self.message
        return InvalidInput(Message(message.code, message.msgid, **{**message.params, "field": field}))


def with_field(exc: DomainError, field: str, **params: object) -> DomainError:
    """The same refusal (its class, code and words) naming the field it is about, and any
    ``params`` more (which of several lines): a dialog puts it under the field, the CLI names
    the option the field was typed in."""
    message = exc.message
    return type(exc)(Message(message.code, message.msgid, **{**message.params, **params, "field": field}))


class StaleEdit(DomainError):
    """Someone saved the record after it was read; the edit was refused, not merged."""

    default_code = "stale_edit"


_NOT_FOUND = {
    "client": N_("client {id} not found"),
    "contact": N_("contact {id} not found"),
    "deal": N_("deal {id} not found"),
    "stage": N_("stage {id} not found"),
    "pipeline": N_("pipeline {id} not found"),
    "playbook_step": N_("playbook step {id} not found"),
    "task": N_("task {id} not found"),
    "merge": N_("merge {id} not found"),
    "handover": N_("handover {id} not found"),
    "installed_item": N_("installed item {id} not found"),
    "import_batch": N_("import batch {id} not found"),
    "lead": N_("request {id} not found"),
    "lead_source": N_("lead source {id} not found"),
    "lead_route": N_("routing rule {id} not found"),
    "document": N_("document {id} not found"),
    "campaign": N_("campaign {id} not found"),
}
"""What each record is called when it is not there (or not visible), by its kind."""

RECORD_KINDS = frozenset(_NOT_FOUND)
"""The kinds ``not_found`` names."""
LARGEST_ID = 2**63 - 1
"""The largest id a base may hold (a 64-bit integer): a larger one names no record, and SQLite
cannot even be asked about it (an ``OverflowError``), so it is "not found" before it is looked up."""


def holds_id(value: int) -> bool:
    """Whether ``value`` is an id a base could hold (see ``LARGEST_ID``)."""
    return -LARGEST_ID - 1 <= value <= LARGEST_ID


def not_found(entity: str, record_id: int | str) -> NotFound:
    """The refusal of record ``record_id`` of kind ``entity`` (a key of ``_NOT_FOUND``), coded
    ``<entity>.not_found``: one wording per kind, wherever it is looked up."""
    return NotFound(f"{entity}.not_found", _NOT_FOUND[entity], id=record_id)
