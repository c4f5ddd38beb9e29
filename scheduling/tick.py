"""`crm schedule tick`: the clock-driven jobs, run from cron every few minutes.

Every job is idempotent, so a tick run twice (two cron entries, a retry after a crash)
creates nothing twice. And a tick with nothing to do costs next to nothing: the segments are
recomputed only when what they are computed from changed (``segments.inputs``) or the day did;
the tasks for clients nobody contacted and the reminders for stuck and idle deals, which count
in days, run on the first tick of the day and when their settings change (a work rule, a
stage's limit), not after every change of data: each run of them writes tasks, and "at most N
tasks per manager" would otherwise be N per tick. ``force`` runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm_tui.domain.leads.deadlines import any_late, escalate_late_requests
from crm_tui.domain.segments.inputs import OWN_KEYS, segment_inputs
from crm_tui.domain.segments.recompute import RecomputeResult, recompute_segments
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling import inbound_mail, outbox_job
from crm_tui.scheduling.contact_rules import create_contact_tasks
from crm_tui.scheduling.deal_reactions import react_to_deals

TICK_KEY = OWN_KEYS[0]
"""Where the tick remembers the inputs it last recomputed from and the day of its daily jobs."""


@dataclass(frozen=True)
class TickReport:
    segments: RecomputeResult | None
    """``None`` when nothing the segments depend on changed since the last recompute."""
    contact_tasks: dict[str, int]
    deal_reminders: dict[str, int]
    skipped: list[str] = field(default_factory=list)
    """The jobs that had nothing to do: "segments", "contact_tasks", "deal_reminders"."""
    late_requests: int = 0
    """Requests past their answer deadline that gave the head an escalation task this tick."""
    mail: dict[str, Any] | None = None
    """What the mailboxes' reading did (``inbound_mail``), ``None`` with no mailbox to read."""

    outbox: dict[str, Any] | None = None
    """What the outbox job did (``None``: no letter was due)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "segments": self.segments.as_json() if self.segments is not None else None,
            "contact_tasks": self.contact_tasks,
            "deal_reminders": self.deal_reminders,
            "skipped": self.skipped,
            "late_requests": self.late_requests,
            "mail": self.mail,
            "outbox": self.outbox,
        }


def run_tick(ws: Workspace, *, force: bool = False) -> TickReport:
    today = ws.now().astimezone(ws.tz).date()
    with ws.read() as session:
        inputs = segment_inputs(session, today)
        last = get_setting(session, TICK_KEY, {})
    last = last if isinstance(last, dict) else {}
    skipped: list[str] = []
    segments = None
    seen = last.get("inputs")
    seen = seen if isinstance(seen, dict) else {}
    if force or seen != inputs:
        segments = recompute_segments(ws)
    else:
        skipped.append("segments")
    contact_tasks: dict[str, int] = {}
    reminders = {"stuck": 0, "idle": 0}
    if force or any(seen.get(part) != inputs[part] for part in ("day", "config")):
        with ws.write() as session:
            contact_tasks = create_contact_tasks(session, ws.now())
        with ws.write() as session:
            reminders = react_to_deals(session, ws.now())
    else:
        skipped += ["contact_tasks", "deal_reminders"]
    late = 0
    with ws.read() as session:
        due = any_late(session, ws.now())
    if due:  # checked every tick: an answer is due in minutes, not days
        with ws.write() as session:
            late = escalate_late_requests(session, ws.now())
    with ws.read() as session:
        reading = inbound_mail.has_work(session)
    mail = inbound_mail.run(ws).as_json() if reading else None  # the mailboxes (crm mailbox add)
    with ws.read() as session:
        mail_due = outbox_job.has_work(session, ws.now())
    sent = outbox_job.run(ws) if mail_due else None
    with ws.write() as session:
        # The inputs as read before the jobs: a colleague's change while they ran makes the
        # next tick look again (the jobs themselves write no input: segments, tasks).
        done = {"inputs": inputs}
        put_setting(session, TICK_KEY, done, at=ws.now(), user_id=ws.viewer.user_id)
    return TickReport(segments, contact_tasks, reminders, skipped, late, mail, sent)
