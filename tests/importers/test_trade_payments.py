"""A payment the trade system exports (`crm import orders`) pays our invoice as the bank
statement's would, and one payment order is counted once whichever of the two brings it first:
the invoice's paid sum, its "paid" mark and `crm report invoices` agree either way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm_tui.domain.documents.bank_file import BankPayment, statement_bytes
from crm_tui.domain.documents.making import make_document
from crm_tui.domain.documents.payments import order_number
from crm_tui.domain.imports.batches import OrdersOptions
from crm_tui.domain.reports.invoices import invoices_report
from crm_tui.domain.reports.period import Period
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.bank.service import BankSummary, import_bank
from crm_tui.importers.orders.service import import_orders
from crm_tui.storage.models import deal_documents, deals, payments, sales_documents
from tests.documents.support import COMPANY, fill_requisites
from tests.importers.order_files import INN
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

DAY = FROZEN_NOW.date()
PAYER_ACCOUNT = "40702810100000000001"


@pytest.fixture
def invoice(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> tuple[int, str, int]:
    """Our invoice for Вектор Плюс's deal: its id, number and amount."""
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    fill_requisites(admin, seeded.clients["vektor"])
    made = make_document(manager, seeded.deals["d_inv_vektor"], "invoice")
    with admin.read() as session:
        document_id = session.scalar(
            select(sales_documents.c.id).where(
                sales_documents.c.number == made.number, sales_documents.c.kind == "invoice"
            )
        )
    assert document_id is not None
    return document_id, made.number, made.amount


def one_c_payments(path: Path, invoice: str, paid: list[tuple[str, int]], *, padded: bool = True) -> Path:
    """1C's "Поступления на расчетный счет" (CSV, Windows-1251): the payment order's number as 1C
    pads it (or as given), the invoice named in the purpose."""
    lines = ["Дата;Номер;Контрагент;ИНН;Сумма;Назначение платежа\r\n"]
    for number, kopecks in paid:
        rubles, rest = divmod(kopecks, 100)
        written = f"0000{number}" if padded else number
        lines.append(
            f"{DAY:%d.%m.%Y};{written};Вектор Плюс АО;{INN['vektor']};{rubles},{rest:02d};"
            f"Оплата по счету № {invoice} от {DAY:%d.%m.%Y}\r\n"
        )
    path.write_bytes("".join(lines).encode("cp1251"))
    return path


def bank(ws: Workspace, path: Path, invoice: str, paid: list[tuple[str, int]]) -> BankSummary:
    items = [
        BankPayment(number, DAY, kopecks, "АО «Вектор Плюс»", INN["vektor"], PAYER_ACCOUNT,
                    f"Оплата по счету № {invoice} от {DAY:%d.%m.%Y}")
        for number, kopecks in paid
    ]  # fmt: skip
    path.write_bytes(statement_bytes(COMPANY["name"], COMPANY["inn"], COMPANY["account"], items))
    return import_bank(ws, path)


def paid_state(ws: Workspace, document_id: int) -> tuple[int, int, int, bool]:
    """How many payments, their sum, the invoice's paid sum, its paid mark."""
    with ws.read() as session:
        count, total = session.execute(
            select(func.count(), func.coalesce(func.sum(payments.c.amount), 0)).where(
                payments.c.document_id == document_id
            )
        ).one()
        paid_amount = session.scalar(
            select(deal_documents.c.paid_amount).where(deal_documents.c.document_id == document_id)
        )
        paid = session.scalar(select(sales_documents.c.paid).where(sales_documents.c.id == document_id))
    return int(count), int(total), int(paid_amount or 0), bool(paid)


def overdue_unpaid(ws: Workspace) -> tuple[int, int]:
    """`crm report invoices` three weeks on: the overdue invoices and the unpaid sum."""
    with ws.read() as session:
        report = invoices_report(
            session, ws.viewer, Period(date(2026, 11, 1), date(2026, 11, 30)), MOSCOW,
            FROZEN_NOW + timedelta(days=21), (),
        )  # fmt: skip
    (row,) = report.rows
    return int(str(row["overdue"])), int(str(row["unpaid_amount"]))


def deal_status(ws: Workspace, deal_id: int) -> str:
    with ws.read() as session:
        return str(session.scalar(select(deals.c.status).where(deals.c.id == deal_id)))


@pytest.mark.parametrize("first", ["1c", "bank"])
def test_one_payment_order_is_counted_once_whichever_source_brings_it_first(
    workspace_for: Callable[[str], Workspace],
    seeded: Seeded,
    invoice: tuple[int, str, int],
    tmp_path: Path,
    first: str,
) -> None:
    admin, head = workspace_for("admin"), workspace_for("smirnov")
    document_id, number, amount = invoice
    part, rest = 20_000_000, amount - 20_000_000
    overdue_before, unpaid_before = overdue_unpaid(admin)
    assert overdue_before >= 1 and unpaid_before >= amount  # ours is overdue three weeks on

    one_c = one_c_payments(tmp_path / "Поступления на расчетный счет.csv", number, [("231", part)])
    if first == "1c":
        imported = import_orders(head, one_c, OrdersOptions())
        assert imported.funnel is not None and imported.funnel.paid_invoices == []
        assert paid_state(admin, document_id) == (1, part, part, False)
        statement = bank(admin, tmp_path / "kl_to_1c.txt", number, [("231", part), ("232", rest)])
        assert (statement.new, statement.already) == (1, 1)  # 231 was booked from 1C
        assert statement.paid_invoices == [document_id]
    else:
        statement = bank(admin, tmp_path / "kl_to_1c.txt", number, [("231", part)])
        assert (statement.new, statement.already) == (1, 0)
        imported = import_orders(head, one_c, OrdersOptions())
        assert imported.funnel is not None and imported.funnel.paid_invoices == []
        assert paid_state(admin, document_id) == (1, part, part, False)  # not booked twice
        rest_from_1c = one_c_payments(tmp_path / "Поступления 2.csv", number, [("231", part), ("232", rest)])
        imported = import_orders(head, rest_from_1c, OrdersOptions())
        assert imported.funnel is not None and imported.funnel.paid_invoices == [document_id]

    assert paid_state(admin, document_id) == (2, amount, amount, True)
    assert deal_status(admin, seeded.deals["d_inv_vektor"]) == "won"
    assert overdue_unpaid(admin) == (overdue_before - 1, unpaid_before - amount)
    again = bank(admin, tmp_path / "kl_to_1c again.txt", number, [("231", part), ("232", rest)])
    assert (again.new, again.paid_invoices) == (0, [])
    assert paid_state(admin, document_id) == (2, amount, amount, True)


def test_a_payment_from_1c_alone_settles_the_invoice_and_the_report(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, invoice: tuple[int, str, int], tmp_path: Path
) -> None:
    """The reviewer's case: 1C's payment won the deal, but the invoice stayed unpaid and overdue in
    `crm report invoices` until a bank statement came."""
    admin, head = workspace_for("admin"), workspace_for("smirnov")
    document_id, number, amount = invoice
    overdue_before, unpaid_before = overdue_unpaid(admin)
    imported = import_orders(
        head, one_c_payments(tmp_path / "Поступления на расчетный счет.csv", number, [("231", amount)]),
        OrdersOptions(),
    )  # fmt: skip
    assert imported.funnel is not None and imported.funnel.paid_invoices == [document_id]
    assert [m.deal for m in imported.funnel.moved] == [seeded.deals["d_inv_vektor"]]
    assert paid_state(admin, document_id) == (1, amount, amount, True)
    assert overdue_unpaid(admin) == (overdue_before - 1, unpaid_before - amount)


@pytest.mark.parametrize(
    ("written", "plain"),
    [("401", "401"), ("0000000401", "401"), ("0000-000401", "401"), ("ОФ00-000401", "401"), (" 401 ", "401")],
)
def test_a_payment_order_number_is_its_digits_without_leading_zeros(written: str, plain: str) -> None:
    assert order_number(written) == plain


NUMBER_SHAPES = [
    ("0000-000401", "401"),  # 1C's usual prefix and padding
    ("ОФ00-000401", "401"),  # an organisation's prefix
    ("0000-000401", "0000000401"),  # a bank that pads too
    ("401", "401"),
]


@pytest.mark.parametrize("first", ["1c", "bank"])
@pytest.mark.parametrize(("one_c_number", "bank_number"), NUMBER_SHAPES)
def test_a_part_payment_is_counted_once_whatever_its_number_looks_like(
    workspace_for: Callable[[str], Workspace],
    invoice: tuple[int, str, int],
    tmp_path: Path,
    first: str,
    one_c_number: str,
    bank_number: str,
) -> None:
    """The reviewer's case: half the invoice paid, 1C numbering the order "0000-000401" and the
    bank "401"; counted twice, the invoice would read as paid."""
    admin, head = workspace_for("admin"), workspace_for("smirnov")
    document_id, number, amount = invoice
    half = amount // 2
    one_c = one_c_payments(tmp_path / "Поступления.csv", number, [(one_c_number, half)], padded=False)
    statement_path = tmp_path / "kl_to_1c.txt"
    if first == "1c":
        import_orders(head, one_c, OrdersOptions())
        statement = bank(admin, statement_path, number, [(bank_number, half)])
        assert (statement.new, statement.already, statement.unmatched) == (0, 1, [])
    else:
        statement = bank(admin, statement_path, number, [(bank_number, half)])
        assert (statement.new, statement.already) == (1, 0)
        imported = import_orders(head, one_c, OrdersOptions())
        assert imported.funnel is not None
        assert (imported.funnel.payments_new, imported.funnel.payments_known) == (0, 1)
        assert imported.funnel.paid_invoices == []
    assert paid_state(admin, document_id) == (1, half, half, False)


@pytest.mark.parametrize("first", ["1c", "bank"])
def test_a_payment_of_a_paid_invoice_from_the_other_source_is_already_loaded(
    workspace_for: Callable[[str], Workspace],
    invoice: tuple[int, str, int],
    tmp_path: Path,
    first: str,
) -> None:
    """The invoice the first source paid in full is no longer open; the second source's line is
    the same payment, loaded already, not one "no invoice fits"."""
    admin, head = workspace_for("admin"), workspace_for("smirnov")
    document_id, number, amount = invoice
    one_c = one_c_payments(tmp_path / "Поступления.csv", number, [("0000-000401", amount)], padded=False)
    statement_path = tmp_path / "kl_to_1c.txt"
    if first == "1c":
        imported = import_orders(head, one_c, OrdersOptions())
        assert imported.funnel is not None and imported.funnel.paid_invoices == [document_id]
        statement = bank(admin, statement_path, number, [("401", amount)])
        assert (statement.matched, statement.new, statement.already, statement.unmatched) == (1, 0, 1, [])
    else:
        statement = bank(admin, statement_path, number, [("401", amount)])
        assert statement.paid_invoices == [document_id]
        imported = import_orders(head, one_c, OrdersOptions())
        assert imported.funnel is not None
        assert (imported.funnel.payments_new, imported.funnel.payments_known) == (0, 1)
        assert imported.funnel.paid_invoices == []
    assert paid_state(admin, document_id) == (1, amount, amount, True)
