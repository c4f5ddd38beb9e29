"""The root of `crm`: global options, the TUI as the default command, and the sub-apps.

Imports here stay light (Typer and our own small modules): `crm --help` must answer in well
under 0.3 s, so SQLAlchemy, Textual and the domain load inside the commands that need them.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from crm_tui import __version__
from crm_tui.cli import clients, db, demo, imports, users
from crm_tui.cli.common import EXIT_USER_ERROR, Globals, globals_of, open_ws
from crm_tui.config import ConfigError
from crm_tui.domain.errors import DomainError
from storage.errors import StorageError

app = typer.Typer(
    name="crm",
    help="crm_tui: a keyboard-driven CRM for sales teams. With no command, opens the app.",
    no_args_is_help=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(clients.app, name="clients")
app.add_typer(imports.app, name="import")
app.command("demo")(demo.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crm_tui {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CRM_DATABASE_URL",
            help="SQLite file path or SQLAlchemy URL (postgresql+psycopg://...). "
            "Default: crm.db in the user data folder.",
        ),
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Act as this user (admins only).")] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    ctx.obj = Globals(db=db_, user=user)
    if ctx.invoked_subcommand is None:
        run_tui(ctx)


def run_tui(ctx: typer.Context) -> None:
    ws = open_ws(ctx)
    from crm_tui.app import create_app

    create_app(ws, data_dir=globals_of(ctx).settings().data_dir).run()


def main() -> None:
    try:
        app()
    except (StorageError, DomainError, ConfigError) as exc:
        print(f"crm: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
