"""Calls from the PBX on the timelines (issue 23): attributed by extension and number, logged
once, one callback task for a client's missed calls, a stranger's call a request."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm_tui.domain.access.extensions import set_extension
from crm_tui.domain.errors import AccessDenied, InvalidInput
from crm_tui.domain.interactions.call_events import CallEvent, CallResult, party
from crm_tui.domain.interactions.calls import CALLBACK_ORIGIN, log_calls
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import Direction, interactions, leads, tasks
from tests.cli_support import crm, error_line
from tests.seed import FROZEN_NOW, Seeded

MASTER = Path(__file__).parents[1] / "importers" / "call_fixtures" / "Master.csv"

ROMASHKA = "+74951112233"
STRANGER = "+79165550101"


def call(
    n: int,
    number: str,
    *,
    result: CallResult = CallResult.ANSWERED,
    direction: Direction = Direction.INBOUND,
    extension: str | None = "101",
    minutes_ago: int = 60,
) -> CallEvent:
    return CallEvent(
        source="asterisk", call_id=f"17333.{n}", direction=direction,
        started_at=FROZEN_NOW - timedelta(minutes=minutes_ago), other=party(number), line="+74990000000",
        extension=extension, talk_s=125 if result is CallResult.ANSWERED else 0, result=result,
        recording=f"https://pbx.example/rec/{n}.mp3" if result is CallResult.ANSWERED else None,
    )  # fmt: skip


def test_calls_land_on_timelines_once_with_one_callback_and_strangers_become_requests(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    admin = workspace_for("admin")
    assert set_extension(admin, "ivanova", "101") == "101"
    events = [
        call(1, ROMASHKA),
        call(2, ROMASHKA, result=CallResult.MISSED, extension=None, minutes_ago=50),
        call(3, ROMASHKA, result=CallResult.MISSED, extension=None, minutes_ago=40),
        call(4, STRANGER, result=CallResult.MISSED, extension=None, minutes_ago=30),
        call(5, STRANGER, minutes_ago=20),
        call(6, "102", direction=Direction.INTERNAL),
        call(7, "anonymous", result=CallResult.MISSED),
        call(8, "+79035550000", direction=Direction.OUTBOUND),
    ]
    logged = log_calls(admin, events)
    assert logged.outcomes == {"client": 3, "new request": 1, "request": 1, "internal": 1, "anonymous": 1,
                               "unknown outbound": 1}  # fmt: skip
    assert logged.callbacks == 1 and len(logged.leads) == 1
    romashka = seeded.clients["romashka"]
    with admin.read() as session:
        calls = session.execute(
            select(interactions.c.duration_s, interactions.c.user_id, interactions.c.summary)
            .where(interactions.c.client_id == romashka, interactions.c.external_id.is_not(None))
            .order_by(interactions.c.occurred_at)
        ).all()
        assert [(c.duration_s, c.user_id) for c in calls] == [(125, seeded.users["ivanova"])] + [
            (0, seeded.users["ivanova"])
        ] * 2  # missed calls go to the owner's timeline
        assert "https://pbx.example/rec/1.mp3" in calls[0].summary and "2:05" in calls[0].summary
        callbacks = session.execute(
            select(tasks.c.assignee_id, tasks.c.title).where(tasks.c.origin == f"{CALLBACK_ORIGIN}{romashka}")
        ).all()
        assert [c.assignee_id for c in callbacks] == [seeded.users["ivanova"]] and "Ромашка" in callbacks[
            0
        ].title
        request = session.execute(select(leads).where(leads.c.id == logged.leads[0])).one()
        assert (
            request.channel == "call" and request.first_response_at is not None
        )  # 101 answered the 2nd call
        touches = session.scalar(select(func.count()).where(interactions.c.lead_id == request.id))
        assert touches == 2
    again = log_calls(admin, events)
    assert again.outcomes == {"again": 5, "internal": 1, "anonymous": 1, "unknown outbound": 1}
    assert again.callbacks == 0 and again.leads == []


def test_extensions_are_digits_and_each_one_persons_and_only_admins_set_them(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    admin = workspace_for("admin")
    set_extension(admin, "ivanova", "101")
    with pytest.raises(InvalidInput, match="ivanova's already"):
        set_extension(admin, "petrov", "101")
    with pytest.raises(InvalidInput, match="not an extension number"):
        set_extension(admin, "petrov", "доб. 5")
    with pytest.raises(AccessDenied):
        set_extension(workspace_for("ivanova"), "ivanova", "102")
    with pytest.raises(AccessDenied):
        log_calls(workspace_for("ivanova"), [call(1, ROMASHKA)])
    assert set_extension(admin, "ivanova", None) is None


def test_crm_inbound_calls_logs_a_master_csv_once_and_names_the_lines_it_rejects(
    seeded_db: str, tmp_path: Path
) -> None:
    crm("--db", seeded_db, "user", "extension", "ivanova", "101", user="admin", check=True)
    first = json.loads(
        crm("--db", seeded_db, "inbound", "calls", str(MASTER), "--json", user="admin", check=True).stdout
    )
    assert first["calls"] == 6 and first["legs"] == 7
    assert [r["line"] for r in first["rejected"]] == [7, 8]
    assert first["outcomes"]["internal"] == 1 and first["outcomes"].get("again", 0) == 0
    again = json.loads(
        crm("--db", seeded_db, "inbound", "calls", str(MASTER), "--json", user="admin", check=True).stdout
    )
    logged = sum(
        n for outcome, n in first["outcomes"].items() if outcome in ("client", "request", "new request")
    )
    assert again["outcomes"]["again"] == logged and again["new_requests"] == []
    broken = tmp_path / "broken.csv"
    broken.write_text("a,b,c\n", encoding="utf-8")
    refused = crm("--db", seeded_db, "inbound", "calls", str(broken), user="admin")
    assert refused.returncode == 2 and "line 1: 3 columns" in error_line(refused)
    zone = crm("--db", seeded_db, "inbound", "calls", str(MASTER), "--tz", "Moscow", user="admin")
    assert zone.returncode == 2 and "'Moscow' is not a time zone" in error_line(zone)
    manager = crm("--db", seeded_db, "inbound", "calls", str(MASTER), user="ivanova")
    assert manager.returncode == 2 and "admin or ops" in error_line(manager)
    russian = {"LANG": "ru_RU.UTF-8"}  # the system's reasons are English: the catalogue's are not
    for path, said in (
        (tmp_path / "нет.csv", "такого файла нет"),
        (tmp_path, "это папка, а не файл звонков"),
    ):
        missing = crm("--db", seeded_db, "inbound", "calls", str(path), user="admin", extra_env=russian)
        assert missing.returncode == 2 and error_line(missing).endswith(f"{path}: {said}")


CLOUD = Path(__file__).parents[1] / "importers" / "call_fixtures" / "cloud_export.csv"


def test_a_cloud_pbx_export_is_read_by_its_headers_and_logged_once(seeded_db: str, tmp_path: Path) -> None:
    crm("--db", seeded_db, "user", "extension", "ivanova", "101", user="admin", check=True)
    first = json.loads(
        crm("--db", seeded_db, "inbound", "calls", str(CLOUD), "--format", "csv", "--json",
            user="admin", check=True).stdout
    )  # fmt: skip
    assert first["calls"] == 3 and first["outcomes"] == {"client": 2, "new request": 1}
    assert [(r["line"], r["reason"]) for r in first["rejected"]] == [
        (5, "start 'вчера' is not a date and time (2026-12-04 10:15:03)"),
        (6, "direction 'Факс' is not incoming, outgoing or internal"),
    ]
    again = json.loads(
        crm("--db", seeded_db, "inbound", "calls", str(CLOUD), "--format", "csv", "--json",
            user="admin", check=True).stdout
    )  # fmt: skip
    assert again["outcomes"] == {"again": 3}
    headless = tmp_path / "no-header.csv"
    headless.write_text("a;b\n1;2\n", encoding="utf-8")
    refused = crm("--db", seeded_db, "inbound", "calls", str(headless), "--format", "csv", user="admin")
    assert refused.returncode == 2 and "no column reads as the call's start and number" in error_line(refused)


def test_strangers_in_one_file_are_taken_in_order_one_request_each(
    workspace_for: Callable[[str], Workspace],
) -> None:
    """A file's strangers go through the intake in the chunk's transaction, in time order: the
    same stranger three times is one request and two touches, and our call back to them after
    their first call is on that request (it was left out as a call to nobody known while the
    strangers waited for the end of the chunk)."""
    admin = workspace_for("admin")
    set_extension(admin, "ivanova", "101")
    other = "+79165550202"
    events = [
        call(1, STRANGER, minutes_ago=50),
        call(2, other, result=CallResult.MISSED, extension=None, minutes_ago=45),
        call(3, STRANGER, result=CallResult.MISSED, extension=None, minutes_ago=40),
        call(4, other, direction=Direction.OUTBOUND, minutes_ago=30),
        call(5, STRANGER, minutes_ago=20),
    ]
    logged = log_calls(admin, events)
    assert logged.outcomes == {"new request": 2, "request": 3} and len(logged.leads) == 2
    with admin.read() as session:
        touches: dict[int, int] = dict(
            session.execute(
                select(interactions.c.lead_id, func.count()).where(interactions.c.lead_id.is_not(None))
                .group_by(interactions.c.lead_id)
            ).all()
        )  # fmt: skip
        first_answer = session.scalar(select(leads.c.first_response_at).where(leads.c.id == logged.leads[1]))
    assert sorted(touches.values()) == [2, 3]
    assert first_answer is not None  # ivanova's call back answered the second stranger's request
    again = log_calls(admin, events)
    assert again.outcomes == {"again": 5} and again.leads == []


def test_a_file_s_row_with_a_talk_of_99999_hours_or_a_start_in_2030_is_rejected(
    seeded_db: str, tmp_path: Path
) -> None:
    book = tmp_path / "calls.csv"
    header = CLOUD.read_text(encoding="utf-8-sig").splitlines()[0]
    book.write_text(
        header + "\n"
        "c1;04.12.2026 10:15:03;Входящий;89165550101;+7 495 123-45-67;;99999:00:00;Отвечен;\n"
        "c2;04.12.2030 10:15:03;Входящий;89165550101;+7 495 123-45-67;;0:01:00;Отвечен;\n"
        "c3;04.12.2026 10:20:00;Входящий;89165550101;+7 495 123-45-67;;0:01:00;Отвечен;\n",
        encoding="utf-8",
    )
    read = json.loads(
        crm("--db", seeded_db, "inbound", "calls", str(book), "--format", "csv", "--json",
            user="admin", check=True).stdout
    )  # fmt: skip
    assert read["calls"] == 1
    assert [(r["line"], r["reason"]) for r in read["rejected"]] == [
        (2, "talk time 99999:00:00: not a call's (longer than 24 hours)"),
        (3, "start 2030-12-04 07:15:03 UTC: more than a day from now"),
    ]


def test_a_file_s_row_with_a_recording_that_is_no_http_link_is_rejected(
    seeded_db: str, tmp_path: Path
) -> None:
    """The export's recording column was kept as it came: ``file:`` or ``javascript:`` became
    the call's recording on the client's timeline."""
    book = tmp_path / "calls.csv"
    header = CLOUD.read_text(encoding="utf-8-sig").splitlines()[0]
    book.write_text(
        header + "\n"
        "r1;04.12.2026 10:15:03;Входящий;89165550101;+7 495 123-45-67;;0:01:00;Отвечен;file:///etc/passwd\n"
        "r2;04.12.2026 10:20:00;Входящий;89165550101;+7 495 123-45-67;;0:01:00;Отвечен;"
        "https://pbx.example/rec/r2.mp3\n",
        encoding="utf-8",
    )
    read = json.loads(
        crm("--db", seeded_db, "inbound", "calls", str(book), "--format", "csv", "--json",
            user="admin", check=True).stdout
    )  # fmt: skip
    assert read["calls"] == 1
    assert [(r["line"], r["reason"]) for r in read["rejected"]] == [
        (2, "recording 'file:///etc/passwd': not an http or https link"),
    ]
