"""Three managers' files made apart from the trap set, for figures on data the rules were not
written against (issue 27).

The trap set (``dedup_files``) plants each kind of trap once, by hand. This one draws 2,500
companies from the demo's generator (its brands repeat across cities as real names do: a
"СтройСервис" in Липецк and another in Воронеж, different legal entities) and writes each into
one to three files the way three managers would have typed it, with the noise the issue met:
legal forms moved or dropped, a letter lost, a Latin spelling, INNs missing or stored as numbers,
phones in any format or a business centre's switchboard, a company mailbox one manager knew and
another did not, a personal mailbox at a public service, no city. A few companies are branches
(one INN, their own KPPs) and a few pairs belong to one holding (one domain, two names). Each
row is tagged with the company it is; nothing in the rules was tuned to this file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from crm_tui.demo import vocabulary as v
from crm_tui.demo.forge import Company, Forge
from tests.importers.files import write_rows_xlsx

HEADER = ["Контрагент", "ИНН", "КПП", "Телефон", "Почта", "Город", "Контакт"]
SWITCHBOARDS = ("+7 (495) 980-10-00", "8 (473) 220-00-00", "8 4742 500-500")
"""Business centres' switchboards: every tenant's file may give the reception's number."""


@dataclass
class Unseen:
    files: list[Path]
    truth: dict[tuple[str, int], str] = field(default_factory=dict)
    companies: int = 0


@dataclass
class _Firm:
    key: str
    company: Company
    city: v.City
    phone: str
    mailboxes: list[str]
    personal: str
    contact: str


def _latin(name: str) -> str:
    """A Latin spelling as a manager types it from a business card."""
    return " ".join(part.capitalize() for part in v.translit(name).split("-"))


def _dropped_letter(rng: random.Random, name: str) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha() and ch.islower()]
    if len(letters) < 5:
        return name
    i = rng.choice(letters[1:-1])
    return name[:i] + name[i + 1 :]


def _name(rng: random.Random, firm: _Firm, copy: int) -> str:
    company = firm.company
    form = company.legal_form
    if company.kind == "person" or form is None:
        return company.name
    if form == "ИП":
        styles = [f"ИП {company.name}", f"{company.name} ИП", f"ИП {firm.contact}"]
        return styles[0] if copy == 0 else rng.choice(styles[:2])
    brand = company.name
    roll = rng.random()
    if copy and roll < 0.08:
        brand = _dropped_letter(rng, brand)
    elif copy and roll < 0.11:
        return f"{_latin(brand)} LLC" if form == "ООО" else _latin(brand)
    return rng.choice(
        [f"{form} «{brand}»", f'{form} "{brand}"', f"{brand} {form}", brand, f"{form.lower()} {brand}"]
    )


def _phone_cell(rng: random.Random, e164: str) -> object:
    d = e164[2:]
    style = rng.randrange(4)
    if style == 0:
        return f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"
    if style == 1:
        return int("8" + d)
    if style == 2:
        return f"+7 {d[:3]} {d[3:]}"
    return f"8{d}"


def _row(rng: random.Random, firm: _Firm, copy: int, switchboard: str | None) -> list[object]:
    company = firm.company
    inn: object = None
    if company.inn and rng.random() < (0.8 if copy == 0 else 0.45):
        inn = int(company.inn) if rng.random() < 0.3 else company.inn
    kpp = company.kpp if inn is not None and rng.random() < 0.5 else None
    phone: object = None
    roll = rng.random()
    if switchboard is not None and roll < 0.5:
        phone = switchboard
    elif roll < 0.75:
        phone = _phone_cell(rng, firm.phone)
    email: object = None
    roll = rng.random()
    if firm.mailboxes and roll < 0.55:
        email = firm.mailboxes[copy % len(firm.mailboxes)]
    elif roll < 0.7:
        email = firm.personal
    city = firm.city.name if rng.random() < 0.85 else None
    return [
        _name(rng, firm, copy),
        inn,
        kpp,
        phone,
        email,
        city,
        firm.contact if rng.random() < 0.6 else None,
    ]


def build(folder: Path, seed: int = 2027, companies: int = 2500) -> Unseen:
    rng = random.Random(seed)
    forge = Forge(random.Random(seed + 1))
    cities = [city for region in v.REGIONS for city in region.cities]
    firms: list[_Firm] = []
    for n in range(companies):
        city = rng.choice(cities)
        company = forge.company(city)
        person = forge.person()
        mailboxes = [forge.company_email(company.domain) for _ in range(2)] if company.domain else []
        firms.append(
            _Firm(
                f"c{n}",
                company,
                city,
                forge.landline(city).e164,
                mailboxes,
                forge.personal_email(person),
                f"{person.surname} {person.first}",
            )
        )
    # Branches: one INN, their own KPPs and cities; one legal entity, separate clients by design.
    for n, head in enumerate(f for f in firms[:400] if f.company.legal_form == "ООО"):
        if n >= 12:
            break
        city = rng.choice(cities)
        kpp = head.company.inn[:4] + f"{n + 2:02d}" + "001" if head.company.inn else None
        branch = Company(
            head.company.name, "ООО", "company", head.company.inn, kpp, None, head.company.domain, None
        )
        firms.append(
            _Firm(
                f"{head.key}-branch",
                branch,
                city,
                forge.landline(city).e164,
                [],
                forge.personal_email(forge.person()),
                head.contact,
            )
        )
    # A holding's companies: one domain, other names, other INNs.
    for n in range(10):
        first = firms[400 + n * 2]
        if not first.mailboxes:
            continue
        domain = first.mailboxes[0].split("@")[1]
        sister = firms[401 + n * 2]
        sister.mailboxes = [forge.company_email(domain)]
    tenants = {id(f): rng.choice(SWITCHBOARDS) for f in rng.sample(firms, 60)}
    rows: list[list[tuple[str, list[object]]]] = [[], [], []]
    for firm in firms:
        files = rng.sample(range(3), k=rng.choices((1, 2, 3), weights=(45, 40, 15))[0])
        for copy, f in enumerate(files):
            rows[f].append((firm.key, _row(rng, firm, copy, tenants.get(id(firm)))))
    unseen = Unseen(files=[], companies=len(firms))
    for index, file_rows in enumerate(rows):
        rng.shuffle(file_rows)
        path = folder / f"unseen{index + 1}.xlsx"
        write_rows_xlsx(path, [HEADER, *[r for _, r in file_rows]], sheet_name="Контрагенты")
        unseen.files.append(path)
        for number, (key, _) in enumerate(file_rows, start=2):
            unseen.truth[path.name, number] = key
    return unseen
