"""Duplicate quality on files the rules were not written against (issue 27's goal), as figures.

``unseen_files`` draws 2,500 companies as three managers would have typed them; the whole path
runs as a team would run it: three imports, ``crm dedup merge --auto``, then the review's scan at
the team's threshold. The figures print with ``-s``; the bars are the issue's goal (merges
0.995, recall 0.995, half the proposals right). What is still missed is a name alone with
nothing else to go on: a record with no city, INN, phone or site against one of a dozen
«Кристалл»s.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.duplicates.threshold import DEFAULT_THRESHOLD
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import open_workspace
from crm_tui.importers.clients.service import import_clients
from crm_tui.importers.dedup.service import merge_sure, scan, scan_all
from tests.importers.dedup_figures import measure
from tests.importers.unseen_files import build
from tests.seed import FROZEN_NOW, MOSCOW, seed_team


def test_unseen_files_merge_right_find_nearly_all_and_propose_mostly_real_pairs(
    tmp_path: Path, prepared: Callable[[str], Engine]
) -> None:
    unseen = build(tmp_path)
    assert unseen.companies > 2500 and len(unseen.truth) > 4000
    database = str(tmp_path / "unseen.db")
    seed_team(prepared(database))
    ws = open_workspace(database, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    for path in unseen.files:
        import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    merge_sure(ws)
    shown = scan(ws)
    figures = measure(ws, unseen.truth, shown)
    everything = measure(ws, unseen.truth, scan_all(ws))
    print(f"\nat threshold {DEFAULT_THRESHOLD}: {figures}\nevery pair: {everything}")
    assert figures.precision >= 0.995, figures
    assert figures.proposal_precision >= 0.5, figures
    assert figures.recall >= 0.995, figures
    assert everything.proposals > figures.proposals, "the threshold hides the pairs whose own keys disagree"
    assert everything.recall - figures.recall < 0.002, "what the threshold hides is hardly ever a real pair"
