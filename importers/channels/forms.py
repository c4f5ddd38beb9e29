"""A site's form, as the receiver gets it: JSON or form-encoded fields, read into a request.

The fields are the ones a site's form has, in English or Russian (``name``/``имя``,
``phone``/``телефон``, ``e-mail``/``email``/``почта``, ``company``/``компания``,
``message``/``comment``/``сообщение``, ``utm_source``/``utm_medium``/``utm_campaign``); the rest
is ignored. The event's id is the form's ``event_id`` (or an ``Idempotency-Key`` header), or the
digest of the body, so a sender's retry of the same submission is the same event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from crm_tui.domain.leads.intake import Request
from crm_tui.i18n import N_
from crm_tui.importers.channels.refusals import Malformed

_SYNONYMS = {
    "name": ("name", "имя", "fio", "фио", "contact_name"),
    "company": ("company", "компания", "organization", "организация"),
    "phone": ("phone", "телефон", "tel", "phone_number"),
    "email": ("email", "e-mail", "mail", "почта"),
    "message": ("message", "comment", "сообщение", "комментарий", "text", "question"),
    "utm_source": ("utm_source",),
    "utm_medium": ("utm_medium",),
    "utm_campaign": ("utm_campaign",),
}


def fields_of(body: bytes, content_type: str) -> dict[str, str]:
    """The body's fields as text: JSON (an object of scalars), ``x-www-form-urlencoded`` or
    ``multipart/form-data``; ``content_type`` is the header as sent (with its boundary)."""
    if content_type.split(";", maxsplit=1)[0].strip().lower() == "multipart/form-data":
        return _multipart(body, content_type)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("form.encoding", N_("form: the body is not UTF-8")) from None
    if content_type.split(";", maxsplit=1)[0].strip().lower() == "application/json":
        try:
            value: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Malformed(
                "form.json", N_("form: the body is not JSON (it breaks at character {pos})"),
                pos=exc.pos + 1,
            ) from None  # fmt: skip
        if not isinstance(value, Mapping):
            raise Malformed("form.object", N_("form: the body is not a JSON object"))
        return {
            str(k).strip().lower(): "" if v is None else str(v)
            for k, v in value.items()
            if not isinstance(v, dict | list)
        }
    return {k.strip().lower(): v for k, v in parse_qsl(text, keep_blank_values=True)}


def _multipart(body: bytes, content_type: str) -> dict[str, str]:
    """A page's form sent as ``multipart/form-data``: its text fields (files are left out)."""
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise Malformed("form.multipart", N_("form: the multipart body has no parts"))
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and part.get_filename() is None:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                fields[name.strip().lower()] = payload.decode("utf-8", errors="replace")
    return fields


def request_of(fields: Mapping[str, str]) -> Request:
    found: dict[str, str] = {}
    for target, names in _SYNONYMS.items():
        for name in names:
            if fields.get(name, "").strip():
                found[target] = fields[name]
                break
    return Request(
        name=found.get("name", ""), company=found.get("company", ""), phone=found.get("phone", ""),
        email=found.get("email", ""), message=found.get("message", ""),
        utm_source=found.get("utm_source", ""), utm_medium=found.get("utm_medium", ""),
        utm_campaign=found.get("utm_campaign", ""),
    )  # fmt: skip


def event_id_of(fields: Mapping[str, str], body: bytes, header: str | None) -> str:
    given = (header or fields.get("event_id") or "").strip()
    return given[:120] if given else "sha256-" + hashlib.sha256(body).hexdigest()[:40]
