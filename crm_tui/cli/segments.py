"""`crm segments`: recompute, the purchase interval, manual segments, work rules."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, grouped, open_ws, print_json, say
from crm_tui.i18n import N_, _, current_locale, ngettext

INTERVAL_SOURCES = {
    "set": N_("set by an admin"),
    "auto": N_("from the sales history"),
    "default": N_("default: too little history"),
}
"""Where the purchase interval came from, by its code (--json keeps the code)."""

app = typer.Typer(help="Segments: warm, loyal, lost from the sales history.", no_args_is_help=True)


@app.command("recompute")
def recompute(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Recompute every client's segment (manual segments are kept); prints counts and moves."""
    from crm_tui.domain.captions import segment_name
    from crm_tui.domain.segments.recompute import recompute_segments

    result = recompute_segments(open_ws(ctx))
    if as_json:
        print_json(result.as_json())
        return
    interval = result.interval
    if interval.days is None:
        say(_("no sales history: only warm clients can be told; import orders or set segments by hand"))
    else:
        source = (
            _(INTERVAL_SOURCES[interval.source]) if interval.source in INTERVAL_SOURCES else interval.source
        )
        say(_("interval: {days} days ({source})").format(days=interval.days, source=source))
    for count in result.counts:
        clients = ngettext("{count} client", "{count} clients", count.clients).format(
            count=f"{grouped(count.clients):>9}"
        )
        say(f"  {segment_name(count.segment):<9} {clients}  {_amount(count.sales_total):>16}")
    say(
        _("moved {moved}, first assigned {assigned}, cleared {cleared}, manual (kept) {manual}").format(
            moved=result.moved, assigned=result.assigned, cleared=result.cleared, manual=result.manual
        )
    )
    for move, n in result.moves.items():
        say(f"  {move}: {n}")


@app.command("interval")
def interval(
    ctx: typer.Context,
    days: Annotated[str, typer.Argument(help="Days between purchases, or 'auto' to compute it.")],
) -> None:
    """Set the average interval between purchases (admins), or go back to computing it."""
    from crm_tui.domain.segments.interval import set_interval

    value: int | None
    if days.strip().lower() == "auto":
        value = None
    elif days.strip().isdigit():
        value = int(days)
    else:
        fail(_("interval: {days!r} is not a number of days or 'auto'").format(days=days))
    set_interval(open_ws(ctx), value)
    if value is None:
        say(_("interval: computed from the sales history"))
    else:
        say(_("interval: {days} days").format(days=value))


@app.command("set")
def set_(
    ctx: typer.Context,
    client: Annotated[int, typer.Argument(help="Client id.")],
    segment: Annotated[str, typer.Argument(help="warm, loyal, lost, or auto to clear the manual mark.")],
) -> None:
    """Set a client's segment by hand; recomputes keep it until it is set back to auto."""
    from crm_tui.domain.segments.actions import parse_segment, set_segment

    chosen = None if segment.strip().lower() == "auto" else parse_segment(segment)
    set_segment(open_ws(ctx), client, chosen)
    said = (
        _("client {client}: segment left to the rules")
        if chosen is None
        else _("client {client}: {segment} (manual)")
    )
    say(said.format(client=client, segment=chosen))


@app.command("rules")
def rules(
    ctx: typer.Context,
    segment: Annotated[str | None, typer.Argument(help="Change this segment's rule.")] = None,
    every: Annotated[int | None, typer.Option("--every", help="Contact every N days (0: off).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Task title; {days} is replaced.")] = None,
    max_per_run: Annotated[
        int | None, typer.Option("--max-per-run", help="New tasks per manager per tick.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rules as JSON.")] = False,
) -> None:
    """Show the work rules per segment, or change one."""

    from crm_tui.domain.captions import segment_name
    from crm_tui.domain.segments.actions import parse_segment
    from crm_tui.domain.segments.work import set_work_rule, work_rules

    ws = open_ws(ctx)
    if segment is not None:
        set_work_rule(ws, parse_segment(segment), every_days=every, title=title, max_per_run=max_per_run)
    elif every is not None or title is not None or max_per_run is not None:
        fail(
            _("name the segment whose rule to change, e.g. {command}").format(
                command="crm segments rules loyal --every 30"
            )
        )
    with ws.read() as session:
        found = work_rules(session)
    if as_json:
        print_json(found)
        return
    for rule in found:
        every_text = (
            _("every {days} days").format(days=rule.contact_every_days)
            if rule.contact_every_days
            else _("off")
        )
        most = _("max {count}/manager/run").format(count=rule.max_tasks_per_run)
        say(f"{segment_name(rule.segment):<9} {every_text:<16} {most}  {rule.task_title}")


def _amount(kopecks: int) -> str:
    """A sum of sales in roubles with kopecks: 1,234.50 in English, 1 234,50 in Russian."""
    roubles, kop = divmod(kopecks, 100)
    return f"{grouped(roubles)}{'.' if current_locale() == 'en' else ','}{kop:02d}"
