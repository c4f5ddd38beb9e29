"""The settling of invoices one at a time through the one move function, their paid sums added one
update at a time, as it was before the bulk settle: the reference ``test_bulk_settle`` compares
the bulk rows with, and the old code the documents benchmark runs with ``--one-by-one``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.domain.audit.changes import change
from crm_tui.domain.audit.trail import record
from crm_tui.domain.base_language import base_text
from crm_tui.domain.deals.moves import add_task, change_stage, load_deal
from crm_tui.domain.documents import payments as payments_module
from crm_tui.domain.documents.payments import PAID_COMMENT, PAID_ORIGIN, PAID_TITLE, Applied, OpenInvoice
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    ClientStatus,
    DealStatus,
    TaskKind,
    clients,
    deal_documents,
    sales_documents,
    stages,
)


def completed_one_by_one(
    session: Session, added: dict[int, int], invoices: dict[int, OpenInvoice]
) -> list[OpenInvoice]:
    dd = deal_documents.c
    completed = []
    for invoice_id, amount in added.items():
        now_paid = session.execute(
            update(deal_documents)
            .where(dd.document_id == invoice_id)
            .values(paid_amount=dd.paid_amount + amount)
            .returning(dd.paid_amount)
        ).scalar_one()
        invoice = invoices[invoice_id]
        if now_paid >= invoice.amount > now_paid - amount:
            completed.append(invoice)
    return completed


def settle_one_by_one(session: Session, ws: Workspace, invoices: list[OpenInvoice], result: Applied) -> None:
    for invoice in invoices:
        _settled(session, ws, invoice, result)


def _settled(session: Session, ws: Workspace, invoice: OpenInvoice, result: Applied) -> None:
    now = ws.now()
    session.execute(
        update(sales_documents).where(sales_documents.c.id == invoice.id).values(paid=True, updated_at=now)
    )
    result.paid_invoices.append(invoice.id)
    deal = load_deal(session, invoice.deal_id)
    record(session, at=now, user_id=ws.viewer.user_id, entity="deal", entity_id=deal.id, action="paid",
           changes={"invoice": invoice.number, "amount": invoice.amount})  # fmt: skip
    if deal.status == DealStatus.OPEN.value:
        won = session.scalar(
            select(stages.c.id)
            .where(stages.c.pipeline_id == deal.pipeline_id, stages.c.is_won.is_(True))
            .order_by(stages.c.position)
            .limit(1)
        )
        if won is not None:
            comment = base_text(session, "stage comment", PAID_COMMENT).format(number=invoice.number)
            change_stage(session, ws, deal, won, comment=comment)
            result.won_deals.append(deal.id)
    title = base_text(session, "task title", PAID_TITLE).format(deal=deal.title, number=invoice.number)
    result.tasks.append(
        add_task(session, title=title[:300], kind=TaskKind.TODO.value, due=now, assignee_id=deal.owner_id,
                 deal=deal, origin=f"{PAID_ORIGIN}{invoice.id}", now=now, by_user_id=ws.viewer.user_id)
    )  # fmt: skip
    status = session.scalar(select(clients.c.status).where(clients.c.id == deal.client_id))
    if status != ClientStatus.CUSTOMER.value:
        change(session, clients, deal.client_id, {"status": ClientStatus.CUSTOMER.value}, at=now,
               user_id=ws.viewer.user_id, action="edit",
               changes={"status": [status, ClientStatus.CUSTOMER.value]})  # fmt: skip


@contextmanager
def one_by_one() -> Iterator[None]:
    """Settle through the one-by-one reference instead of the bulk settle."""
    with (
        mock.patch.object(payments_module, "_settle", settle_one_by_one),
        mock.patch.object(payments_module, "_completed", completed_one_by_one),
    ):
        yield
