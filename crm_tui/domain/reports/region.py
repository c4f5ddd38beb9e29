"""`--region` and `--manager` on the reports: a head or an admin narrows the figures to one
region's people, anyone to one person's. An admin may name any region someone works in and
anybody; anyone else only their own region and its people (a head sees no other region's
figures, a manager only their own, whichever region or person they name)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, can, person, require, scope_for
from crm_tui.domain.errors import AccessDenied, InvalidInput
from crm_tui.i18n import N_
from crm_tui.storage.models import users


def region_named(session: Session, viewer: Viewer, text: str) -> str:
    """The region ``text`` names (any case), as the base spells it; refused when nobody works
    there, or when it is outside the viewer's scope."""
    require(viewer, Capability.SEE_REPORTS)
    wanted = text.strip().casefold()
    known = {
        str(r) for r in session.scalars(select(users.c.region).where(users.c.region.is_not(None)).distinct())
    }
    found = next((r for r in sorted(known) if r.casefold() == wanted), None)
    if found is None:
        raise InvalidInput("report.region_unknown", N_("--region: nobody works in {region!r}"), region=text)
    if scope_for(viewer, Capability.SEE_REPORTS) is not Scope.ALL and found != viewer.region:
        raise AccessDenied(
            "report.region_outside",
            N_("--region: {region} is outside your scope (you see {own})"),
            region=found,
            own=viewer.region or "—",
        )
    return found


def narrowed(session: Session, viewer: Viewer, region: str | None) -> Viewer:
    """``viewer`` whose report figures are those of ``region``'s people (None: as they are)."""
    if region is None:
        return viewer
    return replace(viewer, figures_region=region_named(session, viewer, region))


def manager_within(session: Session, viewer: Viewer, user_id: int) -> None:
    """Refuse `--manager` naming somebody whose figures ``viewer`` does not see (another
    region's manager for a head, a colleague for a manager), as `--region` refuses: an empty
    table would read as "they did nothing"."""
    require(viewer, Capability.SEE_REPORTS)
    row = session.execute(select(users.c.login, users.c.region).where(users.c.id == user_id)).one()
    if not can(viewer, Capability.SEE_REPORTS, person(user_id, row.region, row.login)):
        own = viewer.region if scope_for(viewer, Capability.SEE_REPORTS) is Scope.REGION else viewer.login
        raise AccessDenied(
            "report.manager_outside",
            N_("--manager: {login} is outside your scope (you see {own})"),
            login=row.login,
            own=own or viewer.login,
        )
