"""The receiver's refusals kept on their source: how many, and the last one's status and code.

A refused request writes nothing of what it carried, but the admin must see that a site's forms
are being refused (a token changed on one side only, a flood over the rate): the count and the
last refusal are kept on the source and shown by `crm inbound source list` and the inbound
screen. The receiver tallies them in memory and writes them a few at a time, so a flood of bad
requests does not become a flood of writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import inbound_sources


@dataclass(frozen=True, slots=True)
class RefusalTally:
    """Refusals of one source since the last write: how many, and the last one."""

    count: int
    at: datetime
    status: int
    code: str


def keep_refusals(ws: Workspace, tallies: Mapping[int, RefusalTally]) -> None:
    """Add each source's tally to its count and keep its last refusal (one short write)."""
    if not tallies:
        return
    c = inbound_sources.c
    with ws.write() as session:
        for source_id, tally in tallies.items():
            session.execute(
                update(inbound_sources)
                .where(c.id == source_id)
                .values(
                    refused=c.refused + tally.count, refused_at=tally.at, refused_status=tally.status,
                    refused_code=tally.code[:32],
                )
            )  # fmt: skip
