"""`crm schedule tick`: the clock-driven jobs, run from cron every few minutes.

Every job is idempotent, so a tick run twice (two cron entries, a retry after a crash)
creates nothing twice. And a tick with nothing to do costs next to nothing: each job is one
``Job`` in ``JOBS``, whose ``has_work`` asks first, in one read session shared by all, whether
it has anything to do (index lookups, never the work itself), and only a job that has work
imports its code and runs. The segments are recomputed only when what they are computed from
changed (``segments.inputs``) or the day did; the tasks for clients nobody contacted and the
reminders for stuck and idle deals, which count in days, run on the first tick of the day and
when their settings change (a work rule, a stage's limit), not after every change of data: each
run of them writes tasks, and "at most N tasks per manager" would otherwise be N per tick.
``force`` runs them all.

A new job (an outbox, a mailbox) is one more ``Job`` appended to ``JOBS`` (or ``register``-ed):
a cheap ``has_work``, and a ``run`` that imports what it needs inside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from crm_tui.domain.leads.deadlines import any_late
from crm_tui.domain.segments.inputs import OWN_KEYS, segment_inputs
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.domain.workspace import Workspace

if TYPE_CHECKING:
    from crm_tui.domain.segments.recompute import RecomputeResult
    from crm_tui.storage.units import Unit

TICK_KEY = OWN_KEYS[0]
"""Where the tick remembers the inputs it last recomputed from and the day of its daily jobs."""


@dataclass(frozen=True)
class TickState:
    """What every job's ``has_work`` may look at, read once per tick."""

    now: datetime
    today: date
    force: bool
    inputs: dict[str, Any]
    """What the segments and the daily jobs depend on now (``segments.inputs``)."""
    seen: dict[str, Any]
    """The same as the last tick saw it."""

    def changed(self, *parts: str) -> bool:
        """Whether any of these parts of the inputs changed since the last tick (all: any)."""
        if not parts:
            return self.seen != self.inputs
        return any(self.seen.get(part) != self.inputs[part] for part in parts)


@dataclass(frozen=True)
class Job:
    name: str
    has_work: Callable[[Unit, TickState], bool]
    """Whether the job has anything to do: index lookups only, in the tick's read session. Not
    asked when the tick is forced."""
    run: Callable[[Workspace, TickState], Any]
    """Does the work (in its own sessions) and returns what the report shows under ``name``;
    imports its code inside, so that a tick with nothing to do never loads it."""
    news_when_idle: bool = False
    """Listed in the report's ``skipped`` when it had nothing to do (the jobs that run once a
    day or on a change; a job asked every tick, such as the escalations, is not)."""
    forced: bool = True
    """Runs on ``--force`` whatever ``has_work`` says."""


def _recompute(ws: Workspace, state: TickState) -> RecomputeResult:
    from crm_tui.domain.segments.recompute import recompute_segments

    return recompute_segments(ws)


def _contact_tasks(ws: Workspace, state: TickState) -> dict[str, int]:
    from crm_tui.scheduling.contact_rules import create_contact_tasks

    with ws.write() as session:
        return create_contact_tasks(session, ws.now())


def _deal_reminders(ws: Workspace, state: TickState) -> dict[str, int]:
    from crm_tui.scheduling.deal_reactions import react_to_deals

    with ws.write() as session:
        return react_to_deals(session, ws.now())


def _escalate(ws: Workspace, state: TickState) -> int:
    from crm_tui.domain.leads.deadlines import escalate_late_requests

    with ws.write() as session:
        return escalate_late_requests(session, ws.now())


def _daily(session: Unit, state: TickState) -> bool:
    return state.changed("day", "config")


def _mailboxes(session: Unit, state: TickState) -> bool:
    from crm_tui.domain.inbound.mailboxes import has_mailboxes

    return has_mailboxes(session)


def _read_mail(ws: Workspace, state: TickState) -> dict[str, Any]:
    from crm_tui.scheduling import inbound_mail

    return inbound_mail.run(ws).as_json()


def _letters_due(session: Unit, state: TickState) -> bool:
    from crm_tui.domain.campaigns.due import has_due

    return has_due(session, state.now)


def _send(ws: Workspace, state: TickState) -> dict[str, Any]:
    from crm_tui.scheduling import outbox_job

    return outbox_job.run(ws)


JOBS: list[Job] = [
    Job("segments", lambda session, state: state.changed(), _recompute, news_when_idle=True),
    Job("contact_tasks", _daily, _contact_tasks, news_when_idle=True),
    Job("deal_reminders", _daily, _deal_reminders, news_when_idle=True),
    # Asked every tick (an answer is due in minutes, not days), and not forced: nothing is late.
    Job("late_requests", lambda session, state: any_late(session, state.now), _escalate, forced=False),
    # The mailboxes (crm mailbox add), read when there is one; then the outbox, when a letter is
    # due or one was left "sending": mail read first, so a reply stops a letter due this tick.
    Job("mail", _mailboxes, _read_mail, forced=False),
    Job("outbox", _letters_due, _send, forced=False),
]
"""The tick's jobs, in the order they run."""


def register(job: Job) -> None:
    """Add a job to every later tick (its name is its key in the report)."""
    if any(known.name == job.name for known in JOBS):
        raise ValueError(f"a tick job named {job.name!r} exists already")
    JOBS.append(job)


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
    results: dict[str, Any] = field(default_factory=dict)
    """What every job that ran returned, by its name (the jobs added since have theirs here)."""

    def as_json(self) -> dict[str, Any]:
        shown = {
            "segments": self.segments.as_json() if self.segments is not None else None,
            "contact_tasks": self.contact_tasks,
            "deal_reminders": self.deal_reminders,
            "skipped": self.skipped,
            "late_requests": self.late_requests,
            "mail": None,
            "outbox": None,
        }
        for name, result in self.results.items():
            if shown.get(name) is None:
                shown[name] = result.as_json() if hasattr(result, "as_json") else result
        return shown

    @property
    def mail(self) -> dict[str, Any] | None:
        """What the mailboxes' reading did, ``None`` with no mailbox to read."""
        return self.results.get("mail")

    @property
    def outbox(self) -> dict[str, Any] | None:
        """What the outbox job did, ``None`` when no letter was due."""
        return self.results.get("outbox")


def run_tick(ws: Workspace, *, force: bool = False) -> TickReport:
    now = ws.now()
    with ws.read_core() as session:
        inputs = segment_inputs(session, now.astimezone(ws.tz).date())
        last = get_setting(session, TICK_KEY, {})
        last = last if isinstance(last, dict) else {}
        seen = last.get("inputs")
        state = TickState(
            now=now,
            today=now.astimezone(ws.tz).date(),
            force=force,
            inputs=inputs,
            seen=seen if isinstance(seen, dict) else {},
        )
        due = [job for job in JOBS if (force and job.forced) or job.has_work(session, state)]
    results = {job.name: job.run(ws, state) for job in due}
    remembered = {"inputs": inputs}
    if last != remembered:  # a tick that found what the last one did writes nothing
        with ws.write_core() as session:
            # The inputs as read before the jobs: a colleague's change while they ran makes the
            # next tick look again (the jobs themselves write no input: segments, tasks).
            put_setting(session, TICK_KEY, remembered, at=ws.now(), user_id=ws.viewer.user_id)
    return TickReport(
        segments=results.get("segments"),
        contact_tasks=results.get("contact_tasks", {}),
        deal_reminders=results.get("deal_reminders", {"stuck": 0, "idle": 0}),
        skipped=[job.name for job in JOBS if job.news_when_idle and job not in due],
        late_requests=results.get("late_requests", 0),
        results=results,
    )
