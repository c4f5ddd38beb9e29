"""A filter's day looks back, a due time's or a close date's ahead (issue 21's review: `task list
--from 01.12` read next year's December, `--from пн --to вс` on a Monday next week's Monday, and
`--to вчера` was refused); one reader, ``moments.parse_day``, told which way to look."""

from __future__ import annotations

from datetime import date

import pytest

from crm_tui.domain.values.moments import parse_day
from tests.cli_support import crm
from tests.seed import FROZEN_NOW, MOSCOW

FRIDAY = FROZEN_NOW  # Friday 20.11.2026


@pytest.mark.parametrize(
    ("text", "ahead", "back"),
    [
        ("01.12", date(2026, 12, 1), date(2025, 12, 1)),
        ("15.11", date(2027, 11, 15), date(2026, 11, 15)),
        ("пт", date(2026, 11, 27), date(2026, 11, 20)),  # today, looking back
        ("пн", date(2026, 11, 23), date(2026, 11, 16)),
        ("вчера", date(2026, 11, 19), date(2026, 11, 19)),
        ("сегодня", date(2026, 11, 20), date(2026, 11, 20)),
        ("01.12.2026", date(2026, 12, 1), date(2026, 12, 1)),
    ],
)
def test_a_day_read_ahead_or_back(text: str, ahead: date, back: date) -> None:
    assert parse_day(text, FRIDAY, MOSCOW) == ahead
    assert parse_day(text, FRIDAY, MOSCOW, back=True) == back


def test_a_periods_end_is_not_read_before_its_start() -> None:
    monday = parse_day("пн", FRIDAY, MOSCOW, back=True)
    assert parse_day("вс", FRIDAY, MOSCOW, back=True, not_before=monday) == date(2026, 11, 22)
    assert parse_day("вчера", FRIDAY, MOSCOW, back=True, not_before=FRIDAY.date()) == date(2026, 11, 19)


def test_task_list_refuses_a_start_after_its_end_and_takes_yesterday(seeded_db: str) -> None:
    db = ("--db", seeded_db)
    late = crm(*db, "task", "list", "--from", "10.12.2026", "--to", "01.12.2026", user="smirnov")
    assert late.returncode == 2
    assert late.stderr.strip() == "crm: error: --from 10.12.2026 is after --to 01.12.2026"
    assert crm(*db, "task", "list", "--to", "вчера", user="smirnov").returncode == 0
    assert crm(*db, "task", "list", "--from", "пн", "--to", "вс", user="smirnov").returncode == 0
