"""A message to the team's bot (Telegram): a touch of the client or the open request with that
chat, or a new request. The chat is the address: ``telegram:<chat id>``, kept as the request's
messenger handle and found on a client's channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.base_language import base_language
from crm_tui.domain.inbound.touches import client_of, client_touch, known, open_lead_of
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.leads.touches import add_touch
from crm_tui.domain.values.cells import storable_text
from crm_tui.domain.values.text import inert
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import in_language
from crm_tui.storage.models import ChannelKind, Direction, InteractionKind, LeadChannel


@dataclass(frozen=True, slots=True)
class MessengerMessage:
    network: str
    chat_id: str
    message_id: str
    name: str
    text: str
    sent_at: datetime
    attachment: tuple[str | None, str] = (None, "")
    """A message without text: what it carried (an untranslated word such as "[photo]") and its
    detail (a file's name, a contact's phone), written in the base's language."""

    @property
    def handle(self) -> str:
        return f"{self.network}:{self.chat_id}"

    @property
    def identity(self) -> str:
        return f"{self.network}:{self.chat_id}:{self.message_id}"[:200]


def _said(session: Session, message: MessengerMessage) -> str:
    """The message's text, or what it carried in the base's language («[фото] прайс.pdf»)."""
    word, detail = message.attachment
    if message.text or word is None:
        return message.text
    return " ".join(x for x in (in_language(base_language(session), word), detail) if x)


def log_message(ws: Workspace, message: MessengerMessage) -> str:
    """``client``, ``request`` (a touch of an open one), ``new``/``repeat``/``junk``/``dropped``
    (the intake's), or ``again``."""
    require(ws.viewer, Capability.RECEIVE_INBOUND)
    now = ws.now()
    with ws.write() as session:
        text = storable_text(inert(_said(session, message), multiline=True)).value[:4000]
        if known(session, message.identity):
            return "again"
        lead = open_lead_of(session, ChannelKind.MESSENGER, message.handle)
        if lead is not None:
            add_touch(
                session, lead_id=lead[0], client_id=lead[1], kind=InteractionKind.MESSAGE.value,
                direction=Direction.INBOUND, summary=text, channel=LeadChannel.MESSENGER.value,
                user_id=None, at=message.sent_at, now=now, external_id=message.identity,
            )  # fmt: skip
            return "request"
        client_id = client_of(session, ChannelKind.MESSENGER, message.handle)
        if client_id is not None:
            client_touch(
                session, client_id=client_id, kind=InteractionKind.MESSAGE.value, direction=Direction.INBOUND,
                channel=LeadChannel.MESSENGER.value, summary=text, at=message.sent_at, now=now,
                external_id=message.identity,
            )  # fmt: skip
            return "client"
    intake = receive(
        ws,
        Request(
            name=message.name, messenger=message.handle, message=text, channel=LeadChannel.MESSENGER.value,
            received_at=message.sent_at, external_id=message.identity,
        ),
    )  # fmt: skip
    return intake.outcome
