"""Who the user is: the OS login, the first one becomes admin, only admins impersonate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from crm_tui.domain.access.users import add_user, list_users, parse_role
from crm_tui.domain.errors import AccessDenied, InvalidInput, UnknownUser
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.storage.models import Role


def test_first_user_on_a_new_database_becomes_admin(db_url: str) -> None:
    ws = open_workspace(db_url, "olga")
    assert (ws.viewer.login, ws.viewer.role) == ("olga", Role.ADMIN)
    with pytest.raises(UnknownUser, match="crm user add boris"):
        open_workspace(db_url, "boris")


def test_admin_may_act_as_another_user_and_nobody_else(
    workspace_for: Callable[[str], Workspace], db_url: str
) -> None:
    workspace_for("admin")
    assert open_workspace(db_url, "admin", act_as="petrov").viewer.login == "petrov"
    with pytest.raises(AccessDenied, match="only an admin"):
        open_workspace(db_url, "ivanova", act_as="petrov")
    with pytest.raises(UnknownUser, match="nobody"):
        open_workspace(db_url, "admin", act_as="nobody")


def test_add_user_validates(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    now = datetime.now(UTC)
    with ws.write() as session:
        with pytest.raises(InvalidInput, match="already exists"):
            add_user(
                session, login="petrov", full_name="P", role=Role.MANAGER, region=None, now=now, by_user_id=1
            )
        with pytest.raises(InvalidInput, match="invalid login"):
            add_user(
                session,
                login="bad login",
                full_name="P",
                role=Role.MANAGER,
                region=None,
                now=now,
                by_user_id=1,
            )
        added = add_user(
            session,
            login="sidorova",
            full_name="Сидорова Е.",
            role=Role.MANAGER,
            region="Воронеж",
            monthly_target=90_000_000,
            now=now,
            by_user_id=1,
        )
    assert added.region == "Воронеж"
    with ws.read() as session:
        assert "sidorova" in [u.login for u in list_users(session)]
    with pytest.raises(InvalidInput, match="unknown role 'boss'"):
        parse_role("boss")
