"""Why two clients look like one company, in words.

The scan (``importers/dedup/rules.py``) gives its reasons as short English phrases, and merges
keep them in the base as given ("same INN", "name 87", "same phone +74951112233"); ``--json``
shows them so. A person reads them here, in the language in force.
"""

from __future__ import annotations

import re

from crm_tui.domain.values.region_cities import REGIONS
from crm_tui.i18n import NC_, _, counted, pgettext

_FIXED = {
    "same INN": NC_("duplicate reason", "same INN"),
    "different KPP: branches": NC_("duplicate reason", "different KPP: branches"),
    "same city": NC_("duplicate reason", "same city"),
    "different city": NC_("duplicate reason", "different city"),
    "a name no one else bears": NC_("duplicate reason", "a name no one else bears"),
    "different city: a branch?": NC_("duplicate reason", "different city: a branch?"),
    "different e-mail domains": NC_("duplicate reason", "different e-mail domains"),
    "different phones": NC_("duplicate reason", "different phones"),
}
_FAMILY = re.compile(r"family ([0-9]+) ([0-9]+)")
_WITH_VALUE = re.compile(r"(name|same e-mail|same phone|same domain|same contact|same region) (.+)")
_VALUED = {
    "name": NC_("duplicate reason", "name {value}"),
    "same e-mail": NC_("duplicate reason", "same e-mail {value}"),
    "same phone": NC_("duplicate reason", "same phone {value}"),
    "same domain": NC_("duplicate reason", "same e-mail domain {value}"),
    "same contact": NC_("duplicate reason", "same contact person {value}"),
    "same region": NC_("duplicate reason", "same region: {value}"),
}


def reason_text(reason: str) -> str:
    """One reason in words; one this release does not know reads as it was stored."""
    if reason in _FIXED:
        return pgettext("duplicate reason", _FIXED[reason])
    family = _FAMILY.fullmatch(reason)
    if family:
        clients, kpps = int(family.group(1)), int(family.group(2))
        return _("{clients} of one INN, {kpps}").format(
            clients=counted(clients, "{count} client", "{count} clients"),
            kpps=counted(kpps, "{count} KPP", "{count} KPPs"),
        )
    found = _WITH_VALUE.fullmatch(reason)
    if found:
        kind, value = found.groups()
        said = pgettext("duplicate reason", _VALUED[kind])
        if kind == "same region":  # stored as the region's code: "same region 78"
            value = REGIONS.get(value, (value, ""))[0]
        return said.format(value=value)
    return reason


def reasons_text(reasons: tuple[str, ...] | list[str]) -> str:
    return ", ".join(reason_text(r) for r in reasons)
