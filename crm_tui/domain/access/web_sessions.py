"""Signing in through the browser (`crm serve`): a login and a password give a session, a session
gives the acting user, exactly the one an SSH login of that person would get.

Sessions are rows (``web_sessions``), not signed cookies: the cookie holds a random token, the
base holds only its SHA-256, and a session ends when the person signs out, when it has not been
used for ``SignInPolicy.idle``, when their password is changed or when they are made inactive:
all of it decided here, on the server, at every request. Five wrong passwords in a row lock the
login for ``SignInPolicy.lock_for``. Sign-ins, refusals, locks and sign-outs are audited (the
password never is).
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, can, require
from crm_tui.domain.access.passwords import set_password, verify_password, waste_time
from crm_tui.domain.access.users import resolve_viewer
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.clock import Clock, system_clock
from crm_tui.domain.errors import UnknownUser
from crm_tui.domain.workspace import Workspace, prepare_database
from crm_tui.i18n import N_
from crm_tui.storage.database import read_session, unavailable, write_session
from crm_tui.storage.models import Role, user_passwords, users, web_sessions

ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class SignInPolicy:
    idle: timedelta = timedelta(minutes=30)
    """A session not used for this long has ended."""
    attempts: int = 5
    """Wrong passwords in a row that lock the login."""
    lock_for: timedelta = timedelta(minutes=15)


class Strangers:
    """Wrong passwords for logins that have none (unknown, or without a browser password),
    counted and locked exactly as a real login's are, so the answers never tell which logins
    exist: a real one locked at the fifth try while an unknown one never was told them apart.
    Kept in the signing-in process's memory, bounded (``MAX`` logins, the oldest forgotten)."""

    MAX = 10_000

    def __init__(self) -> None:
        self._tries: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()

    def refuse(self, login: str, now: datetime, policy: SignInPolicy) -> SignIn:
        count, until = self._tries.pop(login, (0, None))
        if until is not None and until > now:
            self._tries[login] = (count, until)
            return SignIn(refused="locked", locked_until=until)
        count += 1
        until = now + policy.lock_for if count >= policy.attempts else None
        self._tries[login] = (0 if until else count, until)
        while len(self._tries) > self.MAX:
            self._tries.popitem(last=False)
        return SignIn(refused="locked", locked_until=until) if until else SignIn(refused="wrong")


@dataclass(frozen=True)
class SignIn:
    """What a sign-in came to: ``token`` for the cookie, or ``refused`` ("wrong", "locked",
    "inactive", "no_app") and, when locked, until when."""

    token: str = ""
    user_id: int = 0
    login: str = ""
    refused: str = ""
    locked_until: datetime | None = None


@dataclass(frozen=True)
class WebSession:
    id: int
    user_id: int
    login: str
    full_name: str
    last_seen_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(
    session: Session,
    login: str,
    password: str,
    *,
    now: datetime,
    address: str,
    policy: SignInPolicy = SignInPolicy(),
    strangers: Strangers | None = None,
) -> SignIn:
    """Check ``login`` and ``password``; on success a new session. Refusals count towards the
    lock; a locked login is refused without looking at the password; a login with no password
    is refused as a real one would be (``strangers`` counts its tries)."""
    address = address[:ADDRESS_LENGTH]
    row = session.execute(
        select(
            users.c.id,
            users.c.login,
            users.c.active,
            users.c.role,
            users.c.full_name,
            users.c.region,
            user_passwords.c.password_hash,
            user_passwords.c.failed_attempts,
            user_passwords.c.locked_until,
        )
        .select_from(users.outerjoin(user_passwords, user_passwords.c.user_id == users.c.id))
        .where(users.c.login == login.strip())
    ).first()
    if row is None or row.password_hash is None:
        waste_time(password)
        return strangers.refuse(login.strip(), now, policy) if strangers else SignIn(refused="wrong")
    user_id = int(row.id)

    def failed(why: str, **more: object) -> None:
        _audit_user(session, now, user_id, "sign_in_failed", {"why": why, "address": address, **more})

    if row.locked_until is not None and row.locked_until > now:
        failed("locked")
        return SignIn(refused="locked", locked_until=row.locked_until)
    if not verify_password(password, row.password_hash):
        until = _count_wrong(session, user_id, int(row.failed_attempts or 0) + 1, now, address, policy)
        return SignIn(refused="locked", locked_until=until) if until else SignIn(refused="wrong")
    if not row.active:
        failed("inactive")
        return SignIn(refused="inactive")
    viewer = Viewer(user_id, row.login, row.full_name, Role(row.role), row.region)
    if not can(viewer, Capability.USE_APP):
        failed("no_app")
        return SignIn(refused="no_app")
    session.execute(
        update(user_passwords)
        .where(user_passwords.c.user_id == user_id)
        .values(failed_attempts=0, locked_until=None)
    )
    token = secrets.token_urlsafe(32)
    session.execute(
        web_sessions.insert().values(
            token_hash=token_hash(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            address=address,
        )
    )
    _audit_user(session, now, user_id, "sign_in", {"address": address, "via": "browser"})
    return SignIn(token=token, user_id=user_id, login=row.login)


def _audit_user(
    session: Session, now: datetime, user_id: int, action: str, changes: dict[str, object]
) -> None:
    """A sign-in event of ``user_id``'s in the audit trail, as done by that person."""
    audit.record(
        session, at=now, user_id=user_id, entity="user", entity_id=user_id, action=action, changes=changes
    )


def _count_wrong(
    session: Session, user_id: int, attempts: int, now: datetime, address: str, policy: SignInPolicy
) -> datetime | None:
    """One more wrong password in a row (audited); at ``policy.attempts`` the login is locked:
    until when, or None."""
    locked = attempts >= policy.attempts
    until = now + policy.lock_for if locked else None
    session.execute(
        update(user_passwords)
        .where(user_passwords.c.user_id == user_id)
        .values(failed_attempts=0 if locked else attempts, locked_until=until)
    )
    _audit_user(
        session,
        now,
        user_id,
        "sign_in_failed",
        {"why": "wrong_password", "address": address, "attempt": attempts},
    )
    if until is not None:
        _audit_user(session, now, user_id, "locked", {"until": until.isoformat(), "address": address})
    return until


def change_own_password(
    session: Session,
    found: WebSession,
    current: str,
    new: str,
    *,
    now: datetime,
    address: str,
    policy: SignInPolicy = SignInPolicy(),
) -> str:
    """The signed-in person's new password, if ``current`` is theirs: "" when done (their
    browsers, this one too, are signed out: ``set_password``), else "wrong" or "locked". A
    wrong current password counts towards the lock, as at sign-in."""
    row = session.execute(
        select(
            user_passwords.c.password_hash, user_passwords.c.failed_attempts, user_passwords.c.locked_until
        ).where(user_passwords.c.user_id == found.user_id)
    ).first()
    if row is None:
        return "wrong"
    if row.locked_until is not None and row.locked_until > now:
        return "locked"
    if not verify_password(current, row.password_hash):
        until = _count_wrong(session, found.user_id, int(row.failed_attempts or 0) + 1, now, address, policy)
        return "locked" if until else "wrong"
    viewer = resolve_viewer(session, found.login, None)
    set_password(session, viewer, found.login, new, now)
    return ""


def current_session(session: Session, token: str, *, now: datetime, idle: timedelta) -> WebSession | None:
    """The live session of ``token``: not ended, used within ``idle``, of an active user; else
    None."""
    if not token:
        return None
    row = session.execute(
        select(
            web_sessions.c.id,
            web_sessions.c.user_id,
            web_sessions.c.last_seen_at,
            web_sessions.c.ended_at,
            users.c.login,
            users.c.full_name,
            users.c.active,
        )
        .join(users, users.c.id == web_sessions.c.user_id)
        .where(web_sessions.c.token_hash == token_hash(token))
    ).first()
    if row is None or row.ended_at is not None or not row.active or row.last_seen_at + idle <= now:
        return None
    return WebSession(int(row.id), int(row.user_id), row.login, row.full_name, row.last_seen_at)


def touch(session: Session, session_id: int, now: datetime) -> None:
    """The session was used now (a page, a key pressed in the app)."""
    session.execute(
        update(web_sessions)
        .where(web_sessions.c.id == session_id, web_sessions.c.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def sign_out(session: Session, token: str, *, now: datetime, why: str = "sign_out") -> int | None:
    """End the session of ``token`` (audited); the user id it was, or None if none was open."""
    row = session.execute(
        select(web_sessions.c.id, web_sessions.c.user_id).where(
            web_sessions.c.token_hash == token_hash(token), web_sessions.c.ended_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    session.execute(
        update(web_sessions).where(web_sessions.c.id == row.id).values(ended_at=now, ended_why=why)
    )
    user_id = int(row.user_id)
    _audit_user(session, now, user_id, "sign_out", {"why": why})
    return user_id


def open_web_workspace(
    database: str,
    token: str,
    *,
    idle: timedelta,
    tz: ZoneInfo | None = None,
    clock: Clock = system_clock,
) -> Workspace:
    """The workspace of the app a browser session runs (`crm serve` starts one per browser
    tab): the session's user, resolved as an SSH login of theirs would be (same rights, same
    audit), refused if the session has ended."""
    engine = prepare_database(database)
    try:
        with read_session(engine) as session:
            found = current_session(session, token, now=clock(), idle=idle)
            if found is None:
                raise UnknownUser("web.session_gone", N_("the browser session has ended: sign in again"))
            viewer = resolve_viewer(session, found.login, None)
    except DBAPIError as exc:
        raise unavailable(engine, exc) from exc
    require(viewer, Capability.USE_APP)
    with write_session(engine) as session:
        touch(session, found.id, clock())
    return Workspace(engine=engine, viewer=viewer, clock=clock, tz=tz or ZoneInfo("UTC"))
