"""The segment rules (seed 000, day 2), in one place for the recompute, the screen and the CLI.

- warm: an open proposal or an unpaid invoice: a deal in a proposal / invoice / awaiting
  payment stage, or an invoice from the trade system marked unpaid;
- loyal: the last purchase was fewer days ago than the average interval between purchases
  (the seed: "с даты последней покупки прошло меньше дней, чем средняя длительность сделки";
  a purchase exactly one interval ago is therefore already lost);
- lost: the last purchase was earlier, or there was none.

Warm wins over loyal over lost. Without any sales history in the base nothing but warm can
be told, and the other clients are left without a segment for a person to set by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal, or_, select
from sqlalchemy.sql import Select

from crm_tui.storage.tables.deals import DealStatus, deals, stages
from crm_tui.storage.tables.sales import DocumentKind, Segment, sales_documents

WARM_STAGE_CODES = ("proposal", "invoice", "awaiting_payment")
SEGMENTS = (Segment.WARM, Segment.LOYAL, Segment.LOST)

PURCHASE_KINDS = (DocumentKind.PAYMENT, DocumentKind.SALE, DocumentKind.INVOICE, DocumentKind.ORDER)
"""A purchase shows in several documents (the order, its invoice, the payment, the shipment);
counting all of them would turn one purchase into three. A client's purchases are read from
the first of these kinds it has: payments, else sales, else paid invoices, else orders."""


def purchase_of_kind(kind: DocumentKind) -> ColumnElement[bool]:
    """Documents of ``kind`` that stand for a purchase (an invoice only once it is paid)."""
    d = sales_documents.c
    if kind is DocumentKind.INVOICE:
        return and_(d.kind == kind.value, d.paid.is_(True))
    return d.kind == kind.value


def unpaid_invoice() -> ColumnElement[bool]:
    d = sales_documents.c
    return and_(d.kind == DocumentKind.INVOICE.value, d.paid.is_(False))


def warm_deal_clients() -> Select[tuple[Any]]:
    """Clients with an open deal in a stage that means a proposal or an invoice is out."""
    return (
        select(deals.c.client_id)
        .select_from(deals.join(stages, stages.c.id == deals.c.stage_id))
        .where(deals.c.status == DealStatus.OPEN.value, stages.c.code.in_(WARM_STAGE_CODES))
    )


def loyal_cutoff(today: date, interval_days: int) -> date:
    """Loyal clients bought after this day."""
    return today - timedelta(days=interval_days)


def segment_of(
    warm: ColumnElement[bool], last_purchase: ColumnElement[Any], cutoff: date | None
) -> ColumnElement[Any]:
    """The segment a client falls in, as a SQL expression over its warm flag and last purchase
    (``cutoff`` from ``loyal_cutoff``; ``None`` when the base has no sales history)."""
    if cutoff is None:
        return case((warm, literal(Segment.WARM.value)), else_=None)
    return case(
        (warm, literal(Segment.WARM.value)),
        (and_(last_purchase.is_not(None), last_purchase > cutoff), literal(Segment.LOYAL.value)),
        else_=literal(Segment.LOST.value),
    )


def any_purchase() -> ColumnElement[bool]:
    """Every document but an invoice not (known to be) paid, and but a contract (a deal's
    contract, issue 25, is a promise, not a purchase). Written as negations rather than an OR
    of the kinds so that SQLite walks its covering index in order instead of merging four index
    searches and sorting them again."""
    d = sales_documents.c
    return and_(
        d.kind != DocumentKind.CONTRACT.value, or_(d.kind != DocumentKind.INVOICE.value, d.paid.is_(True))
    )
