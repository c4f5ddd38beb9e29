"""`crm` as ops run it from cron: exit codes, one-line errors, JSON, and no Textual import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from crm_tui import __version__
from crm_tui.domain.workspace import prepare_database
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.schema import HEAD_REVISION
from tests.cli_support import crm, crm_process, error_line, textual_loaded


def test_version_and_help_without_textual() -> None:
    version = crm("--version", check=True)
    assert version.stdout.strip() == f"crm_tui {__version__}"
    help_ = crm_process("--help", check=True)
    assert "clients" in help_.stdout and "demo" in help_.stdout
    assert not textual_loaded(help_)


def test_fresh_start_makes_the_os_user_admin(tmp_path: Path) -> None:
    db = str(tmp_path / "new" / "crm.db")
    upgraded = crm("--db", db, "db", "upgrade", "--json", check=True)
    assert json.loads(upgraded.stdout)["to"] == HEAD_REVISION
    users = crm_process("--db", db, "user", "list", "--json", check=True)
    assert [json.loads(line)["role"] for line in users.stdout.splitlines()] == ["admin"]
    assert not textual_loaded(users)


def test_default_database_lives_in_the_data_folder(tmp_path: Path) -> None:
    crm("db", "upgrade", data_dir=tmp_path / "data", check=True)
    crm("user", "list", data_dir=tmp_path / "data", check=True)
    assert (tmp_path / "data" / "crm.db").exists()


def test_env_var_selects_the_database(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    crm("db", "upgrade", extra_env={"CRM_DATABASE_URL": str(db)}, check=True)
    crm("user", "list", extra_env={"CRM_DATABASE_URL": str(db)}, check=True)
    assert db.exists()


MISSING_DB_COMMANDS = [
    ("user", "list"),
    ("user", "add", "petrov", "--name", "Петров Андрей"),
    ("clients", "list", "--json"),
    ("clients", "add", "Ромашка"),
    ("import", "list"),
    ("import", "clients", "clients.csv", "--json"),
    ("import", "orders", "orders.csv", "--dry-run"),
    ("import", "undo", "1"),
    ("dedup", "scan", "--json"),
    ("segments", "recompute"),
    ("schedule", "tick", "--json"),
    ("report", "funnel"),
    ("pipeline", "list"),
    ("fields", "list"),
    ("handover", "undo", "1"),
    ("audit",),
    ("db", "copy", "--to", "copy.db"),
]


@pytest.mark.parametrize("args", MISSING_DB_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_mistyped_database_is_refused_not_created(tmp_path: Path, args: tuple[str, ...]) -> None:
    """A cron job with a typo in --db (or CRM_DATABASE_URL) must not run against a new, empty base."""
    (tmp_path / "clients.csv").write_text("Наименование;ИНН\nРомашка;7707083893\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text("Контрагент;Сумма\nРомашка;100\n", encoding="utf-8")
    missing = tmp_path / "typo" / "crm.db"
    args = tuple(str(tmp_path / a) if a.endswith((".csv", ".db")) else a for a in args)
    ways: list[tuple[tuple[str, ...], dict[str, str] | None]] = [
        (("--db", str(missing)), None),
        ((), {"CRM_DATABASE_URL": str(missing)}),
    ]
    for flag, env in ways:
        result = crm(*flag, *args, user="admin", data_dir=tmp_path / "data", extra_env=env)
        assert result.returncode == 2, result.stdout
        assert error_line(result) == (
            f"crm: error: no database at {missing}: check the path (--db, CRM_DATABASE_URL), "
            "or create it with `crm db upgrade`"
        )
    assert not (tmp_path / "typo").exists() and not (tmp_path / "data" / "crm.db").exists()
    assert not (tmp_path / "copy.db").exists()


def test_a_missing_default_database_is_refused_by_commands_and_the_app_opens_only_the_default(
    tmp_path: Path,
) -> None:
    """Only `crm db upgrade`, `crm demo` and the app's first start on the default file create a
    base; the app is refused a path it was given that is not there."""
    data = tmp_path / "data"
    result = crm("import", "list", data_dir=data)
    assert result.returncode == 2 and f"no database at {data / 'crm.db'}" in error_line(result)
    app = crm("--db", str(tmp_path / "typo.db"), data_dir=data)
    assert app.returncode == 2 and f"no database at {tmp_path / 'typo.db'}" in error_line(app)
    assert not (tmp_path / "typo.db").exists() and not data.exists()
    made = crm("--db", str(tmp_path / "new" / "crm.db"), "db", "upgrade", "--json", data_dir=data, check=True)
    assert json.loads(made.stdout)["to"]
    crm("--db", str(tmp_path / "new" / "crm.db"), "import", "list", data_dir=data, check=True)


def test_a_server_database_is_not_looked_for_on_disk() -> None:
    from crm_tui.storage.database import require_existing

    require_existing("postgresql+psycopg://crm@127.0.0.1:1/crm")  # the connection will say why not


def test_user_add_then_list(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    crm("--db", db, "db", "upgrade", check=True)
    added = crm(
        "--db",
        db,
        "user",
        "add",
        "petrov",
        "--name",
        "Петров Андрей",
        "--role",
        "manager",
        "--region",
        "Липецк",
        "--target",
        "1000000",
        "--json",
        check=True,
    )
    assert json.loads(added.stdout)["monthly_target"] == 100_000_000
    listed = [
        json.loads(line) for line in crm("--db", db, "user", "list", "--json", check=True).stdout.splitlines()
    ]
    assert {(u["login"], u["role"], u["region"]) for u in listed} == {
        ("root", "admin", None),
        ("petrov", "manager", "Липецк"),
    }


def test_clients_list_json_is_one_object_per_client(seeded_db: str) -> None:
    result = crm_process("--db", seeded_db, "clients", "list", "--json", user="ivanova", check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 6
    romashka = next(r for r in rows if r["name"] == "Ромашка")
    assert {k: romashka[k] for k in ("inn", "phones", "emails", "owner", "region", "status")} == {
        "inn": "7707083893",
        "phones": ["+74951112233"],
        "emails": ["info@romashka.ru"],
        "owner": "ivanova",
        "region": "Москва",
        "status": "customer",
    }
    assert isinstance(romashka["id"], int)
    assert not textual_loaded(result)


def test_clients_list_filters(seeded_db: str) -> None:
    by_owner = crm(
        "--db", seeded_db, "clients", "list", "--json", "--owner", "petrov", user="admin", check=True
    )
    assert {json.loads(line)["name"] for line in by_owner.stdout.splitlines()} == {
        "Липецкий металл",
        "АгроЛипецк",
    }
    searched = crm(
        "--db", seeded_db, "clients", "list", "--json", "--search", "ВЕКТОР", user="admin", check=True
    )
    assert [json.loads(line)["name"] for line in searched.stdout.splitlines()] == ["Вектор Плюс"]
    table = crm("--db", seeded_db, "clients", "list", user="ivanova", check=True)
    assert "Ромашка" in table.stdout


def test_admin_acts_as_another_user(seeded_db: str) -> None:
    result = crm("--db", seeded_db, "--user", "petrov", "clients", "list", "--json", user="admin", check=True)
    assert len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "user", "message"),
    [
        (("--db", "mysql://x@y/z", "user", "list"), "root", "unsupported database"),
        (
            ("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "user", "list"),
            "root",
            "cannot use database",
        ),
        (("clients", "list", "--owner", "nobody"), "admin", "unknown owner 'nobody'"),
        (("clients", "list", "--status", "vip"), "admin", "unknown status 'vip'"),
        (("user", "list"), "stranger", "unknown user 'stranger'"),
        (("--user", "admin", "user", "list"), "ivanova", "only an admin"),
        (("user", "add", "x1", "--name", "X"), "ivanova", "only an admin manages users (adds them"),
        (("user", "add", "petrov", "--name", "X"), "admin", "already exists"),
        (("user", "add", "x2", "--name", "X", "--role", "boss"), "admin", "unknown role 'boss'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    seeded_db: str, args: tuple[str, ...], user: str, message: str
) -> None:
    if "--db" not in args:
        args = ("--db", seeded_db, *args)
    result = crm(*args, user=user)
    assert result.returncode == 2
    assert message in error_line(result)


def test_a_database_from_a_newer_version(seeded_db: str) -> None:
    engine = prepare_database(seeded_db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    dispose_engines()
    result = crm("--db", seeded_db, "clients", "list", user="admin")
    assert result.returncode == 2
    assert "newer than this crm_tui knows" in error_line(result)


def test_a_database_path_that_cannot_exist(tmp_path: Path) -> None:
    """In a real process: the interpreter's exit code and all it writes on stderr."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = crm_process("--db", str(blocker / "crm.db"), "db", "upgrade")
    assert result.returncode == 2
    assert "cannot create the folder" in error_line(result)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "clients.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a database" * 100)
    result = crm("--db", str(junk), "user", "list")
    assert result.returncode == 2
    assert str(junk) in error_line(result)


def test_demo_takes_db_after_the_command_as_before_it(seeded_db: str, tmp_path: Path) -> None:
    for args in (("--db", seeded_db, "demo", "--no-tui"), ("demo", "--no-tui", "--db", seeded_db)):
        refused = crm(*args, data_dir=tmp_path / "data")
        assert refused.returncode == 2 and "already holds clients" in error_line(refused), args
    both = crm("--db", seeded_db, "demo", "--no-tui", "--db", str(tmp_path / "other.db"), data_dir=tmp_path)
    assert both.returncode == 2 and "--db: given twice" in error_line(both)
    assert not (tmp_path / "other.db").exists()


def test_demo_prints_the_command_as_it_was_run_when_crm_is_not_on_path() -> None:
    """`.venv/bin/crm demo` printed «crm --db …», which a shell without crm on PATH cannot run."""
    import sys

    from crm_tui.cli.demo import as_invoked

    assert as_invoked(".venv/bin/crm", None) == ".venv/bin/crm"
    assert as_invoked(".venv/bin/crm", "/usr/local/bin/crm") == "crm"
    assert as_invoked("/x/crm_tui/__main__.py", None) == f"{sys.executable} -m crm_tui"
    assert as_invoked("/home/me/my crm/crm", None) == "'/home/me/my crm/crm'"
