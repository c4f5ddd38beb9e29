"""`crm report`: the funnel, the forecast, stuck deals; the KPI reports (calls, growth, stages,
silent, plan, tasks, refusals, invoices)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say, user_id_of
from crm_tui.i18n import N_, _, decimal, ngettext

if TYPE_CHECKING:
    from crm_tui.domain.workspace import Workspace

app = typer.Typer(
    help="Reports for heads of sales (and for managers, on their own deals).", no_args_is_help=True
)


def _day(text: str | None, option: str) -> date | None:
    """The day an option names, read as every date is (2026-12-05, 05.12.2026, 5 декабря 2026)."""
    if text is None:
        return None
    from crm_tui.domain.values.dates import normalise_date
    from crm_tui.domain.values.typed import read_typed

    return read_typed(option, normalise_date, text, N_("a date (YYYY-MM-DD)"))


@app.command("funnel")
def funnel(
    ctx: typer.Context,
    date_from: Annotated[str | None, typer.Option("--from", help="Deals created from this day.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="...up to and including this day.")] = None,
    manager: Annotated[str | None, typer.Option("--manager", help="Only this login's deals.")] = None,
    pipeline: Annotated[
        str | None, typer.Option("--pipeline", help="Pipeline name (default: the main one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Per stage: deals and sums now, how many reached it, conversion to the next, median days;
    and the lost reasons."""
    from crm_tui.domain.deals.pipelines import default_pipeline_id
    from crm_tui.domain.reports.funnel import ReportScope, funnel_report
    from crm_tui.domain.values.formatting import money_figures, share_percent

    ws = open_ws(ctx)
    owner_id = _manager_id(ws, manager)
    with ws.read() as session:
        pid = default_pipeline_id(session, pipeline)
        if pid is None:
            fail(_("no pipeline {pipeline!r}").format(pipeline=pipeline))
        scope = ReportScope(pid, _day(date_from, "--from"), _day(date_to, "--to"), owner_id)
        report = funnel_report(session, ws.viewer, scope, ws.now(), ws.tz)
    if as_json:
        print_json(report.as_json())
        return
    say(f"{report.pipeline}")
    sums = money_figures([s.amount for s in report.stages])
    for s, amount in zip(report.stages, sums, strict=True):
        conversion = share_percent(s.conversion, 0) if s.conversion is not None else ""
        median = _days(s.median_days) if s.median_days is not None else ""
        reached = _("reached {count}").format(count=f"{s.reached:>7}")
        say(f"  {s.name:<20} {s.deals:>7} {amount:>18}  {reached}  -> {conversion:>5}  {median}")
    losses = money_figures([amount for _reason, _n, amount in report.lost_reasons])
    for (reason, n, _amount), amount in zip(report.lost_reasons, losses, strict=True):
        lost = _("lost: {reason}").format(reason=f"{reason:<28}")
        say(f"  {lost} {n:>6} {amount:>18}")


def _days(days: float) -> str:
    """A number of days, short: 12 d, 12 дн."""
    return _("{days} d").format(days=decimal(days))


@app.command("forecast")
def forecast(
    ctx: typer.Context,
    pipeline: Annotated[str | None, typer.Option("--pipeline", help="Pipeline name (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the lines as JSON.")] = False,
) -> None:
    """Open deals weighted by their stage's probability, by expected close month and manager."""

    from crm_tui.domain.deals.pipelines import default_pipeline_id
    from crm_tui.domain.reports.funnel import forecast_report, forecast_total
    from crm_tui.domain.values.formatting import money_figures

    ws = open_ws(ctx)
    with ws.read() as session:
        pid = default_pipeline_id(session, pipeline) if pipeline else None
        if pipeline and pid is None:
            fail(_("no pipeline {pipeline!r}").format(pipeline=pipeline))
        lines = forecast_report(session, ws.viewer, pid)
    if as_json:
        print_json(lines)
        return
    total = forecast_total(lines)
    *amounts, amount_total = money_figures([*(line.amount for line in lines), total.amount])
    *weighted, weighted_total = money_figures([*(line.weighted for line in lines), total.weighted])
    for line, amount, chance in zip(lines, amounts, weighted, strict=True):
        month = _("no date") if line.month == "none" else line.month  # a deal without a close date
        say(f"{month:<8} {line.manager:<28} {line.deals:>6} {amount:>18} {chance:>18}")
    label = _("total")
    say(f"{label:<37} {total.deals:>6} {amount_total:>18} {weighted_total:>18}")


@app.command("stuck")
def stuck(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per deal per line.")] = False,
) -> None:
    """Deals over their stage's limit, longest first: the head's list."""

    from crm_tui.domain.deals.stuck import stuck_deals
    from crm_tui.domain.values.formatting import money_figures

    ws = open_ws(ctx)
    with ws.read() as session:
        found = stuck_deals(session, ws.viewer, ws.now())
    amounts = money_figures([row.amount for row in found])
    for row, amount in zip(found, amounts, strict=True):
        if as_json:
            print_json(row)
        else:
            say(
                f"{row.id:>7} {row.title:<40} {row.owner or '—':<24} {row.stage:<18} "
                f"{_days(row.days):>6} {amount}"
            )


@app.command("completeness")
def completeness(
    ctx: typer.Context,
    manager: Annotated[str | None, typer.Option("--manager", help="Only this login's clients.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per manager per line.")] = False,
) -> None:
    """Per manager: clients, and the share described at 80% or more (required portrait fields and
    contact information)."""
    from crm_tui.domain.portrait.completeness import completeness_report
    from crm_tui.domain.values.formatting import share_percent

    ws = open_ws(ctx)
    owner_id = _manager_id(ws, manager)
    with ws.read() as session:
        lines = completeness_report(session, ws.viewer, owner_id)
    for line in lines:
        if as_json:
            print_json({"manager": line.login, "name": line.name, "clients": line.clients, "good": line.good,
                        "share": round(line.share, 4)})  # fmt: skip
        else:
            share = share_percent(line.share)
            described = ngettext(
                "{count} client  {share} at 80% or more",
                "{count} clients  {share} at 80% or more",
                line.clients,
            ).format(count=f"{line.clients:>7}", share=f"{share:>6}")
            name = line.name or _("(no owner)")
            say(f"{name:<30} {described}")


@app.command("leads")
def leads_report(
    ctx: typer.Context,
    date_from: Annotated[str, typer.Option("--from", help="Requests received from this day.")],
    date_to: Annotated[str, typer.Option("--to", help="...up to and including this day.")],
    by: Annotated[
        str | None, typer.Option("--by", help="source, channel, manager, region, day or week.")
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Only the requests of this region (yours, or any for admins)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the report to this .xlsx file.")] = None,
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="Write the report to this .csv file (semicolons, decimal commas)."),
    ] = None,
) -> None:
    """Requests: new, repeat, in work, converted, junk, conversion (2-5% average, 6-9% above, 10% and
    more good), median minutes to the first answer, answered on time; per group beside the team."""
    from crm_tui.domain.reports.leads import GROUPINGS, LeadFigures, lead_report
    from crm_tui.domain.values.formatting import fraction, share_percent

    if by is not None and by not in GROUPINGS:
        fail(_("--by: one of {choices}, not {text!r}").format(choices=", ".join(GROUPINGS), text=by))
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    assert start is not None and end is not None
    files = {option: path for option, path in (("--xlsx", xlsx), ("--csv", csv)) if path is not None}
    if files:
        from crm_tui.cli.files import check_writable

        for option, path in files.items():
            check_writable(path, option)
    ws = open_ws(ctx)
    with ws.read() as session:
        from crm_tui.domain.reports.region import region_named

        area = region_named(session, ws.viewer, region) if region is not None else None
        report = lead_report(session, ws.viewer, start, end, by=by, now=ws.now(), tz=ws.tz, region=area)
    if files:
        from crm_tui.cli.files import writing
        from crm_tui.domain.exports import write_csv_sheets, write_sheets
        from crm_tui.domain.reports.sheets import lead_sheets

        written = 1 + len(report.groups)
        for option, path in files.items():
            with writing(path, option):
                (write_csv_sheets if option == "--csv" else write_sheets)(path, lead_sheets(report))
            say(ngettext("{count} row written to {file}", "{count} rows written to {file}", written).format(
                count=written, file=path))  # fmt: skip
        return
    if as_json:
        print_json(report.as_json())
        return
    bands = {
        "below": _("below average"),
        "average": _("average"),
        "above": _("above average"),
        "good": _("good"),
    }

    def line(figures: LeadFigures, label: str) -> str:
        shown = figures.as_json()
        conversion = (
            "—"
            if shown["conversion"] is None
            else f"{share_percent(shown['conversion'])} ({bands[shown['band']]})"
        )
        return _(
            "{label}: new {new}, repeat {repeat}, in work {in_work}, converted {converted}, junk {junk}; "
            "conversion {conversion}; first answer in {median} min (median); on time {on_time}"
        ).format(
            label=label, new=figures.new, repeat=figures.repeat, in_work=figures.in_work,
            converted=figures.converted, junk=figures.junk, conversion=conversion,
            median=fraction(shown["median_response_minutes"]), on_time=share_percent(shown["on_time"]),
        )  # fmt: skip

    say(line(report.team, _("team")))
    for group in report.groups:
        say("  " + line(group, report.label(group)))


KPI_HELP = {
    "calls": N_("Calls and mails per manager: inbound, outbound, answered, missed, talk time."),
    "clients": N_("New clients per period and owner: how the base grows."),
    "stages": N_("Time in each stage (median and 90%) and the deals over their stage's limit now."),
    "idle": N_("Clients without any touch for --days days, by owner and segment."),
    "plan": N_("Plan against fact per manager or region, with the projection at the pace so far."),
    "tasks": N_("Tasks per manager: set, due, done on time, done late, overdue."),
    "refusals": N_("Deals closed per manager: won, lost, the lost share; --by reason for the reasons."),
    "invoices": N_("Invoices issued, paid and overdue (unpaid --days days after their date) per manager."),
}
KPI_OF = {"clients": "growth", "idle": "silent"}
"""The issue's command names of the reports whose code is older (``KpiName``: the JSON's and the
sheet's): ``growth`` and ``silent`` stay as hidden commands, so scripts written for them run."""
REGION_HELP = N_("Only the figures of this region's people (heads: their own region; admins: any).")
BY_HELP = N_(
    "A slice: <manager|region|day|week|month|segment|reason|pipeline|source>, as the report has it; "
    "repeat it."
)


def _kpi(
    ctx: typer.Context,
    name: str,
    date_from: str | None,
    date_to: str | None,
    by: list[str] | None,
    manager: str | None,
    region: str | None,
    days: int | None,
    as_json: bool,
    files: dict[str, Path | None],
) -> None:
    from dataclasses import replace

    from crm_tui.domain.reports.kpi import KpiName, KpiQuery, export_csv, export_xlsx, run_kpi, shown_rows
    from crm_tui.domain.reports.period import period_or_month
    from crm_tui.domain.reports.region import narrowed
    from crm_tui.domain.reports.table import Slice, UnknownSlice

    slices = []
    for text in by or []:
        try:
            slices.append(Slice(text.strip().lower()))
        except ValueError:
            fail(_("--by: {value!r} is not one of {allowed}").format(value=text, allowed=", ".join(Slice)))
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    if start is not None and end is not None and end < start:
        fail(_("--to: {end} is before --from {start}").format(end=date_to, start=date_from))
    if days is not None and days < 1:
        fail(_("--days: give a number of days, 1 or more"))
    wanted = {option: path for option, path in files.items() if path is not None}
    if wanted:
        from crm_tui.cli.files import check_writable

        for option, path in wanted.items():
            check_writable(path, option)
    ws = open_ws(ctx)
    owner_id = _manager_id(ws, manager)
    period = period_or_month(start, end, ws.now(), ws.tz)
    query = KpiQuery(KpiName(KPI_OF.get(name, name)), period, tuple(slices) if by else None, owner_id)
    if days is not None:
        query = replace(query, silent_days=days, overdue_days=days)
    with ws.read() as session:
        viewer = narrowed(session, ws.viewer, region)
        try:
            report = run_kpi(session, viewer, query, ws.now(), ws.tz)
        except UnknownSlice as exc:
            fail(_("--by: the {report} report has no {slice} slice").format(report=name, slice=exc.args[0]))
    if wanted:
        from crm_tui.cli.files import writing

        for option, path in wanted.items():
            with writing(path, option):
                written = (export_csv if option == "--csv" else export_xlsx)(report, path)
            say(ngettext("{count} row written to {file}", "{count} rows written to {file}", written).format(
                count=written, file=path))  # fmt: skip
        return
    if as_json:
        for row in report.rows:
            print_json(row)
        return
    from crm_tui.cli.common import print_report

    print_report(report, shown_rows(report))


def _kpi_command(name: str, command_name: str, *, hidden: bool = False) -> None:
    def command(
        ctx: typer.Context,
        date_from: Annotated[
            str | None, typer.Option("--from", help="From this day (default: this month's first).")
        ] = None,
        date_to: Annotated[str | None, typer.Option("--to", help="...up to and including this day.")] = None,
        by: Annotated[list[str] | None, typer.Option("--by", help=BY_HELP)] = None,
        manager: Annotated[str | None, typer.Option("--manager", help="Only this login's figures.")] = None,
        region: Annotated[str | None, typer.Option("--region", help=REGION_HELP)] = None,
        days: Annotated[
            int | None,
            typer.Option("--days", help="idle: days without a touch (30); invoices: days to pay (10)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per row per line.")] = False,
        xlsx: Annotated[
            Path | None, typer.Option("--xlsx", help="Write the report to this .xlsx file.")
        ] = None,
        csv: Annotated[
            Path | None,
            typer.Option("--csv", help="Write the report to this .csv file (semicolons, decimal commas)."),
        ] = None,
    ) -> None:
        _kpi(ctx, command_name, date_from, date_to, by, manager, region, days, as_json,
             {"--xlsx": xlsx, "--csv": csv})  # fmt: skip

    command.__doc__ = KPI_HELP[name]
    app.command(command_name, hidden=hidden)(command)


for _name in KPI_HELP:
    _kpi_command(_name, _name)
for _name, _old in KPI_OF.items():
    _kpi_command(_name, _old, hidden=True)


@app.command("digest")
def digest(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="A login (their figures) or an e-mail address (yours).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Mail the week's KPI (the last 7 days and the month so far) through the outbox; run weekly by
    cron. The same week's digest to the same person goes once."""
    from crm_tui.domain.reports.digest import hand_to_outbox, weekly_digest

    ws = open_ws(ctx)
    with ws.write() as session:
        made = weekly_digest(session, ws.viewer, to, ws.now(), ws.tz)
        queued = hand_to_outbox(session, ws.viewer, made, ws.now())
    if as_json:
        print_json({"to": queued.address, "subject": made.subject, "outbox_id": queued.outbox_id,
                    "queued": queued.queued, "figures": made.figures})  # fmt: skip
        return
    said = (
        _("the digest to {address} is queued (letter {id}); crm outbox send sends it")
        if queued.queued
        else _("this week's digest to {address} is queued or sent already (letter {id})")
    )
    say(said.format(address=queued.address, id=queued.outbox_id))


def _manager_id(ws: Workspace, manager: str | None) -> int | None:
    """`--manager`'s user id: unknown logins and people outside the viewer's figures refused."""
    from crm_tui.domain.reports.region import manager_within

    owner_id = user_id_of(ws, manager, "--manager")
    if owner_id is not None:
        with ws.read() as session:
            manager_within(session, ws.viewer, owner_id)
    return owner_id
