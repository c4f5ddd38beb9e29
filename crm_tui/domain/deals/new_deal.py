"""Opening a deal by hand: from the client card, the kanban, the palette or `crm deal add`.

One function for all of them. The client is found as the clients list's `/` finds it (name, INN,
phone; or its id), among the clients the person may see; the amount is read as people type it
(``1,2 млн``, ``350 000``, ``350к``: ``values.amounts``), the close date as they say it
(``values.moments.parse_day``). The deal is written in no stage's history yet and then enters
its stage through ``moves.change_stage``, as every stage change goes: the history row, the audit
row, the stage's playbook task. A refusal names the field it is about (``InvalidInput.field``),
so a dialog puts the cursor there and keeps what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, can, client_target, person, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.clients.take import take_in
from crm_tui.domain.deals.moves import DealRow, change_stage
from crm_tui.domain.deals.pipeline_admin import find_stage
from crm_tui.domain.deals.pipelines import StageInfo, default_pipeline_id, stages_of
from crm_tui.domain.errors import (
    RECORD_KINDS,
    AccessDenied,
    DomainError,
    InvalidInput,
    NotFound,
    not_found,
    with_field,
)
from crm_tui.domain.values.amounts import typed_amount
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.moments import parse_day
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message, Phrase
from crm_tui.storage.models import ClientStatus, DealStatus, clients, deals, pipelines, users

TITLE_LENGTH = 300
CLOSE_YEARS_AHEAD = 10
CLOSE_DAYS_BACK = 366
"""An expected close outside a year back and ten years ahead is a slip ("01.01.1900",
"31.12.9999"): it would open months of its own in the forecast."""
CLIENT_CHOICES = 5
"""How many clients a refusal names when a query matches several."""


@dataclass(frozen=True)
class DealDraft:
    """A new deal as typed: every field text, read here."""

    client: str
    title: str
    amount: str = ""
    pipeline: str = ""
    stage: str = ""
    close: str = ""
    owner: str = ""
    """A login; empty: the person opening it (or, for an admin, the client's owner)."""
    comment: str = ""


@dataclass(frozen=True)
class FoundClient:
    id: int
    name: str
    owner_id: int | None
    region: str | None
    status: str


@dataclass
class AddedDeal:
    id: int
    title: str
    client_id: int
    client: str
    pipeline_id: int
    stage_id: int
    stage: str
    owner_id: int
    amount: int
    expected_close: date | None
    version: int
    tasks: list[int] = field(default_factory=list)
    owner_login: str = ""
    owner_name: str = ""


FIELD_LABELS = {
    "client": N_("client"),
    "title": N_("title"),
    "amount": N_("amount"),
    "pipeline": N_("pipeline"),
    "stage": N_("stage"),
    "close": N_("close date"),
    "owner": N_("owner"),
    "product": N_("product"),
    "quantity": N_("quantity"),
    "unit": N_("unit"),
    "price": N_("price"),
    "vat": N_("VAT"),
    "line": N_("line"),
    "assignee": N_("assignee"),
    "due": N_("due"),
    "kind": N_("kind"),
    "deal": N_("deal"),
    "reason": N_("reason"),
    "result": N_("result"),
}
"""How a refusal names the field it is about, in words (the dialog's and the CLI's line)."""
ON_FIELD = N_("{what}: {reason}")


def refuse(field_name: str, code: str, msgid: str, **params: object) -> InvalidInput:
    """A refusal about one field of a form, in one line that names it ("amount: 'abc' is not an
    amount of money"); ``field`` moves the dialog's cursor there."""
    return on_field(InvalidInput(code, msgid, **params), field_name)


def on_field(exc: DomainError, field_name: str) -> InvalidInput:
    """``exc`` as a refusal about the field ``field_name``: its line led by the field's name,
    save a record's "not found", which names the thing already ("deal 53 not found", never
    "deal: deal 53 not found"); the field is kept for the dialog's cursor either way."""
    if isinstance(exc, NotFound) and exc.code.removesuffix(".not_found") in RECORD_KINDS:
        message = exc.message
        return InvalidInput(Message(message.code, message.msgid, **{**message.params, "field": field_name}))
    what = Phrase(FIELD_LABELS.get(field_name, field_name))
    return InvalidInput(exc.code, ON_FIELD, what=what, reason=exc.message, field=field_name)


def find_client(session: Session, viewer: Viewer, text: str) -> FoundClient:
    """The one client ``text`` names among those ``viewer`` sees: an id, or what the clients
    list's `/` matches (name, INN, phone). Several matches: a refusal naming a few of them."""
    query = " ".join(text.split())
    if not query:
        raise refuse(
            "client", "deal.client_missing", N_("say which client: a name, an INN, a phone or an id")
        )
    c = clients.c
    from crm_tui.domain.access.visibility import visible_clients

    if query.isdigit() and len(query) < 10:
        row = session.execute(
            select(c.id, c.name, c.owner_id, c.region, c.status).where(
                c.id == int(query), visible_clients(viewer)
            )
        ).first()
        if row is None:
            raise not_found("client", int(query))
        return FoundClient(*row)
    page = client_page(session, viewer, ClientFilter(query=query), limit=CLIENT_CHOICES + 1)
    if not page.rows:
        raise refuse("client", "deal.client_unknown", N_("no client matches {text!r}"), text=query)
    exact = [r for r in page.rows if fold(r.name) == fold(query)]
    rows = exact if len(exact) == 1 else page.rows
    if len(rows) > 1:
        names = "; ".join(f"{r.name}, {r.city or '—'} ({r.id})" for r in rows[:CLIENT_CHOICES])
        raise refuse(
            "client",
            "deal.client_ambiguous",
            N_("{text!r} matches several clients: {names}"),
            text=query,
            names=names,
        )
    found = rows[0]
    row = session.execute(select(c.id, c.name, c.owner_id, c.region, c.status).where(c.id == found.id)).one()
    return FoundClient(*row)


def read_amount(text: str, field_name: str = "amount") -> int:
    """Kopecks from what a person typed; refused (naming ``field_name``) unless an amount >= 0."""
    if not text.strip():
        return 0
    read = typed_amount(text.strip())
    if read.value is None:
        why = read.warnings[0] if read.warnings else None
        if why is not None and why.code in ("amount.decimals", "amount.unclear", "amount.too_large"):
            raise refuse(field_name, why.code, why.msgid, **why.params)
        raise refuse(field_name, "deal.amount_invalid", N_("{text!r} is not an amount of money"), text=text)
    if read.value < 0:
        raise refuse(
            field_name, "deal.amount_negative", N_("an amount cannot be negative: {text!r}"), text=text
        )
    return read.value


def read_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise refuse("title", "deal.title_missing", N_("a deal needs a title: what is being sold"))
    if len(title) > TITLE_LENGTH:
        raise refuse(
            "title", "deal.title_long", N_("a title is at most {count} characters"), count=TITLE_LENGTH
        )
    return title


def read_close(ws: Workspace, text: str) -> date | None:
    if not text.strip():
        return None
    try:
        day = parse_day(text, ws.now(), ws.tz)
    except InvalidInput as exc:
        raise on_field(exc, "close") from None
    today = ws.now().astimezone(ws.tz).date()
    if day < today - timedelta(days=CLOSE_DAYS_BACK):
        raise refuse(
            "close",
            "deal.close_past",
            N_("{day} is over a year ago: an expected close is ahead"),
            day=day.strftime("%d.%m.%Y"),
        )
    if day.year > today.year + CLOSE_YEARS_AHEAD:
        raise refuse(
            "close",
            "deal.close_far",
            N_("{day} is more than {count} years ahead"),
            day=day.strftime("%d.%m.%Y"),
            count=CLOSE_YEARS_AHEAD,
        )
    return day


def owner_for(session: Session, viewer: Viewer, login: str, fallback: int | None) -> int:
    """Whose the deal is: ``login``, else the viewer (if they own clients), else ``fallback``
    (the client's owner). Giving it to somebody else is editing a deal of theirs: heads within
    their region, admins anyone; managers only themselves."""
    if login.strip():
        from crm_tui.domain.access.capabilities import can_own_clients
        from crm_tui.domain.access.users import find_colleague

        try:
            row = find_colleague(session, login, "owner")
        except InvalidInput as exc:
            raise on_field(exc, "owner") from None
        if not can_own_clients(row.role):
            raise refuse("owner", "deal.owner_cannot_own", N_("{login} does not own deals"), login=row.login)
        try:
            require(viewer, Capability.EDIT_DEALS, person(row.id, row.region, row.login))
        except AccessDenied as exc:
            raise with_field(exc, "owner") from None
        return row.id
    if can(viewer, Capability.OWN_CLIENTS):
        return viewer.user_id
    if fallback is not None:
        return fallback
    raise refuse("owner", "deal.owner_missing", N_("say whose deal it is: the client has no owner"))


def check_owner_sees(session: Session, owner_id: int, client_id: int) -> None:
    """Refuse a deal whose owner may not see its client: the owner could not open the client's
    card, and the client's owner would not see the deal (as a task's assignee must see its
    client, ``tasks.manual``)."""
    from crm_tui.domain.access.users import viewer_of
    from crm_tui.domain.access.visibility import visible_clients

    seer = viewer_of(session, owner_id)
    if seer is None:  # pragma: no cover - the owner was just read
        return
    c = clients.c
    if session.scalar(select(c.id).where(c.id == client_id, visible_clients(seer))) is None:
        raise refuse(
            "owner", "deal.client_unseen",
            N_("{login} does not see client {id}: a deal goes to whoever sees its client"),
            login=seer.login, id=client_id,
        )  # fmt: skip


def _pipeline(session: Session, text: str) -> int:
    if not text.strip():
        pid = default_pipeline_id(session)
        if pid is None:  # pragma: no cover - every base is made with a pipeline
            raise refuse("pipeline", "deal.no_pipeline", N_("there is no pipeline"))
        return pid
    key = text.strip().casefold()
    for pid, name in session.execute(select(pipelines.c.id, pipelines.c.name)):
        if key in (str(pid), name.casefold()):
            return int(pid)
    names = ", ".join(
        f"«{n}»" for n in session.scalars(select(pipelines.c.name).order_by(pipelines.c.position))
    )
    raise refuse(
        "pipeline",
        "deal.pipeline_unknown",
        N_("no pipeline {text!r}; there are {names}"),
        text=text,
        names=names,
    )


def _stage(session: Session, text: str, pipeline_id: int) -> StageInfo:
    if not text.strip():
        first = next((s for s in stages_of(session, pipeline_id) if not (s.is_won or s.is_lost)), None)
        if first is None:  # pragma: no cover - a pipeline keeps one open stage
            raise refuse("stage", "deal.no_open_stage", N_("the pipeline has no open stage"))
        return first
    try:
        stage = find_stage(session, text, pipeline_id)
    except NotFound as exc:
        raise on_field(exc, "stage") from None
    if stage.is_won or stage.is_lost:
        raise refuse(
            "stage",
            "deal.stage_closed",
            N_("a new deal starts in an open stage, not in {stage!r}"),
            stage=stage.name,
        )
    return stage


def add_deal(ws: Workspace, draft: DealDraft) -> AddedDeal:
    """Write the deal and let it enter its stage; everything in one transaction."""
    with ws.write() as session:
        return open_deal(session, ws, draft)


def open_deal(session: Session, ws: Workspace, draft: DealDraft) -> AddedDeal:
    """``add_deal`` inside a caller's transaction (a lead converted with its deal: both or
    neither)."""
    title = read_title(draft.title)
    amount = read_amount(draft.amount)
    close = read_close(ws, draft.close)
    comment = " ".join(draft.comment.split()) or None
    now = ws.now()
    client = find_client(session, ws.viewer, draft.client)
    require(
        ws.viewer,
        Capability.CREATE_DEALS,
        client_target(client.id, client.owner_id, client.region, client.status),
    )
    owner_id = owner_for(session, ws.viewer, draft.owner, client.owner_id)
    check_owner_sees(session, owner_id, client.id)
    if client.owner_id is None and client.status == ClientStatus.LEAD.value:
        # a free lead's deal takes the lead for the deal's owner, first come first served, whoever
        # opens it (a head or an admin for a manager): a deal on nobody's client sees nobody
        from crm_tui.domain.access.users import viewer_of

        taker = viewer_of(session, owner_id)
        if taker is not None:
            take_in(session, taker, client.id, now, by=ws.viewer)
    pipeline_id = _pipeline(session, draft.pipeline)
    stage = _stage(session, draft.stage, pipeline_id)
    values = {
        "client_id": client.id,
        "owner_id": owner_id,
        "pipeline_id": pipeline_id,
        "stage_id": stage.id,
        "title": title,
        "title_key": fold(title)[:TITLE_LENGTH],
        "amount": amount,
        "expected_close": close,
        "status": DealStatus.OPEN.value,
        "furthest_position": stage.position,
        "stage_entered_at": now,
        "created_at": now,
        "updated_at": now,
        "version": 0,
    }
    deal_id = int(session.execute(insert(deals).values(values).returning(deals.c.id)).scalar_one())
    audit.record(
        session,
        at=now,
        user_id=ws.viewer.user_id,
        entity="deal",
        entity_id=deal_id,
        action="create",
        changes={
            "title": title,
            "client_id": client.id,
            "owner_id": owner_id,
            "amount": amount,
            "expected_close": close.isoformat() if close else None,
        },
    )
    region, login, name = session.execute(
        select(users.c.region, users.c.login, users.c.full_name).where(users.c.id == owner_id)
    ).one()
    row = DealRow(deal_id, title, client.id, owner_id, region, pipeline_id, stage.id, 0, "open", now)
    moved = change_stage(session, ws, row, stage.id, comment=comment, entering=True)
    return AddedDeal(
        deal_id, title, client.id, client.name, pipeline_id, stage.id, stage.name, owner_id, amount, close,
        moved.version, moved.tasks, login, name,
    )  # fmt: skip
