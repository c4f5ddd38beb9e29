"""UIS (uiscom) call notifications: the "HTTP request" notification the admin sets up in UIS
for the event "end of call", with the body as a JSON template of UIS's own placeholders.

The README gives the template; the fields are UIS's names: ``call_session_id``, ``direction``
(``in``/``out``), ``contact_phone_number``, ``virtual_phone_number`` (our line),
``employee_phone_number`` or ``employee_ext`` (the manager's extension), ``start_time``
(``2026-12-04 10:15:03``, the account's time zone), ``talk_time_duration`` (seconds),
``is_lost`` (``true`` when nobody answered) and ``file_link`` (the recording). UIS does not sign
notifications: the token in the address is the check. A body published by an integration (its
"call finished" template, kept as a fixture) has no ``start_time``, ``is_lost`` nor ``file_link``
and a numeric ``call_session_id``: the start is then the notification's time less the call's
total time, and a call with no talk time is a missed one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from crm_tui.domain.interactions.call_events import CallEvent, CallResult, our_line, party
from crm_tui.i18n import N_
from crm_tui.importers.channels.refusals import Malformed
from crm_tui.storage.models import Direction


def _fields(body: bytes) -> Mapping[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Malformed("uis.encoding", N_("uis: the body is not UTF-8")) from None
    except json.JSONDecodeError as exc:  # Python's words are English and our parser's: where it breaks
        raise Malformed(
            "uis.json", N_("uis: the body is not JSON (it breaks at character {pos})"), pos=exc.pos + 1
        ) from None
    if not isinstance(value, Mapping):
        raise Malformed("uis.object", N_("uis: the body is not a JSON object"))
    return value


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return "" if value is None else str(value).strip()


def _started(fields: Mapping[str, Any], zone: tzinfo) -> datetime:
    """``start_time``; a template without it (as integrations' own often are) gives the
    notification's time (``2019-12-16 14:40:47.234``) less ``total_time_duration``."""
    name = "start_time" if _text(fields, "start_time") else "notification_time"
    text = _text(fields, name)
    try:
        moment = datetime.strptime(text.partition(".")[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
    except ValueError:
        raise Malformed(
            "uis.start_time", N_("uis: start_time {text!r} is not a time (2026-12-04 10:15:03)"), text=text
        ) from None
    total = _text(fields, "total_time_duration")
    if name == "notification_time" and total.isdigit():
        moment -= timedelta(seconds=int(total))
    return moment.astimezone(UTC)


def read(body: bytes, zone: tzinfo) -> CallEvent:
    fields = _fields(body)
    call_id = _text(fields, "call_session_id")
    if not call_id:
        raise Malformed("uis.call_session_id", N_("uis: call_session_id is missing"))
    direction_text = _text(fields, "direction").lower()
    if direction_text not in ("in", "out"):
        raise Malformed(
            "uis.direction", N_("uis: direction {value!r} is not in or out"), value=fields.get("direction")
        )
    talk = _text(fields, "talk_time_duration") or "0"
    if not talk.isdigit():
        raise Malformed(
            "uis.talk", N_("uis: talk_time_duration {text!r} is not a number of seconds"), text=talk
        )
    started = _started(fields, zone)
    # Without is_lost (a template that leaves it out), a call nobody talked on is a missed one.
    lost_text = _text(fields, "is_lost").lower()
    lost = lost_text in ("true", "1", "yes") if lost_text else talk == "0"
    return CallEvent(
        source="uis",
        call_id=call_id[:200],
        direction=Direction.INBOUND if direction_text == "in" else Direction.OUTBOUND,
        started_at=started,
        other=party(_text(fields, "contact_phone_number")),
        line=our_line(_text(fields, "virtual_phone_number")),
        extension=(_text(fields, "employee_ext") or _text(fields, "employee_phone_number")) or None,
        talk_s=0 if lost else int(talk),
        result=CallResult.MISSED if lost else CallResult.ANSWERED,
        recording=_text(fields, "file_link")[:1000] or None,
    )
