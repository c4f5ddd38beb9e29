"""The receiver's refusals, tallied per source and written a few at a time (see
``crm_tui.domain.inbound.refusals``): a flood of bad requests costs one write every few seconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from crm_tui.domain.inbound.refusals import RefusalTally, keep_refusals
from crm_tui.domain.workspace import Workspace

log = logging.getLogger("crm_tui.web.inbound")
DELAY = 2.0
"""How long refusals gather before they are written: the admin sees them within seconds."""


class Refusals:
    def __init__(self, ws: Workspace, run: Callable[..., Awaitable[None]], *, delay: float = DELAY) -> None:
        """``run(work, *args)`` does the database work off the event loop (the receiver's pool)."""
        self.ws = ws
        self.run = run
        self.delay = delay
        self.pending: dict[int, RefusalTally] = {}
        self._later: asyncio.Task[None] | None = None

    def note(self, source_id: int, status: int, code: str) -> None:
        before = self.pending.get(source_id)
        count = before.count + 1 if before is not None else 1
        self.pending[source_id] = RefusalTally(count, self.ws.now(), status, code)
        if self._later is None:
            self._later = asyncio.get_running_loop().create_task(self._write_later())

    async def _write_later(self) -> None:
        await asyncio.sleep(self.delay)
        self._later = None
        await self.flush()

    async def flush(self) -> None:
        pending, self.pending = self.pending, {}
        if not pending:
            return
        try:
            await self.run(keep_refusals, self.ws, pending)
        except Exception:  # the tally is lost, the receiver goes on answering
            log.exception("refusals of %d source(s) not kept", len(pending))

    async def close(self) -> None:
        """Write what is pending (the receiver stops)."""
        if self._later is not None:
            self._later.cancel()
            self._later = None
        await self.flush()
