"""Seed 000's drip running in the demo base (issue 24): the lost clients enrolled three weeks
ago, the letters of days 8, 15 and 20 sent, a few replies (on the timeline, a task on the
owner's desk), a few hard bounces and unsubscribes, a complaint, one letter uncertain: the campaigns and
statistics screens are alive on first start.

Letters are not handed to an SMTP server here (the demo has none): the rows a worker would have
sent are marked sent at their due time; replies, bounces and unsubscribes go through the
campaign functions a real mail channel calls.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from crm_tui.demo.plan import UserPlan
from crm_tui.domain.campaigns.answers import note_reply, unsubscribe
from crm_tui.domain.campaigns.complaints import note_complaint
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.examples import lost_drip
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft, add_campaign, steps_of
from crm_tui.domain.campaigns.stops import stop_recipients, suppress
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import open_workspace
from crm_tui.i18n import NC_, in_language
from crm_tui.storage.models import (
    ChannelKind,
    Direction,
    InteractionKind,
    OutboxState,
    Role,
    campaign_recipients,
    channels,
    clients,
    interactions,
    outbox,
)

ENROLLED_DAYS_AGO = 21
AUDIENCE = 80
NAME = NC_("demo", "Lost clients: letters on days 8, 15, 20")
SIGNATURE = NC_("demo", "Kind regards, {name}")
OWNERS_NAME = NC_("demo", "Owners of a rival's equipment: a trade-in offer")
OWNERS_STEPS = (
    (
        0,
        NC_("demo", "{{ client }}: your equipment in exchange for ours"),
        NC_(
            "demo",
            "Good afternoon, {{ name_patronymic }}!\n\n"
            "We take your current equipment as part of the price of ours until the end of the "
            "quarter. Reply to this letter and I will count what it gives you.\n\n"
            "{{ owner_signature }}\n{{ owner_name }}, {{ owner_phone }}",
        ),
        NC_(
            "demo",
            "<p>Good afternoon, {{ name_patronymic }}!</p>"
            "<p>We take your current equipment as part of the price of ours until the end of the quarter.</p>"
            "<p>{{ owner_signature }}<br>{{ owner_name }}, {{ owner_phone }}</p>",
        ),
    ),
    (
        10,
        NC_("demo", "{{ client }}: the trade-in ends this month"),
        NC_(
            "demo",
            "{{ name_patronymic }}, good afternoon!\n\n"
            "A reminder: the trade-in of your equipment holds until the end of the month.\n\n"
            "{{ owner_signature }}\n{{ owner_name }}, {{ owner_phone }}",
        ),
        None,
    ),
)
"""A second campaign, not enrolled yet: its audience is the installed base (clients who own a
competitor's product), for the campaign editor to open with an HTML part."""
REPLIES = (
    NC_("demo", "Good afternoon! Yes, we need a quote again, call me."),
    NC_("demo", "We have a new buyer now, please write to him."),
    NC_("demo", "Thank you, we will come back in spring."),
)


@dataclass(frozen=True)
class _Mail:
    sender: str | None
    in_reply_to: str | None


def _said(language: str, msgid: str) -> str:
    return in_language(language, msgid, context="demo")


def write_campaigns(
    engine: Engine, rng: random.Random, team: list[UserPlan], now: datetime, language: str
) -> int:
    """The drip and its three weeks; returns how many letters went out."""
    admin_login = next(u.login for u in team if u.role == Role.ADMIN)
    url = engine.url.render_as_string(hide_password=False)
    start = now - timedelta(days=ENROLLED_DAYS_AGO)
    admin = open_workspace(url, admin_login, clock=fixed_clock(start))
    for user in team:
        if user.role in (Role.MANAGER, Role.HEAD):
            set_sender(
                admin,
                SenderDraft(f"{user.login}@demo-firm.ru", user.full_name, login=user.login,
                            phone=f"+7 495 100-{user.id % 100:02d}-{user.id % 89:02d}",
                            signature=_said(language, SIGNATURE).format(name=user.full_name),
                            smtp_host="localhost", smtp_port=25, smtp_security="none", per_day=500),
            )  # fmt: skip
    name = _said(language, NAME)
    with admin.read() as session:
        draft = lost_drip(session, name)
    add_campaign(admin, draft)
    owners_steps = tuple(
        StepDraft(
            day, _said(language, subject), _said(language, text), _said(language, html) if html else None
        )
        for day, subject, text, html in OWNERS_STEPS
    )
    add_campaign(
        admin,
        CampaignDraft(_said(language, OWNERS_NAME), audience={"owns": "competitor"}, steps=owners_steps),
    )
    with engine.connect() as conn:
        lost = list(
            conn.scalars(
                select(clients.c.id)
                .where(clients.c.segment == "lost", clients.c.owner_id.is_not(None))
                .where(
                    clients.c.id.in_(
                        select(channels.c.client_id).where(channels.c.kind == ChannelKind.EMAIL.value)
                    )
                )
                .order_by(clients.c.id)
                .limit(AUDIENCE)
            )
        )
    if not lost:
        return 0
    replies = 0
    enrol(admin, name, lost)
    with admin.write() as session:
        campaign_id = int(
            session.scalar(select(campaign_recipients.c.campaign_id).limit(1)) or 0
        )  # the drip's
        steps = [int(s["id"]) for s in steps_of(session, campaign_id)]
        recipients = session.execute(
            select(campaign_recipients.c.id, campaign_recipients.c.client_id, campaign_recipients.c.address,
                   campaign_recipients.c.token)
            .where(campaign_recipients.c.campaign_id == campaign_id)
            .order_by(campaign_recipients.c.id)
        ).all()  # fmt: skip
        picked = rng.sample(list(recipients), min(len(recipients), 11))
        bounced, repliers, leavers = picked[:3], picked[3:9], picked[9:11]
        for row in bounced:  # the first letter comes back: the address does not exist
            moment = start + timedelta(days=8, hours=1)
            session.execute(
                update(outbox)
                .where(outbox.c.recipient_id == row.id, outbox.c.step_id == steps[0])
                .values(
                    state=OutboxState.FAILED.value,
                    attempts=1,
                    bounced=True,
                    last_error="550 5.1.1 No such user",
                )
            )
            suppress(session, str(row.address), "bounced", moment)
            stop_recipients(session, [int(row.id)], "bounced", moment)
        _send_due(session, campaign_id, steps[0], start + timedelta(days=8), rng)
        for n, row in enumerate(repliers):
            moment = start + timedelta(days=9, hours=rng.randint(1, 30))
            first = session.scalar(
                select(outbox.c.message_id).where(
                    outbox.c.recipient_id == row.id, outbox.c.step_id == steps[0]
                )
            )
            replies += len(note_reply(session, _Mail(str(row.address), str(first)), moment).tasks)
            session.execute(
                insert(interactions).values(
                    kind=InteractionKind.EMAIL.value, direction=Direction.INBOUND.value, channel="email",
                    occurred_at=moment, summary=_said(language, REPLIES[n % len(REPLIES)]),
                    client_id=row.client_id, created_at=moment,
                )
            )  # fmt: skip
        for row in leavers:
            unsubscribe(session, str(row.token), start + timedelta(days=12))
        for step, day in zip(steps[1:], (15, 20), strict=False):
            _send_due(session, campaign_id, step, start + timedelta(days=day), rng)
            if day == 15:  # someone presses "this is spam" on the second letter
                _complain(session, steps[1], {int(r.id) for r in picked}, start + timedelta(days=16))
        uncertain = session.scalar(
            select(outbox.c.id)
            .where(outbox.c.campaign_id == campaign_id, outbox.c.state == OutboxState.SENT.value)
            .order_by(outbox.c.id.desc())
            .limit(1)
        )
        session.execute(
            update(outbox)
            .where(outbox.c.id == uncertain)
            .values(state=OutboxState.UNCERTAIN.value, last_error="the worker stopped while sending")
        )
    return replies


def _complain(session: Session, step_id: int, picked: set[int], moment: datetime) -> None:
    """A feedback-loop report about one letter (as Mail.ru sends it), through the function the
    mailbox job calls: the address suppressed for "complaint", its last letter dropped."""
    row = session.execute(
        select(outbox.c.message_id, outbox.c.address)
        .where(outbox.c.step_id == step_id, outbox.c.state == OutboxState.SENT.value)
        .where(outbox.c.recipient_id.not_in(sorted(picked)))
        .order_by(outbox.c.id)
        .limit(1)
    ).first()
    if row is None:
        return
    report = (
        'From: "Mail.Ru FBL" <fbl@corp.mail.ru>\r\nSubject: FBL report\r\nMIME-Version: 1.0\r\n'
        'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"\r\n\r\n'
        "--arf\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
        "--arf\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: abuse\r\nUser-Agent: Mail.Ru FBL/1.0\r\nVersion: 1\r\n\r\n"
        f"--arf\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{row.message_id}>\r\n"
        f"To: {row.address}\r\n\r\n--arf--\r\n"
    )
    note_complaint(session, report.encode(), moment)


def _send_due(session: Session, campaign_id: int, step_id: int, moment: datetime, rng: random.Random) -> None:
    session.execute(
        update(outbox)
        .where(
            outbox.c.campaign_id == campaign_id,
            outbox.c.step_id == step_id,
            outbox.c.state == OutboxState.PENDING.value,
        )
        .values(
            state=OutboxState.SENT.value, attempts=1, sent_at=moment + timedelta(minutes=rng.randint(1, 90))
        )
    )
