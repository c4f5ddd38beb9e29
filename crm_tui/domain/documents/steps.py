"""Seed 002's six steps of a deal, as the deal screen's navigator shows them: the client's
requisites, the contract, the invoice, sent, paid, kept. Each is done or not, from what the
base holds; the first not done is the next one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.documents.context import missing_requisites
from crm_tui.domain.documents.making import DocumentRow, deal_documents_of
from crm_tui.storage.models import DealStatus, deals, stages

STEPS = ("requisites", "contract", "invoice", "sent", "paid", "kept")
SENT_STAGE = "awaiting_payment"
"""The shipped stage a deal is in once its invoice went to the client."""


@dataclass(frozen=True)
class DealSteps:
    missing: list[str]
    documents: list[DocumentRow]
    done: dict[str, bool]

    @property
    def next(self) -> str | None:
        return next((step for step in STEPS if not self.done[step]), None)


def deal_steps(session: Session, viewer: Viewer, deal_id: int) -> DealSteps:
    lacking = missing_requisites(session, deal_id)
    documents = deal_documents_of(session, viewer, deal_id)
    row = session.execute(
        select(deals.c.status, stages.c.position, stages.c.pipeline_id)
        .select_from(deals.join(stages, stages.c.id == deals.c.stage_id))
        .where(deals.c.id == deal_id)
    ).one()
    sent_at = session.scalar(
        select(stages.c.position).where(stages.c.pipeline_id == row.pipeline_id, stages.c.code == SENT_STAGE)
    )
    invoices = [d for d in documents if d.kind == "invoice"]
    paid = any(d.paid for d in invoices)
    contract = any(d.kind == "contract" for d in documents)
    sent = row.status == DealStatus.WON.value or (
        bool(invoices) and sent_at is not None and row.position >= sent_at
    )
    done = {
        "requisites": not lacking,
        "contract": contract,
        "invoice": bool(invoices),
        "sent": sent or paid,
        "paid": paid,
        "kept": paid and contract,
    }
    return DealSteps(lacking, documents, done)
