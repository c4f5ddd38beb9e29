"""Who may see what, as SQL: the conditions that the capability table's scopes mean for rows.

A manager sees own clients and the unassigned leads of the region (to take them); a head of
sales everything in the region and own clients elsewhere; admins and ops everything. Every
list, search, card and desk query takes a ``Viewer`` and filters through ``visible_clients``
so a screen, a CLI command and a report cannot disagree; an action on a set of clients filters
through ``clients_within`` for its own capability. The scopes come from
``capabilities.TABLE``, so these conditions and ``capabilities.can`` give the same answer.

The campaigns' and the requests' tables are imported by the functions that read them: every
command goes through this module, and the light ones (issue 29) use neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, select, true

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, scope_for
from crm_tui.storage.tables.activity import tasks
from crm_tui.storage.tables.clients import clients
from crm_tui.storage.tables.deals import deals
from crm_tui.storage.tables.imports import import_batches
from crm_tui.storage.tables.kinds import ClientStatus
from crm_tui.storage.tables.team import users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit


def clients_within(viewer: Viewer, capability: Capability) -> ColumnElement[bool]:
    """SQL condition on ``clients``: the clients ``viewer`` has ``capability`` on."""
    granted = scope_for(viewer, capability)
    if granted is None:
        return false()
    if granted is Scope.ALL:
        return true()
    own = clients.c.owner_id == viewer.user_id
    if viewer.region is None:
        return own
    if granted is Scope.REGION:
        return (clients.c.region == viewer.region) | own
    # seed 003: an inbound lead nobody owns yet is for the managers of its region to take
    unassigned_lead = (
        clients.c.owner_id.is_(None)
        & (clients.c.region == viewer.region)
        & (clients.c.status == ClientStatus.LEAD.value)
    )
    return own | unassigned_lead


def visible_clients(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on the ``clients`` table for the clients ``viewer`` may see."""
    return clients_within(viewer, Capability.SEE_CLIENTS)


def require_seen_client(session: Unit, viewer: Viewer, client_id: int) -> None:
    """Refuse a client ``viewer`` does not see exactly as a missing one («client 5 not found»):
    a filter or an action naming a client out of scope tells nothing of it (default deny, the
    same words in ``task list --client``, ``deal list --client``, ``deal add``, ``clients take``)."""
    from crm_tui.domain.errors import holds_id, not_found

    if not holds_id(client_id) or (
        session.scalar(select(clients.c.id).where(clients.c.id == client_id, visible_clients(viewer))) is None
    ):
        raise not_found("client", client_id)


def visible_recipients(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``campaign_recipients``: the recipients whose client ``viewer`` sees. A
    head who may run the team's campaigns still reads only the region's clients in them (who,
    their address, the letters to them); the figures stay the campaign's."""
    from crm_tui.storage.tables.campaigns import campaign_recipients

    if scope_for(viewer, Capability.SEE_CLIENTS) is Scope.ALL:
        return true()
    return campaign_recipients.c.client_id.in_(select(clients.c.id).where(visible_clients(viewer)))


def visible_letters(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``outbox``: a campaign's letter to a recipient ``viewer`` sees, a deal's
    letter to a client they see (its payload names the client), and letters to nobody's client
    (a digest to a colleague)."""
    from crm_tui.storage.tables.campaigns import campaign_recipients, outbox

    if scope_for(viewer, Capability.SEE_CLIENTS) is Scope.ALL:
        return true()
    seen = select(clients.c.id).where(visible_clients(viewer))
    client_id: ColumnElement[int] = outbox.c.payload["client_id"].as_integer()
    recipients = select(campaign_recipients.c.id).where(visible_recipients(viewer))
    return outbox.c.recipient_id.in_(recipients) | (
        outbox.c.recipient_id.is_(None) & (client_id.is_(None) | client_id.in_(seen))
    )


def deals_within(viewer: Viewer, capability: Capability) -> ColumnElement[bool]:
    """SQL condition on ``deals``: the deals ``viewer`` has ``capability`` on. A deal's region is
    its owner's: the owner decides, as it does for moving a deal."""
    granted = scope_for(viewer, capability)
    if granted is None:
        return false()
    if granted is Scope.ALL:
        return true()
    if granted is Scope.REGION and viewer.region is not None:
        region_people = select(users.c.id).where(users.c.region == viewer.region)
        return deals.c.owner_id.in_(region_people) | (deals.c.owner_id == viewer.user_id)
    return deals.c.owner_id == viewer.user_id


def visible_deals(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``deals``: a manager's own deals, a head's region's people's deals (and
    own), everything for admins and ops."""
    return deals_within(viewer, Capability.SEE_DEALS)


def visible_tasks(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``tasks``: one's own tasks and those one set, and the tasks of the people
    whose clients one sees (a head: the region's; admins and ops: all)."""
    granted = scope_for(viewer, Capability.SEE_CLIENTS)
    mine = (tasks.c.assignee_id == viewer.user_id) | (tasks.c.created_by_id == viewer.user_id)
    if granted is None:
        return false()
    if granted is Scope.ALL:
        return true()
    if granted is Scope.REGION and viewer.region is not None:
        region_people = select(users.c.id).where(users.c.region == viewer.region)
        return mine | tasks.c.assignee_id.in_(region_people)
    return mine


def visible_import_batches(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``import_batches``: a manager's own batches, a head's region's people's
    (and own), every batch for admins and ops. A batch's region is its author's: the file names
    and what they made are the author's work."""
    granted = scope_for(viewer, Capability.SEE_IMPORT_BATCHES)
    if granted is None:
        return false()
    if granted is Scope.ALL:
        return true()
    author = import_batches.c.user_id
    if granted is Scope.REGION and viewer.region is not None:
        region_people = select(users.c.id).where(users.c.region == viewer.region)
        return author.in_(region_people) | (author == viewer.user_id)
    return author == viewer.user_id


def leads_within(viewer: Viewer, capability: Capability) -> ColumnElement[bool]:
    """SQL condition on ``leads``: the requests ``viewer`` has ``capability`` on: own, the
    region's unowned ones (to take), the region's (a head), all (admins, ops)."""
    from crm_tui.storage.tables.leads import leads

    granted = scope_for(viewer, capability)
    if granted is None:
        return false()
    if granted is Scope.ALL:
        return true()
    # the common queue (``capabilities.covers``): nobody's and no region's, everybody's to see
    own = (leads.c.owner_id == viewer.user_id) | (leads.c.owner_id.is_(None) & leads.c.region.is_(None))
    if viewer.region is None:
        return own
    if granted is Scope.REGION:
        return (leads.c.region == viewer.region) | own
    return own | (leads.c.owner_id.is_(None) & (leads.c.region == viewer.region))


def visible_leads(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``leads`` for the requests ``viewer`` may see."""
    return leads_within(viewer, Capability.SEE_LEADS)


def figures_within(viewer: Viewer, person: ColumnElement[Any]) -> ColumnElement[bool]:
    """SQL condition on a column naming a user (a deal's owner, a call's maker, a task's
    assignee): the people whose figures ``viewer`` may see in a report. A manager: their own; a
    head: the region's people and their own; an admin: everyone's, and nobody's (unowned)."""
    granted = scope_for(viewer, Capability.SEE_REPORTS)
    if granted is None:
        return false()
    narrowed = (
        person.in_(select(users.c.id).where(users.c.region == viewer.figures_region))
        if viewer.figures_region is not None
        else true()
    )
    if granted is Scope.ALL:
        return narrowed
    if granted is Scope.REGION and viewer.region is not None:
        region_people = select(users.c.id).where(users.c.region == viewer.region)
        return (person.in_(region_people) | (person == viewer.user_id)) & narrowed
    return (person == viewer.user_id) & narrowed


def sees_everyones_figures(viewer: Viewer) -> bool:
    """Whether ``figures_within`` lets every row through, nobody's (unowned) included: an
    admin's reports not narrowed to a region, which may skip reading whose each row is."""
    return scope_for(viewer, Capability.SEE_REPORTS) is Scope.ALL and viewer.figures_region is None
