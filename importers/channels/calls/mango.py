"""Mango Office's events (the virtual PBX's API, "events" sent to our address).

Every event is a form of three fields: ``vpbx_api_key`` (ours: the PBX's key), ``sign`` (the hex
SHA-256 of the key, the ``json`` field's text and the API salt, joined) and ``json``. The call's
summary (``/events/summary``) closes it: ``entry_id``, ``call_direction`` (1 inbound, 2 outbound,
0 internal), ``from``/``to`` with ``number`` and ``extension``, ``line_number``, and Unix times
``create_time``, ``talk_time`` (0 when nobody answered), ``end_time``; ``entry_result`` 1 when
the call was answered. Other events (``/events/call``, ``/events/recording``) are acknowledged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from crm_tui.domain.interactions.call_events import CallEvent, CallResult, our_line, party
from crm_tui.i18n import N_
from crm_tui.importers.channels.refusals import Malformed, Unsigned
from crm_tui.storage.models import Direction

_DIRECTIONS = {1: Direction.INBOUND, 2: Direction.OUTBOUND, 0: Direction.INTERNAL}


def sign(api_key: str, payload: str, salt: str) -> str:
    return hashlib.sha256(f"{api_key}{payload}{salt}".encode()).hexdigest()


def verify(fields: Mapping[str, str], api_key: str, salt: str) -> None:
    """Raise ``Unsigned`` unless the form carries our key and Mango's signature of its json."""
    given_key, given_sign, payload = (
        fields.get("vpbx_api_key", ""),
        fields.get("sign", ""),
        fields.get("json"),
    )
    if payload is None:
        raise Malformed("mango.json_missing", N_("mango: the json field is missing"))
    if not hmac.compare_digest(given_key, api_key) or not hmac.compare_digest(
        given_sign.lower(), sign(api_key, payload, salt)
    ):
        raise Unsigned("mango.signature", N_("mango: vpbx_api_key or sign does not match"))


def _number(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise Malformed(
            "mango.number", N_("mango: {name} {value!r} is not a whole number"), name=name, value=value
        )
    return int(value)


def _side(body: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    side = body.get(name) or {}
    if not isinstance(side, Mapping):
        raise Malformed("mango.object", N_("mango: {name} is not an object"), name=name)
    return side


def read_summary(fields: Mapping[str, str]) -> CallEvent:
    """The call a summary event closes (``verify`` first)."""
    try:
        body = json.loads(fields.get("json", ""))
    except json.JSONDecodeError as exc:  # Python's words are English and our parser's: where it breaks
        raise Malformed(
            "mango.json", N_("mango: the json field is not JSON (it breaks at character {pos})"),
            pos=exc.pos + 1,
        ) from None  # fmt: skip
    if not isinstance(body, Mapping):
        raise Malformed("mango.object", N_("mango: {name} is not an object"), name="json")
    entry = str(body.get("entry_id", "")).strip()
    if not entry:
        raise Malformed("mango.entry_id", N_("mango: entry_id is missing"))
    direction = _DIRECTIONS.get(_number(body.get("call_direction"), "call_direction"))
    if direction is None:
        raise Malformed(
            "mango.direction",
            N_("mango: call_direction {value!r} is not 0, 1 or 2"),
            value=body.get("call_direction"),
        )
    created = _number(body.get("create_time"), "create_time")
    talk_from = _number(body.get("talk_time", 0), "talk_time")
    ended = _number(body.get("end_time", created), "end_time")
    answered = str(body.get("entry_result", "0")) == "1"
    caller, callee = _side(body, "from"), _side(body, "to")
    ours, theirs = (caller, callee) if direction is Direction.OUTBOUND else (callee, caller)
    return CallEvent(
        source="mango",
        call_id=entry[:200],
        direction=direction,
        started_at=datetime.fromtimestamp(created, UTC),
        other=party(str(theirs.get("number") or theirs.get("extension") or "")),
        line=our_line(str(body.get("line_number") or "")),
        extension=str(ours.get("extension") or "") or None,
        talk_s=max(0, ended - talk_from) if answered and talk_from else 0,
        result=CallResult.ANSWERED if answered else CallResult.MISSED,
    )
