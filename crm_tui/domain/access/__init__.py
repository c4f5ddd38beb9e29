"""Who the acting user is and what they may see and do: users, visibility, capabilities."""
