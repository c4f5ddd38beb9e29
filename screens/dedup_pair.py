"""The pair under review: where the person is (``Review``) and how one side of it is drawn,
field by field (``side_table``), for the duplicate review screen."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from crm_tui.domain.duplicates.pairs import SIDE_FIELDS, ClientSide, Pair
from crm_tui.domain.values.formatting import phone
from crm_tui.domain.values.text import literal
from crm_tui.i18n import N_, _
from crm_tui.widgets.client_table import status_label

FIELD_LABELS = {
    "name": N_("Name"),
    "legal_form": N_("Legal form"),
    "inn": N_("INN"),
    "kpp": N_("KPP"),
    "ogrn": N_("OGRN"),
    "city": N_("City"),
    "region": N_("Region"),
    "owner": N_("Owner"),
    "status": N_("Status"),
}
SIDE_EXTRAS = (N_("Phones"), N_("E-mails"), N_("Contacts"), N_("Deals"), N_("Sources"))
"""The rows under the fields: what each record has (msgids)."""
TAKE_FIELDS = {"name", "legal_form", "inn", "kpp", "ogrn", "city", "region", "status"}
"""Fields whose value the person may take from the other record (owner moves by handover)."""


@dataclass
class Review:
    """Where the person is: the pairs left, the current one, and the field choices made."""

    pairs: list[Pair] = field(default_factory=list)
    index: int = 0
    survivor_left: bool = True
    cursor: int = 0
    take_other: set[str] = field(default_factory=set)

    @property
    def pair(self) -> Pair | None:
        return self.pairs[self.index] if 0 <= self.index < len(self.pairs) else None


def side_table(this: ClientSide, other: ClientSide, survives: bool, review: Review, room: int) -> Table:
    """One record of the pair as a table of its fields, what differs from the other in yellow, the
    values the merge keeps ticked; ``room`` is the side's width (the labels' column widens when a
    quarter of it is too narrow for them)."""
    title = Text(f"#{this.id} ", style="bold")
    title.append(_("survives") if survives else _("merged away"), style="bold green" if survives else "dim")
    table = Table(title=title, show_header=False, expand=True, box=None, padding=(0, 1))
    labels = [_(FIELD_LABELS[name]) for name in SIDE_FIELDS] + [_(x) for x in SIDE_EXTRAS]
    longest = max(cell_len(label) for label in labels)
    if longest > room // 4:  # a quarter is too narrow for the labels (Russian ones are long)
        table.add_column(width=longest, style="dim")
        table.add_column(ratio=1)
    else:
        table.add_column(ratio=1, style="dim")
        table.add_column(ratio=3)
    for index, name in enumerate(SIDE_FIELDS):
        value = this.fields[name]
        differs = value != other.fields[name]
        if name == "status" and value:
            value = status_label(value)
        style = "bold yellow" if differs else ""
        chosen = name in review.take_other and not survives and differs
        kept = (name not in review.take_other) == survives and differs
        cell = literal(value or "—", style=style)
        if chosen or kept:
            cell.append("  ✓", style="green")
        label = Text(_(FIELD_LABELS[name]), style="reverse" if index == review.cursor else "")
        table.add_row(label, cell)
    phones, emails, contacts, deals, sources = (_(label) for label in SIDE_EXTRAS)
    table.add_row(phones, literal(", ".join(phone(p) for p in this.phones) or "—"))
    table.add_row(emails, literal(", ".join(this.emails) or "—"))
    table.add_row(contacts, str(this.contacts))
    table.add_row(deals, str(this.deals))
    table.add_row(sources, literal("\n".join(this.sources) or "—", multiline=True))
    return table
