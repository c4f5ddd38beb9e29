"""The shape of a demo base before any row is written: the team, who owns which client, and
how every deal ended.

Outcomes are decided up front so that a client's status (lead, prospect, customer) can be
written with the client itself and always agrees with its deals; the rows of deals are drawn
later, in batches, from a second random stream.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crm_tui.demo import vocabulary as v
from crm_tui.demo.forge import Forge
from crm_tui.storage.models import ClientStatus, Role

# How many managers each region gets, relative to the others (Москва first, as in REGIONS).
REGION_WEIGHTS = (2.0, 1.0, 1.0, 1.5, 1.0, 1.0, 1.0, 1.0)
# Share of clients a person owns: heads sell too, but less; the login's desk must be full.
MANAGER_WEIGHT, HEAD_WEIGHT, LOGIN_WEIGHT = 1.0, 0.3, 1.0
UNOWNED_SHARE = 0.02  # inbound leads nobody has picked up yet
OPEN_STAGES = 5  # positions 0..4 of the default pipeline are open; 5 is won, 6 is lost
WON, LOST = 5, 6
OUTCOME_WEIGHTS = (10, 9, 9, 6, 6, 38, 22)


@dataclass(frozen=True)
class SizeSpec:
    managers: int
    regions: int
    clients: int
    deals: int
    interactions: int
    tasks: int


SIZES = {
    "small": SizeSpec(managers=8, regions=3, clients=2_000, deals=1_500, interactions=20_000, tasks=1_200),
    "large": SizeSpec(
        managers=100, regions=8, clients=100_000, deals=200_000, interactions=1_000_000, tasks=50_000
    ),
    # Not offered by `crm demo`: a base the unit tests can build in a blink.
    "tiny": SizeSpec(managers=3, regions=2, clients=150, deals=120, interactions=600, tasks=80),
}


@dataclass
class UserPlan:
    id: int
    login: str
    full_name: str
    role: Role
    region: str | None
    weight: float
    created_at: datetime
    exists: bool  # the row is already there (same login): update it instead of inserting


@dataclass
class Book:
    """What every later phase needs to know about the clients, by client index (id - base)."""

    base_id: int
    owner: list[int | None] = field(default_factory=list)
    region: list[v.Region] = field(default_factory=list)
    city: list[v.City] = field(default_factory=list)
    created: list[datetime] = field(default_factory=list)
    status: list[ClientStatus] = field(default_factory=list)
    by_owner: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    engaged: list[int] = field(default_factory=list)  # clients that deals go to, most-active first
    # Deal skeleton: (client index, outcome 0..6, fresh) where fresh means "this month / this week".
    deals: list[tuple[int, int, bool]] = field(default_factory=list)
    deals_of: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    open_deals_of: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    contacts: list[range] = field(default_factory=list)  # contact ids of each client
    names: list[tuple[str, str | None]] = field(default_factory=list)  # name and INN of each client
    kinds: list[str] = field(default_factory=list)  # company or person, of each client

    def client_id(self, index: int) -> int:
        return self.base_id + 1 + index


def spread(total: int, weights: tuple[float, ...]) -> list[int]:
    """``total`` split by ``weights``, largest remainder first, so the parts always add up."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _login_for(person_surname: str, person_first: str, taken: set[str]) -> str:
    base = f"{v.translit(person_surname)}.{v.translit(person_first)[0]}"
    login, n = base, 2
    while login in taken:
        login, n = f"{base}{n}", n + 1
    taken.add(login)
    return login


def plan_team(
    rng: random.Random,
    forge: Forge,
    spec: SizeSpec,
    login: str,
    existing: dict[str, tuple[int, str]],
    max_id: int,
    now: datetime,
) -> list[UserPlan]:
    """The login first (head of Москва), then the admin, the other heads and the managers.

    ``existing`` maps logins already in the database to (id, full name): those rows are reused,
    so a database where the OS login was made the first admin still gets a demo built into it.
    """
    regions = v.REGIONS[: spec.regions]
    taken = {login}
    next_id = max_id
    plans: list[UserPlan] = []

    def add(user_login: str, full_name: str, role: Role, region: str | None, weight: float) -> None:
        nonlocal next_id
        created = now - timedelta(days=rng.uniform(120, 1500))
        if user_login in existing:
            user_id, old_name = existing[user_login]
            name = old_name if old_name and old_name != user_login else full_name
            plans.append(UserPlan(user_id, user_login, name, role, region, weight, created, True))
            return
        next_id += 1
        plans.append(UserPlan(next_id, user_login, full_name, role, region, weight, created, False))

    add(login, forge.person().full_name, Role.HEAD, regions[0].name, LOGIN_WEIGHT)
    admin_login = "admin" if login != "admin" else "admin2"
    taken.add(admin_login)
    add(admin_login, forge.person().full_name, Role.ADMIN, None, 0)
    for region in regions[1:]:
        head = forge.person()
        add(_login_for(head.surname, head.first, taken), head.full_name, Role.HEAD, region.name, HEAD_WEIGHT)
    counts = spread(spec.managers, REGION_WEIGHTS[: spec.regions])
    for region, count in zip(regions, counts, strict=True):
        for _ in range(count):
            person = forge.person()
            add(
                _login_for(person.surname, person.first, taken),
                person.full_name,
                Role.MANAGER,
                region.name,
                MANAGER_WEIGHT,
            )
    return plans


def plan_clients(
    rng: random.Random, spec: SizeSpec, team: list[UserPlan], base_id: int, now: datetime
) -> Book:
    """Owner, region, city and age of every client; a client lives in its owner's region."""
    book = Book(base_id=base_id)
    regions = {r.name: r for r in v.REGIONS[: spec.regions]}
    owners = [u for u in team if u.weight > 0]
    cum: list[float] = []
    total = 0.0
    for u in owners:
        total += u.weight
        cum.append(total)
    picks = rng.choices(owners, cum_weights=cum, k=spec.clients)
    region_list = list(regions.values())
    for index, owner in enumerate(picks):
        if rng.random() < UNOWNED_SHARE:
            region = rng.choices(region_list, REGION_WEIGHTS[: len(region_list)])[0]
            book.owner.append(None)
        else:
            assert owner.region is not None
            region = regions[owner.region]
            book.owner.append(owner.id)
            book.by_owner[owner.id].append(index)
        book.region.append(region)
        book.city.append(rng.choice(region.cities))
        days = rng.uniform(1, 180) if rng.random() < 0.3 else rng.uniform(180, 1100)
        book.created.append(now - timedelta(days=days, seconds=rng.randint(0, 86_399)))
    return book


def plan_deals(rng: random.Random, spec: SizeSpec, book: Book, login_id: int, base_id: int) -> None:
    """Which client every deal belongs to and how it ended; then each client's status.

    The login's first clients get a showcase (two open deals in every open stage, deals won this
    month, a fresh loss) so that "My sales" is full however the dice fall.
    """
    owned = [i for i, owner in enumerate(book.owner) if owner is not None]
    rng.shuffle(owned)
    book.engaged = owned[: max(1, min(len(owned), round(spec.deals * 0.6)))]
    mine = list(book.by_owner[login_id])
    rng.shuffle(mine)
    showcase = [(stage, True) for stage in range(OPEN_STAGES) for _ in range(2)]
    showcase += [(WON, True)] * 4 + [(LOST, True)]
    for n, (outcome, fresh) in enumerate(showcase[: spec.deals]):
        book.deals.append((mine[n % len(mine)], outcome, fresh))
    engaged = book.engaged
    outcomes = rng.choices(range(7), OUTCOME_WEIGHTS, k=spec.deals - len(book.deals))
    for outcome in outcomes:
        index = engaged[int(len(engaged) * rng.random() ** 1.6)]
        book.deals.append((index, outcome, False))
    won: set[int] = set()
    for k, (index, outcome, _fresh) in enumerate(book.deals):
        deal_id = base_id + 1 + k
        book.deals_of[index].append(deal_id)
        if outcome < OPEN_STAGES:
            book.open_deals_of[index].append(deal_id)
        elif outcome == WON:
            won.add(index)
    book.status = [
        ClientStatus.CUSTOMER
        if i in won
        else ClientStatus.PROSPECT
        if i in book.deals_of
        else ClientStatus.LEAD
        for i in range(len(book.owner))
    ]
