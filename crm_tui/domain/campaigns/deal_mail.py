"""Issue 25's letter "Договор и счёт": a deal's contract and invoice mailed to the client from the
manager's own address, through the campaigns' outbox (the same exactly-once rules: one row, its
Message-ID made before sending, claimed atomically, never resent blindly).

Queuing it twice while the first is pending or sent queues nothing: the same documents go once.
An invoice among them moves the deal to "Awaiting payment" through the move function (which
sets the stage's playbook tasks, the payment check among them); the letter, once sent, is on
the deal's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.base_language import base_text
from crm_tui.domain.campaigns.enrol import message_id
from crm_tui.domain.campaigns.letters import LETTER_POLICY
from crm_tui.domain.campaigns.outbox_files import attach_files
from crm_tui.domain.campaigns.senders import read_address
from crm_tui.domain.deals.moves import deal_target, load_deal, move_deal
from crm_tui.domain.documents.making import deal_documents_of
from crm_tui.domain.documents.steps import SENT_STAGE
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, NC_
from crm_tui.storage.models import (
    ChannelKind,
    Direction,
    InteractionKind,
    OutboxState,
    channels,
    deal_documents,
    interactions,
    mail_senders,
    outbox,
    stages,
)

SUBJECT = NC_("letter", "Contract and invoice")
TEXT = NC_("letter", "Good afternoon!\n\nPlease find attached the contract and the invoice.\n\n{signature}")
MIME = {
    "pdf": ("application", "pdf"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


@dataclass(frozen=True)
class QueuedLetter:
    outbox_id: int
    to: str
    files: list[str]
    queued: bool
    """False: the same documents were queued or sent already; nothing was added."""
    moved_to: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def send_deal_documents(
    ws: Workspace, deal_id: int, document_ids: list[int] | None = None, to: str | None = None
) -> QueuedLetter:
    """Queue the deal's documents (by default its latest contract and latest invoice) to the
    client's e-mail (or ``to``) from the deal owner's sending address."""
    now = ws.now()
    with ws.write() as session:
        deal = load_deal(session, deal_id)
        require(ws.viewer, Capability.MAKE_DOCUMENTS, deal_target(deal))
        documents = deal_documents_of(session, ws.viewer, deal_id)
        if document_ids:
            chosen = [d for d in documents if d.id in set(document_ids)]
            unknown = sorted(set(document_ids) - {d.id for d in chosen})
            if unknown:
                raise InvalidInput(
                    "deal_mail.unknown_document",
                    N_("documents: deal {deal} has no document {ids}"),
                    deal=deal_id,
                    ids=", ".join(map(str, unknown)),
                )
        else:
            chosen = [
                latest
                for kind in ("contract", "invoice")
                if (latest := max((d for d in documents if d.kind == kind), key=lambda d: d.id, default=None))
            ]
        if not chosen:
            raise InvalidInput(
                "deal_mail.nothing", N_("deal {deal} has no contract or invoice to send"), deal=deal_id
            )
        sender = (
            session.execute(select(mail_senders).where(mail_senders.c.user_id == deal.owner_id))
            .mappings()
            .first()
        )
        if sender is None:
            raise InvalidInput(
                "deal_mail.no_sender", N_("the deal's owner has no sending address (crm outbox sender)")
            )
        address = read_address(to, "to") if to else _client_address(session, deal.client_id)
        ids = sorted(d.id for d in chosen)
        files = [d.file_name for d in sorted(chosen, key=lambda d: d.id)]
        for row in session.execute(
            select(outbox.c.id, outbox.c.payload).where(
                outbox.c.campaign_id.is_(None),
                outbox.c.state.in_(
                    [OutboxState.PENDING.value, OutboxState.SENDING.value, OutboxState.SENT.value]
                ),
            )
        ):
            payload = row.payload or {}
            if payload.get("deal_id") == deal_id and payload.get("documents") == ids:
                return QueuedLetter(int(row.id), address, files, False, None)
        subject = base_text(session, "letter", SUBJECT)
        text = base_text(session, "letter", TEXT).format(
            signature=sender["signature"] or sender["display_name"]
        )
        outbox_id = int(
            session.execute(
                insert(outbox)
                .values(
                    sender_id=sender["id"],
                    address=address,
                    message_id=message_id(str(sender["address"])),
                    state=OutboxState.PENDING.value,
                    due_at=now,
                    next_try=now,
                    attempts=0,
                    payload={"deal_id": deal_id, "client_id": deal.client_id, "documents": ids,
                             "subject": subject, "text": text, "files": files},
                )
                .returning(outbox.c.id)
            ).scalar_one()
        )  # fmt: skip
        awaiting = session.execute(
            select(stages.c.id, stages.c.position).where(
                stages.c.pipeline_id == deal.pipeline_id, stages.c.code == SENT_STAGE
            )
        ).first()
        here = session.scalar(select(stages.c.position).where(stages.c.id == deal.stage_id))
    moved = None
    invoice = any(d.kind == "invoice" for d in chosen)
    if (
        invoice
        and awaiting is not None
        and here is not None
        and here < awaiting.position
        and deal.status == "open"
    ):
        moved = move_deal(ws, deal_id, int(awaiting.id), deal.version).to_stage
    return QueuedLetter(outbox_id, address, files, True, moved)


def _client_address(session: Session, client_id: int) -> str:
    found = session.scalar(
        select(channels.c.value)
        .where(channels.c.client_id == client_id, channels.c.kind == ChannelKind.EMAIL.value)
        .order_by(channels.c.contact_id.is_(None), channels.c.id)
        .limit(1)
    )
    if found is None:
        raise InvalidInput("deal_mail.no_address", N_("the client has no e-mail: give --to"))
    return str(found)


def document_message(
    session: Session, row: dict[str, Any], sender: dict[str, Any], at: datetime
) -> EmailMessage:
    """The letter of an outbox row that is no campaign's: a deal's documents, or the weekly
    digest with its workbook (``outbox_files``)."""
    from email.utils import format_datetime, formataddr

    payload = row["payload"]
    message = EmailMessage(policy=LETTER_POLICY)
    name = str(sender["display_name"] or "")
    message["From"] = formataddr((name, str(sender["address"])))
    message["Reply-To"] = formataddr((name, str(sender["address"])))
    message["To"] = str(row["address"])
    message["Subject"] = str(payload["subject"])
    message["Date"] = format_datetime(at)
    message["Message-ID"] = f"<{row['message_id']}>"
    message.set_content(str(payload["text"]))
    contents = dict(
        session.execute(
            select(deal_documents.c.document_id, deal_documents.c.content).where(
                deal_documents.c.document_id.in_(payload["documents"])
            )
        ).all()
    )
    formats = dict(
        session.execute(
            select(deal_documents.c.document_id, deal_documents.c.file_format).where(
                deal_documents.c.document_id.in_(payload["documents"])
            )
        ).all()
    )
    for document_id, file_name in zip(payload["documents"], payload["files"], strict=False):
        main, sub = MIME.get(str(formats.get(document_id)), ("application", "octet-stream"))
        message.add_attachment(
            bytes(contents.get(document_id) or b""), maintype=main, subtype=sub, filename=file_name
        )
    attach_files(session, message, int(row["id"]))
    return message


def log_sent(session: Session, row: dict[str, Any], at: datetime) -> None:
    """The letter on the deal's timeline, once it went."""
    payload = row["payload"]
    session.execute(
        insert(interactions).values(
            kind=InteractionKind.EMAIL.value, direction=Direction.OUTBOUND.value, channel="email",
            occurred_at=at, summary=f"{payload['subject']}: {', '.join(payload['files'])}"[:4000],
            client_id=payload["client_id"], deal_id=payload["deal_id"], created_at=at,
            external_id=f"mail:{row['message_id']}"[:200],
        )
    )  # fmt: skip
