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
