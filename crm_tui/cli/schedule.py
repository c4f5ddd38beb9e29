"""`crm schedule`: the clock-driven jobs, for cron."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, say, segment_counts
from crm_tui.i18n import _

app = typer.Typer(help="Clock-driven jobs (run from cron).", no_args_is_help=True)


@app.command("tick")
def tick(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print what the tick did as JSON.")] = False,
) -> None:
    """Run every scheduled job once: segments, tasks for clients nobody contacted, reminders for
    stuck and idle deals. Idempotent."""
    from crm_tui.scheduling.tick import run_tick

    report = run_tick(open_ws(ctx))
    if as_json:
        print_json(report.as_json())
        return
    say(segment_counts(report.segments))
    tasks = ", ".join(f"{segment} {n}" for segment, n in report.contact_tasks.items())
    say(_("tasks for clients without contact: {tasks}").format(tasks=tasks))
    reminders = report.deal_reminders
    say(
        _("reminders: {stuck} stuck deals, {idle} deals without activity").format(
            stuck=reminders["stuck"], idle=reminders["idle"]
        )
    )
