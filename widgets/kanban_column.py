"""One column of the funnel kanban: the stage's name, count and sum above its deal cards."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.deals.kanban import KanbanCard, KanbanColumn
from crm_tui.domain.values.formatting import money_figure, money_figures
from crm_tui.domain.values.text import inert, literal
from crm_tui.i18n import _, counted
from crm_tui.widgets.record_table import clip


def card_text(card: KanbanCard, now: datetime, tz: ZoneInfo, width: int, amount: str) -> Text:
    """The deal (marked when stuck; long titles wrap), its ``amount`` as the column shows it
    (``money_figures``: kopecks on every card when any has them) and client, days in stage and
    the next task."""
    text = Text()
    if card.stuck:
        text.append("⚠ ", style="bold red")
    text.append(inert(card.title), style="bold")
    text.append("\n" + amount, style="bold")
    text.append(f"  {inert(card.client)}")
    days = card.days_in_stage(now)
    text.append(f"\n{days} " + _("d in stage"), style="red" if card.stuck else "dim")
    if card.next_task and card.next_due:
        due = card.next_due.astimezone(tz)
        late = card.next_due < now
        step = clip(f"→ {due:%d.%m} {inert(card.next_task)}", width)
        text.append("\n" + step, style="red" if late else "dim")
    else:
        text.append("\n" + _("no next task"), style="italic yellow")
    return text


class KanbanColumnView(Vertical):
    """A stage's column; the screen fills it with ``show`` and reads the highlighted card."""

    def __init__(self, stage_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="kanban-column")
        self.stage_id = stage_id
        self.cards: list[KanbanCard] = []
        self.column: KanbanColumn | None = None
        self._shown: tuple[list[int], list[Text]] = ([], [])
        """The cards on show and what they say (compared, not redrawn, on a reload)."""
        self._read: tuple[object, ...] = ()
        """What the cards' texts were made from: the column, the width and, for each card, its
        days in the stage and whether its next task is late (the only parts that move with the
        clock)."""
        self._head: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="kanban-head", markup=False)
        yield OptionList(classes="kanban-cards", markup=False)

    def show(self, column: KanbanColumn, now: datetime, tz: ZoneInfo) -> None:
        """Fill the column. Its cards are laid out and drawn again only when what they say
        changed: a reload after a move or a new deal leaves the other columns as they were."""
        if column != self.column:
            self.column = column
            self.paint_head()
        width = max(self.size.width - 4, 14)
        clock = [(c.days_in_stage(now), c.next_due is not None and c.next_due < now) for c in column.cards]
        read = (column, width, tz, clock)
        if read == self._read:  # the board read again, as it was: no texts made, nothing drawn
            self.cards = column.cards
            return
        self._read = read
        amounts = money_figures([c.amount for c in column.cards])
        texts = [card_text(c, now, tz, width, a) for c, a in zip(column.cards, amounts, strict=True)]
        if column.has_more:
            texts.append(Text(_("… more: m"), style="dim italic"))
        shown = ([c.id for c in column.cards], texts)
        if shown == self._shown:
            self.cards = column.cards
            return
        self._shown = shown
        cards = self.query_one(".kanban-cards", OptionList)
        keep = cards.highlighted
        self.cards = column.cards
        options = [Option(text, id=str(c.id)) for text, c in zip(texts, column.cards, strict=False)]
        if column.has_more:
            options.append(Option(texts[-1], id="more", disabled=True))
        cards.set_options(options)
        if self.cards:
            cards.highlighted = min(keep or 0, len(self.cards) - 1)

    def paint_head(self) -> int:
        """Draw the stage's name, count and sum ("2 deals · 165 000 ₽") at the column's width;
        returns the lines it takes. A long name (Russian ones are) wraps at a space,
        and the figures go on lines of
        their own rather than break a number: the screen gives every head the height of the
        tallest, so that the cards of all columns start on one line."""
        column = self.column
        if column is None:
            return 0
        head = self.query_one(".kanban-head", Static)
        width = head.content_size.width or 1_000
        figures = [counted(column.count, "{count} deal", "{count} deals"), money_figure(column.amount)]
        if column.stuck_after_days:
            figures.append(f"⚑{column.stuck_after_days}" + _("d"))
        lines = [figures[0]]
        for figure in figures[1:]:
            joined = f"{lines[-1]} · {figure}"
            if cell_len(joined) <= width:
                lines[-1] = joined
            else:
                lines.append(figure)
        name = literal(column.name, style="bold")
        text = name + Text("\n" + "\n".join(lines), style="dim")
        if text != self._head:
            self._head = text
            # the head's height is set (CSS, then ``even_heads``) and its width is the column's:
            # its text never changes its size, and a layout of the screen per head is not needed
            head.update(text, layout=False)
        return len(name.wrap(self.app.console, width)) + len(lines)

    def highlight(self, deal_id: int) -> bool:
        """Put the cursor on the deal's card; False when it is not in this column."""
        index = next((i for i, card in enumerate(self.cards) if card.id == deal_id), None)
        if index is not None:
            self.query_one(".kanban-cards", OptionList).highlighted = index
        return index is not None

    @property
    def highlighted(self) -> KanbanCard | None:
        index = self.query_one(".kanban-cards", OptionList).highlighted
        if index is None or index >= len(self.cards):
            return None
        return self.cards[index]

    def focus_cards(self) -> None:
        """Focus the cards; nothing when they have it (a focus draws the list again: a board
        read again as it was would be drawn once more)."""
        cards = self.query_one(".kanban-cards", OptionList)
        if self.screen.focused is not cards:
            cards.focus()
