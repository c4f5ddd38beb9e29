"""The sign-in and sign-out pages of `crm serve`: a login and password checked by the domain
(``web_sessions.sign_in``: locked after too many tries, for unknown logins as for real ones),
the session's cookie and the chosen language set, the session ended and its apps closed on
sign-out. A part of ``server.FrontServer``, which gives these handlers who is asking."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy.engine import Engine

from crm_tui.domain.access.web_sessions import Strangers, WebSession, sign_in, sign_out
from crm_tui.i18n import LANGUAGES, in_language
from crm_tui.storage.database import write_session
from crm_tui.web.front import pages
from crm_tui.web.front.person_pages import COOKIE

if TYPE_CHECKING:
    from crm_tui.web.front.server import FrontSettings

log = logging.getLogger("crm.serve")
LANGUAGE_COOKIE = "crm_lang"
"""The language chosen on the sign-in page, for the app and the pages after it."""


class SignInPages:
    """The sign-in and sign-out handlers (see the module's doc)."""

    settings: FrontSettings
    engine: Engine
    strangers: Strangers

    if TYPE_CHECKING:  # given by the server

        def now(self) -> datetime: ...
        def address(self, request: web.Request) -> str: ...
        def secure(self, request: web.Request) -> bool: ...
        def language(self, request: web.Request) -> str: ...
        def html(self, text: str, status: int = 200) -> web.Response: ...
        def set_cookie(self, request: web.Request, response: web.StreamResponse, token: str) -> None: ...
        async def check(self, token: str) -> WebSession | None: ...
        async def _close(self, session_id: int) -> None: ...

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        lang = self.language(request)
        if await self.check(request.cookies.get(COOKIE, "")) is not None:
            raise web.HTTPSeeOther("/")
        note = {"out": pages.SIGNED_OUT, "expired": pages.EXPIRED, "password": pages.CHANGED}.get(
            request.query.get("why", ""), ""
        )
        return self.html(pages.sign_in_page(lang, note=in_language(lang, note) if note else ""))

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        lang = str(form.get("lang", "")) if str(form.get("lang", "")) in LANGUAGES else self.language(request)
        login, password = str(form.get("login", ""))[:64], str(form.get("password", ""))
        address = self.address(request)

        def attempt() -> Any:
            with write_session(self.engine) as session:
                return sign_in(
                    session,
                    login,
                    password,
                    now=self.now(),
                    address=address,
                    policy=self.settings.policy,
                    strangers=self.strangers,
                )

        result = await asyncio.to_thread(attempt)
        if result.refused:
            log.info("sign-in refused for %r from %s: %s", login, address, result.refused)
            error = {
                "wrong": in_language(lang, pages.WRONG),
                "inactive": in_language(lang, pages.INACTIVE),
                "no_app": in_language(lang, pages.NO_APP),
                "locked": in_language(lang, pages.LOCKED).format(
                    time=f"{result.locked_until:%H:%M}" if result.locked_until else ""
                ),
            }[result.refused]
            status = 429 if result.refused == "locked" else 401
            return self.html(pages.sign_in_page(lang, login=login, error=error), status)
        log.info("%s signed in from %s", result.login, address)
        response = web.HTTPSeeOther("/")
        self.set_cookie(request, response, result.token)
        response.set_cookie(LANGUAGE_COOKIE, lang, samesite="Strict", secure=self.secure(request), path="/")
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        """End the session (if it is still open), close its apps, back to the sign-in page."""
        token = request.cookies.get(COOKIE, "")
        found = await self.check(token) if token else None

        def end() -> None:
            with write_session(self.engine) as session:
                sign_out(session, token, now=self.now())

        if token:
            await asyncio.to_thread(end)
        if found is not None:
            await self._close(found.id)
        response = web.HTTPSeeOther(f"/login?why=out&lang={self.language(request)}")
        response.del_cookie(COOKIE, path="/")
        raise response
