"""`crm campaign edit` and `crm campaign step ...`: the editor's twins end to end, with `--json`;
an audience from a spreadsheet with its unmatched rows named; the refusals in one line."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.workspace import open_workspace
from crm_tui.storage.database import dispose_engines
from tests.cli_support import crm, error_line
from tests.unit.campaign_base import add_clients, mail_setup


def test_steps_are_added_edited_moved_and_removed_from_the_command_line(
    seeded_db: str, tmp_path: Path
) -> None:
    admin = open_workspace(seeded_db, "admin")
    add_clients(admin, 2)
    mail_setup(admin, 2525)
    enrol(admin, "Drip")
    dispose_engines()
    db = ("--db", seeded_db)
    text = tmp_path / "offer.txt"
    text.write_text("Скидка для {{ client }}", encoding="utf-8")
    added = json.loads(
        crm(*db, "campaign", "step", "add", "Drip", "--day", "20", "--subject", "Предложение",
            "--text-file", str(text), "--json", user="smirnov", check=True).stdout
    )  # fmt: skip
    assert [s["day"] for s in added["steps"]] == [0, 8, 20] and added["version"] == 2
    moved = json.loads(
        crm(
            *db, "campaign", "step", "move", "Drip", "3", "--to", "1", "--json", user="smirnov", check=True
        ).stdout
    )
    assert moved["steps"][0]["subject"] == "Предложение"
    edited = json.loads(
        crm(
            *db, "campaign", "step", "edit", "Drip", "1", "--day", "25", "--json", user="smirnov", check=True
        ).stdout
    )
    assert edited["steps"][0]["day"] == 25
    stale = crm(*db, "campaign", "step", "remove", "Drip", "1", "--version", "2", user="smirnov")
    assert stale.returncode == 2 and "changed by someone else meanwhile" in error_line(stale)
    removed = json.loads(
        crm(*db, "campaign", "step", "remove", "Drip", "1", "--json", user="smirnov", check=True).stdout
    )
    assert len(removed["steps"]) == 2
    broken = crm(*db, "campaign", "step", "edit", "Drip", "2", "--text", "a\n{{ client | }}", user="smirnov")
    assert broken.returncode == 2
    assert error_line(broken).startswith("crm: error: step 2 text: the template breaks at line 2: ")
    outbox = json.loads(crm(*db, "outbox", "list", "--json", user="admin", check=True).stdout)
    assert len(outbox) == 4  # two recipients, two steps: the removed step's letters went with it


def test_an_audience_from_a_spreadsheet_names_the_rows_it_could_not_match(
    seeded_db: str, tmp_path: Path
) -> None:
    admin = open_workspace(seeded_db, "admin")
    add_clients(admin, 2)
    mail_setup(admin, 2525)
    dispose_engines()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("E-mail", "Название"), ("client1@example.ru", ""), ("", "Нет такой фирмы")):
        sheet.append(row)
    path = tmp_path / "list.xlsx"
    book.save(path)
    db = ("--db", seeded_db)
    result = json.loads(
        crm(*db, "campaign", "edit", "Drip", "--clear-audience", "--list", str(path), "--json",
            user="smirnov", check=True).stdout
    )  # fmt: skip
    assert result["audience"]["list"] == "list.xlsx" and len(result["audience"]["clients"]) == 1
    assert [u["row"] for u in result["list_read"]["unmatched"]] == [3]
    said = crm(*db, "campaign", "edit", "Drip", "--list", str(path), user="smirnov", check=True).stdout
    assert "row 3: no client named 'Нет такой фирмы'" in said
    enrolled = json.loads(crm(*db, "campaign", "enroll", "Drip", "--json", user="smirnov", check=True).stdout)
    assert enrolled["enrolled"] == 1
    missing = crm(*db, "campaign", "edit", "Drip", "--list", str(tmp_path / "nope.xlsx"), user="smirnov")
    assert missing.returncode == 2 and "nope.xlsx" in error_line(missing)


def test_a_stale_version_names_the_current_one_and_force_saves_over_it_audited(seeded_db: str) -> None:
    """The editor offers "save mine over theirs", audited with both versions; the CLI had no way
    but leaving out --version, which wrote over a colleague's save unmarked. A stale --version is
    refused naming the version now; --force saves over exactly that one, audited as the editor's."""
    from sqlalchemy import select

    from crm_tui.storage.database import get_engine
    from crm_tui.storage.models import audit_entries

    admin = open_workspace(seeded_db, "admin")
    mail_setup(admin, 2525)
    dispose_engines()
    db = ("--db", seeded_db)
    read = json.loads(crm(*db, "campaign", "show", "Drip", "--json", user="smirnov", check=True).stdout)
    crm(*db, "campaign", "edit", "Drip", "--name", "Дожим коллеги", user="admin", check=True)
    now = read["version"] + 1
    stale = crm(*db, "campaign", "edit", "Дожим коллеги", "--name", "Мой дожим", "--version",
                str(read["version"]), user="smirnov")  # fmt: skip
    assert stale.returncode == 2 and len(stale.stderr.splitlines()) == 1, stale.stderr
    assert f"version {now}" in error_line(stale) and "--force" in error_line(stale)
    alone = crm(*db, "campaign", "edit", "Дожим коллеги", "--name", "Мой дожим", "--force", user="smirnov")
    assert alone.returncode == 2 and "--version" in error_line(alone)
    saved = json.loads(
        crm(*db, "campaign", "edit", "Дожим коллеги", "--name", "Мой дожим", "--version",
            str(read["version"]), "--force", "--json", user="smirnov", check=True).stdout
    )  # fmt: skip
    assert saved["name"] == "Мой дожим" and saved["version"] == now + 1
    with get_engine(seeded_db).connect() as conn:
        changes = conn.scalars(
            select(audit_entries.c.changes)
            .where(audit_entries.c.entity == "campaign")
            .order_by(audit_entries.c.id.desc())
            .limit(1)
        ).one()
    dispose_engines()
    over = json.loads(changes) if isinstance(changes, str) else changes
    assert over["written_over"] == {"read": read["version"], "theirs": now}
    again = crm(*db, "campaign", "step", "remove", "Мой дожим", "1", "--version", str(read["version"]),
                "--force", user="smirnov")  # fmt: skip
    assert again.returncode == 0, again.stderr
