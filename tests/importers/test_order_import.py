"""The sales history from the trade system: matching, idempotent re-import, undo, segments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.imports.batches import OrdersOptions
from crm_tui.domain.imports.errors import ImportFileError, MappingError
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.batches import undo_import
from crm_tui.importers.orders.service import import_orders
from crm_tui.storage.database import write_session
from crm_tui.storage.models import clients, sales_documents
from tests.importers.files import write_rows_xlsx
from tests.importers.order_files import write_invoices_xlsx, write_sales_report_csv
from tests.seed import FROZEN_NOW, Seeded

TODAY = FROZEN_NOW.date()


@pytest.fixture
def head(workspace_for: Callable[[str], Workspace]) -> Workspace:
    return workspace_for("smirnov")


def documents(engine: Engine) -> dict[str, tuple[int | None, int, bool | None]]:
    d = sales_documents.c
    with write_session(engine) as session:
        return {
            r.number: (r.client_id, r.amount, r.paid)
            for r in session.execute(select(d.number, d.client_id, d.amount, d.paid))
        }


def segment_of(engine: Engine, client_id: int) -> str | None:
    with write_session(engine) as session:
        return session.scalar(select(clients.c.segment).where(clients.c.id == client_id))


def test_invoices_journal_matched_by_inn_then_name(
    engine: Engine, seeded: Seeded, head: Workspace, tmp_path: Path
) -> None:
    path = write_invoices_xlsx(tmp_path / "Счета.xlsx", TODAY)  # the kind comes from the sheet's name
    summary = import_orders(head, path, OrdersOptions(errors_dir=tmp_path))
    assert (summary.rows, summary.documents) == (8, 6)
    assert summary.rejected == 2  # no date; an amount that is not a number
    found = documents(engine)
    assert found["ТД00-000101"] == (seeded.clients["teplo"], 120_000_00, False)  # INN as a float cell
    assert found["ТД00-000080"] == (seeded.clients["agro"], 50_000_50, True)  # by name, no INN
    assert found["ТД00-000103"] == (seeded.clients["zorin"], 15_000_00, False)  # partly paid is unpaid
    assert found["ТД00-000104"][0] is None  # kept, reported
    assert summary.unmatched == 1
    assert any("no client with INN 7736050003" in line for line in summary.problem_texts())
    assert summary.segments is not None
    assert segment_of(engine, seeded.clients["teplo"]) == "warm"  # an unpaid invoice
    assert segment_of(engine, seeded.clients["agro"]) == "loyal"  # paid 10 days ago; gaps of 30 days
    assert summary.segments.interval.days == 30
    assert summary.errors_file is not None
    assert Path(summary.errors_file).parent == tmp_path  # next to the file, not wherever cron runs
    sheet = load_workbook(summary.errors_file).active
    assert sheet is not None
    reasons = [str(row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "no date, or not a date" in reasons
    assert any(r.startswith("kept, no client: no client with INN 7736050003") for r in reasons)
    header = [str(c) for c in next(sheet.iter_rows(max_row=1, values_only=True))]
    kept = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if str(row[3]).startswith("kept"))
    named = dict(zip(header, kept, strict=True))
    assert {"Document", "Number", "Client", "INN", "Amount", "Paid"} <= set(header), header
    assert (named["Document"], named["Paid"]) == ("invoice", "no"), "words, not codes and False"


def test_reimport_changes_nothing_and_a_later_export_updates_what_changed(
    engine: Engine, seeded: Seeded, head: Workspace, tmp_path: Path
) -> None:
    first = import_orders(head, write_invoices_xlsx(tmp_path / "Счета.xlsx", TODAY), OrdersOptions())
    assert first.created == 6
    again = import_orders(head, write_invoices_xlsx(tmp_path / "Счета.xlsx", TODAY), OrdersOptions())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert again.segments is not None and again.segments.moved == 0
    later = import_orders(
        head, write_invoices_xlsx(tmp_path / "Счета-2.xlsx", TODAY, paid_later=True), OrdersOptions()
    )
    assert (later.created, later.updated, later.unchanged) == (0, 1, 5)
    assert documents(engine)["ТД00-000101"][2] is True
    assert later.segments is not None and later.segments.moves == {"warm->loyal": 1}
    report = undo_import(head, later.batch or 0)
    assert report.documents_restored == 1
    assert documents(engine)["ТД00-000101"][2] is False
    assert segment_of(engine, seeded.clients["teplo"]) == "warm"  # unpaid again: recomputed by the undo


def test_product_lines_of_one_sale_add_up(
    engine: Engine, seeded: Seeded, head: Workspace, tmp_path: Path
) -> None:
    summary = import_orders(head, write_sales_report_csv(tmp_path / "Продажи.csv", TODAY), OrdersOptions())
    assert (summary.rows, summary.documents, summary.lines_joined) == (3, 2, 1)
    found = documents(engine)
    assert found["0000-000045"] == (seeded.clients["teplo"], 92_000_00, None)
    assert found["0000-000046"][0] == seeded.clients["zorin"]  # "ИП Зорин ..." by name
    assert segment_of(engine, seeded.clients["teplo"]) == "loyal"  # one purchase: the 30-day default
    assert summary.segments is not None and summary.segments.interval.source == "default"


def test_undo_removes_the_documents_and_unmatched_ones_match_later(
    engine: Engine, seeded: Seeded, head: Workspace, tmp_path: Path, workspace_for: Callable[[str], Workspace]
) -> None:
    summary = import_orders(head, write_invoices_xlsx(tmp_path / "Счета.xlsx", TODAY), OrdersOptions())
    admin = workspace_for("admin")
    with admin.write() as session:
        create_client(
            session, admin.viewer, ClientDraft(name="Неизвестная Фирма", inn="7736050003"), FROZEN_NOW
        )
    later = import_orders(head, write_sales_report_csv(tmp_path / "Продажи.csv", TODAY), OrdersOptions())
    assert later.matched_later == 1
    assert documents(engine)["ТД00-000104"][0] is not None
    report = undo_import(head, summary.batch or 0)
    assert report.documents_removed == 6
    assert set(documents(engine)) == {"0000-000045", "0000-000046"}


def test_files_that_are_not_order_exports_are_refused_in_one_line(
    seeded: Seeded, head: Workspace, tmp_path: Path
) -> None:
    clients_file = write_rows_xlsx(tmp_path / "base.xlsx", [["Наименование", "Телефон"], ["Ромашка", "1"]])
    with pytest.raises(MappingError, match="no column for client name or INN, document number, date, amount"):
        import_orders(head, clients_file, OrdersOptions())
    with pytest.raises(ImportFileError, match="no such file"):
        import_orders(head, tmp_path / "missing.xlsx", OrdersOptions())


def test_a_file_without_document_kinds_says_so(seeded: Seeded, head: Workspace, tmp_path: Path) -> None:
    path = write_rows_xlsx(tmp_path / "выгрузка.xlsx", [["Дата", "Номер", "Контрагент", "Сумма"],
                                                         ["01.11.2026", "1", "Ромашка", 100]])  # fmt: skip
    summary = import_orders(head, path, OrdersOptions(dry_run=True))
    assert summary.rejected == 1 and "no document kind (use --kind)" in summary.problem_texts()[0]


def test_a_negative_payment_is_refused_not_booked(
    engine: Engine, seeded: Seeded, head: Workspace, tmp_path: Path
) -> None:
    """A payment of −5 000 was stored and made its client a customer (the reviewer's 1C file)."""
    path = write_rows_xlsx(tmp_path / "Оплаты.xlsx", [["Документ", "Контрагент", "Сумма"],
        ["Поступление на расчетный счет 0000-000557 от 06.11.2026", "Ромашка", "-5 000,00"]])  # fmt: skip
    summary = import_orders(head, path, OrdersOptions())
    assert (summary.rejected, summary.created) == (1, 0)
    assert "row 2: rejected: the amount -5 000,00 is not above zero" in summary.problem_texts()[0]


def test_managers_do_not_import_the_sales_history(
    seeded: Seeded, workspace_for: Callable[[str], Workspace], tmp_path: Path
) -> None:
    with pytest.raises(AccessDenied):
        import_orders(
            workspace_for("ivanova"), write_invoices_xlsx(tmp_path / "Счета.xlsx", TODAY), OrdersOptions()
        )
