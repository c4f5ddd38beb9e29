"""The receiver's handlers: each source checked as its vendor documents, its event done once.

Every request goes the same way: the source named in the address (404 if there is none of that
kind), the body up to 64 KB (413), the signature or token (401), the payload read (400, one
line), the source's rate (429: only requests that passed the check count, so nobody without the
token can use up a source's quota), then the database, in a worker thread, and 200 only once
the event is committed. An event seen before is answered 200 as it was the first time, writing
nothing. Nothing of a refused request is written; the source keeps how many were refused and
the last refusal, for the admin. The answers are one line in the receiver's language. The log
says the source, the status and the outcome, never the sender's number, address or words.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar
from urllib.parse import parse_qsl

from aiohttp import web

from crm_tui.domain.errors import DomainError
from crm_tui.domain.inbound.forms import take_form
from crm_tui.domain.inbound.messengers import log_message
from crm_tui.domain.inbound.sources import Source, SourceKind, detail_of, forget_detail, source_named
from crm_tui.domain.inbound.touches import Taken, take_once
from crm_tui.domain.interactions.call_events import CallEvent, check_start
from crm_tui.domain.interactions.calls import log_calls
from crm_tui.domain.values.text import inert
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _
from crm_tui.importers.channels import forms
from crm_tui.importers.channels.calls import mango, sipuni, uis, zadarma
from crm_tui.importers.channels.messengers import telegram
from crm_tui.importers.channels.refusals import Malformed, Refused, Unsigned
from crm_tui.web.inbound.limits import RateLimits, TooLarge, read_body
from crm_tui.web.inbound.refused import Refusals

log = logging.getLogger("crm_tui.web.inbound")
T = TypeVar("T")
_UNSAFE = re.compile(r"[^a-z0-9_-]")
"""What of a name in the address the log shows: a source's name is made of the rest."""
SOURCE_TTL = 5.0
"""How long a source read from the base is trusted: a removed source stops within seconds."""


class Receiver:
    def __init__(self, ws: Workspace, *, workers: int = 4) -> None:
        self.ws = ws
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crm-inbound")
        self.limits = RateLimits()
        self.refusals = Refusals(ws, self.db)
        self._sources: dict[str, tuple[Source | None, float]] = {}

    async def db(self, work: Callable[..., T], *args: object) -> T:
        """Database work off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, partial(work, *args))

    def _load(self, name: str) -> Source | None:
        with self.ws.read() as session:
            return source_named(session, name)

    async def source(self, request: web.Request, kind: SourceKind) -> Source:
        name = request.match_info["source"]
        cached = self._sources.get(name)
        if cached is None or cached[1] < time.monotonic():
            cached = (await self.db(self._load, name), time.monotonic() + SOURCE_TTL)
            if cached[0] is not None:  # only sources that exist: a scan of made-up names keeps nothing
                self._sources[name] = cached
        found = cached[0]
        if found is None or found.kind is not kind:
            raise _Answer(404, _("no such source"), "no_source")
        return found

    def route(
        self, kind: SourceKind, handler: Callable[[Source, web.Request], Awaitable[web.Response]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            name = _UNSAFE.sub("?", request.match_info.get("source", "?"))[:64]
            source: Source | None = None

            def refuse(status: int, code: str, line: str) -> web.Response:
                log.info("source=%s kind=%s status=%d outcome=%s", name, kind.value, status, code)
                if source is not None:
                    self.refusals.note(source.id, status, code)
                return web.Response(status=status, text=line)

            try:
                source = await self.source(request, kind)
                response = await handler(source, request)
            except _Answer as answer:
                return refuse(answer.status, answer.code, answer.line + "\n")
            except TooLarge:
                return refuse(413, "too_large", _("the body is over 64 KB") + "\n")
            except Refused as refused:
                return refuse(refused.status, refused.code, _line(refused))
            except DomainError as error:  # the intake's refusal: a request with no way to answer it
                return refuse(400, error.code, _line(error))
            except web.HTTPException as http:
                log.info("source=%s kind=%s status=%d outcome=http", name, kind.value, http.status)
                raise
            except Exception:
                log.exception("source=%s kind=%s status=500 outcome=error", name, kind.value)
                return web.Response(status=500, text=_("the event was not taken; send it again") + "\n")
            log.info("source=%s kind=%s status=%d outcome=%s", name, kind.value, response.status,
                     response.headers.get("X-Outcome", "-"))  # fmt: skip
            return response

        return handle

    async def once(
        self, source: Source, event_id: str, apply: Callable[[], str], detail: str | None = None
    ) -> web.Response:
        """The event, checked and read, done once."""
        self._count(source)
        taken = await self.db(take_once, self.ws, source, event_id, apply, detail)
        return _done(taken)

    def _count(self, source: Source) -> None:
        """The request counts against the source's rate here, once checked and read, before the
        database: a request that failed the check never gets here, so nobody without the token
        can use up a form's quota."""
        if not self.limits.allow(source.name, source.per_minute):
            raise _Answer(429, _("too many requests for this source"), "rate")

    def _detail(self, source: Source, event_id: str) -> str | None:
        with self.ws.read() as session:
            return detail_of(session, source, event_id)

    def calls(self, event: CallEvent | None) -> Callable[[], str]:
        """Logging ``event``, once its start is checked by the app's clock (``check_start``:
        refused with a 400 naming the field before anything is written or counted done)."""
        if event is not None:
            check_start(event, self.ws.now())

        def apply() -> str:
            assert event is not None
            logged = log_calls(self.ws, [event])
            return next(iter(logged.outcomes), "again")

        return apply

    # The sources, one handler each.

    async def form(self, source: Source, request: web.Request) -> web.Response:
        body = await read_body(request)
        _check_form(source, request, body)
        fields = forms.fields_of(body, request.headers.get("Content-Type", ""))
        event_id = forms.event_id_of(fields, body, request.headers.get("Idempotency-Key"))
        form_request = forms.request_of(fields)
        self._count(source)
        return _done(await self.db(take_form, self.ws, source, event_id, form_request))

    async def zadarma_echo(self, source: Source, request: web.Request) -> web.Response:
        """Zadarma checks an address by a GET with ``zd_echo``, to be answered with its value."""
        echo = request.query.get("zd_echo", "")
        if not echo:
            raise _Answer(400, _("zadarma: zd_echo is missing"), "malformed")
        return web.Response(text=echo[:200], headers={"X-Outcome": "echo"})

    async def zadarma(self, source: Source, request: web.Request) -> web.Response:
        body = await read_body(request)
        fields = _form(body)
        zadarma.verify(fields, request.headers.get("Signature"), source.secret)
        event = zadarma.read(fields, source.zone)
        if event is None or not event.final:
            return _ignored()
        return await self.once(source, f"{fields.get('event')}:{event.call_id}", self.calls(event))

    async def mango(self, source: Source, request: web.Request) -> web.Response:
        body = await read_body(request)
        fields = _form(body)
        mango.verify(fields, source.api_key or "", source.secret)
        if not request.match_info.get("event", "").rstrip("/").endswith("summary"):
            return _ignored()
        event = mango.read_summary(fields)
        return await self.once(source, f"summary:{event.call_id}", self.calls(event))

    async def sipuni(self, source: Source, request: web.Request) -> web.Response:
        _check_token(source, request.match_info.get("token", ""))
        body = await read_body(request)
        fields = {**dict(request.query), **_form(body)}
        start = sipuni.start_detail(fields)
        if start is not None:  # kept for the hangup, which may name no number
            return await self.once(source, start[0], _started, start[1])
        event = sipuni.read(fields)
        if event is None:
            return _ignored()
        started = None
        if not event.other.raw:
            started = await self.db(self._detail, source, sipuni.start_id(event.call_id))
            event = sipuni.with_start(event, started)
        answer = await self.once(source, f"{fields.get('event')}:{event.call_id}", self.calls(event))
        if started is not None:  # the call is logged: its start's number is kept no longer
            await self.db(forget_detail, self.ws, source, sipuni.start_id(event.call_id))
        return answer

    async def uis(self, source: Source, request: web.Request) -> web.Response:
        _check_token(source, request.match_info.get("token", ""))
        event = uis.read(await read_body(request), source.zone)
        return await self.once(source, event.call_id, self.calls(event))

    async def telegram(self, source: Source, request: web.Request) -> web.Response:
        body = await read_body(request)
        telegram.verify(request.headers.get(telegram.HEADER), source.secret)
        update = telegram.update_of(body)
        message = telegram.read(update)
        if message is None:
            return _ignored()
        return await self.once(source, str(update["update_id"]), partial(log_message, self.ws, message))


class _Answer(Exception):
    def __init__(self, status: int, line: str, code: str) -> None:
        super().__init__(line)
        self.status, self.line, self.code = status, line, code


def _line(error: DomainError) -> str:
    return inert(str(error)).replace("\n", " ")[:300] + "\n"


def _done(taken: Taken) -> web.Response:
    return web.json_response(
        {"ok": True, "success": True, "outcome": taken.outcome, "again": taken.again},
        headers={"X-Outcome": "again" if taken.again else taken.outcome.replace(" ", "_")},
    )


def _started() -> str:
    return "started"


def _ignored() -> web.Response:
    """An event that tells nothing to log (a call's start, an IVR step): taken, nothing written."""
    return web.json_response(
        {"ok": True, "success": True, "outcome": "ignored", "again": False}, headers={"X-Outcome": "ignored"}
    )


def _form(body: bytes) -> Mapping[str, str]:
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise Malformed("inbound.encoding", N_("the body is not UTF-8")) from None


def _check_token(source: Source, token: str) -> None:
    if not token or not hmac.compare_digest(token, source.secret):
        raise Unsigned("inbound.token", N_("the token in the address does not match"))


def _check_form(source: Source, request: web.Request, body: bytes) -> None:
    """A form is signed (``X-Signature: sha256=<hex HMAC-SHA256 of the body>``, from a site's
    backend) or carries the token (``?token=``, from a page's own form)."""
    signature = request.headers.get("X-Signature", "").strip()
    if signature:
        expected = hmac.new(source.secret.encode(), body, hashlib.sha256).hexdigest()
        given = signature.removeprefix("sha256=").lower()
        if hmac.compare_digest(given, expected):
            return
        raise Unsigned(
            "inbound.signature", N_("X-Signature is not the body's HMAC-SHA256 by the source's secret")
        )
    _check_token(source, request.query.get("token", ""))
