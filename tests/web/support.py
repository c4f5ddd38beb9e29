"""The receiver on a real loopback port for the tests, and what a sender sends it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import inbound_events, interactions, leads
from crm_tui.web.inbound.app import make_app

FIXTURES = Path(__file__).parent / "hook_fixtures"
HOOKS_DAY = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
"""The day the captured events were sent (Zadarma's and UIS's calls of 4 December)."""


def on_hooks_day(ws: Workspace) -> Workspace:
    """``ws`` with its clock frozen on the day of the captured events: the receiver checks a
    call's start by the app's clock, and the tests' own (20 November) is before them."""
    return replace(ws, clock=fixed_clock(HOOKS_DAY))


def fixture(name: str) -> Any:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text.strip()


@asynccontextmanager
async def receiver(ws: Workspace) -> AsyncIterator[str]:
    """The receiver listening on 127.0.0.1 (a free port): its base URL."""
    runner = web.AppRunner(make_app(ws), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def zadarma_signature(fields: dict[str, str], secret: str) -> str:
    """Zadarma's Signature header as its documentation computes it (base64 of the hex HMAC-SHA1)."""
    names = {
        "NOTIFY_START": ("caller_id", "called_did", "call_start"),
        "NOTIFY_END": ("caller_id", "called_did", "call_start"),
        "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    }[fields["event"]]
    digest = hmac.new(secret.encode(), "".join(fields[n] for n in names).encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def mango_form(payload: dict[str, Any], api_key: str, salt: str) -> dict[str, str]:
    text = json.dumps(payload, ensure_ascii=False)
    sign = hashlib.sha256(f"{api_key}{text}{salt}".encode()).hexdigest()
    return {"vpbx_api_key": api_key, "sign": sign, "json": text}


def counts(ws: Workspace) -> tuple[int, int, int]:
    """Touches, requests and events kept: what a refusal must leave as it was."""
    with ws.read() as session:
        return (
            int(session.scalar(select(func.count()).select_from(interactions)) or 0),
            int(session.scalar(select(func.count()).select_from(leads)) or 0),
            int(session.scalar(select(func.count()).select_from(inbound_events)) or 0),
        )
