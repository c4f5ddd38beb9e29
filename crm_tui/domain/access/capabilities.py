"""Who may do what: one table of capabilities by role and scope, and the one question asked of it.

Every permission in crm_tui is a row of ``TABLE``: for each role (manager, head of sales, admin,
ops) the scope it has the capability in (its own records, its region's, all), or nothing. A
pair missing from the table is refused (default deny). Domain functions ask ``require`` before
they act; screens ask ``can`` to show or hide a key; the SQL predicates of ``visibility`` are
built from the same rows. Nothing else in the code may decide on a role.

What "own" and "region" mean for a target (``Target``): own is the viewer's (the client's
owner, the deal's owner, the task's assignee, the import batch's author), and for clients also
an inbound lead nobody owns yet in the viewer's region (seed 003: the region's managers take
those); region is own, or a target in the viewer's region (a deal's region is its owner's). A
viewer without a region has no region to act in: region scope is then own scope. A request
nobody owns and no region claims (a stranger's e-mail no routing rule fits) is in the common
queue: every region's, so that the heads and managers see it and one takes or assigns it, rather
than nobody but an admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import cast

from crm_tui.domain.errors import RECORD_KINDS, AccessDenied, DomainError, not_found
from crm_tui.i18n import N_, Message, Phrase
from crm_tui.storage.models import ClientStatus, Role


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


MANAGER, HEAD, ADMIN, OPS, ACCOUNTANT = Role.MANAGER, Role.HEAD, Role.ADMIN, Role.OPS, Role.ACCOUNTANT
OWN, REGION, ALL = Scope.OWN, Scope.REGION, Scope.ALL
_BY_ADMIN = {ADMIN: ALL}

TABLE: Mapping[Capability, Rule] = {
    Capability.USE_APP: Rule(
        "use the app (ops run the commands)",
        {MANAGER: ALL, HEAD: ALL, ADMIN: ALL, ACCOUNTANT: ALL},
        N_(
            "{login} is an ops account: it runs crm import, crm dedup, crm schedule tick and the other "
            "commands, not the app"
        ),
        targeted=False,
    ),
    Capability.SEE_CLIENTS: Rule(
        "see clients and work on them (card, edits, touches)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL, ACCOUNTANT: ALL},
    ),
    Capability.SEE_DEALS: Rule(
        "see deals (funnel, reports)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL, ACCOUNTANT: ALL},
    ),
    Capability.READ_AUDIT: Rule(
        "read the audit trail",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL, ACCOUNTANT: ALL},
    ),
    Capability.OWN_CLIENTS: Rule(
        "own clients",
        {MANAGER: ALL, HEAD: ALL},
        N_("{login} is not a manager or a head of sales"),
        targeted=False,
    ),
    Capability.SET_SEGMENT: Rule(
        "set a client's segment by hand",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL},
    ),
    Capability.PLAN_CALLS: Rule(
        "plan calls for selected clients",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL},
    ),
    Capability.COMPLETE_TASKS: Rule(
        "complete, snooze, move, reassign or cancel tasks (a setter keeps a say over what they set)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: OWN},
        N_("{target} is not yours"),
        N_("{target} is not yours"),
        seen_with=Capability.SEE_CLIENTS,
    ),
    Capability.MOVE_DEALS: Rule(
        "move deals",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
        N_("{target} is not yours to move"),
        N_("{target} is not yours to move"),
        seen_with=Capability.SEE_DEALS,
    ),
    Capability.CREATE_DEALS: Rule(
        "open a deal on a client",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
    ),
    Capability.EDIT_DEALS: Rule(
        "edit deals: title, amount, close date, lines, owner (target: the deal; the owner given)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
        N_("{target} is not yours to change"),
        N_("{target} is not yours to change"),
        seen_with=Capability.SEE_DEALS,
        given=N_(
            "a deal may not be given to {target}: a manager keeps own deals, a head gives in the region"
        ),
    ),
    Capability.SET_TASKS: Rule(
        "set a task for a colleague (target: the assignee)",
        {MANAGER: REGION, HEAD: REGION, ADMIN: ALL},
        N_("{login} sets no tasks"),
        N_("{target} works outside your region"),
    ),
    Capability.TAKE_LEADS: Rule(
        "take an unowned lead of the region",
        {MANAGER: OWN, HEAD: OWN},
        N_("{login} takes no leads: a free lead is taken by a manager or a head of sales of its region"),
    ),
    Capability.ANSWER_LOST_DEALS: Rule(
        "answer lost deals (target: the new owner)",
        {HEAD: REGION, ADMIN: ALL},
        N_("refusals are analysed by a head of sales or an admin"),
        N_("{target} works outside your region"),
    ),
    Capability.HAND_OVER_CLIENTS: Rule(
        "hand clients over, undo a handover (targets: the clients, the receiver)",
        {HEAD: REGION, ADMIN: ALL},
        N_("clients are handed over by a head of sales or an admin"),
        N_("{target} works outside your region"),
    ),
    Capability.GIVE_CLIENTS: Rule(
        "give a client one adds or imports to somebody (target: the owner named)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL},
        N_("{login} gives clients to nobody"),
        N_(
            "a client may not be given to {target}: a manager keeps what they add, a head gives in the region"
        ),
    ),
    Capability.IMPORT_CLIENTS: Rule(
        "import clients",
        {MANAGER: ALL, HEAD: ALL, ADMIN: ALL, OPS: ALL},
        N_("clients are imported by a manager, a head of sales, an admin or ops"),
        targeted=False,
    ),
    Capability.UNDO_IMPORT: Rule(
        "undo an import batch",
        {MANAGER: OWN, HEAD: ALL, ADMIN: ALL, OPS: ALL},
        N_("{target} is not yours to undo"),
        N_("{target} is not yours to undo"),
        seen_with=Capability.SEE_IMPORT_BATCHES,
    ),
    Capability.SEE_IMPORT_BATCHES: Rule(
        "see import batches (crm import list: who imported which files, what they made)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL},
    ),
    Capability.IMPORT_ORDERS: Rule(
        "import orders (the sales history)",
        {HEAD: ALL, ADMIN: ALL, OPS: ALL},
        N_("the sales history is imported by a head of sales, an admin or ops"),
        targeted=False,
    ),
    Capability.RECOMPUTE_SEGMENTS: Rule(
        "recompute segments, crm schedule tick",
        {HEAD: ALL, ADMIN: ALL, OPS: ALL},
        N_("segments are recomputed by a head of sales, an admin or ops"),
        targeted=False,
    ),
    Capability.REVIEW_DUPLICATES: Rule(
        "review duplicates",
        {HEAD: REGION, ADMIN: ALL, OPS: ALL},
        N_("duplicate review is for heads of sales, admins and ops"),
    ),
    Capability.SET_DEDUP_THRESHOLD: Rule(
        "set the duplicate review's threshold",
        {HEAD: ALL, ADMIN: ALL},
        N_("the duplicate review's threshold is set by a head of sales or an admin"),
        targeted=False,
    ),
    Capability.MERGE_CLIENTS: Rule(
        "merge duplicates, undo a merge",
        {HEAD: REGION, ADMIN: ALL, OPS: ALL},
        N_("only heads of sales, admins and ops merge clients"),
    ),
    Capability.SET_WORK_RULES: Rule(
        "set the work rules of segments",
        {HEAD: ALL, ADMIN: ALL},
        N_("work rules are set by a head of sales or an admin"),
        targeted=False,
    ),
    Capability.SET_PURCHASE_INTERVAL: Rule(
        "set the purchase interval",
        _BY_ADMIN,
        N_("only an admin sets the purchase interval"),
        targeted=False,
    ),
    Capability.EDIT_PORTRAIT_FIELDS: Rule(
        "edit portrait fields",
        _BY_ADMIN,
        N_("the portrait's fields are set by an admin"),
        targeted=False,
    ),
    Capability.CONFIGURE_FUNNEL: Rule(
        "manage pipelines and funnel settings",
        _BY_ADMIN,
        N_("pipelines are configured by an admin"),
        targeted=False,
    ),
    Capability.PRIVACY: Rule(
        "export or erase a person's data",
        _BY_ADMIN,
        N_("only an admin exports or erases a person's data"),
        targeted=False,
    ),
    Capability.ACT_AS_ANOTHER_USER: Rule(
        "act as another user (--user)",
        _BY_ADMIN,
        N_("only an admin may act as another user; {login!r} is a {role}"),
        targeted=False,
    ),
    Capability.MANAGE_USERS: Rule(
        "manage users: add them, set their roles, regions, passwords and extensions",
        _BY_ADMIN,
        N_(
            "only an admin manages users (adds them, sets roles, regions and extensions); "
            "{login!r} is a {role}"
        ),
        targeted=False,
    ),
    Capability.COPY_DATABASE: Rule(
        "copy the whole base",
        _BY_ADMIN,
        N_("only an admin copies the whole base"),
        targeted=False,
    ),
    Capability.SEE_LEADS: Rule(
        "see requests (the inbox, a lead's card, the leads report)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL, OPS: ALL},
    ),
    Capability.ADD_LEADS: Rule(
        "register a request (crm leads add, the inbox's new request)",
        {MANAGER: ALL, HEAD: ALL, ADMIN: ALL, OPS: ALL},
        N_("{login} may not register requests"),
        targeted=False,
    ),
    Capability.WORK_LEADS: Rule(
        "work a request: log the answer, convert, link, junk",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
        N_("{target} is not yours to work"),
        N_("{target} is not yours to work"),
        seen_with=Capability.SEE_LEADS,
    ),
    Capability.ASSIGN_LEADS: Rule(
        "assign a request to a manager (targets: the request, the manager)",
        {HEAD: REGION, ADMIN: ALL},
        N_("requests are assigned by a head of sales or an admin"),
        N_("{target} works outside your region"),
        seen_with=Capability.SEE_LEADS,
    ),
    Capability.CONFIGURE_LEADS: Rule(
        "keep lead sources, the exclusion list, routing rules and working hours",
        _BY_ADMIN,
        N_("lead sources, exclusions and routing are kept by an admin"),
        targeted=False,
    ),
    Capability.EDIT_COMPANY: Rule(
        "set our company's requisites",
        _BY_ADMIN,
        N_("our company's requisites are set by an admin"),
        targeted=False,
    ),
    Capability.ADD_TEMPLATES: Rule(
        "add contract and invoice templates",
        _BY_ADMIN,
        N_("templates are added by an admin"),
        targeted=False,
    ),
    Capability.MAKE_DOCUMENTS: Rule(
        "make a deal's contract and invoice",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
        N_("{target} is not yours to make documents for"),
        N_("{target} is not yours to make documents for"),
        seen_with=Capability.SEE_DEALS,
    ),
    Capability.RECORD_PAYMENTS: Rule(
        "confirm an invoice's payment by hand",
        {ADMIN: ALL, ACCOUNTANT: ALL},
        N_("payments are confirmed by an accountant or an admin"),
        seen_with=Capability.SEE_DEALS,
    ),
    Capability.IMPORT_BANK: Rule(
        "import a bank statement",
        {HEAD: ALL, ADMIN: ALL, OPS: ALL, ACCOUNTANT: ALL},
        N_("bank statements are imported by a head of sales, an accountant, an admin or ops"),
        targeted=False,
    ),
    Capability.RECEIVE_INBOUND: Rule(
        "log what comes in by itself (crm inbound: a PBX's calls)",
        {ADMIN: ALL, OPS: ALL},
        N_("calls and mail that come in by themselves are logged by an admin or ops"),
        targeted=False,
    ),
    Capability.CONFIGURE_INBOUND: Rule(
        "keep the receiver's sources and the mailboxes read (crm inbound source, crm mailbox)",
        {ADMIN: ALL, OPS: ALL},
        N_("the receiver's sources and the mailboxes are kept by an admin or ops"),
        targeted=False,
    ),
    Capability.SEE_REPORTS: Rule(
        "see the KPI reports and the dashboard (target: whose figures)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
        N_("reports are for managers, heads of sales and admins"),
    ),
    Capability.RUN_CAMPAIGNS: Rule(
        "make, enrol, pause and read campaigns (mailings and drips)",
        {HEAD: ALL, ADMIN: ALL},
        N_("campaigns are run by a head of sales or an admin"),
        targeted=False,
    ),
    Capability.SEND_MAIL: Rule(
        "send the outbox, set mail senders, resend or drop a letter",
        {HEAD: ALL, ADMIN: ALL, OPS: ALL},
        N_("the outbox is sent by a head of sales, an admin or ops"),
        targeted=False,
    ),
    Capability.STOP_MAILING: Rule(
        "stop a client's letters (target: the client)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
    ),
    Capability.SEND_DIGEST: Rule(
        "mail the weekly KPI digest (target: the person it goes to; an outside address is nobody's)",
        {MANAGER: OWN, HEAD: REGION, ADMIN: ALL},
        N_("the weekly digest is mailed by a manager, a head of sales or an admin"),
        N_("the digest may not go to {target}: a manager mails only their own, a head their region's people"),
    ),
}


IT = Phrase(N_("it"))
"""How a refusal names a target that has no name."""


@dataclass(frozen=True)
class Target:
    """What an action is on: whose it is, in which region, and how a refusal names it.

    ``owner_id`` is the owner of a client or deal, the assignee of a task, the author of an
    import batch, or the person themselves; ``region`` is the client's region, or the region of
    the deal's owner or of the person. ``lead``: an inbound lead (an unowned one belongs to its
    region's managers to take)."""

    owner_id: int | None
    region: str | None = None
    name: str | Message = IT
    lead: bool = False
    common: bool = False
    """A request nobody owns and no region claims: in every region (the common queue)."""
    seen_by: int | None = None
    """Somebody else who sees the target though it is not in their scope (a task's setter)."""
    colleague: bool = False
    """A person (``person``): the one something is given to, never "not found"."""

    @property
    def record(self) -> tuple[str, object] | None:
        """The kind and id of the record the target is (``name``'s code and id: "deal", 98),
        for its "not found"; None for a person or a target without a name."""
        name = self.name
        if isinstance(name, Message) and name.code and "id" in name.params:
            return name.code, name.params["id"]
        return None


def client_target(client_id: int, owner_id: int | None, region: str | None, status: str | None) -> Target:
    """A client row as the target: its owner, its region, whether it is a lead."""
    return Target(
        owner_id,
        region,
        Message("client", N_("client {id}"), id=client_id),
        lead=status == ClientStatus.LEAD.value,
    )


def lead_target(lead_id: int, owner_id: int | None, region: str | None) -> Target:
    """A request as the target: its owner, its region; one nobody owns yet is its region's to
    take, as an unowned lead client is."""
    return Target(
        owner_id,
        region,
        Message("lead", N_("request {id}"), id=lead_id),
        lead=True,
        common=owner_id is None and region is None,
    )


def person(user_id: int, region: str | None, login: str) -> Target:
    """A colleague as the target (the receiver of a handover or of a lost deal)."""
    return Target(user_id, region, login, colleague=True)


def scope_of(role: Role, capability: Capability) -> Scope | None:
    """The scope ``role`` has ``capability`` in, or None (refused)."""
    return TABLE[capability].grants.get(role)


def scope_for(viewer: Viewer, capability: Capability) -> Scope | None:
    """The scope ``viewer`` has ``capability`` in, or None (refused)."""
    return scope_of(viewer.role, capability)


def roles_with(capability: Capability, scope: Scope) -> tuple[Role, ...]:
    """The roles that have ``capability`` in exactly ``scope`` (for finding who must act)."""
    return tuple(role for role, granted in TABLE[capability].grants.items() if granted is scope)


def covers(viewer: Viewer, scope: Scope, target: Target) -> bool:
    """Whether ``scope``, held by ``viewer``, reaches ``target`` (see the module's docstring)."""
    if scope is Scope.ALL or target.owner_id == viewer.user_id or target.common:
        return True
    if viewer.region is None or target.region != viewer.region:
        return False
    return scope is Scope.REGION or (target.lead and target.owner_id is None)


def can(viewer: Viewer, capability: Capability, target: Target | None = None) -> bool:
    """Whether ``viewer`` may do ``capability`` on ``target``; without a target, whether they
    may do it on anything at all (a screen showing the key)."""
    granted = scope_for(viewer, capability)
    if granted is None:
        return False
    return target is None or covers(viewer, granted, target)


def hidden(viewer: Viewer, capability: Capability, target: Target) -> bool:
    """Whether ``target`` is a record ``viewer`` does not see, for the rule of ``capability``."""
    seen_with = TABLE[capability].seen_with
    if seen_with is None or target.colleague or target.seen_by == viewer.user_id:
        return False
    granted = scope_for(viewer, seen_with)
    return granted is None or not covers(viewer, granted, target)


def unseen(target: Target) -> DomainError:
    """The refusal of a target one may not see: a record's is exactly its missing id's
    (``errors.not_found``), anything else's "... not found"."""
    if target.record is not None and target.record[0] in RECORD_KINDS:
        kind, record_id = target.record
        return not_found(kind, cast("int | str", record_id))
    return AccessDenied("access.not_found", NOT_FOUND, target=target.name)


def require(viewer: Viewer, capability: Capability, target: Target | None = None) -> None:
    """``can``, or ``AccessDenied`` with one line saying what was refused: coded
    ``access.not_found`` when the target is out of reach (it is not named as existing),
    ``access.denied`` otherwise."""
    if can(viewer, capability, target):
        return
    rule = TABLE[capability]
    text = rule.refused if scope_for(viewer, capability) is None else rule.outside
    if target is not None and (text == NOT_FOUND or hidden(viewer, capability, target)):
        raise unseen(target)
    if target is not None and target.colleague and rule.given is not None:
        text = rule.given
    raise AccessDenied(
        "access.not_found" if text == NOT_FOUND else "access.denied",
        text,
        capability=capability.value,
        target=target.name if target else IT,
        login=viewer.login,
        role=viewer.role.value,
    )


def can_own_clients(role: Role | str) -> bool:
    """Who may own a client: the receivers a handover and the screens offer."""
    return scope_of(Role(role), Capability.OWN_CLIENTS) is not None


def table_markdown() -> str:
    """The table as the README shows it: a row per capability, a column per role."""
    roles = list(Role)
    lines = [
        "| may | " + " | ".join(role.value for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for rule in TABLE.values():
        cells = []
        for role in roles:
            scope = rule.grants.get(role)
            cells.append("—" if scope is None else scope.value if rule.targeted else "yes")
        lines.append(f"| {rule.what} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
