"""`crm installed`: what a client already owns, ours or a competitor's (seed 001)."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, say
from crm_tui.cli.ids import record_id
from crm_tui.i18n import _

app = typer.Typer(help="A client's installed base: add, list, remove.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    client_id: Annotated[int, typer.Argument(help="The client's id.", callback=record_id("client"))],
    product: Annotated[str, typer.Option("--product", help="What it is: «Котёл Buderus Logano».")],
    vendor: Annotated[str, typer.Option("--vendor", help="Who made or sold it.")] = "",
    ours: Annotated[bool, typer.Option("--ours/--competitor", help="Sold by us, or a competitor's.")] = False,
    quantity: Annotated[int, typer.Option("--qty", help="How many.")] = 1,
    acquired: Annotated[str, typer.Option("--acquired", help="2019, 03.2021 or 15.03.2021.")] = "",
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the new item's id as JSON.")] = False,
) -> None:
    """Record something the client owns."""
    from crm_tui.domain.clients.installed_base import InstalledDraft, add_installed

    ws = open_ws(ctx)
    item = add_installed(ws, client_id, InstalledDraft(product, vendor, ours, quantity, acquired, note))
    if as_json:
        print_json({"client": client_id, "item": item})
        return
    say(_("item {item} added to client {client}").format(item=item, client=client_id))


@app.command("list")
def list_(
    ctx: typer.Context,
    client_id: Annotated[int, typer.Argument(help="The client's id.", callback=record_id("client"))],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per item per line.")] = False,
) -> None:
    """What the client owns: competitors' products first."""

    from crm_tui.domain.access.visibility import visible_clients
    from crm_tui.domain.clients.installed_base import installed_of
    from crm_tui.domain.errors import NotFound
    from crm_tui.storage.models import clients

    ws = open_ws(ctx)
    with ws.read() as session:
        if (
            session.scalar(
                clients.select()
                .with_only_columns(clients.c.id)
                .where(clients.c.id == client_id, visible_clients(ws.viewer))
            )
            is None
        ):
            raise NotFound(_("client {client} not found").format(client=client_id))
        items = installed_of(session, client_id)
    for item in items:
        if as_json:
            print_json(item)
            continue
        whose = _("ours") if item.ours else _("competitor")
        when = f"{item.acquired_on:%m.%Y}" if item.acquired_on else "—"
        say(f"{item.id:>6}  {whose:<10} {item.quantity:>4} x {item.product} ({item.vendor or '—'}), {when}")


@app.command("remove")
def remove(
    ctx: typer.Context,
    item_id: Annotated[int, typer.Argument(help="The item's id, as `crm installed list` shows it.")],
) -> None:
    """Remove an item (sold on, scrapped, recorded by mistake); the audit trail keeps it."""
    from crm_tui.domain.clients.installed_base import remove_installed

    remove_installed(open_ws(ctx), item_id)
    say(_("item {item} removed").format(item=item_id))
