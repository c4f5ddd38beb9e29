"""The command palette's first provider: every action of the app and of the screen under it,
with its key, then Textual's own commands; clients and deals come from ``screens.palette``,
loaded when the palette opens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from crm_tui.i18n import _

PALETTE_ONLY = frozenset(
    {
        "app.week",
        "app.inbox",
        "app.dashboard",
        "app.campaigns",
        "app.inbound",
        "app.new_deal",
        "app.new_task",
        "app.password",
        "editor.step_up",
        "editor.step_down",
        "editor.back",
    }
)
"""Keys offered in the palette but not on the footer (it has no room for them): the app's on every
screen, the campaign editor's that its status line names."""


class ActionCommands(Provider):
    """Every action of the app and of the current screen, with its key, for Ctrl+P, then
    Textual's system commands (quit, keys, theme, ...).

    The actions are the footer's: the bindings shown and enabled right now, so the palette and
    the footer never disagree. The system commands come from here too, not from a provider of
    their own: providers answer concurrently, and the palette showed the two lists in whichever
    order they happened to arrive.
    """

    def _actions(self) -> Iterator[tuple[str, str, Callable[[], Any], bool]]:
        """(name, help, run it, shown before anything is typed)."""
        screen = self.screen
        seen: set[tuple[int, str]] = set()
        for node, binding, enabled, tooltip in screen.active_bindings.values():
            shown = binding.show or binding.id in PALETTE_ONLY
            if not (enabled and shown and binding.description) or binding.system:
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            if (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            key = _("key {key}").format(key=self.app.get_key_display(binding))
            help_text = f"{key} · {tooltip}" if tooltip else key
            yield binding.description, help_text, partial(self.app.run_action, binding.action, node), True
        for command in self.app.get_system_commands(screen):
            yield command.title, command.help, command.callback, command.discover

    async def discover(self) -> Hits:
        for name, help_text, command, shown in self._actions():
            if shown:
                yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command, _shown in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)


def _record_search() -> type[Provider]:
    """Clients and deals for Ctrl+P (``crm_tui.screens.palette``), loaded when the palette opens."""
    from crm_tui.screens.palette import RecordSearch

    return RecordSearch
