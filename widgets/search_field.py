"""A search box whose typing does not lay the whole screen out again.

Textual's ``Input`` sets its virtual size to its text's width on every change of its value, and
a change of size lays out the whole screen: on the clients list that is a second frame per
keystroke, and every scrolled table on the screen redraws its scrollbar after it (issue 29: the
search keystroke's p95). While the text fits in the box, its virtual size is the box's width:
nothing to scroll either way, so nothing changes that a layout would show; a longer text grows
it cell by cell as ``Input`` does, so the cursor scrolls into view the same way.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.widgets import Input


class SearchField(Input):
    """An ``Input`` that keeps its virtual size while what is typed fits in it."""

    @property
    def content_width(self) -> int:
        """The text's width and the cursor's cell (``Input``'s), at least the box's width."""
        return max(super().content_width, self.scrollable_content_region.width)

    def on_resize(self, event: events.Resize) -> None:
        """The virtual size for the box's new width now, while the screen is being laid out
        anyway, rather than at the first key typed."""
        self.virtual_size = Size(self.content_width, 1)
