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
    force: Annotated[
        bool, typer.Option("--force", help="Run every job even if nothing changed since the last tick.")
    ] = False,
) -> None:
    """Run the scheduled jobs that have work: segments (when their data or the day changed),
    tasks for clients nobody contacted and reminders for stuck and idle deals (once a day and
    when their rules change). Idempotent."""
    from crm_tui.scheduling.tick import run_tick

    report = run_tick(open_ws(ctx), force=force)
    if as_json:
        print_json(report.as_json())
        return
    if report.segments is None:
        say(_("segments: nothing changed since the last recompute"))
    else:
        say(segment_counts(report.segments))
    if report.mail is not None:
        say(
            _("mail read: {read}; mailboxes that failed: {failed}").format(
                read=report.mail["read"], failed=len(report.mail["failed"])
            )
        )
    if "contact_tasks" in report.skipped:
        say(_("tasks and reminders: done today already (--force runs them again)"))
        return
    tasks = ", ".join(f"{segment} {n}" for segment, n in report.contact_tasks.items())
    say(_("tasks for clients without contact: {tasks}").format(tasks=tasks))
    reminders = report.deal_reminders
    say(
        _("reminders: {stuck} stuck deals, {idle} deals without activity").format(
            stuck=reminders["stuck"], idle=reminders["idle"]
        )
    )


@app.command("run")
def run(
    ctx: typer.Context,
    every: Annotated[int, typer.Option("--every", help="Seconds between ticks.")] = 60,
    as_json: Annotated[bool, typer.Option("--json", help="Print each tick's report as a JSON line.")] = False,
) -> None:
    """Tick forever, every N seconds: for a systemd service (see the README) instead of cron.
    A tick that fails is reported and the next one runs."""
    import time

    from crm_tui.domain.errors import DomainError
    from crm_tui.scheduling.tick import run_tick
    from crm_tui.storage.errors import StorageError

    ws = open_ws(ctx)
    while True:
        started = time.monotonic()
        try:
            report = run_tick(ws)
        except (DomainError, StorageError) as exc:
            say(_("tick failed: {reason}").format(reason=exc))
        else:
            if as_json:
                print_json(report.as_json())
            elif report.outbox is not None:
                say(_("letters sent: {n}").format(n=report.outbox.get("sent", 0)))
        time.sleep(max(every - (time.monotonic() - started), 1))
