"""Making a campaign (audience, steps, sender), listing it, pausing and resuming it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.campaigns.letters import check_template
from crm_tui.domain.campaigns.senders import read_address
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import (
    CampaignKind,
    CampaignStatus,
    ClientStatus,
    Segment,
    campaign_recipients,
    campaign_steps,
    campaigns,
    mail_senders,
    outbox,
    users,
)

AUDIENCE_KEYS = ("segment", "status", "owner", "region", "search", "owns", "product", "clients", "list")
"""What an audience may hold (all given must hold): a segment, a status, an owner's login, a
region; a saved clients filter (``search``, the clients list's search text); the installed
base (``owns``: ours, competitor or any; ``product``); a list of clients (``clients``: ids, read
from an xlsx file named in ``list``)."""
OWNS = ("ours", "competitor", "any")


@dataclass(frozen=True)
class StepDraft:
    day: int
    subject: str
    text: str
    html: str | None = None
    id: int | None = None
    """The saved step this draft edits (``None``: a new step)."""


@dataclass(frozen=True)
class CampaignDraft:
    name: str
    kind: str = CampaignKind.PERSONAL.value
    audience: dict[str, Any] = field(default_factory=dict)
    """See ``AUDIENCE_KEYS``: all given must hold."""
    sender: str | None = None
    """A shared sender's address; ``None``: each client's own manager."""
    steps: tuple[StepDraft, ...] = ()


def check_draft(draft: CampaignDraft) -> None:
    """Refuse a draft in one line naming its field (a step's template names its line)."""
    check_settings(draft)
    check_steps(draft.steps)


def check_settings(draft: CampaignDraft) -> None:
    """The name, kind and audience of a draft (its steps aside)."""
    if not draft.name.strip():
        raise InvalidInput("campaign.no_name", N_("name: a campaign needs a name"))
    if draft.kind not in tuple(CampaignKind):
        raise InvalidInput(
            "campaign.bad_kind", N_("kind: {value!r} is not personal or advertising"), value=draft.kind
        )
    unknown = sorted(set(draft.audience) - set(AUDIENCE_KEYS))
    if unknown:
        raise InvalidInput("campaign.bad_audience", N_("audience: unknown {keys}"), keys=", ".join(unknown))
    segment = draft.audience.get("segment")
    if segment is not None and segment not in tuple(Segment):
        raise InvalidInput(
            "campaign.bad_segment",
            N_("segment: {value!r} is not one of {allowed}"),
            value=segment,
            allowed=", ".join(Segment),
        )
    status = draft.audience.get("status")
    if status is not None and status not in tuple(ClientStatus):
        raise InvalidInput(
            "campaign.bad_status",
            N_("status: {value!r} is not one of {allowed}"),
            value=status,
            allowed=", ".join(ClientStatus),
        )
    owns = draft.audience.get("owns")
    if owns is not None and owns not in OWNS:
        raise InvalidInput(
            "campaign.bad_owns",
            N_("installed: {value!r} is not one of {allowed}"),
            value=owns,
            allowed=", ".join(OWNS),
        )
    listed = draft.audience.get("clients")
    if listed is not None and not (
        isinstance(listed, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in listed)
    ):
        raise InvalidInput("campaign.bad_list", N_("audience: the list of clients is a list of ids"))


def check_steps(steps: tuple[StepDraft, ...]) -> None:
    """Each step's day and templates; the first refusal names the step, its part and line."""
    if not steps:
        raise InvalidInput("campaign.no_steps", N_("steps: a campaign needs at least one letter"))
    for number, step in enumerate(steps, 1):
        if step.day < 0:
            raise InvalidInput("campaign.bad_day", N_("step {number}: the day is 0 or later"), number=number)
        check_template(step.subject, f"step {number} subject")
        check_template(step.text, f"step {number} text")
        if step.html:
            check_template(step.html, f"step {number} html", html=True)


def add_campaign(ws: Workspace, draft: CampaignDraft) -> int:
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    check_draft(draft)
    with ws.write() as session:
        if session.scalar(select(campaigns.c.id).where(campaigns.c.name == draft.name.strip())):
            raise InvalidInput("campaign.exists", N_("name: a campaign {name!r} exists"), name=draft.name)
        audience, sender_id = resolve(session, draft)
        campaign_id = int(
            session.execute(
                insert(campaigns)
                .values(
                    name=draft.name.strip(),
                    kind=draft.kind,
                    status=CampaignStatus.ACTIVE.value,
                    audience=audience,
                    sender_id=sender_id,
                    created_at=ws.now(),
                    user_id=ws.viewer.user_id,
                    version=1,
                )
                .returning(campaigns.c.id)
            ).scalar_one()
        )
        session.execute(
            insert(campaign_steps),
            [
                {
                    "campaign_id": campaign_id,
                    "position": n,
                    "day_offset": s.day,
                    "subject": s.subject,
                    "body_text": s.text,
                    "body_html": s.html,
                }
                for n, s in enumerate(sorted(draft.steps, key=lambda s: s.day), 1)
            ],
        )
        audit.record(
            session,
            at=ws.now(),
            user_id=ws.viewer.user_id,
            entity="campaign",
            entity_id=campaign_id,
            action="create",
            changes={"name": draft.name, "kind": draft.kind, "steps": len(draft.steps)},
        )
        return campaign_id


def resolve(session: Session, draft: CampaignDraft) -> tuple[dict[str, Any], int | None]:
    """The draft's audience as stored and its shared sender's id, or a refusal naming the
    unknown owner or sender."""
    audience = dict(draft.audience)
    if audience.get("owner") is not None:
        owner = session.scalar(select(users.c.id).where(users.c.login == audience["owner"]))
        if owner is None:
            raise InvalidInput(
                "campaign.unknown_owner", N_("owner: no user {login!r}"), login=audience["owner"]
            )
    sender_id = None
    if draft.sender is not None:
        address = read_address(draft.sender, "sender")
        sender_id = session.scalar(select(mail_senders.c.id).where(mail_senders.c.address == address))
        if sender_id is None:
            raise InvalidInput(
                "campaign.unknown_sender",
                N_("sender: no sender {address!r} (add it with crm outbox sender)"),
                address=address,
            )
    return audience, sender_id


def find_campaign(session: Session, ref: str | int) -> dict[str, Any]:
    """A campaign by id or by name; ``NotFound`` naming it otherwise."""
    text = str(ref).strip()
    where = campaigns.c.id == int(text) if text.isdigit() else campaigns.c.name == text
    row = session.execute(select(campaigns).where(where)).mappings().first()
    if row is None:
        raise NotFound("campaign.not_found", N_("no campaign {name!r}"), name=text)
    return dict(row)


def steps_of(session: Session, campaign_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(campaign_steps)
        .where(campaign_steps.c.campaign_id == campaign_id)
        .order_by(campaign_steps.c.position)
    ).mappings()
    return [dict(r) for r in rows]


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    kind: str
    status: str
    steps: int
    recipients: int
    pending: int
    sent: int
    paused_reason: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def list_campaigns(ws: Workspace) -> list[CampaignRow]:
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        step_counts: dict[int, int] = dict(
            session.execute(
                select(campaign_steps.c.campaign_id, func.count()).group_by(campaign_steps.c.campaign_id)
            ).all()
        )
        recipient_counts: dict[int, int] = dict(
            session.execute(
                select(campaign_recipients.c.campaign_id, func.count()).group_by(
                    campaign_recipients.c.campaign_id
                )
            ).all()
        )
        states: dict[tuple[int, str], int] = {
            (int(c), str(s)): int(n)
            for c, s, n in session.execute(
                select(outbox.c.campaign_id, outbox.c.state, func.count())
                .where(outbox.c.campaign_id.is_not(None))
                .group_by(outbox.c.campaign_id, outbox.c.state)
            )
        }
        rows = session.execute(select(campaigns).order_by(campaigns.c.name)).mappings().all()
        return [
            CampaignRow(
                r["id"],
                r["name"],
                r["kind"],
                r["status"],
                step_counts.get(r["id"], 0),
                recipient_counts.get(r["id"], 0),
                states.get((r["id"], "pending"), 0),
                states.get((r["id"], "sent"), 0),
                r["paused_reason"],
            )
            for r in rows
        ]


def set_paused(ws: Workspace, ref: str, paused: bool, reason: str | None = None) -> dict[str, Any]:
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.write() as session:
        campaign = find_campaign(session, ref)
        status = CampaignStatus.PAUSED if paused else CampaignStatus.ACTIVE
        pause_campaign(session, campaign["id"], status, reason if paused else None)
        audit.record(
            session,
            at=ws.now(),
            user_id=ws.viewer.user_id,
            entity="campaign",
            entity_id=campaign["id"],
            action="pause" if paused else "resume",
            changes={"reason": reason} if reason else {},
        )
        return {"campaign": campaign["name"], "status": status.value}


def pause_campaign(session: Session, campaign_id: int, status: CampaignStatus, reason: str | None) -> None:
    session.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id)
        .values(status=status.value, paused_reason=reason, version=campaigns.c.version + 1)
    )
