"""Our company's requisites: what every contract and invoice says about the supplier.

Kept by an admin as one team-wide setting, checked by the same parsers and checksums as a
client's requisites (``clients.edit``), so a mistyped INN, BIK or account is refused the same way
wherever it is typed. A document cannot be made while a field it prints is empty
(``documents.context``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit.trail import record
from crm_tui.domain.clients.edit import check_requisites, clean_requisites
from crm_tui.domain.deals.lines import read_vat
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.domain.values.requisites import is_valid_account, is_valid_bik
from crm_tui.domain.values.text import normalise_text
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, _

COMPANY_KEY = "company"
NO_VAT = "none"


@dataclass(frozen=True)
class Company:
    name: str = ""
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    address: str = ""
    bank: str = ""
    bik: str = ""
    corr_account: str = ""
    account: str = ""
    director: str = ""
    accountant: str = ""
    director_genitive: str = ""
    """Who signs, as «в лице ...» needs it: "директора Соколова Андрея Викторовича" is written
    "Соколова Андрея Викторовича" (the genitive, typed by a person as in 1C); empty, the
    contracts print the nominative ``director``."""
    vat: str = NO_VAT
    """``none`` (not subject to VAT: "Без НДС") or the rate in percent ("20")."""

    @property
    def vat_rate(self) -> int | None:
        return None if self.vat == NO_VAT else int(self.vat)


def vat_mode_words(vat: str) -> str:
    """The VAT mode as a person reads it: 'без НДС' / 'not subject to VAT', 'НДС 20%' / 'VAT 20%'."""
    if vat == NO_VAT:
        return _("not subject to VAT")
    return _("VAT {rate}%").format(rate=vat)


FIELDS = tuple(Company.__dataclass_fields__)
LABELS: Mapping[str, str] = {
    "name": N_("company name"),
    "inn": N_("INN"),
    "kpp": N_("KPP"),
    "ogrn": N_("OGRN"),
    "address": N_("legal address"),
    "bank": N_("bank"),
    "bik": N_("BIK"),
    "corr_account": N_("correspondent account"),
    "account": N_("settlement account"),
    "director": N_("director"),
    "accountant": N_("chief accountant"),
    "director_genitive": N_("director in the genitive (в лице кого)"),
    "vat": N_("VAT mode"),
}
"""How a field is named in a message (the list of what is missing)."""
REQUIRED = ("name", "inn", "address", "bank", "bik", "corr_account", "account", "director")
"""What an invoice cannot go without (a KPP only a company has; a sole trader signs alone)."""
_LONG = {
    "name": 300,
    "address": 500,
    "bank": 300,
    "director": 200,
    "accountant": 200,
    "director_genitive": 200,
}


def company(session: Session) -> Company:
    stored = get_setting(session, COMPANY_KEY, {}) or {}
    return Company(**{k: str(v) for k, v in stored.items() if k in FIELDS and v is not None})


def read_company(ws: Workspace) -> Company:
    """Anyone may read them: they are printed on every document."""
    with ws.read() as session:
        return company(session)


def _read_vat(text: str) -> str:
    try:
        rate = read_vat(text)
    except InvalidInput:
        raise InvalidInput(
            "company.vat_invalid",
            N_("vat: {text!r} is not a VAT mode: none (без НДС) or a rate such as 20"),
            field="vat",
            text=text,
        ) from None
    return NO_VAT if rate is None else str(rate)


def set_company(ws: Workspace, changes: Mapping[str, str]) -> Company:
    """Change the given fields (an empty text empties one); refused naming the first bad field."""
    require(ws.viewer, Capability.EDIT_COMPANY)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise InvalidInput(
            "company.field_unknown",
            N_("field {field!r} is not one of our requisites: {fields}"),
            field=unknown[0],
            fields=", ".join(FIELDS),
        )
    typed = {k: v for k, v in changes.items() if k in ("inn", "kpp", "ogrn", "bik", "account")}
    cleaned: dict[str, str] = {k: v or "" for k, v in clean_requisites(typed).items()}
    for key, text in changes.items():
        if key in cleaned:
            continue
        if key == "vat":
            cleaned[key] = _read_vat(text)
        elif key == "corr_account":
            cleaned[key] = "".join(ch for ch in text if ch not in " -")
        else:
            cleaned[key] = normalise_text(text).value or ""
            limit = _LONG.get(key, 300)
            if len(cleaned[key]) > limit:
                raise InvalidInput(
                    "company.too_long",
                    N_("{field}: at most {count} characters"),
                    field=key,
                    count=limit,
                )
    with ws.write() as session:
        current = company(session)
        merged = {**asdict(current), **cleaned}
        check_requisites(merged, {k: v for k, v in cleaned.items() if v})
        corr, bik = merged["corr_account"], merged["bik"]
        touched = cleaned.get("corr_account") or (cleaned.get("bik") and corr)
        if touched and not (is_valid_bik(bik) and is_valid_account(corr, bik) and corr.startswith("30101")):
            raise InvalidInput(
                "company.corr_invalid",
                N_("corr_account: {account} is not the correspondent account of BIK {bik} (30101...)"),
                field="corr_account",
                account=corr,
                bik=bik,
            )
        changed = {k: [getattr(current, k), v] for k, v in cleaned.items() if getattr(current, k) != v}
        put_setting(session, COMPANY_KEY, merged, at=ws.now(), user_id=ws.viewer.user_id)
        if changed:
            record(
                session, at=ws.now(), user_id=ws.viewer.user_id, entity="company", entity_id=0,
                action="edit", changes=changed,
            )  # fmt: skip
        return Company(**merged)


def missing(found: Company) -> list[str]:
    """The required fields still empty, by key."""
    return [key for key in REQUIRED if not getattr(found, key)]
