"""Browser passwords: stored only as a slow salted hash (scrypt from the standard library), with
the parameters it was made with written into the stored string, so raising them later leaves the
old hashes readable.

A stored hash reads ``scrypt$n=32768,r=8,p=1$<salt>$<hash>`` (salt and hash in unpadded
base64). Checking a password costs about as much as making one (tens of milliseconds and 32 MiB
on purpose): a stolen table cannot be tried against a dictionary at speed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require, scope_of
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.errors import InvalidInput, UnknownUser
from crm_tui.i18n import N_
from crm_tui.storage.models import Role, user_passwords, users, web_sessions

SCHEME = "scrypt"
N, R, P = 2**15, 8, 1
"""scrypt's cost (memory 128 * r * n bytes: 32 MiB), block size and parallelism."""
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8
MAX_LENGTH = 1024
"""A password longer than this is refused before hashing (hashing is the slow part)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n, dklen=KEY_BYTES
    )


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """The string to store for ``password``: a new random salt each time."""
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}$n={n},r={r},p={p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p))}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` is the one ``stored`` was made from; False for no hash or a string
    that is not one of ours. Compared in constant time."""
    if not stored or len(password) > MAX_LENGTH:
        return False
    try:
        scheme, params, salt, key = stored.split("$")
        values = dict(part.split("=", 1) for part in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        salt_bytes, key_bytes = _unb64(salt), _unb64(key)
    except (ValueError, KeyError):
        return False
    if scheme != SCHEME or not (1 < n <= 2**20 and 0 < r <= 32 and 0 < p <= 16):
        return False
    return hmac.compare_digest(_scrypt(password, salt_bytes, n, r, p), key_bytes)


_DUMMY = hash_password("not a password of anybody's")


def waste_time(password: str) -> None:
    """Check ``password`` against nothing, at the cost of a real check: an unknown login takes
    as long to refuse as a known one."""
    verify_password(password, _DUMMY)


def password_problem(password: str) -> InvalidInput | None:
    if len(password) < MIN_LENGTH:
        return InvalidInput(
            "password.short",
            N_("the password is too short: at least {count} characters"),
            count=MIN_LENGTH,
            field="password",
        )
    if len(password) > MAX_LENGTH:
        return InvalidInput(
            "password.long",
            N_("the password is too long: at most {count} characters"),
            count=MAX_LENGTH,
            field="password",
        )
    if password != password.strip():
        return InvalidInput(
            "password.spaces", N_("the password starts or ends with a space"), field="password"
        )
    return None


def set_password(session: Session, viewer: Viewer, login: str, password: str, now: datetime) -> None:
    """Give ``login`` the browser password ``password``: one's own, or anyone's for who manages
    users. Clears a lock and the count of wrong passwords, and signs out the person's browsers
    (a password changed because it leaked ends the sessions opened with it). Audited, without
    the password."""
    if login != viewer.login:
        require(viewer, Capability.MANAGE_USERS)
    found = session.execute(select(users.c.id, users.c.role).where(users.c.login == login)).first()
    if found is None:
        raise UnknownUser("user.unknown_login", N_("unknown user {login!r}"), login=login, field="login")
    user_id = found.id
    if scope_of(Role(found.role), Capability.USE_APP) is None:
        raise InvalidInput(
            "password.no_app",
            N_("{login} is an ops account: it never signs in to the app, in a browser either"),
            login=login,
            field="login",
        )
    problem = password_problem(password)
    if problem is not None:
        raise problem
    values = {
        "password_hash": hash_password(password),
        "failed_attempts": 0,
        "locked_until": None,
        "changed_at": now,
    }
    done = session.connection().execute(
        update(user_passwords).where(user_passwords.c.user_id == user_id).values(**values)
    )
    if not done.rowcount:
        session.execute(user_passwords.insert().values(user_id=user_id, **values))
    session.execute(
        update(web_sessions)
        .where(web_sessions.c.user_id == user_id, web_sessions.c.ended_at.is_(None))
        .values(ended_at=now, ended_why="password")
    )
    audit.record(
        session,
        at=now,
        user_id=viewer.user_id,
        entity="user",
        entity_id=int(user_id),
        action="password_set",
        changes={"by": viewer.login},
    )
