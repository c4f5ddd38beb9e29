"""Calls from each telephony source, read into ``domain.interactions.call_events.CallEvent``."""
