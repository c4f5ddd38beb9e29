"""What campaigns read from files: an audience list."""
