"""Who may see what. Default deny, and the only place that says so.

Every list, search, card and desk query takes a ``Viewer`` and filters through
``visible_clients`` so a screen, a CLI command and a report cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true

from storage.models import Role, clients


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


def visible_clients(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on the ``clients`` table for the clients ``viewer`` may see."""
    if viewer.sees_everything:
        return true()
    if viewer.role is Role.HEAD:
        if viewer.region is None:
            return clients.c.owner_id == viewer.user_id
        return (clients.c.region == viewer.region) | (clients.c.owner_id == viewer.user_id)
    if viewer.role is Role.MANAGER:
        return clients.c.owner_id == viewer.user_id
    return false()


def can_see_client(viewer: Viewer, owner_id: int | None, region: str | None) -> bool:
    """The same rule as ``visible_clients`` for one row already in memory."""
    if viewer.sees_everything:
        return True
    if owner_id == viewer.user_id:
        return True
    return viewer.role is Role.HEAD and viewer.region is not None and region == viewer.region
