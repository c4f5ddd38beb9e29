"""`crm demo`: a realistic demo base, small to try the app, large to benchmark it."""

from __future__ import annotations

import shlex
import shutil
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from crm_tui.cli.common import fail, globals_of, grouped, print_json, say
from crm_tui.i18n import _, decimal, ngettext

if TYPE_CHECKING:
    from crm_tui.demo.builder import DemoSummary


class Size(StrEnum):
    SMALL = "small"
    LARGE = "large"


def as_invoked(argv0: str, crm_on_path: str | None) -> str:
    """How to run crm again: ``crm`` when it is on PATH, else as it was run this time
    (``.venv/bin/crm``, ``python -m crm_tui``), so the commands printed work when typed."""
    if crm_on_path is not None:
        return "crm"
    if not argv0 or argv0.endswith(("__main__.py", "-c")):
        return f"{shlex.quote(sys.executable)} -m crm_tui"
    return shlex.quote(argv0)


def next_steps(summary: DemoSummary) -> list[str]:
    """What to try next, as commands to type: on the demo base, not the default one."""
    crm = f"{as_invoked(sys.argv[0], shutil.which('crm'))} --db {shlex.quote(summary.database)}"
    lines = [
        _("in a browser: {crm} serve, then sign in as {login} with the password {password}").format(
            crm=crm, login=summary.login, password=summary.browser_password
        )
    ]
    if summary.statement:
        lines.append(
            _("a bank statement to try: {crm} import bank {file}").format(
                crm=crm, file=shlex.quote(summary.statement)
            )
        )
    if summary.trade_file:
        lines.append(
            _("documents from 1C to try: {crm} import orders {file}").format(
                crm=crm, file=shlex.quote(summary.trade_file)
            )
        )
    return lines


def demo(
    ctx: typer.Context,
    size: Annotated[
        Size, typer.Option("--size", help="small (2,000 clients) or large (100,000).")
    ] = Size.SMALL,
    tui: Annotated[bool, typer.Option("--tui/--no-tui", help="Open the app on the demo base.")] = True,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed builds the same base.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was built as JSON.")] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Build it in this database, as `crm --db` does (here or before demo)."),
    ] = None,
) -> None:
    """Build a demo database (by default demo.db in the user data folder, rebuilt each time)."""
    import os

    from crm_tui.config import demo_database
    from crm_tui.demo.builder import DemoTargetNotEmpty, build_demo

    options = globals_of(ctx)
    if db is not None and options.db is not None and db != options.db:
        fail(_("--db: given twice, {first!r} and {second!r}").format(first=options.db, second=db))
    target = db or options.db
    settings = options.settings(database=target or demo_database(os.environ))
    try:
        summary = build_demo(
            settings.database,
            size=size.value,
            seed=seed,
            login=settings.login,
            replace_file=target is None,
        )
    except DemoTargetNotEmpty as exc:
        fail(str(exc))
    if as_json:
        print_json(summary)
    else:
        parts = [
            ngettext("{count} user", "{count} users", summary.users).format(count=summary.users),
            ngettext("{count} client", "{count} clients", summary.clients).format(
                count=grouped(summary.clients)
            ),
            ngettext("{count} deal", "{count} deals", summary.deals).format(count=grouped(summary.deals)),
            ngettext("{count} interaction", "{count} interactions", summary.interactions).format(
                count=grouped(summary.interactions)
            ),
            ngettext("{count} task", "{count} tasks", summary.tasks).format(count=grouped(summary.tasks)),
        ]
        say(
            _("demo base in {database}: {counts} ({seconds} s)").format(
                database=summary.database, counts=", ".join(parts), seconds=decimal(summary.seconds)
            )
        )
        for line in next_steps(summary):
            say(line)
    if tui:
        from crm_tui.app import create_app
        from crm_tui.config import crm_command
        from crm_tui.domain.workspace import open_workspace

        ws = open_workspace(settings.database, settings.login, act_as=settings.act_as, tz=settings.timezone)
        create_app(
            ws,
            data_dir=settings.data_dir,
            theme=settings.theme,
            keymap=settings.keymap,
            command=crm_command(),
        ).run()
