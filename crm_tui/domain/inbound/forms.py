"""A site's form, sent to the receiver: a request through the one intake, once per event."""

from __future__ import annotations

from dataclasses import replace

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.inbound.sources import Source
from crm_tui.domain.inbound.touches import Taken, known, take_once_within
from crm_tui.domain.leads.intake import IntakeRun, Request, receive, take
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import LeadChannel


def form_identity(source: Source, event_id: str) -> str:
    return f"form:{source.name}:{event_id}"[:200]


def log_form(ws: Workspace, source: Source, event_id: str, request: Request) -> str:
    """The request's outcome (``new``, ``repeat``, ``touch``, ``junk``, ``dropped``), or
    ``again`` for one already logged. The source's name is its line, so a lead source whose line
    is the form's name (``site-form``) claims its requests."""
    with ws.read() as session:
        if known(session, form_identity(source, event_id)):
            return "again"
    return receive(ws, _as_request(source, event_id, request)).outcome


def take_form(ws: Workspace, source: Source, event_id: str, request: Request) -> Taken:
    """The receiver's form, once: the request, its touch, its task and the note that the event
    was taken in one transaction (one commit a form; it was two, and three reads). A form logged
    before by another path (its touch's identity taken) is ``again``, by the unique key."""
    require(ws.viewer, Capability.ADD_LEADS)
    made = _as_request(source, event_id, request)
    return take_once_within(
        ws, source, event_id, lambda session: take(session, ws, IntakeRun(session), made).outcome
    )


def _as_request(source: Source, event_id: str, request: Request) -> Request:
    return replace(
        request,
        channel=LeadChannel.WEB_FORM.value,
        line=request.line or source.name,
        external_id=form_identity(source, event_id),
    )
