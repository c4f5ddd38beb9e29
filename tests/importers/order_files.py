"""Trade-system exports as 1C:Trade users save them, for the sales-history import tests.

Dates are relative to ``today`` so the segments they produce do not drift with the calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from tests.importers.files import write_rows_xlsx
from tests.seed import CLIENTS, valid_inn

INN = {row[0]: valid_inn(row[3]) for row in CLIENTS}
INVOICE_HEADER = ["Дата", "Номер", "Контрагент", "ИНН", "Сумма", "Оплачен", "Организация", "Ответственный"]


def _moment(today: date, days_ago: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(12, 0))


def write_invoices_xlsx(path: Path, today: date, *, paid_later: bool = False) -> Path:
    """The "Счета на оплату покупателям" journal: a title above the header, Excel dates, INN as
    numbers and text, amounts as text with spaces and commas, "Да"/"Нет"/"Частично", totals.
    With ``paid_later`` the Теплодом invoice has been paid since the first export."""
    ours = "ООО «Наша Компания»"
    rows: list[list[object]] = [
        ["Счета на оплату покупателям за 2026 г."],
        [],
        [*INVOICE_HEADER],
        [_moment(today, 3), "ТД00-000101", "ООО «Теплодом»", float(INN["teplo"]), "120 000,00",
         "Да" if paid_later else "Нет", ours, "Иванова"],
        [_moment(today, 10), "ТД00-000102", "АгроЛипецк ООО", INN["agro"], 54000, "Да", ours, "Петров"],
        [_moment(today, 40), "ТД00-000090", "ООО «АгроЛипецк»", INN["agro"], "48 000", "да", ours, "Петров"],
        [_moment(today, 70), "ТД00-000080", "АгроЛипецк", None, "50 000,50 руб.", "Да", ours, "Петров"],
        [_moment(today, 5), "ТД00-000103", "Зорин Алексей Викторович", None, "15 000", "Частично", ours, ""],
        [_moment(today, 2), "ТД00-000104", "ООО «Неизвестная Фирма»", "7736050003", "9 999", "Нет", ours, ""],
        [None, "ТД00-000105", "ООО «Ромашка»", INN["romashka"], "1 000", "Нет", ours, ""],
        [_moment(today, 1), "ТД00-000106", "ООО «Ромашка»", INN["romashka"], "сколько-то", "Нет", ours, ""],
        [],
        ["Итого", None, None, None, "297 999,50"],
    ]  # fmt: skip
    return write_rows_xlsx(path, rows, "Счета")


SALES_CSV_HEADER = "Документ;Контрагент;ИНН;Номенклатура;Количество;Сумма\r\n"


def write_sales_report_csv(path: Path, today: date) -> Path:
    """A "Продажи" report saved as CSV in cp1251: one line per product, the document in one
    column as 1C prints it ("Реализация товаров и услуг 0000-000045 от 05.11.2026 12:00:00")."""

    def doc(number: str, days_ago: int) -> str:
        day = (today - timedelta(days=days_ago)).strftime("%d.%m.%Y")
        return f"Реализация товаров и услуг {number} от {day} 12:00:00"

    lines = [
        "Продажи за период;;;;;\r\n",
        SALES_CSV_HEADER,
        f"{doc('0000-000045', 20)};Теплодом ООО;{INN['teplo']};Котёл газовый;1;80 000,00\r\n",
        f"{doc('0000-000045', 20)};Теплодом ООО;{INN['teplo']};Дымоход;2;12 000,00\r\n",
        f"{doc('0000-000046', 200)};ИП Зорин Алексей Викторович;;Радиатор;10;25 000,00\r\n",
        "Итого;;;;;117 000,00\r\n",
    ]
    path.write_bytes("".join(lines).encode("cp1251"))
    return path
