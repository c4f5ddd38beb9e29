"""`crm import bank`: a bank statement's incoming payments matched to our invoices and stored.

The file is read and checked whole first; then one write transaction stores the new payments
(a payment already stored, by its identity, or booked from the trade system's export by its
payment order's reference, is counted and skipped: importing the same statement twice, or after
1C's payments, changes nothing), adds them up on their invoices, and settles the invoices they complete
(the deal won, a task for its manager, the client a customer).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.documents.company import company
from crm_tui.domain.documents.matching import InvoiceIndex
from crm_tui.domain.documents.payments import (
    OpenInvoice,
    PaymentIn,
    apply_payments,
    booked,
    open_invoices,
)
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.importers.bank.parse import Statement, incoming, read_file, read_statement


@dataclass(frozen=True)
class Unmatched:
    line: int
    date: str
    amount: int
    payer: str
    payer_inn: str | None
    purpose: str
    reason: str
    invoice: str | None = None
    """The invoice the payment named, when refused for it (``overpaid``, ``no_inn``)."""
    remains: int | None = None
    """What remained unpaid on that invoice, kopecks."""


@dataclass
class BankSummary:
    file: str
    documents: int = 0
    incoming: int = 0
    matched: int = 0
    new: int = 0
    already: int = 0
    paid_invoices: list[int] = field(default_factory=list)
    won_deals: list[int] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def import_bank(ws: Workspace, path: Path) -> BankSummary:
    require(ws.viewer, Capability.IMPORT_BANK)
    statement = read_statement(read_file(path))
    summary = BankSummary(file=path.name, documents=len(statement.documents))
    _store(ws, statement, summary, path.name)
    return summary


def _store(ws: Workspace, statement: Statement, summary: BankSummary, file: str) -> None:
    with ws.write() as session:
        ours = company(session)
        payments = incoming(statement, ours.inn, ours.account)
        summary.incoming = len(payments)
        index = InvoiceIndex.of(open_invoices(session))
        matched: list[tuple[PaymentIn, OpenInvoice]] = []
        stored = booked(session, (p for _line, p in payments))
        for line, payment in payments:
            if payment.identity in stored:
                summary.already += 1
                continue
            invoice, how, near = index.match(payment)
            if invoice is None:
                summary.unmatched.append(
                    Unmatched(line, payment.paid_on.isoformat(), payment.amount, payment.payer_name,
                              payment.payer_inn, payment.purpose, how, near.number if near else None,
                              index.remains(near) if near else None)
                )  # fmt: skip
                continue
            matched.append((payment, invoice))
        summary.matched = len(matched) + summary.already
        try:
            applied = apply_payments(session, ws, matched)
        except IntegrityError:  # a colleague's import of the same statement committed first
            raise InvalidInput(
                "bank.concurrent",
                N_("{file}: imported by someone else at this very moment; nothing written, run it again"),
                file=file,
            ) from None
        summary.new, summary.already = applied.new, summary.already + applied.known
        summary.paid_invoices, summary.won_deals = applied.paid_invoices, applied.won_deals
