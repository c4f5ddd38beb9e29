"""The audience's options, the same for `crm campaign add` and `crm campaign edit`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Segment = Annotated[str | None, typer.Option("--segment", help="Audience: clients of this segment.")]
Status = Annotated[str | None, typer.Option("--status", help="Audience: clients of this status.")]
Owner = Annotated[str | None, typer.Option("--owner", help="Audience: clients of this manager (login).")]
Region = Annotated[str | None, typer.Option("--region", help="Audience: clients of this region.")]
Search = Annotated[
    str | None, typer.Option("--search", help="Audience: a saved clients filter (the list's search).")
]
Installed = Annotated[
    str | None, typer.Option("--installed", help="Audience: owning ours, competitor or any product.")
]
Product = Annotated[
    str | None, typer.Option("--product", help="Audience: an installed product or vendor like this.")
]
ListFile = Annotated[
    Path | None,
    typer.Option("--list", help="Audience: the clients of a spreadsheet (INN, e-mail, name)."),
]
