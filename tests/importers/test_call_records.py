"""Calls as telephony reports them, read into one event: Asterisk's Master.csv, Zadarma's and
Mango Office's webhooks with their signatures (issue 23, the readers; attribution and logging
build on them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crm_tui.domain.interactions.call_events import CallResult, ImplausibleCall
from crm_tui.importers.channels.calls import mango, zadarma
from crm_tui.importers.channels.calls.asterisk import read_master_csv
from crm_tui.importers.channels.refusals import Malformed, Unsigned
from crm_tui.storage.models import Direction

MOSCOW = ZoneInfo("Europe/Moscow")
MASTER = (Path(__file__).parent / "call_fixtures" / "Master.csv").read_bytes()
READ_AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
"""When the records are read: the day after the calls."""


def test_master_csv_reads_every_call_once_with_its_direction_manager_and_result() -> None:
    read = read_master_csv(MASTER, MOSCOW, now=READ_AT)
    calls = {c.call_id: c for c in read.calls}
    answered = calls["1733296503.1"]
    assert answered.direction is Direction.INBOUND and answered.result is CallResult.ANSWERED
    assert answered.other.e164 == "+79161234567" and answered.extension == "101" and answered.talk_s == 242
    assert answered.line == "+74951112233"
    assert answered.started_at == datetime(2026, 12, 4, 7, 15, 3, tzinfo=UTC)  # 10:15 in Moscow
    group = calls["1733300400.3"]  # a ring group: two legs, 102 answered
    assert group.result is CallResult.ANSWERED and group.extension == "102" and group.talk_s == 180
    busy = calls["1733304600.6"]
    assert busy.direction is Direction.OUTBOUND and busy.result is CallResult.BUSY and busy.extension == "101"
    assert busy.other.e164 == "+79031234567" and busy.talk_s == 0
    assert calls["1733306400.8"].direction is Direction.INTERNAL
    hidden = calls["1733310000.10"]
    assert hidden.result is CallResult.MISSED and hidden.other.raw == "anonymous" and hidden.other.flagged
    assert calls["1733317200.14"].other.e164 == "+79161234567"  # a cp1251 caller name does not stop it
    assert read.legs == 7 and len(read.calls) == 6  # nine lines, two rejected, two legs one call


def test_master_csv_lines_it_cannot_read_are_rejected_with_their_number_and_reason() -> None:
    rejected = {r.line: r.reason for r in read_master_csv(MASTER, MOSCOW, now=READ_AT).rejected}
    assert set(rejected) == {7, 8}
    assert "'04.12.2026 15:00' is not a time" in rejected[7]
    assert rejected[8] == "5 columns, cdr_csv writes 16 or more"


def test_rejected_lines_are_told_in_the_interfaces_language() -> None:
    """A Russian team reads why a line was left out in Russian (the reasons were English f-strings)."""
    from crm_tui import i18n

    i18n.set_locale("ru")
    try:
        rejected = {r.line: r.reason for r in read_master_csv(MASTER, MOSCOW, now=READ_AT).rejected}
    finally:
        i18n.set_locale("en")
    assert rejected[8] == "столбцов: 5, а cdr_csv пишет 16 и больше"
    assert rejected[7].startswith("начало «04.12.2026 15:00» — не время")


def test_a_line_more_than_a_day_after_the_clock_given_is_rejected() -> None:
    """Ahead of the app's clock (the one a command or a test has), not of the machine's."""
    early = {
        r.line: r.reason
        for r in read_master_csv(MASTER, MOSCOW, now=datetime(2026, 12, 3, tzinfo=UTC)).rejected
    }
    assert early[1] == "start 2026-12-04 07:15:03 UTC: more than a day from now"
    late = read_master_csv(MASTER, MOSCOW, now=datetime(2099, 1, 1, tzinfo=UTC))
    assert len(late.calls) == 6


def test_reading_the_same_file_twice_gives_the_same_identities() -> None:
    once = {c.identity for c in read_master_csv(MASTER, MOSCOW, now=READ_AT).calls}
    doubled = {c.identity for c in read_master_csv(MASTER + MASTER, MOSCOW, now=READ_AT).calls}
    assert once == doubled and "asterisk:1733296503.1" in once


SECRET = "zd-secret"


def _zadarma_signed(fields: dict[str, str]) -> str:
    names = zadarma.SIGNED_FIELDS[fields["event"]]
    text = "".join(fields.get(n, "") for n in names)
    return base64.b64encode(
        hmac.new(SECRET.encode(), text.encode(), hashlib.sha1).hexdigest().encode()
    ).decode()


NOTIFY_END = {
    "event": "NOTIFY_END", "call_start": "2026-12-04 10:15:03", "pbx_call_id": "in_7d1b36e2a9",
    "caller_id": "79161234567", "called_did": "74951112233", "internal": "101", "duration": "242",
    "disposition": "answered", "status_code": "16", "is_recorded": "1", "call_id_with_rec": "1733296503.4242",
}  # fmt: skip
NOTIFY_OUT_END = {
    "event": "NOTIFY_OUT_END", "call_start": "2026-12-04 12:30:00", "pbx_call_id": "out_5c9e",
    "caller_id": "74951112233", "destination": "89031234567", "internal": "101", "duration": "0",
    "disposition": "no answer", "status_code": "19", "is_recorded": "0",
}  # fmt: skip


def test_a_zadarma_end_of_call_is_checked_by_its_signature_and_read() -> None:
    zadarma.verify(NOTIFY_END, _zadarma_signed(NOTIFY_END), SECRET)
    call = zadarma.read(NOTIFY_END, MOSCOW)
    assert call is not None and call.final and call.identity == "zadarma:in_7d1b36e2a9"
    assert (call.direction, call.result, call.talk_s, call.extension) == (
        Direction.INBOUND, CallResult.ANSWERED, 242, "101"
    )  # fmt: skip
    assert call.other.e164 == "+79161234567" and call.line == "+74951112233"
    assert call.recording == "zadarma:1733296503.4242"
    zadarma.verify(NOTIFY_OUT_END, _zadarma_signed(NOTIFY_OUT_END), SECRET)
    out = zadarma.read(NOTIFY_OUT_END, MOSCOW)
    assert out is not None and out.direction is Direction.OUTBOUND and out.result is CallResult.MISSED
    assert out.other.e164 == "+79031234567" and out.talk_s == 0


def test_a_zadarma_notification_with_a_wrong_or_missing_signature_or_fields_is_refused() -> None:
    forged = {**NOTIFY_END, "caller_id": "79990000000"}
    with pytest.raises(Unsigned):
        zadarma.verify(forged, _zadarma_signed(NOTIFY_END), SECRET)
    with pytest.raises(Unsigned):
        zadarma.verify(NOTIFY_END, None, SECRET)
    with pytest.raises(Malformed, match="call_start"):
        zadarma.read({**NOTIFY_END, "call_start": "вчера"}, MOSCOW)
    with pytest.raises(Malformed, match="unknown event"):
        zadarma.read({**NOTIFY_END, "event": "NOTIFY_WHATEVER"}, MOSCOW)
    start = {"event": "NOTIFY_START", "call_start": "2026-12-04 10:15:03", "pbx_call_id": "in_1",
             "caller_id": "79161234567", "called_did": "74951112233"}  # fmt: skip
    began = zadarma.read(start, MOSCOW)
    assert began is not None and not began.final


KEY, SALT = "mango-key", "mango-salt"
SUMMARY = {
    "entry_id": "MjA0MzQ1NjY3OjE0", "call_direction": 1,
    "from": {"number": "79161234567"}, "to": {"extension": "101", "number": "sip:petrov@vpbx"},
    "line_number": "74951112233", "create_time": 1764832503, "forward_time": 1764832505,
    "talk_time": 1764832509, "end_time": 1764832751, "entry_result": 1, "disconnect_reason": 1110,
}  # fmt: skip


def _mango_form(body: dict[str, object]) -> dict[str, str]:
    payload = json.dumps(body, ensure_ascii=False)
    return {"vpbx_api_key": KEY, "sign": hashlib.sha256(f"{KEY}{payload}{SALT}".encode()).hexdigest(),
            "json": payload}  # fmt: skip


def test_a_mango_summary_is_checked_by_its_sign_and_read() -> None:
    form = _mango_form(SUMMARY)
    mango.verify(form, KEY, SALT)
    call = mango.read_summary(form)
    assert call.identity == "mango:MjA0MzQ1NjY3OjE0" and call.direction is Direction.INBOUND
    assert call.result is CallResult.ANSWERED and call.talk_s == 242 and call.extension == "101"
    assert call.other.e164 == "+79161234567" and call.line == "+74951112233"
    assert call.started_at == datetime.fromtimestamp(1764832503, UTC)
    missed = mango.read_summary(_mango_form({**SUMMARY, "entry_result": 0, "talk_time": 0}))
    assert missed.result is CallResult.MISSED and missed.talk_s == 0
    out = mango.read_summary(_mango_form({**SUMMARY, "call_direction": 2, "from": {"extension": "102"},
                                          "to": {"number": "84742555555"}}))  # fmt: skip
    assert out.direction is Direction.OUTBOUND and out.extension == "102" and out.other.e164 == "+74742555555"


def test_a_mango_form_with_another_key_a_bad_sign_or_broken_json_is_refused() -> None:
    form = _mango_form(SUMMARY)
    with pytest.raises(Unsigned):
        mango.verify({**form, "sign": "0" * 64}, KEY, SALT)
    with pytest.raises(Unsigned):
        mango.verify(form, "another-key", SALT)
    with pytest.raises(Malformed, match="json field is not JSON"):
        mango.read_summary({**form, "json": "{"})
    with pytest.raises(Malformed, match="call_direction"):
        mango.read_summary(_mango_form({**SUMMARY, "call_direction": 7}))
    with pytest.raises(Malformed, match="create_time"):
        mango.read_summary(_mango_form({**SUMMARY, "create_time": "вчера"}))


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "https://",
        "https://pbx.example/rec 1.mp3",
        "http://[::1",
        "ftp://pbx.example/rec.mp3",
        "zadarma:javascript:alert(1)",
        "uis:1733296503.4521",
    ],
)
def test_a_recording_that_is_no_http_link_is_refused_naming_the_field(link: str) -> None:
    """A PBX's or a file's recording link became a touch's text as it came: ``javascript:`` or
    ``file:`` was kept and shown to a manager as the call's recording."""
    call = zadarma.read(NOTIFY_END, MOSCOW)
    assert call is not None
    with pytest.raises(ImplausibleCall) as refused:
        replace(call, recording=link)
    assert refused.value.field == "recording"
    assert str(refused.value) == f"recording {link[:200]!r}: not an http or https link"


@pytest.mark.parametrize(
    "link", ["https://pbx.example/rec/8f1c2e.mp3", "HTTP://10.0.0.5/r?id=1&h=2", "zadarma:1.2"]
)
def test_an_http_link_or_the_source_s_own_reference_is_a_recording(link: str) -> None:
    call = zadarma.read(NOTIFY_END, MOSCOW)
    assert call is not None
    assert replace(call, recording=link).recording == link
