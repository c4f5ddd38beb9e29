"""Sipuni's hangups as a live PBX sends them (the shape of events captured from a production
cabinet and published with an integration's notes; the numbers here are made up): an inbound
missed call whose ``dst_num`` carries the route's id, and an outgoing call's hangup that names
no number at all (Sipuni sends the numbers with the call's start only)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

from crm_tui.domain.interactions.call_events import CallResult
from crm_tui.importers.channels.calls import sipuni
from crm_tui.storage.models import Direction

HOOKS = Path(__file__).parents[1] / "web" / "hook_fixtures"


def fields(name: str) -> dict[str, str]:
    return dict(parse_qsl((HOOKS / name).read_text(encoding="utf-8")))


def test_an_inbound_missed_call_reads_our_line_without_the_route_id() -> None:
    event = sipuni.read(fields("sipuni_inbound_missed.txt"))
    assert event is not None
    assert (event.direction, event.result, event.talk_s) == (Direction.INBOUND, CallResult.MISSED, 0)
    assert event.other.e164 == "+79161230087" and event.line == "+74951234567"
    assert event.recording is not None and event.recording.startswith("https://sipuni.com/api/crm/record?id=")


def test_a_bare_hangup_gives_the_extension_that_took_it_and_the_talk_time() -> None:
    event = sipuni.read(fields("sipuni_outbound_hangup_bare.txt"))
    assert event is not None and event.result is CallResult.ANSWERED
    assert (event.extension, event.talk_s, event.call_id) == ("201", 8, "1774372584.533596")
    # No number in the hangup: it cannot be put on anybody's timeline by itself (see the README).
    assert event.other.e164 is None
