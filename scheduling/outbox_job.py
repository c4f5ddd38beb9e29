"""The outbox as a job of `crm schedule tick`: stop the recipients whose client got a deal,
then send what is due. ``has_work`` is two index probes, so a tick with nothing due costs
next to nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from crm_tui.domain.campaigns.due import has_due
from crm_tui.domain.campaigns.rows import stop_for_deals
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.outbox_send import send_outbox

NAME = "outbox"


def has_work(session: Session, now: datetime | None = None) -> bool:
    """A letter is due (a campaign's or a deal's documents) or one was left "sending"."""
    return has_due(session, now or datetime.now(UTC))


def run(ws: Workspace) -> dict[str, Any]:
    with ws.write() as session:
        stopped = stop_for_deals(session, ws.now())
    report = send_outbox(ws, check=False)
    return {"stopped_for_deals": stopped, **report.as_json()}
