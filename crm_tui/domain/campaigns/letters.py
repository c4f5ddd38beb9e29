"""A step's letter for one recipient: the merge fields, a sandboxed template, the message.

Templates are Jinja2 in its sandbox (a template cannot reach Python objects' insides) with
strict undefined names: a field we do not provide is refused when the step is saved, with the
list of the names we do. The HTML part is autoescaped; the text part is not (it is text).
Every letter carries the unsubscribe link in its text and in ``List-Unsubscribe`` with
one-click POST (RFC 8058).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from crm_tui.domain.errors import InvalidInput
from crm_tui.i18n import N_, NC_, Message, pgettext

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

FIELDS = (
    "client",
    "contact",
    "name_patronymic",
    "owner_name",
    "owner_signature",
    "owner_phone",
    "unsubscribe_url",
)
"""The merge fields a letter may use."""

UNSUBSCRIBE_PATH = "/unsubscribe/"
PUBLIC_URL_KEY = "mail.public_url"
"""The setting with the address the inbound receiver is reached at (the unsubscribe links')."""
DEFAULT_PUBLIC_URL = "http://localhost:8080"
LINE_LIMIT = 200
"""The longest line a letter's part carries as it is: a longer one is encoded (quoted-printable
or base64)."""
LETTER_POLICY = policy.SMTP.clone(max_line_length=LINE_LIMIT)
"""CRLF line ends, as SMTP wants; a header as long as a link stays on one line."""


@dataclass(frozen=True)
class Letter:
    sender: str
    sender_name: str
    to: str
    subject: str
    text: str
    html: str | None
    message_id: str
    unsubscribe_url: str


@cache
def _environment(html: bool) -> SandboxedEnvironment:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=html, keep_trailing_newline=True)


_PARTS = {
    "subject": NC_("letter part", "subject"),
    "text": NC_("letter part", "text"),
    "html": NC_("letter part", "HTML"),
}


def _where(field: str) -> str | Message:
    """A refusal's place as a person reads it: ``field`` is the code the editor moves to
    ("step 2 text"), worded here ("шаг 2, текст")."""
    words = field.split()
    if len(words) == 3 and words[0] == "step" and words[1].isdigit() and words[2] in _PARTS:
        return Message(
            "campaign.step_part",
            N_("step {number} {part}"),
            number=int(words[1]),
            part=pgettext("letter part", _PARTS[words[2]]),
        )
    return field


def check_template(text: str, field: str, *, html: bool = False) -> None:
    """Refuse a template that does not parse or uses a name we do not provide, in one line."""
    from jinja2 import TemplateSyntaxError, meta

    env = _environment(html)
    try:
        parsed = env.parse(text)
    except TemplateSyntaxError as exc:
        raise InvalidInput(
            "campaign.bad_template",
            N_("{where}: the template breaks at line {line}: {reason}"),
            field=field,
            where=_where(field),
            line=exc.lineno,
            reason=exc.message or "",
        ) from None
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(FIELDS))
    if unknown:
        raise InvalidInput(
            "campaign.unknown_fields",
            N_("{where}: unknown merge fields {unknown}; known: {known}"),
            field=field,
            where=_where(field),
            unknown=", ".join(unknown),
            known=", ".join(FIELDS),
        )
    # A trial letter: what only rendering finds ({{ client.name }}: a field is text, it has no
    # attributes) is refused now, not when the worker makes the letter for each recipient.
    try:
        env.from_string(text).render(**dict.fromkeys(FIELDS, "Образец"))
    except Exception as exc:  # a template is outside code: whatever it raises refuses it
        raise InvalidInput(
            "campaign.template_fails",
            N_("{where}: the template cannot make a letter: {reason}"),
            field=field,
            where=_where(field),
            reason=str(exc),
        ) from None


@lru_cache(maxsize=256)
def _compiled(text: str, html: bool) -> Template:
    """A template compiled once per text: a campaign's thousand letters share their steps'."""
    return _environment(html).from_string(text)


def render(text: str, fields: dict[str, str], *, html: bool = False) -> str:
    try:
        return _compiled(text, html).render(**fields)
    except Exception as exc:  # a template is outside code: whatever it raises fails the letter
        raise InvalidInput(
            "campaign.render_failed", N_("the letter cannot be made: {reason}"), reason=str(exc)
        ) from None


def name_patronymic(full_name: str) -> str:
    """ "Ёлкина Мария Петровна" → "Мария Петровна": how a Russian letter addresses a person."""
    parts = full_name.split()
    if len(parts) >= 3:
        return " ".join(parts[1:3])
    return parts[-1] if parts else ""


def unsubscribe_url(public_url: str, token: str) -> str:
    return public_url.rstrip("/") + UNSUBSCRIBE_PATH + token


def build_letter(
    step: dict[str, Any],
    fields: dict[str, str],
    *,
    sender: str,
    sender_name: str,
    to: str,
    message_id: str,
    footer: str,
) -> Letter:
    """The letter of ``step`` with ``fields`` merged; ``footer`` (the unsubscribe line, in the
    base's language) is added to the text unless the template places the link itself."""
    text = render(str(step["body_text"]), fields)
    if "unsubscribe_url" not in str(step["body_text"]):
        text = text.rstrip("\n") + "\n\n-- \n" + footer + "\n"
    html_template = step.get("body_html")
    html = render(str(html_template), fields, html=True) if html_template else None
    subject = " ".join(render(str(step["subject"]), fields).split())
    return Letter(sender, sender_name, to, subject, text, html, message_id, fields["unsubscribe_url"])


_PLAIN = re.compile(r"[A-Za-z0-9._%+\-@<>:/=?&~#!$*'^`{|}_]+")
"""A header value every header parser leaves as it is: no spaces, quotes, commas or brackets
(``_`` is in: an unsubscribe link's token is URL-safe base64, and half of them have one)."""


@lru_cache(maxsize=1024)
def _header(name: str, value: str) -> bytes:
    """One header line as ``to_message`` would write it (cached: a batch's From, Reply-To and
    Date repeat; the email package's parsing and folding are most of a letter's making)."""
    if len(name) + 2 + len(value) <= 78 and _PLAIN.fullmatch(value):
        return f"{name}: {value}\r\n".encode("ascii")
    return LETTER_POLICY.fold_binary(name, LETTER_POLICY.header_store_parse(name, value)[1])


def letter_bytes(letter: Letter, at: datetime) -> bytes:
    """``to_message(letter, at).as_bytes()``, made several times faster: the worker's form."""
    sender = formataddr((letter.sender_name, letter.sender))
    head = b"".join(
        _header(name, value)
        for name, value in (
            ("From", sender),
            ("Reply-To", sender),
            ("To", letter.to),
            ("Subject", letter.subject),
            ("Date", format_datetime(at)),
            ("Message-ID", f"<{letter.message_id}>"),
            ("List-Unsubscribe", f"<{letter.unsubscribe_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        )
    )
    plain = _plain_part(letter.text) if letter.html is None else None
    if plain is not None:
        return head + plain
    body = EmailMessage(policy=LETTER_POLICY)
    body.set_content(letter.text)
    if letter.html is not None:
        body.add_alternative(letter.html, subtype="html")
    return head + body.as_bytes()


_PLAIN_HEAD = b"".join(
    (
        b'Content-Type: text/plain; charset="utf-8"\r\n',
        b"Content-Transfer-Encoding: %s\r\n",
        b"MIME-Version: 1.0\r\n\r\n",
    )
)


def _plain_part(text: str) -> bytes | None:
    """A text-only letter's part as ``set_content`` writes it when no line is over the policy's
    length: the text as it is, 7bit or 8bit (most letters; the email package's content manager
    was a third of a letter's making). ``None``: a long line, encoded by the email package."""
    lines = text.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) > LINE_LIMIT:
        return None
    body = b"\r\n".join(lines) + b"\r\n"
    return _PLAIN_HEAD % (b"7bit" if body.isascii() else b"8bit") + body


def to_message(letter: Letter, at: datetime) -> EmailMessage:
    message = EmailMessage(policy=LETTER_POLICY)
    message["From"] = formataddr((letter.sender_name, letter.sender))
    message["Reply-To"] = formataddr((letter.sender_name, letter.sender))
    message["To"] = letter.to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = f"<{letter.message_id}>"
    message["List-Unsubscribe"] = f"<{letter.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text)
    if letter.html is not None:
        message.add_alternative(letter.html, subtype="html")
    return message
