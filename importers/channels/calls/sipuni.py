"""Sipuni's call events (its "CRM integration" webhook: a GET or POST of form fields per event).

``event`` is 1 when a call starts ringing, 2 when it is hung up, 3 when it is answered, 4 when a
transferred leg hangs up; ``call_id`` names the call; ``src_num``/``dst_num`` with
``src_type``/``dst_type`` (1 an outside number, 2 an extension) say who called whom;
``timestamp`` is the event's Unix time, ``call_start_timestamp`` and ``call_answer_timestamp``
the call's; ``status`` (ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL),
``last_called`` (the extension that took it) and ``call_record_link`` come with the hangup. Sipuni
wants ``{"success": true}`` in the answer (its HTTP API page: without a correct answer it may stop
sending); the receiver's answers carry it. Sipuni does not sign its events: the token in the
address the admin gives it is the check (the receiver's). The hangup (2) is the call; the other
events are acknowledged, not logged.

An outgoing call's hangup names no number at all in captured events (no ``src_num``,
``dst_num`` nor their types: only ``last_called`` and the times); its start (1) carries them. So
the receiver keeps a start's direction, numbers and extension (``start_detail``) with the start
event, and gives them to the hangup of the same ``call_id`` that lacks them (``with_start``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from crm_tui.domain.interactions.call_events import CallEvent, CallResult, our_line, party
from crm_tui.i18n import N_
from crm_tui.importers.channels.refusals import Malformed
from crm_tui.storage.models import Direction

_RESULTS = {
    "ANSWER": CallResult.ANSWERED,
    "BUSY": CallResult.BUSY,
    "NOANSWER": CallResult.MISSED,
    "CANCEL": CallResult.MISSED,
    "CONGESTION": CallResult.FAILED,
    "CHANUNAVAIL": CallResult.FAILED,
}
OUTSIDE, INSIDE = "1", "2"
_ROUTE_ID = re.compile(r"_id\d+$")


def _time(fields: Mapping[str, str], name: str, default: int | None = None) -> int:
    text = (fields.get(name) or "").strip()
    if not text and default is not None:
        return default
    if not text.isdigit():
        raise Malformed("sipuni.time", N_("sipuni: {name} {text!r} is not a Unix time"), name=name, text=text)
    return int(text)


def _number(text: str | None) -> str:
    """A number as Sipuni sends it: an inbound call's ``dst_num`` carries the route's id after
    it (``998783337125_id265648`` in captured events), which is no part of the number."""
    return _ROUTE_ID.sub("", (text or "").strip())


def _event(fields: Mapping[str, str]) -> tuple[str, str]:
    event = (fields.get("event") or "").strip()
    if event not in ("1", "2", "3", "4"):
        raise Malformed("sipuni.event", N_("sipuni: event {event!r} is not 1, 2, 3 or 4"), event=event)
    call_id = (fields.get("call_id") or "").strip()
    if not call_id:
        raise Malformed("sipuni.call_id", N_("sipuni: call_id is missing"))
    return event, call_id[:200]


def _side(fields: Mapping[str, str], side: str) -> str:
    """A party's number; for our side (type 2) the short one when given (``short_src_num``: the
    extension as the cabinet shows it, where ``src_num`` may carry the account's prefix)."""
    short = _number(fields.get(f"short_{side}_num")) if fields.get(f"{side}_type") == INSIDE else ""
    return short or _number(fields.get(f"{side}_num"))


def _sides(fields: Mapping[str, str]) -> tuple[Direction, str, str]:
    """The call's direction, the other party's number and the manager's extension, as the
    event's ``src``/``dst`` numbers and types say."""
    outgoing = fields.get("src_type") == INSIDE and fields.get("dst_type") != INSIDE
    internal = fields.get("src_type") == INSIDE and fields.get("dst_type") == INSIDE
    src, dst = _side(fields, "src"), _side(fields, "dst")
    taken_by = _number(fields.get("last_called"))
    direction = Direction.INTERNAL if internal else Direction.OUTBOUND if outgoing else Direction.INBOUND
    extension = src if outgoing else dst if fields.get("dst_type") == INSIDE else taken_by
    return direction, dst if outgoing else src, extension


def start_detail(fields: Mapping[str, str]) -> tuple[str, str] | None:
    """A start (event 1) that names the other party: the event id to keep it under and what to
    keep (``outbound 79161230087 201``); ``None`` for any other event or a start with no number."""
    event, call_id = _event(fields)
    if event != "1":
        return None
    direction, other, extension = _sides(fields)
    if not other or " " in other or " " in extension:
        return None
    return start_id(call_id), f"{direction.value} {other} {extension}".strip()


def start_id(call_id: str) -> str:
    """The receiver's id of a call's start event, where its hangup looks for its numbers."""
    return f"1:{call_id}"


def with_start(event: CallEvent, detail: str | None) -> CallEvent:
    """A hangup that names no number, completed by what its start said (``start_detail``)."""
    if event.other.raw or not detail:
        return event
    direction, other, *extension = detail.split(" ")
    if direction not in {d.value for d in Direction}:
        return event
    return replace(
        event,
        direction=Direction(direction),
        other=party(other),
        extension=(extension[0] if extension else "") or event.extension,
    )


def read(fields: Mapping[str, str]) -> CallEvent | None:
    """The call a hangup tells of; ``None`` for the other events."""
    event, call_id = _event(fields)
    if event != "2":
        return None
    status = (fields.get("status") or "").strip().upper()
    result = _RESULTS.get(status)
    if result is None:
        raise Malformed(
            "sipuni.status", N_("sipuni: status {status!r} is not a call's result"), status=status
        )
    ended = _time(fields, "timestamp")
    started = _time(fields, "call_start_timestamp", ended)
    answered = _time(fields, "call_answer_timestamp", 0)
    direction, other, extension = _sides(fields)
    outgoing = direction is Direction.OUTBOUND
    return CallEvent(
        source="sipuni",
        call_id=call_id,
        direction=direction,
        started_at=datetime.fromtimestamp(started, UTC),
        other=party(other),
        line=None if outgoing else our_line(fields.get("pbxdstnum") or fields.get("treeNumber") or ""),
        extension=extension or None,
        talk_s=max(0, ended - answered) if result is CallResult.ANSWERED and answered else 0,
        result=result,
        recording=(fields.get("call_record_link") or "").strip()[:1000] or None,
    )
