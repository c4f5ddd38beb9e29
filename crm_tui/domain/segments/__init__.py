"""Segments (seed 000): warm, loyal, lost; their rules, recompute, lists and work rules.

Screens and widgets, which do not import storage, take ``Segment`` from here.
"""

from crm_tui.storage.tables.sales import Segment as Segment
