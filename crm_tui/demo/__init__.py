"""Demo data that looks like a real Russian sales team's base."""
