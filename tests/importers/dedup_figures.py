"""Pairwise quality of a base after import, merge and scan: what a head would count.

Merge precision: of the pairs of rows that ended in one client, how many are one company.
Recall: of the pairs of rows that are one company, how many are merged or proposed. Proposal
precision: of the pairs the review proposes, how many are one company.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from math import comb

from sqlalchemy import select

from crm_tui.domain.duplicates.pairs import Pair
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import client_sources


@dataclass
class Figures:
    precision: float
    merged_pairs: int
    recall: float
    true_pairs: int
    right_proposals: int
    proposals: int
    false_kinds: Counter[str] = field(default_factory=Counter)
    """The first reason of each wrong proposal, for reading what the noise is."""

    @property
    def proposal_precision(self) -> float:
        return self.right_proposals / self.proposals if self.proposals else 1.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f} of {self.merged_pairs} merged pairs, recall {self.recall:.3f} "
            f"of {self.true_pairs}, {self.right_proposals} of {self.proposals} proposals right "
            f"({self.proposal_precision:.2f})"
        )


def client_of_rows(ws: Workspace) -> dict[tuple[str, int], int]:
    with ws.read() as session:
        rows = session.execute(
            select(client_sources.c.file, client_sources.c.row, client_sources.c.client_id)
        )
        return {(file, row): client_id for file, row, client_id in rows}


def measure(ws: Workspace, truth: dict[tuple[str, int], str], proposed: list[Pair]) -> Figures:
    """Counted by (client, company) cells, not row by row: 4,000 rows are 8 million pairs."""
    client_of = client_of_rows(ws)
    assert set(client_of) == set(truth), "every row of the files is a client's source"
    cells: Counter[tuple[int, str]] = Counter((client_of[row], company) for row, company in truth.items())
    per_client: Counter[int] = Counter(client_of[row] for row in truth)
    per_company: Counter[str] = Counter(truth.values())
    merged_pairs = sum(comb(n, 2) for n in per_client.values())
    right_merges = sum(comb(n, 2) for n in cells.values())
    true_pairs = sum(comb(n, 2) for n in per_company.values())
    rows_of: dict[str, dict[int, int]] = defaultdict(dict)
    for (client, company), n in cells.items():
        rows_of[company][client] = n
    pairs = {(p.left, p.right) for p in proposed}
    found = right_merges + sum(
        rows[a] * rows[b]
        for rows in rows_of.values()
        for a, b in combinations(sorted(rows), 2)
        if (a, b) in pairs
    )
    companies: dict[int, set[str]] = defaultdict(set)
    for client, company in cells:
        companies[client].add(company)
    right = [p for p in proposed if companies[p.left] & companies[p.right]]
    wrong = Counter(p.reasons[0] if p.reasons else "" for p in proposed if p not in right)
    return Figures(
        precision=right_merges / merged_pairs if merged_pairs else 1.0,
        merged_pairs=merged_pairs,
        recall=found / true_pairs if true_pairs else 1.0,
        true_pairs=true_pairs,
        right_proposals=len(right),
        proposals=len(proposed),
        false_kinds=wrong,
    )
