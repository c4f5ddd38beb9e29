"""`crm campaign edit` and `crm campaign step add|edit|remove|move`: the campaign editor's
twins. Each reads the campaign as a draft, changes it and saves it whole through the domain
(``crm_tui.domain.campaigns.editing``), so the rules of a save (letters already sent, the
kind fixed once enrolled, a concurrent edit refused) are the editor's own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crm_tui.cli.campaign_options import Installed, ListFile, Owner, Product, Region, Search, Segment, Status
from crm_tui.cli.campaigns import AsJson, Campaign
from crm_tui.cli.campaigns import app as app  # noqa: PLC0414 - `crm campaign` itself
from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import N_, _

if TYPE_CHECKING:
    from crm_tui.domain.campaigns.editing import EditedCampaign
    from crm_tui.domain.campaigns.setup import CampaignDraft
    from crm_tui.domain.workspace import Workspace

step_app = typer.Typer(help="A campaign's letters: add, change, remove or move a step.", no_args_is_help=True)
app.add_typer(step_app, name="step")

Version = Annotated[
    int | None,
    typer.Option("--version", help="The version you read (crm campaign show --json): refused if it moved."),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="With --version: save yours over a colleague's save since (the history records both).",
    ),
]
STALE = N_(
    "campaign «{title}» was changed by someone else meanwhile: it is at version {current} now (you read "
    "{read}); read it again, or add --force to save yours over theirs"
)
Number = Annotated[int, typer.Argument(help="The step's number (1 is the first).")]


def _text(value: str | None, path: Path | None, option: str) -> str | None:
    """A text given inline or as a file (a letter is long); ``None`` when neither."""
    if path is None:
        return value
    if value is not None:
        fail(_("{option}: give the text or its file, not both").format(option=option))
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(_("{file}: {reason}").format(file=path, reason=file_reason(exc)))
    except UnicodeDecodeError:
        fail(_("{file}: not UTF-8 text").format(file=path))


def audience_list(ws: Workspace, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The audience of an xlsx list and the report of its reading (unmatched rows named)."""
    from crm_tui.domain.imports.errors import ImportFileError
    from crm_tui.importers.campaigns.audience_list import read_audience_list

    try:
        found = read_audience_list(ws, path)
    except ImportFileError as exc:
        fail(str(exc))
    return {"clients": list(found.clients), "list": found.file}, found.as_json()


def _save(
    ws: Workspace, edited: EditedCampaign, draft: CampaignDraft, seen: int | None, force: bool
) -> dict[str, Any]:
    """Save ``draft`` over the campaign read as ``edited``. ``seen``: the version the person read
    (``--version``), else the one just read. A colleague's save since is refused naming the
    version now; with ``force`` it is saved over, as the editor's "save mine over theirs" does:
    over exactly that version (a third save meanwhile is refused again), the audit row recording
    both."""
    from crm_tui.domain.campaigns.editing import load_for_edit, save_campaign
    from crm_tui.domain.errors import StaleEdit

    if force and seen is None:
        fail(_("--force saves yours over a colleague's save since the version you read: give --version"))
    read = edited.version if seen is None else seen
    over = edited.version if force and read != edited.version else None
    try:
        save_campaign(ws, draft, campaign_id=edited.id, seen=read, over=over)
    except StaleEdit:
        now = load_for_edit(ws, edited.id)
        fail(_(STALE).format(title=now.draft.name, current=now.version, read=read))
    return load_for_edit(ws, edited.id).as_json()


def _done(result: dict[str, Any], as_json: bool, line: str, report: dict[str, Any] | None = None) -> None:
    if as_json:
        print_json({**result, **({"list_read": report} if report else {})})
        return
    say(line)
    if report:
        say(_("list {file}: clients found: {matched}").format(file=report["file"], matched=report["matched"]))
        for row in report["unmatched"]:
            say(_("row {row}: {reason}").format(row=row["row"], reason=row["reason"]))


@app.command("edit")
def edit(
    ctx: typer.Context,
    campaign: Campaign,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="personal or advertising.")] = None,
    sender: Annotated[str | None, typer.Option("--sender", help="A shared sending address.")] = None,
    own: Annotated[
        bool, typer.Option("--own-managers", help="Each client's own manager sends (no shared address).")
    ] = False,
    segment: Segment = None,
    status: Status = None,
    owner: Owner = None,
    region: Region = None,
    search: Search = None,
    installed: Installed = None,
    product: Product = None,
    xlsx: ListFile = None,
    clear: Annotated[
        bool, typer.Option("--clear-audience", help="Start the audience afresh before the options above.")
    ] = False,
    version: Version = None,
    force: Force = False,
    as_json: AsJson = False,
) -> None:
    """Change a campaign's name, kind, sender or audience."""
    from crm_tui.domain.campaigns.editing import load_for_edit

    ws = open_ws(ctx)
    if sender is not None and own:
        fail(_("--sender and --own-managers: give one"))
    edited = load_for_edit(ws, campaign)
    draft = edited.draft
    audience: dict[str, Any] = {} if clear else dict(draft.audience)
    given = {
        "segment": segment, "status": status, "owner": owner, "region": region,
        "search": search, "owns": installed, "product": product,
    }  # fmt: skip
    audience |= {k: v for k, v in given.items() if v is not None}
    report = None
    if xlsx is not None:
        listed, report = audience_list(ws, xlsx)
        audience |= listed
    draft = replace(
        draft,
        name=draft.name if name is None else name,
        kind=draft.kind if kind is None else kind,
        sender=None if own else (draft.sender if sender is None else sender),
        audience={k: v for k, v in audience.items() if v != ""},
    )
    result = _save(ws, edited, draft, version, force)
    _done(result, as_json, _("campaign {name!r} saved").format(name=result["name"]), report)


@step_app.command("add")
def step_add(
    ctx: typer.Context,
    campaign: Campaign,
    day: Annotated[int, typer.Option("--day", help="Days after the recipient enters the campaign.")],
    subject: Annotated[str, typer.Option("--subject", help="The subject (merge fields allowed).")],
    text: Annotated[str | None, typer.Option("--text", help="The plain text.")] = None,
    text_file: Annotated[Path | None, typer.Option("--text-file", help="The plain text from a file.")] = None,
    html_file: Annotated[Path | None, typer.Option("--html-file", help="The HTML part from a file.")] = None,
    at: Annotated[int | None, typer.Option("--at", help="Its number (default: the last).")] = None,
    version: Version = None,
    force: Force = False,
    as_json: AsJson = False,
) -> None:
    """Add a letter to a campaign; its active recipients get it too."""
    from crm_tui.domain.campaigns.editing import load_for_edit
    from crm_tui.domain.campaigns.setup import StepDraft

    ws = open_ws(ctx)
    body = _text(text, text_file, "--text")
    if body is None:
        fail(_("--text or --text-file: a letter needs its text"))
    edited = load_for_edit(ws, campaign)
    steps = list(edited.draft.steps)
    where = len(steps) if at is None else max(0, min(at - 1, len(steps)))
    steps.insert(where, StepDraft(day, subject, body, _text(None, html_file, "--html-file")))
    result = _save(ws, edited, replace(edited.draft, steps=tuple(steps)), version, force)
    _done(result, as_json, _("step {number} added").format(number=where + 1))


@step_app.command("edit")
def step_edit(
    ctx: typer.Context,
    campaign: Campaign,
    number: Number,
    day: Annotated[int | None, typer.Option("--day", help="A new day.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="A new subject.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="A new plain text.")] = None,
    text_file: Annotated[
        Path | None, typer.Option("--text-file", help="A new plain text from a file.")
    ] = None,
    html_file: Annotated[
        Path | None, typer.Option("--html-file", help="A new HTML part from a file.")
    ] = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Remove the HTML part.")] = False,
    version: Version = None,
    force: Force = False,
    as_json: AsJson = False,
) -> None:
    """Change a step's day, subject or texts; its pending letters follow."""
    from crm_tui.domain.campaigns.editing import load_for_edit, step_at

    ws = open_ws(ctx)
    edited = load_for_edit(ws, campaign)
    steps = list(edited.draft.steps)
    i = step_at(edited.draft.steps, number)
    old = steps[i]
    body = _text(text, text_file, "--text")
    html = _text(None, html_file, "--html-file")
    steps[i] = replace(
        old,
        day=old.day if day is None else day,
        subject=old.subject if subject is None else subject,
        text=old.text if body is None else body,
        html=None if no_html else (old.html if html is None else html),
    )
    result = _save(ws, edited, replace(edited.draft, steps=tuple(steps)), version, force)
    _done(result, as_json, _("step {number} saved").format(number=number))


@step_app.command("remove")
def step_remove(
    ctx: typer.Context,
    campaign: Campaign,
    number: Number,
    version: Version = None,
    force: Force = False,
    as_json: AsJson = False,
) -> None:
    """Remove a step whose letters have not gone out (its pending letters go with it)."""
    from crm_tui.domain.campaigns.editing import load_for_edit, step_at

    ws = open_ws(ctx)
    edited = load_for_edit(ws, campaign)
    steps = list(edited.draft.steps)
    del steps[step_at(edited.draft.steps, number)]
    result = _save(ws, edited, replace(edited.draft, steps=tuple(steps)), version, force)
    _done(result, as_json, _("step {number} removed").format(number=number))


@step_app.command("move")
def step_move(
    ctx: typer.Context,
    campaign: Campaign,
    number: Number,
    to: Annotated[int, typer.Option("--to", help="Its new number.")],
    version: Version = None,
    force: Force = False,
    as_json: AsJson = False,
) -> None:
    """Move a step to another place in the campaign's order."""
    from crm_tui.domain.campaigns.editing import load_for_edit, step_at

    ws = open_ws(ctx)
    edited = load_for_edit(ws, campaign)
    steps = list(edited.draft.steps)
    moved = steps.pop(step_at(edited.draft.steps, number))
    target = step_at(edited.draft.steps, to)
    steps.insert(target, moved)
    result = _save(ws, edited, replace(edited.draft, steps=tuple(steps)), version, force)
    _done(result, as_json, _("step {number} is now step {to}").format(number=number, to=target + 1))
