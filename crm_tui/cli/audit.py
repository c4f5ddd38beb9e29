"""`crm audit`: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, say, user_id_of
from crm_tui.i18n import N_


def audit(
    ctx: typer.Context,
    client: Annotated[
        int | None, typer.Option("--client", help="Only this client (with its deals, tasks, touches).")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only changes made by this login.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date (YYYY-MM-DD), in your time zone.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="At most this many rows.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per row per line.")] = False,
) -> None:
    """The audit trail, newest first: every change to clients, deals, tasks, imports and merges."""
    from crm_tui.domain.audit.trail import describe_changes, trail, with_people
    from crm_tui.domain.values.dates import normalise_date
    from crm_tui.domain.values.typed import read_typed

    ws = open_ws(ctx)
    day = (
        read_typed("--since", normalise_date, since, N_("a date (YYYY-MM-DD)")) if since is not None else None
    )
    start = datetime.combine(day, time(), tzinfo=ws.tz) if day else None
    user_id = user_id_of(ws, user, "--user")
    with ws.read() as session:
        lines = trail(session, ws.viewer, client_id=client, user_id=user_id, since=start, limit=limit)
        if not as_json:  # a person reads colleagues by name; a script keeps the ids
            lines = with_people(session, lines)
    for line in lines:
        if as_json:
            print_json(
                {
                    "id": line.id,
                    "at": line.at.isoformat(),
                    "user": line.user,
                    "entity": line.entity,
                    "entity_id": line.entity_id,
                    "action": line.action,
                    "changes": line.changes,
                }
            )
        else:
            local = line.at.astimezone(ws.tz).strftime("%d.%m.%Y %H:%M")
            who = line.user or "-"
            say(f"{local}  {who:<12} #{line.entity_id:<7} {describe_changes(line, width=400, tz=ws.tz)}")
