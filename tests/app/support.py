"""Helpers shared by the app (Pilot) and snapshot tests: a seeded SQLite workspace, waiting."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

from rich.console import Console
from rich.text import Text
from sqlalchemy.engine import Engine
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import WorkerCancelled

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.clients.records import ChannelDraft, ClientDraft, create_client
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import ChannelKind, ClientStatus, Role
from tests.seed import FROZEN_NOW, MOSCOW, Seeded, valid_inn

S = TypeVar("S", bound=Screen[Any])


def workspace(url: str, login: str = "ivanova") -> Workspace:
    """The database at ``url`` opened as ``login`` with the frozen clock and Moscow time."""
    return open_workspace(url, login, tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))


def add_clients(engine: Engine, seeded: Seeded, count: int, owner: str = "ivanova") -> list[int]:
    """``count`` extra clients named «Клиент 001»..., all of ``owner``, with distinct INNs."""
    admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
    ids = []
    with write_session(engine) as session:
        for n in range(1, count + 1):
            ids.append(
                create_client(
                    session,
                    admin,
                    ClientDraft(
                        name=f"Клиент {n:03d}",
                        legal_form="ООО",
                        inn=valid_inn(f"7799{n:05d}"),
                        city="Москва",
                        region="Москва",
                        owner_id=seeded.users[owner],
                        status=ClientStatus.LEAD,
                        channels=[ChannelDraft(ChannelKind.PHONE, f"+7916{n:07d}", f"+7916{n:07d}")],
                    ),
                    FROZEN_NOW - timedelta(days=10),
                )
            )
    return ids


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message they posted be handled (and what that started)."""
    app = pilot.app
    for _ in range(10):
        await pilot.pause()
        # An exclusive worker replaced by a newer one is cancelled; the next round waits for that one.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        # A worker started by a message handled in that pause is still pending, not running:
        # waiting only for running ones let a snapshot be taken before the list it fills.
        if all(w.is_finished for w in app.workers):
            return


async def opened(pilot: Pilot[None], key: str, kind: type[S]) -> S:
    """The screen ``key`` opens, once it shows its data (the app's first one settled first)."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), screen
    return screen


async def wait_for(pilot: Pilot[None], predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait until ``predicate`` holds (for state reached through a timer, like the debounced
    search), settling workers in between; fail with the timeout instead of hanging. The timeout
    is long because a run beside other work on two cores once took over 5 s to fill a screen
    that fills in a tenth of a second alone; a passing test never waits for it."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached in {timeout} s")
        await pilot.pause(0.05)
        await settle(pilot)


def notifications(app: App[None]) -> list[str]:
    """The messages of the notifications the app has shown (Textual keeps them privately)."""
    return [n.message for n in app._notifications]


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text (works for strings, Rich Text, tables and groups)."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    content = widget.content
    console.print(content if not isinstance(content, str) else Text(content))
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


@contextlib.contextmanager
def in_language(code: str) -> Iterator[None]:
    """The interface in ``code`` for the block; the language before it afterwards, whatever
    the block raised (a test left in Russian would change every test after it)."""
    from crm_tui import i18n

    before = i18n.current_locale()
    i18n.set_locale(code)
    try:
        yield
    finally:
        i18n.set_locale(before)
