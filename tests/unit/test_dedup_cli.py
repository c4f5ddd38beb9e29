"""`crm dedup` as ops run it: JSON out, exit codes, one-line errors."""

from __future__ import annotations

import json

from crm_tui.domain.duplicates.threshold import DEFAULT_THRESHOLD
from tests.cli_support import crm, error_line


def test_scan_merge_undo_and_not_duplicate_from_the_command_line(seeded_db: str) -> None:
    for phone in ("84822000001", "84822000002"):
        crm("--db", seeded_db, "clients", "add", "ООО «Зенит Плюс»", "--phone", phone, "--city", "Тверь",
            user="admin", check=True)  # fmt: skip
    pairs = json.loads(crm("--db", seeded_db, "dedup", "scan", "--json", user="admin", check=True).stdout)
    [pair] = [p for p in pairs if "same city" in p["reasons"]]
    assert pair["sure"] is False and pair["score"] >= DEFAULT_THRESHOLD and "name 100" in pair["reasons"]
    left, right = str(pair["left"]), str(pair["right"])
    merged = json.loads(
        crm("--db", seeded_db, "dedup", "merge", left, right, "--json", user="admin", check=True).stdout
    )
    assert merged["survivor"] == pair["left"] and merged["merged"] == [pair["right"]]
    assert merged["moved"] == {"contact_channels": 1}
    undone = crm("--db", seeded_db, "dedup", "undo", str(merged["merge"]), "--json", user="admin", check=True)
    assert json.loads(undone.stdout)["restored"] == [pair["right"]]
    again = crm("--db", seeded_db, "dedup", "undo", str(merged["merge"]), user="admin")
    assert again.returncode == 2 and "already undone" in error_line(again)
    crm("--db", seeded_db, "dedup", "not-duplicate", left, right, user="admin", check=True)
    pairs = json.loads(crm("--db", seeded_db, "dedup", "scan", "--json", user="admin", check=True).stdout)
    assert [p for p in pairs if (p["left"], p["right"]) == (pair["left"], pair["right"])] == []


def test_managers_are_refused_in_one_line(seeded_db: str) -> None:
    result = crm("--db", seeded_db, "dedup", "scan", "--json", user="petrov")
    assert result.returncode == 2
    assert "heads of sales, admins and ops" in error_line(result)
    merge = crm("--db", seeded_db, "dedup", "merge", "1", user="admin")
    assert merge.returncode == 2 and "at least one other client" in error_line(merge)


def test_a_head_moves_the_review_threshold_and_the_scan_follows_it(seeded_db: str) -> None:
    for phone in ("84822000001", "84822000002"):
        crm("--db", seeded_db, "clients", "add", "ООО «Зенит Плюс»", "--phone", phone, "--city", "Тверь",
            user="admin", check=True)  # fmt: skip

    def scored() -> list[int]:
        out = crm("--db", seeded_db, "dedup", "scan", "--json", user="admin", check=True).stdout
        return [p["score"] for p in json.loads(out) if "same city" in p["reasons"]]

    shown = json.loads(
        crm("--db", seeded_db, "dedup", "threshold", "--json", user="admin", check=True).stdout
    )
    assert shown == {"threshold": 40, "default": 40}
    [score] = scored()
    crm("--db", seeded_db, "dedup", "threshold", str(score + 1), user="smirnov", check=True)  # a head
    assert scored() == []
    everything = crm(
        "--db", seeded_db, "dedup", "scan", "--min-score", "0", "--json", user="admin", check=True
    )
    assert score in [p["score"] for p in json.loads(everything.stdout)]
    crm("--db", seeded_db, "dedup", "threshold", "default", user="admin", check=True)
    assert scored() == [score]
    refused = crm("--db", seeded_db, "dedup", "threshold", "10", user="petrov")
    assert refused.returncode == 2 and "head of sales or an admin" in error_line(refused)
    wrong = crm("--db", seeded_db, "dedup", "threshold", "много", user="admin")
    assert wrong.returncode == 2 and "'много'" in error_line(wrong)
    out_of_range = crm("--db", seeded_db, "dedup", "threshold", "101", user="admin")
    assert out_of_range.returncode == 2 and "0..100" in error_line(out_of_range)


def test_undoing_a_merge_of_one_client_says_client_in_the_singular(seeded_db: str) -> None:
    for phone in ("84822000001", "84822000002"):
        crm("--db", seeded_db, "clients", "add", "ООО «Зенит Плюс»", "--phone", phone, "--city", "Тверь",
            user="admin", check=True)  # fmt: skip
    pairs = json.loads(crm("--db", seeded_db, "dedup", "scan", "--json", user="admin", check=True).stdout)
    [pair] = [p for p in pairs if "same city" in p["reasons"]]
    left, right = str(pair["left"]), str(pair["right"])
    merged = json.loads(
        crm("--db", seeded_db, "dedup", "merge", left, right, "--json", user="admin", check=True).stdout
    )
    undone = crm("--db", seeded_db, "dedup", "undo", str(merged["merge"]), user="admin",
                 extra_env={"LANG": "ru_RU.UTF-8"}, check=True)  # fmt: skip
    assert (
        undone.stdout == f"объединение {merged['merge']} отменено: восстановлен 1 клиент: {pair['right']}\n"
    )
