"""A campaign's audience in words, the same on the editor's screen and in `crm campaign show`:
its conditions ("segment lost, region Москва"), or "all clients"."""

from __future__ import annotations

from collections.abc import Mapping

from crm_tui.domain.captions import CLIENT_STATUS_NAMES, SEGMENT_NAMES
from crm_tui.i18n import N_, _

OWNS_NAMES = {"ours": N_("owns our product"), "competitor": N_("owns a competitor's"), "any": N_("owns any")}
"""The installed-base condition's choices (``ClientFilter.owns``)."""
AUDIENCE_LABELS = {
    "segment": N_("segment {value}"),
    "status": N_("status {value}"),
    "owner": N_("manager {value}"),
    "region": N_("region {value}"),
    "search": N_("clients found by «{value}»"),
    "owns": "",
    "product": N_("installed «{value}»"),
}


def audience_words(audience: Mapping[str, object]) -> str:
    """The audience in a line, in words: its conditions, or "all clients"."""
    parts = []
    for key, label in AUDIENCE_LABELS.items():
        value = audience.get(key)
        if not value:
            continue
        if key == "segment":
            value = SEGMENT_NAMES.caption(str(value))
        elif key == "status":
            value = CLIENT_STATUS_NAMES.caption(str(value))
        elif key == "owns":
            value = _(OWNS_NAMES.get(str(value), str(value)))
        parts.append(_(label).format(value=value) if label else str(value))
    if audience.get("list"):
        count = len(audience.get("clients") or [])  # type: ignore[arg-type]
        parts.append(_("list {file} ({count})").format(file=audience["list"], count=count))
    return ", ".join(parts) or _("all clients")
