"""`crm`'s human output shows values from outside as typed: no console markup read (a name
``[/]`` ended `crm clients list` in a MarkupError), no escape sequence passed to the terminal,
no link planted; and no control character gets in from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import audit_entries
from tests.cli_support import CliResult, crm
from tests.hostile import Planted, has_controls, plant, planted_values, shown
from tests.seed import FROZEN_NOW, Seeded, seed_team

WIDE = {"COLUMNS": "400"}
"""Room for every table cell on one line, so a value is found whole in the output."""


@pytest.fixture
def team_db(tmp_path: Path, prepared: Callable[[str], Engine]) -> tuple[str, Engine, Seeded]:
    path = str(tmp_path / "team.db")
    engine = prepared(path)
    return path, engine, seed_team(engine)


def human(db: str, *args: str, user: str = "ivanova") -> CliResult:
    """``crm`` without --json; it must succeed and print no control character."""
    result = crm("--db", db, *args, user=user, extra_env=WIDE)
    assert result.returncode == 0, result.stderr
    assert not has_controls(result.stdout), result.stdout
    return result


def in_output(value: str, result: CliResult) -> bool:
    return shown(value).strip() in result.stdout


def test_a_user_named_like_markup_does_not_break_the_user_list(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    crm("--db", db, "db", "upgrade", check=True)  # a base must exist before other commands use it
    crm("--db", db, "user", "add", "x", "--name", "[/]", check=True)
    crm(
        "--db",
        db,
        "user",
        "add",
        "y",
        "--name",
        "[bold red]Красный[/bold red] [link=http://evil.example]жми",
        check=True,
    )
    listed = crm("--db", db, "user", "list", extra_env=WIDE, check=True)
    assert "MarkupError" not in listed.stderr
    assert "│ [/] " in listed.stdout
    assert "[bold red]Красный[/bold red] [link=http://evil.example]жми" in listed.stdout


def test_markup_in_a_client_s_name_is_printed_as_typed_even_in_colour(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    crm("--db", db, "db", "upgrade", check=True)  # a base must exist before other commands use it
    crm("--db", db, "clients", "add", "ООО [/] x", check=True)
    crm("--db", db, "clients", "add", "[bold red]Злой[/] [link=http://evil.example]жми[/link]", check=True)
    plain = crm("--db", db, "clients", "list", extra_env=WIDE, check=True)
    assert "ООО [/] x" in plain.stdout
    assert "[bold red]Злой[/] [link=http://evil.example]жми[/link]" in plain.stdout
    coloured = crm("--db", db, "clients", "list", extra_env={**WIDE, "FORCE_COLOR": "1"}, check=True)
    assert "[bold red]Злой[/] [link=http://evil.example]жми[/link]" in coloured.stdout
    assert "\x1b]8;" not in coloured.stdout and "31m" not in coloured.stdout  # no link, no red


def test_control_characters_do_not_get_in_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    crm("--db", db, "db", "upgrade", check=True)  # a base must exist before other commands use it
    crm("--db", db, "clients", "add", "ООО \x1b[31mРомашка\x07\u202e", "--city", "Мос\x1bква", check=True)
    crm("--db", db, "user", "add", "z", "--name", "Зорин\x1b]8;;http://evil.example\x07 ", check=True)
    # Bytes that are not UTF-8 are refused in one line (tests/importers/test_unstorable_text.py).
    refused = crm("--db", db, "user", "add", "w", "--name", "Зорин \udcff")
    assert refused.returncode == 2 and "is not UTF-8 text" in refused.stderr
    [client] = [
        json.loads(line)
        for line in crm("--db", db, "clients", "list", "--json", check=True).stdout.splitlines()
    ]
    assert (client["legal_form"], client["name"], client["city"]) == ("ООО", "[31mРомашка", "Москва")
    users = [
        json.loads(line) for line in crm("--db", db, "user", "list", "--json", check=True).stdout.splitlines()
    ]
    assert [u["full_name"] for u in users if u["login"] == "z"] == ["Зорин]8;;http://evil.example"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=planted_values())
def test_values_already_in_the_base_are_printed_as_typed_by_every_human_output(
    team_db: tuple[str, Engine, Seeded], values: Planted
) -> None:
    """Whatever the base holds (written before the way in was guarded, or by another road):
    the clients list, the user list, a client's timeline and the audit trail print it as its
    characters, with no control character and no markup read."""
    db, engine, seeded = team_db
    plant(engine, seeded, values)
    romashka = seeded.clients["romashka"]
    with engine.begin() as conn:
        conn.execute(
            insert(audit_entries).values(
                at=FROZEN_NOW + timedelta(days=1),
                user_id=seeded.users["ivanova"],
                entity="client",
                entity_id=romashka,
                action="edit",
                changes={"name": ["Ромашка", values.client]},
            )
        )
    dispose_engines()
    assert in_output(values.client, human(db, "clients", "list"))
    assert in_output(values.user, human(db, "user", "list"))
    assert in_output(values.touch, human(db, "clients", "timeline", str(romashka)))
    audit = human(db, "audit", "--client", str(romashka), "--limit", "1", user="admin")
    assert repr(values.client) in audit.stdout or in_output(values.client, audit)


ROOT = Path(__file__).resolve().parents[2]
CODE = ("crm_tui", "storage", "importers", "scheduling", "screens", "widgets")


def our_code() -> dict[str, str]:
    """Every module of ours by its path from the root (the links in crm_tui/ not followed)."""
    found = {}
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.resolve().is_relative_to(ROOT / folder):
                found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return found


def test_one_way_out_for_human_output_and_one_writer_for_files() -> None:
    """A command that printed with typer.echo or its own Rich table, or a module that wrote its
    own workbook or CSV, would skip the rule: they go through crm_tui/cli/common.py (say,
    print_table) and crm_tui/domain/exports.py."""
    printing = {"typer.echo(", "Console(", "Table("}
    writing = {"Workbook(", "csv.writer(", "DictWriter(", ".to_excel(", "xlsxwriter"}
    for path, text in our_code().items():
        if path.startswith("crm_tui/cli/") and path != "crm_tui/cli/common.py":
            assert not [word for word in printing if word in text], path
        if path != "crm_tui/domain/exports.py":
            assert not [word for word in writing if word in text], path
