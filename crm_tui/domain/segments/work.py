"""Work rules per segment (seed 000: how much time and effort each group gets).

A rule says how often a client of a segment must hear from us. The shipped defaults follow
the seed's priorities: the warm every few days (money is closest there), the loyal monthly,
the lost quarterly, so that nobody drops out of sight ("clients without interaction", seed 003).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.base_language import base_text
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.segments.rules import SEGMENTS
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_
from crm_tui.storage.models import Segment, segment_rules

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit


@dataclass(frozen=True)
class WorkRule:
    segment: Segment
    contact_every_days: int
    task_title: str
    max_tasks_per_run: int
    """At most this many new tasks per manager per run: a base imported yesterday must not
    bury a desk under two thousand calls; the rest come on the next days, oldest first."""


DEFAULT_RULES = {
    Segment.WARM: WorkRule(
        Segment.WARM, 3, NC_("task title", "Follow up: no contact for {days} days (warm client)"), 10
    ),
    Segment.LOYAL: WorkRule(
        Segment.LOYAL, 30, NC_("task title", "Call: no contact for {days} days (loyal client)"), 10
    ),
    Segment.LOST: WorkRule(
        Segment.LOST, 90, NC_("task title", "Win back: no contact for {days} days (lost client)"), 5
    ),
}
"""The shipped rules; their titles (msgids) are read in the base's language (``work_rules``)."""


def work_rules(session: Unit) -> list[WorkRule]:
    """The rules in force: the shipped defaults (titled in the base's language) with the
    admin's changes on top."""
    r = segment_rules.c
    stored = {
        row.segment: WorkRule(
            Segment(row.segment), row.contact_every_days, row.task_title, row.max_tasks_per_run
        )
        for row in session.execute(select(r.segment, r.contact_every_days, r.task_title, r.max_tasks_per_run))
        if row.segment in {s.value for s in SEGMENTS}
    }
    return [stored.get(segment.value) or _shipped(session, segment) for segment in SEGMENTS]


def _shipped(session: Unit, segment: Segment) -> WorkRule:
    rule = DEFAULT_RULES[segment]
    return replace(rule, task_title=base_text(session, "task title", rule.task_title))


def set_work_rule(
    ws: Workspace,
    segment: Segment,
    *,
    every_days: int | None = None,
    title: str | None = None,
    max_per_run: int | None = None,
) -> WorkRule:
    """Change one rule (an admin or a head of sales); ``every_days=0`` switches it off."""
    require(ws.viewer, Capability.SET_WORK_RULES)
    if every_days is not None and not 0 <= every_days <= 3650:
        raise InvalidInput(
            "work_rule.every_range",
            N_("contact every {days} days is out of range (0..3650; 0 switches it off)"),
            days=every_days,
        )
    if max_per_run is not None and not 1 <= max_per_run <= 1000:
        raise InvalidInput(
            "work_rule.max_range",
            N_("{count} tasks per manager per run is out of range (1..1000)"),
            count=max_per_run,
        )
    if title is not None and not title.strip():
        raise InvalidInput("work_rule.title_missing", N_("a work rule needs a task title"))
    with ws.write() as session:
        current = next(rule for rule in work_rules(session) if rule.segment is segment)
        rule = WorkRule(
            segment,
            current.contact_every_days if every_days is None else every_days,
            current.task_title if title is None else " ".join(title.split()),
            current.max_tasks_per_run if max_per_run is None else max_per_run,
        )
        values = {
            "contact_every_days": rule.contact_every_days,
            "task_title": rule.task_title,
            "max_tasks_per_run": rule.max_tasks_per_run,
        }
        done = session.connection().execute(
            update(segment_rules).where(segment_rules.c.segment == segment.value).values(**values)
        )
        if done.rowcount == 0:
            session.connection().execute(insert(segment_rules).values(segment=segment.value, **values))
    return rule
