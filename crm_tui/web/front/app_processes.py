"""The app processes of `crm serve`: one per browser tab, started ahead of need.

textual-serve's ``AppService`` starts its command when the websocket connects; most of the wait
until the desk is drawn is then that process importing Textual, SQLAlchemy and the domain. Here
a spare process (``crm ... web-app``) is started in advance and does those imports while nobody
is waiting; when a tab connects it is handed the session, one JSON line on its standard input
(``grant``: the session's token, the person's upload folder, the page's language, the terminal's
size), and goes on to open the workspace and draw. The token never sits in a process's
environment, where it would outlive the session in ``/proc``. A new spare is started as soon as
one is taken.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
from asyncio.subprocess import Process
from contextlib import suppress
from types import SimpleNamespace
from typing import Any

from textual_serve.app_service import AppService

log = logging.getLogger("crm.serve")
GRANT_LIMIT = 8192
"""Bytes a grant line may take at most."""
STOP_WAIT = 3.0
"""Seconds an app process has to end once asked, before it is killed."""


def app_environment() -> dict[str, str]:
    """The environment textual-serve gives an app process (Textual's web driver and its
    colours), taken from the pinned textual-serve's own method (it reads only ``debug``)."""
    built: dict[str, str] = AppService._build_environment(SimpleNamespace(debug=False), 80, 24)  # type: ignore[arg-type]
    built.pop("CRM_WEB_SESSION", None)
    return built


class SparePool:
    """Spare app processes, started ahead (``size`` of them) with the command ``command``."""

    def __init__(self, command: str, size: int = 1) -> None:
        self.command = command
        self.size = size
        self.spares: list[Process] = []
        self.started: list[Process] = []
        """Every process started, spare or handed to a tab: all are stopped with the server."""
        self._filling: asyncio.Task[None] | None = None

    async def _start(self) -> Process:
        """The app itself, not a shell running it (a shell killed leaves its child running),
        in a session of its own: a Ctrl+C in the server's terminal reaches the server, which
        stops its apps in order, not every app at once with a traceback each."""
        process = await asyncio.create_subprocess_exec(
            *shlex.split(self.command),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=app_environment(),
            start_new_session=True,
        )
        self.started = [p for p in self.started if p.returncode is None]
        self.started.append(process)
        return process

    async def fill(self) -> None:
        while len(self.spares) < self.size:
            self.spares.append(await self._start())

    def refill(self) -> None:
        if self.size and (self._filling is None or self._filling.done()):
            self._filling = asyncio.create_task(self.fill())

    async def take(self) -> Process:
        """A spare still alive, or a new process if there is none."""
        while self.spares:
            spare = self.spares.pop(0)
            if spare.returncode is None:
                self.refill()
                return spare
        self.refill()
        return await self._start()

    async def close(self) -> None:
        """Stop every app process: asked (SIGTERM) first, killed after ``STOP_WAIT`` seconds."""
        if self._filling is not None:
            self._filling.cancel()
            with suppress(asyncio.CancelledError):
                await self._filling
        running = [p for p in self.started if p.returncode is None]
        for process in running:
            with suppress(ProcessLookupError):
                process.terminate()
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), STOP_WAIT)
        except TimeoutError:
            for process in running:
                if process.returncode is None:
                    with suppress(ProcessLookupError):
                        process.kill()
            await asyncio.gather(*(p.wait() for p in running))
        for process in running:
            if process.stdin is not None:
                process.stdin.close()
        await asyncio.sleep(0)  # the pipes' last callbacks, while the loop still runs
        self.spares.clear()
        self.started.clear()


class SessionApp(AppService):
    """textual-serve's app service, on a process from ``pool`` handed ``grant``."""

    def __init__(self, command: str, grant: dict[str, str], pool: SparePool, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.grant = grant
        self.pool = pool

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        process = await self.pool.take()
        assert process.stdin is not None
        line = json.dumps({**self.grant, "COLUMNS": str(width), "ROWS": str(height)}).encode("utf-8")
        process.stdin.write(line + b"\n")
        await process.stdin.drain()
        self._process = process
        self._stdin = process.stdin
        return process
