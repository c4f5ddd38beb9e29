"""Asterisk's call detail records: ``Master.csv`` as ``cdr_csv`` writes it.

No header; every field quoted; the columns are accountcode, src, dst, dcontext, clid, channel,
dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, and
(with ``loguniqueid``/``loguserfield``) uniqueid and userfield. Times are the server's local
time unless ``usegmtime`` is set: the caller says which zone. A call that rang a group writes one
line per leg; the answered leg, or else the last, is the call. The call's identity is its
uniqueid, or its start, caller and callee where the server does not log one, so re-reading the
same file or an overlapping one logs nothing twice.

A line that cannot be read is rejected with its number and why; the rest of the file is read.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from crm_tui.domain.interactions.call_events import (
    CallEvent,
    CallResult,
    Party,
    check_start,
    is_extension,
    party,
)
from crm_tui.domain.values.cells import storable_text
from crm_tui.i18n import N_, Message
from crm_tui.storage.models import Direction

MIN_COLUMNS = 16
_STAMP_LENGTH = len("2026-12-04 10:15:03")
_DISPOSITIONS = {
    "ANSWERED": CallResult.ANSWERED,
    "NO ANSWER": CallResult.MISSED,
    "BUSY": CallResult.BUSY,
    "FAILED": CallResult.FAILED,
    "CONGESTION": CallResult.FAILED,
}


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str
    text: str


@dataclass
class AsteriskRead:
    calls: list[CallEvent]
    rejected: list[Rejected]
    legs: int
    """Lines read as calls' legs (a ring group's several lines make one call)."""


def _lines(data: bytes) -> Iterator[str]:
    """Lines as text: UTF-8, or cp1251 for the line a Windows softphone's caller name broke."""
    for raw in data.splitlines():
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("cp1251", errors="replace")


def _channel_extension(channel: str) -> str | None:
    """``SIP/101-00000a1b``, ``PJSIP/101-0000002c``, ``Local/101@from-internal-...``: 101."""
    if "/" not in channel:
        return None
    name = channel.split("/", 1)[1]
    for stop in ("-", "@", ";"):
        name = name.split(stop, 1)[0]
    return name if is_extension(name) else None


def _moment(text: str, zone: tzinfo) -> datetime:
    text = text.strip()
    if len(text) == _STAMP_LENGTH and text[4] + text[7] + text[10] + text[13] + text[16] == "-- ::":
        # the shape cdr_csv writes, read by the C parser: strptime was a fifth of a file's reading
        local = datetime.fromisoformat(text)
    else:
        local = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return local.replace(tzinfo=zone).astimezone(UTC)


def _leg(
    fields: list[str], zone: tzinfo, source: str, read: Callable[[str], Party] = party
) -> tuple[str, CallEvent]:
    """One line: the call it belongs to (its uniqueid, or its start and caller) and the leg;
    ``read`` reads a number (a file's reader remembers the ones it read: a PBX's day is the
    same few thousand numbers)."""
    src, dst, channel, dstchannel = fields[1].strip(), fields[2].strip(), fields[5], fields[6]
    start, billsec, disposition = fields[9].strip(), fields[13].strip(), fields[14].strip().upper()
    uniqueid = fields[16].strip() if len(fields) > MIN_COLUMNS else ""
    result = _DISPOSITIONS.get(disposition)
    if result is None:
        raise ValueError(Message("call.disposition", N_("unknown disposition {value!r}"), value=disposition))
    if not billsec.isdigit():
        raise ValueError(
            Message("call.billsec", N_("billsec {value!r} is not a number of seconds"), value=billsec)
        )
    try:
        started = _moment(start, zone)
    except ValueError:
        raise ValueError(
            Message(
                "call.start",
                N_("start {value!r} is not a time as cdr_csv writes it (2026-12-04 10:15:03)"),
                value=start,
            )
        ) from None
    caller_inside = is_extension(src) or (_channel_extension(channel) is not None and read(src).e164 is None)
    if caller_inside and is_extension(dst):
        direction, other, extension, line = Direction.INTERNAL, read(dst), src or None, None
    elif caller_inside:
        direction, other = Direction.OUTBOUND, read(dst)
        extension, line = (src if is_extension(src) else _channel_extension(channel)), None
    else:
        direction, other = Direction.INBOUND, read(src)
        extension = dst if is_extension(dst) else _channel_extension(dstchannel)
        line = None if is_extension(dst) else read(dst).e164
    key = storable_text(uniqueid or f"{start}|{src}").value[:200]
    event = CallEvent(
        source=source,
        call_id=key,
        direction=direction,
        started_at=started,
        other=other,
        line=line,
        extension=extension,
        talk_s=int(billsec) if result is CallResult.ANSWERED else 0,
        result=result,
    )
    return key, event


def read_master_csv(data: bytes, zone: tzinfo, *, now: datetime, source: str = "asterisk") -> AsteriskRead:
    """Every call in ``data`` (a ``Master.csv``), its legs joined, and the lines rejected (one
    starting more than a day after ``now``, the app's clock, among them: ``check_start``)."""
    calls: dict[str, CallEvent] = {}
    rejected: list[Rejected] = []
    legs = 0
    parties: dict[str, Party] = {}

    def known_party(text: str) -> Party:
        found = parties.get(text)
        if found is None:
            found = parties[text] = party(text)
        return found

    for number, fields in _rows(_lines(data)):
        if len(fields) < MIN_COLUMNS:
            text = _shown(fields)
            rejected.append(
                Rejected(
                    number,
                    str(
                        Message(
                            "call.columns",
                            N_("{count} columns, cdr_csv writes {least} or more"),
                            count=len(fields),
                            least=MIN_COLUMNS,
                        )
                    ),
                    text,
                )
            )
            continue
        try:
            key, leg = _leg(fields, zone, source, known_party)
            check_start(leg, now)
        except ValueError as exc:
            rejected.append(Rejected(number, str(exc), _shown(fields)))
            continue
        legs += 1
        known = calls.get(key)
        # The answered leg is the call; among unanswered ones, the last written.
        if known is None or known.result is not CallResult.ANSWERED:
            calls[key] = leg
    return AsteriskRead(list(calls.values()), rejected, legs)


def _shown(fields: list[str]) -> str:
    """A rejected line as the report shows it."""
    return storable_text(",".join(fields)).value[:200]


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, next(csv.reader([line]))
