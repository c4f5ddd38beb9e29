"""`crm serve`: the app in a browser, behind a sign-in (crm_tui.web.front); and `crm web-app`,
the app process it starts for each browser tab, acting as the person signed in."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from crm_tui.cli.common import fail, globals_of, say
from crm_tui.i18n import N_, _

if TYPE_CHECKING:
    from crm_tui.domain.workspace import Workspace

BAD_URL = N_("--public-url must be an http:// or https:// address with a host, e.g. https://crm.example.com")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            help="The address people open, when a reverse proxy stands in front (https://crm.example.com): "
            "the page's websocket and scripts are addressed by it, and https makes the cookie Secure.",
        ),
    ] = None,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help="Address of a reverse proxy whose X-Forwarded-Proto and X-Forwarded-For are believed "
            "(repeatable).",
        ),
    ] = None,
    idle_minutes: Annotated[
        int, typer.Option("--idle-minutes", help="A session unused this long ends.", min=1, max=24 * 60)
    ] = 30,
    lock_minutes: Annotated[
        int,
        typer.Option("--lock-minutes", help="How long five wrong passwords in a row lock a login.", min=1),
    ] = 15,
    spares: Annotated[
        int,
        typer.Option(
            "--spares",
            help="App processes started ahead, so that a sign-in does not wait for one to load.",
            min=0,
            max=50,
        ),
    ] = 1,
) -> None:
    """Serve the app to browsers: each person signs in with their CRM login and the password
    `crm user password` set, and gets the app as over SSH (same rights, same audit)."""
    from crm_tui.domain.access.web_sessions import SignInPolicy
    from crm_tui.domain.workspace import prepare_database
    from crm_tui.storage.database import require_existing
    from crm_tui.web.front.server import FrontSettings, app_command
    from crm_tui.web.front.server import serve as run

    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            fail(_(BAD_URL))
    g = globals_of(ctx)
    settings = g.settings()
    require_existing(settings.database)
    engine = prepare_database(settings.database)
    front = FrontSettings(
        database=settings.database,
        data_dir=settings.data_dir,
        host=host,
        port=port,
        public_url=public_url.rstrip("/") if public_url else None,
        trusted_proxies=frozenset(trusted_proxy or ()),
        policy=SignInPolicy(idle=timedelta(minutes=idle_minutes), lock_for=timedelta(minutes=lock_minutes)),
        language=settings.locale,
        tz=settings.timezone,
        app_command=app_command(settings.database, g.config),
        spares=spares,
    )
    say(_("Serving the CRM on {url} (Ctrl+C stops)").format(url=public_url or f"http://{host}:{port}"))
    run(front, engine)


GRANT_LIMIT = 8192
NO_GRANT = N_("crm web-app is started by crm serve for a signed-in browser")


def read_grant() -> dict[str, str]:
    """The first line of standard input, read byte by byte so that nothing after it (the
    browser's keys, for Textual's web driver) is taken from the pipe: a JSON object of strings
    from `crm serve`, or an empty one."""
    try:
        fileno = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # no real standard input (a test's)
        line = bytearray(sys.stdin.readline(GRANT_LIMIT).strip().encode("utf-8") if sys.stdin else b"")
    else:
        line = bytearray()
        while len(line) < GRANT_LIMIT:
            byte = os.read(fileno, 1)  # Textual's web driver reads the same pipe with os.read
            if not byte or byte == b"\n":
                break
            line += byte
    try:
        grant = json.loads(line.decode("utf-8")) if line else {}
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(grant, dict):
        return {}
    return {str(k): str(v) for k, v in grant.items()}


def web_app(ctx: typer.Context) -> None:
    """The app for one browser session (started by `crm serve`, not by people). Started ahead,
    it loads what every app needs, then waits for its session on standard input (one JSON line:
    the session's token, the upload folder, the language, the terminal's size)."""
    g = globals_of(ctx)
    # What takes most of a start, done before anybody waits: the libraries and the domain, and
    # the database's engine (no screen yet: their labels follow the language the grant brings).
    import textual.app  # noqa: F401

    from crm_tui.domain import desk  # noqa: F401
    from crm_tui.domain.access.web_sessions import open_web_workspace
    from crm_tui.domain.workspace import prepare_database

    if g.db:
        with contextlib.suppress(Exception):  # reported, in one line, when the workspace is opened
            prepare_database(g.db)
    grant = read_grant()
    token = grant.pop("CRM_WEB_SESSION", "")
    if not token:
        fail(_(NO_GRANT))
    os.environ.update(grant)
    idle = timedelta(seconds=int(os.environ.get("CRM_WEB_IDLE_SECONDS", "1800")))
    settings = g.settings()
    from crm_tui.app import create_app
    from crm_tui.config import crm_command

    def open_it() -> Workspace:
        return open_web_workspace(settings.database, token, idle=idle, tz=settings.timezone)

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
