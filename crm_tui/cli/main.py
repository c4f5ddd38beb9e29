"""The root of `crm`: global options, the TUI as the default command, and the sub-apps.

Imports here stay light (Typer and our own small modules): `crm --help` must answer in well
under 0.3 s, so SQLAlchemy, Textual and the domain load inside the commands that need them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Annotated

import typer
import typer.main
from typer._click import Command
from typer._click.exceptions import ClickException

from crm_tui import __version__
from crm_tui.cli.common import EXIT_USER_ERROR, Globals, error_line, fail, globals_of, say
from crm_tui.cli.translation import translate, typed
from crm_tui.config import ConfigError, Source, crm_command, interface_language
from crm_tui.domain.errors import DomainError
from crm_tui.i18n import N_, _
from crm_tui.storage.errors import StorageError

if TYPE_CHECKING:
    from crm_tui.domain.workspace import Workspace

GROUPS: dict[str, tuple[str, ...]] = {
    "db": ("db",),
    "user": ("users",),
    "clients": ("clients",),
    "import": ("imports",),
    "dedup": ("dedup",),
    "privacy": ("privacy",),
    "segments": ("segments",),
    "schedule": ("schedule",),
    # deal_records adds its commands (add, edit, show, list, lines) to deals' app: `crm deal`.
    "deal": ("deals", "deal_records"),
    "task": ("tasks",),
    "leads": ("leads",),
    "inbound": ("inbound",),
    "mailbox": ("mailbox",),
    "pipeline": ("pipeline",),
    "report": ("reports",),
    "handover": ("handover",),
    "fields": ("fields",),
    "installed": ("installed",),
    "contacts": ("contacts",),
    "config": ("config",),
    "company": ("company",),
    "doc": ("documents",),
    "template": ("templates",),
    "campaign": ("campaigns", "campaign_edit"),
    "outbox": ("outbox",),
}
"""Each sub-app of `crm`: its name and the modules of crm_tui.cli that make it (the app is the
first one's ``app``)."""

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "demo"),
    "audit": ("audit", "audit"),
    "ssh-entry": ("ssh_entry", "ssh_entry"),
    "serve": ("serve", "serve"),
    "web-app": ("serve", "web_app"),
}
"""The commands of `crm` itself: name, module of crm_tui.cli and function."""

HIDDEN_COMMANDS: frozenset[str] = frozenset({"web-app"})
"""Those of ``COMMANDS`` that `crm --help` does not list (run by `crm` itself, not people)."""


def build_app(only: str | None = None) -> typer.Typer:
    """The `crm` Typer app with every sub-app, or with ``only`` the one named (none for the
    app's own start): a command imports and builds just the part of the tree it runs, as
    importing every module and building every command costs more than the rest of a light
    command (issue 29)."""
    root_app = typer.Typer(
        name="crm",
        help="crm_tui: a keyboard-driven CRM for sales teams. With no command, opens the app.",
        no_args_is_help=False,
        invoke_without_command=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,
    )
    root_app.callback()(root)
    for name, modules in GROUPS.items():
        if only is None or only == name:
            loaded = [importlib.import_module(f"crm_tui.cli.{module}") for module in modules]
            root_app.add_typer(loaded[0].app, name=name)
    for name, (module, function) in COMMANDS.items():
        if only is None or only == name:
            command_function = getattr(importlib.import_module(f"crm_tui.cli.{module}"), function)
            root_app.command(name, hidden=name in HIDDEN_COMMANDS)(command_function)
    return root_app


def __getattr__(name: str) -> typer.Typer:
    """``app``: the whole `crm` app (for the tests and tools that walk every command)."""
    if name == "app":
        return _full_app()
    raise AttributeError(name)


@cache
def _full_app() -> typer.Typer:
    return build_app()


ROOT_VALUE_OPTIONS = ("--db", "--user", "--config")
"""The options of ``crm`` itself that take a value."""


def _version(value: bool) -> None:
    if value:
        say(f"crm_tui {__version__}")
        raise typer.Exit()


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
    if settings.origins["database"].source is not Source.DEFAULT:  # first start: only the default file
        from crm_tui.storage.database import require_existing

        require_existing(settings.database)
    from crm_tui.app import create_app  # after the settings: the screens' labels follow the locale

    def open_it() -> Workspace:
        from crm_tui.domain.workspace import open_app_workspace

        return open_app_workspace(
            settings.database, settings.login, act_as=settings.act_as, tz=settings.timezone
        )

    app = create_app(
        open_it,
        data_dir=settings.data_dir,
        theme=settings.theme,
        keymap=settings.keymap,
        command=crm_command(),
    )
    app.run()
    if app.startup_error:
        fail(app.startup_error)


@cache
def command(language: str, only: str | None = None) -> Command:
    """The Click command Typer builds from the app (whole, or ``only`` the sub-app or command
    named: see ``build_app``), its help in ``language`` (the language in force when it is asked
    for): built once per language, as building it takes a tenth of a second (it counts for the
    tests, which run `crm` in process hundreds of times)."""
    built = typer.main.get_command(_full_app() if only is None else build_app(only))
    if language != "en":
        translate(built)
    else:
        typed(built)
    return built


def command_named(args: Sequence[str]) -> str | None:
    """The sub-app or command of `crm` the arguments run, when it is one `crm` has and no help
    or version of `crm` itself is asked for ("" for none: the app itself starts); else None
    (the whole app is built, to list or to refuse)."""
    for index, arg in enumerate(args):
        if arg in ("--help", "--version"):
            return None
        if not arg.startswith("-") and (index == 0 or args[index - 1] not in ROOT_VALUE_OPTIONS):
            return arg if arg in GROUPS or arg in COMMANDS else None
    return ""


def config_named(args: Sequence[str]) -> str | None:
    """The settings file ``--config`` names on the command line, if it does (before the command:
    it is an option of ``crm`` itself); the language must be known before Click parses."""
    for index, arg in enumerate(args):
        if arg == "--config" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--config="):
            return arg.removeprefix("--config=")
        if not arg.startswith("-") and (index == 0 or args[index - 1] not in ROOT_VALUE_OPTIONS):
            return None
    return None


NOT_UTF8 = N_(
    "argument {number} ({arg!r}) is not UTF-8 text (a file name saved in another encoding?); "
    "rename the file, or set the terminal to UTF-8"
)


def main() -> None:
    from crm_tui import i18n
    from crm_tui.domain.values.cells import drop_controls, storable_text

    # The way in for every argument: no control characters reach the base from the command line
    # (a name, a comment, a search); tabs and newlines stay for the texts that may have lines.
    args = [drop_controls(arg, multiline=True) for arg in sys.argv[1:]]
    i18n.set_locale(interface_language(config_named(args)))
    for number, arg in enumerate(sys.argv[1:], start=1):
        # Bytes that are not UTF-8 (a file name saved in cp1251, a name typed in a terminal set
        # to another encoding) arrive as lone surrogates, which no database can hold: refused
        # here, in one line, rather than taken for another name (the file "not found").
        if storable_text(arg).warnings:
            print(error_line(_(NOT_UTF8).format(number=number, arg=drop_controls(arg))), file=sys.stderr)
            sys.exit(EXIT_USER_ERROR)
    try:
        code = command(i18n.current_locale(), command_named(args)).main(
            args, prog_name="crm", standalone_mode=False
        )
    except ClickException as exc:
        from crm_tui.cli import usage_errors  # Click's messages read back: only for a mistake

        usage_errors.show(exc)
        sys.exit(exc.exit_code)
    except typer.Abort:
        from crm_tui.cli.usage_errors import ABORTED

        print(_(ABORTED), file=sys.stderr)
        sys.exit(1)
    except (StorageError, DomainError, ConfigError) as exc:
        print(error_line(exc), file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
