"""The score below which the duplicate review stays quiet, set by a head for the team.

Seed 000's head opens the review once a week; a screen where seven pairs in eight are two
companies teaches them to stop opening it. The rules rank pairs by how likely they are
(``importers.dedup.rules``); this setting decides where the review stops: by default it hides
pairs whose own records argue against them (a common name in one town at two different
domains), and a head who wants every hint lowers it, or raises it to see only the likeliest.
"""

from __future__ import annotations

from collections.abc import Iterable

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.duplicates.pairs import Pair
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_

THRESHOLD_KEY = "dedup.min_score"
DEFAULT_THRESHOLD = 40
"""Keeps a name no one else bears (40) and hides what its own keys contradict (below)."""
STEP = 10


def proposal_threshold(ws: Workspace) -> int:
    with ws.read() as session:
        value = get_setting(session, THRESHOLD_KEY)
    return int(value) if isinstance(value, int | float) else DEFAULT_THRESHOLD


def set_threshold(ws: Workspace, score: int | None) -> int:
    """Set the team's threshold (``None``: back to the default); returns the one in force."""
    require(ws.viewer, Capability.SET_DEDUP_THRESHOLD)
    if score is not None and not 0 <= score <= 100:
        raise InvalidInput(
            "dedup.threshold_range",
            N_("threshold: {score} is out of range (0..100)"),
            field="threshold",
            score=score,
        )
    with ws.write() as session:
        put_setting(session, THRESHOLD_KEY, score, at=ws.now(), user_id=ws.viewer.user_id)
    return DEFAULT_THRESHOLD if score is None else score


def proposed(pairs: Iterable[Pair], threshold: int) -> list[Pair]:
    """The pairs the review shows: sure ones always (``merge --auto`` takes them anyway)."""
    return [p for p in pairs if p.sure or p.score >= threshold]
