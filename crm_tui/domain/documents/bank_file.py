"""Writing a client-bank exchange file (1CClientBankExchange, Windows-1251): what a bank
exports, for the demo base's statement and the tests. Reading one is ``importers.bank``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BankPayment:
    number: str
    day: date
    amount: int
    payer: str
    payer_inn: str
    payer_account: str
    purpose: str


def statement_bytes(payee: str, payee_inn: str, payee_account: str, items: list[BankPayment]) -> bytes:
    """A statement of incoming payment orders to ``payee``, as a bank writes it."""
    days = [p.day for p in items] or [date.today()]
    head = [
        "1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "Отправитель=Бухгалтерия",
        "Получатель=", f"ДатаСоздания={max(days):%d.%m.%Y}", f"ДатаНачала={min(days):%d.%m.%Y}",
        f"ДатаКонца={max(days):%d.%m.%Y}", f"РасчСчет={payee_account}", "Документ=Платежное поручение",
        "СекцияРасчСчет", f"ДатаНачала={min(days):%d.%m.%Y}", f"РасчСчет={payee_account}", "КонецРасчСчет",
    ]  # fmt: skip
    lines = list(head)
    for p in items:
        rubles, kopecks = divmod(p.amount, 100)
        lines += [
            "СекцияДокумент=Платежное поручение", f"Номер={p.number}", f"Дата={p.day:%d.%m.%Y}",
            f"Сумма={rubles}.{kopecks:02d}", f"ПлательщикСчет={p.payer_account}", f"Плательщик={p.payer}",
            f"ПлательщикИНН={p.payer_inn}", f"Плательщик1={p.payer}", f"ПолучательСчет={payee_account}",
            f"ДатаПоступило={p.day:%d.%m.%Y}", f"Получатель={payee}", f"ПолучательИНН={payee_inn}",
            f"Получатель1={payee}", "ВидОплаты=01", "Очередность=5", f"НазначениеПлатежа={p.purpose}",
            "КонецДокумента",
        ]  # fmt: skip
    lines.append("КонецФайла")
    return ("\r\n".join(lines) + "\r\n").encode("cp1251", errors="replace")
