"""Payments of invoices: confirmed by hand or read from a bank statement, and what a fully paid
invoice does.

A payment carries its own identity (by hand: a new one each time; from the bank: its date,
number, payer and amount), stored once however often the statement is imported. A payment order
that both the trade system's export and the bank statement bring (whichever comes first) is
one payment: both name it by its reference (``payment_reference``), and the second is known by
it (``booked``). Payments of an
invoice add up; the one that completes it moves the deal to Won through the one move function
(``deals.moves.change_stage``: history, audit, closed playbook tasks), gives its manager a task
("the payment came") and makes the client a customer.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit.changes import versioned
from crm_tui.domain.base_language import base_text
from crm_tui.domain.deals.bulk_moves import Move, load_deals, move_deals
from crm_tui.domain.deals.moves import deal_target, load_deal
from crm_tui.domain.deals.new_deal import read_amount
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.tasks.create import NewTask, open_tasks
from crm_tui.domain.values.formatting import NUMERIC_DATE, money
from crm_tui.domain.values.moments import parse_day
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_
from crm_tui.storage.models import (
    ClientStatus,
    DealStatus,
    DocumentKind,
    TaskKind,
    audit_entries,
    clients,
    deal_documents,
    payments,
    sales_documents,
    stages,
)

PAID_TITLE = NC_("task title", "Payment came: {deal} (invoice {number})")
"""The manager's task when an invoice is fully paid, in the base's language."""
PAID_COMMENT = NC_("stage comment", "invoice {number} paid")
"""The won move's comment in the deal's stage history, in the base's language."""
PAID_ORIGIN = "paid:"
_IN_CHUNK = 500


@dataclass(frozen=True)
class PaymentIn:
    identity: str
    amount: int
    paid_on: date
    payer_inn: str | None = None
    payer_name: str = ""
    purpose: str = ""
    source: str = "manual"
    reference: str | None = None
    """The payment order's reference (``payment_reference``), when its number is known."""


@dataclass
class Applied:
    """What payments did: how many were new, which invoices became fully paid, deals won."""

    new: int = 0
    known: int = 0
    paid_invoices: list[int] = field(default_factory=list)
    won_deals: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    deal_id: int
    number: str
    year: int
    inn: str | None
    amount: int
    paid_amount: int
    day: date | None = None

    @property
    def due(self) -> int:
        return max(0, self.amount - self.paid_amount)


def open_invoices(session: Session, *, deal_id: int | None = None) -> list[OpenInvoice]:
    """Our invoices not fully paid yet (of one deal, or all), oldest first."""
    s, dd = sales_documents.c, deal_documents.c
    query = (
        select(s.id, dd.deal_id, s.number, s.doc_year, s.inn, s.amount, dd.paid_amount, s.doc_date)
        .select_from(deal_documents.join(sales_documents, s.id == dd.document_id))
        .where(s.kind == DocumentKind.INVOICE.value, s.paid.is_not(True))
        .order_by(s.id)
    )
    if deal_id is not None:
        query = query.where(dd.deal_id == deal_id)
    return [OpenInvoice(*row) for row in session.execute(query)]


def order_number(number: str) -> str:
    """A payment order's number as both sources can agree on it: its digits without leading zeros.
    1C writes its own prefix and padding ("0000-000401", "ОФ00-000401"), the bank the payer's
    number as is ("401", sometimes "0000000401"); all are "401". A number without digits is
    compared as written, case aside."""
    digits = "".join(ch for ch in number if ch.isdecimal() and ch.isascii())
    if digits:
        return digits.lstrip("0") or "0"
    return number.strip().casefold()


def payment_reference(number: str, day: date, amount: int, payer_inn: str | None) -> str | None:
    """One payment order however it comes: its number (``order_number``), date, amount in kopecks
    and payer's INN, as the bank statement writes them (``Номер``, ``Дата``) and the trade
    system's payment document keeps them. None without a number."""
    if not number.strip():
        return None
    key = "|".join((order_number(number), day.isoformat(), str(amount), payer_inn or ""))
    return "order:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def booked(session: Session, incoming: Iterable[PaymentIn]) -> set[str]:
    """The identities of the ``incoming`` payments stored already: under their own identity (the
    same statement or export again) or under their reference (the same payment order booked from
    the other source: the trade system's export, the bank statement)."""
    wanted = list(incoming)
    found: set[str] = set()
    p = payments.c
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        identities = [each.identity for each in chunk]
        found.update(session.scalars(select(p.identity).where(p.identity.in_(identities))))
        references = {each.reference for each in chunk if each.reference and each.identity not in found}
        if references:
            stored = set(session.scalars(select(p.reference).where(p.reference.in_(references))))
            found.update(each.identity for each in chunk if each.reference in stored)
    return found


def apply_payments(session: Session, ws: Workspace, matched: list[tuple[PaymentIn, OpenInvoice]]) -> Applied:
    """Store the payments not stored yet (``booked``) and settle their invoices, in the caller's
    transaction."""
    result = Applied()
    known = booked(session, (p for p, _inv in matched))
    references: set[str] = set()
    now = ws.now()
    rows: list[dict[str, object]] = []
    added: dict[int, int] = {}
    invoices: dict[int, OpenInvoice] = {}
    for payment, invoice in matched:
        if payment.identity in known or payment.reference in references:
            result.known += 1
            continue
        known.add(payment.identity)
        if payment.reference:
            references.add(payment.reference)
        rows.append(
            {"identity": payment.identity, "document_id": invoice.id, "amount": payment.amount,
             "paid_on": payment.paid_on, "payer_inn": payment.payer_inn,
             "payer_name": payment.payer_name[:300],
             "purpose": payment.purpose[:1000], "source": payment.source, "created_at": now,
             "user_id": ws.viewer.user_id, "reference": payment.reference}
        )  # fmt: skip
        added[invoice.id] = added.get(invoice.id, 0) + payment.amount
        invoices[invoice.id] = invoice
    if rows:
        session.execute(insert(payments), rows)
    result.new = len(rows)
    _settle(session, ws, _completed(session, added, invoices), result)
    return result


def _completed(
    session: Session, added: dict[int, int], invoices: dict[int, OpenInvoice]
) -> list[OpenInvoice]:
    """Add the new payments to their invoices' paid sums; the invoices they complete."""
    completed: list[OpenInvoice] = []
    if not added:
        return completed
    dd = deal_documents.c
    # The sums after this update, as the base has them: the update locks the rows until commit
    # (SQLite's write transaction, PostgreSQL's row locks), so of two people paying one invoice at
    # once, only the one whose payment crosses its amount settles it.
    session.connection().execute(
        update(deal_documents)
        .where(dd.document_id == bindparam("b_doc"))
        .values(paid_amount=dd.paid_amount + bindparam("b_add")),
        [{"b_doc": invoice_id, "b_add": amount} for invoice_id, amount in added.items()],
    )
    ids = list(added)
    now_paid: dict[int, int] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        for invoice_id, paid in session.execute(
            select(dd.document_id, dd.paid_amount).where(dd.document_id.in_(chunk))
        ):
            now_paid[invoice_id] = int(paid)
    for invoice_id, amount in added.items():
        invoice = invoices[invoice_id]
        if now_paid[invoice_id] >= invoice.amount > now_paid[invoice_id] - amount:
            completed.append(invoice)
    return completed


def _settle(session: Session, ws: Workspace, invoices: list[OpenInvoice], result: Applied) -> None:
    """The invoices are fully paid: mark them, win their deals (``move_deals``: what the move
    function writes, in bulk), tell the managers, make the clients customers. What one invoice
    settled alone writes, a statement of thousands writes too (``test_bulk_settle``)."""
    if not invoices:
        return
    now, user = ws.now(), ws.viewer.user_id
    ids = [inv.id for inv in invoices]
    for start in range(0, len(ids), _IN_CHUNK):
        session.execute(
            update(sales_documents)
            .where(sales_documents.c.id.in_(ids[start : start + _IN_CHUNK]))
            .values(paid=True, updated_at=now)
        )
    result.paid_invoices.extend(ids)
    found = load_deals(session, sorted({inv.deal_id for inv in invoices}))
    session.execute(
        insert(audit_entries),
        [{"at": now, "user_id": user, "entity": "deal", "entity_id": inv.deal_id, "action": "paid",
          "changes": {"invoice": inv.number, "amount": inv.amount}} for inv in invoices],
    )  # fmt: skip
    s = stages.c
    won_of = {
        pipeline: stage
        for pipeline, stage in session.execute(
            select(s.pipeline_id, s.id).where(s.is_won.is_(True)).order_by(s.position.desc())
        )
    }  # the first won stage of each pipeline by position (later rows overwrite earlier ones)
    comment = base_text(session, "stage comment", PAID_COMMENT)
    moves: dict[int, Move] = {}
    for inv in invoices:
        deal = found[inv.deal_id]
        won = won_of.get(deal.pipeline_id)
        if deal.status == DealStatus.OPEN.value and won is not None and deal.id not in moves:
            moves[deal.id] = Move(deal, won, comment.format(number=inv.number))
    move_deals(session, ws, list(moves.values()))
    result.won_deals.extend(moves)
    title = base_text(session, "task title", PAID_TITLE)
    new = []
    for inv in invoices:
        deal = found[inv.deal_id]
        new.append(
            NewTask(title.format(deal=deal.title, number=inv.number), TaskKind.TODO.value, now,
                    deal.owner_id, deal.client_id, deal.id, f"{PAID_ORIGIN}{inv.id}")
        )  # fmt: skip
    result.tasks.extend(open_tasks(session, new, by_user_id=user, now=now))
    make_customers(session, ws, [found[inv.deal_id].client_id for inv in invoices])


def make_customers(session: Session, ws: Workspace, client_ids: list[int]) -> list[int]:
    """The clients of a first paid purchase become customers (each version moved, audited as
    ``change`` does); returns the ids that changed."""
    c = clients.c
    wanted = sorted(set(client_ids))
    before: dict[int, str] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for client_id, status in session.execute(select(c.id, c.status).where(c.id.in_(chunk))):
            before[client_id] = status
    changing = [
        i
        for i in dict.fromkeys(client_ids)
        if before.get(i, ClientStatus.CUSTOMER.value) != ClientStatus.CUSTOMER.value
    ]
    if not changing:
        return []
    now = ws.now()
    session.connection().execute(
        update(clients)
        .where(c.id == bindparam("b_id"))
        .values(versioned(clients, {"status": ClientStatus.CUSTOMER.value}, now)),
        [{"b_id": i} for i in changing],
    )
    session.execute(
        insert(audit_entries),
        [{"at": now, "user_id": ws.viewer.user_id, "entity": "client", "entity_id": i, "action": "edit",
          "changes": {"status": [before[i], ClientStatus.CUSTOMER.value]}} for i in changing],
    )  # fmt: skip
    return changing


@dataclass(frozen=True)
class HandPayment:
    deal_id: int
    invoice_id: int
    number: str
    amount: int
    paid_amount: int
    invoice_amount: int
    paid: bool
    won: bool
    tasks: list[int]


def confirm_payment(ws: Workspace, deal_id: int, amount: str = "", day: str = "") -> HandPayment:
    """An accountant's "the money came" for the deal's oldest unpaid invoice: the amount still
    due unless given, today unless a date is given."""
    with ws.write() as session:
        deal = load_deal(session, deal_id)
        require(ws.viewer, Capability.RECORD_PAYMENTS, deal_target(deal))
        unpaid = open_invoices(session, deal_id=deal_id)
        if not unpaid:
            raise InvalidInput(
                "payment.no_invoice",
                N_("deal {deal} has no unpaid invoice: make one first (crm doc invoice {deal})"),
                deal=deal_id,
            )
        invoice = unpaid[0]
        paid = read_amount(amount, "amount") if amount.strip() else invoice.due
        if paid <= 0:
            raise InvalidInput("payment.amount", N_("amount: a payment is more than zero"), field="amount")
        if paid > invoice.due:
            raise InvalidInput(
                "payment.overpaid",
                N_("amount: {amount} is more than remains unpaid on invoice {number} ({due})"),
                field="amount", amount=money(paid, with_kopecks=True), number=invoice.number,
                due=money(invoice.due, with_kopecks=True),
            )  # fmt: skip
        today = ws.now().astimezone(ws.tz).date()
        on = parse_day(day, ws.now(), ws.tz, back=True) if day.strip() else today  # money that came
        if on > today:
            raise InvalidInput(
                "payment.future",
                N_("date: {day} is in the future; money that came is dated today or before"),
                field="date", day=on.strftime(NUMERIC_DATE),
            )  # fmt: skip
        payment = PaymentIn(f"manual:{uuid.uuid4().hex}", paid, on, source="manual")
        applied = apply_payments(session, ws, [(payment, invoice)])
        total = session.scalar(
            select(func.coalesce(func.sum(payments.c.amount), 0)).where(payments.c.document_id == invoice.id)
        )
        return HandPayment(deal_id, invoice.id, invoice.number, paid, int(total or 0), invoice.amount,
                           bool(applied.paid_invoices), bool(applied.won_deals), applied.tasks)  # fmt: skip
