"""The receiver's application: its routes, the routes other parts mount, and serving it."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web

from crm_tui.domain.inbound.sources import SourceKind
from crm_tui.domain.workspace import Workspace
from crm_tui.web import unsubscribe
from crm_tui.web.inbound.limits import BODY_LIMIT
from crm_tui.web.inbound.receiver import Receiver

RouteDef = web.AbstractRouteDef
WORKSPACE = web.AppKey("workspace", Workspace)
"""The workspace the receiver acts in, for mounted routes: ``request.app[WORKSPACE]``."""


def mounted_routes() -> list[list[web.RouteDef]]:
    """Routes other parts of crm_tui serve beside the hooks, each a ``routes()`` list."""
    return [unsubscribe.routes()]


def make_app(
    ws: Workspace, *, extra: Sequence[Sequence[RouteDef]] = (), workers: int | None = None
) -> web.Application:
    """``workers``: threads for the database work; one on SQLite (its writes take turns anyway,
    and threads waiting on its lock sleep and back off, which is what made the slow answers)."""
    if workers is None:
        workers = 1 if ws.engine.dialect.name == "sqlite" else 4
    receiver = Receiver(ws, workers=workers)
    app = web.Application(client_max_size=BODY_LIMIT)
    app[WORKSPACE] = ws
    app[unsubscribe.ENGINE] = ws.engine
    r, k = receiver.route, SourceKind
    app.add_routes(
        [
            web.post("/hooks/form/{source}", r(k.FORM, receiver.form)),
            web.get("/hooks/zadarma/{source}", r(k.ZADARMA, receiver.zadarma_echo)),
            web.post("/hooks/zadarma/{source}", r(k.ZADARMA, receiver.zadarma)),
            web.post("/hooks/mango/{source}/{event:.*}", r(k.MANGO, receiver.mango)),
            web.get("/hooks/sipuni/{source}/{token}", r(k.SIPUNI, receiver.sipuni)),
            web.post("/hooks/sipuni/{source}/{token}", r(k.SIPUNI, receiver.sipuni)),
            web.post("/hooks/uis/{source}/{token}", r(k.UIS, receiver.uis)),
            web.post("/hooks/telegram/{source}", r(k.TELEGRAM, receiver.telegram)),
            web.get("/health", _health),
        ]
    )
    for routes in extra:
        app.add_routes(routes)

    async def _close(_: web.Application) -> None:
        await receiver.refusals.close()
        receiver.pool.shutdown(wait=True)

    app.on_cleanup.append(_close)
    app.on_response_prepare.append(_plain_only)
    return app


async def _plain_only(_: web.Request, response: web.StreamResponse) -> None:
    """Every answer is read as what it says it is: an echo of a query (Zadarma's check) holds
    whatever was sent, which a browser must never sniff into a page."""
    response.headers["X-Content-Type-Options"] = "nosniff"


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="ok\n")


def serve(ws: Workspace, host: str, port: int, *, workers: int | None = None) -> None:
    """Serve until stopped (SIGINT, SIGTERM): what is being handled is finished first."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    web.run_app(
        make_app(ws, extra=mounted_routes(), workers=workers), host=host, port=port, print=None,
        access_log=None,
        shutdown_timeout=10,
    )  # fmt: skip
