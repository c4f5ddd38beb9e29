"""`--region` on the reports: a head or an admin narrows the figures to one region's people.
An admin may name any region someone works in; anyone else only their own (a head sees no other
region's figures, a manager only their own, whichever region they name)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, require, scope_for
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
