"""The words of the capability table: who acts (``Viewer``), in which scope, and the shape of
one row (``Rule``); the capabilities' names are ``rights``'. The table itself is
``table.TABLE``; the questions asked of it are ``capabilities``' (``can``, ``require``), which
every caller imports these names from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from crm_tui.domain.access.rights import Capability
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
