"""`crm report calls|growth|stages|silent|plan|tasks|refusals|invoices`: the figures the domain gives, one
JSON object per row, an xlsx through the one export writer, and one line for a bad option."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli_support import crm, error_line

KPIS = ("calls", "growth", "stages", "silent", "plan", "tasks", "refusals", "invoices")


def rows(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("name", KPIS)
def test_every_report_prints_a_table_and_json(seeded_db: str, name: str) -> None:
    table = crm("--db", seeded_db, "report", name, "--from", "2026-09-01", "--to", "2026-11-20", user="admin")
    assert table.returncode == 0, table.stderr
    as_json = crm(
        "--db",
        seeded_db,
        "report",
        name,
        "--from",
        "01.09.2026",
        "--to",
        "20.11.2026",
        "--json",
        user="admin",
    )
    assert as_json.returncode == 0, as_json.stderr
    for row in rows(as_json.stdout):
        assert all(key.isascii() for key in row)


def test_json_holds_the_domain_figures(seeded_db: str) -> None:
    found = rows(
        crm(
            "--db",
            seeded_db,
            "report",
            "refusals",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-20",
            "--json",
            user="admin",
        ).stdout
    )
    ivanova = next(row for row in found if row["manager"] == "ivanova")
    assert (ivanova["closed"], ivanova["won"], ivanova["lost"], ivanova["lost_amount"]) == (
        3,
        2,
        1,
        7_500_000,
    )
    regions = rows(
        crm(
            "--db",
            seeded_db,
            "report",
            "plan",
            "--by",
            "region",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--json",
            user="admin",
        ).stdout
    )
    assert {row["region"]: row["plan"] for row in regions} == {"Москва": 150_000_000, "Липецк": 100_000_000}


def test_a_manager_gets_their_own_figures_only(seeded_db: str) -> None:
    found = rows(
        crm(
            "--db",
            seeded_db,
            "report",
            "tasks",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--json",
            user="petrov",
        ).stdout
    )
    assert {row["manager"] for row in found} == {"petrov"}


def test_xlsx_export_is_formula_safe_with_numbers_as_numbers(seeded_db: str, tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    done = crm(
        "--db",
        seeded_db,
        "report",
        "plan",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--xlsx",
        str(target),
        user="admin",
    )
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet.title == "Plan and fact", "the sheet is named in the interface's language, not by code"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Login", "Manager", "Plan")
    ivanova = next(row for row in values if row[0] == "ivanova")
    assert ivanova[2] == 1_500_000 and ivanova[3] == 950_000  # roubles, as numbers


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--from", "2026-13-01"), "--from"),
        (("--to", "вчера"), "--to"),
        (("--from", "2026-11-10", "--to", "2026-11-01"), "--to"),
        (("--by", "planet"), "--by"),
        (("--days", "0"), "--days"),
    ],
)
def test_bad_options_are_one_line_naming_the_option(
    seeded_db: str, args: tuple[str, ...], named: str
) -> None:
    bad = crm("--db", seeded_db, "report", "silent", *args, user="admin")
    assert bad.returncode == 2
    assert error_line(bad).startswith(f"crm: error: {named}")


def test_an_xlsx_path_that_cannot_be_a_file_is_one_line(seeded_db: str, tmp_path: Path) -> None:
    """A folder, or a path through a file: one line naming --xlsx (a traceback before)."""
    (tmp_path / "plain").write_text("x")
    for target, why in [(tmp_path, "a folder, not a file"), (tmp_path / "plain" / "x.xlsx", "is a file")]:
        bad = crm("--db", seeded_db, "report", "calls", "--xlsx", str(target), user="admin")
        assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1, bad.stderr
        assert error_line(bad).startswith(f"crm: error: --xlsx {target}: ") and why in bad.stderr


def test_a_slice_the_report_has_not_is_refused(seeded_db: str) -> None:
    bad = crm("--db", seeded_db, "report", "plan", "--by", "day", user="admin")
    assert bad.returncode == 2 and "--by" in error_line(bad)


def test_the_digest_is_queued_once_and_without_a_sender_refused_in_one_line(seeded_db: str) -> None:
    refused = crm("--db", seeded_db, "report", "digest", "--to", "ivanova", user="admin")
    assert refused.returncode != 0 and "crm outbox sender" in error_line(refused)
    sender = crm(
        "--db", seeded_db, "outbox", "sender", "sales@ourfirm.ru", "--host", "127.0.0.1", user="admin"
    )
    assert sender.returncode == 0, sender.stderr
    first = crm("--db", seeded_db, "report", "digest", "--to", "boss@ourfirm.ru", "--json", user="admin")
    assert first.returncode == 0, first.stderr
    shown = json.loads(first.stdout)
    assert shown["queued"] and shown["to"] == "boss@ourfirm.ru" and "calls" in shown["figures"]
    again = crm("--db", seeded_db, "report", "digest", "--to", "boss@ourfirm.ru", "--json", user="admin")
    assert json.loads(again.stdout) | {"queued": True} == shown and not json.loads(again.stdout)["queued"]


def test_the_refusals_lost_column_is_the_deals_lost_not_the_segment(seeded_db: str, tmp_path: Path) -> None:
    russian = {"LANG": "ru_RU.UTF-8"}
    days = ("--from", "2026-09-01", "--to", "2026-11-20")
    table = crm("--db", seeded_db, "report", "refusals", *days, user="admin", extra_env=russian, check=True)
    assert "Проиграно" in table.stdout and "Потерянный" not in table.stdout
    target = tmp_path / "refusals.xlsx"
    crm("--db", seeded_db, "report", "refusals", *days, "--xlsx", str(target), user="admin",
        extra_env=russian, check=True)  # fmt: skip
    sheet = load_workbook(target).active
    assert sheet is not None
    header = next(sheet.iter_rows(values_only=True))
    assert "Проиграно" in header and "Потерянный" not in header
    share, amount = header.index("Доля проигранных"), header.index("Сумма проигранных")
    [*_, row] = sheet.iter_rows(min_row=2)
    assert row[share].number_format == "0.0%" and isinstance(row[share].value, float)
    assert row[amount].number_format == '#,##0.00\\ "₽"' and isinstance(row[amount].value, int | float)


@pytest.mark.parametrize("name", ["calls", "plan", "tasks", "refusals", "invoices"])
def test_region_narrows_to_what_the_region_slice_shows(seeded_db: str, name: str) -> None:
    def report(*extra: str) -> list[dict[str, object]]:
        out = crm("--db", seeded_db, "report", name, "--from", "2026-09-01", "--to", "2026-11-20",
                  "--json", *extra, user="admin")  # fmt: skip
        assert out.returncode == 0, out.stderr
        return rows(out.stdout)

    by_region = report("--by", "region")
    for region in ("Москва", "Липецк"):
        sliced = next((row for row in by_region if row["region"] == region), None)
        narrowed = report("--region", region.lower(), "--by", "region")
        assert [row["region"] for row in narrowed] == ([region] if sliced else [])
        if sliced:
            assert narrowed[0] == sliced
    people = {row["manager"] for row in report("--region", "Липецк")}
    assert people <= {"petrov"}


def test_a_head_may_not_narrow_to_another_region(seeded_db: str) -> None:
    refused = crm("--db", seeded_db, "report", "calls", "--region", "Липецк", user="smirnov")
    assert refused.returncode == 2
    assert "Липецк" in error_line(refused) and "outside your scope" in error_line(refused)
    own = crm("--db", seeded_db, "report", "calls", "--region", "Москва", "--json", user="smirnov")
    assert own.returncode == 0, own.stderr
    unknown = crm("--db", seeded_db, "report", "plan", "--region", "Атлантида", user="admin")
    assert unknown.returncode != 0 and "Атлантида" in error_line(unknown)


def test_the_leads_report_writes_a_workbook(seeded_db: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "leads.xlsx"
    args = ("--db", seeded_db, "report", "leads", "--from", "2026-09-01", "--to", "2026-11-20")
    written = crm(*args, "--by", "channel", "--xlsx", str(target), user="admin")
    assert written.returncode == 0, written.stderr
    printed = json.loads(crm(*args, "--by", "channel", "--json", user="admin").stdout)
    sheet = load_workbook(target).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:3] == ("Group", "Requests", "New")
    assert cells[1][0] == "team" and cells[1][1] == printed["team"]["requests"]
    assert len(cells) == 2 + len(printed["groups"])
    region = crm(*args, "--region", "Липецк", "--json", user="smirnov")
    assert region.returncode != 0 and "outside your scope" in error_line(region)


FITTED = [
    ("calls", ()),
    ("calls", ("--by", "manager", "--by", "week")),
    ("growth", ("--by", "region", "--by", "month")),
    ("plan", ()),
    ("tasks", ()),
    ("refusals", ()),
    ("stages", ("--by", "manager")),
    ("silent", ()),
]
NOT_COUNTS = ("amount", "plan", "fact", "projection", "seconds", "share", "days")


@pytest.mark.parametrize(("name", "by"), FITTED, ids=[" ".join((n, *b)) for n, b in FITTED])
def test_a_report_in_the_terminal_fits_80_columns_with_its_figures_whole(
    seeded_db: str, name: str, by: tuple[str, ...]
) -> None:
    """Over SSH a report is read at 80 columns: no line is wider, no figure is cut (a wide
    report goes on in a next table with the rows' names again), and every row is named."""
    from rich.cells import cell_len

    period = ("--from", "2026-09-01", "--to", "2026-11-20")
    russian = {"LANG": "ru_RU.UTF-8"}
    table = crm("--db", seeded_db, "report", name, *period, *by, user="admin", extra_env=russian)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines and max(map(cell_len, lines)) <= 80
    assert not re.search(r"\d…", table.stdout)
    found = rows(crm("--db", seeded_db, "report", name, *period, *by, "--json", user="admin").stdout)
    assert found
    for row in found:
        if row.get("manager_name"):
            assert str(row["manager_name"])[:12] in table.stdout
        for key, value in row.items():
            if isinstance(value, int) and not any(word in key for word in NOT_COUNTS) and value < 1000:
                assert re.search(rf"(?<![\d,.:]){value}(?![\d,.:%])", table.stdout), (key, value)


def test_a_wide_report_is_printed_as_tables_that_each_fit() -> None:
    """Nine figures of 18 characters beside two long names: each table fits 80 columns with the
    names in every one and every figure in exactly one; a wide terminal takes one table."""
    from crm_tui.cli.report_table import GAP, layout
    from crm_tui.domain.reports.table import Column, Kind, Report

    columns = [
        Column("manager", "Login", Kind.TEXT),
        Column("manager_name", "Manager", Kind.TEXT),
        Column("region", "Region", Kind.TEXT),
        *(Column(f"m{n}", f"Amount number {n}", Kind.MONEY) for n in range(9)),
    ]
    report = Report("wide", columns, [])
    cells = [
        ["ivanova", "Иванова-Petrova Svetlana Alexandrovna", "Нижний Новгород", *["1 234 567 890,50 ₽"] * 9]
    ]
    plan = layout(report, cells, 80)
    assert len(plan.tables) > 1
    for table in plan.tables:
        assert table[:2] == [1, 2]  # the name and the region, not the login
        assert sum(plan.widths[n] for n in table) + GAP * (len(table) - 1) <= 80
    figures = [n for table in plan.tables for n in table[2:]]
    assert sorted(figures) == list(range(3, 12))
    assert all(plan.widths[n] == 18 for n in figures)
    assert len(layout(report, cells, 250).tables) == 1


def test_an_xlsx_path_with_another_suffix_is_refused_before_the_work(seeded_db: str, tmp_path: Path) -> None:
    """`--xlsx x.csv` wrote a workbook under a csv name without a word: one line, nothing written."""
    for name in ("x.csv", "report", "x.xlsx.txt"):
        target = tmp_path / name
        bad = crm("--db", seeded_db, "report", "calls", "--xlsx", str(target), user="admin")
        assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1, bad.stderr
        assert error_line(bad).startswith(f"crm: error: --xlsx {target}: ") and ".xlsx" in bad.stderr
        assert not target.exists()
    upper = tmp_path / "REPORT.XLSX"
    done = crm("--db", seeded_db, "report", "calls", "--xlsx", str(upper), user="admin")
    assert done.returncode == 0, done.stderr
    assert load_workbook(upper).sheetnames
