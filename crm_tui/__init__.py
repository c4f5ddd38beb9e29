"""crm_tui: a keyboard-driven CRM for sales teams that runs in the terminal."""

__version__ = "0.1.0"
