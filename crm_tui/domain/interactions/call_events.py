"""One call as every telephony source reports it: an Asterisk CDR line, a cloud PBX's webhook.

Each source has its own words and fields (Zadarma's ``NOTIFY_END``, Mango's ``entry_result``,
Asterisk's ``disposition``); the readers in ``importers/channels/calls`` turn them into this one
event, so that attributing a call to a manager and a client, logging it once and setting a
callback task is written once. ``identity`` is what "once" means: the source's own call id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from crm_tui.domain.values.phones import normalise_phones
from crm_tui.storage.models import Direction

EXTENSION_MAX_DIGITS = 5
"""A number this short is an internal extension ("101"), not a phone."""


class CallResult(StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    BUSY = "busy"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Party:
    """The other side of a call: ``e164`` when the number reads as a phone, the text as it came."""

    raw: str
    e164: str | None

    @property
    def flagged(self) -> bool:
        """A number we could not read: kept raw, shown so, matched to nobody."""
        return bool(self.raw) and self.e164 is None and not is_extension(self.raw)


@dataclass(frozen=True, slots=True)
class CallEvent:
    source: str
    """``asterisk``, ``zadarma``, ``mango``, ``sipuni``, ``uis``, ``csv``."""
    call_id: str
    direction: Direction
    started_at: datetime
    """UTC."""
    other: Party
    """The client's side (the caller of an inbound call, the callee of an outbound one)."""
    line: str | None
    """Our number the call came in on or went out from (E.164), when the source says."""
    extension: str | None
    """The manager's extension, when the source says."""
    talk_s: int
    result: CallResult
    recording: str | None = None
    """A link to the recording, or the source's reference to fetch it by."""
    final: bool = True
    """False for a source's "call started" event: logged by the one that ends the call."""

    @property
    def identity(self) -> str:
        return f"{self.source}:{self.call_id}"


def is_extension(text: str) -> bool:
    digits = text.strip()
    return digits.isdigit() and len(digits) <= EXTENSION_MAX_DIGITS


def party(text: str | None) -> Party:
    """The other side's number read by the one phone parser; an unreadable one is kept raw."""
    raw = (text or "").strip()
    if not raw or is_extension(raw):
        return Party(raw, None)
    phones = normalise_phones(raw).value
    return Party(raw, phones[0].e164 if phones else None)


def our_line(text: str | None) -> str | None:
    return party(text).e164
