"""One mail as the CRM keeps it: who, to whom, when, the subject, what was written (without the
quoted history and the signature), the attachments' names and sizes, and whether a robot sent it.

Russian mail arrives in every encoding of the last thirty years: UTF-8, KOI8-R, cp1251, in
encoded words and in parts; Python's ``email`` package with the default policy decodes the
headers, each part is decoded by its own charset, and a part whose charset lies falls back to
cp1251 before anything is lost. The Message-ID is the mail's identity (a mail in the inbox and in
"Sent", or fetched twice after a dropped connection, is one mail); a mail without one gets a
digest of its sender, date, subject and text instead.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from crm_tui.domain.interactions.mail_events import Attachment, InboundMail
from crm_tui.domain.values.cells import storable_text
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.text import inert

TEXT_CAP = 20_000
"""What of a body is kept: a letter is read by a person, the rest stays in the mailbox."""
SUBJECT_CAP = 500
ATTACHMENTS_CAP = 50

_QUOTE_HEADS = re.compile(
    r"^(?:-{2,}\s*(?:Original Message|Исходное сообщение|Пересылаемое сообщение|Forwarded message)\s*-{2,}"
    r"|(?:On|В|Вт|Пн|Ср|Чт|Пт|Сб|Вс)\b.{0,200}(?:wrote|писал|написал\(а\)|написала|пишет):\s*$"
    r"|(?:From|От|Отправлено|Sent):\s.+)",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:-- ?|__+|Отправлено с (?:iPhone|мобильного|Android).*|Sent from my .*)$", re.IGNORECASE
)
_ROBOT_SENDERS = ("mailer-daemon@", "postmaster@", "no-reply@", "noreply@", "do-not-reply@")
__all__ = ["Attachment", "InboundMail", "read_mail", "robot_reason", "what_was_written"]


def _address(value: str) -> str | None:
    found = normalise_emails(value).value
    return found[0].value if found else None


def _text_of(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("cp1251", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _html_text(html: str) -> str:
    without = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    without = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>", "\n", without)
    without = re.sub(r"<[^>]+>", " ", without)
    for entity, char in (("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&")):
        without = without.replace(entity, char)
    return without


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _text_of(part)
    return _html_text(text) if part.get_content_subtype() == "html" else text


def what_was_written(text: str) -> str:
    """The new text of a letter: up to the quoted history or the signature, whichever is first."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">") or _QUOTE_HEADS.match(stripped) or _SIGNATURE.match(line.rstrip()):
            break
        kept.append(line.rstrip())
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept).strip()


def robot_reason(message: EmailMessage, sender: str | None) -> str | None:
    """Auto-replies (RFC 3834 ``Auto-Submitted``, the common X- headers), bounces (a delivery
    report, the mailer daemon) and bulk mail (``Precedence``, a list's headers) are not requests."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return f"auto-submitted: {auto}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")):
        return "auto-reply"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"precedence: {precedence}"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing list"
    if sender is not None and sender.startswith(_ROBOT_SENDERS):
        return "robot sender"
    return None


def _attachments(message: EmailMessage) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        name = inert(part.get_filename() or "") or "attachment"
        found.append(
            Attachment(storable_text(name).value[:255], len(payload) if isinstance(payload, bytes) else 0)
        )
        if len(found) >= ATTACHMENTS_CAP:
            break
    return tuple(found)


def _sent_at(message: EmailMessage) -> datetime | None:
    try:
        moment = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_mail(raw: bytes) -> InboundMail:
    """``raw`` (RFC 5322 bytes, as IMAP's ``BODY[]`` gives them) as the CRM keeps a mail."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    [(sender_name, sender_text)] = getaddresses([str(message.get("From", ""))]) or [("", "")]
    sender = _address(sender_text)
    recipients = tuple(
        address
        for _, text in getaddresses([str(v) for v in message.get_all("To", []) + message.get_all("Cc", [])])
        if (address := _address(text)) is not None
    )
    subject = storable_text(inert(str(message.get("Subject", "")))).value[:SUBJECT_CAP]
    text = storable_text(inert(what_was_written(_body(message)), multiline=True)).value[:TEXT_CAP]
    sent_at = _sent_at(message)
    message_id = str(message.get("Message-ID", "")).strip().strip("<>").strip()
    if not message_id:
        digest = hashlib.sha256(f"{sender}|{sent_at}|{subject}|{text}".encode()).hexdigest()[:32]
        message_id = f"sha256-{digest}@crm_tui"
    reply_to = str(message.get("In-Reply-To", "")).strip().strip("<>") or None
    return InboundMail(
        message_id=storable_text(message_id).value[:500],
        sender=sender,
        sender_name=storable_text(inert(sender_name)).value[:200],
        recipients=recipients,
        subject=subject,
        sent_at=sent_at,
        text=text,
        attachments=_attachments(message),
        robot=robot_reason(message, sender),
        in_reply_to=reply_to,
    )
