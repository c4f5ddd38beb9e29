"""Duplicate review: one pair at a time, side by side, merged or told apart by a person.

The scan, the sides and the merge are the ``DuplicateJobs`` the app hands the screen
(``crm_tui.domain.duplicates.port``); "not a duplicate" and undo are the domain's merges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Header, Static

from crm_tui.domain.access.capabilities import Capability
from crm_tui.domain.duplicates.pairs import SIDE_FIELDS, ClientSide, Pair
from crm_tui.domain.duplicates.port import DuplicateJobs
from crm_tui.domain.duplicates.reasons import reasons_text
from crm_tui.domain.duplicates.threshold import (
    DEFAULT_THRESHOLD,
    STEP,
    proposal_threshold,
    proposed,
    set_threshold,
)
from crm_tui.domain.values.text import literal
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _, ngettext
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dedup_pair import FIELD_LABELS, TAKE_FIELDS, Review, side_table
from crm_tui.widgets.bindings import bind
from crm_tui.widgets.key_footer import KeyFooter


class DedupReviewScreen(CrmScreen):
    """Pairs that look like one company, best first; the survivor's side is marked.

    | Key(s) | Description |
    | :- | :- |
    | m | Merge the pair into the survivor, with the chosen fields. |
    | x | Swap which record survives. |
    | up, down | Choose a field. |
    | t | Take the chosen field's value from the other record (again: keep the survivor's). |
    | n | Not a duplicate: never propose this pair again. |
    | l, ] | Skip to the next pair. |
    | h, [ | Back to the previous pair. |
    | u | Undo the last merge. |
    | r | Scan again. |
    | <, > | Lower or raise the team's threshold: show fainter pairs, or only the likeliest. |
    | escape | Back. |
    """

    TITLE = N_("Duplicate review")

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("dedup.merge", "merge", N_("Merge")),
        bind("dedup.swap", "swap", N_("Swap survivor")),
        bind("dedup.take", "take", N_("Take field")),
        bind("dedup.field_up", "field(-1)", N_("Field up"), show=False),
        bind("dedup.field_down", "field(1)", N_("Field down"), show=False),
        bind("dedup.not_duplicate", "not_duplicate", N_("Not a duplicate")),
        bind("dedup.next", "move(1)", N_("Skip")),
        bind("dedup.previous", "move(-1)", N_("Previous")),
        bind("dedup.undo", "undo", N_("Undo merge")),
        bind("dedup.rescan", "rescan", N_("Scan again")),
        bind("dedup.lower", f"threshold(-{STEP})", N_("Lower threshold")),
        bind("dedup.raise", f"threshold({STEP})", N_("Raise threshold")),
        bind("dedup.back", "back", N_("Back")),
    ]

    GATED: ClassVar[Mapping[str, Capability]] = {"threshold": Capability.SET_DEDUP_THRESHOLD}

    class Scanned(Message):
        def __init__(self, pairs: list[Pair], threshold: int) -> None:
            super().__init__()
            self.pairs = pairs
            self.threshold = threshold

    class ThresholdSet(Message):
        def __init__(self, threshold: int) -> None:
            super().__init__()
            self.threshold = threshold

    class SidesLoaded(Message):
        def __init__(self, pair: Pair, left: ClientSide, right: ClientSide) -> None:
            super().__init__()
            self.pair = pair
            self.left = left
            self.right = right

    class Done(Message):
        """A merge, a "not a duplicate" or an undo went through; ``note`` says which."""

        def __init__(self, note: str, drop: set[int], rescan: bool = False) -> None:
            super().__init__()
            self.note = note
            self.drop = drop
            self.rescan = rescan

    def __init__(self, ws: Workspace, jobs: DuplicateJobs) -> None:
        super().__init__(ws)
        self.jobs = jobs
        self.review = Review()
        self.found: list[Pair] = []
        """Every pair of the last scan; ``review.pairs`` are those at or above the threshold."""
        self.threshold = DEFAULT_THRESHOLD
        self.sides: tuple[ClientSide, ClientSide] | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Looking for duplicates..."), id="dedup-status", markup=False)
        with Horizontal(id="dedup-sides"):
            yield Static("", id="dedup-left", classes="dedup-side")
            yield Static("", id="dedup-right", classes="dedup-side")
        yield Static("", id="dedup-more", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self.ws.viewer.full_name
        self.scan()

    @work(thread=True, exclusive=True, group="dedup-scan")
    def scan(self) -> None:
        pairs = self.jobs.scan(self.ws)
        self.post_message(self.Scanned(pairs, proposal_threshold(self.ws)))

    def on_dedup_review_screen_scanned(self, event: Scanned) -> None:
        self.found, self.threshold = event.pairs, event.threshold
        self.review = Review(pairs=proposed(event.pairs, event.threshold))
        self._show_pair()

    def action_threshold(self, step: int) -> None:
        self.save_threshold(max(0, min(100, self.threshold + step)))

    @work(thread=True, exclusive=True, group="dedup-threshold")
    def save_threshold(self, score: int) -> None:
        self.post_message(self.ThresholdSet(set_threshold(self.ws, score)))

    def on_dedup_review_screen_threshold_set(self, event: ThresholdSet) -> None:
        """The pairs left, filtered anew; the person stays where they were in the ranking."""
        current = self.review.pair
        self.threshold = event.threshold
        pairs = proposed(self.found, self.threshold)
        rank = {p: i for i, p in enumerate(self.found)}
        self.review = Review(pairs=pairs)
        if current is not None:
            self.review.index = min(sum(1 for p in pairs if rank[p] < rank[current]), max(len(pairs) - 1, 0))
        self.notify(
            ngettext(
                "Threshold {score}: {shown} pair to review.",
                "Threshold {score}: {shown} pairs to review.",
                len(pairs),
            ).format(score=self.threshold, shown=len(pairs))
        )
        self._show_pair()

    def _show_pair(self) -> None:
        pair = self.review.pair
        self.sides = None
        if pair is None:
            self.query_one("#dedup-status", Static).update(self._none_left())
            self.query_one("#dedup-left", Static).update("")
            self.query_one("#dedup-right", Static).update("")
            self.query_one("#dedup-more", Static).update("")
            self.refresh_bindings()
            return
        self.load_sides(pair)

    def _none_left(self) -> str:
        hidden = len(self.found) - len(self.review.pairs)
        if not hidden:
            return _("No duplicates left to review.")
        return ngettext(
            "No duplicates left at threshold {score}; {n} fainter pair is hidden (< lowers the threshold).",
            "No duplicates left at threshold {score}; {n} fainter pairs are hidden (< lowers the threshold).",
            hidden,
        ).format(score=self.threshold, n=hidden)

    @work(thread=True, exclusive=True, group="dedup-sides")
    def load_sides(self, pair: Pair) -> None:
        left, right = self.jobs.side(self.ws, pair.left), self.jobs.side(self.ws, pair.right)
        self.post_message(self.SidesLoaded(pair, left, right))

    def on_dedup_review_screen_sides_loaded(self, event: SidesLoaded) -> None:
        if event.pair != self.review.pair:
            return
        self.sides = (event.left, event.right)
        self._show_sides()

    def _show_sides(self) -> None:
        pair, sides = self.review.pair, self.sides
        if pair is None or sides is None:
            return
        review = self.review
        verdict = _("sure") if pair.sure else _("to review")
        said = _("Pair {n} of {total} · score {score} (threshold {threshold}) · {verdict} · {reasons}")
        status = said.format(
            n=review.index + 1,
            total=len(review.pairs),
            score=pair.score,
            threshold=self.threshold,
            verdict=verdict,
            reasons=reasons_text(pair.reasons),
        )
        self.query_one("#dedup-status", Static).update(literal(status))
        left, right = sides
        self.query_one("#dedup-left", Static).update(self._side(left, right, review.survivor_left))
        self.query_one("#dedup-right", Static).update(self._side(right, left, not review.survivor_left))
        taken = ", ".join(_(FIELD_LABELS[f]) for f in SIDE_FIELDS if f in review.take_other)
        hint = _("Fields taken from the other record: {fields}").format(fields=taken) if taken else ""
        self.query_one("#dedup-more", Static).update(hint)
        self.refresh_bindings()

    def _side(self, this: ClientSide, other: ClientSide, survives: bool) -> Table:
        room = self.query_one("#dedup-left").content_size.width - 4  # two columns' padding
        return side_table(this, other, survives, self.review, room)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("merge", "swap", "take", "field", "not_duplicate", "move"):
            return None if (self.busy or self.sides is None) else True
        if action in ("undo", "rescan"):
            return None if self.busy else True
        return True

    def action_swap(self) -> None:
        self.review.survivor_left = not self.review.survivor_left
        self._show_sides()

    def action_field(self, step: int) -> None:
        self.review.cursor = (self.review.cursor + step) % len(SIDE_FIELDS)
        self._show_sides()

    def _survivor_and_other(self) -> tuple[ClientSide, ClientSide] | None:
        if self.sides is None:
            return None
        left, right = self.sides
        return (left, right) if self.review.survivor_left else (right, left)

    def _empty_take(self, name: str) -> str | None:
        """Why taking the other record's ``name`` would lose a value (the domain's rule), or None."""
        from crm_tui.domain.clients.merges import empty_take

        pair = self._survivor_and_other()
        if pair is None:
            return None
        survivor, other = pair
        refused = empty_take(name, other.id, other.fields[name], [(survivor.id, survivor.fields[name])])
        return None if refused is None else str(refused)

    def action_take(self) -> None:
        name = SIDE_FIELDS[self.review.cursor]
        if name not in TAKE_FIELDS:
            self.notify(_("The owner changes by handover, not by a merge."), severity="warning")
            return
        if name not in self.review.take_other:
            refused = self._empty_take(name)
            if refused is not None:
                self.notify(refused, severity="warning")
                self.app.bell()
                return
        self.review.take_other ^= {name}
        self._show_sides()

    def action_move(self, step: int) -> None:
        review = self.review
        if review.pairs:
            review.index = (review.index + step) % len(review.pairs)
            review.take_other = set()
            review.survivor_left = True
            self._show_pair()

    def action_merge(self) -> None:
        pair = self.review.pair
        if pair is None:
            return
        survivor, other = (pair.left, pair.right) if self.review.survivor_left else (pair.right, pair.left)
        for name in sorted(self.review.take_other):  # a swap since the take may have made it empty
            refused = self._empty_take(name)
            if refused is not None:
                self.notify(refused, severity="error")
                return
        take = {name: other for name in self.review.take_other}
        self.busy = True
        self.refresh_bindings()
        self.merge(survivor, other, take)

    @work(thread=True, exclusive=True, group="dedup-write")
    def merge(self, survivor: int, other: int, take: dict[str, int]) -> None:
        try:
            self.jobs.merge(self.ws, survivor, [other], take)
        finally:
            self.app.call_from_thread(self._idle)
        note = _("Merged #{other} into #{survivor} (u undoes it).").format(other=other, survivor=survivor)
        self.post_message(self.Done(note, {other}))

    def action_not_duplicate(self) -> None:
        pair = self.review.pair
        if pair is not None:
            self.busy = True
            self.refresh_bindings()
            self.not_duplicate(pair)

    @work(thread=True, exclusive=True, group="dedup-write")
    def not_duplicate(self, pair: Pair) -> None:
        from crm_tui.domain.clients.merges import mark_not_duplicate

        try:
            with self.ws.write() as session:
                mark_not_duplicate(session, self.ws.viewer, self.ws.now(), pair.left, pair.right)
        finally:
            self.app.call_from_thread(self._idle)
        note = _("#{a} and #{b} are two companies; the pair will not come back.").format(
            a=pair.left, b=pair.right
        )
        self.post_message(self.Done(note, set(), rescan=False))

    def action_undo(self) -> None:
        self.busy = True
        self.refresh_bindings()
        self.undo()

    @work(thread=True, exclusive=True, group="dedup-write")
    def undo(self) -> None:
        from crm_tui.domain.clients.merges import last_merge, undo_merge

        try:
            with self.ws.write() as session:
                merge_id = last_merge(session, self.ws.viewer)
                if merge_id is None:
                    self.post_message(self.Done(_("No merge of yours to undo."), set()))
                    return
                undo_merge(session, self.ws.viewer, self.ws.now(), merge_id)
        finally:
            self.app.call_from_thread(self._idle)
        self.post_message(self.Done(_("Merge {id} undone.").format(id=merge_id), set(), rescan=True))

    def _idle(self) -> None:
        self.busy = False
        self.refresh_bindings()

    def on_dedup_review_screen_done(self, event: Done) -> None:
        self.notify(event.note)
        if event.rescan:
            self.scan()
            return
        review = self.review
        if event.drop:  # a merged-away record is in no pair any more
            review.pairs = [p for p in review.pairs if p.left not in event.drop and p.right not in event.drop]
            self.found = [p for p in self.found if p.left not in event.drop and p.right not in event.drop]
        elif review.pair is not None:
            settled = review.pairs.pop(review.index)
            self.found = [p for p in self.found if p != settled]
        review.index = min(review.index, max(len(review.pairs) - 1, 0))
        review.take_other = set()
        review.survivor_left = True
        self._show_pair()

    def action_rescan(self) -> None:
        self.query_one("#dedup-status", Static).update(_("Looking for duplicates..."))
        self.scan()

    def action_back(self) -> None:
        self.app.pop_screen()
