"""`crm leads routing|sources|exclude`: the admin's lists the inbox works by."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, print_table, say, warn
from crm_tui.i18n import _

routing = typer.Typer(
    help="Routing rules: which requests go to which pool of managers.", no_args_is_help=True
)
sources = typer.Typer(
    help="Advertising sources: lines, forms, UTM tags, response times.", no_args_is_help=True
)
exclude = typer.Typer(help="The exclusion list: spam numbers and addresses.", no_args_is_help=True)
hours = typer.Typer(help="Working hours and the response time.")
JSON_HELP = "Print the result as JSON."


@routing.command("list")
def routing_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The rules, first match wins; warns (on stderr) about channels whose requests without a
    region no rule routes: they wait in the common queue."""
    from crm_tui.domain.captions import LEAD_CHANNEL_NAMES
    from crm_tui.domain.leads.routing import list_routes, unrouted_channels

    ws = open_ws(ctx)
    with ws.read() as session:
        rules = list_routes(session)
    if as_json:
        for rule in rules:
            print_json(rule)
    else:
        print_table(
            _("id"), _("channel"), _("source"), _("line"), _("region"), _("pool"),
            rows=((r.id, LEAD_CHANNEL_NAMES.caption(r.channel) if r.channel else "*", r.source or "*",
                   r.line or "*", r.region or "*", ", ".join(r.pool)) for r in rules),
        )  # fmt: skip
    for channel in unrouted_channels(rules):
        warn(
            _(
                "no rule routes «{channel}» requests without a region: they wait in the common queue "
                "until a manager takes one or a head assigns it (crm leads routing add --channel {code})"
            ).format(channel=LEAD_CHANNEL_NAMES.caption(channel), code=channel)
        )


@routing.command("add")
def routing_add(
    ctx: typer.Context,
    pool: Annotated[
        list[str], typer.Option("--to", help="A manager's login of the pool (repeat the option).")
    ],
    channel: Annotated[str, typer.Option("--channel", help="Only requests of this channel.")] = "",
    source: Annotated[str, typer.Option("--source", help="Only requests of this source.")] = "",
    line: Annotated[str, typer.Option("--line", help="Only requests on this line or form.")] = "",
    region: Annotated[str, typer.Option("--region", help="Only requests of this region.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """A rule at the end of the list: what fits goes to the pool's managers in turns."""
    from crm_tui.domain.leads.routing import add_route

    rule = add_route(open_ws(ctx), pool, channel=channel, source=source, line=line, region=region)
    if as_json:
        print_json({"id": rule})
        return
    say(_("routing rule {id} added").format(id=rule))


@routing.command("remove")
def routing_remove(
    ctx: typer.Context,
    rule_id: Annotated[int, typer.Argument(help="The rule's id.")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Remove a rule."""
    from crm_tui.domain.leads.routing import remove_route

    remove_route(open_ws(ctx), rule_id)
    if as_json:
        print_json({"id": rule_id, "removed": True})
        return
    say(_("routing rule {id} removed").format(id=rule_id))


@sources.command("list")
def sources_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The advertising sources."""
    from crm_tui.domain.leads.setup import list_sources

    ws = open_ws(ctx)
    with ws.read() as session:
        found = list_sources(session)
    if as_json:
        for source in found:
            print_json(source)
        return
    print_table(
        _("id"), _("name"), _("line"), _("utm_source"), _("minutes"),
        rows=((s.id, s.name + ("" if s.active else " ×"), s.line or "", s.utm_source or "",
               s.response_minutes or "") for s in found),
    )  # fmt: skip


@sources.command("add")
def sources_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name.")],
    line: Annotated[str, typer.Option("--line", help="The phone line or form it stands for.")] = "",
    utm_source: Annotated[str, typer.Option("--utm-source", help="The utm_source that names it.")] = "",
    minutes: Annotated[
        int | None, typer.Option("--minutes", help="Working minutes to answer (default 15).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Add an advertising source."""
    from crm_tui.domain.leads.setup import add_source

    source = add_source(open_ws(ctx), name, line=line, utm_source=utm_source, minutes=minutes)
    if as_json:
        print_json({"id": source})
        return
    say(_("source {id} added").format(id=source))


@sources.command("retire")
def sources_retire(
    ctx: typer.Context,
    source_id: Annotated[int, typer.Argument(help="The source's id.")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """No new requests from it; the old ones keep it."""
    from crm_tui.domain.leads.setup import retire_source

    retire_source(open_ws(ctx), source_id)
    if as_json:
        print_json({"id": source_id, "active": False})
        return
    say(_("source {id} retired").format(id=source_id))


@exclude.command("list")
def exclude_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The numbers and addresses on the exclusion list."""
    from crm_tui.domain.leads.setup import list_exclusions

    ws = open_ws(ctx)
    with ws.read() as session:
        found = list_exclusions(session)
    if as_json:
        for row in found:
            print_json(row)
        return
    print_table(_("value"), _("action"), _("note"), rows=((r.value, r.action, r.note or "") for r in found))


@exclude.command("add")
def exclude_add(
    ctx: typer.Context,
    value: Annotated[str, typer.Argument(help="A phone number or an e-mail address.")],
    action: Annotated[str, typer.Option("--action", help="junk (keep as junk) or drop.")] = "junk",
    note: Annotated[str, typer.Option("--note", help="Why.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Put a number or an address on the exclusion list."""
    from crm_tui.domain.leads.setup import add_exclusion

    found = add_exclusion(open_ws(ctx), value, action=action, note=note)
    if as_json:
        print_json({"id": found})
        return
    say(_("{value} is on the exclusion list").format(value=value))


@exclude.command("remove")
def exclude_remove(
    ctx: typer.Context,
    value: Annotated[str, typer.Argument(help="A phone number or an e-mail address.")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Take a number or an address off the exclusion list."""
    from crm_tui.domain.leads.setup import remove_exclusion

    remove_exclusion(open_ws(ctx), value)
    if as_json:
        print_json({"value": value, "removed": True})
        return
    say(_("{value} is off the exclusion list").format(value=value))


@hours.callback(invoke_without_command=True)
def hours_set(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--start", help="The working day starts at (09:00).")] = "",
    end: Annotated[str, typer.Option("--end", help="...and ends at (18:00).")] = "",
    days: Annotated[str, typer.Option("--days", help="Working days, 1 = Monday: 1-5 or 1,2,3,4,5.")] = "",
    tz: Annotated[str, typer.Option("--tz", help="The time zone (Europe/Moscow).")] = "",
    login: Annotated[str, typer.Option("--login", help="One person's own hours instead of the team's.")] = "",
    minutes: Annotated[
        int | None, typer.Option("--minutes", help="Working minutes to answer a request (default 15).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """The team's working hours (routing takes turns among those working now; answers are due in
    working minutes): shown, or changed with the options."""
    from crm_tui.cli.common import user_id_of
    from crm_tui.domain.access.capabilities import Capability, require
    from crm_tui.domain.leads.hours import Hours, set_hours, show_hours

    ws = open_ws(ctx)
    if any((start, end, days, tz, login)) or minutes is not None:
        require(ws.viewer, Capability.CONFIGURE_LEADS)
        person = user_id_of(ws, login, "--login") if login else None
        with ws.write() as session:
            set_hours(
                session, start=start, end=end, days=days, zone=tz, person=person, minutes=minutes,
                user_id=ws.viewer.user_id, at=ws.now(),
            )  # fmt: skip
    with ws.read() as session:
        shown = show_hours(session)
    if as_json:
        print_json(
            {
                "team": shown.team.as_json(),
                "people": {who: h.as_json() for who, h in shown.people.items()},
                "response_minutes": shown.response_minutes,
            }
        )
        return

    def line(h: Hours) -> str:
        data = h.as_json()
        week = ",".join(str(d + 1) for d in data["days"])
        return f"{data['start']}-{data['end']} {data['tz']}, " + _("days {days}").format(days=week)

    say(_("team: {hours}; answer within {minutes} working minutes").format(
        hours=line(shown.team), minutes=shown.response_minutes))  # fmt: skip
    for who, h in shown.people.items():
        say(f"  {who}: {line(h)}")
