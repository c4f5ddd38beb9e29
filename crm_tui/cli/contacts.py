"""`crm contacts`: people at clients, and their moves between companies (seed 001)."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, say
from crm_tui.cli.ids import record_id
from crm_tui.i18n import _

app = typer.Typer(help="Contact persons: move to another company, job history.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    client_id: Annotated[int, typer.Argument(help="The client's id.", callback=record_id("client"))],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    position: Annotated[str, typer.Option("--position")] = "",
    phone: Annotated[str, typer.Option("--phone", help="One or more phones, as written.")] = "",
    email: Annotated[str, typer.Option("--email", help="One or more e-mails.")] = "",
    messenger: Annotated[str, typer.Option("--messenger", help="@handle or number.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the new contact's id as JSON.")] = False,
) -> None:
    """Add a contact person to a client."""
    from crm_tui.domain.contacts.new_contact import NewContact, save_contact

    contact = save_contact(open_ws(ctx), client_id, NewContact(name, position, phone, email, messenger))
    if as_json:
        print_json({"client": client_id, "contact": contact})
        return
    say(_("contact {contact} added to client {client}").format(contact=contact, client=client_id))


@app.command("edit")
def edit(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="The contact's id.")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    position: Annotated[str | None, typer.Option("--position")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Replaces the person's phones.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Replaces the person's e-mails.")] = None,
    messenger: Annotated[str | None, typer.Option("--messenger", help="Replaces the handle.")] = None,
) -> None:
    """Change a contact person; what is not given stays as it is."""
    from sqlalchemy import select

    from crm_tui.domain.contacts.new_contact import NewContact, typed_back, update_contact
    from crm_tui.storage.models import channels, contacts

    ws = open_ws(ctx)
    with ws.read() as session:
        row = session.execute(
            select(contacts.c.full_name, contacts.c.position).where(contacts.c.id == contact_id)
        ).first()
        found = [
            (kind, raw or value)
            for kind, value, raw in session.execute(
                select(channels.c.kind, channels.c.value, channels.c.raw)
                .where(channels.c.contact_id == contact_id)
                .order_by(channels.c.id)
            )
        ]
    now = typed_back(row.full_name, row.position, found) if row else NewContact("")
    update_contact(
        ws,
        contact_id,
        NewContact(
            name if name is not None else now.full_name,
            position if position is not None else now.position,
            phone if phone is not None else now.phone,
            email if email is not None else now.email,
            messenger if messenger is not None else now.messenger,
        ),
    )
    say(_("contact {contact} saved").format(contact=contact_id))


@app.command("remove")
def remove(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="The contact's id.")],
) -> None:
    """The person is gone: removed with their phones and e-mails (the audit trail keeps them)."""
    from crm_tui.domain.clients.records import remove_contact

    ws = open_ws(ctx)
    with ws.write() as session:
        remove_contact(session, ws.viewer, contact_id, ws.now())
    say(_("contact {contact} removed").format(contact=contact_id))


@app.command("move")
def move(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="The contact's id.")],
    to: Annotated[str, typer.Option("--to", help="The new company: a client id or its INN.")],
    position: Annotated[str, typer.Option("--position", help="The position there.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """The person moved to another client: their mobile and private mail go along, the office
    line and the old company's mail stay; both clients' timelines say so."""

    from crm_tui.domain.contacts.moves import move_contact

    moved = move_contact(open_ws(ctx), contact_id, to, position)
    if as_json:
        print_json(moved)
        return
    say(
        _("contact {contact} moved from client {old} to client {new}").format(
            contact=contact_id, old=moved.from_client, new=moved.to_client
        )
    )


@app.command("history")
def history(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="The contact's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per job per line.")] = False,
) -> None:
    """The person's jobs, the current one first."""
    from crm_tui.domain.contacts.moves import contact_history

    ws = open_ws(ctx)
    with ws.read() as session:
        jobs = contact_history(session, ws.viewer, contact_id)
    for job in jobs:
        if as_json:
            until = job.until.isoformat() if job.until else None
            print_json(
                {"client": job.client_id, "name": job.client_name, "position": job.position, "until": until}
            )
        else:
            until = _("until {day}").format(day=f"{job.until:%d.%m.%Y}") if job.until else _("now")
            say(
                _("{name} (client {client}), {position}, {until}").format(
                    name=job.client_name, client=job.client_id, position=job.position or "—", until=until
                )
            )
