"""Payments: confirmed by hand by an accountant, or read from a bank statement; partial ones add
up; a fully paid invoice wins its deal (a task for its manager, the client a customer); the same
statement twice changes nothing; a broken file names its line and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm_tui.domain.access.users import add_user
from crm_tui.domain.documents.bank_file import BankPayment, statement_bytes
from crm_tui.domain.documents.making import make_document
from crm_tui.domain.documents.payments import confirm_payment
from crm_tui.domain.errors import AccessDenied, InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.bank.service import import_bank
from crm_tui.storage.models import Role, clients, deals, payments, tasks
from tests.documents.support import COMPANY, fill_requisites
from tests.seed import FROZEN_NOW, Seeded


def _deal(ws: Workspace, deal_id: int) -> tuple[str, str]:
    with ws.read() as session:
        row = session.execute(
            select(deals.c.status, clients.c.status)
            .select_from(deals.join(clients, clients.c.id == deals.c.client_id))
            .where(deals.c.id == deal_id)
        ).one()
    return row[0], row[1]


def _client_of(ws: Workspace, deal_id: int) -> int:
    with ws.read() as session:
        return int(session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0)


def _inn_of(ws: Workspace, deal_id: int) -> str:
    with ws.read() as session:
        return session.scalar(select(clients.c.inn).where(clients.c.id == _client_of(ws, deal_id))) or ""


@pytest.fixture
def accountant(workspace_for: Callable[[str], Workspace]) -> Workspace:
    admin = workspace_for("admin")
    with admin.write() as session:
        add_user(session, login="buh", full_name="Кузнецова Мария", role=Role.ACCOUNTANT, region=None,
                 now=FROZEN_NOW, by_user_id=None)  # fmt: skip
    return workspace_for("buh")


def test_an_accountant_confirms_payment_by_hand(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, accountant: Workspace
) -> None:
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    fill_requisites(admin, _client_of(admin, deal_id))
    with pytest.raises(InvalidInput, match="no unpaid invoice"):
        confirm_payment(accountant, deal_id)
    invoice = make_document(manager, deal_id, "invoice")
    with pytest.raises(AccessDenied):
        confirm_payment(manager, deal_id)
    part = confirm_payment(accountant, deal_id, "200 000", "19.11.2026")
    assert (part.paid_amount, part.paid, part.won) == (20_000_000, False, False)
    assert _deal(admin, deal_id)[0] == "open"
    rest = confirm_payment(accountant, deal_id)
    assert (rest.amount, rest.paid_amount, rest.paid, rest.won) == (34_000_000, invoice.amount, True, True)
    assert _deal(admin, deal_id) == ("won", "customer")
    with admin.read() as session:
        titles = list(session.scalars(select(tasks.c.title).where(tasks.c.deal_id == deal_id)))
    assert any("Payment came" in t and f"invoice {invoice.number}" in t for t in titles)


def _statement(items: list[BankPayment]) -> bytes:
    return statement_bytes(COMPANY["name"], COMPANY["inn"], COMPANY["account"], items)


def test_a_bank_statement_pays_invoices_and_twice_changes_nothing(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    first, second = seeded.deals["d_inv_vektor"], seeded.deals["d_await_romashka"]
    fill_requisites(admin, _client_of(admin, first))
    fill_requisites(admin, _client_of(admin, second))
    by_number = make_document(manager, first, "invoice")
    by_inn = make_document(manager, second, "invoice")
    with admin.read() as session:
        inn_first = (
            session.scalar(select(clients.c.inn).where(clients.c.id == _client_of(admin, first))) or ""
        )
        inn_second = (
            session.scalar(select(clients.c.inn).where(clients.c.id == _client_of(admin, second))) or ""
        )
    day = date(2026, 11, 19)
    items = [
        BankPayment("101", day, 30_000_000, "ООО Вектор", inn_first, "40702810100000000001",
                    f"Оплата по счету № {by_number.number} от 20.11.2026, в т.ч. НДС"),
        BankPayment("102", day, 24_000_000, "ООО Вектор", inn_first, "40702810100000000001",
                    f"Доплата по сч. {by_number.number}"),
        BankPayment("7", day, by_inn.amount, "ООО Ромашка", inn_second, "40702810100000000002",
                    "Оплата за насосы"),
        BankPayment("8", day, 12_345, "ИП Неизвестный", "500100732259", "40802810100000000003",
                    "Оплата по договору 77"),
    ]  # fmt: skip
    path = tmp_path / "kl_to_1c.txt"
    path.write_bytes(_statement(items))
    summary = import_bank(admin, path)
    assert (summary.incoming, summary.matched, summary.new, summary.already) == (4, 3, 3, 0)
    assert sorted(summary.won_deals) == sorted([first, second])
    assert [(u.line, u.reason) for u in summary.unmatched] == [
        (u.line, "no_invoice") for u in summary.unmatched
    ]
    assert len(summary.unmatched) == 1 and summary.unmatched[0].amount == 12_345
    assert _deal(admin, first) == ("won", "customer") and _deal(admin, second)[0] == "won"
    again = import_bank(admin, path)
    assert (again.new, again.already, again.paid_invoices, again.won_deals) == (0, 3, [], [])
    with admin.read() as session:
        assert session.scalar(select(func.count()).select_from(payments)) == 3


def test_partial_payments_add_up(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    fill_requisites(admin, _client_of(admin, deal_id))
    invoice = make_document(manager, deal_id, "invoice")
    half = invoice.amount // 2
    inn = _inn_of(admin, deal_id)
    for n, amount in enumerate((half, invoice.amount - half), start=1):
        path = tmp_path / f"day{n}.txt"
        paid = BankPayment(str(n), date(2026, 11, 19 + n % 2), amount, "Вектор", inn, "40702810100000000001",
                           f"Оплата счета {invoice.number}")  # fmt: skip
        path.write_bytes(_statement([paid]))
        summary = import_bank(admin, path)
        assert summary.new == 1
        assert _deal(admin, deal_id)[0] == ("open" if n == 1 else "won")


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("1CClientBankExchange\r\nКодировка=Windows\r\nСекцияДокумент=Платежное поручение\r\nСумма=10.00\r\n"
         .encode(), "line 2: the file is in UTF-8"),
        (b"Hello\r\n", "line 1: not a client-bank exchange file"),
        ("1CClientBankExchange\r\nСекцияДокумент=Платежное поручение\r\nСумма 10\r\n".encode("cp1251"),
         "line 3: 'Сумма 10' is not key=value"),
        ("1CClientBankExchange\r\nСекцияДокумент=Платежное поручение\r\nСумма=много\r\nДата=01.12.2026\r\n"
         "КонецДокумента\r\nКонецФайла\r\n".encode("cp1251"), "line 2: Сумма 'много' is not an amount"),
        ("1CClientBankExchange\r\nСекцияДокумент=Платежное поручение\r\nКонецДокумента\r\n".encode("cp1251"),
         "the file ends without КонецФайла"),
    ],
)  # fmt: skip
def test_a_broken_statement_names_its_line_and_writes_nothing(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path, content: bytes, where: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as refused:
        import_bank(workspace_for("admin"), path)
    assert where in str(refused.value) and "\n" not in str(refused.value)
    with workspace_for("admin").read() as session:
        assert session.scalar(select(func.count()).select_from(payments)) == 0


def test_two_imports_of_one_statement_at_once_store_it_once(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    import threading

    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    fill_requisites(admin, _client_of(admin, deal_id))
    invoice = make_document(manager, deal_id, "invoice")
    path = tmp_path / "twice.txt"
    paid = BankPayment("9", date(2026, 11, 19), invoice.amount, "Вектор", "", "40702810100000000001",
                       f"Оплата по счету {invoice.number}")  # fmt: skip
    path.write_bytes(_statement([paid]))
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def run() -> None:
        ws = workspace_for("admin")
        start.wait()
        try:
            outcomes.append(f"new {import_bank(ws, path).new}")
        except InvalidInput as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "new 1" in outcomes and sorted(outcomes)[0] in ("bank.concurrent", "new 0", "new 1")
    assert outcomes.count("new 1") == 1
    with admin.read() as session:
        assert session.scalar(select(func.count()).select_from(payments)) == 1
        paid_tasks = session.scalar(
            select(func.count())
            .select_from(tasks)
            .where(tasks.c.deal_id == deal_id, tasks.c.origin.like("paid:%"))
        )
    assert paid_tasks == 1 and _deal(admin, deal_id)[0] == "won"


def test_a_payment_by_hand_over_what_remains_or_in_the_future_is_refused(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, accountant: Workspace
) -> None:
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    fill_requisites(admin, _client_of(admin, deal_id))
    invoice = make_document(manager, deal_id, "invoice")
    confirm_payment(accountant, deal_id, "100 000")
    with pytest.raises(InvalidInput) as too_much:
        confirm_payment(accountant, deal_id, "99999999999")
    line = str(too_much.value)
    assert too_much.value.code == "payment.overpaid" and too_much.value.field == "amount"
    assert f"invoice {invoice.number}" in line and "440\u202f000.00" in line and "\n" not in line
    with pytest.raises(InvalidInput) as future:
        confirm_payment(accountant, deal_id, "1 000", "2030-01-01")
    assert future.value.code == "payment.future" and "01.01.2030" in str(future.value)
    assert _deal(admin, deal_id)[0] == "open"
    with admin.read() as session:
        assert session.scalar(select(func.sum(payments.c.amount))) == 10_000_000


def test_a_statement_lists_overpayments_other_dates_and_payers_without_inn(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """Nothing guessed, nothing lost: what does not fit its invoice is listed with the reason."""
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    fill_requisites(admin, _client_of(admin, deal_id))
    invoice = make_document(manager, deal_id, "invoice")  # dated 20.11.2026
    inn, day, n = _inn_of(admin, deal_id), date(2026, 11, 20), invoice.number
    items = [
        BankPayment("1", day, 99_999_999_999_999, "ООО Вектор", inn, "40702810100000000001",
                    f"Оплата по счету № {n} от 20.11.2026"),
        BankPayment("2", day, invoice.amount, "Кто-то", "", "40702810100000000002",
                    f"Оплата по счету № {n} от 01.03.2025"),
        BankPayment("3", day, invoice.amount // 2, "Кто-то", "", "40702810100000000002",
                    f"Оплата по счету № {n}"),
        BankPayment("4", day, invoice.amount, "Кто-то", "", "40702810100000000002", f"Оплата по счету № {n}"),
        BankPayment("5", day, invoice.amount, "ООО Вектор", inn, "40702810100000000001",
                    f"Оплата по счету № {n} от 20.11.2026"),
    ]  # fmt: skip
    path = tmp_path / "statement.txt"
    path.write_bytes(_statement(items))
    summary = import_bank(admin, path)
    assert (summary.matched, summary.new, summary.won_deals) == (1, 1, [deal_id])
    assert [(u.amount, u.reason, u.invoice, u.remains) for u in summary.unmatched] == [
        (99_999_999_999_999, "overpaid", n, invoice.amount),
        (invoice.amount, "other_date", None, None),
        (invoice.amount // 2, "no_inn", n, invoice.amount),
        (invoice.amount, "overpaid", n, 0),
    ]
    with admin.read() as session:
        assert session.scalar(select(func.sum(payments.c.amount))) == invoice.amount


def test_the_paid_moves_history_comment_and_task_are_in_the_bases_language(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, accountant: Workspace
) -> None:
    from crm_tui.domain.base_language import BASE_LANGUAGE_KEY
    from crm_tui.domain.settings import put_setting
    from crm_tui.storage.models import deal_stage_changes

    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    with admin.write() as session:
        put_setting(session, BASE_LANGUAGE_KEY, "ru", at=FROZEN_NOW, user_id=None)
    deal_id = seeded.deals["d_inv_vektor"]
    fill_requisites(admin, _client_of(admin, deal_id))
    invoice = make_document(manager, deal_id, "invoice")
    assert confirm_payment(accountant, deal_id).won
    with admin.read() as session:
        comment = session.scalar(
            select(deal_stage_changes.c.comment)
            .where(deal_stage_changes.c.deal_id == deal_id)
            .order_by(deal_stage_changes.c.id.desc())
            .limit(1)
        )
        titles = list(session.scalars(select(tasks.c.title).where(tasks.c.origin.like("paid:%"))))
    assert comment == f"счёт {invoice.number} оплачен"
    assert titles and all("Оплата" in t or "оплат" in t for t in titles), titles


@pytest.mark.parametrize(
    ("purpose", "number", "day"),
    [
        ("Оплата по счету № 15 от 05.12.2026г., в т.ч. НДС", "15", date(2026, 12, 5)),
        ("Оплата по сч. 024 от 01.03.25", "24", date(2025, 3, 1)),
        ("Оплата по счёту №15 от 5.12.2026 г.", "15", date(2026, 12, 5)),
        ("Доплата по сч. 7", "7", None),
    ],
)
def test_the_purpose_names_the_invoice_and_its_date(purpose: str, number: str, day: date | None) -> None:
    from crm_tui.domain.documents.matching import references

    (found,) = references(purpose)
    assert (found.number, found.day, found.dated) == (number, day, day is not None)
