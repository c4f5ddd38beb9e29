"""Configuring pipelines (admins): pipelines, their ordered stages, probabilities, stuck limits,
playbook steps and lost reasons. Every change is audited; a stage with deals in it is never
removed (its deals would have nowhere to be)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.deals.funnel_setup import Step, playbook
from crm_tui.domain.deals.pipelines import StageInfo, default_pipeline_id, stages_of
from crm_tui.domain.errors import InvalidInput, NotFound, not_found
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import TaskKind, deals, lost_reasons, pipelines, playbook_steps, stages


@dataclass(frozen=True)
class PipelineView:
    id: int
    name: str
    is_default: bool
    stages: list[StageInfo]
    stuck_days: dict[int, int | None]
    playbooks: dict[int, list[Step]]


def list_pipelines(session: Session) -> list[PipelineView]:
    p, s = pipelines.c, stages.c
    views = []
    for pid, name, is_default in session.execute(
        select(p.id, p.name, p.is_default).order_by(p.position, p.id)
    ):
        found = stages_of(session, pid)
        stuck = dict(session.execute(select(s.id, s.stuck_after_days).where(s.pipeline_id == pid)).all())
        views.append(
            PipelineView(pid, name, is_default, found, stuck, {x.id: playbook(session, x.id) for x in found})
        )
    return views


def find_stage(session: Session, text: str, pipeline_id: int | None = None) -> StageInfo:
    """A stage by id, code or name (any case), in ``pipeline_id`` or the default pipeline."""
    pid = pipeline_id if pipeline_id is not None else default_pipeline_id(session)
    found = stages_of(session, pid) if pid is not None else []
    key = text.strip().casefold()
    for stage in found:
        if key in (str(stage.id), (stage.code or "").casefold(), stage.name.casefold()):
            return stage
    names = ", ".join(f"«{s.name}»" for s in found)  # as the funnel names them, not the codes
    raise NotFound(
        "stage.unknown", N_("no stage «{stage}»; the stages are {stages}"), stage=text, stages=names
    )


def add_pipeline(ws: Workspace, name: str) -> int:
    require(ws.viewer, Capability.CONFIGURE_FUNNEL)
    text = " ".join(name.split())
    if not text:
        raise InvalidInput("pipeline.name_missing", N_("a pipeline needs a name"))
    with ws.write() as session:
        if session.scalar(select(pipelines.c.id).where(func.lower(pipelines.c.name) == text.lower())):
            raise InvalidInput("pipeline.exists", N_("a pipeline named {name!r} exists already"), name=text)
        position = (session.scalar(select(func.max(pipelines.c.position))) or 0) + 1
        pid = int(
            session.connection()
            .execute(
                insert(pipelines)
                .values(name=text, position=position, is_default=False)
                .returning(pipelines.c.id)
            )
            .scalar_one()
        )
        for pos, (stage_name, probability, won, lost) in enumerate(
            (("New", 10, False, False), ("Won", 100, True, False), ("Lost", 0, False, True))
        ):
            session.connection().execute(
                insert(stages).values(
                    pipeline_id=pid,
                    name=stage_name,
                    position=pos,
                    probability=probability,
                    is_won=won,
                    is_lost=lost,
                )
            )
        audit.record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="pipeline", entity_id=pid,
                     action="create", changes={"name": text})  # fmt: skip
    return pid


def add_stage(
    ws: Workspace, pipeline_id: int, name: str, probability: int, before_closed: bool = True
) -> int:
    """A new open stage, placed after the last open stage (before Won and Lost)."""
    require(ws.viewer, Capability.CONFIGURE_FUNNEL)
    if not 0 <= probability <= 100:
        raise InvalidInput(
            "stage.probability_range", N_("probability {probability} is not 0..100"), probability=probability
        )
    with ws.write() as session:
        found = stages_of(session, pipeline_id)
        if not found:
            raise not_found("pipeline", pipeline_id)
        open_stages = [s for s in found if not (s.is_won or s.is_lost)]
        position = (open_stages[-1].position + 1) if open_stages and before_closed else found[-1].position + 1
        s = stages.c
        for stage in sorted((x for x in found if x.position >= position), key=lambda x: -x.position):
            session.connection().execute(
                update(stages).where(s.id == stage.id).values(position=stage.position + 1)
            )
        sid = int(
            session.connection()
            .execute(
                insert(stages)
                .values(
                    pipeline_id=pipeline_id,
                    name=" ".join(name.split()),
                    position=position,
                    probability=probability,
                )
                .returning(s.id)
            )
            .scalar_one()
        )
        audit.record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="stage", entity_id=sid,
                     action="create", changes={"name": name, "probability": probability})  # fmt: skip
    return sid


def set_stage(
    ws: Workspace,
    stage_id: int,
    *,
    name: str | None = None,
    probability: int | None = None,
    stuck_days: int | None = None,
) -> None:
    """Rename a stage, set its win probability or its stuck limit (``stuck_days=0`` clears it)."""
    require(ws.viewer, Capability.CONFIGURE_FUNNEL)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = " ".join(name.split())
    if probability is not None:
        if not 0 <= probability <= 100:
            raise InvalidInput(
                "stage.probability_range",
                N_("probability {probability} is not 0..100"),
                probability=probability,
            )
        values["probability"] = probability
    if stuck_days is not None:
        if stuck_days < 0:
            raise InvalidInput("stage.stuck_negative", N_("stuck after a negative number of days?"))
        values["stuck_after_days"] = stuck_days or None
    if not values:
        raise InvalidInput(
            "stage.no_change", N_("nothing to change: give --name, --probability or --stuck-days")
        )
    with ws.write() as session:
        done = session.connection().execute(update(stages).where(stages.c.id == stage_id).values(**values))
        if done.rowcount != 1:
            raise not_found("stage", stage_id)
        audit.record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="stage", entity_id=stage_id,
                     action="update", changes={k: str(v) for k, v in values.items()})  # fmt: skip


def remove_stage(ws: Workspace, stage_id: int) -> None:
    require(ws.viewer, Capability.CONFIGURE_FUNNEL)
    with ws.write() as session:
        in_use = session.scalar(select(func.count()).where(deals.c.stage_id == stage_id)) or 0
        if in_use:
            raise InvalidInput(
                "stage.in_use",
                N_("stage {stage} holds {count} deals: move them first"),
                stage=stage_id,
                count=in_use,
            )
        session.connection().execute(delete(playbook_steps).where(playbook_steps.c.stage_id == stage_id))
        done = session.connection().execute(delete(stages).where(stages.c.id == stage_id))
        if done.rowcount != 1:
            raise not_found("stage", stage_id)
        audit.record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="stage", entity_id=stage_id,
                     action="delete")  # fmt: skip


def add_step(
    ws: Workspace, stage_id: int, title: str, kind: TaskKind, working_days: int, hours: int = 0
) -> int:
    """Append a step to the stage's playbook."""
    require(ws.viewer, Capability.CONFIGURE_FUNNEL)
    text = " ".join(title.split())
    if not text:
        raise InvalidInput("playbook_step.title_missing", N_("a playbook step needs a title"))
    with ws.write() as session:
        position = (session.scalar(
            select(func.max(playbook_steps.c.position)).where(playbook_steps.c.stage_id == stage_id)
        ) or -1) + 1  # fmt: skip
        step_id = int(
            session.connection()
            .execute(
                insert(playbook_steps)
                .values(
                    stage_id=stage_id,
                    position=position,
                    title=text,
                    kind=kind.value,
                    due_working_days=working_days,
                    due_hours=hours,
                )
                .returning(playbook_steps.c.id)
            )
            .scalar_one()
        )
        audit.record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="playbook_step",
                     entity_id=step_id, action="create",
                     changes={"stage_id": stage_id, "title": text, "kind": kind.value})  # fmt: skip
        return step_id


def remove_step(ws: Workspace, step_id: int) -> None:
    require(ws.viewer, Capability.CONFIGURE_FUNNEL)
    with ws.write() as session:
        p = playbook_steps.c
        step = session.execute(select(p.stage_id, p.title).where(p.id == step_id)).first()
        done = session.connection().execute(delete(playbook_steps).where(p.id == step_id))
        if step is None or done.rowcount != 1:
            raise not_found("playbook_step", step_id)
        audit.record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="playbook_step",
                     entity_id=step_id, action="delete",
                     changes={"stage_id": step.stage_id, "title": step.title})  # fmt: skip


def set_lost_reason(ws: Workspace, name: str, active: bool) -> None:
    """Add a lost reason (or bring an old one back), or retire one: retired reasons stay on the
    deals lost for them and in the reports, but cannot be chosen any more."""
    require(ws.viewer, Capability.CONFIGURE_FUNNEL)
    text = " ".join(name.split())
    if not text:
        raise InvalidInput("lost_reason.name_missing", N_("a lost reason needs a name"))
    with ws.write() as session:
        r = lost_reasons.c
        reason_id = session.scalar(
            update(lost_reasons).where(r.name == text).values(active=active).returning(r.id)
        )
        action = "restore" if active else "retire"
        if reason_id is None:
            if not active:
                raise NotFound("lost_reason.not_found", N_("no lost reason {reason!r}"), reason=text)
            position = (session.scalar(select(func.max(r.position))) or 0) + 1
            reason_id = session.scalar(
                insert(lost_reasons).values(name=text, position=position, active=True).returning(r.id)
            )
            action = "create"
        audit.record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="lost_reason",
                     entity_id=int(reason_id or 0), action=action, changes={"name": text})  # fmt: skip
