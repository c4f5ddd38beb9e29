"""`crm mailbox`: the mailboxes `crm inbound mail` and `crm schedule tick` read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, print_table, say
from crm_tui.i18n import _

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

    lines = list_mailboxes(open_ws(ctx))
    if as_json:
        print_json(
            [
                {"name": m.name, "url": m.url, "password_from": m.password_from, "owner": m.owner,
                 "folders": m.folders}
                for m in lines
            ]
        )  # fmt: skip
        return
    print_table(
        _("mailbox"), _("address"), _("password from"), _("owner"), _("read up to"),
        rows=[
            (m.name, m.url, m.password_from, m.owner or "—",
             ", ".join(f"{folder} {uid}" for folder, uid in m.folders.items()) or "—")
            for m in lines
        ],
    )  # fmt: skip


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
