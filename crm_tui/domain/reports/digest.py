"""The weekly digest a head of sales gets by mail (issue 26): the week's KPI of the head's scope
as a short text and as a workbook attached (``outbox_files``), and as figures for `--json`.

``hand_to_outbox`` gives it to the campaigns' outbox (one row, its Message-ID made before it is
sent, claimed and sent by `crm outbox send` or the tick like every letter): from the sender's
own address (`crm outbox sender ADDRESS --user LOGIN`) or else the team's shared one; the same week's digest
to the same person is queued once however often cron runs `crm report digest`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Target, Viewer, can, person, require
from crm_tui.domain.access.users import resolve_viewer
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.exports import write_sheets
from crm_tui.domain.reports.calls import calls_report
from crm_tui.domain.reports.dashboard import load_dashboard
from crm_tui.domain.reports.kpi import report_sheet
from crm_tui.domain.reports.leads import lead_report
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.sheets import dashboard_sheets
from crm_tui.domain.reports.table import Slice
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.formatting import money_figure
from crm_tui.i18n import N_, _, decimal, number

WEEK_DAYS = 7


@dataclass(frozen=True)
class Digest:
    to: str
    """A login (the figures are that person's scope) or an e-mail address."""
    subject: str
    text: str
    figures: dict[str, Any] = field(default_factory=dict)
    """The same figures by English keys, as `--json` would print them."""
    workbook: bytes = b""
    """The week's KPI as an .xlsx (through the one export writer): the dashboard's figures, plan
    and fact per manager, calls per day, and the week's calls and mails per manager."""
    file_name: str = ""


def recipient(session: Session, viewer: Viewer, to: str) -> tuple[str, Viewer]:
    """Who the digest goes to and whose figures it carries, through the one capability table
    (``SEND_DIGEST``, its target the person it goes to): a login is that person, and so is an
    address that is somebody's sending address (`crm outbox sender ADDRESS --user LOGIN`); an
    address of nobody here is an outside one, which only an admin mails (a manager: their own
    login or address; a head: their region's people and their own). A person gets their own
    figures if they may see reports, an outside address (or an ops account) the sender's."""
    from sqlalchemy import select

    from crm_tui.storage.models import mail_senders, users

    require(viewer, Capability.SEND_DIGEST)
    text = to.strip()
    address = None
    if "@" in text:
        found = normalise_emails(text)
        if not found.ok or len(found.value) != 1:
            raise InvalidInput("digest.to", N_("--to: a login or one e-mail address, not {text!r}"), text=to)
        address = found.value[0].value
        whose_login = session.scalar(
            select(users.c.login)
            .join(mail_senders, mail_senders.c.user_id == users.c.id)
            .where(mail_senders.c.address == address)
        )
    else:
        whose_login = text
    if whose_login is None:
        require(viewer, Capability.SEND_DIGEST, Target(None, None, address or text))
        return str(address), viewer
    person_viewer = resolve_viewer(session, whose_login, None)
    require(viewer, Capability.SEND_DIGEST, person(person_viewer.user_id, person_viewer.region, whose_login))
    whose = person_viewer if can(person_viewer, Capability.SEE_REPORTS) else viewer
    return address or whose_login, whose


def weekly_digest(session: Session, viewer: Viewer, to: str, now: datetime, tz: ZoneInfo) -> Digest:
    """The last seven days (today included) and this month so far, for ``to``."""
    address, whose = recipient(session, viewer, to)
    require(whose, Capability.SEE_REPORTS)
    today = now.astimezone(tz).date()
    week = Period(today - timedelta(days=WEEK_DAYS - 1), today)
    board = load_dashboard(session, whose, now, tz)
    calls = calls_report(session, whose, week, tz, (Slice.MANAGER,))
    made = calls.total("calls_in") + calls.total("calls_out")
    figures: dict[str, Any] = {
        "from": week.start.isoformat(),
        "to": week.end.isoformat(),
        "plan": board.plan,
        "fact": board.fact,
        "projection": board.projection,
        "calls": made,
        "answered": calls.total("answered"),
        "missed": calls.total("missed"),
        "won": board.won,
        "closed": board.closed,
        "overdue_tasks": board.overdue_tasks,
        "silent_clients": board.silent_clients,
    }
    lines = [
        _("Plan this month: {fact} of {plan}; at this pace {projection}").format(
            fact=money_figure(board.fact),
            plan=money_figure(board.plan),
            projection=money_figure(board.projection),
        ),
        _("Calls in 7 days: {calls} ({answered} answered, {missed} missed)").format(
            calls=number(made), answered=number(calls.total("answered")), missed=number(calls.total("missed"))
        ),
    ]
    if can(whose, Capability.SEE_LEADS):
        leads = lead_report(session, whose, week.start, week.end, by=None, now=now, tz=tz).team
        figures |= {
            "requests": leads.total,
            "converted": leads.converted,
            "median_response_minutes": leads.median_response,
        }
        lines.append(
            _(
                "Requests in 7 days: {requests}, converted {converted}, median first answer {minutes} min"
            ).format(
                requests=number(leads.total),
                converted=number(leads.converted),
                minutes="—" if leads.median_response is None else decimal(leads.median_response),
            )
        )
    lines += [
        _("Deals closed this month: {won} won of {closed}").format(
            won=number(board.won), closed=number(board.closed)
        ),
        _("Open tasks past their time: {count}").format(count=number(board.overdue_tasks)),
        _("Clients without a touch for 30 days: {count}").format(count=number(board.silent_clients)),
    ]
    subject = _("Weekly KPI {start} – {end}: {who}").format(
        start=week.start.strftime("%d.%m.%Y"), end=week.end.strftime("%d.%m.%Y"), who=whose.full_name
    )
    book = BytesIO()
    write_sheets(book, [*dashboard_sheets(board, whose.full_name), report_sheet(calls)])
    name = f"kpi-{week.start.isoformat()}-{week.end.isoformat()}.xlsx"
    return Digest(address, subject, "\n".join(lines) + "\n", figures, book.getvalue(), name)


@dataclass(frozen=True)
class QueuedDigest:
    outbox_id: int
    address: str
    queued: bool
    """False: this week's digest to this person was queued or sent already."""


def hand_to_outbox(session: Session, viewer: Viewer, digest: Digest, now: datetime) -> QueuedDigest:
    """Queue the digest as a letter of the outbox (sent on its own schedule, retried, never
    twice): to ``digest.to``'s address (a login's own e-mail, its sender's address)."""
    from sqlalchemy import insert, select

    from crm_tui.domain.campaigns.enrol import message_id
    from crm_tui.domain.campaigns.outbox_files import XLSX_TYPE, keep_file
    from crm_tui.storage.models import OutboxState, mail_senders, outbox, users

    sender = session.execute(
        select(mail_senders.c.id, mail_senders.c.address)
        .where((mail_senders.c.user_id == viewer.user_id) | mail_senders.c.user_id.is_(None))
        .order_by(mail_senders.c.user_id.is_(None), mail_senders.c.id)
        .limit(1)
    ).first()
    if sender is None:
        raise InvalidInput(
            "digest.no_sender",
            N_("no address to send from: add yours or the team's with crm outbox sender"),
        )
    address = digest.to
    if "@" not in address:
        found = session.scalar(
            select(mail_senders.c.address)
            .join(users, users.c.id == mail_senders.c.user_id)
            .where(users.c.login == digest.to)
        )
        if found is None:
            raise InvalidInput(
                "digest.no_address",
                N_("{login} has no sending address here (crm outbox sender ADDRESS --user {login})"),
                login=digest.to,
            )
        address = str(found)
    key = f"{address}|{digest.figures.get('from')}"
    for row in session.execute(
        select(outbox.c.id, outbox.c.payload).where(
            outbox.c.campaign_id.is_(None),
            outbox.c.state.in_(
                [OutboxState.PENDING.value, OutboxState.SENDING.value, OutboxState.SENT.value]
            ),
        )
    ):
        if (row.payload or {}).get("digest") == key:
            return QueuedDigest(int(row.id), address, False)
    outbox_id = session.execute(
        insert(outbox)
        .values(
            sender_id=sender.id,
            address=address,
            message_id=message_id(str(sender.address)),
            state=OutboxState.PENDING.value,
            due_at=now,
            next_try=now,
            attempts=0,
            payload={
                "digest": key,
                "subject": digest.subject,
                "text": digest.text,
                "documents": [],
                "files": [],
            },
        )
        .returning(outbox.c.id)
    ).scalar_one()
    if digest.workbook:
        keep_file(session, int(outbox_id), digest.file_name, XLSX_TYPE, digest.workbook)
    return QueuedDigest(int(outbox_id), address, True)
