"""Zadarma's call notifications (the PBX's "notifications of calls" webhooks).

Zadarma posts form fields; with an API key set it signs them in the ``Signature`` header: the
base64 of the hex HMAC-SHA1, keyed by the API secret, of fields that depend on the event
(``caller_id`` + ``called_did`` + ``call_start`` for an inbound call, ``internal`` +
``destination`` + ``call_start`` for an outgoing one, ``pbx_call_id`` + ``call_id_with_rec`` for a
recording). ``call_start`` is the PBX's local time. NOTIFY_END and NOTIFY_OUT_END close a call;
the start events are acknowledged, not logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo

from crm_tui.domain.interactions.call_events import CallEvent, CallResult, our_line, party
from crm_tui.i18n import N_
from crm_tui.importers.channels.refusals import Malformed, Unsigned
from crm_tui.storage.models import Direction

SIGNED_FIELDS = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}
_RESULTS = {
    "answered": CallResult.ANSWERED,
    "busy": CallResult.BUSY,
    "cancel": CallResult.MISSED,
    "no answer": CallResult.MISSED,
}


def signature(fields: Mapping[str, str], secret: str) -> str:
    event = fields.get("event", "")
    names = SIGNED_FIELDS.get(event)
    if names is None:
        raise Malformed("zadarma.event", N_("zadarma: unknown event {event!r}"), event=event)
    text = "".join(fields.get(name, "") for name in names)
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def verify(fields: Mapping[str, str], header: str | None, secret: str) -> None:
    """Raise ``Unsigned`` unless ``header`` is the signature Zadarma makes of ``fields``."""
    if not header or not hmac.compare_digest(header.strip(), signature(fields, secret)):
        raise Unsigned("zadarma.signature", N_("zadarma: the Signature header does not match the fields"))


def _start(fields: Mapping[str, str], zone: tzinfo) -> datetime:
    text = fields.get("call_start", "")
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(UTC)
    except ValueError:
        raise Malformed(
            "zadarma.call_start",
            N_("zadarma: call_start {text!r} is not a time (2026-12-04 10:15:03)"),
            text=text,
        ) from None


def _seconds(fields: Mapping[str, str]) -> int:
    text = fields.get("duration", "0") or "0"
    if not text.isdigit():
        raise Malformed(
            "zadarma.duration", N_("zadarma: duration {text!r} is not a number of seconds"), text=text
        )
    return int(text)


def read(fields: Mapping[str, str], zone: tzinfo) -> CallEvent | None:
    """The call a notification tells of; ``None`` for one that tells nothing to log (an IVR
    step, a recording without its call)."""
    event = fields.get("event", "")
    call_id = fields.get("pbx_call_id", "").strip()
    if event not in SIGNED_FIELDS:
        raise Malformed("zadarma.event", N_("zadarma: unknown event {event!r}"), event=event)
    if event in ("NOTIFY_RECORD", "NOTIFY_ANSWER", "NOTIFY_INTERNAL"):
        return None
    if not call_id:
        raise Malformed("zadarma.call_id", N_("zadarma: pbx_call_id is missing"))
    started = _start(fields, zone)
    outgoing = event.startswith("NOTIFY_OUT")
    final = event.endswith("_END")
    disposition = fields.get("disposition", "").strip().lower()
    result = _RESULTS.get(disposition, CallResult.FAILED) if final else CallResult.MISSED
    talk = _seconds(fields) if final and result is CallResult.ANSWERED else 0
    recorded = fields.get("is_recorded") == "1" and fields.get("call_id_with_rec")
    return CallEvent(
        source="zadarma",
        call_id=call_id[:200],
        direction=Direction.OUTBOUND if outgoing else Direction.INBOUND,
        started_at=started,
        other=party(fields.get("destination") if outgoing else fields.get("caller_id")),
        line=our_line(fields.get("caller_id") if outgoing else fields.get("called_did")),
        extension=(fields.get("internal") or None),
        talk_s=talk,
        result=result,
        recording=f"zadarma:{fields['call_id_with_rec']}" if recorded else None,
        final=final,
    )
