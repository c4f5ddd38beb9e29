"""Issue 26's remainder in the CLI: every report to CSV beside the xlsx (a Russian Excel's CSV:
UTF-8 with a BOM, semicolons, decimal commas; read back here and compared with `--json`), the
issue's command names `clients` and `idle` (the older `growth` and `silent` still run), and
`--by source` where a report has a source (calls) and refused in one line where it has none."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from crm_tui.domain.reports.table import Kind
from tests.cli_support import crm, error_line

PERIOD = ("--from", "2026-09-01", "--to", "2026-11-20")
RUSSIAN = {"LANG": "ru_RU.UTF-8"}


def json_rows(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM: Excel reads the Cyrillic right"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def as_json_value(kind: Kind, text: str) -> object:
    """A CSV cell read back as `--json` holds it (money in kopecks, talk time in seconds)."""
    if text == "":
        return None
    match kind:
        case Kind.MONEY:
            assert "." not in text and " " not in text, text  # a decimal comma, no grouping
            return round(float(text.replace(",", ".")) * 100)
        case Kind.COUNT:
            return int(text)
        case Kind.SHARE | Kind.DAYS:
            return float(text.replace(",", "."))
        case Kind.SECONDS:
            hours, minutes, seconds = (int(part) for part in text.split(":"))
            return hours * 3600 + minutes * 60 + seconds
        case Kind.DATE:
            day, month, year = (int(part) for part in text.split("."))
            return date(year, month, day).isoformat()
        case _:
            return text


@pytest.mark.parametrize(
    ("name", "by"),
    [("plan", ()), ("calls", ("--by", "manager", "--by", "day")), ("tasks", ()), ("refusals", ())],
)
def test_csv_reads_back_as_the_json(seeded_db: str, tmp_path: Path, name: str, by: tuple[str, ...]) -> None:
    target = tmp_path / f"{name}.csv"
    written = crm("--db", seeded_db, "report", name, *PERIOD, *by, "--csv", str(target), user="admin",
                  extra_env=RUSSIAN)  # fmt: skip
    assert written.returncode == 0, written.stderr
    printed = json_rows(crm("--db", seeded_db, "report", name, *PERIOD, *by, "--json", user="admin").stdout)
    header, *cells = read_csv(target)
    assert len(cells) == len(printed) and printed
    # the columns in the report's order, headed in the interface's language
    kinds = _kinds(name, by)
    keys = list(kinds)
    assert set(keys) == set(printed[0])
    assert header[0] in ("Логин", "День"), header
    assert all(not h.isascii() for h in header), header
    for row, line in zip(printed, cells, strict=True):
        assert len(line) == len(keys)
        for key, text in zip(keys, line, strict=True):
            if key in ("manager_name",):
                assert text == row[key]
                continue
            value = as_json_value(kinds[key], text)
            expected = row[key]
            if isinstance(expected, float):
                assert value == pytest.approx(expected), key
            else:
                assert value == expected, key


def _kinds(name: str, by: tuple[str, ...]) -> dict[str, Kind]:
    from crm_tui.domain.reports import calls, plan, refusals, task_control
    from crm_tui.domain.reports.table import SLICE_COLUMNS, Slice

    module = {"plan": plan, "calls": calls, "tasks": task_control, "refusals": refusals}[name]
    slices = [Slice(v) for v in by[1::2]] or [Slice.MANAGER]
    columns = [c for s in slices for c in SLICE_COLUMNS[s]] + list(module.COLUMNS)
    return {c.key: c.kind for c in columns}


def test_a_text_cell_that_looks_like_a_formula_stays_text_in_the_csv(seeded_db: str, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, update

    from crm_tui.storage.models import users

    engine = create_engine(f"sqlite:///{seeded_db}")
    with engine.begin() as db:
        db.execute(update(users).where(users.c.login == "ivanova").values(full_name="=HYPERLINK(1)"))
    engine.dispose()
    target = tmp_path / "plan.csv"
    crm("--db", seeded_db, "report", "plan", *PERIOD, "--csv", str(target), user="admin", check=True)
    _header, *cells = read_csv(target)
    assert next(line[:2] for line in cells if line[0] == "ivanova") == ["ivanova", "'=HYPERLINK(1)"]


def test_the_leads_report_writes_a_csv(seeded_db: str, tmp_path: Path) -> None:
    target = tmp_path / "leads.csv"
    args = ("--db", seeded_db, "report", "leads", *PERIOD, "--by", "channel")
    crm(*args, "--csv", str(target), user="admin", check=True)
    printed = json.loads(crm(*args, "--json", user="admin").stdout)
    header, team, *groups = read_csv(target)
    assert header[:3] == ["Group", "Requests", "New"]
    assert team[0] == "team" and int(team[1]) == printed["team"]["requests"]
    assert len(groups) == len(printed["groups"])


def test_a_csv_path_with_another_suffix_is_refused_in_one_line(seeded_db: str, tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    bad = crm("--db", seeded_db, "report", "calls", "--csv", str(target), user="admin")
    assert bad.returncode == 2 and error_line(bad).startswith(f"crm: error: --csv {target}: ")
    assert not target.exists()


@pytest.mark.parametrize(("name", "old"), [("clients", "growth"), ("idle", "silent")])
def test_the_issues_names_run_the_reports_and_the_old_names_still_do(
    seeded_db: str, name: str, old: str
) -> None:
    new = crm("--db", seeded_db, "report", name, *PERIOD, "--json", user="admin")
    assert new.returncode == 0, new.stderr
    kept = crm("--db", seeded_db, "report", old, *PERIOD, "--json", user="admin")
    assert kept.returncode == 0 and kept.stdout == new.stdout
    listed = crm("--db", seeded_db, "report", "--help", user="admin").stdout
    assert f" {name} " in listed and f" {old} " not in listed  # the old name is a hidden alias


def test_calls_by_source_and_a_report_without_sources_refuses_it(seeded_db: str) -> None:
    done = crm("--db", seeded_db, "report", "calls", *PERIOD, "--by", "source", "--json", user="admin")
    assert done.returncode == 0, done.stderr
    found = json_rows(done.stdout)
    assert found and all("source" in row for row in found)
    whole = json_rows(crm("--db", seeded_db, "report", "calls", *PERIOD, "--by", "region", "--json",
                          user="admin").stdout)  # fmt: skip
    for key in ("calls_in", "calls_out", "answered", "missed", "talk_seconds", "mails_in", "mails_out"):
        assert sum(int(str(row[key])) for row in found) == sum(int(str(row[key])) for row in whole), key
    for name in ("plan", "clients", "idle", "tasks", "refusals", "invoices", "stages"):
        bad = crm("--db", seeded_db, "report", name, *PERIOD, "--by", "source", user="admin")
        assert bad.returncode == 2 and "no source slice" in error_line(bad), name


def test_a_manager_may_not_queue_the_digest_to_an_outside_address(seeded_db: str) -> None:
    crm(
        "--db",
        seeded_db,
        "outbox",
        "sender",
        "sales@ourfirm.ru",
        "--host",
        "127.0.0.1",
        user="admin",
        check=True,
    )
    refused = crm("--db", seeded_db, "report", "digest", "--to", "evil@example.com", user="ivanova")
    assert refused.returncode != 0 and "the digest may not go to evil@example.com" in error_line(refused)
    head = crm("--db", seeded_db, "report", "digest", "--to", "petrov", user="smirnov")
    assert head.returncode != 0 and "the digest may not go to petrov" in error_line(head)
    admin = crm("--db", seeded_db, "report", "digest", "--to", "evil@example.com", "--json", user="admin")
    assert admin.returncode == 0 and json.loads(admin.stdout)["queued"]
