"""Making a deal's contract or invoice, and finding the documents a deal has.

The document is numbered, rendered and stored in one write transaction: its ``sales_documents``
row (kind, number, year, client, amount; an invoice unpaid) and its file (``deal_documents``),
so the number and the file exist together or not at all, and a team on PostgreSQL shares them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import visible_clients, visible_deals
from crm_tui.domain.audit.trail import record
from crm_tui.domain.deals.moves import deal_target, load_deal
from crm_tui.domain.documents.context import deal_context
from crm_tui.domain.documents.invoice_pdf import invoice_pdf
from crm_tui.domain.documents.numbering import next_number
from crm_tui.domain.documents.templates import DEFAULT, printed_names, render_docx, template_bytes
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import DocumentKind, clients, deal_documents, deals, sales_documents

PDF, DOCX = "pdf", "docx"
MEDIA = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KIND_NAMES = {"contract": N_("contract"), "invoice": N_("invoice")}
"""How a kind of document is named to a person."""
PDF_TEMPLATE = "invoice-pdf"
"""The name the built-in PDF form of the invoice is listed under."""


@dataclass(frozen=True)
class DocumentRow:
    id: int
    deal_id: int
    kind: str
    number: str
    doc_date: date
    amount: int
    paid_amount: int
    paid: bool | None
    file_format: str
    template: str

    @property
    def file_name(self) -> str:
        word = {"contract": "dogovor", "invoice": "schet"}.get(self.kind, self.kind)
        return f"{word}-{self.number}-{self.doc_date.year}.{self.file_format}"


def make_document(
    ws: Workspace, deal_id: int, kind: str, *, template: str | None = None, file_format: str | None = None
) -> DocumentRow:
    """A contract (DOCX from a template) or an invoice (the PDF form, or DOCX from a template)."""
    if kind not in (DocumentKind.CONTRACT.value, DocumentKind.INVOICE.value):
        raise InvalidInput("document.kind", N_("kind: {kind!r} is not contract or invoice"), kind=kind)
    fmt = file_format or (DOCX if kind == DocumentKind.CONTRACT.value or template else PDF)
    if fmt not in (PDF, DOCX) or (fmt == PDF and kind != DocumentKind.INVOICE.value):
        raise InvalidInput(
            "document.format",
            N_("format: {format!r}: a contract is DOCX, an invoice PDF or DOCX"),
            format=fmt,
        )
    now = ws.now()
    today = now.astimezone(ws.tz).date()
    with ws.write() as session:
        deal = load_deal(session, deal_id)
        require(ws.viewer, Capability.MAKE_DOCUMENTS, deal_target(deal))
        chosen = template or (DEFAULT[kind] if fmt == DOCX else PDF_TEMPLATE)
        source = template_bytes(session, chosen, kind) if fmt == DOCX else b""
        draft = deal_context(session, deal_id, "", today, printed_names(source) if source else frozenset())
        number = next_number(session, kind, today.year)
        ctx = replace(draft, number=number)
        content = invoice_pdf(ctx) if fmt == PDF else render_docx(source, ctx)
        s = sales_documents.c
        client_row = session.execute(select(deals.c.client_id).where(deals.c.id == deal_id)).scalar_one()
        doc_id = session.execute(
            insert(sales_documents).values(
                kind=kind, number=number, doc_year=today.year, doc_date=today, client_id=client_row,
                client_name=ctx.client.full_name[:300], inn=ctx.client.inn or None, amount=ctx.total_kopecks,
                paid=False if kind == DocumentKind.INVOICE.value else None, batch_id=None, file="", row=0,
                updated_at=now,
            ).returning(s.id)
        ).scalar_one()  # fmt: skip
        session.execute(
            insert(deal_documents).values(
                document_id=doc_id, deal_id=deal_id, file_format=fmt, template=chosen, content=content,
                paid_amount=0, created_by_id=ws.viewer.user_id, created_at=now,
            )
        )  # fmt: skip
        what = {"kind": kind, "number": number, "amount": ctx.total_kopecks}
        record(session, at=now, user_id=ws.viewer.user_id, entity="deal", entity_id=deal_id,
               action="document", changes=what)  # fmt: skip
        return DocumentRow(int(doc_id), deal_id, kind, number, today, ctx.total_kopecks, 0,
                           False if kind == "invoice" else None, fmt, chosen)  # fmt: skip


def _select() -> object:
    s, dd = sales_documents.c, deal_documents.c
    return select(s.id, dd.deal_id, s.kind, s.number, s.doc_date, s.amount, dd.paid_amount, s.paid,
                  dd.file_format, dd.template).select_from(
        deal_documents.join(sales_documents, s.id == dd.document_id).join(deals, deals.c.id == dd.deal_id)
    )  # fmt: skip


def deal_documents_of(session: Session, viewer: Viewer, deal_id: int) -> list[DocumentRow]:
    """The deal's documents, oldest first; a deal the viewer may not see is not found, as
    ``crm deal show`` says (not an empty list, which would say it has none)."""
    seen = select(deals.c.id).where(deals.c.id == deal_id, visible_deals(viewer))
    if session.scalar(seen) is None:
        raise not_found("deal", deal_id)
    query = _select().where(deal_documents.c.deal_id == deal_id, visible_deals(viewer))  # type: ignore[attr-defined]
    return [DocumentRow(*row) for row in session.execute(query.order_by(deal_documents.c.document_id))]


def client_documents_of(session: Session, viewer: Viewer, client_id: int) -> list[DocumentRow]:
    """The documents of the client's deals the viewer sees, newest first (the card lists them);
    a client the viewer may not see is not found, as a deal is (not an empty list)."""
    if session.scalar(select(clients.c.id).where(clients.c.id == client_id, visible_clients(viewer))) is None:
        raise not_found("client", client_id)
    query = _select().where(deals.c.client_id == client_id, visible_deals(viewer))  # type: ignore[attr-defined]
    return [DocumentRow(*row) for row in session.execute(query.order_by(deal_documents.c.document_id.desc()))]


def find_document(session: Session, viewer: Viewer, document_id: int) -> DocumentRow:
    query = _select().where(deal_documents.c.document_id == document_id, visible_deals(viewer))  # type: ignore[attr-defined]
    row = session.execute(query).first()
    if row is None:
        raise not_found("document", document_id)
    return DocumentRow(*row)


def document_content(ws: Workspace, document_id: int) -> tuple[DocumentRow, bytes]:
    """The document and its file, for a viewer who sees its deal."""
    with ws.read() as session:
        row = find_document(session, ws.viewer, document_id)
        content = session.scalar(
            select(deal_documents.c.content).where(deal_documents.c.document_id == document_id)
        )
        return row, bytes(content or b"")
