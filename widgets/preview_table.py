"""The import wizard's preview: the first rows of a sheet as the import will read them."""

from __future__ import annotations

from collections.abc import Sequence

from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.values.formatting import phone
from crm_tui.domain.values.text import inert, literal
from crm_tui.i18n import _
from crm_tui.widgets.record_table import Col, RecordTable, clip

PHONES_WIDTH = 16
EMAILS_WIDTH = 16
OWNER_WIDTH = 10


def _more(values: Sequence[str], width: int) -> str:
    """The first value, and "+N" for the others, cut to ``width``."""
    if not values:
        return ""
    extra = f" +{len(values) - 1}" if len(values) > 1 else ""
    return clip(values[0], width - len(extra)) + extra


def row_problems(row: ParsedRow) -> list[str]:
    """What is wrong with one row: its rejection first, then its warnings."""
    problems = [_("rejected: {reason}").format(reason=row.rejection)] if row.rejection else []
    return problems + [str(warning) for warning in row.warnings]


class PreviewTable(RecordTable):
    """Parsed rows: name, legal form, INN, phones, e-mails, owner, next action and a check mark.

    A row with warnings is yellow, a rejected one red; the screen lists the problems in words.
    Row keys are sheet row numbers as strings.

    | Key(s) | Description |
    | :- | :- |
    | up, k | Move the cursor up. |
    | down, j | Move the cursor down. |
    | home | Move to the first row. |
    | end | Move to the last row. |
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                Col(_("Row"), 4, right=True),
                Col(_("Name")),
                Col(_("Form"), 4),
                Col(_("INN"), 12),
                Col(_("Phones"), PHONES_WIDTH, optional=1),
                Col(_("E-mails"), EMAILS_WIDTH, optional=4),
                Col(_("Owner"), OWNER_WIDTH, optional=2),
                Col(_("Next action"), 11, optional=3),
                Col(_("Check"), 10),
            ],
            id=id,
            openable=False,
        )

    def show(self, rows: Sequence[ParsedRow]) -> None:
        theme = self.app.current_theme
        error = theme.error or "red"
        warn = theme.warning or "yellow"
        records = []
        for row in rows:
            if row.rejection:
                style, check = error, _("✗ rejected")
            elif row.warnings:
                style, check = warn, _("! {count} warn.").format(count=len(row.warnings))
            else:
                style, check = "", _("✓ ok")
            cells = [
                str(row.source.row),
                row.name or "—",
                row.legal_form or "",
                row.inn or "",
                _more([phone(p.e164, p.extension) for p in row.phones], PHONES_WIDTH),
                _more([e.value for e in row.emails], EMAILS_WIDTH),
                clip(inert(row.owner), OWNER_WIDTH),
                row.next_action.strftime("%d.%m.%Y") if row.next_action else "",
                check,
            ]
            records.append(
                (
                    str(row.source.row),
                    [literal(c, style=style, no_wrap=True, overflow="ellipsis") for c in cells],
                )
            )
        self.set_records(records, keep_cursor=False)
