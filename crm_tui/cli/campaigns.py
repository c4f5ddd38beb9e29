"""`crm campaign`: mailings and drips (issue 24)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from crm_tui.cli.campaign_options import Installed, ListFile, Owner, Product, Region, Search, Segment, Status
from crm_tui.cli.common import fail, open_ws, print_figures, print_json, print_table, say, warn
from crm_tui.cli.ids import record_id
from crm_tui.domain.captions import (
    CAMPAIGN_KIND_NAMES,
    CAMPAIGN_STATUS_NAMES,
    LEFT_OUT_NAMES,
    RECIPIENT_STATE_NAMES,
    STOP_REASON_NAMES,
)
from crm_tui.i18n import N_, _

app = typer.Typer(help="Campaigns: personal letters and drips to an audience.", no_args_is_help=True)
JSON_HELP = "Print the result as JSON."
AsJson = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
Campaign = Annotated[str, typer.Argument(help="The campaign's name or id.")]


def _steps(path: Path) -> list[Any]:
    """Steps from a JSON file: a list of {"day", "subject", "text", "html"?}."""
    from crm_tui.cli.files import read_bytes
    from crm_tui.domain.campaigns.setup import StepDraft

    try:
        raw = json.loads(read_bytes(path).decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(_("{file}: not JSON: {reason}").format(file=path, reason=exc))
    if not isinstance(raw, list):
        fail(_("{file}: a list of steps is expected").format(file=path))
    steps = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not {"day", "subject", "text"} <= set(item):
            fail(
                _("{file}: step {number}: day, subject and text are needed").format(file=path, number=number)
            )
        if not isinstance(item["day"], int):
            fail(_("{file}: step {number}: day is a whole number").format(file=path, number=number))
        steps.append(StepDraft(item["day"], str(item["subject"]), str(item["text"]), item.get("html")))
    return steps


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The campaign's name.")],
    steps: Annotated[
        Path | None,
        typer.Option("--steps", help='A JSON file: [{"day": 8, "subject": ..., "text": ..., "html": ...}].'),
    ] = None,
    example: Annotated[
        str | None,
        typer.Option("--example", help="Start from a shipped campaign: lost-drip (seed 000, days 8/15/20)."),
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="personal or advertising (needs consent).")
    ] = "personal",
    segment: Segment = None,
    status: Status = None,
    owner: Owner = None,
    region: Region = None,
    search: Search = None,
    installed: Installed = None,
    product: Product = None,
    xlsx: ListFile = None,
    sender: Annotated[
        str | None,
        typer.Option("--sender", help="A shared sending address (default: each client's manager)."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Make a campaign: its audience, its letters (sandboxed Jinja2 with merge fields) and sender."""
    from dataclasses import replace

    from crm_tui.domain.campaigns.examples import LOST_DRIP, lost_drip
    from crm_tui.domain.campaigns.setup import CampaignDraft, add_campaign

    ws = open_ws(ctx)
    if example is not None:
        if example != LOST_DRIP:
            fail(_("--example: {value!r} is not {known}").format(value=example, known=LOST_DRIP))
        with ws.read() as session:
            draft = lost_drip(session, name)
    elif steps is not None:
        draft = CampaignDraft(name, steps=tuple(_steps(steps)))
    else:
        fail(_("give the letters: --steps FILE or --example lost-drip"))
    given = {
        "segment": segment, "status": status, "owner": owner, "region": region,
        "search": search, "owns": installed, "product": product,
    }  # fmt: skip
    audience: dict[str, Any] = {k: v for k, v in given.items() if v}
    report = None
    if xlsx is not None:
        from crm_tui.cli.campaign_edit import audience_list

        listed, report = audience_list(ws, xlsx)
        audience |= listed
    draft = replace(draft, kind=kind, sender=sender, audience=audience or draft.audience)
    campaign_id = add_campaign(ws, draft)
    if as_json:
        print_json({"id": campaign_id, "name": name, **({"list_read": report} if report else {})})
        return
    say(_("campaign {name!r} added ({id})").format(name=name, id=campaign_id))
    if report:
        say(_("list {file}: clients found: {matched}").format(file=report["file"], matched=report["matched"]))
        for row in report["unmatched"]:
            say(_("row {row}: {reason}").format(row=row["row"], reason=row["reason"]))


@app.command("list")
def list_(ctx: typer.Context, as_json: AsJson = False) -> None:
    """The campaigns with their recipients and letters."""
    from crm_tui.domain.campaigns.setup import list_campaigns
    from crm_tui.domain.reports.table import Column, Kind

    rows = list_campaigns(open_ws(ctx))
    if as_json:
        print_json([r.as_json() for r in rows])
        return
    labels = (("id", N_("id")), ("name", N_("name")), ("kind", N_("kind")), ("status", N_("status")))
    figures = (("steps", N_("steps")), ("recipients", N_("recipients")), ("pending", N_("pending")),
               ("sent", N_("sent")))  # fmt: skip
    print_figures(
        [Column(k, c, Kind.TEXT) for k, c in labels] + [Column(k, c, Kind.COUNT) for k, c in figures],
        ({**r.as_json(), "kind": CAMPAIGN_KIND_NAMES.caption(r.kind),
          "status": CAMPAIGN_STATUS_NAMES.caption(r.status)} for r in rows),
    )  # fmt: skip


@app.command("show")
def show(ctx: typer.Context, campaign: Campaign, as_json: AsJson = False) -> None:
    """A campaign's audience, sender and steps."""
    from crm_tui.domain.campaigns.editing import load_for_edit
    from crm_tui.domain.campaigns.setup import find_campaign, steps_of

    ws = open_ws(ctx)
    edited = load_for_edit(ws, campaign)
    with ws.read() as session:
        found = find_campaign(session, edited.id)
        steps = steps_of(session, found["id"])
    if as_json:
        print_json(
            {
                **{
                    k: found[k]
                    for k in ("id", "name", "kind", "status", "audience", "paused_reason", "version")
                },
                "sender": edited.draft.sender,
                "steps": steps,
            }
        )
        return
    from crm_tui.domain.campaigns.audience_words import audience_words

    kind, status = CAMPAIGN_KIND_NAMES.caption(found["kind"]), CAMPAIGN_STATUS_NAMES.caption(found["status"])
    say(_("{name}: {kind}, {status}").format(name=found["name"], kind=kind, status=status))
    if found["paused_reason"]:
        say(_("paused: {reason}").format(reason=CAMPAIGN_STATUS_NAMES.caption(found["paused_reason"])))
    say(_("audience: {audience}").format(audience=audience_words(found["audience"] or {})))
    print_table(
        _("step"), _("day"), _("subject"),
        rows=((s["position"], s["day_offset"], s["subject"]) for s in steps),
    )  # fmt: skip


@app.command("enroll")
def enroll(ctx: typer.Context, campaign: Campaign, as_json: AsJson = False) -> None:
    """Enrol the audience's clients not enrolled yet: each gets its letters in the outbox."""
    from crm_tui.domain.campaigns.enrol import enrol
    from crm_tui.domain.campaigns.letters import PUBLIC_URL_KEY
    from crm_tui.domain.settings import get_setting

    ws = open_ws(ctx)
    result = enrol(ws, campaign)
    with ws.read() as session:
        public = get_setting(session, PUBLIC_URL_KEY)
    if public is None and result.letters:  # the unsubscribe links would point at this machine
        warn(
            _(
                "warning: the letters' unsubscribe links point to http://localhost:8080: tell where the "
                "inbound receiver is reached with `crm outbox public-url URL` before they go"
            )
        )
    if as_json:
        print_json(result.as_json())
        return
    say(_("enrolled {n}, letters {letters}").format(n=result.enrolled, letters=result.letters))
    for reason, count in sorted(result.left_out.items()):
        say(_("left out ({reason}): {count}").format(reason=LEFT_OUT_NAMES.caption(reason), count=count))


@app.command("pause")
def pause(ctx: typer.Context, campaign: Campaign, as_json: AsJson = False) -> None:
    """Stop sending the campaign's letters until it is resumed."""
    from crm_tui.domain.campaigns.setup import set_paused

    done = set_paused(open_ws(ctx), campaign, True, "by hand")
    print_json(done) if as_json else say(_("campaign {campaign} paused").format(**done))


@app.command("resume")
def resume(ctx: typer.Context, campaign: Campaign, as_json: AsJson = False) -> None:
    """Send the campaign's letters again."""
    from crm_tui.domain.campaigns.setup import set_paused

    done = set_paused(open_ws(ctx), campaign, False)
    print_json(done) if as_json else say(_("campaign {campaign} resumed").format(**done))


@app.command("stats")
def stats(
    ctx: typer.Context,
    campaign: Campaign,
    who: Annotated[
        str | None,
        typer.Option(
            "--who",
            help="List the recipients behind a number: enrolled, sent, failed, "
            "uncertain, bounced, unsubscribed, replied, deals.",
        ),
    ] = None,
    step: Annotated[int | None, typer.Option("--step", help="With --who: of this step only.")] = None,
    as_json: AsJson = False,
) -> None:
    """Enrolled, sent, failed, uncertain, bounced, unsubscribed, replied, deals within 30 days."""
    from crm_tui.domain.campaigns.stats import NUMBERS, campaign_stats, recipients_behind
    from crm_tui.domain.reports.table import Column, Kind

    ws = open_ws(ctx)
    if who is not None:
        if who not in NUMBERS:
            fail(_("--who: {value!r} is not one of {known}").format(value=who, known=", ".join(NUMBERS)))
        rows = recipients_behind(ws, campaign, who, step)
        if as_json:
            print_json([r.as_json() for r in rows])
            return
        print_table(
            _("client"), _("address"), _("state"), _("stopped by"),
            rows=((r.client, r.address, RECIPIENT_STATE_NAMES.caption(r.state),
                   STOP_REASON_NAMES.caption(r.stop_reason) if r.stop_reason else "") for r in rows),
        )  # fmt: skip
        return
    result = campaign_stats(ws, campaign)
    if as_json:
        print_json(result.as_json())
        return
    lines = [(str(p), str(d), f) for p, d, f in result.steps] + [(_("all"), "", result.total)]
    counts = (("enrolled", N_("enrolled")), ("sent", N_("sent")), ("failed", N_("failed")),
              ("uncertain", N_("uncertain")), ("bounced", N_("bounced")),
              ("unsubscribed", N_("unsubscribed")), ("replied", N_("replied")))  # fmt: skip
    print_figures(
        [Column("step", N_("step"), Kind.TEXT), Column("day", N_("day"), Kind.TEXT)]
        + [Column(k, c, Kind.COUNT) for k, c in counts]
        + [Column("reply_rate", N_("reply rate"), Kind.SHARE), Column("deals", N_("deals"), Kind.COUNT)],
        ({"step": p, "day": d, **f.as_json(), "reply_rate": f.reply_rate} for p, d, f in lines),
    )


@app.command("preview")
def preview(
    ctx: typer.Context,
    campaign: Campaign,
    client: Annotated[
        str, typer.Option("--client", help="The client the letter is for: id, name, INN or phone.")
    ],
    step: Annotated[int, typer.Option("--step", help="The step's number.")] = 1,
    html: Annotated[bool, typer.Option("--html", help="Show the HTML part instead of the text.")] = False,
    as_json: AsJson = False,
) -> None:
    """A step's letter as a real recipient would get it."""
    from crm_tui.domain.campaigns.rows import preview as make

    letter = make(open_ws(ctx), campaign, step, client)
    if as_json:
        print_json({k: v for k, v in letter.__dict__.items() if k != "message_id"})
        return
    say(_("From: {name} <{address}>").format(name=letter.sender_name, address=letter.sender))
    say(_("To: {address}").format(address=letter.to))
    say(_("Subject: {subject}").format(subject=letter.subject))
    say("")
    for line in ((letter.html or "") if html else letter.text).splitlines():
        say(line)


@app.command("test")
def test(
    ctx: typer.Context,
    campaign: Campaign,
    client: Annotated[
        str, typer.Option("--client", help="The client whose letter to send: id, name, INN or phone.")
    ],
    step: Annotated[int, typer.Option("--step", help="The step's number.")] = 1,
    to: Annotated[
        str | None, typer.Option("--to", help="Where to (default: your own sending address).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Send yourself a step's letter as a real recipient would get it (not through the outbox)."""
    from crm_tui.scheduling.outbox_send import send_test

    target = send_test(open_ws(ctx), campaign, step, client, to)
    print_json({"sent_to": target}) if as_json else say(
        _("test letter sent to {address}").format(address=target)
    )


@app.command("nonresponders")
def nonresponders(
    ctx: typer.Context,
    campaign: Campaign,
    day: Annotated[int, typer.Option("--day", help="Only those in the campaign this many days.")] = 30,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the call list to this file.")] = None,
    tasks: Annotated[
        bool, typer.Option("--tasks", help="A call task for each, on its manager's desk.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Those who got every letter and never answered: the managers' call list."""
    from crm_tui.cli.files import writing
    from crm_tui.domain.campaigns.nonresponders import nonresponders as find

    with writing(xlsx, "--xlsx") if xlsx is not None else nullcontext():
        rows, opened = find(open_ws(ctx), campaign, day=day, xlsx=xlsx, make_tasks=tasks)
    if as_json:
        print_json({"nonresponders": [r.as_json() for r in rows], "tasks": opened})
        return
    print_table(
        _("client"), _("contact"), _("phones"), _("owner"), _("letters"),
        rows=((r.client, r.contact, r.phones, r.owner, r.letters) for r in rows),
    )  # fmt: skip
    if tasks:
        say(_("call tasks opened: {n}").format(n=opened))


@app.command("stop")
def stop(
    ctx: typer.Context,
    client: Annotated[int, typer.Argument(help="The client (id).", callback=record_id("client"))],
    as_json: AsJson = False,
) -> None:
    """Stop every campaign's letters to a client."""
    from crm_tui.domain.campaigns.rows import stop_client

    stopped = stop_client(open_ws(ctx), client)
    print_json({"stopped": stopped}) if as_json else say(_("stopped in {n} campaigns").format(n=stopped))


@app.command("consent")
def consent(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The e-mail address.")],
    source: Annotated[str, typer.Option("--source", help="Where it was given (a form, a contract, ...).")],
    given: Annotated[str, typer.Option("--date", help="When it was given (YYYY-MM-DD or DD.MM.YYYY).")],
    as_json: AsJson = False,
) -> None:
    """Record a consent to advertising letters (38-FZ art. 18)."""
    from crm_tui.domain.campaigns.consents import record_consent
    from crm_tui.domain.values.dates import normalise_date

    parsed = normalise_date(given)
    if parsed.value is None:
        fail(_("--date: {value!r} is not a date").format(value=given))
    added = record_consent(open_ws(ctx), address, source, parsed.value)
    print_json({"address": address, "added": added}) if as_json else say(
        _("consent recorded") if added else _("a consent was on record already")
    )
