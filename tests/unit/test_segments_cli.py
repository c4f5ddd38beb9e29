"""Segments from the command line, as ops script them: JSON out, one-line errors, exit codes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.cli_support import crm, crm_process, error_line, textual_loaded
from tests.importers.order_files import write_invoices_xlsx


def test_orders_import_recompute_list_and_tick(seeded_db: str, tmp_path: Path) -> None:
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    path = write_invoices_xlsx(tmp_path / "Счета.xlsx", today)
    imported = crm_process("--db", seeded_db, "import", "orders", str(path), "--json", user="smirnov",
                           data_dir=tmp_path, check=True)  # fmt: skip
    summary = json.loads(imported.stdout)
    assert (summary["documents"], summary["created"], summary["unmatched"], summary["rejected"]) == (
        6,
        6,
        1,
        2,
    )
    assert summary["segments"]["counts"]["warm"] >= 1
    assert Path(summary["errors_file"]).is_file()
    assert not textual_loaded(imported)
    again = json.loads(
        crm("--db", seeded_db, "segments", "recompute", "--json", user="smirnov", check=True).stdout
    )
    assert (again["moved"], again["assigned"]) == (0, 0)
    loyal = crm(
        "--db", seeded_db, "clients", "list", "--segment", "loyal", "--json", user="admin", check=True
    )
    rows = [json.loads(line) for line in loyal.stdout.splitlines()]
    assert [r["name"] for r in rows] == ["АгроЛипецк"]
    assert rows[0]["segment"] == "loyal" and rows[0]["segment_manual"] is False and rows[0]["sources"] == []
    crm("--db", seeded_db, "segments", "set", str(rows[0]["id"]), "warm", user="petrov", check=True)
    warm = crm("--db", seeded_db, "clients", "list", "--segment", "warm", "--json", user="admin", check=True)
    assert any(json.loads(line)["segment_manual"] for line in warm.stdout.splitlines())
    tick = json.loads(crm("--db", seeded_db, "schedule", "tick", "--json", user="admin", check=True).stdout)
    assert set(tick["contact_tasks"]) == {"warm", "loyal", "lost"}
    second = json.loads(crm("--db", seeded_db, "schedule", "tick", "--json", user="admin", check=True).stdout)
    assert second["skipped"] == ["contact_tasks", "deal_reminders"]  # once a day
    assert second["contact_tasks"] == {} and second["segments"]["moved"] == 0
    forced = crm("--db", seeded_db, "schedule", "tick", "--force", "--json", user="admin", check=True)
    again = json.loads(forced.stdout)
    assert again["skipped"] == [] and again["contact_tasks"] == {"warm": 0, "loyal": 0, "lost": 0}
    assert again["segments"]["moved"] == 0
    said = crm("--db", seeded_db, "schedule", "tick", user="admin", check=True).stdout.splitlines()
    assert said == [
        "segments: nothing changed since the last recompute",
        "tasks and reminders: done today already (--force runs them again)",
    ]


def test_segment_commands_refuse_bad_input_in_one_line(seeded_db: str, tmp_path: Path) -> None:
    bad = crm("--db", seeded_db, "segments", "interval", "often", user="admin")
    assert bad.returncode == 2 and "not a number of days or 'auto'" in error_line(bad)
    head = crm("--db", seeded_db, "segments", "interval", "30", user="smirnov")
    assert head.returncode == 2 and "only an admin" in error_line(head)
    crm("--db", seeded_db, "segments", "interval", "30", user="admin", check=True)
    manager = crm("--db", seeded_db, "segments", "recompute", user="ivanova")
    assert manager.returncode == 2 and "head of sales, an admin or ops" in error_line(manager)
    unknown = crm("--db", seeded_db, "clients", "list", "--segment", "hot", user="admin")
    assert unknown.returncode == 2 and "unknown segment 'hot'" in error_line(unknown)
    rules = json.loads(crm("--db", seeded_db, "segments", "rules", "lost", "--every", "60", "--json",
                           user="admin", check=True).stdout)  # fmt: skip
    assert {r["segment"]: r["contact_every_days"] for r in rules} == {"warm": 3, "loyal": 30, "lost": 60}
    png = tmp_path / "orders.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    refused = crm("--db", seeded_db, "import", "orders", str(png), user="admin")
    assert refused.returncode == 2 and error_line(refused).startswith("crm: error: orders.xlsx:")
