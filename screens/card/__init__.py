"""The client card: its screen, its read-only sections, its edits and how it opens."""
