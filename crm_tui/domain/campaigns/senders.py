"""The addresses letters go out from: a manager's own or a shared one, with its SMTP server and
limits. The password is never stored: a file path or an environment variable's name is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import mail_senders, users

SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SenderDraft:
    """A sender's settings; a field left None keeps what the sender has (a new one: empty, and
    STARTTLS), so changing its port leaves its manager, signature and limits as they were."""

    address: str
    display_name: str | None = None
    login: str | None = None
    """The manager whose own address it is (``None``: a shared address)."""
    phone: str | None = None
    signature: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str | None = None
    smtp_login: str | None = None
    password_file: str | None = None
    password_env: str | None = None
    per_minute: int | None = None
    per_day: int | None = None


def read_address(text: str, field: str = "address") -> str:
    """One e-mail address, normalised, or a one-line refusal naming ``field``."""
    found = normalise_emails(text).value
    if len(found) != 1:
        raise InvalidInput(
            "mail.bad_address", N_("{field}: {value!r} is not one e-mail address"), field=field, value=text
        )
    return found[0].value


def set_sender(ws: Workspace, draft: SenderDraft) -> int:
    """Add or change the sender of ``draft.address``; returns its id."""
    require(ws.viewer, Capability.SEND_MAIL)
    address = read_address(draft.address)
    if draft.smtp_security is not None and draft.smtp_security not in SECURITY:
        raise InvalidInput(
            "mail.bad_security",
            N_("security: {value!r} is not one of {allowed}"),
            value=draft.smtp_security,
            allowed=", ".join(SECURITY),
        )
    for name, limit in (("per-minute", draft.per_minute), ("per-day", draft.per_day)):
        if limit is not None and limit < 1:
            raise InvalidInput("mail.bad_limit", N_("{field}: a limit is 1 or more"), field=name)
    with ws.write() as session:
        user_id = None
        if draft.login is not None:
            user_id = session.scalar(select(users.c.id).where(users.c.login == draft.login))
            if user_id is None:
                raise InvalidInput("mail.unknown_user", N_("user: no user {login!r}"), login=draft.login)
        given: dict[str, Any] = {
            "display_name": draft.display_name,
            "user_id": user_id,
            "phone": draft.phone,
            "signature": draft.signature,
            "smtp_host": draft.smtp_host,
            "smtp_port": draft.smtp_port,
            "smtp_security": draft.smtp_security,
            "smtp_login": draft.smtp_login,
            "password_file": draft.password_file,
            "password_env": draft.password_env,
            "per_minute": draft.per_minute,
            "per_day": draft.per_day,
        }
        values = {name: value for name, value in given.items() if value is not None}
        found = session.scalar(select(mail_senders.c.id).where(mail_senders.c.address == address))
        if found is not None:
            if values:
                session.execute(update(mail_senders).where(mail_senders.c.id == found).values(**values))
            return int(found)
        values = {"display_name": "", "smtp_security": "starttls"} | values
        return int(
            session.execute(
                insert(mail_senders)
                .values(address=address, created_at=ws.now(), **values)
                .returning(mail_senders.c.id)
            ).scalar_one()
        )


def sender_of(session: Session, sender_id: int) -> dict[str, Any]:
    row = session.execute(select(mail_senders).where(mail_senders.c.id == sender_id)).mappings().one()
    return dict(row)


def list_senders(ws: Workspace) -> list[dict[str, Any]]:
    require(ws.viewer, Capability.SEND_MAIL)
    with ws.read() as session:
        rows = session.execute(select(mail_senders).order_by(mail_senders.c.address)).mappings()
        return [{k: v for k, v in dict(row).items() if k not in ("created_at",)} for row in rows]


def set_public_url(ws: Workspace, url: str) -> str:
    """Where the inbound receiver is reached from outside: the base of every unsubscribe link."""
    from crm_tui.domain.campaigns.letters import PUBLIC_URL_KEY
    from crm_tui.domain.settings import put_setting

    require(ws.viewer, Capability.SEND_MAIL)
    value = url.strip().rstrip("/")
    if not value.startswith(("https://", "http://")) or " " in value:
        raise InvalidInput("mail.bad_public_url", N_("url: {value!r} is not an http(s) address"), value=url)
    with ws.write() as session:
        put_setting(session, PUBLIC_URL_KEY, value, at=ws.now(), user_id=ws.viewer.user_id)
    return value
