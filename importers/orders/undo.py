"""Taking an orders batch back: the documents it created go, the ones it updated get their
earlier values again unless a later import changed them since (those are kept and listed)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.imports.batches import UndoReport
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.storage.models import import_changes, sales_documents


def undo_orders(session: Session, ws: Workspace, batch_id: int, report: UndoReport) -> dict[str, int]:
    """Take back an orders batch, into ``report``; the audit row's changes are returned
    (``crm_tui.importers.batches.undo_import`` marks the batch undone)."""
    d, ch = sales_documents.c, import_changes.c
    restored = 0
    for doc_id, before_text, after_text in session.execute(
        select(ch.entity_id, ch.before, ch.after).where(
            ch.batch_id == batch_id, ch.entity == "sales_document", ch.action == "update"
        )
    ):
        before: dict[str, Any] = json.loads(before_text or "{}")
        after: dict[str, Any] = json.loads(after_text or "{}")
        current = session.execute(select(*(d[name] for name in after)).where(d.id == doc_id)).first()
        if current is None:
            continue
        now_values = {
            name: json.loads(json.dumps(value, default=str))
            for name, value in zip(after, current, strict=True)
        }
        if now_values != after:
            report.kept.append(
                Message(
                    "undo.document_kept",
                    N_("document {id}: changed by a later import, kept as it is"),
                    id=doc_id,
                )
            )
            continue
        session.connection().execute(update(sales_documents).where(d.id == doc_id).values(**_typed(before)))
        restored += 1
    removed = session.scalar(select(func.count()).where(d.batch_id == batch_id)) or 0
    session.connection().execute(delete(sales_documents).where(d.batch_id == batch_id))
    report.documents_removed, report.documents_restored = int(removed), restored
    return {"documents_removed": report.documents_removed}


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    typed = dict(values)
    if isinstance(typed.get("doc_date"), str):
        typed["doc_date"] = date.fromisoformat(typed["doc_date"])
    return typed
