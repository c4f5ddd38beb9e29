"""Reading a real IMAP server (Debian's dovecot on loopback): new mail once per run, the inbox
and Sent, a renumbered folder, and a connection cut mid-fetch that the next run completes
without a double (issue 23, the mailbox reader)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from crm_tui.importers.channels.mail.imap import (
    Bookmark,
    Fetched,
    MailboxAddress,
    MailboxError,
    connect,
    fetch_new,
    folders,
)
from crm_tui.importers.channels.mail.message import read_mail
from tests.imap_server import ImapServer, running_dovecot


@pytest.fixture(scope="module")
def imap() -> Iterator[ImapServer]:
    with running_dovecot() as server:
        yield server


def _mail(n: int, sender: str = "petrova@tekhnovektor12.ru", to: str = "sales@our-firm.ru") -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = f"Заявка {n}"
    message["Message-ID"] = f"<m{n}@tekhnovektor12.ru>"
    message.set_content(f"Нужно {n} котлов.", charset="koi8-r")
    return message.as_bytes()


def _run(server: ImapServer, marks: dict[str, Bookmark], seen: list[str], batch: int = 100) -> None:
    """One run of the job: store each batch's mails, then its bookmark."""
    client = connect(MailboxAddress.parse(server.url), server.password)
    try:
        for folder in folders(client):
            for item in fetch_new(client, folder, marks.get(folder), batch=batch):
                if isinstance(item, Fetched):
                    seen.append(read_mail(item.raw).message_id)
                else:
                    marks[folder] = item
    finally:
        client.logout()


def test_new_mail_is_read_once_from_the_inbox_and_sent(imap: ImapServer) -> None:
    for n in range(1, 4):
        imap.deliver(_mail(n))
    imap.deliver(_mail(4, sender="sales@our-firm.ru", to="petrova@tekhnovektor12.ru"), folder="Sent")
    marks: dict[str, Bookmark] = {}
    seen: list[str] = []
    _run(imap, marks, seen)
    assert sorted(seen) == [f"m{n}@tekhnovektor12.ru" for n in range(1, 5)]
    assert set(marks) == {"INBOX", "Sent"} and marks["INBOX"].last_uid == 3
    _run(imap, marks, seen)
    assert len(seen) == 4, "a second run with nothing new reads nothing"
    imap.deliver(_mail(5))
    _run(imap, marks, seen)
    assert seen[-1] == "m5@tekhnovektor12.ru" and len(seen) == 5
    renumbered = {
        folder: Bookmark(folder, mark.uidvalidity + 1, mark.last_uid) for folder, mark in marks.items()
    }
    again: list[str] = []
    _run(imap, renumbered, again)
    assert sorted(again) == sorted(seen), (
        "a renumbered folder is read anew; Message-IDs keep it one mail each"
    )


def test_a_connection_cut_mid_fetch_is_completed_by_the_next_run_without_doubles() -> None:
    with running_dovecot(user="snab") as imap:
        for n in range(10, 16):
            imap.deliver(_mail(n))
        marks: dict[str, Bookmark] = {}
        stored: list[str] = []
        client = connect(MailboxAddress.parse(imap.url), imap.password)
        with pytest.raises(MailboxError, match="INBOX"):
            for item in fetch_new(client, "INBOX", None, batch=2):
                if isinstance(item, Fetched):
                    stored.append(read_mail(item.raw).message_id)
                else:
                    marks["INBOX"] = item
                    if len(stored) == 4:
                        client.shutdown()  # the network drops after the second batch
        assert marks["INBOX"].last_uid == 4
        _run(imap, marks, stored, batch=2)
        assert sorted(stored) == sorted(f"m{n}@tekhnovektor12.ru" for n in range(10, 16))
        assert len(stored) == len(set(stored))


def test_a_wrong_password_or_address_is_one_line_naming_the_mailbox(imap: ImapServer) -> None:
    with pytest.raises(MailboxError, match=rf"sales@127.0.0.1:{imap.port}"):
        connect(MailboxAddress.parse(imap.url), "wrong")
    with pytest.raises(ValueError, match="imaps://user@host"):
        MailboxAddress.parse("pop3://sales@mail.ru")


def test_a_server_that_is_not_there_is_said_in_the_interfaces_language() -> None:
    """The reviewer read «ящик sales: …: [Errno 111] Connection refused» in a Russian run."""
    import socket

    from crm_tui import i18n

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    i18n.set_locale("ru")
    try:
        with pytest.raises(MailboxError) as refused:
            connect(MailboxAddress.parse(f"imap://sales@127.0.0.1:{port}"), "x", timeout=5)
        said = str(refused.value)
    finally:
        i18n.set_locale("en")
    assert f"sales@127.0.0.1:{port}: сервер не принимает соединение" in said and "Errno" not in said
