"""`crm deal`: move a deal through its pipeline; the head's answer to a lost deal."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.cli.ids import record_id
from crm_tui.i18n import _

app = typer.Typer(help="Deals: move them through the funnel; answer refusals.", no_args_is_help=True)


@app.command("move")
def move(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="Deal id.", callback=record_id("deal"))],
    stage: Annotated[str, typer.Argument(help="Stage code, name or id; or next / prev.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Lost reason (required for Lost).")] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="Why (kept in the stage history).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Move a deal to another stage (its playbook's first task is created; Lost goes to the head)."""

    from crm_tui.domain.deals.moves import move_deal, neighbour_stage, seen_deal
    from crm_tui.domain.deals.pipeline_admin import find_stage

    ws = open_ws(ctx)
    with ws.read() as session:
        row = seen_deal(session, ws.viewer, deal)
        if stage.lower() in ("next", "prev"):
            target = neighbour_stage(session, row, 1 if stage.lower() == "next" else -1)
            if target is None:
                fail(
                    (
                        _("deal {deal} has no next stage")
                        if stage.lower() == "next"
                        else _("deal {deal} has no previous stage")
                    ).format(deal=deal)
                )
        else:
            target = find_stage(session, stage, row.pipeline_id).id
    result = move_deal(ws, deal, target, row.version, lost_reason=reason, comment=comment)
    if as_json:
        print_json(result)
        return
    say(
        _("deal {deal}: {old} -> {new}; tasks created: {tasks}").format(
            deal=deal, old=result.from_stage, new=result.to_stage, tasks=len(result.tasks)
        )
    )


@app.command("refusal")
def refusal(
    ctx: typer.Context,
    task: Annotated[int, typer.Argument(help="The head's 'Analyse the refusal' task.")],
    comment: Annotated[str, typer.Option("--comment", help="What the manager should do (required).")],
    to: Annotated[str | None, typer.Option("--to", help="Hand the deal to this login instead.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Return a lost deal to work (a task for its manager) or hand it to another manager."""

    from crm_tui.domain.deals.refusals import hand_over_lost, return_to_work

    ws = open_ws(ctx)
    result = hand_over_lost(ws, task, to, comment) if to else return_to_work(ws, task, comment)
    if as_json:
        print_json(result)
        return
    said = _("deal {deal}: back in {stage}, now {login}'s") if to else _("deal {deal}: back in {stage}")
    say(said.format(deal=result.deal_id, stage=result.to_stage, login=to))


@app.command("paid")
def paid(
    ctx: typer.Context,
    deal: Annotated[int, typer.Argument(help="Deal id.", callback=record_id("deal"))],
    amount: Annotated[
        str | None, typer.Option("--amount", help="How much came (default: all still due).")
    ] = None,
    day: Annotated[str | None, typer.Option("--date", help="When it came (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Confirm that the deal's invoice is paid (an accountant): in full it wins the deal."""

    from crm_tui.domain.documents.payments import confirm_payment
    from crm_tui.domain.values.formatting import money

    result = confirm_payment(open_ws(ctx), deal, amount or "", day or "")
    if as_json:
        print_json(result)
        return
    said = (
        _("deal {deal}: invoice {number} paid in full ({paid} of {total}); the deal is won")
        if result.won
        else _("deal {deal}: invoice {number} paid in full ({paid} of {total})")
        if result.paid
        else _("deal {deal}: invoice {number} paid {paid} of {total}")
    )
    say(said.format(deal=deal, number=result.number, paid=money(result.paid_amount, with_kopecks=True),
                    total=money(result.invoice_amount, with_kopecks=True)))  # fmt: skip
