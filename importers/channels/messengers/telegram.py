"""A Telegram bot's webhook: one ``Update`` per request (the Bot API's JSON).

Telegram sends the secret token the bot's webhook was set with in the
``X-Telegram-Bot-Api-Secret-Token`` header; ``update_id`` names the update (a retry sends the
same one). A ``message`` (or a ``business_message``) from a private chat is logged; an edit, a
channel post, a bot's own message and the other kinds of update are acknowledged, not logged.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from crm_tui.domain.inbound.messengers import MessengerMessage
from crm_tui.i18n import N_
from crm_tui.importers.channels.refusals import Malformed, Unsigned

HEADER = "X-Telegram-Bot-Api-Secret-Token"
ATTACHMENTS = {
    "photo": N_("[photo]"),
    "document": N_("[file]"),
    "voice": N_("[voice message]"),
    "video_note": N_("[video message]"),
    "video": N_("[video]"),
    "animation": N_("[animation]"),
    "audio": N_("[audio]"),
    "sticker": N_("[sticker]"),
    "location": N_("[location]"),
    "contact": N_("[contact]"),
}
"""What a message without text carried (Bot API ``Message`` fields), so its touch is not an
empty line; the file's name, the sticker's emoji or the shared contact's phone follow."""


def _attachment(message: Mapping[str, Any]) -> tuple[str | None, str]:
    """The first kind of content the message has (a msgid of ``ATTACHMENTS``) and its detail."""
    for kind, word in ATTACHMENTS.items():
        content = message.get(kind)
        if not content:
            continue
        detail = ""
        if isinstance(content, Mapping):
            found = content.get("file_name") or content.get("emoji") or content.get("phone_number") or ""
            detail = str(found)[:200]
        return word, detail
    return None, ""


def verify(header: str | None, secret: str) -> None:
    if not header or not hmac.compare_digest(header.strip(), secret):
        raise Unsigned("telegram.secret", N_("telegram: the secret token header does not match"))


def update_of(body: bytes) -> Mapping[str, Any]:
    try:
        update = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Malformed("telegram.encoding", N_("telegram: the update is not UTF-8")) from None
    except json.JSONDecodeError as exc:
        raise Malformed(
            "telegram.json", N_("telegram: the update is not JSON (it breaks at character {pos})"),
            pos=exc.pos + 1,
        ) from None  # fmt: skip
    if not isinstance(update, Mapping) or not isinstance(update.get("update_id"), int):
        raise Malformed("telegram.update_id", N_("telegram: the update has no update_id"))
    return update


def read(update: Mapping[str, Any]) -> MessengerMessage | None:
    message = update.get("message") or update.get("business_message")
    if not isinstance(message, Mapping):
        return None
    chat, sender = message.get("chat"), message.get("from")
    if not isinstance(chat, Mapping) or not isinstance(chat.get("id"), int):
        raise Malformed("telegram.chat", N_("telegram: the message has no chat id"))
    if chat.get("type") != "private" or (isinstance(sender, Mapping) and sender.get("is_bot")):
        return None
    sender = sender if isinstance(sender, Mapping) else {}
    name = " ".join(str(sender.get(k) or "") for k in ("first_name", "last_name")).strip()
    if sender.get("username"):
        name = f"{name} (@{sender['username']})".strip()
    text = message.get("text") or message.get("caption") or ""
    date = message.get("date")
    if not isinstance(date, int):
        raise Malformed("telegram.date", N_("telegram: the message has no date"))
    try:
        sent_at = datetime.fromtimestamp(date, UTC)
    except (OverflowError, OSError, ValueError):  # a year past 9999 or below 1: not a time
        raise Malformed(
            "telegram.date", N_("telegram: the message's date {date} is not a time"), date=date
        ) from None
    return MessengerMessage(
        network="telegram",
        chat_id=str(chat["id"]),
        message_id=str(message.get("message_id", update["update_id"])),
        name=name[:200],
        text=str(text)[:4000],
        sent_at=sent_at,
        attachment=_attachment(message) if not text else (None, ""),
    )
