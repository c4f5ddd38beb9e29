"""`crm deal add|edit|show|list|lines`: a deal opened, changed, read and listed headless, the
twins of the client card's and the kanban's new deal and of the deal screen's edits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from crm_tui.cli.common import (
    UNKNOWN_OWNER,
    capped,
    fail,
    json_fields,
    open_ws,
    options_named,
    person_json,
    print_json,
    print_rows,
    print_table,
    say,
    user_id_of,
)
from crm_tui.cli.deals import app as app  # noqa: PLC0414 - `crm deal` itself
from crm_tui.cli.ids import record_id
from crm_tui.i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from crm_tui.domain.deals.card import DealCard
    from crm_tui.domain.workspace import Workspace

JSON_HELP = "Print the result as JSON."
ADD_OPTIONS = {
    "title": "--title", "amount": "--amount", "pipeline": "--pipeline", "stage": "--stage",
    "close": "--close", "owner": "--owner",
}  # fmt: skip
"""The option each field of ``deal add`` is typed in (the client is the argument, named as the
domain names it): what a refusal names."""


def _add_option(field: str, _params: dict[str, object]) -> str | None:
    return ADD_OPTIONS.get(field)


def _set_option(field: str, _params: dict[str, object]) -> str | None:
    """``deal edit``: every field is typed as ``--set field=...``."""
    return f"--set {field}"


def _deal_version(ws: Workspace, deal_id: int, version: int | None) -> int:
    """The version the command edits: the one given, or the deal's current one."""
    if version is not None:
        return version
    from crm_tui.domain.deals.moves import load_deal

    with ws.read() as session:
        return load_deal(session, deal_id).version


@app.command("add")
def add(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(help="The client: id, name, INN or phone.")],
    title: Annotated[str, typer.Option("--title", help="What is being sold.")],
    amount: Annotated[str, typer.Option("--amount", help="As people type it: 350 000, 350к, 1,2 млн.")] = "",
    pipeline: Annotated[
        str, typer.Option("--pipeline", help="Pipeline name or id (default: the default).")
    ] = "",
    stage: Annotated[str, typer.Option("--stage", help="Stage code, name or id (default: the first).")] = "",
    close: Annotated[str, typer.Option("--close", help="Expected close date: 25.12, +30, 2026-12-25.")] = "",
    owner: Annotated[str, typer.Option("--owner", help="Whose deal (login); default: yours.")] = "",
    comment: Annotated[str, typer.Option("--comment", help="Kept in the stage history.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Open a deal on a client; it enters its stage like any move (history, playbook task)."""

    from crm_tui.domain.deals.new_deal import DealDraft, add_deal
    from crm_tui.domain.values.formatting import money

    ws = open_ws(ctx)
    with options_named(_add_option):
        added = add_deal(ws, DealDraft(client, title, amount, pipeline, stage, close, owner, comment))
    if as_json:
        fields = json_fields(added)
        login, name = fields.pop("owner_login"), fields.pop("owner_name")
        print_json(fields | person_json("owner", login, name))
        return
    say(
        _("deal {deal} «{title}» opened for {client}: {stage}, {amount}").format(
            deal=added.id,
            title=added.title,
            client=added.client,
            stage=added.stage,
            amount=money(added.amount),
        )
    )


@app.command("edit")
def edit(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="Deal id.", callback=record_id("deal"))],
    assignments: Annotated[
        list[str], typer.Option("--set", help="field=value: title, amount, close, owner.")
    ],
    version: Annotated[
        int | None, typer.Option("--version", help="Refuse if the deal changed since this version.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Change a deal's title, amount, expected close date or owner; a stale --version is refused."""
    from crm_tui.domain.deals.edit import edit_deal

    changes: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(_("--set {item!r}: write field=value, like amount=350к").format(item=item))
        changes[key.strip()] = value
    ws = open_ws(ctx)
    with options_named(_set_option):
        new_version = edit_deal(ws, deal, _deal_version(ws, deal, version), changes)
    close = _close_read(ws, deal) if "close" in changes else None
    if as_json:
        print_json({"deal": deal, "version": new_version} | ({"expected_close": close} if close else {}))
        return
    if close is not None:  # what "01.12" was read as (a close date looks ahead: next year's in December)
        say(
            _("deal {deal} saved (version {version}), expected close {close}").format(
                deal=deal, version=new_version, close=f"{close:%d.%m.%Y}"
            )
        )
        return
    say(_("deal {deal} saved (version {version})").format(deal=deal, version=new_version))


def _close_read(ws: Workspace, deal: int) -> date | None:
    from crm_tui.storage.models import deals

    with ws.read() as session:
        found: date | None = session.scalar(
            deals.select().with_only_columns(deals.c.expected_close).where(deals.c.id == deal)
        )
    return found


def _card_json(card: DealCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "title": card.title,
        "client_id": card.client_id,
        "client": card.client,
        **person_json("owner", card.owner_login, card.owner),
        "owner_id": card.owner_id,
        "pipeline_id": card.pipeline_id,
        "stage_id": card.stage_id,
        "stage": card.stage,
        "status": card.status,
        "amount": card.amount,
        "expected_close": card.expected_close,
        "stage_entered_at": card.stage_entered_at,
        "lost_reason": card.lost_reason,
        "version": card.version,
        "lines": [_line_json(line) for line in card.lines],
        "history": [
            {
                "at": h.at,
                "from": h.before,
                "to": h.after,
                **person_json("user", h.user_login, h.user),
                "comment": h.comment,
            }
            for h in card.history
        ],
        "tasks": [
            {
                "id": t.id,
                "title": t.title,
                "due_at": t.due_at,
                "status": t.status,
                **person_json("assignee", t.assignee_login, t.assignee),
            }
            for t in card.tasks
        ],
    }


def _line_json(line: Any) -> dict[str, Any]:
    return {
        "number": line.number,
        "product": line.product,
        "quantity": line.plain_quantity,
        "unit": line.unit,
        "price": line.price,
        "vat_rate": line.vat_rate,
        "total": line.total,
    }


@app.command("show")
def show(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="Deal id.", callback=record_id("deal"))],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """A deal: its fields, lines, stage history and tasks."""
    from crm_tui.domain.deals.card import load_deal_card
    from crm_tui.domain.values.formatting import money

    ws = open_ws(ctx)
    with ws.read() as session:
        card = load_deal_card(session, ws.viewer, deal)
    if as_json:
        print_json(_card_json(card))
        return
    amount = money(card.amount, with_kopecks=card.amount % 100 != 0)  # 19 736,50 ₽, not 19 736 ₽
    version = _("version {version}").format(version=card.version)
    say(f"{card.id} «{card.title}» · {card.client} · {card.stage} · {amount} · {version}")
    for line in card.lines:
        say(
            f"  {line.number}. {line.product} × {line.quantity} {line.unit} · "
            f"{money(line.total, with_kopecks=line.total % 100 != 0)}"
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    owner: Annotated[str | None, typer.Option("--owner", help="Only deals of this login.")] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only deals in this stage (code, name, id).")
    ] = None,
    client: Annotated[
        int | None,
        typer.Option("--client", help="Only deals of this client id.", callback=record_id("client")),
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open deals.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per deal per line.")] = False,
) -> None:
    """The deals you may see, open first, then the latest changed: at most 200 (when more match,
    standard error says so; narrow with --owner, --stage, --client or --open)."""

    from crm_tui.domain.deals.edit import LIST_LIMIT, DealQuery, list_deals
    from crm_tui.domain.deals.pipeline_admin import find_stage
    from crm_tui.domain.values.formatting import money

    ws = open_ws(ctx)
    owner_id = user_id_of(ws, owner, "--owner", UNKNOWN_OWNER)
    with ws.read() as session:
        stage_id = find_stage(session, stage).id if stage else None
        rows = list_deals(
            session, ws.viewer, DealQuery(owner_id, stage_id, client, open_only), LIST_LIMIT + 1
        )
    rows = capped(rows, LIST_LIMIT, "--owner, --stage, --client, --open")
    if as_json:
        for row in rows:
            fields = json_fields(row)
            print_json(fields | person_json("owner", fields.pop("owner"), fields.pop("owner_name")))
        return
    print_rows(
        _("id"), _("Deal"), _("Client"), _("Stage"), _("Owner"), _("Amount"),
        rows=[(r.id, r.title, r.client, r.stage, r.owner or "—", money(r.amount)) for r in rows],
    )  # fmt: skip


def _line_option(typed: list[str]) -> Callable[[str, dict[str, object]], str | None]:
    """``deal lines``: a refusal of a line names the ``--add`` it was typed in and the part of
    it (``--add «Болт;много»: quantity``), a missing line the ``--remove`` that named it."""
    from crm_tui.domain.deals.new_deal import FIELD_LABELS

    def option(field: str, params: dict[str, object]) -> str | None:
        if field == "line":
            return "--remove"
        index = params.get("line")
        which = f"--add «{typed[index]}»" if isinstance(index, int) and index < len(typed) else "--add"
        return f"{which}: {_(FIELD_LABELS[field])}" if field in FIELD_LABELS else which

    return option


@app.command("lines")
def lines(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="Deal id.", callback=record_id("deal"))],
    add_: Annotated[
        list[str] | None,
        typer.Option(
            "--add",
            help="product;quantity;unit;price;VAT, e.g. 'Монтаж;2;ч;3 500;20'; repeat to add several lines.",
        ),
    ] = None,
    remove: Annotated[
        list[int] | None,
        typer.Option("--remove", help="Remove line N (as listed); repeat to remove several at once."),
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Refuse if the deal changed since this version.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """What the deal sells; with --add or --remove, change it (the amount becomes their sum)."""
    from crm_tui.domain.deals.card import load_deal_card
    from crm_tui.domain.deals.lines import AddedLines, LineDraft, add_lines, remove_lines, vat_words
    from crm_tui.domain.values.formatting import money

    ws = open_ws(ctx)
    added: AddedLines | None = None
    drafts: list[LineDraft] = []
    if add_:
        for text in add_:
            parts = [p.strip() for p in text.split(";")]
            if len(parts) > 5 or not parts[0]:
                fail(_("--add {text!r}: write product;quantity;unit;price;VAT").format(text=text))
            parts += [""] * (5 - len(parts))
            drafts.append(LineDraft(*parts))
        with options_named(_line_option(add_)):
            added = add_lines(ws, deal, _deal_version(ws, deal, version), drafts)
    if remove:
        with options_named(_line_option([])):
            remove_lines(ws, deal, _deal_version(ws, deal, version if not add_ else None), remove)
    with ws.read() as session:
        card = load_deal_card(session, ws.viewer, deal)
    if as_json:
        print_json(
            {
                "deal": deal,
                "version": card.version,
                "amount": card.amount,
                "lines": [_line_json(x) for x in card.lines],
            }
        )
        return
    if added is not None:  # the rate each line got: the company's mode when none was typed
        for draft, rate in zip(drafts, added.vat_rates, strict=True):
            said = (
                _("added «{product}»: {vat}")
                if draft.vat.strip()
                else _("added «{product}»: {vat} (the company's mode)")
            )
            say(said.format(product=" ".join(draft.product.split()), vat=vat_words(rate)))
    print_table(
        "#", _("Product"), _("Quantity"), _("Unit"), _("Price"), _("VAT"), _("Total"),
        rows=[
            (x.number, x.product, x.quantity, x.unit, money(x.price, with_kopecks=True),
             f"{x.vat_rate}%" if x.vat_rate is not None else vat_words(None),
             money(x.total, with_kopecks=True))
            for x in card.lines
        ],
    )  # fmt: skip
    say(_("amount {amount}").format(amount=money(card.amount, with_kopecks=True)))
