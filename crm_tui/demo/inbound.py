"""The week's calls, mail and form requests that came in by themselves (issue 23), so the
timelines and the inbox look like a working week: answered, missed and outgoing calls with
their recording links from the PBX, mail threads with clients (their letters and our replies),
strangers' letters and the site's forms as requests. Everything goes through the same functions
the receiver and the mailbox reader use (``log_calls``, ``log_mail``, ``log_form``, and
``keep_refusals`` for the forms the receiver refused since the site was last updated with an old
token: what an admin should notice on `H` and in `crm inbound source list`)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from crm_tui.demo.forge import Forge
from crm_tui.demo.plan import UserPlan
from crm_tui.domain.access.extensions import set_extension
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.inbound.forms import log_form
from crm_tui.domain.inbound.mail import log_mail
from crm_tui.domain.inbound.mailboxes import Mailbox, add_mailbox, keep_bookmark, note_reading, set_enabled
from crm_tui.domain.inbound.refusals import RefusalTally, keep_refusals
from crm_tui.domain.inbound.sources import Source, add_source, remember
from crm_tui.domain.interactions.call_events import CallEvent, CallResult, party
from crm_tui.domain.interactions.calls import log_calls
from crm_tui.domain.interactions.mail_events import Attachment, InboundMail
from crm_tui.domain.leads.intake import Request
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.i18n import NC_, in_language
from crm_tui.storage.models import ChannelKind, Direction, Role, channels, interactions, tasks

MOSCOW = ZoneInfo("Europe/Moscow")
OUR_LINE = "+74951234567"
LETTERS = (
    (
        NC_("demo", "Quote for the order"),
        NC_("demo", "Good afternoon! Please send a quote for the order we discussed."),
    ),
    (NC_("demo", "Delivery date"), NC_("demo", "When can you deliver? We need it by the end of the month.")),
    (
        NC_("demo", "Invoice"),
        NC_("demo", "Please issue an invoice for the agreed amount, our details are attached."),
    ),
    (NC_("demo", "Price list"), NC_("demo", "Could you send the current price list?")),
)
REPLY = NC_("demo", "Thank you, the quote is attached. I will call you tomorrow to discuss it.")
FORMS = NC_("demo", "Please call me back about {product}")
PRODUCTS = (NC_("demo", "roofing materials"), NC_("demo", "insulation"), NC_("demo", "electric cable"))


def _said(language: str, msgid: str) -> str:
    return in_language(language, msgid, context="demo")


def _moment(rng: random.Random, day: datetime) -> datetime:
    return datetime.combine(day.date(), time(9, 0), tzinfo=MOSCOW) + timedelta(minutes=rng.randint(0, 8 * 60))


def write_inbound(
    engine: Engine, rng: random.Random, team: list[UserPlan], now: datetime, language: str
) -> tuple[int, int]:
    """The week up to ``now``; returns the touches and the tasks (callbacks, answers) it added."""
    before = _counts(engine)
    admin_login = next(u.login for u in team if u.role == Role.ADMIN)
    url = engine.url.render_as_string(hide_password=False)
    admin = open_workspace(url, admin_login, tz=MOSCOW, clock=fixed_clock(now))
    sellers = [u for u in team if u.role in (Role.MANAGER, Role.HEAD)][:6]
    extensions = [str(101 + n) for n in range(len(sellers))]
    for user, extension in zip(sellers, extensions, strict=True):
        set_extension(admin, user.login, extension)
    form = add_source(admin, "site-form", "form").source
    # The PBX's webhook source: the secret stands for the vendor's API secret (never a real one).
    pbx = add_source(admin, "zadarma", "zadarma", secret="demo-not-a-real-secret").source
    with engine.connect() as conn:
        phones = list(
            conn.scalars(
                select(channels.c.raw)
                .where(channels.c.kind == ChannelKind.PHONE.value)
                .order_by(channels.c.id)
                .limit(200)
            )
        )
        emails = list(
            conn.scalars(
                select(channels.c.value)
                .where(channels.c.kind == ChannelKind.EMAIL.value)
                .order_by(channels.c.id)
                .limit(200)
            )
        )
    forge = Forge(rng)
    # The shared mailbox, as an admin adds it (its password in an environment variable nobody
    # set), switched off: the demo has no mail server, so nothing tries one; its letters below
    # are logged as its reading would log them, and the reading is recorded as done.
    sales = add_mailbox(
        admin, "sales", "imaps://sales@our-firm.ru@mail.our-firm.ru", password_env="CRM_DEMO_SALES_PASSWORD"
    )
    set_enabled(admin, sales.name, False)
    logged = 0
    read = 0
    last_form = now - timedelta(days=7)
    for days_ago in range(6, -1, -1):
        day = now - timedelta(days=days_ago)
        if day.astimezone(MOSCOW).weekday() >= 5:
            continue
        stamp = day.astimezone(MOSCOW).strftime("%Y%m%d")
        events = [
            _call(rng, forge, phones, extensions, _moment(rng, day), f"demo-{stamp}-{n}") for n in range(20)
        ]
        events = [e for e in events if e.started_at < now]
        for event in sorted(events, key=lambda e: e.started_at):  # one webhook each, as the PBX sends
            outcome = next(iter(log_calls(admin, [event]).outcomes), "again")
            _heard(admin, pbx, [(f"NOTIFY_END:{event.call_id}", event.started_at)], outcome)
            logged += 1
        letters = _letters(admin, rng, forge, sales, emails, day, now, stamp, language)
        logged += letters
        read += letters
        for n in range(rng.randint(1, 3)):
            at = _moment(rng, day)
            if at >= now or not phones:
                continue
            person = forge.person()
            product = _said(language, rng.choice(PRODUCTS))
            request = Request(
                name=f"{person.first} {person.surname}",
                phone=forge.mobile().raw,
                email=forge.personal_email(person),
                message=_said(language, FORMS).format(product=product),
                utm_source="yandex",
                utm_medium="cpc",
                received_at=at,
            )
            outcome = log_form(replace(admin, clock=fixed_clock(at)), form, f"demo-{stamp}-{n}", request)
            _heard(admin, form, [(f"demo-{stamp}-{n}", at)], outcome)
            last_form = max(last_form, at)
            logged += 1
    _refused_forms(admin, form, last_form, now)
    last = now - timedelta(hours=1)
    for folder, uid in (("INBOX", 1000 + read), ("Sent", 400 + read // 2)):
        keep_bookmark(replace(admin, clock=fixed_clock(last)), sales, folder, 1733000000, uid)
    note_reading(replace(admin, clock=fixed_clock(last)), sales, read, None)
    after = _counts(engine)
    return after[0] - before[0], after[1] - before[1]


def _heard(admin: Workspace, source: Source, events: list[tuple[str, datetime]], outcome: str) -> None:
    """The receiver's record of the events, as if they had come by webhook: the inbound screen
    shows each source's count and its last event."""
    for event_id, at in events:
        remember(replace(admin, clock=fixed_clock(at)), source, event_id, outcome)


def _refused_forms(admin: Workspace, form: Source, last_form: datetime, now: datetime) -> None:
    """The site's form refused four times since its last request came in: the site was updated
    with an old token (its requests answered 401, nothing of them kept), which the admin sees in
    red on the source until a request comes in again."""
    at = min(max(last_form + timedelta(minutes=40), now - timedelta(minutes=25)), now - timedelta(minutes=1))
    keep_refusals(admin, {form.id: RefusalTally(4, at, 401, "inbound.token")})


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(interactions)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(tasks)).scalar_one()),
        )


def _call(
    rng: random.Random, forge: Forge, phones: list[str], extensions: list[str], at: datetime, call_id: str
) -> CallEvent:
    outgoing = rng.random() < 0.3
    number = rng.choice(phones) if phones and (outgoing or rng.random() < 0.75) else forge.mobile().raw
    roll = rng.random()
    result = CallResult.ANSWERED if roll < 0.75 else CallResult.MISSED if roll < 0.93 else CallResult.BUSY
    if outgoing and result is CallResult.MISSED:
        result = CallResult.BUSY
    talk = rng.randint(40, 900) if result is CallResult.ANSWERED else 0
    answered = result is CallResult.ANSWERED
    return CallEvent(
        source="zadarma",
        call_id=call_id,
        direction=Direction.OUTBOUND if outgoing else Direction.INBOUND,
        started_at=at,
        other=party(number),
        line=OUR_LINE,
        extension=rng.choice(extensions) if extensions and (answered or outgoing) else None,
        talk_s=talk,
        result=result,
        recording=f"https://pbx.our-firm.ru/rec/{call_id}.mp3" if answered else None,
    )


def _letters(
    admin: Workspace,
    rng: random.Random,
    forge: Forge,
    sales: Mailbox,
    emails: list[str],
    day: datetime,
    now: datetime,
    stamp: str,
    language: str,
) -> int:
    """A client's letter and our reply an hour later; a stranger's letter: a request."""
    logged = 0
    for n in range(rng.randint(2, 4)):
        at = _moment(rng, day)
        if at + timedelta(hours=1) >= now or not emails:
            continue
        subject, text = (_said(language, m) for m in rng.choice(LETTERS))
        stranger = rng.random() < 0.25
        sender = forge.personal_email(forge.person()) if stranger else rng.choice(emails)
        letter = InboundMail(
            message_id=f"{stamp}.{n}@demo.invalid",
            sender=sender,
            sender_name="",
            recipients=("sales@our-firm.ru",),
            subject=subject,
            sent_at=at,
            text=text,
            attachments=(),
            robot=None,
            in_reply_to=None,
        )
        log_mail(replace(admin, clock=fixed_clock(at)), sales, letter, sent=False)
        logged += 1
        if stranger:
            continue
        later = at + timedelta(minutes=rng.randint(20, 90))
        reply = replace(
            letter,
            message_id=f"re-{stamp}.{n}@our-firm.ru",
            sender="sales@our-firm.ru",
            recipients=(sender,),
            subject=f"Re: {subject}",
            sent_at=later,
            text=_said(language, REPLY),
            attachments=(Attachment(f"КП-{stamp}-{n}.pdf", rng.randint(80_000, 400_000)),),
            in_reply_to=letter.message_id,
        )
        log_mail(replace(admin, clock=fixed_clock(later)), sales, reply, sent=True)
        logged += 1
    return logged
