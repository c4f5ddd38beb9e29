"""The inbound screen as an admin works it: a source added and its secret shown once, a mailbox
added (where its password is read from), read now against a real dovecot with its result said,
switched off, and removed; a manager is told the screen is not theirs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest
from textual.widgets import Input, Static

from crm_tui.app import create_app
from crm_tui.domain.inbound.mailboxes import list_mailboxes
from crm_tui.domain.inbound.sources import list_sources
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.dialogs.inbound_forms import MailboxDialog, RemoveDialog, SecretDialog, SourceDialog
from crm_tui.screens.inbound import InboundScreen
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import notifications, settle, text_of, wait_for, workspace
from tests.imap_server import ImapServer, running_dovecot
from tests.seed import Seeded

SIZE = (120, 40)


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with running_dovecot(user="sales@our-firm.ru") as server:
        yield server


async def test_the_admin_adds_a_source_and_a_mailbox_reads_it_now_and_removes_them(
    sqlite_url: str, team: Seeded, imap: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_SALES_PASSWORD", imap.password)
    imap.deliver(
        b"From: kotov@stroidvor.ru\r\nTo: sales@our-firm.ru\r\nSubject: Zayavka\r\n"
        b"Message-ID: <one@stroidvor.ru>\r\n\r\nNuzhen kabel\r\n"
    )
    admin: Workspace = workspace(sqlite_url, "admin")
    app = create_app(admin)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, InboundScreen))
        screen = cast(InboundScreen, app.screen)
        await wait_for(
            pilot, lambda: "Nothing comes in yet" in text_of(screen.query_one("#inbound-note", Static))
        )

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, SourceDialog))
        app.screen.query_one("#source-name", Input).value = "site"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SecretDialog))
        [source] = list_sources(admin)
        secret = text_of(app.screen.query_one("#secret-value", Static))
        assert len(secret) > 30 and "/hooks/form/site?token=" + secret in text_of(
            app.screen.query_one("#secret-path", Static)
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and "source:site" in screen.entries)

        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MailboxDialog))
        dialog = app.screen
        dialog.query_one("#mailbox-name", Input).value = "sales"
        dialog.query_one("#mailbox-url", Input).value = imap.url
        dialog.query_one("#mailbox-password-env", Input).value = "CRM_SALES_PASSWORD"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and "mailbox:sales" in screen.entries)
        table = screen.query_one("#inbound", RecordTable)
        table.move_cursor(row=1)
        await pilot.press("r")
        note = screen.query_one("#inbound-note", Static)
        await wait_for(pilot, lambda: "sales: 1 mail read (a new request 1)" in text_of(note), timeout=15)
        await wait_for(pilot, lambda: list_mailboxes(admin)[0].mails == 1)
        await pilot.press("o")
        await wait_for(pilot, lambda: not list_mailboxes(admin)[0].enabled)
        await wait_for(pilot, lambda: not screen.entries["mailbox:sales"].enabled)

        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, RemoveDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("sales removed" in n for n in notifications(app)))
        assert list_mailboxes(admin) == [] and [s.name for s in list_sources(admin)] == [source.name]
    assert imap.password not in str(list_mailboxes(admin))


async def test_a_manager_is_told_the_inbound_screen_is_not_theirs(sqlite_url: str, team: Seeded) -> None:
    app = create_app(workspace(sqlite_url, "ivanova"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await wait_for(pilot, lambda: any("kept by an admin or ops" in n for n in notifications(app)))
        assert not isinstance(app.screen, InboundScreen)


async def test_the_screen_shows_a_sources_refused_requests(sqlite_url: str, team: Seeded) -> None:
    """Five bad tokens and a 429 were nowhere to be seen by the admin."""
    from datetime import UTC, datetime

    from crm_tui.domain.inbound.refusals import RefusalTally, keep_refusals
    from crm_tui.domain.inbound.sources import add_source

    admin: Workspace = workspace(sqlite_url, "admin")
    source = add_source(admin, "site2", "form", per_minute=5).source
    keep_refusals(
        admin, {source.id: RefusalTally(6, datetime(2026, 12, 7, 9, 0, tzinfo=UTC), 401, "inbound.token")}
    )
    app = create_app(admin)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, InboundScreen))
        screen = cast(InboundScreen, app.screen)
        table = screen.query_one("#inbound", RecordTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        shown = str(table.get_row_at(0)[3])
        assert "refused: 401 wrong token or signature" in shown and "inbound.token" not in shown
        await wait_for(
            pilot,
            lambda: "6 requests refused, the last" in text_of(screen.query_one("#inbound-detail", Static)),
        )
