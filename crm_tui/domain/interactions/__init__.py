"""Touches with a client: calls, notes, messages, meetings.

Screens and widgets, which do not import storage, take ``InteractionKind`` from here.
"""

from crm_tui.storage.tables.activity import InteractionKind as InteractionKind
