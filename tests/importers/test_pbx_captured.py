"""Sipuni's hangups and a UIS notification as live PBXs send them (the shape of events captured from a
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


def test_an_outgoing_hangup_takes_its_number_and_direction_from_the_calls_start() -> None:
    """Sipuni's start (event 1) of an outgoing call names the extension and the number dialled;
    its hangup names neither: kept from the start, they make the hangup a call out to that number."""
    start = sipuni.start_detail(fields("sipuni_outbound_start.txt"))
    assert start == (sipuni.start_id("1774372584.533596"), "outbound 79161230087 201")
    bare = sipuni.read(fields("sipuni_outbound_hangup_bare.txt"))
    assert bare is not None
    event = sipuni.with_start(bare, start[1])
    assert (event.direction, event.other.e164, event.extension) == (Direction.OUTBOUND, "+79161230087", "201")
    assert (event.talk_s, event.result, event.line) == (8, CallResult.ANSWERED, None)
    # a hangup that names its numbers keeps them; a ring or an answer keeps nothing
    inbound = sipuni.read(fields("sipuni_inbound_missed.txt"))
    assert inbound is not None and sipuni.with_start(inbound, start[1]) is inbound
    assert sipuni.start_detail({"event": "3", "call_id": "1"}) is None


def test_a_uis_body_without_start_time_is_read_from_the_notification_time() -> None:
    """A UIS "call finished" body as an integration published it (the numbers made up): no
    ``start_time``, ``is_lost`` nor ``file_link``; ``call_session_id`` a number."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from crm_tui.importers.channels.calls import uis

    event = uis.read((HOOKS / "uis_integration_call_end.json").read_bytes(), ZoneInfo("Europe/Moscow"))
    assert (event.call_id, event.direction, event.result, event.talk_s) == (
        "998677427", Direction.INBOUND, CallResult.ANSWERED, 12,
    )  # fmt: skip
    assert event.started_at == datetime(2026, 12, 4, 11, 40, 24, tzinfo=UTC)  # 14:40:47 MSK less 23 s
    assert event.other.e164 == "+79161230087" and event.line == "+74951234567"
