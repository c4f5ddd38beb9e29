"""One mail as the CRM keeps it, whichever mailbox it was read from (``importers/channels/mail``
reads it): who, to whom, when, the subject, what was written, the attachments, a robot's or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class InboundMail:
    message_id: str
    sender: str | None
    """The From address, lower-cased; ``None`` when it has none that reads as an address."""
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    sent_at: datetime | None
    text: str
    attachments: tuple[Attachment, ...]
    robot: str | None
    """Why a robot sent it (an auto-reply, a bounce, a mailing), or ``None`` for a person."""
    in_reply_to: str | None
