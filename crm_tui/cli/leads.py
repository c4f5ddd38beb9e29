"""`crm leads`: register a request, list and show them, take, assign, answer, convert, link,
junk; the twins of the inbox screen. The admin's lists (routing, sources, exclusions) are in
``cli.lead_setup`` and join this group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from crm_tui.cli import lead_setup
from crm_tui.cli.common import fail, open_ws, print_json, print_table, say
from crm_tui.i18n import _

if TYPE_CHECKING:
    from crm_tui.domain.leads.inbox import LeadItem
    from crm_tui.domain.workspace import Workspace

app = typer.Typer(
    help="Requests (leads): register, list, take, assign, answer, convert, link, junk.", no_args_is_help=True
)
JSON_HELP = "Print the result as JSON."
ID_HELP = "The request's id."


def _moment(ws: Workspace, value: object) -> str:
    from datetime import datetime

    return f"{value.astimezone(ws.tz):%d.%m %H:%M}" if isinstance(value, datetime) else ""


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The person's name.")] = "",
    company: Annotated[str, typer.Option("--company", help="The company's name.")] = "",
    phone: Annotated[str, typer.Option("--phone", help="Phone(s), in any spelling.")] = "",
    email: Annotated[str, typer.Option("--email", help="E-mail address(es).")] = "",
    messenger: Annotated[str, typer.Option("--messenger", help="A messenger handle.")] = "",
    message: Annotated[str, typer.Option("--message", help="What they asked.")] = "",
    product: Annotated[str, typer.Option("--product", help="The product of interest.")] = "",
    source: Annotated[str, typer.Option("--source", help="An advertising source from the list.")] = "",
    channel: Annotated[
        str, typer.Option("--channel", help="call, email, web_form, messenger, walk_in, manual or import.")
    ] = "manual",
    line: Annotated[str, typer.Option("--line", help="The phone line or form it came through.")] = "",
    utm_source: Annotated[str, typer.Option("--utm-source", help="utm_source.")] = "",
    utm_medium: Annotated[str, typer.Option("--utm-medium", help="utm_medium.")] = "",
    utm_campaign: Annotated[str, typer.Option("--utm-campaign", help="utm_campaign.")] = "",
    region: Annotated[str, typer.Option("--region", help="The region it is from.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Register a request: matched against the base, routed, its answer task set."""
    from crm_tui.domain.leads.intake import Request, receive

    ws = open_ws(ctx)
    got = receive(
        ws,
        Request(
            name=name, company=company, phone=phone, email=email, messenger=messenger, message=message,
            product=product, channel=channel, source=source, line=line, utm_source=utm_source,
            utm_medium=utm_medium, utm_campaign=utm_campaign, region=region, by_hand=True,
        ),
    )  # fmt: skip
    if as_json:
        print_json(
            {
                "outcome": got.outcome,
                "id": got.lead_id,
                "client": got.client_id,
                "owner_id": got.owner_id,
                "task": got.task_id,
                "answer_due_at": got.answer_due_at.isoformat() if got.answer_due_at else None,
                "flags": got.flags,
            }
        )
        return
    lines = {
        "new": _("request {id} registered, answer due {due}"),
        "repeat": _("repeat request {id} of client {client}, answer due {due}"),
        "touch": _("added to the open request {id}"),
        "junk": _("request {id} kept as junk: the sender is on the exclusion list"),
        "dropped": _("dropped: the sender is on the exclusion list"),
    }
    say(lines[got.outcome].format(id=got.lead_id, client=got.client_id, due=_moment(ws, got.answer_due_at)))


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str, typer.Option("--status", help="new, in_work, converted or junk.")] = "",
    owner: Annotated[str, typer.Option("--owner", help="Only this login's requests.")] = "",
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past their answer time.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The requests you may see, newest first."""
    from crm_tui.domain.captions import LEAD_CHANNEL_NAMES, LEAD_STATUS_NAMES
    from crm_tui.domain.leads.inbox import list_requests
    from crm_tui.storage.models import LeadStatus

    if status and status not in {s.value for s in LeadStatus}:
        fail(_("--status: one of new, in_work, converted, junk, not {text!r}").format(text=status))
    ws = open_ws(ctx)
    items = list_requests(ws, status=status, owner=owner, overdue=overdue)
    if as_json:
        for item in items:
            print_json(item.as_json())
        return
    now = ws.now()
    print_table(
        _("id"), _("status"), _("channel"), _("who"), _("owner"), _("due"), _("message"),
        rows=(
            (i.id, LEAD_STATUS_NAMES.caption(i.status), LEAD_CHANNEL_NAMES.caption(i.channel),
             i.company or i.name or "", i.owner or "",
             _moment(ws, i.answer_due_at) + (" !" if i.overdue(now) else ""), i.first_line[:60])
            for i in items
        ),
    )  # fmt: skip


def _show_json(item: LeadItem) -> dict[str, object]:
    return item.as_json()


@app.command("show")
def show(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help=ID_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """A request with its touches and who in the base has its numbers or addresses."""
    from crm_tui.domain.captions import ACTIVITY_KIND_NAMES, LEAD_CHANNEL_NAMES, LEAD_STATUS_NAMES
    from crm_tui.domain.leads.inbox import lead_card
    from crm_tui.domain.values.formatting import messenger, phone

    ws = open_ws(ctx)
    card = lead_card(ws, lead_id)
    if as_json:
        print_json(
            {
                **_show_json(card.item),
                "version": card.version,
                "junk_reason": card.junk_reason,
                "deal": card.deal_id,
                "utm": card.utm,
                "touches": [
                    {"id": t.id, "kind": t.kind, "direction": t.direction, "at": t.occurred_at.isoformat(),
                     "summary": t.summary, "user": t.user}
                    for t in card.touches
                ],
                "matches": [
                    {"client": h.client_id, "name": h.client_name, "owner": h.owner} for h in card.matches
                ],
            }
        )  # fmt: skip
        return
    item = card.item
    status, channel = LEAD_STATUS_NAMES.caption(item.status), LEAD_CHANNEL_NAMES.caption(item.channel)
    say(f"#{item.id} {status} {channel} {item.company or ''} {item.name or ''}".strip())
    say(", ".join([phone(p) for p in item.phones] + item.emails + [messenger(m) for m in item.messengers]))
    for touch in card.touches:
        arrow = "←" if touch.direction == "inbound" else "→"  # as the lead card shows a touch
        kind = ACTIVITY_KIND_NAMES.caption(touch.kind)
        say(f"  {_moment(ws, touch.occurred_at)} {kind} {arrow}: {touch.summary}")
    for holder in card.matches:
        say(holder.describe())


def _done(as_json: bool, lead_id: int, version: int, line: str) -> None:
    if as_json:
        print_json({"id": lead_id, "version": version})
    else:
        say(line)


@app.command("take")
def take(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help=ID_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Take an unowned request of your region; the second taker is told who was first."""
    from crm_tui.domain.leads.work import take_request

    got = take_request(open_ws(ctx), lead_id)
    _done(as_json, lead_id, got.version, _("request {id} is yours").format(id=lead_id))


@app.command("assign")
def assign(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help=ID_HELP)],
    to: Annotated[str, typer.Option("--to", help="The manager's login.")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Give a request to a manager (heads in their region, admins)."""
    from crm_tui.domain.leads.work import assign_request

    got = assign_request(open_ws(ctx), lead_id, to)
    _done(as_json, lead_id, got.version, _("request {id} given to {login}").format(id=lead_id, login=to))


@app.command("answer")
def answer(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help=ID_HELP)],
    summary: Annotated[str, typer.Option("--summary", help="What was answered or agreed.")],
    kind: Annotated[str, typer.Option("--kind", help="call, email, message or note.")] = "call",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Log the answer (a call, mail, message or note); the first one stops the clock."""
    from crm_tui.domain.leads.work import ANSWER_KINDS, answer_request
    from crm_tui.storage.models import InteractionKind

    if kind not in {k.value for k in ANSWER_KINDS}:
        fail(_("--kind: call, email, message or note, not {text!r}").format(text=kind))
    got = answer_request(open_ws(ctx), lead_id, InteractionKind(kind), summary)
    _done(as_json, lead_id, got.version, _("answer logged on request {id}").format(id=lead_id))


@app.command("convert")
def convert(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help=ID_HELP)],
    name: Annotated[str, typer.Option("--name", help="The client's name (default: the request's).")] = "",
    inn: Annotated[str, typer.Option("--inn", help="The client's INN.")] = "",
    deal: Annotated[str, typer.Option("--deal", help="Open a deal with this title.")] = "",
    amount: Annotated[str, typer.Option("--amount", help="The deal's amount.")] = "",
    pipeline: Annotated[str, typer.Option("--pipeline", help="The deal's pipeline.")] = "",
    anyway: Annotated[
        bool, typer.Option("--anyway", help="Make the client though the base has one.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Turn the request into a client with its contact (and a deal); its touches go along."""
    from crm_tui.domain.leads.conversion import Conversion, convert_request

    got = convert_request(open_ws(ctx), lead_id, Conversion(name, inn, deal, amount, pipeline), anyway=anyway)
    if got.client_id is None:
        holder = got.holders[0]
        fail(
            _("{holder}: link instead (crm leads link {id} --client {client}), or --anyway").format(
                holder=holder.describe(), id=lead_id, client=holder.client_id
            )
        )
    if as_json:
        print_json({"id": lead_id, "client": got.client_id, "contact": got.contact_id, "deal": got.deal_id})
        return
    say(_("request {id} became client {client}").format(id=lead_id, client=got.client_id))


@app.command("link")
def link(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help=ID_HELP)],
    client: Annotated[int, typer.Option("--client", help="The client's id.")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """The request belongs to a client of the base: its touches go to that client."""
    from crm_tui.domain.leads.conversion import link_request

    got = link_request(open_ws(ctx), lead_id, client)
    if as_json:
        print_json({"id": lead_id, "client": got.client_id})
        return
    say(_("request {id} linked to client {client}").format(id=lead_id, client=client))


@app.command("junk")
def junk(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help=ID_HELP)],
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="spam, wrong_number, duplicate, not_our_product, no_contact, test or other."
        ),
    ],
    comment: Annotated[str, typer.Option("--comment", help="A word on why.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Close the request as junk, with a reason."""
    from crm_tui.domain.leads.work import junk_request

    got = junk_request(open_ws(ctx), lead_id, reason, comment)
    _done(as_json, lead_id, got.version, _("request {id} is junk").format(id=lead_id))


app.add_typer(lead_setup.routing, name="routing")
app.add_typer(lead_setup.sources, name="sources")
app.add_typer(lead_setup.exclude, name="exclude")
app.add_typer(lead_setup.hours, name="hours")
