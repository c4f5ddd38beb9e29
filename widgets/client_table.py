"""The clients list as a table of one SQL page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from crm_tui.domain.captions import CLIENT_STATUS_NAMES
from crm_tui.domain.clients import ClientStatus
from crm_tui.domain.clients.listing import ClientRow
from crm_tui.domain.values.formatting import phone
from crm_tui.domain.values.text import inert
from crm_tui.i18n import _
from crm_tui.widgets.record_table import Col, RecordTable, clip
from crm_tui.widgets.table_lines import TableCell

CITY_WIDTH = 12
OWNER_WIDTH = 18


def status_label(status: str) -> str:
    return CLIENT_STATUS_NAMES.caption(status)


NAME_WANTED = 24
"""Cells the client's name should have before the INN, form and city columns are kept: at 80
columns the name comes first (the INN is found by the search all the same)."""


class ClientTable(RecordTable):
    """One page of clients; the screen fetches pages (keyset, in SQL) and hands them over.

    Row keys are client ids as strings; `selected_client_id` gives the one under the cursor.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the client under the cursor. |
    | up, k | Move the cursor up. |
    | down, j | Move the cursor down. |
    | home | Move to the first row. |
    | end | Move to the last row. |
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                Col(_("Client")),
                Col(_("Form"), 5, optional=2),
                Col(_("INN"), 12, optional=1),
                Col(_("City"), CITY_WIDTH, optional=3),
                Col(_("Phone"), 16),
                Col(_("Owner"), OWNER_WIDTH),
                Col(_("Status"), max(8, *(cell_len(status_label(s)) for s in ClientStatus))),
            ],
            id=id,
            flex_wanted=NAME_WANTED,
        )

    @property
    def selected_client_id(self) -> int | None:
        key = self.selected_key
        return None if key is None else int(key)

    def show_page(self, rows: Sequence[ClientRow], *, keep_cursor: bool = False) -> None:
        self.set_records(
            (
                (
                    str(row.id),
                    [
                        TableCell(inert(row.name), no_wrap=True, overflow="ellipsis"),
                        TableCell(inert(row.legal_form)),
                        TableCell(inert(row.inn)),
                        TableCell(clip(inert(row.city), CITY_WIDTH)),
                        TableCell(inert(phone(row.phone)) if row.phone else ""),
                        TableCell(clip(inert(row.owner), OWNER_WIDTH)),
                        TableCell(status_label(row.status)),
                    ],
                )
                for row in rows
            ),
            keep_cursor=keep_cursor,
        )
