"""A campaign's figures, per campaign and per step, and the recipients behind each of them.

Per step: its letters sent, failed, uncertain, bounced; a stop (a reply, an unsubscribe) counts
for the last letter the recipient had got before it, and so does a deal: a step's deals are the
recipients whose first deal was opened within 30 days after that step's letter with no later
letter between (one step at most per deal: a step is credited with what came after it, not
before). The campaign's deals: opened within 30 days of entering it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.access.visibility import visible_recipients
from crm_tui.domain.campaigns.setup import find_campaign, steps_of
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import campaign_recipients, clients, deals, outbox

DEAL_WINDOW = timedelta(days=30)
NUMBERS = ("enrolled", "sent", "failed", "uncertain", "bounced", "unsubscribed", "replied", "deals")
"""What a campaign counts; ``recipients_behind`` lists the recipients of each."""
LETTER_NUMBERS = ("sent", "failed", "uncertain", "bounced")
"""Counted in letters for the whole campaign (a recipient gets one per step)."""


@dataclass
class Figures:
    enrolled: int = 0
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    bounced: int = 0
    unsubscribed: int = 0
    replied: int = 0
    deals: int = 0
    reached: int = 0
    """Recipients who got at least one letter (of the step): what the reply rate is of."""

    @property
    def reply_rate(self) -> float:
        return self.replied / self.reached if self.reached else 0.0

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "reply_rate": round(self.reply_rate, 4)}


@dataclass
class CampaignStats:
    campaign: str
    status: str
    total: Figures
    steps: list[tuple[int, int, Figures]] = field(default_factory=list)
    """(position, day offset, figures) of each step."""

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "status": self.status,
            "total": self.total.as_json(),
            "steps": [{"step": p, "day": d, **f.as_json()} for p, d, f in self.steps],
        }


def _behind(session: Session, campaign_id: int) -> dict[tuple[str, int | None], set[int]]:
    """Recipient ids behind each (number, step position or None for the campaign)."""
    steps = {int(s["id"]): int(s["position"]) for s in steps_of(session, campaign_id)}
    found: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    recipients = session.execute(
        select(
            campaign_recipients.c.id,
            campaign_recipients.c.client_id,
            campaign_recipients.c.enrolled_at,
            campaign_recipients.c.stop_reason,
            campaign_recipients.c.stopped_at,
            campaign_recipients.c.replied_at,
        ).where(campaign_recipients.c.campaign_id == campaign_id)
    ).all()
    letters: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for row in session.execute(
        select(
            outbox.c.recipient_id, outbox.c.step_id, outbox.c.state, outbox.c.bounced, outbox.c.sent_at
        ).where(outbox.c.campaign_id == campaign_id)
    ):
        position = steps.get(int(row.step_id)) if row.step_id is not None else None
        recipient = int(row.recipient_id)
        for number, holds in (
            ("sent", row.state == "sent"),
            ("failed", row.state == "failed"),
            ("uncertain", row.state == "uncertain"),
            ("bounced", bool(row.bounced)),
        ):
            if holds:
                found[(number, position)].add(recipient)
                found[(number, None)].add(recipient)
        if row.sent_at is not None and position is not None:
            letters[recipient].append((position, row.sent_at))
    for r in recipients:
        found[("enrolled", None)].add(int(r.id))
        for position in steps.values():
            found[("enrolled", position)].add(int(r.id))
        for number, moment in (
            ("replied", r.replied_at),
            ("unsubscribed", r.stopped_at if r.stop_reason == "unsubscribed" else None),
        ):
            if moment is None:
                continue
            found[(number, None)].add(int(r.id))
            before = [p for p, at in sorted(letters[int(r.id)]) if at <= moment]
            if before:
                found[(number, before[-1])].add(int(r.id))
    opened = session.execute(
        select(campaign_recipients.c.id, campaign_recipients.c.enrolled_at, deals.c.created_at)
        .join(
            deals,
            and_(
                deals.c.client_id == campaign_recipients.c.client_id,
                deals.c.created_at >= campaign_recipients.c.enrolled_at,
            ),
        )
        .where(campaign_recipients.c.campaign_id == campaign_id)
    ).all()
    first: dict[int, tuple[Any, Any]] = {}
    for recipient_id, enrolled_at, created_at in opened:  # a recipient's first deal is what counts
        if int(recipient_id) not in first or created_at < first[int(recipient_id)][1]:
            first[int(recipient_id)] = (enrolled_at, created_at)
    for recipient_id, (enrolled_at, created_at) in first.items():  # the window's end in Python: portable
        if created_at <= enrolled_at + DEAL_WINDOW:
            found[("deals", None)].add(recipient_id)
        got = sorted((at, p) for p, at in letters[recipient_id] if at <= created_at)
        if got and created_at <= got[-1][0] + DEAL_WINDOW:  # the last letter before the deal
            found[("deals", got[-1][1])].add(recipient_id)
    return found


def campaign_stats(ws: Workspace, ref: str) -> CampaignStats:
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        campaign = find_campaign(session, ref)
        found = _behind(session, campaign["id"])
        steps = steps_of(session, campaign["id"])

    def figures(position: int | None) -> Figures:
        numbers = Figures(**{n: len(found.get((n, position), set())) for n in NUMBERS})
        numbers.reached = numbers.sent
        return numbers

    stats = CampaignStats(campaign["name"], campaign["status"], figures(None))
    for step in steps:
        numbers = figures(int(step["position"]))
        stats.steps.append((int(step["position"]), int(step["day_offset"]), numbers))
    for letters in LETTER_NUMBERS:  # the campaign's total of letters, not of recipients
        setattr(stats.total, letters, sum(getattr(f, letters) for _, _, f in stats.steps))
    return stats


@dataclass(frozen=True)
class RecipientRow:
    recipient_id: int
    client_id: int
    client: str
    address: str
    state: str
    stop_reason: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def recipients_behind(ws: Workspace, ref: str, number: str, step: int | None = None) -> list[RecipientRow]:
    """The recipients a figure of ``campaign_stats`` counts, those ``ws.viewer`` sees (the
    figures are the whole campaign's: whoever may run it may count it)."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        campaign = find_campaign(session, ref)
        ids = sorted(_behind(session, campaign["id"]).get((number, step), set()))
        rows = session.execute(
            select(
                campaign_recipients.c.id,
                campaign_recipients.c.client_id,
                clients.c.name,
                campaign_recipients.c.address,
                campaign_recipients.c.state,
                campaign_recipients.c.stop_reason,
            )
            .join(clients, clients.c.id == campaign_recipients.c.client_id)
            .where(campaign_recipients.c.id.in_(ids), visible_recipients(ws.viewer))
            .order_by(clients.c.name_key, campaign_recipients.c.id)
        ).all()
    return [RecipientRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5]) for r in rows]
