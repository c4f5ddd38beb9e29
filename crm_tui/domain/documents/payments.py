"""Payments of invoices: confirmed by hand or read from a bank statement, and what a fully paid
invoice does.

A payment carries its own identity (by hand: a new one each time; from the bank: its date,
number, payer and amount), stored once however often the statement is imported. Payments of an
invoice add up; the one that completes it moves the deal to Won through the one move function
(``deals.moves.change_stage``: history, audit, closed playbook tasks), gives its manager a task
("the payment came") and makes the client a customer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit.changes import change
from crm_tui.domain.audit.trail import record
from crm_tui.domain.base_language import base_text
from crm_tui.domain.deals.moves import add_task, change_stage, deal_target, load_deal
from crm_tui.domain.deals.new_deal import read_amount
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.formatting import NUMERIC_DATE, money
from crm_tui.domain.values.moments import parse_day
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_
from crm_tui.storage.models import (
    ClientStatus,
    DealStatus,
    DocumentKind,
    TaskKind,
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


@dataclass(frozen=True)
class PaymentIn:
    identity: str
    amount: int
    paid_on: date
    payer_inn: str | None = None
    payer_name: str = ""
    purpose: str = ""
    source: str = "manual"


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


def known_identities(session: Session, identities: Iterable[str]) -> set[str]:
    wanted = list(identities)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(payments.c.identity).where(payments.c.identity.in_(chunk))))
    return found


def apply_payments(session: Session, ws: Workspace, matched: list[tuple[PaymentIn, OpenInvoice]]) -> Applied:
    """Store the payments not stored yet and settle their invoices, in the caller's transaction."""
    result = Applied()
    known = known_identities(session, (p.identity for p, _inv in matched))
    now = ws.now()
    rows: list[dict[str, object]] = []
    added: dict[int, int] = {}
    invoices: dict[int, OpenInvoice] = {}
    for payment, invoice in matched:
        if payment.identity in known:
            result.known += 1
            continue
        known.add(payment.identity)
        rows.append(
            {"identity": payment.identity, "document_id": invoice.id, "amount": payment.amount,
             "paid_on": payment.paid_on, "payer_inn": payment.payer_inn,
             "payer_name": payment.payer_name[:300],
             "purpose": payment.purpose[:1000], "source": payment.source, "created_at": now,
             "user_id": ws.viewer.user_id}
        )  # fmt: skip
        added[invoice.id] = added.get(invoice.id, 0) + payment.amount
        invoices[invoice.id] = invoice
    if rows:
        session.execute(insert(payments), rows)
    result.new = len(rows)
    dd = deal_documents.c
    looked_up: dict[object, object] = {}
    for invoice_id, amount in added.items():
        # The sum after this update, as the base has it: of two people paying one invoice at
        # once, only the one whose payment crosses its amount settles it.
        now_paid = session.execute(
            update(deal_documents)
            .where(dd.document_id == invoice_id)
            .values(paid_amount=dd.paid_amount + amount)
            .returning(dd.paid_amount)
        ).scalar_one()
        invoice = invoices[invoice_id]
        if now_paid >= invoice.amount > now_paid - amount:
            _settled(session, ws, invoice, result, looked_up)
    return result


def _settled(
    session: Session, ws: Workspace, invoice: OpenInvoice, result: Applied, looked_up: dict[object, object]
) -> None:
    """The invoice is fully paid: mark it, win its deal, tell the manager, make a customer.
    ``looked_up`` keeps what is the same for every invoice of one statement (the won stage of a
    pipeline, the task's title in the base's language)."""
    now = ws.now()
    session.execute(
        update(sales_documents).where(sales_documents.c.id == invoice.id).values(paid=True, updated_at=now)
    )
    result.paid_invoices.append(invoice.id)
    deal = load_deal(session, invoice.deal_id)
    record(session, at=now, user_id=ws.viewer.user_id, entity="deal", entity_id=deal.id, action="paid",
           changes={"invoice": invoice.number, "amount": invoice.amount})  # fmt: skip
    if deal.status == DealStatus.OPEN.value:
        if ("won", deal.pipeline_id) not in looked_up:
            looked_up["won", deal.pipeline_id] = session.scalar(
                select(stages.c.id)
                .where(stages.c.pipeline_id == deal.pipeline_id, stages.c.is_won.is_(True))
                .order_by(stages.c.position)
                .limit(1)
            )
        won = looked_up["won", deal.pipeline_id]
        if isinstance(won, int):
            if "comment" not in looked_up:
                looked_up["comment"] = base_text(session, "stage comment", PAID_COMMENT)
            comment = str(looked_up["comment"]).format(number=invoice.number)
            change_stage(session, ws, deal, won, comment=comment)
            result.won_deals.append(deal.id)
    if "title" not in looked_up:
        looked_up["title"] = base_text(session, "task title", PAID_TITLE)
    title = str(looked_up["title"]).format(deal=deal.title, number=invoice.number)
    result.tasks.append(
        add_task(session, title=title[:300], kind=TaskKind.TODO.value, due=now, assignee_id=deal.owner_id,
                 deal=deal, origin=f"{PAID_ORIGIN}{invoice.id}", now=now, by_user_id=ws.viewer.user_id)
    )  # fmt: skip
    status = session.scalar(select(clients.c.status).where(clients.c.id == deal.client_id))
    if status != ClientStatus.CUSTOMER.value:
        change(session, clients, deal.client_id, {"status": ClientStatus.CUSTOMER.value}, at=now,
               user_id=ws.viewer.user_id, action="edit",
               changes={"status": [status, ClientStatus.CUSTOMER.value]})  # fmt: skip


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
        on = parse_day(day, ws.now(), ws.tz) if day.strip() else today
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
