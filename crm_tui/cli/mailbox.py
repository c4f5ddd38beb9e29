"""`crm mailbox`: the mailboxes `crm inbound mail` and `crm schedule tick` read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, print_table, say
from crm_tui.i18n import _

if TYPE_CHECKING:
    from crm_tui.domain.inbound.mailboxes import MailboxLine

app = typer.Typer(help="The mailboxes read over IMAP (a shared one, managers' own).", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The mailbox's name (sales, ivanova).")],
    url: Annotated[str, typer.Option("--url", help="imaps://user@host[:port]")],
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="A file holding the password, read at each run.")
    ] = None,
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="An environment variable holding the password.")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="The manager whose mailbox it is (their sent mail).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the mailbox as JSON.")] = False,
) -> None:
    """Add a mailbox; its password stays in the file or the variable, never in the base."""
    from crm_tui.domain.inbound.mailboxes import add_mailbox

    box = add_mailbox(
        open_ws(ctx), name, url, password_file=str(password_file) if password_file else None,
        password_env=password_env, owner=owner,
    )  # fmt: skip
    if as_json:
        print_json({"name": box.name, "url": box.url, "owner_id": box.owner_id})
        return
    say(_("mailbox {name}: {url}").format(name=box.name, url=box.url))


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the mailboxes as JSON.")] = False,
) -> None:
    """The mailboxes, where their passwords are read from, and how far each folder is read."""
    from crm_tui.domain.inbound.mailboxes import list_mailboxes
    from crm_tui.domain.values.formatting import local_time

    ws = open_ws(ctx)
    lines = list_mailboxes(ws)
    if as_json:
        print_json(
            [
                {"name": m.name, "url": m.url, "password_from": m.password_from, "owner": m.owner,
                 "enabled": m.enabled, "folders": m.folders,
                 "read_at": m.read_at.isoformat() if m.read_at else None, "read_count": m.read_count,
                 "read_error": m.read_error, "mails": m.mails}
                for m in lines
            ]
        )  # fmt: skip
        return
    print_table(
        _("mailbox"), _("address"), _("password from"), _("owner"), _("on"), _("last read"), _("read up to"),
        rows=[
            (m.name, m.url, m.password_from, m.owner or "—", _("yes") if m.enabled else _("no"),
             _last_read(m, local_time(m.read_at, ws.tz)) if m.read_at else "—",
             ", ".join(f"{folder} {uid}" for folder, uid in m.folders.items()) or "—")
            for m in lines
        ],
    )  # fmt: skip


def _last_read(line: MailboxLine, when: str) -> str:
    if line.read_error:
        return _("{when}: {error}").format(when=when, error=line.read_error)
    return _("{when}: {n} read").format(when=when, n=line.read_count or 0)


@app.command("enable")
def enable(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The mailbox's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Read the mailbox again (from where it was left)."""
    _switch(ctx, name, True, as_json)


@app.command("disable")
def disable(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The mailbox's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Stop reading the mailbox for now; it keeps its place in each folder."""
    _switch(ctx, name, False, as_json)


def _switch(ctx: typer.Context, name: str, on: bool, as_json: bool) -> None:
    from crm_tui.domain.inbound.mailboxes import set_enabled

    set_enabled(open_ws(ctx), name, on)
    if as_json:
        print_json({"name": name, "enabled": on})
        return
    say(_("mailbox {name}: on").format(name=name) if on else _("mailbox {name}: off").format(name=name))


@app.command("read")
def read(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The mailbox's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the reading as JSON.")] = False,
) -> None:
    """Read one mailbox now, on or off (a password just put right), as crm inbound mail does."""
    from crm_tui.scheduling.inbound_mail import read_one

    reading = read_one(open_ws(ctx), name)
    if as_json:
        print_json({"name": reading.name, "read": reading.read, "outcomes": reading.outcomes,
                    "error": reading.error})  # fmt: skip
    else:
        outcomes = ", ".join(f"{k} {n}" for k, n in reading.outcomes.items()) or "—"
        say(_("mail read: {read} ({outcomes})").format(read=reading.read, outcomes=outcomes))
        if reading.error:
            say(reading.error)  # the mailbox asked for by name; a password's refusal names it itself
    if reading.error and not reading.read:
        raise typer.Exit(2)


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The mailbox's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Stop reading a mailbox; the mail it logged stays on the timelines."""
    from crm_tui.domain.inbound.mailboxes import remove_mailbox

    remove_mailbox(open_ws(ctx), name)
    if as_json:
        print_json({"removed": name})
        return
    say(_("mailbox {name} removed").format(name=name))
