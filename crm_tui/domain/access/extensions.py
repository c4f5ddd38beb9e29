"""A user's telephone extension: how a call from the PBX finds the manager who took it."""

from __future__ import annotations

from sqlalchemy import select, update

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.interactions.call_events import EXTENSION_MAX_DIGITS
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import users


def set_extension(ws: Workspace, login: str, extension: str | None) -> str | None:
    """Give ``login`` the extension (``None``: take it away); one extension, one person."""
    require(ws.viewer, Capability.MANAGE_USERS)
    number = (extension or "").strip() or None
    if number is not None and not (number.isdigit() and len(number) <= EXTENSION_MAX_DIGITS):
        raise InvalidInput(
            "user.extension",
            N_("extension: {value!r} is not an extension number (1 to {most} digits)"),
            field="extension",
            value=number,
            most=EXTENSION_MAX_DIGITS,
        )
    now = ws.now()
    with ws.write() as session:
        found = session.execute(select(users.c.id, users.c.extension).where(users.c.login == login)).first()
        if found is None:
            raise InvalidInput(
                "user.unknown_login", N_("user {login!r} not found"), field="login", login=login
            )
        holder = session.scalar(
            select(users.c.login).where(users.c.extension == number, users.c.id != found.id)
        )
        if number is not None and holder is not None:
            raise InvalidInput(
                "user.extension_taken",
                N_("extension {value} is {login}'s already"),
                field="extension",
                value=number,
                login=holder,
            )
        session.execute(update(users).where(users.c.id == found.id).values(extension=number))
        audit.record(
            session,
            at=now,
            user_id=ws.viewer.user_id,
            entity="user",
            entity_id=int(found.id),
            action="extension",
            changes={"extension": [found.extension, number]},
        )
    return number
