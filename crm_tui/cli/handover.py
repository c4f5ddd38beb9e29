"""`crm handover`: give a manager's clients (with their open deals and tasks) to another."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.i18n import _

app = typer.Typer(
    help="Hand clients over to another manager, with their open deals and tasks; undo.",
    invoke_without_command=True,
)


@app.callback()
def handover(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help="The manager who takes them.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="The manager whose clients they are.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only the clients of this region.")] = None,
    client: Annotated[list[int] | None, typer.Option("--client", help="This client (repeat).")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would move; change nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """crm handover --from A --to B [--region R] | --client ID... --to B [--dry-run]"""
    if ctx.invoked_subcommand is not None:
        return

    from crm_tui.domain.clients.handovers import hand_over

    if to is None:
        fail(_("say who takes the clients: --to LOGIN"))
    result = hand_over(open_ws(ctx), to, from_login=from_, client_ids=client, region=region, dry_run=dry_run)
    if as_json:
        print_json(result)
        return
    said = (
        _("would move {clients} clients, {deals} open deals, {tasks} open tasks to {login}")
        if dry_run
        else _(
            "handover {handover}: moved {clients} clients, {deals} open deals, {tasks} open tasks to {login}"
        )
    )
    say(
        said.format(
            handover=result.handover, clients=result.clients, deals=result.deals, tasks=result.tasks, login=to
        )
    )


@app.command("undo")
def undo(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The handover number.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Give the clients back (what the receiver passed on since is kept and listed)."""

    from crm_tui.domain.clients.handovers import undo_handover

    report = undo_handover(open_ws(ctx), number)
    if as_json:
        print_json(report)
        return
    say(
        _("handover {handover} undone: {clients} clients, {deals} deals, {tasks} tasks back").format(
            handover=number, clients=report.clients, deals=report.deals, tasks=report.tasks
        )
    )
    for line in report.kept:
        say(f"  {line}")
