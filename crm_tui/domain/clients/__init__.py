"""Clients: the list, the card, typing one in, editing, merging, handing over, the timeline.

Screens and widgets, which do not import storage, take ``ClientStatus`` from here.
"""

from crm_tui.storage.tables.kinds import ClientStatus as ClientStatus
