"""Pipelines and their stages; the shipped default funnel."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Pipeline, Stage


@dataclass(frozen=True)
class StageSpec:
    code: str
    name: str
    probability: int
    is_won: bool = False
    is_lost: bool = False


DEFAULT_PIPELINE = "Sales"
DEFAULT_STAGES = (
    StageSpec("new", "New inquiry", 10),
    StageSpec("qualification", "Qualification", 20),
    StageSpec("proposal", "Proposal sent", 40),
    StageSpec("invoice", "Invoice issued", 60),
    StageSpec("awaiting_payment", "Awaiting payment", 80),
    StageSpec("won", "Won", 100, is_won=True),
    StageSpec("lost", "Lost", 0, is_lost=True),
)


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


def ensure_default_pipeline(session: Session) -> int:
    """Create the shipped funnel on a database that has none; returns the default pipeline id."""
    existing = session.scalar(select(Pipeline.id).order_by(Pipeline.is_default.desc(), Pipeline.id))  # type: ignore[attr-defined]
    if existing is not None:
        return existing
    pipeline = Pipeline(name=DEFAULT_PIPELINE, position=0, is_default=True)
    session.add(pipeline)
    session.flush()
    assert pipeline.id is not None
    for position, spec in enumerate(DEFAULT_STAGES):
        session.add(
            Stage(
                pipeline_id=pipeline.id,
                name=spec.name,
                code=spec.code,
                position=position,
                probability=spec.probability,
                is_won=spec.is_won,
                is_lost=spec.is_lost,
            )
        )
    session.flush()
    return pipeline.id


def stages_of(session: Session, pipeline_id: int) -> list[StageInfo]:
    rows = session.scalars(
        select(Stage).where(Stage.pipeline_id == pipeline_id).order_by(Stage.position)  # type: ignore[arg-type]
    )
    return [
        StageInfo(
            id=s.id or 0,
            pipeline_id=s.pipeline_id,
            code=s.code,
            name=s.name,
            position=s.position,
            probability=s.probability,
            is_won=s.is_won,
            is_lost=s.is_lost,
        )
        for s in rows
    ]
