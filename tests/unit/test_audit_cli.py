"""`crm audit`: the trail of a client, of a user, and what a manager may read of it."""

from __future__ import annotations

import json

from tests.cli_support import crm, error_line


def rows(result: object) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]  # type: ignore[attr-defined]


def test_a_clients_trail_shows_its_edits_and_merges_and_who_made_them(seeded_db: str) -> None:
    for phone in ("84822000001", "84822000002"):
        crm("--db", seeded_db, "clients", "add", "Зенит Плюс", "--phone", phone, "--city", "Тверь",
            user="admin", check=True)  # fmt: skip
    pair = json.loads(crm("--db", seeded_db, "dedup", "scan", "--json", user="admin", check=True).stdout)[0]
    crm("--db", seeded_db, "dedup", "merge", str(pair["left"]), str(pair["right"]), user="admin", check=True)
    trail = rows(
        crm("--db", seeded_db, "audit", "--client", str(pair["left"]), "--json", user="admin", check=True)
    )
    assert [r["action"] for r in trail] == ["merge", "create"]
    assert trail[0]["user"] == "admin" and trail[0]["changes"]["merged"] == [pair["right"]]  # type: ignore[index]
    by_admin = rows(crm("--db", seeded_db, "audit", "--user", "admin", "--json", user="admin", check=True))
    assert {r["action"] for r in by_admin} >= {"create", "merge", "merged_into"}


def test_a_manager_reads_only_the_trail_of_clients_they_may_see(seeded_db: str) -> None:
    added = json.loads(
        crm(
            "--db",
            seeded_db,
            "clients",
            "add",
            "Лютик",
            "--owner",
            "ivanova",
            "--json",
            user="admin",
            check=True,
        ).stdout
    )
    refused = crm("--db", seeded_db, "audit", "--client", str(added["client"]), user="petrov")
    assert refused.returncode == 2 and "not found" in error_line(refused)
    mine = rows(
        crm(
            "--db", seeded_db, "audit", "--client", str(added["client"]), "--json", user="ivanova", check=True
        )
    )
    assert [r["action"] for r in mine] == ["create"]
    bad = crm("--db", seeded_db, "audit", "--since", "вчера", user="admin")
    assert bad.returncode == 2 and "--since" in error_line(bad)


def test_an_export_is_audited_with_who_and_how_much(seeded_db: str) -> None:
    listed = crm("--db", seeded_db, "clients", "list", "--json", user="ivanova", check=True)
    count = len(listed.stdout.splitlines())
    trail = rows(crm("--db", seeded_db, "audit", "--user", "ivanova", "--json", user="admin", check=True))
    [export] = [r for r in trail if r["entity"] == "export"]
    assert export["action"] == "clients_list" and export["changes"]["rows"] == count  # type: ignore[index]
