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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def read(fields: Mapping[str, str]) -> CallEvent | None:
    """The call a hangup tells of; ``None`` for the other events."""
    event = (fields.get("event") or "").strip()
    if event not in ("1", "2", "3", "4"):
        raise Malformed("sipuni.event", N_("sipuni: event {event!r} is not 1, 2, 3 or 4"), event=event)
    call_id = (fields.get("call_id") or "").strip()
    if not call_id:
        raise Malformed("sipuni.call_id", N_("sipuni: call_id is missing"))
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
    outgoing = fields.get("src_type") == INSIDE and fields.get("dst_type") != INSIDE
    internal = fields.get("src_type") == INSIDE and fields.get("dst_type") == INSIDE
    src, dst = _number(fields.get("src_num")), _number(fields.get("dst_num"))
    taken_by = _number(fields.get("last_called"))
    return CallEvent(
        source="sipuni",
        call_id=call_id[:200],
        direction=Direction.INTERNAL if internal else Direction.OUTBOUND if outgoing else Direction.INBOUND,
        started_at=datetime.fromtimestamp(started, UTC),
        other=party(dst if outgoing else src),
        line=None if outgoing else our_line(fields.get("pbxdstnum") or fields.get("treeNumber") or ""),
        extension=(src if outgoing else dst if fields.get("dst_type") == INSIDE else taken_by) or None,
        talk_s=max(0, ended - answered) if result is CallResult.ANSWERED and answered else 0,
        result=result,
        recording=(fields.get("call_record_link") or "").strip()[:1000] or None,
    )
