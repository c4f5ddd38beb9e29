"""The mailboxes the CRM reads: a shared one (sales@) and managers' own.

A mailbox is its address (``imaps://user@host[:port]``), where its password is read from at
each run (a file or an environment variable: the password itself is never in the base, never
printed) and whose mailbox it is (the owner its sent mail is logged for). Each folder keeps its
place: its UIDVALIDITY and the last UID read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from sqlalchemy import delete, insert, select, update

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.errors import DomainError, InvalidInput, NotFound
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.tables.inbound import mailbox_folders, mailboxes
from crm_tui.storage.tables.team import users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

_NAME = re.compile(r"^[\w.@+-]{1,64}$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,199}$")


class PasswordMissing(DomainError):
    default_code = "mailbox.password"


@dataclass(frozen=True, slots=True)
class Mailbox:
    id: int
    name: str
    url: str
    password_file: str | None
    password_env: str | None
    owner_id: int | None
    enabled: bool = True

    @property
    def address(self) -> str:
        """The mailbox's own address: its login when that is an address (``sales@firm.ru``),
        else the login at the host."""
        parts = urlsplit(self.url)
        user = unquote(parts.username or "")
        return user if "@" in user else f"{user}@{parts.hostname}"

    def password(self) -> str:
        """Read now, from where the mailbox says; never kept."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if not value:
                raise PasswordMissing(
                    "mailbox.password_env",
                    N_("mailbox {name}: the environment variable {env} is not set"),
                    name=self.name,
                    env=self.password_env,
                )
            return value
        try:
            return Path(self.password_file or "").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise PasswordMissing(
                "mailbox.password_file",
                N_("mailbox {name}: the password file cannot be read ({reason})"),
                name=self.name,
                reason=file_reason(exc) if isinstance(exc, OSError) else type(exc).__name__,
            ) from None


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username or port == -1:
        raise InvalidInput(
            "mailbox.url", N_("--url: {url!r} is not imaps://user@host[:port]"), url=url, field="url"
        )
    if parts.password:
        raise InvalidInput(
            "mailbox.url_password",
            N_("--url: no password in the address (--password-file or --password-env)"),
            field="url",
        )


def add_mailbox(
    ws: Workspace,
    name: str,
    url: str,
    *,
    password_file: str | None = None,
    password_env: str | None = None,
    owner: str | None = None,
) -> Mailbox:
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    if not _NAME.match(name):
        raise InvalidInput(
            "mailbox.name", N_("mailbox name {name!r}: letters, digits, . @ + - _"), name=name, field="name"
        )
    _check_url(url)
    if (password_file is None) == (password_env is None):
        raise InvalidInput(
            "mailbox.password_source",
            N_("give one of --password-file and --password-env"),
            field="password",
        )
    if password_env is not None and not _ENV.match(password_env):
        raise InvalidInput(
            "mailbox.env_name",
            N_("--password-env: {env!r} is not an environment variable's name"),
            env=password_env,
            field="password",
        )
    if password_file is not None:
        path = Path(password_file).expanduser().resolve()
        if not path.is_file():
            raise InvalidInput(
                "mailbox.password_file_missing",
                N_("--password-file: {file} is not a file"),
                file=str(path),
                field="password",
            )
        password_file = str(path)
    now = ws.now()
    with ws.write() as session:
        owner_id = None
        if owner is not None:
            found = session.scalar(select(users.c.id).where(users.c.login == owner))
            if found is None:
                raise InvalidInput(
                    "mailbox.owner", N_("--owner: no user {login!r}"), login=owner, field="owner"
                )
            owner_id = int(found)
        if session.scalar(select(mailboxes.c.id).where(mailboxes.c.name == name)) is not None:
            raise InvalidInput(
                "mailbox.exists", N_("a mailbox {name!r} is already there"), name=name, field="name"
            )
        new_id = int(
            session.execute(
                insert(mailboxes)
                .values(
                    name=name, url=url, password_file=password_file, password_env=password_env,
                    owner_id=owner_id, created_at=now, user_id=ws.viewer.user_id,
                )
                .returning(mailboxes.c.id)
            ).scalar_one()
        )  # fmt: skip
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="mailbox", entity_id=new_id, action="create",
            changes={"name": name, "url": url, "owner_id": owner_id},
        )  # fmt: skip
    return Mailbox(new_id, name, url, password_file, password_env, owner_id)


def all_mailboxes(session: Unit, *, enabled_only: bool = False) -> list[Mailbox]:
    query = select(mailboxes).order_by(mailboxes.c.name)
    if enabled_only:
        query = query.where(mailboxes.c.enabled.is_(True))
    return [
        Mailbox(r.id, r.name, r.url, r.password_file, r.password_env, r.owner_id, bool(r.enabled))
        for r in session.execute(query)
    ]


def mailbox_named(session: Unit, name: str) -> Mailbox:
    found = [b for b in all_mailboxes(session) if b.name == name]
    if not found:
        raise NotFound("mailbox.none", N_("no mailbox {name!r} (crm mailbox list)"), name=name)
    return found[0]


@dataclass(frozen=True, slots=True)
class MailboxLine:
    name: str
    url: str
    password_from: str
    """``file`` or ``env:NAME``: where, never what."""
    owner: str | None
    folders: dict[str, int]
    """Each folder read and the last UID read in it."""
    enabled: bool = True
    read_at: datetime | None = None
    """When it was last read (``None``: never)."""
    read_count: int | None = None
    """How many mails that reading read."""
    read_error: str | None = None
    """Why that reading failed, in one line (``None``: it did not)."""
    mails: int = 0
    """Mails read from it in all."""


def list_mailboxes(ws: Workspace) -> list[MailboxLine]:
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    with ws.read() as session:
        logins = dict(session.execute(select(users.c.id, users.c.login)).all())
        marks: dict[int, dict[str, int]] = {}
        for row in session.execute(select(mailbox_folders)):
            marks.setdefault(row.mailbox_id, {})[row.folder] = int(row.last_uid)
        m = mailboxes.c
        boxes = session.execute(
            select(
                m.id, m.name, m.url, m.password_file, m.password_env, m.owner_id, m.enabled, m.read_at,
                m.read_count, m.read_error, m.mails,
            ).order_by(m.name)
        ).all()  # fmt: skip
    return [
        MailboxLine(
            b.name,
            b.url,
            f"env:{b.password_env}" if b.password_env else f"file:{b.password_file}",
            logins.get(b.owner_id) if b.owner_id else None,
            marks.get(b.id, {}),
            bool(b.enabled),
            b.read_at,
            b.read_count,
            b.read_error,
            int(b.mails or 0),
        )
        for b in boxes
    ]


def set_enabled(ws: Workspace, name: str, enabled: bool) -> None:
    """A mailbox off is kept with its bookmarks and not read (a password changed, a box being
    moved); on again, it goes on from where it was."""
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    now = ws.now()
    with ws.write() as session:
        found = mailbox_named(session, name)
        session.execute(update(mailboxes).where(mailboxes.c.id == found.id).values(enabled=enabled))
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="mailbox", entity_id=found.id,
            action="update", changes={"enabled": enabled},
        )  # fmt: skip


def note_reading(ws: Workspace, mailbox: Mailbox, read: int, error: str | None) -> None:
    """How a reading went, for the inbound screen and `crm mailbox list`: when, how many mails,
    and its one-line error (the reader's words, never a password)."""
    now = ws.now()
    with ws.write() as session:
        session.execute(
            update(mailboxes)
            .where(mailboxes.c.id == mailbox.id)
            .values(
                read_at=now, read_count=read, read_error=error[:500] if error else None,
                mails=mailboxes.c.mails + read,
            )
        )  # fmt: skip


def remove_mailbox(ws: Workspace, name: str) -> None:
    """The mailbox is no longer read; the mail it logged stays on the timelines."""
    require(ws.viewer, Capability.CONFIGURE_INBOUND)
    now = ws.now()
    with ws.write() as session:
        found = mailbox_named(session, name).id
        session.execute(delete(mailbox_folders).where(mailbox_folders.c.mailbox_id == found))
        session.execute(delete(mailboxes).where(mailboxes.c.id == found))
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="mailbox", entity_id=int(found),
            action="delete", changes={"name": name},
        )  # fmt: skip


def bookmarks(session: Unit, mailbox: Mailbox) -> dict[str, tuple[int, int]]:
    """Each folder's UIDVALIDITY and last UID read."""
    rows = session.execute(
        select(mailbox_folders.c.folder, mailbox_folders.c.uidvalidity, mailbox_folders.c.last_uid).where(
            mailbox_folders.c.mailbox_id == mailbox.id
        )
    ).all()
    return {r.folder: (int(r.uidvalidity), int(r.last_uid)) for r in rows}


def keep_bookmark(ws: Workspace, mailbox: Mailbox, folder: str, uidvalidity: int, last_uid: int) -> None:
    now = ws.now()
    with ws.write() as session:
        done = session.execute(
            update(mailbox_folders)
            .where(mailbox_folders.c.mailbox_id == mailbox.id, mailbox_folders.c.folder == folder)
            .values(uidvalidity=uidvalidity, last_uid=last_uid, read_at=now)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            session.execute(
                insert(mailbox_folders).values(
                    mailbox_id=mailbox.id,
                    folder=folder,
                    uidvalidity=uidvalidity,
                    last_uid=last_uid,
                    read_at=now,
                )
            )


def has_mailboxes(session: Unit) -> bool:
    """Whether a mailbox is there to read (one switched off is not)."""
    return session.scalar(select(mailboxes.c.id).where(mailboxes.c.enabled.is_(True)).limit(1)) is not None
