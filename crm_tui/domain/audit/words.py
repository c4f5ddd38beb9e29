"""How an audit row reads to a person: the names of entities, actions and changed fields.

The audit keeps codes ("client", "owner_changed", "owner_id"); the card's changes, the timeline and
`crm audit` word them in the language in force. English reads the codes as they were always
shown ("client owner changed (owner: A → B)"); a code no table knows reads as itself.
"""

from __future__ import annotations

from collections.abc import Callable

from crm_tui.domain.captions import (
    ACTIVITY_KIND_NAMES,
    LETTER_STATE_NAMES,
    ROLE_NAMES,
    Captions,
    segment_name,
)
from crm_tui.i18n import NC_

ENTITY_NAMES: Captions[str] = Captions(
    "audit entity",
    {
        "client": NC_("audit entity", "client"),
        "person": NC_("audit entity", "person"),
        "deal": NC_("audit entity", "deal"),
        "task": NC_("audit entity", "task"),
        "interaction": NC_("audit entity", "interaction"),
        "user": NC_("audit entity", "user"),
        "field": NC_("audit entity", "field"),
        "pipeline": NC_("audit entity", "pipeline"),
        "stage": NC_("audit entity", "stage"),
        "playbook_step": NC_("audit entity", "playbook step"),
        "lost_reason": NC_("audit entity", "lost reason"),
        "sales_document": NC_("audit entity", "sales document"),
        "import_batch": NC_("audit entity", "import batch"),
        "export": NC_("audit entity", "export"),
        "outbox": NC_("audit entity", "outbox"),
    },
)
ACTION_NAMES: Captions[str] = Captions(
    "audit action",
    {
        "create": NC_("audit action", "create"),
        "sign_in": NC_("audit action", "signed in"),
        "sign_in_failed": NC_("audit action", "sign-in refused"),
        "locked": NC_("audit action", "locked after wrong passwords"),
        "sign_out": NC_("audit action", "signed out"),
        "password_set": NC_("audit action", "password set"),
        "update": NC_("audit action", "update"),
        "edit": NC_("audit action", "edit"),
        "delete": NC_("audit action", "delete"),
        "complete": NC_("audit action", "complete"),
        "snooze": NC_("audit action", "snooze"),
        "stage": NC_("audit action", "stage"),
        "owner_changed": NC_("audit action", "owner changed"),
        "segment_set": NC_("audit action", "segment set"),
        "portrait": NC_("audit action", "portrait"),
        "merge": NC_("audit action", "merge"),
        "merged_into": NC_("audit action", "merged into"),
        "merge_undone": NC_("audit action", "merge undone"),
        "not_duplicate": NC_("audit action", "not duplicate"),
        "undo": NC_("audit action", "undo"),
        "erase": NC_("audit action", "erase"),
        "contact_added": NC_("audit action", "contact added"),
        "contact_edited": NC_("audit action", "contact edited"),
        "contact_removed": NC_("audit action", "contact removed"),
        "contact_erased": NC_("audit action", "contact erased"),
        "contact_left": NC_("audit action", "contact left"),
        "contact_joined": NC_("audit action", "contact joined"),
        "installed_add": NC_("audit action", "installed add"),
        "installed_remove": NC_("audit action", "installed remove"),
        "clients_list": NC_("audit action", "clients list"),
        "required": NC_("audit action", "required"),
        "optional": NC_("audit action", "optional"),
        "retire": NC_("audit action", "retire"),
        "restore": NC_("audit action", "restore"),
        "clients": NC_("audit action", "clients"),
        "orders": NC_("audit action", "orders"),
        "refusal_handed_over": NC_("audit action", "refusal handed over"),
        "refusal_back_to_work": NC_("audit action", "refusal back to work"),
        "take": NC_("audit action", "taken"),
        "reassign": NC_("audit action", "given to a colleague"),
        "reschedule": NC_("audit action", "rescheduled"),
        "cancel": NC_("audit action", "cancelled"),
        "assign": NC_("audit action", "assigned"),
        "resend": NC_("audit action", "resent"),
        "drop": NC_("audit action", "dropped"),
        "mailing_stopped": NC_("audit action", "mailing stopped"),
    },
)
CLIENT_EVENT_NAMES: Captions[str] = Captions(
    "client event",
    {
        "create": NC_("client event", "created"),
        "edit": NC_("client event", "edited"),
        "merge": NC_("client event", "merged with a duplicate"),
        "merged_into": NC_("client event", "merged into another client"),
        "merge_undone": NC_("client event", "merge undone"),
        "not_duplicate": NC_("client event", "marked as not a duplicate"),
        "portrait": NC_("client event", "portrait edited"),
        "segment_set": NC_("client event", "segment set by hand"),
        "installed_add": NC_("client event", "installed base: added"),
        "installed_remove": NC_("client event", "installed base: removed"),
        "contact_added": NC_("client event", "contact added"),
        "contact_edited": NC_("client event", "contact edited"),
        "contact_removed": NC_("client event", "contact removed"),
        "contact_left": NC_("client event", "a contact moved on"),
        "contact_joined": NC_("client event", "a contact joined"),
        "owner_changed": NC_("client event", "owner changed"),
    },
)
"""A client's changes as its timeline says them."""
FIELD_NAMES: Captions[str] = Captions(
    "audit field",
    {
        "name": NC_("audit field", "name"),
        "legal_form": NC_("audit field", "legal_form"),
        "inn": NC_("audit field", "inn"),
        "kpp": NC_("audit field", "kpp"),
        "ogrn": NC_("audit field", "ogrn"),
        "legal_address": NC_("audit field", "legal_address"),
        "bik": NC_("audit field", "bik"),
        "account": NC_("audit field", "account"),
        "city": NC_("audit field", "city"),
        "region": NC_("audit field", "region"),
        "status": NC_("audit field", "status"),
        "phone": NC_("audit field", "phone"),
        "email": NC_("audit field", "email"),
        "owner": NC_("audit field", "owner"),
        "owner_id": NC_("audit field", "owner_id"),
        "note": NC_("audit field", "note"),
        "address": NC_("audit field", "address"),
        "title": NC_("audit field", "title"),
        "kind": NC_("audit field", "kind"),
        "result": NC_("audit field", "result"),
        "comment": NC_("audit field", "comment"),
        "channels": NC_("audit field", "channels"),
        "stage": NC_("audit field", "stage"),
        "stage_id": NC_("audit field", "stage_id"),
        "segment": NC_("audit field", "segment"),
        "required": NC_("audit field", "required"),
        "probability": NC_("audit field", "probability"),
        "position": NC_("audit field", "position"),
        "person": NC_("audit field", "person"),
        "contact": NC_("audit field", "contact"),
        "contacts": NC_("audit field", "contacts"),
        "company": NC_("audit field", "company"),
        "client_id": NC_("audit field", "client_id"),
        "deal_id": NC_("audit field", "deal_id"),
        "assignee_id": NC_("audit field", "assignee_id"),
        "assignee": NC_("audit field", "assignee"),
        "due_at": NC_("audit field", "due_at"),
        "origin": NC_("audit field", "origin"),
        "role": NC_("audit field", "role"),
        "login": NC_("audit field", "login"),
        "reasons": NC_("audit field", "reasons"),
        "lost_reason": NC_("audit field", "lost_reason"),
        "quantity": NC_("audit field", "quantity"),
        "product": NC_("audit field", "product"),
        "vendor": NC_("audit field", "vendor"),
        "ours": NC_("audit field", "ours"),
        "survivor": NC_("audit field", "survivor"),
        "merged": NC_("audit field", "merged"),
        "manual": NC_("audit field", "manual"),
        "key": NC_("audit field", "key"),
        "label": NC_("audit field", "label"),
        "until": NC_("audit field", "until"),
        "summary": NC_("audit field", "summary"),
        "amount": NC_("audit field", "amount"),
        "handover": NC_("audit field", "handover"),
        "restored": NC_("audit field", "restored"),
        "first_user": NC_("audit field", "first_user"),
        "kept_values": NC_("audit field", "kept_values"),
        "other": NC_("audit field", "other"),
        "via": NC_("audit field", "via"),
        "by": NC_("audit field", "by"),
        "why": NC_("audit field", "why"),
        "attempt": NC_("audit field", "attempt"),
        "from": NC_("audit field", "from"),
        "recipients": NC_("audit field", "recipients"),
    },
)
"""A changed field by its key (in English the key itself, as the audit always showed it)."""
SIGN_IN_WORDS: Captions[str] = Captions(
    "audit value",
    {
        "browser": NC_("audit value", "browser"),
        "locked": NC_("audit value", "locked"),
        "inactive": NC_("audit value", "inactive"),
        "no_app": NC_("audit value", "an ops account"),
        "wrong_password": NC_("audit value", "wrong password"),
        "sign_out": NC_("audit value", "signed out"),
        "password": NC_("audit value", "password changed"),
    },
)
"""The codes a sign-in's audit row holds (how, why refused, why ended)."""
ORIGIN_NAMES: Captions[str] = Captions(
    "task origin",
    {
        "campaign_reply": NC_("task origin", "a reply to a mailing"),
        "stuck": NC_("task origin", "stuck deals"),
        "idle": NC_("task origin", "deals with no activity"),
    },
)
"""Where a task came from, by an origin that names no record (the daily reminders' summary row
names its kind: ``stuck``, ``idle``)."""
ORIGIN_PREFIXES: Captions[str] = Captions(
    "task origin",
    {
        "campaign": NC_("task origin", "no answer to mailing {ref}"),
        "lead": NC_("task origin", "request {ref}"),
        "lead-late": NC_("task origin", "request {ref} not answered in time"),
        "callback": NC_("task origin", "a missed call of client {ref}"),
        "paid": NC_("task origin", "invoice {ref} paid"),
        "playbook": NC_("task origin", "playbook step {ref}"),
        "lost": NC_("task origin", "deal {ref} lost"),
        "stuck": NC_("task origin", "deal {ref} stuck"),
        "idle": NC_("task origin", "no activity on deal {ref}"),
        "segment": NC_("task origin", "segment «{ref}»"),
    },
)
"""Where a task came from, by an origin that names its record after a colon (``lead:12``,
``segment:lost``)."""


def origin_words(code: str) -> str:
    """A task's origin in words, its record's number kept ("request 12"), a segment by its name;
    a code of a newer release as it is."""
    prefix, colon, ref = code.partition(":")
    if not colon:
        return ORIGIN_NAMES.caption(code)
    if prefix not in ORIGIN_PREFIXES:
        return code
    return ORIGIN_PREFIXES[prefix].format(ref=segment_name(ref) if prefix == "segment" else ref)


VALUE_NAMES: dict[str, Callable[[str], str]] = {
    "via": SIGN_IN_WORDS.caption,
    "why": SIGN_IN_WORDS.caption,
    "role": ROLE_NAMES.caption,
    "kind": ACTIVITY_KIND_NAMES.caption,
    "from": LETTER_STATE_NAMES.caption,
    "origin": origin_words,
}
"""The fields whose values are codes, with what words them."""
