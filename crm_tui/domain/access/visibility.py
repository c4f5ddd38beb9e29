"""Who may see what. Default deny, and the only place that says so.

A manager sees own clients and the unassigned leads of the region (to take them); a head of
sales everything in the region and own clients elsewhere; admins and ops everything.

Every list, search, card and desk query takes a ``Viewer`` and filters through
``visible_clients`` so a screen, a CLI command and a report cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true

from crm_tui.domain.errors import AccessDenied
from crm_tui.storage.models import ClientStatus, Role, clients, deals, users


@dataclass(frozen=True)
class Viewer:
    user_id: int
    login: str
    full_name: str
    role: Role
    region: str | None

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.ADMIN, Role.OPS)


def check_app_user(viewer: Viewer) -> None:
    """The interactive app is for people; an ops account (cron's) runs the headless commands."""
    if viewer.role is Role.OPS:
        raise AccessDenied(
            f"{viewer.login} is an ops account: it runs crm import, crm dedup, crm schedule tick and "
            "the other commands, not the app"
        )


def visible_clients(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on the ``clients`` table for the clients ``viewer`` may see."""
    if viewer.sees_everything:
        return true()
    if viewer.role is Role.HEAD:
        if viewer.region is None:
            return clients.c.owner_id == viewer.user_id
        return (clients.c.region == viewer.region) | (clients.c.owner_id == viewer.user_id)
    if viewer.role is Role.MANAGER:
        own = clients.c.owner_id == viewer.user_id
        if viewer.region is None:
            return own
        # seed 003: an inbound lead nobody owns yet is for the managers of its region to take
        unassigned_lead = (
            clients.c.owner_id.is_(None)
            & (clients.c.region == viewer.region)
            & (clients.c.status == ClientStatus.LEAD.value)
        )
        return own | unassigned_lead
    return false()


def can_see_client(
    viewer: Viewer, owner_id: int | None, region: str | None, status: str | None = None
) -> bool:
    """The same rule as ``visible_clients`` for one row already in memory."""
    if viewer.sees_everything:
        return True
    if owner_id == viewer.user_id:
        return True
    if viewer.region is None or region != viewer.region:
        return False
    if viewer.role is Role.HEAD:
        return True
    return viewer.role is Role.MANAGER and owner_id is None and status == ClientStatus.LEAD.value


def visible_deals(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``deals``: a manager's own deals, a head's region's people's deals (and
    own), everything for admins and ops. The owner decides, as it does for moving a deal."""
    if viewer.sees_everything:
        return true()
    if viewer.role is Role.HEAD and viewer.region is not None:
        region_people = select(users.c.id).where(users.c.region == viewer.region)
        return deals.c.owner_id.in_(region_people) | (deals.c.owner_id == viewer.user_id)
    if viewer.role in (Role.MANAGER, Role.HEAD):
        return deals.c.owner_id == viewer.user_id
    return false()
