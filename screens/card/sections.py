"""The card's read-only sections as Rich renderables, built from the card's read model."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.table import Table
from rich.text import Text

from crm_tui.domain.audit.trail import describe_changes
from crm_tui.domain.captions import DEAL_STATUS_NAMES, timeline_event_name
from crm_tui.domain.clients.card import ChannelInfo, ClientCard
from crm_tui.domain.clients.timeline import TimelinePage
from crm_tui.domain.documents.making import KIND_NAMES, DocumentRow
from crm_tui.domain.portrait.answers import field_text
from crm_tui.domain.values.formatting import local_time, money_figure, money_figures, phone
from crm_tui.domain.values.legal_forms import ENTREPRENEUR
from crm_tui.domain.values.requisites import is_valid_inn
from crm_tui.domain.values.text import inert, literal
from crm_tui.i18n import _, counted, pgettext
from crm_tui.screens.base import kind_label
from crm_tui.screens.dialogs.segments import segment_label
from crm_tui.widgets.client_table import status_label
from crm_tui.widgets.record_table import clip


def channel_text(channel: ChannelInfo) -> str:
    return phone(channel.value, channel.extension) if channel.kind == "phone" else inert(channel.value)


def portrait_view(card: ClientCard) -> Group:
    lines = []
    for line in card.portrait:
        shown = field_text(line.kind, line.value)
        text = Text.assemble((f"{inert(line.label)}: ", "dim"), inert(shown) or "—")
        if not shown and line.required:
            text.append("  " + _("required"), style="bold yellow")
        lines.append(text)
    state = _("{percent}% complete").format(percent=card.completeness_percent)
    if card.missing:
        state += " · " + _("missing: {items} (w)").format(items=", ".join(card.missing))
    lines.append(literal(state, style="bold" if card.missing else "dim"))
    return Group(*lines)


def segment_view(card: ClientCard, tz: ZoneInfo) -> Group:
    bought = (
        _("last purchase {day} · {total} in all").format(
            day=f"{card.last_purchase_on:%d.%m.%Y}", total=money_figure(card.sales_total)
        )
        if card.last_purchase_on
        else _("no purchases in the sales history")
    )
    lines = [
        Text(segment_label(card.segment, card.segment_manual), style="bold"),
        Text(bought, style="dim"),
    ]
    for change in card.segment_history:
        who = change.user if change.manual and change.user else _("recompute")
        lines.append(
            literal(
                f"{local_time(change.at, tz, '%d.%m.%Y')}  {segment_label(change.before)} → "
                f"{segment_label(change.after)}  ({who})",
                style="dim",
            )
        )
    return Group(*lines)


def requisites_view(card: ClientCard) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    # Short labels («Форма», «Р/с», as documents write them) leave a value the 16 cells an
    # OGRN needs at 80 columns; a longer code folds onto a next line rather than end in "…": a
    # cut INN, OGRN or account is a wrong one.
    grid.add_column(overflow="fold")
    kind = _("company") if card.kind == "company" else _("person")
    if card.legal_form == ENTREPRENEUR:
        kind = pgettext("client kind", "individual entrepreneur")
    for label, value in [
        (_("Name"), card.name),
        (pgettext("requisites, short", "Legal form"), card.legal_form),
        (_("Kind"), kind),
        (_("INN"), card.inn),
        (_("KPP"), card.kpp),
        (_("OGRN"), card.ogrn),
        (_("Address"), card.legal_address),
        (_("BIK"), card.bik),
        (pgettext("requisites, short", "Account"), card.account),
        (_("City"), card.city),
        (_("Region"), card.region),
    ]:
        grid.add_row(label, literal(value or "—"))
    if card.inn and not is_valid_inn(card.inn):  # an import keeps a mistyped INN, flagged
        grid.add_row("", Text(_("the INN fails its checksum: check it (u)"), style="bold yellow"))
    if card.same_inn:
        said = counted(
            card.same_inn,
            "{count} more client has this INN: a branch (another KPP) or a copy",
            "{count} more clients have this INN: branches (other KPPs) or copies",
        )
        grid.add_row("", Text(said, style="dim"))
    return grid


def contacts_view(card: ClientCard) -> Group | Text:
    parts: list[Text] = []
    for channel in card.channels:
        parts.append(Text.assemble((_("General: "), "dim"), channel_text(channel)))
    for person in card.contacts:
        line = literal(person.full_name, style="bold")
        if person.position:
            line.append(f" — {inert(person.position)}", style="italic")
        parts.append(line)
        for channel in person.channels:
            parts.append(Text.assemble("  ", channel_text(channel)))
    for former in card.former_contacts:
        was = f" ({former.position})" if former.position else ""
        parts.append(
            literal(
                _("Former: {name}{was}, at «{client}» since {day}").format(
                    name=former.full_name, was=was, client=former.now_at, day=f"{former.left_at:%d.%m.%Y}"
                ),
                style="dim",
            )
        )
    return Group(*parts) if parts else Text(_("No contacts yet."))


def changes_view(card: ClientCard, tz: ZoneInfo) -> Group | Text:
    if not card.changes:
        return Text(_("No changes recorded yet."), style="dim")
    system = _("system")
    return Group(
        *(
            Text.assemble(
                (f"{local_time(line.at, tz, '%d.%m %H:%M')} ", "dim"),
                (f"{inert(line.user) or system}: ", "bold"),
                inert(describe_changes(line, 90)),
            )
            for line in card.changes
        )
    )


ARROWS = {"inbound": "←", "outbound": "→", "internal": "·"}


def timeline_kind(kind: str, direction: str | None) -> str:
    """Touches keep their direction arrow so inbound calls stand out in the timeline."""
    if direction is not None:
        return f"{ARROWS.get(direction, '·')} {kind_label(kind)}"
    return timeline_event_name(kind)


def deal_status_label(status: str) -> str:
    return DEAL_STATUS_NAMES.caption(status)


def installed_view(card: ClientCard) -> Group | Text:
    if not card.installed:
        return Text(_("Nothing recorded: press b to add what the client owns."), style="dim")
    lines = []
    for item in card.installed:
        whose = Text(
            _("ours") if item.ours else _("competitor"), style="green" if item.ours else "bold yellow"
        )
        since = f" · {item.acquired_on:%m.%Y}" if item.acquired_on else ""
        vendor = f" ({item.vendor})" if item.vendor else ""
        lines.append(Text.assemble(whose, inert(f"  {item.quantity} × {item.product}{vendor}{since}")))
        if item.note:
            lines.append(literal(f"   {item.note}", style="dim"))
    return Group(*lines)


def sources_view(card: ClientCard, tz: ZoneInfo) -> Group | Text:
    if not card.sources:
        return Text(_("Entered by hand, not imported."), style="dim")
    return Group(
        *(
            Text.assemble(
                (f"{local_time(src.at, tz, '%d.%m.%Y')} ", "dim"),
                inert(_("{file} · {sheet} · row {row}").format(file=src.file, sheet=src.sheet, row=src.row)),
                ("  " + _("(import {batch})").format(batch=src.batch_id) if src.batch_id else "", "dim"),
            )
            for src in card.sources
        )
    )


Rows = list[tuple[str, list[Text]]]
"""A card table's rows: each row's key and its cells."""


def title_view(card: ClientCard) -> Text:
    title = literal(card.display_name, style="bold")
    title.append("  ")
    title.append(f" {status_label(card.status)} ", style="reverse")
    return title


def facts_view(card: ClientCard) -> Text:
    place = ", ".join(dict.fromkeys(p for p in (card.city, card.region) if p))
    facts = [
        _("INN {inn}").format(inn=card.inn or "—")
        + (" ⚠" if card.inn and not is_valid_inn(card.inn) else ""),
        _("KPP {kpp}").format(kpp=card.kpp or "—"),
        _("OGRN {ogrn}").format(ogrn=card.ogrn or "—"),
        place or _("no city"),
        _("owner {name}").format(name=card.owner or "—"),
        segment_label(card.segment, card.segment_manual),
        _("portrait {percent}%").format(percent=card.completeness_percent),
    ]
    return literal(" · ".join(facts))


def deal_rows(card: ClientCard) -> Rows:
    amounts = money_figures([d.amount for d in card.deals])  # a column: kopecks in every row or none
    return [
        (
            str(d.id),
            [
                literal(d.title, no_wrap=True, overflow="ellipsis"),
                literal(clip(inert(d.stage), 16)),
                Text(amount),
                Text(deal_status_label(d.status), style="dim" if d.status != "open" else ""),
            ],
        )
        for d, amount in zip(card.deals, amounts, strict=True)
    ]


def task_rows(card: ClientCard, tz: ZoneInfo, now: datetime, *, alert: str) -> Rows:
    """Open tasks; an overdue one's date in the theme's ``alert`` colour."""
    return [
        (
            str(t.id),
            [
                Text(
                    local_time(t.due_at, tz, "%d.%m %H:%M"),
                    style=f"bold {alert}" if t.due_at < now else "",
                ),
                literal(t.title, no_wrap=True, overflow="ellipsis"),
                literal(clip(inert(t.assignee) or "—", 18)),
            ],
        )
        for t in card.tasks
    ]


def timeline_rows(page: TimelinePage, tz: ZoneInfo) -> Rows:
    return [
        (
            f"{e.source}:{e.row}",
            [
                Text(local_time(e.at, tz, "%d.%m %H:%M")),
                Text(timeline_kind(e.kind, e.direction)),
                literal(clip(inert(e.user) or "—", 16)),
                literal(e.text, no_wrap=True, overflow="ellipsis"),
            ],
        )
        for e in page.entries
    ]


def card_documents_view(documents: list[DocumentRow]) -> Text:
    """The newest documents of the client's deals on one line each: what, when, how much, paid."""
    text = Text()
    for doc in documents[:3]:
        if text:
            text.append("\n")
        kind = _(KIND_NAMES[doc.kind]).capitalize()
        what = f"{kind} № {doc.number}"
        line = f"{what} · {doc.doc_date:%d.%m.%Y} · {money_figure(doc.amount)}"
        if doc.kind == "invoice":
            line += " · " + (
                _("paid") if doc.paid else _("paid {amount}").format(amount=money_figure(doc.paid_amount))
            )
        text.append(line, style="dim")
    return text
