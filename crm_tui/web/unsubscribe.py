"""The unsubscribe link of every letter: ``GET /unsubscribe/{token}`` shows a page with one
button; ``POST`` to the same address unsubscribes. A mail client's one-click unsubscribe
(RFC 8058: ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``) is that POST without the page.
Unsubscribing twice is unsubscribing once. The receiver mounts ``routes()`` and puts the
database's engine in the application under ``ENGINE``.
"""

from __future__ import annotations

import asyncio
from html import escape

from aiohttp import web
from sqlalchemy.engine import Engine

from crm_tui.domain.base_language import base_language
from crm_tui.domain.campaigns.answers import Unsubscribed, unsubscribe
from crm_tui.domain.clock import system_clock
from crm_tui.i18n import N_, in_language
from crm_tui.storage.database import read_session, write_session

ENGINE = web.AppKey("crm_engine", Engine)
PATH = "/unsubscribe/{token}"

TITLE = N_("Unsubscribe")
ASK = N_("Stop the letters to this address?")
BUTTON = N_("Unsubscribe")
DONE = N_("{address} will get no more of our letters.")
UNKNOWN = N_("This link is not one of ours, or it is broken.")


def _page(language: str, body: str, status: int = 200) -> web.Response:
    title = escape(in_language(language, TITLE))
    html = (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )
    return web.Response(text=html, content_type="text/html", status=status)


def _language(engine: Engine) -> str:
    with read_session(engine) as session:
        return base_language(session)


def _unsubscribe(engine: Engine, token: str) -> tuple[str, Unsubscribed | None]:
    with write_session(engine) as session:
        return base_language(session), unsubscribe(session, token, system_clock())


async def _confirm(request: web.Request) -> web.Response:
    language = await asyncio.to_thread(_language, request.app[ENGINE])
    body = (
        f"<p>{escape(in_language(language, ASK))}</p>"
        f'<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{escape(in_language(language, BUTTON))}</button></form>'
    )
    return _page(language, body)


async def _post(request: web.Request) -> web.Response:
    await request.read()  # "List-Unsubscribe=One-Click" or the page's form: the same
    language, done = await asyncio.to_thread(_unsubscribe, request.app[ENGINE], request.match_info["token"])
    if done is None:
        return _page(language, f"<p>{escape(in_language(language, UNKNOWN))}</p>", status=404)
    text = in_language(language, DONE).format(address=done.address)
    return _page(language, f"<p>{escape(text)}</p>")


def routes() -> list[web.RouteDef]:
    return [web.get(PATH, _confirm), web.post(PATH, _post)]
