"""The root of `crm`: global options, the TUI as the default command, and the sub-apps.

Imports here stay light (Typer and our own small modules): `crm --help` must answer in well
under 0.3 s, so SQLAlchemy, Textual and the domain load inside the commands that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main

from crm_tui import __version__
from crm_tui.cli import (
    audit,
    clients,
    config,
    contacts,
    db,
    deals,
    dedup,
    demo,
    fields,
    handover,
    imports,
    installed,
    pipeline,
    privacy,
    reports,
    schedule,
    segments,
    users,
)
from crm_tui.cli.common import EXIT_USER_ERROR, Globals, fail, globals_of
from crm_tui.config import ConfigError
from crm_tui.domain.errors import DomainError
from crm_tui.storage.errors import StorageError

if TYPE_CHECKING:
    from crm_tui.domain.workspace import Workspace

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
app.add_typer(dedup.app, name="dedup")
app.add_typer(privacy.app, name="privacy")
app.add_typer(segments.app, name="segments")
app.add_typer(schedule.app, name="schedule")
app.add_typer(deals.app, name="deal")
app.add_typer(pipeline.app, name="pipeline")
app.add_typer(reports.app, name="report")
app.add_typer(handover.app, name="handover")
app.add_typer(fields.app, name="fields")
app.add_typer(installed.app, name="installed")
app.add_typer(contacts.app, name="contacts")
app.add_typer(config.app, name="config")
app.command("demo")(demo.demo)
app.command("audit")(audit.audit)


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
            help="SQLite file path or SQLAlchemy URL (postgresql+psycopg://...). "
            "Default: CRM_DATABASE_URL, else the settings file's database, "
            "else crm.db in the user data folder.",
        ),
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Act as this user (admins only).")] = None,
    config_: Annotated[
        str | None,
        typer.Option(
            "--config",
            help="The settings file (TOML). Default: CRM_CONFIG, else config.toml in the user config folder "
            "(crm config path).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    ctx.obj = Globals(db=db_, user=user, config=config_)
    if ctx.invoked_subcommand is None:
        run_tui(ctx)


def run_tui(ctx: typer.Context) -> None:
    """The app paints at once and opens the database in a worker; if that fails (unknown user,
    newer schema, unreachable server) it exits and the reason is printed here, as one line."""
    settings = globals_of(ctx).settings()
    from crm_tui.app import create_app  # after the settings: the screens' labels follow the locale

    def open_it() -> Workspace:
        from crm_tui.domain.workspace import open_app_workspace

        return open_app_workspace(
            settings.database, settings.login, act_as=settings.act_as, tz=settings.timezone
        )

    app = create_app(open_it, data_dir=settings.data_dir, theme=settings.theme, keymap=settings.keymap)
    app.run()
    if app.startup_error:
        fail(app.startup_error)


@cache
def command(language: str) -> Callable[..., Any]:
    """The Click command Typer builds from ``app``: built once per language of the help texts,
    as building it takes a tenth of a second (it counts for the tests, which run `crm` in process
    hundreds of times)."""
    return typer.main.get_command(app)


def main() -> None:
    from crm_tui import i18n

    try:
        command(i18n.current_locale())(prog_name="crm")
    except (StorageError, DomainError, ConfigError) as exc:
        print(f"crm: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
