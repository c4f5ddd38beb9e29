"""`crm schedule tick`: the clock-driven jobs, run from cron every few minutes.

Every job is idempotent, so a tick run twice (two cron entries, a retry after a crash)
creates nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm_tui.domain.segments.recompute import RecomputeResult, recompute_segments
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.contact_rules import create_contact_tasks
from crm_tui.scheduling.deal_reactions import react_to_deals


@dataclass(frozen=True)
class TickReport:
    segments: RecomputeResult
    contact_tasks: dict[str, int]
    deal_reminders: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "segments": self.segments.as_json(),
            "contact_tasks": self.contact_tasks,
            "deal_reminders": self.deal_reminders,
        }


def run_tick(ws: Workspace) -> TickReport:
    segments = recompute_segments(ws)
    with ws.write() as session:
        contact_tasks = create_contact_tasks(session, ws.now())
    with ws.write() as session:
        reminders = react_to_deals(session, ws.now())
    return TickReport(segments, contact_tasks, reminders)
