"""A complaint: a person pressed "this is spam" on our letter and their mail service told us.

Mail.ru, Yandex and most big services send such feedback through a feedback loop as an Abuse
Reporting Format report (RFC 5965): ``multipart/report; report-type=feedback-report`` with a
human part, a ``message/feedback-report`` part (``Feedback-Type: abuse``, ``User-Agent``,
``Original-Rcpt-To`` or ``Removal-Recipient`` when the service tells whom) and the letter
complained about, whole (``message/rfc822``) or its headers (``text/rfc822-headers``). Services
often redact the recipient, so the letter is found by what we put in it: its Message-ID, else
the unsubscribe link's token in its ``List-Unsubscribe``: the two things only our letter holds.
A report that names a recipient and carries neither stops nobody, nor does one without a
``Feedback-Type``: anyone may mail the mailbox such a report, and it would silence any client
of ours. The address goes on the suppression list for
"complaint" and every campaign stops writing to it. A ``not-spam`` report (a person taking the
complaint back) and a ``virus`` one stop nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.campaigns.letters import UNSUBSCRIBE_PATH
from crm_tui.domain.campaigns.stops import stop_address, suppress
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.storage.models import campaign_recipients, outbox

REPORT_TYPE = "feedback-report"
STOPPING = ("abuse", "fraud", "other")
"""Feedback types that mean "do not write to me"; ``not-spam`` and ``virus`` do not."""
_TOKEN = re.compile(re.escape(UNSUBSCRIBE_PATH) + r"([A-Za-z0-9_\-]{8,64})")


@dataclass
class Complained:
    feedback_type: str
    reporter: str
    """The report's ``User-Agent`` (e.g. "Mail.Ru FBL"), as the service wrote it."""
    addresses: list[str] = field(default_factory=list)
    stopped: int = 0
    found_by: str | None = None
    """How the letter was found: "message-id", "unsubscribe-token" or "recipient"."""

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def is_feedback_report(raw: bytes) -> bool:
    head = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    return (
        head.get_content_type() == "multipart/report"
        and str(head.get_param("report-type", "") or "").lower() == REPORT_TYPE
    )


@dataclass(frozen=True)
class Report:
    feedback_type: str
    reporter: str
    named: list[str]
    """Recipients the report itself names (``Original-Rcpt-To``, ``Removal-Recipient``)."""
    message_ids: list[str]
    tokens: list[str]
    to: list[str]
    """The original letter's ``To``, when the service left it."""


def read_report(raw: bytes) -> Report:
    """What a feedback report says, tolerant of the services' variations (a missing part, the
    original's headers as text, header names in any case)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    fields: dict[str, list[str]] = {}
    original: Message | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/feedback-report":
            fields = _report_fields(part)
        elif kind in ("message/rfc822", "text/rfc822-headers") and original is None:
            original = _original(part)
    headers = original if original is not None else Message()
    return Report(
        feedback_type=(fields.get("feedback-type") or [""])[0].strip().lower(),
        reporter=(fields.get("user-agent") or [""])[0].strip()[:200],
        named=_addresses(fields.get("original-rcpt-to", []) + fields.get("removal-recipient", [])),
        message_ids=[i.strip("<>") for v in headers.get_all("Message-ID", []) for i in str(v).split() if i],
        tokens=[t for v in headers.get_all("List-Unsubscribe", []) for t in _TOKEN.findall(str(v))],
        to=_addresses([str(v) for v in headers.get_all("To", [])]),
    )


def _report_fields(part: Message) -> dict[str, list[str]]:
    """The ``name: value`` fields of the machine-readable part (the email package parses it as
    a message of headers, or leaves it as text)."""
    payload = part.get_payload()
    text = ""
    if isinstance(payload, list):
        for block in payload:
            if isinstance(block, Message):
                text += "".join(f"{k}: {v}\n" for k, v in block.items())
    elif isinstance(payload, str):
        text = payload
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip() and not name.startswith((" ", "\t")):
            fields.setdefault(name.strip().lower(), []).append(value.strip())
    return fields


def _original(part: Message) -> Message | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    if isinstance(payload, str):
        text = part.get_payload(decode=True)
        data = text if isinstance(text, bytes) else payload.encode("utf-8", "replace")
        return BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
    return None


def _addresses(values: list[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        text = value.split(";", 1)[-1] if value.lower().startswith("rfc822;") else value
        found += [e.value for e in normalise_emails(text).value if e.value not in found]
    return found


def note_complaint(session: Session, raw: bytes, now: datetime) -> Complained:
    """A feedback report: the complained-about letter's address suppressed ("complaint") and
    every campaign's remaining letters to it stopped."""
    report = read_report(raw)
    result = Complained(report.feedback_type, report.reporter)
    if report.feedback_type not in STOPPING:
        return result
    addresses, result.found_by = _complained(session, report)
    for address in addresses:
        suppress(session, address, "complaint", now)
        result.stopped += stop_address(session, address, "complaint", now)
    result.addresses = addresses
    return result


def _complained(session: Session, report: Report) -> tuple[list[str], str | None]:
    if report.message_ids:
        found = session.scalars(
            select(outbox.c.address).where(outbox.c.message_id.in_(report.message_ids)).distinct()
        ).all()
        if found:
            return sorted(str(a) for a in found), "message-id"
    if report.tokens:
        found = session.scalars(
            select(campaign_recipients.c.address)
            .where(campaign_recipients.c.token.in_(report.tokens))
            .distinct()
        ).all()
        if found:
            return sorted(str(a) for a in found), "unsubscribe-token"
    return [], None
