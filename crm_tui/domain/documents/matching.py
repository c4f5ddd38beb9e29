"""Which invoice a bank payment pays: the invoice number in its purpose first, then the payer's
INN and the amount. A payment that fits no invoice, or several alike, is listed, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from crm_tui.domain.documents.payments import OpenInvoice, PaymentIn

_NUMBER = re.compile(
    r"(?:сч[её]т(?:у|а)?|сч\.?|сч/ф|invoice)\s*(?:на\s+оплату\s*)?(?:№|n|#|no\.?)?\s*(\d{1,9})\b",
    re.IGNORECASE,
)


def invoice_numbers(purpose: str) -> list[str]:
    """'Оплата по счёту № 15 от 05.12.2026' -> ['15'] (leading zeros dropped, as we number)."""
    return [str(int(n)) for n in _NUMBER.findall(purpose)]


@dataclass
class InvoiceIndex:
    """Open invoices by number and by payer, built once for a whole statement."""

    by_number: dict[str, list[OpenInvoice]]
    by_inn: dict[str, list[OpenInvoice]]

    @classmethod
    def of(cls, invoices: list[OpenInvoice]) -> InvoiceIndex:
        by_number: dict[str, list[OpenInvoice]] = defaultdict(list)
        by_inn: dict[str, list[OpenInvoice]] = defaultdict(list)
        for invoice in invoices:
            by_number[invoice.number].append(invoice)
            if invoice.inn:
                by_inn[invoice.inn].append(invoice)
        return cls(by_number, by_inn)

    def match(self, payment: PaymentIn) -> tuple[OpenInvoice | None, str]:
        """The invoice and how it was found (``number``, ``inn_amount``), or None and why not."""
        for number in invoice_numbers(payment.purpose):
            found = [
                inv for inv in self.by_number.get(number, ())
                if inv.year in (payment.paid_on.year, payment.paid_on.year - 1)
                and (not payment.payer_inn or not inv.inn or inv.inn == payment.payer_inn)
            ]  # fmt: skip
            found.sort(key=lambda inv: -inv.year)
            if found:
                return found[0], "number"
        if not payment.payer_inn:
            return None, "no_invoice"
        same = [
            inv for inv in self.by_inn.get(payment.payer_inn, ()) if payment.amount in (inv.due, inv.amount)
        ]
        if len(same) == 1:
            return same[0], "inn_amount"
        return None, "ambiguous" if same else "no_invoice"
