"""One call as every telephony source reports it: an Asterisk CDR line, a cloud PBX's webhook.

Each source has its own words and fields (Zadarma's ``NOTIFY_END``, Mango's ``entry_result``,
Asterisk's ``disposition``); the readers in ``importers/channels/calls`` turn them into this one
event, so that attributing a call to a manager and a client, logging it once and setting a
callback task is written once. ``identity`` is what "once" means: the source's own call id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.i18n import N_
from crm_tui.storage.models import Direction

LONGEST_CALL = timedelta(hours=24)
"""No call lasts longer: a longer talk time is a source's broken field (99999999999 seconds)."""
AHEAD = timedelta(days=1)
"""A start further ahead of now than this is a wrong clock or a wrong field, not a call."""


class ImplausibleCall(InvalidInput, ValueError):
    """A call whose talk time or start cannot be: a webhook answers it 400 with this line (a
    domain error), a file's reader rejects the row with it (a ``ValueError``, as its bad rows)."""

    default_code = "call.implausible"


RECORDING_SCHEMES = frozenset({"http", "https"})
"""What a recording's link may be: a page or a file to fetch. A ``javascript:``, ``file:`` or
``data:`` link from a PBX or a file would run, read a manager's disk or carry a page when opened."""
_REFERENCE = re.compile(r"[\w.-]+")
"""The id in a source's own reference to a recording (``zadarma:1733296503.4521``)."""

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
    """A link to the recording (http or https), or the source's reference to fetch it by
    (``zadarma:<id>``): ``check_recording``."""
    final: bool = True
    """False for a source's "call started" event: logged by the one that ends the call."""

    def __post_init__(self) -> None:
        """Every source's reader makes its calls here, so this is where a call that cannot be is
        refused: before it is summed into talk-time reports. A start ahead of now needs the
        app's clock, which a reader has not: ``check_start``, by whoever reads the event in."""
        if not 0 <= self.talk_s <= LONGEST_CALL.total_seconds():
            raise ImplausibleCall(
                "call.talk_time",
                N_("talk time {value}: not a call's (longer than 24 hours)"),
                value=_hours(self.talk_s),
                field="talk_s",
            )
        if self.recording is not None:
            check_recording(self.recording, self.source)

    @property
    def identity(self) -> str:
        return f"{self.source}:{self.call_id}"


def check_start(event: CallEvent, now: datetime) -> CallEvent:
    """``event`` unless it starts more than a day after ``now``: a wrong clock or a wrong field,
    not a call, which would set a callback for 2030. ``now`` is the app's clock (the
    workspace's, which tests freeze), as all the inbound code's, never the machine's: the same
    record is a call or not by the one clock. Raises ``ImplausibleCall`` naming the field."""
    if event.started_at - now > AHEAD:
        raise ImplausibleCall(
            "call.start_ahead",
            N_("start {value}: more than a day from now"),
            value=f"{event.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
            field="started_at",
        )
    return event


def check_recording(link: str, source: str) -> None:
    """Refuse a recording that is neither an http(s) link with a host nor ``source``'s own
    reference (``zadarma:<id>``, made by its reader): like a call's other fields, a bad one is
    a 400 of the webhook or the rejected row of a file, naming the field. Whatever passes is
    shown as the text it is (``crm_tui.domain.values.text.literal``), never as a live link."""
    prefix, _sep, rest = link.partition(":")
    if prefix == source and _REFERENCE.fullmatch(rest):
        return
    try:
        parts = urlsplit(link)
        scheme, host = parts.scheme.lower(), parts.hostname
    except ValueError:  # "http://[::1": an address no browser opens
        scheme, host = "", None
    plain = link.isprintable() and not any(ch.isspace() for ch in link)
    if not (plain and scheme in RECORDING_SCHEMES and host):
        raise ImplausibleCall(
            "call.recording",
            N_("recording {value!r}: not an http or https link"),
            value=link[:200],
            field="recording",
        )


def _hours(seconds: int) -> str:
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


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
