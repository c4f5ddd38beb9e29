"""The browser password from the app (issue 28): a manager sets their own with `P`, typed twice;
a mismatch or a short one keeps what was typed; an admin may set a colleague's."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import Input

from crm_tui.app import create_app
from crm_tui.domain.access.passwords import verify_password
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.dialogs.password import PasswordDialog
from crm_tui.storage.database import read_session
from crm_tui.storage.models import user_passwords, users
from tests.app.support import settle, workspace
from tests.app.test_form_dialogs import refused_on, values
from tests.app.typing import burst
from tests.seed import Seeded

SIZE = (80, 24)


def stored_hash(ws: Workspace, login: str) -> str | None:
    with read_session(ws.engine) as session:
        return session.scalar(
            select(user_passwords.c.password_hash)
            .join(users, users.c.id == user_passwords.c.user_id)
            .where(users.c.login == login)
        )


async def test_a_manager_sets_their_own_password_typed_twice(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "P")
        dialog = app.screen
        assert isinstance(dialog, PasswordDialog)
        assert not dialog.query("#password-login"), "a manager sets only their own"
        await burst(pilot, "секретный-1", "tab", "секретный-2", "ctrl+s")
        await settle(pilot)
        refused_on(dialog, "again", "password-again", "differ")
        assert values(dialog, "password-new", "password-again") == ["секретный-1", "секретный-2"]
        assert all(i.password for i in dialog.query(Input)), "a password is shown as dots"
        await burst(pilot, "ctrl+u", "секретный-1", "ctrl+s")
        await settle(pilot)
        assert not dialog.is_attached
    assert verify_password("секретный-1", stored_hash(ws, "ivanova"))


async def test_a_short_password_is_refused_under_its_field(ws: Workspace, team: Seeded) -> None:
    app = create_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "P")
        await burst(pilot, "abc", "tab", "abc", "ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PasswordDialog)
        refused_on(dialog, "password", "password-new", "too short")
    assert stored_hash(ws, "ivanova") is None


async def test_an_admin_sets_a_colleagues_password(sqlite_url: str, team: Seeded) -> None:
    admin = workspace(sqlite_url, "admin")
    app = create_app(admin)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "P")
        await burst(pilot, "ctrl+u", "petrov", "tab", "пароль-петрова", "tab", "пароль-петрова", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PasswordDialog)
    assert verify_password("пароль-петрова", stored_hash(admin, "petrov"))
    assert stored_hash(admin, "admin") is None


async def test_an_unknown_login_is_refused_under_the_login(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "P")
        await burst(pilot, "ctrl+u", "nosuch", "tab", "пароль-петрова", "tab", "пароль-петрова", "ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PasswordDialog)
        refused_on(dialog, "login", "password-login", "nosuch")
        assert values(dialog, "password-login", "password-new") == ["nosuch", "пароль-петрова"]
