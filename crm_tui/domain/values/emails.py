"""E-mail addresses from a cell or a field: lower-cased, ``mailto:`` and names around them dropped.

Validation is by shape only (no DNS): a managers' file, or a person typing, is no place to wait
for the network.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from crm_tui.domain.values.cells import Normalised, cell_text, is_blank, shorten
from crm_tui.i18n import N_, Message

_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
)
_EMAIL_SPLIT = re.compile(r"[,;\s]+")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_EMAIL_EDGES = "<>()[]\"'«».:"


class Email(NamedTuple):
    """One address from a cell: lower-cased value and the text it came from."""

    value: str
    raw: str


def normalise_emails(value: object) -> Normalised[tuple[Email, ...]]:
    """Every address in a cell, lower-cased, ``mailto:`` removed; anything else is a warning.

    "Иван <ivan@x.ru>" yields the address; the name beside it is ignored.
    """
    raw = cell_text(value)
    if is_blank(value):
        return Normalised((), raw)
    if not isinstance(value, str) or len(raw) > 1000:
        return Normalised((), raw, (_not_an_address(raw),))
    address = raw.strip().lower()
    if address.startswith("mailto:"):
        address = address[7:]
    if len(address) <= 254 and _EMAIL.fullmatch(address):  # the usual cell: one plain address
        return Normalised((Email(address, raw.strip()),), raw)
    has_address = "@" in raw
    if not has_address:  # «не почта»: no address at all is one problem of the cell, not one a word
        return Normalised((), raw, (_not_an_address(raw.strip()),))
    emails: list[Email] = []
    warnings: list[Message] = []
    for token in _EMAIL_SPLIT.split(raw.replace("<", " ").replace(">", " ")):
        address = _MAILTO.sub("", token.strip(_EMAIL_EDGES)).split("?", 1)[0].strip(_EMAIL_EDGES).lower()
        if not address or (has_address and address.isalpha()):
            continue  # "Иван" beside "<ivan@x.ru>" is a name, not a broken address
        if len(address) > 254 or not _EMAIL.fullmatch(address):
            warnings.append(_not_an_address(token))
        elif address not in (e.value for e in emails):
            emails.append(Email(address, token))
    return Normalised(tuple(emails), raw, tuple(warnings))


def _not_an_address(text: str) -> Message:
    return Message("email.invalid", N_("'{text}' is not an e-mail address"), text=shorten(text))


PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "mail.ru", "bk.ru", "list.ru", "inbox.ru", "internet.ru", "mail.ua", "yandex.ru", "ya.ru",
        "yandex.com", "yandex.by", "yandex.kz", "yandex.ua", "narod.ru", "rambler.ru", "lenta.ru",
        "autorambler.ru", "myrambler.ru", "ro.ru", "gmail.com", "googlemail.com", "icloud.com", "me.com",
        "mac.com", "outlook.com", "hotmail.com", "live.com", "live.ru", "msn.com", "yahoo.com", "aol.com",
        "mail.com", "gmx.com", "gmx.de", "proton.me", "protonmail.com", "zoho.com", "qip.ru", "pochta.ru",
        "e1.ru", "ngs.ru", "nm.ru", "km.ru", "ukr.net", "tut.by", "bigmir.net", "i.ua", "meta.ua",
    }
)  # fmt: skip
"""Mailbox services anyone can sign up to: two addresses there say nothing about one company."""


def company_domain(address: str) -> str | None:
    """The domain of a normalised address when it is a company's own (``snab@tekhnovektor12.ru``
    -> ``tekhnovektor12.ru``), not a public mailbox service's; else ``None``."""
    domain = address.rpartition("@")[2]
    if not domain or domain in PUBLIC_MAIL_DOMAINS:
        return None
    return domain
