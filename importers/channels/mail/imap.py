"""Reading a mailbox over IMAP: what is new in each folder since the last run, never twice.

A folder's place is its UIDVALIDITY and the last UID read (``Bookmark``): the next run asks for
UIDs above it, so a run that dies mid-fetch starts again where the last stored mail was, and a
mail fetched twice anyway (a folder renumbered by the server, a mail in the inbox and in
"Sent") is still one mail by its Message-ID. The password comes from the caller, never from the
base. Python's own ``imaplib`` speaks the protocol; mails larger than the cap are read by their
headers and the start of their text.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from crm_tui.domain.errors import DomainError
from crm_tui.domain.values.network import network_reason
from crm_tui.i18n import N_

DEFAULT_BATCH = 100
SIZE_CAP = 5_000_000
"""A mail bigger than this (an archive of drawings) is read by its headers and first 64 KB."""
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True, slots=True)
class MailboxAddress:
    """``imaps://user@host[:port]`` (or ``imap://`` on a trusted loopback)."""

    host: str
    port: int
    user: str
    tls: bool

    @classmethod
    def parse(cls, url: str) -> MailboxAddress:
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
            raise ValueError(f"{url!r} is not imaps://user@host[:port] (or imap:// on loopback)")
        tls = parts.scheme == "imaps"
        return cls(parts.hostname, parts.port or (993 if tls else 143), unquote(parts.username), tls)


@dataclass(frozen=True, slots=True)
class Bookmark:
    folder: str
    uidvalidity: int
    last_uid: int


@dataclass(frozen=True, slots=True)
class Fetched:
    folder: str
    uid: int
    raw: bytes
    truncated: bool


class MailboxError(DomainError):
    """The server refused or the connection broke: one line, naming the mailbox."""

    default_code = "mailbox.error"


def connect(address: MailboxAddress, password: str, *, timeout: float = 30) -> imaplib.IMAP4:
    try:
        if address.tls:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                address.host, address.port, ssl_context=ssl.create_default_context(), timeout=timeout
            )
        else:
            client = imaplib.IMAP4(address.host, address.port, timeout=timeout)
        client.login(address.user, password)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(
            "mailbox.connect",
            N_("{mailbox}: {reason}"),
            mailbox=f"{address.user}@{address.host}:{address.port}",
            reason=network_reason(exc),
        ) from None
    return client


def folders(client: imaplib.IMAP4) -> list[str]:
    """The inbox and the folder the server marks as Sent (RFC 6154), if any."""
    found = ["INBOX"]
    status, listing = client.list()
    for line in listing if status == "OK" else []:
        if isinstance(line, bytes) and b"\\Sent" in line:
            name = line.rsplit(b" ", 1)[-1].strip(b'"').decode("utf-7", errors="replace")
            found.append(name)
    return found


def _uidvalidity(client: imaplib.IMAP4, folder: str) -> int:
    status, _ = client.select(_quoted(folder), readonly=True)
    if status != "OK":
        raise MailboxError("mailbox.folder", N_("folder {folder!r} cannot be opened"), folder=folder)
    _, values = client.response("UIDVALIDITY")
    value = values[0] if values else None
    text = value.decode("ascii", errors="replace") if isinstance(value, bytes) else str(value or "")
    if not text.isdigit():
        raise MailboxError(
            "mailbox.uidvalidity", N_("folder {folder!r}: the server gave no UIDVALIDITY"), folder=folder
        )
    return int(text)


def _quoted(folder: str) -> str:
    return f'"{folder}"' if " " in folder else folder


def fetch_new(
    client: imaplib.IMAP4, folder: str, bookmark: Bookmark | None, *, batch: int = DEFAULT_BATCH
) -> Iterator[Fetched | Bookmark]:
    """The mails of ``folder`` after ``bookmark``, in UID order; after each batch, the bookmark
    to store (the caller stores the mails first, then the bookmark). A changed UIDVALIDITY
    starts the folder again from the beginning."""
    try:
        validity = _uidvalidity(client, folder)
        after = bookmark.last_uid if bookmark is not None and bookmark.uidvalidity == validity else 0
        status, data = client.uid("SEARCH", f"UID {after + 1}:*")
        if status != "OK":
            raise MailboxError(
                "mailbox.search", N_("folder {folder!r}: the server refused the search"), folder=folder
            )
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > after)
        for start in range(0, len(uids), batch):
            chunk = uids[start : start + batch]
            yield from _fetch(client, folder, chunk)
            yield Bookmark(folder, validity, chunk[-1])
    except (OSError, imaplib.IMAP4.error) as exc:  # the connection dropped, the server hung up
        raise MailboxError(
            "mailbox.broken", N_("folder {folder!r}: {reason}"), folder=folder, reason=network_reason(exc)
        ) from None


def _fetch(client: imaplib.IMAP4, folder: str, uids: list[int]) -> Iterator[Fetched]:
    status, sizes = client.uid("FETCH", ",".join(map(str, uids)), "(UID RFC822.SIZE)")
    if status != "OK":
        raise MailboxError(
            "mailbox.fetch", N_("folder {folder!r}: the server refused to send the mail"), folder=folder
        )
    size_of: dict[int, int] = {}
    for item in sizes:
        line = item if isinstance(item, bytes) else item[0] if isinstance(item, tuple) else b""
        found_uid, found_size = _UID.search(line), _SIZE.search(line)
        if found_uid and found_size:
            size_of[int(found_uid.group(1))] = int(found_size.group(1))
    for uid in uids:
        big = size_of.get(uid, 0) > SIZE_CAP
        parts = "(BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.65536>)" if big else "(BODY.PEEK[])"
        status, data = client.uid("FETCH", str(uid), parts)
        if status != "OK":
            raise MailboxError(
                "mailbox.mail", N_("folder {folder!r}: mail {uid} cannot be fetched"), folder=folder, uid=uid
            )
        raw = b"".join(item[1] for item in data if isinstance(item, tuple))
        if raw:
            yield Fetched(folder, uid, raw, big)
