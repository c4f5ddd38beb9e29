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

The table is ``table.TABLE`` (its words in ``terms`` and ``rights``, its targets in ``targets``); the
names of all four are imported from here, the one place a permission is asked.
"""

from __future__ import annotations

from typing import cast

from crm_tui.domain.access.rights import Capability
from crm_tui.domain.access.table import (
    ACCOUNTANT,
    ADMIN,
    ALL,
    HEAD,
    MANAGER,
    OPS,
    OWN,
    REGION,
    TABLE,
    table_markdown,
)
from crm_tui.domain.access.targets import IT, Target, client_target, lead_target, person
from crm_tui.domain.access.terms import NOT_FOUND, Rule, Scope, Viewer
from crm_tui.domain.errors import RECORD_KINDS, AccessDenied, DomainError, not_found
from crm_tui.storage.tables.team import Role

__all__ = [
    "ACCOUNTANT",
    "ADMIN",
    "ALL",
    "HEAD",
    "IT",
    "MANAGER",
    "NOT_FOUND",
    "OPS",
    "OWN",
    "REGION",
    "TABLE",
    "Capability",
    "Rule",
    "Scope",
    "Target",
    "Viewer",
    "can",
    "can_own_clients",
    "client_target",
    "covers",
    "hidden",
    "lead_target",
    "person",
    "require",
    "roles_with",
    "scope_for",
    "scope_of",
    "table_markdown",
    "unseen",
]


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
