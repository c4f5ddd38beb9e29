"""Reading the mailboxes: a job of `crm schedule tick` and `crm inbound mail`.

Each mailbox is read folder by folder (the inbox and Sent) from its bookmark: each mail is
logged in its own transaction, then, after each batch, the bookmark is kept. A run cut short (a
dropped connection, a killed process) starts where the last kept bookmark was; the mails after
it that were logged already are known by their Message-ID and logged nothing twice. One
mailbox's trouble (a wrong password, a server down) is reported and the others are read.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.campaigns.answers import note_mail
from crm_tui.domain.errors import DomainError
from crm_tui.domain.inbound.mail import log_mail
from crm_tui.domain.inbound.mailboxes import (
    Mailbox,
    all_mailboxes,
    bookmarks,
    has_mailboxes,
    keep_bookmark,
    mailbox_named,
    note_reading,
)
from crm_tui.domain.inbound.port import MailReading
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.channels.mail import imap, message

NAME = "inbound_mail"


@dataclass
class MailRun:
    outcomes: Counter[str] = field(default_factory=Counter)
    read: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    """A mailbox that could not be read, and the one line why (never its password)."""

    def as_json(self) -> dict[str, Any]:
        return {"read": self.read, "outcomes": dict(sorted(self.outcomes.items())), "failed": self.failed}


def has_work(session: Session) -> bool:
    return has_mailboxes(session)


def read_mailbox(ws: Workspace, mailbox: Mailbox, run: MailRun, *, batch: int = 100) -> None:
    client = imap.connect(imap.MailboxAddress.parse(mailbox.url), mailbox.password())
    try:
        with ws.read() as session:
            marks = bookmarks(session, mailbox)
        for folder in imap.folders(client):
            mark = marks.get(folder)
            start = imap.Bookmark(folder, *mark) if mark else None
            sent = folder != "INBOX"
            for item in imap.fetch_new(client, folder, start, batch=batch):
                if isinstance(item, imap.Fetched):
                    run.read += 1
                    mail = message.read_mail(item.raw)
                    outcome = log_mail(ws, mailbox, mail, sent=sent)
                    run.outcomes[outcome] += 1
                    if not sent and outcome != "again":
                        _answer_campaigns(ws, mail, item.raw)
                else:
                    keep_bookmark(ws, mailbox, item.folder, item.uidvalidity, item.last_uid)
    finally:
        with contextlib.suppress(Exception):  # the connection may be gone already
            client.logout()


def _answer_campaigns(ws: Workspace, mail: message.InboundMail, raw: bytes) -> None:
    """A reply to a campaign's letter, or its delivery report (a robot's mail, not logged as a
    touch), stops the recipient's remaining letters (``campaigns.answers.note_mail``)."""
    with ws.write() as session:
        note_mail(session, mail, raw, ws.now())


def _read_noted(ws: Workspace, mailbox: Mailbox, report: MailRun, *, batch: int = 100) -> MailRun:
    """Read one mailbox into ``report`` and keep how it went on the mailbox (when, how many,
    the one-line error) for the inbound screen and `crm mailbox list`."""
    mine = MailRun()
    error = None
    try:
        read_mailbox(ws, mailbox, mine, batch=batch)
    except DomainError as exc:
        error = str(exc)
        report.failed[mailbox.name] = error
    note_reading(ws, mailbox, mine.read, error)
    report.read += mine.read
    report.outcomes.update(mine.outcomes)
    return mine


def run(ws: Workspace, *, batch: int = 100) -> MailRun:
    """Read every mailbox that is on, once."""
    report = MailRun()
    with ws.read() as session:
        boxes = all_mailboxes(session, enabled_only=True)
    for mailbox in boxes:
        _read_noted(ws, mailbox, report, batch=batch)
    return report


def read_one(ws: Workspace, name: str) -> MailReading:
    """The inbound screen's "read now": the mailbox named, on or off (a password just put right
    is tried before the mailbox is switched on again)."""
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    with ws.read() as session:
        mailbox = mailbox_named(session, name)
    report = MailRun()
    mine = _read_noted(ws, mailbox, report)
    return MailReading(name, mine.read, dict(sorted(mine.outcomes.items())), report.failed.get(name))
