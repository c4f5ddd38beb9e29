"""The one capability table: for each capability, the scope each role has it in (its own
records, its region's, all) or nothing, and what a refusal says. A pair missing is refused
(default deny). Only ``capabilities`` reads it (``can``, ``require``, the README's table);
``visibility``'s SQL predicates are built from the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping

from crm_tui.domain.access.rights import Capability
from crm_tui.domain.access.terms import Rule, Scope
from crm_tui.i18n import N_
from crm_tui.storage.tables.team import Role

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
