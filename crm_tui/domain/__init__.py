"""The rules of the sales process. Plain Python over storage: no Textual, no Typer."""
