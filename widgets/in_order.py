"""Fields that apply their own keys in the order they were typed, in a burst too.

Textual hands each key to the widget focused when the key arrives; a printable key the widget
types at once, but a key bound on the widget itself (Backspace, Ctrl+U, the arrows of an input,
up and down in a list) is only looked up once the key has bubbled up through every parent to the
app. Keys typed ahead (fast typing, SSH lag) overtake it on the way: ``abc Backspace d`` came
out ``abc`` instead of ``abd``, ``Ctrl+U Химки`` wiped the word just typed, and ``down Tab`` in
a list ran ``down`` in the next field, where it means nothing. These widgets run a key bound on
themselves as they take it from their queue, between the keys typed before and after it.
"""

from __future__ import annotations

from functools import cache

from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select


@cache
def own_keys(widget_class: type[Widget]) -> dict[str, Binding]:
    """The keys a widget class binds on itself (its ``BINDINGS`` and its bases'), each to its
    binding; a subclass's binding of a key wins over its base's."""
    keys: dict[str, Binding] = {}
    for cls in reversed(widget_class.__mro__):
        for binding in Binding.make_bindings(vars(cls).get("BINDINGS", [])):
            keys[binding.key] = binding
    return keys


async def run_own_key(widget: Widget, event: events.Key) -> None:
    """Run ``event``'s key at once if ``widget`` binds it itself (``on_key`` of the fields)."""
    binding = own_keys(type(widget)).get(event.key)
    if binding is None or binding.priority:
        return
    if not widget.check_action(binding.action, ()):
        return
    event.stop()
    event.prevent_default()
    await widget.run_action(binding.action)


class FieldInput(Input):
    """An ``Input`` whose editing keys apply in the order they were typed."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_key(self, event)


class FieldOptionList(OptionList):
    """An ``OptionList`` whose moves apply in the order they were typed."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_key(self, event)


class FieldSelect(Select[object]):
    """A ``Select`` whose keys apply in the order they were typed."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_key(self, event)
