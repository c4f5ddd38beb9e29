"""Editing a campaign as the editor and ``crm campaign edit|step`` do: read it as a draft, save
the whole draft back.

A campaign may already have letters in the outbox, so a save keeps them true: a step whose
letters went out (or may have) is never removed; a removed step's pending letters go with it;
a step's new day moves its pending letters (the day counts from each recipient's entry); a new
step gets a pending letter for every active recipient; a new sender takes over the pending
letters. The kind is fixed once anyone is enrolled: a personal campaign's recipients gave no
consent to advertising (38-FZ art. 18). Two people editing at once: the second save is refused
(the version they read moved), never written over the first unless its author, told so, chooses
to (``over``): then it is written over theirs and the history says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit.changes import change, stale
from crm_tui.domain.campaigns.enrol import pending_letter, write_letters
from crm_tui.domain.campaigns.setup import (
    CampaignDraft,
    StepDraft,
    add_campaign,
    check_draft,
    check_settings,
    find_campaign,
    resolve,
    steps_of,
)
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import (
    OutboxState,
    RecipientState,
    campaign_recipients,
    campaign_steps,
    campaigns,
    clients,
    mail_senders,
    outbox,
)

UNSENT = (OutboxState.PENDING.value, OutboxState.DROPPED.value)
"""Letters that never left: a step with only these may be removed."""


@dataclass(frozen=True)
class EditedCampaign:
    """A saved campaign as a draft, with what the editor needs to save it back."""

    id: int
    version: int
    draft: CampaignDraft
    recipients: int
    sent_steps: frozenset[int]
    """Ids of the steps with letters that went out (or may have): they cannot be removed."""

    def as_json(self) -> dict[str, Any]:
        d = self.draft
        return {
            "id": self.id,
            "version": self.version,
            "name": d.name,
            "kind": d.kind,
            "sender": d.sender,
            "audience": d.audience,
            "recipients": self.recipients,
            "steps": [
                {
                    "id": s.id,
                    "position": n,
                    "day": s.day,
                    "subject": s.subject,
                    "text": s.text,
                    "html": s.html,
                    "sent": s.id in self.sent_steps,
                }
                for n, s in enumerate(d.steps, 1)
            ],
        }


def load_for_edit(ws: Workspace, ref: str | int) -> EditedCampaign:
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        found = find_campaign(session, ref)
        sender = None
        if found["sender_id"] is not None:
            sender = session.scalar(
                select(mail_senders.c.address).where(mail_senders.c.id == found["sender_id"])
            )
        steps = tuple(
            StepDraft(
                int(s["day_offset"]), str(s["subject"]), str(s["body_text"]), s["body_html"], int(s["id"])
            )
            for s in steps_of(session, found["id"])
        )
        recipients = session.scalar(
            select(func.count()).where(campaign_recipients.c.campaign_id == found["id"])
        )
        sent = session.scalars(
            select(outbox.c.step_id)
            .where(outbox.c.campaign_id == found["id"], outbox.c.state.not_in(UNSENT))
            .distinct()
        )
        draft = CampaignDraft(str(found["name"]), str(found["kind"]), dict(found["audience"]), sender, steps)
        return EditedCampaign(
            int(found["id"]),
            int(found["version"]),
            draft,
            int(recipients or 0),
            frozenset(int(s) for s in sent if s is not None),
        )


def save_campaign(
    ws: Workspace,
    draft: CampaignDraft,
    *,
    campaign_id: int | None = None,
    seen: int | None = None,
    over: int | None = None,
) -> int:
    """Save ``draft``: a new campaign (``campaign_id`` None) or the one read at version ``seen``;
    returns the campaign's id. Steps keep the draft's order (their ``id`` says which is which).

    ``over``: the version a colleague's save made after ``seen``, which the person was told of and
    chose to write over. It is checked instead of ``seen`` (a third save meanwhile is refused
    again), the audit row records both versions, and a step of the draft the colleague removed is
    saved as a new one."""
    if campaign_id is None:
        return add_campaign(ws, draft)
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    check_draft(draft)
    now = ws.now()
    expected = over if over is not None else seen
    with ws.write() as session:
        old = find_campaign(session, campaign_id)
        if expected is not None and old["version"] != expected:
            raise stale("campaign", str(old["name"]))  # before the steps: their ids may be gone
        if over is not None:
            theirs = {int(s["id"]) for s in steps_of(session, campaign_id)}
            steps = (s if s.id is None or s.id in theirs else replace(s, id=None) for s in draft.steps)
            draft = replace(draft, steps=tuple(steps))
        name = draft.name.strip()
        if name != old["name"] and session.scalar(select(campaigns.c.id).where(campaigns.c.name == name)):
            raise InvalidInput("campaign.exists", N_("name: a campaign {name!r} exists"), name=name)
        audience, sender_id = resolve(session, draft)
        enrolled = session.scalar(
            select(func.count()).where(campaign_recipients.c.campaign_id == campaign_id)
        )
        if draft.kind != old["kind"] and enrolled:
            raise InvalidInput(
                "campaign.kind_fixed",
                N_("kind: {count} recipients are enrolled as {kind}; make a new campaign for another kind"),
                count=enrolled,
                kind=old["kind"],
            )
        steps_note = _save_steps(session, campaign_id, draft.steps, now)
        if sender_id != old["sender_id"]:
            _move_sender(session, campaign_id, sender_id)
        change(
            session,
            campaigns,
            campaign_id,
            {"name": name, "kind": draft.kind, "audience": audience, "sender_id": sender_id},
            at=now,
            user_id=ws.viewer.user_id,
            seen=expected,
            action="edit",
            changes={
                **{k: v for k, v in (("name", name), ("kind", draft.kind)) if v != old[k]},
                **({"audience": audience} if audience != old["audience"] else {}),
                **({"sender": draft.sender} if sender_id != old["sender_id"] else {}),
                **steps_note,
                **({"written_over": {"read": seen, "theirs": over}} if over is not None else {}),
            },
        )
        return campaign_id


def _save_steps(session: Session, campaign_id: int, steps: tuple[StepDraft, ...], now: Any) -> dict[str, Any]:
    old = {int(s["id"]): s for s in steps_of(session, campaign_id)}
    unknown = [s.id for s in steps if s.id is not None and s.id not in old]
    if unknown:
        raise InvalidInput("campaign.unknown_step", N_("step {id} is not this campaign's"), id=unknown[0])
    kept = {s.id for s in steps if s.id is not None}
    removed = [i for i in old if i not in kept]
    if removed:
        gone = session.scalar(
            select(outbox.c.step_id)
            .where(outbox.c.step_id.in_(removed), outbox.c.state.not_in(UNSENT))
            .limit(1)
        )
        if gone is not None:
            raise InvalidInput(
                "campaign.step_sent",
                N_("step {number}: its letters went out, it stays (pause the campaign to stop it)"),
                number=old[int(gone)]["position"],
            )
        session.execute(delete(outbox).where(outbox.c.step_id.in_(removed)))
        session.execute(delete(campaign_steps).where(campaign_steps.c.id.in_(removed)))
    # Positions are unique: park the kept steps out of the way, then number them in order.
    for step_id in kept:
        session.execute(
            update(campaign_steps).where(campaign_steps.c.id == step_id).values(position=-step_id)
        )
    added: list[tuple[int, int]] = []
    for position, step in enumerate(steps, 1):
        values = {
            "position": position,
            "day_offset": step.day,
            "subject": step.subject,
            "body_text": step.text,
            "body_html": step.html or None,
        }
        if step.id is None:
            new_id = session.execute(
                insert(campaign_steps)
                .values(campaign_id=campaign_id, **values)
                .returning(campaign_steps.c.id)
            ).scalar_one()
            added.append((int(new_id), step.day))
            continue
        session.execute(update(campaign_steps).where(campaign_steps.c.id == step.id).values(**values))
        if step.day != old[step.id]["day_offset"]:
            _move_due(session, step.id, step.day, now)
    letters = _letters_for_new_steps(session, campaign_id, added, now)
    return {
        k: v
        for k, v in (("steps_removed", len(removed)), ("steps_added", len(added)), ("letters_added", letters))
        if v
    }


def _move_due(session: Session, step_id: int, day: int, now: Any) -> None:
    """The pending letters of a step whose day changed: due that many days after each entry."""
    rows = session.execute(
        select(outbox.c.id, campaign_recipients.c.enrolled_at)
        .join(campaign_recipients, campaign_recipients.c.id == outbox.c.recipient_id)
        .where(outbox.c.step_id == step_id, outbox.c.state == OutboxState.PENDING.value)
    ).all()
    for letter_id, enrolled_at in rows:
        due = max(enrolled_at + timedelta(days=day), now)
        session.execute(update(outbox).where(outbox.c.id == letter_id).values(due_at=due, next_try=due))


def _letters_for_new_steps(session: Session, campaign_id: int, added: list[tuple[int, int]], now: Any) -> int:
    """A pending letter of each new step for every active recipient, from the sender of its
    other letters; due on its day after the entry, or now if that day is past."""
    if not added:
        return 0
    first = (
        select(outbox.c.recipient_id, func.min(outbox.c.sender_id).label("sender_id"))
        .where(outbox.c.campaign_id == campaign_id)
        .group_by(outbox.c.recipient_id)
        .subquery()
    )
    recipients = session.execute(
        select(
            campaign_recipients.c.id,
            campaign_recipients.c.address,
            campaign_recipients.c.enrolled_at,
            first.c.sender_id,
            mail_senders.c.address,
        )
        .join(first, first.c.recipient_id == campaign_recipients.c.id)
        .join(mail_senders, mail_senders.c.id == first.c.sender_id)
        .where(
            campaign_recipients.c.campaign_id == campaign_id,
            campaign_recipients.c.state == RecipientState.ACTIVE.value,
        )
    ).all()
    letters = []
    for step_id, day in added:
        for recipient_id, address, enrolled_at, sender_id, sender_address in recipients:
            due = max(enrolled_at + timedelta(days=day), now)
            letters.append(
                pending_letter(campaign_id, recipient_id, step_id, sender_id, sender_address, address, due)
            )
    write_letters(session, letters)
    return len(letters)


def _move_sender(session: Session, campaign_id: int, sender_id: int | None) -> None:
    """The pending letters go from the new sender: the shared one, or each client's manager
    (a letter whose manager has no sending address keeps the one it had)."""
    pending = (outbox.c.campaign_id == campaign_id) & (outbox.c.state == OutboxState.PENDING.value)
    if sender_id is not None:
        session.execute(update(outbox).where(pending).values(sender_id=sender_id))
        return
    own = (
        select(mail_senders.c.id)
        .join(clients, clients.c.owner_id == mail_senders.c.user_id)
        .join(campaign_recipients, campaign_recipients.c.client_id == clients.c.id)
        .where(campaign_recipients.c.id == outbox.c.recipient_id)
        .scalar_subquery()
    )
    session.execute(update(outbox).where(pending, own.is_not(None)).values(sender_id=own))


def check_settings_in(ws: Workspace, draft: CampaignDraft) -> None:
    """The editor's settings checked before they go into its draft: name, kind, audience, and
    that the owner and the shared sender exist (nothing is written)."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    check_settings(draft)
    with ws.read() as session:
        resolve(session, draft)


def senders_to_choose(ws: Workspace) -> list[tuple[str, str]]:
    """The shared sending addresses (address, name) a campaign may go out from."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    with ws.read() as session:
        rows = session.execute(
            select(mail_senders.c.address, mail_senders.c.display_name)
            .where(mail_senders.c.user_id.is_(None))
            .order_by(mail_senders.c.address)
        )
        return [(str(a), str(n or "")) for a, n in rows]


def step_at(steps: tuple[StepDraft, ...], number: int) -> int:
    """The index of step ``number`` (1-based), or a refusal naming it."""
    if not 1 <= number <= len(steps):
        raise InvalidInput(
            "campaign.no_such_step",
            N_("step {number}: the campaign has steps 1 to {last}"),
            number=number,
            last=len(steps),
        )
    return number - 1
