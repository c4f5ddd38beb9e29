"""A cloud PBX's call list exported with a header row (CSV or a spreadsheet), read into calls.

Every PBX names its columns its own way ("Дата и время", "Кто звонил", "Длительность
разговора", "Запись"); the columns are recognised by the same header machinery as the client
import (``importers/files``: folded headers against a RU/EN synonym list). A call needs its
start, the client's number (its own column, or the caller of an inbound call and the callee of
an outgoing one) and a result or a talk time. Its identity is the PBX's call id where the export
has one, else its start, caller and callee: an overlapping export logs nothing twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TypeVar

from crm_tui.domain.interactions.call_events import (
    CallEvent,
    CallResult,
    check_start,
    is_extension,
    our_line,
    party,
)
from crm_tui.domain.values.cells import cell_text, storable_text
from crm_tui.i18n import N_, Message, _
from crm_tui.importers.channels.calls.asterisk import AsteriskRead, Rejected
from crm_tui.importers.files.header import find_header
from crm_tui.importers.files.mapping import DEFAULT_THRESHOLD
from crm_tui.importers.files.reading import read_sheet
from crm_tui.importers.files.vocabulary import Vocabulary, fold_header
from crm_tui.storage.models import Direction

CALL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "call_id": (
        "id звонка", "идентификатор звонка", "ид звонка", "id сессии", "id", "call id", "call uid", "uid",
        "uniqueid", "session id", "call session id", "entry id",
    ),
    "start": (
        "дата и время", "дата время", "время звонка", "дата звонка", "начало звонка", "время начала",
        "начало", "дата", "время", "date", "start", "start time", "call start", "date time", "datetime",
        "call date",
    ),
    "direction": ("направление", "тип звонка", "тип вызова", "direction", "call type", "call direction"),
    "caller": ("кто звонил", "звонящий", "номер звонящего", "откуда", "caller", "caller id", "from", "src"),
    "callee": ("куда", "кому", "кому звонили", "вызываемый номер", "номер назначения", "callee", "to", "dst",
               "destination", "called number"),
    "client_number": (
        "номер клиента", "телефон клиента", "номер абонента", "абонент", "клиент", "client number",
        "customer number", "contact phone", "contact number", "external number",
    ),
    "line": ("линия", "наш номер", "виртуальный номер", "номер линии", "line", "virtual number", "did"),
    "extension": ("добавочный", "внутренний номер", "доб", "сотрудник доб", "extension", "ext", "internal"),
    "talk": (
        "длительность разговора", "время разговора", "разговор", "talk time", "talk duration", "billsec",
        "conversation", "conversation time",
    ),
    "duration": ("длительность", "продолжительность", "длительность звонка", "duration", "total duration"),
    "status": ("статус", "статус звонка", "результат", "исход", "status", "result", "disposition"),
    "recording": ("запись", "запись разговора", "ссылка на запись", "recording", "record", "record link",
                  "recording url", "recording link"),
}  # fmt: skip
CALL_VOCABULARY = Vocabulary(CALL_SYNONYMS)
T = TypeVar("T")

_DIRECTIONS = {
    Direction.INBOUND: ("входящий", "входящие", "вход", "incoming", "inbound", "in"),
    Direction.OUTBOUND: ("исходящий", "исходящие", "исх", "outgoing", "outbound", "out"),
    Direction.INTERNAL: ("внутренний", "internal", "local"),
}
_STATUSES = {
    CallResult.ANSWERED: ("отвечен", "отвеченный", "принят", "успешный", "answered", "answer", "success"),
    CallResult.MISSED: ("пропущен", "пропущенный", "не отвечен", "неотвеченный", "missed", "no answer",
                        "noanswer", "cancel", "cancelled", "lost"),
    CallResult.BUSY: ("занято", "занят", "busy"),
    CallResult.FAILED: ("ошибка", "не удался", "failed", "congestion", "chanunavail"),
}  # fmt: skip
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M:%S")
_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")


def map_columns(labels: Sequence[str]) -> dict[str, int]:
    """Each call field to its most confident column."""
    ranked = sorted(
        ((CALL_VOCABULARY.match(label), index) for index, label in enumerate(labels)),
        key=lambda item: (-item[0][1], item[1]),
    )
    columns: dict[str, int] = {}
    for (found, score), index in ranked:
        if found is not None and score >= DEFAULT_THRESHOLD and found not in columns:
            columns[found] = index
    return columns


def _word(text: str, table: Mapping[T, tuple[str, ...]]) -> T | None:
    key = fold_header(text)
    for value, words in table.items():
        if key in words or any(key.startswith(w + " ") for w in words):
            return value
    return None


def _moment(value: object, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = cell_text(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for form in _FORMATS:
                try:
                    moment = datetime.strptime(text, form)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(
                    Message(
                        "call.start",
                        N_("start {value!r} is not a date and time (2026-12-04 10:15:03)"),
                        value=text,
                    )
                ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def _seconds(value: object, name: str) -> int:
    text = cell_text(value).strip()
    if not text:
        return 0
    if text.replace(".", "", 1).isdigit():
        return int(float(text))
    found = _DURATION.match(text)
    if found is None:
        raise ValueError(
            Message("call.seconds", N_("{name} {value!r} is not seconds or m:ss"), name=name, value=text)
        )
    hours, minutes, seconds = (int(g or 0) for g in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def _call(cells: Sequence[object], columns: Mapping[str, int], zone: tzinfo) -> CallEvent:
    def get(name: str) -> object:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def text(name: str) -> str:
        return cell_text(get(name)).strip()

    started = _moment(get("start"), zone)
    talk = _seconds(get("talk"), _("talk time")) if "talk" in columns else None
    status_text = text("status")
    result = _word(status_text, _STATUSES) if status_text else None
    if status_text and result is None:
        raise ValueError(
            Message("call.status", N_("status {value!r} is not a call's result"), value=status_text)
        )
    if result is None:
        if talk is None:
            raise ValueError(Message("call.no_result", N_("neither a status nor a talk time")))
        result = CallResult.ANSWERED if talk > 0 else CallResult.MISSED
    caller, callee = text("caller"), text("callee")
    direction_text = text("direction")
    direction = _word(direction_text, _DIRECTIONS) if direction_text else None
    if direction_text and direction is None:
        raise ValueError(
            Message(
                "call.direction",
                N_("direction {value!r} is not incoming, outgoing or internal"),
                value=direction_text,
            )
        )
    if direction is None:
        direction = (
            Direction.OUTBOUND if is_extension(caller) and not is_extension(callee) else Direction.INBOUND
        )
    client = text("client_number") or (callee if direction is Direction.OUTBOUND else caller)
    ours = callee if direction is Direction.INBOUND else caller
    extension = text("extension") or (ours if is_extension(ours) else "") or None
    identity = text("call_id") or f"{started.isoformat()}|{caller or client}|{callee}"
    if talk is None:
        talk = _seconds(get("duration"), _("duration")) if result is CallResult.ANSWERED else 0
    return CallEvent(
        source="csv",
        call_id=storable_text(identity).value[:200],
        direction=direction,
        started_at=started,
        other=party(client),
        line=our_line(text("line") or ("" if is_extension(ours) else ours)),
        extension=extension,
        talk_s=talk if result is CallResult.ANSWERED else 0,
        result=result,
        recording=text("recording")[:1000] or None,
    )


def read_export(path: Path, zone: tzinfo, *, now: datetime) -> AsteriskRead:
    """Every call of the export; a row that cannot be read is rejected with its number and why
    (one starting more than a day after ``now``, the app's clock, among them: ``check_start``).

    Raises ``ValueError`` when the header names no start or no number: not a call list."""
    data = read_sheet(path)
    header, rows = find_header(data.rows, first_column=data.first_column, match=CALL_VOCABULARY.match)
    if header is None:
        raise ValueError(Message("call.empty", N_("the file is empty")))
    columns = map_columns(header.labels)
    if "start" not in columns or not ({"client_number", "caller", "callee"} & set(columns)):
        raise ValueError(
            Message(
                "call.no_columns",
                N_("row {row}: no column reads as the call's start and number (the columns are {columns})"),
                row=header.row_number,
                columns=", ".join(repr(t) for t in header.texts if t),
            )
        )
    calls: dict[str, CallEvent] = {}
    rejected: list[Rejected] = []
    read = 0
    for number, cells in rows:
        if not any(cell_text(c).strip() for c in cells):
            continue
        read += 1
        try:
            event = check_start(_call(cells, columns, zone), now)
        except ValueError as exc:
            rejected.append(
                Rejected(number, str(exc), storable_text(";".join(map(cell_text, cells))).value[:200])
            )
            continue
        calls.setdefault(event.call_id, event)
    return AsteriskRead(list(calls.values()), rejected, read)
