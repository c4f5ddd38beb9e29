"""Segments (seed 000): warm, loyal, lost; their rules, recompute, lists and work rules."""
