"""The kanban's new deal (``n``): its dialog, made once while the board is looked at, and the
card of the deal it saves put into its column as the dialog closes.

What a save cost on the large base, and why it is done this way: the dialog's worker read the
whole board again after the write, the board was drawn once as it was when the dialog closed and
once more with the card, and the first ``n`` composed, mounted and styled the dialog on the key.
Now the worker reads the new deal's card alone (``board_card``), the card goes into its column
on the app's thread right after the dialog has gone, in the same step (one frame: the board
with the card; changed under the open dialog, the board was drawn again dimmed behind it
first), and the whole board is read again in the background by the live check that sees the
write, a second after the card (a colleague's changes meanwhile come with it). The dialog is
made when the board is first shown.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import ScreenStackError

from crm_tui.domain.deals.kanban import KanbanCard, KanbanColumn, board_card
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import _
from crm_tui.screens.funnel_filters import FunnelFilters

if TYPE_CHECKING:  # the dialog's module is imported when the dialog is first made
    from crm_tui.domain.deals.new_deal import AddedDeal
    from crm_tui.screens.dialogs.deal_forms import NewDealDialog


class FunnelNewDeal(FunnelFilters):
    """The funnel's new-deal key; ``FunnelScreen`` binds it and shows the board."""

    current: int
    made: list[int]
    show_made: int | None
    cards_put: int

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self._new_deal: NewDealDialog | None = None
        self.saved_card: tuple[int, KanbanCard] | None = None
        """The stage and card of the deal the dialog's save made, read in its worker."""

    def focus_current(self) -> None:
        """Focus the current column's cards (``FunnelScreen``)."""
        raise NotImplementedError

    def show_info(self) -> None:
        """Say the funnel line again from ``board`` (``FunnelScreen``)."""
        raise NotImplementedError

    def even_heads(self) -> None:
        """Give every column's head the height of the tallest (``FunnelScreen``)."""
        raise NotImplementedError

    def action_new_deal(self) -> None:
        """A new deal in the selected column's stage (the first open one on Won and Lost)."""
        if self.board is None or self.flt is None:
            return
        stage_id: int | None = None
        views = list(self.views.values())
        if views:
            column = next(c for c in self.board.columns if c.stage_id == views[self.current].stage_id)
            stage_id = None if column.is_won or column.is_lost else column.stage_id
        self.app.push_screen(self.new_deal_dialog(stage_id, self.flt.pipeline_id))

    def prepare_new_deal(self) -> None:
        """Make the new-deal dialog while the board is looked at, so that the first ``n`` only
        opens it (made on the key, its compose, mount and styling took most of a second on a
        busy machine). Pushed and popped in one go: it mounts in the background, and no frame
        is drawn in between, so it is never seen. Not for a person who may not make deals, nor
        when another screen is on top."""
        if self._new_deal is not None or self.flt is None or self.app.screen is not self:
            return
        if self.refusal("new_deal") is not None:
            return
        self.app.push_screen(self.new_deal_dialog(None, self.flt.pipeline_id))
        self.app.pop_screen()

    def new_deal_dialog(self, stage_id: int | None, pipeline_id: int) -> NewDealDialog:
        """The screen's new-deal dialog for the column ``stage_id``, made once and kept
        (installed: a save or Escape does not remove it): opened again, it is emptied and
        pushed, with no compose, mount or styling of its widgets, and closing it removes nothing."""
        from crm_tui.screens.dialogs.deal_forms import NewDealDialog

        kept = self._new_deal
        if kept is not None and kept.is_mounted:
            kept.renew(stage_id, pipeline_id)
            return kept
        made = NewDealDialog(
            self.ws,
            stage_id=stage_id,
            pipeline_id=pipeline_id,
            then=self._card_after_save,
            shown=self._deal_made,
        )
        self.drop_new_deal_dialog()  # one made but not mounted yet: a new one has the stage
        self._new_deal = made
        self.app.install_screen(made, name=f"new-deal-{id(self)}")
        return made

    def drop_new_deal_dialog(self) -> None:
        """Uninstall the kept dialog and remove it unless it is open (the app closing with the
        dialog open: it goes too)."""
        kept, self._new_deal = self._new_deal, None
        if kept is None:
            return
        with suppress(ScreenStackError):
            self.app.uninstall_screen(kept)
        if kept.is_running and kept not in self.app.screen_stack:
            kept.remove()

    def _card_after_save(self, deal: AddedDeal) -> None:
        """In the dialog's worker, once the deal is saved: its card as this board shows it
        (one deal's read; the whole board's took longer than the save). The deal leads its
        column in every later read of the board (``made``)."""
        self.made.append(deal.id)
        self.saved_card = None
        flt = self.flt
        if flt is None:
            return
        try:
            with self.ws.read() as session:
                self.saved_card = board_card(session, self.ws.viewer, flt, deal.id, self.ws.now())
        except Exception:  # the deal is saved: the screen's own load reads it and says why not
            self.saved_card = None

    def _deal_made(self, deal: AddedDeal) -> None:
        """Right after the dialog has closed: the card into its column, so that the board is
        drawn once, as the dialog goes, with the card under the cursor; the toast after it. The
        whole board is read again in the background by the screen's live check, which sees the
        write a second after the card is put (``check_later``): a colleague's changes meanwhile
        come with it. (A read
        started here as well ran beside the check's, which cancelled it.) Read at once when the
        card is not at hand."""
        found, self.saved_card = self.saved_card, None
        self.show_made = deal.id
        if found is None or not self.put_card(*found):
            self.reload_board()
        line = _("Deal «{title}» opened: {stage}.").format(title=deal.title, stage=deal.stage)
        self.call_after_refresh(self.notify, line)  # the card first, then the toast

    def put_card(self, stage_id: int, card: KanbanCard) -> bool:
        """A deal just made, at the head of its column, under the cursor: that column's count,
        sum and cards and the funnel line change, the other columns are left as they are.
        False when the board shown has no such column (the screen reads it again then)."""
        board = self.board
        view = self.views.get(stage_id)
        if board is None or view is None:
            return False
        columns: list[KanbanColumn] = []
        for column in board.columns:
            if column.stage_id != stage_id:
                columns.append(column)
                continue
            cards = [card, *(c for c in column.cards if c.id != card.id)]
            grown = replace(column, count=column.count + 1, amount=column.amount + card.amount, cards=cards)
            view.show(grown, self.ws.now(), self.ws.tz)
            columns.append(grown)
        self.board = replace(board, columns=columns)
        self.cards_put += 1
        view.highlight(card.id)
        self.current = list(self.views).index(stage_id)
        self.show_made = None
        self.focus_current()
        self.show_info()
        self.call_after_refresh(self.even_heads)
        self.check_later()
        return True
