"""What the intake asks about a request's numbers, asked once for a transaction's many requests.

A request's intake looks its numbers up three times: on the exclusion list, among the open
requests (the oldest whose valid address it is takes the message as a touch), and among the
clients (a client's number makes it a repeat request). A file of calls brings its strangers a
chunk at a time, each once through the intake; those three lookups were half of a stranger's
cost. ``Senders`` answers them for the chunk's numbers from three queries, the same as each
query would for one request, and is told of every request the transaction opens, so a later
request from the same number finds it as the query would.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.leads.records import OPEN_STATUSES
from crm_tui.storage.bulk import among
from crm_tui.storage.models import ChannelKind, channels, lead_addresses, lead_exclusions, leads


class Senders:
    """The exclusions, open requests and clients of ``phones``, read at once."""

    def __init__(self, session: Session, phones: Collection[str]) -> None:
        self.phones = frozenset(phones)
        listed = sorted(self.phones)
        e, a, ld, ch = lead_exclusions.c, lead_addresses.c, leads.c, channels.c
        self._actions: dict[str, set[str]] = {}
        self._open: dict[str, tuple[int, int | None]] = {}
        self._clients: dict[str, int] = {}
        if not listed:
            return
        for value, action in session.execute(
            select(e.value, e.action).where(
                e.kind == ChannelKind.PHONE.value, among(session, e.value, listed)
            )
        ):
            self._actions.setdefault(str(value), set()).add(str(action))
        for value, lead_id, client_id in session.execute(
            select(a.value, ld.id, ld.client_id)
            .select_from(lead_addresses.join(leads, ld.id == a.lead_id))
            .where(
                a.kind == ChannelKind.PHONE.value,
                among(session, a.value, listed),
                a.valid.is_(True),
                ld.status.in_(OPEN_STATUSES),
            )
            .order_by(ld.id)
        ):
            self._open.setdefault(str(value), (int(lead_id), client_id))
        for value, client_id in session.execute(
            select(ch.value, ch.client_id).where(
                ch.kind == ChannelKind.PHONE.value, among(session, ch.value, listed)
            )
        ):
            self._clients[str(value)] = min(int(client_id), self._clients.get(str(value), int(client_id)))

    def covers(self, phones: Sequence[str], emails: Sequence[str]) -> bool:
        """Whether a request with these numbers and addresses is answered here."""
        return not emails and all(p in self.phones for p in phones)

    def excluded(self, phones: Sequence[str]) -> str | None:
        """``setup.excluded``: the action of the exclusion hit (``drop`` wins), or None."""
        actions = set().union(*(self._actions.get(p, set()) for p in phones))
        return "drop" if "drop" in actions else ("junk" if actions else None)

    def open_lead(self, phones: Sequence[str]) -> tuple[int, int | None] | None:
        """``intake._open_lead``: the oldest open request from one of the numbers."""
        found = [self._open[p] for p in phones if p in self._open]
        return min(found) if found else None

    def client(self, phones: Sequence[str]) -> int | None:
        """The first client (by id) holding one of the numbers, as ``who_has`` lists them."""
        found = [self._clients[p] for p in phones if p in self._clients]
        return min(found) if found else None

    def opened(self, lead_id: int, client_id: int | None, phones: Sequence[str]) -> None:
        """A request of this transaction is open with these valid numbers."""
        for p in phones:
            if p in self.phones:
                self._open.setdefault(p, (lead_id, client_id))
