"""Duplicate work as the CLI and the review screen do it: scan, merge the sure ones, look at a
pair side by side. Each call opens its own short sessions on the workspace."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.merges import MergeResult, merge_clients
from crm_tui.domain.duplicates.pairs import SIDE_FIELDS, ClientSide, Pair
from crm_tui.domain.duplicates.threshold import proposal_threshold, proposed
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import _
from crm_tui.importers.dedup.rules import Record
from crm_tui.importers.dedup.scan import (
    Progress,
    find_pairs,
    load_records,
    rejected_pairs,
    sure_clusters,
)
from crm_tui.storage.models import ChannelKind, client_sources


def scan(ws: Workspace, *, min_score: int | None = None, progress: Progress | None = None) -> list[Pair]:
    """The pairs the review shows: at or above ``min_score``, the team's threshold by default
    (``domain.duplicates.threshold``), and every sure pair."""
    threshold = proposal_threshold(ws) if min_score is None else min_score
    return proposed(_scanned(ws, 0, progress)[0], threshold)


def scan_all(ws: Workspace) -> list[Pair]:
    """Every pair, whatever its score: the review filters them by a threshold it can move."""
    return _scanned(ws)[0]


def _scanned(
    ws: Workspace, min_score: int = 0, progress: Progress | None = None
) -> tuple[list[Pair], list[Record]]:
    require(ws.viewer, Capability.REVIEW_DUPLICATES)
    with ws.read() as session:
        records = load_records(session, ws.viewer)
        skip = rejected_pairs(session)
    return find_pairs(records, min_score=min_score, exclude=skip, progress=progress), records


@dataclass(frozen=True)
class SureGroups:
    """What a scan found for ``merge_sure``: every pair, and the groups of sure duplicates
    (each oldest record first)."""

    pairs: list[Pair]
    groups: list[list[int]]


def find_sure(ws: Workspace) -> SureGroups:
    """The scan half of ``merge_sure``, apart so that the CLI can run it alone with the
    collector paused (``crm_tui.cli.collector``), and not the merges."""
    pairs, records = _scanned(ws)
    return SureGroups(pairs, sure_clusters(pairs, records))


@dataclass(frozen=True)
class AutoMerge:
    merges: list[MergeResult]
    left_for_review: int


def merge_sure(
    ws: Workspace,
    *,
    progress: Callable[[int, int], None] | None = None,
    found: SureGroups | None = None,
) -> AutoMerge:
    """Merge every group of sure duplicates into its oldest record, one transaction a group;
    ``found`` is ``find_sure``'s answer when the caller already has it."""
    require(ws.viewer, Capability.REVIEW_DUPLICATES)
    if found is None:
        found = find_sure(ws)
    best: dict[int, Pair] = {}
    for pair in found.pairs:
        best.setdefault(pair.left, pair)
        best.setdefault(pair.right, pair)
    done = []
    for index, group in enumerate(found.groups):
        survivor, others = group[0], group[1:]
        reasons = sorted({r for member in group if member in best for r in best[member].reasons})
        score = max((best[m].score for m in group if m in best), default=None)
        with ws.write() as session:
            done.append(
                merge_clients(session, ws.viewer, ws.now(), survivor, others, score=score, reasons=reasons)
            )
        if progress is not None:
            progress(index + 1, len(found.groups))
    return AutoMerge(done, sum(1 for p in found.pairs if not p.sure))


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
            _("{file}, sheet «{sheet}», row {row}").format(file=file, sheet=sheet, row=number)
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
