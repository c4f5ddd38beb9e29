"""A form's choice among a few named things (a pipeline, a stage, a deal), on one line.

A ``Select`` opens its list on space or the arrows and lets a letter search only in the open
list; closed, it let a typed letter go on to the screen's and the app's keys (``q`` quit the
app). Here a letter typed on the closed picker chooses at once the first option whose name
starts with what was typed so far (``о``, then ``ж``: «Ожидание оплаты»; ``о`` again: the next
one with «о»), so a person who knows the names never opens the list; space and the arrows open
it as a ``Select`` does; Enter, in a form, moves on (``FormDialog``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import events

from crm_tui.domain.values.text import literal
from crm_tui.widgets.in_order import FieldSelect


class Picker(FieldSelect):
    """A ``Select`` that a letter moves through while closed (see the module's docstring)."""

    DEFAULT_CSS = """
    Picker > SelectCurrent {
        background: $boost;
    }
    Picker:focus > SelectCurrent {
        background: $primary 25%;
    }
    Picker:disabled > SelectCurrent .arrow {
        display: none;
    }
    """
    """Like a form's inputs: a band, lit when focused (a compact ``Select`` only tints it by
    5%: the focus was hard to see); disabled (one choice, shown), no arrow to open it."""

    def __init__(
        self,
        options: Iterable[tuple[str, object]],
        *,
        prompt: str = "",
        allow_blank: bool = False,
        value: object = FieldSelect.NULL,
        id: str | None = None,
    ) -> None:
        self.names: list[tuple[str, object]] = list(options)
        """The options' names and values, as the letters search them."""
        self._typed = ""
        super().__init__(
            self._shown(), prompt=prompt, allow_blank=allow_blank, value=value, id=id, compact=True
        )

    def set_options(self, options: Iterable[tuple[str, object]]) -> None:  # type: ignore[override]
        self.names = list(options)
        self._typed = ""
        super().set_options(self._shown())

    def _shown(self) -> list[tuple[Text, object]]:
        """The options as shown: names from the base are never read as markup."""
        return [(literal(name, no_wrap=True, overflow="ellipsis"), value) for name, value in self.names]

    async def on_key(self, event: events.Key) -> None:
        character = event.character
        if not self.expanded and character and event.is_printable and character != " ":
            event.stop()
            event.prevent_default()
            self.jump(character)
            return
        await super().on_key(event)

    def on_blur(self) -> None:
        self._typed = ""

    def jump(self, character: str) -> None:
        """Choose the first option from the chosen one on that starts with what was typed so
        far and ``character``; none does: the next one that starts with ``character``."""
        values = [value for _name, value in self.names]
        here = values.index(self.value) if self.value in values else -1
        query = self._typed + character
        found = self._match(query, max(here, 0))
        if found is None:
            query = character
            found = self._match(query, here + 1)
        self._typed = query if found is not None else ""
        if found is not None:
            self.value = values[found]

    def _match(self, query: str, start: int) -> int | None:
        names: Sequence[str] = [name.casefold() for name, _value in self.names]
        wanted = query.casefold()
        for step in range(len(names)):
            index = (start + step) % len(names)
            if names[index].startswith(wanted):
                return index
        return None
