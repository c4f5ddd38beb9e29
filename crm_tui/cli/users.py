"""`crm user`: the team."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, grouped, open_ws, print_json, print_table, say
from crm_tui.i18n import N_, _

app = typer.Typer(help="CRM users: managers, heads of sales, admins, ops.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The person's OS login.")],
    name: Annotated[str, typer.Option("--name", help="Full name, as colleagues see it.")],
    role: Annotated[str, typer.Option("--role", help="manager, head, admin, ops or accountant.")] = "manager",
    region: Annotated[str | None, typer.Option("--region", help="Sales region.")] = None,
    target: Annotated[int, typer.Option("--target", help="Monthly sales target in roubles.", min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new user as JSON.")] = False,
) -> None:
    """Add a user (admins only)."""
    from crm_tui.domain.access.users import add_colleague
    from crm_tui.domain.captions import ROLE_NAMES

    ws = open_ws(ctx)
    with ws.write() as session:
        info = add_colleague(
            session,
            ws.viewer,
            login=login,
            full_name=name,
            role=role,
            region=region,
            monthly_target=target * 100,
            now=ws.now(),
        )
    if as_json:
        print_json(info)
    else:
        say(
            _("added {login} ({name}), {role}, region {region}").format(
                login=info.login,
                name=info.full_name,
                role=ROLE_NAMES.caption(info.role),
                region=info.region or "-",
            )
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List users."""
    from crm_tui.domain.access.users import list_users
    from crm_tui.domain.captions import ROLE_NAMES

    ws = open_ws(ctx)
    with ws.read() as session:
        users = list_users(session)
    if as_json:
        for u in users:
            print_json(u)
        return
    print_table(
        _("Login"),
        _("Full name"),
        _("Role"),
        _("Region"),
        _("Target, ₽"),
        _("Active"),
        rows=(
            (
                u.login,
                u.full_name,
                ROLE_NAMES.caption(u.role),
                u.region or "",
                grouped(u.monthly_target // 100),
                _("yes") if u.active else _("no"),
            )
            for u in users
        ),
    )


@app.command("extension")
def extension(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The person's login.")],
    number: Annotated[
        str, typer.Argument(help="The telephone extension (digits), or 'none' to take it away.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Give a user the telephone extension the PBX reports for their calls (admins only)."""
    from crm_tui.domain.access.extensions import set_extension

    value = set_extension(open_ws(ctx), login, None if number.strip().lower() == "none" else number)
    if as_json:
        print_json({"login": login, "extension": value})
    elif value is None:
        say(_("{login}: no extension").format(login=login))
    else:
        say(_("{login}: extension {number}").format(login=login, number=value))


PASSWORDS_DIFFER = N_("the two passwords differ; nothing was changed")
NO_TERMINAL = N_("no terminal to read the password from: use --stdin")


@app.command("password")
def password(
    ctx: typer.Context,
    login: Annotated[
        str, typer.Argument(help="Whose browser password (your own, or anyone's for an admin).")
    ],
    from_stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the password from the first line of standard input.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Set the password a person signs in with in the browser (`crm serve`). Typed twice, not
    shown; stored only as a slow salted hash. Unlocks the login and signs out its browsers."""
    import getpass
    import sys

    from crm_tui.domain.access.passwords import set_password

    if from_stdin:
        typed = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            fail(_(NO_TERMINAL))
        typed = getpass.getpass(_("New password for {login}: ").format(login=login))
        again = getpass.getpass(_("The same password again: "))
        if typed != again:
            fail(_(PASSWORDS_DIFFER))
    ws = open_ws(ctx)
    with ws.write() as session:
        set_password(session, ws.viewer, login, typed, ws.now())
    if as_json:
        print_json({"login": login, "password_set": True})
    else:
        say(_("{login}: password set").format(login=login))
