"""Calls and mails by where they came from (``crm report calls --by source``): the PBX or cloud
telephony that reported a call (Asterisk, Mango Office, Zadarma...), the mailbox a mail was read
from, or the CRM itself for a touch logged by hand or sent from it.

A touch that came in by itself carries its source's own identity, ``<source>:<its id>``
(``CallEvent.identity``, ``inbound.mail.identity``): its source is the part before the colon.
The figures are the calls report's, counted the same way (``crm_tui.domain.reports.calls``),
in one plain grouped query: the calls report's partial sums per person have no source in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.reports.calls import COLUMNS
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Report, Slice, Source, counted, grouped, slice_columns
from crm_tui.i18n import N_, _
from crm_tui.storage.models import Direction, InteractionKind, interactions

IN_THE_CRM = "crm"
"""The source of a touch without an outside identity: logged by hand, or sent from the CRM."""
SOURCE_NAMES = {
    "asterisk": "Asterisk",
    "mango": "Mango Office",
    "zadarma": "Zadarma",
    "sipuni": "Sipuni",
    "uis": "UIS",
    "csv": N_("call list file"),
    "mail": N_("E-mail"),
    IN_THE_CRM: N_("in the CRM"),
}
"""How a source reads in a report (the JSON keeps the code); a PBX by its own name."""
TRANSLATED = frozenset({"csv", "mail", IN_THE_CRM})


def source_name(code: str) -> str:
    name = SOURCE_NAMES.get(code, code)
    return _(name) if code in TRANSLATED else name


def source_of(session: Session) -> ColumnElement[Any]:
    """A touch's source: its identity's part before the colon, ``crm`` without one."""
    external = interactions.c.external_id
    if session.get_bind().dialect.name == "postgresql":
        colon = func.strpos(external, ":")
        head: ColumnElement[Any] = func.split_part(external, ":", 1)
    else:
        colon = func.instr(external, ":")
        head = func.substr(external, 1, colon - 1)
    return case((colon > 0, head), else_=literal(IN_THE_CRM))


def calls_by_source_report(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    by: Sequence[Slice],
    *,
    manager_id: int | None = None,
) -> Report:
    """The calls report's columns per source (and per the other slices asked for)."""
    i = interactions.c
    call, mail = i.kind == InteractionKind.CALL.value, i.kind == InteractionKind.EMAIL.value
    inbound, outbound = i.direction == Direction.INBOUND.value, i.direction == Direction.OUTBOUND.value
    lasted = func.coalesce(i.duration_s, 0) > 0
    figures = [
        counted(and_(call, inbound)).label("calls_in"),
        counted(and_(call, outbound)).label("calls_out"),
        counted(and_(call, lasted)).label("answered"),
        counted(and_(call, inbound, ~lasted)).label("missed"),
        func.coalesce(func.sum(case((call, func.coalesce(i.duration_s, 0)), else_=0)), 0).label(
            "talk_seconds"
        ),
        counted(and_(mail, inbound)).label("mails_in"),
        counted(and_(mail, outbound)).label("mails_out"),
    ]
    start, end = period.bounds(tz)
    where = [i.kind.in_([InteractionKind.CALL.value, InteractionKind.EMAIL.value]), i.occurred_at >= start,
             i.occurred_at < end]  # fmt: skip
    if manager_id is not None:
        where.append(i.user_id == manager_id)
    source = Source(interactions, i.user_id, i.occurred_at, {Slice.SOURCE: source_of(session)})
    rows = grouped(session, viewer, source, by, figures, where, period, tz)
    for row in rows:
        for column in COLUMNS:
            row[column.key] = int(row[column.key])
    return Report("calls", slice_columns(by) + COLUMNS, rows)
