"""The commands scripts, cron and telephony hooks call many times a day start fast (issue 29):
they import SQLAlchemy Core and what they use, never SQLAlchemy's ORM, the import machinery,
documents, the app, nor SQLModel or pydantic (Typer 0.29 read every parameter through pydantic:
0.28 is pinned), nor the tables they do not read."""

from __future__ import annotations

import json

import pytest

from tests.cli_support import HEAVY_MODULES, crm_process, heavy_imports

LIGHT = [
    ("clients", "list", "--json"),
    ("clients", "list", "--search", "ром", "--json"),
    ("clients", "timeline", "{client}", "--json"),
    ("clients", "log", "{client}", "Позвонил, договорились о встрече"),
    ("import", "list"),
    ("import", "list", "--json"),
    ("task", "list", "--json"),
]


UNUSED_TABLES = (
    "crm_tui.storage.models",
    "crm_tui.storage.tables.campaigns",
    "crm_tui.storage.tables.leads",
    "crm_tui.storage.tables.inbound",
    "crm_tui.storage.tables.documents",
    "crm_tui.storage.tables.web",
    "crm_tui.storage.tables.report_indexes",
)
"""The tables no light command reads: defining a table and its indexes costs a millisecond or
two, and ``storage.models`` defines all 53 (~20 ms of a light command at a quiet moment, with
their share of the exit); the domain modules on these paths import their business's tables."""

ORM = ("sqlalchemy.orm",)
"""SQLAlchemy's ORM: ~65-95 ms of a light command at a quiet moment (its import and its share
of the exit); these commands read and write through a Core connection (``storage.units``)."""

ONLY_WHEN_NEEDED = ("crm_tui.keymap", "crm_tui.cli.usage_errors")
"""Ours, for some paths only: the key bindings (a settings file that rebinds keys) and Click's
messages read back in the language in force (a mistake on the command line)."""

POSTGRESQL = ("psycopg", "psycopg_binary", "sqlalchemy.dialects.postgresql")
"""What only a PostgreSQL base needs: importing the driver alone costs ~140 ms of CPU, 40% of
a light command's budget, so on SQLite nobody loads it, neither our modules nor SQLAlchemy."""


def _ours(importer: str) -> bool:
    return importer.split(".", maxsplit=1)[0] in ("crm_tui", "__main__")


@pytest.mark.parametrize("command", LIGHT, ids=" ".join)
def test_a_light_command_imports_nothing_heavy(seeded_db: str, command: tuple[str, ...]) -> None:
    listed = crm_process("--db", seeded_db, "clients", "list", "--json", user="ivanova", check=True)
    client = str(json.loads(listed.stdout.splitlines()[0])["id"])
    args = [arg.replace("{client}", client) for arg in command]
    watched = (*HEAVY_MODULES, "rich", *POSTGRESQL, *UNUSED_TABLES, *ORM, *ONLY_WHEN_NEEDED)
    loaded = heavy_imports("--db", seeded_db, *args, user="ivanova", modules=watched)
    assert {module: importer for module, importer in loaded.items() if module in UNUSED_TABLES} == {}
    if "--json" in command or command[1] == "log":  # Rich draws the tables, and only them
        assert "rich" not in loaded
    loaded.pop("rich", None)
    ours = {module: importer for module, importer in loaded.items() if _ours(importer)}
    assert ours == {}
    nobody_loads = ("sqlmodel", "pydantic", "textual", "openpyxl", "rapidfuzz", *POSTGRESQL, *ORM)
    assert not any(module in loaded for module in nobody_loads), loaded


def test_the_watch_sees_a_heavy_import(seeded_db: str) -> None:
    """The check above can fail: a command that does import the heavy modules is caught."""
    loaded = heavy_imports("--db", seeded_db, "dedup", "scan", "--json", user="smirnov")
    assert "rapidfuzz" in loaded


def test_the_versioned_tables_named_by_the_audit_are_tables_with_a_version() -> None:
    """``audit.changes.ENTITIES`` names its tables rather than importing them (the campaigns'
    and the requests' stay out of the commands that change a client): each name is a table that
    has a version."""
    from crm_tui.domain.audit.changes import ENTITIES
    from crm_tui.storage.models import metadata

    assert all("version" in metadata.tables[name].c for name in ENTITIES)
