"""Pipelines and their stages; the shipped default funnel, named in the base's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select

from crm_tui.domain.base_language import base_language
from crm_tui.i18n import NC_, in_language
from crm_tui.storage.tables.deals import pipelines, stages

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit


@dataclass(frozen=True)
class StageSpec:
    code: str
    name: str
    probability: int
    is_won: bool = False
    is_lost: bool = False


DEFAULT_PIPELINE = NC_("pipeline", "Sales")
DEFAULT_STAGES = (
    StageSpec("new", NC_("stage", "New inquiry"), 10),
    StageSpec("qualification", NC_("stage", "Qualification"), 20),
    StageSpec("proposal", NC_("stage", "Proposal sent"), 40),
    StageSpec("invoice", NC_("stage", "Invoice issued"), 60),
    StageSpec("awaiting_payment", NC_("stage", "Awaiting payment"), 80),
    StageSpec("won", NC_("stage", "Won"), 100, is_won=True),
    StageSpec("lost", NC_("stage", "Lost"), 0, is_lost=True),
)
"""The shipped funnel: names are msgids, written in the base's language when the base is made."""


@dataclass(frozen=True)
class StageInfo:
    id: int
    pipeline_id: int
    code: str | None
    name: str
    position: int
    probability: int
    is_won: bool
    is_lost: bool


def has_pipeline(session: Unit) -> bool:
    return session.scalar(select(pipelines.c.id).limit(1)) is not None


def ensure_default_pipeline(session: Unit) -> int:
    """Create the shipped funnel, named in the base's language, on a database that has none;
    returns the default pipeline id."""
    existing = session.scalar(
        select(pipelines.c.id).order_by(pipelines.c.is_default.desc(), pipelines.c.id).limit(1)
    )
    if existing is not None:
        return int(existing)
    language = base_language(session)
    session.flush()  # what was added before is written first, as the ORM would have
    pipeline_id = int(
        session.execute(
            insert(pipelines)
            .values(
                name=in_language(language, DEFAULT_PIPELINE, context="pipeline"), position=0, is_default=True
            )
            .returning(pipelines.c.id)
        ).scalar_one()
    )
    session.execute(
        insert(stages),
        [
            {
                "pipeline_id": pipeline_id,
                "name": in_language(language, spec.name, context="stage"),
                "code": spec.code,
                "position": position,
                "probability": spec.probability,
                "is_won": spec.is_won,
                "is_lost": spec.is_lost,
            }
            for position, spec in enumerate(DEFAULT_STAGES)
        ],
    )
    return pipeline_id


def stages_of(session: Unit, pipeline_id: int) -> list[StageInfo]:
    c = stages.c
    rows = session.execute(
        select(c.id, c.pipeline_id, c.code, c.name, c.position, c.probability, c.is_won, c.is_lost)
        .where(c.pipeline_id == pipeline_id)
        .order_by(c.position)
    )
    return [StageInfo(*row) for row in rows]


def default_pipeline_id(session: Unit, name: str | None = None) -> int | None:
    p = pipelines.c
    query = select(p.id).order_by(p.is_default.desc(), p.position, p.id).limit(1)
    if name is not None:
        query = select(p.id).where(func.lower(p.name) == name.lower())
    found = session.scalar(query)
    return int(found) if found is not None else None


@dataclass(frozen=True)
class PipelineStages:
    """A pipeline and the stages a deal may be opened in (its open ones, in order)."""

    id: int
    name: str
    stages: list[StageInfo]


def open_stages(session: Unit) -> list[PipelineStages]:
    """Every pipeline, the default first, with its open stages: what a new deal's dialog offers
    (a deal starts in an open stage, ``new_deal``). Two small reads, whatever the base's size."""
    p, c = pipelines.c, stages.c
    rows = session.execute(
        select(c.id, c.pipeline_id, c.code, c.name, c.position, c.probability, c.is_won, c.is_lost)
        .where(c.is_won.is_(False), c.is_lost.is_(False))
        .order_by(c.pipeline_id, c.position)
    )
    by_pipeline: dict[int, list[StageInfo]] = {}
    for row in rows:
        stage = StageInfo(*row)
        by_pipeline.setdefault(stage.pipeline_id, []).append(stage)
    found = session.execute(select(p.id, p.name).order_by(p.is_default.desc(), p.position, p.id))
    return [PipelineStages(pid, name, by_pipeline.get(pid, [])) for pid, name in found]
