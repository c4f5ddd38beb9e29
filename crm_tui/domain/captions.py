"""How the codes the base stores read to a person: one table per kind of code (a segment, a
client's status, a deal's or task's status, a task's or interaction's kind, a role, a channel,
a portrait field's kind), in the language in force.

The base and ``--json`` keep the English codes ("warm", "customer", "call"); the screens and the
human-readable output of the CLI show ``SEGMENT_NAMES[code]``. A table is a read-only mapping from
the code to its caption, translated each time it is read (never at import, so the language can
follow the settings); a code no table knows reads as itself (``caption``). Each caption is a
msgid with the table's context: the same English word may name two things ("Lost": a segment, a
stage, a deal's status) that Russian names apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar

from crm_tui.i18n import NC_, Captioned, in_language, pgettext
from crm_tui.storage.tables.activity import TaskStatus
from crm_tui.storage.tables.deals import DealStatus
from crm_tui.storage.tables.imports import ImportStatus
from crm_tui.storage.tables.kinds import ClientStatus, FieldKind
from crm_tui.storage.tables.sales import Segment

K = TypeVar("K", bound=str)


class Captions(Mapping[K, str]):
    """Codes (enum members or plain strings) to their captions, translated when read."""

    def __init__(self, context: str, table: Mapping[K, str]) -> None:
        self.context = context
        self._table = dict(table)

    def __getitem__(self, code: str) -> str:
        return pgettext(self.context, self._table[code])  # type: ignore[index]  # str keys of a StrEnum

    def __iter__(self) -> Iterator[K]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def caption(self, code: str) -> str:
        """The caption of ``code``, or ``code`` itself when the table does not know it (a value
        from an older release or another system)."""
        return self[code] if code in self._table else code

    def worded(self, code: str) -> str | Captioned:
        """``code`` as a value of a ``Message``: worded by its caption when the message is
        shown, kept as the code for ``--json``; a code the table does not know stays itself."""
        return Captioned(code, self._table[code], self.context) if code in self._table else code

    def in_language(self, language: str, code: str) -> str:
        """The caption of ``code`` in ``language``, whatever language is in force."""
        return in_language(language, self._table[code], context=self.context)  # type: ignore[index]


NC_("segment", "none")  # segment_name's word for no segment, marked for the catalogue

SEGMENT_NAMES: Captions[Segment] = Captions(
    "segment",
    {
        Segment.WARM: NC_("segment", "Warm"),
        Segment.LOYAL: NC_("segment", "Loyal"),
        Segment.LOST: NC_("segment", "Lost"),
    },
)
CLIENT_STATUS_NAMES: Captions[ClientStatus] = Captions(
    "client status",
    {
        ClientStatus.LEAD: NC_("client status", "lead"),
        ClientStatus.PROSPECT: NC_("client status", "prospect"),
        ClientStatus.CUSTOMER: NC_("client status", "customer"),
    },
)
DEAL_STATUS_NAMES: Captions[DealStatus] = Captions(
    "deal status",
    {
        DealStatus.OPEN: NC_("deal status", "open"),
        DealStatus.WON: NC_("deal status", "won"),
        DealStatus.LOST: NC_("deal status", "lost"),
    },
)
TASK_STATUS_NAMES: Captions[TaskStatus] = Captions(
    "task status",
    {
        TaskStatus.OPEN: NC_("task status", "open"),
        TaskStatus.DONE: NC_("task status", "done"),
        TaskStatus.CANCELLED: NC_("task status", "cancelled"),
    },
)
ACTIVITY_KIND_NAMES: Captions[str] = Captions(
    "activity kind",
    {
        "call": NC_("activity kind", "call"),
        "meeting": NC_("activity kind", "meeting"),
        "email": NC_("activity kind", "e-mail"),
        "message": NC_("activity kind", "message"),
        "note": NC_("activity kind", "note"),
        "todo": NC_("activity kind", "to do"),
    },
)
"""A task's kind (call, meeting, e-mail, to do) or an interaction's (call, e-mail, message,
meeting, note): the same words."""
ROLE_NAMES: Captions[str] = Captions(
    "role",
    {
        "manager": NC_("role", "manager"),
        "head": NC_("role", "head"),
        "admin": NC_("role", "admin"),
        "ops": NC_("role", "ops"),
        "accountant": NC_("role", "accountant"),
    },
)
"""A user's role by its code (only ``domain/access`` names roles as ``Role`` members, to decide)."""
CHANNEL_NAMES: Captions[str] = Captions(
    "channel",
    {
        "phone": NC_("channel", "phone"),
        "email": NC_("channel", "email"),
        "messenger": NC_("channel", "messenger"),
        "telegram": NC_("channel", "telegram"),
        "whatsapp": NC_("channel", "whatsapp"),
        "vk": NC_("channel", "vk"),
    },
)
"""A contact's channel (phone, e-mail, messenger) or the one an interaction came by."""
FIELD_KIND_NAMES: Captions[FieldKind] = Captions(
    "field kind",
    {
        FieldKind.TEXT: NC_("field kind", "text"),
        FieldKind.NUMBER: NC_("field kind", "number"),
        FieldKind.MONEY: NC_("field kind", "money"),
        FieldKind.DATE: NC_("field kind", "date"),
        FieldKind.CHOICE: NC_("field kind", "choice"),
        FieldKind.MULTI: NC_("field kind", "multi"),
        FieldKind.BOOL: NC_("field kind", "bool"),
    },
)
"""A portrait field's kind."""
IMPORT_STATUS_NAMES: Captions[ImportStatus] = Captions(
    "import status",
    {
        ImportStatus.RUNNING: NC_("import status", "running"),
        ImportStatus.DONE: NC_("import status", "done"),
        ImportStatus.FAILED: NC_("import status", "failed"),
        ImportStatus.UNDONE: NC_("import status", "undone"),
        ImportStatus.INTERRUPTED: NC_("import status", "interrupted"),
    },
)
"""An import batch's status."""


def segment_name(code: str | None) -> str:
    """A segment's caption, or the word for a client in none."""
    return SEGMENT_NAMES.caption(code) if code else pgettext("segment", "none")


TIMELINE_EVENT_NAMES: Captions[str] = Captions(
    "timeline event",
    {
        "deal": NC_("timeline event", "deal"),
        "task": NC_("timeline event", "task set"),
        "done": NC_("timeline event", "task done"),
        "cancelled": NC_("timeline event", "task cancelled"),
        "change": NC_("timeline event", "change"),
        "import": NC_("timeline event", "import"),
        "segment": NC_("timeline event", "segment"),
    },
)
"""A client timeline's entry that is not a touch (touches are named by ``ACTIVITY_KIND_NAMES``)."""


def timeline_event_name(kind: str) -> str:
    """A timeline entry's kind: a touch's (call, e-mail, ...) or an event's (task set, change)."""
    return ACTIVITY_KIND_NAMES[kind] if kind in ACTIVITY_KIND_NAMES else TIMELINE_EVENT_NAMES.caption(kind)


LEAD_STATUS_NAMES: Captions[str] = Captions(
    "request status",
    {
        "new": NC_("request status", "new"),
        "in_work": NC_("request status", "in work"),
        "converted": NC_("request status", "converted"),
        "junk": NC_("request status", "junk"),
    },
)
"""A request's (lead's) status."""

LEAD_CHANNEL_NAMES: Captions[str] = Captions(
    "request channel",
    {
        "call": NC_("request channel", "call"),
        "email": NC_("request channel", "e-mail"),
        "web_form": NC_("request channel", "web form"),
        "messenger": NC_("request channel", "messenger"),
        "walk_in": NC_("request channel", "walk-in"),
        "manual": NC_("request channel", "by hand"),
        "import": NC_("request channel", "import"),
    },
)
"""The channel a request came through."""
LETTER_STATE_NAMES: Captions[str] = Captions(
    "letter state",
    {
        "pending": NC_("letter state", "pending"),
        "sending": NC_("letter state", "sending"),
        "sent": NC_("letter state", "sent"),
        "failed": NC_("letter state", "failed"),
        "uncertain": NC_("letter state", "uncertain"),
        "dropped": NC_("letter state", "dropped"),
    },
)
"""A letter of the outbox: where it stands (``storage.models.OutboxState``)."""
RECIPIENT_STATE_NAMES: Captions[str] = Captions(
    "recipient state",
    {"active": NC_("recipient state", "receiving"), "stopped": NC_("recipient state", "stopped")},
)
"""A campaign's recipient: still getting its letters, or stopped (``RecipientState``)."""
STOP_REASON_NAMES: Captions[str] = Captions(
    "stop reason",
    {
        "replied": NC_("stop reason", "replied"),
        "unsubscribed": NC_("stop reason", "unsubscribed"),
        "bounced": NC_("stop reason", "bounced"),
        "complaint": NC_("stop reason", "complained of spam"),
        "suppressed": NC_("stop reason", "on the stop list"),
        "deal": NC_("stop reason", "a deal opened"),
        "manual": NC_("stop reason", "stopped by hand"),
    },
)
"""Why a recipient's remaining letters were stopped (``campaigns.stops.stop_recipients``)."""
CAMPAIGN_KIND_NAMES: Captions[str] = Captions(
    "campaign kind",
    {"personal": NC_("campaign kind", "personal"), "advertising": NC_("campaign kind", "advertising")},
)
"""A campaign's kind: one-to-one letters from the manager, or advertising (consent needed)."""
CAMPAIGN_STATUS_NAMES: Captions[str] = Captions(
    "campaign status",
    {
        "active": NC_("campaign status", "active"),
        "paused": NC_("campaign status", "paused"),
        "by hand": NC_("campaign status", "paused by hand"),
    },
)
"""A campaign's status, and the reason stored when a person paused it."""
TRADE_DOCUMENT_NAMES: Captions[str] = Captions(
    "trade document",
    {
        "order": NC_("trade document", "order"),
        "invoice": NC_("trade document", "invoice"),
        "sale": NC_("trade document", "shipment"),
        "payment": NC_("trade document", "payment"),
        "contract": NC_("trade document", "contract"),
    },
)
"""A document of the trade system's sales history (``storage.models.DocumentKind``)."""
TRADE_FIELD_NAMES: Captions[str] = Captions(
    "trade document field",
    {
        "kind": NC_("trade document field", "Document"),
        "number": NC_("trade document field", "Number"),
        "date": NC_("trade document field", "Date"),
        "client": NC_("trade document field", "Client"),
        "inn": NC_("trade document field", "INN"),
        "amount": NC_("trade document field", "Amount"),
        "paid": NC_("trade document field", "Paid"),
    },
)
"""The columns a trade document is written back with (the rows an import kept unmatched)."""
LEFT_OUT_NAMES: Captions[str] = Captions(
    "left out",
    {
        "suppressed": NC_("left out", "on the stop list"),
        "no_consent": NC_("left out", "no consent to advertising"),
        "no_email": NC_("left out", "no e-mail address"),
        "no_sender": NC_("left out", "no sending address for the manager"),
    },
)
"""Why a client of the audience was not enrolled."""
WORKER_STOPPED = "the worker stopped while sending"
"""What an uncertain letter's error says (a code kept in English in the base, worded when shown)."""


def letter_error(text: str | None) -> str:
    """A letter's last error as a person reads it: our own codes in words (a stop and its reason,
    an interrupted send); what the mail server answered, as it answered."""
    if not text:
        return ""
    if text == WORKER_STOPPED:
        return pgettext("letter error", "the sending was interrupted: check whether it arrived")
    if text.startswith("stopped: "):
        reason = STOP_REASON_NAMES.caption(text.removeprefix("stopped: "))
        return pgettext("letter error", "stopped: {reason}").format(reason=reason)
    return text


INBOUND_OUTCOME_NAMES: Captions[str] = Captions(
    "inbound outcome",
    {
        "new": NC_("inbound outcome", "a new request"),
        "new request": NC_("inbound outcome", "a new request"),
        "repeat": NC_("inbound outcome", "a client's repeat request"),
        "touch": NC_("inbound outcome", "on an open request"),
        "request": NC_("inbound outcome", "on an open request"),
        "client": NC_("inbound outcome", "on a client's timeline"),
        "junk": NC_("inbound outcome", "junk"),
        "dropped": NC_("inbound outcome", "dropped (excluded)"),
        "again": NC_("inbound outcome", "taken before"),
        "internal": NC_("inbound outcome", "an internal call"),
        "anonymous": NC_("inbound outcome", "no number"),
        "unknown outbound": NC_("inbound outcome", "a call out to nobody known"),
        "started": NC_("inbound outcome", "a call's start (its end logs it)"),
        "sent": NC_("inbound outcome", "our mail"),
        "robot": NC_("inbound outcome", "a robot's mail"),
        "unknown": NC_("inbound outcome", "nobody's"),
    },
)
"""What an event that came in by itself came to (the receiver's, the mailbox reader's)."""

INBOUND_REFUSAL_NAMES: Captions[str] = Captions(
    "inbound refusal",
    {
        "400": NC_("inbound refusal", "unreadable"),
        "401": NC_("inbound refusal", "wrong token or signature"),
        "413": NC_("inbound refusal", "too big"),
        "429": NC_("inbound refusal", "over the rate"),
    },
)
"""Why the receiver refused a request, by its HTTP status (the code beside it says exactly)."""


def inbound_refusal(status: int | None) -> str:
    """The last refusal as the admin reads it: ``401 wrong token or signature``. The code that
    says exactly which check failed (``telegram.secret``) is a script's: in ``--json``, not in
    the words of a Russian screen."""
    if status is None:
        return ""
    return f"{status} {INBOUND_REFUSAL_NAMES.caption(str(status))}"
