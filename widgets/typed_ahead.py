"""Keys typed before a dialog has opened land in the dialog, in order.

A key that opens a dialog (``l`` on the card) pushes it at once, but the dialog composes and
focuses its first field a moment later, and Textual hands every key that comes meanwhile to
whatever has the focus: nothing on the new dialog, so ``l abc`` in one burst (fast typing, SSH
lag) lost ``abc``. The app holds the keys that come while the top screen is a dialog still
opening (``OpensWithFocus.opening``) and hands them on, in the order they came, once the dialog
says it has its focus (``DialogOpened``). A key held back that opens another dialog holds the
rest again.
"""

from __future__ import annotations

from textual.message import Message


class OpensWithFocus:
    """A screen whose first keys must wait until it has focused its field (a dialog)."""

    opening: bool = True
    """True until the screen has mounted and put the focus where typing goes."""


class DialogOpened(Message):
    """Posted to the app by a dialog that has just got its focus: the held keys may go on."""
