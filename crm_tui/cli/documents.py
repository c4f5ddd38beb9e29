"""`crm doc`: a deal's contract and invoice, made, listed, shown and saved to a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm_tui.cli.common import fail, json_fields, open_ws, print_json, print_table, say
from crm_tui.cli.ids import record_id
from crm_tui.i18n import _

if TYPE_CHECKING:
    from crm_tui.domain.documents.making import DocumentRow


def kind_name(kind: str) -> str:
    """A kind of document as a person calls it ("invoice", "счёт")."""
    from crm_tui.domain.documents.making import KIND_NAMES

    return _(KIND_NAMES[kind])


app = typer.Typer(help="Documents of a deal: contract, invoice.", no_args_is_help=True)

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
OUT = Annotated[Path | None, typer.Option("--out", help="Also write the file here.")]
TEMPLATE = Annotated[str | None, typer.Option("--template", help="Template name (crm template list).")]


def _as_dict(row: DocumentRow, out: Path | None = None) -> dict[str, object]:

    found = json_fields(row)
    found["file_name"] = row.file_name
    if out is not None:
        found["out"] = str(out)
    return found


def _write(out: Path, content: bytes) -> None:
    """The document's file, 0600 (it holds requisites and amounts)."""
    from crm_tui.cli.files import writing
    from crm_tui.storage.private_files import open_private

    with writing(out, "--out"), open_private(out, "wb") as file:
        file.write(content)


def _made(ctx: typer.Context, deal: int, kind: str, template: str | None, fmt: str | None,
          out: Path | None, as_json: bool) -> None:  # fmt: skip
    from crm_tui.cli.files import check_writable
    from crm_tui.domain.documents.making import document_content, make_document
    from crm_tui.domain.values.formatting import money

    if out is not None:  # before the document takes its number
        check_writable(out, "--out")
    ws = open_ws(ctx)
    row = make_document(ws, deal, kind, template=template, file_format=fmt)
    if out is not None:
        _write(out, document_content(ws, row.id)[1])
    if as_json:
        print_json(_as_dict(row, out))
        return
    said = (
        _("contract {number} of deal {deal} made ({file})")
        if kind == "contract"
        else _("invoice {number} of deal {deal} made: {amount} ({file})")
    )
    say(said.format(number=row.number, deal=deal, amount=money(row.amount, with_kopecks=True),
                    file=out or row.file_name))  # fmt: skip


@app.command("contract")
def contract(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="Deal id.", callback=record_id("deal"))],
    template: TEMPLATE = None,
    out: OUT = None,
    as_json: JSON = False,
) -> None:
    """Make the deal's contract (DOCX) from a template: supply (default), services or your own."""
    _made(ctx, deal, "contract", template, None, out, as_json)


@app.command("invoice")
def invoice(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="Deal id.", callback=record_id("deal"))],
    template: TEMPLATE = None,
    docx: Annotated[
        bool, typer.Option("--docx", help="A DOCX from the invoice template instead of the PDF.")
    ] = False,
    out: OUT = None,
    as_json: JSON = False,
) -> None:
    """Make the deal's invoice: the PDF in the standard form with the payment QR code."""
    _made(ctx, deal, "invoice", template, "docx" if docx else None, out, as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    deal: Annotated[int | None, typer.Option("--deal", help="The documents of this deal.")] = None,
    client: Annotated[
        int | None, typer.Option("--client", help="The documents of this client's deals.")
    ] = None,
    as_json: JSON = False,
) -> None:
    """List a deal's (or a client's) documents."""
    from crm_tui.domain.documents.making import client_documents_of, deal_documents_of
    from crm_tui.domain.values.formatting import money

    if (deal is None) == (client is None):
        fail(_("give --deal or --client"))
    ws = open_ws(ctx)
    with ws.read() as session:
        rows = (
            deal_documents_of(session, ws.viewer, deal)
            if deal is not None
            else client_documents_of(session, ws.viewer, client or 0)
        )
    if as_json:
        print_json([_as_dict(row) for row in rows])
        return
    print_table(
        _("id"), _("deal"), _("document"), _("date"), _("amount"), _("paid"), _("file"),
        rows=[(r.id, r.deal_id, f"{kind_name(r.kind)} {r.number}", r.doc_date.strftime("%d.%m.%Y"),
               money(r.amount, with_kopecks=True),
               money(r.paid_amount, with_kopecks=True) if r.kind == "invoice" else "", r.file_name)
              for r in rows],
    )  # fmt: skip


@app.command("show")
def show(
    ctx: typer.Context, document: Annotated[int, typer.Argument(help="Document id.")], as_json: JSON = False
) -> None:
    """Show one document: its deal, number, date, amount, what is paid."""
    from crm_tui.domain.documents.making import document_content
    from crm_tui.domain.values.formatting import money

    row, content = document_content(open_ws(ctx), document)
    if as_json:
        print_json({**_as_dict(row), "size": len(content)})
        return
    say(_("{kind} {number} of {date}, deal {deal}: {amount}, paid {paid}; {file}, {size} bytes").format(
        kind=kind_name(row.kind), number=row.number, date=row.doc_date.strftime("%d.%m.%Y"),
        deal=row.deal_id,
        amount=money(row.amount, with_kopecks=True), paid=money(row.paid_amount, with_kopecks=True),
        file=row.file_name, size=len(content)))  # fmt: skip


@app.command("save")
def save(
    ctx: typer.Context,
    document: Annotated[int, typer.Argument(help="Document id.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: its own name here).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Save a document's file (PDF or DOCX)."""
    from crm_tui.domain.documents.making import document_content

    row, content = document_content(open_ws(ctx), document)
    target = out or Path(row.file_name)
    _write(target, content)
    if as_json:
        print_json(_as_dict(row, target))
        return
    say(_("saved {file}").format(file=target))


@app.command("send")
def send(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="The deal whose documents to mail.")],
    document: Annotated[
        list[int] | None,
        typer.Option(
            "--document", help="A document (id) to attach; repeat. Default: the latest contract and invoice."
        ),
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Where to (default: the client's e-mail).")] = None,
    as_json: JSON = False,
) -> None:
    """Mail the deal's contract and invoice to the client from the manager's address, through the
    outbox (`crm outbox send` sends it, once); an invoice moves the deal to Awaiting payment."""
    from crm_tui.domain.campaigns.deal_mail import send_deal_documents

    letter = send_deal_documents(open_ws(ctx), deal, document or None, to)
    if as_json:
        print_json(letter.as_json())
        return
    if not letter.queued:
        say(_("these documents were sent already (letter {id})").format(id=letter.outbox_id))
        return
    say(
        _("letter {id} to {address} queued: {files}").format(
            id=letter.outbox_id, address=letter.to, files=", ".join(letter.files)
        )
    )
