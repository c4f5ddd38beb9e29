"""A 1C export beside the demo base to try `crm import orders` on (seed 003: the funnel follows the
trade system's documents): a report of documents as 1C:Trade saves it (Windows-1251, ";", the
document in one column, amounts with no-break spaces and a comma, an "Основание" column). It holds
payments and a shipment of unpaid demo invoices (named in the basis: their deals are won, one
paid partly awaits the rest) and orders of open deals at their first stages (found by client and
amount: they move to "Invoice"). The statement beside it (`crm import bank`) pays other invoices.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from crm_tui.storage.models import DealStatus, clients, deal_documents, deals, sales_documents, stages
from crm_tui.storage.private_files import open_private

TRADE_FILE = "demo-1c-documents.csv"
HEADER = "Документ;Контрагент;ИНН;Сумма;Основание"


def _money(kopecks: int) -> str:
    rubles, rest = divmod(kopecks, 100)
    return f"{rubles:,}".replace(",", "\xa0") + f",{rest:02d}"


def _document(words: str, number: int, day: date) -> str:
    return f"{words} 0000-{number:06d} от {day:%d.%m.%Y} 12:00:00"


def _unpaid_invoices(engine: Engine) -> list[tuple[str, date, int, str, str]]:
    """The newest unpaid, untouched invoices of open deals: number, date, amount, client, INN."""
    s, dd, c = sales_documents.c, deal_documents.c, clients.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(s.number, s.doc_date, s.amount, c.name, c.inn)
            .select_from(
                sales_documents.join(deal_documents, dd.document_id == s.id)
                .join(deals, deals.c.id == dd.deal_id)
                .join(clients, c.id == deals.c.client_id)
            )
            .where(s.kind == "invoice", s.paid.is_not(True), dd.paid_amount == 0,
                   deals.c.status == DealStatus.OPEN.value)
            .order_by(s.id.desc())
            .limit(4)
        )  # fmt: skip
        return [(r[0], r[1], int(r[2]), r[3], r[4] or "") for r in rows]


def _early_deals(engine: Engine, login_id: int) -> list[tuple[int, str, str]]:
    """Open deals at their first stages whose client has no other open deal for that amount."""
    d, c = deals.c, clients.c
    with engine.connect() as conn:
        other = deals.alias("other")
        same = (
            select(func.count())
            .select_from(other)
            .where(other.c.client_id == d.client_id, other.c.amount == d.amount,
                   other.c.status == DealStatus.OPEN.value)
            .scalar_subquery()
        )  # fmt: skip
        rows = conn.execute(
            select(d.amount, c.name, c.inn)
            .select_from(deals.join(clients, c.id == d.client_id).join(stages, stages.c.id == d.stage_id))
            .where(d.status == DealStatus.OPEN.value, stages.c.code.in_(("qualification", "proposal")),
                   c.inn.is_not(None), d.amount > 0, d.owner_id != login_id, same == 1)
            .order_by(d.id)
            .limit(3)
        )  # fmt: skip
        return [(int(r[0]), r[1], r[2] or "") for r in rows]


def write_trade_export(engine: Engine, now: datetime, login_id: int, folder: Path) -> Path:
    day = (now - timedelta(days=1)).date()
    lines = [HEADER]
    for n, (number, doc_day, amount, name, inn) in enumerate(_unpaid_invoices(engine)):
        basis = f"Счет на оплату {number} от {doc_day:%d.%m.%Y}"
        if n == 3:
            shipped = _document("Реализация товаров и услуг", 700 + n, day)
            lines.append(f"{shipped};{name};{inn};{_money(amount)};{basis}")
            continue
        paid = amount // 2 if n == 2 else amount
        lines.append(
            f"{_document('Поступление на расчетный счет', 900 + n, day)};{name};{inn};{_money(paid)};{basis}"
        )
    for n, (amount, name, inn) in enumerate(_early_deals(engine, login_id)):
        lines.append(f"{_document('Заказ клиента', 300 + n, day)};{name};{inn};{_money(amount)};")
    path = folder / TRADE_FILE
    with open_private(path, "wb") as file:  # clients' names and amounts: the person's only
        file.write(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path
