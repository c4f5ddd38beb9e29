"""Invoices issued, paid and overdue per manager and period (seed 003: what the head chases at
the week's meeting). Every invoice the base holds counts: those made here and those of the 1C
history (``sales_documents`` of kind invoice), for the owner of the client they were made out
to. An invoice is issued on its date (a calendar day, no time zone) and overdue when it is
unpaid ``overdue_days`` days after it (10 by default: the "Awaiting payment" stage's limit).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, String, and_, case, cast, func, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.reports.period import Grain, Period
from crm_tui.domain.reports.table import (
    TIME_SLICES,
    Column,
    Kind,
    Report,
    Slice,
    Source,
    counted,
    grouped,
    slice_columns,
)
from crm_tui.i18n import N_
from crm_tui.storage.models import DocumentKind, clients, sales_documents

OVERDUE_DAYS = 10
COLUMNS = [
    Column("issued", N_("Invoices issued"), Kind.COUNT),
    Column("issued_amount", N_("Invoiced"), Kind.MONEY),
    Column("paid", N_("Paid"), Kind.COUNT),
    Column("paid_amount", N_("Paid, sum"), Kind.MONEY),
    Column("unpaid_amount", N_("Awaiting payment"), Kind.MONEY),
    Column("overdue", N_("Overdue"), Kind.COUNT),
    Column("overdue_amount", N_("Overdue, sum"), Kind.MONEY),
]


def day_bucket(dialect: Dialect, column: ColumnElement[Any], grain: Grain) -> ColumnElement[str]:
    """``YYYY-MM-DD`` of the day, week's Monday or month's first day of a calendar date."""
    if dialect.name == "sqlite":
        modifiers = {Grain.DAY: (), Grain.WEEK: ("weekday 0", "-6 days"), Grain.MONTH: ("start of month",)}
        return type_coerce(func.date(column, *modifiers[grain]), String)
    day = cast(column, DateTime)
    truncated = day if grain is Grain.DAY else func.date_trunc(grain.value, day)
    return type_coerce(func.to_char(truncated, "YYYY-MM-DD"), String)


def invoices_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
    by: Sequence[Slice] = (Slice.MANAGER,),
    *,
    manager_id: int | None = None,
    overdue_days: int = OVERDUE_DAYS,
) -> Report:
    s, c = sales_documents.c, clients.c
    dialect = session.get_bind().dialect
    unpaid = s.paid.is_not(True)
    due_before = now.astimezone(tz).date() - timedelta(days=overdue_days)
    overdue = and_(unpaid, s.doc_date < due_before)

    def money(condition: ColumnElement[bool] | None = None) -> ColumnElement[Any]:
        amount = s.amount if condition is None else case((condition, s.amount), else_=0)
        return func.coalesce(func.sum(amount), 0)

    figures = [
        func.count().label("issued"),
        money().label("issued_amount"),
        counted(s.paid.is_(True)).label("paid"),
        money(s.paid.is_(True)).label("paid_amount"),
        money(unpaid).label("unpaid_amount"),
        counted(overdue).label("overdue"),
        money(overdue).label("overdue_amount"),
    ]
    where = [s.kind == DocumentKind.INVOICE.value, s.doc_date >= period.start, s.doc_date <= period.end]
    if manager_id is not None:
        where.append(c.owner_id == manager_id)
    extra = {t: day_bucket(dialect, s.doc_date, TIME_SLICES[t]) for t in TIME_SLICES}
    tables = sales_documents.outerjoin(clients, c.id == s.client_id)
    rows = grouped(session, viewer, Source(tables, c.owner_id, None, extra), by, figures, where, period, tz)
    for row in rows:
        for column in COLUMNS:
            row[column.key] = int(row[column.key])
    return Report("invoices", slice_columns(by) + COLUMNS, rows)
