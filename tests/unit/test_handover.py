"""Handing clients over with their open deals and tasks, and giving them back."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.audit.trail import client_history, describe_changes
from crm_tui.domain.clients.handovers import hand_over, undo_handover
from crm_tui.domain.errors import AccessDenied, InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import audit_entries, clients, deals, tasks
from tests.cli_support import crm, error_line
from tests.seed import Seeded

Open = Callable[[str], Workspace]


def owners(engine: Engine, seeded: Seeded) -> dict[str, int | None]:
    with write_session(engine) as session:
        rows = dict(session.execute(select(clients.c.id, clients.c.owner_id)).all())
    return {key: rows[cid] for key, cid in seeded.clients.items()}


def test_all_of_a_managers_clients_move_with_their_open_deals_and_tasks(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    head = workspace_for("smirnov")
    dry = hand_over(head, "smirnov", from_login="ivanova", dry_run=True)
    assert (dry.handover, dry.clients, dry.deals, dry.tasks) == (None, 6, 8, 5)
    assert owners(engine, seeded)["romashka"] == seeded.users["ivanova"]  # a dry run changes nothing
    done = hand_over(head, "smirnov", from_login="ivanova")
    assert (done.clients, done.deals, done.tasks) == (6, 8, 5)
    after = owners(engine, seeded)
    assert {after[k] for k in ("romashka", "vektor", "teplo")} == {seeded.users["smirnov"]}
    with write_session(engine) as session:
        open_deals = set(
            session.scalars(
                select(deals.c.owner_id).where(
                    deals.c.status == "open", deals.c.client_id == seeded.clients["romashka"]
                )
            )
        )
        won = set(session.scalars(select(deals.c.owner_id).where(deals.c.status == "won")))
        logged = session.scalar(
            select(audit_entries.c.changes).where(audit_entries.c.action == "owner_changed").limit(1)
        )
    assert open_deals == {seeded.users["smirnov"]}
    assert won == {seeded.users["ivanova"]}  # closed deals stay with who won them
    assert logged is not None and logged["handover"] == done.handover


def test_the_card_history_names_both_owners_of_a_handover(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    hand_over(workspace_for("smirnov"), "smirnov", client_ids=[seeded.clients["romashka"]])
    with write_session(engine) as session:
        lines = client_history(session, seeded.clients["romashka"])
    latest = describe_changes(lines[0], width=200)
    assert latest.startswith("client owner changed (owner: Иванова Светлана → Смирнов")


def test_undo_gives_back_what_was_not_passed_on(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    head = workspace_for("smirnov")
    done = hand_over(head, "smirnov", client_ids=[seeded.clients["teplo"], seeded.clients["zorin"]])
    assert done.clients == 2
    with write_session(engine) as session:  # Смирнов passes Зорин on to somebody else meanwhile
        session.execute(
            update(clients)
            .where(clients.c.id == seeded.clients["zorin"])
            .values(owner_id=seeded.users["admin"])
        )
    report = undo_handover(head, done.handover or 0)
    assert report.clients == 1 and [str(line) for line in report.kept] == [
        f"client {seeded.clients['zorin']}: passed on or removed since, kept as it is"
    ]
    assert owners(engine, seeded)["teplo"] == seeded.users["ivanova"]
    with write_session(engine) as session:
        task_owner = session.scalar(
            select(tasks.c.assignee_id).where(
                tasks.c.client_id == seeded.clients["teplo"], tasks.c.status == "open"
            )
        )
    assert task_owner == seeded.users["ivanova"]
    with pytest.raises(InvalidInput, match="already undone"):
        undo_handover(head, done.handover or 0)


def test_who_may_hand_over_and_to_whom(seeded: Seeded, workspace_for: Open) -> None:
    with pytest.raises(AccessDenied):
        hand_over(workspace_for("ivanova"), "petrov", from_login="ivanova")
    with pytest.raises(AccessDenied, match="outside your region"):
        hand_over(workspace_for("smirnov"), "petrov", from_login="ivanova")
    nothing = hand_over(workspace_for("smirnov"), "ivanova", from_login="petrov")  # not his region's clients
    assert nothing.clients == 0
    moved = hand_over(workspace_for("admin"), "ivanova", from_login="petrov", region="Липецк")
    assert moved.clients == 2


def test_handover_from_the_command_line(seeded_db: str) -> None:
    move = ("handover", "--from", "ivanova", "--to", "smirnov", "--json")
    dry = json.loads(crm("--db", seeded_db, *move, "--dry-run", user="smirnov", check=True).stdout)
    assert (dry["clients"], dry["dry_run"]) == (6, True)
    done = json.loads(crm("--db", seeded_db, *move, user="smirnov", check=True).stdout)
    undo = ("handover", "undo", str(done["handover"]), "--json")
    back = json.loads(crm("--db", seeded_db, *undo, user="smirnov", check=True).stdout)
    assert back["clients"] == 6 and back["kept"] == []
    refused = crm("--db", seeded_db, "handover", "--from", "ivanova", user="smirnov")
    assert refused.returncode == 2 and "--to LOGIN" in error_line(refused)
