"""The aiohttp server of `crm serve`: textual-serve's ``Server`` with every route behind our
sign-in.

textual-serve serves a page (``/``), its scripts and fonts (``/static``), a websocket (``/ws``)
on which each connection starts one app process (its ``AppService`` runs the command in a shell
with ``TEXTUAL_DRIVER`` set to Textual's web driver), and downloads the app offers
(``/download/{key}``). Here every one of them first asks for a live session (``check``), the
websocket before it is upgraded; the app process (``crm web-app``, started ahead:
``app_processes``) is handed the session's token on its standard input, and opens its
workspace from that token alone
(``domain.access.web_sessions.open_web_workspace``): the person signed in, their rights, their
audit, as over SSH. A session's websockets close when it is signed out or has gone unused for
the idle time; keys pressed in the app count as use.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web
from sqlalchemy.engine import Engine
from textual_serve.server import Server, to_int

from crm_tui.domain.access.web_sessions import (
    SignInPolicy,
    Strangers,
    WebSession,
    current_session,
    touch,
)
from crm_tui.domain.imports.uploads import user_upload_folder
from crm_tui.i18n import LANGUAGES
from crm_tui.storage.database import read_session, write_session
from crm_tui.web.front import pages
from crm_tui.web.front.app_processes import SessionApp, SparePool
from crm_tui.web.front.person_pages import COOKIE, PersonPages
from crm_tui.web.front.sign_in import LANGUAGE_COOKIE, SignInPages

log = logging.getLogger("crm.serve")

TOUCH_EVERY = timedelta(seconds=60)
"""A session's last use is written at most this often (a key press is use)."""
WATCH_EVERY = 20.0
"""Seconds between looks at the open sessions: signed out elsewhere, expired, user made inactive."""
OPEN_PATHS = frozenset({"/login", "/logout"})
"""Reached without a session: signing in, and signing out of one that has ended already."""


@dataclass(frozen=True)
class FrontSettings:
    database: str
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    """The address people open (https://crm.example.com behind a proxy); else taken from the
    request's Host."""
    trusted_proxies: frozenset[str] = frozenset()
    """Addresses whose X-Forwarded-Proto and X-Forwarded-For are believed."""
    policy: SignInPolicy = field(default_factory=SignInPolicy)
    language: str = "en"
    """The pages' language when the browser asks for none we speak."""
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    app_command: tuple[str, ...] = ()
    """The command that runs the app for a session (``crm ... web-app``)."""
    spares: int = 1
    """App processes started ahead, waiting for a session (``app_processes``)."""


def app_command(database: str, config: str | None) -> tuple[str, ...]:
    """``python -m crm_tui --db DATABASE [--config FILE] web-app``, with this very Python."""
    return (
        sys.executable,
        "-m",
        "crm_tui",
        "--db",
        database,
        *(("--config", config) if config else ()),
        "web-app",
    )


@dataclass
class Live:
    """An open websocket and its app."""

    token: str
    socket: web.WebSocketResponse
    app: SessionApp | None = None


class FrontServer(SignInPages, PersonPages, Server):
    """textual-serve's ``Server`` behind the sign-in (see the module's doc)."""

    def __init__(self, settings: FrontSettings, engine: Engine) -> None:
        super().__init__(
            shlex.join(settings.app_command),
            host=settings.host,
            port=settings.port,
            title="crm_tui",
            public_url=settings.public_url,
        )
        self.settings = settings
        self.engine = engine
        self.live: dict[int, list[Live]] = {}
        """Session id -> its open websockets."""
        self.strangers = Strangers()
        """Wrong passwords for logins without one, locked as real ones are."""
        self._watch: asyncio.Task[None] | None = None
        self.pool = SparePool(self.command, settings.spares)

    # --- the application -----------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/login", self.login_form),
                web.post("/login", self.login),
                web.post("/logout", self.logout),
                web.get("/password", self.password_form),
                web.post("/password", self.change_password),
                web.get("/upload", self.upload_form),
                web.post("/upload", self.upload),
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        app.on_response_prepare.append(self._headers)
        return app

    async def on_startup(self, app: web.Application) -> None:
        self._watch = asyncio.create_task(self._watch_sessions())
        self.pool.refill()

    async def on_shutdown(self, app: web.Application) -> None:
        if self._watch is not None:
            self._watch.cancel()
        for lives in list(self.live.values()):
            for live in lives:
                await live.socket.close()
        await self.pool.close()

    # --- who is asking -------------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.now(UTC)

    def address(self, request: web.Request) -> str:
        """The client's address: the proxy's X-Forwarded-For only when the proxy is trusted."""
        remote = request.remote or ""
        forwarded = request.headers.get("X-Forwarded-For", "")
        if remote in self.settings.trusted_proxies and forwarded:
            return forwarded.split(",")[-1].strip()
        return remote

    def secure(self, request: web.Request) -> bool:
        """Whether the browser reached us over TLS: ``--public-url https://``, a TLS socket, or a
        trusted proxy saying so."""
        if (self.settings.public_url or "").startswith("https:") or request.secure:
            return True
        proto = request.headers.get("X-Forwarded-Proto", "")
        return request.remote in self.settings.trusted_proxies and proto.lower() == "https"

    def base_url(self, request: web.Request) -> str:
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/")
        return f"{'https' if self.secure(request) else 'http'}://{request.host}"

    def same_origin(self, request: web.Request) -> bool:
        """A form post or a websocket from a page of ours: its Origin, when the browser sends
        one, is this site (a page elsewhere cannot drive the app with the person's cookie)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser, or a browser that sends none for its own page
        return urlsplit(origin).netloc.lower() == urlsplit(self.base_url(request)).netloc.lower()

    def language(self, request: web.Request) -> str:
        for asked in (request.query.get("lang", ""), request.cookies.get(LANGUAGE_COOKIE, "")):
            if asked in LANGUAGES:
                return asked
        for part in request.headers.get("Accept-Language", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
        return self.settings.language

    async def check(self, token: str) -> WebSession | None:
        def look() -> WebSession | None:
            now = self.now()
            with read_session(self.engine) as session:
                found = current_session(session, token, now=now, idle=self.settings.policy.idle)
            if found is not None and now - found.last_seen_at >= TOUCH_EVERY:
                with write_session(self.engine) as session:
                    touch(session, found.id, now)
            return found

        return await asyncio.to_thread(look)

    @web.middleware
    async def guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Nothing but the sign-in page without a live session; no post and no websocket from
        another site."""
        if (request.method == "POST" or request.path == "/ws") and not self.same_origin(request):
            return web.Response(
                status=403, text=pages.refused_page(self.language(request)), content_type="text/html"
            )
        if request.path in OPEN_PATHS:
            response = await handler(request)
        else:
            found = await self.check(request.cookies.get(COOKIE, ""))
            if found is None:
                if request.method == "GET" and request.path in ("/", "/upload"):
                    raise web.HTTPSeeOther("/login")
                raise web.HTTPUnauthorized(text="sign in first\n")
            request["web_session"] = found
            response = await handler(request)
        return response

    @staticmethod
    async def _headers(_request: web.Request, response: web.StreamResponse) -> None:
        """Every answer, a redirect or a refusal raised as an exception too, is kept out of caches
        and frames: set as each response is sent, which no way of answering goes around."""
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")

    def set_cookie(self, request: web.Request, response: web.StreamResponse, token: str) -> None:
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="Strict", secure=self.secure(request), path="/"
        )

    # --- pages ---------------------------------------------------------------------------

    def html(self, text: str, status: int = 200) -> web.Response:
        return web.Response(text=text, status=status, content_type="text/html")

    # --- the app -------------------------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        found: WebSession = request["web_session"]
        base = self.base_url(request)
        scheme = "wss" if base.startswith("https") else "ws"
        lang = self.language(request)
        page = pages.app_page(
            lang,
            static=f"{base}/static/",
            websocket=f"{scheme}:{base.split(':', 1)[1]}/ws",  # textual.js adds ?width=..&height=..
            who=found.full_name,
            font_size=to_int(request.query.get("fontsize", "16"), 16),
        )
        return self.html(page)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        found: WebSession = request["web_session"]
        token = request.cookies.get(COOKIE, "")
        socket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        lang = self.language(request)
        live = Live(token, socket)
        self.live.setdefault(found.id, []).append(live)
        grant = {
            "CRM_WEB_SESSION": token,
            "CRM_WEB_IDLE_SECONDS": str(int(self.settings.policy.idle.total_seconds())),
            "CRM_UPLOAD_DIR": str(user_upload_folder(self.settings.data_dir, found.user_id)),
        }
        grant["CRM_LOCALE"] = lang
        try:
            await socket.prepare(request)
            live.app = SessionApp(
                self.command,
                grant,
                self.pool,
                write_bytes=socket.send_bytes,
                write_str=socket.send_str,
                close=socket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await live.app.start(width, height)
            try:
                await self._messages(socket, live.app, found)
            finally:
                await live.app.stop()
        except asyncio.CancelledError:
            await socket.close()
        except Exception:
            log.exception("the app of session %s failed", found.id)
        finally:
            lives = self.live.get(found.id, [])
            if live in lives:
                lives.remove(live)
            if not lives:
                self.live.pop(found.id, None)
        return socket

    async def _messages(self, socket: web.WebSocketResponse, app: SessionApp, found: WebSession) -> None:
        """textual-serve's ``_process_messages``, with a key press counting as use."""
        touched = self.now()
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope = message.json()
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            if kind == "stdin":
                await app.send_bytes(str(envelope[1]).encode("utf-8"))
                if self.now() - touched >= TOUCH_EVERY:
                    touched = self.now()
                    await asyncio.to_thread(self._touch, found.id, touched)
            elif kind == "resize":
                await app.set_terminal_size(
                    to_int(str(envelope[1]["width"]), 80), to_int(str(envelope[1]["height"]), 24)
                )
            elif kind == "ping":
                await socket.send_json(["pong", envelope[1]])
            elif kind == "blur":
                await app.blur()
            elif kind == "focus":
                await app.focus()

    def _touch(self, session_id: int, now: datetime) -> None:
        with write_session(self.engine) as session:
            touch(session, session_id, now)

    async def _close(self, session_id: int) -> None:
        for live in list(self.live.get(session_id, [])):
            await live.socket.close()

    async def _watch_sessions(self) -> None:
        """Close the apps of sessions that have ended: signed out in another tab, expired,
        their user made inactive or their password changed."""
        while True:
            await asyncio.sleep(WATCH_EVERY)
            for session_id, lives in list(self.live.items()):
                if lives and await self._ended(lives[0].token):
                    log.info("session %s has ended: closing its apps", session_id)
                    await self._close(session_id)

    async def _ended(self, token: str) -> bool:
        def look() -> bool:
            with read_session(self.engine) as session:
                return current_session(session, token, now=self.now(), idle=self.settings.policy.idle) is None

        return await asyncio.to_thread(look)


def serve(settings: FrontSettings, engine: Engine) -> None:
    """Run until Ctrl+C or SIGTERM."""
    FrontServer(settings, engine).serve()
