"""Finding a deal by what a person remembers of it: its title, or its client's name, INN, phone.

The query is read as the clients list's `/` reads it (``search_patterns``: any case, ё = е, a
phone in any spelling), and matched against the deal's folded title and, through the client
search (``indexed_condition``, the trigram index on a big base), its client's search text. Only
the deals the viewer may see (``visible_deals``), open ones first, then the latest changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_deals
from crm_tui.domain.clients.search import indexed_condition
from crm_tui.domain.clients.search_keys import search_patterns
from crm_tui.storage.models import DealStatus, clients, deals, stages

FOUND_DEALS = 10


@dataclass(frozen=True)
class FoundDeal:
    id: int
    title: str
    client: str
    stage: str
    status: str
    amount: int


def find_deals(session: Session, viewer: Viewer, query: str, limit: int = FOUND_DEALS) -> list[FoundDeal]:
    """Up to ``limit`` deals whose title or client matches ``query``; none for a blank query."""
    patterns = search_patterns(query)
    if not patterns:
        return []
    d = deals.c
    matching_clients = select(clients.c.id).where(indexed_condition(session, patterns))
    matches = or_(*(d.title_key.like(p, escape="\\") for p in patterns), d.client_id.in_(matching_clients))
    open_first = case((d.status == DealStatus.OPEN.value, 0), else_=1)
    rows = session.execute(
        select(d.id, d.title, clients.c.name, stages.c.name, d.status, d.amount)
        .select_from(deals.join(clients, clients.c.id == d.client_id).join(stages, stages.c.id == d.stage_id))
        .where(visible_deals(viewer), matches)
        .order_by(open_first, d.updated_at.desc(), d.id.desc())
        .limit(limit)
    )
    return [FoundDeal(*row) for row in rows]
