"""Whose a new request is (seed 003: to the right manager at once).

In this order: the owner of the client it came from (matched by the intake); else the first of
the admin's rules (by position) whose channel, source, line and region fit, giving it to the
manager of the rule's pool with the fewest open requests among those working now (turns: on a
tie, the one who got a request longest ago); else nobody: the region's queue, where the
region's managers take it, and its answer task goes to the region's head. A request with no
region either waits in the common queue every region's people see (``capabilities.covers``), its
answer task with an admin, until somebody takes it or a head gives it to a manager; it then
takes its owner's region. `crm leads routing list` warns about channels no rule routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, can_own_clients, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.deals.moves import head_for
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.leads.hours import TeamHours, is_working
from crm_tui.domain.leads.setup import find_source
from crm_tui.domain.values.text import normalise_text
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import LeadChannel, LeadStatus, lead_routes, lead_sources, leads, users

OPEN_STATUSES = (LeadStatus.NEW.value, LeadStatus.IN_WORK.value)


@dataclass(frozen=True)
class Routed:
    owner_id: int | None
    """Empty: the region's queue."""
    answerer: int | None
    """Who gets the "Answer the request" task: the owner, or the region's head."""
    how: str


@dataclass(frozen=True)
class RouteRow:
    id: int
    position: int
    channel: str | None
    source: str | None
    line: str | None
    region: str | None
    pool: list[str]


class Router:
    """Routing for the requests of one transaction: the rules, each pool's people and their
    open requests are read once (a file of calls routes hundreds of strangers in a chunk), and
    each request given an owner here is counted in memory as the database would count it, so
    the turns come out as if each request had been routed on its own."""

    def __init__(self, session: Session, hours: TeamHours) -> None:
        self.session = session
        self.hours = hours
        self._rules: list[Any] | None = None
        self._people: dict[tuple[int, ...], list[int]] = {}
        self._load: dict[int, int] = {}
        self._last: dict[int, float] = {}
        self._heads: dict[str | None, int | None] = {}
        self._regions: dict[int, str | None] = {}

    def _count(self, ids: list[int]) -> None:
        missing = [p for p in ids if p not in self._load]
        if not missing:
            return
        ld = leads.c
        load: dict[Any, int] = dict(
            self.session.execute(
                select(ld.owner_id, func.count(ld.id))
                .where(ld.owner_id.in_(missing), ld.status.in_(OPEN_STATUSES))
                .group_by(ld.owner_id)
            ).all()
        )
        last = dict(
            self.session.execute(
                select(ld.owner_id, func.max(ld.assigned_at))
                .where(ld.owner_id.in_(missing))
                .group_by(ld.owner_id)
            ).all()
        )
        for person in missing:
            self._load[person] = int(load.get(person, 0))
            moment = last.get(person)
            self._last[person] = moment.timestamp() if moment is not None else 0.0

    def assigned(self, owner: int | None, at: datetime) -> None:
        """A request of this transaction went to ``owner`` (by the rules or as its client's)."""
        if owner is not None and owner in self._load:
            self._load[owner] += 1
            self._last[owner] = max(self._last[owner], at.timestamp())

    def pick(self, pool: Sequence[int], now: datetime) -> int | None:
        """The pool's active manager working now with the fewest open requests; on a tie the
        one whose last request is oldest, then the first by id. Nobody working now: the whole
        pool (the answer is due in working minutes anyway)."""
        key = tuple(pool)
        if key not in self._people:
            u = users.c
            self._people[key] = [
                int(row.id)
                for row in self.session.execute(
                    select(u.id, u.role).where(u.id.in_(list(pool)), u.active.is_(True))
                )
                if can_own_clients(row.role)
            ]
        ids = self._people[key]
        if not ids:
            return None
        working = [p for p in ids if is_working(self.hours.of(p), now)] or ids
        self._count(working)
        return int(min(working, key=lambda p: (self._load[p], self._last[p], p)))

    def region_of(self, person: int) -> str | None:
        """``person``'s region: a request given to somebody without a region of its own is in
        theirs, so their head sees it as the region's."""
        if person not in self._regions:
            self._regions[person] = self.session.scalar(select(users.c.region).where(users.c.id == person))
        return self._regions[person]

    def head(self, region: str | None) -> int | None:
        if region not in self._heads:
            self._heads[region] = head_for(self.session, region)
        return self._heads[region]

    def route(
        self, *, channel: str, source_id: int | None, line: str | None, region: str | None, now: datetime
    ) -> Routed:
        """The owner by the rules, else the region's queue (its head answers)."""
        if self._rules is None:
            r = lead_routes.c
            self._rules = list(
                self.session.execute(
                    select(r.id, r.channel, r.source_id, r.line, r.region, r.pool).order_by(r.position, r.id)
                )
            )
        for rule in self._rules:
            if rule.channel not in (None, channel) or rule.source_id not in (None, source_id):
                continue
            if rule.line not in (None, line) or rule.region not in (None, region):
                continue
            pool = [p for p in rule.pool or [] if isinstance(p, int)]
            chosen = self.pick(pool, now)
            if chosen is not None:
                return Routed(chosen, chosen, f"rule:{rule.id}")
        return Routed(None, self.head(region), "head")


def pick_from_pool(session: Session, pool: Sequence[int], hours: TeamHours, now: datetime) -> int | None:
    """``Router.pick`` for one request."""
    return Router(session, hours).pick(pool, now)


def route(
    session: Session,
    *,
    channel: str,
    source_id: int | None,
    line: str | None,
    region: str | None,
    hours: TeamHours,
    now: datetime,
) -> Routed:
    """``Router.route`` for one request."""
    return Router(session, hours).route(
        channel=channel, source_id=source_id, line=line, region=region, now=now
    )


INBOUND_CHANNELS = (LeadChannel.CALL, LeadChannel.EMAIL, LeadChannel.WEB_FORM, LeadChannel.MESSENGER)
"""The channels requests come in by themselves (a person typing one in is its region's)."""


def unrouted_channels(rules: Sequence[RouteRow]) -> list[str]:
    """The inbound channels whose requests naming no region no rule catches whatever their
    source or line: those wait in the common queue, which the admin should know of."""
    catching = {r.channel for r in rules if r.region is None and r.source is None and r.line is None}
    if None in catching:
        return []
    return [c.value for c in INBOUND_CHANNELS if c.value not in catching]


def list_routes(session: Session) -> list[RouteRow]:
    r, s = lead_routes.c, lead_sources.c
    logins = dict(session.execute(select(users.c.id, users.c.login)).all())
    rows = session.execute(
        select(r.id, r.position, r.channel, s.name, r.line, r.region, r.pool)
        .select_from(lead_routes.outerjoin(lead_sources, s.id == r.source_id))
        .order_by(r.position, r.id)
    )
    return [
        RouteRow(rid, pos, channel, source, line, region, [logins.get(p, str(p)) for p in pool or []])
        for rid, pos, channel, source, line, region, pool in rows
    ]


def add_route(
    ws: Workspace,
    pool: Sequence[str],
    *,
    channel: str = "",
    source: str = "",
    line: str = "",
    region: str = "",
) -> int:
    """A rule at the end of the list: requests that fit go to the pool's logins, in turns."""
    require(ws.viewer, Capability.CONFIGURE_LEADS)
    if channel and channel not in {c.value for c in LeadChannel}:
        raise InvalidInput(
            "lead_route.channel",
            N_("channel: one of {choices}, not {text!r}"),
            choices=", ".join(c.value for c in LeadChannel),
            text=channel,
        )
    now = ws.now()
    with ws.write() as session:
        u = users.c
        ids: list[int] = []
        for login in pool:
            row = session.execute(select(u.id, u.role, u.active).where(u.login == login.strip())).first()
            if row is None or not row.active or not can_own_clients(row.role):
                raise InvalidInput(
                    "lead_route.pool", N_("pool: {login!r} is not an active manager"), login=login
                )
            ids.append(int(row.id))
        if not ids:
            raise InvalidInput("lead_route.pool_empty", N_("pool: name at least one manager"))
        source_id = None
        if source.strip():
            source_id = find_source(session, name=source)
            if source_id is None:
                raise InvalidInput("lead.source_unknown", N_("source: no source {name!r}"), name=source)
        position = int(session.scalar(select(func.coalesce(func.max(lead_routes.c.position), 0))) or 0) + 1
        values = {
            "position": position,
            "channel": channel or None,
            "source_id": source_id,
            "line": line.strip() or None,
            "region": normalise_text(region).value,
            "pool": ids,
            "created_at": now,
            "user_id": ws.viewer.user_id,
        }
        route_id = int(
            session.execute(insert(lead_routes).values(values).returning(lead_routes.c.id)).scalar_one()
        )
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="lead_route", entity_id=route_id,
            action="create", changes={k: v for k, v in values.items() if k not in ("created_at", "user_id")},
        )  # fmt: skip
    return route_id


def remove_route(ws: Workspace, route_id: int) -> None:
    require(ws.viewer, Capability.CONFIGURE_LEADS)
    now = ws.now()
    with ws.write() as session:
        done = session.connection().execute(delete(lead_routes).where(lead_routes.c.id == route_id))
        if done.rowcount == 0:
            raise not_found("lead_route", route_id)
        audit.record(
            session, at=now, user_id=ws.viewer.user_id, entity="lead_route", entity_id=route_id,
            action="delete", changes={},
        )  # fmt: skip
