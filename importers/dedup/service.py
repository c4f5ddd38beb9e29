"""Duplicate work as the CLI and the review screen do it: scan, merge the sure ones, look at a
pair side by side. Each call opens its own short sessions on the workspace."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.merges import MergeResult, merge_clients
from crm_tui.domain.duplicates.pairs import SIDE_FIELDS, ClientSide, Pair
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.dedup.scan import (
    Progress,
    find_pairs,
    load_records,
    rejected_pairs,
    sure_clusters,
)
from crm_tui.storage.models import ChannelKind, client_sources


def scan(ws: Workspace, *, min_score: int = 0, progress: Progress | None = None) -> list[Pair]:
    require(ws.viewer, Capability.REVIEW_DUPLICATES)
    with _no_cyclic_gc(), ws.read() as session:
        records = load_records(session, ws.viewer)
        skip = rejected_pairs(session)
    with _no_cyclic_gc():
        return find_pairs(records, min_score=min_score, exclude=skip, progress=progress)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A scan builds millions of small acyclic objects; the cyclic collector would rescan them
    over and over (a third of the scan) and free nothing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True)
class AutoMerge:
    merges: list[MergeResult]
    left_for_review: int


def merge_sure(ws: Workspace, *, progress: Callable[[int, int], None] | None = None) -> AutoMerge:
    """Merge every group of sure duplicates into its oldest record, one transaction a group."""
    require(ws.viewer, Capability.REVIEW_DUPLICATES)
    with _no_cyclic_gc():
        with ws.read() as session:
            records = load_records(session, ws.viewer)
            skip = rejected_pairs(session)
        pairs = find_pairs(records, exclude=skip)
    groups = sure_clusters(pairs, records)
    best: dict[int, Pair] = {}
    for pair in pairs:
        best.setdefault(pair.left, pair)
        best.setdefault(pair.right, pair)
    done = []
    for index, group in enumerate(groups):
        survivor, others = group[0], group[1:]
        reasons = sorted({r for member in group if member in best for r in best[member].reasons})
        score = max((best[m].score for m in group if m in best), default=None)
        with ws.write() as session:
            done.append(
                merge_clients(session, ws.viewer, ws.now(), survivor, others, score=score, reasons=reasons)
            )
        if progress is not None:
            progress(index + 1, len(groups))
    return AutoMerge(done, sum(1 for p in pairs if not p.sure))


def merge(
    ws: Workspace, survivor: int, others: Sequence[int], take: Mapping[str, int] | None = None
) -> MergeResult:
    with ws.write() as session:
        return merge_clients(session, ws.viewer, ws.now(), survivor, others, take=take)


def side(ws: Workspace, client_id: int) -> ClientSide:
    """One record of a pair: the card's facts (``load_card``: the same access rule) and where
    the record came from."""
    require(ws.viewer, Capability.REVIEW_DUPLICATES)
    with ws.read() as session:
        card = load_card(session, ws.viewer, client_id)
        sources = [
            f"{file}, {sheet}, row {number}"
            for file, sheet, number in session.execute(
                select(client_sources.c.file, client_sources.c.sheet, client_sources.c.row)
                .where(client_sources.c.client_id == client_id)
                .order_by(client_sources.c.id)
                .limit(5)
            )
        ]
    values = {name: getattr(card, name) for name in SIDE_FIELDS}
    everything = [*card.channels, *(ch for person in card.contacts for ch in person.channels)]
    return ClientSide(
        id=client_id,
        fields={name: "" if value is None else str(value) for name, value in values.items()},
        phones=[ch.value for ch in everything if ch.kind == ChannelKind.PHONE.value],
        emails=[ch.value for ch in everything if ch.kind == ChannelKind.EMAIL.value],
        contacts=len(card.contacts),
        deals=len(card.deals),
        sources=sources,
    )
