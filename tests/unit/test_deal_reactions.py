"""`crm schedule tick` on deals: stuck and idle deals get one reminder, never two."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.settings import put_setting
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.deal_reactions import IDLE_DAYS_KEY
from crm_tui.scheduling.tick import run_tick
from crm_tui.storage.database import write_session
from crm_tui.storage.models import stages, tasks
from tests.seed import FROZEN_NOW, Seeded


def reminders(engine: Engine) -> dict[int, str]:
    t = tasks.c
    with write_session(engine) as session:
        rows = session.execute(
            select(t.deal_id, t.origin).where(t.origin.like("stuck:%") | t.origin.like("idle:%"))
        )
        return {r.deal_id: r.origin for r in rows}


def test_stuck_and_idle_deals_are_reminded_once(
    engine: Engine, seeded: Seeded, workspace_for: Callable[[str], Workspace]
) -> None:
    admin = workspace_for("admin")
    assert run_tick(admin).deal_reminders == {"stuck": 0, "idle": 0}  # nothing over the shipped limits
    with write_session(engine) as session:
        session.execute(update(stages).where(stages.c.code == "proposal").values(stuck_after_days=5))
        put_setting(session, IDLE_DAYS_KEY, 5, at=FROZEN_NOW, user_id=None)
    report = run_tick(admin)
    assert report.deal_reminders == {"stuck": 2, "idle": 1}
    d = seeded.deals
    assert reminders(engine) == {
        d["d_prop_stroy"]: f"stuck:{d['d_prop_stroy']}",  # 9 days in Proposal sent
        d["d_prop_metall"]: f"stuck:{d['d_prop_metall']}",  # 7 days
        d["d_await_romashka"]: f"idle:{d['d_await_romashka']}",  # 6 days without a touch
    }
    with write_session(engine) as session:
        title = session.scalar(select(tasks.c.title).where(tasks.c.origin == f"stuck:{d['d_prop_stroy']}"))
    assert title == "Stuck deal: Поставка: СтройМонтаж"
    assert run_tick(admin).deal_reminders == {"stuck": 0, "idle": 0}
