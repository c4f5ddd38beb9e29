"""`crm outbox send`: the outbox worker. Leases a batch of due letters, then for each records
"sending", hands it to SMTP, records what SMTP said; a crash leaves at most one letter uncertain.

SMTP is the standard library's ``smtplib``: STARTTLS, TLS or plain (a relay on loopback), the
login's password read from a file or an environment variable named in the sender, never from
the base. One connection per sender, kept for the run and
probed (NOOP) only after it rested.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.campaigns.batch import BATCH, lease, mark_sending, release, settle_sent
from crm_tui.domain.campaigns.claims import Claimed, Outcome, Result, recover, settle
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.domain.values.network import network_reason
from crm_tui.domain.workspace import Workspace

if TYPE_CHECKING:
    from crm_tui.domain.campaigns.letters import Letter

SMTP_TIMEOUT = 30
SPAM_CODES = (554,)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead(claimed_by: str) -> bool:
    """Whether the worker named ``claimed_by`` ran on this host and is gone."""
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class NotReached(Exception):
    """The server could not be reached or the login was refused: nothing was sent. Its text
    goes to the outbox row's ``last_error`` as the server's words, for an admin."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}: {reason}")


def _password(sender: dict[str, Any]) -> str | None:
    if sender.get("password_env"):
        value = os.environ.get(str(sender["password_env"]))
        if value is None:
            raise NotReached("password_env", f"the environment variable {sender['password_env']} is not set")
        return value
    if sender.get("password_file"):
        try:
            return Path(str(sender["password_file"])).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise NotReached("password_file", f"{sender['password_file']}: {file_reason(exc)}") from None
    return None


def connect(sender: dict[str, Any]) -> smtplib.SMTP:
    host = str(sender.get("smtp_host") or "localhost")
    security = str(sender.get("smtp_security") or "starttls")
    port = int(
        sender.get("smtp_port") or (465 if security == "tls" else 587 if security == "starttls" else 25)
    )
    try:
        link: smtplib.SMTP
        if security == "tls":
            link = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
        else:
            link = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
            if security == "starttls":
                link.starttls(context=ssl.create_default_context())
        if sender.get("smtp_login"):
            password = _password(sender)
            link.login(str(sender["smtp_login"]), password or "")
    except (OSError, smtplib.SMTPException) as exc:
        raise NotReached("smtp", f"{host}:{port}: {network_reason(exc)}") from None
    return link


def deliver(link: smtplib.SMTP, letter: Claimed) -> Outcome:
    """Hand one letter to SMTP and say what came of it."""
    try:
        refused = link.sendmail(letter.mail_from, [letter.to], letter.data)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (550, b""))
        return _coded(letter, int(code), text)
    except smtplib.SMTPSenderRefused as exc:
        return Outcome(letter.outbox_id, Result.TEMPORARY, _said(exc.smtp_code, exc.smtp_error))
    except smtplib.SMTPDataError as exc:
        return _coded(letter, int(exc.smtp_code), exc.smtp_error)
    except (smtplib.SMTPServerDisconnected, OSError, smtplib.SMTPException) as exc:
        return Outcome(letter.outbox_id, Result.UNCERTAIN, f"connection lost while sending: {exc}")
    if refused:
        code, text = next(iter(refused.values()))
        return _coded(letter, int(code), text)
    return Outcome(letter.outbox_id, Result.SENT)


def _said(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {words}".strip()


def _coded(letter: Claimed, code: int, text: bytes | str) -> Outcome:
    said = _said(code, text)
    if code in SPAM_CODES:
        return Outcome(letter.outbox_id, Result.SPAM, said)
    if 400 <= code < 500:
        return Outcome(letter.outbox_id, Result.TEMPORARY, said)
    return Outcome(letter.outbox_id, Result.PERMANENT, said)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retry: int = 0
    uncertain: int = 0
    recovered: int = 0
    paused: int = 0
    unreachable: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def send_outbox(ws: Workspace, *, limit: int | None = None, check: bool = True) -> SendReport:
    """Send what is due, up to ``limit`` letters; returns what came of it.

    Letters are leased a batch at a time and made at once (``batch.lease``); each is then marked
    "sending" in a transaction that also records what SMTP said of the one before, so a crash
    leaves at most one letter uncertain and the rest of the batch pending for the next worker."""
    if check:
        require(ws.viewer, Capability.SEND_MAIL)
    report = SendReport()
    worker = worker_name()
    with ws.write() as session:
        report.recovered = recover(session, ws.now(), _dead)
    links: dict[int, _Link] = {}
    skip: set[int] = set()
    done = 0
    answered: tuple[Claimed, Outcome] | None = None
    queue: deque[tuple[Claimed, datetime | None]] = deque()
    unsent: list[tuple[Claimed, datetime | None]] = []
    try:
        while limit is None or done < limit:
            if not queue:
                with ws.write() as session:
                    _record(session, answered, ws.now())
                    answered = None
                    size = BATCH if limit is None else min(BATCH, limit - done)
                    batch = lease(session, ws.now(), worker, size, frozenset(skip))
                queue.extend((letter, batch.at) for letter in batch.letters)
                if not queue:
                    if batch.dropped:
                        continue  # the candidates were suppressed: look further
                    break
            letter, counted_at = queue.popleft()
            if letter.sender_id in skip:
                unsent.append((letter, counted_at))
                continue
            # what SMTP said of the last letter and the mark of the next: one transaction
            with ws.write() as session:
                _record(session, answered, ws.now())
                answered = None
                going = mark_sending(session, letter, worker, ws.now())
            if not going:
                unsent.append((letter, counted_at))
                continue
            done += 1
            outcome = _send(links, letter.sender, letter)
            answered = (letter, outcome)
            if outcome.result == Result.NOT_TRIED:
                skip.add(letter.sender_id)
                report.unreachable.append(outcome.error or "")
            _count(report, outcome)
    finally:
        unsent += list(queue)
        with ws.write() as session:
            _record(session, answered, ws.now())
            for counted_at in {at for _, at in unsent}:
                release(session, [letter for letter, at in unsent if at == counted_at], worker, counted_at)
        for link in links.values():
            link.close()
    return report


def _record(session: Session, answered: tuple[Claimed, Outcome] | None, now: datetime) -> None:
    """Record what SMTP said of a letter (the common case in one statement)."""
    if answered is not None:
        letter, outcome = answered
        if outcome.result == Result.SENT and letter.campaign_id is not None:
            settle_sent(session, letter.outbox_id, now)
        else:
            settle(session, outcome, now)


IDLE = 10.0
"""Seconds a connection may rest before it is probed (NOOP) rather than trusted."""


@dataclass
class _Link:
    smtp: smtplib.SMTP
    used: float

    def close(self) -> None:
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()


def _send(links: dict[int, _Link], sender: dict[str, Any], letter: Claimed) -> Outcome:
    link = links.get(letter.sender_id)
    if link is not None and time.monotonic() - link.used > IDLE:
        try:  # a connection the server closed while idle is reopened, not taken for a lost letter
            link.smtp.noop()
        except (OSError, smtplib.SMTPException):
            link.smtp.close()
            link = links.pop(letter.sender_id, None) and None
    if link is None:
        try:
            link = links[letter.sender_id] = _Link(connect(sender), time.monotonic())
        except NotReached as exc:
            return Outcome(letter.outbox_id, Result.NOT_TRIED, str(exc))
    outcome = deliver(link.smtp, letter)
    link.used = time.monotonic()
    if outcome.result in (Result.UNCERTAIN,):
        links.pop(letter.sender_id, None)
        link.smtp.close()
    return outcome


def _count(report: SendReport, outcome: Outcome) -> None:
    if outcome.result == Result.SENT:
        report.sent += 1
    elif outcome.result == Result.PERMANENT:
        report.failed += 1
    elif outcome.result == Result.UNCERTAIN:
        report.uncertain += 1
    elif outcome.result == Result.SPAM:
        report.paused += 1
    else:
        report.retry += 1


def send_test(ws: Workspace, ref: str, position: int, client: int | str, to: str | None = None) -> str:
    """Step ``position`` as ``client`` (an id, a name, INN or phone) would get it, sent now to
    ``to`` (by default the viewer's own sending address) and not through the outbox: a test, not a
    letter."""
    from crm_tui.domain.campaigns.rows import preview

    return send_test_letter(ws, preview(ws, ref, position, client), to)


def send_test_letter(ws: Workspace, letter: Letter, to: str | None = None) -> str:
    """A previewed letter (a saved step's or the editor's draft) sent now to ``to`` (by default
    the viewer's own sending address), from the sender it names: a test, not a letter."""
    from dataclasses import replace

    from sqlalchemy import select

    from crm_tui.domain.campaigns.enrol import message_id
    from crm_tui.domain.campaigns.letters import to_message
    from crm_tui.domain.campaigns.senders import read_address
    from crm_tui.domain.errors import InvalidInput
    from crm_tui.i18n import N_
    from crm_tui.storage.models import mail_senders

    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        sender = (
            session.execute(select(mail_senders).where(mail_senders.c.address == letter.sender))
            .mappings()
            .first()
        )
        own = session.scalar(
            select(mail_senders.c.address).where(mail_senders.c.user_id == ws.viewer.user_id)
        )
    if sender is None:
        raise InvalidInput(
            "campaign.no_sender", N_("the client's owner has no sending address (crm outbox sender)")
        )
    target = read_address(to, "to") if to else own
    if target is None:
        raise InvalidInput(
            "campaign.test_to",
            N_(
                "to: you have no sending address of your own to send the test to (an admin gives you one: "
                "crm outbox sender ADDRESS --user LOGIN)"
            ),
        )
    message = to_message(replace(letter, to=target, message_id=message_id(letter.sender)), ws.now())
    try:
        link = connect(dict(sender))
    except NotReached as exc:
        raise InvalidInput("campaign.smtp_unreachable", N_("SMTP: {reason}"), reason=str(exc)) from None
    try:
        link.sendmail(letter.sender, [target], message.as_bytes())
    except (OSError, smtplib.SMTPException) as exc:
        raise InvalidInput("campaign.test_refused", N_("SMTP: {reason}"), reason=str(exc)) from None
    finally:
        link.close()
    return target
