"""Clients that look like one company: the pairs a scan proposes and the sides a person compares.

The scan itself (blocking keys, rules, rapidfuzz) is ``crm_tui.importers.dedup``; merging is
``crm_tui.domain.clients.merges``; ``port`` is what the duplicate review is handed to do both.
"""
