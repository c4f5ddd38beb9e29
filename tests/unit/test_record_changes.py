"""The one way a client, deal or task changes: version moved in the same statement, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm_tui.domain.audit.changes import change, versioned
from crm_tui.domain.errors import NotFound, StaleEdit
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import audit_entries, clients, deals, tasks
from tests.seed import FROZEN_NOW, Seeded

Open = Callable[[str], Workspace]
LATER = FROZEN_NOW + timedelta(hours=1)


def _audit_rows(ws: Workspace) -> int:
    with ws.read() as session:
        return int(session.scalar(select(func.count()).select_from(audit_entries)) or 0)


def test_an_edit_of_the_version_read_lands_and_is_audited(workspace_for: Open, seeded: Seeded) -> None:
    ws = workspace_for("ivanova")
    romashka = seeded.clients["romashka"]
    with ws.write() as session:
        new = change(
            session, clients, romashka, {"city": "Химки"}, at=LATER, user_id=ws.viewer.user_id, seen=1,
            action="edit", changes={"city": ["Москва", "Химки"]},
        )  # fmt: skip
    assert new == 2
    with ws.read() as session:
        row = session.execute(select(clients).where(clients.c.id == romashka)).one()
        audit = session.execute(select(audit_entries).order_by(audit_entries.c.id.desc()).limit(1)).one()
    assert (row.city, row.version, row.updated_at) == ("Химки", 2, LATER)
    assert (audit.entity, audit.entity_id, audit.action, audit.user_id) == (
        "client", romashka, "edit", ws.viewer.user_id,
    )  # fmt: skip
    assert audit.changes == {"city": ["Москва", "Химки"]} and audit.at == LATER


def test_an_edit_of_an_old_copy_is_refused_and_leaves_no_trace(workspace_for: Open, seeded: Seeded) -> None:
    ws = workspace_for("ivanova")
    deal = seeded.deals["d_prop_stroy"]
    before = _audit_rows(ws)
    with (
        pytest.raises(
            StaleEdit, match=f"^deal {deal} was changed by someone else meanwhile: reload and retry$"
        ),
        ws.write() as session,
    ):
        change(session, deals, deal, {"title": "x"}, at=LATER, user_id=None, seen=7, action="edit")
    with pytest.raises(StaleEdit, match="«Поставка»"), ws.write() as session:
        change(
            session, deals, deal, {"title": "x"}, at=LATER, user_id=None, seen=7,
            refused=lambda: StaleEdit("deal «Поставка» changed"),
        )  # fmt: skip
    with ws.read() as session:
        assert session.scalar(select(deals.c.version).where(deals.c.id == deal)) == 1
    assert _audit_rows(ws) == before


def test_a_change_without_a_version_read_moves_it_and_needs_the_record(
    workspace_for: Open, seeded: Seeded
) -> None:
    ws = workspace_for("admin")
    with ws.read() as session:
        task_id = int(session.scalar(select(tasks.c.id).limit(1)) or 0)
    before = _audit_rows(ws)
    with ws.write() as session:
        assert change(session, tasks, task_id, {"title": "Позвонить"}, at=LATER, user_id=None) == 2
        assert change(session, tasks, task_id, at=LATER, user_id=None) == 3  # tasks keep no updated_at
    assert _audit_rows(ws) == before  # no action, no audit row
    with pytest.raises(NotFound, match="client 999999 not found"), ws.write() as session:
        change(session, clients, 999_999, at=LATER, user_id=None, action="edit")


def test_set_based_writers_move_the_same_columns() -> None:
    assert set(versioned(clients, {"owner_id": 1}, LATER)) == {"owner_id", "version", "updated_at"}
    assert set(versioned(tasks, {"assignee_id": 1}, LATER)) == {"assignee_id", "version"}
    assert str(versioned(deals, {}, LATER)["version"]) == "deals.version + :version_1"
