"""`crm report invoices`: invoices issued, paid and overdue per manager and period, counted by
hand here from the few invoices the test makes out (ours and the 1C history's alike), by the
owner of the client; a manager sees their own; `--json` and `--xlsx` carry the same numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from itertools import count
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Engine

from crm_tui.domain.reports.invoices import invoices_report
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Slice
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import DocumentKind, clients, sales_documents
from tests.cli_support import crm
from tests.seed import CLIENTS, FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 20))
_numbers = count(1)
# client, day, roubles, paid, kind: 20 November less 10 days is the 10th, so an invoice of the
# 5th unpaid is overdue, one of the 15th not yet
INVOICES = [
    ("aqua", date(2026, 11, 2), 10_000, True, DocumentKind.INVOICE),
    ("aqua", date(2026, 11, 5), 20_000, None, DocumentKind.INVOICE),
    ("romashka", date(2026, 11, 15), 5_000, False, DocumentKind.INVOICE),
    ("aqua", date(2026, 10, 20), 99_000, None, DocumentKind.INVOICE),  # October: outside
    ("metall", date(2026, 11, 3), 7_000, None, DocumentKind.INVOICE),
    ("metall", date(2026, 11, 4), 8_000, None, DocumentKind.CONTRACT),  # not an invoice
]


def make_out(engine: Engine, client_ids: dict[str, int]) -> None:
    with write_session(engine) as session:
        for client, day, roubles, paid, kind in INVOICES:
            session.connection().execute(
                insert(sales_documents).values(
                    kind=kind.value, number=f"СЧ-{next(_numbers)}", doc_year=day.year, doc_date=day,
                    client_id=client_ids[client], client_name=client, amount=roubles * 100, paid=paid,
                    file="1c.xlsx", row=1, updated_at=FROZEN_NOW,
                )
            )  # fmt: skip


def test_issued_paid_and_overdue_per_manager_and_week(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    make_out(engine, seeded.clients)
    ws = workspace_for("admin")
    with ws.read() as session:
        per_manager = invoices_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW)
        per_week = invoices_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW, (Slice.WEEK,))
        later = invoices_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW, (), overdue_days=30)
    rows = {row["manager"]: row for row in per_manager.rows}
    figures = ("issued", "issued_amount", "paid", "paid_amount", "unpaid_amount", "overdue", "overdue_amount")
    assert [rows["ivanova"][k] for k in figures] == [3, 3_500_000, 1, 1_000_000, 2_500_000, 1, 2_000_000]
    assert [rows["petrov"][k] for k in figures] == [1, 700_000, 0, 0, 700_000, 1, 700_000]
    # weeks from Monday: the 2nd, 3rd and 5th; the 15th is a Sunday of the week of the 9th
    assert [(row["week"], row["issued"]) for row in per_week.rows] == [("2026-11-02", 3), ("2026-11-09", 1)]
    assert [later.rows[0][k] for k in ("issued", "overdue")] == [4, 0]


def test_a_manager_sees_their_own_invoices(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    make_out(engine, seeded.clients)
    ws = workspace_for("petrov")
    with ws.read() as session:
        report = invoices_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW)
    assert [(row["manager"], row["issued"]) for row in report.rows] == [("petrov", 1)]


@pytest.mark.parametrize("as_json", [True, False])
def test_crm_report_invoices_json_and_xlsx(seeded_db: str, tmp_path: Path, as_json: bool) -> None:
    engine = create_engine(f"sqlite:///{seeded_db}")
    names = {row[0]: row[1] for row in CLIENTS}
    with engine.connect() as connection:
        found = {str(name): int(i) for name, i in connection.execute(select(clients.c.name, clients.c.id))}
    make_out(engine, {key: found[name] for key, name in names.items() if name in found})
    engine.dispose()
    period = ("--from", "2026-11-01", "--to", "2026-11-20")
    if as_json:
        out = crm("--db", seeded_db, "report", "invoices", *period, "--json", user="admin")
        assert out.returncode == 0, out.stderr
        rows = {row["manager"]: row for row in map(json.loads, out.stdout.splitlines())}
        assert (rows["ivanova"]["issued_amount"], rows["petrov"]["overdue"]) == (3_500_000, 1)
        return
    target = tmp_path / "invoices.xlsx"
    out = crm(
        "--db", seeded_db, "report", "invoices", *period, "--by", "month", "--xlsx", str(target), user="admin"
    )
    assert out.returncode == 0, out.stderr
    sheet = load_workbook(target).active
    assert sheet is not None
    header, first = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert first[header.index("Invoiced")] == 42_000  # roubles, a number
    month = first[0]
    assert isinstance(month, datetime) and month.date() == date(2026, 11, 1)  # a date


def test_the_terminal_shows_the_kopecks_a_column_has(seeded_db: str) -> None:
    """Money on screen is not rounded: a column with kopecks in any figure shows them in every
    figure (the digits line up); a column of whole rubles stays whole. The JSON's kopecks are
    what the table shows."""
    engine = create_engine(f"sqlite:///{seeded_db}")
    with engine.connect() as connection:
        found = {str(name): int(i) for name, i in connection.execute(select(clients.c.name, clients.c.id))}
    ids = {key: found[name] for key, name, *_ in CLIENTS if name in found}
    with write_session(engine) as session:
        for n, (client, day, kopecks, paid) in enumerate(
            [
                ("aqua", date(2026, 11, 2), 145_997_850, True),  # Иванова's, paid: 1 459 978,50 ₽
                ("aqua", date(2026, 11, 5), 2_000_000, None),  # Иванова's, overdue: 20 000 ₽
                ("metall", date(2026, 11, 3), 700_000, None),  # Петров's, overdue: 7 000 ₽
            ]
        ):
            session.connection().execute(
                insert(sales_documents).values(
                    kind=DocumentKind.INVOICE.value, number=f"К-{n}", doc_year=day.year, doc_date=day,
                    client_id=ids[client], client_name=client, amount=kopecks, paid=paid, file="1c.xlsx",
                    row=n + 1, updated_at=FROZEN_NOW,
                )
            )  # fmt: skip
    engine.dispose()
    period = ("--from", "2026-11-01", "--to", "2026-11-20")
    as_json = crm("--db", seeded_db, "report", "invoices", *period, "--json", user="admin")
    rows = {row["manager"]: row for row in map(json.loads, as_json.stdout.splitlines())}
    assert (rows["ivanova"]["issued_amount"], rows["ivanova"]["paid_amount"]) == (147_997_850, 145_997_850)
    table = crm(
        "--db", seeded_db, "report", "invoices", *period, user="admin", extra_env={"LANG": "ru_RU.UTF-8"}
    )
    assert table.returncode == 0, table.stderr
    assert max(map(cell_len, table.stdout.splitlines())) <= 80  # two tables of four figures
    shown = table.stdout.replace("\u202f", " ")
    # issued and paid: the kopecks, Петров's whole 7 000 too; overdue: whole rubles
    for figure in ("1 479 978,50 ₽", "1 459 978,50 ₽", "7 000,00 ₽", "20 000 ₽", "7 000 ₽"):
        assert f" {figure}" in shown, figure
    assert "20 000,00" not in shown
