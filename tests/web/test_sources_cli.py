"""`crm inbound source add|list|remove` (issue 23): a secret made here is printed once, never
listed; a vendor's secret is read from a file and never printed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_support import crm, error_line


def test_sources_by_cli_show_a_made_secret_once_and_never_a_vendors(seeded_db: str, tmp_path: Path) -> None:
    added = json.loads(
        crm("--db", seeded_db, "inbound", "source", "add", "site", "--kind", "form", "--json",
            user="admin", check=True).stdout
    )  # fmt: skip
    secret = added["secret"]
    assert len(secret) >= 40 and added["path"] == f"/hooks/form/site?token={secret}"
    vendor = tmp_path / "zadarma.secret"
    vendor.write_text("zd-api-secret\n", encoding="utf-8")
    zadarma = crm("--db", seeded_db, "inbound", "source", "add", "zadarma", "--kind", "zadarma",
                  "--secret-file", str(vendor), user="admin", check=True).stdout  # fmt: skip
    assert "zd-api-secret" not in zadarma and "/hooks/zadarma/zadarma" in zadarma
    listed = crm("--db", seeded_db, "inbound", "source", "list", "--json", user="admin", check=True).stdout
    assert json.loads(listed) == [
        {
            "name": "site",
            "kind": "form",
            "path": "/hooks/form/site?token=<token>",
            "per_minute": 600,
            "events": 0,
            "last_at": None,
            "last_outcome": None,
            "refused": 0,
            "last_refused_at": None,
            "last_refused_status": None,
            "last_refused_code": None,
        },
        {
            "name": "zadarma",
            "kind": "zadarma",
            "path": "/hooks/zadarma/zadarma",
            "per_minute": 600,
            "events": 0,
            "last_at": None,
            "last_outcome": None,
            "refused": 0,
            "last_refused_at": None,
            "last_refused_status": None,
            "last_refused_code": None,
        },
    ]
    assert secret not in listed and "zd-api-secret" not in listed
    missing = crm("--db", seeded_db, "inbound", "source", "add", "mango", "--kind", "mango", user="admin")
    assert missing.returncode == 2 and "vendor's signature" in error_line(missing)
    twice = crm("--db", seeded_db, "inbound", "source", "add", "site", "--kind", "form", user="admin")
    assert twice.returncode == 2 and "already there" in error_line(twice)
    manager = crm("--db", seeded_db, "inbound", "source", "list", user="ivanova")
    assert manager.returncode == 2 and "admin or ops" in error_line(manager)
    crm("--db", seeded_db, "inbound", "source", "remove", "site", user="admin", check=True)
    gone = crm("--db", seeded_db, "inbound", "source", "remove", "site", user="admin")
    assert gone.returncode == 2 and "no source 'site'" in error_line(gone)


def test_the_list_says_the_last_outcome_and_the_last_refusal_in_words(seeded_db: str) -> None:
    """The table showed «new»/«client» codes and nothing of the requests the receiver refused."""
    from datetime import UTC, datetime

    from crm_tui.domain.inbound.refusals import RefusalTally, keep_refusals
    from crm_tui.domain.inbound.sources import remember, source_named
    from crm_tui.domain.workspace import open_workspace

    crm("--db", seeded_db, "inbound", "source", "add", "site2", "--kind", "form", user="admin", check=True)
    ws = open_workspace(seeded_db, "admin")
    with ws.read() as session:
        source = source_named(session, "site2")
    assert source is not None
    remember(ws, source, "e1", "client")
    keep_refusals(
        ws, {source.id: RefusalTally(5, datetime(2026, 12, 7, 9, 0, tzinfo=UTC), 401, "inbound.token")}
    )
    keep_refusals(ws, {source.id: RefusalTally(1, datetime(2026, 12, 7, 9, 1, tzinfo=UTC), 429, "rate")})
    listed = json.loads(crm("--db", seeded_db, "inbound", "source", "list", "--json", user="admin").stdout)
    assert (listed[0]["refused"], listed[0]["last_refused_status"], listed[0]["last_refused_code"]) == (
        6, 429, "rate",
    )  # fmt: skip
    table = crm(
        "--db",
        seeded_db,
        "inbound",
        "source",
        "list",
        user="admin",
        extra_env={"LANG": "ru_RU.UTF-8", "COLUMNS": "300"},
    )
    assert "в истории клиента" in table.stdout and " client" not in table.stdout
    assert "429" in table.stdout and "6," in table.stdout
