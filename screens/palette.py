"""Ctrl+P finds clients and deals too: type a name, an INN or a phone, Enter opens it.

The palette asks the domain's own searches, the clients list's `/` (``client_page``) and
``find_deals``, so it reads a query the same way (any case, ё = е, a phone in any spelling) and
shows only what the person may see. The database is read off the UI thread, at most
``FOUND`` clients and ``FOUND`` deals per query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from textual.command import Hit, Hits, Provider
from textual.markup import escape

from crm_tui.domain.clients.listing import ClientFilter, ClientRow, client_page
from crm_tui.domain.deals.search import FoundDeal, find_deals
from crm_tui.domain.values.formatting import money_figure
from crm_tui.domain.values.text import inert, literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.deal import DealScreen

FOUND = 10
SHORTEST_QUERY = 2
CLIENT_SCORE = 0.5
"""Below a close match of an action's name, so "Search" still comes first for "sea"."""
DEAL_SCORE = 0.45


@dataclass(frozen=True)
class Found:
    clients: list[ClientRow]
    deals: list[FoundDeal]


def find_records(ws: Workspace, query: str) -> Found:
    """The clients and deals ``query`` finds for the workspace's viewer, in one short read."""
    with ws.read() as session:
        clients = client_page(session, ws.viewer, ClientFilter(query=query), limit=FOUND).rows
        deals = find_deals(session, ws.viewer, query, limit=FOUND)
    return Found(clients, deals)


class RecordSearch(Provider):
    """Clients and deals by name, INN or phone; Enter opens a client's card or a deal."""

    def _workspace(self) -> Workspace | None:
        """The workspace of the screen under the palette (under its dialogs too); None while
        the app starts."""
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, CrmScreen):
                return screen.ws
        return None

    async def search(self, query: str) -> Hits:
        ws = self._workspace()
        text = query.strip()
        if ws is None or len(text) < SHORTEST_QUERY:
            return
        found = await asyncio.to_thread(find_records, ws, text)
        for client in found.clients:
            name = f"{client.legal_form} {client.name}" if client.legal_form else client.name
            facts = [_("client")] + [f for f in (client.inn, client.city, client.owner) if f]
            yield Hit(
                CLIENT_SCORE,
                literal(name),
                self._client_opener(client.id),
                text=inert(name),
                help=escape(inert(" · ".join(facts))),
            )
        for deal in found.deals:
            facts = [_("deal"), deal.client, deal.stage, money_figure(deal.amount)]
            yield Hit(
                DEAL_SCORE,
                literal(deal.title),
                self._deal_opener(ws, deal.id),
                text=inert(deal.title),
                help=escape(inert(" · ".join(facts))),
            )

    def _client_opener(self, client_id: int) -> Callable[[], object]:
        return lambda: self.app.post_message(ClientCardScreen.Open(client_id))

    def _deal_opener(self, ws: Workspace, deal_id: int) -> Callable[[], object]:
        return lambda: self.app.push_screen(DealScreen(ws, deal_id))
