"""Small points of issue 21's review: what an admin taking a lead is told, an empty assignee, the
lines removed, a deal's amount with its kopecks."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.clients.take import take_lead
from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import ClientStatus, Role, clients
from tests.seed import FROZEN_NOW, Seeded

Open = Callable[[str], Workspace]


def test_an_admin_taking_a_lead_is_told_who_takes_leads_not_that_it_is_missing(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
    with write_session(engine) as session:
        lead = create_client(
            session, admin, ClientDraft(name="Ничей", region="Москва", status=ClientStatus.LEAD), FROZEN_NOW
        )
        session.execute(update(clients).where(clients.c.id == lead).values(owner_id=None))
    with pytest.raises(AccessDenied, match="admin takes no leads: a free lead is taken by a manager"):
        take_lead(workspace_for("admin"), lead)


def test_an_empty_assignee_is_refused_not_read_as_oneself(seeded_db: str) -> None:
    from tests.cli_support import crm

    ran = crm("--db", seeded_db, "task", "add", "Позвонить", "--due", "+1", "--to", "", user="ivanova")
    assert ran.returncode == 2 and "--to is empty" in ran.stderr, ran.stderr
    assert crm("--db", seeded_db, "task", "add", "Позвонить", "--due", "+1", user="ivanova").returncode == 0


def test_deal_show_keeps_the_kopecks_and_says_version(seeded_db: str) -> None:
    from tests.cli_support import crm

    db = ("--db", seeded_db)
    made = crm(*db, "deal", "add", "Ромашка", "--title", "Насосы", "--amount", "19 736,50", "--json",
               user="ivanova", check=True)  # fmt: skip
    deal = str(json.loads(made.stdout)["id"])
    shown = crm(
        *db, "deal", "show", deal, user="ivanova", extra_env={"CRM_LOCALE": "ru"}
    ).stdout.splitlines()[0]
    assert shown.endswith("· 19\u202f736,50 ₽ · версия 1"), shown
