"""Touches with a client: calls, notes, messages, meetings."""
