"""Which invoice a bank payment pays: the invoice number in its purpose first (and its date, when
the purpose writes one), then the payer's INN and the amount. A payment that fits no invoice, or
several alike, or is more than remains unpaid on its invoice, is listed, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from crm_tui.domain.documents.payments import OpenInvoice, PaymentIn

_NUMBER = re.compile(
    r"(?:сч[её]т(?:у|а)?|сч\.?|сч/ф|invoice)\s*(?:на\s+оплату\s*)?(?:№|n|#|no\.?)?\s*(\d{1,9})\b"
    r"(?:\s*(?:от|from|dated)\s*(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?!\d))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reference:
    """An invoice the purpose names: its number and, when written ("от 01.03.2025"), its date."""

    number: str
    day: date | None = None
    """None also when the written date is no calendar date (then it cannot be the invoice's)."""
    dated: bool = False
    year: int | None = None
    """The invoice's year when only that is known (a 1C basis): the payment's year or the one
    before otherwise."""


def references(purpose: str) -> list[Reference]:
    """'Оплата по счёту № 15 от 05.12.2026' -> [Reference('15', 2026-12-05)] (leading zeros
    dropped, as we number)."""
    found: list[Reference] = []
    for number, dd, mm, yy in _NUMBER.findall(purpose):
        if not dd:
            found.append(Reference(str(int(number))))
            continue
        year = int(yy) + (2000 if len(yy) == 2 else 0)
        try:
            day: date | None = date(year, int(mm), int(dd))
        except ValueError:
            day = None
        found.append(Reference(str(int(number)), day, dated=True))
    return found


class Match(NamedTuple):
    """The invoice a payment pays, or None and why not (``near``: the invoice it named, when the
    payment is refused for it: more than remains unpaid, or no INN and not the exact rest)."""

    invoice: OpenInvoice | None
    how: str
    near: OpenInvoice | None = None


@dataclass
class InvoiceIndex:
    """Open invoices by number and by payer, built once for a whole statement; what the
    statement's earlier payments took from each is counted, so two payments cannot both pay the
    same rest."""

    by_number: dict[str, list[OpenInvoice]]
    by_inn: dict[str, list[OpenInvoice]]
    taken: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, invoices: list[OpenInvoice]) -> InvoiceIndex:
        by_number: dict[str, list[OpenInvoice]] = defaultdict(list)
        by_inn: dict[str, list[OpenInvoice]] = defaultdict(list)
        for invoice in invoices:
            by_number[invoice.number].append(invoice)
            if invoice.inn:
                by_inn[invoice.inn].append(invoice)
        return cls(by_number, by_inn)

    def remains(self, invoice: OpenInvoice) -> int:
        """What is still unpaid on ``invoice`` after the payments matched so far."""
        return max(0, invoice.due - self.taken.get(invoice.id, 0))

    def _take(self, invoice: OpenInvoice, payment: PaymentIn, how: str) -> Match:
        if payment.amount > self.remains(invoice):
            return Match(None, "overpaid", invoice)
        self.taken[invoice.id] = self.taken.get(invoice.id, 0) + payment.amount
        return Match(invoice, how)

    def match(self, payment: PaymentIn, named: Iterable[Reference] | None = None) -> Match:
        """The invoice and how it was found (``number``, ``inn_amount``), or None and why not:
        ``no_invoice``, ``ambiguous``, ``other_date`` (the purpose dates the invoice otherwise),
        ``overpaid`` (more than remains unpaid), ``no_inn`` (by number alone, no payer INN, and
        not exactly what remains). The invoices named are the purpose's, or ``named`` (what the
        trade system's payment names in its basis)."""
        why = "no_invoice"
        for ref in references(payment.purpose) if named is None else named:
            same_number = [
                inv for inv in self.by_number.get(ref.number, ())
                if not payment.payer_inn or not inv.inn or inv.inn == payment.payer_inn
            ]  # fmt: skip
            if ref.dated:
                found = [inv for inv in same_number if inv.day == ref.day]
                if same_number and not found:
                    why = "other_date"
            else:
                years = (ref.year,) if ref.year else (payment.paid_on.year, payment.paid_on.year - 1)
                found = [inv for inv in same_number if inv.year in years]
            found.sort(key=lambda inv: -inv.year)
            if not found:
                continue
            invoice = found[0]
            if not payment.payer_inn and payment.amount != self.remains(invoice):
                return Match(None, "no_inn", invoice)
            return self._take(invoice, payment, "number")
        if not payment.payer_inn:
            return Match(None, why)
        same = [
            inv for inv in self.by_inn.get(payment.payer_inn, ()) if payment.amount in (inv.due, inv.amount)
        ]
        if len(same) == 1:
            return self._take(same[0], payment, "inn_amount")
        return Match(None, "ambiguous" if same else why)
