"""Seed 002's letter "Договор и счёт": the contract and the invoice mailed to the client through
the outbox into a real SMTP server, once; the deal moves to Awaiting payment; the letter is on
the deal's timeline."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from crm_tui.domain.campaigns.deal_mail import send_deal_documents
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.documents.making import make_document
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling.outbox_send import send_outbox
from crm_tui.storage.models import deals, interactions, stages
from tests.documents.support import fill_requisites
from tests.seed import Seeded
from tests.smtp_server import Mailbox


def test_the_contract_and_invoice_go_once_and_move_the_deal(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, smtp_server: Mailbox
) -> None:
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    with manager.read() as session:
        client_id = session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0
    fill_requisites(admin, client_id)
    make_document(manager, deal_id, "contract")
    make_document(manager, deal_id, "invoice")
    set_sender(
        admin,
        SenderDraft("ivanova@ourfirm.ru", "Светлана Иванова", login="ivanova",
                    signature="С уважением, Светлана", smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                    smtp_security="none"),
    )  # fmt: skip
    letter = send_deal_documents(manager, deal_id)
    assert letter.queued and letter.to == "sales@vektor-plus.ru"
    assert [name.rsplit(".", 1)[1] for name in letter.files] == ["docx", "pdf"]
    assert letter.moved_to is not None
    with manager.read() as session:
        code = session.scalar(
            select(stages.c.code).join(deals, deals.c.stage_id == stages.c.id).where(deals.c.id == deal_id)
        )
    assert code == "awaiting_payment"
    again = send_deal_documents(manager, deal_id)
    assert not again.queued and again.outbox_id == letter.outbox_id
    assert send_outbox(admin).sent == 1
    assert send_outbox(admin).sent == 0
    [received] = smtp_server.letters
    message = received.message
    assert received.to == ["sales@vektor-plus.ru"] and "ivanova@ourfirm.ru" in str(message["From"])
    attached = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert sorted(attached.values()) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    assert all(part.get_content() for part in message.iter_attachments())
    with manager.read() as session:
        logged = session.execute(
            select(interactions.c.summary, interactions.c.direction).where(interactions.c.deal_id == deal_id)
        ).all()
    assert any(d == "outbound" and "Contract and invoice" in s for s, d in logged)
