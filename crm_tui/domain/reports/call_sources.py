"""Calls and mails by where they came from (``crm report calls --by source``): the PBX or cloud
telephony that reported a call (Asterisk, Mango Office, Zadarma...), the mailbox a mail was read
from, or the CRM itself for a touch logged by hand or sent from it.

A touch that came in by itself carries its source's own identity, ``<source>:<its id>``
(``CallEvent.identity``, ``inbound.mail.identity``): its source is the part before the colon.
The figures are the calls report's, counted the same way (``crm_tui.domain.reports.calls``):
the CRM's are that report's figures less those of the touches that came in by themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.reports.calls import COLUMNS, calls_report
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Report, Slice, Source, counted, grouped, in_order, slice_columns
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
    """The calls report's columns per source (and per the other slices asked for).

    Touches that came in by themselves are few (a PBX's calls, mails read; most are logged in
    the CRM): they are grouped off the index of their identities, and the CRM's are the calls
    report's own figures for the other slices less theirs. Grouping a year's 650,000 touches by
    their identity read every one of them from the table (seconds on the large demo base)."""
    rest = [s for s in by if s is not Slice.SOURCE]
    keys = [c.key for c in slice_columns(rest)]
    figures = [c.key for c in COLUMNS]
    whole = calls_report(session, viewer, period, tz, rest, manager_id=manager_id).rows
    came_in = _came_in(session, viewer, period, tz, by, manager_id)
    left: dict[tuple[Any, ...], dict[str, Any]] = {
        tuple(row[k] for k in keys): {k: int(row[k]) for k in figures} for row in whole
    }
    rows = []
    for row in came_in:
        counts = left.get(tuple(row[k] for k in keys))
        for k in figures:
            row[k] = int(row[k])
            if counts is not None:
                counts[k] -= row[k]
        rows.append(row)
    for group, counts in left.items():
        if any(counts.values()):
            rows.append({**dict(zip(keys, group, strict=True)), Slice.SOURCE.value: IN_THE_CRM, **counts})
    ordered = in_order(rows, [c.key for c in slice_columns(by)])
    columns = slice_columns(by) + COLUMNS
    return Report("calls", columns, [{c.key: row[c.key] for c in columns} for row in ordered])


def _came_in(
    session: Session,
    viewer: Viewer,
    period: Period,
    tz: ZoneInfo,
    by: Sequence[Slice],
    manager_id: int | None,
) -> list[dict[str, Any]]:
    """The touches with an outside identity, grouped by ``by`` (their source among them)."""
    i = interactions.c
    call, mail = i.kind == InteractionKind.CALL.value, i.kind == InteractionKind.EMAIL.value
    inbound, outbound = i.direction == Direction.INBOUND.value, i.direction == Direction.OUTBOUND.value
    lasted = func.coalesce(i.duration_s, 0) > 0
    talk = func.coalesce(func.sum(case((call, func.coalesce(i.duration_s, 0)), else_=0)), 0)
    figures = [
        counted(and_(call, inbound)).label("calls_in"),
        counted(and_(call, outbound)).label("calls_out"),
        counted(and_(call, lasted)).label("answered"),
        counted(and_(call, inbound, ~lasted)).label("missed"),
        talk.label("talk_seconds"),
        counted(and_(mail, inbound)).label("mails_in"),
        counted(and_(mail, outbound)).label("mails_out"),
    ]
    start, end = period.bounds(tz)
    known = interactions.alias("known")
    where = [
        # the few that came in by themselves, off the identities' index (the planner took the
        # kind and time index for ``external_id IS NOT NULL`` and read a year's touches)
        i.id.in_(select(known.c.id).where(known.c.external_id > "")),
        i.kind.in_([InteractionKind.CALL.value, InteractionKind.EMAIL.value]),
        i.occurred_at >= start,
        i.occurred_at < end,
    ]
    if manager_id is not None:
        where.append(i.user_id == manager_id)
    source = Source(interactions, i.user_id, i.occurred_at, {Slice.SOURCE: source_of(session)})
    return grouped(session, viewer, source, by, figures, where, period, tz)
