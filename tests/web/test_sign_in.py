"""Browser sign-in in the domain: the password hash, the lock after five wrong passwords, the
session's expiry and end, who may set whose password, and the audit of it all."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from crm_tui.domain.access.passwords import hash_password, set_password, verify_password
from crm_tui.domain.access.web_sessions import (
    SignInPolicy,
    current_session,
    open_web_workspace,
    sign_in,
    sign_out,
)
from crm_tui.domain.errors import AccessDenied, InvalidInput, UnknownUser
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import audit_entries, user_passwords, users, web_sessions
from tests.seed import FROZEN_NOW

PASSWORD = "Весна-2026-пароль"
POLICY = SignInPolicy(idle=timedelta(minutes=30), attempts=5, lock_for=timedelta(minutes=15))


def test_hash_is_salted_scrypt_with_its_parameters_and_checks_only_the_password() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # a new salt each time
    assert first.startswith("scrypt$n=32768,r=8,p=1$")
    assert PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD.upper(), first)


def test_the_parameters_written_in_the_hash_are_the_ones_used() -> None:
    cheap = hash_password(PASSWORD, n=2**10, r=4, p=1)
    assert cheap.startswith("scrypt$n=1024,r=4,p=1$")
    assert verify_password(PASSWORD, cheap)
    assert not verify_password(PASSWORD, cheap.replace("n=1024", "n=2048"))


@pytest.mark.parametrize(
    "stored", [None, "", "plain", "md5$x$y$z", "scrypt$n=0,r=8,p=1$AA$AA", "scrypt$n=16$!!$AA"]
)
def test_no_hash_or_a_broken_one_never_matches(stored: str | None) -> None:
    assert not verify_password(PASSWORD, stored)


def _with_passwords(ws: Workspace) -> None:
    with ws.write() as session:
        for login in ("ivanova", "petrov", "admin"):
            set_password(session, ws.viewer, login, PASSWORD, FROZEN_NOW)


def _sign_in(ws: Workspace, login: str, password: str, minutes: float = 0):  # type: ignore[no-untyped-def]
    with ws.write() as session:
        return sign_in(
            session,
            login,
            password,
            now=FROZEN_NOW + timedelta(minutes=minutes),
            address="10.0.0.7",
            policy=POLICY,
        )


def _audit(ws: Workspace, login: str) -> list[tuple[str, dict[str, object]]]:
    with ws.read() as session:
        user_id = session.scalar(select(users.c.id).where(users.c.login == login))
        rows = session.execute(
            select(audit_entries.c.action, audit_entries.c.changes)
            .where(audit_entries.c.entity == "user", audit_entries.c.entity_id == user_id)
            .order_by(audit_entries.c.id)
        ).all()
    return [(r.action, r.changes) for r in rows]


def test_right_password_opens_a_session_the_app_runs_as(
    workspace_for: Callable[[str], Workspace], db_url: str
) -> None:
    ws = workspace_for("admin")
    _with_passwords(ws)
    signed = _sign_in(ws, "ivanova", PASSWORD)
    assert signed.refused == "" and signed.login == "ivanova" and len(signed.token) >= 40
    with ws.read() as session:
        stored = session.scalar(select(web_sessions.c.token_hash))
        assert stored != signed.token and signed.token not in str(stored)
        hashes = session.scalars(select(user_passwords.c.password_hash)).all()
    assert all(PASSWORD not in h for h in hashes)
    opened = open_web_workspace(db_url, signed.token, idle=POLICY.idle, clock=lambda: FROZEN_NOW)
    assert (opened.viewer.login, opened.viewer.role.value) == ("ivanova", "manager")
    trail = _audit(ws, "ivanova")
    assert trail[-1] == ("sign_in", {"address": "10.0.0.7", "via": "browser"})
    assert PASSWORD not in json.dumps(trail, ensure_ascii=False)


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(
    workspace_for: Callable[[str], Workspace],
) -> None:
    ws = workspace_for("admin")
    _with_passwords(ws)
    for attempt in range(4):
        assert _sign_in(ws, "petrov", f"guess-{attempt}", minutes=attempt).refused == "wrong"
    fifth = _sign_in(ws, "petrov", "guess-5", minutes=4)
    assert fifth.refused == "locked"
    assert fifth.locked_until == FROZEN_NOW + timedelta(minutes=4 + 15)
    assert _sign_in(ws, "petrov", PASSWORD, minutes=10).refused == "locked"
    assert _sign_in(ws, "petrov", PASSWORD, minutes=20).refused == ""  # the lock is over
    actions = [a for a, _ in _audit(ws, "petrov")]
    assert actions.count("sign_in_failed") == 6 and actions.count("locked") == 1 and actions[-1] == "sign_in"
    assert all("guess" not in json.dumps(c) for _, c in _audit(ws, "petrov"))


def test_a_right_password_resets_the_count_of_wrong_ones(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    _with_passwords(ws)
    for attempt in range(4):
        _sign_in(ws, "petrov", f"guess-{attempt}")
    assert _sign_in(ws, "petrov", PASSWORD).refused == ""
    for attempt in range(4):
        assert _sign_in(ws, "petrov", f"again-{attempt}").refused == "wrong"


def test_unknown_login_and_no_password_are_refused_alike(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    assert _sign_in(ws, "nobody", PASSWORD).refused == "wrong"
    assert _sign_in(ws, "smirnov", PASSWORD).refused == "wrong"  # no password set yet


def test_an_inactive_user_cannot_sign_in_and_their_sessions_end(
    workspace_for: Callable[[str], Workspace],
) -> None:
    ws = workspace_for("admin")
    _with_passwords(ws)
    signed = _sign_in(ws, "ivanova", PASSWORD)
    with ws.write() as session:
        session.execute(users.update().where(users.c.login == "ivanova").values(active=False))
    assert _sign_in(ws, "ivanova", PASSWORD).refused == "inactive"
    with ws.read() as session:
        assert current_session(session, signed.token, now=FROZEN_NOW, idle=POLICY.idle) is None


def test_a_session_ends_after_the_idle_time_and_on_sign_out(
    workspace_for: Callable[[str], Workspace], db_url: str
) -> None:
    ws = workspace_for("admin")
    _with_passwords(ws)
    signed = _sign_in(ws, "ivanova", PASSWORD)
    with ws.read() as session:
        assert current_session(
            session, signed.token, now=FROZEN_NOW + timedelta(minutes=29), idle=POLICY.idle
        )
        assert not current_session(
            session, signed.token, now=FROZEN_NOW + timedelta(minutes=30), idle=POLICY.idle
        )
    with pytest.raises(UnknownUser, match="sign in again"):
        open_web_workspace(
            db_url, signed.token, idle=POLICY.idle, clock=lambda: FROZEN_NOW + timedelta(hours=1)
        )
    other = _sign_in(ws, "ivanova", PASSWORD)
    with ws.write() as session:
        assert sign_out(session, other.token, now=FROZEN_NOW) is not None
        assert sign_out(session, other.token, now=FROZEN_NOW) is None
    with ws.read() as session:
        assert current_session(session, other.token, now=FROZEN_NOW, idle=POLICY.idle) is None
    assert _audit(ws, "ivanova")[-1] == ("sign_out", {"why": "sign_out"})


def test_a_changed_password_signs_out_the_browsers(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    _with_passwords(ws)
    signed = _sign_in(ws, "ivanova", PASSWORD)
    with ws.write() as session:
        set_password(session, ws.viewer, "ivanova", "другой-пароль-1", FROZEN_NOW)
    with ws.read() as session:
        assert current_session(session, signed.token, now=FROZEN_NOW, idle=POLICY.idle) is None
    assert _sign_in(ws, "ivanova", PASSWORD).refused == "wrong"


def test_ops_accounts_do_not_get_the_app(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    with ws.write() as session:
        from crm_tui.domain.access.users import add_user
        from crm_tui.storage.models import Role

        add_user(
            session,
            login="cron",
            full_name="cron",
            role=Role.OPS,
            region=None,
            now=FROZEN_NOW,
            by_user_id=None,
        )
    with ws.write() as session, pytest.raises(InvalidInput, match="ops account") as refused:
        set_password(session, ws.viewer, "cron", PASSWORD, FROZEN_NOW)
    assert refused.value.field == "login", "the dialog shows it under the login"
    with ws.write() as session:  # a manager with a password who became an ops account
        set_password(session, ws.viewer, "petrov", PASSWORD, FROZEN_NOW)
        session.execute(update(users).where(users.c.login == "petrov").values(role=Role.OPS))
    assert _sign_in(ws, "petrov", PASSWORD).refused == "no_app"


def test_own_password_for_anyone_others_for_admins_only(workspace_for: Callable[[str], Workspace]) -> None:
    manager = workspace_for("ivanova")
    with manager.write() as session:
        set_password(session, manager.viewer, "ivanova", PASSWORD, FROZEN_NOW)
    with manager.write() as session, pytest.raises(AccessDenied):
        set_password(session, manager.viewer, "petrov", PASSWORD, FROZEN_NOW)
    head = workspace_for("smirnov")
    with head.write() as session, pytest.raises(AccessDenied):
        set_password(session, head.viewer, "ivanova", PASSWORD, FROZEN_NOW)
    admin = workspace_for("admin")
    with admin.write() as session, pytest.raises(InvalidInput, match="too short"):
        set_password(session, admin.viewer, "petrov", "short", FROZEN_NOW)
    with admin.write() as session, pytest.raises(UnknownUser):
        set_password(session, admin.viewer, "nobody", PASSWORD, FROZEN_NOW)
    assert ("password_set", {"by": "ivanova"}) in _audit(manager, "ivanova")


def test_changing_ones_own_password_asks_the_current_one_and_counts_wrong_ones(
    workspace_for: Callable[[str], Workspace],
) -> None:
    from crm_tui.domain.access.web_sessions import change_own_password

    ws = workspace_for("admin")
    _with_passwords(ws)
    signed = _sign_in(ws, "petrov", PASSWORD)
    with ws.read() as session:
        found = current_session(session, signed.token, now=FROZEN_NOW, idle=POLICY.idle)
    assert found is not None
    for attempt in range(4):
        with ws.write() as session:
            refused = change_own_password(
                session,
                found,
                f"guess-{attempt}",
                "новый-пароль-1",
                now=FROZEN_NOW,
                address="x",
                policy=POLICY,
            )
        assert refused == "wrong"
    with ws.write() as session:
        assert (
            change_own_password(
                session, found, PASSWORD, "новый-пароль-1", now=FROZEN_NOW, address="x", policy=POLICY
            )
            == ""
        )
    assert _sign_in(ws, "petrov", "новый-пароль-1").refused == ""
    with ws.read() as session:
        assert current_session(session, signed.token, now=FROZEN_NOW, idle=POLICY.idle) is None
