"""`crm template`: the contract and invoice templates (DOCX with placeholders)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, print_table, say
from crm_tui.cli.documents import kind_name
from crm_tui.i18n import _

app = typer.Typer(help="Contract and invoice templates (DOCX).", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A DOCX file with placeholders such as {{ client.inn }}.")],
    kind: Annotated[str, typer.Option("--kind", help="contract or invoice.")],
    name: Annotated[str | None, typer.Option("--name", help="Its name (default: the file's name).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Add a template (an admin): unknown placeholders and broken tags are refused, naming them."""

    from crm_tui.cli.files import read_bytes
    from crm_tui.domain.documents.templates import add_template

    content = read_bytes(file)
    added = add_template(open_ws(ctx), name or file.stem, kind, content)
    if as_json:
        print_json(added)
        return
    say(_("template {name!r} added ({kind})").format(name=added.name, kind=kind_name(added.kind)))


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """List the templates: the shipped ones and those an admin added."""

    from crm_tui.domain.documents.templates import list_templates

    ws = open_ws(ctx)
    with ws.read() as session:
        found = list_templates(session)
    if as_json:
        print_json(found)
        return
    rows = [(t.name, kind_name(t.kind), _("yes") if t.shipped else "") for t in found]
    print_table(_("name"), _("kind"), _("shipped"), rows=rows)


@app.command("names")
def names(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """The placeholders a template may use."""
    from crm_tui.domain.documents.templates import known_names

    if as_json:
        print_json(known_names())
        return
    for name in known_names():
        say("{{ " + name + " }}")
