"""The next step offered when a touch is logged (seed 002's navigator): every call ends with
what happens next and when, or the client falls out of sight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.moments import parse_due
from crm_tui.i18n import N_
from crm_tui.storage.tables.activity import TaskKind


@dataclass(frozen=True)
class NextStep:
    title: str
    due: datetime
    kind: TaskKind = TaskKind.CALL


def next_step(title: str, when: str, now: datetime, tz: ZoneInfo) -> NextStep | None:
    """The step a person typed, or None when they left the title empty."""
    name = " ".join(title.split())
    if not name:
        if when.strip():
            raise InvalidInput(
                "next_step.title_missing",
                N_("say what the next step is, or leave its date empty too"),
                field="next_title",
            )
        return None
    try:
        due = parse_due(when.strip() or "завтра", now, tz)
    except InvalidInput as exc:
        raise exc.naming("next_when") from None
    return NextStep(name[:300], due)
