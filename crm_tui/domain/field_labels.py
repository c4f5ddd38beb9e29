"""How a client's field is named in a message: in English its key (what ``--map`` and the
requisites take), in Russian its name. Apart from the clients' editing so that the import's
parsing process, which reads no base, names fields without loading the database layer.
"""

from __future__ import annotations

from crm_tui.i18n import N_, Phrase

FIELD_LABELS = {
    "name": N_("name"),
    "legal_form": N_("legal_form"),
    "inn": N_("inn"),
    "kpp": N_("kpp"),
    "inn_kpp": N_("inn_kpp"),
    "ogrn": N_("ogrn"),
    "legal_address": N_("legal_address"),
    "bik": N_("bik"),
    "account": N_("account"),
    "city": N_("city"),
    "region": N_("region"),
    "status": N_("status"),
    "phone": N_("phone"),
    "email": N_("email"),
    "contact_name": N_("contact_name"),
    "contact_position": N_("contact_position"),
    "owner": N_("owner"),
    "next_action": N_("next_action"),
    "note": N_("note"),
    "deal_amount": N_("deal_amount"),
    "address": N_("address"),
}
"""How a client's field, as edited or imported, is named in a message: in English its key (what
``--map`` and the requisites take), in Russian its name."""


def field_label(key: str) -> Phrase | str:
    """``key``'s name in a message (a key without one is shown as it is)."""
    return Phrase(FIELD_LABELS[key]) if key in FIELD_LABELS else key
