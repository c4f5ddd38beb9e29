"""`crm pipeline`: pipelines, stages, playbooks and lost reasons (admins change them)."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.i18n import _

app = typer.Typer(help="Pipelines and stages, playbooks, lost reasons.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Pipelines with their stages, probabilities, stuck limits and playbooks; the lost reasons."""
    from dataclasses import asdict

    from crm_tui.domain.captions import ACTIVITY_KIND_NAMES
    from crm_tui.domain.deals.funnel_setup import active_lost_reasons
    from crm_tui.domain.deals.pipeline_admin import list_pipelines

    ws = open_ws(ctx)
    with ws.read() as session:
        found = list_pipelines(session)
        reasons = active_lost_reasons(session)
    if as_json:
        print_json(
            {
                "pipelines": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "default": p.is_default,
                        "stages": [
                            {
                                **asdict(s),
                                "stuck_after_days": p.stuck_days.get(s.id),
                                "playbook": [asdict(step) for step in p.playbooks.get(s.id, [])],
                            }
                            for s in p.stages
                        ],
                    }
                    for p in found
                ],
                "lost_reasons": reasons,
            }
        )
        return
    for p in found:
        say(f"{p.id}: {p.name}" + (" " + _("(default)") if p.is_default else ""))
        for s in p.stages:
            stuck = p.stuck_days.get(s.id)
            limit = ", " + _("stuck after {days} d").format(days=stuck) if stuck else ""
            say(f"  [{s.id}] {s.name} ({s.code or '-'}): {s.probability}%{limit}")
            for step in p.playbooks.get(s.id, []):
                say(
                    "      "
                    + _("step {step}: {title} ({kind}, +{days} wd +{hours} h)").format(
                        step=step.id,
                        title=step.title,
                        kind=ACTIVITY_KIND_NAMES.caption(step.kind),
                        days=step.working_days,
                        hours=step.hours,
                    )
                )
    say(_("lost reasons: {reasons}").format(reasons=", ".join(reasons)))


@app.command("add")
def add(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Pipeline name.")]) -> None:
    """A new pipeline with New, Won and Lost; add stages with `crm pipeline stage-add`."""
    from crm_tui.domain.deals.pipeline_admin import add_pipeline

    say(_("pipeline {pipeline}: {name}").format(pipeline=add_pipeline(open_ws(ctx), name), name=name))


@app.command("stage-add")
def stage_add(
    ctx: typer.Context,
    pipeline: Annotated[int, typer.Argument(help="Pipeline id.")],
    name: Annotated[str, typer.Argument(help="Stage name.")],
    probability: Annotated[int, typer.Option("--probability", help="Win probability, %.")] = 0,
) -> None:
    """Add an open stage after the last open one."""
    from crm_tui.domain.deals.pipeline_admin import add_stage

    say(
        _("stage {stage}: {name}").format(
            stage=add_stage(open_ws(ctx), pipeline, name, probability), name=name
        )
    )


@app.command("stage-set")
def stage_set(
    ctx: typer.Context,
    stage: Annotated[str, typer.Argument(help="Stage id, code or name.")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    probability: Annotated[int | None, typer.Option("--probability", help="Win probability, %.")] = None,
    stuck_days: Annotated[
        int | None, typer.Option("--stuck-days", help="Stuck after N days (0: never).")
    ] = None,
) -> None:
    """Rename a stage, set its probability or its stuck limit."""
    from crm_tui.domain.deals.pipeline_admin import find_stage, set_stage

    ws = open_ws(ctx)
    with ws.read() as session:
        found = find_stage(session, stage)
    set_stage(ws, found.id, name=name, probability=probability, stuck_days=stuck_days)
    say(_("stage {stage} updated").format(stage=found.id))


@app.command("stage-remove")
def stage_remove(
    ctx: typer.Context, stage: Annotated[str, typer.Argument(help="Stage id, code or name.")]
) -> None:
    """Remove a stage that holds no deals."""
    from crm_tui.domain.deals.pipeline_admin import find_stage, remove_stage

    ws = open_ws(ctx)
    with ws.read() as session:
        found = find_stage(session, stage)
    remove_stage(ws, found.id)
    say(_("stage {stage} removed").format(stage=found.id))


@app.command("step-add")
def step_add(
    ctx: typer.Context,
    stage: Annotated[str, typer.Argument(help="Stage id, code or name.")],
    title: Annotated[str, typer.Argument(help="Task title.")],
    days: Annotated[int, typer.Option("--days", help="Due in N working days.")] = 1,
    hours: Annotated[int, typer.Option("--hours", help="...plus N hours.")] = 0,
    kind: Annotated[str, typer.Option("--kind", help="call, meeting, email or todo.")] = "call",
) -> None:
    """Append a step to a stage's playbook."""
    from crm_tui.domain.deals.pipeline_admin import add_step, find_stage
    from crm_tui.storage.models import TaskKind

    if kind not in {k.value for k in TaskKind}:
        fail(_("--kind {kind!r}: use call, meeting, email or todo").format(kind=kind))
    ws = open_ws(ctx)
    with ws.read() as session:
        found = find_stage(session, stage)
    added = add_step(ws, found.id, title, TaskKind(kind), days, hours)
    say(_("step {step} added to {stage}").format(step=added, stage=found.name))


@app.command("step-remove")
def step_remove(ctx: typer.Context, step: Annotated[int, typer.Argument(help="Step id.")]) -> None:
    """Remove a playbook step."""
    from crm_tui.domain.deals.pipeline_admin import remove_step

    remove_step(open_ws(ctx), step)
    say(_("step {step} removed").format(step=step))


@app.command("reason")
def reason(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Lost reason.")],
    retire: Annotated[bool, typer.Option("--retire", help="Stop offering it (kept on old deals).")] = False,
) -> None:
    """Add a lost reason, or retire one."""
    from crm_tui.domain.deals.pipeline_admin import set_lost_reason

    set_lost_reason(open_ws(ctx), name, active=not retire)
    said = _("lost reason {name!r} retired") if retire else _("lost reason {name!r} offered")
    say(said.format(name=name))
