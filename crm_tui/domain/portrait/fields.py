"""The client portrait (seed 000): admin-defined fields that describe a valuable client, their
values per client, and the required contact information.

Values are kept as JSON in their own table (one row per client and field), typed by the
field's kind: a number, kopecks, an ISO date, one choice, a list of choices, true/false, text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.audit.changes import change
from crm_tui.domain.errors import InvalidInput, NotFound, StaleEdit, not_found
from crm_tui.domain.portrait.defaults import (
    CONTACT_REQUIREMENTS,
    DEFAULT_REQUIRED_CONTACTS,
    REQUIRED_CONTACTS_KEY,
)
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import FieldKind, clients, field_defs, field_values

if TYPE_CHECKING:  # the import's and the answers' parsing load when used: the desk's tile does not
    from crm_tui.domain.imports.mapping import PortraitTarget

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class FieldInfo:
    id: int
    key: str
    label: str
    kind: str
    choices: list[str]
    required: bool


def portrait_fields(session: Session) -> list[FieldInfo]:
    f = field_defs.c
    rows = session.execute(
        select(f.id, f.key, f.label, f.kind, f.choices, f.required)
        .where(f.active.is_(True))
        .order_by(f.position, f.id)
    )
    return [FieldInfo(*row) for row in rows]


def portrait_targets(session: Session) -> tuple[PortraitTarget, ...]:
    """The portrait's fields as an import's columns may feed them (``portrait.<key>``)."""
    from crm_tui.domain.imports.mapping import PortraitTarget

    fields = portrait_fields(session)
    return tuple(PortraitTarget(f.key, f.label, f.kind, tuple(f.choices or ())) for f in fields)


def required_contacts(session: Session) -> list[str]:
    value = get_setting(session, REQUIRED_CONTACTS_KEY, list(DEFAULT_REQUIRED_CONTACTS))
    return [k for k in value if k in CONTACT_REQUIREMENTS] if isinstance(value, list) else []


def add_field(
    ws: Workspace, key: str, label: str, kind: FieldKind, choices: list[str], required: bool
) -> FieldInfo:
    require(ws.viewer, Capability.EDIT_PORTRAIT_FIELDS)
    if not _KEY.match(key):
        raise InvalidInput(
            "field.key_invalid",
            N_("field key {key!r}: lower-case latin letters, digits and _, starting with a letter"),
            key=key,
        )
    if kind in (FieldKind.CHOICE, FieldKind.MULTI) and not choices:
        raise InvalidInput(
            "field.choices_missing",
            N_("field {key!r} is a {kind} field: give its choices"),
            key=key,
            kind=kind.value,
        )
    with ws.write() as session:
        f = field_defs.c
        if session.scalar(select(f.id).where(f.key == key)):
            raise InvalidInput("field.exists", N_("a field {key!r} exists already"), key=key)
        position = (session.scalar(select(func.max(f.position))) or 0) + 1
        new_id = (
            session.connection()
            .execute(
                insert(field_defs)
                .values(
                    key=key,
                    label=label.strip() or key,
                    kind=kind.value,
                    choices=choices,
                    required=required,
                    position=position,
                    active=True,
                )
                .returning(f.id)
            )
            .scalar_one()
        )
        audit.record(
            session,
            at=ws.now(),
            user_id=ws.viewer.user_id,
            entity="field",
            entity_id=int(new_id),
            action="create",
            changes={"key": key, "kind": kind.value, "required": required},
        )
    return FieldInfo(int(new_id), key, label, kind.value, choices, required)


def remove_field(ws: Workspace, key: str) -> int:
    """Retire a field (its values are kept, in case it comes back); how many clients had one."""
    require(ws.viewer, Capability.EDIT_PORTRAIT_FIELDS)
    with ws.write() as session:
        field_id = _change_field(
            session, ws, key, {"active": False, "required": False}, "retire", {"key": key}
        )
        return int(session.scalar(select(func.count()).where(field_values.c.field_id == field_id)) or 0)


def set_field_required(ws: Workspace, key: str, required: bool) -> None:
    """Make a field required (it then counts in every client's completeness) or optional."""
    require(ws.viewer, Capability.EDIT_PORTRAIT_FIELDS)
    with ws.write() as session:
        action = "required" if required else "optional"
        _change_field(session, ws, key, {"required": required}, action, {"key": key, "required": required})


def _change_field(
    session: Session, ws: Workspace, key: str, values: dict[str, bool], action: str, changes: dict[str, Any]
) -> int:
    """The active field ``key`` changed and audited; its id."""
    f = field_defs.c
    field_id = session.scalar(select(f.id).where(f.key == key, f.active.is_(True)))
    if field_id is None:
        raise NotFound("field.not_found", N_("no field {key!r}"), key=key)
    session.connection().execute(update(field_defs).where(f.id == field_id).values(values))
    audit.record(
        session,
        at=ws.now(),
        user_id=ws.viewer.user_id,
        entity="field",
        entity_id=int(field_id),
        action=action,
        changes=changes,
    )
    return int(field_id)


def set_required_contacts(ws: Workspace, items: list[str]) -> None:
    require(ws.viewer, Capability.EDIT_PORTRAIT_FIELDS)
    unknown = [i for i in items if i not in CONTACT_REQUIREMENTS]
    if unknown:
        raise InvalidInput(
            "field.contact_requirement_unknown",
            N_("unknown contact requirement {requirement!r}; known: {known}"),
            requirement=unknown[0],
            known=", ".join(CONTACT_REQUIREMENTS),
        )
    with ws.write() as session:
        put_setting(session, REQUIRED_CONTACTS_KEY, items, at=ws.now(), user_id=ws.viewer.user_id)


def client_values(session: Session, client_id: int) -> dict[int, Any]:
    v = field_values.c
    return dict(session.execute(select(v.field_id, v.value).where(v.client_id == client_id)).all())


def set_values(ws: Workspace, client_id: int, version: int, values: dict[str, str]) -> int:
    """Save portrait values typed on the card (key -> text; empty text clears). Refused, with
    the values now in the base, when the client changed since ``version``; returns the new one."""
    now = ws.now()
    viewer: Viewer = ws.viewer
    with ws.write() as session:
        row = session.execute(
            select(clients.c.version).where(clients.c.id == client_id, visible_clients(viewer))
        ).first()
        if row is None:
            raise not_found("client", client_id)
        fields = {f.key: f for f in portrait_fields(session)}
        if row.version != version:
            raise _stale(session, client_id, fields)
        before = client_values(session, client_id)
        changes: dict[str, list[Any]] = {}
        typed: dict[int, Any] = {}
        for key, text in values.items():
            if key not in fields:
                raise InvalidInput("field.not_found", N_("no portrait field {key!r}"), key=key)
            field = fields[key]
            from crm_tui.domain.portrait.answers import parse_field_text

            value = parse_field_text(field.label, field.kind, field.choices, text, key=key)
            if before.get(field.id) != value:
                changes[key] = [before.get(field.id), value]
                typed[field.id] = value
        if not changes:
            return version
        # The version first: a colleague's save refuses this one before any value is written,
        # so the refusal shows what they saved.
        new_version = change(
            session,
            clients,
            client_id,
            at=now,
            user_id=viewer.user_id,
            seen=version,
            refused=lambda: _stale(session, client_id, fields),
            action="portrait",
            changes=changes,
        )
        v = field_values.c
        for field_id, value in typed.items():
            session.connection().execute(
                delete(field_values).where(v.client_id == client_id, v.field_id == field_id)
            )
            if value is not None:
                session.connection().execute(
                    insert(field_values).values(client_id=client_id, field_id=field_id, value=value)
                )
    return new_version


def _stale(session: Session, client_id: int, fields: dict[str, FieldInfo]) -> StaleEdit:
    """The refusal of a portrait saved over a colleague's, with the values they saved."""
    fresh = client_values(session, client_id)
    shown = ", ".join(f"{f.label}: {fresh.get(f.id)}" for f in fields.values() if f.id in fresh)
    if not shown:
        return StaleEdit(
            "portrait.stale",
            N_("someone saved this client meanwhile; now: no portrait values"),
            client=client_id,
        )
    return StaleEdit(
        "portrait.stale",
        N_("someone saved this client meanwhile; now: {values}"),
        client=client_id,
        values=shown,
    )
