"""The funnel's settings: lost reasons, stage playbooks, stuck limits, and their shipped defaults.

Defaults are written once per database (a settings flag remembers it), so an admin who deletes
a shipped reason or step does not see it come back on the next start; they are written in the
base's language (``crm_tui.domain.base_language``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update

from crm_tui.domain.base_language import base_language
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.i18n import NC_, in_language
from crm_tui.storage.tables.activity import TaskKind
from crm_tui.storage.tables.deals import lost_reasons, playbook_steps, stages

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

DEFAULTS_KEY = "funnel.defaults"
DEFAULT_LOST_REASONS = (
    NC_("lost reason", "Price too high"),
    NC_("lost reason", "Chose a competitor"),
    NC_("lost reason", "No budget"),
    NC_("lost reason", "No response"),
    NC_("lost reason", "Not our client"),
    NC_("lost reason", "Postponed indefinitely"),
)


@dataclass(frozen=True)
class StepSpec:
    title: str
    kind: TaskKind
    working_days: int = 0
    hours: int = 0


DEFAULT_PLAYBOOKS: dict[str, tuple[StepSpec, ...]] = {
    "new": (
        StepSpec(NC_("playbook step", "Call back: qualify the inquiry"), TaskKind.CALL, hours=2),
        StepSpec(NC_("playbook step", "Send the company presentation"), TaskKind.EMAIL, working_days=1),
    ),
    "qualification": (
        StepSpec(
            NC_("playbook step", "Meeting: needs, budget, decision maker"), TaskKind.MEETING, working_days=2
        ),
    ),
    "proposal": (
        StepSpec(NC_("playbook step", "Call about the proposal"), TaskKind.CALL, working_days=2),
        StepSpec(
            NC_("playbook step", "Follow up: objections to the proposal"), TaskKind.CALL, working_days=3
        ),
    ),
    "invoice": (
        StepSpec(NC_("playbook step", "Check the invoice reached the payer"), TaskKind.CALL, working_days=1),
    ),
    "awaiting_payment": (
        StepSpec(NC_("playbook step", "Remind about the payment"), TaskKind.CALL, working_days=3),
    ),
}
DEFAULT_STUCK_DAYS = {"new": 3, "qualification": 7, "proposal": 10, "invoice": 5, "awaiting_payment": 10}


def ensure_funnel_defaults(session: Unit, now: datetime) -> None:
    """Write the shipped reasons, playbooks and stuck limits once (see the module docstring)."""
    if get_setting(session, DEFAULTS_KEY):
        return
    language = base_language(session)
    if not session.scalar(select(func.count()).select_from(lost_reasons)):
        session.connection().execute(
            insert(lost_reasons),
            [
                {"name": in_language(language, n, context="lost reason"), "position": i, "active": True}
                for i, n in enumerate(DEFAULT_LOST_REASONS)
            ],
        )
    s = stages.c
    for stage_id, code, stuck in session.execute(
        select(s.id, s.code, s.stuck_after_days).where(s.code.is_not(None))
    ):
        if stuck is None and code in DEFAULT_STUCK_DAYS:
            session.connection().execute(
                update(stages).where(s.id == stage_id).values(stuck_after_days=DEFAULT_STUCK_DAYS[code])
            )
        has_steps = session.scalar(select(func.count()).where(playbook_steps.c.stage_id == stage_id))
        if not has_steps and code in DEFAULT_PLAYBOOKS:
            session.connection().execute(
                insert(playbook_steps),
                [
                    {
                        "stage_id": stage_id,
                        "position": position,
                        "title": in_language(language, step.title, context="playbook step"),
                        "kind": step.kind.value,
                        "due_working_days": step.working_days,
                        "due_hours": step.hours,
                    }
                    for position, step in enumerate(DEFAULT_PLAYBOOKS[code])
                ],
            )
    put_setting(session, DEFAULTS_KEY, 1, at=now, user_id=None)


def active_lost_reasons(session: Unit) -> list[str]:
    r = lost_reasons.c
    return list(session.scalars(select(r.name).where(r.active.is_(True)).order_by(r.position, r.id)))


def add_working_days(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``days`` working days (Monday to Friday, in the team's time zone) after ``moment``, at
    the same time of day; a moment on a weekend first moves to Monday."""
    local = moment.astimezone(tz)
    while local.weekday() >= 5:
        local += timedelta(days=1)
    left = days
    while left > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            left -= 1
    return local.astimezone(moment.tzinfo)


@dataclass(frozen=True)
class Step:
    id: int
    stage_id: int
    position: int
    title: str
    kind: str
    working_days: int
    hours: int

    def due(self, now: datetime, tz: ZoneInfo) -> datetime:
        return add_working_days(now, self.working_days, tz) + timedelta(hours=self.hours)


def playbook(session: Unit, stage_id: int) -> list[Step]:
    p = playbook_steps.c
    rows = session.execute(
        select(p.id, p.stage_id, p.position, p.title, p.kind, p.due_working_days, p.due_hours)
        .where(p.stage_id == stage_id)
        .order_by(p.position)
    )
    return [Step(*row) for row in rows]
