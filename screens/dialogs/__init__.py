"""Modal dialogs: forms that ask for a few values and give them back to their screen."""
