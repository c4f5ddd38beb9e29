"""A site's form, sent to the receiver: a request through the one intake, once per event."""

from __future__ import annotations

from dataclasses import replace

from crm_tui.domain.inbound.sources import Source
from crm_tui.domain.inbound.touches import known
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import LeadChannel


def form_identity(source: Source, event_id: str) -> str:
    return f"form:{source.name}:{event_id}"[:200]


def log_form(ws: Workspace, source: Source, event_id: str, request: Request) -> str:
    """The request's outcome (``new``, ``repeat``, ``touch``, ``junk``, ``dropped``), or
    ``again`` for one already logged. The source's name is its line, so a lead source whose line
    is the form's name (``site-form``) claims its requests."""
    identity = form_identity(source, event_id)
    with ws.read() as session:
        if known(session, identity):
            return "again"
    request = replace(
        request,
        channel=LeadChannel.WEB_FORM.value,
        line=request.line or source.name,
        external_id=identity,
    )
    return receive(ws, request).outcome
