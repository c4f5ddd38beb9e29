"""`crm clients`: the client base, as the acting user may see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from crm_tui.cli.common import (
    EXIT_USER_ERROR,
    UNKNOWN_OWNER,
    fail,
    json_fields,
    open_ws,
    person_json,
    print_json,
    print_table,
    say,
    user_id_of,
)
from crm_tui.cli.ids import record_id
from crm_tui.i18n import _

if TYPE_CHECKING:
    from crm_tui.domain.clients.listing import ClientFilter
    from crm_tui.domain.workspace import Workspace

app = typer.Typer(help="The client base.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    owner: Annotated[str | None, typer.Option("--owner", help="Only clients of this login.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="lead, prospect or customer.")] = None,
    query: Annotated[str | None, typer.Option("--search", help="Name, INN, phone or e-mail.")] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", help="warm, loyal, lost, or none (no segment yet).")
    ] = None,
    owns: Annotated[
        str | None, typer.Option("--owns", help="competitor or ours: clients owning such a product.")
    ] = None,
    product: Annotated[
        str, typer.Option("--product", help="Clients owning a product or vendor with this in its name.")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per client per line.")] = False,
) -> None:
    """List clients, streamed: safe on a base of a million."""

    from crm_tui.domain.captions import CLIENT_STATUS_NAMES
    from crm_tui.domain.clients.listing import NO_SEGMENT, OWNS, ClientFilter, iter_clients
    from crm_tui.storage.tables.kinds import ClientStatus
    from crm_tui.storage.tables.sales import Segment

    ws = open_ws(ctx)
    if status is not None and status not in {s.value for s in ClientStatus}:
        fail(_("unknown status {status!r}: use lead, prospect or customer").format(status=status))
    if segment is not None and segment not in {*(s.value for s in Segment), NO_SEGMENT}:
        fail(_("unknown segment {segment!r}: use warm, loyal, lost or none").format(segment=segment))
    if owns is not None and owns not in OWNS:
        fail(_("unknown --owns {owns!r}: use competitor or ours").format(owns=owns))
    owner_id = user_id_of(ws, owner, "--owner", UNKNOWN_OWNER)
    with ws.read_core() as session:
        flt = ClientFilter(
            query=query or "", owner_id=owner_id, status=status, segment=segment, owns=owns, product=product
        )
        rows = iter_clients(session, ws.viewer, flt)
        if as_json:
            count = 0
            for row in rows:
                print_json(row)
                count += 1
            _audit_export(ws, count, flt)
            return
        shown = print_table(
            _("id"),
            _("Name"),
            _("INN"),
            _("Phone"),
            _("E-mail"),
            _("Owner"),
            _("Region"),
            _("Status"),
            rows=(
                (
                    row.id,
                    f"{row.legal_form} {row.name}" if row.legal_form else row.name,
                    row.inn or "",
                    row.phones[0] if row.phones else "",
                    row.emails[0] if row.emails else "",
                    row.owner or "",
                    row.region or "",
                    CLIENT_STATUS_NAMES.caption(row.status),
                )
                for row in rows
            ),
        )
    _audit_export(ws, shown, flt)


def _audit_export(ws: Workspace, count: int, flt: ClientFilter) -> None:
    """An export takes client data out of the CRM: who took how much, and with which filter."""
    from crm_tui.domain.audit import trail as audit

    with ws.write_core() as session:
        audit.record(
            session,
            at=ws.now(),
            user_id=ws.viewer.user_id,
            entity="export",
            entity_id=0,
            action="clients_list",
            changes={
                "rows": count,
                "search": flt.query,
                "owner_id": flt.owner_id,
                "status": flt.status,
                "segment": flt.segment,
                "owns": flt.owns,
                "product": flt.product or None,
            },
        )


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='Name with or without the legal form: "ООО «Ромашка»".')],
    inn: Annotated[str, typer.Option("--inn", help="INN, or INN/KPP.")] = "",
    phone: Annotated[str, typer.Option("--phone", help="One or more phones, as written.")] = "",
    email: Annotated[str, typer.Option("--email", help="One or more e-mails.")] = "",
    city: Annotated[
        str, typer.Option("--city", help="The client's town (it places the client for dedup).")
    ] = "",
    region: Annotated[
        str, typer.Option("--region", help="The region whose team works the client (Москва, Липецк, ...).")
    ] = "",
    owner: Annotated[str | None, typer.Option("--owner", help="Login of the owner (default: you).")] = None,
    anyway: Annotated[
        bool,
        typer.Option("--anyway", help="Save even if the INN, phone or e-mail belongs to another client."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Add a client; refused, with whose client it is, when its INN, phone or e-mail is taken."""

    from crm_tui.domain.clients.new_client import NewClient, add_client

    ws = open_ws(ctx)
    owner_id = user_id_of(ws, owner, "--owner", UNKNOWN_OWNER)
    new = NewClient(name=name, inn=inn, phone=phone, email=email, city=city, region=region, owner_id=owner_id)
    added = add_client(ws, new, anyway=anyway)
    holders = [
        {
            "client": h.client_id,
            "name": h.client_name,
            "owner": h.owner,
            "region": h.region,
            "matched": h.matched,
        }
        for h in added.holders
    ]
    if as_json:
        print_json({"client": added.client_id, "already_held_by": holders})
        if added.client_id is None:
            raise typer.Exit(EXIT_USER_ERROR)
        return
    if added.client_id is None:
        first = added.holders[0].describe()
        more = _(" (and {count} more)").format(count=len(added.holders) - 1) if len(added.holders) > 1 else ""
        fail(
            _("not added: {holder}{more}; talk to the owner, or use --anyway for a branch").format(
                holder=first, more=more
            )
        )
    say(_("client {client} added").format(client=added.client_id))
    for h in added.holders:
        say("  " + _("note: {holder}").format(holder=h.describe()))


@app.command("timeline")
def timeline(
    ctx: typer.Context,
    client_id: Annotated[int, typer.Argument(help="The client's id.", callback=record_id("client"))],
    before: Annotated[
        str | None, typer.Option("--before", help="Continue from the 'next' a previous page printed.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Entries per page.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object: entries and next.")] = False,
) -> None:
    """Everything that happened to a client, newest first: touches, deal moves, tasks, changes,
    imports. Pages are stable: pass --before with the printed 'next' for older entries."""
    from crm_tui.domain.captions import timeline_event_name
    from crm_tui.domain.clients.timeline import Cursor, client_timeline

    ws = open_ws(ctx)
    cursor = Cursor.decode(before) if before else None
    with ws.read_core() as session:
        page = client_timeline(session, ws.viewer, client_id, cursor, limit)
    following = page.next.encode() if page.next else None
    if as_json:
        entries = [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                "text": e.text,
                "user": e.user,
                "direction": e.direction,
                "source": e.source,
                "ref": e.ref,
            }
            for e in page.entries
        ]
        print_json({"client": client_id, "entries": entries, "next": following})
        return
    from crm_tui.domain.values.formatting import local_time

    for e in page.entries:
        say(
            f"{local_time(e.at, ws.tz, '%d.%m.%Y %H:%M')}  {timeline_event_name(e.kind):<14} "
            f"{e.user or '—':<20} {e.text}"
        )
    if following:
        say(_("older: {command}").format(command=f"crm clients timeline {client_id} --before {following}"))


@app.command("log")
def log(
    ctx: typer.Context,
    client_id: Annotated[int, typer.Argument(help="The client's id.", callback=record_id("client"))],
    summary: Annotated[str, typer.Argument(help="What was said or agreed.")],
    kind: Annotated[str, typer.Option("--kind", help="call, email, message, meeting or note.")] = "call",
    inbound: Annotated[bool, typer.Option("--inbound", help="The client reached out to us.")] = False,
    duration: Annotated[str, typer.Option("--duration", help="Minutes: 5 or 4:30.")] = "",
    next_title: Annotated[str, typer.Option("--next", help="The next step, a task for you.")] = "",
    when: Annotated[str, typer.Option("--when", help="When it is due: завтра, +3, 25.11 15:00.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the ids as JSON.")] = False,
) -> None:
    """Log a touch with a client (from a telephony hook or by hand), with its next step."""
    from crm_tui.domain.interactions.log import log_interaction, parse_duration
    from crm_tui.domain.tasks.next_step import next_step
    from crm_tui.storage.tables.activity import Direction, InteractionKind

    ws = open_ws(ctx)
    if kind not in {k.value for k in InteractionKind}:
        fail(_("unknown --kind {kind!r}: use call, email, message, meeting or note").format(kind=kind))
    try:
        seconds = parse_duration(duration)
    except ValueError:
        fail(_("--duration {duration!r} is not minutes: write 5 or 4:30").format(duration=duration))
    then = next_step(next_title, when, ws.now(), ws.tz)
    direction = Direction.INBOUND if inbound else Direction.OUTBOUND
    touch = log_interaction(
        ws, client_id, InteractionKind(kind), summary, direction=direction, duration_s=seconds, then=then
    )
    if as_json:
        due = then.due.isoformat() if then else None
        print_json({"interaction": touch, "next_step": {"title": then.title, "due": due} if then else None})
        return
    logged = _("{kind} {interaction} logged").format(kind=kind, interaction=touch)
    if then:
        logged += _("; next step due {due}").format(due=f"{then.due:%d.%m.%Y %H:%M}")
    say(logged)


@app.command("edit")
def edit(
    ctx: typer.Context,
    client_id: Annotated[int, typer.Argument(help="The client's id.", callback=record_id("client"))],
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set", help="field=value: name, inn, kpp, ogrn, legal_address, bik, account, city, ..."
        ),
    ],
    version: Annotated[
        int | None, typer.Option("--version", help="Refuse if the client changed since this version.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new version as JSON.")] = False,
) -> None:
    """Edit a client's requisites and status; checksums are checked, a stale --version refused."""
    from crm_tui.domain.clients.edit import edit_client
    from crm_tui.storage.tables.clients import clients

    changes: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(_("--set {item!r}: write field=value, like inn=7707083893").format(item=item))
        changes[key.strip()] = value
    ws = open_ws(ctx)
    with ws.write() as session:
        seen = version
        if seen is None:
            seen = session.scalar(
                clients.select().with_only_columns(clients.c.version).where(clients.c.id == client_id)
            )
        new_version = edit_client(session, ws.viewer, ws.now(), client_id, seen or 0, changes)
    if as_json:
        print_json({"client": client_id, "version": new_version})
        return
    say(_("client {client} saved (version {version})").format(client=client_id, version=new_version))


@app.command("take")
def take(
    ctx: typer.Context,
    client_id: Annotated[int, typer.Argument(help="The lead's id.", callback=record_id("client"))],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Take an unowned lead of your region: first come, first served (the second is told who)."""

    from crm_tui.domain.clients.take import take_lead

    ws = open_ws(ctx)
    taken = take_lead(ws, client_id)
    if as_json:
        print_json(json_fields(taken) | person_json("owner", ws.viewer.login, ws.viewer.full_name))
        return
    line = _("«{name}» is yours already.") if taken.already_yours else _("«{name}» is yours now.")
    say(line.format(name=taken.name))
