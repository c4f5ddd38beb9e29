"""The funnel follows the trade system (seed 003): «сделка движется по всем этапам в зависимости
от проводимых документов в 1С:Управление торговлей».

An order, invoice, shipment or payment that an import brings in (new, or changed since the last
export) finds its open deal: by the deal's invoice number (the invoice itself, or the invoice a
payment's purpose or a shipment's basis names), else by its client and the deal's amount when
exactly one open deal of that client, opened before the document, is for that amount. The deal
moves forward to the stage the document means, never back: an order to "Invoice", an invoice to
"Awaiting payment", a shipment or a payment that covers the deal (or an invoice marked paid) to
"Won", a smaller payment to "Awaiting payment". Several documents of one deal in one import
move it once, to the furthest. The move is the one move function's (``move_deals``: history,
audit, playbook tasks). A client's first paid document makes it a customer.

A payment also pays our invoice, as the bank statement's payment would (``matching``: the
invoice its basis names, else its payer's INN and amount): the invoice's paid sum grows, a fully
paid one is settled (``payments.apply_payments``). The bank statement that brings the same payment
order later knows it by its reference (number, date, amount, payer INN), and a payment order the
statement brought first is not booked again from 1C.

A second import of the same file brings nothing new or changed, so it moves nothing; a deal a
person moved back stays where they put it until a newer document comes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.base_language import base_text
from crm_tui.domain.deals.bulk_moves import Move, load_deals, move_deals
from crm_tui.domain.documents.matching import InvoiceIndex, Reference
from crm_tui.domain.documents.payments import (
    Applied,
    OpenInvoice,
    PaymentIn,
    apply_payments,
    booked,
    make_customers,
    open_invoices,
    payment_reference,
)
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import NC_, _, pgettext
from crm_tui.storage.models import DealStatus, DocumentKind, deal_documents, deals, sales_documents, stages

MOVED_COMMENT = NC_("stage comment", "from the trade system: {document}")
"""The move's comment in the deal's stage history, in the base's language."""
DOCUMENT_WORDS = {
    DocumentKind.ORDER: NC_("trade document", "order {number} of {date}"),
    DocumentKind.INVOICE: NC_("trade document", "invoice {number} of {date}"),
    DocumentKind.SALE: NC_("trade document", "shipment {number} of {date}"),
    DocumentKind.PAYMENT: NC_("trade document", "payment {number} of {date}"),
}
_IN_CHUNK = 500
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class TradeDocument:
    """A document an import brought in or changed, as the funnel needs it."""

    kind: DocumentKind
    number: str
    day: date
    client_id: int | None
    amount: int
    paid: bool | None
    invoices: tuple[tuple[str, int | None], ...] = ()
    """The invoices it names (a payment's purpose, a shipment's basis): number, year if written."""
    row: int = 0
    inn: str | None = None
    """The client's INN as the document has it (a payment's payer)."""


@dataclass(frozen=True)
class FunnelMove:
    deal: int
    title: str
    from_stage: str
    to_stage: str
    kind: str
    number: str
    date: str
    how: str
    """``invoice_number`` or ``client_amount``"""
    row: int


@dataclass
class FunnelResult:
    moved: list[FunnelMove] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)
    ambiguous: list[tuple[int, int]] = field(default_factory=list)
    """(row, how many open deals of the client have that amount): left alone, never guessed."""
    paid_invoices: list[int] = field(default_factory=list)
    """Our invoices the trade system's payments paid in full."""
    payments_new: int = 0
    """The trade system's payments booked to our invoices by this import."""
    payments_known: int = 0
    """Its payments loaded already: by an earlier export or the bank statement (``booked``)."""

    def as_json(self) -> dict[str, object]:
        return {
            "moved": [asdict(m) for m in self.moved],
            "customers": self.customers,
            "paid_invoices": self.paid_invoices,
            "payments_new": self.payments_new,
            "payments_known": self.payments_known,
            "ambiguous": [{"row": row, "deals": count} for row, count in self.ambiguous],
        }


def invoice_number(number: str) -> str:
    """How an invoice number is compared: "00015" and "15" are one number (1C pads, we do not);
    a prefixed one ("ТД00-000015") only as written."""
    text = number.strip()
    return str(int(text)) if text.isdigit() else text


def _stage_code(doc: TradeDocument, deal_amount: int) -> str:
    if doc.kind is DocumentKind.ORDER:
        return "invoice"
    if doc.kind is DocumentKind.INVOICE:
        return "won" if doc.paid else "awaiting_payment"
    if doc.kind is DocumentKind.SALE:
        return "won"
    return "won" if doc.amount >= deal_amount else "awaiting_payment"


def _by_invoice(session: Session, docs: list[TradeDocument]) -> dict[tuple[str, int], list[int]]:
    """Open deals by their invoices' (number, year)."""
    s, dd, d = sales_documents.c, deal_documents.c, deals.c
    wanted = {invoice_number(doc.number) for doc in docs if doc.kind is DocumentKind.INVOICE}
    wanted |= {invoice_number(number) for doc in docs for number, _year in doc.invoices}
    found: dict[tuple[str, int], list[int]] = defaultdict(list)
    rows = session.execute(
        select(s.number, s.doc_year, dd.deal_id)
        .select_from(
            sales_documents.join(deal_documents, dd.document_id == s.id).join(deals, d.id == dd.deal_id)
        )
        .where(s.kind == DocumentKind.INVOICE.value, d.status == DealStatus.OPEN.value)
        .distinct()
    )
    for number, year, deal_id in rows:
        if invoice_number(number) in wanted and deal_id not in found[invoice_number(number), year]:
            found[invoice_number(number), year].append(deal_id)
    return found


def _by_client(session: Session, client_ids: set[int]) -> dict[tuple[int, int], list[tuple[int, date]]]:
    """Open deals by (client, amount): id and the day it was opened."""
    d = deals.c
    found: dict[tuple[int, int], list[tuple[int, date]]] = defaultdict(list)
    ids = sorted(client_ids)
    for start in range(0, len(ids), _IN_CHUNK):
        for deal_id, client_id, amount, created in session.execute(
            select(d.id, d.client_id, d.amount, d.created_at)
            .where(d.client_id.in_(ids[start : start + _IN_CHUNK]), d.status == DealStatus.OPEN.value)
            .order_by(d.id)
        ):
            found[client_id, int(amount)].append((deal_id, created.date()))
    return found


def _deal_of(
    doc: TradeDocument,
    invoices: dict[tuple[str, int], list[int]],
    by_client: dict[tuple[int, int], list[tuple[int, date]]],
    result: FunnelResult,
) -> tuple[int, str] | None:
    named = [(doc.number, doc.day.year)] if doc.kind is DocumentKind.INVOICE else []
    for number, year in named or doc.invoices:
        years = (year,) if year is not None else (doc.day.year, doc.day.year - 1)
        for each in years:
            fitting = invoices.get((invoice_number(number), each), [])
            if len(fitting) == 1:
                return fitting[0], "invoice_number"
    if doc.client_id is None:
        return None
    # A document older than the deal is not about it: the first import of years of history must
    # not win today's deal with an old purchase of the same amount (a day's slack for time zones).
    known = by_client.get((doc.client_id, doc.amount), [])
    fitting = [deal_id for deal_id, opened in known if opened <= doc.day + _DAY]
    if len(fitting) == 1:
        return fitting[0], "client_amount"
    if len(fitting) > 1:
        result.ambiguous.append((doc.row, len(fitting)))
    return None


def follow_documents(session: Session, ws: Workspace, docs: list[TradeDocument]) -> FunnelResult:
    """Move the open deals ``docs`` speak of, in the caller's transaction (see the module)."""
    result = FunnelResult()
    if not docs:
        return result
    invoices = _by_invoice(session, docs)
    by_client = _by_client(session, {doc.client_id for doc in docs if doc.client_id is not None})
    matched: list[tuple[TradeDocument, int, str]] = []
    for doc in docs:
        found = _deal_of(doc, invoices, by_client, result)
        if found is not None:
            matched.append((doc, *found))
    found_deals = load_deals(session, sorted({deal_id for _doc, deal_id, _how in matched}))
    amounts: dict[int, int] = {}
    ids = list(found_deals)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        for deal_id, amount in session.execute(
            select(deals.c.id, deals.c.amount).where(deals.c.id.in_(chunk))
        ):
            amounts[deal_id] = int(amount)
    s = stages.c
    by_code: dict[tuple[int, str], tuple[int, int]] = {}
    positions: dict[int, int] = {}
    for stage_id, pipeline_id, code, position in session.execute(
        select(s.id, s.pipeline_id, s.code, s.position)
    ):
        positions[stage_id] = position
        if code is not None:
            by_code.setdefault((pipeline_id, code), (stage_id, position))
    furthest: dict[int, tuple[int, int, TradeDocument, str]] = {}
    for doc, deal_id, how in matched:
        deal = found_deals[deal_id]
        target = by_code.get((deal.pipeline_id, _stage_code(doc, amounts[deal_id])))
        if target is None or target[1] <= positions[deal.stage_id]:
            continue  # forward only; a pipeline without that stage is left alone
        if deal_id not in furthest or target[1] > furthest[deal_id][1]:
            furthest[deal_id] = (target[0], target[1], doc, how)
    comment = base_text(session, "stage comment", MOVED_COMMENT)
    words = {kind: base_text(session, "trade document", text) for kind, text in DOCUMENT_WORDS.items()}
    moves = []
    for deal_id, (stage_id, _position, doc, _how) in furthest.items():
        told = words[doc.kind].format(number=doc.number, date=doc.day.strftime("%d.%m.%Y"))
        moves.append(Move(found_deals[deal_id], stage_id, comment.format(document=told)))
    for move, moved in zip(moves, move_deals(session, ws, moves), strict=True):
        _stage_id, _position, doc, how = furthest[move.deal.id]
        result.moved.append(
            FunnelMove(move.deal.id, move.deal.title, moved.from_stage or "", moved.to_stage, doc.kind.value,
                       doc.number, doc.day.isoformat(), how, doc.row)
        )  # fmt: skip
    applied = book_payments(session, ws, docs)
    result.paid_invoices = applied.paid_invoices
    result.payments_new, result.payments_known = applied.new, applied.known
    paying = [
        doc.client_id
        for doc in docs
        if doc.client_id is not None and (doc.kind is DocumentKind.PAYMENT or doc.paid)
    ]
    result.customers = make_customers(session, ws, paying)
    return result


def book_payments(session: Session, ws: Workspace, docs: list[TradeDocument]) -> Applied:
    """The trade system's payments pay our invoices by the bank statement's rules, each once (see
    the module); after the moves, so a payment that wins a deal is listed with the documents'
    moves and its invoice settled (the task, the audit) without a second move. A payment loaded
    already is known (``booked``) before any open invoice is looked for: counted as such, even when
    its invoice is fully paid by now."""
    incoming: list[tuple[TradeDocument, PaymentIn]] = []
    for doc in docs:
        if doc.kind is not DocumentKind.PAYMENT or doc.amount <= 0:
            continue
        key = f"{doc.number}|{doc.day.year}"
        identity = "trade:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        reference = payment_reference(doc.number, doc.day, doc.amount, doc.inn)
        payment = PaymentIn(identity, doc.amount, doc.day, doc.inn, source="trade", reference=reference)
        incoming.append((doc, payment))
    if not incoming:
        return Applied()
    stored = booked(session, (payment for _doc, payment in incoming))
    index = InvoiceIndex.of(open_invoices(session))
    matched: list[tuple[PaymentIn, OpenInvoice]] = []
    known = 0
    for doc, payment in incoming:
        if payment.identity in stored:
            known += 1
            continue
        named = [Reference(invoice_number(number), year=year) for number, year in doc.invoices]
        invoice, _how, _near = index.match(payment, named)
        if invoice is not None:
            matched.append((payment, invoice))
    applied = apply_payments(session, ws, matched)
    applied.known += known
    return applied


def document_words(kind: str, number: str, day: date) -> str:
    """ "invoice 15 of 05.12.2026" in the user's language."""
    return pgettext("trade document", DOCUMENT_WORDS[DocumentKind(kind)]).format(
        number=number, date=day.strftime("%d.%m.%Y")
    )


def funnel_lines(result: FunnelResult | None, dry_run: bool) -> list[str]:
    """What the import did to the funnel, as the CLI and the import screen print it."""
    if result is None:
        return []
    lines: list[str] = []
    if result.moved:
        head = (
            _("deals the documents would move: {count}")
            if dry_run
            else _("deals the documents moved: {count}")
        )
        lines.append(head.format(count=len(result.moved)))
    how = {"invoice_number": _("by its invoice number"), "client_amount": _("by client and amount")}
    for m in result.moved:
        lines.append(
            "  "
            + _("deal {id} «{title}»: {from_stage} → {to_stage} ({document}, {how})").format(
                id=m.deal, title=m.title, from_stage=m.from_stage, to_stage=m.to_stage,
                document=document_words(m.kind, m.number, date.fromisoformat(m.date)), how=how[m.how],
            )
        )  # fmt: skip
    if result.payments_new or result.payments_known:
        booked_line = (
            _("payments to book: {new}; loaded already (by an earlier export or the bank): {known}")
            if dry_run
            else _("payments booked: {new}; loaded already (by an earlier export or the bank): {known}")
        )
        lines.append(booked_line.format(new=result.payments_new, known=result.payments_known))
    if result.paid_invoices:
        lines.append(_("our invoices the payments paid: {count}").format(count=len(result.paid_invoices)))
    if result.customers:
        lines.append(_("clients who became customers: {count}").format(count=len(result.customers)))
    for row, count in result.ambiguous:
        lines.append(
            "  "
            + _("row {row}: {count} open deals of the client are for that amount; none moved").format(
                row=row, count=count
            )
        )
    return lines
