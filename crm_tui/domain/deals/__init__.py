"""Deals and the funnel: pipelines and stages, moves, the kanban, lost deals, settings."""
