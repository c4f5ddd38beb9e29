"""CRM users, and turning the OS login into the acting user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import RowMapping, insert, select

from crm_tui.domain.access.capabilities import Capability, Scope, Viewer, can_own_clients, require, scope_for
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.errors import InvalidInput, UnknownUser
from crm_tui.i18n import N_
from crm_tui.storage.tables.team import Role, users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,63}$", re.IGNORECASE)


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    full_name: str
    role: str
    region: str | None
    monthly_target: int
    active: bool


_COLUMNS = (
    users.c.id,
    users.c.login,
    users.c.full_name,
    users.c.role,
    users.c.region,
    users.c.monthly_target,
    users.c.active,
)


def _info(user: RowMapping) -> UserInfo:
    return UserInfo(
        id=user["id"],
        login=user["login"],
        full_name=user["full_name"],
        role=user["role"],
        region=user["region"],
        monthly_target=user["monthly_target"],
        active=user["active"],
    )


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(
            "user.role_unknown", N_("unknown role {role!r}: use one of {roles}"), role=value, roles=allowed
        ) from None


def add_user(
    session: Unit,
    *,
    login: str,
    full_name: str,
    role: Role,
    region: str | None,
    monthly_target: int = 0,
    now: datetime,
    by_user_id: int | None,
) -> UserInfo:
    if not _LOGIN.match(login):
        raise InvalidInput(
            "user.login_invalid",
            N_("invalid login {login!r}: use the person's OS login (letters, digits, . _ -)"),
            login=login,
        )
    if session.scalar(select(users.c.id).where(users.c.login == login)) is not None:
        raise InvalidInput("user.exists", N_("user {login!r} already exists"), login=login)
    if monthly_target < 0:
        raise InvalidInput("user.target_negative", N_("the monthly target cannot be negative"))
    region = (region or "").strip() or None
    user_id = _insert_user(
        session,
        login=login,
        full_name=full_name.strip() or login,
        role=role,
        region=region,
        monthly_target=monthly_target,
        created_at=now,
    )
    audit.record(
        session,
        at=now,
        user_id=by_user_id,
        entity="user",
        entity_id=user_id,
        action="create",
        changes={"login": login, "role": role.value, "region": region},
    )
    return _info(session.execute(select(*_COLUMNS).where(users.c.id == user_id)).mappings().one())


def _insert_user(session: Unit, **values: Any) -> int:
    session.flush()  # what was added before is written first, as the ORM would have
    return int(session.execute(insert(users).values(**values).returning(users.c.id)).scalar_one())


def add_colleague(
    session: Unit,
    viewer: Viewer,
    *,
    login: str,
    full_name: str,
    role: str,
    region: str | None,
    monthly_target: int = 0,
    now: datetime,
) -> UserInfo:
    """``add_user`` for a person at the keyboard (`crm user add`): only who may manage users;
    ``role`` as typed."""
    require(viewer, Capability.MANAGE_USERS)
    return add_user(
        session,
        login=login,
        full_name=full_name,
        role=parse_role(role),
        region=region,
        monthly_target=monthly_target,
        now=now,
        by_user_id=viewer.user_id,
    )


def list_users(session: Unit) -> list[UserInfo]:
    return [_info(u) for u in session.execute(select(*_COLUMNS).order_by(users.c.login)).mappings()]


def _viewer(user: RowMapping) -> Viewer:
    return Viewer(
        user_id=user["id"],
        login=user["login"],
        full_name=user["full_name"],
        role=Role(user["role"]),
        region=user["region"],
    )


def has_users(session: Unit) -> bool:
    return session.scalar(select(users.c.id).limit(1)) is not None


def create_first_admin(session: Unit, login: str, now: datetime) -> None:
    """On a database with no users the first person to start it becomes its admin."""
    if has_users(session):
        return
    user_id = _insert_user(session, login=login, full_name=login, role=Role.ADMIN, created_at=now)
    audit.record(
        session,
        at=now,
        user_id=user_id,
        entity="user",
        entity_id=user_id,
        action="create",
        changes={"login": login, "role": "admin", "first_user": True},
    )


def viewer_of(session: Unit, user_id: int) -> Viewer | None:
    """User ``user_id`` as a viewer (what they may see), or None if there is no such user."""
    found = session.execute(select(*_COLUMNS).where(users.c.id == user_id)).mappings().first()
    return None if found is None else _viewer(found)


def resolve_viewer(session: Unit, login: str, act_as: str | None) -> Viewer:
    """The acting user for an OS login; only an admin may act as somebody else."""
    me = session.execute(select(*_COLUMNS).where(users.c.login == login)).mappings().first()
    if me is None or not me["active"]:
        raise UnknownUser(
            "user.unknown",
            N_(
                "unknown user {login!r}: ask an admin to run `crm user add {login} --name ... --role manager`"
            ),
            login=login,
        )
    if act_as is None or act_as == login:
        return _viewer(me)
    require(_viewer(me), Capability.ACT_AS_ANOTHER_USER)
    other = session.execute(select(*_COLUMNS).where(users.c.login == act_as)).mappings().first()
    if other is None or not other["active"]:
        raise UnknownUser("user.unknown_act_as", N_("unknown user {login!r} in --user"), login=act_as)
    return _viewer(other)


def owner_choices(session: Unit, viewer: Viewer) -> list[UserInfo]:
    """The active users whose clients ``viewer`` may see, for an owner filter: everyone for an
    admin or ops, the own region's people and oneself for a head, oneself for a manager.
    Follows the scope ``access.visible_clients`` follows."""
    query = select(*_COLUMNS).where(users.c.active.is_(True))
    seen = scope_for(viewer, Capability.SEE_CLIENTS)
    if seen is Scope.REGION and viewer.region is not None:
        query = query.where((users.c.region == viewer.region) | (users.c.id == viewer.user_id))
    elif seen is not Scope.ALL:
        query = query.where(users.c.id == viewer.user_id)
    return [_info(u) for u in session.execute(query.order_by(users.c.full_name, users.c.id)).mappings()]


def owner_candidates(session: Unit, viewer: Viewer) -> list[UserInfo]:
    """The people ``viewer`` may give clients to: those of ``owner_choices`` who may own
    clients (a handover's receivers, on the card and the segments screen)."""
    return [u for u in owner_choices(session, viewer) if can_own_clients(u.role)]


@dataclass(frozen=True)
class Colleague:
    id: int
    login: str
    full_name: str
    region: str | None
    role: str


def find_colleague(session: Unit, text: str, field: str) -> Colleague:
    """The one active user ``text`` names: their login, their surname or their full name (any
    case, ё as е), so that a new manager need not know logins. Several: refused listing them with
    their logins; none: refused naming ``text``. One resolver for whoever names a colleague (a
    task's assignee, a deal's owner, the dialogs that ask for them)."""
    wanted = text.strip()
    u = users.c
    found = session.execute(
        select(u.id, u.login, u.full_name, u.region, u.role).where(u.login == wanted, u.active.is_(True))
    ).first()
    if found is None:
        key = _name_key(wanted)
        rows = session.execute(
            select(u.id, u.login, u.full_name, u.region, u.role).where(u.active.is_(True)).order_by(u.login)
        ).all()
        named = [
            r for r in rows if key and key in (_name_key(r.full_name), _name_key(r.full_name.split(" ")[0]))
        ]
        if len(named) > 1:
            raise InvalidInput(
                "user.ambiguous",
                N_("«{text}» names several people: {names}; give the login"),
                field=field,
                text=wanted,
                names=", ".join(f"«{r.full_name}» ({r.login})" for r in named),
            )
        if not named:
            raise InvalidInput("user.unknown", N_("no active user {login!r}"), login=wanted, field=field)
        found = named[0]
    return Colleague(int(found.id), found.login, found.full_name, found.region, str(found.role))


def _name_key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").casefold().split())


def _names_of(full_name: str) -> tuple[str, str]:
    """How a person may be named: in full, or by the surname (the full name's first word)."""
    full = _name_key(full_name)
    return full, full.split(" ")[0]
