"""`crm import orders`: the trade system's documents in, segments recomputed.

Documents are identified by kind, number and year (1C numbers restart every year), so a second
run of the same file finds every document and changes nothing, and a later export updates
what changed (an invoice paid since). Repeated rows of one document (a report by goods lists
a document once per line) are its lines: their amounts add up. A document no client matches
is kept with its reason and matched again by every later import; a row that is not a document
at all goes to the errors file with its original cells.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.captions import TRADE_DOCUMENT_NAMES, TRADE_FIELD_NAMES
from crm_tui.domain.documents.funnel import TradeDocument, follow_documents
from crm_tui.domain.errors import StaleEdit
from crm_tui.domain.imports.batches import OrdersOptions, OrdersSummary
from crm_tui.domain.segments.recompute import recompute_segments
from crm_tui.domain.values.cells import UNSTORABLE, Cell
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.legal_forms import split_legal_form
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message, _
from crm_tui.importers.batch_run import BatchRun, check_files, stored_path
from crm_tui.importers.files.error_file import RejectedRow
from crm_tui.importers.orders.matching import ClientIndex
from crm_tui.importers.orders.parse import OrderRow, open_orders, order_rows
from crm_tui.storage.models import import_changes, sales_documents

CHUNK = 2000
FUNNEL_TRIES = 3
_COMPARED = ("doc_date", "client_id", "client_name", "inn", "amount", "paid")


@dataclass
class _Document:
    first_row: int
    row: OrderRow
    amount: int


def _key(row: OrderRow) -> tuple[str, str, int]:
    assert row.kind is not None and row.number is not None and row.day is not None
    return (row.kind.value, row.number, row.day.year)


def _read(path: Path, options: OrdersOptions, run: BatchRun[OrdersSummary]) -> dict[Any, _Document]:
    summary = run.summary
    table = open_orders(path, options.sheet, options.explicit)
    summary.file, summary.sheet = table.file, table.sheet
    summary.columns = {table.header.labels[i]: name for name, i in table.columns.items()}
    documents: dict[tuple[str, str, int], _Document] = {}
    for row in order_rows(table, options.default_kind):
        summary.rows += 1
        if row.unstorable:
            summary.note(
                Message(
                    UNSTORABLE.code,
                    N_("{file} row {row}: {warning}"),
                    file=table.file,
                    row=row.row,
                    warning=UNSTORABLE,
                )
            )
        if row.rejection:
            run.reject(
                RejectedRow(table.file, table.sheet, row.row, row.rejection, row.cells),
                Message(
                    row.rejection.code,
                    N_("{file} row {row}: rejected: {reason}"),
                    file=table.file,
                    row=row.row,
                    reason=row.rejection,
                ),
            )
            continue
        key = _key(row)
        if key in documents:
            documents[key].amount += row.amount
            summary.lines_joined += 1
        else:
            documents[key] = _Document(row.row, row, row.amount)
    summary.documents = len(documents)
    return documents


def _values(doc: _Document, client_id: int | None, file: str, now: datetime) -> dict[str, Any]:
    row = doc.row
    assert row.kind is not None and row.day is not None
    return {
        "kind": row.kind.value,
        "number": row.number,
        "doc_year": row.day.year,
        "doc_date": row.day,
        "client_id": client_id,
        "client_name": row.client_name[:300],
        "inn": row.inn,
        "amount": doc.amount,
        "paid": row.paid,
        "file": file[:500],
        "row": doc.first_row,
        "updated_at": now,
    }


def _trade(doc: _Document, client_id: int | None) -> TradeDocument:
    row = doc.row
    assert row.kind is not None and row.number is not None and row.day is not None
    return TradeDocument(
        row.kind, row.number, row.day, client_id, doc.amount, row.paid, row.invoices, doc.first_row, row.inn
    )


def _write_chunk(
    session: Session,
    chunk: list[tuple[tuple[str, str, int], _Document]],
    batch_id: int,
    run: BatchRun[OrdersSummary],
) -> list[TradeDocument]:
    """Write the chunk's documents; returns the ones new or changed (what the funnel follows)."""
    summary, file, now = run.summary, run.summary.file, run.now
    touched: list[TradeDocument] = []
    index = ClientIndex.load(
        session,
        (d.row.inn for _, d in chunk if d.row.inn),
        (d.row.name_key for _, d in chunk if d.row.name_key),
    )
    d = sales_documents.c
    existing = {
        (r.kind, r.number, r.doc_year): r
        for r in session.execute(
            select(d.id, d.kind, d.number, d.doc_year, *(d[name] for name in _COMPARED)).where(
                tuple_(d.kind, d.number, d.doc_year).in_([key for key, _ in chunk])
            )
        )
    }
    new_rows: list[dict[str, Any]] = []
    for key, doc in chunk:
        client_id, why = index.match(doc.row.inn, doc.row.name_key, doc.row.client_name)
        old = existing.get(key)
        if client_id is None and old is not None and old.client_id is not None:
            client_id, why = old.client_id, None  # matched before (or by hand): keep it
        if why:
            summary.unmatched += 1
            summary.note(
                Message(
                    why.code,
                    N_("{file} row {row}: kept unmatched: {reason}"),
                    file=file,
                    row=doc.first_row,
                    reason=why,
                )
            )
            shown: dict[str, Cell] = {
                "kind": TRADE_DOCUMENT_NAMES.caption(key[0]),
                "number": key[1],
                "date": doc.row.day,
                "client": doc.row.client_name,
                "inn": doc.row.inn,
                "amount": doc.amount / 100,
                "paid": None if doc.row.paid is None else (_("yes") if doc.row.paid else _("no")),
            }
            cells = {TRADE_FIELD_NAMES.caption(name): value for name, value in shown.items()}
            kept = Message(why.code, N_("kept, no client: {reason}"), reason=why)
            run.keep(RejectedRow(file, "", doc.first_row, kept, cells))
        values = _values(doc, client_id, file, now)
        if old is None:
            new_rows.append({**values, "batch_id": batch_id})
            touched.append(_trade(doc, client_id))
            continue
        before = {name: getattr(old, name) for name in _COMPARED}
        after = {name: values[name] for name in _COMPARED}
        if before == after:
            summary.unchanged += 1
            continue
        summary.updated += 1
        touched.append(_trade(doc, client_id))
        changed = {name: value for name, value in after.items() if before[name] != value}
        session.connection().execute(
            update(sales_documents).where(d.id == old.id).values(**changed, updated_at=now)
        )
        session.connection().execute(
            insert(import_changes).values(
                batch_id=batch_id,
                entity="sales_document",
                entity_id=old.id,
                action="update",
                before=json.dumps({k: before[k] for k in changed}, default=str),
                after=json.dumps(changed, default=str),
            )
        )
    if new_rows:
        session.connection().execute(insert(sales_documents), new_rows)
        summary.created += len(new_rows)
    return touched


def _match_earlier(session: Session, summary: OrdersSummary) -> None:
    """Documents kept unmatched by earlier imports whose client exists now."""
    d = sales_documents.c
    last_id = 0
    while True:
        rows = session.execute(
            select(d.id, d.inn, d.client_name)
            .where(d.client_id.is_(None), d.id > last_id)
            .order_by(d.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        keys = {r.id: fold(split_legal_form(r.client_name).value.name or r.client_name) for r in rows}
        index = ClientIndex.load(session, (r.inn for r in rows if r.inn), keys.values())
        for r in rows:
            client_id, _why = index.match(r.inn, keys[r.id], r.client_name)
            if client_id is not None:
                session.connection().execute(
                    update(sales_documents).where(d.id == r.id).values(client_id=client_id)
                )
                summary.matched_later += 1
        last_id = rows[-1].id


def _follow(run: BatchRun[OrdersSummary], touched: list[TradeDocument]) -> None:
    """Move the deals the documents speak of, in one transaction of their own (a dry run's moves
    roll back). A deal somebody moved between our reading and our writing refuses the whole
    transaction: it is read and tried again, so the documents just stored never lose their moves
    (the next import would find them unchanged and move nothing)."""
    for attempt in range(FUNNEL_TRIES):
        try:
            with run.chunk() as (session, _batch_id):
                run.summary.funnel = follow_documents(session, run.ws, touched)
            return
        except StaleEdit:
            if attempt == FUNNEL_TRIES - 1:
                raise


def import_orders(ws: Workspace, path: Path, options: OrdersOptions) -> OrdersSummary:
    """Import one export; raises ``ImportFileError``/``MappingError`` before writing anything."""
    require(ws.viewer, Capability.IMPORT_ORDERS)
    check_files([path])
    run = BatchRun(ws, "orders", options, OrdersSummary(batch=None))
    summary = run.summary
    documents = _read(path, options, run)
    run.open([{"file": stored_path(path), "sheet": summary.sheet}])
    try:
        items = list(documents.items())
        touched: list[TradeDocument] = []
        for start in range(0, len(items), CHUNK):
            with run.chunk() as (session, batch_id):
                touched += _write_chunk(session, items[start : start + CHUNK], batch_id, run)
        _follow(run, touched)
        if options.dry_run:
            return summary
        with ws.write() as session:
            _match_earlier(session, summary)
        run.write_errors(path)
        run.close(
            [{"file": stored_path(path), "sheet": summary.sheet, "documents": summary.documents}],
            {
                "rows": summary.rows,
                "created": summary.created,
                "enriched": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
                "conflicts": summary.unmatched,
            },
            {
                "file": summary.file,
                "created": summary.created,
                "updated": summary.updated,
                "unmatched": summary.unmatched,
                "rejected": summary.rejected,
            },
        )
    except BaseException as exc:
        run.fail(exc)
        raise
    summary.segments = recompute_segments(ws)
    return summary
