"""The pages of `crm serve` that are the signed-in person's own, beside the app: their password
and their uploads (a browser has no server path to type into the import wizard). A part of
``server.FrontServer``, which gives these handlers the session (``request["web_session"]``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import BodyPartReader, web
from sqlalchemy.engine import Engine

from crm_tui.domain.access.web_sessions import WebSession, change_own_password
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.imports.uploads import find_uploads, store_upload, user_upload_folder
from crm_tui.i18n import in_language
from crm_tui.storage.database import write_session
from crm_tui.web.front import pages

if TYPE_CHECKING:
    from crm_tui.web.front.server import FrontSettings

log = logging.getLogger("crm.serve")
COOKIE = "crm_session"


class PersonPages:
    """The password and upload pages (see the module's doc)."""

    settings: FrontSettings
    engine: Engine

    if TYPE_CHECKING:  # given by the server

        def now(self) -> datetime: ...
        def address(self, request: web.Request) -> str: ...
        def language(self, request: web.Request) -> str: ...
        def html(self, text: str, status: int = 200) -> web.Response: ...
        async def _close(self, session_id: int) -> None: ...

    # --- one's own password ---------------------------------------------------------------

    async def password_form(self, request: web.Request) -> web.StreamResponse:
        return self.html(pages.password_page(self.language(request)))

    async def change_password(self, request: web.Request) -> web.StreamResponse:
        """A new password for the person signed in; their browsers are signed out (this one
        too), and the sign-in page asks for the new one."""
        lang = self.language(request)
        found: WebSession = request["web_session"]
        form = await request.post()
        current, new, again = (str(form.get(name, "")) for name in ("current", "new", "again"))
        if new != again:
            return self.html(pages.password_page(lang, error=in_language(lang, pages.DIFFER)), 400)
        address = self.address(request)

        def change() -> str:
            with write_session(self.engine) as session:
                return change_own_password(
                    session, found, current, new, now=self.now(), address=address, policy=self.settings.policy
                )

        try:
            refused = await asyncio.to_thread(change)
        except InvalidInput as exc:
            error = pages.worded(lang, exc.message.msgid, exc.message.params)
            return self.html(pages.password_page(lang, error=error), 400)
        if refused:
            words = pages.WRONG_CURRENT if refused == "wrong" else pages.LOCKED_NOW
            return self.html(pages.password_page(lang, error=in_language(lang, words)), 400)
        log.info("%s changed their password", found.login)
        await self._close(found.id)
        response = web.HTTPSeeOther(f"/login?why=password&lang={lang}")
        response.del_cookie(COOKIE, path="/")
        raise response

    # --- uploads -------------------------------------------------------------------------

    def folder(self, request: web.Request) -> Path:
        found: WebSession = request["web_session"]
        return user_upload_folder(self.settings.data_dir, found.user_id)

    async def upload_form(self, request: web.Request) -> web.StreamResponse:
        lang = self.language(request)
        files = await asyncio.to_thread(find_uploads, self.folder(request))
        return self.html(pages.upload_page(lang, files, self.settings.tz, done=request.query.get("done", "")))

    async def upload(self, request: web.Request) -> web.StreamResponse:
        lang = self.language(request)
        folder = self.folder(request)
        try:
            reader = await request.multipart()
            part = await reader.next()
            while part is not None and getattr(part, "name", None) != "file":
                part = await reader.next()
            if not isinstance(part, BodyPartReader) or not part.filename:
                raise InvalidInput("upload.none", pages.NO_FILE)

            async def chunks() -> AsyncIterator[bytes]:
                while chunk := await part.read_chunk():
                    yield chunk

            kept = await store_upload(folder, part.filename, chunks())
        except InvalidInput as exc:
            files = await asyncio.to_thread(find_uploads, folder)
            error = pages.worded(lang, exc.message.msgid, exc.message.params)
            return self.html(pages.upload_page(lang, files, self.settings.tz, error=error), 400)
        found: WebSession = request["web_session"]
        log.info("%s uploaded %s", found.login, kept.name)
        raise web.HTTPSeeOther(f"/upload?done={quote(kept.name)}")
