"""Contact persons at clients, and their moves between companies."""
