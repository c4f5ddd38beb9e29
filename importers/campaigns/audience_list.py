"""A campaign's audience from a spreadsheet: each row matched to a client by INN, then e-mail,
then name, through the matching the order import uses (a name alone only when exactly one
client bears it and its INN does not contradict the row's). Unmatched rows are reported with
their row numbers; nothing is guessed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.access.visibility import clients_within
from crm_tui.domain.campaigns.audience_list import AudienceList, UnmatchedRow
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.cells import Cell, is_blank
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.legal_forms import split_legal_form
from crm_tui.domain.values.requisites import normalise_inn
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.importers.files.header import find_header, iter_data_rows
from crm_tui.importers.files.mapping import match_field
from crm_tui.importers.files.reading import read_sheet
from crm_tui.importers.orders.matching import ClientIndex
from crm_tui.storage.models import ChannelKind, channels, clients

WANTED = ("inn", "email", "name")


def _cell(values: list[Cell], index: int | None) -> Cell:
    return None if index is None or index >= len(values) else values[index]


def read_audience_list(ws: Workspace, path: Path) -> AudienceList:
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    data = read_sheet(path)
    header, rows = find_header(data.rows, first_column=data.first_column, match=match_field)
    if header is None:
        raise ImportFileError(data.file, "empty", N_("{file}: the sheet is empty"))
    columns: dict[str, int] = {}
    for position, label in enumerate(header.labels):
        field, score = match_field(label)
        if field in WANTED and score >= 80 and field not in columns:
            columns[field] = position
    if not columns:
        listed = ", ".join(f"'{h}'" for h in header.labels if h)
        raise ImportFileError(
            data.file,
            "no_client_columns",
            N_("{file}: no column of INN, e-mail or client name (the columns are {columns})"),
            columns=listed,
        )
    parsed: list[tuple[int, str | None, str | None, str, str]] = []
    for row in iter_data_rows(rows, header):
        values = list(row.values)
        inn = normalise_inn(_cell(values, columns.get("inn"))).value
        emails = normalise_emails(_cell(values, columns.get("email"))).value
        raw_name = _cell(values, columns.get("name"))
        name = split_legal_form(raw_name).value if not is_blank(raw_name) else None
        shown = name.display() if name is not None and name.name else ""
        key = fold(name.name) if name is not None and name.name else ""
        parsed.append((row.number, inn, emails[0].value if emails else None, key, shown))
    with ws.read() as session:
        index = ClientIndex.load(session, (p[1] for p in parsed if p[1]), (p[3] for p in parsed if p[3]))
        by_email: dict[str, list[int]] = {}
        wanted = sorted({p[2] for p in parsed if p[2]})
        for start in range(0, len(wanted), 900):
            for client_id, value in session.execute(
                select(channels.c.client_id, channels.c.value).where(
                    channels.c.kind == ChannelKind.EMAIL.value,
                    channels.c.value.in_(wanted[start : start + 900]),
                )
            ):
                ids = by_email.setdefault(str(value), [])
                if int(client_id) not in ids:
                    ids.append(int(client_id))
    matched = [_match(index, by_email, inn, email, key, shown) for _, inn, email, key, shown in parsed]
    visible = _visible(ws, {client_id for client_id, _ in matched if client_id is not None})
    found: list[int] = []
    unmatched: list[UnmatchedRow] = []
    for (number, *_), (client_id, why) in zip(parsed, matched, strict=True):
        if client_id is not None and client_id not in visible:  # as if it were not in the base
            unmatched.append(UnmatchedRow(number, Message("list.not_found", N_("no such client"))))
        elif client_id is None:
            unmatched.append(
                UnmatchedRow(number, why or Message("list.no_keys", N_("no INN, e-mail or name")))
            )
        elif client_id not in found:
            found.append(client_id)
    return AudienceList(data.file, tuple(found), tuple(unmatched))


def _visible(ws: Workspace, ids: set[int]) -> set[int]:
    """Those of ``ids`` the person may see: a list cannot reach past their scope."""
    wanted = sorted(ids)
    seen: set[int] = set()
    with ws.read() as session:
        for start in range(0, len(wanted), 900):
            seen.update(
                int(i)
                for i in session.scalars(
                    select(clients.c.id).where(
                        clients.c.id.in_(wanted[start : start + 900]),
                        clients_within(ws.viewer, Capability.SEE_CLIENTS),
                    )
                )
            )
    return seen


def _match(
    index: ClientIndex,
    by_email: dict[str, list[int]],
    inn: str | None,
    email: str | None,
    key: str,
    shown: str,
) -> tuple[int | None, Message | None]:
    if inn and inn in index.by_inn:
        return index.match(inn, key, shown)
    if email:
        owners = by_email.get(email, [])
        if len(owners) == 1:
            return owners[0], None
        if len(owners) > 1:
            return None, Message(
                "list.email_shared",
                N_("{count} clients have the e-mail {email}: add the INN to the file"),
                count=len(owners),
                email=email,
            )
    if key:
        return index.match(inn, key, shown)
    if inn or email:
        return None, Message(
            "list.unknown",
            N_("no client with INN {inn} or e-mail {email}"),
            inn=inn or "-",
            email=email or "-",
        )
    return None, None
