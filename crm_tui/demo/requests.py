"""A week of requests in the demo base (issue 22), so the inbox, the desk's tile and the leads
report are alive on first start: calls, e-mails, web forms, messengers, walk-ins, from
advertising sources with routing rules; some from clients the base knows (repeat requests), a
spam number on the exclusion list, and a week's outcomes: most answered (a few late), some
converted (linked to the demo client they turned out to be: the demo's counts of clients,
deals and channels stay what its size promises), some junk, some still new and overdue today.

Unlike the bulk of the demo these go through the intake and the actions a person would use
(``domain.leads``), as the demo's admin at each request's moment: routing, deadlines, tasks and
matching are the app's own, and a few hundred requests cost a few seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from crm_tui.demo.forge import Forge
from crm_tui.demo.plan import UserPlan
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.errors import DomainError
from crm_tui.domain.interactions import InteractionKind
from crm_tui.domain.leads.conversion import link_request
from crm_tui.domain.leads.deadlines import escalate_late_requests
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.leads.routing import add_route
from crm_tui.domain.leads.setup import add_exclusion, add_source
from crm_tui.domain.leads.work import answer_request, junk_request
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.i18n import NC_, in_language
from crm_tui.storage.database import write_session
from crm_tui.storage.models import ChannelKind, Role, channels, clients, interactions, tasks

MOSCOW = ZoneInfo("Europe/Moscow")
PER_DAY = (10, 18)
SPAM = "+79990000000"

SOURCES = (
    # (msgid, line, utm_source, minutes)
    (NC_("demo", "Yandex Direct"), None, "yandex", 15),
    (NC_("demo", "Website form"), "site-form", None, 30),
    (NC_("demo", "Toll-free line 8-800"), "+78005553535", None, 10),
    (NC_("demo", "Trade show"), None, None, 60),
    (NC_("demo", "Referral"), None, None, None),
)
ASKED = (
    NC_("demo", "Please send the price list for {product}"),
    NC_("demo", "How soon can you deliver {product}?"),
    NC_("demo", "We need a quote for {product}, about 20 units"),
    NC_("demo", "Is there a discount on {product} for a regular order?"),
    NC_("demo", "Call me back about {product}, please"),
    NC_("demo", "Do you have {product} in stock in our city?"),
)
PRODUCTS = (
    NC_("demo", "rolled metal"), NC_("demo", "roofing materials"), NC_("demo", "ventilation equipment"),
    NC_("demo", "electric cable"), NC_("demo", "pumping equipment"), NC_("demo", "sandwich panels"),
    NC_("demo", "boiler equipment"), NC_("demo", "insulation"),
)  # fmt: skip
ANSWERS = (
    NC_("demo", "Called back: sent the price list, they compare with two suppliers"),
    NC_("demo", "Answered by e-mail with the quote"),
    NC_("demo", "Spoke to them: a meeting on Thursday"),
    NC_("demo", "Left a message, will call again tomorrow"),
)
CHANNELS = (("call", 30), ("email", 15), ("web_form", 30), ("messenger", 12), ("walk_in", 5), ("manual", 8))


def _said(language: str, msgid: str) -> str:
    return in_language(language, msgid, context="demo")


def _working_moment(rng: random.Random, day: datetime) -> datetime:
    local = datetime.combine(day.date(), time(9, 0), tzinfo=MOSCOW) + timedelta(
        minutes=rng.randint(0, 8 * 60)
    )
    return local.astimezone(day.tzinfo)


def _setup(admin: Workspace, language: str, team: list[UserPlan]) -> None:
    for msgid, line, utm, minutes in SOURCES:
        add_source(admin, _said(language, msgid), line=line or "", utm_source=utm or "", minutes=minutes)
    managers = [u for u in team if u.role in (Role.MANAGER, Role.HEAD) and u.region]
    regions = sorted({u.region for u in managers if u.region})
    first = [u.login for u in managers if u.region == regions[0]][:4]
    add_route(admin, first, channel="web_form")
    add_route(admin, first, channel="call", line="+78005553535")
    for region in regions[1:]:
        pool = [u.login for u in managers if u.region == region][:3]
        if pool:
            add_route(admin, pool, region=region)
    # what names no region (a stranger's call to the office, a letter, a Telegram message) goes
    # to the first region's pool rather than waiting in the common queue
    for channel in ("call", "email", "messenger"):
        add_route(admin, first, channel=channel)
    add_exclusion(admin, SPAM, action="junk")


@dataclass(frozen=True)
class Requests:
    received: int
    touches: int
    tasks: int


def write_requests(
    engine: Engine, rng: random.Random, team: list[UserPlan], now: datetime, language: str
) -> Requests:
    """A week of requests up to ``now``: how many were received, and the touches and tasks they
    made."""
    admin_login = next(u.login for u in team if u.role == Role.ADMIN)
    url = engine.url.render_as_string(hide_password=False)
    admin = open_workspace(url, admin_login, tz=MOSCOW, clock=fixed_clock(now))
    _setup(admin, language, team)
    forge = Forge(rng)
    with engine.connect() as conn:
        linkable = list(conn.scalars(select(clients.c.id).order_by(clients.c.id).limit(300)))
        known = [
            row[0]
            for row in conn.execute(
                select(channels.c.raw)
                .where(channels.c.kind == ChannelKind.PHONE.value)
                .order_by(channels.c.id)
                .limit(500)
            )
        ]
    regions = sorted({u.region for u in team if u.region})
    sources = [_said(language, s[0]) for s in SOURCES]
    kinds, weights = zip(*CHANNELS, strict=True)
    made = 0
    for days_ago in range(6, -1, -1):
        day = now - timedelta(days=days_ago)
        if day.astimezone(MOSCOW).weekday() >= 5:
            continue
        for _ in range(rng.randint(*PER_DAY)):
            at = _working_moment(rng, day)
            if at >= now:
                continue
            ws = replace(admin, clock=fixed_clock(at))
            channel = rng.choices(kinds, weights)[0]
            person = forge.person()
            product = _said(language, rng.choice(PRODUCTS))
            pick = rng.random()
            phone = rng.choice(known) if pick < 0.15 and known else SPAM if pick < 0.2 else forge.mobile().raw
            email = forge.personal_email(person) if channel in ("email", "web_form") else ""
            request = Request(
                name=f"{person.first} {person.surname}",
                company=f"ООО «{forge.brand()}»" if rng.random() < 0.6 else "",
                phone="" if channel == "email" else phone,
                email=email,
                messenger=forge.messenger(person) if channel == "messenger" else "",
                message=_said(language, rng.choice(ASKED)).format(product=product),
                product=product,
                channel=channel,
                source=rng.choice(sources) if channel not in ("email", "walk_in") else "",
                utm_source="yandex" if channel == "web_form" and rng.random() < 0.5 else "",
                region=rng.choice(regions) if regions else "",
            )
            got = receive(ws, request)
            made += 1
            if got.outcome not in ("new", "repeat") or got.lead_id is None:
                continue
            _work(admin, rng, got.lead_id, at, got.answer_due_at, now, language, linkable)
    with write_session(engine) as session:
        escalate_late_requests(session, now)
        touches = session.scalar(
            select(func.count()).select_from(interactions).where(interactions.c.lead_id.is_not(None))
        )
        made_tasks = session.scalar(
            select(func.count()).select_from(tasks).where(tasks.c.origin.like("lead%"))
        )
    return Requests(made, int(touches or 0), int(made_tasks or 0))


def _work(
    admin: Workspace,
    rng: random.Random,
    lead_id: int,
    at: datetime,
    due: datetime | None,
    now: datetime,
    language: str,
    clients_to_link: list[int],
) -> None:
    """What became of a request by ``now``: answered (in time, mostly), then converted, junk or
    left in work; today's are often still waiting."""
    fresh = now - at < timedelta(hours=3)
    if fresh and rng.random() < 0.6:
        return  # still new: the inbox's top, overdue if its time is up
    late = rng.random() < 0.2
    delay = (due - at if due else timedelta(minutes=15)) * (1.5 if late else rng.uniform(0.2, 0.9))
    answered_at = min(at + delay, now)
    try:
        answer_request(
            replace(admin, clock=fixed_clock(answered_at)), lead_id, InteractionKind.CALL,
            _said(language, rng.choice(ANSWERS)),
        )  # fmt: skip
        if fresh:
            return
        pick = rng.random()
        later = replace(admin, clock=fixed_clock(min(answered_at + timedelta(hours=rng.randint(1, 30)), now)))
        if pick < 0.3 and clients_to_link:
            link_request(later, lead_id, rng.choice(clients_to_link))
        elif pick < 0.42:
            junk_request(later, lead_id, rng.choice(("wrong_number", "not_our_product", "duplicate")))
    except DomainError:  # a colleague's rule the demo did not foresee: leave the request as it is
        return
