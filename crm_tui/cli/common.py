"""What every command shares: the parsed global options, opening the workspace, output."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from crm_tui.config import Settings, load_settings

if TYPE_CHECKING:
    from crm_tui.domain.workspace import Workspace

EXIT_USER_ERROR = 2


@dataclass
class Globals:
    db: str | None = None
    user: str | None = None
    config: str | None = None

    def settings(self, database: str | None = None) -> Settings:
        """The settings (``database`` in place of ``--db`` if given), their language put in force
        before any command imports a screen."""
        from crm_tui.i18n import set_locale

        settings = load_settings(database or self.db, act_as=self.user, config=self.config)
        set_locale(settings.locale)
        return settings


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    assert isinstance(obj, Globals)
    return obj


def open_ws(ctx: typer.Context) -> Workspace:
    from crm_tui.domain.workspace import open_workspace

    settings = globals_of(ctx).settings()
    return open_workspace(settings.database, settings.login, act_as=settings.act_as, tz=settings.timezone)


def fail(message: str) -> NoReturn:
    typer.echo(f"crm: error: {message}", err=True)
    raise typer.Exit(EXIT_USER_ERROR)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def user_id_of(ws: Workspace, login: str | None, option: str, noun: str = "user") -> int | None:
    """The id of the user ``login`` named in ``option``; one line and exit 2 if there is none."""
    if login is None:
        return None
    from sqlalchemy import select

    from crm_tui.storage.models import users

    with ws.read() as session:
        found = session.scalar(select(users.c.id).where(users.c.login == login))
    if found is None:
        fail(f"unknown {noun} {login!r} in {option}")
    return int(found)
