"""`crm clients`: the client base, as the acting user may see it."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json

app = typer.Typer(help="The client base.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    owner: Annotated[str | None, typer.Option("--owner", help="Only clients of this login.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="lead, prospect or customer.")] = None,
    query: Annotated[str | None, typer.Option("--search", help="Name, INN, phone or e-mail.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per client per line.")] = False,
) -> None:
    """List clients, streamed: safe on a base of a million."""
    from dataclasses import asdict

    from sqlalchemy import select

    from crm_tui.domain.clients import ClientFilter, iter_clients
    from storage.models import ClientStatus, users

    ws = open_ws(ctx)
    if status is not None and status not in {s.value for s in ClientStatus}:
        fail(f"unknown status {status!r}: use lead, prospect or customer")
    with ws.read() as session:
        owner_id = None
        if owner is not None:
            owner_id = session.scalar(select(users.c.id).where(users.c.login == owner))
            if owner_id is None:
                fail(f"unknown owner {owner!r} in --owner")
        flt = ClientFilter(query=query or "", owner_id=owner_id, status=status)
        rows = iter_clients(session, ws.viewer, flt)
        if as_json:
            for row in rows:
                print_json(asdict(row))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("id", "name", "INN", "phone", "e-mail", "owner", "region", "status")
        for row in rows:
            table.add_row(
                str(row.id),
                f"{row.legal_form} {row.name}" if row.legal_form else row.name,
                row.inn or "",
                row.phones[0] if row.phones else "",
                row.emails[0] if row.emails else "",
                row.owner or "",
                row.region or "",
                row.status,
            )
        Console().print(table)
