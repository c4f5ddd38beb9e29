"""`crm import`: client files in, batches listed and undone."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from crm_tui.cli.common import fail, globals_of, open_ws, print_json, print_table, say, segment_counts
from crm_tui.i18n import _

app = typer.Typer(help="Import client files; list and undo import batches.", no_args_is_help=True)


@app.command("clients")
def clients(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help=".xlsx, .xls, .ods or .csv files.")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet name or 1-based number.")] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help=(
                'Column mapping, e.g. --map "Тел.=phone"; to a portrait field: '
                '--map "Штат=portrait.headcount" (repeat).'
            ),
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help='TOML file: [columns] "Тел." = "phone".')
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Login for rows whose owner is empty or unknown.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show mapping, counts and first problems; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import clients: each row becomes a client, or enriches the one with its INN, phone or e-mail."""
    from crm_tui.cli.collector import collector_paused
    from crm_tui.domain.imports.batches import ImportOptions, more_problems
    from crm_tui.domain.imports.errors import ImportFileError, MappingError
    from crm_tui.importers.clients.service import import_clients
    from crm_tui.importers.files.mapping import load_mapping_file, parse_map_options

    explicit: dict[str, str] = {}
    try:
        if mapping is not None:
            explicit.update(load_mapping_file(mapping))
        explicit.update(parse_map_options(maps or []))
    except MappingError as exc:
        fail(str(exc))
    sheet_choice: str | int | None = sheet
    if sheet is not None and sheet.isdigit():
        sheet_choice = int(sheet) - 1
    ws = open_ws(ctx)
    settings = globals_of(ctx).settings()
    options = ImportOptions(
        sheet=sheet_choice,
        explicit=explicit,
        owner_login=owner,
        dry_run=dry_run,
        errors_dir=settings.data_dir / "imports",
    )
    try:
        with collector_paused():
            if not as_json and sys.stderr.isatty():
                from rich.progress import Progress

                with Progress(transient=True) as bar:
                    task = bar.add_task(_("importing"), total=None)
                    summary = import_clients(ws, files, options, lambda n: bar.update(task, completed=n))
            else:
                summary = import_clients(ws, files, options)
    except (ImportFileError, MappingError) as exc:
        fail(str(exc))
    if as_json:
        print_json(
            {
                "batch": summary.batch,
                "rows": summary.rows,
                "created": summary.created,
                "enriched": summary.enriched,
                "unchanged": summary.unchanged,
                "already_imported": summary.already_imported,
                "merged": summary.merged,
                "rejected": summary.rejected,
                "conflicts": summary.conflicts,
                "warnings": summary.warnings,
                "errors_file": summary.errors_file,
                "problems": summary.problem_texts(),
                "problem_codes": summary.problem_codes(),
                "problems_total": summary.problems_total,
                "unmatched_owners": summary.unmatched_owners,
                "mapping": summary.mappings,
                "dry_run": dry_run,
            }
        )
        return
    if dry_run:
        for name, columns in summary.mappings.items():
            say(f"{name}:")
            for header, target in columns.items():
                say(f"  {header} -> {target}")
    counts = (
        _(
            "{rows} rows, would create {created}, enriched {enriched}, unchanged {unchanged}, "
            "already imported {already}, rejected {rejected}, conflicts {conflicts}"
        )
        if dry_run
        else _(
            "{rows} rows, created {created}, enriched {enriched}, unchanged {unchanged}, "
            "already imported {already}, rejected {rejected}, conflicts {conflicts}"
        )
    )
    say(
        f"{_batch(summary.batch, dry_run)}: "
        + counts.format(
            rows=summary.rows,
            created=summary.created,
            enriched=summary.enriched,
            unchanged=summary.unchanged,
            already=summary.already_imported,
            rejected=summary.rejected,
            conflicts=summary.conflicts,
        )
        + (
            ", " + _("merged into an earlier row of the file {merged}").format(merged=summary.merged)
            if summary.merged
            else ""
        )
    )
    for problem in summary.problems:
        say(f"  {problem}")
    if summary.problems_left_out:
        say("  " + more_problems(summary.problems_left_out, summary.errors_file))
    if summary.unmatched_owners:
        say(
            "  "
            + _("owners not found (rows given to {login}): {owners}").format(
                login=owner or ws.viewer.login, owners=", ".join(summary.unmatched_owners)
            )
        )
    if summary.errors_file:
        say(_("rows to look at, with their reasons: {file}").format(file=summary.errors_file))


def _batch(batch: int | None, dry_run: bool) -> str:
    return _("dry run") if dry_run else _("batch {batch}").format(batch=batch)


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per batch per line.")] = False,
) -> None:
    """Import batches you may see, newest first, with what each really made; a batch whose
    process was killed shows as interrupted (import the same file again to finish it)."""
    from crm_tui.domain.captions import IMPORT_STATUS_NAMES
    from crm_tui.importers.batches import list_batches

    ws = open_ws(ctx)
    batches = list_batches(ws)
    if as_json:
        for b in batches:
            print_json(b)
        return
    from datetime import datetime

    from crm_tui.domain.values.formatting import local_time

    print_table(
        _("Batch"),
        _("When"),
        _("By"),
        _("Status"),
        _("Files"),
        _("Rows"),
        _("Created"),
        _("Enriched"),
        _("Rejected"),
        rows=(
            (
                b.id,
                local_time(datetime.fromisoformat(b.started_at), ws.tz),
                b.user or "",
                IMPORT_STATUS_NAMES.caption(b.status),
                ", ".join(Path(f).name for f in b.files),
                b.rows,
                b.created,
                b.enriched,
                b.rejected,
            )
            for b in batches
        ),
    )
    for b in batches:
        if b.failure:
            say(_("batch {batch} failed: {reason}").format(batch=b.id, reason=b.failure))


@app.command("undo")
def undo(
    ctx: typer.Context,
    batch: Annotated[int, typer.Argument(help="The batch number from `crm import list`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Revert what a batch created and filled; what changed since is kept and listed."""
    from crm_tui.importers.batches import undo_import

    report = undo_import(open_ws(ctx), batch)
    if as_json:
        print_json(report)
        return
    if report.documents_removed or report.documents_restored:
        say(
            _(
                "batch {batch} undone: {removed} documents removed, {restored} restored to their "
                "earlier values"
            ).format(batch=batch, removed=report.documents_removed, restored=report.documents_restored)
        )
    else:
        say(
            _(
                "batch {batch} undone: {clients} clients removed, {fields} fields cleared, {records} other "
                "records removed"
            ).format(
                batch=batch,
                clients=report.clients_removed,
                fields=report.fields_cleared,
                records=report.records_removed,
            )
        )
    for line in report.kept:
        say(f"  {line}")


@app.command("orders")
def orders(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Orders, invoices, sales or payments: .xlsx, .xls, .ods, .csv.")
    ],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet name or 1-based number.")] = None,
    maps: Annotated[
        list[str] | None, typer.Option("--map", help='Column mapping, e.g. --map "Док.=document" (repeat).')
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="order, invoice, sale or payment, for a file without a kind column."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and match; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import the sales history from the trade system; then segments are recomputed."""
    from crm_tui.domain.documents.funnel import funnel_lines
    from crm_tui.domain.imports.batches import OrdersOptions, more_problems
    from crm_tui.domain.imports.errors import ImportFileError, MappingError
    from crm_tui.importers.orders.fields import parse_kind
    from crm_tui.importers.orders.service import import_orders

    explicit: dict[str, str] = {}
    for option in maps or []:
        header, sep, target = option.rpartition("=")
        if not sep or not header.strip():
            fail(_("--map '{option}' is not HEADER=FIELD").format(option=option))
        explicit[header.strip()] = target.strip()
    default_kind = parse_kind(kind) if kind else None
    if kind and default_kind is None:
        fail(_("--kind {kind!r}: use order, invoice, sale or payment").format(kind=kind))
    sheet_choice: str | int | None = int(sheet) - 1 if sheet and sheet.isdigit() else sheet
    ws = open_ws(ctx)
    options = OrdersOptions(
        sheet=sheet_choice,
        explicit=explicit,
        default_kind=default_kind,
        dry_run=dry_run,
        errors_dir=globals_of(ctx).settings().data_dir / "imports",
    )
    try:
        summary = import_orders(ws, file, options)
    except (ImportFileError, MappingError) as exc:
        fail(str(exc))
    if as_json:
        print_json({**summary.as_json(), "dry_run": dry_run})
        return
    say(
        f"{_batch(summary.batch, dry_run)}: "
        + _(
            "{rows} rows, {documents} documents; created {created}, updated {updated}, unchanged "
            "{unchanged}, unmatched (kept) {unmatched}, rejected {rejected}"
        ).format(
            rows=summary.rows,
            documents=summary.documents,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            unmatched=summary.unmatched,
            rejected=summary.rejected,
        )
    )
    if summary.matched_later:
        say("  " + _("documents of earlier imports matched now: {count}").format(count=summary.matched_later))
    for text in funnel_lines(summary.funnel, dry_run):
        say(text)
    for line in summary.problems:
        say(f"  {line}")
    if summary.problems_left_out:
        say("  " + more_problems(summary.problems_left_out, summary.errors_file))
    if summary.errors_file:
        say(_("rejected and unmatched documents: {file}").format(file=summary.errors_file))
    if summary.segments is not None:
        say(segment_counts(summary.segments))


@app.command("bank")
def bank(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A client-bank exchange file (1CClientBankExchange, Windows-1251).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import a bank statement: incoming payments matched to invoices by number, then INN and amount."""
    from datetime import date

    from crm_tui.domain.values.formatting import NUMERIC_DATE, money
    from crm_tui.importers.bank.service import import_bank

    summary = import_bank(open_ws(ctx), file)
    if as_json:
        print_json(summary.as_json())
        return
    say(
        _(
            "{file}: {incoming} incoming payments; matched {matched} (new {new}, already imported "
            "{already}); invoices paid in full {paid}, deals won {won}; unmatched {unmatched}"
        ).format(
            file=summary.file, incoming=summary.incoming, matched=summary.matched, new=summary.new,
            already=summary.already, paid=len(summary.paid_invoices), won=len(summary.won_deals),
            unmatched=len(summary.unmatched),
        )
    )  # fmt: skip
    reasons = {
        "no_invoice": _("no invoice fits"),
        "ambiguous": _("several invoices fit"),
        "other_date": _("the purpose dates the invoice otherwise"),
        "overpaid": _("more than remains unpaid on invoice {number} ({remains})"),
        "no_inn": _("no payer INN, and not exactly what remains unpaid on invoice {number} ({remains})"),
    }
    for item in summary.unmatched:
        reason = reasons.get(item.reason, item.reason).format(
            number=item.invoice, remains=money(item.remains or 0, with_kopecks=True)
        )
        say(
            _("  line {line}: {date} {amount} from {payer} (INN {inn}) «{purpose}»: {reason}").format(
                line=item.line, date=date.fromisoformat(item.date).strftime(NUMERIC_DATE),
                amount=money(item.amount, with_kopecks=True), payer=item.payer,
                inn=item.payer_inn or "—", purpose=item.purpose, reason=reason,
            )
        )  # fmt: skip
