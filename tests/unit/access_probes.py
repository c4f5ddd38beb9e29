"""How the matrix tries each capability: once through the domain, once through `crm`.

``PROBES`` has an entry for every ``Capability``: which targets it is tried on (``kinds``; none
for a team-wide capability), a domain call and a CLI call. A domain call returns True when the
action was done or the target seen, False when the target was not among what the viewer got;
a refusal raises. A CLI call is the arguments of a `crm` command (and, for a listing, how to
tell the target is in its output), or the reason no command does it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.access.users import add_colleague, resolve_viewer
from crm_tui.domain.audit.trail import trail
from crm_tui.domain.campaigns.rows import list_outbox, stop_client
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft, add_campaign
from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.handovers import hand_over
from crm_tui.domain.clients.merges import merge_clients
from crm_tui.domain.clients.new_client import Added, NewClient, add_client
from crm_tui.domain.clients.take import take_lead
from crm_tui.domain.deals.card import load_deal_card
from crm_tui.domain.deals.edit import edit_deal
from crm_tui.domain.deals.moves import move_deal
from crm_tui.domain.deals.new_deal import DealDraft, add_deal
from crm_tui.domain.deals.pipeline_admin import set_lost_reason
from crm_tui.domain.deals.refusals import hand_over_lost
from crm_tui.domain.documents.bank_file import statement_bytes
from crm_tui.domain.documents.company import set_company
from crm_tui.domain.documents.making import make_document
from crm_tui.domain.documents.payments import confirm_payment
from crm_tui.domain.documents.templates import ASSETS, add_template
from crm_tui.domain.duplicates.threshold import set_threshold
from crm_tui.domain.imports.batches import ImportOptions, OrdersOptions
from crm_tui.domain.inbound.sources import add_source as add_inbound_source
from crm_tui.domain.interactions.calls import log_calls
from crm_tui.domain.leads.inbox import lead_card
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.leads.setup import add_source
from crm_tui.domain.leads.work import assign_request, junk_request
from crm_tui.domain.portrait.fields import set_required_contacts
from crm_tui.domain.privacy import export_person
from crm_tui.domain.reports.digest import weekly_digest
from crm_tui.domain.reports.plan import this_month
from crm_tui.domain.reports.task_control import tasks_report
from crm_tui.domain.segments.actions import plan_calls, set_segment
from crm_tui.domain.segments.interval import set_interval
from crm_tui.domain.segments.recompute import recompute_segments
from crm_tui.domain.segments.work import set_work_rule
from crm_tui.domain.tasks.lifecycle import complete_task
from crm_tui.domain.tasks.manual import TaskDraft, set_task
from crm_tui.domain.workspace import copy_base, open_app_workspace
from crm_tui.importers.bank.service import import_bank
from crm_tui.importers.batches import list_batches, undo_import
from crm_tui.importers.clients.service import import_clients
from crm_tui.importers.dedup.service import scan
from crm_tui.importers.orders.service import import_orders
from crm_tui.storage.models import Segment, contacts, mail_senders
from crm_tui.storage.records import Deal, Task
from tests.importers.order_files import write_sales_report_csv
from tests.seed import FROZEN_NOW, MOSCOW
from tests.unit.access_base import CLIENTS, OWNED, Cell, Kind

CALL_RECORDS = Path(__file__).parents[1] / "importers" / "call_fixtures" / "Master.csv"


@dataclass(frozen=True)
class CliCall:
    args: tuple[str, ...]
    user: str | None = None
    """Who runs it, when not the viewer (an admin giving a client to the viewer)."""
    seen: Callable[[str], bool] | None = None
    """For a listing: whether the target is in the output (else a success is a permission)."""


@dataclass(frozen=True)
class Probe:
    kinds: tuple[Kind, ...] | None
    domain: Callable[[Cell], bool]
    cli: Callable[[Cell], CliCall] | str


def done(_: object) -> bool:
    return True


def _clients_csv(cell: Cell) -> str:
    path = cell.base.tmp / f"clients-{cell.base.number()}.csv"
    path.write_text(
        f"Наименование;Телефон\nООО Проба {cell.base.number()};+7 495 000-00-00\n", encoding="utf-8"
    )
    return str(path)


def _orders_csv(cell: Cell) -> str:
    return str(write_sales_report_csv(cell.base.tmp / f"Продажи-{cell.base.number()}.csv", FROZEN_NOW.date()))


def _pair_seen(pair: tuple[int, int]) -> Callable[[str], bool]:
    return lambda out: any((p["left"], p["right"]) == pair for p in json.loads(out))


def _stuck_deal(cell: Cell) -> int:
    return cell.base.deal(cell.owner_login, "new", days_in_stage=400)


def _next_move(cell: Cell) -> tuple[int, int, int]:
    deal = cell.base.deal(cell.owner_login, "new")
    return deal, cell.base.stage("qualification"), cell.base.version(Deal, deal)


def _privacy_person(cell: Cell) -> str:
    """A contact id of the seed (Ёлкина at Ромашка)."""
    with cell.base.ws("admin").read() as session:
        found = session.scalar(select(contacts.c.id).order_by(contacts.c.id).limit(1))
    assert found is not None
    return str(found)


def _domain(cell: Cell, action: Callable[..., object], *args: object) -> bool:
    action(cell.base.ws(cell.login), *args)
    return True


def _read(cell: Cell, read: Callable[..., object], *args: object) -> bool:
    ws = cell.base.ws(cell.login)
    with ws.read() as session:
        read(session, ws.viewer, *args)
    return True


def _merge(cell: Cell) -> bool:
    a, b = cell.base.duplicates(cell.owner, cell.region)
    ws = cell.base.ws(cell.login)
    with ws.write() as session:
        merge_clients(session, ws.viewer, ws.now(), a, [b])
    return True


def _scan(cell: Cell) -> bool:
    pair = cell.base.duplicates(cell.owner, cell.region)
    return any((p.left, p.right) == pair for p in scan(cell.base.ws(cell.login)))


def _batch_seen(cell: Cell) -> bool:
    batch = cell.base.batch(cell.owner_login)
    return any(b.id == batch for b in list_batches(cell.base.ws(cell.login)))


def _batches_cli(cell: Cell) -> CliCall:
    batch = cell.base.batch(cell.owner_login)
    return CliCall(
        ("import", "list", "--json"),
        seen=lambda out: batch in {json.loads(line)["id"] for line in out.splitlines()},
    )


def _scan_cli(cell: Cell) -> CliCall:
    pair = cell.base.duplicates(cell.owner, cell.region)
    return CliCall(("dedup", "scan", "--json"), seen=_pair_seen(pair))


def _stuck_cli(cell: Cell) -> CliCall:
    deal = _stuck_deal(cell)
    return CliCall(
        ("report", "stuck", "--json"),
        seen=lambda out: deal in {json.loads(line)["id"] for line in out.splitlines()},
    )


def _report_seen(cell: Cell) -> bool:
    """Whether the owner's task (set now) is among the viewer's figures of the month."""
    cell.base.task(cell.owner_login)
    ws = cell.base.ws(cell.login)
    with ws.read() as session:
        report = tasks_report(session, ws.viewer, this_month(FROZEN_NOW, MOSCOW), MOSCOW, FROZEN_NOW)
    return cell.owner_login in {row["manager"] for row in report.rows}


def _report_cli(cell: Cell) -> CliCall:
    cell.base.task(cell.owner_login)
    return CliCall(
        ("report", "tasks", "--from", "2026-11-01", "--to", "2026-11-30", "--json"),
        seen=lambda out: cell.owner_login in {json.loads(line)["manager"] for line in out.splitlines()},
    )


def _digest(cell: Cell) -> bool:
    """The weekly digest made for the target person (the access is asked as it is made)."""
    ws = cell.base.ws(cell.login)
    with ws.read() as session:
        weekly_digest(session, ws.viewer, cell.owner_login, ws.now(), MOSCOW)
    return True


def _digest_cli(cell: Cell) -> CliCall:
    """`crm report digest --to LOGIN`: queued from the team's address to the person's own."""
    for address, login in (("team@probe.ru", None), (f"{cell.owner_login}@probe.ru", cell.owner_login)):
        with cell.base.ws("admin").read() as session:
            known = session.scalar(select(mail_senders.c.id).where(mail_senders.c.address == address))
        if known is None:
            set_sender(cell.base.ws("admin"), SenderDraft(address, "Проба", login, smtp_host="127.0.0.1"))
    return CliCall(("report", "digest", "--to", cell.owner_login, "--json"))


def _owner_given(cell: Cell) -> bool:
    hand_over(cell.base.ws("admin"), cell.login, client_ids=[cell.base.client("petrov", "Липецк")])
    return True


def _new_login(cell: Cell) -> str:
    return f"probe{cell.base.number()}"


def _add_colleague(cell: Cell) -> bool:
    ws = cell.base.ws(cell.login)
    with ws.write() as session:
        add_colleague(
            session,
            ws.viewer,
            login=_new_login(cell),
            full_name="Проба",
            role="manager",
            region=None,
            now=ws.now(),
        )
    return True


def _act_as(cell: Cell) -> bool:
    with cell.base.ws(cell.login).read() as session:
        resolve_viewer(session, cell.login, "petrov")
    return True


def _copy_to(cell: Cell) -> str:
    return str(cell.base.tmp / f"copy-{cell.base.number()}.db")


def _answer(cell: Cell) -> bool:
    hand_over_lost(cell.base.ws(cell.login), cell.base.refusal(), cell.owner_login, "Вернуть в работу")
    return True


def _calls(cell: Cell) -> bool:
    plan_calls(cell.base.ws(cell.login), [cell.client()], "Позвонить", FROZEN_NOW + timedelta(days=1))
    return True


def _complete(cell: Cell) -> bool:
    task = cell.base.task(cell.owner_login)
    complete_task(cell.base.ws(cell.login), task, cell.base.version(Task, task), "Созвонились")
    return True


def _deal_owner(cell: Cell) -> str:
    """Whose a probe's new deal is: the viewer's own, but an admin (who owns no clients) gives an
    unowned lead's deal to a manager; an owned client's deal goes to its owner (a deal's owner
    sees its client)."""
    return "ivanova" if cell.login == "admin" and cell.kind is Kind.FREE_LEAD else ""


def _deal_client(cell: Cell) -> int:
    """The client of a probe's new deal: the cell's, but an admin's unowned lead is one of
    Иванова's region (an admin's own "region" is none, whose leads no manager sees, and a deal
    goes only to whoever sees its client)."""
    if _deal_owner(cell):
        return cell.base.client(None, cell.base.regions["ivanova"])
    return cell.client()


def _move(cell: Cell) -> bool:
    deal, stage, version = _next_move(cell)
    move_deal(cell.base.ws(cell.login), deal, stage, version)
    return True


def _given(cell: Cell) -> NewClient:
    """A new client named as somebody's: the cell's owner."""
    return NewClient(f"ООО Отдан {cell.base.number()}", owner_id=cell.base.users[cell.owner_login])


def _added(cell: Cell, added: Added) -> bool:
    assert added.client_id is not None, added.holders
    return True


def _assignee(cell: Cell) -> str:
    """Whom a probe gives a request to: its owner, or (an admin's, ops', nobody's) a manager of
    Москва."""
    return cell.owner if cell.owner not in (None, "admin", "ops") else "ivanova"


PROBES: dict[Capability, Probe] = {
    Capability.USE_APP: Probe(
        None,
        lambda c: done(open_app_workspace(c.base.url, c.login, tz=MOSCOW)),
        "the app is what `crm` opens with no command; tests/app/test_app.py refuses ops there",
    ),
    Capability.SEE_CLIENTS: Probe(
        CLIENTS,
        lambda c: _read(c, load_card, c.client()),
        lambda c: CliCall(("clients", "timeline", str(c.client()), "--json")),
    ),
    Capability.SEE_DEALS: Probe(
        OWNED,
        lambda c: _read(c, load_deal_card, _stuck_deal(c)),
        _stuck_cli,
    ),
    Capability.READ_AUDIT: Probe(
        CLIENTS,
        lambda c: _read(
            c, lambda session, viewer, client: trail(session, viewer, client_id=client), c.client()
        ),
        lambda c: CliCall(("audit", "--client", str(c.client()), "--json")),
    ),
    Capability.OWN_CLIENTS: Probe(
        None,
        _owner_given,
        lambda c: CliCall(
            ("handover", "--client", str(c.base.client("petrov", "Липецк")), "--to", c.login), user="admin"
        ),
    ),
    Capability.SET_SEGMENT: Probe(
        CLIENTS,
        lambda c: _domain(c, set_segment, c.client(), Segment.WARM),
        lambda c: CliCall(("segments", "set", str(c.client()), "warm")),
    ),
    Capability.PLAN_CALLS: Probe(
        CLIENTS, _calls, "no command plans calls: the segments screen's `c` does (the domain is probed)"
    ),
    Capability.COMPLETE_TASKS: Probe(
        OWNED,
        _complete,
        lambda c: CliCall(("task", "done", str(c.base.task(c.owner_login)), "--result", "Созвонились")),
    ),
    Capability.MOVE_DEALS: Probe(
        OWNED,
        _move,
        lambda c: CliCall(("deal", "move", str(_next_move(c)[0]), "next")),
    ),
    Capability.CREATE_DEALS: Probe(
        CLIENTS,
        lambda c: done(
            add_deal(c.base.ws(c.login), DealDraft(str(_deal_client(c)), "Проба", owner=_deal_owner(c)))
        ),
        lambda c: CliCall(
            (
                "deal",
                "add",
                str(_deal_client(c)),
                "--title",
                "Проба",
                *(("--owner", "ivanova") if _deal_owner(c) else ()),
            )
        ),
    ),
    Capability.EDIT_DEALS: Probe(
        OWNED,
        lambda c: _domain(c, edit_deal, c.base.deal(c.owner_login), 1, {"title": "Новое название"}),
        lambda c: CliCall(("deal", "edit", str(c.base.deal(c.owner_login)), "--set", "amount=350к")),
    ),
    Capability.SET_TASKS: Probe(
        OWNED,
        lambda c: done(set_task(c.base.ws(c.login), TaskDraft("Позвонить", "завтра", c.owner_login))),
        lambda c: CliCall(("task", "add", "Позвонить", "--due", "пн 10:00", "--to", c.owner_login)),
    ),
    Capability.TAKE_LEADS: Probe(
        CLIENTS,
        lambda c: done(take_lead(c.base.ws(c.login), c.client())),
        lambda c: CliCall(("clients", "take", str(c.client()))),
    ),
    Capability.ANSWER_LOST_DEALS: Probe(
        OWNED,
        _answer,
        lambda c: CliCall(
            ("deal", "refusal", str(c.base.refusal()), "--comment", "В работу", "--to", c.owner_login)
        ),
    ),
    Capability.HAND_OVER_CLIENTS: Probe(
        CLIENTS,
        lambda c: done(hand_over(c.base.ws(c.login), "kozlova", client_ids=[c.client()])),
        lambda c: CliCall(("handover", "--client", str(c.client()), "--to", "kozlova")),
    ),
    Capability.GIVE_CLIENTS: Probe(
        OWNED,
        lambda c: _added(c, add_client(c.base.ws(c.login), _given(c))),
        lambda c: CliCall(("clients", "add", f"ООО Отдан {c.base.number()}", "--owner", c.owner_login)),
    ),
    Capability.IMPORT_CLIENTS: Probe(
        None,
        lambda c: done(
            import_clients(c.base.ws(c.login), [Path(_clients_csv(c))], ImportOptions(dry_run=True))
        ),
        lambda c: CliCall(("import", "clients", _clients_csv(c), "--dry-run")),
    ),
    Capability.UNDO_IMPORT: Probe(
        OWNED,
        lambda c: _domain(c, undo_import, c.base.batch(c.owner_login)),
        lambda c: CliCall(("import", "undo", str(c.base.batch(c.owner_login)))),
    ),
    Capability.SEE_IMPORT_BATCHES: Probe(OWNED, _batch_seen, _batches_cli),
    Capability.IMPORT_ORDERS: Probe(
        None,
        lambda c: done(import_orders(c.base.ws(c.login), Path(_orders_csv(c)), OrdersOptions(dry_run=True))),
        lambda c: CliCall(("import", "orders", _orders_csv(c), "--dry-run")),
    ),
    Capability.RECOMPUTE_SEGMENTS: Probe(
        None,
        lambda c: _domain(c, recompute_segments),
        lambda c: CliCall(("segments", "recompute", "--json")),
    ),
    Capability.REVIEW_DUPLICATES: Probe(CLIENTS, _scan, _scan_cli),
    Capability.SET_DEDUP_THRESHOLD: Probe(
        None,
        lambda c: _domain(c, set_threshold, None),
        lambda c: CliCall(("dedup", "threshold", "default")),
    ),
    Capability.MERGE_CLIENTS: Probe(
        CLIENTS,
        _merge,
        lambda c: CliCall(("dedup", "merge", *map(str, c.base.duplicates(c.owner, c.region)))),
    ),
    Capability.SET_WORK_RULES: Probe(
        None,
        lambda c: done(set_work_rule(c.base.ws(c.login), Segment.LOST, every_days=90)),
        lambda c: CliCall(("segments", "rules", "lost", "--every", "90")),
    ),
    Capability.SET_PURCHASE_INTERVAL: Probe(
        None,
        lambda c: _domain(c, set_interval, None),
        lambda c: CliCall(("segments", "interval", "auto")),
    ),
    Capability.EDIT_PORTRAIT_FIELDS: Probe(
        None,
        lambda c: _domain(c, set_required_contacts, ["phone"]),
        lambda c: CliCall(("fields", "require-contacts", "phone")),
    ),
    Capability.CONFIGURE_FUNNEL: Probe(
        None,
        lambda c: _domain(c, set_lost_reason, f"Причина {c.base.number()}", True),
        lambda c: CliCall(("pipeline", "reason", f"Причина {c.base.number()}")),
    ),
    Capability.PRIVACY: Probe(
        None,
        lambda c: _read(c, export_person, _privacy_person(c)),
        lambda c: CliCall(("privacy", "export", _privacy_person(c))),
    ),
    Capability.ACT_AS_ANOTHER_USER: Probe(
        None,
        _act_as,
        lambda c: CliCall(("--user", "petrov", "user", "list")),
    ),
    Capability.MANAGE_USERS: Probe(
        None,
        _add_colleague,
        lambda c: CliCall(("user", "add", _new_login(c), "--name", "Проба")),
    ),
    Capability.COPY_DATABASE: Probe(
        None,
        lambda c: done(copy_base(c.base.ws(c.login), _copy_to(c))),
        lambda c: CliCall(("db", "copy", "--to", _copy_to(c))),
    ),
    Capability.SEE_LEADS: Probe(
        CLIENTS,
        lambda c: done(lead_card(c.base.ws(c.login), c.lead())),
        lambda c: CliCall(("leads", "show", str(c.lead()), "--json")),
    ),
    Capability.ADD_LEADS: Probe(
        None,
        lambda c: done(receive(c.base.ws(c.login), Request(phone=f"+7916{c.base.number():07d}"))),
        lambda c: CliCall(("leads", "add", "--phone", f"+7916{c.base.number():07d}")),
    ),
    Capability.WORK_LEADS: Probe(
        CLIENTS,
        lambda c: _domain(c, junk_request, c.lead(), "spam"),
        lambda c: CliCall(("leads", "junk", str(c.lead()), "--reason", "spam")),
    ),
    Capability.ASSIGN_LEADS: Probe(
        CLIENTS,
        lambda c: _domain(c, assign_request, c.lead(), _assignee(c)),
        lambda c: CliCall(("leads", "assign", str(c.lead()), "--to", _assignee(c))),
    ),
    Capability.CONFIGURE_LEADS: Probe(
        None,
        lambda c: done(add_source(c.base.ws(c.login), f"Источник {c.base.number()}")),
        lambda c: CliCall(("leads", "sources", "add", f"Источник {c.base.number()}")),
    ),
    Capability.EDIT_COMPANY: Probe(
        None,
        lambda c: done(set_company(c.base.ws(c.login), {"director": "Проба"})),
        lambda c: CliCall(("company", "set", "--set", "director=Проба")),
    ),
    Capability.ADD_TEMPLATES: Probe(
        None,
        lambda c: done(
            add_template(
                c.base.ws(c.login), f"t{c.base.number()}", "contract", (ASSETS / "supply.docx").read_bytes()
            )
        ),
        lambda c: CliCall(
            (
                "template",
                "add",
                str(ASSETS / "supply.docx"),
                "--kind",
                "contract",
                "--name",
                f"t{c.base.number()}",
            )
        ),
    ),
    Capability.MAKE_DOCUMENTS: Probe(
        OWNED,
        lambda c: done(make_document(c.base.ws(c.login), c.base.documented_deal(c.owner_login), "invoice")),
        lambda c: CliCall(("doc", "invoice", str(c.base.documented_deal(c.owner_login)), "--json")),
    ),
    Capability.RECORD_PAYMENTS: Probe(
        OWNED,
        lambda c: done(confirm_payment(c.base.ws(c.login), c.base.invoiced_deal(c.owner_login))),
        lambda c: CliCall(("deal", "paid", str(c.base.invoiced_deal(c.owner_login)), "--json")),
    ),
    Capability.IMPORT_BANK: Probe(
        None,
        lambda c: done(import_bank(c.base.ws(c.login), Path(_statement(c)))),
        lambda c: CliCall(("import", "bank", _statement(c), "--json")),
    ),
    Capability.RECEIVE_INBOUND: Probe(
        None,
        lambda c: done(log_calls(c.base.ws(c.login), [])),
        lambda c: CliCall(("inbound", "calls", str(CALL_RECORDS), "--json")),
    ),
    Capability.CONFIGURE_INBOUND: Probe(
        None,
        lambda c: done(add_inbound_source(c.base.ws(c.login), f"site-{c.base.number()}", "form")),
        lambda c: CliCall(
            ("inbound", "source", "add", f"site-{c.base.number()}", "--kind", "form", "--json")
        ),
    ),
    Capability.SEE_REPORTS: Probe(OWNED, _report_seen, _report_cli),
    Capability.RUN_CAMPAIGNS: Probe(
        None,
        lambda c: done(
            add_campaign(
                c.base.ws(c.login),
                CampaignDraft(f"Рассылка {c.base.number()}", steps=(StepDraft(8, "Тема", "Текст"),)),
            )
        ),
        lambda c: CliCall(("campaign", "add", f"Рассылка {c.base.number()}", "--example", "lost-drip")),
    ),
    Capability.SEND_MAIL: Probe(
        None,
        lambda c: done(list_outbox(c.base.ws(c.login))),
        lambda c: CliCall(("outbox", "list", "--json")),
    ),
    Capability.STOP_MAILING: Probe(
        CLIENTS,
        lambda c: done(stop_client(c.base.ws(c.login), c.client())),
        lambda c: CliCall(("campaign", "stop", str(c.client()))),
    ),
    Capability.SEND_DIGEST: Probe(OWNED, _digest, _digest_cli),
}


def _statement(cell: Cell) -> str:
    path = cell.base.tmp / f"statement-{cell.base.number()}.txt"
    path.write_bytes(statement_bytes("ООО Проба", "7707083893", "40702810000000000001", []))
    return str(path)
