"""The outbox as people see it: its rows listed, an uncertain or failed one resent or dropped,
a client's letters stopped by hand, a preview of a step for a real recipient; and the stop of
the recipients whose client got a deal (run by the scheduler)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, client_target, require
from crm_tui.domain.access.visibility import (
    clients_within,
    visible_clients,
    visible_letters,
    visible_recipients,
)
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.base_language import base_text
from crm_tui.domain.campaigns.claims import letter_fields
from crm_tui.domain.campaigns.letters import Letter, build_letter, check_template
from crm_tui.domain.campaigns.senders import read_address
from crm_tui.domain.campaigns.setup import CampaignDraft, find_campaign, steps_of
from crm_tui.domain.campaigns.stops import stop_recipients
from crm_tui.domain.captions import LETTER_STATE_NAMES
from crm_tui.domain.errors import InvalidInput, NotFound, not_found
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_
from crm_tui.storage.models import (
    ChannelKind,
    OutboxState,
    RecipientState,
    campaign_recipients,
    campaigns,
    channels,
    clients,
    deals,
    mail_senders,
    outbox,
)

LIST_LIMIT = 500


@dataclass(frozen=True)
class OutboxRow:
    id: int
    campaign: str | None
    address: str
    state: str
    attempts: int
    due_at: datetime
    next_try: datetime
    sent_at: datetime | None
    last_error: str | None

    def as_json(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()}


def list_outbox(ws: Workspace, state: str | None = None, limit: int = LIST_LIMIT) -> list[OutboxRow]:
    require(ws.viewer, Capability.SEND_MAIL)
    query = (
        select(
            outbox.c.id,
            campaigns.c.name,
            outbox.c.address,
            outbox.c.state,
            outbox.c.attempts,
            outbox.c.due_at,
            outbox.c.next_try,
            outbox.c.sent_at,
            outbox.c.last_error,
        )
        .outerjoin(campaigns, campaigns.c.id == outbox.c.campaign_id)
        .where(visible_letters(ws.viewer))
        .order_by(outbox.c.next_try, outbox.c.id)
        .limit(limit)
    )
    if state is not None:
        if state not in tuple(OutboxState):
            raise InvalidInput(
                "outbox.bad_state",
                N_("state: {value!r} is not one of {allowed}"),
                value=state,
                allowed=", ".join(OutboxState),
            )
        query = query.where(outbox.c.state == state)
    with ws.read() as session:
        return [OutboxRow(*row) for row in session.execute(query).all()]


def _letter_state(session: Session, viewer: Viewer, outbox_id: int) -> str:
    """The state of letter ``outbox_id``; a letter ``viewer`` may not see (``visible_letters``,
    as `crm outbox list` shows them) is refused exactly as a missing one: every action on a
    letter by its id asks here, so none tells a hidden letter (its state) from a free id."""
    state = session.scalar(select(outbox.c.state).where(outbox.c.id == outbox_id, visible_letters(viewer)))
    if state is None:
        raise NotFound("outbox.not_found", N_("no letter {id} in the outbox"), id=outbox_id)
    return str(state)


def _settle_by_hand(ws: Workspace, outbox_id: int, resend: bool) -> str:
    require(ws.viewer, Capability.SEND_MAIL)
    with ws.write() as session:
        state = _letter_state(session, ws.viewer, outbox_id)
        if state not in (OutboxState.UNCERTAIN.value, OutboxState.FAILED.value) and not (
            not resend and state == OutboxState.PENDING.value
        ):
            raise InvalidInput(
                "outbox.not_settleable",
                N_(
                    "letter {id} is {state}: only an uncertain or failed letter is resent, "
                    "a pending one dropped"
                ),
                id=outbox_id,
                state=LETTER_STATE_NAMES.worded(state),
            )
        new = OutboxState.PENDING.value if resend else OutboxState.DROPPED.value
        values: dict[str, Any] = {"state": new}
        if resend:
            values |= {"next_try": ws.now(), "attempts": 0, "claimed_by": None, "claimed_at": None}
        session.execute(update(outbox).where(outbox.c.id == outbox_id).values(**values))
        audit.record(
            session,
            at=ws.now(),
            user_id=ws.viewer.user_id,
            entity="outbox",
            entity_id=outbox_id,
            action="resend" if resend else "drop",
            changes={"from": state},
        )
        return new


def resend(ws: Workspace, outbox_id: int) -> str:
    """A person decided an uncertain (or failed) letter did not arrive: send it again."""
    return _settle_by_hand(ws, outbox_id, True)


def drop(ws: Workspace, outbox_id: int) -> str:
    """A person decided a letter is not to be sent (an uncertain one that did arrive)."""
    return _settle_by_hand(ws, outbox_id, False)


def stop_client(ws: Workspace, client_id: int) -> int:
    """The manager's "stop for this client": every campaign stops writing to it."""
    with ws.write() as session:
        row = session.execute(
            select(clients.c.owner_id, clients.c.region, clients.c.status).where(clients.c.id == client_id)
        ).first()
        if row is None:
            raise not_found("client", client_id)
        require(
            ws.viewer, Capability.STOP_MAILING, client_target(client_id, row.owner_id, row.region, row.status)
        )
        ids = session.scalars(
            select(campaign_recipients.c.id).where(
                campaign_recipients.c.client_id == client_id,
                campaign_recipients.c.state == RecipientState.ACTIVE.value,
            )
        ).all()
        stopped = stop_recipients(session, ids, "manual", ws.now())
        audit.record(
            session,
            at=ws.now(),
            user_id=ws.viewer.user_id,
            entity="client",
            entity_id=client_id,
            action="mailing_stopped",
            changes={"recipients": stopped},
        )
        return stopped


def stop_for_deals(session: Session, now: datetime) -> int:
    """Recipients whose client got a deal after entering the campaign stop: the deal's owner
    talks to them now."""
    ids = session.scalars(
        select(campaign_recipients.c.id)
        .join(
            deals,
            and_(
                deals.c.client_id == campaign_recipients.c.client_id,
                deals.c.created_at >= campaign_recipients.c.enrolled_at,
            ),
        )
        .where(campaign_recipients.c.state == RecipientState.ACTIVE.value)
    ).all()
    return stop_recipients(session, ids, "deal", now)


def preview(ws: Workspace, ref: str, position: int, client: int | str) -> Letter:
    """Step ``position`` of the campaign as ``client`` would get it (enrolled or not): an id,
    or a name, INN or phone as `crm deal add` reads one (several fitting: a refusal naming them)."""
    from crm_tui.domain.deals.new_deal import find_client

    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        client_id = client if isinstance(client, int) else find_client(session, ws.viewer, client).id
        campaign = find_campaign(session, ref)
        step = next((s for s in steps_of(session, campaign["id"]) if s["position"] == position), None)
        if step is None:
            raise NotFound(
                "campaign.no_step",
                N_("campaign {name!r} has no step {step}"),
                name=campaign["name"],
                step=position,
            )
        return _letter(session, ws.viewer, campaign["sender_id"], step, client_id)


def preview_draft(ws: Workspace, draft: CampaignDraft, number: int, client_id: int) -> Letter:
    """Step ``number`` of a draft (the editor's, saved or not) as ``client_id`` would get it:
    the text the person typed, checked first, so an error names its line."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    if not 1 <= number <= len(draft.steps):
        raise NotFound(
            "campaign.no_step", N_("campaign {name!r} has no step {step}"), name=draft.name, step=number
        )
    step = draft.steps[number - 1]
    check_template(step.subject, f"step {number} subject")
    check_template(step.text, f"step {number} text")
    if step.html:
        check_template(step.html, f"step {number} html", html=True)
    with ws.read() as session:
        sender_id = None
        if draft.sender:
            sender_id = session.scalar(
                select(mail_senders.c.id).where(
                    mail_senders.c.address == read_address(draft.sender, "sender")
                )
            )
        fields = {"subject": step.subject, "body_text": step.text, "body_html": step.html or None}
        return _letter(session, ws.viewer, sender_id, fields, client_id)


def _letter(
    session: Session, viewer: Viewer, sender_id: int | None, step: dict[str, Any], client_id: int
) -> Letter:
    """The letter of ``step`` for ``client_id``, from the shared sender or the client's manager;
    a client the viewer may not see is not found (its contact's name, its address)."""
    client = session.execute(
        select(clients.c.owner_id).where(
            clients.c.id == client_id, clients_within(viewer, Capability.SEE_CLIENTS)
        )
    ).first()
    if client is None:
        raise not_found("client", client_id)
    found = session.execute(
        select(channels.c.value, channels.c.contact_id)
        .where(channels.c.client_id == client_id, channels.c.kind == ChannelKind.EMAIL.value)
        .order_by(channels.c.contact_id.is_(None), channels.c.id)
    ).first()
    sender_where = (
        mail_senders.c.id == sender_id if sender_id is not None else mail_senders.c.user_id == client.owner_id
    )
    sender_row = session.execute(select(mail_senders).where(sender_where)).mappings().first()
    sender = dict(sender_row) if sender_row is not None else {"address": "", "display_name": ""}
    recipient = {
        "client_id": client_id,
        "contact_id": found.contact_id if found is not None else None,
        "token": "preview",
    }
    fields = letter_fields(session, recipient, sender)
    footer = base_text(session, "letter", NC_("letter", "To stop these letters: {url}")).format(
        url=fields["unsubscribe_url"]
    )
    return build_letter(
        step,
        fields,
        sender=str(sender["address"]),
        sender_name=str(sender["display_name"] or fields["owner_name"]),
        to=str(found.value) if found is not None else "",
        message_id="preview",
        footer=footer,
    )


def sample_client(ws: Workspace, ref: str) -> int | None:
    """A real recipient to preview a campaign's letters for: its first enrolled client, else the
    first client with an e-mail."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        campaign = find_campaign(session, ref)
        found = session.scalar(
            select(campaign_recipients.c.client_id)
            .where(campaign_recipients.c.campaign_id == campaign["id"], visible_recipients(ws.viewer))
            .order_by(campaign_recipients.c.id)
            .limit(1)
        )
        if found is None:
            found = session.scalar(
                select(channels.c.client_id)
                .join(clients, clients.c.id == channels.c.client_id)
                .where(channels.c.kind == ChannelKind.EMAIL.value, visible_clients(ws.viewer))
                .order_by(channels.c.client_id)
                .limit(1)
            )
        return None if found is None else int(found)
