"""The words of the capability table: who acts (``Viewer``), in which scope, which capability,
and the shape of one row (``Rule``). The table itself is ``table.TABLE``; the questions asked of
it are ``capabilities``' (``can``, ``require``), which every caller imports these names from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from crm_tui.i18n import N_
from crm_tui.storage.tables.team import Role


@dataclass(frozen=True)
class Viewer:
    """The acting user, as every query and action receives them."""

    user_id: int
    login: str
    full_name: str
    role: Role
    region: str | None
    figures_region: str | None = None
    """A report's figures narrowed to the people of this region (`crm report ... --region`,
    checked against the viewer's scope by ``crm_tui.domain.reports.region``); None: not narrowed."""


class Scope(StrEnum):
    OWN = "own"
    REGION = "region"
    ALL = "all"


class Capability(StrEnum):
    USE_APP = "use_app"
    SEE_CLIENTS = "see_clients"
    SEE_DEALS = "see_deals"
    READ_AUDIT = "read_audit"
    OWN_CLIENTS = "own_clients"
    SET_SEGMENT = "set_segment"
    PLAN_CALLS = "plan_calls"
    COMPLETE_TASKS = "complete_tasks"
    MOVE_DEALS = "move_deals"
    CREATE_DEALS = "create_deals"
    EDIT_DEALS = "edit_deals"
    SET_TASKS = "set_tasks"
    TAKE_LEADS = "take_leads"
    ANSWER_LOST_DEALS = "answer_lost_deals"
    HAND_OVER_CLIENTS = "hand_over_clients"
    GIVE_CLIENTS = "give_clients"
    IMPORT_CLIENTS = "import_clients"
    UNDO_IMPORT = "undo_import"
    SEE_IMPORT_BATCHES = "see_import_batches"
    IMPORT_ORDERS = "import_orders"
    RECOMPUTE_SEGMENTS = "recompute_segments"
    REVIEW_DUPLICATES = "review_duplicates"
    SET_DEDUP_THRESHOLD = "set_dedup_threshold"
    MERGE_CLIENTS = "merge_clients"
    SET_WORK_RULES = "set_work_rules"
    SET_PURCHASE_INTERVAL = "set_purchase_interval"
    EDIT_PORTRAIT_FIELDS = "edit_portrait_fields"
    CONFIGURE_FUNNEL = "configure_funnel"
    PRIVACY = "privacy"
    ACT_AS_ANOTHER_USER = "act_as_another_user"
    MANAGE_USERS = "manage_users"
    COPY_DATABASE = "copy_database"
    SEE_LEADS = "see_leads"
    ADD_LEADS = "add_leads"
    WORK_LEADS = "work_leads"
    ASSIGN_LEADS = "assign_leads"
    CONFIGURE_LEADS = "configure_leads"
    EDIT_COMPANY = "edit_company"
    ADD_TEMPLATES = "add_templates"
    MAKE_DOCUMENTS = "make_documents"
    RECORD_PAYMENTS = "record_payments"
    IMPORT_BANK = "import_bank"
    RECEIVE_INBOUND = "receive_inbound"
    CONFIGURE_INBOUND = "configure_inbound"
    SEE_REPORTS = "see_reports"
    RUN_CAMPAIGNS = "run_campaigns"
    SEND_MAIL = "send_mail"
    STOP_MAILING = "stop_mailing"
    SEND_DIGEST = "send_digest"


NOT_FOUND = N_("{target} not found")
"""A target out of reach is refused as if it did not exist: what one may not see is not named.
A record (a client, a deal, a task, a request) is refused with ``errors.not_found``'s own line,
the very one a missing id gets, so that nobody can tell a hidden id from a free one."""


@dataclass(frozen=True)
class Rule:
    """One row: what the capability is, who has it in which scope, and what a refusal says.

    ``refused`` and ``outside`` are msgids that may name ``{target}`` (what the action was on),
    ``{login}`` and ``{role}`` (who asked). ``targeted`` is False for team-wide capabilities, whose scope is
    always all (the README shows them as "yes")."""

    what: str
    grants: Mapping[Role, Scope]
    refused: str = NOT_FOUND
    outside: str = NOT_FOUND
    targeted: bool = True
    seen_with: Capability | None = None
    """What shows the target: a record the viewer cannot even see is "not found" (``can`` says
    no), whatever ``outside`` says (saying "not yours to move" told a manager that a colleague's
    deal existed). Only the refusal's words: a scope wider than the seeing one still grants. A
    person given something (a new owner) is not a record: never "not found"."""
    given: str | None = None
    """What a refusal says when the target is the person something is given to (a deal's new
    owner), where ``outside`` speaks of the record ("sokolov.p is not yours to change")."""
