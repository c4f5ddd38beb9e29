"""The table's answers where the old checks disagreed, and its refusals' wording."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Capability, Target, Viewer, can, require
from crm_tui.domain.access.users import add_user
from crm_tui.domain.clients.handovers import hand_over
from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Role
from tests.seed import FROZEN_NOW, Seeded

HEAD_NOWHERE = Viewer(50, "orlov", "Орлов", Role.HEAD, None)


def test_a_head_without_a_region_acts_on_own_only() -> None:
    """A head with no region saw and moved only own records, but could hand clients to anyone
    else without a region; the table gives region scope without a region nothing beyond own."""
    assert can(HEAD_NOWHERE, Capability.HAND_OVER_CLIENTS, Target(50))
    assert not can(HEAD_NOWHERE, Capability.HAND_OVER_CLIENTS, Target(51))
    assert not can(HEAD_NOWHERE, Capability.MOVE_DEALS, Target(51))


def test_a_head_without_a_region_cannot_hand_clients_to_someone_without_one(
    engine: Engine, seeded: Seeded, workspace_for: Callable[[str], Workspace]
) -> None:
    with write_session(engine) as session:
        for login, role in (("orlov", Role.HEAD), ("lebedev", Role.MANAGER)):
            add_user(
                session, login=login, full_name=login, role=role, region=None, now=FROZEN_NOW, by_user_id=None
            )
    with pytest.raises(AccessDenied, match="lebedev works outside your region"):
        hand_over(workspace_for("orlov"), "lebedev", from_login="orlov")


def test_an_unowned_lead_is_the_regions_managers_to_take_and_nothing_else_is() -> None:
    manager = Viewer(7, "ivanova", "Иванова", Role.MANAGER, "Москва")
    lead = Target(None, "Москва", lead=True)
    assert can(manager, Capability.SET_SEGMENT, lead)
    assert not can(manager, Capability.SET_SEGMENT, Target(None, "Москва"))  # a customer nobody owns
    assert not can(manager, Capability.SET_SEGMENT, Target(None, "Липецк", lead=True))
    assert not can(manager, Capability.MOVE_DEALS, Target(8, "Москва"))


def test_a_refusal_is_one_line_naming_what_was_refused() -> None:
    manager = Viewer(7, "ivanova", "Иванова", Role.MANAGER, "Москва")
    accountant = Viewer(5, "buh", "Бухгалтер", Role.ACCOUNTANT, None)
    with pytest.raises(AccessDenied) as refused:
        require(accountant, Capability.MOVE_DEALS, Target(8, "Москва", "deal 12"))
    assert str(refused.value) == "deal 12 is not yours to move"
    with pytest.raises(AccessDenied) as refused:  # a colleague's deal, which a manager cannot see
        require(manager, Capability.MOVE_DEALS, Target(8, "Москва", "deal 12"))
    assert str(refused.value) == "deal 12 not found", "the refusal must not tell that it exists"
    with pytest.raises(AccessDenied) as refused:
        require(manager, Capability.ACT_AS_ANOTHER_USER)
    assert str(refused.value) == "only an admin may act as another user; 'ivanova' is a manager"
    ops = Viewer(9, "nightly", "cron", Role.OPS, None)
    with pytest.raises(AccessDenied, match=r"^nightly is an ops account: .* not the app$"):
        require(ops, Capability.USE_APP)
