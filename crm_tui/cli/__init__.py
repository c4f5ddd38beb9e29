"""The `crm` command. Only this package imports Typer; no command imports Textual but the TUI."""

from crm_tui.cli.main import main

__all__ = ["main"]
