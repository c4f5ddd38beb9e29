"""Every ``--json`` line is written by ``print_json``, which takes a record (a dataclass) as it is:
its fields by name, the records inside it the same way, moments and days in ISO 8601. It wrote
``dataclasses.asdict`` of each record before, whose deep copy of every value was half of `crm
clients list --json`'s time on 100,000 clients; scripts read the same lines as before."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

import pytest

from crm_tui.cli.common import json_fields, print_json


class Kind(StrEnum):
    CALL = "call"


@dataclass(frozen=True)
class Line:
    title: str
    amount: int
    due: date | None = None


@dataclass(frozen=True, slots=True)
class Record:
    id: int
    name: str
    at: datetime
    kind: Kind
    price: Decimal
    lines: list[Line]
    tags: tuple[str, ...]
    extra: dict[str, Line] = field(default_factory=dict)
    owner: str | None = None


RECORD = Record(
    7,
    'ООО «Ромашка» "=1+2" \x1b[31m',
    datetime(2026, 12, 4, 10, 15, 3, tzinfo=UTC),
    Kind.CALL,
    Decimal("12.50"),
    [Line("Болт", 100, date(2026, 12, 31)), Line("Гайка", 5)],
    ("a", "б"),
    {"first": Line("Шайба", 1)},
)


def _printed(value: object, capsys: pytest.CaptureFixture[str]) -> str:
    print_json(value)
    return capsys.readouterr().out


def test_a_record_is_written_as_asdict_wrote_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert _printed(RECORD, capsys) == _printed(asdict(RECORD), capsys)
    assert json.loads(_printed(RECORD, capsys)) == {
        "id": 7,
        "name": 'ООО «Ромашка» "=1+2" \x1b[31m',
        "at": "2026-12-04T10:15:03+00:00",
        "kind": "call",
        "price": "12.50",
        "lines": [
            {"title": "Болт", "amount": 100, "due": "2026-12-31"},
            {"title": "Гайка", "amount": 5, "due": None},
        ],
        "tags": ["a", "б"],
        "extra": {"first": {"title": "Шайба", "amount": 1, "due": None}},
        "owner": None,
    }


def test_records_in_a_list_and_a_record_s_fields_changed_before_writing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _printed([RECORD, RECORD], capsys) == _printed([asdict(RECORD), asdict(RECORD)], capsys)
    fields = json_fields(RECORD)
    fields |= {"owner": "ivanova", "owner_name": "Иванова Светлана"}
    expected = asdict(RECORD) | {"owner": "ivanova", "owner_name": "Иванова Светлана"}
    assert _printed(fields, capsys) == _printed(expected, capsys)
    assert json_fields(RECORD) is not json_fields(RECORD)  # a new dict each time: callers change it
