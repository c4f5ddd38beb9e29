"""Tasks and the next step of every touch."""
