"""`crm privacy`: a person's data on request, exported or erased (admins only)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.i18n import N_, _

app = typer.Typer(
    help="Personal data requests (152-FZ, GDPR): export or erase a person.", no_args_is_help=True
)

PERSON_HELP = "A contact id, or one of the person's phones or e-mails."
ERASED = {
    "contacts": N_("contacts {count}"),
    "channels": N_("channels {count}"),
    "interactions_scrubbed": N_("interactions scrubbed {count}"),
    "audit_rows_scrubbed": N_("audit rows scrubbed {count}"),
    "suppressed_keys": N_("suppressed keys {count}"),
}
"""What an erasure removed, by its key in --json."""


@app.command("export")
def export(ctx: typer.Context, person: Annotated[str, typer.Argument(help=PERSON_HELP)]) -> None:
    """Everything about a person, as JSON: contact, channels, interactions, audit rows."""
    from crm_tui.domain.privacy import export_person

    ws = open_ws(ctx)
    with ws.read() as session:
        print_json(export_person(session, ws.viewer, person))


@app.command("erase")
def erase(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help=PERSON_HELP)],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask; required when not on a terminal.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was removed as JSON.")] = False,
) -> None:
    """Remove a person everywhere (audit payloads too) and keep them from being imported again."""
    from crm_tui.domain.privacy import erase_person, find_person

    ws = open_ws(ctx)
    with ws.read() as session:
        found = find_person(session, ws.viewer, person)
    if not yes:
        if not sys.stdin.isatty():
            fail(_("erasing cannot be undone: add --yes to confirm"))
        typer.confirm(
            _("Erase {names} everywhere? This cannot be undone").format(names=", ".join(found.names)),
            abort=True,
        )
    with ws.write() as session:
        done = erase_person(session, ws.viewer, ws.now(), person)
    if as_json:
        print_json(done)
        return
    say(
        ", ".join(
            _(ERASED[k]).format(count=v) if k in ERASED else f"{k.replace('_', ' ')} {v}"
            for k, v in done.items()
        )
    )
