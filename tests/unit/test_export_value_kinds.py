"""A cell's value is written by what it is, not by its exact class: a datetime subclass (what
freezegun's frozen clock or pendulum hand out), a date subclass, a Decimal (a sum read exactly)
is a moment, a day or a number in the workbook and in the CSV, never a KeyError or text."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from crm_tui.domain.exports import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DURATION_FORMAT,
    MONEY_FORMAT,
    write_csv,
    write_workbook,
)


class FrozenDatetime(datetime):
    """Like freezegun's FakeDatetime: a datetime by inheritance."""


class FrozenDate(date):
    """Like freezegun's FakeDate."""


class Span(timedelta):
    """A duration of a library's own class."""


class Sum(Decimal):
    """A Decimal of a library's own class."""


ROW = [
    FrozenDatetime(2026, 12, 7, 14, 30),
    FrozenDate(2026, 12, 7),
    Span(seconds=3723),
    Decimal("4316900.41"),
    Sum("2.5"),
]
HEADER = ["moment", "day", "talk", "sum", "share"]
FORMATS = [None, None, None, MONEY_FORMAT]


def test_subclasses_are_written_as_their_kind_in_a_workbook(tmp_path: Path) -> None:
    target = tmp_path / "kinds.xlsx"
    write_workbook(target, "Kinds", HEADER, [ROW], FORMATS)
    sheet = load_workbook(target).worksheets[0]
    moment, day, talk, amount, share = sheet[2]
    assert moment.value == datetime(2026, 12, 7, 14, 30) and moment.number_format == DATETIME_FORMAT
    assert day.value == datetime(2026, 12, 7) and day.number_format == DATE_FORMAT
    assert talk.value == timedelta(seconds=3723) and talk.number_format == DURATION_FORMAT
    assert amount.value == 4316900.41 and amount.data_type == "n" and amount.number_format == MONEY_FORMAT
    assert share.value == 2.5 and share.data_type == "n"


def test_subclasses_are_written_as_their_kind_in_a_csv(tmp_path: Path) -> None:
    target = tmp_path / "kinds.csv"
    write_csv(target, HEADER, [ROW], FORMATS)
    with target.open(encoding="utf-8-sig", newline="") as f:
        _header, row = csv.reader(f, delimiter=";")
    assert row == ["07.12.2026 14:30:00", "07.12.2026", "1:02:03", "4316900,41", "2,5"]
